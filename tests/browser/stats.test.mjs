// Campaign statistics in the console: the campaign list's last 7 days, a
// campaign's funnel and daily chart (uPlot) with its table of days, and the
// time zone setting; at a desktop and a 360 px phone width, axe-clean.
// Real server (views flushed every 200 ms), real Chromium.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";

import { ADMIN_TOKEN, EMBED_KEY, assertAccessible, openPage, sharedBrowser, startAdact } from "./harness.mjs";

let adact;
let browser;
let campaign; // the demo wheel, as the admin API lists it

const PHONE = { width: 360, height: 780 };
const DESKTOP = { width: 1280, height: 900 };

/** A public step as the embed sends it. */
async function step(path, body) {
  const res = await fetch(`${adact.url}${path}?key=${EMBED_KEY}`, {
    method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, path);
  return res.json();
}

/** `player` sees the demo wheel and, with `steps`, goes on through them. */
async function visit(player, steps = []) {
  const { session } = await step("/api/v1/embed/render", { segment: "Default Users", user: { id: player } });
  const bodies = {
    register: { token: session.token, fields: { name: "Ada", email: `${player}@example.com` }, consent: true },
    play: { token: session.token },
    finish: { token: session.token },
  };
  for (const name of steps) await step(`/api/v1/embed/sessions/${session.id}/${name}`, bodies[name]);
}

/** The console at `path`, signed in, at `viewport`. */
async function console_(path, viewport) {
  const opened = await openPage(browser, null, { viewport });
  await opened.context.addInitScript((token) => sessionStorage.setItem("adact.adminToken", token), ADMIN_TOKEN);
  await opened.page.goto(`${adact.url}${path}`);
  return opened;
}

/** With ADACT_SCREENSHOTS=dir, the page (or the element of a locator) as it is now. */
async function screenshot(target, name) {
  const dir = process.env.ADACT_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await target.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

// Each test has a server of its own; the browser is shared (each test
// opens its own context).
sharedBrowser((b) => (browser = b));
beforeEach(async () => {
  adact = await startAdact({ args: ["--stats-flush-interval", "200ms"] });
  // 12 views, 8 registrations (8 new players), 6 plays, 4 finishes.
  const plan = [[4, ["register", "play", "finish"]], [2, ["register", "play"]], [2, ["register"]], [4, []]];
  let visitor = 0;
  for (const [times, steps] of plan) {
    for (let i = 0; i < times; i += 1) await visit(`stats-${(visitor += 1)}`, steps);
  }
  const segment = (await adact.admin("GET", "/api/v1/segments")).data.find((s) => s.title === "Default Users");
  campaign = await adact.admin("GET", `/api/v1/campaigns/${segment.campaign_id}`);
  for (let i = 0; i < 100; i += 1) {
    const stats = await adact.admin("GET", `/api/v1/campaigns/${campaign.id}/stats`);
    if (stats.totals.views === 12) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail("the views were never written");
});

afterEach(async () => {
  await adact?.stop();
});

describe("campaign statistics in the console", () => {
  test("the campaign list shows each campaign's last 7 days", async () => {
    for (const [viewport, name] of [[DESKTOP, "desktop"], [PHONE, "phone"]]) {
      const { page, context, errors } = await console_("/admin/campaigns", viewport);
      const week = page.locator(`tr[data-campaign="${campaign.id}"] .week`);
      await week.waitFor();
      assert.equal(await week.locator('[data-week="views"] strong').textContent(), "12");
      assert.equal(await week.locator('[data-week="players"] strong').textContent(), "8");
      const wins = (await adact.admin("GET", `/api/v1/campaigns/${campaign.id}/stats`)).totals.wins;
      assert.equal(await week.locator('[data-week="wins"] strong').textContent(), String(wins));
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `nothing wider than the ${name} screen`);
      if (viewport === DESKTOP) {
        assert.ok(await page.locator(".table-campaigns").evaluate((t) => t.parentElement.scrollWidth <= t.parentElement.clientWidth),
          "the list fits at 1280 px");
      }
      await assertAccessible(page, `the campaign list (${name})`);
      await screenshot(page, `stats-campaigns-${viewport.width}`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test("a campaign's page shows the funnel, the daily chart and the days, on a phone and a desktop", async () => {
    for (const [viewport, name] of [[DESKTOP, "desktop"], [PHONE, "phone"]]) {
      const { page, context, errors } = await console_(`/admin/campaigns/${campaign.id}`, viewport);
      const results = page.locator("section.results");
      await results.locator(".results-chart canvas").first().waitFor();
      const steps = await results.locator(".funnel-step").evaluateAll((items) => items.map((li) => [
        li.querySelector(".funnel-label").textContent, li.querySelector(".funnel-value").textContent, li.querySelector(".funnel-rate").textContent,
      ]));
      assert.deepEqual(steps.slice(0, 3), [
        ["Views", "12", ""], ["Registrations", "8", "66.7% of views"], ["Plays", "6", "75% of registrations"],
      ]);
      assert.deepEqual(steps[4], ["Finishes", "4", "66.7% of plays"]);
      // The chart fits its card, and the screen.
      const [chart, card] = await Promise.all([
        results.locator(".results-chart canvas").first().boundingBox(),
        results.boundingBox(),
      ]);
      assert.ok(chart.width > 200 && chart.x + chart.width <= card.x + card.width + 1, `the chart fits (${name})`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `nothing wider than the ${name} screen`);
      // Seven days, in a table for reading the numbers.
      await results.getByLabel("Days").selectOption("7");
      await results.locator(".results-days summary").click();
      await page.waitForFunction(() => document.querySelectorAll(".table-results tbody tr").length === 7);
      const today = await results.locator(".table-results tbody tr").first().locator("td").first().textContent();
      assert.equal(today, "12");
      await assertAccessible(page, `a campaign's results (${name})`);
      await screenshot(results, `stats-campaign-${viewport.width}`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });

  test("the time zone is an account setting, and the results say which", async () => {
    const { page, context, errors } = await console_("/admin/integrations/players", DESKTOP);
    const settings = page.locator("#account-settings");
    await settings.getByLabel("Time zone").selectOption("Europe/Paris");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await page.locator(".toast", { hasText: "Europe/Paris" }).waitFor();
    assert.equal((await adact.admin("GET", "/api/v1/account/settings")).time_zone, "Europe/Paris");
    await assertAccessible(page, "the account settings");
    await page.goto(`${adact.url}/admin/campaigns/${campaign.id}`);
    await page.locator("section.results", { hasText: "Days in Europe/Paris time" }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
