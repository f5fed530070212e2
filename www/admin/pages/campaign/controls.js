// The editor's controls: inputs with the editor's defaults, checkboxes and
// option cards that carry their own field error, colours, and the section
// card every part of the editor sits in.
import { h, uid } from "../../dom.js";
import { field } from "../../ui.js";

export function text(props = {}) {
  return h("input", { type: "text", autocomplete: "off", ...props });
}

export function number(props = {}) {
  return h("input", { type: "number", min: "0", step: "1", inputmode: "numeric", ...props });
}

export function area(props = {}) {
  return h("textarea", { rows: "3", ...props });
}

export function select(options, value) {
  return h("select", null, options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
}

/** A checkbox with its label beside it, as a field (`data-field`) of its own. */
export function check(name, label, checked) {
  const input = h("input", { type: "checkbox", checked });
  const wrapper = h("div", { class: "field field-check", "data-field": name },
    h("label", { class: "check" }, input, h("span", null, label)),
    h("p", { class: "field-error", hidden: true }));
  return { wrapper, input };
}

/** Options as cards with a title and a hint each; `value()` is the chosen one. */
export function radioCards(name, legend, options, value) {
  const group = uid(name);
  const inputs = options.map(([v]) => h("input", { type: "radio", name: group, value: v, checked: v === value }));
  const wrapper = h("fieldset", { class: "field radio-cards", "data-field": name },
    h("legend", null, legend),
    h("div", { class: "cards" }, options.map(([, title, hint], i) => h("label", { class: "radio-card" },
      inputs[i], h("span", null, h("span", { class: "radio-card-title" }, title), hint && h("span", { class: "radio-card-hint" }, hint))))),
    h("p", { class: "field-error", hidden: true }));
  return { wrapper, value: () => inputs.find((i) => i.checked)?.value ?? value };
}

/** A colour as a picker and its #rrggbb text, kept in step. */
export function colourField(name, label, value, hint) {
  const hex = text({ value, maxlength: "7", spellcheck: "false", class: "mono colour-hex" });
  const picker = h("input", { type: "color", value: /^#[0-9a-f]{6}$/i.test(value) ? value : "#000000", "aria-label": `${label}: colour picker`, tabindex: "-1" });
  picker.addEventListener("input", () => { hex.value = picker.value; });
  hex.addEventListener("input", () => {
    if (/^#[0-9a-f]{6}$/i.test(hex.value.trim())) picker.value = hex.value.trim().toLowerCase();
  });
  const wrapper = field({ name, label, input: hex, hint });
  const box = h("div", { class: "colour-input" });
  hex.replaceWith(box);
  box.append(picker, hex);
  return { wrapper, value: () => hex.value.trim() };
}

/** One section of the editor: a card titled `title`, with `lead` under it. */
export function section(id, title, lead, ...content) {
  return h("section", { class: "card editor-section", "aria-labelledby": `section-${id}`, "data-section": id },
    h("div", { class: "card-header" },
      h("h2", { id: `section-${id}` }, title),
      lead && h("p", { class: "muted" }, lead)),
    h("div", { class: "form" }, content));
}
