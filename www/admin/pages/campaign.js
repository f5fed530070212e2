// A campaign's editor: every setting the API takes, in sections under tabs; the
// server's validation errors beside the fields they name; and beside the
// form a live preview of the campaign as typed, drawn by the real embed in
// a frame (preview.html). Nothing typed is lost on an error: the form is
// built once and read when saved.
//
// This module is the page: loading, saving, the header and its archive and
// delete buttons, the unsaved-changes guard, the wiring of the preview, and
// a saved campaign's results above the form (campaign/results.js).
// Each section of the form is a module in campaign/.
import { CAMPAIGN_KINDS, CAMPAIGN_STATUSES, FIELD_KINDS, PLAY_LIMITS, named } from "../api-names.js";
import { api, etagOf, listAll } from "../api.js";
import { remove, setArchived } from "../campaign-actions.js";
import { h, replace } from "../dom.js";
import { busy, campaignStatus, clearErrors, formError, showError, toast } from "../ui.js";
import { endScreenSection } from "./campaign/end-screen.js";
import { PLAY_BUTTONS, basicsSection, textsSection } from "./campaign/general.js";
import { lookSection } from "./campaign/look.js";
import { previewPane } from "./campaign/preview-pane.js";
import { prizesSection } from "./campaign/prizes.js";
import { quizSection } from "./campaign/quiz.js";
import { registrationSection } from "./campaign/registration.js";
import { resultsSection } from "./campaign/results.js";
import { scheduleSection } from "./campaign/schedule.js";
import { editorTabs } from "./campaign/tabs.js";

const LIST = "/admin/campaigns";
const WHEEL = named(CAMPAIGN_KINDS, "wheel");
const QUIZ = named(CAMPAIGN_KINDS, "quiz");
const DRAFT = named(CAMPAIGN_STATUSES, "draft");
const ARCHIVED = named(CAMPAIGN_STATUSES, "archived");

/** What a new campaign starts with: enough for the preview to show a game. */
function blank() {
  return {
    name: "", kind: WHEEL, status: DRAFT, prizes: [],
    definition: {
      texts: { title: "Try your luck", description: "", play_button: PLAY_BUTTONS[WHEEL] },
      theme: { primary: "#6d28d9", background: "#ffffff", text: "#1f2937" },
      play_limit: named(PLAY_LIMITS, "once"),
      form: { fields: [{ key: "email", type: named(FIELD_KINDS, "email"), label: "Email", required: true }] },
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
  // What the page shares: the campaign as last saved, and whether the form differs.
  const state = { id, campaign: loaded, dirty: false };
  const editor = editorSections(loaded, { isNew: !id, changed });
  const header = pageHeader(state, segments);
  // Someone else saved the campaign since it was loaded: load it again.
  const conflict = {
    what: "this campaign",
    reload: () => {
      state.dirty = false;
      navigate(location.href, { replace: true });
    },
  };
  const { form, saveState } = editorForm(editor, state, { header, navigate, conflict });
  const preview = previewPane({ form, read: () => collect(editor, { preview: true }) });
  const results = id ? resultsSection(id) : null;

  function changed() {
    state.dirty = true;
    saveState.textContent = "Unsaved changes";
    editor.prizes.paintChances();
    preview.schedule();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("rows-changed", changed);
  editor.prizes.paintChances();
  const guard = (event) => {
    if (state.dirty) event.preventDefault();
  };
  window.addEventListener("beforeunload", guard);

  const node = h("div", { class: "page page-wide" },
    h("div", { class: "page-header page-header-row" },
      h("div", null,
        h("p", { class: "breadcrumb" }, h("a", { href: LIST }, "Campaigns"), " › ", id ? "Edit" : "New"),
        header.heading,
        header.facts,
        h("a", { class: "skip-preview", href: "#preview" }, "Jump to the preview")),
      id && campaignActions(state, {
        status: editor.basics.status, header, navigate,
        onConflict: (error) => showError(form, error, { conflict }),
      })),
    results?.node,
    h("div", { class: "editor" }, form, preview.node));
  return {
    node,
    title: id ? loaded.name : "New campaign",
    unsaved: () => state.dirty,
    destroy: () => {
      preview.destroy();
      results?.destroy();
      window.removeEventListener("beforeunload", guard);
    },
  };
}

/** The form's sections, in tabs; `changed()` is called on what the form's events do not tell. */
function editorSections(campaign, { isNew, changed }) {
  const d = campaign.definition;
  const basics = basicsSection(campaign);
  const parts = {
    basics,
    texts: textsSection(d.texts, basics.kind, { isNew }),
    prizes: prizesSection(d, campaign.prizes, changed, { collapsed: !isNew }),
    registration: registrationSection(d.form),
    quiz: quizSection(d.quiz, basics.kind),
    end: endScreenSection(d.end_screen),
    look: lookSection(d.theme),
    schedule: scheduleSection(d),
  };
  // The tabs follow the sections; the quiz's shows while the game is a quiz.
  const tabs = editorTabs([
    ["basics", "Basics", [basics.node, parts.texts.node]],
    ["prizes", "Prizes", [parts.prizes.node]],
    ["form", "Form", [parts.registration.node]],
    ["quiz", "Quiz", [parts.quiz.node]],
    ["look", "Look & logo", [parts.look.node]],
    ["end", "End screen", [parts.end.node]],
    ["schedule", "Schedule & limits", [parts.schedule.node]],
  ]);
  const showQuiz = () => tabs.show("quiz", basics.kind.value() === QUIZ);
  basics.kind.wrapper.addEventListener("change", showQuiz);
  showQuiz();
  return { ...parts, tabs, nodes: [tabs.row, tabs.panels] };
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
  if (basics.kind.value() === QUIZ) definition.quiz = quiz.read(errors, whole);
  // Players never see the name: an unnamed campaign can be previewed.
  const name = basics.name.value.trim() || (preview ? "Untitled campaign" : "");
  return { body: { name, kind: basics.kind.value(), status: basics.status.value, definition }, errors };
}

/**
 * The form with its save bar; a save shows the server's errors beside their
 * fields. An edit is saved only over the campaign as loaded (If-Match); when
 * someone else saved it meanwhile, `conflict` says so and offers to reload.
 */
function editorForm(editor, state, { header, navigate, conflict }) {
  const { id } = state;
  const saveButton = h("button", { type: "submit", class: "btn btn-primary" }, id ? "Save changes" : "Create campaign");
  const saveState = h("span", { class: "save-state muted", "aria-live": "polite" }, id ? "All changes saved" : "Not saved yet");
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
          ? await api.patch(`/api/v1/campaigns/${encodeURIComponent(id)}`, body, { ifMatch: etagOf(state.campaign) })
          : await api.post("/api/v1/campaigns", body);
      } catch (error) {
        return showError(form, error, { conflict });
      }
      state.dirty = false;
      if (!id) {
        // Said on the campaign's own page: a new page clears the notices first.
        navigate(`${LIST}/${encodeURIComponent(saved.id)}`, { replace: true });
        return toast(`Campaign “${saved.name}” created.`);
      }
      state.campaign = saved;
      editor.prizes.saved(saved);
      header.paint();
      saveState.textContent = "All changes saved";
      toast(`Campaign “${saved.name}” saved.`);
    });
  });
  return { form, saveState };
}

