#!/bin/sh
# A petition judged against the law before filing (threshold with duplicates and withdrawals, the
# spread over a region's provinces, agent and committee, the filing association, excluded subjects,
# a coordinator's override), then filed, with its legal dates, and decided.
# (lib.sh uses the names d, n, rc and code: this script does not.)
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

db() { sqlite3 -cmd ".timeout 5000" ws/asurif.db "$@"; }
# days_ago N: the date N days before today
days_ago() { date -d "$1 days ago" +%F; }
# cond FILE ID: the condition ID of a check's JSON
cond() { jq -c --arg i "$2" '.conditions[] | select(.id == $i)' "$1"; }

# sigs PETITION COUNT FIRST COMMUNE: COUNT signatures with the distinct ID hashes hFIRST...,
# living in COMMUNE, the channels taking turns (paper, import, online); one statement.
sigs() {
	db "WITH RECURSIVE k(i) AS (SELECT $3 UNION ALL SELECT i + 1 FROM k WHERE i < $3 + $2 - 1)
	    INSERT INTO signatures(petition_id, cin_hash, commune_code, province_code, channel)
	    SELECT $1, 'h' || i, c.code, c.province_code,
	           CASE i % 3 WHEN 0 THEN 'paper' WHEN 1 THEN 'import' ELSE 'online' END
	    FROM k, communes c WHERE c.code = '$4'"
}

expect_ok "init" asurif init "$WORK/ws"
expect_ok "a campaign" asurif campaign new --title "ولوج المقاولات الصغيرة جدا إلى الصفقات" --level commune --json
cid=$(jq -r .id out)
asurif territory "El Ksiba" --level commune --json >terr.json
small=$(jq -r '[.territories[] | select(.population_2024 < 35000)][0].code' terr.json)
check "a commune under 35,000 inhabitants" '[ -n "$small" ] && [ "$small" != null ]'

# ---- the threshold: 99 distinct ID numbers and duplicates, then 100 ----
expect_ok "petition new (commune)" asurif petition new --campaign "$cid" --rule ma/commune --territory "$small" --json
p1=$(jq -r .id out)
sigs "$p1" 99 1 "$small"
# the same three ID numbers again, online, and a withdrawn signature
db "INSERT INTO signatures(petition_id, cin_hash, commune_code, province_code, channel)
    SELECT $p1, cin_hash, commune_code, province_code, 'online' FROM signatures WHERE petition_id = $p1 AND cin_hash IN ('h1', 'h2', 'h3');
    INSERT INTO signatures(petition_id, cin_hash, commune_code, province_code, channel, withdrawn_at, withdrawn_by)
    SELECT $p1, 'h900', commune_code, province_code, 'paper', '2026-01-01T00:00:00Z', 'signatory' FROM signatures WHERE id = (SELECT min(id) FROM signatures WHERE petition_id = $p1);
    UPDATE petitions SET agent_name = 'وكيل العريضة' WHERE id = $p1"
check "102 live signatures" '[ "$(db "SELECT count(*) FROM signatures WHERE petition_id = $p1 AND withdrawn_at IS NULL")" = 102 ]'
expect_ok "check --json" asurif petition check "$p1" --json
cp out c99.json
jq_check "the contract's keys" 'has("admissible") and has("required") and has("counted") and has("duplicates") and (.conditions | all(has("id") and has("status") and has("reason") and has("rule_source") and has("rule_status")))' c99.json
jq_check "99 counted of 100 required, 3 duplicates, 1 withdrawn: not admissible" '.required == 100 and .counted == 99 and .duplicates == 3 and .withdrawn == 1 and .admissible == false' c99.json
jq_check "only the threshold fails, with its source and status" '[.conditions[] | select(.status == "fail") | .id] == ["threshold"] and (.conditions[] | select(.id == "threshold") | (.reason | test("99 signatures counted, 100 required")) and (.reason | test("3 duplicates not counted")) and (.rule_source | test("113.14")) and .rule_status == "confirmed")' c99.json
jq_check "the agent passes, the unknowns are unknown" '(.conditions[] | select(.id == "agent") | .status == "pass") and (.conditions[] | select(.id == "contents") | .status == "unknown") and (.conditions[] | select(.id == "within_remit") | .status == "unknown")' c99.json
jq_check "statuses are pass, fail or unknown" '[.conditions[].status] | all(IN("pass","fail","unknown"))' c99.json
expect_ok "check as text" asurif petition check "$p1"
check "✗ for the threshold, ✓ for the agent, ? for the unknowns, the verdict" 'grep -q "^✗ threshold: 99 signatures counted" out && grep -q "^✓ agent" out && grep -q "^? contents" out && grep -q "^Not admissible" out'
check "each rule's source and status" 'grep -q "rule: Organic law 113.14.*\[confirmed\]" out'

