#!/bin/sh
# The signature list to print or edit: PDF, DOCX and ODT exports in the official column order
# (read back with pdftotext, the DOCX opened by LibreOffice), only the signatures the CSV holds,
# each export in the activity log, the web downloads for coordinators only, a purged petition
# refused, an unknown format a usage error.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

for tool in sqlite3 pdftotext pdfinfo soffice unzip curl; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is missing (scripts/deps.sh --test installs it)"; finish; }
done

asurif init "$WORK/ws" >/dev/null
DB="$WORK/ws/asurif.db"
sql() { sqlite3 "$DB" "$1"; }
printf 'coordinator password 1\n' | asurif user add coord --role coordinator >/dev/null
printf 'member password 1\n' | asurif user add member --role member >/dev/null

commune=$(asurif territory Azilal --level commune --json | jq -r '.territories[0].code')
cid=$(asurif campaign new --title "Marché hebdomadaire d'Azilal" --level commune --territory "$commune" --json | jq .id)
pid=$(asurif petition new --campaign "$cid" --rule ma/commune --territory "$commune" --title "Pour un marché couvert" --by-association "Association Tighanimine" --json | jq .id)
check "a petition" '[ "$commune" != null ] && [ -n "$pid" ]'

# sign FIRST LAST CIN ADDRESS: one paper signature; prints its number
sign() {
	asurif petition sign "$pid" --first-name "$1" --last-name "$2" --cin "$3" --address "$4" --commune "$commune" --json | jq .id
}
sign Zoubida Ouhammou AB100001 "Derb Sidi Bouhlal 12" >/dev/null
sign Mbarka Aitlhaj CD200002 "Rue 5, Bloc B" >/dev/null
gone=$(sign Hammou Retraitxx EF300003 "Douar Tagleft")
sign Omar Idrissi GH400004 "Hay Nahda, rue des Oliviers, maison numéro quarante-deux, près de la mosquée" >/dev/null
sign Omar Doublonxx GH400004 "Ailleurs" >/dev/null
sign "عبد الصمد" "بنعلوش" JK500005 "حي القدس، رقم 4" >/dev/null
asurif petition withdraw "$gone" >/dev/null
check "six signatures, one withdrawn, one duplicate" '[ "$(sql "SELECT count(*) FROM signatures WHERE petition_id = $pid")" = 6 ]'

# ---- the command line ----
expect_fail 2 "an unknown format is a usage error" asurif petition export "$pid" --format rtf -o list.rtf
check "it names the formats" 'grep -q "pdf" err && grep -q "docx" err && [ ! -e list.rtf ]'
expect_fail 2 "the list is never printed: -o is needed" asurif petition export "$pid" --format pdf

