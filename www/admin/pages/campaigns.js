// Campaigns: every campaign of the account with its game, status, numbers
// (all-time plays and wins, codes left; views, new players and wins of the
// last 7 days), schedule, prizes (stock left, codes available) and the
// segments that show it; archive, restore and delete. Archived ones hide
// behind a switch.
import { CAMPAIGN_STATUSES, named } from "../api-names.js";
import { listAll } from "../api.js";
import { remove, setArchived } from "../campaign-actions.js";
import { h, replace } from "../dom.js";
import { badge, campaignStatus, icon, kindLabel, kindThumb } from "../ui.js";

const BASE = "/admin/campaigns";
const ARCHIVED = named(CAMPAIGN_STATUSES, "archived");

export async function render() {
  let [campaigns, segments] = await Promise.all([listAll("/api/v1/campaigns"), listAll("/api/v1/segments")]);
  let showArchived = false;
  const slot = h("div");

  async function reload() {
    [campaigns, segments] = await Promise.all([listAll("/api/v1/campaigns"), listAll("/api/v1/segments")]);
    paint();
  }

  function paint() {
    const archived = campaigns.filter((c) => c.status === ARCHIVED).length;
    const shown = campaigns.filter((c) => showArchived || c.status !== ARCHIVED);
    const toggleArchived = archived > 0 && h("label", { class: "check" },
      h("input", { type: "checkbox", checked: showArchived, onchange: (e) => { showArchived = e.target.checked; paint(); } }),
      h("span", null, `Show archived (${archived})`));
    const body = campaigns.length === 0
      ? h("div", { class: "empty empty-rich" },
        h("p", { class: "empty-title" }, "No campaigns yet"),
        h("p", null, "Build a spin the wheel, scratch card, gift box or quiz: its prizes, registration form and look. ",
          "Then add a segment for it, and your pages can show it."),
        h("a", { class: "btn btn-primary", href: `${BASE}/new` }, "Create your first campaign"))
      : h("div", { class: "table-wrap" }, h("table", { class: "table table-campaigns table-cards" },
        h("caption", { class: "visually-hidden" }, "Campaigns"),
        h("thead", null, h("tr", null, [["Campaign"], ["Plays", "num"], ["Wins", "num"], ["Codes left", "num"], ["Prizes"], ["Shown"], [h("span", { class: "visually-hidden" }, "Actions")]]
          .map(([c, cls]) => h("th", { scope: "col", class: cls ?? null }, c)))),
        h("tbody", null, shown.map((campaign) => row(campaign)))));
    replace(slot, h("section", { class: "card", "aria-labelledby": "campaigns-title" },
      h("div", { class: "card-header card-header-row" },
        h("div", null,
          h("h2", { id: "campaigns-title", tabindex: "-1" }, "Your campaigns"),
          h("p", { class: "muted" }, campaigns.length ? `${campaigns.length - archived} in use${archived ? `, ${archived} archived` : ""}.` : "None yet.")),
        toggleArchived),
      body));
  }

  function row(campaign) {
    const shownBy = segments.filter((s) => s.campaign_id === campaign.id);
    const href = `${BASE}/${encodeURIComponent(campaign.id)}`;
    const archived = campaign.status === ARCHIVED;
    const stats = campaign.stats ?? { plays: 0, wins: 0, codes_left: null };
    return h("tr", { "data-campaign": campaign.id },
      h("td", { class: "cell-campaign" },
        h("div", { class: "campaign-cell" },
          kindThumb(campaign.kind),
          h("div", { class: "campaign-name" },
            h("a", { href, class: "row-title", title: campaign.name }, campaign.name),
            h("div", { class: "campaign-meta" }, h("span", { class: "muted small" }, kindLabel(campaign.kind)), campaignStatus(campaign.status)),
            week(stats.last_7_days)))),
      h("td", { class: "num stat", "data-label": "Plays", "data-stat": "plays" }, count(stats.plays)),
      h("td", { class: "num stat", "data-label": "Wins", "data-stat": "wins" }, count(stats.wins)),
      h("td", { class: "num stat", "data-label": "Codes left", "data-stat": "codes_left" },
        stats.codes_left === null ? h("span", { class: "muted", title: "A prize generates codes with no stock limit" }, "∞") : count(stats.codes_left)),
      h("td", { class: "small", "data-label": "Prizes" }, prizes(campaign)),
      h("td", { class: "small", "data-label": "Shown" },
        shownBy.length
          ? h("ul", { class: "plain" }, shownBy.map((s) => h("li", { class: "segment-name", title: s.title }, s.title)))
          : h("span", { class: "muted" }, "No segment"),
        h("div", { class: "schedule-line" }, schedule(campaign.definition))),
      h("td", { class: "actions-cell" },
        h("a", { class: "btn btn-small", href, "aria-label": `Edit ${campaign.name}` }, "Edit"),
        h("button", { type: "button", class: "btn btn-small btn-icon", title: archived ? "Restore" : "Archive", "aria-label": `${archived ? "Restore" : "Archive"} ${campaign.name}`, onclick: () => refreshAfter(setArchived(campaign, !archived)) },
          icon(archived ? "restore" : "archive")),
        h("button", { type: "button", class: "btn btn-small btn-danger btn-icon", title: "Delete", "aria-label": `Delete ${campaign.name}`, onclick: () => refreshAfter(remove(campaign)) }, icon("delete"))));
  }

  /** After a change: the list as the server has it, focus on its heading. */
  async function refreshAfter(done) {
    if (!(await done)) return;
    await reload();
    slot.querySelector("h2")?.focus();
  }

  paint();
  const node = h("div", { class: "page" },
    h("div", { class: "page-header page-header-row" },
      h("div", null,
        h("h1", null, "Campaigns"),
        h("p", { class: "lead" }, "Games your visitors play for prizes. A segment shows a campaign on your pages while it is active.")),
      h("a", { class: "btn btn-primary", href: `${BASE}/new` }, "New campaign")),
    slot);
  return { node };
}

