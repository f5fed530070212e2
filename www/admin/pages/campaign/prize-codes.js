// A prize's stock and codes: codes generated with a prefix, or uploaded
// from a CSV or text file that is read in the browser (codes.js) and sent
// with the next save, with what the server says is left.
import { parseCodes } from "../../codes.js";
import { h, replace } from "../../dom.js";
import { field } from "../../ui.js";
import { number, radioCards, text } from "./controls.js";

const MODES = [
  ["generate", "Generate codes", "A unique code for each win: your prefix and 10 random characters."],
  ["pool", "Upload my codes", "A CSV or text file, one code a line. Each is given once."],
];

/**
 * The stock field and the codes of `prize`, whose live state (stock left,
 * codes available and given) is `state`. `at` keeps the wrappers' paths in
 * the row; `isNew()` tells whether the prize is unsaved, so its stock
 * follows the codes read; `changed()` is called when a file is read.
 */
export function prizeCodes(prize, state, { at, isNew, changed }) {
  const stock = number({ value: prize?.stock ?? "", placeholder: "Unlimited" });
  const mode = radioCards("codes-mode", "Codes", MODES, prize?.codes?.pool ? "pool" : "generate");
  const prefix = text({ value: prize?.codes?.generate?.prefix ?? "", maxlength: "20", placeholder: "SHIP-", spellcheck: "false" });
  const file = h("input", { type: "file", accept: ".csv,.txt,text/csv,text/plain" });
  const read = h("p", { class: "codes-read", role: "status" });
  const pool = h("p", { class: "hint codes-pool" });
  let uploaded = []; // codes read from the file, sent on the next save
  let live = state;

  const stockField = field({ name: "stock", label: "Stock", input: stock });
  // Under the input, like the weight's chance, so the two inputs line up.
  const stockHint = h("p", { class: "hint" });
  stock.after(stockHint);
  const prefixField = field({ name: "prefix", label: "Code prefix", input: prefix, hint: "Optional, e.g. SHIP-. Up to 20 characters." });
  const fileField = field({ name: "pool", label: "Codes file", input: file });
  fileField.append(read, pool);

  const paintMode = () => {
    const isPool = mode.value() === "pool";
    prefixField.hidden = isPool;
    fileField.hidden = !isPool;
    stock.placeholder = isPool ? "" : "Unlimited";
    stockHint.textContent = isPool ? "How many can be won: at most the number of codes." : "How many can be won. Empty: unlimited.";
  };
  const paintPool = () => {
    if (!live) return replace(pool);
    const left = live.stock_remaining === null ? "unlimited stock" : `${live.stock_remaining} left in stock`;
    replace(pool, `Now: ${left}`, mode.value() === "pool" ? `, ${live.codes_available} codes available, ${live.codes_given} given. A file adds its codes to these.` : ".");
  };
  mode.wrapper.addEventListener("change", () => { paintMode(); paintPool(); });
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    const { codes, duplicates, header } = parseCodes(await chosen.text());
    uploaded = codes;
    replace(read,
      h("strong", null, `${codes.length} ${codes.length === 1 ? "code" : "codes"} read`), ` from ${chosen.name}`,
      duplicates ? ` · ${duplicates} ${duplicates === 1 ? "duplicate" : "duplicates"} left out` : "",
      header ? ` · header “${header}” skipped` : "",
      codes.length ? ". They are added when you save." : ". The file has no codes.");
    // A new prize's stock is its codes, unless the admin said otherwise.
    if (!stock.value && isNew()) stock.value = String(codes.length);
    changed();
  });
  paintMode();
  paintPool();

  return {
    stockField: at(stockField, "stock"),
    node: at(h("div", { class: "codes" }, h("p", { class: "field-error", hidden: true }), mode.wrapper, at(prefixField, "codes.generate.prefix"), at(fileField, "codes.pool")), "codes"),
    inStock: () => stock.value.trim() !== "0",
    /** The stock as a whole number, null when empty (unlimited); `whole` notes what is not one. */
    stock: (whole, path) => whole(stock, path, { optional: true }),
    /** The codes as the API takes them; `preview` leaves the uploaded ones out. */
    codes: ({ preview }) => (mode.value() === "pool"
      ? { pool: preview ? [] : uploaded }
      : { generate: { prefix: prefix.value.trim() } }),
    /** After a save: the live state; the uploaded codes are in now. */
    saved(savedState) {
      live = savedState;
      if (uploaded.length) replace(read, `${uploaded.length} codes from the file were added.`);
      uploaded = [];
      file.value = "";
      paintPool();
    },
  };
}
