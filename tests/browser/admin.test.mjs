// The admin console as an admin uses it: sign in, set up webhooks against a
// real receiver, send a test event, find it in the history, resend it, copy
// the embed script tag; build a campaign and play its live preview, map a
// segment to it and see it on the demo page; limit the allowed domains.
// Real server, real Chromium, axe on every page. Laid out by what the tests
// are about; each test stands alone (its own server and page, its state set
// up through the admin API), so any of them can run by itself.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";

import { assertAccessible, ADMIN_TOKEN, EMBED_KEY, launchBrowser, openPage, root, startAdact, startHost } from "./harness.mjs";

let adact;
let browser;
let receiver;
let session; // this test's signed-in page
const received = []; // what the receiver got in this test

/** A webhook receiver on loopback: 200 with a small JSON body; 410 under /gone. */
async function startReceiver() {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (req.url.endsWith("/gone")) return res.writeHead(410).end("gone for good");
      received.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, received: received.length }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * With ADACT_SCREENSHOTS=dir, a screenshot of the page at 1280x900 and
 * 390x844: the whole page, or what a viewport shows (`fullPage: false`),
 * from the top or from the element `at` selects.
 */
async function screenshots(page, name, { fullPage = true, at = null } = {}) {
  const dir = process.env.ADACT_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.evaluate(() => {
    for (const toast of document.querySelectorAll(".toast")) toast.remove();
  });
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.evaluate((at) => (at ? document.querySelector(at).scrollIntoView() : window.scrollTo(0, 0)), at);
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A visitor plays `segment` to the end screen through the public API, as the embed does. */
async function playThrough(segment, player) {
  const step = async (path, body) => {
    const res = await fetch(`${adact.url}${path}?key=${EMBED_KEY}`, {
      method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: JSON.stringify(body),
    });
    const json = await res.json();
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const render = await step("/api/v1/embed/render", { segment, user: { id: player } });
  const { id, token } = render.session;
  await step(`/api/v1/embed/sessions/${id}/register`, { token, fields: { name: "Ada", email: `${player}@example.com` }, consent: true });
  const played = await step(`/api/v1/embed/sessions/${id}/play`, { token, answers: (render.campaign.questions ?? []).map(() => 0) });
  await step(`/api/v1/embed/sessions/${id}/finish`, { token });
  return { campaign: render.campaign, won: Boolean(played.prize) };
}

/** The controls in view now, each by its place in the page: its centre shows the control itself. */
function controlsInView(page) {
  return page.evaluate(() => [...document.querySelectorAll("button, a.btn, input, select")]
    .filter((el) => !el.closest(".toast"))
    .map((el, i) => {
      const box = el.getBoundingClientRect();
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      const inView = el.getClientRects().length > 0 && y > 0 && y < innerHeight;
      const hit = inView ? document.elementFromPoint(x, y) : null;
      return { i, y, shown: Boolean(hit && (hit === el || el.contains(hit))) };
    })
    .filter((c) => c.shown));
}

/** Raises a notice with `raise`; every control in view before is in view after, none under the notice. */
async function assertNoticeCoversNothing(page, raise, text) {
  const before = await controlsInView(page);
  await raise();
  await page.locator(".toast", { hasText: text }).waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const after = new Map((await controlsInView(page)).map((c) => [c.i, c]));
  const height = await page.evaluate(() => innerHeight);
  const notice = await page.locator(".toast", { hasText: text }).boundingBox();
  for (const control of before) {
    // Pushed down with the page, a control near the bottom may leave the screen; none goes under the notice.
    if (control.y + notice.height + 24 >= height) continue;
    assert.ok(after.has(control.i), `control ${control.i} (at ${Math.round(control.y)} px) is still in view after the notice`);
  }
}

async function adminApi(path, options = {}) {
  const res = await fetch(`${adact.url}${path}`, {
    ...options,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...options.headers },
  });
  return res.status === 204 ? null : res.json();
}

/**
 * Opens this test's page on `path` of the console, signed in as a tab that
 * signed in before: the admin token is where a sign-in keeps it
 * (sessionStorage) before each page loads. The sign-in itself is the first
 * test's.
 */
async function signedIn(path = "/admin/campaigns") {
  session = await openPage(browser);
  await session.context.addInitScript((token) => sessionStorage.setItem("adact.adminToken", token), ADMIN_TOKEN);
  await session.page.goto(`${adact.url}${path}`);
  return session;
}

/** Webhooks on, every event to the receiver: the main endpoint, as the webhooks test sets it up. */
async function webhooksOn() {
  return adact.admin("PUT", "/api/v1/webhooks/settings", { enabled: true, url: receiver.url, events: ["*"] });
}

/** A test event sent to the main endpoint, delivered. */
async function sendTestEvent() {
  const result = await adact.admin("POST", "/api/v1/webhooks/test", {});
  assert.equal(result.succeeded, true);
  return result;
}

/**
 * "Summer Wheel" as the new wheel's test saves it through the editor: active,
 * three uploaded towel codes and generated shipping codes; `title` and
 * `primary` as the live preview's test leaves them.
 */
async function createSummerWheel({ title = "Spin for summer", primary = "#6d28d9" } = {}) {
  return adact.admin("POST", "/api/v1/campaigns", {
    name: "Summer Wheel", kind: "wheel", status: "active",
    definition: {
      texts: { title, description: "", play_button: "Spin the wheel" },
      theme: { primary, background: "#ffffff", text: "#1f2937" },
      play_limit: "once",
      form: { fields: [{ key: "email", type: "email", label: "Email", required: true }] },
      prizes: [
        { name: "Beach towel", description: "", weight: 5, stock: 3, codes: { pool: ["TOWEL-1", "TOWEL-2", "TOWEL-3"] } },
        { name: "Free shipping", description: "", weight: 20, codes: { generate: { prefix: "SHIP-" } } },
      ],
      no_prize: { label: "No luck this time", weight: 10 },
      end_screen: { win_title: "You won!", win_text: "", lose_title: "Not this time", lose_text: "" },
    },
  });
}

// Each test has a server of its own, with the demo data, and a page of its
// own; the browser and the webhook receiver are shared, and the receiver's
// list starts empty for each test.
before(async () => {
  receiver = await startReceiver();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await receiver?.stop();
});

beforeEach(async () => {
  received.length = 0;
  adact = await startAdact({ args: ["--allow-private-endpoints"] });
});

afterEach(async () => {
  const errors = session?.errors ?? [];
  await session?.context.close();
  session = undefined;
  await adact?.stop();
  assert.deepEqual(errors.map((error) => error.message), [], "no error in the test's page");
});

describe("signing in", () => {
  test("a wrong token is refused with a message; the admin token signs in", async () => {
    session = await openPage(browser, `${adact.url}/admin`);
    const { page, errors } = session;
    // The console loaded: a word it keeps for a name the API does not have
    // (an event type, a status, an error code) throws as it loads.
    assert.deepEqual(errors.map((error) => error.message), [], "the console loads without an error");
    await page.waitForURL(/\/admin\/signin$/);
    await page.getByRole("heading", { name: "Sign in to the console" }).waitFor();
    await assertAccessible(page, "sign in");
    await screenshots(page, "signin");

    const token = page.getByLabel("Admin token");
    await token.fill("adm_not_the_right_one");
    await page.getByRole("button", { name: "Sign in" }).click();
    const error = page.locator('[data-field="token"] .field-error');
    await error.waitFor();
    assert.match(await error.textContent(), /not valid/);
    assert.equal(await token.getAttribute("aria-invalid"), "true");
    assert.equal(await token.inputValue(), "adm_not_the_right_one");

    // Keyboard only: the field has focus after the error; Enter submits.
    // The console opens on the campaigns.
    await token.fill(ADMIN_TOKEN);
    await token.press("Enter");
    await page.waitForURL(/\/admin\/campaigns$/);
    const account = await adminApi("/api/v1/account");
    assert.equal((await page.locator(".account-name").textContent()).trim(), account.name);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("adact.adminToken")), ADMIN_TOKEN);
    assert.deepEqual(session.errors, []);
  });

  test("a deep link opens its page after sign-in, and a refused token returns to sign-in with a message", async () => {
    const { page } = await signedIn();
    await page.goto(`${adact.url}/admin/webhooks/history?status=succeeded`);
    await page.getByRole("heading", { name: "Webhooks History" }).waitFor();
    await page.evaluate(() => sessionStorage.setItem("adact.adminToken", "adm_revoked"));
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.waitForURL(/\/admin\/signin/);
    await page.getByText("Your session has ended").waitFor();
    await page.getByLabel("Admin token").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Webhooks", exact: true }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/admin\/signin/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("adact.adminToken")), null);
    assert.deepEqual(session.errors, []);
  });
});

