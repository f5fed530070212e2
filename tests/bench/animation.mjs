// Bench (not a test): main-thread long tasks (over 50 ms) while each game
// animates, seen by a PerformanceObserver in the page. Reports, per kind,
// how many long tasks there were and the longest main-thread task.
//
//   npm run bench:animation     (after npm run build and a server build)
import { EMBED_KEY, launchBrowser, startAdact, startHost } from "../browser/harness.mjs";

const KINDS = { wheel: "Default Users", scratch: "Scratch Card", giftbox: "Gift Box", quiz: "Quiz" };
const adact = await startAdact();
const pages = {};
for (const [kind, segment] of Object.entries(KINDS)) {
  pages[`/${kind}`] = `<!doctype html><html><head><script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script>
    <script>
      window.longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(e.duration); })
        .observe({ type: "longtask" });
    </script></head>
    <body><script>renderAdact({segment: ${JSON.stringify(segment)}});</script></body></html>`;
}
const host = await startHost(pages);
const browser = await launchBrowser();
for (const kind of Object.keys(KINDS)) {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await page.goto(`${host.url}/${kind}`);
  const c = page.locator("adact-campaign");
  await c.locator(".actions button.play").click();
  await c.locator("input[type=email]").fill("bench@example.com");
  await c.locator("input[type=checkbox]").check();
  await c.locator("button[type=submit]").click();
  // Only what happens from here on, while the game plays and animates.
  await page.evaluate(() => (window.longTasks.length = 0));
  // Measure frames too: the longest gap between two animation frames.
  await page.evaluate(() => {
    window.maxFrameGap = 0;
    let last = performance.now();
    const tick = (now) => { window.maxFrameGap = Math.max(window.maxFrameGap, now - last); last = now; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  // The form's button starts the game: the wheel spins at once.
  if (kind === "scratch") {
    const canvas = c.locator(".scratch canvas");
    await c.locator(".scratch-stage button:not([disabled])").waitFor();
    const box = await canvas.boundingBox();
    for (let row = 0; row < 6; row++) {
      const y = box.y + (box.height * (row + 0.5)) / 6;
      await page.mouse.move(box.x + 4, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 4, y, { steps: 20 });
      await page.mouse.up();
      if (await canvas.evaluate((e) => e.classList.contains("gone"))) break;
    }
  }
  if (kind === "giftbox") await c.locator(".gift").first().click();
  if (kind === "quiz") {
    await c.locator(".answer:visible").first().click();
    await c.locator(".progress:visible", { hasText: "Question 2" }).waitFor();
    await c.locator(".answer:visible").first().click();
  }
  await c.locator(".end").waitFor({ timeout: 15_000 });
  const { tasks, gap } = await page.evaluate(() => ({ tasks: window.longTasks, gap: window.maxFrameGap }));
  console.log(
    `${kind.padEnd(8)} long tasks (>50 ms): ${tasks.length}${tasks.length ? ` (longest ${Math.max(...tasks).toFixed(0)} ms)` : ""}; ` +
      `longest gap between frames ${gap.toFixed(0)} ms`,
  );
  await page.close();
}
await browser.close();
await host.stop();
await adact.stop();
