#!/usr/bin/env bash
# `npm test`: every check and every test. Rust formatting and lints, the
# Rust unit, handler and flow tests, then the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
started=$(date +%s)

bash scripts/setup.sh --browser
node scripts/build-embed.mjs

cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked -p adact-embed --target wasm32-unknown-unknown -- -D warnings
cargo test --locked --workspace

# The flow tests built the debug server binary the browser tests start.
export ADACT_SERVER_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/adact-server"
node --test --test-concurrency=1 tests/browser/

echo "npm test: all checks passed in $(( $(date +%s) - started )) s" >&2
