#!/bin/sh
# The legal rules of petitions as data: the five rule sets, every figure with its source, status and
# date checked; the signatures a territory needs; a coordinator's override, shown and logged; bad input.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

expect_ok "init" asurif init "$WORK/ws"

expect_ok "petition rules --json" asurif petition rules --json
cp out all.json
jq_check "the five rule sets, in order" '[.rules[].id] == ["ma/commune","ma/province","ma/region","ma/government","ma/motion"]' all.json
jq_check "every figure has a source, a status and the date checked" '[.rules[].figures[] | (.source | type == "string" and length > 0) and (.status | IN("confirmed","unconfirmed","conflicting")) and (.checked_on | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")) and has("value")] | all' all.json
jq_check "so does each law" '[.rules[].law | .source and .status and .checked_on] | all' all.json
jq_check "the ids the checks rely on" '[.rules[] | .figures | map(.id)] as $f | ($f[0] | index("threshold") and index("refusal_deadline") and index("association.min_years")) and ($f[2] | index("spread_min_share")) and ($f[3] | index("committee_size") and index("opinion_deadline"))' all.json
jq_check "the list of communes with arrondissements is unconfirmed, as the brief says" '.rules[0].figures[] | select(.id == "arrondissement_communes") | .status == "unconfirmed" and (.value | length) == 6' all.json
jq_check "excluded subjects carry Arabic and French keywords" '[.rules[].figures[] | select(.id == "excluded_subjects") | .value[] | (.keywords.ar | length > 0) and (.keywords.fr | length > 0)] | all' all.json
jq_check "signature columns by default" '.rules[3].figures[] | select(.id == "signature_columns") | .value == ["first_name","last_name","cin","address","commune_code","signature"]' all.json
jq_check "deadlines: commune 3 months, province and region 2 months" '[.rules[0,1,2].figures[] | select(.id == "refusal_deadline") | [.value, .unit]] == [[3,"months"],[2,"months"],[2,"months"]]' all.json
jq_check "government: 15, 60 and 30 days" '[.rules[3].figures[] | select(.id | IN("referral_deadline","opinion_deadline","inadmissibility_notice_deadline")) | .value] == [15,60,30]' all.json
jq_check "motion: 20000, committee of 5, 15 and 60 days" '[.rules[4].figures[] | select(.id | IN("threshold","committee_size","admissibility_deadline","substance_deadline")) | .value] == [20000,5,15,60]' all.json
jq_check "a province association needs more than 100 members" '.rules[1].figures[] | select(.id == "association.min_members") | .value == 100 and .comparison == "more_than"' all.json

expect_ok "text listing" asurif petition rules
check "names sources and statuses" 'grep -q "113.14" out && grep -q "unconfirmed" out && grep -q "checked 2026-11-22" out'

# The region of Béni Mellal-Khénifra, found by name.
expect_ok "find the region" asurif territory "Béni Mellal" --level region --json
region=$(jq -r '.territories[0].code' out)
expect_ok "a region's petition" asurif petition rules ma/region --territory "$region" --json
jq_check "Béni Mellal-Khénifra needs 400, at least 20 from each of its 5 provinces" '.required.required == 400 and .required.spread.per_province == 20 and (.required.spread.provinces | length) == 5 and ([.required.spread.provinces[].min] | all(. == 20)) and .required.from.figure == "threshold" and .required.from.status == "confirmed" and .required.spread.from.figure == "spread_min_share"' out
jq_check "its provinces by name" '[.required.spread.provinces[].name_fr] | sort == ["Azilal","Béni Mellal","Fquih Ben Salah","Khouribga","Khénifra"]' out
expect_ok "the rule set follows from the territory" asurif petition rules --territory "$region"
check "text names 400 and the spread" 'grep -q "400 signatures" out && grep -q "At least 20" out'

expect_ok "find communes" asurif territory "El Ksiba" --level commune --json
small=$(jq -r '[.territories[] | select(.population_2024 < 35000)][0].code' out)
asurif territory "Béni Mellal" --level commune --json >out 2>err
big=$(jq -r '[.territories[] | select(.population_2024 >= 35000)][0].code' out)
asurif territory "Casablanca" --level commune --json >out 2>err
casa=$(jq -r '[.territories[] | select(.name_fr == "Casablanca")][0].code' out)
expect_ok "a commune under 35,000" asurif petition rules ma/commune --territory "$small" --json
jq_check "needs 100" '.required.required == 100 and .required.territory.population_2024 < 35000' out
expect_ok "a commune over 35,000" asurif petition rules ma/commune --territory "$big" --json
jq_check "needs 200" '.required.required == 200 and .required.territory.population_2024 >= 35000' out
expect_ok "Casablanca" asurif petition rules ma/commune --territory "$casa" --json
jq_check "needs 400, from the unconfirmed list of communes with arrondissements" '.required.required == 400 and .required.from.figure == "threshold_arrondissements" and .required.also.status == "unconfirmed"' out
expect_ok "a province" asurif petition rules ma/province --territory 05.081 --json
jq_check "needs 300" '.required.required == 300 and .required.territory.name_fr == "Azilal"' out
expect_ok "the Head of Government" asurif petition rules ma/government --json
jq_check "4000 supporters and a committee of 5" '(.rule.figures[] | select(.id == "threshold") | .value) == 4000 and (.rule.figures[] | select(.id == "committee_size") | .value) == 5' out
expect_fail 2 "a territory of another level" asurif petition rules ma/commune --territory "$region"
check "says what it is" 'grep -q "is a region" err'
expect_fail 1 "an unknown territory" asurif petition rules ma/commune --territory 99.999
check "names it" 'grep -q "99.999" err'

