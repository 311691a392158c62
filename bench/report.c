/*
 * Prints the benchmark tables from the raw results bench/run.sh leaves in DIR
 * (build/bench-results), with the goals and whether each is met.
 *
 *   report quality DIR    from DIR/quality.jsonl
 *   report speed DIR      from DIR/law-*.json, DIR/baseline-*.json, DIR/search-*.json
 *
 * The tables are Markdown, so they read in a terminal and paste into a README.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "base/alloc.h"
#include "bench.h"
#include "base/banned.h"

static json_t *load(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	json_t *o = json_load_file(path, 0, NULL);
	free(path);
	return o;
}

static double num(json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	return v ? json_number_value(v) : -1;
}

static double num2(json_t *o, const char *a, const char *b)
{
	return num(o ? json_object_get(o, a) : NULL, b);
}

static const char *met(int ok)
{
	return ok ? "met" : "**NOT met**";
}

/* ---- quality ---- */

struct goal {
	const char *set, *metric, *label;
	double min;
	const char *reference;
};

static const struct goal goals[] = {
    {"arcd", "mrr10", "MRR@10", 0.78, "Lucene ArabicAnalyzer + BM25: MRR@10 0.772"},
    {"cnil-faq-fr", "hit10", "Hit@10", 0.81, "Lucene FrenchAnalyzer + BM25: Hit@10 0.811"},
};

static int quality(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("(no retrieval-quality results in %s)\n", path);
		free(path);
		return 0;
	}
	printf("| set | pipeline | queries | MRR@10 | nDCG@10 | Hit@1 | Hit@10 | Recall@100 | goal |\n");
	printf("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) >= 0) {
		json_t *o = json_loads(line, 0, NULL);
		const char *label = json_string_value(json_object_get(o, "label"));
		if (!label) {
			json_decref(o);
			continue;
		}
		const char *sp = strchr(label, ' ');
		char *set = sp ? xstrndup(label, (size_t)(sp - label)) : xstrdup(label);
		const char *pipeline = sp ? sp + 1 : "";
		char goal[256] = "";
		for (size_t i = 0; i < ARRAY_SIZE(goals); i++) {
			if (strcmp(goals[i].set, set))
				continue;
			if (!strcmp(pipeline, "asurif"))
				snprintf(goal, sizeof(goal), "%s ≥ %.2f: %s", goals[i].label, goals[i].min,
				         met(num(o, goals[i].metric) >= goals[i].min));
			else
				snprintf(goal, sizeof(goal), "(reference: %s)", goals[i].reference);
		}
		printf("| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %s |\n", set, pipeline,
		       (int)num(o, "queries"), num(o, "mrr10"), num(o, "ndcg10"), num(o, "hit1"), num(o, "hit10"),
		       num(o, "recall100"), goal);
		free(set);
		json_decref(o);
	}
	free(line);
	fclose(f);
	free(path);
	return 0;
}

/* ---- speed ---- */

static double file_mb(const char *dir, const char *name)
{
	double total = 0;
	const char *suffix[] = {"", "-wal"};
	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		char *path = xasprintf("%s/%s%s", dir, name, suffix[i]);
		struct stat st;
		if (stat(path, &st) == 0)
			total += (double)st.st_size;
		free(path);
	}
	return total / 1e6;
}

static void row(const char *figure, const char *unit, double a, double b, int lower_better, const char *goal, int ok)
{
	char as[32] = "—", bs[32] = "—", ratio[48] = "—";
	if (a >= 0)
		snprintf(as, sizeof(as), "%.*f", a < 10 ? 2 : 1, a);
	if (b >= 0)
		snprintf(bs, sizeof(bs), "%.*f", b < 10 ? 2 : 1, b);
	if (a > 0 && b > 0)
		snprintf(ratio, sizeof(ratio), "%.2f× %s", a / b,
		         lower_better ? (a > b ? "(slower/bigger)" : "(faster/smaller)")
		                      : (a > b ? "(faster)" : "(slower)"));
	char gs[128] = "";
	if (goal && a >= 0)
		snprintf(gs, sizeof(gs), "%s: %s", goal, met(ok));
	else if (goal)
		snprintf(gs, sizeof(gs), "%s", goal);
	printf("| %s (%s) | %s | %s | %s | %s |\n", figure, unit, as, bs, ratio, gs);
}

