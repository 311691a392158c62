/*
 * Search latency inside one process, as a server would see it.
 *
 *   searchbench WS QUERIES.txt [--all] [--limit N] [--slow N]
 *       Opens the workspace with hub_open(), runs every query once untimed (warm
 *       caches), then once more timing each hub_search() call with
 *       clock_gettime. For scale, also times plain FTS5 statements on the same
 *       index with the plain expression of the query's words (each quoted, words
 *       the analyser drops left out, joined with OR or AND):
 *         count:        SELECT count(*) ... MATCH ?          (matching alone)
 *         bm25:         SELECT rowid ... MATCH ? ORDER BY rank LIMIT n
 *         bm25+snippet: the same with snippet() of each row
 *       Prints one JSON line: percentiles in milliseconds, how many queries found
 *       nothing, the mean number of matching passages, and the slowest queries.
 *   searchbench --check-stale WS
 *       Exits 3 when the workspace index was built by another analyser version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "bench.h"
#include "hub/hub.h"
#include "store/db.h"
#include "text/analyse.h"
#include "base/banned.h"

static int count_term(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
	(void)flags, (void)t, (void)n, (void)s, (void)e;
	(*(int *)ctx)++;
	return 0;
}

/* The plain MATCH expression of a query's words (no phrases, exclusions or prefixes here). */
static int match_expr(struct hub *h, const char *q, int all, struct buf *out)
{
	buf_reset(out);
	int n = 0;
	const char *p = q;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *s = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p == s)
			break;
		int terms = 0;
		analyser_run(h->an, s, (size_t)(p - s), LANG_NONE, ANALYSE_QUERY, count_term, &terms);
		if (!terms)
			continue;
		if (n++)
			buf_appends(out, all ? " AND " : " OR ");
		buf_appendc(out, '"');
		for (const char *c = s; c < p; c++) {
			if (*c == '"')
				buf_appendc(out, '"');
			buf_appendc(out, *c);
		}
		buf_appendc(out, '"');
	}
	return n;
}

struct slow {
	double t;
	size_t i;
};

static int cmp_slow(const void *a, const void *b)
{
	const struct slow *x = a, *y = b;
	return x->t < y->t ? 1 : x->t > y->t ? -1 : 0;
}

static int check_stale(const char *ws)
{
	struct hub *h = NULL;
	struct err e = ERR_INIT;
	if (hub_open(ws, &h, &e)) {
		fprintf(stderr, "searchbench: %s\n", e.msg);
		return 2;
	}
	char *ver = db_meta_get(h->db, "analyser_version");
	int stale = !ver || atoi(ver) != ANALYSER_VERSION;
	free(ver);
	hub_close(h);
	return stale ? 3 : 0;
}

