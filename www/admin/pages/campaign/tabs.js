// The editor's tabs: an accessible tablist (arrow keys, Home and End) over
// one panel per group of sections. The selected tab is the URL's hash
// (#prizes), so a reload keeps it; a field that must be shown (an error, a
// "Show field" button) selects the tab that holds it first.
import { h } from "../../dom.js";

/**
 * `groups` is `[[id, label, nodes]]`. Returns `{ tablist, panels, select(id),
 * show(id, visible) }`; the panels listen for `reveal-field` (see ui.js).
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
    // The hash keeps the tab over a reload; replaced, so Back leaves the page.
    if (remember) history.replaceState(history.state, "", `#${id}`);
  }
  select(location.hash.slice(1));
  return {
    tablist,
    panels,
    select,
    /** Hides or shows a tab (the quiz's, with the game); a hidden selected tab gives way to the first. */
    show(id, visible) {
      tabs.get(id).tab.hidden = !visible;
      if (!visible && selected === id) select(groups[0][0]);
    },
  };
}
