#!/usr/bin/env bash
# Cluster load test with wrk: durable orders/s through `neocloud serve` on PostgreSQL (one machine) and through a
# cluster of 1, 2 and 3 `neocloud serve --cluster` nodes on the same PostgreSQL server (all on this machine, so the
# nodes, PostgreSQL and wrk share its cores), on one market group (GB300) and on two (GB300 and H100, two shards);
# then the latency of one client's orders sent to the node hosting the GB300 shard vs to a node that does not.
# Every configuration gets a fresh database.
# Usage: bench/load/cluster.sh [--seconds 10] [--connections 64] [--nodes "1 2 3"] [--no-single] [--cli path/to/neocloud.dll]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10; connections=64; node_counts="1 2 3"; single=1; cli=src/Neocloud.Cli/bin/Release/net10.0/neocloud.dll
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --nodes) node_counts=$2; shift 2 ;;
    --no-single) single=0; shift ;;
    --cli) cli=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 2; }
[ "$cli" != src/Neocloud.Cli/bin/Release/net10.0/neocloud.dll ] || dotnet build -c Release src/Neocloud.Cli -v q -nologo >/dev/null
admin_db=$(scripts/postgres.sh start)
work=$(mktemp -d)
# The nodes start in command substitutions (subshells), so their pids go to a file.
stop_all() {
  [ -f "$work/pids" ] || return 0
  while read -r p; do kill "$p" 2>/dev/null || true; done < "$work/pids"
  while read -r p; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done < "$work/pids"
  rm -f "$work/pids"
}
cleanup() { stop_all; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
new_db() {
  local name="bench_$RANDOM$RANDOM" host port user
  host=$(sed -E 's/.*Host=([^;]*).*/\1/' <<<"$admin_db"); port=$(sed -E 's/.*Port=([^;]*).*/\1/' <<<"$admin_db")
  user=$(sed -E 's/.*Username=([^;]*).*/\1/' <<<"$admin_db")
  psql -h "$host" -p "$port" -U "$user" -d postgres -qc "CREATE DATABASE $name" >/dev/null
  echo "${admin_db/Database=postgres/Database=$name}"
}
# start_node <db> <folder> [--cluster]: prints the node's URL once it listens.
start_node() {
  local db=$1 folder=$2; shift 2
  local port; port=$(free_port)
  local extra=()
  if [ "${1:-}" = "--cluster" ]; then extra=(--cluster --silo-port "$(free_port)" --gateway-port "$(free_port)"); fi
  mkdir -p "$folder"
  dotnet "$cli" serve --urls "http://127.0.0.1:$port" --data "$folder" --rate-limit 10000000 \
    --db "$db" "${extra[@]}" > "$folder/serve.log" 2>&1 &
  echo $! >> "$work/pids"
  for _ in $(seq 600); do grep -q "listening" "$folder/serve.log" 2>/dev/null && break; sleep 0.2; done
  grep -q "listening" "$folder/serve.log" || { cat "$folder/serve.log" >&2; exit 1; }
  echo "http://127.0.0.1:$port"
}
token() {
  curl -sf -X POST "$1/api/v1/admin/organizations/$2/tokens" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"label\":\"load\",\"scopes\":[$3]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
prepare() {
  local url=$1
  export NEOCLOUD_PROVIDER_TOKEN; NEOCLOUD_PROVIDER_TOKEN=$(token "$url" iren '"market:read","market:trade","pools:write"')
  NEOCLOUD_BUYER_TOKENS=""
  for buyer in microsoft meta openai google; do NEOCLOUD_BUYER_TOKENS+="$(token "$url" $buyer '"market:read","market:trade"'),"; done
  export NEOCLOUD_BUYER_TOKENS
  for pool in "bench GB300" "bench-h100 H100"; do
    set -- $pool
    curl -sf -X POST "$url/api/v1/pools" -H "Authorization: Bearer $NEOCLOUD_PROVIDER_TOKEN" -H 'Content-Type: application/json' \
      -d "{\"id\":\"$1\",\"sku\":\"$2\",\"region\":\"us-tx\",\"capacity\":[{\"start\":490000,\"end\":577600,\"gpus\":1000000}]}" >/dev/null
  done
}
# load <markets> <url>...: wrk on every URL at once (connections split between them); prints the summed orders/s.
load() {
  local markets=$1; shift
  local n=$# per=$((connections / $#)) total=0
  export NEOCLOUD_BENCH_MARKETS=$markets
  for url in "$@"; do wrk -t1 -c"$per" -d3s -s bench/load/orders.lua "$url" >/dev/null 2>&1 & done; wait
  local i=0
  for url in "$@"; do wrk -t1 -c"$per" -d"${seconds}s" -s bench/load/orders.lua "$url" > "$work/wrk.$i" 2>&1 & i=$((i + 1)); done; wait
  for f in "$work"/wrk.*; do total=$(python3 -c "import re,sys; print($total + float(re.search(r'Requests/sec:\s+([0-9.]+)', open('$f').read()).group(1)))"); done
  rm -f "$work"/wrk.*
  printf '%8.0f orders/s' "$total"
}
one=GB300:bench
two=GB300:bench,H100:bench-h100

echo "== durable orders/s, $connections connections, ${seconds}s (same machine: nodes, PostgreSQL and wrk share $(nproc) cores)"
if [ "$single" = 1 ]; then
  db=$(new_db); url=$(start_node "$db" "$work/single")
  admin=$(cat "$work/single/admin.token"); prepare "$url"
  echo "one machine, PostgreSQL:  one group $(load $one "$url")   two groups $(load $two "$url")"
  stop_all
fi

for nodes in $node_counts; do
  db=$(new_db); urls=()
  urls+=("$(start_node "$db" "$work/c$nodes-0" --cluster)")
  for i in $(seq 2 $nodes); do urls+=("$(start_node "$db" "$work/c$nodes-$i" --cluster)"); done
  admin=$(cat "$work/c$nodes-0/admin.token"); prepare "${urls[0]}"
  echo "cluster, $nodes node(s):       one group $(load $one "${urls[@]}")   two groups $(load $two "${urls[@]}")"
  if [ "$nodes" = 2 ]; then
    # Which node hosts the GB300 shard (rack-blackwell)? Send one client's orders to it, then to the other.
    cluster=$(curl -sf "${urls[0]}/api/v1/cluster" -H "Authorization: Bearer $admin")
    host=$(python3 -c 'import json,sys; c=json.loads(sys.argv[1]); s=next(x for x in c["shards"] if x["group"]=="rack-blackwell"); print(next(n["url"] for n in c["nodes"] if n["id"]==s["node"]))' "$cluster")
    other=$([ "$host" = "${urls[0]}" ] && echo "${urls[1]}" || echo "${urls[0]}")
    export NEOCLOUD_BENCH_MARKETS=$one
    for target in "$host hosting" "$other not-hosting" "$host hosting" "$other not-hosting"; do
      set -- $target
      printf 'latency, 1 connection, node %-12s ' "$2"
      wrk -t1 -c1 -d"${seconds}s" --latency -s bench/load/orders.lua "$1" | grep -E "  50%|  99%|Requests/sec" | tr -s ' ' | tr '\n' ' '; echo
    done
  fi
  stop_all
done
