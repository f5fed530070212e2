// The live preview beside the editor: the real embed in a frame
// (preview.html) at phone or desktop size, at real size (never scaled: a
// desktop page wider than the column scrolls in its frame), drawing the
// campaign as typed; when the server refuses what is typed, it says which
// field and keeps the last good state.
import { h, replace } from "../../dom.js";
import { findField, readable, revealField } from "../../ui.js";

const PREVIEW_DELAY_MS = 400;
/** The preview frame's page size in each mode, drawn at real size. */
const FRAME_SIZES = { phone: [360, 740], desktop: [1100, 760] };

/**
 * The preview of what `read()` gives (`{body, errors}`, as a save would
 * send it); `form` is where the fields named by errors are. `schedule()`
 * sends it after a pause, `destroy()` stops listening.
 */
export function previewPane({ form, read }) {
  const frame = h("iframe", { src: "/admin/preview.html", title: "Campaign preview", class: "preview-frame" });
  // Focusable, as a region that scrolls must be for the keyboard.
  const viewport = h("div", { class: "preview-viewport", tabindex: "0", role: "region", "aria-label": "Preview frame" }, frame);
  const status = h("div", { class: "preview-status", role: "status", "data-state": "updating" }, "Loading the preview…");
  const modes = modeButtons((mode) => layout(frame, viewport, mode));
  layout(frame, viewport, modes.mode());
  let frameReady = false;
  let timer = null;

  /**
   * Sends the form to the preview when it differs from what the preview
   * shows (or to start over): a change event on leaving a field must not
   * reset a game the admin is playing.
   */
  let previewed = null;
  function send({ restart = false } = {}) {
    clearTimeout(timer);
    if (!frameReady) return;
    const { body, errors } = read();
    if (errors.length) {
      previewed = null;
      return paintStatus(status, form, { state: "error", error: errors[0] });
    }
    const json = JSON.stringify(body);
    if (json === previewed && !restart) return;
    previewed = json;
    status.dataset.state = "updating";
    frame.contentWindow.postMessage({ type: "adact-preview", campaign: body }, location.origin);
  }

  const onMessage = (event) => {
    if (event.origin !== location.origin || event.source !== frame.contentWindow) return;
    if (event.data?.type === "adact-preview-ready") {
      frameReady = true;
      send({ restart: true });
    } else if (event.data?.type === "adact-preview-status") {
      paintStatus(status, form, event.data);
    }
  };
  window.addEventListener("message", onMessage);

  const node = h("aside", { class: "preview card", id: "preview", "aria-labelledby": "preview-title" },
    h("div", { class: "preview-header" },
      h("div", null,
        h("h2", { id: "preview-title" }, "Live preview"),
        h("p", { class: "muted small" }, "As typed, before you save. Play it through to the end screen.")),
      h("div", { class: "btn-group", role: "group", "aria-label": "Preview width" }, modes.buttons)),
    viewport,
    h("div", { class: "preview-footer" },
      status,
      h("button", { type: "button", class: "btn btn-small", onclick: () => send({ restart: true }) }, "Restart")),
    h("p", { class: "hint" }, "The preview ignores the schedule, the play limit and the status, and draws among prizes by weight without taking stock or codes."));
  return {
    node,
    schedule() {
      clearTimeout(timer);
      timer = setTimeout(() => send(), PREVIEW_DELAY_MS);
    },
    destroy() {
      clearTimeout(timer);
      window.removeEventListener("message", onMessage);
    },
  };
}

/** The Phone and Desktop buttons; `onchange(mode)` when one is pressed. */
function modeButtons(onchange) {
  let mode = "phone";
  const buttons = Object.keys(FRAME_SIZES).map((m) => h("button", {
    type: "button", class: "btn btn-small", "aria-pressed": String(m === mode), "data-mode": m,
    onclick: () => {
      mode = m;
      for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
      onchange(mode);
    },
  }, m === "phone" ? "Phone" : "Desktop"));
  return { buttons, mode: () => mode };
}

/** The frame at its page size in `mode`, at real size; the viewport scrolls what does not fit. */
function layout(frame, viewport, mode) {
  const [width, height] = FRAME_SIZES[mode];
  frame.style.width = `${width}px`;
  frame.style.height = `${height}px`;
  viewport.dataset.mode = mode;
  // A page wider than the viewport opens on its middle, where the game is.
  requestAnimationFrame(() => { viewport.scrollLeft = (viewport.scrollWidth - viewport.clientWidth) / 2; });
}

/** "Up to date", or paused with the field at fault and a button to it. */
function paintStatus(status, form, { state, error }) {
  status.dataset.state = state;
  if (state !== "error") return replace(status, h("span", { class: "dot", "aria-hidden": "true" }), "Up to date with the form");
  const wrapper = error.field && findField(form, error.field);
  replace(status,
    h("span", { class: "dot", "aria-hidden": "true" }),
    h("span", null, h("strong", null, "Preview paused. "), wrapper ? `${fieldName(wrapper)}: ` : "", readable(error.message, error.field)),
    wrapper && h("button", { type: "button", class: "btn btn-small", onclick: () => {
      const target = wrapper.querySelector("input, select, textarea") ?? wrapper;
      revealField(target);
      target.focus();
    } }, "Show field"));
}

/** A field's name as the admin reads it: "Prize 2 › Weight". */
function fieldName(wrapper) {
  const own = wrapper.querySelector(":scope > label, :scope > legend")?.textContent;
  const row = wrapper.closest(".row-card");
  const rowName = row && row !== wrapper ? row.querySelector(":scope > legend")?.textContent : null;
  return [rowName, own].filter(Boolean).join(" › ");
}
