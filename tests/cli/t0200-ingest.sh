#!/bin/sh
# Taking documents in: every format, detection by content, metadata, and bad input.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"
F=${FIXTURES:?}

asurif init "$WORK/ws" >/dev/null
mkdir good bad
cp "$F/sample.docx" "$F/sample.odt" "$F/sample.pdf" "$F/sample.md" "$F/sample.html" "$F/utf16.txt" good/
cp "$F/sample.pdf" good/report-named-as.txt # a PDF whatever its name says... but same content: a duplicate
cp "$F/sample.docx" good/decision.bin

expect_ok "add a folder of good files" asurif add good --json
jq_check "six added, two duplicates detected by content" '.added == 6 and .duplicates == 2 and .failed == 0' out
jq_check "formats recognised" '[.documents[] | select(.status=="added") | .format] | sort == ["docx","html","md","odt","pdf","txt"]' out
expect_ok "searching finds text from DOCX" asurif search "acheteurs publics" --json
jq_check "the DOCX passage" '[.results[] | select(.title | test("commande publique"))] | length >= 1' out
expect_ok "searching finds text from ODT" asurif search "auto-entrepreneurs" --json
jq_check "found" '.total >= 1' out
expect_ok "PDF passages keep their page" asurif search '"Article 2" acheteurs' --all --json
jq_check "page numbers" '[.results[] | select(.page > 0)] | length >= 1' out
pdf=$(asurif docs --json | jq '.documents[] | select(.format=="pdf") | .doc_id')
expect_ok "show a PDF" asurif show "$pdf" --json --passages
jq_check "two pages, passages on both" '.pages == 2 and ([.passages_text[].page] | unique) == [1,2]' out
jq_check "Arabic from the PDF is in logical order" '[.passages_text[].text] | any(test("المادة"))' out
expect_ok "Arabic from the PDF is searchable" asurif search "التكوين المستمر" --all --json
jq_check "found in the PDF" '[.results[].doc_id] | any(. == '"$pdf"')' out
expect_ok "hostile HTML: scripts are not taken in" asurif search alert --json
jq_check "no script text" '.total == 0' out
expect_ok "HTML text is taken in" asurif search lien --json
jq_check "the link text" '.total >= 1' out
expect_ok "UTF-16 text is taken in" asurif docs --json
jq_check "utf16 present" '[.documents[].title] | any(. == "utf16")' out
expect_ok "the original files are kept, by content" ls ws/files
check "six originals" '[ "$(find ws/files -type f | wc -l)" -eq 6 ]'
expect_ok "adding the same folder again changes nothing" asurif add good
check "the summary says so" 'grep -q "0 added, 8 already in the hub, 0 failed" out'

# Bad input: a clear message naming the file, exit 1, nothing left behind.
before=$(sqlite3 ws/asurif.db "SELECT count(*) FROM documents")
files_before=$(find ws/files -type f | wc -l)
for f in encrypted.pdf truncated.pdf notext.pdf corrupt.docx bomb.docx invalid-utf8.txt junk.bin empty.txt other.zip; do
	cp "$F/$f" bad/
done
printf '<html><body><script>alert(1)</script><p>  </p></body></html>' >bad/only-script.html
head -c 5000 /dev/urandom >bad/random.pdf
printf '%%PDF-1.4\n%%garbage' >bad/header-only.pdf
expect_fail 1 "a folder of bad files fails" asurif add bad
for f in encrypted.pdf truncated.pdf notext.pdf corrupt.docx bomb.docx invalid-utf8.txt junk.bin empty.txt other.zip only-script.html random.pdf header-only.pdf; do
	check "$f is named in the summary" 'grep -q "bad/$f: " err'
done
check "password" 'grep -q "encrypted.pdf: .*password" err'
check "damaged" 'grep -q "truncated.pdf: .*damaged or incomplete" err'
check "scan" 'grep -q "notext.pdf: .*no text layer" err'
check "zip bomb" 'grep -q "bomb.docx: .*too big" err'
check "encoding, with line and byte" 'grep -q "invalid-utf8.txt: not valid UTF-8 text (line 2, byte" err'
check "the summary counts" 'grep -q "0 added, 0 already in the hub, 12 failed" out'
check "nothing was added" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM documents")" = "$before" ]'
check "no file was left behind" '[ "$(find ws/files -type f | wc -l)" = "$files_before" ]'
expect_ok "check passes" asurif check

