#!/bin/sh
# The dossier for filing a petition: one PDF whose parts pdftotext reads in order, a ZIP of
# numbered parts whose README.txt gives each part's SHA-256, refusals naming what is missing
# (no text, no signature, personal data purged), the activity log, the coordinators-only web
# routes, and the petition's legal dates on the campaign's timeline (command line and page).
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

for tool in sqlite3 pdftotext pdfinfo unzip sha256sum curl; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is missing (scripts/deps.sh --test installs it)"; finish; }
done

asurif init "$WORK/ws" >/dev/null
DB="$WORK/ws/asurif.db"
printf 'coord password 1\n' | asurif user add coord --role coordinator >/dev/null
printf 'member password 1\n' | asurif user add member --role member >/dev/null
printf 'viewer password 1\n' | asurif user add viewer --role viewer >/dev/null
commune=$(asurif territory "Béni Mellal" --level commune --json | jq -r '.territories[0].code')
check "a commune" '[ -n "$commune" ] && [ "$commune" != null ]'

# A source in the hub, pinned to the campaign: the annex of sources.
printf '# Loi organique sur les communes\n\nArticle 121 : les citoyennes et les citoyens peuvent présenter des pétitions au conseil de la commune.\n' >law.md
asurif add law.md --title "Loi organique 113-14 (extrait)" --kind organic-law >/dev/null
passage=$(sqlite3 "$DB" "SELECT min(id) FROM passages")
cid=$(asurif campaign new --title "Marché hebdomadaire" --goal "L'organiser" --level commune --territory "$commune" \
	--target "Conseil communal de Béni Mellal" --theme procurement --json | jq .id)
expect_ok "evidence pinned" asurif evidence pin "$passage" --campaign "$cid" --note "le droit de pétition"

expect_ok "the petition's text, a draft" asurif draft new --campaign "$cid" --type petition-commune --lang fr --json
did=$(jq .id out)
expect_ok "its answers" asurif draft edit "$did" --field agent_name="Amina Alaoui" --field agent_address="Rue 5, Béni Mellal" \
	--field "requests=Organiser le marché hebdomadaire
Publier le calendrier des marchés" --field "reasons=Le marché est désorganisé depuis deux ans.

Les commerçants le demandent." --field city="Béni Mellal"
expect_ok "a petition with its text" asurif petition new --campaign "$cid" --rule ma/commune --territory "$commune" --draft "$did" --json
pid=$(jq .id out)
expect_ok "a petition without text" asurif petition new --campaign "$cid" --rule ma/commune --territory "$commune" --json
bare=$(jq .id out)

# ---- refusals: what is missing is named ----
expect_fail 2 "no signature yet: refused" asurif petition dossier "$pid" -o early.pdf
check "names the list of signatories, writes nothing" 'grep -q "parts are missing: the list of signatories" err && [ ! -e early.pdf ]'
asurif petition sign "$bare" --first-name Ali --last-name Bennani --cin "AB123456" --address "Rue 1" --commune "$commune" >/dev/null
expect_fail 2 "no draft holds the text: refused" asurif petition dossier "$bare" -o bare.zip
check "names the petition's text and the agent" 'grep -q "the petition.s text" err && grep -q "the agent" err && [ ! -e bare.zip ]'
expect_fail 2 "-o is needed" asurif petition dossier "$pid"
expect_fail 2 "a .pdf or a .zip" asurif petition dossier "$pid" -o dossier.txt
expect_fail 2 "ar or fr" asurif petition dossier "$pid" -o d.pdf --lang de
expect_fail 1 "an unknown petition" asurif petition dossier 999 -o d.pdf

# ---- signatures ----
expect_ok "a paper signature" asurif petition sign "$pid" --first-name Zoubida --last-name Ouhammou --cin "BE654321" --address "Derb 12" --commune "$commune" --sheet 1 --row 1
expect_ok "another" asurif petition sign "$pid" --first-name Ahmed --last-name Bennani --cin "AB12345" --address "Rue 1" --commune "$commune" --sheet 1 --row 2
expect_ok "an online one" asurif petition sign "$pid" --first-name Fatima --last-name Amzil --cin "JK98765" --address "Douar 3" --commune "$commune" --channel online
expect_ok "a duplicate, not listed" asurif petition sign "$pid" --first-name Zoubida --last-name Ouhammou --cin "be-654321" --address "Derb 12" --commune "$commune" --channel online