sigs "$p1" 1 100 "$small"
expect_ok "check with 100" asurif petition check "$p1" --json
jq_check "100 counted: the threshold passes, admissible" '.counted == 100 and .duplicates == 3 and .admissible == true and (.conditions[] | select(.id == "threshold") | .status == "pass")' out
# withdrawing the first of a duplicated ID number: the duplicate stands in for it
db "UPDATE signatures SET withdrawn_at = '2026-02-01T00:00:00Z', withdrawn_by = 'coordinator' WHERE id = (SELECT min(id) FROM signatures WHERE petition_id = $p1 AND cin_hash = 'h1')"
expect_ok "check after a withdrawal" asurif petition check "$p1" --json
jq_check "still 100 (the duplicate counts now), 2 duplicates, 2 withdrawn" '.counted == 100 and .duplicates == 2 and .withdrawn == 2 and .admissible == true' out
# a signature marked purged (no hash left) counts unless it was a duplicate
db "INSERT INTO signatures(petition_id, cin_hash, commune_code, province_code, channel) VALUES ($p1, NULL, '$small', NULL, 'paper')"
expect_ok "check with a purged signature" asurif petition check "$p1" --json
jq_check "counted, with a warning that it has no residence" '.counted == 101 and (.warnings | any(test("without a commune of residence")))' out
db "DELETE FROM signatures WHERE petition_id = $p1 AND cin_hash IS NULL"

# ---- the same count through the signing commands: paper, online and a CSV import together ----
expect_ok "petition new for the signing commands" asurif petition new --campaign "$cid" --rule ma/commune --territory "$small" --json
ps=$(jq -r .id out)
expect_ok "a paper signature" asurif petition sign "$ps" --first-name Zoubida --last-name Ouhammou --cin "BE654321" --address "Derb 12" --commune "$small" --sheet 1 --row 1
expect_ok "another on paper" asurif petition sign "$ps" --first-name Ahmed --last-name Bennani --cin "AB12345" --address "Rue 1" --commune "$small" --sheet 1 --row 2
expect_ok "the first again online, written differently" asurif petition sign "$ps" --first-name Zoubida --last-name Ouhammou --cin "be-654321" --address "Derb 12" --commune "$small" --channel online
printf 'first_name,last_name,cin,address,commune_code\nFatima,Amzil,JK98765,Douar 3,%s\nAhmed,Bennani,ab 12345,Rue 1,%s\n' "$small" "$small" >sig.csv
expect_ok "a CSV with a new signatory and a duplicate" asurif petition import "$ps" sig.csv
expect_ok "check" asurif petition check "$ps" --json
jq_check "3 distinct ID numbers counted across the channels, 2 duplicates" '.counted == 3 and .duplicates == 2 and .required == 100' out

# ---- a coordinator's override of the threshold ----
expect_ok "override the commune threshold" asurif petition rules override ma/commune threshold 150 --note "the council publishes 150 on its site"
expect_ok "check under the override" asurif petition check "$p1" --json
jq_check "required 150, the threshold fails and says it is overridden, with the note" '.required == 150 and .admissible == false and (.conditions[] | select(.id == "threshold") | .status == "fail" and .overridden == true and (.reason | test("overridden")) and (.reason | test("the council publishes 150")))' out
expect_ok "text says it" asurif petition check "$p1"
check "overridden here" 'grep -q "overridden here" out'
expect_ok "reset" asurif petition rules reset ma/commune threshold
expect_ok "check after the reset" asurif petition check "$p1" --json
jq_check "back to 100" '.required == 100 and .admissible == true' out

