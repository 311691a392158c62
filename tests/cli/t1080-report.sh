#!/bin/sh
# The network report: petitions and advisory documents counted by status, level, theme and year,
# the acceptance rate from the recorded decisions, signatures by channel; the filters; JSON, CSV
# and PDF agreeing with what the test created; the page and its downloads; no personal data.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

for tool in sqlite3 pdftotext curl; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is missing (scripts/deps.sh --test installs it)"; finish; }
done

asurif init "$WORK/ws" >/dev/null
DB="$WORK/ws/asurif.db"
printf 'viewer password 1\n' | asurif user add viewer --role viewer >/dev/null
year=$(date +%Y)
commune=$(asurif territory "Béni Mellal" --level commune --json | jq -r '.territories[0].code')
province=$(asurif territory Azilal --level province --json | jq -r '.territories[0].code')
c1=$(asurif campaign new --title "Marché" --level commune --territory "$commune" --theme procurement --theme training --json | jq .id)
c2=$(asurif campaign new --title "Financement" --level province --territory "$province" --theme finance --json | jq .id)
check "two campaigns" '[ -n "$c1" ] && [ -n "$c2" ] && [ "$province" != null ]'

expect_ok "report on an empty workspace" asurif report --json
jq_check "nothing counted yet, no rate" '.petitions.total == 0 and .documents.total == 0 and .acceptance.rate == null and .signatures.valid == 0 and .as_of == "'"$(date +%F)"'"' out

# petitions: two commune ones (accepted, refused), a province one collecting, a national one
p1=$(asurif petition new --campaign "$c1" --rule ma/commune --territory "$commune" --json | jq .id)
p2=$(asurif petition new --campaign "$c1" --rule ma/commune --territory "$commune" --json | jq .id)
p3=$(asurif petition new --campaign "$c2" --rule ma/province --territory "$province" --json | jq .id)
p4=$(asurif petition new --campaign "$c2" --rule ma/government --json | jq .id)
check "four petitions" '[ -n "$p4" ] && [ "$p4" != null ]'
asurif petition sign "$p1" --first-name Zoubida --last-name Ouhammou --cin BE654321 --address "Derb 12" --commune "$commune" >/dev/null
asurif petition sign "$p1" --first-name Ahmed --last-name Bennani --cin AB12345 --address "Rue 1" --commune "$commune" >/dev/null
asurif petition sign "$p1" --first-name Fatima --last-name Amzil --cin JK98765 --address "Douar 3" --commune "$commune" --channel online >/dev/null
asurif petition sign "$p1" --first-name Zoubida --last-name Ouhammou --cin be-654321 --address "Derb 12" --commune "$commune" --channel online >/dev/null
printf 'first_name,last_name,cin,address,commune_code\nSaid,Idrissi,CD11111,Rue 9,%s\n' "$commune" >sig.csv
asurif petition import "$p2" sig.csv >/dev/null
expect_ok "p1 filed" asurif petition file "$p1" --date "$(date -d '40 days ago' +%F)"
expect_ok "p2 filed" asurif petition file "$p2" --date "$(date -d '30 days ago' +%F)"
expect_ok "p1 accepted" asurif petition decide "$p1" accepted
expect_ok "p2 refused, with reasons" asurif petition decide "$p2" refused --note "hors compétences"
# documents: an opinion and a memorandum in the commune campaign, a motion in the other; a petition text is not counted
d1=$(asurif draft new --campaign "$c1" --type advisory-opinion --lang ar --json | jq .id)
d2=$(asurif draft new --campaign "$c1" --type memorandum --lang fr --json | jq .id)
d3=$(asurif draft new --campaign "$c2" --type motion --lang ar --json | jq .id)
asurif draft new --campaign "$c1" --type petition-commune --lang ar >/dev/null
expect_ok "the memorandum in review" asurif draft status "$d2" review

