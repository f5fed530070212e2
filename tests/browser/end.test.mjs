// The end screen as a player reads it: a quiz of three questions with long
// answers (its review scrolls, and must be reachable by keyboard), on a
// phone and a desktop; real server, real Chromium, axe-core.
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";

import { EMBED_KEY, assertAccessible, copyDemoCampaign, openPage, sharedBrowser, startAdact, startHost } from "./harness.mjs";

let adact;
let host;
let browser;
let longQuiz;
let ended;
let wheel;

const LONG = {
  name: "three long questions",
  change(definition) {
    const long = "with a long explanation of why, as marketers like to write it for their players";
    definition.quiz.questions.push({
      text: `Which of these layers should you wear closest to the skin on a cold, wet walk, ${long}?`,
      answers: [`A merino base layer, ${long}`, `A cotton shirt, ${long}`, `A down jacket, ${long}`],
      correct: 0,
    });
    for (const question of definition.quiz.questions) question.text = `${question.text} (${long})`;
  },
};

// Each test has a server of its own; the browser is shared (each test
// opens its own context).
sharedBrowser((b) => (browser = b));
beforeEach(async () => {
  adact = await startAdact();
  longQuiz = await copyDemoCampaign(adact.admin, "quiz", true, LONG);
  ended = await copyDemoCampaign(adact.admin, "wheel", true, { name: "ended", change: (d) => { d.ends_at = "2020-01-01T00:00:00Z"; } });
  wheel = await copyDemoCampaign(adact.admin, "wheel", false);
  host = await startHost({
    "/quiz": `<!doctype html><html lang="en"><head><title>Shop</title>
      <script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script></head><body><main><h1>Shop</h1>
      <script>renderAdact(${JSON.stringify(longQuiz)})</script></main></body></html>`,
    "/ended": `<!doctype html><html lang="en"><head><title>Shop</title>
      <script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script></head><body><main><h1>Shop</h1>
      <script>renderAdact(${JSON.stringify(ended)})</script></main></body></html>`,
    // A right-to-left page whose styles would bend any text they reached.
    "/hostile": `<!doctype html><html lang="en" dir="rtl"><head><title>Shop</title>
      <style>* { letter-spacing: 6px !important; word-spacing: 20px !important; text-transform: uppercase !important; text-indent: 30px !important; }</style>
      <script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script></head><body><main><h1>Shop</h1>
      <script>renderAdact(${JSON.stringify(wheel)})</script></main></body></html>`,
  });
});

afterEach(async () => {
  await host?.stop();
  await adact?.stop();
});

describe("the end screen", () => {
  test("a long quiz's review scrolls, is reachable by keyboard, and axe finds nothing", async () => {
    for (const viewport of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
      const { page, context, errors } = await openPage(browser, `${host.url}/quiz`, { viewport });
      const c = page.locator("adact-campaign");
      await c.locator(".actions button.play").click();
      await c.locator("input[type=email]").fill("ada@example.com");
      await c.locator("input[type=checkbox]").check();
      await c.locator("button[type=submit]").click();
      for (const [q, answer] of [[1, 1], [2, 0], [3, 0]]) {
        await c.getByText(`Question ${q} of 3`).waitFor();
        await page.waitForFunction(() => !document.querySelector("adact-campaign").shadowRoot.querySelector(".quiz")?.closest("[inert]"));
        await c.locator(".answer:visible").nth(answer).click();
      }
      await c.locator(".end").waitFor({ timeout: 20_000 });
      await page.waitForTimeout(800);
      // Every scrolling area of the card can take the focus, or holds something that can.
      const scrollers = await page.evaluate(() => {
        const root = document.querySelector("adact-campaign").shadowRoot;
        return [...root.querySelectorAll("*")]
          .filter((e) => e.scrollHeight > e.clientHeight + 1 && ["auto", "scroll"].includes(getComputedStyle(e).overflowY))
          .map((e) => ({ cls: e.className.baseVal ?? e.className, focusable: e.tabIndex >= 0 || !!e.querySelector("[tabindex='0'], button, a[href], input") }));
      });
      assert.ok(scrollers.length > 0, "the long review scrolls");
      for (const s of scrollers) assert.ok(s.focusable, `${s.cls} scrolls but cannot be reached by keyboard (${viewport.width} px)`);
      if (process.env.SHOTS) await page.screenshot({ path: join(process.env.SHOTS, `quiz-end-${viewport.width}.png`) });
      await assertAccessible(page, `the long quiz's end screen at ${viewport.width} px`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test("an ended campaign's notice is polite, not an alert", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/ended`);
    const notice = page.locator("adact-campaign .notice");
    await notice.waitFor();
    assert.equal(await notice.getAttribute("role"), "status");
    await assertAccessible(page, "an ended campaign");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the card keeps its own direction and text styles on a right-to-left, hostile page", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/hostile`);
    await page.locator("adact-campaign .rotor text").first().waitFor();
    const styles = await page.evaluate(() => {
      const root = document.querySelector("adact-campaign").shadowRoot;
      return [".card", ".description", ".rotor text"].map((selector) => {
        const style = getComputedStyle(root.querySelector(selector));
        return [selector, style.direction, style.letterSpacing, style.wordSpacing, style.textTransform, style.textIndent];
      });
    });
    for (const [selector, ...values] of styles) assert.deepEqual(values, ["ltr", "normal", "0px", "none", "0px"], selector);
    if (process.env.SHOTS) await page.screenshot({ path: join(process.env.SHOTS, "hostile-wheel.png") });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
