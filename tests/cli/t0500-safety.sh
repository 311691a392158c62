#!/bin/sh
# Nothing is lost: kill -9 in the middle of an import, removal, reindex, backup, check.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

asurif init "$WORK/ws" >/dev/null
mkdir many
# 3,000 files, each one article of forty sentences: an import that takes seconds.
awk 'BEGIN {
	for (i = 1; i <= 3000; i++) {
		f = sprintf("many/doc%d.txt", i);
		printf "المادة %d\n", i > f;
		for (j = 0; j < 40; j++)
			printf "تستفيد المقاولات رقم %d من التكوين والتمويل والصفقات العمومية في الفقرة %d من هذا النص.\n", i, j > f;
		close(f);
	}
}'
# Start an import, kill it hard once some documents are in, check what is left.
"$ASURIF" add many >/dev/null 2>&1 &
pid=$!
tries=0
while [ "$(sqlite3 ws/asurif.db 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)" -lt 1 ] && [ $tries -lt 400 ]; do
	sleep 0.02
	tries=$((tries + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n_docs=$(sqlite3 ws/asurif.db 'SELECT count(*) FROM documents')
check "the import was stopped part way ($n_docs of 3000)" '[ "$n_docs" -ge 1 ] && [ "$n_docs" -lt 3000 ]'
expect_ok "check passes after kill -9" asurif check --json
jq_check "no problem reported" '.ok == true and .problems == []' out
"$ASURIF" init ws3 >/dev/null
"$ASURIF" -w ws3 add many/doc1.txt >/dev/null
per=$(sqlite3 ws3/asurif.db "SELECT count(*) FROM passages")
check "a whole document has several passages ($per)" '[ "$per" -ge 2 ]'
check "every document in the hub is whole" \
	'[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM documents d WHERE (SELECT count(*) FROM passages p WHERE p.doc_id = d.id) <> $per")" = 0 ]'
check "no passage without its document" \
	'[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM passages")" = "$((n_docs * per))" ]'
expect_ok "adding again completes the import" asurif add many
check "3000 documents, none twice" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM documents")" = 3000 ]'
check "the summary counts the unchanged ones" 'grep -q "already in the hub" out'
expect_ok "check passes" asurif check

# Removal
expect_ok "search before removal" asurif search '"المقاولات رقم 7 من"' --json
jq_check "found" '.total >= 1' out
id=$(jq '.results[0].doc_id' out)
file=$(sqlite3 ws/asurif.db "SELECT file FROM documents WHERE id = $id")
expect_ok "rm" asurif rm "$id"
check "the original file is gone" '[ ! -e "ws/$file" ]'
expect_ok "search after removal" asurif search '"المقاولات رقم 7 من"' --json
jq_check "the passage is no longer found" '[.results[].doc_id] | all(. != '"$id"')' out
expect_ok "check after removal" asurif check
expect_fail 1 "rm of a missing document" asurif rm "$id"

# Backup while another process writes
"$ASURIF" add many >/dev/null 2>&1 &
expect_ok "backup" asurif backup "$WORK/copy.db"
wait
check "the copy is a sound database" '[ "$(sqlite3 copy.db "PRAGMA integrity_check")" = ok ]'
check "the copy holds the documents" '[ "$(sqlite3 copy.db "SELECT count(*) FROM documents")" -ge 2999 ]'
expect_fail 1 "backup does not overwrite" asurif backup "$WORK/copy.db"
mkdir ws2
cp copy.db ws2/asurif.db
expect_ok "the copy opens as a workspace" asurif -w ws2 search مقاولة --json
jq_check "and searches" '.total >= 2999' out

# Reindex after an analyser change, and check that finds damage
sqlite3 ws/asurif.db "UPDATE meta SET value = '0' WHERE key = 'analyser_version'"
expect_fail 1 "check reports an index built by another version" asurif check
check "and says what to do" 'grep -q "asurif reindex" out'
expect_ok "search warns about it" asurif search مقاولة
check "warning" 'grep -q reindex err'
expect_ok "reindex" asurif reindex
expect_ok "check passes after reindex" asurif check
sqlite3 ws/asurif.db "UPDATE passages SET text = 'نص آخر' WHERE id = (SELECT min(id) FROM passages)"
expect_fail 1 "check finds an index that no longer matches the passages" asurif check
expect_ok "reindex repairs it" asurif reindex
expect_ok "check passes again" asurif check
rm -f "ws/$(sqlite3 ws/asurif.db 'SELECT file FROM documents LIMIT 1')"
expect_fail 1 "check finds a missing original" asurif check
check "names it" 'grep -q "original of document" out'
finish
