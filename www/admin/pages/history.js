// Webhooks History: every delivery, filtered through the URL, refreshed
// while visible; a delivery's attempts with request and response; resend.
import { DELIVERY_STATUSES, EVENT_TYPES, keyedBy, named } from "../api-names.js";
import { api, pager, query } from "../api.js";
import { codeBlock, h, replace, time, toLocalInput } from "../dom.js";
import { STATUS_KIND, badge, busy, clearErrors, confirmDialog, fact, field, formError, listTable, rowPanel, showError, toast } from "../ui.js";

const REFRESH_MS = 3000;
const PAGE_SIZE = 50;
const FILTERS = ["status", "event_type", "endpoint_id", "since"];
const STATUS_LABELS = keyedBy(DELIVERY_STATUSES, { pending: "Pending", succeeded: "Succeeded", failed: "Failed", skipped: "Skipped" });
const PENDING = named(DELIVERY_STATUSES, "pending");
const SKIPPED = named(DELIVERY_STATUSES, "skipped");

export async function render({ url, setQuery }) {
  let filters = readFilters(url);
  const list = pager("/api/v1/webhooks/deliveries", PAGE_SIZE); // newest first
  const panel = rowPanel("delivery", { paint: () => paint(), closed: () => setQuery(filters, { push: true }) });
  let endpoints = [];
  let timer = null;

  try {
    endpoints = (await api.get("/api/v1/webhooks/endpoints")).data;
  } catch {
    endpoints = [];
  }

  // ---- filters ----------------------------------------------------------------------
  const select = (name, options, value) => h("select", { name }, options.map(([v, label]) => h("option", { value: v, selected: v === (value ?? "") }, label)));
  const status = select("status", [["", "Any status"], ...DELIVERY_STATUSES.map((s) => [s, STATUS_LABELS[s]])], filters.status);
  const eventType = select("event_type", [["", "Any event"], ...EVENT_TYPES.map(([t]) => [t, t])], filters.event_type);
  const endpoint = select("endpoint_id", [["", "Any endpoint"], ...endpoints.map((e) => [e.id, e.url])], filters.endpoint_id);
  const since = h("input", { type: "datetime-local", name: "since", value: toLocalInput(filters.since) });
  const filterForm = h("form", { class: "filters", role: "search", "aria-label": "Filter deliveries" },
    formError(),
    field({ name: "status", label: "Status", input: status }),
    field({ name: "event_type", label: "Event type", input: eventType }),
    field({ name: "endpoint_id", label: "Endpoint", input: endpoint }),
    field({ name: "since", label: "Since", input: since }),
    h("div", { class: "filters-actions" },
      h("button", { type: "button", class: "btn", onclick: () => {
        status.value = eventType.value = endpoint.value = since.value = "";
        applyFilters();
      } }, "Clear filters")));
  filterForm.addEventListener("change", () => applyFilters());
  filterForm.addEventListener("submit", (event) => { event.preventDefault(); applyFilters(); });

  function applyFilters() {
    filters = {
      status: status.value || null,
      event_type: eventType.value || null,
      endpoint_id: endpoint.value || null,
      since: since.value ? new Date(since.value).toISOString() : null,
    };
    setQuery({ ...filters, delivery: panel.current?.id });
    load();
  }

  // ---- the table ----------------------------------------------------------------------
  const { summary, tbody, more, table, empty } = listTable({
    className: "table-history",
    caption: "Deliveries, newest first",
    columns: ["Time", "Event", "Campaign", "Status", "Attempts", "Response"],
    empty: "No deliveries match. Events appear here as soon as they are sent.",
    list,
    paint: () => paint(),
  });

  async function load() {
    clearErrors(filterForm);
    try {
      if (!(await list.load(filters))) return;
    } catch (error) {
      showError(filterForm, error);
    }
    paint();
  }

  /** New deliveries on top, and fresh status for those already shown. */
  async function refresh() {
    if (document.hidden) return;
    try {
      if (!(await list.refresh())) return;
    } catch {
      return; // a 401 signs out; anything else is retried on the next tick
    }
    paint();
    await panel.current?.reload();
  }

  function paint() {
    const search = (id) => query({ ...filters, delivery: id });
    const { rows, next } = list;
    // One endpoint for every row shown: named once above the table, not on each row.
    const urls = new Set(rows.map((d) => d.endpoint_url ?? d.endpoint_id));
    const oneEndpoint = urls.size === 1 ? [...urls][0] : null;
    replace(tbody, rows.map((d) => h("tr", { "data-delivery": d.id, class: panel.current?.id === d.id ? "selected" : null },
      h("td", { class: "nowrap cell-time" }, time(d.created_at)),
      h("td", { class: "cell-event" },
        h("a", { href: `/admin/webhooks/history${search(d.id)}`, class: "mono", "aria-label": `${d.event_type}, ${formatTime(d.created_at)}: details` }, d.event_type),
        !oneEndpoint && h("div", { class: "muted small" }, "to ", shortUrl(d.endpoint_url ?? d.endpoint_id))),
      h("td", { class: "cell-campaign", "data-label": "Campaign" }, d.campaign
        ? h("a", { href: `/admin/campaigns/${encodeURIComponent(d.campaign.id)}`, class: "campaign-link" }, d.campaign.name)
        : h("span", { class: "muted" }, "—")),
      h("td", { class: "cell-status" }, badge(d.status, STATUS_KIND[d.status] ?? "neutral")),
      h("td", { class: "num cell-attempts", "data-label": "Attempts" }, String(d.attempt_count)),
      h("td", { class: "cell-response", "data-label": "Response" }, d.last_status !== null && d.last_status !== undefined ? h("span", { class: `code-${Math.floor(d.last_status / 100)}xx mono` }, String(d.last_status)) : h("span", { class: "muted", title: d.last_error ?? "" }, d.last_error ? "error" : "—")))));
    empty.hidden = rows.length > 0;
    table.hidden = rows.length === 0;
    more.hidden = !next;
    replace(summary, `${rows.length} ${rows.length === 1 ? "delivery" : "deliveries"} shown${next ? ", more available" : ""}`,
      oneEndpoint ? [", all to ", shortUrl(oneEndpoint)] : null,
      ". Refreshes every few seconds.");
  }

  // ---- the detail panel -------------------------------------------------------------
  async function openDetail(id) {
    const state = panel.open(id, "Delivery");
    if (!state) return;
    const { heading, body } = state;
    state.signature = null;
    state.reload = async () => {
      let delivery;
      try {
        delivery = await api.get(`/api/v1/webhooks/deliveries/${encodeURIComponent(id)}`);
      } catch (error) {
        replace(body, h("div", { class: "alert alert-danger" }, error.message));
        return;
      }
      const signature = `${delivery.status}/${delivery.attempts.length}/${delivery.next_attempt_at}`;
      if (signature === state.signature) return;
      state.signature = signature;
      replace(heading, delivery.event_type);
      replace(body, deliveryView(delivery, state));
    };
    await state.reload();
  }

  function deliveryView(d, state) {
    const resend = h("button", { type: "button", class: "btn btn-primary" }, "Resend");
    resend.addEventListener("click", () => busy(resend, async () => {
      try {
        await api.post(`/api/v1/webhooks/deliveries/${encodeURIComponent(d.id)}/resend`, {});
      } catch (error) {
        return toast(error.message, { kind: "error" });
      }
      toast("Delivery queued again.");
      // The dispatcher sends it at once; show the new attempt as it lands.
      for (const wait of [300, 700, 1500, 3000]) {
        await new Promise((r) => setTimeout(r, wait));
        if (panel.current !== state) return;
        await refresh(); // the list, and the open delivery with it
      }
    }));
    const attempts = [...d.attempts].reverse();
    return [
      h("dl", { class: "facts" },
        fact("Status", badge(d.status, STATUS_KIND[d.status] ?? "neutral")),
        fact("Attempts", String(d.attempt_count)),
        fact("Created", time(d.created_at)),
        d.next_attempt_at && fact("Next attempt", time(d.next_attempt_at)),
        fact("Endpoint", shortUrl(d.endpoint_url ?? d.endpoint_id)),
        d.campaign && fact("Campaign", h("a", { href: `/admin/campaigns/${encodeURIComponent(d.campaign.id)}` }, d.campaign.name)),
        fact("Event id", h("span", { class: "mono" }, d.event_id)),
        fact("Delivery id", h("span", { class: "mono" }, d.id)),
        d.last_error && fact("Last error", h("span", { class: "text-danger" }, d.last_error))),
      h("div", { class: "actions" }, resend),
      h("h3", null, `Attempts (${d.attempts.length})`),
      attempts.length === 0 && h("p", { class: "muted" }, d.status === PENDING ? "No attempt yet: it is queued."
        : d.status === SKIPPED ? "It was not sent: webhooks or the endpoint were off. Recover it from the endpoint on the Webhooks page, or resend it."
          : "It was not sent: the last error says why."),
      attempts.map((a, i) => attemptView(a, i === 0, d.endpoint_url)),
      h("details", { class: "payload" }, h("summary", null, "Event payload"), codeBlock(d.payload, "Event payload")),
    ];
  }

  function update(newUrl) {
    const next = readFilters(newUrl);
    if (FILTERS.some((k) => (next[k] ?? null) !== (filters[k] ?? null))) {
      filters = next;
      status.value = filters.status ?? "";
      eventType.value = filters.event_type ?? "";
      endpoint.value = filters.endpoint_id ?? "";
      since.value = toLocalInput(filters.since);
      load();
    }
    const id = newUrl.searchParams.get("delivery");
    if (id) openDetail(id);
    else panel.close();
  }

  // ---- resend all failed since ------------------------------------------------------
  const resendSince = h("input", { type: "datetime-local", name: "since", required: true, value: toLocalInput(new Date(Date.now() - 24 * 3600 * 1000).toISOString()) });
  const resendButton = h("button", { type: "submit", class: "btn" }, "Resend failed");
  const resendForm = h("form", { class: "resend-failed", novalidate: true, "aria-labelledby": "resend-title" },
    formError(),
    field({ name: "since", label: "Failed since", input: resendSince }),
    resendButton);
  resendForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(resendForm);
    if (!resendSince.value) return showError(resendForm, { field: "since", message: "Choose a date and time." });
    const sinceIso = new Date(resendSince.value).toISOString();
    const ok = await confirmDialog({
      title: "Resend every failed delivery?",
      message: `Every delivery that failed since ${formatTime(sinceIso)}, or waits for a retry after a failed attempt, is sent again now.`,
      confirm: "Resend failed",
    });
    if (!ok) return;
    await busy(resendButton, async () => {
      try {
        const { queued } = await api.post("/api/v1/webhooks/deliveries/resend-failed", { since: sinceIso });
        toast(queued === 0 ? "No failed delivery since then." : `${queued} failed ${queued === 1 ? "delivery" : "deliveries"} queued again.`);
      } catch (error) {
        return showError(resendForm, error);
      }
      await refresh();
    });
  });

  // ---- start ----------------------------------------------------------------------------
  await load();
  timer = setInterval(refresh, REFRESH_MS);
  const onVisible = () => { if (!document.hidden) refresh(); };
  document.addEventListener("visibilitychange", onVisible);
  const initial = url.searchParams.get("delivery");
  if (initial) queueMicrotask(() => openDetail(initial));

  const node = h("div", { class: "page" },
    h("div", { class: "page-header" },
      h("p", { class: "breadcrumb" }, "Settings › API central"),
      h("h1", null, "Webhooks History"),
      h("p", { class: "lead" }, "Every delivery to your endpoints, newest first. Open one to see each attempt's request and response, and resend it.")),
    h("section", { class: "card", "aria-label": "Deliveries" }, filterForm, summary, table, empty, h("div", { class: "load-more" }, more)),
    h("section", { class: "card", "aria-labelledby": "resend-title" },
      h("div", { class: "card-header" },
        h("h2", { id: "resend-title" }, "Resend all failed"),
        h("p", { class: "muted" }, "After fixing your endpoint, send every delivery that failed since a time again now, and those waiting for a retry.")),
      resendForm));
  return {
    node,
    update,
    destroy() {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
      panel.close();
    },
  };
}

