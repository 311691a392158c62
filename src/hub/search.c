/*
 * Searching the hub: the query language, BM25 ranking, filters and snippets.
 *
 * A natural question becomes a ranked OR of its words, and most passages that match
 * some word of it cannot reach the first page. The search skips them (the MaxScore
 * method): each word's best possible contribution is known from how rare it is; a
 * first pass over the passages holding the rarest word gives a score the first page
 * must beat; the common words whose best contributions added together cannot beat
 * it are then only looked up in the passages holding a rarer word, never scanned.
 * FTS5 does that looking up when the expression is "(rarer words) AND (all words)":
 * its AND jumps through the long lists of common words to the passages of the
 * rarer ones. The result is exactly the ranking of the full OR, only faster.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "hub/hub.h"
#include "hub/snippet.h"
#include "store/db.h"
#include "text/analyse.h"
#include "text/rank.h"
#include "base/banned.h"

#define MAX_QUERY_BYTES 4096
#define MAX_QUERY_ITEMS 64
#define SNIPPET_WORDS 30

enum item_type { ITEM_WORD, ITEM_PHRASE, ITEM_PREFIX };

struct item {
	enum item_type type;
	int exclude;
	char *text;
	char *fts;     /* the item as an FTS5 expression: "text" or "text" * */
	long long df;  /* passages matching it */
	double ub;     /* the most it can add to a passage's score */
};

struct query {
	struct item pos[MAX_QUERY_ITEMS];
	size_t npos;
	struct buf neg; /* " NOT "x" NOT "y"" */
	size_t nneg;
};

static int count_term(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
	(void)flags, (void)t, (void)n, (void)s, (void)e;
	(*(int *)ctx)++;
	return 0;
}

/* Whether the analyser keeps anything of this item (stop words alone give nothing). */
static int item_has_terms(struct hub *h, const struct item *it)
{
	int n = 0;
	int mode = ANALYSE_QUERY | (it->type == ITEM_PREFIX ? ANALYSE_PREFIX : 0);
	analyser_run(h->an, it->text, strlen(it->text), LANG_NONE, mode, count_term, &n);
	return n > 0;
}

static int first_term_chars(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
	(void)flags, (void)s, (void)e;
	int *chars = ctx;
	if (*chars < 0) {
		*chars = 0;
		for (size_t i = 0; i < n; i++)
			*chars += ((unsigned char)t[i] & 0xC0) != 0x80;
	}
	return 0;
}

/* One letter and a star would match most of the hub: refused. */
static int prefix_too_short(struct hub *h, const struct item *it)
{
	int chars = -1;
	analyser_run(h->an, it->text, strlen(it->text), LANG_NONE, ANALYSE_QUERY | ANALYSE_PREFIX, first_term_chars,
		     &chars);
	if (chars < 0) /* a stop word: no term at all */
		chars = (int)strlen(it->text) >= 2 ? 2 : 0;
	return chars < 2;
}

/* Quoted, so nothing a person types is FTS5 syntax. */
static void append_fts_string(struct buf *q, const char *s)
{
	buf_appendc(q, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_appendc(q, '"');
		buf_appendc(q, *s);
	}
	buf_appendc(q, '"');
}

/* Splits what a person typed into words, "phrases", -exclusions and prefix* items. */
static size_t parse_query(const char *q, struct item *items, size_t max)
{
	size_t n = 0;
	const char *p = q;
	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		struct item it;
		memset(&it, 0, sizeof(it));
		if (*p == '-' && p[1] && p[1] != ' ') {
			it.exclude = 1;
			p++;
		}
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			size_t len = end ? (size_t)(end - p - 1) : strlen(p + 1);
			it.type = ITEM_PHRASE;
			it.text = xstrndup(p + 1, len);
			p += len + 1 + (end ? 1 : 0);
		} else {
			const char *s = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '"')
				p++;
			size_t len = (size_t)(p - s);
			if (len > 1 && s[len - 1] == '*') {
				it.type = ITEM_PREFIX;
				len--;
			}
			it.text = xstrndup(s, len);
		}
		if (*it.text)
			items[n++] = it;
		else
			free(it.text);
	}
	return n;
}

