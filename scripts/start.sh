#!/usr/bin/env bash
# `npm start`: builds what is needed, then serves the demo on SQLite
# (./adact.db) at http://127.0.0.1:8080. Extra arguments go to the server:
# `npm start -- --bind 0.0.0.0:8080`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build-embed.mjs
cargo build --release --locked -p adact-server
exec "${CARGO_TARGET_DIR:-target}/release/adact-server" --demo "$@"