describe("webhooks", () => {
  test("a bad URL shows the server's error beside the URL field and keeps what was typed", async () => {
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.waitForURL(/\/admin\/webhooks$/);
    const url = page.getByRole("textbox", { name: "Endpoint URL" }).first();
    await url.fill("ftp://x");
    await page.getByRole("button", { name: "Save settings" }).click();
    const error = page.locator('form[aria-labelledby="settings-title"] [data-field="url"] .field-error');
    await error.waitFor();
    const server = await adminApi("/api/v1/webhooks/settings", {
      method: "PUT", body: JSON.stringify({ enabled: false, url: "ftp://x" }),
    });
    assert.equal(server.error.field, "url");
    assert.ok((await error.textContent()).length > 5);
    assert.ok(server.error.message.toLowerCase().includes((await error.textContent()).toLowerCase().slice(0, 12)),
      `${await error.textContent()} is the server's ${server.error.message}`);
    assert.equal(await url.inputValue(), "ftp://x");
    assert.equal(await url.getAttribute("aria-invalid"), "true");
  });

  test("webhooks: set the URL, enable, see the secret, send a test event and its result inline", async () => {
    const { page } = await signedIn("/admin/webhooks");
    await page.getByRole("textbox", { name: "Endpoint URL" }).first().fill(receiver.url);
    await page.getByRole("switch", { name: "Enable Webhooks" }).check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").getByText("Webhooks are on").waitFor();
    const settings = await adminApi("/api/v1/webhooks/settings");
    assert.equal(settings.enabled, true);
    assert.equal(settings.url, receiver.url);
    assert.deepEqual(settings.events, ["*"]);

    // The endpoint shows up in the list.
    const row = page.locator(`tr[data-endpoint="${settings.endpoint.id}"]`);
    assert.match(await row.textContent(), /Enabled/);
    assert.match(await row.textContent(), /2000 ms/);

    // The secret is hidden until revealed, then rotates after a confirm.
    const primary = page.locator('section[aria-labelledby="primary-title"]');
    const secret = primary.locator(".secret-value");
    // A plain substring: the secret's base64 may hold `+` or `/`, which a RegExp would misread.
    assert.ok(!(await secret.textContent()).includes(settings.endpoint.secret.slice(6, 20)), "the secret is hidden");
    await primary.getByRole("button", { name: "Reveal" }).click();
    assert.equal(await secret.textContent(), settings.endpoint.secret);
    await primary.getByRole("button", { name: "Rotate…" }).click();
    await page.getByRole("dialog", { name: "Rotate the signing secret?" }).getByRole("button", { name: "Rotate secret" }).click();
    await page.getByText("New signing secret made").waitFor();
    const rotated = (await adminApi("/api/v1/webhooks/settings")).endpoint.secret;
    assert.notEqual(rotated, settings.endpoint.secret);
    assert.equal(await secret.textContent(), rotated);

    await primary.getByRole("button", { name: "Send test event" }).click();
    const result = primary.locator(".test-result .result");
    await result.waitFor();
    assert.match(await result.textContent(), /Delivered/);
    assert.match(await result.textContent(), /HTTP 200/);
    assert.match(await result.textContent(), /\d+ ms/);
    assert.equal(received.length, 1);
    assert.equal(JSON.parse(received[0].body).type, "webhook.test");
    await assertAccessible(page, "webhooks");
    await screenshots(page, "webhooks");
  });

  test("an endpoint's own form: server errors by field, create, delete", async () => {
    await webhooksOn();
    const { page } = await signedIn("/admin/webhooks");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const editor = page.locator("section.card-accent");
    await editor.getByRole("heading", { name: "New endpoint" }).waitFor();
    await editor.getByLabel("Endpoint URL").fill(`${receiver.url}/second`);
    await editor.getByLabel("Description").fill("Second receiver");
    await editor.getByLabel("Timeout (milliseconds)").fill("50");
    await editor.getByRole("button", { name: "Create endpoint" }).click();
    const error = editor.locator('[data-field="timeout_ms"] .field-error');
    await error.waitFor();
    assert.match(await error.textContent(), /between 100 and 15000/);
    assert.equal(await editor.getByLabel("Description").inputValue(), "Second receiver");

    await editor.getByLabel("Timeout (milliseconds)").fill("1500");
    await editor.getByRole("button", { name: "Create endpoint" }).click();
    await editor.getByRole("heading", { name: "Edit endpoint" }).waitFor();
    const endpoints = (await adminApi("/api/v1/webhooks/endpoints")).data;
    const second = endpoints.find((e) => e.description === "Second receiver");
    assert.equal(second.timeout_ms, 1500);
    assert.match(await page.locator(`tr[data-endpoint="${second.id}"]`).textContent(), /1500 ms/);
    await assertAccessible(page, "endpoint editor");

    await editor.getByRole("button", { name: "Delete endpoint" }).click();
    await page.getByRole("dialog", { name: "Delete this endpoint?" }).getByRole("button", { name: "Delete endpoint" }).click();
    await page.getByText("Endpoint deleted.").waitFor();
    assert.equal((await adminApi("/api/v1/webhooks/endpoints")).data.length, 1);
  });

  test("an endpoint's custom headers: typed hidden, sent, never shown again, replaced and removed", async () => {
    await webhooksOn();
    const { page } = await signedIn();
    const SECRET = "Bearer console-7f3a9c";
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.waitForURL(/\/admin\/webhooks$/);
    const primary = (await adminApi("/api/v1/webhooks/settings")).endpoint;
    await page.locator(`tr[data-endpoint="${primary.id}"]`).getByRole("button", { name: /^Edit/ }).click();
    const editor = page.locator("section.card-accent");
    await editor.getByRole("heading", { name: "Edit endpoint" }).waitFor();
    const save = async () => {
      await page.evaluate(() => document.querySelectorAll(".toast").forEach((toast) => toast.remove()));
      await editor.getByRole("button", { name: "Save endpoint" }).click();
      await page.getByText("Endpoint saved.").waitFor();
    };

    // A header Adact sets itself is refused beside its row, with what was typed kept.
    await editor.getByRole("button", { name: "Add header" }).click();
    await editor.getByLabel("Header name").fill("Webhook-Id");
    await editor.getByLabel("Header value").fill("forged");
    await editor.getByRole("button", { name: "Save endpoint" }).click();
    const error = editor.locator('[data-field="headers.Webhook-Id"] > .field-error');
    await error.waitFor();
    assert.match(await error.textContent(), /set by Adact/);
    assert.equal(await editor.getByLabel("Header name").getAttribute("aria-invalid"), "true");

    await editor.getByLabel("Header name").fill("Authorization");
    const value = editor.getByLabel("Header value");
    assert.equal(await value.getAttribute("type"), "password", "the value is typed hidden");
    await value.fill(SECRET);
    await save();
    // The form comes back with the header's name and its value hidden for good.
    const row = editor.locator('[data-field="headers.authorization"]');
    await row.waitFor();
    assert.match(await row.textContent(), /authorization/);
    assert.match(await row.textContent(), /Value hidden/);
    assert.ok(!(await page.content()).includes(SECRET), "the value is not in the page");
    assert.deepEqual((await adminApi(`/api/v1/webhooks/endpoints/${primary.id}`)).headers, { authorization: "********" });
    assert.match(await page.locator(`tr[data-endpoint="${primary.id}"]`).textContent(), /Headers: authorization/);
    await assertAccessible(page, "endpoint headers");
    await screenshots(page, "endpoint-headers", { at: "section.card-accent" });

    // Sent with the event; the history shows it hidden.
    const before = received.length;
    await editor.getByRole("button", { name: "Send test event" }).click();
    await editor.locator(".test-result .result").getByText("Delivered").waitFor();
    assert.equal(received.length, before + 1);
    assert.equal(received.at(-1).headers.authorization, SECRET);
    await editor.locator(".test-result a", { hasText: "View in history" }).click();
    const panel = page.getByRole("dialog");
    await panel.getByText("Attempt 1").waitFor();
    const sent = await panel.locator("table.headers").first().textContent();
    assert.match(sent, /authorization\s*\*{8}/);
    assert.ok(!(await page.content()).includes(SECRET), "the history shows the value");
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });

    // Replaced by typing a new value; removed with its button.
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.locator(`tr[data-endpoint="${primary.id}"]`).getByRole("button", { name: /^Edit/ }).click();
    await editor.getByLabel("New value for authorization").fill("Bearer replaced");
    await save();
    await editor.getByRole("button", { name: "Send test event" }).click();
    await editor.locator(".test-result .result").getByText("Delivered").waitFor();
    assert.equal(received.at(-1).headers.authorization, "Bearer replaced");
    await editor.getByRole("button", { name: "Remove authorization" }).click();
    await save();
    assert.deepEqual((await adminApi(`/api/v1/webhooks/endpoints/${primary.id}`)).headers, {});
    await editor.locator('[data-field="headers.authorization"]').waitFor({ state: "detached" });
  });

  test("webhooks off and on again keep the endpoint and its secret; an emptied URL is refused beside the field", async () => {
    await webhooksOn();
    const { page } = await signedIn();
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.waitForURL(/\/admin\/webhooks$/);
    const before = await adminApi("/api/v1/webhooks/settings");
    const master = page.getByRole("switch", { name: "Enable Webhooks" });
    const save = async (text) => {
      await page.evaluate(() => document.querySelectorAll(".toast").forEach((toast) => toast.remove()));
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByRole("status").getByText(text).waitFor();
    };
    await master.uncheck();
    await save("Webhooks are off");
    await master.check();
    await save("Webhooks are on");
    const after = await adminApi("/api/v1/webhooks/settings");
    assert.equal(after.endpoint.id, before.endpoint.id);
    assert.equal(after.endpoint.secret, before.endpoint.secret);

    const url = page.getByRole("textbox", { name: "Endpoint URL" }).first();
    await url.fill("");
    await page.getByRole("button", { name: "Save settings" }).click();
    const error = page.locator('form[aria-labelledby="settings-title"] [data-field="url"] .field-error');
    await error.waitFor();
    assert.match(await error.textContent(), /must not be empty/i);
    assert.equal((await adminApi("/api/v1/webhooks/settings")).endpoint.secret, before.endpoint.secret);
    await url.fill(before.url);
    await save("Webhooks are on");
  });

  test("an endpoint the server disabled (410 Gone) says why, in the list and in its form", async () => {
    await webhooksOn();
    const { page } = await signedIn();
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const editor = page.locator("section.card-accent");
    await editor.getByLabel("Endpoint URL").fill(`${receiver.url}/gone`);
    await editor.getByRole("button", { name: "Create endpoint" }).click();
    await editor.getByRole("heading", { name: "Edit endpoint" }).waitFor();
    await editor.getByRole("button", { name: "Send test event" }).click();
    const result = editor.locator(".test-result .result");
    await result.waitFor();
    assert.match(await result.textContent(), /Failed/);
    assert.match(await result.textContent(), /HTTP 410/);

    await page.reload();
    const gone = (await adminApi("/api/v1/webhooks/endpoints")).data.find((e) => e.url.endsWith("/gone"));
    assert.equal(gone.enabled, false);
    assert.ok(gone.disabled_reason);
    const row = page.locator(`tr[data-endpoint="${gone.id}"]`);
    assert.equal(await row.locator(".inline-alert").textContent(), `Disabled by the server: ${gone.disabled_reason}`);
    assert.match(await row.textContent(), /Disabled/);
    await row.getByRole("button", { name: /^Edit/ }).click();
    assert.match(await page.locator("section.card-accent .alert-danger").textContent(), new RegExp(gone.disabled_reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await assertAccessible(page, "a disabled endpoint");
    await screenshots(page, "endpoint-disabled");
  });

  test("recover events since…: refused while the endpoint is off, then queues what it skipped", async () => {
    // An endpoint that answered 410 Gone to a test event, and the server disabled.
    await webhooksOn();
    const created = await adact.admin("POST", "/api/v1/webhooks/endpoints", { url: `${receiver.url}/gone` });
    assert.equal((await adact.admin("POST", "/api/v1/webhooks/test", { endpoint_id: created.id })).response_status, 410);
    const { page } = await signedIn();
    const gone = (await adminApi("/api/v1/webhooks/endpoints")).data.find((e) => e.url.endsWith("/gone"));
    assert.equal(gone.enabled, false);
    // An event while the endpoint is disabled: kept for it as skipped.
    const campaign = (await adminApi("/api/v1/campaigns")).data[0];
    await adminApi("/api/v1/segments", { method: "POST", body: JSON.stringify({ title: "Recovered later", campaign_id: campaign.id }) });
    const skipped = await adminApi(`/api/v1/webhooks/deliveries?endpoint_id=${gone.id}&status=skipped`);
    assert.equal(skipped.data.length, 1);
    assert.match(skipped.data[0].last_error, /the endpoint was disabled/);

    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.waitForURL(/\/admin\/webhooks$/);
    await page.locator(`tr[data-endpoint="${gone.id}"]`).getByRole("button", { name: /^Edit/ }).click();
    const editor = page.locator("section.card-accent");
    const recover = editor.getByRole("form", { name: "Recover events since" });
    await recover.getByRole("button", { name: "Recover events" }).click();
    const error = recover.locator(".form-error");
    await error.waitFor();
    assert.match(await error.textContent(), /endpoint is disabled/);

    await editor.getByRole("switch", { name: "Enabled" }).check();
    await editor.getByRole("button", { name: "Save endpoint" }).click();
    await page.getByRole("status").getByText("Endpoint saved.").waitFor();
    await editor.getByRole("form", { name: "Recover events since" }).getByRole("button", { name: "Recover events" }).click();
    await page.getByRole("status").getByText("1 skipped event queued to be sent.").waitFor();
    const recovered = await adminApi(`/api/v1/webhooks/deliveries/${skipped.data[0].id}`);
    assert.notEqual(recovered.status, "skipped");
    await assertAccessible(page, "an endpoint with its recover control");
    await screenshots(page, "endpoint-recover", { at: ".recover-events" });
  });
});

