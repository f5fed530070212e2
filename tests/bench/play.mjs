// Bench (not a test): the play request (draw plus code assignment) at a
// steady rate on SQLite. Opens sessions first (render + register), then
// sends `RATE` plays per second for `SECONDS`, open loop, and reports the
// latency percentiles of the play requests, measured by the client.
//
//   ADACT_SERVER_BIN=$CARGO_TARGET_DIR/release/adact-server npm run bench:play
//   RATE=500 SECONDS=10 (defaults)
//   WEBHOOKS=1: with every event also delivered as a webhook to a local
//   receiver, so the plays share SQLite with the delivery workers.
//   UPLOAD=100000: plays twice, the second time with an upload of that many
//   pool codes (a campaign edit adding a prize) sent a third of the way in,
//   and reports how long the upload took and both runs' latencies.
import http from "node:http";

import { ADMIN_TOKEN, EMBED_KEY, startAdact } from "../browser/harness.mjs";

const rate = Number(process.env.RATE || 500);
const seconds = Number(process.env.SECONDS || 10);
const upload = Number(process.env.UPLOAD || 0);
const runs = upload > 0 ? 2 : 1;
const total = rate * seconds;
const webhooks = process.env.WEBHOOKS === "1";
let received = 0;
const receiver = webhooks
  ? http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        received++;
        res.end("ok");
      });
    })
  : null;
if (receiver) await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const adact = await startAdact({ args: webhooks ? ["--allow-private-endpoints"] : [] });
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const { hostname, port } = new URL(adact.url);

function request(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ agent, hostname, port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    req.end(data);
  });
}
const admin = (method, path, body) =>
  request(method, path, body, { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" });
const pub = (path, body) => request("POST", `${path}?key=${EMBED_KEY}`, body);

// A wheel whose plays mostly win: a pool prize (the code claim), a generated
// code prize, and a little "no prize".
const pool = Array.from({ length: total * runs }, (_, i) => `BENCH-${String(i).padStart(6, "0")}`);
const created = await admin("POST", "/api/v1/campaigns", {
  name: "Bench",
  kind: "wheel",
  status: "active",
  definition: {
    texts: { title: "Bench" },
    prizes: [
      { name: "Pooled", weight: 50, stock: total * runs, codes: { pool } },
      { name: "Generated", weight: 40, codes: { generate: { prefix: "GEN-" } } },
    ],
    no_prize: { label: "No luck", weight: 10 },
  },
});
if (created.status !== 201) throw new Error(JSON.stringify(created.body));
await admin("POST", "/api/v1/segments", { title: "Bench", campaign_id: created.body.id });

if (receiver) {
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  const set = await admin("PUT", "/api/v1/webhooks/settings", { enabled: true, url, events: ["*"] });
  if (set.status !== 200) throw new Error(JSON.stringify(set.body));
}

process.stderr.write(`opening ${total * runs} sessions…\n`);
const sessions = [];
for (let i = 0; i < total * runs; i += 50) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(50, total * runs - i) }, async (_, j) => {
      const r = await pub("/api/v1/embed/render", { segment: "Bench", user: { id: `bench-${i + j}` } });
      const { id, token } = r.body.session;
      await pub(`/api/v1/embed/sessions/${id}/register`, { token });
      return { id, token };
    }),
  );
  sessions.push(...batch);
}

// A campaign edit that adds a prize with `upload` pool codes.
async function uploadCodes() {
  const current = await admin("GET", `/api/v1/campaigns/${created.body.id}`);
  const definition = current.body.definition;
  const codes = Array.from({ length: upload }, (_, i) => `UPLOAD-${String(i).padStart(7, "0")}`);
  definition.prizes.push({ name: "Uploaded", weight: 1, stock: upload, codes: { pool: codes } });
  const t0 = performance.now();
  const r = await admin("PATCH", `/api/v1/campaigns/${created.body.id}`, { definition });
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
  return ms;
}

async function playRun(run) {
  const withUpload = run === 1;
  process.stderr.write(`playing ${rate}/s for ${seconds} s${withUpload ? `, uploading ${upload} codes` : ""}…\n`);
  const latencies = [];
  let failures = 0;
  let uploaded = null;
  const started = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    // Open loop: each play starts at its scheduled time, whatever the others do.
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (withUpload && i === Math.floor(total / 3)) uploaded = uploadCodes();
    const { id, token } = sessions[run * total + i];
    const t0 = performance.now();
    inflight.push(
      pub(`/api/v1/embed/sessions/${id}/play`, { token }).then((r) => {
        latencies.push(performance.now() - t0);
        if (r.status !== 200) failures++;
      }),
    );
  }
  await Promise.all(inflight);
  const uploadMs = uploaded ? await uploaded : null;
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
  console.log(
    `${withUpload ? "with the upload: " : ""}${latencies.length} plays in ${elapsed.toFixed(1)} s ` +
      `(${(latencies.length / elapsed).toFixed(0)}/s), ${failures} failed; ` +
      `latency ms: p50 ${at(50)}, p90 ${at(90)}, p99 ${at(99)}, max ${latencies.at(-1).toFixed(2)}` +
      (uploadMs === null ? "" : `; ${upload} codes uploaded in ${uploadMs.toFixed(0)} ms`) +
      (receiver ? `; ${received} webhooks received` : ""),
  );
}
for (let run = 0; run < runs; run++) await playRun(run);
receiver?.close();
agent.destroy();
await adact.stop();