/**
 * A URL as host and path, cut with an ellipsis where the space ends; the
 * whole URL in its tooltip. An endpoint id (the endpoint is deleted) as it is.
 */
export function shortUrl(url) {
  let text = url;
  try {
    const parsed = new URL(url);
    text = `${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}${parsed.search ? "?…" : ""}`;
  } catch {
    // not a URL: shown whole
  }
  return h("span", { class: "url mono", title: url }, text);
}

function attemptView(a, open, endpointUrl) {
  const ok = a.response && a.response.status >= 200 && a.response.status < 300 && !a.error;
  return h("details", { class: "attempt", open, "data-attempt": String(a.attempt) },
    h("summary", null,
      h("span", { class: "attempt-title" }, `Attempt ${a.attempt}`),
      badge(a.response ? `HTTP ${a.response.status}` : "No response", ok ? "success" : "danger"),
      h("span", { class: "muted small" }, `${a.duration_ms} ms · `, time(a.started_at))),
    h("div", { class: "attempt-body" },
      a.error && h("div", { class: "alert alert-danger" }, h("strong", null, "Error: "), a.error),
      a.url !== endpointUrl && h("p", { class: "small" }, h("strong", null, "POST "), h("span", { class: "mono break" }, a.url)),
      h("div", { class: "exchange" },
        h("section", { "aria-label": `Attempt ${a.attempt} request` },
          h("h4", null, "Request"),
          headersTable(a.request?.headers, "Request headers"),
          codeBlock(a.request?.body, `Attempt ${a.attempt} request body`)),
        h("section", { "aria-label": `Attempt ${a.attempt} response` },
          h("h4", null, a.response ? `Response · ${a.response.status}` : "Response"),
          a.response
            ? [headersTable(a.response.headers, "Response headers"), codeBlock(a.response.body, `Attempt ${a.attempt} response body`)]
            : h("p", { class: "muted" }, "No response was received.")))));
}

function headersTable(headers, caption) {
  const entries = headers && typeof headers === "object"
    ? (Array.isArray(headers) ? headers : Object.entries(headers))
    : [];
  if (entries.length === 0) return h("p", { class: "muted small" }, "No headers.");
  return h("table", { class: "table table-compact headers" },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, "Header"), h("th", { scope: "col" }, "Value"))),
    h("tbody", null, entries.map(([name, value]) => h("tr", null,
      h("th", { scope: "row", class: "mono" }, String(name)),
      h("td", { class: "mono break" }, Array.isArray(value) ? value.join(", ") : String(value))))));
}

function readFilters(url) {
  return Object.fromEntries(FILTERS.map((k) => [k, url.searchParams.get(k) || null]));
}

function formatTime(iso) {
  return new Date(iso).toLocaleString();
}
