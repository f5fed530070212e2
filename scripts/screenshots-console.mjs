// Screenshots of every console page at 1280 px and 390 px, as an admin sees
// them with some history behind them:
//   npm run screenshots:console [-- OUT_DIR]      (default docs/screenshots/console)
// Starts its own server (the debug binary, or ADACT_SERVER_BIN) on the demo
// data and a webhook receiver, plays each demo campaign a few times so the
// list has numbers and the history has deliveries, signs in and writes
// OUT_DIR/<page>-<width>.png with the Chromium the browser tests use.
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

import { ADMIN_TOKEN, EMBED_KEY, launchBrowser, root, startAdact } from "../tests/browser/harness.mjs";

const out = process.argv[2] ?? join(root, "docs", "screenshots", "console");
const WIDTHS = [[1280, 900], [390, 844]];
mkdirSync(out, { recursive: true });

// A receiver that answers like a customer's endpoint.
const receiver = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true }));
  });
});
await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const hooks = `http://127.0.0.1:${receiver.address().port}/adact/webhooks`;

const adact = await startAdact({ args: ["--allow-private-endpoints"] });
const { admin } = adact;
const visit = async (path, body) => {
  const res = await fetch(`${adact.url}${path}?key=${EMBED_KEY}`, {
    method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: JSON.stringify(body),
  });
  return res.json();
};

/** A visitor plays `segment` to the end screen. */
async function play(segment, player) {
  const render = await visit("/api/v1/embed/render", { segment, user: { id: player } });
  const { id, token } = render.session ?? {};
  if (!id || render.notice) return;
  await visit(`/api/v1/embed/sessions/${id}/register`, {
    token, fields: { name: "Ada", email: `${player}@example.com` }, consent: true,
  });
  const answers = (render.campaign.questions ?? []).map(() => 0);
  await visit(`/api/v1/embed/sessions/${id}/play`, { token, answers });
  await visit(`/api/v1/embed/sessions/${id}/finish`, { token });
}

try {
  await admin("PUT", "/api/v1/webhooks/settings", { enabled: true, url: hooks, events: ["*"] });
  const segments = (await admin("GET", "/api/v1/segments")).data;
  let n = 0;
  for (const [segment, times] of [["Default Users", 4], ["Scratch Card", 3], ["Gift Box", 2], ["Quiz", 2]]) {
    if (!segments.some((s) => s.title === segment)) continue;
    for (let i = 0; i < times; i++) await play(segment, `shopper-${++n}`);
  }
  await admin("POST", "/api/v1/webhooks/test", {});
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the deliveries land
  const delivery = (await admin("GET", "/api/v1/webhooks/deliveries?limit=50")).data.find((d) => d.campaign);
  const campaign = (await admin("GET", "/api/v1/campaigns")).data[0];
  const player = (await admin("GET", "/api/v1/players?limit=1")).data[0];

  const pages = [
    ["signin", "/admin/signin", { signedOut: true }],
    ["campaigns", "/admin/campaigns"],
    // The editor in the window an admin sees (its save bar sticks to the window's foot).
    ["campaign-new", "/admin/campaigns/new", { viewport: true }],
    ["campaign-edit", `/admin/campaigns/${campaign.id}`, { viewport: true }],
    ["player-list", "/admin/players"],
    ["player", `/admin/players?player=${player?.id ?? ""}`, { viewport: true }],
    ["segments", "/admin/segments"],
    ["webhooks", "/admin/webhooks"],
    ["history", "/admin/webhooks/history"],
    ["history-delivery", `/admin/webhooks/history?delivery=${delivery?.id ?? ""}`, { viewport: true }],
    ["embedding", "/admin/integrations/embedding"],
    ["players", "/admin/integrations/players"],
    ["menu", "/admin/campaigns", { menu: true, viewport: true, widths: [390] }],
    ["notice", "/admin/integrations/embedding", { notice: true, viewport: true }],
  ];
  const browser = await launchBrowser();
  try {
    for (const [width, height] of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      page.on("pageerror", (e) => console.log(`pageerror: ${e.message}`));
      for (const [name, path, options = {}] of pages) {
        if (options.widths && !options.widths.includes(width)) continue;
        await page.goto(`${adact.url}/admin/signin`);
        await page.evaluate((token) => (token ? sessionStorage.setItem("adact.adminToken", token) : sessionStorage.clear()),
          options.signedOut ? null : ADMIN_TOKEN);
        await page.goto(adact.url + path);
        await page.waitForLoadState("networkidle");
        await page.locator("h1").first().waitFor();
        if (options.menu) await page.getByRole("button", { name: "Menu" }).click();
        if (options.notice) {
          await context.grantPermissions(["clipboard-read", "clipboard-write"]);
          await page.getByRole("button", { name: "Copy call" }).click();
        }
        if (path.includes("delivery=")) await page.getByRole("dialog").getByText("Attempt 1").waitFor();
        if (path.includes("player=")) await page.getByRole("dialog").getByText("Plays (").waitFor();
        if (path.includes("/campaigns/")) await page.waitForTimeout(1200); // the preview draws
        await page.waitForTimeout(300);
        const file = join(out, `${name}-${width}.png`);
        // A long page is shown down to 2400 px: enough to see how it goes on.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        await page.screenshot(options.viewport
          ? { path: file }
          : { path: file, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, 2400) } });
        console.log(`wrote ${file}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
} finally {
  await adact.stop();
  await new Promise((resolve) => receiver.close(resolve));
}
