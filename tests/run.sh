#!/bin/sh
# Runs every test: unit tests (cmocka), command-line tests (tests/cli/t*.sh), browser
# tests (tests/web/run.sh: Chromium against the real server).
# Ends with the line "N passed, N failed"; exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROOT=$(pwd)
export ASURIF="$ROOT/$BUILD/asurif"
export FIXTURES="$ROOT/$BUILD/fixtures"
export SRCDIR="$ROOT"
export SHARED="${SHARED:-$ROOT/../shared}"
export TMPROOT="${TMPDIR:-/tmp}/asurif-tests.$$"
mkdir -p "$TMPROOT"
trap 'rm -rf "$TMPROOT"' EXIT INT TERM

passed=0
failed=0
failures=""

add_counts() { # passed failed name
	passed=$((passed + $1))
	failed=$((failed + $2))
	if [ "$2" -gt 0 ]; then failures="$failures $3"; fi
}

echo "== fixtures"
if ! tests/fixtures/make-fixtures.sh "$FIXTURES" >"$TMPROOT/fixtures.log" 2>&1; then
	cat "$TMPROOT/fixtures.log"
	echo "could not build the test fixtures"
	add_counts 0 1 fixtures
fi

echo "== unit tests"
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out="$TMPROOT/$name.out"
	"$t" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	printf '%-28s %4d passed, %d failed\n' "$name" "$p" "$f"
	if [ "$f" -gt 0 ]; then sed 's/^/    /' "$out" | grep -v '^\s*\[ \(RUN\|  *OK\) ' | tail -n 40; fi
	add_counts "$p" "$f" "$name"
done

echo "== command-line tests"
for t in tests/cli/t[0-9]*.sh; do
	name=$(basename "$t" .sh)
	out="$TMPROOT/$name.out"
	WORK="$TMPROOT/$name" sh "$t" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^# passed \([0-9]*\) failed \([0-9]*\)$/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^# passed \([0-9]*\) failed \([0-9]*\)$/\2/p' "$out" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	printf '%-28s %4d passed, %d failed\n' "$name" "$p" "$f"
	if [ "$f" -gt 0 ]; then grep -A12 '^not ok' "$out" | sed 's/^/    /' | head -n 80; fi
	add_counts "$p" "$f" "$name"
done

echo "== browser tests"
# Debian's Chromium driven by playwright-core against the real server (tests/web/run.sh).
out="$TMPROOT/web.out"
BUILD="$BUILD" tests/web/run.sh >"$out" 2>&1
rc=$?
p=$(sed -n 's/^# passed \([0-9]*\) failed \([0-9]*\)$/\1/p' "$out" | tail -n 1)
f=$(sed -n 's/^# passed \([0-9]*\) failed \([0-9]*\)$/\2/p' "$out" | tail -n 1)
p=${p:-0}
f=${f:-0}
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
printf '%-28s %4d passed, %d failed\n' "web" "$p" "$f"
if [ "$f" -gt 0 ]; then
	grep -v '^ok \|^# Subtest\|^  duration_ms\|^  \.\.\.\|^  ---' "$out" | grep -B2 -A14 'not ok\|^browser tests:\|^# the server' |
		sed 's/^/    /' | head -n 120
fi
add_counts "$p" "$f" web

if [ -n "$failures" ]; then echo "failing:$failures"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
