#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benches, from Debian's
# `postgresql` package (installed when missing), with no systemd.
#
#   eval "$(bash scripts/pg.sh start)"   # exports ADACT_TEST_DATABASE_URL and ADACT_PG_DIR
#   bash scripts/pg.sh stop "$ADACT_PG_DIR"
#
# Trust authentication on 127.0.0.1 only: for tests, never for production.
# Extra server settings can be passed in PG_OPTIONS (e.g. "-c fsync=off").
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: '$*' needs root" >&2; exit 1
  fi
}

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ]; then
    echo "==> installing Debian's postgresql" >&2
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

# Runs a PostgreSQL tool as the unprivileged `postgres` user when we are
# root (PostgreSQL refuses to run as root), else as ourselves.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    bin=$(bindir)
    dir=$(mktemp -d /tmp/adact-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-instructions >"$dir/initdb.log"
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 ${PG_OPTIONS:-}" start >&2
    echo "export ADACT_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export ADACT_PG_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: pg.sh stop DIR}
    bin=$(bindir)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg.sh start | stop DIR" >&2
    exit 2
    ;;
esac
