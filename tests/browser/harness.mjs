// What the browser tests stand on: the real adact-server binary on a free
// port with a temporary SQLite file, a host site on another origin, and
// Debian's Chromium driven by playwright-core.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ADMIN_TOKEN = "adm_browser_tests_0123456789abcdef";
export const EMBED_KEY = "pk_browser_tests_0123456789";
const LIFTED = { renders_per_ip: 1_000_000, steps_per_ip: 1_000_000, steps_per_player: 1_000_000 };

const serverBin =
  process.env.ADACT_SERVER_BIN ||
  join(process.env.CARGO_TARGET_DIR || join(root, "target"), "debug", "adact-server");

/**
 * A new database: an SQLite file in `dir`, or a new database on the
 * PostgreSQL server named by ADACT_TEST_DATABASE_URL (as the Rust tests do).
 */
function newDatabase(dir) {
  const server = process.env.ADACT_TEST_DATABASE_URL;
  if (!server) return { url: `sqlite://${join(dir, "adact.db")}`, drop() {} };
  const name = `adact_browser_${Date.now()}_${Math.floor(Math.random() * 1e9)}`;
  execFileSync("psql", [server, "-qc", `create database ${name}`]);
  return {
    url: server.replace(/\/[^/]*$/, `/${name}`),
    // Each test makes a database: dropped when its server stops, so none pile up.
    drop: () => execFileSync("psql", [server, "-qc", `drop database if exists ${name}`]),
  };
}

/**
 * Starts adact-server with --demo on a new database; resolves once it
 * listens. Every test visitor is 127.0.0.1, so the account's rate limits
 * are lifted unless `rateLimits` gives the ones to set (`null`: the
 * server's defaults).
 */
