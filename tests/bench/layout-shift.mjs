// Bench (not a test): how much the embed moves the host page, as Chromium's
// Cumulative Layout Shift counts it. For every kind (wheel, scratch card,
// gift box, quiz), on a phone (360×740, touch, mobile emulation) and a
// desktop (1280×800), playing once to a win and once to no prize, on a host
// page with content above and below the call site: the sum of the
// `layout-shift` entries without `hadRecentInput`, from navigation to one
// second after the end screen shows. Also the host element's height at the
// intro and at the end. And the tallest card: the wheel with a logo that
// loads 1.5 s late, a long description and a form of six fields. Budget:
// 0.01 per kind and viewport.
//
//   ADACT_SERVER_BIN=$CARGO_TARGET_DIR/debug/adact-server npm run bench:cls
//   SHOTS=/tmp/cls: also saves a screenshot of the intro, the form and the
//   end screen of each run there.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { EMBED_KEY, copyDemoCampaign, launchBrowser, startAdact, startHost, tallCard } from "../browser/harness.mjs";

const KINDS = ["wheel", "scratch", "giftbox", "quiz"];
const VIEWPORTS = {
  phone: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 800 } },
};
const shots = process.env.SHOTS;
if (shots) mkdirSync(shots, { recursive: true });

const adact = await startAdact();
const { admin } = adact;

const filler = (n) =>
  Array.from({ length: n }, (_, i) => `<p>Paragraph ${i + 1} of the shop's page: our winter range is knitted from merino
    wool and recycled fibres, and ships within two days to most of Europe.</p>`).join("");
const page = (segment) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
  <style>body { margin: 0; font: 16px/1.5 Georgia, serif; } main { max-width: 720px; margin: 0 auto; padding: 16px; }
  header { height: 64px; background: #eee; }</style>
  <script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script></head>
  <body><header></header><main><h1>Winter sale</h1>${filler(2)}
  <script>window.renderAdact({segment: ${JSON.stringify(segment)}});</script>
  ${filler(6)}<footer id="below">The end of the page.</footer></main></body></html>`;

const pages = {};
const host = await startHost(pages);
for (const kind of KINDS) {
  for (const win of [true, false]) {
    pages[`/${kind}-${win ? "win" : "lose"}`] = page(await copyDemoCampaign(admin, kind, win));
  }
}
// The tallest card: its logo loads 1.5 s late.
const TALL = tallCard(pages, host.url, { logoDelay: 1500 });
for (const win of [true, false]) pages[`/tall-${win ? "win" : "lose"}`] = page(await copyDemoCampaign(admin, "wheel", win, TALL));
const browser = await launchBrowser();

/** Records layout shifts from the start of navigation. */
const OBSERVE = () => {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__shifts.push({ value: e.value, input: e.hadRecentInput, at: e.startTime });
  }).observe({ type: "layout-shift", buffered: true });
};

async function run(slug, kind, win, viewportName) {
  const context = await browser.newContext(VIEWPORTS[viewportName]);
  const p = await context.newPage();
  await p.addInitScript(OBSERVE);
  const name = `${slug}-${win ? "win" : "lose"}`;
  const shot = async (step) => shots && p.screenshot({ path: join(shots, `${name}-${viewportName}-${step}.png`), fullPage: false });
  const touch = viewportName === "phone";
  const press = async (locator) => (touch ? locator.tap() : locator.click());
  await p.goto(`${host.url}/${name}`);
  const c = p.locator("adact-campaign");
  // The intro's play button: in its row under the game, or (the earlier
  // embed) alone on the stage.
  const play = c.locator(".actions button.play, .stage > button.play");
  await play.waitFor();
  await c.evaluate((e) => e.scrollIntoView({ block: "center" }));
  await p.waitForTimeout(300);
  const introHeight = await c.evaluate((e) => e.getBoundingClientRect().height);
  await shot("intro");
  await press(play);
  await c.locator("input[type=email]").waitFor();
  await shot("form");
  await c.locator("input[type=email]").fill("ada@example.com");
  await press(c.locator("input[type=checkbox]"));
  await press(c.locator("button[type=submit]"));
  if (kind === "wheel") {
    // The earlier embed asked for a second click on its own spin button.
    const spin = c.locator(".wheel-stage button.play");
    if (await spin.count()) await press(spin);
  } else if (kind === "scratch") {
    const reveal = c.locator(".scratch-stage button:not([disabled])");
    await reveal.waitFor();
    await press(reveal);
  } else if (kind === "giftbox") {
    await p.waitForFunction(() => {
      const gift = document.querySelector("adact-campaign").shadowRoot.querySelector(".gift");
      return gift && !gift.closest("[inert]");
    });
    await press(c.locator(".gift").nth(1));
  } else if (kind === "quiz") {
    for (const [q, answer] of [[1, win ? 1 : 0], [2, win ? 0 : 1]]) {
      await c.getByText(`Question ${q} of 2`).waitFor();
      await p.waitForFunction(() => !document.querySelector("adact-campaign").shadowRoot.querySelector(".quiz")?.closest("[inert]"));
      await press(c.locator(".answer:visible").nth(answer));
    }
  }
  await c.locator(".end").waitFor({ timeout: 20_000 });
  await p.waitForTimeout(1000);
  const endHeight = await c.evaluate((e) => e.getBoundingClientRect().height);
  await shot("end");
  const shifts = await p.evaluate(() => window.__shifts);
  await context.close();
  const cls = shifts.filter((s) => !s.input).reduce((sum, s) => sum + s.value, 0);
  return { cls, introHeight, endHeight };
}

const rows = [];
for (const [slug, kind] of [...KINDS.map((k) => [k, k]), ["tall", "wheel"]]) {
  for (const viewportName of Object.keys(VIEWPORTS)) {
    const row = { kind: slug === kind ? kind : `${kind} (${TALL.name})`, viewport: viewportName };
    for (const win of [true, false]) {
      const r = await run(slug, kind, win, viewportName);
      row[win ? "win" : "no prize"] = r.cls.toFixed(3);
      row[win ? "height (intro→end, win)" : "height (intro→end, no prize)"] = `${Math.round(r.introHeight)}→${Math.round(r.endHeight)}`;
    }
    row.budget = Math.max(Number(row.win), Number(row["no prize"])) <= 0.01 ? "ok" : "over";
    rows.push(row);
    process.stderr.write(`${row.kind} ${viewportName}: ${row.win} / ${row["no prize"]}\n`);
  }
}
console.table(rows);

await browser.close();
await host.stop();
await adact.stop();
