// A saved campaign's results, above its editor: the funnel of a range of
// days (views, registrations, plays, wins, finishes, and the share of each
// step that went on), the wins by prize, and a daily chart drawn with uPlot
// (vendored in /admin/vendor/uplot, loaded with the first chart) as two
// charts (views, then the steps after them), with the same days as a table for screen readers and for reading exact numbers.
// The days are the account's time zone's (Players & limits → Account
// settings).
import { api, query } from "../../api.js";
import { h, replace, uid } from "../../dom.js";

const RANGES = [[7, "Last 7 days"], [30, "Last 30 days"], [90, "Last 90 days"]];

// The two charts, each with its own scale (views are many more than the
// rest): key, label and colour (AA on white) of each line.
const CHARTS = [
  ["Views", 130, [["views", "Views", "#4338ca"]]],
  ["Registrations, plays and wins", 190, [
    ["registrations", "Registrations", "#0e7490"],
    ["plays", "Plays", "#b45309"],
    ["wins", "Wins", "#15803d"],
  ]],
];

const DAY_MS = 86_400_000;

let library = null;

/** uPlot and its stylesheet, loaded once. */
function uPlot() {
  if (!document.querySelector("link[data-uplot]")) {
    document.head.append(h("link", { rel: "stylesheet", href: "/admin/vendor/uplot/uPlot.min.css", "data-uplot": "" }));
  }
  library ??= import("/admin/vendor/uplot/uPlot.esm.js").then((module) => module.default);
  return library;
}

const count = (n) => (n ?? 0).toLocaleString();
const percent = (share) => (share === null || share === undefined ? "—" : `${(share * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })}%`);

/** `YYYY-MM-DD` `days - 1` days before `date`. */
function daysBefore(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
}

/** A short label of a day, as the account's calendar has it. */
const dayLabel = (date) => new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { timeZone: "UTC", day: "numeric", month: "short" });