export async function startAdact({ args = [], rateLimits = LIFTED } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "adact-browser-"));
  const database = newDatabase(dir);
  const databaseUrl = database.url;
  const child = spawn(serverBin, ["--bind", "127.0.0.1:0", "--demo", ...args], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ADACT_ADMIN_TOKEN: ADMIN_TOKEN,
      ADACT_EMBED_KEY: EMBED_KEY,
      ADACT_WWW_DIR: process.env.ADACT_WWW_DIR || join(root, "www"),
      RUST_LOG: process.env.RUST_LOG || "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("adact-server did not start in 20 s")), 20_000);
    child.once("exit", (code) => reject(new Error(`adact-server exited with ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = line.match(/^Adact is listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const admin = adminApi(url);
  await admin(rateLimits === null ? "DELETE" : "PUT", "/api/v1/account/rate-limits", rateLimits ?? undefined);
  return {
    url,
    databaseUrl,
    admin,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The admin API of the server at `url`, as `admin(method, path, body?)`:
 * the answer's JSON (null for 204), or an Error naming the call and the
 * answer.
 */
function adminApi(url) {
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };
}

/**
 * Copies the demo campaign of `kind` into one that always wins (`win`) or
 * never does, without a play limit, shown by a segment of its own; resolves
 * to that segment's title. (The demo quiz passes with one right answer.)
 * `variant`, if given, names the copy and may change its definition.
 */
export async function copyDemoCampaign(admin, kind, win, variant = null) {
  const demo = (await admin("GET", "/api/v1/campaigns?limit=50")).data.find((c) => c.kind === kind);
  const { definition } = await admin("GET", `/api/v1/campaigns/${demo.id}`);
  variant?.change(definition);
  definition.play_limit = "unlimited";
  definition.no_prize.weight = win ? 0 : 1;
  for (const prize of definition.prizes) {
    delete prize.id;
    prize.weight = win ? 1 : 0;
    if (prize.codes?.pool) prize.codes = { generate: {} };
  }
  const outcome = [win ? "win" : "no prize", variant?.name].filter(Boolean).join(", ");
  const created = await admin("POST", "/api/v1/campaigns", {
    name: `${demo.name} (${outcome})`, kind, status: "active", definition,
  });
  const segment = `${demo.name} (${outcome})`;
  await admin("POST", "/api/v1/segments", { title: segment, campaign_id: created.id });
  return segment;
}

/**
 * The tallest card a marketer can make: a copy variant (for
 * `copyDemoCampaign`) with a logo, a long description and six form fields.
 * The logo is served by the host at `/logo.svg`, `logoDelay` ms late; it is
 * added to `pages`, the host's.
 */
export function tallCard(pages, hostUrl, { logoDelay = 0 } = {}) {
  pages["/logo.svg"] = {
    type: "image/svg+xml",
    delay: logoDelay,
    body: '<svg xmlns="http://www.w3.org/2000/svg" width="180" height="48"><rect width="180" height="48" rx="8" fill="#2b2118"/></svg>',
  };
  return {
    name: "logo, long description and six fields",
    change(definition) {
      definition.theme.logo_url = `${hostUrl}/logo.svg`;
      definition.texts.description = "Spin once a day for a discount, free shipping or a gift card. ".repeat(3).trim();
      for (let i = 1; i <= 4; i++) definition.form.fields.push({ key: `extra_${i}`, type: "text", label: `Extra question ${i}` });
    },
  };
}

/**
 * Asserts that axe-core finds no violation, of any impact, on the page (or
 * frame) as it is now, shadow roots included; `what` names the screen.
 */
export async function assertAccessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.addScriptTag({ path: join(root, "node_modules", "axe-core", "axe.min.js") });
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(violations, [], `axe on ${what}`);
}

/** A userToken as a customer's backend signs it: an HS256 JWT. */
export function signUserToken(claims, secret) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

/** The account's identity secret, which signs userTokens. */
export async function identitySecret(adact) {
  const res = await fetch(`${adact.url}/api/v1/account/identity`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!res.ok) throw new Error(`identity: ${res.status}`);
  return (await res.json()).secret;
}

/**
 * A host site on another origin (`localhost` rather than `127.0.0.1`, and
 * another port): `pages` maps paths to HTML, or to `{type, body, delay}`
 * for another type or an answer `delay` ms late. It is read at each
 * request, so pages may be added once the host runs.
 */
export async function startHost(pages) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/favicon.ico") return res.writeHead(204).end();
    const page = pages[path];
    const { type = "text/html; charset=utf-8", body = "not found", delay = 0 } =
      typeof page === "string" ? { body: page } : (page ?? {});
    setTimeout(() => {
      res.writeHead(page ? 200 : 404, { "content-type": type });
      res.end(body);
    }, delay);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://localhost:${server.address().port}`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * The test file's browser, shared by its tests (each test opens a context
 * of its own): launched before the first test and closed after the last.
 * `keep` receives it.
 */
export function sharedBrowser(keep) {
  let browser;
  before(async () => {
    browser = await launchBrowser();
    keep(browser);
  });
  after(async () => {
    await browser?.close();
  });
}

/**
 * A new page that records console messages and uncaught errors. `options`
 * go to the browser context (e.g. `hasTouch: true`).
 */
export async function openPage(browser, url, { viewport, ...options } = {}) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const console = [];
  const errors = [];
  page.on("console", (message) => console.push({ type: message.type(), text: message.text() }));
  page.on("pageerror", (error) => errors.push(error));
  if (url) await page.goto(url);
  return { page, context, console, errors, warnings: () => console.filter((m) => m.type === "warning") };
}

/** The campaign's shadow-root text and structure, read inside the page. */
export function readCampaign(page, selector = "adact-campaign") {
  return page.evaluate((selector) => {
    const host = document.querySelector(selector);
    if (!host) return null;
    const root = host.shadowRoot;
    return {
      mode: root && root.mode,
      title: root && root.querySelector(".title")?.textContent,
      button: root && root.querySelector("button")?.textContent,
      previous: host.previousElementSibling?.id || host.previousElementSibling?.tagName,
      next: host.nextElementSibling?.id || host.nextElementSibling?.tagName,
      parent: host.parentElement?.id || host.parentElement?.tagName,
    };
  }, selector);
}
