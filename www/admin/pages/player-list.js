// Campaigns › Players: every player of the account, newest first, with a
// search and filters kept in the URL; a player's panel with their form,
// consent and plays; their data as JSON, erasure; the export as CSV.
import { PLAY_OUTCOMES, named } from "../api-names.js";
import { api, listAll, pager, query, request, session } from "../api.js";
import { h, replace, time } from "../dom.js";
import { badge, busy, confirmDialog, fact, field, formError, kindLabel, listTable, rowPanel, showError, toast } from "../ui.js";

const PAGE_SIZE = 50;
const FILTERS = ["q", "campaign_id", "won", "consent", "played_since", "played_until"];
const WON = named(PLAY_OUTCOMES, "won");
const LOST = named(PLAY_OUTCOMES, "lost");

export async function render({ url, setQuery }) {
  let filters = readFilters(url);
  const list = pager("/api/v1/players", PAGE_SIZE); // newest first
  const panel = rowPanel("player", { paint: () => paint(), closed: () => setQuery(filters, { push: true }) });
  let campaigns = [];
  try {
    campaigns = await listAll("/api/v1/campaigns");
  } catch {
    campaigns = [];
  }

  // ---- filters ----------------------------------------------------------------------
  const select = (name, options, value) => h("select", { name }, options.map(([v, label]) => h("option", { value: v, selected: v === (value ?? "") }, label)));
  const search = h("input", { type: "search", name: "q", value: filters.q ?? "", placeholder: "Email, name or id", autocomplete: "off", spellcheck: "false" });
  const campaign = select("campaign_id", [["", "Any campaign"], ...campaigns.map((c) => [c.id, c.name])], filters.campaign_id);
  const won = select("won", [["", "Any outcome"], ["true", "Won a prize"], ["false", "Never won"]], filters.won);
  const consent = select("consent", [["", "Any consent"], ["true", "Consent given"], ["false", "No consent"]], filters.consent);
  const since = h("input", { type: "date", name: "played_since", value: filters.played_since ?? "" });
  const until = h("input", { type: "date", name: "played_until", value: filters.played_until ?? "" });
  const filterForm = h("form", { class: "filters filters-players", role: "search", "aria-label": "Find players" },
    formError(),
    field({ name: "q", label: "Search", input: search }),
    field({ name: "campaign_id", label: "Campaign", input: campaign }),
    field({ name: "won", label: "Outcome", input: won }),
    field({ name: "consent", label: "Consent", input: consent }),
    field({ name: "played_since", label: "Played from", input: since }),
    field({ name: "played_until", label: "Played before", input: until }),
    h("div", { class: "filters-actions" },
      h("button", { type: "button", class: "btn", onclick: () => {
        for (const input of [search, campaign, won, consent, since, until]) input.value = "";
        applyFilters();
      } }, "Clear filters")));
  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(applyFilters, 250);
  });
  filterForm.addEventListener("change", (event) => { if (event.target !== search) applyFilters(); });
  filterForm.addEventListener("submit", (event) => { event.preventDefault(); applyFilters(); });

  function applyFilters() {
    filters = {
      q: search.value.trim() || null,
      campaign_id: campaign.value || null,
      won: won.value || null,
      consent: consent.value || null,
      played_since: since.value || null,
      played_until: until.value || null,
    };
    setQuery({ ...filters, player: panel.current?.id });
    load();
  }

  // ---- the table ----------------------------------------------------------------------
  const { summary, tbody, more, table, empty } = listTable({
    className: "table-cards table-players",
    caption: "Players, newest first",
    columns: ["Player", "Consent", "Plays", "Wins", "Last played", "First seen"],
    list,
    paint: () => paint(),
  });

  async function load() {
    filterForm.querySelector(".form-error").hidden = true;
    try {
      if (!(await list.load(filters))) return; // a newer search answered first
    } catch (error) {
      showError(filterForm, error);
    }
    paint();
  }

  function paint() {
    const { rows, next } = list;
    const filtered = FILTERS.some((k) => filters[k]);
    replace(tbody, rows.map((p) => h("tr", { "data-player": p.id, class: panel.current?.id === p.id ? "selected" : null },
      h("td", { class: "cell-player" },
        h("a", { href: `/admin/players${query({ ...filters, player: p.id })}`, class: "player-link" }, p.name || p.email || p.external_id),
        h("div", { class: "muted small" }, [p.name && p.email, displayId(p.external_id)].filter(Boolean).join(" · "))),
      h("td", { "data-label": "Consent" }, p.consent.given ? badge("Given", "success") : badge(p.consent.text ? "Declined" : "Not asked", "neutral")),
      h("td", { class: "num", "data-label": "Plays" }, String(p.plays)),
      h("td", { class: "num", "data-label": "Wins" }, String(p.wins)),
      h("td", { class: "nowrap cell-time", "data-label": "Last played" }, p.last_played_at ? time(p.last_played_at, { seconds: false }) : h("span", { class: "muted" }, "—")),
      h("td", { class: "nowrap cell-time", "data-label": "First seen" }, time(p.created_at, { seconds: false })))));
    replace(empty, filtered ? "No player matches these filters." : "No players yet. They appear here as soon as someone registers in a campaign.");
    empty.hidden = rows.length > 0;
    table.hidden = rows.length === 0;
    more.hidden = !next;
    replace(summary, `${rows.length} ${rows.length === 1 ? "player" : "players"} shown${next ? ", more available" : ""}.`);
  }

  // ---- the export ---------------------------------------------------------------------
  const exportButton = h("button", { type: "button", class: "btn btn-primary" }, "Export CSV");
  exportButton.addEventListener("click", () => busy(exportButton, async () => {
    try {
      await download(`/api/v1/players/export${query({ ...filters, format: "csv" })}`);
    } catch (error) {
      toast(error.message, { kind: "error" });
    }
  }));

  // ---- the player panel ---------------------------------------------------------------
  async function openDetail(id) {
    const state = panel.open(id, "Player");
    if (!state) return;
    const { heading, body } = state;
    let player;
    try {
      player = await api.get(`/api/v1/players/${encodeURIComponent(id)}`);
    } catch (error) {
      replace(body, h("div", { class: "alert alert-danger" }, error.message));
      return;
    }
    if (panel.current !== state) return;
    replace(heading, player.name || player.email || displayId(player.external_id));
    replace(body, playerView(player, state));
  }

  function playerView(p, state) {
    const dataButton = h("button", { type: "button", class: "btn" }, "Download data (JSON)");
    dataButton.addEventListener("click", () => busy(dataButton, async () => {
      try {
        await download(`/api/v1/players/${encodeURIComponent(p.id)}/data`, `player-${p.id}.json`);
      } catch (error) {
        toast(error.message, { kind: "error" });
      }
    }));
    const eraseButton = h("button", { type: "button", class: "btn btn-danger" }, "Erase player");
    eraseButton.addEventListener("click", async () => {
      const ok = await confirmDialog({
        title: "Erase this player?",
        message: "Their email, name, id and form answers are removed from Adact for good: from the player, their plays, stored events and the webhook history. Plays and codes stay counted. Your endpoints get a player.deleted event to erase them too.",
        confirm: "Erase player", danger: true,
      });
      if (!ok) return;
      await busy(eraseButton, async () => {
        try {
          await api.delete(`/api/v1/players/${encodeURIComponent(p.id)}`);
        } catch (error) {
          return toast(error.message, { kind: "error" });
        }
        toast("Player erased.");
        list.drop(p.id);
        if (panel.current === state) state.dialog.close();
        paint();
      });
    });
    const fields = Object.entries(p.fields);
    return [
      h("dl", { class: "facts" },
        fact("Email", p.email ?? h("span", { class: "muted" }, "—")),
        fact("Name", p.name ?? h("span", { class: "muted" }, "—")),
        fact("External id", h("span", { class: "mono break" }, p.external_id)),
        fact("Consent", p.consent.text
          ? [p.consent.given ? badge("Given", "success") : badge("Declined", "neutral"), " ", h("span", { class: "small" }, `“${p.consent.text}”`), " ", time(p.consent.at, { seconds: false })]
          : h("span", { class: "muted" }, "Never asked")),
        fact("First seen", time(p.created_at)),
        fact("Last registered", time(p.updated_at)),
        fact("Player id", h("span", { class: "mono" }, p.id))),
      fields.length > 0 && [h("h3", null, "Form answers"),
        h("dl", { class: "facts" }, fields.map(([key, value]) => fact(key, h("span", { class: "break" }, value))))],
      h("h3", null, `Plays (${p.plays.length})`),
      p.plays.length === 0 ? h("p", { class: "muted" }, "No plays.") : h("div", { class: "table-wrap" }, h("table", { class: "table table-compact table-cards" },
        h("caption", { class: "visually-hidden" }, "Plays, newest first"),
        h("thead", null, h("tr", null, ["Campaign", "Played", "Outcome", "Code"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, p.plays.map((play) => h("tr", null,
          h("td", { "data-label": "Campaign" }, h("a", { href: `/admin/campaigns/${encodeURIComponent(play.campaign.id)}` }, play.campaign.name),
            h("div", { class: "muted small" }, kindLabel(play.campaign.kind), play.segment.title ? ` · ${play.segment.title}` : "")),
          h("td", { class: "nowrap", "data-label": "Played" }, time(play.played_at ?? play.started_at, { seconds: false })),
          h("td", { "data-label": "Outcome" }, outcome(play)),
          h("td", { "data-label": "Code" }, play.code
            ? [h("span", { class: "mono" }, play.code), h("div", { class: "small" }, play.code_sent ? badge("Sent by webhook", "success") : badge("Not delivered yet", "warning"))]
            : h("span", { class: "muted" }, "—"))))))),
      h("div", { class: "actions" }, dataButton, eraseButton),
    ];
  }

  function update(newUrl) {
    const next = readFilters(newUrl);
    if (FILTERS.some((k) => (next[k] ?? null) !== (filters[k] ?? null))) {
      filters = next;
      search.value = filters.q ?? "";
      campaign.value = filters.campaign_id ?? "";
      won.value = filters.won ?? "";
      consent.value = filters.consent ?? "";
      since.value = filters.played_since ?? "";
      until.value = filters.played_until ?? "";
      load();
    }
    const id = newUrl.searchParams.get("player");
    if (id) openDetail(id);
    else panel.close();
  }

  await load();
  const initial = url.searchParams.get("player");
  if (initial) queueMicrotask(() => openDetail(initial));

  const node = h("div", { class: "page" },
    h("div", { class: "page-header page-header-row" },
      h("div", null,
        h("p", { class: "breadcrumb" }, "Campaigns › Players"),
        h("h1", null, "Players"),
        h("p", { class: "lead" }, "Everyone who registered in your campaigns, newest first. Open a player to see their answers and plays, download their data or erase them.")),
      exportButton),
    h("section", { class: "card", "aria-label": "Players" }, filterForm, summary, table, empty, h("div", { class: "load-more" }, more)));
  return {
    node,
    update,
    destroy() {
      clearTimeout(typing);
      panel.close();
    },
  };
}

function outcome(play) {
  if (play.outcome === WON) return [badge("Won", "success"), " ", play.prize?.name ?? ""];
  if (play.outcome === LOST) return badge(play.score !== null ? `No prize · ${play.score} right` : "No prize", "neutral");
  return h("span", { class: "muted" }, "Did not play");
}

/** An anonymous visitor's id reads as such. */
function displayId(externalId) {
  return externalId.startsWith("anon:") ? "Anonymous visitor" : externalId;
}

/**
 * Downloads an admin API answer as a file: the server's filename, else
 * `name`. (The token travels in a header, so a plain link cannot do it.)
 */
async function download(path, name) {
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${session.token ?? ""}` } });
  } catch {
    throw new Error("The server cannot be reached. Check your connection and try again.");
  }
  if (!response.ok) {
    // The API's error shape, as every other call reads it.
    await request("GET", path);
    return;
  }
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? name ?? "export";
  const link = h("a", { href: URL.createObjectURL(blob), download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function readFilters(url) {
  return Object.fromEntries(FILTERS.map((k) => [k, url.searchParams.get(k) || null]));
}
