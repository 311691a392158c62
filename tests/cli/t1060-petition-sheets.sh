#!/bin/sh
# Printable signature sheets: one A4 landscape page per sheet (pdfinfo), numbered from
# --first, with every column of the rule set (overrides applied) and the consent text read
# back by pdftotext, in Arabic (columns from the right, read from the word boxes) and in
# French; bad options refused with exit 2 naming the option; an unknown petition.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

for tool in pdfinfo pdftotext qpdf perl; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is missing (scripts/deps.sh --test installs it)"; finish; }
done
PO="$SRCDIR/data/i18n"

# po LANG KEY: the text of KEY in data/i18n/LANG.po (the msgid in English), one line.
po() {
	awk -v key="$2" -v lang="$1" '
		$0 == "msgctxt \"" key "\"" { found = 1; next }
		found && /^msgid / { id = substr($0, 8); next }
		found && /^msgstr / { s = substr($0, 9); print (lang == "en" || s == "\"\"") ? id : s; exit }
	' "$PO/$1.po" | sed 's/^"//; s/"$//; s/\\"/"/g'
}
# The PDF's text on one line per page block: direction marks dropped, spaces collapsed.
text_of() {
	pdftotext "$1" - | perl -CSD -pe 's/[\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}]//g' | tr '\n\f' '  ' |
		tr -s ' '
}
# The left edge of the first word box holding exactly WORD on page 1.
word_x() {
	pdftotext -f 1 -l 1 -bbox "$1" - | WORD="$2" perl -CSD -ne '
		if (/<word xMin="([0-9.]+)"[^>]*>(.*?)<\/word>/) {
			my ($x, $w) = ($1, $2);
			$w =~ s/[\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}]//g;
			utf8::decode(my $want = $ENV{WORD});
			# poppler gives the boxes of Arabic words in visual order: letters reversed
			if ($w eq $want || $w eq reverse($want)) { print "$x\n"; exit }
		}'
}

asurif init "$WORK/ws" >/dev/null
asurif territory Azilal --level commune --json >terr.json
c_azilal=$(jq -r '.territories[0].code' terr.json)
asurif territory Azilal --level province --json >terr.json
azilal=$(jq -r '.territories[0].code' terr.json)
expect_ok "a campaign" asurif campaign new --title "ولوج المقاولات الصغيرة إلى الصفقات العمومية" --json
cid=$(jq -r .id out)
expect_ok "a commune petition" asurif petition new --campaign "$cid" --rule ma/commune --territory "$c_azilal" --json
pid=$(jq -r .id out)
expect_ok "a province petition" asurif petition new --campaign "$cid" --rule ma/province --territory "$azilal" --title "Pétition au conseil provincial d'Azilal" --json
pprov=$(jq -r .id out)

# ---- Arabic: pages, sheet numbers, headers, consent, right to left ----
expect_ok "Arabic sheets 3 to 6" asurif petition sheets "$pid" --first 3 --count 4 --rows 12 --lang ar -o ar.pdf
check "says what it wrote" 'grep -q "ar.pdf" out'
check "a valid PDF (qpdf --check)" 'qpdf --check ar.pdf >/dev/null 2>&1'
check "--count pages (pdfinfo)" '[ "$(pdfinfo ar.pdf | sed -n "s/^Pages: *//p")" = 4 ]'
check "--count pages (qpdf)" '[ "$(qpdf --show-npages ar.pdf)" = 4 ]'
check "A4 landscape" 'pdfinfo ar.pdf | grep -q "Page size: *841.89 x 595.2[0-9]* pts"'
text_of ar.pdf >ar.txt
sheet_ar=$(po ar sheets_sheet)
for n in 3 4 5 6; do
	s=$(printf '%s' "$sheet_ar" | sed "s/{n}/$n/")
	check "Arabic: \"$s\" is printed" 'grep -qF "$s" ar.txt'
done
s2=$(printf '%s' "$sheet_ar" | sed "s/{n}/2/")
s7=$(printf '%s' "$sheet_ar" | sed "s/{n}/7/")
check "Arabic: no sheet 2 or 7" '! grep -qF "$s2 " ar.txt && ! grep -qF "$s7" ar.txt'
for key in sheets_col_row sheets_col_first_name sheets_col_last_name sheets_col_cin sheets_col_address sheets_col_commune sheets_col_signature; do
	h=$(po ar $key)
	check "Arabic header $key ($h)" '[ -n "$h" ] && grep -qF "$h" ar.txt'
done
# pdftotext moves the punctuation of right-to-left lines around, and reads a vowel mark (shadda)
# as a glyph of its own: every word must be there, marks and punctuation aside.
words_in() { # TEXT FILE: each word of TEXT is a word of FILE
	printf '%s\n' "$1" | perl -CSD -ne 's/\p{Mn}//g; print "$_\n" for grep { length } split /[\s\p{P}]+/' >words.txt
	perl -CSD -ne 's/\p{Mn}//g; print "$_\n" for grep { length } split /[\s\p{P}]+/' "$2" | sort -u >have.txt
	[ -s words.txt ] && [ -z "$(sort -u words.txt | comm -23 - have.txt)" ]
}
for key in sign_consent_title sign_consent_purpose sign_consent_who sign_consent_keep sheets_consent_withdraw sign_consent_sensitive sign_consent_rights; do
	check "Arabic consent text: $key" 'words_in "$(po ar $key)" ar.txt'
