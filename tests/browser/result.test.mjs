// The result screen: a win as a coupon with its validity, the marketer's
// call to action and confetti (none with reduced motion); no prize with its
// consolation text, when the visitor may play again and the call to action
// when the marketer shows it there too. axe-core checks each screen.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";

import { EMBED_KEY, assertAccessible, openPage, sharedBrowser, startAdact, startHost } from "./harness.mjs";

const SHOTS = process.env.ADACT_RESULT_SHOTS; // a folder: screenshots of each screen, to look at

let adact;
let host;
let browser;

const adminApi = (path, body) => adact.admin("POST", path, body);

/** A gift box campaign without a form, shown by segment `title`. */
async function campaign(title, definition) {
  const created = await adminApi("/api/v1/campaigns", {
    name: title, kind: "giftbox", status: "active",
    definition: { texts: { title: "Pick a gift", play_button: "Open a gift" }, ...definition },
  });
  await adminApi("/api/v1/segments", { title, campaign_id: created.id });
}

const CTA = { cta_label: "Shop the sale", cta_url: "https://shop.example.com/sale?from=game" };

// Each test has a server of its own; the browser is shared (each test
// opens its own context).
sharedBrowser((b) => (browser = b));
beforeEach(async () => {
  adact = await startAdact();
  await campaign("Winners", {
    prizes: [{ name: "15% off", description: "On your next order over €50", weight: 1, valid_until: "2027-01-31", codes: { generate: { prefix: "SALE-" } } }],
    no_prize: { label: "No luck", weight: 0 },
    end_screen: { win_title: "Congratulations!", win_text: "Use it at checkout.", lose_title: "Not this time", ...CTA },
  });
  await campaign("Losers", {
    play_limit: "daily",
    prizes: [],
    no_prize: { label: "No luck", weight: 1 },
    end_screen: { lose_title: "So close!", lose_text: "Thanks for playing: a new gift waits for you tomorrow.", ...CTA, cta_on_lose: true },
  });
  await campaign("Nouvel an", {
    prizes: [{ name: "Bonnet", weight: 1, valid_until: "2027-01-01", codes: { generate: { prefix: "HAT-" } } }],
    no_prize: { label: "Perdu", weight: 0 },
  });
  const page = (segment, lang = "en") => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
    <script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script></head>
    <body><main><h1>Shop</h1><script>window.renderAdact({segment: ${JSON.stringify(segment)}});</script></main></body></html>`;
  host = await startHost({ "/win": page("Winners"), "/lose": page("Losers"), "/fr": page("Nouvel an", "fr") });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

afterEach(async () => {
  await host?.stop();
  await adact?.stop();
});

/** Opens the page at `width`, plays a gift box, and returns the end screen as shown. */
async function play(path, { width, reducedMotion }) {
  const opened = await openPage(browser, undefined, { viewport: { width, height: 800 }, deviceScaleFactor: SHOTS ? 2 : 1, locale: "en-US", timezoneId: "Europe/Berlin" });
  const { page } = opened;
  if (reducedMotion) await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(`${host.url}${path}`);
  const c = page.locator("adact-campaign");
  await c.locator("button.play").click();
  await c.locator(".gift").first().click();
  const end = c.locator(".end");
  await end.waitFor({ timeout: 15_000 });
  const shown = await end.evaluate((e) => {
    const text = (selector) => e.querySelector(selector)?.textContent ?? null;
    const link = e.querySelector("a.cta");
    return {
      title: text(".end-title"),
      prize: text(".prize"),
      description: text(".prize-text"),
      code: text(".code"),
      valid: text(".valid"),
      text: text(".end-text"),
      again: text(".again"),
      cta: link && { href: link.getAttribute("href"), text: link.textContent, target: link.target, rel: link.rel },
      confetti: e.querySelectorAll(".confetti i").length,
      focused: e.getRootNode().activeElement?.className,
      live: e.getRootNode().querySelector("[aria-live]").textContent,
      height: e.getBoundingClientRect().height,
    };
  });
  return { ...opened, end, shown };
}

describe("the result screen", () => {
  for (const width of [360, 1280]) {
    test(`a win at ${width} px: a coupon with its code and validity, the call to action and confetti`, async () => {
      const { page, context, errors, shown, end } = await play("/win", { width });
      assert.equal(shown.title, "Congratulations!");
      assert.equal(shown.focused, "end-title");
      assert.equal(shown.prize, "15% off");
      assert.equal(shown.description, "On your next order over €50");
      assert.match(shown.code, /^SALE-[A-Z0-9]{10}$/);
      // The date as the visitor's language writes it, whatever their time zone.
      assert.equal(shown.valid, "Valid until January 31, 2027");
      assert.equal(shown.text, "Use it at checkout.");
      assert.deepEqual(shown.cta, {
        href: "https://shop.example.com/sale?from=game", text: "Shop the sale(opens in a new tab)", target: "_blank", rel: "noopener",
      });
      assert.equal(shown.again, null);
      assert.equal(shown.confetti, 18);
      assert.equal(shown.live, `Congratulations! Your prize: 15% off. Your code is ${shown.code}.`);
      assert.ok(shown.height <= 420, `the end panel is ${shown.height} px tall`);
      await assertAccessible(page, "the win");
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `win-${width}.png`), fullPage: true });
      // The confetti goes once it has fallen.
      await page.waitForFunction(() => !document.querySelector("adact-campaign").shadowRoot.querySelector(".confetti"), null, { timeout: 10_000 });
      await context.grantPermissions(["clipboard-read", "clipboard-write"]);
      await end.locator("button.copy").click();
      await end.locator("button.copy", { hasText: "Copied!" }).waitFor({ timeout: 2000 }).catch(() => {});
      assert.equal(await end.locator("button.copy").textContent(), "Copied!");
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test("the validity in the page's language: French writes the first of the month 1er", async () => {
    const { context, errors, shown } = await play("/fr", { width: 360, reducedMotion: true });
    assert.equal(shown.prize, "Bonnet");
    assert.equal(shown.valid, "Valable jusqu’au 1er janvier 2027");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a win with reduced motion has no confetti", async () => {
    const { context, errors, shown } = await play("/win", { width: 360, reducedMotion: true });
    assert.equal(shown.prize, "15% off");
    assert.equal(shown.confetti, 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  for (const width of [360, 1280]) {
    test(`no prize at ${width} px: the consolation, when to play again and the call to action`, async () => {
      const { page, context, errors, shown } = await play("/lose", { width, reducedMotion: width === 360 });
      assert.equal(shown.title, "So close!");
      assert.equal(shown.focused, "end-title");
      assert.equal(shown.code, null);
      assert.equal(shown.text, "Thanks for playing: a new gift waits for you tomorrow.");
      // A daily limit: the hours (rounded up) until the next UTC midnight, the day's reset.
      const next = new Date();
      next.setUTCHours(24, 0, 0, 0);
      const hours = Math.max(1, Math.ceil((next - Date.now()) / 3_600_000));
      const words = (h) => (h === 1 ? "1 hour" : `${h} hours`);
      // The hour may turn between the end screen and this line.
      const expected = [hours, hours + 1].map((h) => `You can play again in ${words(h)}.`);
      assert.ok(expected.includes(shown.again), `${shown.again} is one of ${expected}`);
      assert.equal(shown.live, `So close! ${shown.again}`);
      assert.equal(shown.cta.href, "https://shop.example.com/sale?from=game");
      assert.equal(shown.confetti, 0);
      assert.ok(shown.height <= 420, `the end panel is ${shown.height} px tall`);
      await assertAccessible(page, "the no prize");
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `lose-${width}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});
