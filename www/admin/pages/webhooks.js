// Settings → API central → Webhooks: the guide's settings (URL, events, the
// master toggle), the signing secret, a test event, and every endpoint.
import { api, etagOf } from "../api.js";
import { h, replace, time, toLocalInput, uid } from "../dom.js";
import {
  badge, busy, clearErrors, confirmDialog, eventsFieldset, eventsSummary, field,
  formError, secretWidget, showError, toast, toggle,
} from "../ui.js";

const HISTORY = "/admin/webhooks/history";

export async function render() {
  let settings = await api.get("/api/v1/webhooks/settings");
  let endpoints = (await api.get("/api/v1/webhooks/endpoints")).data;

  const primarySlot = h("div");
  const endpointsSlot = h("div");
  const editorSlot = h("div");
  // The endpoint open in the editor, as last read or saved (with its ETag).
  let editing = null;

  /**
   * A rotated secret: keep the lists current without redrawing the widget.
   * The rotation changed the endpoint's ETag (not the settings'): an open
   * editor of it saves over the rotated endpoint.
   */
  function updated(endpoint) {
    endpoints = endpoints.map((e) => (e.id === endpoint.id ? endpoint : e));
    if (settings.endpoint?.id === endpoint.id) settings.endpoint = endpoint;
    if (editing?.id === endpoint.id) editing = endpoint;
  }

  /**
   * The settings and endpoints as the server has them now. The settings form
   * is drawn again when the settings changed (an edit of the main endpoint,
   * or someone else's save), so that it shows what it saves over.
   */
  async function reload({ redrawSettings = false } = {}) {
    const before = etagOf(settings);
    [settings, endpoints] = await Promise.all([
      api.get("/api/v1/webhooks/settings"),
      api.get("/api/v1/webhooks/endpoints").then((r) => r.data),
    ]);
    if (redrawSettings || etagOf(settings) !== before) renderSettings();
    renderPrimary();
    renderEndpoints();
  }

  // ---- the guide's settings ---------------------------------------------------
  function settingsCard() {
    const master = toggle({
      name: "enabled", label: "Enable Webhooks", checked: settings.enabled,
      hint: "The master switch: while it is off, nothing is sent to any endpoint. Events are kept as skipped deliveries, which you can recover per endpoint once it is on again. Endpoints and their secrets stay.",
    });
    const url = h("input", { type: "url", name: "url", inputmode: "url", autocomplete: "url", spellcheck: "false", value: settings.url ?? "", placeholder: "https://example.com/webhooks/adact" });
    const events = eventsFieldset(settings.events ?? ["*"]);
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Save settings");
    const form = h("form", { class: "form", novalidate: true, "aria-labelledby": "settings-title" },
      formError(),
      master.wrapper,
      field({ name: "url", label: "Endpoint URL", input: url, hint: "A public HTTPS address that accepts POST requests with a JSON body and answers within 2 seconds." }),
      events.fieldset,
      h("div", { class: "actions" }, submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          settings = await api.put("/api/v1/webhooks/settings", {
            // An emptied URL of an existing endpoint goes as "", which the
            // server refuses beside the field: the switch never deletes it.
            enabled: master.input.checked, url: url.value.trim() || (settings.endpoint ? "" : null), events: events.value(),
          }, { ifMatch: etagOf(settings) });
        } catch (error) {
          return showError(form, error, {
            conflict: {
              what: "the webhook settings",
              reload: async () => {
                await reload({ redrawSettings: true });
                settingsNode.querySelector("h2")?.focus();
              },
            },
          });
        }
        toast(settings.enabled ? "Webhook settings saved. Webhooks are on." : "Webhook settings saved. Webhooks are off.");
        endpoints = (await api.get("/api/v1/webhooks/endpoints")).data;
        renderPrimary();
        renderEndpoints();
      });
    });
    return h("section", { class: "card", "aria-labelledby": "settings-title" },
      h("div", { class: "card-header" },
        h("h2", { id: "settings-title", tabindex: "-1" }, "Settings"),
        h("p", { class: "muted" }, "Where Adact sends events, and which ones.")),
      form);
  }

  // ---- the main endpoint's secret and test ------------------------------------
  function renderPrimary() {
    const primary = settings.endpoint;
    if (!primary) {
      replace(primarySlot, h("section", { class: "card card-muted", "aria-labelledby": "primary-title" },
        h("h2", { id: "primary-title" }, "Signing secret and test"),
        h("p", { class: "muted" }, "Save an endpoint URL above to get its signing secret and send a test event.")));
      return;
    }
    replace(primarySlot, h("section", { class: "card stack", "aria-labelledby": "primary-title" },
      h("div", { class: "card-header" },
        h("h2", { id: "primary-title" }, "Signing secret and test"),
        h("p", { class: "muted" }, "For ", h("span", { class: "mono" }, primary.url))),
      disabledNotice(primary),
      endpointSecret(primary, updated),
      testWidget(null, !settings.enabled ? "Enable Webhooks and save to send a test event." : null)));
  }

  // ---- every endpoint -------------------------------------------------------------
  function renderEndpoints() {
    const add = h("button", { type: "button", class: "btn btn-primary", onclick: () => openEditor(null) }, "Add endpoint");
    const body = endpoints.length === 0
      ? h("p", { class: "empty" }, "No endpoints yet. Save a URL in Settings, or add an endpoint.")
      : h("div", { class: "table-wrap" }, h("table", { class: "table table-cards" },
        h("caption", { class: "visually-hidden" }, "Webhook endpoints"),
        h("thead", null, h("tr", null, ["Endpoint", "Events", "Status", "Timeout", h("span", { class: "visually-hidden" }, "Actions")].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, endpoints.map((ep) => h("tr", { "data-endpoint": ep.id },
          h("td", null,
            h("div", { class: "mono break" }, ep.url),
            ep.description && h("div", { class: "muted small" }, ep.description),
            Object.keys(ep.headers ?? {}).length > 0 && h("div", { class: "muted small" }, "Headers: ",
              Object.keys(ep.headers).map((name, i) => [i ? ", " : "", h("code", null, name)])),
            ep.id === settings.endpoint?.id && badge("Settings URL", "info"),
            ep.ordered && badge("Ordered", "neutral"),
            ep.disabled_reason && h("p", { class: "inline-alert", role: "note" }, h("strong", null, "Disabled by the server: "), ep.disabled_reason),
            !ep.disabled_reason && ep.failing_since && h("p", { class: "inline-warning" }, "Failing since ", time(ep.failing_since))),
          h("td", { "data-label": "Events" }, eventsSummary(ep.events)),
          h("td", { "data-label": "Status" }, ep.enabled ? badge("Enabled", "success") : badge("Disabled", "danger")),
          h("td", { class: "nowrap", "data-label": "Timeout" }, `${ep.timeout_ms} ms`),
          h("td", { class: "actions-cell" },
            h("button", { type: "button", class: "btn btn-small", "aria-label": `Edit ${ep.url}`, onclick: () => openEditor(ep) }, "Edit"),
            h("a", { class: "btn btn-small btn-link", href: `${HISTORY}?endpoint_id=${encodeURIComponent(ep.id)}`, "aria-label": `History of ${ep.url}` }, "History")))))));
    replace(endpointsSlot, h("section", { class: "card", "aria-labelledby": "endpoints-title" },
      h("div", { class: "card-header card-header-row" },
        h("div", null,
          h("h2", { id: "endpoints-title" }, "Endpoints"),
          h("p", { class: "muted" }, "Each endpoint has its own URL, events, switch and signing secret.")),
        add),
      body));
  }

  /**
   * The editor of a new endpoint, or of `endpoint`: read again with its ETag
   * (unless `read` is false: it was just saved), so that a save goes only
   * over what the form shows.
   */
  async function openEditor(endpoint, { read = true } = {}) {
    if (endpoint && read) {
      try {
        endpoint = await api.get(`/api/v1/webhooks/endpoints/${encodeURIComponent(endpoint.id)}`);
      } catch (error) {
        toast(error.message, { kind: "error" });
        return reload();
      }
    }
    editing = endpoint;
    const titleId = uid("editor-title");
    const urlInput = h("input", { type: "url", name: "url", inputmode: "url", spellcheck: "false", value: endpoint?.url ?? "", placeholder: "https://example.com/webhooks" });
    const description = h("input", { type: "text", name: "description", maxlength: "200", value: endpoint?.description ?? "" });
    const events = eventsFieldset(endpoint?.events ?? ["*"]);
    const enabled = toggle({ name: "enabled", label: "Enabled", checked: endpoint ? endpoint.enabled : true, hint: endpoint?.disabled_reason ? "Turning it on again clears the reason the server disabled it." : null });
    const timeout = h("input", { type: "number", name: "timeout_ms", min: "100", max: "15000", step: "100", value: String(endpoint?.timeout_ms ?? 2000) });
    const headers = headersFieldset(endpoint?.headers ?? {});
    const ordered = toggle({ name: "ordered", label: "Deliver each player's events in order", checked: endpoint?.ordered ?? false, hint: "One player's events arrive one after another, in sequence: the next waits until the one before it succeeded or failed for good. Slower when your endpoint fails; applies to events from now on." });
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, endpoint ? "Save endpoint" : "Create endpoint");
    const close = () => {
      editing = null;
      replace(editorSlot);
      endpointsSlot.querySelector("h2")?.focus();
    };
    const form = h("form", { class: "form", novalidate: true, "aria-labelledby": titleId },
      formError(),
      field({ name: "url", label: "Endpoint URL", input: urlInput }),
      field({ name: "description", label: "Description", input: description, hint: "Optional, for you: what this endpoint is for." }),
      events.fieldset,
      enabled.wrapper,
      field({ name: "timeout_ms", label: "Timeout (milliseconds)", input: timeout, hint: "How long Adact waits for an answer: 100 to 15000; the guide's default is 2000." }),
      ordered.wrapper,
      headers.fieldset,
      h("div", { class: "actions" },
        submit,
        h("button", { type: "button", class: "btn", onclick: close }, "Cancel"),
        endpoint && h("button", { type: "button", class: "btn btn-danger push-right", onclick: () => remove(endpoint) }, "Delete endpoint")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      const body = {
        url: urlInput.value.trim(), description: description.value, events: events.value(),
        enabled: enabled.input.checked, timeout_ms: Number(timeout.value), ordered: ordered.input.checked,
      };
      const changed = headers.changes();
      if (changed) body.headers = changed;
      await busy(submit, async () => {
        let saved;
        try {
          saved = endpoint
            ? await api.patch(`/api/v1/webhooks/endpoints/${encodeURIComponent(endpoint.id)}`, body, { ifMatch: etagOf(editing) })
            : await api.post("/api/v1/webhooks/endpoints", body);
        } catch (error) {
          return showError(form, error, {
            conflict: {
              what: "this endpoint",
              reload: async () => {
                await reload();
                await openEditor(endpoint);
              },
            },
          });
        }
        toast(endpoint ? "Endpoint saved." : "Endpoint created.");
        await reload();
        openEditor(saved, { read: false });
      });
    });
    replace(editorSlot, h("section", { class: "card card-accent", "aria-labelledby": titleId },
      h("div", { class: "card-header" },
        h("h2", { id: titleId, tabindex: "-1" }, endpoint ? "Edit endpoint" : "New endpoint"),
        endpoint && h("p", { class: "muted mono break" }, endpoint.id)),
      endpoint && disabledNotice(endpoint),
      form,
      endpoint && h("div", { class: "subsection" },
        endpointSecret(endpoint, updated),
        testWidget(endpoint.id, null),
        recoverWidget(endpoint))));
    editorSlot.querySelector("h2").focus();
  }

  async function remove(endpoint) {
    const ok = await confirmDialog({
      title: "Delete this endpoint?",
      message: `Adact stops sending events to ${endpoint.url}. Its delivery history is kept.`,
      confirm: "Delete endpoint", danger: true,
    });
    if (!ok) return;
    try {
      await api.delete(`/api/v1/webhooks/endpoints/${encodeURIComponent(endpoint.id)}`);
    } catch (error) {
      return toast(error.message, { kind: "error" });
    }
    toast("Endpoint deleted.");
    editing = null;
    replace(editorSlot);
    await reload();
    endpointsSlot.querySelector("h2")?.focus();
  }

  // The settings form, drawn again when the settings change under it.
  let settingsNode = settingsCard();
  function renderSettings() {
    const next = settingsCard();
    settingsNode.replaceWith(next);
    settingsNode = next;
  }

  renderPrimary();
  renderEndpoints();
  const node = h("div", { class: "page" },
    h("div", { class: "page-header" },
      h("p", { class: "breadcrumb" }, "Settings › API central"),
      h("h1", null, "Webhooks"),
      h("p", { class: "lead" }, "Adact sends every player action to your server as a signed HTTPS POST. ",
        h("a", { href: HISTORY }, "See what was sent in Webhooks History"), ".")),
    h("div", { class: "grid-2" }, settingsNode, primarySlot),
    endpointsSlot,
    editorSlot);
  return { node };
}

