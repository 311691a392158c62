#!/bin/sh
# Petitions under load: importing 100,000 paper signatures from a CSV and from XLSX (against sqlite3's
# own .import of the same file), the public signing page taking POSTs at a paced rate
# (wrk with a Lua script), and a kill -9 of the server during the load: every signature
# whose confirmation was received must be in the database.
#   bench/petition.sh [LOAD_SECONDS] [RATE]        (defaults: 60 s at 200 signatures/s)
# Everything is made again under $BUILD/bench-results/petition/ (a fresh workspace);
# writes petition.json there and prints a Markdown table.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
ASURIF=$BUILD/asurif
B=$BUILD/bench
OUT=$BUILD/bench-results/petition
LOAD_SECONDS=${1:-60}
RATE=${2:-200}
FAULT_SECONDS=10
ROWS=100000 # every 10th row repeats an earlier ID number: 90,000 distinct
for c in wrk sqlite3 jq curl; do
	command -v $c >/dev/null || { echo "bench/petition.sh: $c is missing" >&2; exit 1; }
done
[ -x "$ASURIF" ] || make -s BUILD="$BUILD" "$ASURIF"
[ -x "$B/peakrss" ] || make -s BUILD="$BUILD" "$B/peakrss"
log() { printf '%s\n' "bench: petition: $*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

rm -rf "$OUT"
mkdir -p "$OUT"
cd "$OUT"
WS=$OUT/ws
export ASURIF_WORKSPACE="$WS"
"$ASURIF" init "$WS" >/dev/null
commune=$("$ASURIF" territory "Béni Mellal" --level commune --json | jq -r '.territories[0].code')
campaign=$("$ASURIF" campaign new --title "Bench" --goal "Bench" --level commune --json | jq .id)
pid=$("$ASURIF" petition new --campaign "$campaign" --rule ma/commune --territory "$commune" --json | jq .id)
"$ASURIF" petition signing "$pid" on >/dev/null
key=$("$ASURIF" petition show "$pid" --json | jq -r .public_key)
# A second petition, empty, for the signing load and the fault (the first one gets the import).
pid2=$("$ASURIF" petition new --campaign "$campaign" --rule ma/commune --territory "$commune" --json | jq .id)
"$ASURIF" petition signing "$pid2" on >/dev/null
key2=$("$ASURIF" petition show "$pid2" --json | jq -r .public_key)

# ---- 1. import: 100,000 rows, 90,000 distinct ID numbers, every 10th row repeats an earlier one ----
awk -v rows=$ROWS -v commune="$commune" 'BEGIN {
	print "first_name,last_name,cin,address,commune_code"
	split("Amina Youssef Fatima Mohamed Khadija Omar Salma Hassan", fn, " ")
	split("Alaoui Bennani Idrissi Tazi Fassi Amrani Chraibi Berrada", ln, " ")
	k = 0
	for (i = 1; i <= rows; i++) {
		if (i % 10 == 0) c = 1000000 + (i * 7919) % k + 1   # an earlier distinct number
		else c = 1000000 + (++k)
		printf "%s,%s,IM%d,\"%d, Rue %d, Hay Al Amal\",%s\n", fn[i % 8 + 1], ln[int(i / 8) % 8 + 1], c, i % 97 + 1, i % 13 + 1, commune
	}
}' >signatures.csv
distinct=$(tail -n +2 signatures.csv | cut -d, -f3 | sort -u | wc -l)
log "import: $ROWS rows ($distinct distinct ID numbers), load $(load)"
load_import=$(load)
rc=0
"$B/peakrss" import-time.json "$ASURIF" petition import "$pid" signatures.csv --json >import.json 2>import.err || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "asurif petition import exited with $rc" >&2; cat import.err >&2; exit 1; }
"$B/peakrss" sqlite-time.json sqlite3 baseline.db ".import --csv signatures.csv signatures"
base_rows=$(sqlite3 baseline.db "SELECT count(*) FROM signatures")
after_import=$("$ASURIF" petition show "$pid" --json | jq -c .signatures)

# The same rows as an Excel workbook written by LibreOffice (shared strings), imported into a
# petition of another workspace so that the measurements below see the same database.
xlsx_time='null' xlsx_result='null' xlsx_unzipped='null'
if command -v soffice >/dev/null; then
	timeout 600 soffice -env:UserInstallation="file://$OUT/lo-profile" --headless --convert-to xlsx signatures.csv >/dev/null 2>&1 || true