static int speed(const char *dir)
{
	json_t *conv = load(dir, "law-convert.json"), *ing = load(dir, "law-ingest-time.json"),
	       *bing = load(dir, "baseline-ingest-time.json"), *sor = load(dir, "search-or.json"),
	       *sand = load(dir, "search-and.json"), *bor = load(dir, "baseline-search-or.json"),
	       *band = load(dir, "baseline-search-and.json");
	if (!conv && !ing && !sor) {
		printf("(no speed results in %s)\n", dir);
		return 0;
	}
	double bytes = num(conv, "text_bytes");
	double mbs = ing && bytes > 0 ? bytes / 1e6 / num(ing, "wall_s") : -1;
	double bmbs = bing && bytes > 0 ? bytes / 1e6 / num(bing, "wall_s") : -1;
	double rss = ing ? num(ing, "maxrss_kb") / 1024.0 : -1, brss = bing ? num(bing, "maxrss_kb") / 1024.0 : -1;
	printf("Corpus: %.0f documents (%.0f exact repeats dropped), %.1f MB of text.", num(conv, "written"),
	       num(conv, "repeats_dropped"), bytes / 1e6);
	char *date_path = xasprintf("%s/law-ingest-date.txt", dir);
	FILE *f = fopen(date_path, "r");
	char date[128] = "";
	if (f) {
		if (fgets(date, sizeof(date), f))
			date[strcspn(date, "\n")] = '\0';
		fclose(f);
	}
	free(date_path);
	if (*date)
		printf(" Ingest measured %s.", date);
	if (ing && num(ing, "exit") != 0)
		printf(" asurif add exited with status %.0f (see law-add.log).", num(ing, "exit"));
	printf("\n\n");
	printf("| figure | asurif | stock FTS5 unicode61 | asurif / baseline | goal |\n");
	printf("|---|---:|---:|---:|---|\n");
	row("ingest throughput", "MB of text/s", mbs, bmbs, 0, "≥ 15 MB/s", mbs >= 15);
	json_t *batched = load(dir, "baseline-batched-ingest-time.json");
	if (batched && bytes > 0)
		row("baseline with 1000 documents per transaction", "MB of text/s", -1,
		    bytes / 1e6 / num(batched, "wall_s"), 0, NULL, 0);
	json_decref(batched);
	row("ingest wall time", "s", num(ing, "wall_s"), num(bing, "wall_s"), 1, NULL, 0);
	row("ingest peak RSS", "MB", rss, brss, 1, "< 200 MB", rss >= 0 && rss < 200);
	row("database on disk", "MB", file_mb(dir, "law-ws/asurif.db"), file_mb(dir, "law-baseline.db"), 1, NULL, 0);
	row("OR query p50", "ms", num(sor, "p50_ms"), num(bor, "p50_ms"), 1, "≤ 2 ms", num(sor, "p50_ms") <= 2);
	row("OR query p90", "ms", num(sor, "p90_ms"), num(bor, "p90_ms"), 1, NULL, 0);
	row("OR query p99", "ms", num(sor, "p99_ms"), num(bor, "p99_ms"), 1, "≤ 10 ms", num(sor, "p99_ms") <= 10);
	row("AND query p50", "ms", num(sand, "p50_ms"), num(band, "p50_ms"), 1, NULL, 0);
	row("AND query p90", "ms", num(sand, "p90_ms"), num(band, "p90_ms"), 1, NULL, 0);
	row("AND query p99", "ms", num(sand, "p99_ms"), num(band, "p99_ms"), 1, "≤ 5 ms", num(sand, "p99_ms") <= 5);
	printf("\nKnown-item test: each generated query against the article it was made from (top 100, per "
	       "document):\n\n");
	quality(dir, "law-known.jsonl");
	printf("\nFor scale: hub_search against plain FTS5 statements on the same asurif index, plain OR/AND of the "
	       "words\n"
	       "(count(*) = matching alone; bm25 = stock `ORDER BY rank LIMIT 10`), p50 / p99 ms:\n\n");
	printf("| mode | hub_search | count(*) | bm25 LIMIT 10 | bm25 LIMIT 10 + snippet() | zero hits | mean matching "
	       "passages |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|\n");
	json_t *modes[] = {sor, sand};
	for (size_t i = 0; i < 2; i++) {
		json_t *m = modes[i];
		if (!m)
			continue;
		printf("| %s | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.0f of %.0f | %.0f |\n",
		       i ? "AND" : "OR", num(m, "p50_ms"), num(m, "p99_ms"), num2(m, "fts_count", "p50_ms"),
		       num2(m, "fts_count", "p99_ms"), num2(m, "fts_rank", "p50_ms"), num2(m, "fts_rank", "p99_ms"),
		       num2(m, "fts_rank_snippet", "p50_ms"), num2(m, "fts_rank_snippet", "p99_ms"),
		       num(m, "zero_hits"), num(m, "n"), num(m, "mean_total"));
	}
	json_t *bmodes[] = {bor, band};
	for (size_t i = 0; i < 2; i++)
		if (bmodes[i])
			printf("%sbaseline %s: %.0f of %.0f queries found nothing", i ? "; " : "\n", i ? "AND" : "OR",
			       num(bmodes[i], "zero_hits"), num(bmodes[i], "n"));
	printf("\n");
	for (size_t i = 0; i < 2; i++) {
		json_t *sl = modes[i] ? json_object_get(modes[i], "slowest") : NULL;
		if (!json_array_size(sl))
			continue;
		printf("\nSlowest %s queries (asurif):\n", i ? "AND" : "OR");
		for (size_t k = 0; k < json_array_size(sl); k++) {
			json_t *q = json_array_get(sl, k);
			printf("  %7.2f ms  %s\n", num(q, "ms"), json_string_value(json_object_get(q, "query")));
		}
	}
	json_decref(conv);
	json_decref(ing);
	json_decref(bing);
	json_decref(sor);
	json_decref(sand);
	json_decref(bor);
	json_decref(band);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "quality"))
		return quality(argv[2], "quality.jsonl");
	if (argc == 3 && !strcmp(argv[1], "speed"))
		return speed(argv[2]);
	fprintf(stderr, "usage: report quality|speed DIR\n");
	return 2;
}