function disabledNotice(endpoint) {
  if (endpoint.disabled_reason) {
    return h("div", { class: "alert alert-danger", role: "note" },
      h("strong", null, "This endpoint was disabled by the server. "), endpoint.disabled_reason,
      " Fix the endpoint, then enable it again.");
  }
  if (!endpoint.enabled) return h("div", { class: "alert alert-warning", role: "note" }, "This endpoint is disabled: nothing is sent to it.");
  return null;
}

/**
 * The endpoint's own request headers. Names show; values never do: the server
 * answers each as "********" and keeps it. A saved header can get a new value
 * (typed into its hidden field) or be removed; new ones get a name and a value.
 * `changes()` is what to send: `{name: value}` to set or replace, `{name: null}`
 * to remove, and nothing when nothing changed.
 */
function headersFieldset(saved) {
  const rows = h("div", { class: "header-rows" });
  const kept = [];
  const added = [];

  for (const name of Object.keys(saved)) {
    const value = h("input", { type: "password", autocomplete: "off", spellcheck: "false", "aria-label": `New value for ${name}`, placeholder: "Type a new value to replace it" });
    const row = h("div", { class: "field header-row", "data-field": `headers.${name}` },
      h("code", { class: "header-name" }, name),
      h("span", { class: "secret-value header-value" },
        h("span", { "aria-hidden": "true" }, "•".repeat(12)),
        h("span", { class: "visually-hidden" }, "Value hidden")),
      value);
    const entry = { name, value, removed: false };
    const remove = h("button", { type: "button", class: "btn btn-small", "aria-label": `Remove ${name}` }, "Remove");
    remove.addEventListener("click", () => {
      entry.removed = !entry.removed;
      row.classList.toggle("header-removed", entry.removed);
      value.disabled = entry.removed;
      remove.textContent = entry.removed ? "Keep" : "Remove";
      remove.setAttribute("aria-label", `${remove.textContent} ${name}`);
    });
    row.append(remove, h("p", { class: "field-error", hidden: true }));
    kept.push(entry);
    rows.append(row);
  }

  const add = h("button", { type: "button", class: "btn btn-small" }, "Add header");
  add.addEventListener("click", () => {
    const name = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "aria-label": "Header name", placeholder: "Authorization" });
    const value = h("input", { type: "password", autocomplete: "off", spellcheck: "false", "aria-label": "Header value", placeholder: "Bearer …" });
    const row = h("div", { class: "field header-row header-new", "data-field": "headers.new" }, name, value);
    // The server names a bad header as typed: `headers.X-Api-Key`.
    name.addEventListener("input", () => row.setAttribute("data-field", `headers.${name.value.trim()}`));
    const entry = { name, value };
    const remove = h("button", { type: "button", class: "btn btn-small", "aria-label": "Remove this header" }, "Remove");
    remove.addEventListener("click", () => {
      added.splice(added.indexOf(entry), 1);
      row.remove();
      add.focus();
    });
    row.append(remove, h("p", { class: "field-error", hidden: true }));
    added.push(entry);
    rows.append(row);
    name.focus();
  });

  const legendId = uid("headers-legend");
  const fieldset = h("fieldset", { class: "field headers", "data-field": "headers", "aria-labelledby": legendId },
    h("legend", { id: legendId }, "Custom headers"),
    h("p", { class: "hint" }, "Sent with every request, for a receiver behind a gateway (e.g. Authorization: Bearer …). Values are hidden once saved: Adact sends them but never shows them again, not even in the history."),
    rows,
    h("div", null, add),
    h("p", { class: "field-error", hidden: true }));
  return {
    fieldset,
    changes() {
      const changes = {};
      for (const entry of kept) {
        if (entry.removed) changes[entry.name] = null;
        else if (entry.value.value !== "") changes[entry.name] = entry.value.value;
      }
      for (const entry of added) {
        const name = entry.name.value.trim();
        if (name !== "" || entry.value.value !== "") changes[name] = entry.value.value;
      }
      return Object.keys(changes).length > 0 ? changes : undefined;
    },
  };
}

