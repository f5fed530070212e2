// Archiving, restoring and deleting a campaign, from the list and from its
// editor alike: the same question, the same request, the same words.
import { CAMPAIGN_STATUSES, named } from "./api-names.js";
import { api, etagOf } from "./api.js";
import { confirmDialog, isConflict, toast } from "./ui.js";

const ARCHIVED = named(CAMPAIGN_STATUSES, "archived");
const DRAFT = named(CAMPAIGN_STATUSES, "draft");

/**
 * Archives (or restores as a draft); resolves to the saved campaign, or null.
 * A campaign read with its ETag (the editor's) is changed only as read: when
 * someone else saved it since, `onConflict(error)` is told instead.
 */
export async function setArchived(campaign, archive, { onConflict } = {}) {
  let saved;
  try {
    saved = await api.patch(`/api/v1/campaigns/${encodeURIComponent(campaign.id)}`, { status: archive ? ARCHIVED : DRAFT },
      { ifMatch: etagOf(campaign) });
  } catch (error) {
    if (onConflict && isConflict(error)) onConflict(error);
    else toast(error.message, { kind: "error" });
    return null;
  }
  toast(archive ? `“${campaign.name}” archived: pages no longer show it.` : `“${campaign.name}” restored as a draft.`);
  return saved;
}

/** Deletes after a confirm; resolves to whether it is gone. */
export async function remove(campaign) {
  const ok = await confirmDialog({
    title: `Delete “${campaign.name}”?`,
    message: "Its prizes, codes and play history are deleted too. This cannot be undone. A campaign that a segment shows cannot be deleted: map the segment to another campaign first.",
    confirm: "Delete campaign", danger: true,
  });
  if (!ok) return false;
  try {
    await api.delete(`/api/v1/campaigns/${encodeURIComponent(campaign.id)}`);
  } catch (error) {
    toast(error.message, { kind: "error" });
    return false;
  }
  toast(`Campaign “${campaign.name}” deleted.`);
  return true;
}
