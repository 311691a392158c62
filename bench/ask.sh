#!/bin/sh
# Time to first token of an asked question (bench/ask.mjs): a workspace with one document,
# the server on a free loopback port, a model service that sends a first piece then pauses.
#   BUILD=build bench/ask.sh [RUNS]
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ASURIF=$PWD/$BUILD/asurif
RUNS=${1:-50}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/asurif-ask.XXXXXX")
server="" client=""
trap 'kill $server $client 2>/dev/null; rm -rf "$TMP"' EXIT
"$ASURIF" init "$TMP/ws" >/dev/null
printf 'Délais de paiement\n\nLes coopératives attendent cent vingt jours le paiement de leurs marchés publics.\n' >"$TMP/doc.txt"
"$ASURIF" -w "$TMP/ws" add "$TMP/doc.txt" >/dev/null
printf 'bench password 1\n' | "$ASURIF" -w "$TMP/ws" user add bench --role viewer >/dev/null
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$ASURIF" -w "$TMP/ws" serve --listen "127.0.0.1:$port" >/dev/null 2>"$TMP/server.err" &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.1; done
node bench/ask.mjs "http://127.0.0.1:$port" bench "bench password 1" "$RUNS" "$TMP/model-port" >"$TMP/result.json" &
client=$!
until [ -s "$TMP/model-port" ]; do sleep 0.05; done
"$ASURIF" -w "$TMP/ws" ai config --base-url "http://127.0.0.1:$(cat "$TMP/model-port")/v1" --chat-model bench >/dev/null
touch "$TMP/model-port.go"
wait $client
client=""
jq -r '"| first streamed piece, model sent → SSE client read (\(.runs) questions) | \(.median_ms) | \(.p95_ms) | \(.max_ms) | ≤ 50 ms: \(if .p95_ms <= 50 then "met" else "**NOT met**" end) |"' "$TMP/result.json"
