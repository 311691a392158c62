/* Searching the hub: the query language, BM25 ranking, filters and snippets. */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "hub/hub.h"
#include "store/db.h"
#include "text/analyse.h"
#include "base/banned.h"

#define MAX_QUERY_BYTES 4096
#define MAX_QUERY_ITEMS 64
#define SNIPPET_TOKENS 32

enum item_type { ITEM_WORD, ITEM_PHRASE, ITEM_PREFIX };

struct item {
	enum item_type type;
	int exclude;
	char *text;
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
		struct item it = {ITEM_WORD, 0, NULL};
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

/* Builds the FTS5 expression, or returns ERR_USAGE when nothing is left to look for. */
static int build_match(struct hub *h, const char *query, int all_words, struct buf *out, struct err *e)
{
	struct item items[MAX_QUERY_ITEMS];
	size_t n = parse_query(query, items, MAX_QUERY_ITEMS);
	struct buf pos = BUF_INIT, neg = BUF_INIT;
	int npos = 0;
	for (size_t i = 0; i < n; i++) {
		if (!item_has_terms(h, &items[i]))
			continue;
		struct buf *b = items[i].exclude ? &neg : &pos;
		if (items[i].exclude)
			buf_appends(b, " NOT ");
		else if (npos++)
			buf_appends(b, all_words ? " AND " : " OR ");
		append_fts_string(b, items[i].text);
		if (items[i].type == ITEM_PREFIX)
			buf_appends(b, " *");
	}
	for (size_t i = 0; i < n; i++)
		free(items[i].text);
	int r = 0;
	if (!npos) {
		r = err_set(e, ERR_USAGE, "nothing to search for in \"%s\": add a word that is not excluded and not a "
					  "common word such as \"the\", \"de\" or \"في\"",
			    query);
	} else {
		buf_reset(out);
		if (neg.len)
			buf_appendc(out, '(');
		buf_append(out, pos.data, pos.len);
		if (neg.len) {
			buf_appendc(out, ')');
			buf_append(out, neg.data, neg.len);
		}
	}
	buf_release(&pos);
	buf_release(&neg);
	return r;
}

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

static int filtered(const struct search_opts *o)
{
	return o->kind || o->lang || o->issuer || o->since || o->until;
}

static void bind_filters(sqlite3_stmt *st, const struct search_opts *o)
{
	db_bind_text(st, 2, o->kind);
	db_bind_text(st, 3, o->lang);
	db_bind_text(st, 4, o->issuer);
	db_bind_text(st, 5, o->since);
	db_bind_text(st, 6, o->until);
}

#define FILTERS                                                                                                        \
	" AND (?2 IS NULL OR d.kind = ?2) AND (?3 IS NULL OR d.lang = ?3)"                                             \
	" AND (?4 IS NULL OR instr(lower(d.issuer), lower(?4)) > 0)"                                                   \
	" AND (?5 IS NULL OR d.date >= ?5) AND (?6 IS NULL OR d.date <= ?6)"

/* The index tags English passages with an invisible prefix; a snippet must not show it. */
static char *clean_snippet(const char *s)
{
	size_t n = strlen(s);
	size_t tag = text_lang_tag_len(s, n);
	struct buf b = BUF_INIT;
	buf_append(&b, "", 0);
	for (size_t i = tag; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\t' || c == '\r')
			buf_appendc(&b, ' ');
		else if (c >= 0x20 || c == (unsigned char)HL_OPEN || c == (unsigned char)HL_CLOSE)
			buf_appendc(&b, (char)c);
	}
	return buf_detach(&b);
}

/* The best `cap` passages seen so far: a min-heap on score (ties: the lower id ranks first). */
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

int hub_search(struct hub *h, const struct search_opts *o, struct search_results *out, struct err *e)
{
	struct buf match = BUF_INIT;
	sqlite3_stmt *st = NULL, *meta = NULL, *snip = NULL;
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
	if ((r = build_match(h, o->query, o->all_words, &match, e)))
		return r;

	char *ver = db_meta_get(h->db, "analyser_version");
	out->stale_index = !ver || atoi(ver) != ANALYSER_VERSION;
	free(ver);

	/*
	 * One pass over the matching passages: each is counted and scored, and only the
	 * best offset + limit are kept (a heap), instead of counting in one query and
	 * sorting every match in another.
	 */
	st = db_prepare(h->db, filtered(o) ? "SELECT passage_index.rowid, asurif_rank(passage_index) FROM passage_index "
					     "JOIN passages p ON p.id = passage_index.rowid JOIN documents d ON d.id = "
					     "p.doc_id WHERE passage_index MATCH ?1" FILTERS
					   : "SELECT rowid, asurif_rank(passage_index) FROM passage_index WHERE passage_index "
					     "MATCH ?1");
	sqlite3_bind_text(st, 1, match.data, (int)match.len, SQLITE_STATIC);
	if (filtered(o))
		bind_filters(st, o);
	struct top top = {NULL, 0, (size_t)offset + (size_t)limit};
	top.v = xcalloc(top.cap, sizeof(*top.v));
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->total++;
		top_push(&top, sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1));
	}
	if (rc != SQLITE_DONE) {
		r = err_set(e, ERR_USAGE, "cannot search for \"%s\": %s", o->query, sqlite3_errmsg(h->db));
		free(top.v);
		goto done;
	}
	qsort(top.v, top.n, sizeof(*top.v), cmp_ranked);
	meta = db_prepare(h->db, "SELECT p.doc_id, d.ext_id, d.title, d.kind, d.lang, p.page, p.article "
				 "FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id = ?1");
	snip = db_prepare(h->db, "SELECT snippet(passage_index, 0, char(14), char(15), '…', 32) FROM passage_index "
				 "WHERE passage_index MATCH ?1 AND rowid = ?2");
	sqlite3_bind_text(snip, 1, match.data, (int)match.len, SQLITE_STATIC);
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
		}
		sqlite3_reset(snip);
		sqlite3_bind_int64(snip, 2, hit->passage_id);
		hit->snippet = clean_snippet(sqlite3_step(snip) == SQLITE_ROW ? db_text(snip, 0) : "");
	}
	free(top.v);
done:
	sqlite3_finalize(st);
	sqlite3_finalize(meta);
	sqlite3_finalize(snip);
	buf_release(&match);
	if (r)
		search_results_release(out);
	return r;
}