expect_ok "report --json" asurif report --json
cp out all.json
cnt() { jq -r "$1" all.json; }
jq_check "4 petitions by status" '.petitions.total == 4 and ([.petitions.by_status[] | {(.key): .count}] | add) == {"collecting": 2, "filed": 0, "accepted": 1, "refused": 1, "closed": 0}' all.json
jq_check "by level" '([.petitions.by_level[] | {(.key): .count}] | add) == {"commune": 2, "province": 1, "national": 1, "region": 0}' all.json
jq_check "by theme, a petition under each theme of its campaign" '([.petitions.by_theme[] | {(.key): .count}] | add) == {"training": 2, "finance": 2, "procurement": 2}' all.json
jq_check "by year: 4 started, 2 filed this year" '.petitions.by_year == [{"year": "'"$year"'", "started": 4, "filed": 2}]' all.json
jq_check "acceptance from the recorded decisions: 1 of 2" '.acceptance.accepted == 1 and .acceptance.refused == 1 and .acceptance.decided == 2 and .acceptance.rate == 0.5' all.json
jq_check "signatures: 4 valid by channel, the duplicate left out" '.signatures.valid == 4 and .signatures.by_channel == {"paper": 2, "online": 1, "import": 1} and .signatures.duplicates == 1' all.json
jq_check "3 documents (the petition text is not one)" '.documents.total == 3 and ([.documents.by_type[] | {(.key): .count}] | add) == {"advisory-opinion": 1, "memorandum": 1, "motion": 1, "policy-brief": 0}' all.json
jq_check "documents by stage and level (a motion is national)" '([.documents.by_status[] | {(.key): .count}] | add) == {"draft": 2, "review": 1, "final": 0, "submitted": 0} and ([.documents.by_level[] | {(.key): .count}] | add) == {"commune": 2, "province": 0, "region": 0, "national": 1}' all.json
jq_check "every part says what it counts" '(.petitions.what | length > 20) and (.acceptance.what | length > 20) and (.signatures.what | length > 20) and (.documents.what | length > 20)' all.json

# the decision changes the rate: counted from what is recorded, not stored
sqlite3 "$DB" "UPDATE petitions SET status = 'accepted', decision_reasons = NULL WHERE id = $p2"
expect_ok "after a second acceptance" asurif report --json
jq_check "rate 1" '.acceptance.rate == 1 and .acceptance.decided == 2' out
sqlite3 "$DB" "UPDATE petitions SET status = 'refused', decision_reasons = 'hors compétences' WHERE id = $p2"

# ---- filters ----
expect_ok "--campaign" asurif report --campaign "$c2" --json
jq_check "only its 2 petitions, its motion, no signature" '.petitions.total == 2 and .documents.total == 1 and .signatures.valid == 0 and .filters.campaign == '"$c2"' and .acceptance.decided == 0' out
expect_ok "--year (another year)" asurif report --year 1999 --json
jq_check "nothing started in 1999" '.petitions.total == 0 and .documents.total == 0 and .filters.year == 1999' out
expect_ok "--year (this year)" asurif report --year "$year" --json
jq_check "everything" '.petitions.total == 4 and .documents.total == 3' out
expect_fail 2 "a bad year" asurif report --year abc
expect_fail 2 "an unknown campaign" asurif report --campaign 99 --json
check "names it" 'grep -q "no campaign 99" err'
expect_fail 2 "--json and --csv together" asurif report --json --csv

# ---- CSV ----
expect_ok "report --csv" asurif report --csv
cp out all.csv
check "a header after the byte-order mark" 'head -n 1 all.csv | grep -q "^.*section,breakdown,group,count,as_of,what" && [ "$(head -c 3 all.csv | od -An -tx1 | tr -d " \n")" = efbbbf ]'
check "the same counts as the JSON" 'grep -q "^petitions,total,all,4,$(date +%F)," all.csv && grep -q "^petitions,status,accepted,1," all.csv && grep -q "^petitions,level,national,1," all.csv && grep -q "^petitions,theme,finance,2," all.csv && grep -q "^petitions,year filed,$year,2," all.csv && grep -q "^signatures,channel,online,1," all.csv && grep -q "^documents,type,motion,1," all.csv'
check "the acceptance rate with the counts it comes from" 'grep -q "^acceptance,decisions,accepted,1," all.csv && grep -q "^acceptance,decisions,decided,2," all.csv && grep -q "^acceptance,rate,50.0%,2," all.csv'
check "every row has its date and what it counts" '[ "$(tail -n +2 all.csv | grep -vc ",$(date +%F),")" -eq 0 ] && [ "$(tail -n +2 all.csv | wc -l)" -gt 30 ]'
expect_ok "-o FILE with --csv" asurif report --csv -o r.csv
check "the same file" 'cmp -s r.csv all.csv'

