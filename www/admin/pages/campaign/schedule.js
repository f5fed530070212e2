// The schedule section: when the campaign can be played, in the admin's
// time zone, and how often by each player.
import { PLAY_LIMITS, keyedBy, named } from "../../api-names.js";
import { h, toLocalInput } from "../../dom.js";
import { field } from "../../ui.js";
import { section, select } from "./controls.js";

const PLAY_LIMIT_LABELS = keyedBy(PLAY_LIMITS, {
  unlimited: "No limit",
  once: "Once per player",
  daily: "Once a day per player (UTC days)",
  weekly: "Once a week per player (UTC weeks, from Monday)",
});
const UNLIMITED = named(PLAY_LIMITS, "unlimited");

/** The dates and play limit of `definition`: `playLimit()` and `dates()` give them back. */
export function scheduleSection(definition) {
  const startsAt = h("input", { type: "datetime-local", value: toLocalInput(definition.starts_at) });
  const endsAt = h("input", { type: "datetime-local", value: toLocalInput(definition.ends_at) });
  const playLimit = select(PLAY_LIMITS.map((value) => [value, PLAY_LIMIT_LABELS[value]]), definition.play_limit ?? UNLIMITED);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const node = section("schedule", "Schedule and limits", `When the campaign can be played, and how often by each player. Leave the dates empty to run it as long as it is active. Times are in your time zone, ${zone}.`,
    h("div", { class: "grid-fields" },
      field({ name: "definition.starts_at", label: "Starts", input: startsAt }),
      field({ name: "definition.ends_at", label: "Ends", input: endsAt })),
    field({ name: "definition.play_limit", label: "Play limit", input: playLimit }));
  return {
    node,
    playLimit: () => playLimit.value,
    /** `starts_at` and `ends_at` in RFC 3339, each only when set. */
    dates: () => ({
      ...(startsAt.value && { starts_at: new Date(startsAt.value).toISOString() }),
      ...(endsAt.value && { ends_at: new Date(endsAt.value).toISOString() }),
    }),
  };
}
