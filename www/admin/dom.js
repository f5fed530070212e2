// Building the DOM without innerHTML: every string becomes a text node, so
// nothing the server sends can ever turn into markup.

const PROPERTIES = new Set(["value", "checked", "disabled", "hidden", "selected", "indeterminate"]);

/**
 * h("button", {class: "btn", onclick: fn}, "Save") — an element.
 * Props: `class`, `text`, `on<event>` listeners, DOM properties such as
 * `value`/`checked`, everything else an attribute (true → present).
 * Children: nodes, strings and numbers (as text), arrays; null/false skipped.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let ids = 0;
/** A document-unique id for label/aria wiring. */
export const uid = (prefix = "id") => `${prefix}-${++ids}`;

/** "2026-11-26T21:04:05Z" → a local, readable date and time in a <time>. */
export function time(iso, { seconds = true } = {}) {
  if (!iso) return h("span", { class: "muted" }, "—");
  const date = new Date(iso);
  return h("time", { datetime: iso, title: iso }, date.toLocaleString(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: seconds ? "2-digit" : undefined,
  }));
}

/** An RFC 3339 time as a datetime-local value, in local time. */
export function toLocalInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Pretty-printed JSON when `text` parses as JSON, else the text itself. */
export function prettyBody(text) {
  if (text === null || text === undefined || text === "") return null;
  if (typeof text !== "string") return JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A <pre> block of code, or an "(empty)" note. */
export function codeBlock(text, label) {
  const body = prettyBody(text);
  if (body === null) return h("p", { class: "muted" }, "(empty)");
  return h("pre", { class: "code", tabindex: "0", role: "group", "aria-label": label }, h("code", null, body));
}