# ---- excluded subjects: a warning, never a verdict ----
db "UPDATE petitions SET title = 'دعم التعاونيات والوحدة الوطنية' WHERE id = $p1"
expect_ok "check an Arabic title touching an excluded subject" asurif petition check "$p1" --json
jq_check "unknown, naming the keyword (after the proclitic و), admissible unaffected" '.admissible == true and (.conditions[] | select(.id == "excluded_subjects") | .status == "unknown" and (.reason | test("الوحدة الوطنية")) and .matches[0].subject == "national_unity" and .matches[0].where == "the petition'"'"'s title")' out
db "UPDATE petitions SET title = 'Le droit des TPE et la ROYAUTE' WHERE id = $p1"
expect_ok "check a French title, case and accents folded" asurif petition check "$p1" --json
jq_check "royauté found in ROYAUTE; roi not found in droit" '.admissible == true and (.conditions[] | select(.id == "excluded_subjects") | .status == "unknown" and (.matches | length) == 1 and .matches[0].keyword == "royauté")' out
db "UPDATE petitions SET title = 'Le droit des TPE aux marchés publics' WHERE id = $p1"
expect_ok "check a title without one" asurif petition check "$p1" --json
jq_check "passes" '.conditions[] | select(.id == "excluded_subjects") | .status == "pass"' out
expect_ok "a draft whose text touches one" asurif draft new --campaign "$cid" --type petition-commune --lang ar --field "reasons=نطالب بحماية العرش والمقاولات" --json
draft=$(jq -r .id out)
expect_ok "a petition with that draft" asurif petition new --campaign "$cid" --rule ma/commune --territory "$small" --draft "$draft" --json
p2=$(jq -r .id out)
expect_ok "check it" asurif petition check "$p2" --json
jq_check "the keyword is found in the draft's field, the contents name the draft" '(.conditions[] | select(.id == "excluded_subjects") | .status == "unknown" and .matches[0].keyword == "العرش" and (.matches[0].where | test("reasons"))) and (.conditions[] | select(.id == "contents") | (.reason | test("draft '"$draft"'")))' out

# ---- the spread over a region's provinces ----
expect_ok "find the region" asurif territory "Béni Mellal" --level region --json
region=$(jq -r '.territories[0].code' out)
check "Béni Mellal-Khénifra is 05" '[ "$region" = 05 ]'
asurif territory --level province --limit 100 --json >prov.json
jq -r --arg r "$region" '[.territories[] | select(.code | startswith($r + "."))] | sort_by(.code) | .[].code' prov.json >provinces.txt
check "its five provinces" '[ "$(wc -l <provinces.txt)" = 5 ]'
expect_ok "petition new (region)" asurif petition new --campaign "$cid" --rule ma/region --territory "$region" --json
p3=$(jq -r .id out)
db "UPDATE petitions SET agent_name = 'agent' WHERE id = $p3"
first=1
i=0
for prov in $(cat provinces.txt); do
	commune=$(db "SELECT code FROM communes WHERE province_code = '$prov' ORDER BY code LIMIT 1")
	if [ $i -eq 0 ]; then count=19; short_prov=$prov; elif [ $i -eq 1 ]; then count=96; else count=95; fi
	sigs "$p3" $count $first "$commune"
	first=$((first + count))
	i=$((i + 1))
done
short_name=$(jq -r --arg c "$short_prov" '.territories[] | select(.code == $c) | .name_fr' prov.json)
expect_ok "check the region's petition" asurif petition check "$p3" --json
cp out region.json
jq_check "400 counted of 400: the threshold passes" '.required == 400 and .counted == 400 and (.conditions[] | select(.id == "threshold") | .status == "pass")' region.json
jq_check "the spread fails, naming the province with 19 of 20" '.admissible == false and (.conditions[] | select(.id == "spread") | .status == "fail" and (.reason | contains("'"$short_name"' ('"$short_prov"') 19 of 20")) and .rule_status == "confirmed" and .figure == "spread_min_share")' region.json
jq_check "per province: five, one short" '(.per_province | length) == 5 and ([.per_province[] | select(.ok | not) | .code] == ["'"$short_prov"'"]) and ([.per_province[].counted] | add) == 400' region.json
expect_ok "text" asurif petition check "$p3"
check "names the province" 'grep -q "^✗ spread: too few signatories live in $short_name" out'
commune=$(db "SELECT code FROM communes WHERE province_code = '$short_prov' ORDER BY code LIMIT 1")
sigs "$p3" 1 1000 "$commune"
expect_ok "one more there" asurif petition check "$p3" --json
jq_check "the spread passes" '.admissible == true and (.conditions[] | select(.id == "spread") | .status == "pass")' out