/** The endpoint's signing secret. */
function endpointSecret(endpoint, onRotated) {
  return secretWidget({
    label: "Signing secret",
    secret: endpoint.secret,
    prefix: "whsec_",
    hint: "Check the webhook-signature header of each request with this secret (Standard Webhooks).",
    confirmTitle: "Rotate the signing secret?",
    confirmMessage: "Adact makes a new secret now. For 24 hours it signs with both the old and the new one, so you can update your server without missing an event.",
    rotated: "New signing secret made. The old one keeps signing for 24 hours.",
    rotate: async () => {
      const updated = await api.post(`/api/v1/webhooks/endpoints/${encodeURIComponent(endpoint.id)}/rotate-secret`, {});
      onRotated?.(updated);
      return updated.secret;
    },
  });
}

/**
 * "Recover events since…": sends the endpoint's deliveries skipped since a time
 * (made while webhooks were off or the endpoint disabled).
 */
function recoverWidget(endpoint) {
  const since = h("input", { type: "datetime-local", name: "since", required: true, value: toLocalInput(new Date(Date.now() - 24 * 3600 * 1000).toISOString()) });
  const button = h("button", { type: "submit", class: "btn btn-secondary" }, "Recover events");
  const form = h("form", { class: "recover", novalidate: true, "aria-label": "Recover events since" },
    formError(),
    field({ name: "since", label: "Recover events since", input: since, hint: "Events recorded while webhooks were off or this endpoint was disabled are kept as skipped deliveries. Send those since this time now." }),
    h("div", { class: "actions" }, button));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!since.value) return showError(form, { field: "since", message: "Choose a date and time." });
    await busy(button, async () => {
      let queued;
      try {
        ({ queued } = await api.post(`/api/v1/webhooks/endpoints/${encodeURIComponent(endpoint.id)}/recover`, { since: new Date(since.value).toISOString() }));
      } catch (error) {
        return showError(form, error);
      }
      toast(queued === 0 ? "No skipped event since then." : `${queued} skipped ${queued === 1 ? "event" : "events"} queued to be sent.`);
    });
  });
  return h("div", { class: "recover-events" }, form);
}

