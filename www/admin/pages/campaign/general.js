// The editor's first sections: the campaign's name, game and status, and
// the texts players read before they play.
import { CAMPAIGN_KINDS, CAMPAIGN_STATUSES, keyedBy } from "../../api-names.js";
import { KIND_LABELS, field } from "../../ui.js";
import { area, radioCards, section, select, text } from "./controls.js";

/** Each game's play button, as a new campaign starts with it. */
export const PLAY_BUTTONS = keyedBy(CAMPAIGN_KINDS, {
  wheel: "Spin the wheel", scratch: "Scratch the card", giftbox: "Open a gift", quiz: "Start the quiz",
});
const KIND_HINTS = keyedBy(CAMPAIGN_KINDS, {
  wheel: "Players spin a wheel with a slice for each prize.",
  scratch: "Players scratch a card to reveal what they won.",
  giftbox: "Players pick one of three gift boxes.",
  quiz: "Players answer questions; enough right answers enter the draw.",
});
const STATUS_LABELS = keyedBy(CAMPAIGN_STATUSES, {
  draft: "Draft — not shown on pages",
  active: "Active — shown on pages",
  archived: "Archived — not shown, kept for its history",
});

/** Name, game and status: `name`, `kind` and `status` are read when saved. */
export function basicsSection(campaign) {
  const name = text({ value: campaign.name, maxlength: "120", placeholder: "Summer wheel" });
  const kind = radioCards("kind", "Game", CAMPAIGN_KINDS.map((value) => [value, KIND_LABELS[value], KIND_HINTS[value]]), campaign.kind);
  const status = select(CAMPAIGN_STATUSES.map((value) => [value, STATUS_LABELS[value]]), campaign.status);
  const node = section("basics", "Basics", null,
    field({ name: "name", label: "Campaign name", input: name, hint: "For you and your team; players do not see it." }),
    kind.wrapper,
    field({ name: "status", label: "Status", input: status, hint: "Pages show a campaign only while it is active." }));
  return { node, name, kind, status };
}

/** Title, description and play button; a new campaign's button follows the game in `kind`. */
export function textsSection(texts, kind, { isNew }) {
  const title = text({ value: texts.title, maxlength: "120" });
  const description = area({ value: texts.description ?? "", maxlength: "1000" });
  const playButton = text({ value: texts.play_button, maxlength: "40" });
  let previousKind = kind.value();
  kind.wrapper.addEventListener("change", () => {
    // A new campaign's play button follows the game until it is edited.
    if (isNew && playButton.value === PLAY_BUTTONS[previousKind]) playButton.value = PLAY_BUTTONS[kind.value()];
    previousKind = kind.value();
  });
  const node = section("texts", "Texts", "What players read before they play.",
    field({ name: "definition.texts.title", label: "Title", input: title }),
    field({ name: "definition.texts.description", label: "Description", input: description, hint: "Optional: a sentence or two under the title." }),
    field({ name: "definition.texts.play_button", label: "Play button", input: playButton }));
  return {
    node,
    read: () => ({ title: title.value, description: description.value, play_button: playButton.value }),
  };
}
