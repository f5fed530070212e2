// A campaign's editor: every setting the API takes, in sections; the
// server's validation errors beside the fields they name; and beside the
// form a live preview of the campaign as typed, drawn by the real embed in
// a frame (preview.html). Nothing typed is lost on an error: the form is
// built once and read when saved.
import { api, listAll } from "../api.js";
import { remove, setArchived } from "../campaign-actions.js";
import { parseCodes } from "../codes.js";
import { h, replace, toLocalInput, uid } from "../dom.js";
import {
  CAMPAIGN_KINDS, busy, campaignStatus, clearErrors, field, findField, formError, readable, showError, toast,
} from "../ui.js";
import { area, check, colourField, number, radioCards, section, select, text } from "./campaign/controls.js";
import { removeButton, rowList, rowPaths } from "./campaign/rows.js";

const LIST = "/admin/campaigns";
const PREVIEW_DELAY_MS = 400;
/** The preview frame's page size in each mode; it is scaled down to fit. */
const FRAME_SIZES = { phone: [390, 760], desktop: [1100, 760] };

const PLAY_BUTTONS = { wheel: "Spin the wheel", scratch: "Scratch the card", giftbox: "Open a gift", quiz: "Start the quiz" };
const KIND_HINTS = {
  wheel: "Players spin a wheel with a slice for each prize.",
  scratch: "Players scratch a card to reveal what they won.",
  giftbox: "Players pick one of three gift boxes.",
  quiz: "Players answer questions; enough right answers enter the draw.",
};
const FIELD_TYPES = [["email", "Email"], ["name", "Name"], ["phone", "Phone"], ["text", "Custom text"]];
const PLAY_LIMITS = [
  ["unlimited", "No limit"],
  ["once", "Once per player"],
  ["daily", "Once a day per player (UTC days)"],
  ["weekly", "Once a week per player (UTC weeks, from Monday)"],
];

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
  const d = campaign.definition;
  let dirty = false;
  const cleanups = [];
  const listen = (target, type, fn) => {
    target.addEventListener(type, fn);
    cleanups.push(() => target.removeEventListener(type, fn));
  };

  // ---- basics ---------------------------------------------------------------------------
  const name = text({ value: campaign.name, maxlength: "120", placeholder: "Summer wheel" });
  const kind = radioCards("kind", "Game", CAMPAIGN_KINDS.map(([value, label]) => [value, label, KIND_HINTS[value]]), campaign.kind);
  const status = select([["draft", "Draft — not shown on pages"], ["active", "Active — shown on pages"], ["archived", "Archived — not shown, kept for its history"]], campaign.status);

  // ---- texts ----------------------------------------------------------------------------
  const title = text({ value: d.texts.title, maxlength: "120" });
  const description = area({ value: d.texts.description ?? "", maxlength: "1000" });
  const playButton = text({ value: d.texts.play_button, maxlength: "40" });

  // ---- prizes ---------------------------------------------------------------------------
  const prizes = rowList("definition.prizes", (prize) => prizeRow(prize, campaign.prizes?.find((p) => p.id === prize?.id), changed),
    d.prizes, { add: "Add prize", max: 50 });
  const noPrizeLabel = text({ value: d.no_prize?.label ?? "No luck", maxlength: "80" });
  const noPrizeWeight = number({ value: String(d.no_prize?.weight ?? 0) });
  const noPrizeChance = h("span", { class: "chance" });

  // ---- registration form ----------------------------------------------------------------
  const formFields = rowList("definition.form.fields", formFieldRow, d.form?.fields ?? [], { add: "Add field", max: 20 });
  const consent = d.form?.consent;
  const askConsent = check("consent-on", "Ask for consent with a checkbox under the form", Boolean(consent));
  const consentLabel = area({ value: consent?.label ?? "Send me news and offers. I can unsubscribe at any time.", maxlength: "1000", rows: "2" });
  const consentRequired = check("definition.form.consent.required", "Players must tick it to play", consent?.required ?? true);
  const consentBox = h("div", { class: "subfields", hidden: !consent },
    field({ name: "definition.form.consent.label", label: "Consent text", input: consentLabel }),
    consentRequired.wrapper);
  askConsent.input.addEventListener("change", () => { consentBox.hidden = !askConsent.input.checked; });

  // ---- quiz -----------------------------------------------------------------------------
  // Another kind gets one empty question, ready if it becomes a quiz.
  const questions = rowList("definition.quiz.questions", questionRow, d.quiz?.questions ?? [{ text: "", answers: ["", ""], correct: 0 }],
    { add: "Add question", max: 20 });
  const passScore = number({ value: String(d.quiz?.pass_score ?? 1) });

  // ---- end screen, look, schedule ---------------------------------------------------------
  const end = d.end_screen ?? {};
  const winTitle = text({ value: end.win_title ?? "You won!", maxlength: "120" });
  const winText = area({ value: end.win_text ?? "", maxlength: "1000", rows: "2" });
  const loseTitle = text({ value: end.lose_title ?? "Not this time", maxlength: "120" });
  const loseText = area({ value: end.lose_text ?? "", maxlength: "1000", rows: "2" });
  const primary = colourField("definition.theme.primary", "Main colour", d.theme?.primary ?? "#6d28d9");
  const background = colourField("definition.theme.background", "Background", d.theme?.background ?? "#ffffff");
  const textColour = colourField("definition.theme.text", "Text", d.theme?.text ?? "#1f2937");
  const logo = h("input", { type: "url", inputmode: "url", spellcheck: "false", value: d.theme?.logo_url ?? "", placeholder: "https://example.com/logo.png" });
  const startsAt = h("input", { type: "datetime-local", value: toLocalInput(d.starts_at) });
  const endsAt = h("input", { type: "datetime-local", value: toLocalInput(d.ends_at) });
  const playLimit = select(PLAY_LIMITS, d.play_limit ?? "unlimited");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const quizSection = section("quiz", "Quiz", "The questions, their answers and the right one. Players who answer enough of them right enter the prize draw.",
    h("div", { "data-field": "definition.quiz" }, h("p", { class: "field-error", hidden: true })),
    questions.nodes,
    field({ name: "definition.quiz.pass_score", label: "Right answers needed to enter the draw", input: passScore, hint: "0 lets everyone into the draw." }));

  const sections = [
    section("basics", "Basics", null,
      field({ name: "name", label: "Campaign name", input: name, hint: "For you and your team; players do not see it." }),
      kind.wrapper,
      field({ name: "status", label: "Status", input: status, hint: "Pages show a campaign only while it is active." })),
    section("texts", "Texts", "What players read before they play.",
      field({ name: "definition.texts.title", label: "Title", input: title }),
      field({ name: "definition.texts.description", label: "Description", input: description, hint: "Optional: a sentence or two under the title." }),
      field({ name: "definition.texts.play_button", label: "Play button", input: playButton })),
    section("prizes", "Prizes", "What players can win. Each play draws one outcome by weight among the prizes still in stock and “no prize”.",
      prizes.nodes,
      h("fieldset", { class: "row-card no-prize" },
        h("legend", null, "No prize"),
        h("p", { class: "hint" }, "The outcome when nothing is won, with its own slice on the wheel."),
        h("div", { class: "grid-fields" },
          field({ name: "definition.no_prize.label", label: "Label", input: noPrizeLabel }),
          h("div", { class: "weight" },
            field({ name: "definition.no_prize.weight", label: "Weight", input: noPrizeWeight }),
            noPrizeChance)))),
    section("form", "Registration form", "What players fill in before they play. Each value is stored on the player under its key, and sent in the player.created and player.updated events.",
      formFields.nodes,
      h("div", { class: "consent" }, askConsent.wrapper, consentBox)),
    quizSection,
    section("end", "End screen", "The last screen, after the game. A prize won shows under its text, with its code and a copy button.",
      h("div", { class: "grid-fields" },
        field({ name: "definition.end_screen.win_title", label: "Title when a prize is won", input: winTitle }),
        field({ name: "definition.end_screen.lose_title", label: "Title when nothing is won", input: loseTitle }),
        field({ name: "definition.end_screen.win_text", label: "Text when a prize is won", input: winText }),
        field({ name: "definition.end_screen.lose_text", label: "Text when nothing is won", input: loseText }))),
    section("look", "Look", "Colours and logo, to match your site. The main colour is for buttons and the game's accents.",
      h("div", { class: "grid-colours" }, primary.wrapper, background.wrapper, textColour.wrapper),
      field({ name: "definition.theme.logo_url", label: "Logo URL", input: logo, hint: "Optional: an image shown above the title." })),
    section("schedule", "Schedule and limits", `When the campaign can be played, and how often by each player. Leave the dates empty to run it as long as it is active. Times are in your time zone, ${zone}.`,
      h("div", { class: "grid-fields" },
        field({ name: "definition.starts_at", label: "Starts", input: startsAt }),
        field({ name: "definition.ends_at", label: "Ends", input: endsAt })),
      field({ name: "definition.play_limit", label: "Play limit", input: playLimit })),
  ];
  const showQuiz = () => { quizSection.hidden = kind.value() !== "quiz"; };
  showQuiz();
  let previousKind = kind.value();
  kind.wrapper.addEventListener("change", () => {
    // A new campaign's play button follows the game until it is edited.
    if (!id && playButton.value === PLAY_BUTTONS[previousKind]) playButton.value = PLAY_BUTTONS[kind.value()];
    previousKind = kind.value();
    showQuiz();
  });

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
    sections,
    h("div", { class: "savebar" },
      saveButton,
      h("a", { class: "btn", href: LIST }, "Cancel"),
      saveState));

  /**
   * The request body from the form, and what the browser can tell is wrong
   * before asking the server (numbers). `preview` leaves uploaded codes out:
   * the preview never gives them, and they can be many.
   */
  function collect({ preview = false } = {}) {
    const errors = [];
    const whole = (input, path, { optional = false } = {}) => {
      const value = input.value.trim();
      if (value === "" && optional) return null;
      if (/^\d+$/.test(value)) return Number(value);
      errors.push({ field: path, message: optional ? "Enter a whole number, or leave it empty." : "Enter a whole number, 0 or more." });
      return null;
    };
    const isQuiz = kind.value() === "quiz";
    const definition = {
      texts: { title: title.value, description: description.value, play_button: playButton.value },
      theme: { primary: primary.value(), background: background.value(), text: textColour.value() },
      play_limit: playLimit.value,
      form: {
        fields: formFields.read(errors),
        ...(askConsent.input.checked && { consent: { label: consentLabel.value, required: consentRequired.input.checked } }),
      },
      prizes: prizes.read(errors, { whole, preview }),
      no_prize: { label: noPrizeLabel.value, weight: whole(noPrizeWeight, "definition.no_prize.weight") },
      end_screen: { win_title: winTitle.value, win_text: winText.value, lose_title: loseTitle.value, lose_text: loseText.value },
    };
    if (logo.value.trim()) definition.theme.logo_url = logo.value.trim();
    if (startsAt.value) definition.starts_at = new Date(startsAt.value).toISOString();
    if (endsAt.value) definition.ends_at = new Date(endsAt.value).toISOString();
    if (isQuiz) {
      definition.quiz = { questions: questions.read(errors), pass_score: whole(passScore, "definition.quiz.pass_score") };
    }
    // Players never see the name: an unnamed campaign can be previewed.
    const named = name.value.trim() || (preview ? "Untitled campaign" : "");
    return { body: { name: named, kind: kind.value(), status: status.value, definition }, errors };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const { body, errors } = collect();
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
      // The rows learn the prizes' ids and stock, so the next save keeps them.
      prizes.rows().forEach((row, i) => row.saved(saved.definition.prizes[i], saved.prizes.find((p) => p.id === saved.definition.prizes[i]?.id)));
      paintHeader();
      saveState.textContent = "All changes saved";
      toast(`Campaign “${saved.name}” saved.`);
    });
  });

  async function archive(archived) {
    const saved = await setArchived(campaign, archived);
    if (!saved) return;
    campaign = saved;
    status.value = campaign.status;
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
    const { body, errors } = collect({ preview: true });
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
    for (const row of prizes.rows()) row.chance(prizes.rows(), noPrizeWeight);
    noPrizeChance.textContent = chanceText(Number(noPrizeWeight.value) || 0, totalWeight(prizes.rows(), noPrizeWeight));
    clearTimeout(timer);
    timer = setTimeout(() => sendPreview(), PREVIEW_DELAY_MS);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("rows-changed", changed);
  for (const row of prizes.rows()) row.chance(prizes.rows(), noPrizeWeight);
  noPrizeChance.textContent = chanceText(Number(noPrizeWeight.value) || 0, totalWeight(prizes.rows(), noPrizeWeight));
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

// ---- rows ---------------------------------------------------------------------------------

function prizeRow(prize, state, changed) {
  const legend = h("legend");
  const name = text({ value: prize?.name ?? "", maxlength: "80", placeholder: "Free shipping" });
  const description = text({ value: prize?.description ?? "", maxlength: "500", placeholder: "Optional: shown with the prize" });
  const weight = number({ value: String(prize?.weight ?? 10) });
  const chance = h("span", { class: "chance" });
  const stock = number({ value: prize?.stock ?? "", placeholder: "Unlimited" });
  const pooled = Boolean(prize?.codes?.pool);
  const mode = radioCards("codes-mode", "Codes", [
    ["generate", "Generate codes", "A unique code for each win: your prefix and 10 random characters."],
    ["pool", "Upload my codes", "A CSV or text file, one code a line. Each is given once."],
  ], pooled ? "pool" : "generate");
  const prefix = text({ value: prize?.codes?.generate?.prefix ?? "", maxlength: "20", placeholder: "SHIP-", spellcheck: "false" });
  const file = h("input", { type: "file", accept: ".csv,.txt,text/csv,text/plain" });
  const read = h("p", { class: "codes-read", role: "status" });
  const pool = h("p", { class: "hint codes-pool" });
  let uploaded = []; // codes read from the file, sent on the next save
  let id = prize?.id ?? null;
  let live = state;

  const stockField = field({ name: "stock", label: "Stock", input: stock });
  // Under the input, like the weight's chance, so the two inputs line up.
  const stockHint = h("p", { class: "hint" });
  stock.after(stockHint);
  const prefixField = field({ name: "prefix", label: "Code prefix", input: prefix, hint: "Optional, e.g. SHIP-. Up to 20 characters." });
  const fileField = field({ name: "pool", label: "Codes file", input: file });
  fileField.append(read, pool);

  const paintMode = () => {
    const isPool = mode.value() === "pool";
    prefixField.hidden = isPool;
    fileField.hidden = !isPool;
    stock.placeholder = isPool ? "" : "Unlimited";
    stockHint.textContent = isPool ? "How many can be won: at most the number of codes." : "How many can be won. Empty: unlimited.";
  };
  const paintPool = () => {
    if (!live) return replace(pool);
    const left = live.stock_remaining === null ? "unlimited stock" : `${live.stock_remaining} left in stock`;
    replace(pool, `Now: ${left}`, mode.value() === "pool" ? `, ${live.codes_available} codes available, ${live.codes_given} given. A file adds its codes to these.` : ".");
  };
  mode.wrapper.addEventListener("change", () => { paintMode(); paintPool(); });
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    const { codes, duplicates, header } = parseCodes(await chosen.text());
    uploaded = codes;
    replace(read,
      h("strong", null, `${codes.length} ${codes.length === 1 ? "code" : "codes"} read`), ` from ${chosen.name}`,
      duplicates ? ` · ${duplicates} ${duplicates === 1 ? "duplicate" : "duplicates"} left out` : "",
      header ? ` · header “${header}” skipped` : "",
      codes.length ? ". They are added when you save." : ". The file has no codes.");
    // A new prize's stock is its codes, unless the admin said otherwise.
    if (!stock.value && !id) stock.value = String(codes.length);
    changed();
  });
  paintMode();
  paintPool();

  const paths = rowPaths();
  const { at } = paths;
  const errorText = h("p", { class: "field-error", hidden: true });
  const node = at(h("fieldset", { class: "row-card prize" },
    legend,
    errorText,
    h("div", { class: "grid-fields" },
      at(field({ name: "name", label: "Name", input: name }), "name"),
      at(field({ name: "description", label: "Description", input: description }), "description"),
      h("div", { class: "weight" }, at(field({ name: "weight", label: "Weight", input: weight }), "weight"), chance),
      at(stockField, "stock")),
    at(h("div", { class: "codes" }, h("p", { class: "field-error", hidden: true }), mode.wrapper, at(prefixField, "codes.generate.prefix"), at(fileField, "codes.pool")), "codes"),
    h("div", { class: "row-footer" }, removeButton("", () => row.remove()))), "");

  const row = {
    node,
    setIndex(i, path) {
      legend.textContent = `Prize ${i + 1}`;
      node.querySelector(".row-remove").setAttribute("aria-label", `Remove prize ${i + 1}`);
      paths.set(path);
    },
    weight: () => Number(weight.value) || 0,
    inStock: () => stock.value.trim() !== "0",
    chance(rows, noPrizeWeight) {
      chance.textContent = row.inStock() ? chanceText(row.weight(), totalWeight(rows, noPrizeWeight)) : "Out of stock: never drawn";
    },
    read(errors, { whole, preview }) {
      const path = node.dataset.field;
      const codes = mode.value() === "pool"
        ? { pool: preview ? [] : uploaded }
        : { generate: { prefix: prefix.value.trim() } };
      const stockValue = whole(stock, `${path}.stock`, { optional: true });
      return {
        ...(id && { id }),
        name: name.value,
        description: description.value,
        weight: whole(weight, `${path}.weight`),
        ...(stockValue !== null && { stock: stockValue }),
        codes,
      };
    },
    /** After a save: the prize's id and live state; the uploaded codes are in now. */
    saved(savedPrize, savedState) {
      id = savedPrize?.id ?? id;
      live = savedState;
      if (uploaded.length) replace(read, `${uploaded.length} codes from the file were added.`);
      uploaded = [];
      file.value = "";
      paintPool();
    },
  };
  return row;
}