# ---- one PDF ----
expect_ok "the dossier as one PDF" asurif petition dossier "$pid" -o dossier.pdf --json
jq_check "3 signatories, in French (the draft's language)" '.format == "pdf" and .signatures == 3 and .lang == "fr"' out
check "readable by its owner only" '[ "$(stat -c %a dossier.pdf)" = 600 ]'
pdftotext dossier.pdf dossier.txt 2>/dev/null
tr '\n' ' ' <dossier.txt | tr -s ' ' >flat.txt # table cells wrap: phrases are looked for in one line
check "pdftotext reads it" '[ -s dossier.txt ]'
# line of the first (or, with "last", the last) match of a fixed string, 0 when absent
at() { grep -n -F -- "$1" dossier.txt | { [ "${2:-}" = last ] && tail -n 1 || head -n 1; } | cut -d: -f1 | grep . || echo 0; }
cover=$(at "Dossier de dépôt de la pétition")
contents=$(at "Contenu du dossier")
p1=$(at "1. La pétition" last)
text=$(at "Organiser le marché hebdomadaire")
p2=$(at "2. Note des motifs et objectifs" last)
memo=$(grep -n -F -- "Le marché est désorganisé depuis deux ans" dossier.txt | tail -n 1 | cut -d: -f1)
p3=$(at "3. Mandataire, suppléant et comité" last)
agent=$(grep -n -F -- "Rue 5, Béni Mellal" dossier.txt | tail -n 1 | cut -d: -f1)
p4=$(at "4. Liste des signataires" last)
sig=$(at "Zoubida")
p5=$(at "5. Annexes" last)
checklist=$(at "Liste de contrôle de la recevabilité")
sources=$(grep -n -F -- "Loi organique 113-14 (extrait)" dossier.txt | tail -n 1 | cut -d: -f1)
echo "# lines: cover $cover contents $contents p1 $p1 text $text p2 $p2 memo $memo p3 $p3 agent $agent p4 $p4 sig $sig p5 $p5 checklist $checklist sources $sources"
check "the cover alone on the first page, each part on a page of its own" 'pdftotext -f 1 -l 1 dossier.pdf - | grep -q "Contenu du dossier" && ! pdftotext -f 1 -l 1 dossier.pdf - | grep -q "Monsieur le Président" && pdftotext -f 2 -l 2 dossier.pdf - | head -n 1 | grep -q "^1. La pétition" && [ "$(pdfinfo dossier.pdf | sed -n "s/^Pages: *//p")" -ge 6 ]'
check "the cover: title, council, territory, date, contents" '[ "$cover" -gt 0 ] && grep -q "Destinataire : Conseil communal de Béni Mellal" dossier.txt && grep -q "Territoire : .*($commune)" dossier.txt && grep -q "Dossier préparé le : $(date +%F)" dossier.txt && [ "$contents" -gt "$cover" ]'
check "every part, in order" '[ "$p1" -gt "$contents" ] && [ "$text" -gt "$p1" ] && [ "$p2" -gt "$text" ] && [ "${memo:-0}" -gt "$p2" ] && [ "$p3" -gt "$memo" ] && [ "${agent:-0}" -gt "$p3" ] && [ "$p4" -gt "$agent" ] && [ "$sig" -gt "$p4" ] && [ "$p5" -gt "$sig" ] && [ "$checklist" -gt "$p5" ] && [ "${sources:-0}" -gt "$checklist" ]'
check "the list: the official columns, 3 rows, the duplicate left out" 'grep -q "N° Prénom Nom N° de CIN Adresse Commune (code)" flat.txt && [ "$(grep -c "Zoubida" dossier.txt)" -eq 1 ] && grep -q "3 Fatima Amzil JK98765 Douar 3" flat.txt && grep -q "Nombre de signatures : 3" dossier.txt'
check "the checklist: each condition with its status and source" 'grep -q "Nombre de signatures ✗ non rempli Organic law 113.14" flat.txt && grep -q "Le mandataire ✓ rempli" flat.txt && grep -q "Signatures comptées : 3 sur" dossier.txt'
check "the sources annex: the pinned passage" 'grep -q "Annexe : sources" dossier.txt && grep -q "présenter des pétitions" dossier.txt'
expect_ok "the dossier in Arabic" asurif petition dossier "$pid" -o dossier-ar.pdf --lang ar
check "Arabic cover and parts" 'pdftotext dossier-ar.pdf - | grep -q "ملف إيداع العريضة" && pdftotext dossier-ar.pdf - | grep -q "لائحة الموقعين"'
check "each export written to the activity log" '[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = '"'"'export personal data'"'"' AND target = '"'"'petition $pid'"'"' AND detail LIKE '"'"'dossier pdf%3 signatures%'"'"'")" = 2 ]'

