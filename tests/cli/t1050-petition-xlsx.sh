#!/bin/sh
# Signature lists as Excel workbooks: export (right to left, text cells, bold frozen header,
# title), import of our own export into another petition (same rows, duplicates reported by
# row), a workbook written by LibreOffice (shared strings, numbers typed as numbers), a
# workbook written by hand (skipped rows and cells, error cells, a cell too long, a value
# past the header), refused files (cut short, text named .xlsx, a zip bomb, a missing part,
# a damaged shared-string reference) that store nothing, and the web: the download, the
# import form with its report, and members refused.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

for tool in sqlite3 unzip zip soffice curl; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is missing (scripts/deps.sh --test installs it)"; finish; }
done

asurif init "$WORK/ws" >/dev/null
DB="$WORK/ws/asurif.db"
sql() { sqlite3 "$DB" "$1"; }
count() { sql "SELECT count(*) FROM signatures WHERE petition_id = $1"; }

azilal=$(asurif territory Azilal --level province --json | jq -r '.territories[0].code')
c_azilal=$(asurif territory Azilal --level commune --json | jq -r '.territories[0].code')
c_demnate=$(asurif territory Demnate --level commune --json | jq -r '.territories[0].code')
# the commune code as a spreadsheet keeps it when typed without dots: digits, leading zeros gone
digits_demnate=$(echo "$c_demnate" | tr -d . | sed 's/^0*//')
check "territory codes found" '[ -n "$azilal" ] && [ "$c_azilal" != null ] && [ -n "$digits_demnate" ]'
cid=$(asurif campaign new --title "Campagne Azilal" --level province --territory "$azilal" --json | jq .id)
new_petition() { asurif petition new --campaign "$cid" --rule ma/province --territory "$azilal" --title "$1" --json | jq .id; }
pid=$(new_petition "عريضة أزيلال")

printf 'first_name,last_name,cin,address,commune_code\n' >sig.csv
printf 'Mbarka,Aitlhaj,CD11111,"Rue 5, Bloc B",%s\n' "$c_azilal" >>sig.csv
printf 'Khadija,Ouzzine,EE22222,"Douar Tagleft\nAit Mhamed",%s\n' "$c_demnate" >>sig.csv
printf 'عبد الصمد,بنعلوش,B456,"حي القدس، رقم 4",%s\n' "$c_azilal" >>sig.csv
printf 'Omar,Idrissi,FF0033,12345,%s\n' "$c_azilal" >>sig.csv
printf 'Laila,Naciri,GG44444,Rue 3,%s\n' "$c_demnate" >>sig.csv
expect_ok "a CSV import" asurif petition import "$pid" sig.csv --json
jq_check "5 added" '.added == 5 and .rejected == 0' out

