// Settings → API central → Segments (guide): a segment maps a group of
// users to a campaign; the page names it in renderAdact({segment}). The
// integration needs at least one, so an empty list says so.
import { CAMPAIGN_STATUSES, EVENT_TYPES, named } from "../api-names.js";
import { api, etagOf, listAll } from "../api.js";
import { h, replace, uid } from "../dom.js";
import {
  busy, campaignStatus, clearErrors, confirmDialog, copyButton, field, formError, kindLabel, renderCall, showError,
  toast,
} from "../ui.js";

const ACTIVE = named(CAMPAIGN_STATUSES, "active");
const SEGMENT_CREATED = named(EVENT_TYPES.map(([type]) => type), "segment.created");
const SEGMENT_UPDATED = named(EVENT_TYPES.map(([type]) => type), "segment.updated");

export async function render() {
  let [segments, campaigns] = await Promise.all([listAll("/api/v1/segments"), listAll("/api/v1/campaigns")]);

  const noticeSlot = h("div");
  const listSlot = h("div");
  const editorSlot = h("div");
  const campaignOf = (segment) => campaigns.find((c) => c.id === segment.campaign_id);

  async function reload() {
    [segments, campaigns] = await Promise.all([listAll("/api/v1/segments"), listAll("/api/v1/campaigns")]);
    renderList();
  }

  function renderList() {
    replace(noticeSlot, segments.length === 0 && h("div", { class: "alert alert-warning", role: "status" },
      h("strong", null, "No segment yet. "),
      "The integration needs at least one: renderAdact({segment}) shows the campaign of the segment it names."));
    const add = h("button", { type: "button", class: "btn btn-primary", onclick: () => openEditor(null) }, "Add segment");
    const body = segments.length === 0
      ? h("div", { class: "empty empty-rich" },
        h("p", { class: "empty-title" }, "Create your first segment"),
        h("p", null, "Give it a title, such as ", h("strong", null, "Default Users"), ", and pick the campaign it shows. ",
          "Your page then calls ", h("code", null, renderCall("Default Users")), "."),
        campaigns.length === 0
          ? h("p", null, "A segment shows a campaign, so ", h("a", { href: "/admin/campaigns/new" }, "create a campaign"), " first.")
          : h("button", { type: "button", class: "btn btn-primary", onclick: () => openEditor(null) }, "Add your first segment"))
      : h("div", { class: "table-wrap" }, h("table", { class: "table table-segments table-cards" },
        h("caption", { class: "visually-hidden" }, "Segments"),
        h("thead", null, h("tr", null, ["Title", "Campaign", "On your page", h("span", { class: "visually-hidden" }, "Actions")].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, segments.map((segment) => {
          const campaign = campaignOf(segment);
          return h("tr", { "data-segment": segment.id },
            h("td", { class: "segment-title" }, segment.title),
            h("td", { "data-label": "Campaign" },
              campaign
                ? [h("div", { class: "campaign-cell" },
                  h("a", { href: `/admin/campaigns/${encodeURIComponent(campaign.id)}` }, campaign.name),
                  campaignStatus(campaign.status)),
                h("div", { class: "muted small" }, kindLabel(campaign.kind))]
                : h("span", { class: "muted" }, segment.campaign_id),
              campaign && campaign.status !== ACTIVE && h("p", { class: "inline-warning" }, "Pages show nothing until this campaign is active.")),
            h("td", { "data-label": "On your page" }, h("div", { class: "call-cell" },
              h("code", null, renderCall(segment.title)),
              copyButton(() => renderCall(segment.title), "Copy", "The renderAdact call copied"))),
            h("td", { class: "actions-cell" },
              h("button", { type: "button", class: "btn btn-small", "aria-label": `Edit ${segment.title}`, onclick: () => openEditor(segment) }, "Edit"),
              h("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": `Delete ${segment.title}`, onclick: () => remove(segment) }, "Delete")));
        }))));
    replace(listSlot, h("section", { class: "card", "aria-labelledby": "segments-title" },
      h("div", { class: "card-header card-header-row" },
        h("div", null,
          h("h2", { id: "segments-title", tabindex: "-1" }, "Segments"),
          h("p", { class: "muted" }, "Each title is unique in your account.")),
        segments.length > 0 && add),
      body));
  }

  /**
   * The editor of a new segment, or of `listed` as it is now: read again
   * with its ETag, so that a save goes only over what the form shows.
   */
  async function openEditor(listed) {
    let segment = null;
    if (listed) {
      try {
        segment = await api.get(`/api/v1/segments/${encodeURIComponent(listed.id)}`);
      } catch (error) {
        toast(error.message, { kind: "error" });
        return reload();
      }
    }
    const titleId = uid("segment-editor");
    const close = () => {
      replace(editorSlot);
      listSlot.querySelector("h2")?.focus();
    };
    if (campaigns.length === 0) {
      replace(editorSlot, h("section", { class: "card card-accent", "aria-labelledby": titleId },
        h("h2", { id: titleId, tabindex: "-1" }, "New segment"),
        h("p", null, "A segment shows a campaign, and there is none yet. ",
          h("a", { href: "/admin/campaigns/new" }, "Create a campaign"), ", then come back to add its segment."),
        h("div", { class: "actions" }, h("button", { type: "button", class: "btn", onclick: close }, "Close"))));
      editorSlot.querySelector("h2").focus();
      return;
    }
    const title = h("input", { type: "text", name: "title", maxlength: "200", autocomplete: "off", value: segment?.title ?? "", placeholder: "Default Users" });
    const campaign = h("select", { name: "campaign_id" },
      !segment && h("option", { value: "" }, "Choose a campaign…"),
      campaigns.map((c) => h("option", { value: c.id, selected: c.id === segment?.campaign_id },
        `${c.name} — ${kindLabel(c.kind)}${c.status === ACTIVE ? "" : ` (${c.status})`}`)));
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, segment ? "Save segment" : "Create segment");
    const form = h("form", { class: "form form-narrow", novalidate: true, "aria-labelledby": titleId },
      formError(),
      field({ name: "title", label: "Title", input: title, hint: "What your page passes to renderAdact as segment, e.g. Default Users." }),
      field({ name: "campaign_id", label: "Campaign", input: campaign, hint: "What this segment's users see. Only active campaigns are shown on pages." }),
      h("div", { class: "actions" },
        submit,
        h("button", { type: "button", class: "btn", onclick: close }, "Cancel")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      if (!campaign.value) return showError(form, { field: "campaign_id", message: "Choose the campaign this segment shows." });
      const body = { title: title.value.trim(), campaign_id: campaign.value };
      await busy(submit, async () => {
        try {
          if (segment) await api.patch(`/api/v1/segments/${encodeURIComponent(segment.id)}`, body, { ifMatch: etagOf(segment) });
          else await api.post("/api/v1/segments", body);
        } catch (error) {
          return showError(form, error, {
            conflict: {
              what: "this segment",
              reload: async () => {
                await reload();
                await openEditor(segment);
              },
            },
          });
        }
        replace(editorSlot);
        await reload();
        toast(segment ? `Segment “${body.title}” saved.` : `Segment “${body.title}” created.`);
        listSlot.querySelector("h2")?.focus();
      });
    });
    replace(editorSlot, h("section", { class: "card card-accent", "aria-labelledby": titleId },
      h("div", { class: "card-header" },
        h("h2", { id: titleId, tabindex: "-1" }, segment ? `Edit segment “${segment.title}”` : "New segment"),
        h("p", { class: "muted" }, "Saving sends a ", h("code", null, segment ? SEGMENT_UPDATED : SEGMENT_CREATED), " event to your webhooks.")),
      form));
    title.focus();
  }

  async function remove(segment) {
    const ok = await confirmDialog({
      title: `Delete the segment “${segment.title}”?`,
      message: `Pages that ask for the segment “${segment.title}” will show nothing. Its campaign is kept. A segment.deleted event is sent to your webhooks.`,
      confirm: "Delete segment", danger: true,
    });
    if (!ok) return;
    try {
      await api.delete(`/api/v1/segments/${encodeURIComponent(segment.id)}`);
    } catch (error) {
      return toast(error.message, { kind: "error" });
    }
    replace(editorSlot);
    await reload();
    toast(`Segment “${segment.title}” deleted.`);
    listSlot.querySelector("h2")?.focus();
  }

  renderList();
  const node = h("div", { class: "page" },
    h("div", { class: "page-header" },
      h("p", { class: "breadcrumb" }, "Settings › API central"),
      h("h1", null, "Segments"),
      h("p", { class: "lead" }, "A segment maps a group of your users to a campaign. Your page names the segment in ",
        h("code", null, "renderAdact"), ", and Adact shows its campaign. Add several to show different campaigns to different users, using logic from your own system.")),
    noticeSlot,
    listSlot,
    editorSlot);
  return { node };
}
