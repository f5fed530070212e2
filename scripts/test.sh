#!/usr/bin/env bash
# `npm test`: every check and every test. The embed's TypeScript
# declarations, Rust formatting and lints, the Rust unit, handler and flow
# tests, then the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
started=$(date +%s)

bash scripts/setup.sh --browser
node scripts/build-embed.mjs

# The embed's TypeScript declarations: valid, and they type a page's calls.
node_modules/.bin/tsc -p tests/types

cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked -p adact-embed --target wasm32-unknown-unknown -- -D warnings

# Every test runs on both backends: SQLite, then PostgreSQL. Without a
# server in ADACT_TEST_DATABASE_URL, a throwaway cluster is started (and
# Debian's postgresql installed when missing).
if [ -z "${ADACT_TEST_DATABASE_URL:-}" ]; then
  eval "$(bash scripts/pg.sh start)"
  trap 'bash scripts/pg.sh stop "$ADACT_PG_DIR"' EXIT
fi
pg_url=$ADACT_TEST_DATABASE_URL
# The flow tests build the debug server binary the browser tests start.
export ADACT_SERVER_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/adact-server"

echo "==> tests on SQLite" >&2
ADACT_TEST_DATABASE_URL= cargo test --locked --workspace
ADACT_TEST_DATABASE_URL= node --test --test-concurrency=1 tests/browser/

echo "==> tests on PostgreSQL" >&2
ADACT_TEST_DATABASE_URL=$pg_url cargo test --locked --workspace
ADACT_TEST_DATABASE_URL=$pg_url node --test --test-concurrency=1 tests/browser/

echo "npm test: all checks passed in $(( $(date +%s) - started )) s" >&2
