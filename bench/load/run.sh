#!/usr/bin/env bash
# Load test with wrk (Debian package): starts `neocloud serve` (Release build) on 127.0.0.1 over a temp SQLite file,
# or PostgreSQL with --db "<connection string>", then runs 64 connections for 10 s against GET /healthz and against
# durable order placement (after five seconds of warm-up on each), and prints both so they can be compared in the same run,
# each with the server process's CPU time per request.
# With --credit every trading organization gets a credit limit (a trillion dollars: checked on every order, never short).
# With --alerts N the buyers set N price alerts on GB300 first (every kind), priced from $3.00 to $6.99: above the $2.00–2.49
# band the bench's trades print in, so each is decided by the first prints and none crosses again (what evaluating costs);
# with --alerts-spread N priced from $1.00 to $5.00 (about one in eight in the band); with --alerts-in-band N all in the
# band. The bench draws each price independently, so an alert in the band crosses at almost every commit (what crossing
# costs: each trigger is an event, journaled with its alert's state).
# Usage: bench/load/run.sh [--db "Host=…"] [--seconds 10] [--connections 64] [--credit] [--alerts N | --alerts-spread N | --alerts-in-band N]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10; connections=64; db=(); credit=0; alerts=0; low=300; span=400
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=(--db "$2"); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --credit) credit=1; shift ;;
    --alerts) alerts=$2; shift 2 ;;
    --alerts-spread) alerts=$2; low=100; span=401; shift 2 ;;
    --alerts-in-band) alerts=$2; low=200; span=50; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 2; }
dotnet build -c Release src/Neocloud.Cli -v q -nologo >/dev/null
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
dotnet src/Neocloud.Cli/bin/Release/net10.0/neocloud.dll serve --urls "$url" --data "$data" --rate-limit 10000000 --address-rate-limit 10000000 "${db[@]}" > "$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q "listening" "$data/serve.log" && break; sleep 0.2; done
admin=$(cat "$data/admin.token")
token() {
  curl -sf -X POST "$url/api/v1/admin/organizations/$1/tokens" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"label\":\"load\",\"scopes\":[$2]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
export NEOCLOUD_PROVIDER_TOKEN=$(token iren '"market:read","market:trade","pools:write"')
NEOCLOUD_BUYER_TOKENS=""
for buyer in microsoft meta openai google; do NEOCLOUD_BUYER_TOKENS+="$(token $buyer '"market:read","market:trade"'),"; done
export NEOCLOUD_BUYER_TOKENS
if [ "$credit" = 1 ]; then
  for organization in iren microsoft meta openai google; do
    curl -sf -X PUT "$url/api/v1/admin/organizations/$organization/credit" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
      -d '{"limitUsd":"1000000000000.00"}' >/dev/null
  done
fi
curl -sf -X POST "$url/api/v1/pools" -H "Authorization: Bearer $NEOCLOUD_PROVIDER_TOKEN" -H 'Content-Type: application/json' \
  -d '{"id":"bench","sku":"GB300","region":"us-tx","capacity":[{"start":490000,"end":577600,"gpus":1000000}]}' >/dev/null
if [ "$alerts" -gt 0 ]; then
  IFS=, read -r -a buyer_tokens <<< "$NEOCLOUD_BUYER_TOKENS"
  kinds=(best_ask_below best_bid_above last_trade_below last_trade_above curve_below curve_above)
  for i in $(seq 0 $((alerts - 1))); do
    kind=${kinds[$((i % 6))]}
    cents=$((low + i * 37 % span))
    price=$(printf '%d.%02d' $((cents / 100)) $((cents % 100)))
    case $kind in
      curve_*) extra=",\"month\":\"$(date -u -d "+$((i % 24)) month" +%Y-%m)\"" ;;
      *) extra=$([ $((i % 5)) = 0 ] && echo ',"region":"us-tx"' || echo '') ;;
    esac
    curl -sf -X POST "$url/api/v1/alerts" -H "Authorization: Bearer ${buyer_tokens[$((i % ${#buyer_tokens[@]}))]}" -H 'Content-Type: application/json' \
      -d "{\"sku\":\"GB300\",\"kind\":\"$kind\",\"price\":\"$price\"$extra}" >/dev/null
  done
fi
# Warm up both paths first (connection pools, the bulk of the JIT's tiering; it is still busy for a while after).
wrk -t2 -c"$connections" -d5s "$url/healthz" >/dev/null
wrk -t2 -c"$connections" -d5s -s bench/load/orders.lua "$url" >/dev/null 2>&1
# One measured phase (wrk's arguments), then the server process's own CPU time (user + system, from /proc) per request
# served: steadier than requests/s on a shared machine. PostgreSQL's own processes are not counted.
phase() {
  local before after out requests
  before=$(awk '{print $14 + $15}' "/proc/$server/stat")
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")
  after=$(awk '{print $14 + $15}' "/proc/$server/stat")
  echo "$out" | grep -E "Requests/sec|  50%|  99%|Non-2xx"
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "Server CPU per request: $(( (after - before) * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) )) µs"
}
echo "== GET /healthz (trivial), $connections connections, ${seconds}s, store ${db[1]:-SQLite}$([ "$credit" = 1 ] && echo ', every organization limited')$([ "$alerts" -gt 0 ] && echo ", $alerts alerts set from \$$((low / 100)).$(printf %02d $((low % 100))) over $span cents")"
phase "$url/healthz"
echo "== POST orders (durable), $connections connections, ${seconds}s"
phase -s bench/load/orders.lua "$url"