describe("the webhooks history", () => {
  test("history: the test event, its request and response, a resend and its second attempt", async () => {
    await webhooksOn();
    await sendTestEvent();
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "Webhooks History" }).click();
    await page.waitForURL(/\/admin\/webhooks\/history$/);
    const row = page.locator("tbody tr[data-delivery]").first();
    await row.waitFor();
    assert.match(await row.textContent(), /webhook\.test/);
    assert.match(await row.textContent(), /succeeded/);
    assert.match(await row.textContent(), /200/);
    await assertAccessible(page, "history");
    await screenshots(page, "history");

    // Keyboard only: the row's link opens the panel with Enter.
    await row.getByRole("link").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/[?&]delivery=/);
    const panel = page.getByRole("dialog");
    await panel.getByText("Attempt 1").waitFor();
    const headers = panel.locator("table.headers").first();
    assert.match(await headers.textContent(), /webhook-signature/);
    assert.match(await headers.textContent(), /webhook-id/);
    const bodies = await panel.locator("pre.code").allTextContents();
    assert.ok(bodies.some((b) => b.includes('"type": "webhook.test"')), "the request body, pretty-printed");
    assert.ok(bodies.some((b) => b.includes('"ok": true')), "the response body, pretty-printed");
    await assertAccessible(page, "delivery detail");
    await screenshots(page, "delivery");

    await panel.getByRole("button", { name: "Resend" }).click();
    await panel.getByText("Attempt 2").waitFor();
    assert.equal(received.length, 2);
    assert.equal(received[1].headers["webhook-id"], received[0].headers["webhook-id"]);
    // The table behind the panel refreshes to two attempts too.
    await page.locator("tbody tr[data-delivery] td:nth-child(5)", { hasText: "2" }).waitFor({ state: "attached" });

    // Escape closes the panel and the URL forgets it.
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    // page.url() learns of a pushState from an event that can trail the DOM.
    await page.waitForURL((url) => !url.searchParams.has("delivery"));
  });

  test("history filters live in the URL, survive a reload, and resend-failed answers", async () => {
    await webhooksOn();
    await sendTestEvent();
    const { page } = await signedIn("/admin/webhooks/history");
    await page.getByLabel("Status").selectOption("failed");
    await page.waitForURL(/status=failed/);
    await page.getByText("No deliveries match").waitFor();
    await page.reload();
    assert.equal(await page.getByLabel("Status").inputValue(), "failed");
    await page.getByText("No deliveries match").waitFor();
    await page.getByLabel("Event type").selectOption("webhook.test");
    await page.getByLabel("Status").selectOption("succeeded");
    await page.waitForURL(/status=succeeded/);
    assert.match(page.url(), /event_type=webhook\.test/);
    await page.locator("tbody tr[data-delivery]").first().waitFor();

    await page.getByRole("button", { name: "Resend failed" }).click();
    await page.getByRole("dialog", { name: "Resend every failed delivery?" }).getByRole("button", { name: "Resend failed" }).click();
    await page.getByText("No failed delivery since then.").waitFor();
  });

  test("history pages with Load more, and new deliveries appear on their own", async () => {
    await webhooksOn();
    await sendTestEvent();
    const { page } = await signedIn("/admin/webhooks/history?event_type=webhook.test&status=succeeded");
    await page.locator("tbody tr[data-delivery]").first().waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForURL(/\/admin\/webhooks\/history$/);
    for (let i = 0; i < 50; i++) {
      const result = await adminApi("/api/v1/webhooks/test", { method: "POST", body: "{}" });
      assert.equal(result.succeeded, true);
    }
    // 51 deliveries now: the refresh brings the new ones in without a reload,
    // newest first, and Load more fetches the rest.
    const rows = page.locator("tbody tr[data-delivery]");
    await page.waitForFunction(() => document.querySelectorAll("tbody tr[data-delivery]").length >= 50);
    const more = page.getByRole("button", { name: "Load more" });
    if (!(await more.isVisible())) await page.reload();
    await more.click();
    await more.waitFor({ state: "hidden" });
    assert.equal(await rows.count(), 51);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.delivery));
    assert.deepEqual(ids, [...ids].sort().reverse(), "newest first");
  });
});