# ---- export ----
audits=$(sql "SELECT count(*) FROM audit WHERE action = 'export personal data'")
expect_ok "export xlsx" asurif petition export "$pid" --format xlsx -o list.xlsx --json
jq_check "5 signatures, format xlsx" '.signatures == 5 and .format == "xlsx"' out
check "a ZIP archive readable by its owner only" '[ "$(head -c 4 list.xlsx | od -An -c | tr -d " ")" = "PK003004" ] && [ "$(stat -c %a list.xlsx)" = 600 ]'
check "an audit row with count and format" '[ "$(sql "SELECT count(*) FROM audit WHERE action = '"'export personal data'"' AND detail LIKE '"'5 signatures, xlsx%'"'")" = 1 ] && [ "$(sql "SELECT count(*) FROM audit WHERE action = '"'export personal data'"'")" = $((audits + 1)) ]'
check "no private file left in the workspace" '[ -z "$(ls -A ws/tmp 2>/dev/null)" ]'
unzip -p list.xlsx xl/worksheets/sheet1.xml >sheet.xml
check "the sheet runs right to left" 'grep -q "rightToLeft=\"1\"" sheet.xml'
check "the header row is frozen" 'grep -q "ySplit=\"1\"" sheet.xml && grep -q "state=\"frozen\"" sheet.xml'
check "the header is bold" 'unzip -p list.xlsx xl/styles.xml | grep -q "<b/>"'
check "column widths set" 'grep -q "<col min=\"4\" max=\"4\" width=\"42" sheet.xml'
check "the title in the document properties" 'unzip -p list.xlsx docProps/core.xml | grep -q "<dc:title>عريضة أزيلال</dc:title>"'
check "the header names the official columns in order" '[ "$(grep -o "<row r=\"1\".*</row><row r=\"2\"" sheet.xml | grep -o "<t>[^<]*</t>" | tr -d "\n")" = "<t>first_name</t><t>last_name</t><t>cin</t><t>address</t><t>commune_code</t><t>signature</t>" ]'
check "every CIN cell is a string" '[ "$(grep -o "<c r=\"C[0-9]*\"[^>]*>" sheet.xml | grep -vc "t=\"inlineStr\"")" = 0 ] && [ "$(grep -o "<c r=\"C[0-9]*\"[^>]*>" sheet.xml | wc -l)" = 6 ]'
check "digits stay text: the address 12345 and the commune codes" 'grep -q "<c r=\"D5\"[^>]*t=\"inlineStr\"><is><t>12345</t>" sheet.xml && ! grep -q "<v>" sheet.xml'
check "the CIN as stored, Arabic and a newline kept" 'grep -q "<t>FF0033</t>" sheet.xml && grep -q "<t>بنعلوش</t>" sheet.xml && grep -q "Douar Tagleft" sheet.xml'
expect_ok "export xlsx in French" asurif petition export "$pid" --format xlsx --lang fr -o list-fr.xlsx
check "left to right" '! unzip -p list-fr.xlsx xl/worksheets/sheet1.xml | grep -q rightToLeft'
expect_fail 2 "an unknown format" asurif petition export "$pid" --format ods -o x.ods

# ---- our export imported into a second petition ----
pback=$(new_petition "Retour")
expect_ok "the workbook imports into another petition" asurif petition import "$pback" list.xlsx --json
jq_check "all 5 added" '.added == 5 and .duplicates == 0 and .rejected == 0 and .rows == []' out
asurif petition export "$pid" -o a.csv >/dev/null && asurif petition export "$pback" -o b.csv >/dev/null
check "the same list comes back" 'cmp -s a.csv b.csv'
expect_ok "the same workbook again" asurif petition import "$pback" list.xlsx --json
jq_check "5 duplicates, reported by row" '.added == 0 and .duplicates == 5 and ([.rows[].row] == [2,3,4,5,6]) and (.rows[0].reason | test("duplicate"))' out
expect_ok "as text" asurif petition import "$pback" list.xlsx
check "says row, not line" 'grep -q "^row 2: duplicate" out && ! grep -q "^line" out'
check "the report holds no personal data" '! grep -q "CD11111\|Mbarka\|Aitlhaj" out'

# ---- a workbook written by LibreOffice: shared strings, numbers as numbers ----
printf 'first_name,last_name,cin,address,commune_code\n' >lo.csv
printf 'Hassan,Oubella,HX1,5081,%s\n' "$digits_demnate" >>lo.csv
printf 'Yousra,Amzil,HX2,Souk Tnine,%s\n' "$c_azilal" >>lo.csv
printf 'Said,Badrow,12345,Rue 9,%s\n' "$c_azilal" >>lo.csv
printf 'Nadia,Tazi,HX4,Rue 10,99999999\n' >>lo.csv
timeout 180 soffice -env:UserInstallation="file://$WORK/lo-profile" --headless --convert-to xlsx --outdir "$WORK" lo.csv >lo.out 2>&1
check "LibreOffice wrote lo.xlsx" '[ -s lo.xlsx ]'
check "with shared strings and numbers typed as numbers" 'unzip -p lo.xlsx xl/sharedStrings.xml | grep -q Oubella && unzip -p lo.xlsx xl/worksheets/sheet1.xml | grep -q "t=\"n\"><v>5081</v>" && unzip -p lo.xlsx xl/worksheets/sheet1.xml | grep -q "<v>$digits_demnate</v>"'
plo=$(new_petition "LibreOffice")
expect_fail 1 "bad rows: exit 1" asurif petition import "$plo" lo.xlsx --json
jq_check "2 added, rows 4 and 5 rejected with their reasons" '.added == 2 and .rejected == 2 and ([.rows[] | [.row, (.reason | test("cin") or test("commune_code"))]] == [[4,true],[5,true]])' out
asurif petition export "$plo" -o lo-back.csv >/dev/null
check "a number comes out as its digits (5081, not 5081.0)" 'grep -q "^Hassan,Oubella,HX1,5081," lo-back.csv'
check "a commune code typed as a number finds its commune" 'grep -q "^Hassan,Oubella,HX1,5081,$c_demnate,$(printf "\r")\$" lo-back.csv'
printf 'first_name,last_name,cin,address,commune_code\nAmina,Tazi,HX9,Rue 1,%s\n' "$digits_demnate" >digits.csv
expect_ok "the same in a CSV file" asurif petition import "$plo" digits.csv --json
check "stored with its code" '[ "$(sql "SELECT commune_code FROM signatures WHERE petition_id = $plo ORDER BY id DESC LIMIT 1")" = "$c_demnate" ]'

