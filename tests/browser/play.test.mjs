// Every game kind played to its end screen, with the mouse and with the
// keyboard, on a page of another origin; axe-core checks each screen.
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";

import ts from "typescript";

import { ADMIN_TOKEN, EMBED_KEY, assertAccessible, copyDemoCampaign, openPage, root, sharedBrowser, startAdact, startHost, tallCard } from "./harness.mjs";

/** A prize name longer than a wheel's slice holds on one line. */
const LONG_PRIZE = "€25 gift card for anything in the shop";
const KINDS = [
  ["wheel", "Default Users"],
  ["scratch", "Scratch Card"],
  ["giftbox", "Gift Box"],
  ["quiz", "Quiz"],
];

let adact;
let host;
let browser;

// Each test has a server of its own; the browser is shared (each test
// opens its own context).
sharedBrowser((b) => (browser = b));
beforeEach(async () => {
  adact = await startAdact();
  // The wheel's gift card gets a long name: its label goes on two lines, whole.
  const admin = (path, init = {}) =>
    fetch(`${adact.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" } });
  const wheel = (await (await admin("/api/v1/campaigns")).json()).data.find((c) => c.kind === "wheel");
  wheel.definition.prizes[2].name = LONG_PRIZE;
  const saved = await admin(`/api/v1/campaigns/${wheel.id}`, { method: "PATCH", body: JSON.stringify({ definition: wheel.definition }) });
  assert.equal(saved.status, 200, await saved.text());
  const page = (segment, { lang = "en", options = {} } = {}) => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>
    <script src="${adact.url}/embed.js?key=${EMBED_KEY}"></script></head>
    <body><main><h1>Shop</h1>
    <script>window.events = []; window.renderAdact({segment: ${JSON.stringify(segment)}, onEvent: (e) => window.events.push(e), ...${JSON.stringify(options)}});</script>
    </main></body></html>`;
  const pages = Object.fromEntries(KINDS.map(([kind, segment]) => [`/${kind}`, page(segment)]));
  pages["/giftbox-de"] = page("Gift Box", { options: { locale: "de" } });
  pages["/giftbox-bad-locale"] = page("Gift Box", { options: { locale: "deutsch!" } });
  pages["/giftbox-fr-page"] = page("Gift Box", { lang: "fr-CA" });
  host = await startHost(pages);
  pages["/tall"] = page(await copyDemoCampaign(adact.admin, "wheel", true, tallCard(pages, host.url)));
});

afterEach(async () => {
  await host?.stop();
  await adact?.stop();
});

const campaign = (page) => page.locator("adact-campaign");

/** The quiz's review: per question, its words and the lines under it. */
function readReview(page) {
  return campaign(page)
    .locator(".review li")
    .evaluateAll((items) => items.map((li) => [...li.querySelectorAll("p")].map((p) => p.textContent)));
}
/** The intro's play button, in its row under the game. */
const playButton = (page) => campaign(page).locator(".actions button.play");
/** Waits until the game is live: after the form, it starts by itself. */
const started = (page) => campaign(page).locator(".card[data-step=play], .card[data-step=end]").waitFor();
/** The host element's height. */
const hostHeight = (page) => campaign(page).evaluate((e) => e.getBoundingClientRect().height);

async function fillForm(page, keyboard) {
  const c = campaign(page);
  await c.locator("form").waitFor();
  if (keyboard) {
    // Focus starts on the first field.
    await page.keyboard.type("Ada");
    await page.keyboard.press("Tab");
    await page.keyboard.type("ada@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    await page.keyboard.press("Enter");
  } else {
    await c.locator("input[type=email]").fill("ada@example.com");
    await c.locator("input[type=checkbox]").check();
    await c.locator("button[type=submit]").click();
  }
}

/** Plays; for the wheel, returns the label of the slice it stops on and its transition. */
async function playGame(page, kind, keyboard) {
  const c = campaign(page);
  await started(page);
  if (kind === "wheel") {
    // The form's button started the game: no second "Spin the wheel".
    assert.equal(await c.locator("button:visible").count(), 0);
    const rotor = c.locator(".rotor");
    await page.waitForFunction(
      () => document.querySelector("adact-campaign").shadowRoot.querySelector(".rotor")?.style.transform,
    );
    return rotor.evaluate((rotor) => {
      const deg = Number(rotor.style.transform.match(/rotate\((-?\d+)deg\)/)[1]);
      // A label's lines are its <tspan>s.
      const labels = [...rotor.querySelectorAll("text")].map((t) => [...t.children].map((line) => line.textContent).join(" "));
      const step = 360 / labels.length;
      return {
        top: labels[Math.floor(((360 - (deg % 360)) % 360) / step) % labels.length],
        transition: rotor.style.transition,
        labels,
      };
    });
  } else if (kind === "scratch") {
    const canvas = c.locator(".scratch canvas");
    await canvas.waitFor();
    // Live as soon as the game starts, before the outcome is known.
    await c.locator(".scratch-stage button:not([disabled])").waitFor();
    if (keyboard) {
      await page.keyboard.press("Enter"); // focus is on "Reveal my prize"
    } else {
      const box = await canvas.boundingBox();
      for (let row = 0; row < 6 && !(await canvas.evaluate((e) => e.classList.contains("gone"))); row++) {
        const y = box.y + (box.height * (row + 0.5)) / 6;
        await page.mouse.move(box.x + 4, y);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width - 4, y, { steps: 12 });
        await page.mouse.up();
      }
    }
  } else if (kind === "giftbox") {
    await c.locator(".gift").first().waitFor();
    if (keyboard) {
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
    } else {
      await c.locator(".gift").nth(2).click();
    }
  } else if (kind === "quiz") {
    for (let q = 0; q < 2; q++) {
      await c.locator(".progress", { hasText: `Question ${q + 1} of 2` }).waitFor();
      if (keyboard) {
        await page.keyboard.press("Tab");
        await page.keyboard.press("Enter");
      } else {
        await c.locator(".answer:visible").nth(q === 0 ? 1 : 0).click();
      }
    }
  }
}

for (const [kind] of KINDS) {
  describe(`the ${kind}`, () => {
    for (const keyboard of [false, true]) {
      test(`plays to its end screen with the ${keyboard ? "keyboard" : "mouse"}`, async () => {
        const { page, context, errors, console } = await openPage(browser, undefined, {
          viewport: keyboard ? { width: 360, height: 740 } : { width: 1280, height: 900 },
        });
        // The keyboard run also asks for reduced motion.
        if (keyboard) await page.emulateMedia({ reducedMotion: "reduce" });
        await page.goto(`${host.url}/${kind}`);
        await playButton(page).waitFor();
        await assertAccessible(page, "the intro");
        // The intro shows the game itself, inert until it starts.
        const game = { wheel: ".wheel", scratch: ".scratch", giftbox: ".gift", quiz: ".quiz" }[kind];
        assert.ok(await campaign(page).locator(`.game[inert] ${game}`).first().isVisible(), "the game shows on the intro");
        const introHeight = await hostHeight(page);
        if (keyboard) {
          await playButton(page).focus();
          await page.keyboard.press("Enter");
        } else {
          await playButton(page).click();
        }
        await campaign(page).locator("form").waitFor();
        // The form is a sheet over the game, in the same place.
        assert.equal(await hostHeight(page), introHeight);
        await assertAccessible(page, "the form");
        // The focus ring is neutral, not the brand's colour (on a red brand
        // an empty focused field must not look like an error).
        const ring = await campaign(page).locator("input").first().evaluate((e) => ({
          focused: e.getRootNode().activeElement === e,
          color: getComputedStyle(e).outlineColor,
          style: getComputedStyle(e).outlineStyle,
        }));
        assert.deepEqual(ring, { focused: true, color: "rgb(17, 24, 39)", style: "solid" });
        await fillForm(page, keyboard);
        await assertAccessible(page, "the game");
        const wheel = await playGame(page, kind, keyboard);

        const end = campaign(page).locator(".end");
        await end.waitFor({ timeout: 15_000 });
        const shown = await end.evaluate((e) => ({
          title: e.querySelector(".end-title").textContent,
          prize: e.querySelector(".prize")?.textContent ?? null,
          code: e.querySelector(".code")?.textContent ?? null,
          focused: e.getRootNode().activeElement?.className,
          live: e.getRootNode().querySelector("[aria-live]").textContent,
        }));
        assert.equal(shown.focused, "end-title");
        // The card kept its size; the game stays under the end panel and
        // the intro's title gave way to the end's.
        assert.equal(await hostHeight(page), introHeight);
        assert.ok(await campaign(page).locator(`.game ${game}`).first().isVisible(), "the game stays on the end screen");
        assert.equal(await campaign(page).locator(".head").evaluate((e) => getComputedStyle(e).opacity), "0");
        // The game stays legible: scaled to 75% at the least (the quiz not
        // at all: its review scrolls in its room).
        const scale = await campaign(page).locator(".game > *").evaluate((e) => getComputedStyle(e).scale);
        const least = kind === "quiz" ? 1 : 0.75;
        assert.ok(scale === "none" || Number(scale) >= least, `${kind}: the game at ${scale} on the end screen`);
        // Played out, it leaves no tab stop behind: what the keyboard can
        // reach is the end panel's, and the quiz's review.
        const stops = await campaign(page).locator(".card").evaluate((card) => [...card.querySelectorAll("button, a[href], input, [tabindex]")]
          .filter((e) => e.tabIndex >= 0 && !e.disabled && !e.closest("[inert]") && e.checkVisibility({ visibilityProperty: true }))
          .filter((e) => !e.closest(".panel, .done-step"))
          .map((e) => e.outerHTML.slice(0, 80)));
        assert.deepEqual(stops, [], `${kind}: dead tab stops on the end screen`);
        if (shown.prize) {
          assert.equal(shown.title, "You won!");
          assert.match(shown.code, /^[A-Z]+-[A-Z0-9]{10}$/);
          assert.match(shown.live, new RegExp(`${shown.prize}.*${shown.code}`));
        } else {
          assert.equal(shown.title, "Not this time");
          // The title, and when the visitor may play again by the campaign's limit.
          assert.match(shown.live, /^Not this time\.( You can play again .+\.| Each person can play this game once\.)?$/);
        }
        if (kind === "quiz") {
          // Right answers with the mouse; the keyboard picks the first ones.
          const score = await end.locator(".score").textContent();
          assert.equal(score, keyboard ? "You answered 1 of 2 correctly." : "You answered 2 of 2 correctly.");
          // The review: each question, the answer given and, when wrong, the right one.
          const first = keyboard
            ? ["Which fibre keeps you warm even when wet?", "Wrong", "Your answer: Cotton", "Right answer: Wool"]
            : ["Which fibre keeps you warm even when wet?", "Correct", "Your answer: Wool"];
          assert.deepEqual(await readReview(page), [
            first,
            ["What is down insulation made of?", "Correct", "Your answer: Feathers"],
          ]);
        }
        if (kind === "wheel") {
          // The wheel stopped on a slice showing the outcome the server drew.
          assert.equal(wheel.top, shown.prize ?? "Next time");
          // Every label whole, the long one on two lines; the landed one marked.
          const outcomes = ["10% off", "Free shipping", LONG_PRIZE, "Wool beanie", "Next time"];
          assert.deepEqual([...new Set(wheel.labels)].sort(), [...outcomes].sort());
          const long = campaign(page).locator(".rotor text", { hasText: "€25 gift card" }).first();
          assert.equal(await long.locator("tspan").count(), 2);
          const landed = await campaign(page).locator(".rotor text.win tspan").allTextContents();
          assert.equal(landed.join(" "), wheel.top);
          // It slows down from the speed it turned at while the server
          // answered; with reduced motion it is put where it lands.
          assert.match(wheel.transition, keyboard ? /^$/ : /^transform 4200ms cubic-bezier\(0\.15, 0\.\d+, 0\.2, 1\)$/);
        }

        // Copy button and the events the page received.
        if (shown.code) {
          await context.grantPermissions(["clipboard-read", "clipboard-write"]);
          await campaign(page).locator("button.copy").click();
          // The label changes once the clipboard has answered (it may refuse).
          await campaign(page).locator("button.copy", { hasText: "Copied!" }).waitFor({ timeout: 2000 }).catch(() => {});
          assert.equal(await campaign(page).locator("button.copy").textContent(), "Copied!");
        }
        await page.waitForFunction(() => window.events.some((e) => e.type === "gameplay.finished"));
        const events = await page.evaluate(() => window.events.map((e) => e.type));
        const expected = ["player.created", "game.ended"];
        if (shown.code) expected.push("prize.assigned");
        expected.push("gameplay.finished");
        assert.deepEqual(events, expected);
        const assigned = await page.evaluate(() => window.events.find((e) => e.type === "prize.assigned"));
        if (shown.code) assert.equal(assigned.data.prize.code, shown.code);

        await assertAccessible(page, "the end screen");
        assert.deepEqual(errors, []);
        assert.deepEqual(console.filter((m) => m.type === "error" || m.type === "warning"), []);
        await context.close();
      });
    }
  });
}

/**
 * The events embed.d.ts declares, read with the TypeScript compiler: by
 * type, each field, whether it is optional, and for an object its own
 * fields the same way (`shape`; null for a string, number, union of
 * literals or map).
 */
function declaredEvents() {
  const file = join(root, "embed", "js", "embed.d.ts");
  const program = ts.createProgram([file], { strict: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const alias = program
    .getSourceFile(file)
    .statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === "AdactEvent");
  return Object.fromEntries(
    checker.getTypeAtLocation(alias.name).types.map((event) => {
      const fields = checker.getPropertiesOfType(event);
      const type = checker.getTypeOfSymbol(fields.find((f) => f.name === "type")).value;
      return [type, shapeOf(checker, event)];
    }),
  );
}

/** The fields of an object type (see declaredEvents), or null for a leaf. */
function shapeOf(checker, type, depth = 0) {
  type = checker.getNonNullableType(type);
  const object = type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection);
  if (!object || depth > 4 || checker.getIndexInfosOfType(type).length > 0) return null;
  return Object.fromEntries(
    checker.getPropertiesOfType(type).map((f) => [
      f.name,
      { optional: (f.flags & ts.SymbolFlags.Optional) !== 0, shape: shapeOf(checker, checker.getTypeOfSymbol(f), depth + 1) },
    ]),
  );
}

/** Every field of `value` is declared in `shape`, and every required one is there, all the way down. */
function assertConforms(value, shape, path) {
  assert.equal(typeof value, "object", path);
  for (const [field, inner] of Object.entries(value)) {
    assert.ok(field in shape, `${path}.${field} is declared`);
    if (shape[field].shape && inner !== null) assertConforms(inner, shape[field].shape, `${path}.${field}`);
  }
  for (const [field, { optional }] of Object.entries(shape)) {
    if (!optional) assert.ok(field in value, `${path} carries ${field}`);
  }
}

describe("onEvent", () => {
  test("receives events of the shapes embed.d.ts declares", async () => {
    const declared = declaredEvents();
    const { page, context, errors } = await openPage(browser, `${host.url}/giftbox`);
    const c = campaign(page);
    await playButton(page).click();
    await fillForm(page, false);
    await started(page);
    await c.locator(".gift").first().click();
    await page.waitForFunction(() => window.events.some((e) => e.type === "gameplay.finished"), null, { timeout: 15_000 });
    const events = await page.evaluate(() => window.events);
    assert.ok(events.length >= 3, JSON.stringify(events));
    for (const event of events) {
      const shape = declared[event.type];
      assert.ok(shape, `${event.type} is declared`);
      assertConforms(event, shape, event.type);
      // The webhook's shape: the envelope, one play for every event.
      assert.match(event.id, /^evt_/);
      assert.equal(event.version, 1);
      assert.equal(event.data.play.id, events[0].data.play.id);
      assert.equal(event.data.player.fields.email, "ada@example.com");
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("the card's height", () => {
  /** The card's, the head's, the game's (as drawn, scaled) and the form sheet's boxes. */
  const measure = (page) => campaign(page).evaluate((host) => {
    const root = host.shadowRoot;
    const box = (selector) => {
      const r = root.querySelector(selector).getBoundingClientRect();
      return { top: r.top, bottom: r.bottom };
    };
    const sheet = root.querySelector(".sheet");
    return {
      host: host.getBoundingClientRect().height,
      head: box(".head"),
      cell: box(".game"),
      game: box(".game > *"),
      scale: root.querySelector(".game > *").style.scale,
      sheetScrolls: sheet.scrollHeight > sheet.clientHeight,
    };
  });

  test("stays fixed for the tallest campaign: the game fits its room, on resize too, and a long form scrolls", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/tall`, { viewport: { width: 1280, height: 800 } });
    await playButton(page).waitFor();
    await page.waitForFunction(() => document.querySelector("adact-campaign").shadowRoot.querySelector(".logo").complete);
    // Within 2 px: the scale is a whole percentage and the shift whole pixels.
    const fits = (m, when) => {
      assert.ok(m.game.top >= m.head.bottom - 2 && m.game.top >= m.cell.top - 2, `${when}: the game starts below the texts (${JSON.stringify(m)})`);
      assert.ok(m.game.bottom <= m.cell.bottom + 2, `${when}: the game ends above the play button (${JSON.stringify(m)})`);
    };
    // Drawn on a desktop, then the window narrows to a phone's and back.
    const desktop = await measure(page);
    assert.equal(desktop.host, 600);
    fits(desktop, "1280 px");
    await page.setViewportSize({ width: 360, height: 740 });
    await page.waitForFunction(() => document.querySelector("adact-campaign").getBoundingClientRect().height === 580);
    const phone = await measure(page);
    assert.ok(phone.scale < desktop.scale || desktop.scale === "", `scaled down further on a phone (${phone.scale} after ${desktop.scale})`);
    fits(phone, "360 px");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForFunction(() => document.querySelector("adact-campaign").getBoundingClientRect().height === 600);
    fits(await measure(page), "back at 1280 px");
    // The form scrolls in its sheet; the card keeps its height and the
    // player gets to the end.
    await playButton(page).click();
    const c = campaign(page);
    await c.locator("input[type=email]").fill("ada@example.com");
    assert.equal((await measure(page)).sheetScrolls, true);
    await c.locator("input[type=checkbox]").check();
    await c.locator("button[type=submit]").click();
    await c.locator(".end").waitFor({ timeout: 15_000 });
    assert.equal(await hostHeight(page), 600);
    await assertAccessible(page, "the tall card's end screen");
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("the form and the limits", () => {
  test("shows the server's and its own field errors inline", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/giftbox`);
    const c = campaign(page);
    await playButton(page).click();
    await c.locator("button[type=submit]").click();
    assert.equal(await c.locator("#adact-f1-e").textContent(), "Email is required.");
    assert.equal(await c.locator("#adact-consent-e").textContent(), "Please accept to continue.");
    assert.equal(await c.locator("input[type=email]").getAttribute("aria-invalid"), "true");
    await c.locator("input[type=email]").fill("ada@example");
    await c.locator("button[type=submit]").click();
    assert.equal(await c.locator("#adact-f1-e").textContent(), "Please enter a valid email address.");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a player who already spun today is told so, politely, on the next visit", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/wheel`);
    await page.emulateMedia({ reducedMotion: "reduce" });
    const c = campaign(page);
    await playButton(page).click();
    await fillForm(page, false);
    await playGame(page, "wheel", false);
    await c.locator(".end").waitFor();
    await page.reload();
    const notice = campaign(page).locator(".notice");
    await notice.waitFor();
    assert.match(await notice.textContent(), /already played today/);
    assert.equal(await campaign(page).locator("button").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("the embed's own words", () => {
  /** The card's language and the words of the form, empty and then filled. */
  async function readForm(page) {
    const c = campaign(page);
    await playButton(page).click();
    await c.locator("form").waitFor();
    const form = {
      lang: await c.locator(".card").getAttribute("lang"),
      title: await c.locator(".title").textContent(),
      label: await c.locator("form").getAttribute("aria-label"),
      submit: await c.locator("button[type=submit]").textContent(),
    };
    await c.locator("button[type=submit]").click();
    form.emailError = await c.locator("#adact-f1-e").textContent();
    form.consentError = await c.locator("#adact-consent-e").textContent();
    await fillForm(page, false);
    await started(page);
    form.hint = await c.locator(".hint").textContent();
    form.box = await c.locator(".gift").first().getAttribute("aria-label");
    return form;
  }

  test("come in the locale asked for; the campaign's texts stay as written", async () => {
    const { page, context, errors, console } = await openPage(browser, `${host.url}/giftbox-de`);
    const form = await readForm(page);
    assert.deepEqual(form, {
      lang: "de",
      title: "Pick a gift box",
      label: "Ihre Angaben",
      submit: "Weiter",
      emailError: "Email ist ein Pflichtfeld.",
      consentError: "Bitte stimmen Sie zu, um fortzufahren.",
      hint: "Wählen Sie ein Geschenk, um es zu öffnen.",
      box: "Geschenk 1 von 3",
    });
    await campaign(page).locator(".gift").nth(1).click();
    const end = campaign(page).locator(".end");
    await end.waitFor({ timeout: 15_000 });
    if (await end.locator(".code").count()) {
      assert.equal(await end.locator(".code-label").textContent(), "Ihr Code");
      assert.equal(await end.locator("button.copy").textContent(), "Code kopieren");
      assert.match(await campaign(page).locator("[aria-live]").textContent(), /Ihr Code lautet [A-Z]+-/);
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(console.filter((m) => m.type === "error" || m.type === "warning"), []);
    await context.close();
  });

  test("follow the page's language without the option", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/giftbox-fr-page`);
    const form = await readForm(page);
    assert.equal(form.lang, "fr-CA");
    assert.equal(form.submit, "Continuer");
    assert.equal(form.box, "Cadeau 1 sur 3");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("an invalid locale warns once and renders in English", async () => {
    const { page, context, errors, warnings } = await openPage(browser, `${host.url}/giftbox-bad-locale`);
    const form = await readForm(page);
    assert.equal(form.lang, "en");
    assert.equal(form.submit, "Continue");
    assert.equal(form.emailError, "Email is required.");
    assert.equal(form.box, "Gift box 1 of 3");
    const texts = warnings().map((m) => m.text);
    assert.equal(texts.length, 1, texts.join("\n"));
    assert.match(texts[0], /^Adact: the `locale` option must be a language tag/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("the quiz's review", () => {
  test("a lost quiz shows each answer beside the right one, in words and not by colour alone", async () => {
    const { page, context, errors } = await openPage(browser, `${host.url}/quiz`, { viewport: { width: 360, height: 740 } });
    const c = campaign(page);
    await playButton(page).click();
    await fillForm(page, false);
    await started(page);
    // Both answers wrong.
    for (const [q, answer] of [[1, 0], [2, 1]]) {
      await c.locator(".progress", { hasText: `Question ${q} of 2` }).waitFor();
      const picked = c.locator(".answer:visible").nth(answer);
      await picked.click();
      assert.equal(await picked.getAttribute("aria-pressed"), "true");
    }
    await c.locator(".end").waitFor({ timeout: 15_000 });
    assert.equal(await c.locator(".end-title").textContent(), "Not this time");
    assert.deepEqual(await readReview(page), [
      ["Which fibre keeps you warm even when wet?", "Wrong", "Your answer: Cotton", "Right answer: Wool"],
      ["What is down insulation made of?", "Wrong", "Your answer: Foam", "Right answer: Feathers"],
    ]);
    assert.equal(await c.locator(".review-title").textContent(), "Your answers");
    // Marked with an icon as well as the word.
    assert.equal(await c.locator(".review li.wrong svg[aria-hidden=true]").count(), 2);
    await assertAccessible(page, "the quiz review");
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("touch", () => {
  /** Which kinds of pointer the page saw, in the order it first saw them. */
  const recordPointers = (page) =>
    page.addInitScript(() => {
      window.pointerTypes = [];
      addEventListener("pointerdown", (e) => window.pointerTypes.includes(e.pointerType) || window.pointerTypes.push(e.pointerType), true);
    });

  /** Taps through the intro and the form. */
  async function tapToGame(page) {
    const c = campaign(page);
    await playButton(page).tap();
    await c.locator("input[type=email]").fill("ada@example.com");
    await c.locator("input[type=checkbox]").tap();
    await c.locator("button[type=submit]").tap();
  }

  test("scratches the card off with a finger", async () => {
    const { page, context, errors } = await openPage(browser, undefined, {
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    await recordPointers(page);
    // Each touchmove as the page sees it, after the embed's listeners.
    await page.addInitScript(() => {
      window.moves = [];
      addEventListener("touchmove", (e) => {
        const gone = !!document.querySelector("adact-campaign")?.shadowRoot?.querySelector("canvas.gone");
        window.moves.push({ gone, prevented: e.defaultPrevented });
      }, { passive: true });
    });
    await page.goto(`${host.url}/scratch`);
    await tapToGame(page);
    const canvas = campaign(page).locator(".scratch canvas");
    await campaign(page).locator(".scratch-stage button:not([disabled])").waitFor();
    // Real touches, from the browser's input pipeline: Chromium turns them
    // into pointer events of type "touch".
    const cdp = await context.newCDPSession(page);
    const touch = (type, x, y) =>
      cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x, y }] });
    const box = await canvas.boundingBox();
    // One finger, never lifted: back and forth over the rows until the card
    // reveals itself, then on down and sideways, as a swipe goes on.
    await touch("touchStart", box.x + 4, box.y + box.height / 12);
    for (let row = 0; row < 6 && !(await canvas.evaluate((e) => e.classList.contains("gone"))); row++) {
      const y = box.y + (box.height * (row + 0.5)) / 6;
      for (let step = 1; step <= 12; step++) {
        const x = ((box.width - 8) * step) / 12;
        await touch("touchMove", row % 2 ? box.x + box.width - 4 - x : box.x + 4 + x, y);
      }
    }
    for (let step = 1; step <= 6; step++) {
      await touch("touchMove", box.x + box.width / 2 - step * 20, box.y + box.height + step * 40);
    }
    await touch("touchEnd");
    // None of the moves after the reveal scrolled or navigated the page.
    const afterReveal = await page.evaluate(() => window.moves.filter((m) => m.gone));
    assert.ok(afterReveal.length >= 6, JSON.stringify(afterReveal));
    assert.ok(afterReveal.every((m) => m.prevented), JSON.stringify(afterReveal));
    // Scratching revealed it (the coating fades out before the end screen
    // shows), not the button.
    const revealed = await canvas.evaluate((canvas) => ({
      gone: canvas.classList.contains("gone"),
      buttonUsed: canvas.getRootNode().querySelector("button.reveal").hasAttribute("disabled"),
    }));
    assert.deepEqual(revealed, { gone: true, buttonUsed: false });
    await campaign(page).locator(".end").waitFor({ timeout: 15_000 });
    assert.deepEqual(await page.evaluate(() => window.pointerTypes), ["touch"]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("opens a gift box with a tap", async () => {
    const { page, context, errors } = await openPage(browser, undefined, {
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    await recordPointers(page);
    await page.goto(`${host.url}/giftbox`);
    await tapToGame(page);
    await started(page);
    const gift = campaign(page).locator(".gift").nth(1);
    const box = await gift.boundingBox();
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    // The tapped box opens, then the end screen shows.
    await campaign(page).locator(".gift.chosen.open").waitFor({ timeout: 15_000 });
    assert.match(await campaign(page).locator(".gift").nth(1).getAttribute("class"), /^gift chosen open( lost)?$/);
    await campaign(page).locator(".end").waitFor({ timeout: 15_000 });
    assert.deepEqual(await page.evaluate(() => window.pointerTypes), ["touch"]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
