#!/usr/bin/env bash
# Durable orders/s with metrics and tracing on vs off, in one run: starts two `neocloud serve` (Release build) on
# 127.0.0.1 over temp SQLite files — "off" with --no-metrics and no --otlp; "on" with /metrics (scraped every second
# while it is loaded) and --otlp to a port where nothing listens (every request is traced; the exporter's batches fail
# to send, as with a collector down) — warms both, then alternates 10 s wrk runs of bench/load/orders.lua between them
# for --rounds rounds and prints each figure and the on/off ratio.
# --on "<serve options>" replaces what "on" adds (default: --otlp to a closed port), e.g. --on "" for metrics alone.
# --off "<serve options>" and --off-cli <neocloud.dll> do the same for "off" (e.g. --off "" --off-cli <an older build>).
# Usage: bench/load/telemetry.sh [--rounds 4] [--seconds 10] [--connections 64] [--cli path/to/neocloud.dll] [--on "…"]
#                                [--off "…"] [--off-cli path/to/neocloud.dll]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=4; seconds=10; connections=64; cli=""; on_options=default; off_options=--no-metrics; off_cli=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --cli) cli=$2; shift 2 ;;
    --on) on_options=$2; shift 2 ;;
    --off) off_options=$2; shift 2 ;;
    --off-cli) off_cli=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 2; }
if [ -z "$cli" ]; then
  dotnet build -c Release src/Neocloud.Cli -v q -nologo >/dev/null
  cli=src/Neocloud.Cli/bin/Release/net10.0/neocloud.dll
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=(); dirs=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "${dirs[@]}"' EXIT

# start <name> <neocloud.dll> <serve options…>: a server over a fresh data folder with a `bench` pool; sets url_<name> and tokens_<name>.
start() {
  local name=$1 binary=$2; shift 2
  local data; data=$(mktemp -d); dirs+=("$data")
  local url="http://127.0.0.1:$(free_port)"
  : > "$data/serve.log"
  dotnet "$binary" serve --urls "$url" --data "$data" --rate-limit 10000000 "$@" > "$data/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do grep -q "listening" "$data/serve.log" && break; sleep 0.2; done
  local admin; admin=$(cat "$data/admin.token")
  token() {
    curl -sf -X POST "$url/api/v1/admin/organizations/$1/tokens" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
      -d "{\"label\":\"load\",\"scopes\":[$2]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
  }
  local provider; provider=$(token iren '"market:read","market:trade","pools:write"')
  local buyers=""
  for buyer in microsoft meta openai google; do buyers+="$(token $buyer '"market:read","market:trade"'),"; done
  curl -sf -X POST "$url/api/v1/pools" -H "Authorization: Bearer $provider" -H 'Content-Type: application/json' \
    -d '{"id":"bench","sku":"GB300","region":"us-tx","capacity":[{"start":490000,"end":577600,"gpus":1000000}]}' >/dev/null
  printf -v "url_$name" '%s' "$url"
  printf -v "provider_$name" '%s' "$provider"
  printf -v "buyers_$name" '%s' "$buyers"
}

# load <name> <seconds>: durable orders/s against that server (the "on" server is scraped every second meanwhile).
load() {
  local name=$1 secs=$2 url provider buyers scraper=""
  url=$(eval echo "\$url_$name"); provider=$(eval echo "\$provider_$name"); buyers=$(eval echo "\$buyers_$name")
  if [ "$name" = on ]; then
    ( while true; do curl -sf "$url/metrics" >/dev/null || true; sleep 1; done ) &
    scraper=$!
  fi
  NEOCLOUD_PROVIDER_TOKEN=$provider NEOCLOUD_BUYER_TOKENS=$buyers \
    wrk -t2 -c"$connections" -d"${secs}s" -s bench/load/orders.lua "$url" 2>/dev/null | awk '/Requests\/sec/ {print $2}'
  if [ -n "$scraper" ]; then kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; fi
}

# shellcheck disable=SC2086 # the options are words
start off "${off_cli:-$cli}" $off_options
[ "$on_options" = default ] && on_options="--otlp http://127.0.0.1:$(free_port)"
# shellcheck disable=SC2086 # the options are words
start on "$cli" $on_options
load off 5 >/dev/null; load on 5 >/dev/null
echo "== POST orders (durable), $connections connections, ${seconds}s a run, SQLite; off = ${off_cli:+$off_cli }${off_options:-nothing}, on = /metrics scraped every 1 s + ${on_options:-nothing more}"
total_off=0; total_on=0
for round in $(seq "$rounds"); do
  # Alternate which goes first, so neither always runs on the warmer (or busier) machine.
  if [ $((round % 2)) -eq 1 ]; then off=$(load off "$seconds"); on=$(load on "$seconds"); else on=$(load on "$seconds"); off=$(load off "$seconds"); fi
  printf 'round %d: off %8.0f/s   on %8.0f/s   on/off %.3f\n' "$round" "$off" "$on" "$(python3 -c "print($on/$off)")"
  total_off=$(python3 -c "print($total_off+$off)"); total_on=$(python3 -c "print($total_on+$on)")
done
printf 'mean:    off %8.0f/s   on %8.0f/s   on/off %.3f\n' "$(python3 -c "print($total_off/$rounds)")" "$(python3 -c "print($total_on/$rounds)")" \
  "$(python3 -c "print($total_on/$total_off)")"
