#!/bin/sh
# Search: Arabic and French analysis, the query language, filters, JSON, batches.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

asurif init "$WORK/ws" >/dev/null
mkdir docs
cat >docs/ar.txt <<'T'
المادة 1
تستفيد المقاولات الصغيرة جدا والتعاونيات من برامج التكوين المستمر.

المادة 2
يخصص جزء من الصفقات العمومية للمقاولات الذاتية، وفق المرسوم رقم 2.22.431.

المادة 3
يحدد اإلطار العام لدعم المقاوالت بقرار، ويشمل سالمة المعطيات والحكومة تسهر على ذلك.
T
cat >docs/fr.md <<'T'
# Accès des petites entreprises aux marchés publics

## Article 1

L'entreprise individuelle peut soumissionner aux marchés publics réservés.

## Article 2

La formation des coopératives est financée par la région, conformément à la loi organique n° 111-14.
T
cat >docs/en.txt <<'T'
The training of cooperatives and small enterprises is funded by the regional council.
T
expect_ok "add three documents" asurif add docs --issuer "Région Béni Mellal-Khénifra" --date 2025-03-01
asurif add docs/en.txt >/dev/null 2>&1
ar=$(asurif docs --json | jq '.documents[] | select(.title=="ar") | .doc_id')

expect_ok "مقاولة finds the plural with article" asurif search مقاولة --json
jq_check "المقاولات is found" '[.results[].snippet] | any(test("<mark>المقاولات</mark>"))' out
jq_check "للمقاولات is found" '[.results[].snippet] | any(test("<mark>للمقاولات</mark>"))' out
jq_check "the PDF artefact المقاوالت is found" '[.results[].snippet] | any(test("<mark>المقاوالت</mark>"))' out
expect_ok "الإطار finds the PDF artefact اإلطار" asurif search الإطار --json
jq_check "اإلطار is highlighted" '.total == 1 and (.results[0].snippet | test("<mark>اإلطار</mark>"))' out
expect_ok "سلامة finds the artefact سالمة" asurif search سلامة --json
jq_check "سالمة is found" '.total == 1' out
expect_ok "الحكومة finds والحكومة" asurif search الحكومة --json
jq_check "والحكومة is found" '.total == 1' out
expect_ok "entreprise finds l'entreprise" asurif search entreprise --json
jq_check "l'entreprise is highlighted" '[.results[].snippet] | any(test("L&#39;<mark>entreprise</mark>"))' out
expect_ok "entreprises (plural) finds entreprise" asurif search entreprises --json
jq_check "found" '.total >= 1' out
expect_ok "accents do not matter" asurif search "cooperatives formation" --json
jq_check "coopératives is found" '[.results[].snippet] | any(test("<mark>coopératives</mark>"))' out
expect_ok "English words are stemmed too" asurif search "enterprise funding" --lang en --json
jq_check "the English document is found" '.total == 1 and .results[0].lang == "en"' out

expect_ok "JSON has every field" asurif search مقاولة --json
jq_check "fields" '.query == "مقاولة" and (.total|type) == "number" and (.results[0] | has("doc_id") and has("ext_id") and has("title") and has("kind") and has("lang") and has("page") and has("passage_id") and has("score") and has("snippet"))' out
jq_check "results are ranked by score" '[.results[].score] as $s | $s == ($s | sort | reverse)' out

expect_ok "a natural question works as-is" asurif search "ما هي برامج التكوين المتاحة للتعاونيات؟" --json
jq_check "it finds article 1" '.results[0].snippet | test("التكوين")' out
expect_ok "an exact phrase" asurif search '"الصفقات العمومية"' --json
jq_check "one passage has the phrase" '.total == 1' out
expect_ok "a phrase in the wrong order is not found" asurif search '"العمومية الصفقات"' --json
jq_check "nothing" '.total == 0' out
expect_ok "exclusion" asurif search 'مقاولة -التكوين' --json
jq_check "the excluded word is absent" '.total >= 1 and ([.results[].snippet] | all(test("التكوين") | not))' out
expect_ok "prefix" asurif search 'تعاون*' --json
jq_check "التعاونيات by prefix" '.total >= 1' out
expect_ok "French prefix" asurif search 'soumission*' --json
jq_check "soumissionner by prefix" '.total == 1' out
expect_ok "--all wants every word" asurif search 'المقاولات التكوين' --all --json
jq_check "only article 1" '.total == 1' out
expect_ok "OR ranks passages with any word" asurif search 'المقاولات التكوين' --json
jq_check "more than one" '.total > 1' out

expect_ok "filter by language" asurif search 'formation' --lang fr --json
jq_check "only French" '.total >= 1 and ([.results[].lang] | all(. == "fr"))' out
expect_ok "filter by issuer" asurif search 'مقاولة' --issuer "béni mellal" --json
jq_check "issuer matches" '.total >= 1' out
expect_ok "filter by date" asurif search 'مقاولة' --since 2025-04-01 --json
jq_check "nothing after the date" '.total == 0' out
expect_ok "filter by kind" asurif search 'مقاولة' --kind budget --json
jq_check "no budget" '.total == 0' out

expect_ok "pagination" asurif search 'المقاولات التكوين' --limit 1 --offset 1 --json
jq_check "one result, total unchanged" '(.results | length) == 1 and .total > 1' out
expect_ok "search 113.14 style numbers" asurif search 2-22-431 --json
jq_check "the decree number in any spelling" '.total == 1' out
expect_ok "Arabic-Indic digits" asurif search '٢.٢٢.٤٣١' --json
jq_check "found" '.total == 1' out

printf 'مقاولة\nentreprise\n\n"الصفقات العمومية"\n' >queries.txt
expect_ok "batch search" asurif search --batch queries.txt --limit 3 --json
check "one JSON line per query" '[ "$(wc -l <out)" -eq 4 ]'
check "every line is JSON" 'jq -e .query out >/dev/null'
check "the empty line is an error line" '[ "$(sed -n 3p out | jq -r .error)" != null ]'

expect_fail 2 "a one-letter prefix is refused" asurif search 'م*'
check "explains" 'grep -q "too short" err'
expect_fail 2 "in Latin too" asurif search 'e*'
expect_fail 2 "only stop words" asurif search "de la"
check "explains" 'grep -q "nothing to search for" err'
expect_ok "hostile query syntax is just words" asurif search 'NEAR( "a" ) OR * ^ : {} ) AND (' --json
expect_ok "SQL in a query is just words" asurif search "'; DROP TABLE documents; --" --json
expect_ok "documents are still there" asurif docs --json
jq_check "three documents" '.documents | length == 3' out
expect_ok "terminal output names the document" asurif search مقاولة
check "title and article shown" 'grep -q "المادة" out'
finish
