// Screenshots of every console page, to look at what an admin sees:
//   node scripts/console-screenshots.mjs OUT_DIR [WIDTH...]
// Starts its own server (the debug binary, or ADACT_SERVER_BIN) on the
// demo data, signs in, and writes OUT_DIR/<page>-<width>.png.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { ADMIN_TOKEN, launchBrowser, startAdact } from "../tests/browser/harness.mjs";

const [out = "/tmp/adact-console", ...widths] = process.argv.slice(2);
const pages = {
  campaigns: "/admin/campaigns",
  "campaign-new": "/admin/campaigns/new",
  segments: "/admin/segments",
  webhooks: "/admin/webhooks",
  history: "/admin/webhooks/history",
  embedding: "/admin/integrations/embedding",
};
mkdirSync(out, { recursive: true });
const adact = await startAdact();
const browser = await launchBrowser();
try {
  for (const width of widths.length ? widths.map(Number) : [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on("pageerror", (e) => console.log(`pageerror: ${e.message}`));
    await page.goto(`${adact.url}/admin/signin`);
    await page.evaluate((token) => sessionStorage.setItem("adact.adminToken", token), ADMIN_TOKEN);
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(adact.url + path);
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(300);
      const file = join(out, `${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${file}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await adact.stop();
}
