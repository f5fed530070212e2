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
let campaign = null;
let shown = null; // the embed's handle
let renders = 0;

window.fetch = async (resource, init = {}) => {
  const url = new URL(resource instanceof Request ? resource.url : resource, location.href);
  const step = url.pathname.match(STEP);
  if (!step) return realFetch(resource, init);
  const body = JSON.parse(init.body || "{}");
  const [, sessionId, name = "render"] = step;
  if (name === "finish") return json({ finished: true });
  const draft = name === "render" ? campaign : sessions.get(sessionId);
  const path = name === "render" ? "/api/v1/campaigns/preview" : `/api/v1/campaigns/preview/${name}`;
  const request = name === "render" ? draft
    : name === "register" ? { campaign: draft, fields: body.fields, consent: body.consent }
      : { campaign: draft, answers: body.answers };
  const response = await realFetch(path, {
    method: "POST",
    headers: { Authorization: `Bearer ${session.token ?? ""}`, "Content-Type": "application/json" },
    body: JSON.stringify(request),
  });
  if (name === "render") {
    const answer = await response.clone().json().catch(() => null);
    if (response.ok) sessions.set(answer.session.id, draft);
    report(response.ok ? { state: "ok" } : { state: "error", error: answer?.error ?? { message: `The server answered ${response.status}.` } });
  }
  return response;
};

function json(value) {
  return new Response(JSON.stringify(value), { headers: { "Content-Type": "application/json" } });
}

/** Tells the editor how the last render went. */
function report(status) {
  parent.postMessage({ type: "adact-preview-status", ...status }, location.origin);
}

/** Renders `next` from scratch; a newer render wins over a slower older one. */
async function show(next) {
  campaign = next;
  const mine = ++renders;
  shown?.destroy();
  shown = null;
  stage.replaceChildren();
  const handle = await window.renderAdact({ segment: "Preview", container: stage });
  if (mine !== renders) return handle?.destroy();
  shown = handle;
  if (!handle) {
    const message = document.createElement("p");
    message.className = "message";
    message.append(Object.assign(document.createElement("strong"), { textContent: "Nothing to preview yet" }),
      "Fix what the editor points out, and the preview comes back.");
    stage.replaceChildren(message);
  }
}

window.addEventListener("message", (event) => {
  if (event.origin !== location.origin || event.source !== parent) return;
  if (event.data?.type === "adact-preview") show(event.data.campaign);
});
parent.postMessage({ type: "adact-preview-ready" }, location.origin);
