// The embed on a slow or broken network, as a customer's page meets it: the
// recommended async snippet in <head> (embed/js/stub.js), a server that is
// down or never answers, the render request sent beside the wasm's
// download, the skeleton, and segments that render nothing. Slowness is
// made with Chromium's own request interception (a held request), so the
// order of events is certain; real server, real Chromium.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";

import { EMBED_KEY, assertAccessible, copyDemoCampaign, openPage, root, sharedBrowser, startAdact, startHost } from "./harness.mjs";

const STUB = readFileSync(join(root, "embed", "js", "stub.js"), "utf8").trim();

let adact;
let host;
let browser;
let hanging;
const held = new Set();
let down;

/** The recommended snippet, for embed.js at `server`. */
const snippet = (server) => `<link rel="preload" href="${server}/embed.wasm" as="fetch" crossorigin>
  <script>${STUB}</script>
  <script async src="${server}/embed.js?key=${EMBED_KEY}"></script>`;

const filler = (n) => Array.from({ length: n }, (_, i) => `<p>Paragraph ${i + 1}: our winter range ships within two days.</p>`).join("");

/** A shop page: content above and below the inline call. */
const shop = (server, segment, head = "") => `<!doctype html><html lang="en"><head><meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">${snippet(server)}${head}
  <style>body { margin: 0; font: 16px/1.5 Georgia, serif; } main { max-width: 720px; margin: 0 auto; padding: 16px; }</style>
  </head><body><main><h1 id="top">Winter sale</h1>${filler(2)}
  <script id="caller">window.renderAdact({segment: ${JSON.stringify(segment)}}); window.after1 = true;</script>
  ${filler(30)}<footer id="below">The end of the page.</footer></main></body></html>`;

/** Holds every request whose URL matches `pattern` until `release()`. */
async function hold(page, pattern) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route(pattern, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

/** Plays the campaign `c`: its play button, then its form, filled and sent. */
async function sendForm(c) {
  await c.locator(".actions button.play").click();
  await c.locator("input[type=email]").fill("ada@example.com");
  await c.locator("input[type=checkbox]").check();
  await c.locator("button[type=submit]").click();
}

/** Records layout shifts from the start of navigation. */
const OBSERVE = () => {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
  }).observe({ type: "layout-shift", buffered: true });
};
const cls = (page) => page.evaluate(() => window.__shifts.reduce((a, b) => a + b, 0));

