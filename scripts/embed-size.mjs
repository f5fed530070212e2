// What the embed's wasm is made of, by crate: the wasm-release build again
// through wasm-bindgen and wasm-opt but keeping function names, then
// twiggy's list of every item, summed by the crate each function is named
// after (data segments, imports and the like apart).
//
// Usage: npm run build && node scripts/embed-size.mjs
// Needs twiggy: `cargo install twiggy` (about 3 minutes, once).
//
// Bytes are raw, before compression, and approximate by nature: LTO inlines
// across crates, so code lands in whichever function it was inlined into
// (the render's future, named after js-sys's future_to_promise, holds the
// decoding of the render's answer, for one). docs/benchmarks.md, "Embed size", has the
// gzip cost of each package measured by building without it.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { wasmOptArgs } from "./wasm-opt.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = process.env.CARGO_TARGET_DIR || join(root, "target");
const dir = join(target, "embed-size");
const run = (command, args) => execFileSync(command, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });

try {
  run("twiggy", ["--version"]);
} catch {
  console.error("twiggy is not installed: cargo install twiggy");
  process.exit(2);
}
rmSync(dir, { recursive: true, force: true });
run("wasm-bindgen", [
  "--target", "no-modules", "--no-typescript", "--keep-debug", "--out-dir", dir,
  join(target, "wasm32-unknown-unknown", "wasm-release", "adact_embed.wasm"),
]);
const named = join(dir, "named.wasm");
// The same optimisation as scripts/build-embed.mjs, keeping names (-g).
run(join(root, "node_modules", ".bin", "wasm-opt"), [...wasmOptArgs, "-g", join(dir, "adact_embed_bg.wasm"), "-o", named]);

/** The crate a twiggy item belongs to, or what kind of item it is. */
function owner(name) {
  if (name.startsWith('"') || name.includes("subsection")) return null; // the names themselves
  if (name.startsWith("data segment")) return "(data: strings, the stylesheet, tables)";
  if (name.startsWith("import ")) return "(imports from the glue)";
  if (name.startsWith("export ")) return "(exports)";
  // The first crate named: `<a::B as c::D>::f` is a's, `<f64 as
  // core[hash]::fmt::Display>::fmt` core's; `<char>::f` is core's too.
  const path = name.match(/([a-z_][a-z0-9_]*)(\[[0-9a-f]+\])?::/);
  if (path) return path[1];
  if (/^<(char|str|f32|f64|[iu](8|16|32|64|128|size)|bool)>::/.test(name)) return "core";
  return "(other: wasm-bindgen's shims, unnamed code)";
}

const csv = run("twiggy", ["top", "-n", "1000000", "-f", "csv", named]).trim().split("\n").slice(1);
const totals = new Map();
for (const line of csv) {
  // Name,ShallowSize,...: the name may be quoted and hold commas.
  const match = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
  if (!match) continue;
  const name = match[1].startsWith('"') ? match[1].slice(1, -1).replaceAll('""', '"') : match[1];
  const crate = owner(name);
  if (crate) totals.set(crate, (totals.get(crate) || 0) + Number(match[2]));
}
const all = [...totals.values()].reduce((a, b) => a + b, 0);
console.log("The embed's wasm by crate, raw bytes before compression (twiggy, names kept):");
for (const [crate, bytes] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(`${crate.padEnd(44)} ${(bytes / 1024).toFixed(1).padStart(6)} KB ${((100 * bytes) / all).toFixed(1).padStart(5)} %`);
}
console.log(`${"total".padEnd(44)} ${(all / 1024).toFixed(1).padStart(6)} KB`);