fi
if [ -s signatures.xlsx ]; then
	"$ASURIF" init "$OUT/ws-xlsx" >/dev/null
	xcampaign=$("$ASURIF" -w "$OUT/ws-xlsx" campaign new --title "Bench" --goal "Bench" --level commune --json | jq .id)
	xpid=$("$ASURIF" -w "$OUT/ws-xlsx" petition new --campaign "$xcampaign" --rule ma/commune --territory "$commune" --json | jq .id)
	log "import: the same rows from XLSX, load $(load)"
	rc=0
	"$B/peakrss" import-xlsx-time.json "$ASURIF" -w "$OUT/ws-xlsx" petition import "$xpid" signatures.xlsx --json >import-xlsx.json 2>import-xlsx.err || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "asurif petition import (xlsx) exited with $rc" >&2; cat import-xlsx.err >&2; exit 1; }
	xlsx_time=$(cat import-xlsx-time.json)
	xlsx_result=$(jq -c '{added, duplicates, rejected}' import-xlsx.json)
	xlsx_unzipped=$(unzip -l signatures.xlsx | tail -n 1 | awk '{print $1}')
	rm -rf "$OUT/ws-xlsx" "$OUT/lo-profile"
else
	log "import from XLSX skipped: soffice (libreoffice-calc-nogui) is missing"
fi

# ---- the server and the wrk script ----
cat >sign.lua <<'EOF'
-- wrk -s sign.lua URL -- PREFIX RATE LOGDIR CSRF COMMUNE THREADS  (PREFIX: one letter)
-- POSTs the signing form, paced at RATE requests/s in all (split over the threads), each
-- with its own ID number PREFIX<thread letter><1000001+n>. One line per response in
-- LOGDIR/PREFIX-<thread>.log: "status confirmed cin" (the cin exact only with one
-- connection per thread, where requests and responses alternate).
local ffi = require("ffi")
ffi.cdef [[ typedef struct { long tv_sec; long tv_nsec; } bench_ts; int clock_gettime(int, bench_ts *); ]]
local ts = ffi.new("bench_ts")
local function now_ms() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end
local nthreads = 0
function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
end
local n, interval, next_at, out, letter, prefix, csrf, commune, current = 0
local headers = {}
function init(args)
	for k, v in pairs(wrk.headers) do headers[k] = v end -- the cookie given with -H
	headers["Content-Type"] = "application/x-www-form-urlencoded"
	prefix, csrf, commune = args[1], args[4], args[5]
	letter = string.char(64 + tid)
	interval = 1000 * tonumber(args[6]) / tonumber(args[2])
	out = io.open(args[3] .. "/" .. prefix .. "-" .. tid .. ".log", "w")
end
function delay()
	local t = now_ms()
	if not next_at or next_at < t - 1000 then next_at = t end
	local d = next_at - t
	next_at = next_at + interval
	if d < 0 then return 0 end
	return math.floor(d)
end
function request()
	n = n + 1
	current = prefix .. letter .. (1000000 + n)
	local body = "csrf=" .. csrf .. "&consent=yes&first_name=Amina&last_name=Alaoui&cin=" .. current ..
		"&address=Rue+5%2C+Hay+Al+Amal&commune=" .. commune
	return wrk.format("POST", nil, headers, body)
end
function response(status, headers, body)
	local ok = status == 200 and body:find('id="withdrawal-code"', 1, true) ~= nil
	out:write(status, " ", ok and 1 or 0, " ", current, "\n")
	out:flush()
end
EOF

port=$((30000 + $$ % 20000))
while curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do port=$((port + 1)); done
base="http://127.0.0.1:$port"
server=""
start_server() {
	ASURIF_SIGN_LIMIT=0 "$ASURIF" serve --listen "127.0.0.1:$port" >>server.log 2>&1 &
	server=$!
	i=0
	until curl -sf "$base/healthz" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 300 ] || { echo "the server did not start (see $OUT/server.log)" >&2; exit 1; }
		sleep 0.1
	done
}
trap '[ -z "$server" ] || kill $server 2>/dev/null' EXIT INT TERM
start_server
rss_rest=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

# One token and cookie (double submit), reused by every request.
curl -s -c jar -o page.html "$base/p/$key"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' page.html | head -n 1)
cookie=$(awk '$6 == "asurif_csrf" {print $7}' jar)
ecsrf=$(printf '%s' "$csrf" | jq -sRr @uri)
{ [ -n "$csrf" ] && [ -n "$cookie" ]; } || { echo "no CSRF token on the signing page" >&2; exit 1; }

# run_wrk NAME PREFIX THREADS CONNECTIONS SECONDS [KEY]
run_wrk() {
	wrk -t"$3" -c"$4" -d"$5s" --timeout 10s --latency -H "Cookie: asurif_csrf=$cookie" -s sign.lua \
		"$base/p/${6:-$key2}" -- "$2" "$RATE" "$OUT" "$ecsrf" "$commune" "$3" >"wrk-$1.txt" 2>&1
}
# tally PREFIX: "responses confirmed non200"
tally() { cat "$1"-*.log | awk '{n++; c += $2; if ($1 != 200) e++} END {printf "%d %d %d\n", n, c, e}'; }
online() { "$ASURIF" petition show "$pid2" --json | jq .signatures.by_channel.online; }