# ---- PDF ----
expect_ok "-o report.pdf (Arabic)" asurif report -o report.pdf
check "pdftotext opens it" 'pdftotext report.pdf report.txt && grep -q "تقرير الشبكة" report.txt && grep -q "50%" report.txt'
expect_ok "in French" asurif report -o report-fr.pdf --lang fr
pdftotext report-fr.pdf - | tr '\n' ' ' | tr -s ' ' >fr.txt
check "the French report: counts, their date, the rate from its counts" 'grep -q "Rapport du réseau" fr.txt && grep -q "Compté le $(date +%F)" fr.txt && grep -q "4 pétitions" fr.txt && grep -q "50% des pétitions qui ont reçu une réponse ont été acceptées : 1 sur 2" fr.txt && grep -q "Motion législative 1" fr.txt'
check "no personal data in any of them" '! grep -q "Zoubida\|Ouhammou\|BE654321\|Said\|CD11111" all.json all.csv report.txt fr.txt'
expect_ok "report as text" asurif report
check "with the rate and the date" 'grep -q "50.0% (1 accepted of 2 decided" out && grep -q "as of $(date +%F)" out'
expect_ok "--help" asurif report --help
check "explains the options" 'grep -q -- "--year" out && grep -q -- "--csv" out'

# ---- the page ----
web_start 80 server
base=$web_base
server=$web_pid
signin jar viewer "viewer password 1" >/dev/null
check "nobody signed in: sent to sign in" '[ "$(curl -s -o /dev/null -w "%{http_code}" "$base/report")" = 303 ]'
check "a viewer reads the report" '[ "$(curl -s -b jar -o page.html -w "%{http_code}" "$base/report")" = 200 ] && grep -q "report-table" page.html && grep -q "تقرير الشبكة" page.html'
check "its tables hold the counts" 'grep -q "<tr><td><bdi>مقبولة</bdi></td><td><bdi>1</bdi></td></tr>" page.html && grep -q "<tr><td><bdi>وطني</bdi></td><td><bdi>1</bdi></td></tr>" page.html && grep -q "قُبلت 50% من العرائض التي تلقت جوابا: 1 من أصل 2" page.html'
check "with its date and the downloads" 'grep -q "بتاريخ $(date +%F)" page.html && grep -q "href=\"/report.csv\"" page.html && grep -q "href=\"/report.pdf\"" page.html'
check "the CSV download is the command line's" '[ "$(curl -s -b jar -o web.csv -w "%{http_code}" "$base/report.csv")" = 200 ] && cmp -s web.csv all.csv'
check "the PDF download opens" '[ "$(curl -s -b jar -o web.pdf -w "%{http_code}" "$base/report.pdf")" = 200 ] && pdftotext web.pdf - | grep -q "تقرير الشبكة"'
check "filtered by campaign, links keep the filter" 'curl -s -b jar -o p2.html "$base/report?campaign=$c2" && grep -q "href=\"/report.csv?campaign=$c2\"" p2.html && curl -s -b jar "$base/report.csv?campaign=$c2" | grep -q "^petitions,total,all,2,"'
check "a bad year is said (400)" '[ "$(curl -s -b jar -o bad.html -w "%{http_code}" "$base/report?year=abc")" = 400 ] && grep -q "error-summary" bad.html'
check "no personal data on the page" '! grep -q "Zoubida\|BE654321" page.html web.csv'
finish
