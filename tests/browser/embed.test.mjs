// The embed as a customer's page meets it: served from another origin,
// loaded by one script tag, called inline. Real server, real Chromium.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { EMBED_KEY, identitySecret, openPage, readCampaign, sharedBrowser, signUserToken, startAdact, startHost } from "./harness.mjs";

let adact;
let host;
let browser;

const scriptTag = (attrs = "") => `<script ${attrs} src="${adact.url}/embed.js?key=${EMBED_KEY}"></script>`;

// A page whose own CSS would wreck anything it reached.
const HOSTILE_CSS = `<style>
  * { font-family: "Comic Sans MS", cursive !important; color: #f00 !important; letter-spacing: 3px !important; }
  h2 { font-size: 80px !important; margin: 90px !important; }
  button { background: #0f0 !important; padding: 0 !important; }
  section { display: none !important; }
</style>`;

function pages() {
  return {
    "/inline": `<!doctype html><html><head>${scriptTag()}${HOSTILE_CSS}</head><body>
      <p id="before">Before the campaign.</p>
      <script id="caller">window.renderAdact({segment: 'Default Users'});</script>
      <p id="after">After the campaign.</p>
    </body></html>`,
    "/async-stub": `<!doctype html><html><head>
      <script>
        window.renderAdact = window.renderAdact || function () { (renderAdact.q = renderAdact.q || []).push(arguments) };
        renderAdact({segment: 'Default Users', container: '#slot'});
        renderAdact({segment: 'Nobody', container: '#slot'});
        renderAdact({segment: 'Default Users', container: '#slot'});
      </script>
      ${scriptTag("async")}
    </head><body><div id="slot"></div></body></html>`,
    "/container": `<!doctype html><html><head>${scriptTag()}</head><body>
      <div id="by-selector"></div><div id="by-element"></div>
      <script>
        window.bySelector = renderAdact({segment: 'Default Users', container: '#by-selector'});
        window.byElement = renderAdact({segment: 'Default Users', container: document.getElementById('by-element')});
      </script>
    </body></html>`,
    "/title-only": `<!doctype html><html><head>${scriptTag()}</head><body>
      <p id="first">First.</p>
      <script id="inline">window.inline = renderAdact('Default Users');</script>
      <p id="last">Last.</p>
    </body></html>`,
    "/title-only-queued": `<!doctype html><html><head>
      <script>
        window.renderAdact = window.renderAdact || function () { (renderAdact.q = renderAdact.q || []).push(arguments) };
        renderAdact('Default Users');
      </script>
      ${scriptTag("async")}
    </head><body><p id="last">Last.</p></body></html>`,
    "/reserve": `<!doctype html><html><head>${scriptTag()}</head><body style="margin: 0">
      <p id="before">Before the campaign.</p>
      <script id="caller">
        window.pending = renderAdact({segment: 'Default Users'});
        window.reserved = document.querySelector('adact-campaign');
        window.reservedAt = {
          previous: reserved.previousElementSibling.id,
          height: reserved.getBoundingClientRect().height,
          shadow: reserved.shadowRoot.mode,
        };
      </script>
      <script id="nobody">
        window.nobody = renderAdact({segment: 'Nobody'});
        window.countAfterNobody = document.querySelectorAll('adact-campaign').length;
      </script>
      <p id="after">After the campaign.</p>
    </body></html>`,
    "/plain": `<!doctype html><html><head>${scriptTag()}</head><body>
      <button id="counter" onclick="this.textContent = String(Number(this.textContent) + 1)">0</button>
    </body></html>`,
  };
}

// Each test has a server of its own; the browser is shared (each test
// opens its own context).
sharedBrowser((b) => (browser = b));
beforeEach(async () => {
  adact = await startAdact();
  host = await startHost(new Proxy({}, { get: (_, path) => pages()[path] }));
});

afterEach(async () => {
  await host?.stop();
  await adact?.stop();
});

