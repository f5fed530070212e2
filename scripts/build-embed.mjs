// Builds the embed: the Rust crate to wasm, wasm-bindgen's glue, wasm-opt,
// then www/dist/embed.js (glue + loader), the content-hashed wasm and
// embed.d.ts (the TypeScript declarations, as written), each with .gz and
// .br siblings that the server sends as they are. And the console: its ES
// modules and stylesheet bundled and minified by esbuild into
// www/dist/admin (so a phone loads it in one round trip, not a chain of
// imports), with .gz and .br siblings too.
//
// Usage: node scripts/build-embed.mjs   (scripts/setup.sh installs the tools)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";

import { gzipAsync } from "@gfx/zopfli";

import { build, transformSync } from "esbuild";

import { named, namesOf } from "../www/admin/openapi-names.js";
import { shortenNames } from "./wasm-names.mjs";
import { wasmOptArgs } from "./wasm-opt.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = process.env.CARGO_TARGET_DIR || join(root, "target");
const bindgenDir = join(target, "embed-bindgen");
const dist = join(root, "www", "dist");

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: "inherit" });
}

run("cargo", [
  "build", "--quiet", "-p", "adact-embed", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release",
]);
rmSync(bindgenDir, { recursive: true, force: true });
run("wasm-bindgen", [
  "--target", "no-modules", "--no-typescript",
  "--remove-name-section", "--remove-producers-section",
  "--out-dir", bindgenDir,
  join(target, "wasm32-unknown-unknown", "wasm-release", "adact_embed.wasm"),
]);
const wasmIn = join(bindgenDir, "adact_embed_bg.wasm");
const wasmOut = join(bindgenDir, "adact_embed_opt.wasm");
run(join(root, "node_modules", ".bin", "wasm-opt"), [
  ...wasmOptArgs, "--strip-debug", "--strip-producers",
  wasmIn, "-o", wasmOut,
]);

const { wasm, glue } = shortenNames(readFileSync(wasmOut), readFileSync(join(bindgenDir, "adact_embed.js"), "utf8"), {
  module: "./adact_embed_bg.js",
  keep: ["memory"],
});
const hash = createHash("sha256").update(wasm).digest("hex").slice(0, 16);
const wasmName = `adact-embed.${hash}.wasm`;
// The build's hash in a custom section named "adact", so that the loader can
// tell, once it compiled the wasm from its stable URL (/embed.wasm, which
// the snippet preloads beside embed.js), that it is this build's.
const leb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const sectionBody = [...leb(5), ...Buffer.from("adact"), ...Buffer.from(hash)];
const versioned = Buffer.concat([wasm, Buffer.from([0, ...leb(sectionBody.length), ...sectionBody])]);
const loader = readFileSync(join(root, "embed", "js", "loader.js"), "utf8")
  .replace("__ADACT_WASM__", wasmName)
  .replace("__ADACT_VERSION__", hash);
// The API's names, from its checked-in document (docs/openapi.json, the
// server's: a test says so). The loader's codes for "nothing will render
// here" must be error codes the API has.
const apiNamesOf = namesOf(JSON.parse(readFileSync(join(root, "docs", "openapi.json"), "utf8")));
for (const code of JSON.parse(loader.match(/var NONE_CODES = (\[[^\]]*\]);/)[1])) named(apiNamesOf.ERROR_CODES, code);
// One function scope: the glue's `wasm_bindgen` stays out of the page.
const bundle = `(function () {\n"use strict";\n${glue}\n${loader}\n})();\n`;
const script = `/*! Adact embed ${hash} */\n` + transformSync(bundle, { minify: true, target: "es2019" }).code;

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "embed"), { recursive: true });
const types = readFileSync(join(root, "embed", "js", "embed.d.ts"));
const sizes = [];
for (const [path, body] of [
  [join(dist, "embed.js"), Buffer.from(script)],
  [join(dist, "embed", wasmName), versioned],
  [join(dist, "embed.d.ts"), types],
  [join(dist, "embed.wasm"), versioned],
]) {
  // Zopfli writes ordinary gzip that every browser reads, about 5 % smaller
  // than zlib's best (4 KB off the wasm), at a few seconds of build time.
  const gz = Buffer.from(await gzipAsync(body, { numiterations: 15 }));
  const br = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  writeFileSync(path, body);
  writeFileSync(`${path}.gz`, gz);
  writeFileSync(`${path}.br`, br);
  sizes.push({ file: path.slice(root.length + 1), raw: body.length, gzip: gz.length, brotli: br.length });
}
// The console: one bundle (the shell and every page: a chunk per page would
// cost a phone one more round trip for the code they share, 35 KB brotli in
// all), the preview frame's, and the stylesheet.
const consoleDir = join(dist, "admin");
// The API's names the console uses (www/admin/api-names.js, which served as
// written reads them from the server) as constants of the bundle: the names
// alone, not the document, and no request for it.
const apiNames = {
  name: "api-names",
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]www[\\/]admin[\\/]api-names\.js$/ }, () => {
      const names = Object.entries(apiNamesOf).map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`);
      return {
        contents: [`export { keyedBy, named } from "./openapi-names.js";`, ...names].join("\n"),
        resolveDir: join(root, "www", "admin"),
        watchFiles: [join(root, "docs", "openapi.json")],
      };
    });
  },
};
const bundled = await build({
  absWorkingDir: root,
  entryPoints: ["www/admin/app.js", "www/admin/preview.js", "www/admin/style.css"],
  outdir: consoleDir,
  bundle: true,
  // Vendored libraries a page loads when it needs them (uPlot, with the
  // first chart) stay files of their own, served from www/admin/vendor.
  external: ["/admin/vendor/*"],
  format: "esm",
  minify: true,
  target: "es2020",
  plugins: [apiNames],
  write: false,
  logLevel: "warning",
});
let consoleRaw = 0;
let consoleBr = 0;
for (const file of bundled.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  const body = Buffer.from(file.contents);
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(file.path, body);
  writeFileSync(`${file.path}.br`, br);
  writeFileSync(`${file.path}.gz`, Buffer.from(await gzipAsync(body, { numiterations: 5 })));
  consoleRaw += body.length;
  consoleBr += br.length;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const s of sizes.slice(0, 3)) {
  console.log(`${s.file.padEnd(48)} ${kb(s.raw).padStart(9)} raw ${kb(s.gzip).padStart(9)} gzip ${kb(s.brotli).padStart(9)} br`);
}
// What a page loads: the script and the wasm (not the declarations).
const loaded = sizes.slice(0, 2);
const total = (key) => kb(loaded.reduce((t, s) => t + s[key], 0));
console.log(`embed.js + wasm: ${total("gzip")} gzip, ${total("brotli")} brotli`);
console.log(`console (www/dist/admin, ${bundled.outputFiles.length} files): ${kb(consoleRaw)} raw, ${kb(consoleBr)} brotli`);