audits=$(sql "SELECT count(*) FROM audit WHERE action = 'export personal data'")
expect_ok "export pdf in French" asurif petition export "$pid" --format pdf --lang fr -o list.pdf --json
jq_check "4 signatures, the format and the file" '.signatures == 4 and .format == "pdf" and .file == "list.pdf"' out
check "a PDF readable by its owner only" '[ "$(head -c 5 list.pdf)" = "%PDF-" ] && [ "$(stat -c %a list.pdf)" = 600 ]'
check "A4 landscape pages" 'pdfinfo list.pdf | grep -q "^Page size: *841.89 x 595.28"'
check "its title is the petition's" 'pdfinfo list.pdf | grep -q "^Title: *Pour un marché couvert"'
pdftotext -layout list.pdf list.txt
# col WORD...: each word's place on the header line increases
head_line=$(grep -m 1 "Prénom" list.txt)
in_order() {
	line=$1
	shift
	last=-1
	for w in "$@"; do
		at=$(printf '%s' "$line" | awk -v w="$w" '{ print index($0, w) }')
		[ "$at" -gt "$last" ] || return 1
		last=$at
	done
}
check "the official column order, after the row number" 'in_order "$head_line" "N°" Prénom Nom "N° de CIN" Adresse Commune Signature'
check "the header: addressee, territory, procedure, date, count" 'grep -q "Adressée à : Le président du conseil de la commune" list.txt && grep -q "Territoire : Azilal" list.txt && grep -q "Procédure : Pétition au conseil de la commune" list.txt && grep -q "Imprimée le : $(date +%Y-%m-%d)" list.txt && grep -q "Nombre de signatures : 4" list.txt'
check "the association in the page header" 'grep -q "Association Tighanimine" list.txt'
check "row 1: its cells in column order" 'in_order "$(grep -m 1 Zoubida list.txt)" 1 Zoubida Ouhammou AB100001 "Derb Sidi Bouhlal 12" "$commune"'
check "row 2, with its comma" 'in_order "$(grep -m 1 Mbarka list.txt)" 2 Mbarka Aitlhaj CD200002 "Rue 5, Bloc B"'
check "row 3: a long address wraps inside its cell" 'in_order "$(grep -m 1 Idrissi list.txt)" 3 Omar Idrissi GH400004 && grep -q "mosquée" list.txt'
check "row 4: Arabic names" 'grep -q "JK500005" list.txt && grep -q "بنعلوش" list.txt'
check "four rows: the same as the CSV" '[ "$(grep -cE "(AB1|CD2|GH4|JK5)0000[0-9]" list.txt)" = 4 ]'
check "neither the withdrawn nor the duplicate signature" '! grep -q Retraitxx list.txt && ! grep -q Doublonxx list.txt'
check "an audit row, with count and format" '[ "$(sql "SELECT count(*) FROM audit WHERE action = '"'export personal data'"' AND target = '"'petition $pid'"' AND detail LIKE '"'4 signatures, pdf;%'"'")" = 1 ]'

expect_ok "export pdf in Arabic (the default)" asurif petition export "$pid" --format pdf -o list-ar.pdf
pdftotext list-ar.pdf list-ar.txt
check "Arabic column names and header" 'grep -q "الشخصي" list-ar.txt && grep -q "العائلي" list-ar.txt && grep -q "التوقيع" list-ar.txt && grep -q "رئيس مجلس الجماعة" list-ar.txt && grep -q "عدد التوقيعات" list-ar.txt'
check "the names are there" 'grep -q Zoubida list-ar.txt && grep -q "AB100001" list-ar.txt'

expect_ok "export docx" asurif petition export "$pid" --format docx --lang fr -o list.docx
unzip -p list.docx word/document.xml >document.xml
check "one table of 5 rows, the header repeated" '[ "$(grep -o "<w:tr>" document.xml | wc -l)" = 5 ] && [ "$(grep -o "<w:tblHeader/>" document.xml | wc -l)" = 1 ]'
check "landscape" 'grep -q "w:orient=\"landscape\"" document.xml'
expect_ok "export odt" asurif petition export "$pid" --format odt -o list.odt
check "an ODT with a table" 'unzip -p list.odt content.xml | grep -q "<table:table-header-rows>"'
check "three more audit rows" '[ "$(sql "SELECT count(*) FROM audit WHERE action = '"'export personal data'"'")" = $((audits + 4)) ]'

mkdir -p lo
soffice --headless --norestore "-env:UserInstallation=file://$WORK/lo-profile" --convert-to pdf --outdir lo list.docx >lo/log 2>&1
check "LibreOffice opens the DOCX" '[ -s lo/list.pdf ]'
pdftotext -layout lo/list.pdf lo/list.txt 2>/dev/null
check "and shows the columns and rows in order" 'in_order "$(grep -m 1 Prénom lo/list.txt)" Prénom Nom CIN Adresse Signature && in_order "$(grep -m 1 Zoubida lo/list.txt)" Zoubida Ouhammou AB100001 && [ "$(grep -cE "(AB1|CD2|GH4|JK5)0000[0-9]" lo/list.txt)" = 4 ]'