static void query_release(struct query *q)
{
	for (size_t i = 0; i < q->npos; i++) {
		free(q->pos[i].text);
		free(q->pos[i].fts);
	}
	buf_release(&q->neg);
	memset(q, 0, sizeof(*q));
}

/* Reads the query; ERR_USAGE when nothing is left to look for. */
static int query_build(struct hub *h, const char *text, struct query *q, struct err *e)
{
	struct item items[MAX_QUERY_ITEMS];
	size_t n = parse_query(text, items, MAX_QUERY_ITEMS);
	memset(q, 0, sizeof(*q));
	for (size_t i = 0; i < n; i++) {
		struct item *it = &items[i];
		if (it->type == ITEM_PREFIX && prefix_too_short(h, it)) {
			err_set(e, ERR_USAGE, "\"%s*\" is too short to search by its beginning: give at least two letters "
					      "before the *", it->text);
			for (size_t j = i; j < n; j++)
				free(items[j].text);
			query_release(q);
			return ERR_USAGE;
		}
		if (!item_has_terms(h, it)) {
			free(it->text);
			continue;
		}
		struct buf f = BUF_INIT;
		append_fts_string(&f, it->text);
		if (it->type == ITEM_PREFIX)
			buf_appends(&f, " *");
		if (it->exclude) {
			buf_appends(&q->neg, " NOT ");
			buf_append(&q->neg, f.data, f.len);
			q->nneg++;
			buf_release(&f);
			free(it->text);
			continue;
		}
		/* The same word twice counts once. */
		int dup = 0;
		for (size_t j = 0; j < q->npos && !dup; j++)
			dup = !strcmp(q->pos[j].fts, buf_str(&f));
		if (dup) {
			buf_release(&f);
			free(it->text);
			continue;
		}
		it->fts = buf_detach(&f);
		q->pos[q->npos++] = *it;
	}
	if (!q->npos) {
		query_release(q);
		return err_set(e, ERR_USAGE,
			       "nothing to search for in \"%s\": add a word that is not excluded and not a common word "
			       "such as \"the\", \"de\" or \"في\"",
			       text);
	}
	return 0;
}

/* ---- how many passages each item matches, remembered until the hub changes ---- */

struct df_cache {
	char **key;
	long long *val;
	size_t cap, n;
	sqlite3_int64 data_version;
	int changes;
	long long rows;
	int stale_index; /* the index was built by another analyser version */
	sqlite3_stmt *version;
	struct {
		const char *sql; /* the program's own SQL text, compared by address */
		sqlite3_stmt *st;
	} stmts[16];
};

static sqlite3_int64 single_int(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	if (arg)
		db_bind_text(st, 1, arg);
	sqlite3_int64 v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static void df_cache_clear(struct df_cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->key[i]);
	free(c->key);
	free(c->val);
	c->key = NULL;
	c->val = NULL;
	c->cap = c->n = 0;
}

void hub_search_cache_free(struct hub *h)
{
	struct df_cache *c = h->search_cache;
	if (c) {
		df_cache_clear(c);
		sqlite3_finalize(c->version);
		for (size_t i = 0; i < ARRAY_SIZE(c->stmts); i++)
			sqlite3_finalize(c->stmts[i].st);
		free(c);
		h->search_cache = NULL;
	}
}

