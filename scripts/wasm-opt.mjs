// The wasm-opt arguments of the embed's build: scripts/build-embed.mjs runs
// them, and scripts/embed-size.mjs too (keeping names), so that what it
// measures is what ships.
//
// The features rustc enables by default for wasm32-unknown-unknown; wasm-opt
// must neither drop them nor use any others. `--low-memory-unused`: Rust's
// stack comes first in memory and grows down towards address 0, so the
// first 1 KB is never used (and reads there may fold into constant
// offsets): 0.1 KB brotli off. `--one-caller-inline-max-function-size 20`:
// by default -Oz inlines every function that has one caller, whatever its
// size, so the embed's few entry points (the render, the play, the end
// screen) each absorbed dozens of helpers into one huge function; keeping
// those over 20 bytes apart makes the wasm 0.9 KB larger raw but 4.0 KB
// smaller gzipped and 2.5 KB smaller with brotli, the sizes that go over
// the wire (10 to 30 do about as well; 0 or 100 lose a quarter of it).
// `--flatten --rereloop` then rebuild every function's control flow (the
// state machines of async blocks above all) in a form the two -Oz passes
// shrink further: 0.3 KB gzip and 0.2 KB brotli off. A third -Oz,
// --converge, or `--merge-similar-functions` find nothing more.
export const wasmOptArgs = [
  "--low-memory-unused",
  "--one-caller-inline-max-function-size", "20", "--flatten", "--rereloop", "-Oz", "-Oz",
  "--enable-bulk-memory", "--enable-multivalue", "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int", "--enable-reference-types", "--enable-sign-ext",
];
