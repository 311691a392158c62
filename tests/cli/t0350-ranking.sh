#!/bin/sh
# Ranking: skipping passages that cannot reach the page gives exactly the ranking of
# scoring every match, on a corpus where common and rare words mix as in real text.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

asurif init "$WORK/ws" >/dev/null
# 3,000 passages drawn from 400 words with Zipf-like frequencies (fixed seed).
awk 'BEGIN {
	srand(42);
	split("تمويل تكوين صفقات مقاولة تعاونية جماعة جهة قانون مرسوم مادة مجلس رئيس عريضة وكيل ميزانية برنامج دعم ضمان قرض بنك", base, " ");
	for (w = 1; w <= 400; w++) word[w] = base[(w % 20) + 1] base[int((w - 1) / 20) + 1];
	for (d = 1; d <= 3000; d++) {
		n = 20 + int(rand() * 60); t = "";
		for (i = 0; i < n; i++) { r = int(400 ^ rand()); if (r < 1) r = 1; t = t " " word[r]; }
		printf "{\"id\":\"d%d\",\"title\":\"d%d\",\"text\":\"%s\",\"lang\":\"ar\"}\n", d, d, t;
	}
	for (q = 1; q <= 40; q++) {
		k = 2 + int(rand() * 5); s = "";
		for (i = 0; i < k; i++) { r = int(400 ^ rand()); if (r < 1) r = 1; s = s " " word[r]; }
		print s > "queries.txt";
	}
}' >corpus.jsonl
expect_ok "add the corpus" asurif add corpus.jsonl
check "3000 passages" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM passages")" = 3000 ]'
for limit in 1 10 50; do
	asurif search --batch queries.txt --limit $limit --json | jq -c '[.total, [.results[] | [.passage_id, (.score * 1e9 | round)]]]' >fast.txt
	asurif search --batch queries.txt --limit $limit --json --exhaustive | jq -c '[.total, [.results[] | [.passage_id, (.score * 1e9 | round)]]]' >full.txt
	check "same ranking and totals with and without skipping (limit $limit)" 'cmp -s fast.txt full.txt'
done
asurif search --batch queries.txt --limit 10 --offset 10 --json | jq -c '[.results[].passage_id]' >page2.txt
asurif search --batch queries.txt --limit 20 --json | jq -c '[.results[10:][].passage_id]' >first20.txt
check "page 2 is the second half of the first 20" 'cmp -s page2.txt first20.txt'
asurif search --batch queries.txt --limit 10 --json --kind other | jq -c '[.total, [.results[].passage_id]]' >filtered.txt
asurif search --batch queries.txt --limit 10 --json | jq -c '[.total, [.results[].passage_id]]' >unfiltered.txt
check "a filter every passage passes changes nothing" 'cmp -s filtered.txt unfiltered.txt'
q=$(head -n 1 queries.txt)
expect_ok "scores decrease down the page" asurif search "$q" --limit 50 --json
jq_check "sorted" '[.results[].score] as $s | $s == ($s | sort | reverse)' out
expect_ok "a repeated word counts once" asurif search "$q $q" --limit 5 --json
cp out twice.json
asurif search "$q" --limit 5 --json >once.json
check "same results" '[ "$(jq -c "[.results[].score]" twice.json)" = "$(jq -c "[.results[].score]" once.json)" ]'
finish
