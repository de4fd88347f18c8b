#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the tests (if one is not already running there) and prints
# its Npgsql connection string. Usage: scripts/postgres.sh [start|stop]. Port: $NEOCLOUD_PG_PORT (default 55432).
set -euo pipefail
port=${NEOCLOUD_PG_PORT:-55432}
dir=${NEOCLOUD_PG_DIR:-/tmp/neocloud-pg-$port}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed: run scripts/install-test-deps.sh" >&2
  exit 3
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 >/dev/null
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200" start >/dev/null
fi
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true"