describe("campaigns", () => {
  test("campaigns: each one with its game, status, schedule, prizes and segments", async () => {
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "All campaigns" }).click();
    await page.waitForURL(/\/admin\/campaigns$/);
    const campaigns = (await adminApi("/api/v1/campaigns")).data;
    const wheel = campaigns.find((c) => c.kind === "wheel");
    const row = page.locator(`tr[data-campaign="${wheel.id}"]`);
    assert.match(await row.textContent(), /Holiday Wheel/);
    assert.match(await row.textContent(), /Spin the wheel/);
    assert.match(await row.textContent(), /Active/);
    assert.match(await row.textContent(), /Always on/);
    assert.match(await row.textContent(), /€25 gift card20 of 20 left/);
    assert.match(await row.textContent(), /Default Users/);
    assert.equal(await page.locator("tr[data-campaign]").count(), campaigns.length);
    await assertAccessible(page, "campaigns");
    await screenshots(page, "campaigns");
  });

  test("campaigns list each one's plays, wins and codes left; the history names each event's campaign and works on a phone", async () => {
    await webhooksOn();
    const { page } = await signedIn();
    const plays = [];
    for (let i = 0; i < 3; i++) plays.push(await playThrough("Default Users", `stats-player-${i}`));
    const holiday = (await adminApi("/api/v1/campaigns")).data.find((c) => c.name === "Holiday Wheel");
    assert.equal(holiday.stats.plays, 3);
    assert.equal(holiday.stats.wins, plays.filter((p) => p.won).length);
    await page.getByRole("navigation").getByRole("link", { name: "All campaigns" }).click();
    await page.waitForURL(/\/admin\/campaigns$/);
    const row = page.locator(`tr[data-campaign="${holiday.id}"]`);
    assert.equal(await row.locator('[data-stat="plays"]').textContent(), "3");
    assert.equal(await row.locator('[data-stat="wins"]').textContent(), String(holiday.stats.wins));
    assert.equal(await row.locator('[data-stat="codes_left"]').textContent(), holiday.stats.codes_left === null ? "∞" : holiday.stats.codes_left.toLocaleString("en-US"));
    assert.equal(await row.locator(".kind-thumb svg").count(), 1, "a picture of the game");
    const name = row.locator(".row-title");
    assert.equal(await name.evaluate((a) => getComputedStyle(a).whiteSpace), "nowrap");
    for (const title of await page.locator(".row-title").all()) {
      assert.ok(await title.evaluate((a) => a.scrollWidth <= a.clientWidth), `${await title.textContent()} is shown whole`);
    }
    assert.ok(await page.locator(".table-campaigns").evaluate((t) => t.parentElement.scrollWidth <= t.parentElement.clientWidth),
      "the list fits at 1280 px");
    await assertAccessible(page, "campaigns with numbers");

    await page.getByRole("navigation").getByRole("link", { name: "Webhooks History" }).click();
    await page.waitForURL(/\/admin\/webhooks\/history$/);
    // A delivery that was sent.
    const game = page.locator("tbody tr[data-delivery]", { hasText: "game.ended" }).filter({ hasText: "succeeded" }).first();
    await game.waitFor();
    assert.equal(await game.locator(".cell-campaign a").textContent(), "Holiday Wheel");
    // No URL on every row when one endpoint got them all: said once above the table, host and path.
    const urls = await adminApi("/api/v1/webhooks/deliveries?limit=50");
    const endpoints = new Set(urls.data.map((d) => d.endpoint_url));
    assert.deepEqual([...endpoints], [receiver.url], "one endpoint got them all");
    assert.equal(await page.locator("tbody .url").count(), 0);
    const shown = page.locator("[role=status] .url");
    assert.equal(await shown.getAttribute("title"), receiver.url);
    assert.ok(!(await shown.textContent()).startsWith("http"), "host and path, without the scheme");
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.waitForTimeout(100);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), "no sideways scroll on a phone");
      const card = await game.boundingBox();
      assert.ok(card.x >= 0 && card.x + card.width <= 390, "each delivery fits the screen");
      assert.ok(await game.locator(".cell-campaign").isVisible());
      await assertAccessible(page, "history on a phone");
      // The detail: the response right beside, or on a phone right after, the request's body.
      await game.locator(".cell-event a").click();
      const panel = page.getByRole("dialog");
      await panel.getByText("Attempt 1").waitFor();
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390));
      await assertAccessible(page, "a delivery on a phone");
      await page.keyboard.press("Escape");
      await panel.waitFor({ state: "detached" });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await game.locator(".cell-event a").click();
    const panel = page.getByRole("dialog");
    await panel.getByText("Attempt 1").waitFor();
    const request = await panel.locator('section[aria-label="Attempt 1 request"]').boundingBox();
    const response = await panel.locator('section[aria-label="Attempt 1 response"]').boundingBox();
    assert.ok(response.x > request.x + request.width - 1 && Math.abs(response.y - request.y) < 2, "the response beside the request");
    assert.equal(await panel.getByRole("link", { name: "Holiday Wheel" }).count(), 1);
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
  });

  test("a new wheel: codes from a CSV file, the server's error beside its field with everything kept, then saved", async () => {
    const { page } = await signedIn();
    await page.getByRole("link", { name: "New campaign" }).first().click();
    await page.waitForURL(/\/admin\/campaigns\/new$/);
    await page.getByLabel("Campaign name").fill("Summer Wheel");
    assert.equal(await page.getByRole("radio", { name: /Spin the wheel/ }).isChecked(), true);
    await page.getByLabel("Status").selectOption("active");
    await page.getByLabel("Title", { exact: true }).fill("Spin for summer");

    await page.getByRole("tab", { name: "Prizes" }).click();
    const first = page.getByRole("group", { name: "Prize 1" });
    await first.getByLabel("Name").fill("Beach towel");
    await first.getByLabel("Weight").fill("5");
    await first.getByRole("radio", { name: /Upload my codes/ }).check();
    // A header, a duplicate, a quoted cell and Windows line ends.
    await first.getByLabel("Codes file").setInputFiles({
      name: "towels.csv", mimeType: "text/csv",
      buffer: Buffer.from('code,value\r\nTOWEL-1,5\r\nTOWEL-2,5\r\nTOWEL-1,5\r\n"TOWEL-3",5\r\n\r\n'),
    });
    await first.getByText("3 codes read").waitFor();
    assert.match(await first.locator(".codes-read").textContent(), /from towels\.csv · 1 duplicate left out · header “code” skipped/);
    assert.equal(await first.getByLabel("Stock").inputValue(), "3", "a new prize's stock is its codes");

    await page.getByRole("button", { name: "Add prize" }).click();
    const second = page.getByRole("group", { name: "Prize 2" });
    assert.equal(await page.evaluate(() => document.activeElement.closest("[data-field]")?.dataset.field), "definition.prizes[1].name");
    await second.getByLabel("Name").fill("Free shipping");
    await second.getByLabel("Weight").fill("2000000");
    await second.getByLabel("Code prefix").fill("SHIP-");
    await page.getByRole("button", { name: "Create campaign" }).click();

    const error = page.locator('[data-field="definition.prizes[1].weight"] > .field-error');
    await error.waitFor();
    assert.equal(await error.textContent(), "Must be at most 1000000");
    assert.equal(await second.getByLabel("Weight").getAttribute("aria-invalid"), "true");
    assert.equal(await page.evaluate(() => document.activeElement.closest("[data-field]")?.dataset.field), "definition.prizes[1].weight",
      "focus moves to the field at fault");
    // Nothing typed is lost, the codes read from the file neither.
    assert.equal(await page.getByLabel("Campaign name").inputValue(), "Summer Wheel");
    assert.equal(await first.getByLabel("Name").inputValue(), "Beach towel");
    assert.equal(await second.getByLabel("Code prefix").inputValue(), "SHIP-");
    assert.match(await first.locator(".codes-read").textContent(), /3 codes read/);
    assert.match(page.url(), /\/campaigns\/new(#prizes)?$/, "still the new campaign, on its Prizes tab");
    await assertAccessible(page, "the campaign editor with an error");

    await second.getByLabel("Weight").fill("20");
    await page.getByRole("button", { name: "Create campaign" }).click();
    await page.waitForURL(/\/admin\/campaigns\/cmp_/);
    await page.getByRole("heading", { name: "Summer Wheel", level: 1 }).waitFor();
    const saved = (await adminApi("/api/v1/campaigns")).data.find((c) => c.name === "Summer Wheel");
    assert.equal(saved.status, "active");
    assert.deepEqual(saved.definition.prizes.map((p) => [p.name, p.weight, p.stock ?? null]), [["Beach towel", 5, 3], ["Free shipping", 20, null]]);
    assert.deepEqual(saved.definition.prizes[1].codes, { generate: { prefix: "SHIP-" } });
    assert.deepEqual(saved.prizes.map((p) => p.codes_available), [3, 0]);
    await page.getByRole("tab", { name: "Prizes" }).click();
    assert.match(await page.getByRole("group", { name: "Prize 1" }).locator(".codes-pool").textContent(), /3 left in stock, 3 codes available, 0 given/);
  });

  test("the live preview draws the campaign as typed with the real embed and plays to the end screen, sending nothing", async () => {
    // Webhooks on, so that anything the preview sent would reach the receiver.
    await webhooksOn();
    const summer = await createSummerWheel();
    const { page } = await signedIn(`/admin/campaigns/${summer.id}`);
    await page.emulateMedia({ reducedMotion: "reduce" });
    const id = page.url().match(/cmp_[^/?#]+/)[0];
    const frame = page.frameLocator('iframe[title="Campaign preview"]');
    const campaign = frame.locator("adact-campaign");
    await frame.getByText("Preview — nothing is saved or sent").waitFor();
    await campaign.locator(".title", { hasText: "Spin for summer" }).waitFor();

    // Typing changes the preview, unsaved.
    await page.getByRole("tab", { name: "Basics" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Spin for the summer sale");
    await campaign.locator(".title", { hasText: "Spin for the summer sale" }).waitFor();
    assert.equal((await adminApi(`/api/v1/campaigns/${id}`)).definition.texts.title, "Spin for summer");
    assert.equal(await page.locator(".save-state").textContent(), "Unsaved changes");
    // A value the server refuses pauses the preview and says where.
    await page.getByRole("tab", { name: "Look & logo" }).click();
    await page.getByLabel("Main colour", { exact: true }).fill("purple");
    await page.locator(".preview-status", { hasText: "Preview paused. Main colour: Must be a colour like #1a2b3c" }).waitFor();
    assert.equal(await campaign.locator(".title").textContent(), "Spin for the summer sale", "the last good preview stays");
    await page.getByLabel("Main colour", { exact: true }).fill("#0f766e");
    await page.locator(".preview-status", { hasText: "Up to date" }).waitFor();

    const deliveries = (await adminApi("/api/v1/webhooks/deliveries?limit=200")).data.length;
    const sent = received.length;
    await campaign.locator(".actions button.play").click();
    await campaign.locator("input[type=email]").fill("ada@example.com");
    await campaign.locator("button[type=submit]").click();
    // The wheel spins right after the form: no second button.
    await campaign.locator(".card[data-step=play], .card[data-step=end]").waitFor();
    await assertAccessible(page, "the editor with the preview");
    const preview = page.frames().find((f) => f.url().endsWith("/admin/preview.html"));
    await assertAccessible(preview, "the preview's game");
    await screenshots(page, "campaign-editor", { fullPage: false });
    await screenshots(page, "campaign-preview", { fullPage: false, at: "#preview" });
    const end = campaign.locator(".end");
    await end.waitFor();
    const shown = await end.evaluate((e) => ({ title: e.querySelector(".end-title").textContent, code: e.querySelector(".code")?.textContent ?? null }));
    if (shown.code) {
      assert.equal(shown.title, "You won!");
      assert.match(shown.code, /^PREVIEW-[A-Z0-9]{10}$/);
    } else {
      assert.equal(shown.title, "Not this time");
    }
    await assertAccessible(preview, "the preview's end screen");
    // Nothing was written or sent: no delivery, no code given.
    await page.waitForTimeout(300);
    assert.equal(received.length, sent);
    assert.equal((await adminApi("/api/v1/webhooks/deliveries?limit=200")).data.length, deliveries);
    assert.deepEqual((await adminApi(`/api/v1/campaigns/${id}`)).prizes.map((p) => p.codes_available), [3, 0]);

    // Desktop width, then back; the frame keeps its page size, at real size.
    await page.getByRole("button", { name: "Desktop" }).click();
    assert.equal(await page.getByRole("button", { name: "Desktop" }).getAttribute("aria-pressed"), "true");
    assert.equal(await page.locator("iframe.preview-frame").evaluate((f) => f.style.width), "1100px");
    await page.getByRole("button", { name: "Phone" }).click();
    assert.equal(await page.locator("iframe.preview-frame").evaluate((f) => f.style.width), "360px");

    // Leaving with unsaved changes asks first; staying keeps them.
    await page.getByRole("navigation").getByRole("link", { name: "Segments" }).click();
    await page.getByRole("dialog", { name: "Leave without saving?" }).getByRole("button", { name: "Cancel" }).click();
    assert.equal(await page.getByLabel("Title", { exact: true }).inputValue(), "Spin for the summer sale");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator(".save-state", { hasText: "All changes saved" }).waitFor();
    const saved = await adminApi(`/api/v1/campaigns/${id}`);
    assert.equal(saved.definition.texts.title, "Spin for the summer sale");
    assert.equal(saved.definition.theme.primary, "#0f766e");
    assert.deepEqual(saved.prizes.map((p) => p.codes_available), [3, 0], "the codes were added once");
    await page.emulateMedia({ reducedMotion: null });
  });

  test("the editor's tabs: arrow keys, the tab in the URL over a reload, a server error opening the tab and prize that hold its field", async () => {
    const summer = await createSummerWheel({ title: "Spin for the summer sale", primary: "#0f766e" });
    const { page } = await signedIn(`/admin/campaigns/${summer.id}`);
    const id = page.url().match(/cmp_[^/?#]+/)[0];
    const tab = (name) => page.getByRole("tab", { name, exact: true });
    const selected = () => page.locator('[role="tab"][aria-selected="true"]').textContent();
    await tab("Basics").click();
    assert.equal(await page.getByRole("tabpanel").count(), 1, "one panel shows");
    assert.equal(await page.getByRole("tabpanel").getAttribute("aria-labelledby"), "tab-basics");
    await page.keyboard.press("ArrowRight");
    assert.equal(await selected(), "Prizes");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Prizes", "the focus follows the arrow");
    assert.match(page.url(), /#prizes$/);
    await page.keyboard.press("End");
    assert.equal(await selected(), "Schedule & limits");
    await page.keyboard.press("Home");
    assert.equal(await selected(), "Basics");
    // One row at 1280 px: every visible tab on the same line.
    const tops = await page.locator('[role="tab"]:not([hidden])').evaluateAll((tabs) => tabs.map((t) => t.getBoundingClientRect().top));
    assert.equal(new Set(tops).size, 1, `the tabs sit on ${new Set(tops).size} rows`);
    await page.keyboard.press("ArrowLeft");
    assert.equal(await selected(), "Schedule & limits", "the arrows wrap around");
    assert.equal(await tab("Quiz").isHidden(), true, "a wheel has no quiz tab");
    await tab("Look & logo").click();
    assert.match(page.url(), /#look$/);
    await page.reload();
    await page.getByRole("heading", { name: "Summer Wheel", level: 1 }).waitFor();
    assert.equal(await selected(), "Look & logo", "a reload keeps the tab");
    assert.equal(await page.getByLabel("Main colour", { exact: true }).isVisible(), true);

    // A saved campaign's prizes are a line each, which opens.
    await tab("Prizes").click();
    const second = page.getByRole("group", { name: "Prize 2" });
    assert.match(await second.locator(".prize-summary").textContent(), /Free shipping.*Weight 20/);
    assert.equal(await second.getByLabel("Weight").isVisible(), false, "collapsed");
    const height = (await second.boundingBox()).height;
    assert.ok(height < 120, `a collapsed prize is ${height} px tall`);
    await screenshots(page, "campaign-prizes", { fullPage: false, at: ".editor" });
    // Each collapsed prize's button names its prize.
    const toggles = await page.locator(".prize-toggle").evaluateAll((bs) => bs.map((b) => b.getAttribute("aria-label")));
    assert.equal(new Set(toggles).size, toggles.length, `distinct names: ${toggles}`);
    assert.ok(toggles.includes("Edit prize Free shipping"), `${toggles}`);
    await second.getByRole("button", { name: "Edit prize Free shipping" }).click();
    assert.equal(await second.getByRole("button", { name: "Collapse prize Free shipping" }).getAttribute("aria-expanded"), "true");
    await second.getByLabel("Weight").fill("2000000");
    await second.getByRole("button", { name: "Collapse" }).click();
    // Saved from another tab, the server's error opens the tab and the prize and focuses the field.
    await tab("End screen").click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator('[data-field="definition.prizes[1].weight"] > .field-error').waitFor();
    assert.equal(await selected(), "Prizes");
    assert.equal(await second.getByLabel("Weight").isVisible(), true);
    assert.equal(await page.evaluate(() => document.activeElement.closest("[data-field]")?.dataset.field), "definition.prizes[1].weight");
    await assertAccessible(page, "the editor's tabs with an error");
    await second.getByLabel("Weight").fill("20");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator(".save-state", { hasText: "All changes saved" }).waitFor();
    assert.equal((await adminApi(`/api/v1/campaigns/${id}`)).definition.prizes[1].weight, 20);

    // The end screen's call to action and a prize's validity: a bad link is named in place, a good one saved.
    await second.getByLabel("Valid until").fill("2027-01-31");
    await tab("End screen").click();
    await page.getByLabel("Button label").fill("Shop the sale");
    await page.getByLabel("Link", { exact: true }).fill("javascript:alert(1)");
    await page.getByRole("button", { name: "Save changes" }).click();
    const linkError = page.locator('[data-field="definition.end_screen.cta_url"] > .field-error');
    await linkError.waitFor();
    assert.match(await linkError.textContent(), /http/);
    await page.getByLabel("Link", { exact: true }).fill("https://shop.example.com/sale");
    await page.getByLabel("Also show it when nothing is won").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.locator(".save-state", { hasText: "All changes saved" }).waitFor();
    const withCta = (await adminApi(`/api/v1/campaigns/${id}`)).definition;
    assert.deepEqual([withCta.end_screen.cta_label, withCta.end_screen.cta_url, withCta.end_screen.cta_on_lose], ["Shop the sale", "https://shop.example.com/sale", true]);
    assert.equal(withCta.prizes[1].valid_until, "2027-01-31");
    await assertAccessible(page, "the end screen's tab");
    await page.locator(".preview-status", { hasText: "Up to date" }).waitFor();

    // The preview at real size: the phone 360 px wide, the desktop page 1100 px wide in a frame that scrolls.
    const frame = page.locator("iframe.preview-frame");
    const campaign = page.frameLocator('iframe[title="Campaign preview"]').locator("adact-campaign");
    await campaign.locator(".title", { hasText: "Spin for the summer sale" }).waitFor();
    assert.equal(Math.round((await frame.boundingBox()).width), 360);
    await page.getByRole("button", { name: "Desktop" }).click();
    assert.equal(Math.round((await frame.boundingBox()).width), 1100, "not scaled");
    await screenshots(page, "campaign-preview-desktop", { fullPage: false, at: "#preview" });
    for (const selector of [".title", "button.play"]) {
      const size = await campaign.locator(selector).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(size >= 14, `${selector} is ${size} px`);
    }
    assert.ok(await page.locator(".preview-viewport").evaluate((v) => v.scrollWidth > v.clientWidth), "the desktop page scrolls in its frame");
    await assertAccessible(page, "the editor with the desktop preview");
    await page.getByRole("button", { name: "Phone" }).click();
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(Math.round((await frame.boundingBox()).width), 360);
    await assertAccessible(page, "the editor at 390 px");
    await page.setViewportSize({ width: 1280, height: 900 });
    await tab("Basics").click();
    assert.deepEqual(session.errors, []);
  });

  test("campaigns: delete refused while a segment shows it; archive, restore, delete", async () => {
    await createSummerWheel();
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "All campaigns" }).click();
    const campaigns = (await adminApi("/api/v1/campaigns")).data;
    const holiday = campaigns.find((c) => c.name === "Holiday Wheel");
    const summer = campaigns.find((c) => c.name === "Summer Wheel");
    await page.getByRole("button", { name: "Delete Holiday Wheel" }).click();
    await page.getByRole("dialog", { name: "Delete “Holiday Wheel”?" }).getByRole("button", { name: "Delete campaign" }).click();
    await page.getByText('The segment "Default Users" shows this campaign').waitFor();
    assert.ok(await adminApi(`/api/v1/campaigns/${holiday.id}`));

    await page.getByRole("button", { name: "Archive Summer Wheel" }).click();
    await page.locator(`tr[data-campaign="${summer.id}"]`).waitFor({ state: "detached" });
    assert.equal((await adminApi(`/api/v1/campaigns/${summer.id}`)).status, "archived");
    await page.getByLabel("Show archived (1)").check();
    const row = page.locator(`tr[data-campaign="${summer.id}"]`);
    assert.match(await row.textContent(), /Archived/);
    await row.getByRole("button", { name: "Restore Summer Wheel" }).click();
    await row.getByText("Draft").waitFor();
    await row.getByRole("button", { name: "Delete Summer Wheel" }).click();
    await page.getByRole("dialog", { name: "Delete “Summer Wheel”?" }).getByRole("button", { name: "Delete campaign" }).click();
    await row.waitFor({ state: "detached" });
    assert.equal((await adminApi("/api/v1/campaigns")).data.some((c) => c.id === summer.id), false);
  });
});

describe("segments", () => {
  test("segments: one for the new campaign, a taken title's error, edit; the demo page shows it; delete", async () => {
    await createSummerWheel({ title: "Spin for the summer sale" });
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "Segments" }).click();
    await page.waitForURL(/\/admin\/segments$/);
    await page.getByRole("heading", { name: "Segments", level: 1 }).waitFor();
    const summer = (await adminApi("/api/v1/campaigns")).data.find((c) => c.name === "Summer Wheel");
    await page.getByRole("button", { name: "Add segment" }).click();
    const editor = page.locator("section.card-accent");
    await editor.getByLabel("Title").fill("Default Users");
    await editor.getByLabel("Campaign").selectOption(summer.id);
    await editor.getByRole("button", { name: "Create segment" }).click();
    const error = editor.locator('[data-field="title"] .field-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'A segment is already titled "Default Users".');
    assert.equal(await editor.getByLabel("Title").getAttribute("aria-invalid"), "true");
    assert.equal(await editor.getByLabel("Campaign").inputValue(), summer.id);

    await editor.getByLabel("Title").fill("Summer Sale");
    await editor.getByRole("button", { name: "Create segment" }).click();
    await page.getByText("Segment “Summer Sale” created.").waitFor();
    let segment = (await adminApi("/api/v1/segments")).data.find((s) => s.title === "Summer Sale");
    assert.equal(segment.campaign_id, summer.id);
    const row = page.locator(`tr[data-segment="${segment.id}"]`);
    assert.match(await row.textContent(), /Summer Wheel/);
    assert.match(await row.textContent(), /window\.renderAdact\(\{"segment":"Summer Sale"\}\);/);
    await assertAccessible(page, "segments");

    await row.getByRole("button", { name: "Edit Summer Sale" }).click();
    await editor.getByLabel("Title").fill("Summer Sale 2026");
    await editor.getByRole("button", { name: "Save segment" }).click();
    await page.getByText("Segment “Summer Sale 2026” saved.").waitFor();
    segment = await adminApi(`/api/v1/segments/${segment.id}`);
    assert.equal(segment.title, "Summer Sale 2026");
    await screenshots(page, "segments");

    // The demo page shows it through the real embed.
    const demo = await openPage(browser, `${adact.url}/`);
    await demo.page.evaluate(() => document.body.insertAdjacentHTML("beforeend", '<div id="summer"></div>'));
    const handle = await demo.page.evaluate(async () => {
      const shown = await window.renderAdact({ segment: "Summer Sale 2026", container: "#summer" });
      return shown && shown.segment;
    });
    assert.equal(handle, "Summer Sale 2026");
    assert.equal(await demo.page.locator("#summer adact-campaign .title").textContent(), "Spin for the summer sale");
    assert.deepEqual(demo.warnings(), []);
    await demo.context.close();

    await page.locator(`tr[data-segment="${segment.id}"]`).getByRole("button", { name: "Delete Summer Sale 2026" }).click();
    await page.getByRole("dialog", { name: "Delete the segment “Summer Sale 2026”?" }).getByRole("button", { name: "Delete segment" }).click();
    await page.getByText("Segment “Summer Sale 2026” deleted.").waitFor();
    assert.equal(await page.locator(`tr[data-segment="${segment.id}"]`).count(), 0);
    assert.equal((await adminApi("/api/v1/segments")).data.some((s) => s.id === segment.id), false);

    // With none left, the page says the integration needs one.
    const remaining = (await adminApi("/api/v1/segments")).data;
    for (const s of remaining) await adminApi(`/api/v1/segments/${s.id}`, { method: "DELETE" });
    await page.reload();
    await page.getByRole("status").filter({ hasText: "No segment yet. The integration needs at least one" }).waitFor();
    await page.getByText("Create your first segment").waitFor();
    await assertAccessible(page, "segments, empty");
    await screenshots(page, "segments-empty");
    await page.getByRole("button", { name: "Add your first segment" }).click();
    const wheel = (await adminApi("/api/v1/campaigns")).data.find((c) => c.name === "Holiday Wheel");
    await editor.getByLabel("Title").fill("Default Users");
    await editor.getByLabel("Campaign").selectOption(wheel.id);
    await editor.getByRole("button", { name: "Create segment" }).click();
    await page.getByText("Segment “Default Users” created.").waitFor();
    assert.equal(await page.getByText("No segment yet.").count(), 0);
  });
});

describe("integrations", () => {
  test("integrations: the script tag with the embed key, and the call, to copy", async () => {
    const { page } = await signedIn();
    await page.getByRole("link", { name: "Embedding" }).click();
    await page.waitForURL(/\/admin\/integrations\/embedding$/);
    const tag = await page.locator('[data-snippet="script-tag"]').textContent();
    // The async snippet: the wasm's preload, embed/js/stub.js as it is, then the async tag.
    const stub = readFileSync(join(root, "embed", "js", "stub.js"), "utf8").trim();
    assert.equal(tag, `<link rel="preload" href="${adact.url}/embed.wasm" as="fetch" crossorigin>\n<script>${stub}</script>\n<script async src="${adact.url}/embed.js?key=${EMBED_KEY}"></script>`);
    assert.equal(await page.locator('[data-snippet="render-call"]').textContent(), '<script>window.renderAdact({"segment":"Default Users"});</script>');
    const options = await page.locator('[data-snippet="render-options"]').textContent();
    for (const option of ["container:", "user:", "locale:", "onEvent:"]) assert.ok(options.includes(option), option);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy script tag" }).click();
    await page.getByText("copied to the clipboard").first().waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), tag);
    await assertAccessible(page, "embedding");
    await screenshots(page, "embedding");
  });

  test("integrations: the TypeScript declarations, linked and served beside embed.js", async () => {
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "Embedding" }).click();
    await page.waitForURL(/\/admin\/integrations\/embedding$/);
    const command = await page.locator('[data-snippet="types"]').textContent();
    assert.equal(command, `curl -o src/adact.d.ts ${adact.url}/embed.d.ts`);
    const href = await page.locator("a[data-types]").getAttribute("href");
    assert.equal(href, `${adact.url}/embed.d.ts`);
    const served = await page.evaluate(async (href) => {
      const response = await fetch(href);
      return { type: response.headers.get("content-type"), text: await response.text() };
    }, href);
    assert.equal(served.type, "text/plain; charset=utf-8");
    assert.match(served.text, /var renderAdact: RenderAdact;/);
    assert.match(served.text, /type: "prize\.assigned";/);
    await assertAccessible(page, "embedding with the declarations");
    assert.deepEqual(session.errors, []);
  });

  test("the snippet for a segment whose title holds </script>, quotes, a backslash and line breaks still renders that segment", async () => {
    const { page } = await signedIn();
    const TITLE = 'Ünïcode "quoted" </script><b>x & \'apos\' back\\slash\nnext line\u2028end';
    const wheel = (await adminApi("/api/v1/campaigns")).data.find((c) => c.name === "Holiday Wheel");
    const created = await adminApi("/api/v1/segments", { method: "POST", body: JSON.stringify({ title: TITLE, campaign_id: wheel.id }) });
    assert.equal(created.title, TITLE, "the server keeps the title as typed");
    await page.getByRole("navigation").getByRole("link", { name: "Embedding" }).click();
    await page.waitForURL(/\/admin\/integrations\/embedding$/);
    const picker = page.getByLabel("Segment", { exact: true });
    assert.equal(await picker.inputValue(), (await adminApi("/api/v1/segments")).data.find((s) => s.title === "Default Users").id);
    await picker.selectOption(created.id);
    await page.waitForURL((url) => url.searchParams.get("segment") === created.id);
    const call = await page.locator('[data-snippet="render-call"]').textContent();
    assert.ok(!/<\/script>.*<\/script>/s.test(call) && !call.includes("\n") && !call.includes("\u2028"), call);
    assert.match(await page.locator('[data-snippet="render-options"]').textContent(), /segment: "Ünïcode \\"quoted\\" \\u003c\/script\\u003e/);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy call" }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, call);
    await assertAccessible(page, "embedding with a segment chosen");

    // Pasted into a customer's page as it is, beside the script tag: it parses, and shows that segment.
    const tag = await page.locator('[data-snippet="script-tag"]').textContent();
    const host = await startHost({ "/": `<!doctype html><html><head>${tag}</head><body><h1 id="before">Shop</h1>${copied}<p id="after">After the call</p></body></html>` });
    const visitor = await openPage(browser, `${host.url}/`);
    try {
      await visitor.page.locator("adact-campaign").waitFor({ state: "attached" });
      await visitor.page.locator("adact-campaign .title").waitFor();
      assert.equal(await visitor.page.locator("adact-campaign .title").textContent(), wheel.definition.texts.title);
      assert.equal(await visitor.page.locator("#after").textContent(), "After the call", "the page after the snippet is intact");
      assert.equal(await visitor.page.locator("body b").count(), 0, "nothing of the title became markup");
      assert.deepEqual(visitor.errors, []);
      assert.deepEqual(visitor.warnings(), []);
    } finally {
      await visitor.context.close();
      await host.stop();
    }
  });

  test("allowed domains: add with the server's error by the field, the demo page refused, remove back to any website", async () => {
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "Embedding" }).click();
    await page.waitForURL(/\/admin\/integrations\/embedding$/);
    const card = page.locator('section[aria-labelledby="domains-title"]');
    await card.getByText("Any website", { exact: true }).waitFor();
    const input = card.getByLabel("Add a domain");
    await input.fill("not a domain");
    await card.getByRole("button", { name: "Add domain" }).click();
    const error = card.locator('[data-field="domains"] .field-error');
    await error.waitFor();
    assert.equal(await error.textContent(), '"not a domain" is not a valid domain');
    assert.equal(await input.inputValue(), "not a domain");
    assert.equal(await input.getAttribute("aria-invalid"), "true");

    await input.fill("https://Shop.Example.com/");
    await card.getByRole("button", { name: "Add domain" }).click();
    await card.locator('li[data-domain="https://shop.example.com"]').waitFor();
    await input.fill("*.example.org");
    await input.press("Enter");
    await card.locator('li[data-domain="*.example.org"]').waitFor();
    assert.deepEqual((await adminApi("/api/v1/account/allowed-domains")).domains, ["https://shop.example.com", "*.example.org"]);
    assert.equal(await input.inputValue(), "");
    await assertAccessible(page, "allowed domains");
    await screenshots(page, "embedding-domains");

    // This server's demo page is not listed: the embed is refused there.
    const demo = await openPage(browser);
    const warned = demo.page.waitForEvent("console", (m) => m.type() === "warning");
    await demo.page.goto(`${adact.url}/`);
    assert.match((await warned).text(), /^Adact: .*not in the account's allowed domains/);
    // Nothing drawn: the box, in view with the page under it, stays empty
    // so that the page does not jump (docs/embedding.md).
    assert.equal(await demo.page.locator("adact-campaign[data-campaign]").count(), 0);
    await demo.page.waitForFunction(() => !document.querySelector("adact-campaign")?.shadowRoot?.querySelector(".s"));
    await demo.context.close();

    await card.getByRole("button", { name: "Remove https://shop.example.com" }).click();
    await card.locator('li[data-domain="https://shop.example.com"]').waitFor({ state: "detached" });
    await card.getByRole("button", { name: "Remove *.example.org" }).click();
    await page.getByRole("dialog", { name: "Let every website show your campaigns?" }).getByRole("button", { name: "Remove and allow all" }).click();
    await card.getByText("Any website", { exact: true }).waitFor();
    assert.deepEqual((await adminApi("/api/v1/account/allowed-domains")).domains, []);
    assert.deepEqual(session.errors, []);
  });

  test("players & limits: reveal, copy and rotate the identity secret, require it, and set rate limits", async () => {
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "Players & limits" }).click();
    await page.waitForURL(/\/admin\/integrations\/players$/);
    const identity = await adminApi("/api/v1/account/identity");
    const secret = page.getByRole("group", { name: "Identity secret" });
    assert.match(await secret.locator(".secret-value").textContent(), /^ids_•+$/);
    await secret.getByRole("button", { name: "Reveal" }).click();
    assert.equal(await secret.locator(".secret-value").textContent(), identity.secret);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await secret.getByRole("button", { name: "Copy" }).click();
    await page.getByText("Identity secret copied to the clipboard").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), identity.secret);

    await secret.getByRole("button", { name: "Rotate…" }).click();
    await page.getByRole("dialog", { name: "Rotate the identity secret?" }).getByRole("button", { name: "Rotate secret" }).click();
    await page.getByText("The previous secret still verifies tokens until").waitFor();
    const rotated = await adminApi("/api/v1/account/identity");
    assert.notEqual(rotated.secret, identity.secret);
    assert.equal(await secret.locator(".secret-value").textContent(), rotated.secret);

    await page.getByRole("switch", { name: "Require signed identity" }).check();
    await page.getByText("Only signed-in players can play now.").waitFor();
    assert.equal((await adminApi("/api/v1/account/identity")).require_signed_identity, true);
    await page.getByRole("switch", { name: "Require signed identity" }).uncheck();
    await page.getByText("Anonymous visitors can play again.").waitFor();
    assert.equal((await adminApi("/api/v1/account/identity")).require_signed_identity, false);

    // Rate limits: the server's error by its field, then saved and restored.
    const limits = page.locator('form[aria-label="Rate limits"]');
    await limits.getByLabel("Game steps per address").fill("0");
    await limits.getByRole("button", { name: "Save limits" }).click();
    const error = limits.locator('[data-field="steps_per_ip"] .field-error');
    await error.waitFor();
    assert.match(await error.textContent(), /1 to 1,000,000/);
    await limits.getByLabel("Game steps per address").fill("600");
    await limits.getByRole("button", { name: "Save limits" }).click();
    // The limits were custom already (lifted for these tests): the notice,
    // not the badge, says the save is done.
    await page.getByRole("status").getByText("Rate limits saved.").waitFor();
    await limits.getByText("Custom", { exact: true }).waitFor();
    assert.equal((await adminApi("/api/v1/account/rate-limits")).limits.steps_per_ip, 600);
    await assertAccessible(page, "players & limits");
    await screenshots(page, "players");
    await limits.getByRole("button", { name: "Restore defaults" }).click();
    await limits.getByText("Defaults", { exact: true }).waitFor();
    const restored = await adminApi("/api/v1/account/rate-limits");
    assert.deepEqual(restored.limits, restored.defaults);
    assert.equal(await limits.getByLabel("Game steps per address").inputValue(), String(restored.defaults.steps_per_ip));
    assert.deepEqual(session.errors, []);
  });
});

