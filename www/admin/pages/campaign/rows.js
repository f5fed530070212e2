// Rows that the admin adds and removes (prizes, form fields, questions):
// the list that numbers them, the `data-field` paths that follow a row's
// place, so the server's `definition.prizes[2].weight` finds its input, and
// the add and remove buttons.
import { h } from "../../dom.js";
import { toast } from "../../ui.js";

/**
 * The rows under `path`, starting with `items`, with the place for their
 * error and a "+ add" button, up to `max`: `nodes` go into the section.
 * Each row from `make(item)` has `node`, `setIndex(i, path)` and
 * `read(errors, options)`; the list dispatches `rows-changed` on changes.
 */
export function rowList(path, make, items, { add, max }) {
  const container = h("div", { class: "rows" });
  const rows = [];
  const renumber = () => rows.forEach((row, i) => row.setIndex(i, `${path}[${i}]`));
  const list = {
    add(item) {
      const row = make(item);
      row.remove = () => {
        rows.splice(rows.indexOf(row), 1);
        row.node.remove();
        renumber();
        container.dispatchEvent(new Event("rows-changed", { bubbles: true }));
        // Focus stays in the section: on the next row, else the add button.
        (rows[0]?.node ?? container).closest("section")?.querySelector(".row-actions button")?.focus();
      };
      rows.push(row);
      container.append(row.node);
      renumber();
      if (item === null) {
        container.dispatchEvent(new Event("rows-changed", { bubbles: true }));
        row.node.querySelector("input, select, textarea")?.focus();
      }
      return row;
    },
    rows: () => rows,
    count: () => rows.length,
    read: (errors, options) => rows.map((row) => row.read(errors, options)),
  };
  for (const item of items) list.add(item);
  list.nodes = [
    h("div", { "data-field": path }, h("p", { class: "field-error", hidden: true }), container),
    h("div", { class: "row-actions" }, addButton(add, () => list.add(null), () => list.count() >= max)),
  ];
  return list;
}

/**
 * The paths of a row's wrappers: `at(wrapper, suffix)` keeps one and
 * returns it; `set(path)` sets each one's `data-field` to
 * `${path}.${suffix}` (or `path` for "").
 */
export function rowPaths() {
  const wrappers = [];
  return {
    at(wrapper, suffix) {
      wrappers.push([wrapper, suffix]);
      return wrapper;
    },
    set(path) {
      for (const [wrapper, suffix] of wrappers) wrapper.dataset.field = suffix ? `${path}.${suffix}` : path;
    },
  };
}

export function removeButton(label, onclick) {
  return h("button", { type: "button", class: "btn btn-small btn-danger row-remove", "aria-label": label, onclick }, "Remove");
}

/** "+ label": adds a row unless `full()`, which a toast then says. */
function addButton(label, onclick, full) {
  const button = h("button", { type: "button", class: "btn btn-secondary btn-small" }, `+ ${label}`);
  button.addEventListener("click", () => {
    if (full()) return toast("That is as many as a campaign can have.", { kind: "error" });
    onclick();
  });
  return button;
}