static struct df_cache *df_cache_get(struct hub *h)
{
	struct df_cache *c = h->search_cache;
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		c->data_version = -1;
		h->search_cache = c;
	}
	if (!c->version)
		c->version = db_prepare(h->db, "PRAGMA data_version");
	sqlite3_int64 dv = sqlite3_step(c->version) == SQLITE_ROW ? sqlite3_column_int64(c->version, 0) : -1;
	sqlite3_reset(c->version);
	int ch = sqlite3_total_changes(h->db);
	if (dv != c->data_version || ch != c->changes || c->n > 50000) {
		df_cache_clear(c);
		c->data_version = dv;
		c->changes = ch;
		c->rows = single_int(h->db, "SELECT count(*) FROM passages", NULL);
		char *ver = db_meta_get(h->db, "analyser_version");
		c->stale_index = !ver || atoi(ver) != ANALYSER_VERSION;
		free(ver);
	}
	return c;
}

/* A prepared statement kept for the next search (preparing costs as much as a small search). */
static sqlite3_stmt *cached_stmt(struct hub *h, const char *sql)
{
	struct df_cache *c = h->search_cache;
	for (size_t i = 0; c && i < ARRAY_SIZE(c->stmts); i++) {
		if (c->stmts[i].sql == sql) {
			sqlite3_reset(c->stmts[i].st);
			sqlite3_clear_bindings(c->stmts[i].st);
			return c->stmts[i].st;
		}
		if (!c->stmts[i].sql) {
			c->stmts[i].sql = sql;
			c->stmts[i].st = db_prepare(h->db, sql);
			return c->stmts[i].st;
		}
	}
	BUG("too many kinds of search statement");
}

static uint64_t hash_str(const char *s)
{
	uint64_t x = 1469598103934665603ULL;
	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 1099511628211ULL;
	return x;
}

static long long item_df(struct hub *h, struct df_cache *c, const char *fts)
{
	if (c->n * 2 >= c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		char **k = xcalloc(ncap, sizeof(*k));
		long long *v = xcalloc(ncap, sizeof(*v));
		for (size_t i = 0; i < c->cap; i++) {
			if (!c->key[i])
				continue;
			size_t j = hash_str(c->key[i]) & (ncap - 1);
			while (k[j])
				j = (j + 1) & (ncap - 1);
			k[j] = c->key[i];
			v[j] = c->val[i];
		}
		free(c->key);
		free(c->val);
		c->key = k;
		c->val = v;
		c->cap = ncap;
	}
	size_t j = hash_str(fts) & (c->cap - 1);
	while (c->key[j]) {
		if (!strcmp(c->key[j], fts))
			return c->val[j];
		j = (j + 1) & (c->cap - 1);
	}
	static const char sql[] = "SELECT count(*) FROM passage_index WHERE passage_index MATCH ?1";
	sqlite3_stmt *st = cached_stmt(h, sql);
	db_bind_text(st, 1, fts);
	long long df = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	c->key[j] = xstrdup(fts);
	c->val[j] = df < 0 ? 0 : df;
	c->n++;
	return c->val[j];
}

/* ---- the best passages so far: a heap on score (ties: the lower id first) ---- */

struct ranked {
	long long id;
	double score;
};

struct top {
	struct ranked *v;
	size_t n, cap;
};

static int worse(const struct ranked *a, const struct ranked *b)
{
	return a->score < b->score || (a->score == b->score && a->id > b->id);
}

static void top_push(struct top *t, long long id, double score)
{
	struct ranked x = {id, score};
	size_t i;
	if (t->n < t->cap) {
		i = t->n++;
		while (i && worse(&x, &t->v[(i - 1) / 2])) {
			t->v[i] = t->v[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t->v[i] = x;
		return;
	}
	if (!worse(&t->v[0], &x))
		return;
	i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= t->n)
			break;
		if (c + 1 < t->n && worse(&t->v[c + 1], &t->v[c]))
			c++;
		if (!worse(&t->v[c], &x))
			break;
		t->v[i] = t->v[c];
		i = c;
	}
	t->v[i] = x;
}

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

/* ---- running the passes ---- */

static int filtered(const struct search_opts *o)
{
	return o->kind || o->lang || o->issuer || o->since || o->until;
}

