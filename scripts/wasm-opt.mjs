// The wasm-opt arguments of the embed's build: scripts/build-embed.mjs runs
// them, and scripts/embed-size.mjs too (keeping names), so that what it
// measures is what ships.
//
// The features rustc enables by default for wasm32-unknown-unknown; wasm-opt
// must neither drop them nor use any others. `--low-memory-unused`: Rust's
// stack comes first in memory and grows down towards address 0, so the
// first 1 KB is never used (and reads there may fold into constant
// offsets): 0.1 KB brotli off. `--merge-similar-functions` first, before
// inlining hides them, folds the copies that generics and async blocks make
// of one function into one with parameters; `--flatten --rereloop` then
// rebuild the control flow of every function (the state machines of async
// blocks above all) in a form the two -Oz passes shrink further: together
// 0.85 KB gzip and 0.5 KB brotli off. A third -Oz, or --converge, finds
// nothing more.
export const wasmOptArgs = [
  "--low-memory-unused",
  "--merge-similar-functions", "--flatten", "--rereloop", "-Oz", "-Oz",
  "--enable-bulk-memory", "--enable-multivalue", "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int", "--enable-reference-types", "--enable-sign-ext",
];
