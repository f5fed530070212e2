// Bench (not a test): the embed and the console on a phone's network, as
// Chrome's DevTools presets throttle it (CDP Network.emulateNetworkConditions,
// per request: Slow 4G 562.5 ms, 1.44 Mbit/s down, 675 kbit/s up; Fast 4G
// 165 ms, 9 Mbit/s down, 1.5 Mbit/s up), cold (HTTP cache off, a new browser
// context per run), median of RUNS (5). Measured from navigation start, in
// the page:
//   - card: the campaign drawn (its host has data-campaign) and painted (the
//     next frame), on a shop page of another origin with the snippet in
//     <head> (the async stub and tag, or, with SNIPPET=sync, a plain tag);
//   - first paint (first-contentful-paint) of that page, and of the same
//     page without Adact;
//   - console: the campaign list's rows painted, signed in, at /admin/;
//   - layout shift (CLS) of every not-rendered case (unknown segment, wrong
//     key, draft campaign), first and later view, at 360 and 1280 px: the
//     largest over the runs;
//   - what embed.js and the wasm weigh on the wire (encoded body bytes, as
//     served with brotli);
//   - tap to motion, per game (the page loaded, the form filled): from the
//     player's click (the event's time) to the first frame that shows the
//     game moving: the wheel turned off its rest, the scratch card live
//     under the pointer, the box picked tilted.
//
//   ADACT_SERVER_BIN=$CARGO_TARGET_DIR/debug/adact-server npm run bench:network
//   RUNS=3 NETWORKS=slow ... for a quicker look; ADACT_WWW_DIR=... serves
//   another build's www (e.g. an older embed and console to compare).
import { readFileSync } from "node:fs";
import { join } from "node:path";

import {
  ADMIN_TOKEN, EMBED_KEY, copyDemoCampaign, launchBrowser, root, startAdact, startHost,
} from "../browser/harness.mjs";

const RUNS = Number(process.env.RUNS || 5);
const NETWORKS = {
  slow: { latency: 562.5, downloadThroughput: 1_440_000 / 8, uploadThroughput: 675_000 / 8 },
  fast: { latency: 165, downloadThroughput: 9_000_000 / 8, uploadThroughput: 1_500_000 / 8 },
};
const chosen = (process.env.NETWORKS || "slow,fast").split(",");
const sync = process.env.SNIPPET === "sync";
const STUB = readFileSync(join(root, "embed", "js", "stub.js"), "utf8").trim();

const adact = await startAdact();
const { admin } = adact;
// A draft campaign behind a segment of its own.
const draftSegment = await copyDemoCampaign(admin, "wheel", true, { name: "draft", change() {} });
const draftId = (await admin("GET", "/api/v1/segments?limit=100")).data.find((s) => s.title === draftSegment).campaign_id;
await admin("PATCH", `/api/v1/campaigns/${draftId}`, { status: "draft" });
const GAMES = ["wheel", "scratch", "giftbox"];
const gameSegments = {};
for (const kind of GAMES) gameSegments[kind] = await copyDemoCampaign(admin, kind, true);

const snippet = (key) => sync
  ? `<script src="${adact.url}/embed.js?key=${key}"></script>`
  : `<link rel="preload" href="${adact.url}/embed.wasm" as="fetch" crossorigin>
    <script>${STUB}</script><script async src="${adact.url}/embed.js?key=${key}"></script>`;
const filler = (n) => Array.from({ length: n }, (_, i) => `<p>Paragraph ${i + 1} of the shop's page: our winter range is knitted from merino
  wool and recycled fibres, and ships within two days to most of Europe.</p>`).join("");