/** "Send test event" with its result inline: status, duration, error. */
function testWidget(endpointId, blockedReason) {
  const result = h("div", { class: "test-result", role: "status", "aria-live": "polite" });
  const button = h("button", { type: "button", class: "btn btn-secondary" }, "Send test event");
  button.addEventListener("click", () => busy(button, async () => {
    replace(result, h("p", { class: "muted" }, "Sending…"));
    let outcome;
    try {
      outcome = await api.post("/api/v1/webhooks/test", endpointId ? { endpoint_id: endpointId } : {});
    } catch (error) {
      replace(result, h("div", { class: "result result-danger" }, badge("Not sent", "danger"), h("span", null, error.message)));
      return;
    }
    const ok = outcome.succeeded;
    const facts = [
      outcome.response_status !== null && outcome.response_status !== undefined ? `HTTP ${outcome.response_status}` : "No response",
      outcome.duration_ms !== null && outcome.duration_ms !== undefined ? `${outcome.duration_ms} ms` : null,
    ].filter(Boolean).join(" · ");
    replace(result, h("div", { class: `result ${ok ? "result-success" : "result-danger"}` },
      badge(ok ? "Delivered" : "Failed", ok ? "success" : "danger"),
      h("span", { class: "result-facts" }, facts),
      outcome.error && h("span", { class: "result-error" }, outcome.error),
      outcome.delivery_id && h("a", { href: `${HISTORY}?delivery=${encodeURIComponent(outcome.delivery_id)}` }, "View in history")));
  }));
  return h("div", { class: "test" },
    h("p", { class: "label" }, "Test event"),
    h("p", { class: "hint" }, blockedReason ?? "Sends a webhook.test event now and shows how your endpoint answered."),
    h("div", null, button),
    result);
}