# ---- 2. the load: RATE signatures/s for LOAD_SECONDS ----
log "load: $RATE signatures/s for $LOAD_SECONDS s (wrk -t2 -c16), load $(load)"
load_sign=$(load)
run_wrk load L 2 16 "$LOAD_SECONDS"
rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
# shellcheck disable=SC2046 # three numbers
set -- $(tally L)
load_resp=$1 load_conf=$2 load_err=$3
load_stored=$(online)
load_rps=$(awk '/^Requests\/sec/ {print $2}' wrk-load.txt)
load_p50=$(awk '$1 == "50%" {print $2}' wrk-load.txt)
load_p90=$(awk '$1 == "90%" {print $2}' wrk-load.txt)
load_p99=$(awk '$1 == "99%" {print $2}' wrk-load.txt)
load_sockerr=$(sed -n 's/.*Socket errors: //p' wrk-load.txt)

# ---- 3. kill -9 during the load, restart, check every confirmed signature ----
log "fault: $FAULT_SECONDS s of load (wrk -t2 -c2), kill -9 of the server after 5 s, restart"
run_wrk fault F 2 2 "$FAULT_SECONDS" &
wrk_pid=$!
sleep 5
kill -9 "$server"
wait "$server" 2>/dev/null || true
killed_at=$(tally F)
t0=$(date +%s%N)
start_server
restart_s=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
wait "$wrk_pid" || true
# shellcheck disable=SC2086 # three numbers
set -- $killed_at
fault_conf_before=$2
# shellcheck disable=SC2046 # three numbers
set -- $(tally F)
fault_resp=$1 fault_conf=$2 fault_err=$3
fault_stored=$(($(online) - load_stored))
"$ASURIF" petition export "$pid2" --format csv -o export.csv >/dev/null 2>&1
awk '$2 == 1 {print $3}' F-*.log | sort -u >confirmed-F.txt
tr ',' '\n' <export.csv | grep '^F[A-Z][0-9]' | sort -u >stored-F.txt
missing=$(comm -23 confirmed-F.txt stored-F.txt | wc -l)
# The same page on the petition that holds the 100,000 imported signatures.
log "the signing page of the petition with the import: 10 s (wrk -t2 -c4)"
run_wrk heavy H 2 4 10 "$key"
# shellcheck disable=SC2046 # three numbers
set -- $(tally H)
heavy_conf=$2 heavy_err=$3
heavy_rps=$(awk '/^Requests\/sec/ {print $2}' wrk-heavy.txt)
heavy_p50=$(awk '$1 == "50%" {print $2}' wrk-heavy.txt)
heavy_p99=$(awk '$1 == "99%" {print $2}' wrk-heavy.txt)
kill "$server"
wait "$server" 2>/dev/null || true
server=""
integrity=$(sqlite3 "$WS/asurif.db" "PRAGMA integrity_check")
final=$("$ASURIF" petition show "$pid" --json | jq -c .signatures)

jq -n --argjson it "$(cat import-time.json)" --argjson st "$(cat sqlite-time.json)" --argjson imp "$(jq -c '{added, duplicates, rejected}' import.json)" \
	--argjson xt "$xlsx_time" --argjson xr "$xlsx_result" --argjson xu "$xlsx_unzipped" --argjson xbytes "$(stat -c %s signatures.xlsx 2>/dev/null || echo null)" \
	--argjson after_import "$after_import" --argjson final "$final" \
	--arg load_import "$load_import" --arg load_sign "$load_sign" --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" \
	--argjson rows $ROWS --argjson distinct "$distinct" --argjson base_rows "$base_rows" \
	--argjson rate "$RATE" --argjson secs "$LOAD_SECONDS" --arg rps "$load_rps" --arg p50 "$load_p50" --arg p90 "$load_p90" --arg p99 "$load_p99" \
	--argjson lresp "$load_resp" --argjson lconf "$load_conf" --argjson lerr "$load_err" --argjson lstored "$load_stored" --arg lsock "$load_sockerr" \
	--argjson fresp "$fault_resp" --argjson fconf "$fault_conf" --argjson fconf_before "$fault_conf_before" --argjson ferr "$fault_err" \
	--argjson fstored "$fault_stored" --argjson missing "$missing" --arg restart "$restart_s" --arg integrity "$integrity" \
	--arg hrps "$heavy_rps" --arg hp50 "$heavy_p50" --arg hp99 "$heavy_p99" --argjson hconf "$heavy_conf" --argjson herr "$heavy_err" \
	--argjson rss_rest "$rss_rest" --argjson rss_after "$rss_after" --argjson cpus "$(nproc)" '
{date: $date, cpus: $cpus,
 import: {rows: $rows, distinct: $distinct, time: $it, result: $imp, after: $after_import, load: $load_import,
          sqlite3: {time: $st, rows: $base_rows},
          xlsx: (if $xt then {time: $xt, result: $xr, bytes: $xbytes, unzipped_bytes: $xu} else null end)},
 load: {rate_asked: $rate, seconds: $secs, rps: ($rps | tonumber), p50: $p50, p90: $p90, p99: $p99, responses: $lresp,
        confirmed: $lconf, not_200: $lerr, socket_errors: $lsock, stored: $lstored, load: $load_sign,
        rss_rest_kb: $rss_rest, rss_after_kb: $rss_after},
 fault: {responses: $fresp, confirmed: $fconf, confirmed_before_kill: $fconf_before, not_200: $ferr, stored: $fstored,
         confirmed_missing: $missing, restart_s: ($restart | tonumber), integrity: $integrity},
 heavy: {rps: ($hrps | tonumber), p50: $hp50, p99: $hp99, confirmed: $hconf, not_200: $herr},
 final: $final}' >petition.json

