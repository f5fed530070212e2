// Inside the console's preview frame: the real embed renders the campaign
// the editor sends, as typed and not saved. A fetch adapter answers the
// embed's public-API calls from the admin-only preview endpoints, which take
// the campaign in the body and write nothing. The finish step, which only
// records an event, is answered here.
import { session } from "./api.js";

const stage = document.getElementById("stage");
const realFetch = window.fetch.bind(window);
const STEP = /^\/api\/v1\/embed\/(?:render|sessions\/([^/]+)\/(register|play|finish))$/;
/** The campaign each preview session was rendered with, by session id. */
const sessions = new Map();
/** The render answer fetched ahead, for the embed's render call to take. */
let rendered = null;
let shown = null; // the embed's handle
let renders = 0;

/** POSTs to a preview endpoint with the console's admin token. */
function post(path, body) {
  return realFetch(path, {
    method: "POST",
    headers: { Authorization: `Bearer ${session.token ?? ""}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

window.fetch = async (resource, init = {}) => {
  const url = new URL(resource instanceof Request ? resource.url : resource, location.href);
  const step = url.pathname.match(STEP);
  if (!step) return realFetch(resource, init);
  const [, sessionId, name = "render"] = step;
  if (name === "render") {
    const { response, campaign, answer } = rendered;
    sessions.set(answer.session.id, campaign);
    return response;
  }
  if (name === "finish") {
    return new Response(JSON.stringify({ finished: true }), { headers: { "Content-Type": "application/json" } });
  }
  // The embed sends a Request with its body inside.
  const body = JSON.parse((resource instanceof Request ? await resource.text() : init.body) || "{}");
  const campaign = sessions.get(sessionId);
  return post(`/api/v1/campaigns/preview/${name}`, name === "register"
    ? { campaign, fields: body.fields, consent: body.consent }
    : { campaign, answers: body.answers });
};

/** Tells the editor how the last render went. */
function report(status) {
  parent.postMessage({ type: "adact-preview-status", ...status }, location.origin);
}

/**
 * Renders `campaign` from scratch once the server accepts it; while it does
 * not, the last good one stays. A newer call wins over a slower older one.
 */
async function show(campaign) {
  const mine = ++renders;
  let response;
  let answer = null;
  try {
    // The embed's own words in the admin's language, as a visitor's browser
    // in that language would get them.
    response = await post(`/api/v1/campaigns/preview?locale=${encodeURIComponent(navigator.language)}`, campaign);
    answer = await response.clone().json();
  } catch {
    response = null;
  }
  if (mine !== renders) return;
  if (!response?.ok) {
    report({ state: "error", error: answer?.error ?? { message: "The server cannot be reached." } });
    if (!shown) nothingYet();
    return;
  }
  rendered = { response, campaign, answer };
  shown?.destroy();
  stage.replaceChildren();
  const handle = await window.renderAdact({ segment: "Preview", container: stage });
  if (mine !== renders) return handle?.destroy();
  shown = handle;
  if (handle) return report({ state: "ok" });
  nothingYet();
  report({ state: "error", error: { message: "The embed could not draw it: see the browser console." } });
}

function nothingYet() {
  const message = document.createElement("p");
  message.className = "message";
  message.append(Object.assign(document.createElement("strong"), { textContent: "Nothing to preview yet" }),
    "Fix what the editor points out, and the preview appears.");
  stage.replaceChildren(message);
}

window.addEventListener("message", (event) => {
  if (event.origin !== location.origin || event.source !== parent) return;
  if (event.data?.type === "adact-preview") show(event.data.campaign);
});
parent.postMessage({ type: "adact-preview-ready" }, location.origin);
