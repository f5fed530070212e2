// Shared pieces of the console: toasts, confirmation dialogs, copying,
// form fields with inline server errors, the event type picker, and the
// console's words for the API's names.
import {
  CAMPAIGN_KINDS, CAMPAIGN_STATUSES, DELIVERY_STATUSES, ERROR_CODES, EVENT_TYPES, keyedBy, named,
} from "./api-names.js";
import { h, replace, uid } from "./dom.js";

// ---- toasts -------------------------------------------------------------------

/** How long a notice stays: long enough to read, short enough not to linger. */
export const TOAST_MS = 5000;

/**
 * A short notice in the strip above the page, announced by its aria-live
 * region. It takes its own room in the page flow (it never covers a button),
 * a success leaves after TOAST_MS, an error stays until dismissed, and every
 * one leaves when the admin moves to another page ({@link clearToasts}).
 * Hovering or focusing a notice holds it.
 */
export function toast(message, { kind = "success", timeout = kind === "error" ? null : TOAST_MS } = {}) {
  const region = document.getElementById("toasts");
  if (!region) return;
  let timer = null;
  const dismiss = () => {
    clearTimeout(timer);
    if (item.isConnected) unanchored(() => item.remove());
  };
  const item = h("div", { class: `toast toast-${kind}`, "data-kind": kind },
    h("span", { class: "toast-icon", "aria-hidden": "true" }, kind === "error" ? "!" : "✓"),
    h("span", { class: "toast-text" }, message),
    h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss notice", onclick: dismiss }, "×"));
  const start = () => {
    if (timeout) timer = setTimeout(dismiss, timeout);
  };
  item.addEventListener("pointerenter", () => clearTimeout(timer));
  item.addEventListener("pointerleave", start);
  item.addEventListener("focusin", () => clearTimeout(timer));
  item.addEventListener("focusout", start);
  unanchored(() => {
    region.append(item);
    // The same notice twice shows once; a few at a time, older ones make way.
    for (const other of [...region.children]) {
      if (other !== item && other.querySelector(".toast-text")?.textContent === message) other.remove();
    }
    while (region.children.length > 3) region.firstElementChild.remove();
  });
  start();
}

/** Removes every notice: a new page starts without the last one's. */
export function clearToasts() {
  const region = document.getElementById("toasts");
  if (region?.firstChild) unanchored(() => region.replaceChildren());
}

/**
 * Makes a change to the header's notices with the browser's scroll
 * anchoring off: the page then moves down (or up) with the header, so what
 * was in view stays in view below it instead of going under a notice.
 */
function unanchored(change) {
  const root = document.documentElement;
  root.style.overflowAnchor = "none";
  change();
  root.getBoundingClientRect(); // laid out now, unanchored
  requestAnimationFrame(() => requestAnimationFrame(() => { root.style.overflowAnchor = ""; }));
}

// ---- confirmation -------------------------------------------------------------

/** A modal question; resolves true when the admin confirms. */
export function confirmDialog({ title, message, confirm = "Confirm", danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid("confirm-title");
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": titleId },
      h("form", { method: "dialog" },
        h("h2", { id: titleId }, title),
        h("p", null, message),
        h("div", { class: "actions" },
          h("button", { type: "submit", value: "cancel", class: "btn" }, "Cancel"),
          h("button", { type: "submit", value: "ok", class: danger ? "btn btn-danger" : "btn btn-primary" }, confirm))));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// ---- copying ------------------------------------------------------------------

export async function copyText(text, what = "Copied") {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = h("textarea", { class: "visually-hidden", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  toast(`${what} to the clipboard.`);
}

export function copyButton(getText, label, what) {
  return h("button", { type: "button", class: "btn btn-small", onclick: () => copyText(getText(), what) },
    label);
}

// ---- secrets ------------------------------------------------------------------

/**
 * A secret: hidden until revealed; copy; rotate after a confirm. `rotate`
 * makes a new one and resolves to it; the old one keeps working for 24 h.
 */
export function secretWidget({ label, secret, prefix, hint, confirmTitle, confirmMessage, rotate, rotated }) {
  let shown = false;
  const labelId = uid("secret-label");
  const value = h("code", { class: "secret-value" });
  const reveal = h("button", { type: "button", class: "btn btn-small", "aria-pressed": "false" });
  const paint = () => {
    value.textContent = shown ? secret : `${prefix}${"•".repeat(24)}`;
    reveal.textContent = shown ? "Hide" : "Reveal";
    reveal.setAttribute("aria-pressed", String(shown));
  };
  reveal.addEventListener("click", () => { shown = !shown; paint(); });
  const rotateButton = h("button", { type: "button", class: "btn btn-small", onclick: async () => {
    const ok = await confirmDialog({ title: confirmTitle, message: confirmMessage, confirm: "Rotate secret" });
    if (!ok) return;
    await busy(rotateButton, async () => {
      try {
        secret = await rotate();
      } catch (error) {
        return toast(error.message, { kind: "error" });
      }
      shown = true;
      paint();
      toast(rotated);
    });
  } }, "Rotate…");
  paint();
  return h("div", { class: "secret", role: "group", "aria-labelledby": labelId },
    h("p", { class: "label", id: labelId }, label),
    h("div", { class: "secret-row" }, value,
      h("div", { class: "btn-group" }, reveal, copyButton(() => secret, "Copy", `${label} copied`), rotateButton)),
    h("p", { class: "hint" }, hint));
}

// ---- forms --------------------------------------------------------------------

/**
 * A labelled field: `input` is the control; returns the wrapper, which holds
 * a hint and the error text the server's `field` names (`data-field`).
 */
export function field({ name, label, input, hint }) {
  const id = input.id || uid(name);
  input.id = id;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  input.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h("div", { class: "field", "data-field": name },
    h("label", { for: id }, label),
    hint && h("p", { class: "hint", id: hintId }, hint),
    input,
    h("p", { class: "field-error", id: errorId, hidden: true }));
}

/** An on/off switch: a checkbox with role=switch, with its label beside it. */
export function toggle({ name, label, checked, hint }) {
  const id = uid(name);
  const input = h("input", { type: "checkbox", role: "switch", id, name, checked: Boolean(checked), class: "switch-input" });
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  input.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  const wrapper = h("div", { class: "field field-switch", "data-field": name },
    h("label", { for: id, class: "switch" }, input, h("span", { class: "switch-track", "aria-hidden": "true" }), h("span", { class: "switch-label" }, label)),
    hint && h("p", { class: "hint", id: hintId }, hint),
    h("p", { class: "field-error", id: errorId, hidden: true }));
  return { wrapper, input };
}

/** Clears every error message of `form`. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll(".field-error")) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const general = form.querySelector(".form-error");
  if (general) {
    replace(general).hidden = true;
    general.classList.remove("form-conflict");
  }
}

/**
 * Shows an API error in `form`: each field it names beside its control, or
 * at the top of the form; focus goes to the first. What was typed stays.
 * With `conflict` ({what, reload}), a 412 says so with a reload button
 * ({@link showConflict}).
 */
export function showError(form, error, { conflict } = {}) {
  if (conflict && isConflict(error)) return showConflict(form, conflict);
  const fields = error.fields?.length ? error.fields : [{ field: error.field, message: error.message }];
  let first = null;
  for (const { field, message } of fields) {
    const shown = showFieldError(form, field, message);
    first ??= shown;
  }
  if (first) {
    revealField(first);
    return first.focus();
  }
  const general = form.querySelector(".form-error");
  if (general) {
    replace(general, error.message);
    general.hidden = false;
    general.focus();
  } else {
    toast(error.message, { kind: "error" });
  }
}

/**
 * The error beside the field named by `path`, or by the nearest enclosing
 * path that has one: `definition.prizes[2].codes.pool[7]` shows at the
 * prize's codes, `events[2]` at the events. Returns what to focus, or null.
 */
function showFieldError(form, path, message) {
  const wrapper = findField(form, path);
  if (!wrapper) return null;
  const text = wrapper.querySelector(":scope > .field-error");
  text.textContent = readable(message, path);
  text.hidden = false;
  // A field's control takes the focus; a whole section's message itself.
  const control = wrapper.classList.contains("field") ? wrapper.querySelector("input, select, textarea") : null;
  if (control) {
    control.setAttribute("aria-invalid", "true");
    return control;
  }
  text.tabIndex = -1;
  return text;
}

/**
 * Makes `element` visible before it takes the focus: what hides it (an
 * editor tab, a collapsed prize) listens for `reveal-field`.
 */
export function revealField(element) {
  element.dispatchEvent(new CustomEvent("reveal-field", { bubbles: true }));
}

/** The wrapper of the field `path` names, or of the nearest enclosing path that has one. */
export function findField(form, path) {
  for (let name = path; name; name = name.replace(/(\.[^.[]*|\[\d+\])$/, "")) {
    const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (wrapper) return wrapper;
    if (!/[.[]/.test(name)) break;
  }
  return null;
}

/** "url: must use https" → "Must use https" (the field is already labelled). */
export function readable(message, field) {
  const text = field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Says at the top of `form` that someone else saved what it edits after the
 * form was loaded: the server refused the save (412), so nothing was saved.
 * `what` names it ("this campaign", "the webhook settings"); the button runs
 * `reload`, which loads the current version into the form in place of what
 * was typed.
 */
export function showConflict(form, { what, reload }) {
  const general = form.querySelector(".form-error");
  const button = h("button", { type: "button", class: "btn btn-small" }, "Load the current version");
  button.addEventListener("click", () => busy(button, reload));
  replace(general,
    h("p", { class: "conflict-title" }, `Someone else changed ${what}`),
    h("p", null, "Your changes were not saved: a newer version was saved after you opened this page, by another admin or by you in another tab. Load the current version, then make your changes again."),
    h("div", null, button));
  general.classList.add("form-conflict");
  general.hidden = false;
  general.focus();
}

const PRECONDITION_FAILED = named(ERROR_CODES, "precondition_failed");
/** Whether the API refused an edit because someone else saved first (412). */
export const isConflict = (error) => error.code === PRECONDITION_FAILED;

/** The place for errors that name no field, at the top of a form. */
export const formError = () => h("div", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });

/** Disables a submit button while `work` runs. */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// ---- event types --------------------------------------------------------------

/**
 * The events to subscribe to: "All events" or a list (the API's event types,
 * each with its description from the API's document). `value()` gives what
 * the API takes (["*"] for all).
 */
export function eventsFieldset(selected = ["*"]) {
  const all = selected.includes("*");
  const allBox = h("input", { type: "checkbox", name: "events-all", checked: all });
  const boxes = EVENT_TYPES.map(([type]) => h("input", {
    type: "checkbox", name: "events", value: type, checked: all || selected.includes(type), disabled: all,
  }));
  allBox.addEventListener("change", () => {
    for (const box of boxes) {
      box.disabled = allBox.checked;
      if (allBox.checked) box.checked = true;
    }
  });
  const legendId = uid("events-legend");
  const errorId = uid("events-error");
  const fieldset = h("fieldset", { class: "field events", "data-field": "events", "aria-describedby": errorId },
    h("legend", { id: legendId }, "Events to send"),
    h("label", { class: "check check-all" }, allBox, h("span", null, h("strong", null, "All events"), h("span", { class: "muted" }, " — including types added later"))),
    h("div", { class: "check-grid" }, EVENT_TYPES.map(([type, description], i) =>
      h("label", { class: "check" }, boxes[i], h("span", null, h("code", null, type), h("span", { class: "check-hint" }, description))))),
    h("p", { class: "field-error", id: errorId, hidden: true }));
  return {
    fieldset,
    value: () => (allBox.checked ? ["*"] : boxes.filter((b) => b.checked).map((b) => b.value)),
  };
}

/** "*" or a list, as short text for tables. */
export function eventsSummary(events) {
  if (!events?.length || events.includes("*")) return "All events";
  if (events.length <= 2) return events.join(", ");
  return `${events.length} event types`;
}

/** A coloured status label. */
/**
 * A side panel, shown at once: a modal dialog with `title`, a Close button
 * and a body that says "Loading…" until the page fills it. The page removes
 * it when it closes.
 */
export function drawer(title) {
  const titleId = uid("drawer-title");
  const heading = h("h2", { id: titleId }, title);
  const body = h("div", { class: "drawer-body" }, h("p", { class: "muted" }, "Loading…"));
  const dialog = h("dialog", { class: "drawer", "aria-labelledby": titleId },
    h("div", { class: "drawer-header" },
      heading,
      h("button", { type: "button", class: "btn btn-small", onclick: () => dialog.close() }, "Close")),
    body);
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, heading, body };
}

/**
 * A list page's table, newest first: its live summary line, its body, its
 * "Load more" button (which adds `list`'s next page, see `pager`, and
 * paints) and what shows when it is empty.
 */
export function listTable({ className, caption, columns, empty = "", list, paint }) {
  const summary = h("p", { class: "muted small", role: "status", "aria-live": "polite" });
  const tbody = h("tbody");
  const more = h("button", { type: "button", class: "btn", hidden: true }, "Load more");
  more.addEventListener("click", () => busy(more, async () => {
    try {
      if (await list.more()) paint();
    } catch (error) {
      toast(error.message, { kind: "error" });
    }
  }));
  const table = h("div", { class: "table-wrap" }, h("table", { class: `table ${className}` },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", null, h("tr", null, columns.map((c) => h("th", { scope: "col" }, c)))),
    tbody));
  return { summary, tbody, more, table, empty: h("p", { class: "empty", hidden: true }, empty) };
}

/**
 * A list page's side panel: one row's details at a time, in a drawer.
 * `open(id, title)` takes any other panel away and returns the new one
 * (`{id, dialog, heading, body}`), or null when that row's is open already;
 * `close()` takes it away. Each time the page is painted again, and focus
 * goes back to the row's link (in `tr[data-{row}]`); `closed()` runs when
 * the admin closed it (to update the URL).
 */
export function rowPanel(row, { paint, closed }) {
  let current = null;
  function end(byAdmin) {
    const { id, dialog } = current;
    current = null;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (byAdmin) closed();
    paint();
    document.querySelector(`tr[data-${row}="${CSS.escape(id)}"] a`)?.focus();
  }
  return {
    get current() {
      return current;
    },
    open(id, title) {
      if (current?.id === id) return null;
      if (current) end(false);
      const state = { id, ...drawer(title) };
      state.dialog.addEventListener("close", () => {
        if (current === state) end(true);
      });
      current = state;
      paint();
      return state;
    },
    close() {
      if (current) end(false);
    },
  };
}

/** A term and its value in a `dl.facts`. */
export function fact(term, value) {
  return h("div", null, h("dt", null, term), h("dd", null, value));
}

export function badge(text, kind = "neutral") {
  return h("span", { class: `badge badge-${kind}` }, text);
}

/** Each delivery status's colour. */
export const STATUS_KIND = keyedBy(DELIVERY_STATUSES, { pending: "warning", succeeded: "success", failed: "danger", skipped: "neutral" });

// ---- campaigns and segments ---------------------------------------------------

/** The game kinds, in the product's words. */
export const KIND_LABELS = keyedBy(CAMPAIGN_KINDS, { wheel: "Spin the wheel", scratch: "Scratch card", giftbox: "Gift box", quiz: "Quiz" });
export const kindLabel = (kind) => KIND_LABELS[kind] ?? kind;

/** An SVG element (h() makes HTML ones). */
function svg(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs ?? {})) el.setAttribute(key, String(value));
  el.append(...children.flat());
  return el;
}

/** The drawing of each kind, on a 40×40 canvas. */
const THUMBS = keyedBy(CAMPAIGN_KINDS, {
  wheel: () => {
    const colours = ["#f97316", "#facc15", "#22c55e", "#3b82f6", "#a855f7", "#ec4899"];
    const slices = colours.map((fill, i) => {
      const a = (i * 60 - 90) * Math.PI / 180;
      const b = ((i + 1) * 60 - 90) * Math.PI / 180;
      const p = (t) => `${(20 + 13 * Math.cos(t)).toFixed(2)} ${(21 + 13 * Math.sin(t)).toFixed(2)}`;
      return svg("path", { d: `M20 21 L${p(a)} A13 13 0 0 1 ${p(b)} Z`, fill });
    });
    return [
      svg("circle", { cx: 20, cy: 21, r: 15, fill: "#1e1b4b" }),
      ...slices,
      svg("circle", { cx: 20, cy: 21, r: 3.2, fill: "#fff", stroke: "#1e1b4b", "stroke-width": 1.2 }),
      svg("path", { d: "M16.5 3.5h7L20 10z", fill: "#fff", stroke: "#1e1b4b", "stroke-width": 1.2, "stroke-linejoin": "round" }),
    ];
  },
  scratch: () => [
    svg("rect", { x: 5, y: 9, width: 30, height: 22, rx: 3.5, fill: "#fef3c7", stroke: "#b45309", "stroke-width": 1.2 }),
    svg("text", { x: 12, y: 25, "font-size": 10, "font-weight": 800, fill: "#b45309", "font-family": "system-ui, sans-serif" }, "%"),
    svg("path", { d: "M19 9.6h12.4a3 3 0 0 1 3 3v15.8a3 3 0 0 1-3 3H22c2-4-3-6 0-10s-5-6-3-11.8z", fill: "#94a3b8" }),
    svg("path", { d: "M24 14l5 2M23 19l7 1.5M24 24.5l5 1", stroke: "#cbd5e1", "stroke-width": 1.3, "stroke-linecap": "round" }),
  ],
  giftbox: () => [
    svg("rect", { x: 8, y: 18, width: 24, height: 16, rx: 2, fill: "#ef4444" }),
    svg("rect", { x: 6, y: 13, width: 28, height: 6.5, rx: 1.8, fill: "#f87171" }),
    svg("rect", { x: 18, y: 13, width: 4, height: 21, fill: "#facc15" }),
    svg("path", { d: "M20 13c-3-6-9-6-8-2.5 1 3 5 2.5 8 2.5zM20 13c3-6 9-6 8-2.5-1 3-5 2.5-8 2.5z", fill: "#facc15", stroke: "#ca8a04", "stroke-width": 1 }),
  ],
  quiz: () => [
    svg("path", { d: "M7 8h26a3 3 0 0 1 3 3v14a3 3 0 0 1-3 3H17l-6 5v-5H7a3 3 0 0 1-3-3V11a3 3 0 0 1 3-3z", fill: "#0ea5e9" }),
    svg("text", { x: 20, y: 23.5, "text-anchor": "middle", "font-size": 13, "font-weight": 800, fill: "#fff", "font-family": "system-ui, sans-serif" }, "?"),
  ],
});

/** A 16 px line icon for a button that has its name in aria-label. */
const ICONS = {
  archive: "M3 4h14v4H3zM4.5 8v8h11V8M8 11h4",
  restore: "M4 10a6 6 0 1 0 2-4.5M4 3v3.5h3.5",
  delete: "M4 6h12M8 6V4h4v2M5.5 6l.8 10h7.4l.8-10M8.5 9v4.5M11.5 9v4.5",
};
export function icon(name) {
  return svg("svg", { viewBox: "0 0 20 20", width: 16, height: 16, fill: "none", stroke: "currentColor", "stroke-width": 1.6, "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false" },
    svg("path", { d: ICONS[name] }));
}

/** A small picture of a game kind, drawn inline (no download); decorative. */
export function kindThumb(kind) {
  return h("span", { class: `kind-thumb kind-thumb-${kind}`, "aria-hidden": "true" },
    svg("svg", { viewBox: "0 0 40 40", width: 40, height: 40, focusable: "false" }, (THUMBS[kind] ?? THUMBS.wheel)()));
}

const CAMPAIGN_STATUS = keyedBy(CAMPAIGN_STATUSES, { draft: ["Draft", "neutral"], active: ["Active", "success"], archived: ["Archived", "warning"] });
/** A campaign's status as a coloured label. */
export const campaignStatus = (status) => badge(...(CAMPAIGN_STATUS[status] ?? [status, "neutral"]));

/**
 * `value` as JSON that is safe inside an HTML `<script>` element: `<`, `>`
 * and `&` as \u escapes (so `</script>` or `<!--` in a title cannot end or
 * change the element), and U+2028/U+2029, which older JavaScript engines
 * read as line ends inside a string. JSON.stringify already escapes quotes,
 * backslashes and line breaks. The result is a valid JavaScript expression.
 */
export const scriptJson = (value) =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** The call a page makes to show a segment's campaign, safe to paste into a <script>. */
export const renderCall = (title) => `window.renderAdact(${scriptJson({ segment: title })});`;