jq -r '
  def f2: . * 100 | round / 100;
  def met(c): if c then "met" else "**NOT met**" end;
  "Measured \(.date), \(.cpus) CPUs; load average before the import \(.import.load), before the signing load \(.load.load).",
  "",
  "| figure | value | goal |",
  "|---|---:|---|",
  "| import of \(.import.rows) CSV rows (\(.import.distinct) distinct ID numbers): wall time | \(.import.time.wall_s | f2) s | < 30 s: \(met(.import.time.wall_s < 30)) |",
  "| import: peak RSS | \(.import.time.maxrss_kb / 1024 | f2) MB |  |",
  "| import: added / duplicates / rejected | \(.import.result.added) / \(.import.result.duplicates) / \(.import.result.rejected) | duplicates = \(.import.rows - .import.distinct): \(met(.import.result.duplicates == .import.rows - .import.distinct)) |",
  (if .import.xlsx then "| the same rows from an XLSX file written by LibreOffice (\(.import.xlsx.bytes / 1048576 | f2) MB, \(.import.xlsx.unzipped_bytes / 1048576 | f2) MB unpacked): wall time; peak RSS | \(.import.xlsx.time.wall_s | f2) s; \(.import.xlsx.time.maxrss_kb / 1024 | f2) MB | \(.import.xlsx.time.wall_s / .import.time.wall_s | f2)× the time from CSV; same result: \(met(.import.xlsx.result == .import.result)) |" else "| import from XLSX | not measured (soffice missing) |  |" end),
  "| baseline: `sqlite3 .import --csv` of the same file into a plain table | \(.import.sqlite3.time.wall_s | f2) s, \(.import.sqlite3.time.maxrss_kb / 1024 | f2) MB | asurif takes \(.import.time.wall_s / .import.sqlite3.time.wall_s | round)× its time |",
  "| signing page: POSTs paced at \(.load.rate_asked)/s for \(.load.seconds) s: achieved | \(.load.rps) req/s | ≥ \(.load.rate_asked)/s: \(met(.load.rps >= .load.rate_asked * 0.98)) |",
  "| latency p50 / p90 / p99 | \(.load.p50) / \(.load.p90) / \(.load.p99) |  |",
  "| responses / confirmations / not 200 | \(.load.responses) / \(.load.confirmed) / \(.load.not_200) |  |",
  "| online signatures in the database afterwards | \(.load.stored) | ≥ confirmations: \(met(.load.stored >= .load.confirmed)) (\(.load.stored - .load.confirmed) more: in flight when wrk stopped) |",
  "| server memory at rest / after the load | \(.load.rss_rest_kb / 1024 | floor) MB / \(.load.rss_after_kb / 1024 | floor) MB |  |",
  "| kill -9 during \(.fault.responses) POSTs: confirmations (before the kill) | \(.fault.confirmed) (\(.fault.confirmed_before_kill)) |  |",
  "| stored after the restart / confirmed ones missing | \(.fault.stored) / \(.fault.confirmed_missing) | none lost: \(met(.fault.confirmed_missing == 0 and .fault.stored >= .fault.confirmed)) |",
  "| restart time; `PRAGMA integrity_check` | \(.fault.restart_s | f2) s; \(.fault.integrity) |  |",
  "| the same POSTs for 10 s on the petition holding the \(.import.result.added + .import.result.duplicates) imported rows (4 connections): achieved | \(.heavy.rps) req/s, p50 \(.heavy.p50), p99 \(.heavy.p99) | ≥ \(.load.rate_asked)/s: \(met(.heavy.rps >= .load.rate_asked * 0.98)) |",
  "| its confirmations / not 200 | \(.heavy.confirmed) / \(.heavy.not_200) |  |"
' petition.json
