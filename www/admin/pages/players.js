// Integrations → Players & limits: the identity secret the customer's
// backend signs players' userTokens with (reveal, copy, rotate), the
// "require signed identity" switch, the public API's rate limits, how long
// players' data is kept, and the account's settings (the time zone of the
// statistics' days).
import { api } from "../api.js";
import { codeBlock, h, replace, time } from "../dom.js";
import { badge, busy, clearErrors, copyButton, field, formError, secretWidget, showError, toast, toggle } from "../ui.js";

const NODE = `// npm install jsonwebtoken
const jwt = require("jsonwebtoken");

// On your server, for the signed-in customer:
const userToken = jwt.sign(
  {
    sub: String(customer.id),
    email: customer.email,
    name: customer.firstName,
  },
  process.env.ADACT_IDENTITY_SECRET,
  { algorithm: "HS256", expiresIn: "1h" },
);`;

const PYTHON = `# pip install pyjwt
import os
from datetime import datetime, timedelta, timezone
import jwt

user_token = jwt.encode(
    {
        "sub": str(customer.id),
        "email": customer.email,
        "name": customer.first_name,
        "exp": datetime.now(timezone.utc) + timedelta(hours=1),
    },
    os.environ["ADACT_IDENTITY_SECRET"],
    algorithm="HS256",
)`;

const CALL = `window.renderAdact({
  segment: 'Default Users',
  userToken: '<%= userToken %>', // signed on your server
});`;

const LIMITS = [
  ["renders_per_ip", "Page views per address", "Renders (page views) from one visitor address, per minute."],
  ["steps_per_ip", "Game steps per address", "Registrations, plays and finishes from one address, per minute."],
  ["steps_per_player", "Game steps per player", "Registrations, plays and finishes of one player, per minute."],
];

/** A titled code sample with its copy button. */
function snippet(title, text) {
  return h("div", { class: "snippet" },
    h("div", { class: "card-header-row" }, h("h3", null, title), copyButton(() => text, "Copy", `${title}: code`)),
    codeBlock(text, title));
}

