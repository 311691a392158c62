#!/bin/sh
# Campaigns: the case file from the command line — every sub-command, the messages for bad
# values, evidence that outlives its document, the grid's escaping, export and import.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

expect_ok "init" asurif init "$WORK/ws"
printf 'amina password 1\n' | asurif user add amina --role coordinator --name "Amina" >/dev/null 2>&1

# ---- themes
expect_ok "the workspace starts with three themes" asurif campaign theme list --json
jq_check "training, finance, procurement with their names" '[.themes[].key] == ["training","finance","procurement"] and .themes[1].name_ar == "التمويل" and .themes[2].name_fr == "Marchés publics"' out
expect_ok "a workspace adds a theme" asurif campaign theme add digital-skills --name "Digital skills"
expect_ok "and names it in Arabic" asurif campaign theme add digital-skills --name "المهارات الرقمية" --lang ar
expect_ok "themes" asurif campaign theme list --json
jq_check "the new theme, English everywhere but Arabic" '.themes[3] == {"key":"digital-skills","name_ar":"المهارات الرقمية","name_fr":"Digital skills","name_en":"Digital skills","campaigns":0}' out
expect_fail 2 "a theme key with capitals and spaces" asurif campaign theme add "Bad Key" --name X
check "the message names the key" 'grep -q "key" err'

# ---- a document to pin from
cat >law.txt <<'EOF'
المادة 1
تستفيد المقاولات الصغيرة جدا من برامج التكوين المستمر التي تنظمها الجهة.

المادة 2
تخصص الجماعة حصة من الصفقات العمومية للمقاولات الذاتية والتعاونيات.
EOF
expect_ok "add a small law" asurif add law.txt --title "قانون الصفقات التجريبي" --kind law --issuer "وزارة الاقتصاد والمالية" --date 2024-05-02 --json
doc=$(jq '.documents[0].doc_id' out)
expect_ok "find its passage on procurement" asurif search "الصفقات العمومية" --json
passage=$(jq '.results[0].passage_id' out)
check "a passage number" '[ "$passage" -gt 0 ]'

# ---- a campaign with every option
expect_ok "campaign new with every option" asurif campaign new --title "صفقات عمومية للمقاولات الذاتية" \
	--goal "حصة 20% من صفقات الجماعة" --theme finance --theme procurement --level commune \
	--territory 05.081.01.01 --target "مجلس جماعة أزيلال" --org "شبكة تادلة-أطلس" --start 2026-01-15 \
	--end 2026-06-30 --member amina:lead --json
jq_check "prints the id" '. == {"id": 1}' out
expect_ok "show --json" asurif campaign show 1 --json
cp out c1.json
jq_check "title, goal, level, target, status, dates" '.id == 1 and .title == "صفقات عمومية للمقاولات الذاتية" and .goal == "حصة 20% من صفقات الجماعة" and .level == "commune" and .target == "مجلس جماعة أزيلال" and .status == "preparing" and .start == "2026-01-15" and .end == "2026-06-30"' out
jq_check "themes in order with their three names" '[.themes[].key] == ["finance","procurement"] and .themes[0] == {"key":"finance","name_ar":"التمويل","name_fr":"Financement","name_en":"Finance"}' out
jq_check "the territory with its province, region and 2024 population" '.territory.code == "05.081.01.01" and .territory.level == "commune" and .territory.name_fr == "Azilal" and .territory.name_ar == "أزيلال" and .territory.population_2024 == 48138 and .territory.province.name_fr == "Azilal" and .territory.region.name_fr == "Béni Mellal-Khénifra"' out
jq_check "the lead organisation and the members" '.organisation.name == "شبكة تادلة-أطلس" and (.organisation.id | type) == "number" and .members == [{"user_id":1,"login":"amina","name":"Amina","role":"lead"}]' out
jq_check "an empty case file, dates of creation" '.evidence == [] and .barriers == [] and .recommendations == [] and .stakeholders == [] and .events == [] and (.created_at | test("^[0-9]{4}-")) and (.updated_at | test("^[0-9]{4}-"))' out
expect_ok "list --json" asurif campaign list --json
jq_check "one campaign with its territory and counts" '(.campaigns | length) == 1 and .campaigns[0].title == "صفقات عمومية للمقاولات الذاتية" and .campaigns[0].territory.name_fr == "Azilal" and .campaigns[0].counts.evidence == 0 and .campaigns[0].themes == ["finance","procurement"]' out
expect_ok "list as text" asurif campaign list
check "a line per campaign" 'grep -q "^1 .*preparing.*commune" out'

