/*
 * The baseline Asurif is measured against: plain SQLite FTS5 with its stock
 * tokenizer (unicode61 remove_diacritics 2) and BM25, nothing else.
 *
 *   baseline eval DOCS.tsv QUERIES.txt LIMIT > results.jsonl
 *       Indexes doc_id<TAB>text in memory, runs each query (one a line) as an OR
 *       of its words, and prints one line per query shaped like
 *       `asurif search --batch --json`: {"query","total","results":[{"ext_id","score"}]}.
 *   baseline query DB QUERIES.txt LIMIT > results.jsonl
 *       The same queries and output on a database made by `baseline ingest`.
 *   baseline ingest DB COLLECTION.jsonl [DOCUMENTS_PER_TRANSACTION]
 *       A fresh database file DB with the documents of an Asurif collection
 *       (fields id, text), in WAL mode with synchronous=NORMAL like a workspace,
 *       one transaction per document as `asurif add` does unless told to put
 *       more in each. Prints a JSON line.
 *   baseline search DB QUERIES.txt LIMIT or|and
 *       Times each query (building the MATCH expression, then
 *       `... MATCH ? ORDER BY rank LIMIT n`, reading every row) after one
 *       untimed pass over the set; prints latency percentiles as a JSON line.
 *
 * A query's words are what unicode61 itself makes of it, each quoted, joined
 * with OR (or AND).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "bench.h"
#include "base/banned.h"

#define TOKENIZE "unicode61 remove_diacritics 2"

static void die_db(sqlite3 *db, const char *what)
{
	fprintf(stderr, "baseline: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "baseline: %s: %s\n", sql, msg ? msg : "?");
		exit(1);
	}
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die_db(db, path);
	return db;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die_db(db, sql);
	return st;
}

/* ---- queries through the stock tokenizer ---- */

struct query_maker {
	fts5_tokenizer tok;
	Fts5Tokenizer *t;
	struct buf words;
	const char *op;
	int n;
};

static int add_word(void *ctx, int flags, const char *token, int n, int start, int end)
{
	(void)flags, (void)start, (void)end;
	struct query_maker *m = ctx;
	if (n <= 0)
		return SQLITE_OK;
	/* Each word once: "a" OR "a" ranks like "a". */
	struct buf quoted = BUF_INIT;
	buf_appendc(&quoted, '"');
	buf_append(&quoted, token, (size_t)n);
	buf_appendc(&quoted, '"');
	const char *p = m->words.data;
	int seen = 0;
	while (p && (p = strstr(p, quoted.data))) {
		seen |= (p == m->words.data || p[-1] == ' ') && (p[quoted.len] == ' ' || !p[quoted.len]);
		p++;
	}
	if (!seen) {
		if (m->n++)
			buf_appendf(&m->words, " %s ", m->op);
		buf_append(&m->words, quoted.data, quoted.len);
	}
	buf_release(&quoted);
	return SQLITE_OK;
}

static void maker_init(struct query_maker *m, sqlite3 *db, const char *op)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = prepare(db, "SELECT fts5(?1)");
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	void *ud = NULL;
	const char *args[] = {"remove_diacritics", "2"};
	if (!api || api->xFindTokenizer(api, "unicode61", &ud, &m->tok) != SQLITE_OK ||
	    m->tok.xCreate(ud, args, 2, &m->t) != SQLITE_OK) {
		fprintf(stderr, "baseline: this SQLite has no FTS5 unicode61 tokenizer\n");
		exit(1);
	}
	buf_init(&m->words, 0);
	m->op = op;
}

/* The MATCH expression for a query, or NULL when it has no word. */
static const char *maker_run(struct query_maker *m, const char *q)
{
	buf_reset(&m->words);
	m->n = 0;
	m->tok.xTokenize(m->t, m, FTS5_TOKENIZE_QUERY, q, (int)strlen(q), add_word);
	return m->n ? m->words.data : NULL;
}

