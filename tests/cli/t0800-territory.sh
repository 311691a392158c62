#!/bin/sh
# Morocco's territories: loaded into every workspace, found by Arabic or French name.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

expect_ok "init loads the territories" asurif init "$WORK/ws"
check "12 regions" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM regions")" = 12 ]'
check "83 provinces and prefectures" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM provinces")" = 83 ]'
check "1503 communes" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM communes")" = 1503 ]'
check "every commune has its province and region" '[ "$(sqlite3 ws/asurif.db "PRAGMA foreign_key_check")" = "" ]'
# (Casablanca-Settat does not add up in the source: Casablanca's prefecture and its prefectures of
# arrondissements are both listed.)
check "the population of Béni Mellal-Khénifra adds up from its provinces" '[ "$(sqlite3 ws/asurif.db "SELECT r.population_2024 - (SELECT sum(population_2024) FROM provinces p WHERE p.region_code = r.code) FROM regions r WHERE r.code = '"'"'05'"'"'")" = 0 ]'
expect_ok "find by French name without accents" asurif territory "beni mellal" --json
jq_check "the region, the province and the commune" '[.territories[].level] == ["region","province","commune"] and .territories[2].population_2024 == 209594 and .territories[2].province.name_ar == "بني ملال"' out
expect_ok "find by Arabic name, hamza or not" asurif territory "ازيلال" --level province --json
jq_check "Azilal province" '.territories[0].name_fr == "Azilal" and .territories[0].region.name_fr == "Béni Mellal-Khénifra"' out
expect_ok "only regions, the most populated first" asurif territory --level region --limit 12 --json
jq_check "twelve, sorted" '(.territories | length) == 12 and ([.territories[].population_2024] as $p | $p == ($p | sort | reverse))' out
jq_check "the source is named" '.source == "HCP, RGPH 2024"' out
expect_ok "a name that matches nothing" asurif territory "Atlantis"
check "says so" 'grep -q "No region, province or commune" out'
expect_fail 2 "a bad level" asurif territory x --level village
expect_ok "text output names the census" asurif territory "Khénifra"
check "source line" 'grep -q "RGPH 2024" out'
finish
