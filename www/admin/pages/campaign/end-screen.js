// The end screen section: the titles and texts after the game, when a prize
// is won and when nothing is, and the call to action (a link to the shop)
// that ends it.
import { h } from "../../dom.js";
import { field } from "../../ui.js";
import { area, check, section, text } from "./controls.js";

/** The texts of `end` (the definition's `end_screen`); `read()` gives them back. */
export function endScreenSection(endScreen) {
  const end = endScreen ?? {};
  const winTitle = text({ value: end.win_title ?? "You won!", maxlength: "120" });
  const winText = area({ value: end.win_text ?? "", maxlength: "1000", rows: "2" });
  const loseTitle = text({ value: end.lose_title ?? "Not this time", maxlength: "120" });
  const loseText = area({ value: end.lose_text ?? "", maxlength: "1000", rows: "2" });
  const ctaLabel = text({ value: end.cta_label ?? "", maxlength: "40", placeholder: "Shop now" });
  const ctaUrl = h("input", { type: "url", value: end.cta_url ?? "", maxlength: "2048", placeholder: "https://shop.example.com/sale", spellcheck: "false", autocomplete: "off" });
  const ctaOnLose = check("definition.end_screen.cta_on_lose", "Also show it when nothing is won", Boolean(end.cta_on_lose));
  const node = section("end", "End screen", "The last screen, after the game. A prize won shows as a coupon with its code, a copy button and how long it is valid (set on each prize); no prize shows your text and when the player may play again, by the play limit.",
    h("div", { class: "grid-fields" },
      field({ name: "definition.end_screen.win_title", label: "Title when a prize is won", input: winTitle }),
      field({ name: "definition.end_screen.lose_title", label: "Title when nothing is won", input: loseTitle }),
      field({ name: "definition.end_screen.win_text", label: "Text when a prize is won", input: winText }),
      field({ name: "definition.end_screen.lose_text", label: "Text when nothing is won", input: loseText })),
    h("fieldset", { class: "row-card cta-fields" },
      h("legend", null, "Call to action"),
      h("p", { class: "hint" }, "A button under the prize that opens your shop in a new tab, so the code stays on screen. Leave both empty for none."),
      h("div", { class: "grid-fields" },
        field({ name: "definition.end_screen.cta_label", label: "Button label", input: ctaLabel, hint: "Up to 40 characters, e.g. Shop now." }),
        field({ name: "definition.end_screen.cta_url", label: "Link", input: ctaUrl, hint: "A full address starting with https://" })),
      ctaOnLose.wrapper));
  return {
    node,
    read: () => ({
      win_title: winTitle.value,
      win_text: winText.value,
      lose_title: loseTitle.value,
      lose_text: loseText.value,
      cta_label: ctaLabel.value,
      ...(ctaUrl.value.trim() && { cta_url: ctaUrl.value.trim() }),
      cta_on_lose: ctaOnLose.input.checked,
    }),
  };
}