#define FILTERS                                                                                                        \
	" AND (?2 IS NULL OR d.kind = ?2) AND (?3 IS NULL OR d.lang = ?3)"                                             \
	" AND (?4 IS NULL OR instr(lower(d.issuer), lower(?4)) > 0)"                                                   \
	" AND (?5 IS NULL OR d.date >= ?5) AND (?6 IS NULL OR d.date <= ?6)"

static void bind_filters(sqlite3_stmt *st, const struct search_opts *o)
{
	if (!filtered(o))
		return;
	db_bind_text(st, 2, o->kind);
	db_bind_text(st, 3, o->lang);
	db_bind_text(st, 4, o->issuer);
	db_bind_text(st, 5, o->since);
	db_bind_text(st, 6, o->until);
}

/* An expression and, for the ranking, which item each of its phrases is. */
struct expr {
	struct buf text;
	struct buf map;
};

static void expr_phrase(struct expr *x, const char *fts, int item)
{
	buf_appends(&x->text, fts);
	buf_appendf(&x->map, "%d ", item);
}

/* Items idx[0..n) joined by op, in parentheses. */
static void expr_group(struct expr *x, const struct query *q, const size_t *idx, size_t n, const char *op,
		       int count_them)
{
	buf_appendc(&x->text, '(');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_appends(&x->text, op);
		expr_phrase(x, q->pos[idx[i]].fts, count_them ? (int)idx[i] : -1);
	}
	buf_appendc(&x->text, ')');
}

static void expr_finish(struct expr *x, const struct query *q)
{
	if (q->nneg) {
		struct buf t = BUF_INIT;
		buf_appendc(&t, '(');
		buf_append(&t, x->text.data, x->text.len);
		buf_appendc(&t, ')');
		buf_append(&t, q->neg.data, q->neg.len);
		buf_release(&x->text);
		x->text = t;
		for (size_t i = 0; i < q->nneg; i++)
			buf_appends(&x->map, "-1 ");
	}
}

static void expr_release(struct expr *x)
{
	buf_release(&x->text);
	buf_release(&x->map);
}

/* Scores every passage matching x into top; counts them into *count if not NULL. */
static int run_pass(struct hub *h, const struct search_opts *o, const struct expr *x, const char *dfs,
		    struct top *top, long long *count, struct err *e)
{
	static const char sql_filtered[] =
		"SELECT passage_index.rowid, asurif_rank(passage_index, ?10, ?11) FROM passage_index "
		"JOIN passages p ON p.id = passage_index.rowid JOIN documents d ON d.id = p.doc_id "
		"WHERE passage_index MATCH ?1" FILTERS;
	static const char sql_plain[] = "SELECT rowid, asurif_rank(passage_index, ?10, ?11) FROM passage_index "
					"WHERE passage_index MATCH ?1";
	sqlite3_stmt *st = cached_stmt(h, filtered(o) ? sql_filtered : sql_plain);
	sqlite3_bind_text(st, 1, x->text.data, (int)x->text.len, SQLITE_STATIC);
	bind_filters(st, o);
	sqlite3_bind_text(st, 10, dfs, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, buf_str(&x->map), -1, SQLITE_STATIC);
	int rc;
	long long n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		top_push(top, sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1));
	}
	int r = 0;
	if (rc != SQLITE_DONE)
		r = err_set(e, ERR_USAGE, "cannot search for \"%s\": %s", o->query, sqlite3_errmsg(h->db));
	sqlite3_reset(st);
	if (count)
		*count = n;
	return r;
}