/** "Always on", or the dates and whether now is inside them. */
function schedule(definition) {
  const { starts_at: starts, ends_at: ends } = definition;
  if (!starts && !ends) return h("span", { class: "muted" }, "Always on");
  const now = Date.now();
  const state = starts && now < Date.parse(starts) ? badge("Not started", "warning")
    : ends && now >= Date.parse(ends) ? badge("Ended", "danger") : null;
  return h("div", { class: "schedule" },
    h("span", { class: "nowrap" }, starts ? date(starts) : "Now"), " → ", h("span", { class: "nowrap" }, ends ? date(ends) : "no end"),
    state && h("div", null, state));
}

/** Views, new players and wins of the last 7 days, on one line under the name. */
function week(numbers = { views: 0, players: 0, wins: 0 }) {
  const part = (key, one, many) => h("span", { "data-week": key }, h("strong", null, count(numbers[key])), ` ${numbers[key] === 1 ? one : many}`);
  return h("p", { class: "week small" },
    h("span", { class: "muted" }, "Last 7 days: "),
    part("views", "view", "views"), " · ", part("players", "player", "players"), " · ", part("wins", "win", "wins"));
}

/** Each prize with its stock left and codes available, from the live state. */
function prizes(campaign) {
  const list = campaign.definition.prizes;
  if (!list.length) return h("span", { class: "muted" }, "No prizes");
  return h("ul", { class: "plain prize-list" }, list.map((prize) => {
    const live = campaign.prizes.find((p) => p.id === prize.id);
    const left = live?.stock_remaining;
    return h("li", null,
      h("span", { class: "prize-name" }, prize.name),
      h("span", { class: "prize-stock" },
        left === 0 ? badge("Out of stock", "danger") : left === null || left === undefined ? "Unlimited" : `${left} of ${prize.stock} left`,
        prize.codes.pool && h("span", { class: "muted" }, ` · ${live?.codes_available ?? 0} codes`)));
  }));
}

const count = (n) => (n ?? 0).toLocaleString();

function date(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