function formFieldRow(item) {
  const type = select(FIELD_TYPES, item?.type ?? "text");
  const label = text({ value: item?.label ?? "", maxlength: "200", placeholder: "Shoe size" });
  const key = text({ value: item?.key ?? "", maxlength: "40", spellcheck: "false", placeholder: "shoe_size" });
  const required = check("required", "Required", item?.required ?? false);
  // A new field's key follows its label until it is edited.
  let keyEdited = Boolean(item);
  key.addEventListener("input", () => { keyEdited = true; });
  const follow = () => {
    if (keyEdited) return;
    key.value = type.value === "text" ? slug(label.value) : type.value;
  };
  label.addEventListener("input", follow);
  type.addEventListener("change", () => {
    if (!label.value || FIELD_TYPES.some(([, l]) => l === label.value)) label.value = FIELD_TYPES.find(([t]) => t === type.value)[1];
    follow();
  });
  const paths = rowPaths();
  const { at } = paths;
  const remove = removeButton("", () => row.remove());
  const node = at(h("div", { class: "row-card form-field" },
    h("p", { class: "field-error", hidden: true }),
    h("div", { class: "grid-form-field" },
      at(field({ name: "type", label: "Type", input: type }), "type"),
      at(field({ name: "label", label: "Label", input: label }), "label"),
      at(field({ name: "key", label: "Key", input: key }), "key")),
    h("div", { class: "row-footer" }, at(required.wrapper, "required"), remove)), "");
  const row = {
    node,
    setIndex(i, path) {
      remove.setAttribute("aria-label", `Remove field ${i + 1}`);
      paths.set(path);
    },
    read: () => ({ key: key.value.trim(), type: type.value, label: label.value, required: required.input.checked }),
  };
  return row;
}