describe("the embed on a page of another origin", () => {
  test("renders where the inline script stands, in an open shadow root, untouched by page CSS", async () => {
    const { page, context, console, errors } = await openPage(browser, `${host.url}/inline`);
    await page.waitForSelector("adact-campaign[data-campaign]");
    const campaign = await readCampaign(page);
    assert.deepEqual(campaign, {
      mode: "open",
      title: "Spin the holiday wheel",
      button: "Spin the wheel",
      previous: "caller",
      next: "after",
      parent: "BODY",
    });
    const style = await page.evaluate(() => {
      const root = document.querySelector("adact-campaign").shadowRoot;
      const css = (el) => getComputedStyle(el);
      const title = css(root.querySelector(".title"));
      const button = css(root.querySelector("button"));
      const card = css(root.querySelector(".card"));
      return {
        titleSize: title.fontSize,
        titleFont: title.fontFamily,
        titleColour: title.color,
        buttonBackground: button.backgroundColor,
        cardDisplay: card.display,
        letterSpacing: button.letterSpacing,
      };
    });
    assert.equal(style.titleSize, "24px");
    assert.doesNotMatch(style.titleFont, /Comic Sans/);
    assert.equal(style.titleColour, "rgb(31, 41, 55)");
    assert.equal(style.buttonBackground, "rgb(109, 40, 217)");
    // A column: the intro's texts, then the stage, which fills the card's height.
    assert.equal(style.cardDisplay, "flex");
    assert.equal(style.letterSpacing, "normal");
    assert.deepEqual(errors, []);
    assert.deepEqual(console.filter((m) => m.type === "warning" || m.type === "error"), []);
    await context.close();
  });

  test("reserves the card's room at the call site at once, and draws the card into it", async () => {
    for (const [viewport, height] of [[{ width: 1280, height: 800 }, 600], [{ width: 360, height: 740 }, 580]]) {
      const { page, context, errors, warnings } = await openPage(browser, `${host.url}/reserve`, { viewport });
      // Synchronously after the call, before the wasm or the server answered.
      assert.deepEqual(await page.evaluate(() => window.reservedAt), { previous: "caller", height, shadow: "open" });
      assert.equal(await page.evaluate(() => window.countAfterNobody), 2);
      await page.evaluate(() => Promise.all([window.pending, window.nobody]));
      const drawn = await page.evaluate(() => {
        const hosts = document.querySelectorAll("adact-campaign");
        return {
          count: hosts.length,
          same: hosts[0] === window.reserved,
          campaign: window.reserved.hasAttribute("data-campaign"),
          height: window.reserved.getBoundingClientRect().height,
          next: window.reserved.nextElementSibling.id,
          // The unknown segment's box: taken out if the page was not painted
          // yet, else emptied and kept at its height while in view, so that
          // the paragraph under it does not jump.
          nobody: hosts[1] && [hosts[1].shadowRoot.querySelector(".s"), hosts[1].getBoundingClientRect().height, hosts[1].nextElementSibling.id],
        };
      });
      // The card took the first's place at the same height.
      const nobody = drawn.nobody ? [null, height, "after"] : undefined;
      assert.deepEqual(drawn, { count: nobody ? 2 : 1, same: true, campaign: true, height, next: "nobody", nobody });
      // Out of view, the empty box goes.
      await page.evaluate((height) => {
        document.body.style.paddingBottom = `${3 * height}px`;
        document.querySelector("#after").scrollIntoView();
      }, height);
      await page.waitForFunction(() => document.querySelectorAll("adact-campaign").length === 1);
      assert.equal(warnings().length, 1);
      assert.match(warnings()[0].text, /"Nobody"/);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test("runs calls made before the script loaded, in order", async () => {
    const { page, context, errors, warnings } = await openPage(browser, `${host.url}/async-stub`);
    await page.waitForFunction(() => document.querySelectorAll("#slot adact-campaign[data-campaign]").length === 2);
    // The queued call for an unknown segment warned once and left an empty
    // box between the two cards (in view: taking it out would move the
    // second card), which goes once it is out of view; when its answer came
    // before the first paint, the box went at once.
    await page.waitForFunction(() => {
      const box = document.querySelector("adact-campaign:not([data-campaign])");
      return !box || !box.shadowRoot.querySelector(".s");
    });
    await page.evaluate(() => {
      document.body.style.paddingBottom = "3000px";
      document.querySelector("#slot adact-campaign:last-child").scrollIntoView();
      scrollBy(0, 2000);
    });
    await page.waitForFunction(() => document.querySelectorAll("adact-campaign").length === 2);
    assert.equal(warnings().length, 1);
    assert.match(warnings()[0].text, /"Nobody"/);
    // renderAdact is now the real one: it returns a Promise of a handle.
    const handle = await page.evaluate(async () => {
      const campaign = await renderAdact({ segment: "Default Users", container: "#slot" });
      return { campaignId: campaign.campaignId, segment: campaign.segment };
    });
    assert.match(handle.campaignId, /^cmp_/);
    assert.equal(handle.segment, "Default Users");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("renders into a container given as a selector or an Element, and destroy() removes it", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/container`);
    await page.waitForFunction(() => document.querySelectorAll("adact-campaign[data-campaign]").length === 2);
    assert.equal((await readCampaign(page, "#by-selector adact-campaign")).parent, "by-selector");
    assert.equal((await readCampaign(page, "#by-element adact-campaign")).parent, "by-element");
    const left = await page.evaluate(async () => {
      (await window.bySelector).destroy();
      return document.querySelectorAll("adact-campaign").length;
    });
    assert.equal(left, 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a segment title on its own does what {segment} does, also through the queue stub", async () => {
    const { page, context, errors, warnings } = await openPage(browser, `${host.url}/title-only`);
    await page.waitForSelector("adact-campaign[data-campaign]");
    assert.deepEqual(await readCampaign(page), {
      mode: "open",
      title: "Spin the holiday wheel",
      button: "Spin the wheel",
      previous: "inline",
      next: "last",
      parent: "BODY",
    });
    const handle = await page.evaluate(async () => {
      const campaign = await window.inline;
      return { campaignId: campaign.campaignId, segment: campaign.segment };
    });
    assert.match(handle.campaignId, /^cmp_/);
    assert.equal(handle.segment, "Default Users");
    const results = await page.evaluate(async () => [await renderAdact(""), await renderAdact("Nobody Here")]);
    assert.deepEqual(results, [null, null]);
    const texts = warnings().map((m) => m.text);
    assert.equal(texts.length, 2, texts.join("\n"));
    assert.match(texts[0], /`segment` option is required/);
    assert.match(texts[1], /^Adact: No segment is titled "Nobody Here"\./);
    assert.deepEqual(errors, []);
    await context.close();

    // Queued before the script arrived: it renders at the end of <body>.
    const queued = await openPage(browser, `${host.url}/title-only-queued`);
    await queued.page.waitForSelector("adact-campaign[data-campaign]");
    const campaign = await readCampaign(queued.page);
    assert.equal(campaign.title, "Spin the holiday wheel");
    assert.equal(campaign.previous, "last");
    assert.deepEqual(queued.warnings(), []);
    assert.deepEqual(queued.errors, []);
    await queued.context.close();
  });

  test("userToken goes to the server with the render; a token that is not a string is a bad call", async () => {
    const token = signUserToken({ sub: "crm-42" }, await identitySecret(adact));
    const { page, context, errors, warnings } = await openPage(browser, `${host.url}/plain`);
    const sent = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/embed/render")) sent.push(JSON.parse(request.postData()));
    });
    const rendered = await page.evaluate(async (userToken) => {
      const campaign = await renderAdact({ segment: "Default Users", user: { id: 42 }, userToken });
      return campaign && campaign.segment;
    }, token);
    assert.equal(rendered, "Default Users");
    assert.equal(sent.length, 1);
    assert.equal(sent[0].user_token, token);
    assert.deepEqual(sent[0].user, { id: "42" });
    assert.deepEqual(warnings(), []);
    const result = await page.evaluate(() => renderAdact({ segment: "Default Users", userToken: 42 }));
    assert.equal(result, null);
    assert.equal(warnings().length, 1);
    assert.match(warnings()[0].text, /^Adact: the `userToken` option must be a string/);
    assert.equal(sent.length, 1);
    // A token the account did not sign: refused by the server, one warning.
    const forged = signUserToken({ sub: "crm-42" }, "ids_guessed");
    const refused = await page.evaluate((userToken) => renderAdact({ segment: "Default Users", userToken }), forged);
    assert.equal(refused, null);
    assert.equal(warnings().length, 2);
    assert.match(warnings()[1].text, /^Adact: The userToken is not signed with this account's identity secret\./);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a new visitor sends no anonymous id, keeps the one the server made and sends it from then on", async () => {
    const { page, context, errors, warnings } = await openPage(browser, `${host.url}/plain`);
    const renders = [];
    page.on("response", (response) => {
      if (!response.url().includes("/api/v1/embed/render")) return;
      // Read now, before the page moves on; never an unhandled rejection.
      const answer = response.json().catch((error) => ({ unreadable: String(error) }));
      renders.push({ sent: JSON.parse(response.request().postData()), answer });
    });
    const render = () => page.evaluate(async () => Boolean(await renderAdact({ segment: "Default Users" })));
    assert.equal(await render(), true);
    assert.equal(renders.length, 1);
    assert.equal("anonymous_id" in renders[0].sent, false);
    const minted = (await renders[0].answer).session.anonymous_id;
    assert.equal(typeof minted, "string");
    assert.ok(minted.length > 0);
    assert.equal(await page.evaluate(() => localStorage.getItem("adact:player")), minted);
    // The next page view of the same visitor.
    await page.reload();
    assert.equal(await render(), true);
    assert.equal(renders.length, 2);
    assert.equal(renders[1].sent.anonymous_id, minted);
    assert.equal((await renders[1].answer).session.anonymous_id, undefined);
    // A page that names its user sends no anonymous id.
    await page.evaluate(() => renderAdact({ segment: "Default Users", user: { id: "u-1" } }));
    assert.equal(renders.length, 3);
    assert.equal("anonymous_id" in renders[2].sent, false);
    assert.equal((await renders[2].answer).session.anonymous_id, undefined);
    assert.deepEqual(warnings(), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("without localStorage every page view is a new visitor, and nothing throws", async () => {
    const { page, context, errors, warnings } = await openPage(browser);
    await page.addInitScript(() => {
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("The operation is insecure.", "SecurityError");
        },
      });
    });
    await page.goto(`${host.url}/plain`);
    const sent = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/embed/render")) sent.push(JSON.parse(request.postData()));
    });
    const render = () => page.evaluate(async () => Boolean(await renderAdact({ segment: "Default Users" })));
    assert.equal(await render(), true);
    assert.equal(await render(), true);
    assert.equal(sent.length, 2);
    assert.ok(sent.every((body) => !("anonymous_id" in body)));
    assert.deepEqual(warnings(), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("an unknown segment warns once, renders nothing and leaves the page working", async () => {
    const { page, context, errors, warnings } = await openPage(browser, `${host.url}/plain`);
    const result = await page.evaluate(() => window.renderAdact({ segment: "Nobody Here" }));
    assert.equal(result, null);
    assert.equal(warnings().length, 1);
    assert.match(warnings()[0].text, /^Adact: No segment is titled "Nobody Here"\./);
    assert.equal(await page.locator("adact-campaign").count(), 0);
    await page.click("#counter");
    assert.equal(await page.textContent("#counter"), "1");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("bad options warn once each and throw nothing", async () => {
    const { page, context, errors, warnings } = await openPage(browser, `${host.url}/plain`);
    const results = await page.evaluate(async () => [
      await window.renderAdact(),
      await window.renderAdact({}),
      await window.renderAdact({ segment: "Default Users", container: "#missing" }),
      await window.renderAdact({ segment: "Default Users", container: "##" }),
      await window.renderAdact({ segment: "Default Users", user: "ada" }),
    ]);
    assert.deepEqual(results, [null, null, null, null, null]);
    const texts = warnings().map((m) => m.text);
    assert.equal(texts.length, 5, texts.join("\n"));
    assert.match(texts[0], /needs an options object/);
    assert.match(texts[1], /`segment` option is required/);
    assert.match(texts[2], /no element matches the container selector "#missing"/);
    assert.match(texts[3], /"##" is not a valid CSS selector/);
    assert.match(texts[4], /`user` option must be an object/);
    assert.equal(await page.locator("adact-campaign").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("its TypeScript declarations are served beside embed.js, to any origin", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/plain`);
    const served = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, text: await response.text() };
    }, `${adact.url}/embed.d.ts`);
    assert.equal(served.status, 200);
    assert.match(served.text, /^\/\/ TypeScript declarations for Adact's embed\.js/);
    assert.match(served.text, /\(options: AdactOptions \| string\): Promise<AdactCampaign \| null>;/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a server that went away gets one warning, not an error", async () => {
    const local = await startAdact();
    const site = await startHost({
      "/": `<!doctype html><html><head><script src="${local.url}/embed.js?key=${EMBED_KEY}"></script></head><body></body></html>`,
    });
    const { page, context, errors, warnings } = await openPage(browser, `${site.url}/`);
    // Load the wasm while the server is up, then stop the server.
    assert.notEqual(await page.evaluate(() => window.renderAdact({ segment: "Default Users" })), null);
    await local.stop();
    const result = await page.evaluate(() => window.renderAdact({ segment: "Default Users" }));
    assert.equal(result, null);
    assert.equal(warnings().length, 1);
    assert.match(warnings()[0].text, /^Adact: cannot reach the Adact server at http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(await page.locator("adact-campaign").count(), 1);
    assert.deepEqual(errors, []);
    await context.close();
    await site.stop();
  });
});