done
check "Arabic: the council and the territory" 'grep -qF "$(po ar sheets_legal_basis | sed "s/:$//")" ar.txt && grep -qF "عريضة إلى مجلس الجماعة — أزيلال" ar.txt'
check "Arabic: the legal basis" 'grep -qF "Organic law 113.14 on communes" ar.txt'
p1=$(po ar page_of | sed 's/{page}/1/; s/{pages}/4/')
check "Arabic: page 1 of 4 ($p1)" 'tr -d " " <ar.txt | grep -qF "$(printf %s "$p1" | tr -d " ")"'
x_no=$(word_x ar.pdf "$(po ar sheets_col_row)")
x_sig=$(word_x ar.pdf "$(po ar sheets_col_signature)")
check "Arabic: columns start from the right (row numbers at $x_no, signature at $x_sig)" '[ -n "$x_no" ] && [ -n "$x_sig" ] && [ "${x_no%.*}" -gt "${x_sig%.*}" ]'

# ---- French, default sheet count and rows ----
expect_ok "French sheets" asurif petition sheets "$pid" --count 2 --lang fr -o fr.pdf --json
jq_check "--json: what was written" '.id == '"$pid"' and .first == 1 and .last == 2 and .rows == 15 and .pages == 2 and .file == "fr.pdf"' out
check "two pages" '[ "$(pdfinfo fr.pdf | sed -n "s/^Pages: *//p")" = 2 ]'
text_of fr.pdf >fr.txt
check "French: Feuille 1 and Feuille 2" 'grep -qF "Feuille 1" fr.txt && grep -qF "Feuille 2" fr.txt'
for key in sheets_col_row sheets_col_first_name sheets_col_last_name sheets_col_cin sheets_col_address sheets_col_commune sheets_col_signature; do
	h=$(po fr $key)
	check "French header $key ($h)" '[ -n "$h" ] && grep -qF "$h" fr.txt'
done
check "French consent text: purpose and withdrawal" 'grep -qF "$(po fr sign_consent_purpose)" fr.txt && grep -qF "$(po fr sheets_consent_withdraw)" fr.txt'
check "French: rows 1 to 15" 'grep -q " 15 " fr.txt && ! grep -q " 16 " fr.txt'
x_no=$(word_x fr.pdf "N°")
x_sig=$(word_x fr.pdf "Signature")
check "French: columns start from the left ($x_no < $x_sig)" '[ -n "$x_no" ] && [ -n "$x_sig" ] && [ "${x_no%.*}" -lt "${x_sig%.*}" ]'
check "French: the province petition's title" 'asurif petition sheets "$pprov" --lang fr --count 1 -o prov.pdf >/dev/null 2>&1 && text_of prov.pdf | grep -qF "Pétition au conseil provincial"'
expect_ok "English sheets to standard output" asurif petition sheets "$pprov" --lang en --count 1 --rows 5 -o -
check "standard output is the PDF" 'head -c 5 out | grep -q "%PDF-"'
expect_ok "40 rows: allowed" asurif petition sheets "$pprov" --count 1 --rows 40 -o rows40.pdf
check "40 rows: a note that they are short for handwriting" 'grep -q "short for handwriting" err'

# ---- the rule set's columns, overrides applied ----
expect_ok "override the commune rule's columns" asurif petition rules override ma/commune signature_columns "first_name,last_name,cin,address,signature" --note "test: no commune column"
expect_ok "sheets after the override" asurif petition sheets "$pid" --count 1 --lang fr -o fr2.pdf
text_of fr2.pdf >fr2.txt
check "the overridden columns only (no Commune column)" 'grep -qF "Adresse" fr2.txt && ! grep -qF " Commune " fr2.txt'
expect_ok "reset the override" asurif petition rules reset ma/commune signature_columns

# ---- bad options: exit 2, the option named, nothing written ----
bad() { # DESC OPTION ARGS...
	d=$1
	opt=$2
	shift 2
	rm -f bad.pdf
	expect_fail 2 "$d" asurif petition sheets "$@"
	check "$d: names $opt" 'grep -qF -- "$opt" err'
	check "$d: no file" '[ ! -e bad.pdf ]'
}
bad "--count 0" --count "$pid" --count 0 -o bad.pdf
bad "--count 501" --count "$pid" --count 501 -o bad.pdf
bad "--count abc" --count "$pid" --count abc -o bad.pdf
bad "--rows 4" --rows "$pid" --rows 4 -o bad.pdf
bad "--rows 41" --rows "$pid" --rows 41 -o bad.pdf
bad "--first 0" --first "$pid" --first 0 -o bad.pdf
bad "--first beyond 99999 with the count" --first "$pid" --first 99999 --count 2 -o bad.pdf
bad "--lang de" --lang "$pid" --lang de -o bad.pdf
bad "no -o" "-o" "$pid"
bad "no petition number" "petition number" -o bad.pdf
bad "an unknown option" "--colour" "$pid" --colour red -o bad.pdf
expect_fail 1 "a petition that does not exist" asurif petition sheets 999 -o bad.pdf
check "names it" 'grep -q "no petition 999" err && [ ! -e bad.pdf ]'
expect_ok "--help" asurif petition sheets --help
check "--help names the options" 'grep -q -- "--first" out && grep -q -- "--count" out && grep -q -- "--rows" out && grep -q -- "--lang" out'
check "petition --help lists sheets" 'asurif petition --help | grep -q "sheets ID"'

finish