# ---- the web ----
web_start 40 server
base=$web_base
server=$web_pid
check "the coordinator signs in" '[ "$(signin cjar coord "coordinator password 1")" = 303 ]'
check "the member signs in" '[ "$(signin mjar member "member password 1")" = 303 ]'
curl -s -b cjar -o page.html "$base/petitions/$pid"
check "the petition page links the PDF and DOCX lists" 'grep -q "/petitions/$pid/signatures.pdf" page.html && grep -q "/petitions/$pid/signatures.docx" page.html'
curl -s -b mjar -o mpage.html "$base/petitions/$pid"
check "not for a member" '! grep -q "signatures.pdf" mpage.html'
web_audits=$(sql "SELECT count(*) FROM audit WHERE action = 'export personal data' AND detail LIKE '%web'")
check "a member is refused the PDF" '[ "$(curl -s -b mjar -o /dev/null -w "%{http_code}" "$base/petitions/$pid/signatures.pdf")" = 403 ]'
check "and the DOCX" '[ "$(curl -s -b mjar -o /dev/null -w "%{http_code}" "$base/petitions/$pid/signatures.docx")" = 403 ]'
check "nothing logged for the refusals" '[ "$(sql "SELECT count(*) FROM audit WHERE action = '"'export personal data'"' AND detail LIKE '"'%web'"'")" = "$web_audits" ]'
check "the coordinator gets the PDF" '[ "$(curl -s -b cjar -D h.txt -o web.pdf -w "%{http_code}" "$base/petitions/$pid/signatures.pdf")" = 200 ] && grep -qi "^content-type: application/pdf" h.txt && grep -qi "^cache-control: no-store" h.txt && grep -qi "filename=\"petition-$pid-signatures.pdf\"" h.txt'
check "with the four rows" 'pdftotext web.pdf - | grep -q Zoubida && [ "$(pdftotext web.pdf - | grep -cE "(AB1|CD2|GH4|JK5)0000[0-9]")" = 4 ]'
check "the coordinator gets the ODT, logged" 'before=$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE detail LIKE '"'"'%odt, web%'"'"'"); [ "$(curl -s -b cjar -D h.txt -o web.odt -w "%{http_code}" "$base/petitions/$pid/signatures.odt")" = 200 ] && grep -qi "^content-type: application/vnd.oasis.opendocument.text" h.txt && unzip -p web.odt content.xml | grep -q Zoubida && [ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE detail LIKE '"'"'%odt, web%'"'"'")" -eq $((before + 1)) ]'
check "a member does not get the ODT" '[ "$(curl -s -b mjar -o /dev/null -w "%{http_code}" "$base/petitions/$pid/signatures.odt")" = 403 ]'
check "the coordinator gets the DOCX" '[ "$(curl -s -b cjar -D h.txt -o web.docx -w "%{http_code}" "$base/petitions/$pid/signatures.docx")" = 200 ] && grep -qi "^content-type: application/vnd.openxmlformats-officedocument.wordprocessingml.document" h.txt && unzip -p web.docx word/document.xml | grep -q Zoubida'
check "both downloads logged" '[ "$(sql "SELECT count(*) FROM audit WHERE action = '"'export personal data'"' AND detail IN ('"'4 signatures, pdf, web'"', '"'4 signatures, docx, web'"')")" = 2 ]'
check "an unknown petition is 404" '[ "$(curl -s -b cjar -o /dev/null -w "%{http_code}" "$base/petitions/9999/signatures.pdf")" = 404 ]'

# ---- once purged ----
sql "UPDATE petitions SET status = 'closed' WHERE id = $pid"
asurif petition purge "$pid" >/dev/null
expect_fail 2 "a purged petition has no list to export" asurif petition export "$pid" --format pdf -o purged.pdf
check "says why, writes nothing" 'grep -q "personal data of petition $pid was deleted" err && [ ! -e purged.pdf ]'
check "the web says it is gone" '[ "$(curl -s -b cjar -o /dev/null -w "%{http_code}" "$base/petitions/$pid/signatures.pdf")" = 410 ]'

finish