/** The heading and the facts under it (status, the segments that show it); `paint()` after a save. */
function pageHeader(state, segments) {
  const heading = h("h1");
  const facts = h("div", { class: "header-facts" });
  function paint() {
    const { id, campaign } = state;
    heading.textContent = id ? campaign.name : "New campaign";
    // After a rename the tab says the new name too (the shell set it once).
    if (id) document.title = `${campaign.name} · Adact console`;
    const shownBy = segments.filter((s) => s.campaign_id === id);
    replace(facts,
      id && campaignStatus(campaign.status),
      id && (shownBy.length
        ? h("span", { class: "muted" }, `Shown by ${shownBy.length === 1 ? "segment" : "segments"} `, shownBy.map((s, i) => [i ? ", " : "", h("strong", null, s.title)]))
        : h("span", { class: "muted" }, "No segment shows it yet. ", h("a", { href: "/admin/segments" }, "Add one in Segments"), ".")));
  }
  paint();
  return { heading, facts, paint };
}

/**
 * A saved campaign's Archive (or Restore) and Delete buttons; `status` is the
 * form's status field. Archiving is an edit like a save: refused, and
 * `onConflict`, when someone else saved the campaign since it was loaded.
 */
function campaignActions(state, { status, header, navigate, onConflict }) {
  const archiveButton = h("button", { type: "button", class: "btn", onclick: () => archive(state.campaign.status !== ARCHIVED) },
    state.campaign.status === ARCHIVED ? "Restore" : "Archive");
  async function archive(archived) {
    const saved = await setArchived(state.campaign, archived, { onConflict });
    if (!saved) return;
    state.campaign = saved;
    status.value = saved.status;
    archiveButton.textContent = archived ? "Restore" : "Archive";
    header.paint();
  }
  const deleteButton = h("button", { type: "button", class: "btn btn-danger", onclick: async () => {
    if (!(await remove(state.campaign))) return;
    state.dirty = false;
    navigate(LIST);
  } }, "Delete");
  return h("div", { class: "btn-group" }, archiveButton, deleteButton);
}