# ---- agent, deputy and committee of a national petition ----
expect_ok "petition new (government)" asurif petition new --campaign "$cid" --rule ma/government --json
p4=$(jq -r .id out)
db "UPDATE petitions SET agent_name = 'agent', committee_size = 5 WHERE id = $p4"
expect_ok "check without a deputy" asurif petition check "$p4" --json
jq_check "4000 required; the committee fails for want of a deputy" '.required == 4000 and (.conditions[] | select(.id == "committee") | .status == "fail" and (.reason | test("no deputy")) and .rule_status == "confirmed")' out
db "UPDATE petitions SET deputy_name = 'deputy', committee_size = 4 WHERE id = $p4"
expect_ok "check a committee of 4" asurif petition check "$p4" --json
jq_check "fails on the size" '.conditions[] | select(.id == "committee") | .status == "fail" and (.reason | test("4 members, the law wants 5"))' out
db "UPDATE petitions SET committee_size = 5 WHERE id = $p4"
expect_ok "check a committee of 5 with agent and deputy" asurif petition check "$p4" --json
jq_check "passes; only the threshold fails" '(.conditions[] | select(.id == "committee") | .status == "pass") and ([.conditions[] | select(.status == "fail") | .id] == ["threshold"])' out

# ---- an association files ----
expect_ok "petition new by an association" asurif petition new --campaign "$cid" --rule ma/commune --territory "$small" --by-association "جمعية التنمية المحلية" --json
p5=$(jq -r .id out)
sigs "$p5" 100 1 "$small"
db "UPDATE petitions SET agent_name = 'representative', association_since = '$(days_ago 730)' WHERE id = $p5"
expect_ok "check an association constituted 2 years ago" asurif petition check "$p5" --json
jq_check "fails: the law wants more than 3 years" '.admissible == false and ([.conditions[] | select(.status == "fail") | .id] == ["association.min_years"]) and (.conditions[] | select(.id == "association.min_years") | (.reason | test("more than 3 years")) and .rule_status == "confirmed")' out
jq_check "democratic, good standing and local seat: the coordinator confirms with documents" '[.conditions[] | select(.id | IN("association.democratic","association.good_standing","association.local_seat")) | .status == "unknown" and (.reason | test("must confirm with documents"))] == [true,true,true]' out
db "UPDATE petitions SET association_since = '$(days_ago 1500)' WHERE id = $p5"
expect_ok "4 years ago" asurif petition check "$p5" --json
jq_check "passes" '.admissible == true and (.conditions[] | select(.id == "association.min_years") | .status == "pass")' out
db "UPDATE petitions SET association_since = NULL WHERE id = $p5"
expect_ok "no date recorded" asurif petition check "$p5" --json
jq_check "unknown" '.conditions[] | select(.id == "association.min_years") | .status == "unknown"' out
expect_ok "a province petition by an association" asurif petition new --campaign "$cid" --rule ma/province --territory 05.081 --by-association "Association Azilal" --json
p6=$(jq -r .id out)
db "UPDATE petitions SET agent_name = 'x', association_since = '2010-01-01' WHERE id = $p6"
expect_ok "members unknown" asurif petition check "$p6" --json
jq_check "unknown" '.conditions[] | select(.id == "association.min_members") | .status == "unknown"' out
db "UPDATE petitions SET association_members = 100 WHERE id = $p6"
expect_ok "100 members" asurif petition check "$p6" --json
jq_check "fails: more than 100" '.conditions[] | select(.id == "association.min_members") | .status == "fail" and (.reason | test("more than 100"))' out
db "UPDATE petitions SET association_members = 101 WHERE id = $p6"
expect_ok "101 members" asurif petition check "$p6" --json
jq_check "passes" '.conditions[] | select(.id == "association.min_members") | .status == "pass"' out

# ---- filing, legal dates, decision ----
expect_ok "dates before filing" asurif petition dates "$p1" --json
jq_check "none yet" '.dates == [] and .status == "collecting"' out
expect_fail 2 "file without --date" asurif petition file "$p1"
expect_fail 2 "file with a date that is not one" asurif petition file "$p1" --date 2026-02-30
check "names it" 'grep -q "2026-02-30" err'
expect_fail 2 "file in the future" asurif petition file "$p1" --date "$(date -d '3 days' +%F)"
check "says so" 'grep -q "future" err'
expect_ok "file the commune petition" asurif petition file "$p1" --date 2026-01-31 --channel "paper (council office)" --receipt "R-2026-17" --json
jq_check "filed; refusal due 2026-04-30 (3 months, month end clamped), overdue without decision" '.status == "filed" and .filed_on == "2026-01-31" and .channel == "paper (council office)" and .receipt == "R-2026-17" and (.dates | length) == 1 and .dates[0].id == "refusal_deadline" and .dates[0].date == "2026-04-30" and .dates[0].overdue == true and .dates[0].days_left < 0 and .dates[0].status == "confirmed" and (.dates[0].source | test("113.14"))' out
check "recorded" '[ "$(db "SELECT status || filed_on || receipt_number FROM petitions WHERE id = $p1")" = "filed2026-01-31R-2026-17" ]'
check "logged" '[ "$(db "SELECT count(*) FROM audit WHERE action = '"'"'petition-file'"'"' AND target = '"'"'petition $p1'"'"' AND detail LIKE '"'"'filed on 2026-01-31%R-2026-17%'"'"'")" = 1 ]'
expect_fail 2 "file twice" asurif petition file "$p1" --date 2026-02-01
check "says it is filed" 'grep -q "filed on 2026-01-31" err'
expect_ok "dates as text" asurif petition dates "$p1"
check "the date, OVERDUE and the source" 'grep -q "2026-04-30  refusal_deadline  OVERDUE" out && grep -q "113.14" out'

