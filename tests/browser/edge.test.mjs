// The public edge as a visitor meets it, in Chromium against the real
// server: the page's player data and a signed userToken prefill the form,
// "require signed identity" shows a polite notice, and a rate-limited
// step shows the polite line in the visitor's language with one warning.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { EMBED_KEY, identitySecret, openPage, sharedBrowser, signUserToken, startAdact, startHost } from "./harness.mjs";

let adact;
let host;
let browser;

const admin = (...args) => adact.admin(...args);

/** A page of the host site that calls renderAdact with `options`. */
const page = (options, lang = "en") => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Shop</title>
  <script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script></head>
  <body><main><h1>Shop</h1><script>window.renderAdact(${JSON.stringify(options)});</script></main></body></html>`;

// Each test has a server of its own; the browser is shared (each test
// opens its own context).
sharedBrowser((b) => (browser = b));
beforeEach(async () => {
  adact = await startAdact();
  const secret = await identitySecret(adact);
  const signed = signUserToken({ sub: "crm-7", email: "grace@example.com", name: "Grace", exp: Math.floor(Date.now() / 1000) + 600 }, secret);
  host = await startHost({
    "/typed": page({ segment: "Scratch Card", user: { id: "shop-1", email: "ada@example.com", name: "Ada" } }),
    "/signed": page({ segment: "Scratch Card", user: { email: "typed@example.com" }, userToken: signed }),
    "/anonymous-de": page({ segment: "Scratch Card" }, "de"),
  });
});

afterEach(async () => {
  await host?.stop();
  await adact?.stop();
});

const form = (page) => page.locator("adact-campaign form");

/** Past the intro to the registration form. */
async function openForm(page) {
  await page.locator("adact-campaign .actions button.play").click();
  await form(page).waitFor();
}

describe("the public edge in the browser", () => {
  test("the page's email and name, and a signed token's, start the form", async () => {
    const typed = await openPage(browser, `${host.url}/typed`);
    await openForm(typed.page);
    assert.equal(await form(typed.page).locator("input[type=email]").inputValue(), "ada@example.com");
    assert.equal(await form(typed.page).locator("input[autocomplete=name]").inputValue(), "Ada");
    assert.deepEqual(typed.warnings(), []);
    await typed.context.close();

    const signed = await openPage(browser, `${host.url}/signed`);
    await openForm(signed.page);
    assert.equal(await form(signed.page).locator("input[type=email]").inputValue(), "grace@example.com");
    assert.equal(await form(signed.page).locator("input[autocomplete=name]").inputValue(), "Grace");
    await form(signed.page).locator("input[type=checkbox]").check();
    await form(signed.page).locator("button[type=submit]").click();
    // The game starts by itself after the form.
    await signed.page.locator("adact-campaign .card[data-step=play] .scratch canvas").waitFor();
    assert.deepEqual(signed.warnings(), []);
    assert.deepEqual(signed.errors, []);
    await signed.context.close();
  });

  test("with signed identity required, an anonymous visitor is asked to sign in instead of playing", async () => {
    await admin("PUT", "/api/v1/account/identity", { require_signed_identity: true });
    try {
      const visit = await openPage(browser, `${host.url}/anonymous-de`);
      const notice = visit.page.locator("adact-campaign .notice");
      await notice.waitFor();
      assert.equal(await notice.textContent(), "Bitte melden Sie sich an, um dieses Spiel zu spielen.");
      assert.equal(await form(visit.page).count(), 0);
      assert.deepEqual(visit.errors, []);
      await visit.context.close();
    } finally {
      await admin("PUT", "/api/v1/account/identity", { require_signed_identity: false });
    }
  });

  test("a rate-limited step shows the polite line in the visitor's language and warns once", async () => {
    // One step at once per address: the registration passes, the play does not.
    await admin("PUT", "/api/v1/account/rate-limits", { renders_per_ip: 1000, steps_per_ip: 2, steps_per_player: 1000 });
    try {
      const visit = await openPage(browser, `${host.url}/anonymous-de`);
      await openForm(visit.page);
      await form(visit.page).locator("input[type=email]").fill("ada@example.com");
      await form(visit.page).locator("input[type=checkbox]").check();
      const limited = visit.page.waitForResponse((r) => r.url().includes("/register") || r.url().includes("/play"));
      await form(visit.page).locator("button[type=submit]").click();
      await limited;
      // Whichever step met the limit, the card apologises politely.
      const notice = visit.page.locator("adact-campaign .notice");
      // The scratch card is drawn from the intro on; it is live (its
      // button enabled) once the play has its answer.
      const reveal = visit.page.locator("adact-campaign .scratch-stage button:not([disabled])");
      await Promise.race([notice.waitFor(), reveal.waitFor()]);
      if (await reveal.count()) await reveal.click();
      await notice.waitFor();
      assert.equal(await notice.getAttribute("data-code"), "rate_limited");
      assert.equal(await notice.textContent(), "Gerade spielen sehr viele mit. Bitte versuchen Sie es in einer Minute noch einmal.");
      const warnings = visit.warnings();
      assert.equal(warnings.length, 1);
      assert.match(warnings[0].text, /^Adact: .*(429|rate|many)/i);
      assert.deepEqual(visit.errors, []);
      await visit.context.close();
    } finally {
      const most = 1_000_000;
      await admin("PUT", "/api/v1/account/rate-limits", { renders_per_ip: most, steps_per_ip: most, steps_per_player: most });
    }
  });
});