static void maker_release(struct query_maker *m)
{
	m->tok.xDelete(m->t);
	buf_release(&m->words);
}

/* ---- eval ---- */

/* Runs each query of the file as an OR of its words; prints results as `asurif search --batch --json` does. */
static void run_queries(sqlite3 *db, const char *queries_path, int limit)
{
	struct bench_lines qs;
	struct query_maker m;
	maker_init(&m, db, "OR");
	sqlite3_stmt *count = prepare(db, "SELECT count(*) FROM t WHERE t MATCH ?1");
	sqlite3_stmt *top = prepare(db, "SELECT ext_id, rank FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT ?2");
	bench_read_lines(queries_path, &qs);
	for (size_t i = 0; i < qs.n; i++) {
		const char *match = maker_run(&m, qs.v[i]);
		json_t *results = json_array();
		json_int_t total = 0;
		if (match) {
			sqlite3_reset(count);
			sqlite3_bind_text(count, 1, match, -1, SQLITE_STATIC);
			if (sqlite3_step(count) == SQLITE_ROW)
				total = sqlite3_column_int64(count, 0);
			sqlite3_reset(top);
			sqlite3_bind_text(top, 1, match, -1, SQLITE_STATIC);
			sqlite3_bind_int(top, 2, limit);
			while (sqlite3_step(top) == SQLITE_ROW)
				json_array_append_new(results, json_pack("{s:s, s:f}", "ext_id",
				                                         (const char *)sqlite3_column_text(top, 0),
				                                         "score", -sqlite3_column_double(top, 1)));
		}
		json_t *o = json_pack("{s:s, s:I, s:o}", "query", qs.v[i], "total", total, "results", results);
		if (!o) /* a query that is not UTF-8 */
			o = json_pack("{s:s, s:I, s:o}", "query", "", "total", total, "results", json_array());
		bench_print_json(o);
	}
	sqlite3_finalize(count);
	sqlite3_finalize(top);
	maker_release(&m);
	bench_lines_release(&qs);
}

static int eval(const char *docs_path, const char *queries_path, int limit)
{
	sqlite3 *db = open_db(":memory:");
	exec(db, "CREATE VIRTUAL TABLE t USING fts5(ext_id UNINDEXED, body, tokenize = '" TOKENIZE "')");
	struct bench_lines docs;
	bench_read_lines(docs_path, &docs);
	sqlite3_stmt *ins = prepare(db, "INSERT INTO t(ext_id, body) VALUES (?1, ?2)");
	exec(db, "BEGIN");
	for (size_t i = 0; i < docs.n; i++) {
		char *tab = strchr(docs.v[i], '\t');
		if (!tab)
			continue;
		*tab = '\0';
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, docs.v[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, tab + 1, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die_db(db, "insert");
	}
	exec(db, "COMMIT");
	sqlite3_finalize(ins);
	bench_lines_release(&docs);
	run_queries(db, queries_path, limit);
	sqlite3_close(db);
	return 0;
}

static int query(const char *db_path, const char *queries_path, int limit)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die_db(db, db_path);
	run_queries(db, queries_path, limit);
	sqlite3_close(db);
	return 0;
}

/* ---- ingest ---- */

