#!/bin/sh
# Legal references: extracted at ingest, found by key, number or phrase, in both languages.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

asurif init "$WORK/ws" >/dev/null
cat >ar.txt <<'T'
المادة 1
تقدم العرائض طبقا لأحكام القانون التنظيمي رقم 113.14 المتعلق بالجماعات.

المادة 2
تطبق مقتضيات المرسوم رقم 2.22.431 المتعلق بالصفقات العمومية، والظهير الشريف رقم 1.15.85.

المادة 3
مع مراعاة المادة 12 من القانون رقم 31.13 المتعلق بالحق في الحصول على المعلومات.
T
cat >fr.txt <<'T'
Article premier
Les pétitions sont régies par la loi organique n° 113-14 relative aux communes.

Article 2
Le décret n° 2-22-431 s'applique, ainsi que l'article 12 de la loi n° 31-13.
Date de la réunion : 12/05/2024. Montant : 1.500.000 dirhams. Tél. 05 23 48 12 34.
T
expect_ok "add" asurif add ar.txt fr.txt
expect_ok "refs by bare number" asurif refs 113.14 --json
jq_check "both languages cite 113.14" '([.refs[].doc_id] | unique | length) == 2 and ([.refs[].key] | unique) == ["organic-law:113.14"]' out
expect_ok "refs by another spelling" asurif refs 113-14 --json
jq_check "same answer" '(.refs | length) == 2' out
expect_ok "refs by Arabic-Indic digits" asurif refs ١١٣.١٤ --json
jq_check "same answer" '(.refs | length) == 2' out
expect_ok "refs by key" asurif refs decree:2.22.431 --json
jq_check "the decree in both" '(.refs | length) == 2' out
expect_ok "refs by a French phrase" asurif refs "loi n° 31-13" --json
jq_check "law 31.13 with its article" '(.refs | length) == 2 and ([.refs[].article] | unique) == [12]' out
expect_ok "refs by an Arabic phrase" asurif refs "الظهير الشريف رقم 1.15.85" --json
jq_check "the dahir" '(.refs | length) == 1 and .refs[0].key == "dahir:1.15.85"' out
expect_ok "a passage's page and article are given" asurif refs 2.22.431 --json
jq_check "article labels" '[.refs[].passage_article] | sort == ["Article 2","المادة 2"]' out
fr=$(asurif docs --json | jq '.documents[] | select(.title=="fr") | .doc_id')
expect_ok "refs --of" asurif refs --of "$fr" --json
jq_check "what the French text cites" '[.refs[].key] | unique == ["decree:2.22.431","law:31.13","organic-law:113.14"]' out
jq_check "no date, amount or phone number is a reference" '[.refs[].raw] | all(test("2024|1.500|05 23") | not)' out
jq_check "article labels are not citations" '[.refs[].key] | all(. != "article:2")' out
expect_ok "a search for 113.14 finds both languages" asurif search 113.14 --json
jq_check "two passages" '.total == 2 and ([.results[].lang] | sort) == ["ar","fr"]' out
expect_ok "nothing cites a law that is absent" asurif refs 99.99 --json
jq_check "empty" '.refs == []' out
expect_fail 2 "words that are no reference" asurif refs bonjour
check "explained" 'grep -q "not a legal reference" err'
expect_fail 1 "refs --of a missing document" asurif refs --of 999
expect_ok "show lists what a document cites" asurif show "$fr"
check "cites line" 'grep -q "cites.*organic-law:113.14" out'
finish