export async function render() {
  const [identity, limits, retention, settings] = await Promise.all([
    api.get("/api/v1/account/identity"),
    api.get("/api/v1/account/rate-limits"),
    api.get("/api/v1/account/player-retention"),
    api.get("/api/v1/account/settings"),
  ]);

  // ---- signed identity -------------------------------------------------------------
  const previousSlot = h("p", { class: "hint", role: "status" });
  const paintPrevious = (until) => replace(previousSlot, until
    ? ["The previous secret still verifies tokens until ", time(until, { seconds: false }), "."]
    : []);
  paintPrevious(identity.previous_secret_expires_at);
  const secret = secretWidget({
    label: "Identity secret",
    secret: identity.secret,
    prefix: "ids_",
    hint: "Keep it on your servers only: anyone with it can sign in as any player.",
    confirmTitle: "Rotate the identity secret?",
    confirmMessage: "Adact makes a new secret now. Tokens signed with the old one are accepted for 24 hours more, so you can update your servers without a gap.",
    rotated: "New identity secret made. The old one keeps working for 24 hours.",
    rotate: async () => {
      const rotated = await api.post("/api/v1/account/identity/rotate-secret", {});
      paintPrevious(rotated.previous_secret_expires_at);
      return rotated.secret;
    },
  });

  const requireSwitch = toggle({
    name: "require_signed_identity",
    label: "Require signed identity",
    checked: identity.require_signed_identity,
    hint: "On: only players with a valid userToken can register and play; others see a polite “please sign in”. A script can no longer farm prizes with made-up visitor ids.",
  });
  const requireForm = h("form", { class: "stack-tight", novalidate: true, "aria-label": "Signed identity setting" },
    formError(), requireSwitch.wrapper);
  requireSwitch.input.addEventListener("change", async () => {
    const required = requireSwitch.input.checked;
    clearErrors(requireForm);
    try {
      await api.put("/api/v1/account/identity", { require_signed_identity: required });
    } catch (error) {
      requireSwitch.input.checked = !required;
      return showError(requireForm, error);
    }
    toast(required ? "Only signed-in players can play now." : "Anonymous visitors can play again.");
  });

  // ---- rate limits -----------------------------------------------------------------
  const limitsForm = h("form", { class: "stack", novalidate: true, "aria-label": "Rate limits" }, formError());
  const inputs = {};
  const stateSlot = h("div", { class: "domains-state", role: "status" });
  const paintLimits = (body) => {
    for (const [key] of LIMITS) inputs[key].value = String(body.limits[key]);
    replace(stateSlot, body.custom
      ? [badge("Custom", "warning"), h("span", null, "This account uses its own limits.")]
      : [badge("Defaults", "success"), h("span", null, "The server's defaults, far above what a real visitor does.")]);
    reset.hidden = !body.custom;
  };
  const fields = h("div", { class: "grid-thirds" }, LIMITS.map(([key, label, hint]) => {
    inputs[key] = h("input", { type: "number", name: key, min: "1", max: "1000000", step: "1", inputmode: "numeric", required: true });
    return field({ name: key, label, input: inputs[key], hint: `${hint} Default ${limits.defaults[key]}.` });
  }));
  const save = h("button", { type: "submit", class: "btn btn-primary" }, "Save limits");
  const reset = h("button", { type: "button", class: "btn" }, "Restore defaults");
  limitsForm.append(stateSlot, fields, h("div", { class: "actions" }, save, reset));
  paintLimits(limits);
  limitsForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(limitsForm);
    const body = Object.fromEntries(LIMITS.map(([key]) => [key, Number(inputs[key].value)]));
    const bad = LIMITS.find(([key]) => !Number.isInteger(body[key]) || body[key] < 1 || body[key] > 1_000_000);
    if (bad) return showError(limitsForm, { field: bad[0], message: "Enter a whole number from 1 to 1,000,000." });
    return busy(save, async () => {
      try {
        paintLimits(await api.put("/api/v1/account/rate-limits", body));
      } catch (error) {
        return showError(limitsForm, error);
      }
      toast("Rate limits saved.");
    });
  });
  reset.addEventListener("click", () => busy(reset, async () => {
    try {
      paintLimits(await api.delete("/api/v1/account/rate-limits"));
    } catch (error) {
      return toast(error.message, { kind: "error" });
    }
    toast("Back to the default rate limits.");
  }));

  // ---- retention --------------------------------------------------------------------
  const days = h("input", { type: "number", name: "days", min: "1", max: "3650", step: "1", inputmode: "numeric", placeholder: "Forever", value: retention.days ?? "" });
  const saveRetention = h("button", { type: "submit", class: "btn btn-primary" }, "Save retention");
  const retentionForm = h("form", { class: "stack", novalidate: true, "aria-label": "Player data retention" },
    formError(),
    field({ name: "days", label: "Erase players after (days)", input: days,
      hint: "Days after a player's last registration. Empty: keep players until you erase them. Checked daily; each erased player sends player.deleted." }),
    h("div", { class: "actions" }, saveRetention));
  retentionForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(retentionForm);
    const value = days.value.trim() === "" ? null : Number(days.value);
    if (value !== null && (!Number.isInteger(value) || value < 1 || value > 3650)) {
      return showError(retentionForm, { field: "days", message: "Enter a whole number of days from 1 to 3,650, or leave it empty." });
    }
    return busy(saveRetention, async () => {
      try {
        await api.put("/api/v1/account/player-retention", { days: value });
      } catch (error) {
        return showError(retentionForm, error);
      }
      toast(value === null ? "Players are kept until you erase them." : `Players are erased ${value} ${value === 1 ? "day" : "days"} after their last registration.`);
    });
  });
  // ---- account settings ------------------------------------------------------------
  const settingsForm = accountSettings(settings);

  const node = h("div", { class: "page" },
    h("div", { class: "page-header" },
      h("p", { class: "breadcrumb" }, "Integrations"),
      h("h1", null, "Players & limits"),
      h("p", { class: "lead" }, "Who may play, how often, and how long their data is kept: signed player identity, the public API's rate limits and retention.")),
    h("section", { class: "card", "aria-labelledby": "identity-title" },
      h("div", { class: "card-header" },
        h("h2", { id: "identity-title" }, "Signed player identity"),
        h("p", { class: "muted" }, "Your backend signs the signed-in customer's id as a userToken (a JWT, HS256) with this secret; the page passes it to renderAdact. Adact then trusts the id, email and name in it over anything the page or the form says.")),
      h("div", { class: "grid-2" },
        h("div", { class: "stack" }, secret, previousSlot, requireForm),
        h("div", { class: "rules" },
          h("h3", null, "The token"),
          h("ul", null,
            h("li", null, h("code", null, "sub"), " (required): the customer's id on your site; the player's id in Adact."),
            h("li", null, h("code", null, "email"), ", ", h("code", null, "name"), ": fill the form and the player's record."),
            h("li", null, h("code", null, "exp"), ": when it expires; an hour is plenty."),
            h("li", null, h("code", null, "aud"), " (optional): this account's id, to refuse tokens meant for another.")))),
      h("div", { class: "grid-halves" },
        snippet("Sign a token in Node.js", NODE),
        snippet("Sign a token in Python", PYTHON)),
      snippet("Pass it to renderAdact", CALL)),
    h("section", { class: "card", "aria-labelledby": "limits-title" },
      h("div", { class: "card-header" },
        h("h2", { id: "limits-title" }, "Rate limits"),
        h("p", { class: "muted" }, "Requests per minute before the public API answers 429 and the game shows a polite “try again in a minute”. Half a minute's worth may come at once. Behind a load balancer, start the server with --trusted-proxies so each visitor counts by their own address.")),
      limitsForm),
    h("section", { class: "card", "aria-labelledby": "retention-title" },
      h("div", { class: "card-header" },
        h("h2", { id: "retention-title" }, "Player data retention"),
        h("p", { class: "muted" }, "How long Adact keeps a player's email, name and form answers. Past it, the player is erased as from the Players page: plays and codes stay counted, pointing at no one.")),
      retentionForm),
    h("section", { class: "card", id: "account-settings", "aria-labelledby": "settings-title" },
      h("div", { class: "card-header" },
        h("h2", { id: "settings-title" }, "Account settings"),
        h("p", { class: "muted" }, "How this account's results are shown.")),
      settingsForm));
  return { node };
}

/** The time zone of the statistics' days: the browser's list of zones, with the saved one first. */
function accountSettings(settings) {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const names = [...new Set([settings.time_zone, "UTC", ...zones])];
  const zone = h("select", { name: "time_zone" }, names.map((name) => h("option", { value: name, selected: name === settings.time_zone }, name.replaceAll("_", " "))));
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const save = h("button", { type: "submit", class: "btn btn-primary" }, "Save settings");
  const form = h("form", { class: "stack", novalidate: true, "aria-label": "Account settings" },
    formError(),
    h("div", { class: "grid-thirds" },
      field({ name: "time_zone", label: "Time zone", input: zone, hint: `The days of every campaign's results, past ones included. This browser is in ${browser}.` })),
    h("div", { class: "actions" }, save));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    return busy(save, async () => {
      try {
        const saved = await api.patch("/api/v1/account/settings", { time_zone: zone.value });
        zone.value = saved.time_zone;
      } catch (error) {
        return showError(form, error);
      }
      toast(`Results are shown in ${zone.value} days.`);
    });
  });
  return form;
}