# ---- a ZIP of parts ----
expect_ok "the dossier as a ZIP" asurif petition dossier "$pid" -o dossier.zip
unzip -Z1 dossier.zip >names.txt 2>/dev/null
printf '01-petition.pdf\n01-petition.docx\n02-memo.pdf\n03-agent-committee.pdf\n04-signatures.pdf\n04-signatures.csv\n05-annexes.pdf\nREADME.txt\n' >want.txt
check "unzip -l lists the numbered parts and the manifest, in order" 'unzip -l dossier.zip >/dev/null && cmp -s names.txt want.txt'
mkdir parts && (cd parts && unzip -q ../dossier.zip)
ok=0
for f in $(head -n 7 want.txt); do
	h=$(sha256sum "parts/$f" | cut -d" " -f1)
	grep -q "^$h  $f\$" parts/README.txt && ok=$((ok + 1))
done
check "README.txt gives each part's SHA-256 ($ok of 7 match sha256sum)" '[ "$ok" -eq 7 ]'
check "sha256sum -c README.txt agrees" '(cd parts && sha256sum -c README.txt 2>/dev/null | grep -c ": OK\$") | grep -qx 7'
check "the manifest is in the dossier's language" 'grep -q "la liste des signataires (tableur)" parts/README.txt'
check "every PDF part opens in pdftotext" 'for f in 01-petition 02-memo 03-agent-committee 04-signatures 05-annexes; do pdftotext parts/$f.pdf - | grep -q . || exit 1; done'
check "each part holds its own" 'pdftotext parts/02-memo.pdf - | grep -q "deux ans" && pdftotext parts/03-agent-committee.pdf - | grep -q "Amina Alaoui" && pdftotext parts/04-signatures.pdf - | grep -q "Fatima" && pdftotext parts/05-annexes.pdf - | grep -q "recevabilité"'
check "the petition in Word" 'unzip -l parts/01-petition.docx | grep -q word/document.xml && unzip -p parts/01-petition.docx word/document.xml | grep -q "Organiser le march"'
check "the list as CSV in the official column order" 'head -n 1 parts/04-signatures.csv | grep -q "first_name,last_name,cin,address,commune_code,signature" && [ "$(wc -l <parts/04-signatures.csv)" -eq 4 ]'

