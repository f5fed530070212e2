// The admin console as an admin uses it: sign in, set up webhooks against a
// real receiver, send a test event, find it in the history, resend it, and
// copy the embed script tag. Real server, real Chromium, axe on every page.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import { ADMIN_TOKEN, EMBED_KEY, launchBrowser, openPage, root, startAdact } from "./harness.mjs";

let adact;
let browser;
let receiver;
let session; // one signed-in page, walked from test to test
const received = [];

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

/** No axe violation of impact serious or critical on the page as it is now. */
async function assertAccessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.addScriptTag({ path: join(root, "node_modules", "axe-core", "axe.min.js") });
  }
  const { violations } = await page.evaluate(() => window.axe.run());
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(serious, [], `axe on ${what}`);
}

/** With ADACT_SCREENSHOTS=dir, a screenshot of the page at 1280x900 and 390x844. */
async function screenshots(page, name) {
  const dir = process.env.ADACT_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.evaluate(() => {
    for (const toast of document.querySelectorAll(".toast")) toast.remove();
    window.scrollTo(0, 0);
  });
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function adminApi(path, options = {}) {
  const res = await fetch(`${adact.url}${path}`, {
    ...options,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...options.headers },
  });
  return res.status === 204 ? null : res.json();
}

before(async () => {
  receiver = await startReceiver();
  adact = await startAdact({ args: ["--allow-private-endpoints"] });
  browser = await launchBrowser();
});

after(async () => {
  await session?.context.close();
  await browser?.close();
  await adact?.stop();
  await receiver?.stop();
});

describe("the admin console", () => {
  test("a wrong token is refused with a message; the admin token signs in", async () => {
    session = await openPage(browser, `${adact.url}/admin`);
    const { page } = session;
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
    await token.fill(ADMIN_TOKEN);
    await token.press("Enter");
    await page.waitForURL(/\/admin\/webhooks$/);
    const account = await adminApi("/api/v1/account");
    assert.equal((await page.locator(".account-name").textContent()).trim(), account.name);
    assert.equal(await page.evaluate(() => sessionStorage.getItem("adact.adminToken")), ADMIN_TOKEN);
    assert.deepEqual(session.errors, []);
  });

  test("a bad URL shows the server's error beside the URL field and keeps what was typed", async () => {
    const { page } = session;
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
    const { page } = session;
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
    assert.doesNotMatch(await secret.textContent(), new RegExp(settings.endpoint.secret.slice(6, 20)));
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
    const { page } = session;
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

  test("history: the test event, its request and response, a resend and its second attempt", async () => {
    const { page } = session;
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
    assert.doesNotMatch(page.url(), /delivery=/);
  });

  test("history filters live in the URL, survive a reload, and resend-failed answers", async () => {
    const { page } = session;
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
    const { page } = session;
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

  test("integrations: the script tag with the embed key, and the call, to copy", async () => {
    const { page } = session;
    await page.getByRole("link", { name: "Embedding" }).click();
    await page.waitForURL(/\/admin\/integrations\/embedding$/);
    const tag = await page.locator('[data-snippet="script-tag"]').textContent();
    assert.equal(tag, `<script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script>`);
    assert.match(await page.locator('[data-snippet="render-call"]').textContent(), /window\.renderAdact\(\{segment: 'Default Users'\}\)/);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy script tag" }).click();
    await page.getByText("copied to the clipboard").first().waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), tag);
    await assertAccessible(page, "embedding");
    await screenshots(page, "embedding");
  });

  test("an endpoint the server disabled (410 Gone) says why, in the list and in its form", async () => {
    const { page } = session;
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

  test("a deep link opens its page after sign-in, and a refused token returns to sign-in with a message", async () => {
    const { page } = session;
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