expect_ok "the level is found from the territory's code" asurif campaign new --title "Province" --territory 05.081 --json
expect_ok "show it" asurif campaign show 2 --json
jq_check "a province, national has none" '.level == "province" and .territory.name_fr == "Azilal" and .territory.province == null and .territory.region.code == "05"' out
expect_ok "a national campaign" asurif campaign new --title "Loi de finances" --level national --target "Ministère de l'Économie et des Finances" --json
expect_ok "show it" asurif campaign show 3 --json
jq_check "without territory" '.level == "national" and .territory == null and .organisation == null and .target == "Ministère de l'"'"'Économie et des Finances"' out

# ---- bad values: a message naming the field, exit 2, nothing made
count_campaigns() { sqlite3 ws/asurif.db "SELECT count(*) FROM campaigns"; }
before=$(count_campaigns)
expect_fail 2 "a bad level" asurif campaign new --title X --level village
check "names the level and the choices" 'grep -q "level: \"village\" is not one of: commune, province, region or national" err'
expect_fail 2 "a territory code that does not exist" asurif campaign new --title X --territory 99.999
check "names the territory" 'grep -q "territory: no region, province or commune has the code \"99.999\"" err'
expect_fail 2 "a commune's code for a region" asurif campaign new --title X --level region --territory 05.081.01.01
check "says what the code is" 'grep -q "territory: \"05.081.01.01\" is a commune, not a region" err'
expect_fail 2 "a national campaign with a territory" asurif campaign new --title X --level national --territory 05
check "says a national campaign has none" 'grep -q "national campaign has no territory" err'
expect_fail 2 "a date that does not exist" asurif campaign new --title X --start 2026-02-30
check "names the start" 'grep -q "start: \"2026-02-30\" is not a real date written YYYY-MM-DD" err'
expect_fail 2 "an end before the start" asurif campaign new --title X --start 2026-05-01 --end 2026-04-01
check "names the end" 'grep -q "end: the end (2026-04-01) comes before the start (2026-05-01)" err'
expect_fail 2 "an unknown theme" asurif campaign new --title X --theme tourism
check "names the theme and the known ones" 'grep -q "theme: \"tourism\" is not a theme" err && grep -q "digital-skills" err'
expect_fail 2 "no title" asurif campaign new --goal X
check "asks for a title" 'grep -q "title" err'
expect_fail 2 "a blank title" asurif campaign new --title "   "
check "says it is empty" 'grep -q "title: is empty" err'
expect_fail 2 "an option of another command" asurif campaign new --title X --severity high
expect_fail 2 "an unknown sub-command" asurif campaign frobnicate
expect_fail 1 "show a campaign that does not exist" asurif campaign show 99
check "says so" 'grep -q "no campaign 99" err'
expect_fail 2 "show something that is not a number" asurif campaign show abc
check "nothing was made by the bad commands" '[ "$(count_campaigns)" = "$before" ]'

# ---- verbatim text
sqlish="Robert'); DROP TABLE campaigns;-- \"%s\" \\n"
expect_ok "a title that looks like SQL" asurif campaign new --title "$sqlish" --json
sid=$(jq .id out)
expect_ok "show it" asurif campaign show "$sid" --json
check "stored as typed" '[ "$(jq -r .title out)" = "$sqlish" ]'
check "the table is still there" '[ "$(count_campaigns)" -eq $((before + 1)) ]'

# ---- editing
expect_ok "edit: title, goal, status, themes" asurif campaign edit 1 --status active --goal "20% des marchés" --theme training --theme finance
expect_ok "show" asurif campaign show 1 --json
jq_check "changed, the rest kept" '.status == "active" and .goal == "20% des marchés" and ([.themes[].key] == ["training","finance"]) and .title == "صفقات عمومية للمقاولات الذاتية" and .territory.code == "05.081.01.01" and .start == "2026-01-15"' out
expect_fail 2 "edit with a bad status" asurif campaign edit 1 --status finished
check "names the status" 'grep -q "status: \"finished\" is not one of: preparing, active, won or closed" err'
expect_fail 2 "edit a level that no longer fits the territory" asurif campaign edit 1 --level region
check "names the territory" 'grep -q "territory: \"05.081.01.01\" is a commune, not a region" err'
expect_ok "edit: clear the end date" asurif campaign edit 1 --end ""
expect_ok "show" asurif campaign show 1 --json
jq_check "no end" '.end == null and .status == "active"' out
expect_fail 1 "edit a campaign that does not exist" asurif campaign edit 99 --title X