# ---- a workbook written by hand ----
mkdir -p hand/_rels hand/xl/_rels hand/xl/worksheets
NS='xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL='http://schemas.openxmlformats.org/officeDocument/2006/relationships'
printf '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' "$REL" >hand/_rels/.rels
printf '<?xml version="1.0"?><workbook %s><sheets><sheet name="Feuille" sheetId="1" r:id="rId7"/><sheet name="Autre" sheetId="2" r:id="rId8"/></sheets></workbook>' "$NS" >hand/xl/workbook.xml
printf '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId8" Type="%s/worksheet" Target="worksheets/other.xml"/><Relationship Id="rId7" Type="%s/worksheet" Target="/xl/worksheets/first.xml"/><Relationship Id="rId9" Type="%s/sharedStrings" Target="strings.xml"/></Relationships>' "$REL" "$REL" "$REL" >hand/xl/_rels/workbook.xml.rels
printf '<?xml version="1.0"?><sst %s><si><t>first_name</t></si><si><r><t>last_</t></r><r><t>name</t></r></si><si><t xml:space="preserve"> Fatima </t><rPh><t>phonetic</t></rPh></si><si><t/></si></sst>' "$NS" >hand/xl/strings.xml
long=$(head -c 1100 /dev/zero | tr '\0' x)
{
	printf '<?xml version="1.0"?><worksheet %s><sheetData>' "$NS"
	# the header in row 1; shared strings, a rich-text one; no spans; cells in order
	printf '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>cin</t></is></c><c r="D1" t="inlineStr"><is><t>address</t></is></c><c r="E1" t="inlineStr"><is><t>commune_code</t></is></c></row>'
	# row 2 is absent; row 3 is whole; an empty formatted cell past the header does not count
	printf '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="inlineStr"><is><t>Bennani</t></is></c><c r="C3" t="str"><f>UPPER("hb1")</f><v>HB1</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="n"><v>%s</v></c><c r="G3" s="1"/></row>' "$digits_demnate"
	# row 5: the address cell is skipped (D5 absent)
	printf '<row r="5"><c r="A5" t="inlineStr"><is><t>Ali</t></is></c><c r="B5" t="inlineStr"><is><t>Alami</t></is></c><c r="C5" t="inlineStr"><is><t>HB2</t></is></c><c r="E5" t="inlineStr"><is><t>%s</t></is></c></row>' "$c_azilal"
	# row 6: an error value; row 7: a name too long; row 8: a value past the header
	printf '<row r="6"><c r="A6" t="inlineStr"><is><t>Ali</t></is></c><c r="B6" t="inlineStr"><is><t>Alami</t></is></c><c r="C6" t="inlineStr"><is><t>HB3</t></is></c><c r="D6" t="inlineStr"><is><t>Rue</t></is></c><c r="E6" t="e"><v>#N/A</v></c></row>'
	printf '<row r="7"><c r="A7" t="inlineStr"><is><t>%s</t></is></c><c r="B7" t="inlineStr"><is><t>Alami</t></is></c><c r="C7" t="inlineStr"><is><t>HB4</t></is></c><c r="D7" t="inlineStr"><is><t>Rue</t></is></c><c r="E7" t="inlineStr"><is><t>%s</t></is></c></row>' "$long" "$c_azilal"
	printf '<row r="8"><c r="A8" t="inlineStr"><is><t>Ali</t></is></c><c r="B8" t="inlineStr"><is><t>Alami</t></is></c><c r="C8" t="inlineStr"><is><t>HB5</t></is></c><c r="D8" t="inlineStr"><is><t>Rue</t></is></c><c r="E8" t="inlineStr"><is><t>%s</t></is></c><c r="H8" t="inlineStr"><is><t>note</t></is></c></row>' "$c_azilal"
	# a blank row, then row 10 without cell references (placed one after the other)
	printf '<row r="9"><c r="A9" t="inlineStr"><is><t>  </t></is></c></row>'
	printf '<row><c t="inlineStr"><is><t>Zineb</t></is></c><c t="inlineStr"><is><t>Filali</t></is></c><c t="inlineStr"><is><t>HB6</t></is></c><c t="inlineStr"><is><t>Rue 7</t></is></c><c t="inlineStr"><is><t>%s</t></is></c></row>' "$c_azilal"
	printf '</sheetData></worksheet>'
} >hand/xl/worksheets/first.xml
printf '<?xml version="1.0"?><worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>not this sheet</t></is></c></row></sheetData></worksheet>' "$NS" >hand/xl/worksheets/other.xml
(cd hand && zip -q -r ../hand.xlsx .)
phand=$(new_petition "À la main")
expect_fail 1 "a hand-made workbook: bad rows reported" asurif petition import "$phand" hand.xlsx --json
jq_check "2 added (rows 3 and 10), rows 5 to 8 rejected" '.added == 2 and .rejected == 4 and ([.rows[].row] == [5,6,7,8])' out
jq_check "reasons: the skipped address, the error cell, the long cell, the value past the header" '(.rows[0].reason | test("address is missing")) and (.rows[1].reason | test("column E.*error")) and (.rows[2].reason | test("column A.*longer|first_name.*longer")) and (.rows[3].reason | test("column H"))' out
asurif petition export "$phand" -o hand.csv >/dev/null
check "shared and rich text, a formula's text, a boolean, the commune from digits" 'grep -q "^Fatima,Bennani,HB1,TRUE,$c_demnate," hand.csv'
check "a row without cell references read in order" 'grep -q "^Zineb,Filali,HB6,Rue 7,$c_azilal," hand.csv'
check "rows stored with their number in the sheet" '[ "$(sql "SELECT group_concat(row_number) FROM signatures WHERE petition_id = $phand ORDER BY id")" = "3,10" ]'

