// The editor's tabs: an accessible tablist (arrow keys, Home and End) over
// one panel per group of sections. The selected tab is the URL's hash
// (#prizes), so a reload keeps it; a field that must be shown (an error, a
// "Show field" button) selects the tab that holds it first.
import { h } from "../../dom.js";

/**
 * `groups` is `[[id, label, nodes]]`. Returns `{ tablist, row, panels,
 * select(id), show(id, visible) }` (`row` holds the tablist); the panels
 * listen for `reveal-field` (see ui.js).
 */
export function editorTabs(groups) {
  const tabs = new Map();
  const panels = groups.map(([id, label, nodes]) => {
    const tab = h("button", {
      type: "button", role: "tab", id: `tab-${id}`, class: "editor-tab",
      "aria-controls": `panel-${id}`, "aria-selected": "false", tabindex: "-1", "data-tab": id,
      onclick: () => select(id, { focus: false, remember: true }),
    }, label);
    const panel = h("div", { role: "tabpanel", id: `panel-${id}`, class: "editor-panel", "aria-labelledby": `tab-${id}`, hidden: true, "data-panel": id }, nodes);
    panel.addEventListener("reveal-field", () => select(id));
    tabs.set(id, { tab, panel });
    return panel;
  });
  const tablist = h("div", { role: "tablist", class: "editor-tabs", "aria-label": "Campaign settings" },
    [...tabs.values()].map(({ tab }) => tab));
  tablist.addEventListener("keydown", (event) => {
    const visible = [...tabs.values()].filter(({ tab }) => !tab.hidden).map(({ tab }) => tab);
    const at = visible.indexOf(document.activeElement);
    if (at < 0) return;
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: visible.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(visible[(next + visible.length) % visible.length].dataset.tab, { focus: true, remember: true });
  });

  // One row: when the tabs are wider than the form, the row scrolls, and a
  // fade and an arrow button on the side with more tabs say so
  // (data-more="start end"). The arrows are for the mouse: the keyboard
  // moves along the tabs with the arrow keys.
  const more = (side, label, by) => h("button", {
    type: "button", class: `tabs-more tabs-more-${side}`, tabindex: "-1", "aria-hidden": "true", title: label,
    onclick: () => tablist.scrollBy({ left: by * tablist.clientWidth * 0.6, behavior: "smooth" }),
  }, side === "start" ? "‹" : "›");
  const row = h("div", { class: "editor-tabs-row" }, tablist, more("start", "Earlier tabs", -1), more("end", "More tabs", 1));
  const paintOverflow = () => {
    const { scrollLeft, scrollWidth, clientWidth } = tablist;
    const sides = [scrollLeft > 1 && "start", scrollLeft + clientWidth < scrollWidth - 1 && "end"].filter(Boolean).join(" ");
    if (sides) row.dataset.more = sides;
    else delete row.dataset.more;
  };
  /** The selected tab in view, when the row scrolls (again once the row is laid out). */
  const reveal = () => {
    const tab = selected && tabs.get(selected).tab;
    if (!tab || !tablist.clientWidth) return;
    const { offsetLeft: left, offsetWidth: width } = tab;
    if (left < tablist.scrollLeft || left + width > tablist.scrollLeft + tablist.clientWidth) {
      tablist.scrollLeft = left - 32;
    }
  };
  tablist.addEventListener("scroll", paintOverflow, { passive: true });
  new ResizeObserver(() => {
    reveal();
    paintOverflow();
  }).observe(tablist);

  let selected = null;
  function select(id, { focus = false, remember = false } = {}) {
    if (!tabs.has(id) || tabs.get(id).tab.hidden) id = groups[0][0];
    selected = id;
    for (const [key, { tab, panel }] of tabs) {
      tab.setAttribute("aria-selected", String(key === id));
      tab.tabIndex = key === id ? 0 : -1;
      panel.hidden = key !== id;
    }
    if (focus) tabs.get(id).tab.focus();
    reveal();
    // The hash keeps the tab over a reload; replaced, so Back leaves the page.
    if (remember) history.replaceState(history.state, "", `#${id}`);
  }
  select(location.hash.slice(1));
  return {
    tablist,
    /** The tablist with its scroll arrows: what the page shows. */
    row,
    panels,
    select,
    /** Hides or shows a tab (the quiz's, with the game); a hidden selected tab gives way to the first. */
    show(id, visible) {
      tabs.get(id).tab.hidden = !visible;
      if (!visible && selected === id) select(groups[0][0]);
      paintOverflow();
    },
  };
}