// Each test has a server of its own; the browser is shared (each test
// opens its own context).
sharedBrowser((b) => (browser = b));
beforeEach(async () => {
  adact = await startAdact();
  // Accepts connections and never answers.
  hanging = createServer((socket) => held.add(socket));
  await new Promise((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  // A port where nothing listens (taken, then closed).
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  down = `http://127.0.0.1:${probe.address().port}`;
  await new Promise((resolve) => probe.close(resolve));
  const pages = {
    "/shop": shop(adact.url, "Default Users"),
    "/two": `<!doctype html><html><head>${snippet(adact.url)}</head><body>
      <p id="first">First.</p><script id="one">renderAdact('Default Users')</script>
      <p id="middle">Middle.</p><script id="two">renderAdact({segment: 'Default Users'})</script>
      <p id="last">Last.</p></body></html>`,
    "/down": shop(down, "Default Users"),
    "/hanging": shop(`http://127.0.0.1:${hanging.address().port}`, "Default Users"),
    "/nobody": shop(adact.url, "Nobody"),
    "/user": `<!doctype html><html lang="de-AT"><head>${snippet(adact.url)}</head><body>
      <script>renderAdact({segment: 'Default Users', user: {id: 42, email: 'ada@example.com', name: null}})</script>
      </body></html>`,
  };
  for (const kind of ["wheel", "scratch", "giftbox"]) {
    pages[`/retry-${kind}`] = `<!doctype html><html lang="en"><head><title>Shop</title>${snippet(adact.url)}</head><body><main>
      <h1>Shop</h1><script>renderAdact(${JSON.stringify(await copyDemoCampaign(adact.admin, kind, true))})</script></main></body></html>`;
  }
  host = await startHost(pages);
});

afterEach(async () => {
  await host?.stop();
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => hanging?.close(resolve));
  await adact?.stop();
});

describe("the async snippet on a slow or broken network", () => {
  test("an inline call renders at its place, in its room reserved before embed.js arrives", async () => {
    for (const [viewport, height] of [[{ width: 1280, height: 800 }, 600], [{ width: 360, height: 740 }, 580]]) {
      const { page, context, errors, warnings } = await openPage(browser, null, { viewport });
      await page.addInitScript(OBSERVE);
      const release = await hold(page, "**/embed.js*");
      await page.goto(`${host.url}/shop`, { waitUntil: "domcontentloaded" });
      // The page is parsed and its own script ran on; embed.js is still held.
      const early = await page.evaluate(() => {
        const box = document.querySelector("adact-campaign");
        return { after1: window.after1, previous: box.previousElementSibling.id, height: box.getBoundingClientRect().height };
      });
      assert.deepEqual(early, { after1: true, previous: "caller", height });
      release();
      await page.locator("adact-campaign[data-campaign]").waitFor();
      const drawn = await page.evaluate(() => {
        const box = document.querySelector("adact-campaign");
        return { previous: box.previousElementSibling.id, height: box.getBoundingClientRect().height, count: document.querySelectorAll("adact-campaign").length };
      });
      assert.deepEqual(drawn, { previous: "caller", height, count: 1 });
      await page.waitForTimeout(300);
      assert.ok((await cls(page)) <= 0.01, `layout shift ${await cls(page)} at ${viewport.width} px`);
      assert.deepEqual(warnings(), []);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test("queued calls render in order, each at its own script", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/two`);
    await page.waitForFunction(() => document.querySelectorAll("adact-campaign[data-campaign]").length === 2);
    const places = await page.evaluate(() =>
      [...document.querySelectorAll("adact-campaign")].map((e) => [e.previousElementSibling.id, e.nextElementSibling.id]));
    assert.deepEqual(places, [["one", "middle"], ["two", "last"]]);
    // renderAdact is the real one now: a Promise of a handle.
    assert.match(await page.evaluate(async () => (await renderAdact("Default Users")).campaignId), /^cmp_/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a server that is down or never answers neither blocks nor breaks the page", async () => {
    for (const path of ["/down", "/hanging"]) {
      const { page, context, errors } = await openPage(browser, null);
      const started = Date.now();
      await page.goto(`${host.url}${path}`, { waitUntil: "domcontentloaded" });
      // Painted, and the page's own script after the call ran.
      await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0);
      assert.ok(Date.now() - started < 5000, `${path}: painted after ${Date.now() - started} ms`);
      assert.equal(await page.evaluate(() => window.after1), true);
      assert.equal(await page.evaluate(() => typeof window.renderAdact), "function");
      await page.click("#below");
      assert.deepEqual(errors, [], path);
      await context.close();
    }
  });

  test("the render request goes out beside the wasm's download, once, and its timings are readable", async () => {
    const { page, context, errors } = await openPage(browser, null);
    const renders = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/embed/render")) renders.push(JSON.parse(request.postData()));
    });
    const release = await hold(page, "**/*.wasm");
    await page.goto(`${host.url}/user`);
    // The render went out while the wasm is still held.
    await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/embed/render") && e.responseEnd > 0));
    assert.equal(await page.evaluate(() => document.querySelector("adact-campaign").shadowRoot.querySelector(".s") !== null), true);
    release();
    await page.locator("adact-campaign[data-campaign]").waitFor();
    // Sent once: the wasm took the loader's answer. As adact-wire writes it.
    assert.equal(renders.length, 1);
    assert.deepEqual(renders[0], { segment: "Default Users", user: { id: "42", email: "ada@example.com" }, locale: "de-AT" });
    // Timing-Allow-Origin: the page reads the cross-origin timings.
    const timings = await page.evaluate(() => performance.getEntriesByType("resource")
      .filter((e) => /embed\.js|\.wasm|embed\/render/.test(e.name))
      .map((e) => ({ name: e.name.replace(/^.*\//, "").replace(/\?.*$/, ""), start: e.startTime, responseStart: e.responseStart, end: e.responseEnd })));
    // The wasm came once, from the snippet's preload of its stable URL.
    assert.deepEqual(timings.map((t) => t.name).sort(), ["embed.js", "embed.wasm", "render"]);
    for (const t of timings) assert.ok(t.responseStart > 0, `${t.name}: no detailed timing`);
    const wasm = timings.find((t) => t.name.endsWith(".wasm"));
    const render = timings.find((t) => t.name === "render");
    assert.ok(render.end < wasm.end, "the render answered while the wasm was held");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a preloaded wasm of another build is not used: the loader loads its own", async () => {
    const { page, context, errors } = await openPage(browser, null);
    const wasms = [];
    page.on("request", (request) => request.url().endsWith(".wasm") && wasms.push(new URL(request.url()).pathname));
    await page.route("**/embed.wasm", async (route) => {
      // This build's wasm, but its version section says another build.
      const body = await (await route.fetch()).body();
      body.write("0123456789abcdef", body.length - 16);
      await route.fulfill({ status: 200, headers: { "content-type": "application/wasm", "access-control-allow-origin": "*" }, body });
    });
    await page.goto(`${host.url}/shop`);
    await page.locator("adact-campaign[data-campaign]").waitFor();
    assert.deepEqual(wasms.map((p) => p.replace(/\.[0-9a-f]{16}\./, ".HASH.")), ["/embed.wasm", "/embed/adact-embed.HASH.wasm"]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the box holds a skeleton while it loads", async () => {
    const { page, context } = await openPage(browser, null, { viewport: { width: 800, height: 800 } });
    const release = await hold(page, "**/*.wasm");
    await page.goto(`${host.url}/shop`);
    const skeleton = page.locator("adact-campaign .s");
    await skeleton.waitFor();
    const box = await skeleton.boundingBox();
    assert.equal(box.height, 600);
    await page.locator("adact-campaign").scrollIntoViewIfNeeded();
    if (process.env.SHOTS) await page.screenshot({ path: join(process.env.SHOTS, "skeleton.png") });
    release();
    await page.locator("adact-campaign[data-campaign]").waitFor();
    assert.equal(await page.locator("adact-campaign .s").count(), 0);
    await context.close();
  });

  test("a segment that renders nothing moves nothing, and later views reserve no room", async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
      const context = await browser.newContext({ viewport });
      await context.addInitScript(OBSERVE);
      for (const view of ["first", "later"]) {
        const page = await context.newPage();
        const warnings = [];
        page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
        // The first view's answer is held until the page has painted: an
        // answer before the first paint takes the box out at once, which
        // moves nothing either, but is not the case tested here.
        const release = view === "first" ? await hold(page, "**/embed/render?*") : () => {};
        await page.goto(`${host.url}/nobody`);
        await page.waitForFunction(() => performance.getEntriesByType("paint").length > 0);
        release();
        await page.waitForFunction(() => window.renderAdact.adact);
        await page.waitForFunction(() => !document.querySelector("adact-campaign")?.shadowRoot?.querySelector(".s"));
        await page.waitForTimeout(500);
        const box = await page.evaluate(() => document.querySelector("adact-campaign")?.getBoundingClientRect().height ?? 0);
        // The first view keeps the empty room while it is in view; later
        // views reserve none.
        assert.equal(box > 0, view === "first", `${view} view at ${viewport.width} px: box ${box}`);
        assert.ok((await cls(page)) <= 0.01, `${view} view at ${viewport.width} px: layout shift ${await cls(page)}`);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /"Nobody"/);
        if (view === "first") {
          // Out of view, it goes, and what the reader sees does not move.
          await page.evaluate(() => document.querySelector("#below").scrollIntoView());
          await page.waitForFunction(() => !document.querySelector("adact-campaign"));
          assert.ok((await cls(page)) <= 0.01, `after scrolling: layout shift ${await cls(page)}`);
        }
        await page.close();
      }
      await context.close();
    }
  });

  test("a play that fails mid-game offers to try again, and the game goes on", async () => {
    for (const kind of ["wheel", "giftbox"]) {
      const { page, context, errors, warnings } = await openPage(browser, `${host.url}/retry-${kind}`);
      const c = page.locator("adact-campaign");
      // The first play request fails on the network; the next ones go through.
      let failed = 0;
      await page.route("**/play?*", (route) => (failed++ === 0 ? route.abort("connectionreset") : route.continue()));
      await sendForm(c);
      if (kind === "giftbox") {
        await page.waitForFunction(() => !document.querySelector("adact-campaign").shadowRoot.querySelector(".gift").closest("[inert]"));
        await c.locator(".gift").nth(1).click();
      }
      const retry = c.getByRole("button", { name: "Try again" });
      await retry.waitFor();
      assert.match(await c.locator(".notice p").textContent(), /something went wrong/);
      assert.equal(await retry.evaluate((b) => b.getRootNode().activeElement === b), true, "the retry button has the focus");
      await assertAccessible(page, `${kind}: the retry notice`);
      if (process.env.SHOTS) await page.screenshot({ path: join(process.env.SHOTS, `retry-${kind}.png`) });
      await retry.click();
      await c.locator(".end").waitFor({ timeout: 20_000 });
      assert.equal(await c.locator(".notice").count(), 0);
      assert.equal(failed, 2);
      // The failure was told to the page's developer once.
      assert.equal(warnings().length, 1);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test("the game moves at the tap, before the server has answered", async () => {
    for (const kind of ["wheel", "scratch", "giftbox"]) {
      const { page, context, errors } = await openPage(browser, `${host.url}/retry-${kind}`);
      const c = page.locator("adact-campaign");
      // Neither the registration nor the play is answered until released.
      const answerRegister = await hold(page, "**/register?*");
      const answerPlay = await hold(page, "**/play?*");
      await sendForm(c);
      if (kind === "wheel") {
        // It turns: two frames apart, the rotor is drawn at two angles.
        const turned = await c.locator(".rotor").evaluate((rotor) => new Promise((resolve) => {
          const first = getComputedStyle(rotor).transform;
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(getComputedStyle(rotor).transform !== first)));
        }));
        assert.ok(turned, "the wheel turns while the server has not answered");
      } else if (kind === "scratch") {
        // The coating comes off under the pointer; the reveal button shows.
        const canvas = c.locator(".scratch canvas");
        const box = await canvas.boundingBox();
        await page.mouse.move(box.x + 4, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2, { steps: 12 });
        await page.mouse.up();
        await c.locator(".reveal.now:not([disabled])").waitFor();
        await c.locator(".reveal").click();
        assert.equal(await canvas.getAttribute("class"), "gone");
      } else {
        await c.locator(".gift").nth(1).click();
        const shaking = await c.locator(".gift.chosen").evaluate((b) => b.getAnimations().some((a) => a.playState === "running"));
        assert.ok(shaking, "the box picked starts moving while the server has not answered");
      }
      assert.equal(await c.locator(".end").count(), 0);
      answerRegister();
      answerPlay();
      await c.locator(".end").waitFor({ timeout: 20_000 });
      assert.ok(await c.locator(".prize").isVisible(), `${kind}: the prize drawn is shown`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test("a field the server refuses brings the form back over the turning wheel; sent again, the game goes on", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/retry-wheel`);
    const c = page.locator("adact-campaign");
    // The server's own answer to a field it refuses, for a rule the
    // browser's checks would not know (there is none today to trigger).
    let refused = 0;
    await page.route("**/register?*", (route) => (refused++ === 0
      ? route.fulfill({
        status: 422,
        headers: { "content-type": "application/json", "access-control-allow-origin": "*" },
        body: JSON.stringify({ error: {
          code: "validation_failed", message: "fields.email: not accepted here", field: "fields.email",
          fields: [{ field: "fields.email", message: "Use your work address." }],
        } }),
      })
      : route.continue()));
    await sendForm(c);
    await c.getByText("Use your work address.").waitFor();
    assert.equal(await c.locator(".card").getAttribute("data-step"), "form");
    assert.equal(await c.locator(".game").getAttribute("inert"), "", "the game waits, inert, under the form");
    assert.equal(await c.locator("input[type=email]").evaluate((e) => e.getRootNode().activeElement === e), true);
    assert.equal(await c.locator("input[type=email]").getAttribute("aria-invalid"), "true");
    await assertAccessible(page, "the form brought back");
    await c.locator("input[type=email]").fill("ada@work.example");
    await c.locator("button[type=submit]").click();
    await c.locator(".end").waitFor({ timeout: 20_000 });
    assert.equal(refused, 2);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a registration that fails on the network offers to try again", async () => {
    const { page, context, errors, warnings } = await openPage(browser, `${host.url}/retry-giftbox`);
    const c = page.locator("adact-campaign");
    let failed = 0;
    await page.route("**/register?*", (route) => (failed++ === 0 ? route.abort("connectionreset") : route.continue()));
    await sendForm(c);
    const retry = c.getByRole("button", { name: "Try again" });
    await retry.waitFor();
    assert.equal(await retry.evaluate((b) => b.getRootNode().activeElement === b), true, "the retry button has the focus");
    await retry.click();
    await c.locator(".gift").nth(0).click();
    await c.locator(".end").waitFor({ timeout: 20_000 });
    assert.equal(failed, 2);
    assert.equal(warnings().length, 1);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