# ---- evidence
expect_ok "pin a passage with a note" asurif evidence pin "$passage" --campaign 1 --note "Le texte prévoit une part réservée" --json
jq_check "prints the id" '. == {"id": 1}' out
expect_ok "list the evidence" asurif evidence list --campaign 1 --json
jq_check "a copy of the passage and of its document" '.campaign == 1 and (.evidence | length) == 1 and .evidence[0].passage_id == '"$passage"' and .evidence[0].doc_title == "قانون الصفقات التجريبي" and .evidence[0].doc_issuer == "وزارة الاقتصاد والمالية" and .evidence[0].doc_date == "2024-05-02" and .evidence[0].doc_kind == "law" and .evidence[0].seq == 2 and .evidence[0].article == "المادة 2" and (.evidence[0].text | contains("الصفقات العمومية")) and .evidence[0].note == "Le texte prévoit une part réservée" and (.evidence[0].doc_hash | length) == 64' out
expect_ok "the document's hash" asurif show "$doc" --json
hash=$(jq -r .hash out)
expect_ok "list again" asurif evidence list --campaign 1 --json
jq_check "the same hash" '.evidence[0].doc_hash == "'"$hash"'"' out
expect_fail 1 "pin the same passage twice" asurif evidence pin "$passage" --campaign 1
check "says it is already there" 'grep -q "already on the evidence board" err'
expect_fail 1 "pin a passage that does not exist" asurif evidence pin 9999 --campaign 1
check "names the passage" 'grep -q "no passage 9999" err'
expect_fail 1 "pin to a campaign that does not exist" asurif evidence pin "$passage" --campaign 42
expect_fail 2 "pin without a campaign" asurif evidence pin "$passage"
check "asks for --campaign" 'grep -q -- "--campaign" err'
expect_ok "pin the other passage too" asurif evidence pin $((passage - 1)) --campaign 1 --json
expect_ok "and one to the second campaign" asurif evidence pin "$passage" --campaign 2 --json
other_ev=$(jq .id out)

# ---- barriers
expect_ok "barrier add with every option" asurif barrier add --campaign 1 --title "لا تعرف التعاونيات بالصفقات" \
	--description "Les avis d'appel d'offres ne sont publiés qu'en ligne." --affected "التعاونيات النسائية" \
	--severity high --theme procurement --evidence 1 --evidence 2 --json
jq_check "prints the id" '. == {"id": 1}' out
expect_ok "a second barrier with defaults" asurif barrier add --campaign 1 --title "Garanties bancaires" --json
expect_fail 2 "a bad severity" asurif barrier add --campaign 1 --title X --severity extreme
check "names the severity" 'grep -q "severity: \"extreme\" is not one of: low, medium or high" err'
expect_fail 2 "evidence of another campaign" asurif barrier add --campaign 1 --title X --evidence "$other_ev"
check "names the evidence" 'grep -q "evidence: '"$other_ev"' is not evidence of campaign 1" err'
expect_fail 2 "evidence that is not a number" asurif barrier add --campaign 1 --title X --evidence abc
expect_fail 2 "an unknown theme" asurif barrier add --campaign 1 --title X --theme tourism
expect_ok "barrier list" asurif barrier list --campaign 1 --json
jq_check "both, in creation order, with their evidence" '[.barriers[].id] == [1,2] and .barriers[0].evidence == [1,2] and .barriers[0].severity == "high" and .barriers[0].theme == "procurement" and .barriers[0].affected == "التعاونيات النسائية" and .barriers[1].severity == "medium" and .barriers[1].theme == null and .barriers[1].evidence == []' out
expect_ok "barrier edit: evidence and severity" asurif barrier edit 2 --evidence 2 --severity low
expect_ok "barrier list" asurif barrier list --campaign 1 --json
jq_check "changed" '.barriers[1].evidence == [2] and .barriers[1].severity == "low" and .barriers[1].title == "Garanties bancaires"' out

# ---- recommendations
expect_ok "recommend add with every option" asurif recommend add --campaign 1 --text "Publier les avis d'appel d'offres au tableau de la commune" \
	--barrier 1 --barrier 2 --authority "رئيس مجلس جماعة أزيلال" --priority high --feasibility easy --json
