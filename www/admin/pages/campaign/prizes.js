// The prizes section: a row per prize (name, description, weight with its
// share of plays, stock and codes) and the "no prize" outcome. A saved
// campaign's prizes start collapsed to a summary line each, which expands.
import { h, uid } from "../../dom.js";
import { field } from "../../ui.js";
import { number, section, text } from "./controls.js";
import { prizeCodes } from "./prize-codes.js";
import { removeButton, rowList, rowPaths } from "./rows.js";

/**
 * The prizes of `definition` and its "no prize"; `states` are the saved
 * prizes' live states (stock left, codes), `changed()` is called when a
 * codes file is read; `collapsed` starts the given prizes collapsed (an
 * added one is always open).
 */
export function prizesSection(definition, states, changed, { collapsed = false } = {}) {
  const prizes = rowList("definition.prizes", (prize) => prizeRow(prize, states?.find((p) => p.id === prize?.id), changed, collapsed && prize !== null),
    definition.prizes, { add: "Add prize", max: 50 });
  const noPrizeLabel = text({ value: definition.no_prize?.label ?? "No luck", maxlength: "80" });
  const noPrizeWeight = number({ value: String(definition.no_prize?.weight ?? 0) });
  const noPrizeChance = h("span", { class: "chance" });
  const node = section("prizes", "Prizes", "What players can win. Each play draws one outcome by weight among the prizes still in stock and “no prize”.",
    prizes.nodes,
    h("fieldset", { class: "row-card no-prize" },
      h("legend", null, "No prize"),
      h("p", { class: "hint" }, "The outcome when nothing is won, with its own slice on the wheel."),
      h("div", { class: "grid-fields" },
        field({ name: "definition.no_prize.label", label: "Label", input: noPrizeLabel }),
        h("div", { class: "weight" },
          field({ name: "definition.no_prize.weight", label: "Weight", input: noPrizeWeight }),
          noPrizeChance))));
  return {
    node,
    /** `prizes` and `no_prize` as the API takes them. */
    read: (errors, { whole, preview }) => ({
      prizes: prizes.read(errors, { whole, preview }),
      no_prize: { label: noPrizeLabel.value, weight: whole(noPrizeWeight, "definition.no_prize.weight") },
    }),
    /** Each outcome's share of plays, from the weights as typed. */
    paintChances() {
      for (const row of prizes.rows()) {
        row.chance(prizes.rows(), noPrizeWeight);
        row.summarise();
      }
      noPrizeChance.textContent = chanceText(Number(noPrizeWeight.value) || 0, totalWeight(prizes.rows(), noPrizeWeight));
    },
    /** After a save: the rows learn the prizes' ids and stock, so the next save keeps them. */
    saved(campaign) {
      prizes.rows().forEach((row, i) => row.saved(campaign.definition.prizes[i], campaign.prizes.find((p) => p.id === campaign.definition.prizes[i]?.id)));
    },
  };
}

function prizeRow(prize, state, changed, collapsed) {
  const legend = h("legend");
  const bodyId = uid("prize-body");
  const summary = h("span", { class: "prize-summary-text" });
  const toggle = h("button", { type: "button", class: "btn btn-small prize-toggle", "aria-expanded": String(!collapsed), "aria-controls": bodyId,
    onclick: () => expand(toggle.getAttribute("aria-expanded") !== "true") }, collapsed ? "Edit" : "Collapse");
  const name = text({ value: prize?.name ?? "", maxlength: "80", placeholder: "Free shipping" });
  const description = text({ value: prize?.description ?? "", maxlength: "500", placeholder: "Optional: shown with the prize" });
  const weight = number({ value: String(prize?.weight ?? 10) });
  const validUntil = h("input", { type: "date", value: prize?.valid_until ?? "" });
  const chance = h("span", { class: "chance" });
  let id = prize?.id ?? null;
  const paths = rowPaths();
  const { at } = paths;
  const codes = prizeCodes(prize, state, { at, isNew: () => !id, changed });
  const body = h("div", { class: "prize-body", id: bodyId, hidden: collapsed });
  const node = at(h("fieldset", { class: "row-card prize" },
    legend,
    h("div", { class: "prize-summary" }, summary, toggle),
    h("p", { class: "field-error", hidden: true }),
    body), "");
  function expand(open) {
    body.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Collapse" : "Edit";
    node.classList.toggle("collapsed", !open);
    nameToggle();
  }
  /** Each prize's button says which prize it opens: "Edit prize 10% off". */
  function nameToggle() {
    const named = name.value.trim() ? `prize ${name.value.trim()}` : legend.textContent.toLowerCase();
    toggle.setAttribute("aria-label", `${toggle.getAttribute("aria-expanded") === "true" ? "Collapse" : "Edit"} ${named}`);
  }
  node.classList.toggle("collapsed", collapsed);
  // An error or a "Show field" inside opens the prize.
  node.addEventListener("reveal-field", () => expand(true));
  body.append(
    h("div", { class: "grid-fields" },
      at(field({ name: "name", label: "Name", input: name }), "name"),
      at(field({ name: "description", label: "Description", input: description }), "description"),
      h("div", { class: "weight" }, at(field({ name: "weight", label: "Weight", input: weight }), "weight"), chance),
      codes.stockField,
      at(field({ name: "valid_until", label: "Valid until", input: validUntil, hint: "Optional: the last day the code works, shown on the coupon." }), "valid_until")),
    codes.node,
    h("div", { class: "row-footer" }, removeButton("", () => row.remove())));

  const row = {
    node,
    setIndex(i, path) {
      legend.textContent = `Prize ${i + 1}`;
      nameToggle();
      node.querySelector(".row-remove").setAttribute("aria-label", `Remove prize ${i + 1}`);
      paths.set(path);
    },
    weight: () => Number(weight.value) || 0,
    inStock: codes.inStock,
    chance(rows, noPrizeWeight) {
      chance.textContent = row.inStock() ? chanceText(row.weight(), totalWeight(rows, noPrizeWeight)) : "Out of stock: never drawn";
    },
    /** The collapsed line: name, weight and share, stock. */
    summarise() {
      const stock = codes.stockField.querySelector("input")?.value.trim();
      nameToggle();
      summary.replaceChildren(
        h("strong", null, name.value.trim() || "Unnamed prize"),
        h("span", { class: "muted" }, [`Weight ${weight.value || 0}`, chance.textContent, stock ? `stock ${stock}` : "no stock limit"].filter(Boolean).join(" · ")));
    },
    read(errors, { whole, preview }) {
      const path = node.dataset.field;
      const stock = codes.stock(whole, `${path}.stock`);
      return {
        ...(id && { id }),
        name: name.value,
        description: description.value,
        weight: whole(weight, `${path}.weight`),
        ...(stock !== null && { stock }),
        codes: codes.codes({ preview }),
        ...(validUntil.value && { valid_until: validUntil.value }),
      };
    },
    /** After a save: the prize's id and live state. */
    saved(savedPrize, savedState) {
      id = savedPrize?.id ?? id;
      codes.saved(savedState);
    },
  };
  return row;
}

function totalWeight(rows, noPrizeWeight) {
  return rows.filter((r) => r.inStock()).reduce((sum, r) => sum + r.weight(), 0) + (Number(noPrizeWeight.value) || 0);
}

function chanceText(weight, total) {
  if (!total) return "";
  const percent = (weight / total) * 100;
  return `≈ ${percent > 0 && percent < 1 ? "<1" : Math.round(percent)}% of plays`;
}
