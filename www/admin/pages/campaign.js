// A campaign's editor: every setting the API takes, in sections; the
// server's validation errors beside the fields they name; and beside the
// form a live preview of the campaign as typed, drawn by the real embed in
// a frame (preview.html). Nothing typed is lost on an error: the form is
// built once and read when saved.
import { api, listAll } from "../api.js";
import { remove, setArchived } from "../campaign-actions.js";
import { h, replace } from "../dom.js";
import { busy, campaignStatus, clearErrors, findField, formError, readable, showError, toast } from "../ui.js";
import { endScreenSection } from "./campaign/end-screen.js";
import { PLAY_BUTTONS, basicsSection, textsSection } from "./campaign/general.js";
import { lookSection } from "./campaign/look.js";
import { prizesSection } from "./campaign/prizes.js";
import { quizSection } from "./campaign/quiz.js";
import { registrationSection } from "./campaign/registration.js";
import { scheduleSection } from "./campaign/schedule.js";

const LIST = "/admin/campaigns";
const PREVIEW_DELAY_MS = 400;
/** The preview frame's page size in each mode; it is scaled down to fit. */
const FRAME_SIZES = { phone: [390, 760], desktop: [1100, 760] };

/** What a new campaign starts with: enough for the preview to show a game. */
function blank() {
  return {
    name: "", kind: "wheel", status: "draft", prizes: [],
    definition: {
      texts: { title: "Try your luck", description: "", play_button: PLAY_BUTTONS.wheel },
      theme: { primary: "#6d28d9", background: "#ffffff", text: "#1f2937" },
      play_limit: "once",
      form: { fields: [{ key: "email", type: "email", label: "Email", required: true }] },
      prizes: [{ name: "10% off", description: "", weight: 10, codes: { generate: { prefix: "" } } }],
      no_prize: { label: "No luck this time", weight: 10 },
      end_screen: { win_title: "You won!", win_text: "", lose_title: "Not this time", lose_text: "" },
    },
  };
}