jq_check "prints the id" '. == {"id": 1}' out
expect_fail 2 "a bad priority" asurif recommend add --campaign 1 --text X --priority urgent
check "names the priority" 'grep -q "priority: \"urgent\" is not one of: high, medium or low" err'
expect_fail 2 "a bad feasibility" asurif recommend add --campaign 1 --text X --feasibility trivial
check "names the feasibility" 'grep -q "feasibility:" err'
expect_fail 2 "a barrier that does not exist" asurif recommend add --campaign 1 --text X --barrier 77
check "names the barrier" 'grep -q "barrier: 77 is not a barrier of campaign 1" err'
expect_fail 2 "no text" asurif recommend add --campaign 1
expect_ok "recommend list" asurif recommend list --campaign 1 --json
jq_check "with the barriers it answers" '.recommendations == [{"id":1,"text":"Publier les avis d'"'"'appel d'"'"'offres au tableau de la commune","authority":"رئيس مجلس جماعة أزيلال","priority":"high","feasibility":"easy","barriers":[1,2]}]' out

# ---- stakeholders
expect_ok "stakeholder add with every option" asurif stakeholder add --campaign 1 --name "مجلس جماعة أزيلال" --type council \
	--power 5 --interest 4 --position ally --note "الرئيس منفتح" --json
jq_check "prints the id" '. == {"id": 1}' out
expect_ok "a stakeholder with defaults" asurif stakeholder add --campaign 1 --name "Trésorerie provinciale" --json
expect_fail 2 "a power of 6" asurif stakeholder add --campaign 1 --name X --power 6
check "names the power" 'grep -q "power: \"6\" is not a whole number from 1" err'
expect_fail 2 "a power that is not a number" asurif stakeholder add --campaign 1 --name X --power high
expect_fail 2 "an interest of 0" asurif stakeholder add --campaign 1 --name X --interest 0
check "names the interest" 'grep -q "interest:" err'
expect_fail 2 "a bad position" asurif stakeholder add --campaign 1 --name X --position enemy
check "names the position" 'grep -q "position: \"enemy\" is not one of: ally, neutral or opponent" err'
expect_fail 2 "a bad type" asurif stakeholder add --campaign 1 --name X --type party
expect_ok "stakeholder list" asurif stakeholder list --campaign 1 --json
jq_check "both, defaults 3, 3, neutral, other" '.stakeholders[0] == {"id":1,"name":"مجلس جماعة أزيلال","type":"council","power":5,"interest":4,"position":"ally","notes":"الرئيس منفتح"} and .stakeholders[1].power == 3 and .stakeholders[1].interest == 3 and .stakeholders[1].position == "neutral" and .stakeholders[1].type == "other"' out
hostile='<script>alert("x")</script> & <b>Co</b>'
expect_ok "a stakeholder whose name is HTML" asurif stakeholder add --campaign 1 --name "$hostile" --position opponent --power 2 --interest 5
expect_ok "the grid to a file" asurif stakeholder grid --campaign 1 -o grid.svg
check "an SVG drawing with a title and a text alternative" 'grep -q "<svg " grid.svg && grep -q "<title id=\"grid-title-1\">" grid.svg && grep -q "<desc id=\"grid-desc-1\">" grid.svg && grep -q "role=\"img\"" grid.svg'
check "every stakeholder is named in the description" 'grep -q "Trésorerie provinciale (Power 3/5, Interest 3/5, Neutral)" grid.svg'
check "the HTML name is escaped" 'grep -q "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" grid.svg && ! grep -q "<script" grid.svg && ! grep -q "<b>" grid.svg'
check "a shape per position" 'grep -q "<circle" grid.svg && grep -q "<rect x=\"[0-9.]*\" y=\"[0-9.]*\" width=\"13\"" grid.svg && grep -q "<path d=\"M" grid.svg'
expect_ok "the grid in Arabic, right to left" asurif stakeholder grid --campaign 1 --lang ar
check "Arabic words and direction" 'grep -q "direction=\"rtl\"" out && grep -q "النفوذ" out && grep -q "xml:lang=\"ar\"" out'
expect_ok "a title with HTML in a campaign's grid" asurif campaign new --title "<img src=x onerror=alert(1)>" --json
hid=$(jq .id out)
expect_ok "the grid of a campaign without stakeholders" asurif stakeholder grid --campaign "$hid"
check "says there is none" 'grep -q "No stakeholder yet" out'