# ---- refused files store nothing ----
before=$(count "$pback")
head -c 3000 list.xlsx >cut.xlsx
expect_fail 1 "a workbook cut short" asurif petition import "$pback" cut.xlsx
check "names the file and says why" 'grep -q "cut.xlsx" err && grep -q "cut short" err'
cp sig.csv renamed.xlsx
expect_fail 1 "a text file named .xlsx" asurif petition import "$pback" renamed.xlsx
check "names the file and says it is not a workbook" 'grep -q "renamed.xlsx" err && grep -q "not an Excel workbook" err'
printf 'hello\n' >readme.txt && zip -q notbook.xlsx readme.txt
expect_fail 1 "a ZIP archive without a workbook" asurif petition import "$pback" notbook.xlsx
check "names the missing part" 'grep -q "notbook.xlsx" err && grep -q "xl/workbook.xml is missing" err'
# the hand-made workbook whose first sheet is 300 MB of zeros, compressed without touching the disk
cp hand.xlsx bomb.xlsx && zip -q -d bomb.xlsx xl/worksheets/first.xml
head -c 314572800 /dev/zero | zip -q bomb.xlsx -
printf '@ -\n@=xl/worksheets/first.xml\n' | zipnote -w bomb.xlsx
check "the bomb is small ($(stat -c %s bomb.xlsx) bytes)" '[ "$(stat -c %s bomb.xlsx)" -lt 1000000 ] && unzip -l bomb.xlsx | grep -q "314572800.*xl/worksheets/first.xml"'
expect_fail 1 "a zip bomb (300 MB of zeros)" asurif petition import "$pback" bomb.xlsx
check "names the file and says it is too big" 'grep -q "bomb.xlsx" err && grep -q "too big" err'
sed 's|<v>2</v></c><c r="B3"|<v>42</v></c><c r="B3"|' hand/xl/worksheets/first.xml >first.xml && mv first.xml hand/xl/worksheets/first.xml
(cd hand && rm -f ../damaged.xlsx && zip -q -r ../damaged.xlsx .)
expect_fail 1 "a reference to shared text that is not there" asurif petition import "$pback" damaged.xlsx
check "names the part and the cell" 'grep -q "damaged.xlsx" err && grep -q "xl/worksheets/first.xml, cell A3" err'
check "none of them stored anything" '[ "$(count "$pback")" = "$before" ]'
check "and none left a file in the workspace" '[ -z "$(ls -A ws/tmp 2>/dev/null)" ]'