export async function render({ params, navigate }) {
  const id = params.id ?? null;
  const [loaded, segments] = await Promise.all([
    id ? api.get(`/api/v1/campaigns/${encodeURIComponent(id)}`) : blank(),
    // Only a saved campaign can be shown by segments.
    id ? listAll("/api/v1/segments") : [],
  ]);
  let campaign = loaded;
  let dirty = false;
  const cleanups = [];
  const listen = (target, type, fn) => {
    target.addEventListener(type, fn);
    cleanups.push(() => target.removeEventListener(type, fn));
  };

  const editor = editorSections(campaign, { isNew: !id, changed });

  // ---- saving ---------------------------------------------------------------------------
  const saveButton = h("button", { type: "submit", class: "btn btn-primary" }, id ? "Save changes" : "Create campaign");
  const saveState = h("span", { class: "save-state muted", "aria-live": "polite" }, id ? "All changes saved" : "Not saved yet");
  const archiveButton = id && h("button", { type: "button", class: "btn", onclick: () => archive(campaign.status !== "archived") },
    campaign.status === "archived" ? "Restore" : "Archive");
  const deleteButton = id && h("button", { type: "button", class: "btn btn-danger", onclick: async () => {
    if (!(await remove(campaign))) return;
    dirty = false;
    navigate(LIST);
  } }, "Delete");
  const form = h("form", { class: "editor-form", novalidate: true, "aria-label": "Campaign settings" },
    formError(),
    editor.nodes,
    h("div", { class: "savebar" },
      saveButton,
      h("a", { class: "btn", href: LIST }, "Cancel"),
      saveState));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const { body, errors } = collect(editor);
    if (errors.length) return showError(form, { message: errors[0].message, fields: errors });
    await busy(saveButton, async () => {
      let saved;
      try {
        saved = id
          ? await api.patch(`/api/v1/campaigns/${encodeURIComponent(id)}`, body)
          : await api.post("/api/v1/campaigns", body);
      } catch (error) {
        return showError(form, error);
      }
      dirty = false;
      if (!id) {
        toast(`Campaign “${saved.name}” created.`);
        return navigate(`${LIST}/${encodeURIComponent(saved.id)}`, { replace: true });
      }
      campaign = saved;
      editor.prizes.saved(saved);
      paintHeader();
      saveState.textContent = "All changes saved";
      toast(`Campaign “${saved.name}” saved.`);
    });
  });

  async function archive(archived) {
    const saved = await setArchived(campaign, archived);
    if (!saved) return;
    campaign = saved;
    editor.basics.status.value = campaign.status;
    archiveButton.textContent = archived ? "Restore" : "Archive";
    paintHeader();
  }

  // ---- the header ---------------------------------------------------------------------------
  const heading = h("h1");
  const headerFacts = h("div", { class: "header-facts" });
  function paintHeader() {
    heading.textContent = id ? campaign.name : "New campaign";
    // After a rename the tab says the new name too (the shell set it once).
    if (id) document.title = `${campaign.name} · Adact console`;
    const shownBy = segments.filter((s) => s.campaign_id === id);
    replace(headerFacts,
      id && campaignStatus(campaign.status),
      id && (shownBy.length
        ? h("span", { class: "muted" }, `Shown by ${shownBy.length === 1 ? "segment" : "segments"} `, shownBy.map((s, i) => [i ? ", " : "", h("strong", null, s.title)]))
        : h("span", { class: "muted" }, "No segment shows it yet. ", h("a", { href: "/admin/segments" }, "Add one in Segments"), ".")));
  }
  paintHeader();

  // ---- the live preview ------------------------------------------------------------------
  const frame = h("iframe", { src: "/admin/preview.html", title: "Campaign preview", class: "preview-frame" });
  const viewport = h("div", { class: "preview-viewport" }, frame);
  const previewStatus = h("div", { class: "preview-status", role: "status", "data-state": "updating" }, "Loading the preview…");
  let mode = "phone";
  let frameReady = false;
  let timer = null;
  const modeButtons = Object.keys(FRAME_SIZES).map((m) => h("button", {
    type: "button", class: "btn btn-small", "aria-pressed": String(m === mode), "data-mode": m,
    onclick: () => {
      mode = m;
      for (const b of modeButtons) b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
      layout();
    },
  }, m === "phone" ? "Phone" : "Desktop"));

  /** The frame at its page size, scaled to the width there is. */
  function layout() {
    const [width, height] = FRAME_SIZES[mode];
    const scale = Math.min(1, viewport.clientWidth / width) || 1;
    frame.style.width = `${width}px`;
    frame.style.height = `${height}px`;
    frame.style.transform = `scale(${scale})`;
    viewport.style.height = `${Math.ceil(height * scale)}px`;
  }
  const resize = new ResizeObserver(layout);
  resize.observe(viewport);
  cleanups.push(() => resize.disconnect());

  /**
   * Sends the form to the preview when it differs from what the preview
   * shows (or to start over): a change event on leaving a field must not
   * reset a game the admin is playing.
   */
  let previewed = null;
  function sendPreview({ restart = false } = {}) {
    clearTimeout(timer);
    if (!frameReady) return;
    const { body, errors } = collect(editor, { preview: true });
    if (errors.length) {
      previewed = null;
      return paintPreviewStatus({ state: "error", error: errors[0] });
    }
    const json = JSON.stringify(body);
    if (json === previewed && !restart) return;
    previewed = json;
    previewStatus.dataset.state = "updating";
    frame.contentWindow.postMessage({ type: "adact-preview", campaign: body }, location.origin);
  }

  function paintPreviewStatus({ state, error }) {
    previewStatus.dataset.state = state;
    if (state !== "error") return replace(previewStatus, h("span", { class: "dot", "aria-hidden": "true" }), "Up to date with the form");
    const wrapper = error.field && findField(form, error.field);
    replace(previewStatus,
      h("span", { class: "dot", "aria-hidden": "true" }),
      h("span", null, h("strong", null, "Preview paused. "), wrapper ? `${fieldName(wrapper)}: ` : "", readable(error.message, error.field)),
      wrapper && h("button", { type: "button", class: "btn btn-small", onclick: () => (wrapper.querySelector("input, select, textarea") ?? wrapper).focus() }, "Show field"));
  }

  listen(window, "message", (event) => {
    if (event.origin !== location.origin || event.source !== frame.contentWindow) return;
    if (event.data?.type === "adact-preview-ready") {
      frameReady = true;
      sendPreview({ restart: true });
    } else if (event.data?.type === "adact-preview-status") {
      paintPreviewStatus(event.data);
    }
  });

  function changed() {
    dirty = true;
    saveState.textContent = "Unsaved changes";
    editor.prizes.paintChances();
    clearTimeout(timer);
    timer = setTimeout(() => sendPreview(), PREVIEW_DELAY_MS);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("rows-changed", changed);
  editor.prizes.paintChances();
  listen(window, "beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });

  const preview = h("aside", { class: "preview card", id: "preview", "aria-labelledby": "preview-title" },
    h("div", { class: "preview-header" },
      h("div", null,
        h("h2", { id: "preview-title" }, "Live preview"),
        h("p", { class: "muted small" }, "As typed, before you save. Play it through to the end screen.")),
      h("div", { class: "btn-group", role: "group", "aria-label": "Preview width" }, modeButtons)),
    viewport,
    h("div", { class: "preview-footer" },
      previewStatus,
      h("button", { type: "button", class: "btn btn-small", onclick: () => sendPreview({ restart: true }) }, "Restart")),
    h("p", { class: "hint" }, "The preview ignores the schedule, the play limit and the status, and draws among prizes by weight without taking stock or codes."));

  const node = h("div", { class: "page page-wide" },
    h("div", { class: "page-header page-header-row" },
      h("div", null,
        h("p", { class: "breadcrumb" }, h("a", { href: LIST }, "Campaigns"), " › ", id ? "Edit" : "New"),
        heading,
        headerFacts,
        h("a", { class: "skip-preview", href: "#preview" }, "Jump to the preview")),
      id && h("div", { class: "btn-group" }, archiveButton, deleteButton)),
    h("div", { class: "editor" }, form, preview));
  return {
    node,
    title: id ? campaign.name : "New campaign",
    unsaved: () => dirty,
    destroy: () => {
      clearTimeout(timer);
      for (const cleanup of cleanups) cleanup();
    },
  };
}

/** The form's sections, in order; `changed()` is called on what the form's events do not tell. */
function editorSections(campaign, { isNew, changed }) {
  const d = campaign.definition;
  const basics = basicsSection(campaign);
  const parts = {
    basics,
    texts: textsSection(d.texts, basics.kind, { isNew }),
    prizes: prizesSection(d, campaign.prizes, changed),
    registration: registrationSection(d.form),
    quiz: quizSection(d.quiz, basics.kind),
    end: endScreenSection(d.end_screen),
    look: lookSection(d.theme),
    schedule: scheduleSection(d),
  };
  return { ...parts, nodes: Object.values(parts).map((part) => part.node) };
}

/**
 * The request body from the form, and what the browser can tell is wrong
 * before asking the server (numbers). `preview` leaves uploaded codes out:
 * the preview never gives them, and they can be many.
 */
function collect(editor, { preview = false } = {}) {
  const errors = [];
  const whole = (input, path, { optional = false } = {}) => {
    const value = input.value.trim();
    if (value === "" && optional) return null;
    if (/^\d+$/.test(value)) return Number(value);
    errors.push({ field: path, message: optional ? "Enter a whole number, or leave it empty." : "Enter a whole number, 0 or more." });
    return null;
  };
  const { basics, texts, prizes, registration, quiz, end, look, schedule } = editor;
  const definition = {
    texts: texts.read(),
    theme: look.read(),
    play_limit: schedule.playLimit(),
    form: registration.read(errors),
    ...prizes.read(errors, { whole, preview }),
    end_screen: end.read(),
    ...schedule.dates(),
  };
  if (basics.kind.value() === "quiz") definition.quiz = quiz.read(errors, whole);
  // Players never see the name: an unnamed campaign can be previewed.
  const named = basics.name.value.trim() || (preview ? "Untitled campaign" : "");
  return { body: { name: named, kind: basics.kind.value(), status: basics.status.value, definition }, errors };
}

/** A field's name as the admin reads it: "Prize 2 › Weight". */
function fieldName(wrapper) {
  const own = wrapper.querySelector(":scope > label, :scope > legend")?.textContent;
  const row = wrapper.closest(".row-card");
  const rowName = row && row !== wrapper ? row.querySelector(":scope > legend")?.textContent : null;
  return [rowName, own].filter(Boolean).join(" › ");
}