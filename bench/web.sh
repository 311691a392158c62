#!/bin/sh
# The web server's speed: requests per second and latency with wrk over keep-alive on
# loopback, for the dashboard, a document page and a search page, on a workspace with
# the Moroccan law corpus; and the server's memory at rest.
#   bench/web.sh WORKSPACE [SECONDS]
# Writes $BUILD/bench-results/web.json and prints a table.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ASURIF=$PWD/$BUILD/asurif
case $BUILD in /*) ASURIF=$BUILD/asurif ;; esac
WS=${1:?usage: bench/web.sh WORKSPACE [SECONDS]}
SECONDS_EACH=${2:-10}
OUT=$BUILD/bench-results
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "bench/web.sh: wrk is missing (scripts/deps.sh --bench installs it)" >&2; exit 1; }

login=bench-admin
password="bench password $$"
if ! "$ASURIF" -w "$WS" user list --json | grep -q "\"$login\""; then
	printf '%s\n' "$password" | "$ASURIF" -w "$WS" user add "$login" --role admin >/dev/null
else
	printf '%s\n' "$password" | "$ASURIF" -w "$WS" user passwd "$login" >/dev/null
fi
port=$((30000 + $$ % 20000))
base="http://127.0.0.1:$port"
"$ASURIF" -w "$WS" serve --listen "127.0.0.1:$port" >"$OUT/web-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
i=0
until curl -sf "$base/healthz" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "the server did not start" >&2; exit 1; }
	sleep 0.1
done
rss_rest=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

jar=$(mktemp)
curl -s -c "$jar" -b "$jar" -o "$OUT/signin.html" "$base/signin"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$OUT/signin.html" | head -n 1)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "login=$login" \
	--data-urlencode "password=$password" "$base/signin"
cookie=$(awk '$6 == "asurif_session" {print $7}' "$jar")
rm -f "$jar"
[ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }

doc=$("$ASURIF" -w "$WS" docs --json | jq '.documents[length / 2 | floor].doc_id')
q=$(printf 'تمويل المقاولات الصغيرة' | jq -sRr @uri)
{
	echo "{"
	first=1
	for page in "dashboard /" "document /documents/$doc" "search /search?q=$q"; do
		set -- $page
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: asurif_session=$cookie" "$base$2")
		[ "$code" = 200 ] || { echo "$1 answered $code" >&2; exit 1; }
		wrk -t2 -c32 -d"${SECONDS_EACH}s" --latency -H "Cookie: asurif_session=$cookie" "$base$2" >"$OUT/wrk-$1.txt"
		rps=$(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk-$1.txt")
		p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk-$1.txt")
		p50=$(awk '$1 == "50%" {print $2}' "$OUT/wrk-$1.txt")
		[ $first -eq 1 ] || echo ","
		first=0
		printf '"%s": {"rps": %s, "p50": "%s", "p99": "%s"}' "$1" "$rps" "$p50" "$p99"
	done
	rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
	printf ',\n"rss_rest_kb": %s, "rss_after_kb": %s, "threads": %s\n}\n' "$rss_rest" "$rss_after" "$(nproc)"
} >"$OUT/web.json"
jq -r '"| page | requests/s | p50 | p99 |", "|---|---:|---:|---:|",
  (to_entries[] | select(.value | type == "object") | "| \(.key) | \(.value.rps) | \(.value.p50) | \(.value.p99) |"),
  "", "server memory at rest: \(.rss_rest_kb / 1024 | floor) MB; after the runs: \(.rss_after_kb / 1024 | floor) MB"' "$OUT/web.json"