# ---- a killed import of a large workbook keeps whole batches only ----
pbig=$(new_petition "Grande")
mkdir -p big/_rels big/xl/_rels big/xl/worksheets
cp hand/_rels/.rels big/_rels/ && cp hand/xl/workbook.xml big/xl/
cp hand/xl/_rels/workbook.xml.rels big/xl/_rels/ && cp hand/xl/strings.xml big/xl/ && cp hand/xl/worksheets/other.xml big/xl/worksheets/
awk -v ns="$NS" -v c="$c_azilal" 'BEGIN {
	printf "<?xml version=\"1.0\"?><worksheet %s><sheetData><row r=\"1\">", ns
	split("first_name last_name cin address commune_code", h, " ")
	for (k = 1; k <= 5; k++) printf "<c t=\"inlineStr\"><is><t>%s</t></is></c>", h[k]
	printf "</row>\n"
	for (i = 2; i <= 150001; i++)
		printf "<row r=\"%d\"><c t=\"inlineStr\"><is><t>Prenom%d</t></is></c><c t=\"inlineStr\"><is><t>Nom%d</t></is></c><c t=\"inlineStr\"><is><t>K%d</t></is></c><c t=\"inlineStr\"><is><t>%d, Rue des Orangers</t></is></c><c t=\"inlineStr\"><is><t>%s</t></is></c></row>\n", i, i, i, i, i, c
	printf "</sheetData></worksheet>"
}' >big/xl/worksheets/first.xml
(cd big && zip -q -r ../big.xlsx .) && rm -rf big
"$ASURIF" petition import "$pbig" big.xlsx >big.out 2>big.err &
pid_import=$!
waited=0
while [ "$(count "$pbig" 2>/dev/null || echo 0)" = 0 ] && [ $waited -lt 600 ] && kill -0 "$pid_import" 2>/dev/null; do
	sleep 0.1
	waited=$((waited + 1))
done
kill -9 "$pid_import" 2>/dev/null
wait "$pid_import" 2>/dev/null
stored=$(count "$pbig")
check "the database is intact" '[ "$(sql "PRAGMA integrity_check")" = ok ]'
check "whole batches stored ($stored rows), not all" '[ "$stored" -gt 0 ] && [ "$stored" -lt 150000 ] && [ $((stored % 1000)) -eq 0 ]'
check "each with its row number in the sheet" '[ "$(sql "SELECT min(row_number) || \",\" || max(row_number) FROM signatures WHERE petition_id = $pbig")" = "2,$((stored + 1))" ]'
rm -f big.xlsx

