#!/usr/bin/env bash
# Refreshes src/Neocloud.Client/openapi.json (the document the typed client is generated from) from a freshly started
# exchange: builds the CLI, serves on 127.0.0.1:${OPENAPI_PORT:-5398} over a throwaway data folder, fetches
# /openapi/v1.json, stops it.
# Run it after changing an endpoint; the test OpenApiDocumentTests fails until the checked-in file matches the server.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v curl >/dev/null && command -v python3 >/dev/null || { echo "openapi: needs curl and python3" >&2; exit 1; }
port=${OPENAPI_PORT:-5398}
data=$(mktemp -d)
out=src/Neocloud.Client/openapi.json
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT

dotnet build src/Neocloud.Cli -v q -nologo >/dev/null
dotnet run --no-build --project src/Neocloud.Cli -- serve --urls "http://127.0.0.1:$port" --data "$data" >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  if curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$data/openapi.json"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$data/serve.log" >&2; exit 1; fi
  sleep 1
done
[ -s "$data/openapi.json" ] || { echo "openapi: the server did not answer on port $port" >&2; cat "$data/serve.log" >&2; exit 1; }
# The servers entry names the port this run happened to use; the checked-in document names serve's default instead.
python3 - "$data/openapi.json" "$out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
doc = {"openapi": doc["openapi"], "info": doc["info"], "servers": [{"url": "http://127.0.0.1:5080"}], **{k: v for k, v in doc.items() if k not in ("openapi", "info", "servers")}}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
PY
echo "wrote $out"