describe("players", () => {
  test("players: a search, a player's plays, the CSV export, their data, and erasure", async () => {
    const { page } = await signedIn();
    await playThrough("Default Users", "lead-ada");
    await playThrough("Default Users", "lead-bob");
    await page.getByRole("navigation").getByRole("link", { name: "Players", exact: true }).click();
    await page.locator("main h1", { hasText: "Players" }).waitFor();
    await page.getByLabel("Search").fill("LEAD-");
    await page.waitForURL(/[?&]q=LEAD-/);
    const rows = page.locator("tr[data-player]");
    await page.waitForFunction(() => [...document.querySelectorAll("tr[data-player]")].every((r) => r.textContent.includes("lead-")));
    assert.equal(await rows.count(), 2);
    // Newest first.
    assert.match(await rows.first().textContent(), /lead-bob@example\.com/);

    // The export of what is shown: a CSV with its byte-order mark, a row per play.
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    assert.match(csv.suggestedFilename(), /^players-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await new Promise((resolve, reject) => {
      csv.createReadStream().then((stream) => {
        let data = "";
        stream.setEncoding("utf8").on("data", (c) => (data += c)).on("end", () => resolve(data)).on("error", reject);
      }, reject);
    });
    const lines = text.trim().split("\r\n").length > 1 ? text.trim().split("\r\n") : text.trim().split("\n");
    assert.ok(text.startsWith("\ufeffplay_id,"), text.slice(0, 40));
    assert.equal(lines.length, 3, text);
    assert.match(text, /lead-ada@example\.com/);

    // A player's panel: their answers and their play.
    await rows.filter({ hasText: "lead-ada@example.com" }).getByRole("link").click();
    const panel = page.getByRole("dialog");
    await panel.getByText("Plays (1)").waitFor();
    assert.match(await panel.textContent(), /Holiday Wheel/);
    assert.match(page.url(), /player=plr_/);
    for (const [width, height] of [[1280, 900], [390, 844]]) {
      await page.setViewportSize({ width, height });
      await assertAccessible(page, `the player panel at ${width} px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshots(page, "player", { fullPage: false });
    const [data] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Download data (JSON)" }).click()]);
    assert.match(data.suggestedFilename(), /^player-plr_.*\.json$/);

    // Erasure, confirmed: the row goes, and so does the player.
    const id = new URL(page.url()).searchParams.get("player");
    await panel.getByRole("button", { name: "Erase player" }).click();
    await page.getByRole("dialog", { name: "Erase this player?" }).getByRole("button", { name: "Erase player" }).click();
    await page.locator(".toast", { hasText: "Player erased." }).waitFor();
    await page.locator(`tr[data-player="${id}"]`).waitFor({ state: "detached" });
    assert.equal((await adminApi(`/api/v1/players/${id}`)).error.code, "player_not_found");
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForFunction(() => !location.search.includes("q="));

    // Retention: a number of days, then back to forever.
    await page.getByRole("navigation").getByRole("link", { name: "Players & limits" }).click();
    const days = page.getByLabel("Erase players after (days)");
    await days.fill("0");
    await page.getByRole("button", { name: "Save retention" }).click();
    await page.getByText("Enter a whole number of days").waitFor();
    await days.fill("90");
    await page.getByRole("button", { name: "Save retention" }).click();
    await page.locator(".toast", { hasText: "erased 90 days after" }).waitFor();
    assert.deepEqual(await adminApi("/api/v1/account/player-retention"), { days: 90 });
    await days.fill("");
    await page.getByRole("button", { name: "Save retention" }).click();
    await page.locator(".toast", { hasText: "kept until you erase them" }).waitFor();
    assert.deepEqual(await adminApi("/api/v1/account/player-retention"), { days: null });
  });
});

describe("the console as a whole", () => {
  test("notices: in the header's flow over no button, a success leaves by itself, an error stays until dismissed, none crosses pages", async () => {
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "Embedding" }).click();
    await page.waitForURL(/\/admin\/integrations\/embedding$/);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    const notices = page.locator(".toast");
    // In the header, under the top bar, pushing the page down: at the top of the page or scrolled.
    await assertNoticeCoversNothing(page, () => page.getByRole("button", { name: "Copy script tag" }).click(), "Script tag copied to the clipboard.");
    assert.equal(await notices.first().evaluate((t) => t.closest("header") !== null), true);
    await notices.first().getByRole("button", { name: "Dismiss notice" }).click();
    await notices.first().waitFor({ state: "detached" });
    await page.evaluate(() => window.scrollTo(0, 400));
    assert.ok(await page.evaluate(() => window.scrollY) >= 300, "scrolled");
    await assertNoticeCoversNothing(page, () => page.getByRole("button", { name: "Copy example" }).click(), "Example copied to the clipboard.");
    await page.evaluate(() => window.scrollTo(0, 0));
    // A success leaves after a few seconds.
    await notices.first().waitFor({ state: "detached", timeout: 10_000 });

    // An error stays (until dismissed), and a new page starts without it.
    await page.evaluate(() => import("/admin/ui.js").then((ui) => ui.toast("Something went wrong.", { kind: "error" })));
    const error = notices.filter({ hasText: "Something went wrong." });
    await error.waitFor();
    await page.waitForTimeout(6000);
    assert.equal(await error.count(), 1, "an error stays until dismissed");
    await error.getByRole("button", { name: "Dismiss notice" }).click();
    await error.waitFor({ state: "detached" });

    await page.evaluate(() => import("/admin/ui.js").then((ui) => ui.toast("Something else went wrong.", { kind: "error" })));
    await page.getByRole("button", { name: "Copy call" }).click();
    await notices.getByText("The renderAdact call copied to the clipboard.").waitFor();
    assert.equal(await notices.count(), 2);
    await assertAccessible(page, "notices");
    await page.getByRole("navigation").getByRole("link", { name: "Segments" }).click();
    await page.getByRole("heading", { name: "Segments", level: 1 }).waitFor();
    assert.equal(await notices.count(), 0, "notices stay with the page that raised them");
  });

  test("the sidebar stays in view while the page scrolls; on a phone a menu shows every page", async () => {
    // A history long enough to scroll.
    await webhooksOn();
    for (let i = 0; i < 30; i++) await sendTestEvent();
    const { page } = await signedIn();
    await page.getByRole("navigation").getByRole("link", { name: "Webhooks History" }).click();
    await page.waitForURL(/\/admin\/webhooks\/history$/);
    await page.locator("tbody tr[data-delivery]").first().waitFor();
    const nav = page.getByRole("navigation", { name: "Console" });
    const header = await page.locator("header").boundingBox();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    assert.ok(await page.evaluate(() => window.scrollY) > 400, "the page scrolled");
    const box = await nav.boundingBox();
    assert.equal(Math.round(box.y), Math.round(header.height), "the sidebar starts under the header, scrolled or not");
    assert.ok(await nav.getByRole("link", { name: "Players & limits" }).isVisible());
    await page.evaluate(() => window.scrollTo(0, 0));

    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const menu = page.getByRole("button", { name: "Menu" });
      assert.equal(await nav.isVisible(), false, "the menu is closed");
      assert.equal(await menu.getAttribute("aria-expanded"), "false");
      await menu.click();
      assert.equal(await menu.getAttribute("aria-expanded"), "true");
      const labels = ["All campaigns", "New campaign", "Webhooks", "Segments", "Webhooks History", "Embedding", "Players & limits"];
      for (const label of labels) {
        const link = nav.getByRole("link", { name: label, exact: true });
        const at = await link.boundingBox();
        assert.ok(at && at.x >= 0 && at.x + at.width <= 390 && at.y + at.height <= 844, `${label} is in view`);
      }
      assert.ok(await nav.getByRole("button", { name: "Sign out" }).isVisible());
      await assertAccessible(page, "the phone menu");
      await page.keyboard.press("Escape");
      assert.equal(await nav.isVisible(), false);
      assert.equal(await page.evaluate(() => document.activeElement.textContent), "Menu");
      await menu.click();
      await nav.getByRole("link", { name: "Embedding" }).click();
      await page.waitForURL(/\/admin\/integrations\/embedding$/);
      assert.equal(await nav.isVisible(), false, "the menu closes on the new page");
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), "nothing wider than the phone");
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  test("an edit someone else saved first: saving says so plainly, nothing is saved, and the current version loads into the form", async () => {
    await webhooksOn();
    const { page } = await signedIn();
    // A campaign changed through the API behind the console's back, after the editor loaded it.
    const created = await adminApi("/api/v1/campaigns", {
      method: "POST",
      body: JSON.stringify({
        name: "Autumn Wheel", kind: "wheel",
        definition: { texts: { title: "Spin for autumn" }, prizes: [{ name: "10% off", weight: 1, codes: { generate: { prefix: "AUT-" } } }] },
      }),
    });
    const campaignPath = `/api/v1/campaigns/${created.id}`;
    await page.goto(`${adact.url}/admin/campaigns/${created.id}`);
    const name = page.getByLabel("Campaign name");
    await name.waitFor();
    await adminApi(campaignPath, { method: "PATCH", body: JSON.stringify({ name: "Autumn Wheel (Ana's)" }) });
    await name.fill("Autumn Wheel 2026");
    await page.getByRole("button", { name: "Save changes" }).click();
    const conflict = page.locator("form .form-conflict");
    await conflict.getByText("Someone else changed this campaign").waitFor();
    assert.match(await conflict.textContent(), /Your changes were not saved/);
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains("form-conflict")), true);
    assert.equal((await adminApi(campaignPath)).name, "Autumn Wheel (Ana's)");
    assert.equal(await name.inputValue(), "Autumn Wheel 2026", "what was typed stays until the admin reloads");
    await assertAccessible(page, "a campaign saved elsewhere first");
    await screenshots(page, "campaign-conflict", { fullPage: false });

    await conflict.getByRole("button", { name: "Load the current version" }).click();
    await page.getByRole("heading", { name: "Autumn Wheel (Ana's)", level: 1 }).waitFor();
    assert.equal(await page.getByLabel("Campaign name").inputValue(), "Autumn Wheel (Ana's)");
    assert.equal(await page.locator(".form-conflict").count(), 0);
    await page.getByLabel("Campaign name").fill("Autumn Wheel 2026");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Campaign “Autumn Wheel 2026” saved.").waitFor();
    assert.equal((await adminApi(campaignPath)).name, "Autumn Wheel 2026");

    // The webhook settings open in two tabs: the other one saves first.
    const before = await adminApi("/api/v1/webhooks/settings");
    const other = await openPage(browser);
    await other.context.addInitScript((token) => sessionStorage.setItem("adact.adminToken", token), ADMIN_TOKEN);
    for (const tab of [page, other.page]) {
      await tab.goto(`${adact.url}/admin/webhooks`);
      await tab.getByRole("heading", { name: "Webhooks", exact: true }).waitFor();
    }
    await other.page.getByRole("checkbox", { name: /^All events/ }).uncheck();
    await other.page.getByRole("checkbox", { name: /^webhook\.test/ }).uncheck();
    await other.page.getByRole("button", { name: "Save settings" }).click();
    await other.page.getByRole("status").getByText("Webhook settings saved.").waitFor();
    const saved = await adminApi("/api/v1/webhooks/settings");
    assert.equal(saved.events.includes("webhook.test"), false);
    await other.context.close();

    const settingsForm = page.locator('form[aria-labelledby="settings-title"]');
    await page.getByRole("switch", { name: "Enable Webhooks" }).uncheck();
    await page.getByRole("button", { name: "Save settings" }).click();
    await settingsForm.locator(".form-conflict").getByText("Someone else changed the webhook settings").waitFor();
    assert.deepEqual(await adminApi("/api/v1/webhooks/settings"), saved, "nothing was saved");
    await screenshots(page, "webhooks-conflict", { fullPage: false });
    await settingsForm.getByRole("button", { name: "Load the current version" }).click();
    await page.getByRole("heading", { name: "Settings" }).and(page.locator(":focus")).waitFor();
    const reloaded = page.locator('form[aria-labelledby="settings-title"]');
    assert.equal(await reloaded.getByRole("checkbox", { name: /^All events/ }).isChecked(), false);
    assert.equal(await reloaded.getByRole("checkbox", { name: /^webhook\.test/ }).isChecked(), false);
    assert.equal(await reloaded.getByRole("switch", { name: "Enable Webhooks" }).isChecked(), before.enabled);
    assert.equal(await reloaded.locator(".form-conflict").count(), 0);
    // Saved over the version loaded, it goes through.
    await reloaded.getByRole("checkbox", { name: /^All events/ }).check();
    await reloaded.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").getByText("Webhook settings saved.").waitFor();
    assert.deepEqual((await adminApi("/api/v1/webhooks/settings")).events, ["*"]);
    assert.deepEqual(session.errors, []);
  });

  test("every console page passes axe at 1280 and 390 px", async () => {
    // Pages with rows in them: a delivery, a play and its player.
    await webhooksOn();
    await sendTestEvent();
    await playThrough("Default Users", "axe-player");
    const { page } = await signedIn();
    const pages = ["/admin/campaigns", "/admin/campaigns/new", "/admin/segments", "/admin/webhooks",
      "/admin/webhooks/history", "/admin/integrations/embedding", "/admin/integrations/players", "/admin/players"];
    try {
      for (const [width, height] of [[1280, 900], [390, 844]]) {
        await page.setViewportSize({ width, height });
        for (const path of pages) {
          await page.goto(`${adact.url}${path}`);
          await page.locator("main h1").waitFor();
          await page.waitForLoadState("networkidle");
          assert.ok(await page.evaluate((w) => document.documentElement.scrollWidth <= w, width), `${path} fits ${width} px`);
          await assertAccessible(page, `${path} at ${width} px`);
        }
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    assert.deepEqual(session.errors, []);
  });
});