/** `{ node, destroy() }` for the campaign `id`. */
export function resultsSection(id) {
  const rangeId = uid("results-range");
  const range = h("select", { id: rangeId, name: "range" }, RANGES.map(([days, label]) => h("option", { value: String(days), selected: days === 30 }, label)));
  const zone = h("p", { class: "muted small" });
  const funnel = h("div", { class: "results-funnel" }, h("p", { class: "muted" }, "Loading the results…"));
  const chart = h("figure", { class: "results-chart", "aria-labelledby": `${rangeId}-caption` });
  // It may scroll sideways on a phone: a region the keyboard can reach.
  const table = h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Numbers by day" });
  let plots = [];
  let today = null;
  const resize = new ResizeObserver(() => {
    for (const plot of plots) plot.setSize(size(chart, plot.height));
  });
  resize.observe(chart);

  async function load() {
    const days = Number(range.value);
    const params = today ? { from: daysBefore(today, days), to: today } : {};
    let series;
    try {
      series = await api.get(`/api/v1/campaigns/${encodeURIComponent(id)}/stats${query(params)}`);
    } catch (error) {
      replace(funnel, h("p", { class: "text-danger", role: "alert" }, `The results could not be loaded: ${error.message}`));
      return;
    }
    today ??= series.to;
    replace(zone, "Days in ", h("strong", null, series.time_zone), " time (", h("a", { href: "/admin/integrations/players#account-settings" }, "change"), "). Views are added every few seconds.");
    paintFunnel(series);
    paintTable(series);
    await paintChart(series);
  }

  function paintFunnel({ totals, funnel: rates, prizes }) {
    const widest = Math.max(totals.views, totals.registrations, totals.plays, 1);
    const steps = [
      ["Views", totals.views, null, null],
      ["Registrations", totals.registrations, rates.view_to_registration, "of views"],
      ["Plays", totals.plays, rates.registration_to_play, "of registrations"],
      ["Wins", totals.wins, rates.play_to_win, "of plays"],
      ["Finishes", totals.finishes, rates.play_to_finish, "of plays"],
    ];
    const won = prizes.filter((prize) => totals.wins_by_prize[prize.id]);
    replace(funnel,
      h("ol", { class: "funnel", "aria-label": "Funnel" }, steps.map(([label, value, rate, of]) => h("li", { class: "funnel-step" },
        h("span", { class: "funnel-label" }, label),
        h("span", { class: "funnel-value" }, count(value)),
        h("span", { class: "funnel-track", "aria-hidden": "true" },
          h("span", { class: "funnel-bar", style: `width: ${Math.max(0.5, (value / widest) * 100)}%` })),
        h("span", { class: "funnel-rate muted small" }, rate === null ? "" : `${percent(rate)} ${of}`)))),
      h("p", { class: "muted small" }, `${count(totals.players)} new ${totals.players === 1 ? "player" : "players"}.`),
      won.length > 0 && h("div", null,
        h("h3", null, "Wins by prize"),
        h("ul", { class: "plain prize-list" }, won.map((prize) => h("li", null,
          h("span", { class: "prize-name" }, prize.name ?? "A removed prize"),
          h("span", { class: "prize-stock" }, count(totals.wins_by_prize[prize.id])))))));
  }

  function paintTable({ days }) {
    replace(table, h("table", { class: "table table-results" },
      h("caption", { class: "visually-hidden" }, "Numbers by day"),
      h("thead", null, h("tr", null,
        h("th", { scope: "col" }, "Day"),
        // On a phone, short labels keep the five numbers on the screen.
        [["Views"], ["Registrations", "Reg."], ["Plays"], ["Wins"], ["Finishes", "Fin."]].map(([label, short]) => h("th", { scope: "col", class: "num" },
          short ? [h("span", { class: "label-long" }, label), h("abbr", { class: "label-short", title: label }, short)] : label)))),
      h("tbody", null, [...days].reverse().map((day) => h("tr", null,
        h("th", { scope: "row" }, h("time", { datetime: day.date }, dayLabel(day.date))),
        ["views", "registrations", "plays", "wins", "finishes"].map((key) => h("td", { class: "num" }, count(day[key]))))))));
  }

  async function paintChart({ days, from, to }) {
    const Plot = await uPlot();
    const x = days.map((day) => Date.parse(`${day.date}T00:00:00Z`) / 1000);
    const whole = (_, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? tick.toLocaleString() : ""));
    const axis = { stroke: "#545d6b", grid: { stroke: "#eef0f3" }, ticks: { stroke: "#e2e5ea" } };
    for (const plot of plots) plot.destroy();
    replace(chart, h("figcaption", { id: `${rangeId}-caption`, class: "visually-hidden" },
      `Views, then registrations, plays and wins, by day from ${from} to ${to}; the table below has the numbers.`));
    plots = CHARTS.map(([title, height, lines]) => {
      const options = {
        ...size(chart, height),
        title,
        // The days are the account's: drawn as dates, not in the browser's zone.
        tzDate: (ts) => Plot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        scales: { x: { time: true }, y: { range: (_, min, max) => [0, Math.max(4, max)] } },
        axes: [{ ...axis, space: 60 }, { ...axis, values: whole, size: 56 }],
        series: [
          { label: "Day", value: (_, ts) => (ts === null ? "—" : dayLabel(new Date(ts * 1000).toISOString().slice(0, 10))) },
          ...lines.map(([, label, stroke]) => ({
            label, stroke, width: 2, points: { size: 5, fill: stroke },
            value: (_, v) => (v === null || v === undefined ? "—" : v.toLocaleString()),
          })),
        ],
        // Pointing at a day in one chart shows it in both.
        cursor: { sync: { key: rangeId } },
        legend: { live: true },
        // The legend shows the last day until a day is pointed at.
        hooks: { ready: [(u) => u.setLegend({ idx: u.data[0].length - 1 })] },
      };
      const plot = new Plot(options, [x, ...lines.map(([key]) => days.map((day) => day[key]))], chart);
      plot.root.setAttribute("aria-hidden", "true");
      return plot;
    });
  }

  range.addEventListener("change", load);
  load();
  const node = h("section", { class: "card results", "aria-labelledby": `${rangeId}-title` },
    h("div", { class: "card-header card-header-row" },
      h("div", null, h("h2", { id: `${rangeId}-title` }, "Results"), zone),
      h("div", { class: "field field-inline" }, h("label", { for: rangeId }, "Days"), range)),
    h("div", { class: "results-grid" }, funnel, chart),
    h("details", { class: "results-days" }, h("summary", null, "Numbers by day"), table));
  return {
    node,
    destroy: () => {
      resize.disconnect();
      for (const plot of plots) plot.destroy();
    },
  };
}

/** A chart's size: its box's width, and `height`. */
function size(box, height) {
  return { width: Math.max(240, Math.floor(box.clientWidth || 600)), height };
}