# ---- the web ----
printf 'coordinator password 1\n' | asurif user add coord --role coordinator >/dev/null
printf 'member password 1\n' | asurif user add member --role member >/dev/null
web_start 51 server
base=$web_base
server=$web_pid
signin cjar coord "coordinator password 1" >/dev/null
signin mjar member "member password 1" >/dev/null
pweb=$(new_petition "Sur le web")
curl -s -b cjar -c cjar -o page.html "$base/petitions/$pweb"
check "the petition page links the workbook and has the import form" 'grep -q "/petitions/$pweb/signatures.xlsx" page.html && grep -q "action=\"/petitions/$pweb/import\"" page.html && grep -q "enctype=\"multipart/form-data\"" page.html'
csrf=$(csrf_of page.html)
code=$(curl -s -b cjar -c cjar -o import.html -w '%{http_code}' -F "csrf=$csrf" -F "file=@lo.xlsx" "$base/petitions/$pweb/import")
check "the web import answers 200" '[ "$code" = 200 ]'
check "its report: counts (2 added, 0 duplicates, 2 rejected), the rows, the reasons" 'grep -q "role=\"status\"><p>[^<0-9]*2[^<0-9]*0[^<0-9]*2</p>" import.html && [ "$(grep -c "<li class=\"upload-item is-failed\">" import.html)" = 2 ] && grep -q "cin: letters missing" import.html && grep -q "commune_code: no commune 99999999" import.html'
check "the rows are numbered" 'grep -q "<bdi>[^<]*4</bdi>" import.html && grep -q "<bdi>[^<]*5</bdi>" import.html'
check "stored" '[ "$(count "$pweb")" = 2 ]'
check "no personal data on the page" '! grep -q "Oubella\|HX1\|Amzil" import.html'
check "logged" '[ "$(sql "SELECT count(*) FROM audit WHERE action = '"'import signatures'"' AND target = '"'petition $pweb'"' AND detail LIKE '"'2 added, 0 duplicates, 2 rejected; web%'"'")" = 1 ]'
code=$(curl -s -b cjar -c cjar -o refused.html -w '%{http_code}' -F "csrf=$csrf" -F "file=@bomb.xlsx" "$base/petitions/$pweb/import")
check "a zip bomb refused on the web (400), named by its own name" '[ "$code" = 400 ] && grep -q "bomb.xlsx" refused.html && ! grep -q "upload-" refused.html && grep -q "error-summary" refused.html'
code=$(curl -s -b cjar -c cjar -o none.html -w '%{http_code}' -F "csrf=$csrf" "$base/petitions/$pweb/import")
check "no file: 400 with the field named" '[ "$code" = 400 ] && grep -q "href=\"#file\"" none.html'
code=$(curl -s -b cjar -c cjar -o csv.html -w '%{http_code}' -F "csrf=$csrf" -F "file=@sig.csv" "$base/petitions/$pweb/import")
check "a CSV file too" '[ "$code" = 200 ] && [ "$(count "$pweb")" = 7 ]'
check "the upload was removed" '[ -z "$(find ws/tmp -type f 2>/dev/null)" ]'
code=$(curl -s -b cjar -D xh.txt -o web.xlsx -w '%{http_code}' "$base/petitions/$pweb/signatures.xlsx")
check "the workbook downloads" '[ "$code" = 200 ] && grep -qi "^content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" xh.txt && grep -qi "^content-disposition: attachment" xh.txt && [ "$(head -c 2 web.xlsx)" = PK ]'
check "with the page's language (Arabic: right to left) and the rows" 'unzip -p web.xlsx xl/worksheets/sheet1.xml | grep -q "rightToLeft=\"1\"" && [ "$(unzip -p web.xlsx xl/worksheets/sheet1.xml | grep -o "<row " | wc -l)" = 8 ]'
check "logged as a web export" '[ "$(sql "SELECT count(*) FROM audit WHERE action = '"'export personal data'"' AND detail = '"'7 signatures, xlsx, web'"'")" = 1 ]'
check "a member may not download it (403)" '[ "$(curl -s -b mjar -o /dev/null -w "%{http_code}" "$base/petitions/$pweb/signatures.xlsx")" = 403 ]'
curl -s -b mjar -c mjar -o mpage.html "$base/petitions/$pweb"
check "a member sees neither the link nor the form" '! grep -q "signatures.xlsx\|/import\"" mpage.html'
check "a member may not import (403)" '[ "$(curl -s -b mjar -o /dev/null -w "%{http_code}" -F "csrf=$(csrf_of mpage.html)" -F "file=@sig.csv" "$base/petitions/$pweb/import")" = 403 ] && [ "$(count "$pweb")" = 7 ]'
check "nobody signed in is sent to sign in" '[ "$(curl -s -o /dev/null -w "%{http_code}" "$base/petitions/$pweb/signatures.xlsx")" = 303 ]'
check "no personal data in the server's log" '! grep -q "Oubella\|HX1\|Mbarka\|CD11111" server.err server.out'
kill "$server"
wait "$server" 2>/dev/null
trap - EXIT
rm -f bomb.xlsx
finish