# ---- the web: coordinators only ----
web_start 70 server
base=$web_base
server=$web_pid
code() { curl -s -b "$1" -o "$3" -D headers.txt -w '%{http_code}' "$base$2"; }
check "three people signed in" '[ "$(signin coord.jar coord "coord password 1")" = 303 ] && [ "$(signin member.jar member "member password 1")" = 303 ] && [ "$(signin viewer.jar viewer "viewer password 1")" = 303 ]'
check "the petition page links to the dossier, for a coordinator" 'curl -s -b coord.jar "$base/petitions/$pid" | grep -q "/petitions/$pid/dossier.zip"'
check "not for a member" '! curl -s -b member.jar "$base/petitions/$pid" | grep -q "dossier.pdf"'
check "a coordinator downloads the PDF" '[ "$(code coord.jar /petitions/$pid/dossier.pdf web.pdf)" = 200 ] && grep -qi "^content-type: application/pdf" headers.txt && pdftotext web.pdf - | grep -q "لائحة الموقعين"'
check "and the ZIP" '[ "$(code coord.jar "/petitions/$pid/dossier.zip?lang=fr" web.zip)" = 200 ] && unzip -Z1 web.zip | cmp -s - want.txt'
check "a member is refused (403)" '[ "$(code member.jar /petitions/$pid/dossier.pdf x)" = 403 ] && [ "$(code member.jar /petitions/$pid/dossier.zip x)" = 403 ]'
check "a viewer is refused (403)" '[ "$(code viewer.jar /petitions/$pid/dossier.pdf x)" = 403 ] && [ "$(code viewer.jar /petitions/$pid/dossier.zip x)" = 403 ]'
check "the web downloads are logged" '[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = '"'"'export personal data'"'"' AND detail LIKE '"'"'dossier %web'"'"'")" = 2 ]'
check "a dossier with parts missing: a page naming them (409)" '[ "$(code coord.jar /petitions/$bare/dossier.pdf x.html)" = 409 ] && grep -q "parts are missing: the petition" x.html'

# ---- the legal dates on the campaign's timeline ----
filed=$(date -d "100 days ago" +%F)
expect_ok "filed 100 days ago" asurif petition file "$pid" --date "$filed" --receipt 2026/417
expect_ok "campaign show --json" asurif campaign show "$cid" --json
jq_check "the filing and the legal deadlines, with their sources" '(.legal_dates | map(select(.kind == "filed" and .petition == '"$pid"' and .receipt == "2026/417" and .date == "'"$filed"'")) | length == 1) and (.legal_dates | map(select(.kind == "deadline")) | length > 0 and all(.source != null and (.source | test("113.14"))))' out
jq_check "the refusal deadline (3 months) is overdue" '.legal_dates[] | select(.id == "refusal_deadline") | .overdue == true and .days_left < 0' out
expect_ok "campaign show as text" asurif campaign show "$cid"
check "lists the legal dates" 'grep -q "Legal dates of its petitions" out && grep -q "legal deadline: .*OVERDUE" out'
curl -s -b viewer.jar -o campaign.html "$base/campaigns/$cid"
check "the campaign page's timeline shows them as legal deadlines with their source" 'grep -q "id=\"legal-$pid-filed\"" campaign.html && grep -q "id=\"legal-$pid-deadline-refusal_deadline\"" campaign.html && grep -q "أجل قانوني" campaign.html && grep -q "113.14" campaign.html'
check "the overdue one marked" 'grep -q "class=\"legal overdue\"" campaign.html'
check "no edit button on a legal date" '! grep -q "/events/refusal_deadline" campaign.html'
expect_ok "the answer: refused" asurif petition decide "$pid" refused --note "hors des compétences du conseil"
expect_ok "campaign show --json again" asurif campaign show "$cid" --json
jq_check "the decision on the timeline, nothing overdue any more" '(.legal_dates | map(select(.kind == "decision" and .decision == "refused")) | length == 1) and (.legal_dates | all(.overdue != true))' out

# ---- purged: no dossier ----
expect_ok "purge once the procedure is over" asurif petition purge "$pid"
expect_fail 2 "a purged petition's dossier is refused" asurif petition dossier "$pid" -o late.pdf
check "saying the personal data was deleted" 'grep -q "personal data of petition $pid was deleted" err && [ ! -e late.pdf ]'
check "on the web too (409), and no link any more" '[ "$(code coord.jar /petitions/$pid/dossier.zip x.html)" = 409 ] && ! curl -s -b coord.jar "$base/petitions/$pid" | grep -q "dossier.zip"'
check "no name or ID number in the server's log" '! grep -q "Zoubida\|BE654321" server.err server.out'
finish