today=$(date +%F)
expect_ok "file the region petition today" asurif petition file "$p3" --date "$today"
check "text names the refusal date" 'grep -q "$(date -d "$today + 2 months" +%F)  refusal_deadline  in " out'
expect_ok "dates of the region petition" asurif petition dates "$p3" --json
jq_check "2 months, not overdue" '.dates[0].date == "'"$(date -d "$today + 2 months" +%F)"'" and .dates[0].overdue == false and .dates[0].days_left > 0' out
expect_ok "file the government petition" asurif petition file "$p4" --date 2026-01-31 --channel eparticipation.ma
expect_ok "its dates" asurif petition dates "$p4" --json
jq_check "referral in 15 days, the opinion 60 days after, the notice 30 days after that" '[.dates[] | [.id, .date, .from]] == [["referral_deadline","2026-02-15","filing"],["opinion_deadline","2026-04-16","referral_deadline"],["inadmissibility_notice_deadline","2026-05-16","opinion_deadline"]]' out

expect_ok "dates --all" asurif petition dates --all --json
jq_check "every pending date, soonest first, overdue marked" '[.dates[] | [.petition, .id, .overdue]] == [['"$p4"',"referral_deadline",true],['"$p4"',"opinion_deadline",true],['"$p1"',"refusal_deadline",true],['"$p4"',"inadmissibility_notice_deadline",true],['"$p3"',"refusal_deadline",false]]' out
expect_ok "dates --all as text" asurif petition dates --all
check "lists them" '[ "$(grep -c OVERDUE out)" = 4 ]'

expect_fail 2 "a refusal without reasons" asurif petition decide "$p1" refused
check "says it must be reasoned" 'grep -q "reason" err'
expect_fail 2 "a decision that is neither" asurif petition decide "$p1" maybe
expect_fail 2 "a decision date that is not one" asurif petition decide "$p1" refused --date 2026-13-01 --note x
check "names it" 'grep -q "2026-13-01" err'
expect_fail 2 "a decision before the filing" asurif petition decide "$p1" refused --date 2026-01-30 --note x
expect_fail 2 "a decision on a petition not filed" asurif petition decide "$p2" accepted
expect_ok "refused with its reasons" asurif petition decide "$p1" refused --date 2026-05-20 --note "خارج اختصاصات المجلس" --json
jq_check "recorded" '.status == "refused" and .decided_on == "2026-05-20" and .decision_reasons == "خارج اختصاصات المجلس"' out
expect_ok "dates after the decision" asurif petition dates "$p1" --json
jq_check "no longer overdue" '.status == "refused" and .decided_on == "2026-05-20" and .dates[0].overdue == false' out
expect_fail 2 "decide twice" asurif petition decide "$p1" accepted
check "says it was refused" 'grep -q "already refused" err'
expect_ok "accepted, no reasons needed" asurif petition decide "$p3" accepted
expect_ok "dates --all after the decisions" asurif petition dates --all --json
jq_check "only the government petition's dates remain" '[.dates[].petition] | unique == ['"$p4"']' out
check "decisions logged" '[ "$(db "SELECT count(*) FROM audit WHERE action = '"'"'petition-decide'"'"'")" = 2 ]'

# ---- bad input ----
expect_fail 1 "check an unknown petition" asurif petition check 999
check "names it" 'grep -q "999" err'
expect_fail 2 "check without a number" asurif petition check
expect_fail 2 "check with a word" asurif petition check abc
expect_fail 2 "dates with an ID and --all" asurif petition dates "$p1" --all
expect_fail 2 "file: an option of another command" asurif petition file "$p2" --date 2026-01-31 --territory 05

finish