function questionRow(item) {
  const legend = h("legend");
  const question = text({ value: item?.text ?? "", maxlength: "300" });
  const group = uid("correct");
  const answerList = h("div", { class: "answers" });
  const answers = []; // {node, input, radio, wrapper}
  const paths = rowPaths();
  const { at } = paths;
  let path = "";
  const renumber = () => answers.forEach((a, j) => {
    a.wrapper.dataset.field = `${path}.answers[${j}]`;
    a.label.textContent = `Answer ${j + 1}`;
    a.radio.setAttribute("aria-label", `Answer ${j + 1} is the right one`);
    a.remove.setAttribute("aria-label", `Remove answer ${j + 1}`);
    a.remove.disabled = answers.length <= 2;
  });
  const addAnswer = (value, correct) => {
    const input = text({ value, maxlength: "200" });
    const radio = h("input", { type: "radio", name: group, checked: correct, class: "answer-correct" });
    const wrapper = field({ name: "answer", label: "", input });
    const label = wrapper.querySelector("label");
    const answer = { input, radio, wrapper, label, remove: null };
    answer.remove = h("button", { type: "button", class: "btn btn-small row-remove", onclick: () => {
      answers.splice(answers.indexOf(answer), 1);
      answer.node.remove();
      if (!answers.some((a) => a.radio.checked)) answers[0].radio.checked = true;
      renumber();
      answerList.dispatchEvent(new Event("rows-changed", { bubbles: true }));
      answers[0].input.focus();
    } }, "×");
    answer.node = h("div", { class: "answer" }, h("label", { class: "answer-mark" }, radio, h("span", { "aria-hidden": "true" }, "Right")), wrapper, answer.remove);
    answers.push(answer);
    answerList.append(answer.node);
    renumber();
  };
  (item?.answers ?? ["", ""]).forEach((a, j) => addAnswer(a, j === (item?.correct ?? 0)));
  const more = h("button", { type: "button", class: "btn btn-small" }, "+ Add answer");
  more.addEventListener("click", () => {
    if (answers.length >= 6) return toast("A question has at most 6 answers.", { kind: "error" });
    addAnswer("", false);
    answerList.dispatchEvent(new Event("rows-changed", { bubbles: true }));
    answers.at(-1).input.focus();
  });
  const remove = removeButton("", () => row.remove());
  const node = at(h("fieldset", { class: "row-card question" },
    legend,
    h("p", { class: "field-error", hidden: true }),
    at(field({ name: "text", label: "Question", input: question }), "text"),
    at(h("fieldset", { class: "field answers-field" },
      h("legend", null, "Answers"),
      h("p", { class: "hint" }, "Mark the right answer."),
      answerList,
      h("div", null, more),
      h("p", { class: "field-error", hidden: true })), "answers"),
    h("div", { class: "row-footer" }, remove)), "");
  const row = {
    node,
    setIndex(i, rowPath) {
      path = rowPath;
      legend.textContent = `Question ${i + 1}`;
      remove.setAttribute("aria-label", `Remove question ${i + 1}`);
      paths.set(rowPath);
      renumber();
    },
    read: () => ({
      text: question.value,
      answers: answers.map((a) => a.input.value),
      correct: Math.max(0, answers.findIndex((a) => a.radio.checked)),
    }),
  };
  return row;
}

// ---- helpers ----------------------------------------------------------------------------------

function totalWeight(rows, noPrizeWeight) {
  return rows.filter((r) => r.inStock()).reduce((sum, r) => sum + r.weight(), 0) + (Number(noPrizeWeight.value) || 0);
}

function chanceText(weight, total) {
  if (!total) return "";
  const percent = (weight / total) * 100;
  return `≈ ${percent > 0 && percent < 1 ? "<1" : Math.round(percent)}% of plays`;
}

/** "Shoe size" → "shoe_size": a form field's key from its label. */
function slug(label) {
  return label.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40);
}

/** A field's name as the admin reads it: "Prize 2 › Weight". */
function fieldName(wrapper) {
  const own = wrapper.querySelector(":scope > label, :scope > legend")?.textContent;
  const row = wrapper.closest(".row-card");
  const rowName = row && row !== wrapper ? row.querySelector(":scope > legend")?.textContent : null;
  return [rowName, own].filter(Boolean).join(" › ");
}