# ---- the timeline
expect_ok "an event" asurif event add --campaign 1 --date 2026-03-10 --title "Dépôt du mémorandum" --type submission --note "Reçu n° 45" --json
jq_check "prints the id" '. == {"id": 1}' out
expect_ok "an earlier event, added later" asurif event add --campaign 1 --date 2026-02-01 --title "لقاء مع الرئيس" --type meeting --json
expect_fail 2 "a date that does not exist" asurif event add --campaign 1 --date 2026-13-01 --title X
check "names the date" 'grep -q "date: \"2026-13-01\" is not a real date" err'
expect_fail 2 "no date" asurif event add --campaign 1 --title X
expect_fail 2 "a bad type" asurif event add --campaign 1 --date 2026-01-01 --title X --type party
check "names the type" 'grep -q "type: \"party\" is not one of: meeting, submission, answer or other" err'
expect_ok "event list" asurif event list --campaign 1 --json
jq_check "sorted by date" '[.events[].date] == ["2026-02-01","2026-03-10"] and .events[1] == {"id":1,"date":"2026-03-10","type":"submission","title":"Dépôt du mémorandum","notes":"Reçu n° 45"}' out

# ---- the whole case file
expect_ok "show as text" asurif campaign show 1
check "every part" 'grep -q "^Evidence (2)" out && grep -q "^Barriers (2)" out && grep -q "^Recommendations (1)" out && grep -q "^Stakeholders (3)" out && grep -q "^Timeline (2)" out && grep -q "HCP, RGPH 2024" out'
expect_ok "show --json" asurif campaign show 1 --json
cp out full.json
jq_check "every part, in order" '[.evidence[].id] == [1,2] and [.barriers[].id] == [1,2] and .recommendations[0].barriers == [1,2] and (.stakeholders | length) == 3 and [.events[].date] == ["2026-02-01","2026-03-10"]' out

# ---- export, import into another workspace
expect_ok "export" asurif campaign export 1 --json -o case.json
jq_check "the case file with its format" '.format == "asurif-campaign" and .version == 1 and .title == "صفقات عمومية للمقاولات الذاتية" and (.evidence | length) == 2' case.json
expect_ok "export to standard output" asurif campaign export 1 --json
jq_check "the same" '.id == 1 and .format == "asurif-campaign"' out
expect_ok "a second workspace" asurif init "$WORK/ws2"
printf 'amina password 1\n' | asurif -w "$WORK/ws2" user add amina --role member --name "Amina" >/dev/null 2>&1
expect_ok "the same law in it (and another document first, so ids differ)" sh -c 'printf "Une note.\n" >note.txt && "$ASURIF" -w "$WORK/ws2" add note.txt >/dev/null && "$ASURIF" -w "$WORK/ws2" add law.txt --title "قانون الصفقات التجريبي" --kind law --issuer "وزارة الاقتصاد والمالية" --date 2024-05-02'
expect_ok "import" asurif -w "$WORK/ws2" campaign import case.json --json
jq_check "the evidence found in that hub, the theme added" '.id == 1 and .evidence == 2 and .relinked == 2 and .members_skipped == 0 and .themes_added == 0' out
expect_ok "show it there" asurif -w "$WORK/ws2" campaign show 1 --json
cp out imported.json
# ids, passage and document numbers differ between workspaces: links are compared by position
norm='(.evidence | map(.id)) as $e | (.barriers | map(.id)) as $b
	| .barriers |= map(.evidence |= map(. as $x | $e | index($x)))
	| .recommendations |= map(.barriers |= map(. as $x | $b | index($x)))
	| del(.format, .version)
	| walk(if type == "object" then del(.id, .passage_id, .doc_id, .user_id) else . end)'
jq -S "$norm" full.json >a.json
jq -S "$norm" imported.json >b.json
check "the same case file, ids aside" 'cmp -s a.json b.json || { diff a.json b.json | head -n 20; false; }'
jq_check "linked to that hub's passages" '[.evidence[].passage_id | type] == ["number","number"]' imported.json
expect_ok "import into a workspace without the document" asurif init "$WORK/ws3"
expect_ok "import" asurif -w "$WORK/ws3" campaign import case.json --json
jq_check "keeps the copies, leaves out the member" '.evidence == 2 and .relinked == 0 and .members_skipped == 1' out
expect_ok "show it" asurif -w "$WORK/ws3" campaign show 1 --json
jq_check "the copies" '[.evidence[].passage_id] == [null,null] and (.evidence[1].text | contains("المادة")) and .members == []' out