static long long count_matches(struct hub *h, const struct search_opts *o, const struct expr *x)
{
	static const char sql_filtered[] = "SELECT count(*) FROM passage_index JOIN passages p ON p.id = "
					   "passage_index.rowid JOIN documents d ON d.id = p.doc_id "
					   "WHERE passage_index MATCH ?1" FILTERS;
	static const char sql_plain[] = "SELECT count(*) FROM passage_index WHERE passage_index MATCH ?1";
	sqlite3_stmt *st = cached_stmt(h, filtered(o) ? sql_filtered : sql_plain);
	sqlite3_bind_text(st, 1, x->text.data, (int)x->text.len, SQLITE_STATIC);
	bind_filters(st, o);
	long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

static int cmp_ub_desc(const void *a, const void *b, void *ctx)
{
	const struct query *q = ctx;
	double x = q->pos[*(const size_t *)a].ub, y = q->pos[*(const size_t *)b].ub;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* qsort_r is a GNU extension; a small insertion sort is enough for a query's words. */
static void sort_by_ub(size_t *idx, size_t n, const struct query *q)
{
	for (size_t i = 1; i < n; i++) {
		size_t v = idx[i], j = i;
		while (j > 0 && cmp_ub_desc(&idx[j - 1], &v, (void *)q) > 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

/* Ranks the query into top (keeping top->cap passages) and counts all matches. */
static int rank(struct hub *h, const struct search_opts *o, struct query *q, struct top *top, long long *total,
		struct expr *all, struct err *e)
{
	struct df_cache *c = df_cache_get(h);
	size_t idx[MAX_QUERY_ITEMS];
	struct buf dfs = BUF_INIT;
	int r = 0;

	for (size_t i = 0; i < q->npos; i++) {
		q->pos[i].df = item_df(h, c, q->pos[i].fts);
		q->pos[i].ub = text_rank_upper_bound(c->rows, q->pos[i].df);
		buf_appendf(&dfs, "%lld ", q->pos[i].df);
		idx[i] = i;
	}
	/* Every word, as the person asked: used for the count, the snippets, and small queries. */
	expr_group(all, q, idx, q->npos, o->all_words ? " AND " : " OR ", 1);
	expr_finish(all, q);

	if (o->all_words || q->npos == 1 || o->exhaustive) {
		r = run_pass(h, o, all, buf_str(&dfs), top, total, e);
		goto done;
	}
	sort_by_ub(idx, q->npos, q);

	/*
	 * First pass: the passages holding the rarest words (enough of them to fill the
	 * page a few times over), scored on every word.
	 */
	size_t rare = 0;
	long long seen = 0;
	while (rare < q->npos && seen < 3 * (long long)top->cap)
		seen += q->pos[idx[rare++]].df;
	if (rare >= q->npos) {
		r = run_pass(h, o, all, buf_str(&dfs), top, total, e);
		goto done;
	}
	struct expr first = {BUF_INIT, BUF_INIT};
	size_t everything[MAX_QUERY_ITEMS];
	for (size_t i = 0; i < q->npos; i++)
		everything[i] = i;
	expr_group(&first, q, idx, rare, " OR ", 0);
	buf_appends(&first.text, " AND ");
	expr_group(&first, q, everything, q->npos, " OR ", 1);
	expr_finish(&first, q);
	struct top probe = {xcalloc(top->cap, sizeof(struct ranked)), 0, top->cap};
	r = run_pass(h, o, &first, buf_str(&dfs), &probe, NULL, e);
	double bar = probe.n == probe.cap ? probe.v[0].score : 0; /* the page's last score is at least this */
	free(probe.v);
	expr_release(&first);
	if (r)
		goto done;

	/*
	 * The common words that together cannot reach `bar` need not be scanned: a
	 * passage holding only them scores at most the sum of their bounds, plus the
	 * nearness bonus when it holds two of them or more.
	 */
	size_t essential = q->npos;
	double sum = 0;
	for (;;) {
		double next = sum + q->pos[idx[essential - 1]].ub;
		size_t skipped = q->npos - essential + 1;
		if (essential <= 1 || next + (skipped >= 2 ? text_rank_proximity_bound() : 0) >= bar)
			break;
		sum = next;
		essential--;
	}
	if (essential == q->npos) {
		r = run_pass(h, o, all, buf_str(&dfs), top, total, e);
		goto done;
	}
	struct expr second = {BUF_INIT, BUF_INIT};
	expr_group(&second, q, idx, essential, " OR ", 0);
	buf_appends(&second.text, " AND ");
	expr_group(&second, q, everything, q->npos, " OR ", 1);
	expr_finish(&second, q);
	r = run_pass(h, o, &second, buf_str(&dfs), top, NULL, e);
	expr_release(&second);
	if (!r)
		*total = count_matches(h, o, all);
done:
	buf_release(&dfs);
	return r;
}

/* ---- results ---- */

void search_results_release(struct search_results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct search_hit *s = &r->v[i];
		free(s->ext_id);
		free(s->title);
		free(s->kind);
		free(s->lang);
		free(s->article);
		free(s->snippet);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static char *dup_or_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : xstrdup(db_text(st, i));
}

int hub_search(struct hub *h, const struct search_opts *o, struct search_results *out, struct err *e)
{
	struct query q;
	struct expr all = {BUF_INIT, BUF_INIT};
	int r = 0;
	int limit = o->limit > 0 ? o->limit : 10, offset = o->offset > 0 ? o->offset : 0;

	memset(out, 0, sizeof(*out));
	if (!o->query || !*o->query)
		return err_set(e, ERR_USAGE, "the search is empty: type one or more words");
	if (strlen(o->query) > MAX_QUERY_BYTES)
		return err_set(e, ERR_USAGE, "the search is too long (more than %d bytes)", MAX_QUERY_BYTES);
	if (utf8_validate(o->query, strlen(o->query), NULL, NULL))
		return err_set(e, ERR_ENCODING, "the search is not valid UTF-8 text");
	if (limit > 1000)
		limit = 1000;
	if ((r = query_build(h, o->query, &q, e)))
		return r;

	out->stale_index = df_cache_get(h)->stale_index;

	struct top top = {xcalloc((size_t)offset + (size_t)limit, sizeof(struct ranked)), 0,
			  (size_t)offset + (size_t)limit};
	if ((r = rank(h, o, &q, &top, &out->total, &all, e)))
		goto done;
	qsort(top.v, top.n, sizeof(*top.v), cmp_ranked);

	struct snippet_terms terms = {NULL, NULL, 0, 0};
	for (size_t i = 0; i < q.npos; i++)
		snippet_terms_add(&terms, h->an, q.pos[i].text, q.pos[i].type == ITEM_PREFIX);
	static const char sql_meta[] = "SELECT p.doc_id, d.ext_id, d.title, d.kind, d.lang, p.page, p.article, "
				       "p.text FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id = ?1";
	sqlite3_stmt *meta = cached_stmt(h, sql_meta);
	for (size_t i = (size_t)offset; i < top.n; i++) {
		out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
		struct search_hit *hit = &out->v[out->n++];
		memset(hit, 0, sizeof(*hit));
		hit->passage_id = top.v[i].id;
		hit->score = top.v[i].score;
		sqlite3_reset(meta);
		sqlite3_bind_int64(meta, 1, hit->passage_id);
		if (sqlite3_step(meta) == SQLITE_ROW) {
			hit->doc_id = sqlite3_column_int64(meta, 0);
			hit->ext_id = dup_or_null(meta, 1);
			hit->title = xstrdup(db_text(meta, 2));
			hit->kind = xstrdup(db_text(meta, 3));
			hit->lang = xstrdup(db_text(meta, 4));
			hit->page = sqlite3_column_int(meta, 5);
			hit->article = dup_or_null(meta, 6);
			hit->snippet = snippet_make(h->an, db_text(meta, 7), text_lang_parse(hit->lang), &terms,
						    SNIPPET_WORDS);
		} else {
			hit->snippet = xstrdup("");
		}
	}
	snippet_terms_release(&terms);
	sqlite3_reset(meta);
done:
	free(top.v);
	expr_release(&all);
	query_release(&q);
	if (r)
		search_results_release(out);
	return r;
}