# Size limits
yes "نص طويل جدا عن تمويل المقاولات الصغيرة والتكوين والصفقات العمومية" | head -c 200000000 >big.txt
expect_fail 1 "a 200 MB text file is refused" asurif add big.txt
check "with its size and the limit" 'grep -q "big.txt: too large (200.0 MB; the limit is 104.9 MB)" err'
rm -f big.txt
yes "une ligne de texte sur le financement des coopératives" | head -c 2000000 >two-mb.txt
expect_fail 1 "--max-size lowers the limit" asurif add two-mb.txt --max-size 1
check "named with the limit" 'grep -q "two-mb.txt: too large (2.0 MB; the limit is 1.0 MB)" err'
printf 'a small note about financement\n' >small.txt
expect_ok "but a small file passes" asurif add small.txt --max-size 1 --kind report --title "Note" --issuer "Réseau" --date 2025-01-31 --url https://example.org/note --lang fr
expect_ok "metadata is kept" asurif docs --json
jq_check "every field" '.documents[] | select(.title=="Note") | .kind=="report" and .issuer=="Réseau" and .date=="2025-01-31" and .url=="https://example.org/note" and .lang=="fr"' out

# Collections
cat >c.jsonl <<'T'
{"id": "law-1/art1", "title": "قانون تجريبي", "text": "المادة 1\nتستفيد التعاونيات من الدعم.", "lang": "ar", "kind": "law", "date": "2020-01-15"}

{"id": "law-1/art2", "title": "قانون تجريبي", "text": "المادة 2\nيحدد المرسوم رقم 2.22.431 الشروط."}
{"id": "x", "title": "sans texte"}
{"id": "y", "title": "bad kind", "text": "t", "kind": "novel"}
{"id": "z", "title": "bad date", "text": "t", "date": "2020-13-01"}
not json at all
{"id": 7, "title": "numeric id", "text": "Les coopératives agricoles", "lang": "fr"}
["an", "array"]
{"id": "w", "title": "bad text", "text": 12}
T
printf '{"id": "bad-utf8", "title": "t", "text": "\xff\xfe"}\n' >>c.jsonl
expect_fail 1 "a collection with bad lines" asurif add c.jsonl --kind decree
check "missing field named with its line" 'grep -q "c.jsonl:4: the field \"text\" is missing" err'
check "bad kind named with its line" 'grep -q "c.jsonl:5: kind \"novel\"" err'
check "bad date named with its line" 'grep -q "c.jsonl:6: date \"2020-13-01\"" err'
check "not JSON named with its line" 'grep -q "c.jsonl:7: not a JSON object" err'
check "an array is not a document" 'grep -q "c.jsonl:9: not a JSON object" err'
check "a number is not text" 'grep -q "c.jsonl:10: the field \"text\" should be text" err'
check "invalid UTF-8 named with its line" 'grep -q "c.jsonl:11: " err'
check "three documents added" 'grep -q "3 added, 0 already in the hub, 7 failed" out'
expect_ok "external ids are kept" asurif search تعاونية --json
jq_check "ext_id and kind" '.results[0].ext_id == "law-1/art1" and .results[0].kind == "law"' out
expect_ok "the command-line kind applies where a line says nothing" asurif refs decree:2.22.431 --json
jq_check "decree cited by the second line" '(.refs | length) == 1' out
expect_ok "numeric ids become text" asurif search coopératives --json
jq_check "ext_id 7" '[.results[].ext_id] | any(. == "7")' out

expect_fail 1 "a missing path" asurif add nowhere.txt
check "named" 'grep -q "nowhere.txt" err'
expect_ok "no progress bar when not on a terminal" asurif add good
check "no escape codes" '! grep -q "$(printf "\033")" err'
finish
