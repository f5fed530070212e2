// Screenshots of every game kind as a visitor sees it, on a 360 px phone
// (touch) and at 1280 px: the intro, the game, and the end screen won and
// lost.
//   npm run screenshots:games [-- OUT_DIR]      (default docs/screenshots/games)
// Starts its own server (the debug binary, or ADACT_SERVER_BIN) on the demo
// data, copies each demo campaign into one that always wins and one that
// never does, and writes OUT_DIR/<kind>-<step>-<width>.png.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { EMBED_KEY, copyDemoCampaign, launchBrowser, root, startAdact, startHost } from "../tests/browser/harness.mjs";

const out = process.argv[2] ?? join(root, "docs", "screenshots", "games");
const KINDS = ["wheel", "scratch", "giftbox", "quiz"];
const VIEWPORTS = [
  { width: 360, context: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
  { width: 1280, context: { viewport: { width: 1280, height: 800 } } },
];
mkdirSync(out, { recursive: true });

const adact = await startAdact();
const { admin } = adact;

/** A shop's page with the campaign in its column, between other content. */
const page = (segment) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Northwind Outfitters</title>
<script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script>
<style>
  body { margin: 0; font: 16px/1.5 Georgia, serif; color: #2b2118; background: #f6f1ea; }
  header { padding: 14px 24px; background: #2b2118; color: #f6f1ea; font: 600 18px system-ui, sans-serif; }
  main { max-width: 1100px; margin: 0 auto; padding: 24px 16px; display: grid; gap: 32px; }
  @media (min-width: 900px) { main { grid-template-columns: 1fr 520px; align-items: start; } }
  h1 { margin: 0 0 8px; font-size: 30px; }
</style></head>
<body><header>Northwind Outfitters</header><main>
<section><h1>Winter sale</h1><p>Warm layers for cold days: wool, down and fleece, all 20% off this week.</p>
<p>Free returns within 30 days. Orders before 2 pm ship the same day.</p></section>
<aside><script>window.renderAdact({segment: ${JSON.stringify(segment)}});</script></aside>
</main></body></html>`;

const segments = {};
for (const kind of KINDS) segments[kind] = { win: await copyDemoCampaign(admin, kind, true), lose: await copyDemoCampaign(admin, kind, false) };
const pages = {};
for (const kind of KINDS) {
  pages[`/${kind}-win`] = page(segments[kind].win);
  pages[`/${kind}-lose`] = page(segments[kind].lose);
}
const host = await startHost(pages);
const browser = await launchBrowser();

const shadow = (page, selector) => page.locator("adact-campaign").locator(selector);

/** Registers through the form, when the campaign shows one. */
async function register(page) {
  const form = shadow(page, "form");
  if (!(await form.count())) return;
  await form.locator("input[type=email]").fill("ada@example.com");
  const name = form.locator("input[autocomplete=given-name], input[name=name]");
  if (await name.count()) await name.first().fill("Ada");
  const consent = form.locator("input[type=checkbox]");
  if (await consent.count()) await consent.check();
  await form.locator("button[type=submit]").click();
}

/** Plays `kind` once it has started, to the end screen; `game` is called while the game is on screen. */
async function play(page, kind, outcome, game) {
  await shadow(page, ".card[data-step=play], .card[data-step=end]").first().waitFor();
  if (kind === "wheel") {
    // The form's button spins it: shown mid-spin.
    await page.waitForTimeout(1200);
    await game();
  } else if (kind === "scratch") {
    const canvas = shadow(page, ".scratch canvas");
    await shadow(page, ".scratch-stage button:not([disabled])").waitFor();
    const box = await canvas.boundingBox();
    for (let row = 0; row < 8; row++) {
      if (await shadow(page, ".card[data-step=end]").count()) break;
      const y = box.y + (box.height * (row + 0.5)) / 8;
      await page.mouse.move(box.x + 6, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * (row < 2 ? 0.55 : 0.98), y, { steps: 10 });
      await page.mouse.up();
      if (row === 1) await game();
    }
  } else if (kind === "giftbox") {
    await shadow(page, ".gift").first().waitFor();
    await page.waitForTimeout(300);
    await game();
    await shadow(page, ".gift").nth(1).click();
  } else if (kind === "quiz") {
    // The demo quiz's right answers are 1 and 0; the losing copy answers wrong.
    for (const [q, right] of [[0, 1], [1, 0]]) {
      await shadow(page, ".progress").filter({ hasText: `${q + 1} of 2` }).first().waitFor();
      if (q === 0) await game();
      await shadow(page, ".answer:visible").nth(outcome === "win" ? right : (right + 1) % 3).click();
    }
  }
  await shadow(page, ".card[data-step=end]").waitFor({ timeout: 20_000 });
  // Let the end screen's entrance, the confetti and the game's last motion settle.
  await page.waitForTimeout(2500);
}

try {
  for (const kind of KINDS) {
    for (const { width, context: options } of VIEWPORTS) {
      for (const outcome of ["win", "lose"]) {
        const context = await browser.newContext(options);
        const page = await context.newPage();
        page.on("pageerror", (error) => console.error(`${kind} ${width}: ${error}`));
        await page.goto(`${host.url}/${kind}-${outcome}`);
        await page.locator("adact-campaign[data-campaign]").waitFor();
        await page.waitForTimeout(400);
        const shot = async (step) => {
          const path = join(out, `${kind}-${step}-${width}.png`);
          await page.screenshot({ path, fullPage: true });
          console.log(`wrote ${path}`);
        };
        if (outcome === "win") await shot("intro");
        await shadow(page, ".actions button.play").click();
        await register(page);
        await play(page, kind, outcome, async () => {
          if (outcome === "win") await shot("game");
        });
        await shot(outcome === "win" ? "end-win" : "end-no-prize");
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  await host.stop();
  await adact.stop();
}