const shop = (head, call) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>${head}
  <style>body { margin: 0; font: 16px/1.5 Georgia, serif; } main { max-width: 720px; margin: 0 auto; padding: 16px; }
  header { height: 64px; background: #eee; }</style></head>
  <body><header></header><main><h1>Winter sale</h1>${filler(2)}${call}${filler(12)}<footer>The end.</footer></main></body></html>`;
const call = (segment) => `<script>window.renderAdact({segment: ${JSON.stringify(segment)}});</script>`;
const pages = {
  "/none": shop("", ""),
  "/card": shop(snippet(EMBED_KEY), call("Default Users")),
  "/unknown": shop(snippet(EMBED_KEY), call("Nobody")),
  "/wrong-key": shop(snippet("pk_not_this_account_0123456789"), call("Default Users")),
  "/draft": shop(snippet(EMBED_KEY), call(draftSegment)),
};
for (const kind of GAMES) pages[`/${kind}`] = shop(snippet(EMBED_KEY), call(gameSegments[kind]));
const host = await startHost(pages);
const browser = await launchBrowser();

// In the page from the start: the time the card was painted, and shifts.
const OBSERVE = () => {
  window.__shifts = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts += e.value;
  }).observe({ type: "layout-shift", buffered: true });
  const watch = () => {
    if (document.querySelector("adact-campaign[data-campaign], table.table-campaigns tbody tr")) {
      requestAnimationFrame(() => { window.__drawn = performance.now(); });
    } else requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
};

/** A new page in `context` (else a new one), throttled; `cold`: no HTTP cache. */
async function open(network, { viewport = { width: 1280, height: 800 }, context = null, cold = true, init = null } = {}) {
  const ctx = context ?? (await browser.newContext({ viewport }));
  if (init) await ctx.addInitScript(init.fn, init.arg);
  const page = await ctx.newPage();
  await page.addInitScript(OBSERVE);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: cold });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, ...NETWORKS[network] });
  const sizes = {};
  const urls = {};
  cdp.on("Network.responseReceived", (e) => { urls[e.requestId] = e.response.url; });
  cdp.on("Network.dataReceived", (e) => { sizes[e.requestId] = (sizes[e.requestId] ?? 0) + e.encodedDataLength; });
  const weight = (pattern) => Object.entries(urls).filter(([, u]) => pattern.test(u)).reduce((t, [id]) => t + (sizes[id] ?? 0), 0);
  return { ctx, page, weight };
}

const fcp = (page) => page.evaluate(() => new Promise((resolve) => {
  const read = () => {
    const entry = performance.getEntriesByName("first-contentful-paint")[0];
    if (entry) resolve(entry.startTime);
    else setTimeout(read, 20);
  };
  read();
}));
const drawn = (page) => page.waitForFunction(() => window.__drawn, null, { timeout: 60_000 }).then((h) => h.jsonValue());

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const rows = [];
for (const network of chosen) {
  const card = [];
  const paintWith = [];
  const paintWithout = [];
  const consoleList = [];
  let embedBytes = 0;
  let wasmBytes = 0;
  for (let run = 0; run < RUNS; run++) {
    {
      const { ctx, page, weight } = await open(network);
      await page.goto(`${host.url}/card`);
      paintWith.push(await fcp(page));
      card.push(await drawn(page));
      await page.waitForTimeout(200);
      embedBytes = weight(/\/embed\.js/);
      wasmBytes = weight(/\.wasm$/);
      await ctx.close();
    }
    {
      const { ctx, page } = await open(network);
      await page.goto(`${host.url}/none`);
      paintWithout.push(await fcp(page));
      await ctx.close();
    }
    {
      const signIn = { fn: (token) => sessionStorage.setItem("adact.adminToken", token), arg: ADMIN_TOKEN };
      const { ctx, page } = await open(network, { init: signIn });
      await page.goto(`${adact.url}/admin/`);
      consoleList.push(await drawn(page));
      await ctx.close();
    }
    process.stderr.write(`${network} run ${run + 1}: card ${card.at(-1).toFixed(0)} ms, first paint ${paintWith.at(-1).toFixed(0)} / ${paintWithout.at(-1).toFixed(0)} ms, console ${consoleList.at(-1).toFixed(0)} ms\n`);
  }
  rows.push({
    network,
    snippet: sync ? "sync tag" : "async stub",
    "card painted (ms)": Math.round(median(card)),
    "first paint with / without Adact (ms)": `${Math.round(median(paintWith))} / ${Math.round(median(paintWithout))}`,
    "console list (ms)": Math.round(median(consoleList)),
    "embed.js + wasm on the wire (KB)": `${(embedBytes / 1024).toFixed(1)} + ${(wasmBytes / 1024).toFixed(1)} = ${((embedBytes + wasmBytes) / 1024).toFixed(1)}`,
  });
}
console.table(rows);

// Layout shift where nothing renders: the first view, then a later one in
// the same context (the answer remembered), at both widths; Slow 4G.
const shifts = [];
for (const [width, height] of [[360, 740], [1280, 800]]) {
  for (const path of ["/unknown", "/wrong-key", "/draft"]) {
    let worst = { first: 0, later: 0 };
    for (let run = 0; run < Math.min(RUNS, 3); run++) {
      const ctx = await browser.newContext({ viewport: { width, height } });
      for (const view of ["first", "later"]) {
        const { page } = await open(chosen[0], { context: ctx, cold: false });
        await page.goto(`${host.url}${path}`);
        await page.waitForFunction(() => window.renderAdact && window.renderAdact.adact, null, { timeout: 60_000 });
        await page.waitForFunction(() => !document.querySelector("adact-campaign")?.shadowRoot?.querySelector(".s"), null, { timeout: 60_000 });
        await page.waitForTimeout(1000);
        worst[view] = Math.max(worst[view], await page.evaluate(() => window.__shifts));
        await page.close();
      }
      await ctx.close();
    }
    shifts.push({ case: path.slice(1), width, "CLS first view": worst.first.toFixed(3), "CLS later view": worst.later.toFixed(3) });
  }
}
console.table(shifts);

// Tap to motion: the click that starts the motion (the form's Continue for
// the wheel and the scratch card, a box for the gift box), then frames
// until the game shows it moving.
const MOTION = (kind) => { window.__motion = new Promise((resolve) => {
  const root = document.querySelector("adact-campaign").shadowRoot;
  const target = kind === "giftbox" ? root.querySelectorAll(".gift")[1] : root.querySelector("button[type=submit]");
  const turned = (element) => {
    const m = element && new DOMMatrix(getComputedStyle(element).transform);
    return Boolean(m && (m.b !== 0 || m.f !== 0));
  };
  const moving = () => (kind === "wheel" ? turned(root.querySelector(".rotor"))
    : kind === "giftbox" ? turned(root.querySelector(".gift.chosen"))
      : Boolean(root.querySelector(".reveal.live")));
  target.addEventListener("click", (event) => {
    // Read in the frame that first draws the motion, as it is made.
    const frame = () => (moving() ? resolve(performance.now() - event.timeStamp) : requestAnimationFrame(frame));
    requestAnimationFrame(frame);
  }, { capture: true, once: true });
}); };
const taps = [];
for (const kind of GAMES) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const { ctx, page } = await open(chosen[0]);
    await page.goto(`${host.url}/${kind}`);
    const c = page.locator("adact-campaign");
    await c.locator(".actions button.play").click({ timeout: 60_000 });
    await c.locator("input[type=email]").fill("ada@example.com");
    await c.locator("input[type=checkbox]").check();
    await page.evaluate(MOTION, kind);
    await c.locator("button[type=submit]").click();
    if (kind === "giftbox") {
      await page.waitForFunction(() => !document.querySelector("adact-campaign").shadowRoot.querySelector(".game[inert]"));
      await c.locator(".gift").nth(1).click();
    }
    times.push(await page.evaluate(() => window.__motion));
    await ctx.close();
  }
  taps.push({ game: kind, network: chosen[0], "tap to motion (ms)": Math.round(median(times)), runs: times.map(Math.round).join(" ") });
}
console.table(taps);

await browser.close();
await host.stop();
await adact.stop();
