#!/bin/sh
# Workspaces, help and usage errors.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

expect_ok "init creates a workspace" asurif init "$WORK/ws"
check "the database, files/ and keys/ exist" '[ -f ws/asurif.db ] && [ -d ws/files ] && [ -d ws/keys ]'
check "keys/ is private" '[ "$(stat -c %a ws/keys)" = 700 ]'
check "the database is in WAL mode" '[ "$(sqlite3 ws/asurif.db "PRAGMA journal_mode")" = wal ]'
check "schema migrations are applied" '[ "$(sqlite3 ws/asurif.db "PRAGMA user_version")" -ge 1 ]'
expect_ok "init again is harmless" asurif init "$WORK/ws"

expect_fail 1 "a missing workspace is named" asurif -w "$WORK/nowhere" docs
check "the message says how to create it" 'grep -q "asurif init" err'
expect_ok "-w works after the command too" asurif docs -w "$WORK/ws"
ASURIF_WORKSPACE= expect_ok "-w works before the command" asurif -w "$WORK/ws" docs
check "an empty hub says so" 'grep -q "empty" out'

for c in init add search docs show rm refs reindex check backup analyse; do
	expect_ok "$c --help" asurif "$c" --help
	check "$c --help shows usage" 'grep -q "^usage: asurif $c" out'
done
expect_ok "asurif --help lists the commands" asurif --help
check "the list names search" 'grep -q "search" out'
expect_fail 2 "an unknown command is a usage error" asurif frobnicate
expect_fail 2 "an unknown option is a usage error" asurif docs --frob
expect_fail 2 "a bad kind is refused" asurif add --kind novel x.txt
check "the message lists the kinds" 'grep -q "organic-law" err'
expect_fail 2 "a bad date is refused" asurif add --date 2024-02-30 x.txt
expect_fail 2 "a bad language is refused" asurif add --lang de x.txt
expect_fail 2 "a bad limit is refused" asurif search x --limit 0
expect_fail 2 "show wants a number" asurif show abc
expect_fail 1 "show of a missing document fails" asurif show 999
check "and says so" 'grep -q "no document 999" err'
expect_ok "asurif --version" asurif --version
finish