# ---- a damaged file changes nothing
cases_in() { sqlite3 "$1/asurif.db" "SELECT count(*) || '/' || (SELECT count(*) FROM evidence) || '/' || (SELECT count(*) FROM barriers) FROM campaigns"; }
state=$(cases_in ws2)
head -c 700 case.json >truncated.json
expect_fail 1 "a truncated file" asurif -w "$WORK/ws2" campaign import truncated.json
check "names the file and where it ends" 'grep -q "truncated.json: line [0-9]*, column [0-9]*" err'
jq '.barriers[1].severity = "catastrophic"' case.json >bad-severity.json
expect_fail 1 "a bad severity deep in the file" asurif -w "$WORK/ws2" campaign import bad-severity.json
check "names the field" 'grep -q "bad-severity.json: barriers\[1\].severity: \"catastrophic\" is not one of" err'
jq '.recommendations[0].barriers = [1, 99]' case.json >bad-link.json
expect_fail 1 "a link to a barrier the file does not have" asurif -w "$WORK/ws2" campaign import bad-link.json
check "names the link" 'grep -q "recommendations\[0\].barriers\[1\]: barrier 99 is not in the file" err'
jq '.evidence[0].text = 12' case.json >bad-type.json
expect_fail 1 "a number where a text is expected" asurif -w "$WORK/ws2" campaign import bad-type.json
check "names the field" 'grep -q "evidence\[0\].text: a text is expected here" err'
jq 'del(.title)' case.json >no-title.json
expect_fail 1 "no title" asurif -w "$WORK/ws2" campaign import no-title.json
check "names the title" 'grep -q "title: is missing" err'
printf '{"format":"something-else"}' >other.json
expect_fail 1 "another kind of file" asurif -w "$WORK/ws2" campaign import other.json
expect_fail 1 "a file that is not there" asurif -w "$WORK/ws2" campaign import nowhere.json
check "the workspace is unchanged" '[ "$(cases_in ws2)" = "$state" ]'

# ---- the document goes, the evidence stays
expect_ok "remove the document" asurif rm "$doc"
expect_ok "evidence list" asurif evidence list --campaign 1 --json
jq_check "unlinked, its copy kept" '(.evidence | length) == 2 and .evidence[0].passage_id == null and .evidence[0].doc_title == "قانون الصفقات التجريبي" and (.evidence[0].text | contains("الصفقات العمومية")) and .evidence[0].doc_hash == "'"$hash"'"' out
expect_ok "the barriers still point at it" asurif barrier list --campaign 1 --json
jq_check "links kept" '.barriers[0].evidence == [1,2]' out
expect_ok "show as text says the document is gone" asurif evidence list --campaign 1
check "says so" 'grep -q "no longer in the hub" out'

# ---- removing
expect_ok "remove a piece of evidence" asurif evidence rm 2
expect_ok "barrier list" asurif barrier list --campaign 1 --json
jq_check "the link went with it" '.barriers[0].evidence == [1] and .barriers[1].evidence == []' out
expect_ok "remove a barrier" asurif barrier rm 2
expect_ok "recommend list" asurif recommend list --campaign 1 --json
jq_check "the recommendation answers the one left" '.recommendations[0].barriers == [1]' out
expect_fail 1 "remove what does not exist" asurif barrier rm 2
expect_ok "remove a stakeholder, an event, a recommendation" sh -c '"$ASURIF" stakeholder rm 2 && "$ASURIF" event rm 2 && "$ASURIF" recommend rm 1'
expect_ok "remove a campaign" asurif campaign rm 2
check "its evidence went with it" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM evidence WHERE campaign_id = 2")" = 0 ]'
check "the database is sound" '[ "$(sqlite3 ws/asurif.db "PRAGMA foreign_key_check")" = "" ]'

# ---- help
for c in campaign evidence barrier recommend stakeholder event; do
	expect_ok "$c --help" asurif "$c" --help
	check "$c: usage and options" 'grep -q "^usage: asurif $c" out && grep -q -- "--json" out'
done
expect_ok "help on a sub-command" asurif campaign new --help
check "the command's help" 'grep -q "^usage: asurif campaign" out'
finish
