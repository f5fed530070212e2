// Takes a full-page screenshot in headless Chromium, to look at what a
// person sees: node scripts/screenshot.mjs URL OUT.png [WIDTH] [HEIGHT]
import { launchBrowser } from "../tests/browser/harness.mjs";

const [url, out, width = "1280", height = "900"] = process.argv.slice(2);
if (!url || !out) {
  console.error("usage: node scripts/screenshot.mjs URL OUT.png [WIDTH] [HEIGHT]");
  process.exit(2);
}
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
page.on("console", (m) => console.log(`console.${m.type()}: ${m.text()}`));
await page.goto(url);
await page.waitForSelector("adact-campaign[data-campaign]", { timeout: 5000 }).catch(() => {});
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`wrote ${out}`);
