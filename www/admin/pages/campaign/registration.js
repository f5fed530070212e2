// The registration form section: the fields players fill in before they
// play (type, label, key, required) and the consent checkbox.
import { FIELD_KINDS, keyedBy, named } from "../../api-names.js";
import { h } from "../../dom.js";
import { field } from "../../ui.js";
import { area, check, section, select, text } from "./controls.js";
import { removeButton, rowList, rowPaths } from "./rows.js";

const FIELD_LABELS = keyedBy(FIELD_KINDS, { email: "Email", name: "Name", phone: "Phone", text: "Custom text" });
const FIELD_TYPES = FIELD_KINDS.map((kind) => [kind, FIELD_LABELS[kind]]);
/** The one kind of field whose key the admin names (the others' key is their kind). */
const CUSTOM_TEXT = named(FIELD_KINDS, "text");

/** The fields and consent of `form` (the definition's); `read(errors)` gives them back. */
export function registrationSection(form) {
  const fields = rowList("definition.form.fields", formFieldRow, form?.fields ?? [], { add: "Add field", max: 20 });
  const consent = form?.consent;
  const askConsent = check("consent-on", "Ask for consent with a checkbox under the form", Boolean(consent));
  const consentLabel = area({ value: consent?.label ?? "Send me news and offers. I can unsubscribe at any time.", maxlength: "1000", rows: "2" });
  const consentRequired = check("definition.form.consent.required", "Players must tick it to play", consent?.required ?? true);
  const consentBox = h("div", { class: "subfields", hidden: !consent },
    field({ name: "definition.form.consent.label", label: "Consent text", input: consentLabel }),
    consentRequired.wrapper);
  askConsent.input.addEventListener("change", () => { consentBox.hidden = !askConsent.input.checked; });
  const node = section("form", "Registration form", "What players fill in before they play. Each value is stored on the player under its key, and sent in the player.created and player.updated events.",
    fields.nodes,
    h("div", { class: "consent" }, askConsent.wrapper, consentBox));
  return {
    node,
    read: (errors) => ({
      fields: fields.read(errors),
      ...(askConsent.input.checked && { consent: { label: consentLabel.value, required: consentRequired.input.checked } }),
    }),
  };
}

function formFieldRow(item) {
  const type = select(FIELD_TYPES, item?.type ?? CUSTOM_TEXT);
  const label = text({ value: item?.label ?? "", maxlength: "200", placeholder: "Shoe size" });
  const key = text({ value: item?.key ?? "", maxlength: "40", spellcheck: "false", placeholder: "shoe_size" });
  const required = check("required", "Required", item?.required ?? false);
  // A new field's key follows its label until it is edited.
  let keyEdited = Boolean(item);
  key.addEventListener("input", () => { keyEdited = true; });
  const follow = () => {
    if (keyEdited) return;
    key.value = type.value === CUSTOM_TEXT ? slug(label.value) : type.value;
  };
  label.addEventListener("input", follow);
  type.addEventListener("change", () => {
    if (!label.value || FIELD_TYPES.some(([, l]) => l === label.value)) label.value = FIELD_TYPES.find(([t]) => t === type.value)[1];
    follow();
  });
  const paths = rowPaths();
  const { at } = paths;
  const remove = removeButton("", () => row.remove());
  const node = at(h("div", { class: "row-card form-field" },
    h("p", { class: "field-error", hidden: true }),
    h("div", { class: "grid-form-field" },
      at(field({ name: "type", label: "Type", input: type }), "type"),
      at(field({ name: "label", label: "Label", input: label }), "label"),
      at(field({ name: "key", label: "Key", input: key }), "key")),
    h("div", { class: "row-footer" }, at(required.wrapper, "required"), remove)), "");
  const row = {
    node,
    setIndex(i, path) {
      remove.setAttribute("aria-label", `Remove field ${i + 1}`);
      paths.set(path);
    },
    read: () => ({ key: key.value.trim(), type: type.value, label: label.value, required: required.input.checked }),
  };
  return row;
}

/** "Shoe size" → "shoe_size": a form field's key from its label. */
function slug(label) {
  return label.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40);
}
