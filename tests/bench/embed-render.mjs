// Bench (not a test): time from a renderAdact() call to the campaign in the
// DOM, on localhost, once the script has loaded. Reports min, median, p95
// and max over many calls, measured inside the page with performance.now().
//
//   npm run bench:embed        (after npm run build and a server build)
//   ADACT_SERVER_BIN=target/release/adact-server npm run bench:embed
import { EMBED_KEY, launchBrowser, startAdact, startHost } from "../browser/harness.mjs";

const runs = Number(process.env.RUNS || 200);
const adact = await startAdact();
const host = await startHost({
  "/": `<!doctype html><html><head><script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script></head>
        <body><div id="slot"></div></body></html>`,
});
const browser = await launchBrowser();
const page = await browser.newPage();
await page.goto(`${host.url}/`);

const timings = await page.evaluate(async (runs) => {
  // Warm up: loads and compiles the wasm, opens the connection.
  (await renderAdact({ segment: "Default Users", container: "#slot" })).destroy();
  const out = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const campaign = await renderAdact({ segment: "Default Users", container: "#slot" });
    const end = performance.now();
    if (!document.querySelector("#slot adact-campaign").shadowRoot.querySelector(".title")) throw new Error("not rendered");
    out.push(end - start);
    campaign.destroy();
  }
  return out;
}, runs);

timings.sort((a, b) => a - b);
const at = (q) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))].toFixed(2);
console.log(
  `renderAdact -> campaign in DOM over ${runs} calls: min ${at(0)} ms, median ${at(0.5)} ms, ` +
    `p95 ${at(0.95)} ms, max ${at(1)} ms (budget 50 ms)`,
);
await browser.close();
await host.stop();
await adact.stop();
