// Bench (not a test): the render, the request every page view of every
// customer makes, against /healthz on the same release server in the same
// run; then the render's latency at a steady open-loop rate; then how
// many rows the renders left in `plays` (the budget: none), and the views
// they counted (in memory, written every second here: one row per
// campaign and hour, whatever the number of renders).
//
//   ADACT_SERVER_BIN=$CARGO_TARGET_DIR/release/adact-server npm run bench:render
//   SECONDS=10 RATE=2000 (defaults); needs wrk (apt-get install wrk)
//
// wrk: 2 threads, 64 connections, each request a new visitor from its own
// address (X-Forwarded-For; the server trusts 127.0.0.1 as a proxy), so
// the rate limits run as in production; then the same with a fresh
// anonymous id each (a returning anonymous visitor: the play-limit lookup).
import { execFileSync } from "node:child_process";
import http from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { EMBED_KEY, startAdact } from "../browser/harness.mjs";

const seconds = Number(process.env.SECONDS || 10);
const rate = Number(process.env.RATE || 2000);
const here = dirname(fileURLToPath(import.meta.url));
const adact = await startAdact({ args: ["--trusted-proxies", "127.0.0.1", "--stats-flush-interval", "1s"], rateLimits: null });
let rendered = 0; // renders answered 200, as the clients saw them

function wrk(path, script, env = {}) {
  const args = ["-t2", "-c64", `-d${seconds}s`, "--latency"];
  if (script) args.push("-s", join(here, script));
  const out = execFileSync("wrk", [...args, `${adact.url}${path}`], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  const perSecond = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const p99 = out.match(/99%\s+(\S+)/)[1];
  const non2xx = Number(out.match(/non-2xx: (\d+)/)?.[1] ?? out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  if (script) rendered += Number(out.match(/(\d+) requests in/)[1]) - non2xx;
  return { perSecond, p99, non2xx };
}

// Warm up, then alternate so both see the same machine.
wrk("/healthz");
const health = [wrk("/healthz"), wrk("/healthz")];
const path = `/api/v1/embed/render?key=${EMBED_KEY}`;
const renders = [wrk(path, "render.lua"), wrk(path, "render.lua")];
const returning = [wrk(path, "render.lua", { RETURNING: "1" }), wrk(path, "render.lua", { RETURNING: "1" })];
const best = (runs) => Math.max(...runs.map((r) => r.perSecond));
const line = (runs) => runs.map((r) => `${r.perSecond.toFixed(0)}/s p99 ${r.p99}, ${r.non2xx} non-2xx`).join("; ");
console.log(`wrk -t2 -c64 -d${seconds}s, two runs each:`);
console.log(`  /healthz:                     ${line(health)}`);
console.log(`  render, new visitor:          ${line(renders)} (${(best(renders) / best(health)).toFixed(2)}x /healthz)`);
console.log(`  render, returning anonymous:  ${line(returning)} (${(best(returning) / best(health)).toFixed(2)}x /healthz)`);

// Open loop: each request starts on schedule, whatever the others do. The
// same loop against /healthz shows what the client itself adds.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const { hostname, port } = new URL(adact.url);
function send(target, i) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname,
        port,
        method: target === "render" ? "POST" : "GET",
        path: target === "render" ? `/api/v1/embed/render?key=${EMBED_KEY}` : "/healthz",
        headers: { "content-type": "text/plain", "x-forwarded-for": `198.18.${(i >> 8) & 255}.${i & 255}` },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("error", reject);
    req.end(target === "render" ? JSON.stringify({ segment: "Default Users" }) : undefined);
  });
}
async function openLoop(target) {
  // A second at the rate opens the connections.
  for (let i = 0; i < rate; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, j) => send(target, -1 - i - j)));
  }
  const total = rate * seconds;
  const latencies = [];
  let failed = 0;
  const started = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    inflight.push(
      send(target, i).then((status) => {
        latencies.push(performance.now() - t0);
        if (status !== 200) failed++;
        else if (target === "render") rendered++;
      }),
    );
  }
  await Promise.all(inflight);
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
  console.log(
    `open loop ${rate}/s for ${seconds} s, ${target}: ${latencies.length} requests, ${failed} failed; ` +
      `latency ms p50 ${at(50)}, p99 ${at(99)}, max ${latencies.at(-1).toFixed(2)} (node client)`,
  );
}
await openLoop("healthz");
await openLoop("render");
agent.destroy();

// The warm-up renders of the open loop count as views too.
rendered += rate;
await new Promise((resolve) => setTimeout(resolve, 1500));
if (adact.databaseUrl.startsWith("sqlite://")) {
  const file = adact.databaseUrl.slice("sqlite://".length);
  const sql = (query) => execFileSync("sqlite3", [file, query], { encoding: "utf8" }).trim();
  console.log(`rows in plays after every render above: ${sql("select count(*) from plays")}`);
  console.log(`rows in campaign_stats (views by campaign and hour): ${sql("select count(*) from campaign_stats")}`);
}
const segment = (await adact.admin("GET", "/api/v1/segments")).data.find((s) => s.title === "Default Users");
const { totals } = await adact.admin("GET", `/api/v1/campaigns/${segment.campaign_id}/stats`);
console.log(`views counted: ${totals.views}; renders answered 200 as the clients counted them: ${rendered} ` +
  "(wrk does not count the requests in flight when it stops, up to 64 a run)");
await adact.stop();
