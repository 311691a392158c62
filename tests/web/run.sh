#!/bin/sh
# Browser tests: Debian's Chromium, driven by playwright-core, against the real server
# on a free loopback port, with a fresh workspace (accounts, the demo documents, a
# document whose title is a script). Screenshots go to $BUILD/screenshots.
#   BUILD=build tests/web/run.sh [FILE.test.mjs...]
# Ends with "# passed N failed M"; exits non-zero when anything failed or is missing.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) B=$BUILD ;; *) B=$ROOT/$BUILD ;; esac
ASURIF=${ASURIF:-$B/asurif}
case $ASURIF in /*) ;; *) ASURIF=$ROOT/$ASURIF ;; esac
FIXTURES=${FIXTURES:-$B/fixtures}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
SCREENSHOTS=${SCREENSHOTS:-$B/screenshots}
WEB=$ROOT/tests/web

# Missing tools are a failure, never a silent skip.
die() {
	echo "browser tests: $*" >&2
	echo "# passed 0 failed 1"
	exit 1
}
command -v node >/dev/null 2>&1 || die "node is missing (scripts/deps.sh --test installs nodejs)"
command -v npm >/dev/null 2>&1 || die "npm is missing (scripts/deps.sh --test installs it)"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || die "node 20 or later is needed, found $(node --version)"
[ -x "$CHROMIUM" ] || die "Chromium is missing: no $CHROMIUM (scripts/deps.sh --test installs Debian's chromium)"
[ -x "$ASURIF" ] || die "no program $ASURIF: run make first"
command -v curl >/dev/null 2>&1 || die "curl is missing (scripts/deps.sh --test installs it)"
if [ ! -f "$FIXTURES/sample.docx" ]; then
	tests/fixtures/make-fixtures.sh "$FIXTURES" >/dev/null || die "could not build the fixtures in $FIXTURES"
fi

# playwright-core from the registry, only when missing or when package-lock.json changed.
# (Never "playwright install": the browser is Debian's, nothing else is downloaded.)
stamp=$WEB/node_modules/.asurif-package-lock.json
if [ ! -d "$WEB/node_modules/playwright-core" ] || ! cmp -s "$WEB/package-lock.json" "$stamp"; then
	echo "# installing the npm packages (npm ci)"
	(cd "$WEB" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) >&2 ||
		die "npm ci failed in tests/web"
	cp "$WEB/package-lock.json" "$stamp"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/asurif-web.XXXXXX")
WS=$TMP/ws
server=""
cleanup() {
	if [ -n "$server" ]; then
		kill -TERM "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

asurif() { "$ASURIF" -w "$WS" "$@"; }

asurif init "$WS" >/dev/null || die "could not create the workspace"
# The accounts (their passwords are in lib.mjs too).
for spec in admin:admin member:member viewer:viewer locked:member polyglot:admin shots:admin; do
	login=${spec%%:*}
	role=${spec#*:}
	printf '%s password 1\n' "$login" | asurif user add "$login" --role "$role" >/dev/null ||
		die "could not add the account $login"
done
# The demo documents (Arabic and French) with their titles and kinds, as scripts/demo.sh does.
grep -v '^#' data/demo/manifest.tsv | while IFS="$(printf '\t')" read -r file kind lang issuer date title; do
	asurif add "data/demo/$file" --kind "$kind" --lang "$lang" --issuer "$issuer" --date "$date" \
		--title "$title" >/dev/null || exit 1
done || die "could not add the demo documents"
# A document whose title is a script: it must show as text everywhere.
printf 'Une note dont le titre essaie d injecter un script dans les pages.\n' >"$TMP/piege.txt"
asurif add "$TMP/piege.txt" --title '<script>alert(1)</script>' --lang fr >/dev/null ||
	die "could not add the document with a script as its title"

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
BASE_URL="http://127.0.0.1:$port"
"$ASURIF" -w "$WS" serve --listen "127.0.0.1:$port" >"$TMP/server.out" 2>"$TMP/server.err" &
server=$!
i=0
until curl -sf "$BASE_URL/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -ge 100 ] || ! kill -0 "$server" 2>/dev/null; then
		cat "$TMP/server.err" >&2
		die "the server did not start on $BASE_URL"
	fi
	sleep 0.1
done

mkdir -p "$SCREENSHOTS"
rm -f "$SCREENSHOTS"/*.png
if [ $# -gt 0 ]; then tests="$*"; else tests=$(ls tests/web/*.test.mjs); fi
# One file at a time: Chromium is heavy for a 2-core machine, and the accounts are shared.
# shellcheck disable=SC2086
BASE_URL=$BASE_URL WS=$WS CHROMIUM=$CHROMIUM FIXTURES=$FIXTURES SCREENSHOTS=$SCREENSHOTS ASURIF=$ASURIF \
	SRCDIR=$ROOT \
	node --test --test-reporter=tap --test-concurrency=1 --test-timeout=120000 $tests >"$TMP/tap.out" 2>&1
rc=$?
cat "$TMP/tap.out"

# Stop the server as an operator would; it must stop cleanly.
kill -TERM "$server"
wait "$server"
src=$?
server=""

p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$TMP/tap.out" | tail -n 1)
f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$TMP/tap.out" | tail -n 1)
p=${p:-0}
f=${f:-0}
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
if [ "$src" -ne 0 ]; then
	echo "# the server did not stop cleanly (exit $src):"
	sed 's/^/#   /' "$TMP/server.err" | tail -n 20
	f=$((f + 1))
fi
echo "# screenshots in $SCREENSHOTS"
echo "# passed $p failed $f"
[ "$f" -eq 0 ]
