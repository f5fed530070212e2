// The end screen section: the titles and texts after the game, when a prize
// is won and when nothing is.
import { h } from "../../dom.js";
import { field } from "../../ui.js";
import { area, section, text } from "./controls.js";

/** The texts of `end` (the definition's `end_screen`); `read()` gives them back. */
export function endScreenSection(endScreen) {
  const end = endScreen ?? {};
  const winTitle = text({ value: end.win_title ?? "You won!", maxlength: "120" });
  const winText = area({ value: end.win_text ?? "", maxlength: "1000", rows: "2" });
  const loseTitle = text({ value: end.lose_title ?? "Not this time", maxlength: "120" });
  const loseText = area({ value: end.lose_text ?? "", maxlength: "1000", rows: "2" });
  const node = section("end", "End screen", "The last screen, after the game. A prize won shows under its text, with its code and a copy button.",
    h("div", { class: "grid-fields" },
      field({ name: "definition.end_screen.win_title", label: "Title when a prize is won", input: winTitle }),
      field({ name: "definition.end_screen.lose_title", label: "Title when nothing is won", input: loseTitle }),
      field({ name: "definition.end_screen.win_text", label: "Text when a prize is won", input: winText }),
      field({ name: "definition.end_screen.lose_text", label: "Text when nothing is won", input: loseText })));
  return {
    node,
    read: () => ({ win_title: winTitle.value, win_text: winText.value, lose_title: loseTitle.value, lose_text: loseText.value }),
  };
}