int main(int argc, char **argv)
{
	const char *ws = NULL, *queries = NULL;
	int all = 0, limit = 10, nslow = 5;
	if (argc == 3 && !strcmp(argv[1], "--check-stale"))
		return check_stale(argv[2]);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = 1;
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
			limit = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--slow") && i + 1 < argc)
			nslow = atoi(argv[++i]);
		else if (!ws)
			ws = argv[i];
		else if (!queries)
			queries = argv[i];
		else
			ws = NULL, i = argc;
	}
	if (!ws || !queries) {
		fprintf(stderr, "usage: searchbench WS QUERIES.txt [--all] [--limit N] [--slow N]\n"
		                "       searchbench --check-stale WS\n");
		return 2;
	}
	struct hub *h = NULL;
	struct err e = ERR_INIT;
	if (hub_open(ws, &h, &e)) {
		fprintf(stderr, "searchbench: %s\n", e.msg);
		return 1;
	}
	struct bench_lines qs;
	bench_read_lines(queries, &qs);
	double *lat = xcalloc(qs.n + 1, sizeof(double)), *rank = xcalloc(qs.n + 1, sizeof(double)),
	       *count = xcalloc(qs.n + 1, sizeof(double)), *snip = xcalloc(qs.n + 1, sizeof(double));
	struct slow *slow = xcalloc(qs.n + 1, sizeof(*slow));
	size_t timed = 0, ncore = 0;
	long long zero = 0, errors = 0, stale = 0;
	double totals = 0;
	struct search_opts o;
	memset(&o, 0, sizeof(o));
	o.limit = limit;
	o.all_words = all;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < qs.n; i++) {
			if (!*qs.v[i])
				continue;
			struct search_results res;
			err_clear(&e);
			o.query = qs.v[i];
			double t0 = bench_now();
			int r = hub_search(h, &o, &res, &e);
			double dt = bench_now() - t0;
			if (pass == 0)
				continue;
			slow[timed] = (struct slow){dt, i};
			lat[timed++] = dt;
			if (r) {
				errors++;
				if (errors <= 3)
					fprintf(stderr, "searchbench: \"%s\": %s\n", qs.v[i], e.msg);
				continue;
			}
			zero += res.total == 0;
			totals += (double)res.total;
			stale |= res.stale_index;
			search_results_release(&res);
		}
	}

	/* The FTS5 statements alone, same index, same expressions. */
	sqlite3_stmt *st_rank = db_prepare(h->db, "SELECT rowid FROM passage_index WHERE passage_index MATCH ?1 "
	                                          "ORDER BY rank LIMIT ?2");
	sqlite3_stmt *st_count = db_prepare(h->db, "SELECT count(*) FROM passage_index WHERE passage_index MATCH ?1");
	sqlite3_stmt *st_snip =
	    db_prepare(h->db, "SELECT rowid, snippet(passage_index, 0, char(14), char(15), '…', 32) "
	                      "FROM passage_index WHERE passage_index MATCH ?1 ORDER BY rank LIMIT ?2");
	struct buf m = BUF_INIT;
	for (size_t i = 0; i < qs.n; i++) {
		if (!match_expr(h, qs.v[i], all, &m))
			continue;
		double t0 = bench_now();
		sqlite3_reset(st_rank);
		sqlite3_bind_text(st_rank, 1, m.data, (int)m.len, SQLITE_STATIC);
		sqlite3_bind_int(st_rank, 2, limit);
		while (sqlite3_step(st_rank) == SQLITE_ROW)
			;
		double t1 = bench_now();
		sqlite3_reset(st_count);
		sqlite3_bind_text(st_count, 1, m.data, (int)m.len, SQLITE_STATIC);
		(void)sqlite3_step(st_count);
		double t2 = bench_now();
		sqlite3_reset(st_snip);
		sqlite3_bind_text(st_snip, 1, m.data, (int)m.len, SQLITE_STATIC);
		sqlite3_bind_int(st_snip, 2, limit);
		while (sqlite3_step(st_snip) == SQLITE_ROW)
			(void)sqlite3_column_text(st_snip, 1);
		double t3 = bench_now();
		rank[ncore] = t1 - t0;
		count[ncore] = t2 - t1;
		snip[ncore++] = t3 - t2;
	}
	buf_release(&m);
	sqlite3_finalize(st_rank);
	sqlite3_finalize(st_count);
	sqlite3_finalize(st_snip);

	qsort(slow, timed, sizeof(*slow), cmp_slow);
	json_t *sl = json_array();
	for (size_t i = 0; i < timed && i < (size_t)nslow; i++)
		json_array_append_new(sl, json_pack("{s:s, s:f}", "query", qs.v[slow[i].i], "ms", 1e3 * slow[i].t));
	json_t *out = bench_latency_json(lat, timed);
	json_object_set_new(out, "mode", json_string(all ? "and" : "or"));
	json_object_set_new(out, "zero_hits", json_integer(zero));
	json_object_set_new(out, "mean_total", json_real(timed ? totals / (double)timed : 0));
	json_object_set_new(out, "errors", json_integer(errors));
	json_object_set_new(out, "stale_index", json_boolean(stale));
	json_object_set_new(out, "fts_rank", bench_latency_json(rank, ncore));
	json_object_set_new(out, "fts_count", bench_latency_json(count, ncore));
	json_object_set_new(out, "fts_rank_snippet", bench_latency_json(snip, ncore));
	json_object_set_new(out, "slowest", sl);
	bench_print_json(out);
	free(lat);
	free(rank);
	free(count);
	free(snip);
	free(slow);
	bench_lines_release(&qs);
	hub_close(h);
	return 0;
}