# A coordinator overrides a figure with a note; it shows as such, is logged, and reset restores it.
expect_ok "override the region threshold" asurif petition rules override ma/region threshold 600 --note "the council publishes 600 registered voters"
expect_ok "listing after the override" asurif petition rules ma/region --territory "$region" --json
jq_check "the override is applied and shown, with its note, the original kept" '(.rule.figures[] | select(.id == "threshold") | .value == 600 and .overridden.value == 600 and .overridden.note == "the council publishes 600 registered voters" and (.original | type) == "array" and .status == "confirmed") and .required.required == 600 and .required.from.overridden == true and .required.spread.per_province == 30' out
expect_ok "text shows it overridden" asurif petition rules ma/region
check "OVERRIDDEN with the note" 'grep -q "OVERRIDDEN.*the council publishes 600" out'
check "the audit log has it" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM audit WHERE action = '"'"'rule-override'"'"' AND target = '"'"'ma/region threshold'"'"' AND detail LIKE '"'"'600;%the council publishes%'"'"'")" = 1 ]'
expect_ok "override a share as a percentage" asurif petition rules override ma/region spread_min_share 10% --note "test"
expect_ok "listing" asurif petition rules ma/region --territory "$region" --json
jq_check "10% of 600 is 60 per province" '.required.spread.per_province == 60' out
expect_ok "reset the threshold" asurif petition rules reset ma/region threshold
expect_ok "reset the share" asurif petition rules reset ma/region spread_min_share
expect_ok "listing after the reset" asurif petition rules ma/region --territory "$region" --json
jq_check "back to the rule data" '(.rule.figures[] | select(.id == "threshold") | has("overridden") | not) and .required.required == 400 and .required.spread.per_province == 20' out
check "the reset is logged" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM audit WHERE action = '"'"'rule-reset'"'"'")" = 2 ]'
check "the history is kept" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM rule_overrides")" = 4 ] && [ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM rule_overrides_current")" = 0 ]'
expect_fail 1 "reset what is not overridden" asurif petition rules reset ma/region threshold

# Bad input.
expect_fail 2 "an unknown rule set" asurif petition rules ma/village
check "names it" 'grep -q "ma/village" err'
expect_fail 2 "override: unknown rule set" asurif petition rules override ma/village threshold 5 --note x
expect_fail 2 "override: unknown figure" asurif petition rules override ma/commune quorum 5 --note x
check "names it" 'grep -q "quorum" err'
expect_fail 2 "override: not a number" asurif petition rules override ma/commune threshold lots --note x
check "names the value and the figure" 'grep -q "\"lots\" is not a value for threshold" err'
expect_fail 2 "override: a share over 1" asurif petition rules override ma/region spread_min_share 2 --note x
expect_fail 2 "override: no note" asurif petition rules override ma/commune threshold 150
check "asks for --note" 'grep -q -- "--note" err'
expect_fail 2 "override: missing value" asurif petition rules override ma/commune threshold --note x
expect_fail 2 "a petition sub-command that does not exist" asurif petition frobnicate
check "names what exists" 'grep -q "rules" err'
expect_fail 2 "no sub-command" asurif petition
expect_ok "help" asurif petition --help
check "help names the rules and override" 'grep -q "rules override" out'
expect_ok "help after rules" asurif petition rules --help

# A damaged copy of a rule set in the workspace is refused, naming the file and the field.
mkdir -p ws/overrides/rules/ma
jq '.figures[0].status = "sure"' "$SRCDIR/data/rules/ma/commune.json" >ws/overrides/rules/ma/commune.json
expect_fail 1 "a damaged override file" asurif petition rules ma/commune
check "names the file and the field" 'grep -q "overrides/rules/ma/commune.json: figures\[0\].status" err'
jq 'del(.figures[1].source)' "$SRCDIR/data/rules/ma/commune.json" >ws/overrides/rules/ma/commune.json
expect_fail 1 "a figure without a source" asurif petition rules
check "names it" 'grep -q "figures\[1\].source" err'
printf '{"id": "ma/commune",' >ws/overrides/rules/ma/commune.json
expect_fail 1 "broken JSON" asurif petition rules ma/commune
check "names the file and line" 'grep -q "commune.json, line" err'
jq '(.figures[] | select(.id == "threshold") | .value) = [{"below": 35000, "signatures": 150}, {"signatures": 250}]' "$SRCDIR/data/rules/ma/commune.json" >ws/overrides/rules/ma/commune.json
expect_ok "a good override file is used" asurif petition rules ma/commune --territory "$small" --json
jq_check "its figures count" '.required.required == 150' out
rm ws/overrides/rules/ma/commune.json
finish