static int ingest(const char *db_path, const char *collection, long per_txn)
{
	FILE *f = fopen(collection, "r");
	if (!f) {
		fprintf(stderr, "baseline: %s: cannot open\n", collection);
		return 2;
	}
	unlink(db_path);
	char *wal = xasprintf("%s-wal", db_path), *shm = xasprintf("%s-shm", db_path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
	double t0 = bench_now();
	sqlite3 *db = open_db(db_path);
	exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
	exec(db, "CREATE VIRTUAL TABLE t USING fts5(ext_id UNINDEXED, body, tokenize = '" TOKENIZE "')");
	sqlite3_stmt *ins = prepare(db, "INSERT INTO t(ext_id, body) VALUES (?1, ?2)");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long long docs = 0, bytes = 0, bad = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		json_t *o = json_loadb(line, (size_t)n, 0, NULL);
		const char *id = json_string_value(json_object_get(o, "id"));
		const char *text = json_string_value(json_object_get(o, "text"));
		if (!id || !text) {
			bad++;
			json_decref(o);
			continue;
		}
		if (docs % per_txn == 0)
			exec(db, "BEGIN IMMEDIATE");
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, text, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die_db(db, "insert");
		docs++;
		if (docs % per_txn == 0)
			exec(db, "COMMIT");
		bytes += (long long)strlen(text);
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (docs % per_txn)
		exec(db, "COMMIT");
	sqlite3_finalize(ins);
	sqlite3_close(db);
	double secs = bench_now() - t0;
	bench_print_json(json_pack("{s:I, s:I, s:I, s:I, s:f, s:f}", "documents", (json_int_t)docs,
	                           "documents_per_transaction", (json_int_t)per_txn, "text_bytes", (json_int_t)bytes,
	                           "bad_lines", (json_int_t)bad, "seconds", secs, "mb_per_s",
	                           (double)bytes / 1e6 / secs));
	return 0;
}

/* ---- search latency ---- */

static int search(const char *db_path, const char *queries_path, int limit, const char *op)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die_db(db, db_path);
	struct bench_lines qs;
	bench_read_lines(queries_path, &qs);
	struct query_maker m;
	maker_init(&m, db, op);
	sqlite3_stmt *top = prepare(db, "SELECT rowid, ext_id, rank FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT ?2");
	double *lat = xcalloc(qs.n + 1, sizeof(double));
	size_t timed = 0;
	long long hits = 0, zero = 0, errors = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < qs.n; i++) {
			if (!*qs.v[i])
				continue;
			double t0 = bench_now();
			const char *match = maker_run(&m, qs.v[i]);
			int rows = 0, rc = SQLITE_DONE;
			if (match) {
				sqlite3_reset(top);
				sqlite3_bind_text(top, 1, match, -1, SQLITE_STATIC);
				sqlite3_bind_int(top, 2, limit);
				while ((rc = sqlite3_step(top)) == SQLITE_ROW) {
					(void)sqlite3_column_text(top, 1);
					rows++;
				}
			}
			double dt = bench_now() - t0;
			if (pass == 1) {
				lat[timed++] = dt;
				hits += rows;
				zero += !rows;
				errors += rc != SQLITE_DONE;
			}
		}
	}
	json_t *o = bench_latency_json(lat, timed);
	json_object_set_new(o, "mode", json_string(op));
	json_object_set_new(o, "zero_hits", json_integer(zero));
	json_object_set_new(o, "mean_hits", json_real(timed ? (double)hits / (double)timed : 0));
	json_object_set_new(o, "errors", json_integer(errors));
	bench_print_json(o);
	free(lat);
	sqlite3_finalize(top);
	maker_release(&m);
	bench_lines_release(&qs);
	sqlite3_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "eval"))
		return eval(argv[2], argv[3], atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "query"))
		return query(argv[2], argv[3], atoi(argv[4]));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "ingest"))
		return ingest(argv[2], argv[3], argc == 5 && atol(argv[4]) > 0 ? atol(argv[4]) : 1);
	if (argc == 6 && !strcmp(argv[1], "search") && (!strcmp(argv[5], "or") || !strcmp(argv[5], "and")))
		return search(argv[2], argv[3], atoi(argv[4]), !strcmp(argv[5], "or") ? "OR" : "AND");
	fprintf(stderr, "usage: baseline eval DOCS.tsv QUERIES.txt LIMIT > results.jsonl\n"
	                "       baseline query DB QUERIES.txt LIMIT > results.jsonl\n"
	                "       baseline ingest DB COLLECTION.jsonl [DOCUMENTS_PER_TRANSACTION]\n"
	                "       baseline search DB QUERIES.txt LIMIT or|and\n");
	return 2;
}
