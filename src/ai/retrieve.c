/* Retrieval for the assistant: BM25 and vector search fused by reciprocal rank (see retrieve.h). */
#include <stdlib.h>
#include <string.h>

#include "ai/retrieve.h"
#include "ai/vectors.h"
#include "base/alloc.h"
#include "base/utf8.h"
#include "hub/hub.h"
#include "store/db.h"
#include "base/banned.h"

/* How deep each list goes before fusion. */
#define LIST_DEPTH 50
#define SNIPPET_BYTES 300

void ai_hits_release(struct ai_hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct ai_hit *x = &h->v[i];
		free(x->title);
		free(x->kind);
		free(x->lang);
		free(x->article);
		free(x->heading);
		free(x->text);
		free(x->snippet);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static struct ai_fused *fused_find(struct ai_fused *v, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].passage_id == id)
			return &v[i];
	return NULL;
}

static int best_rank(const struct ai_fused *x)
{
	if (!x->rank_a || !x->rank_b)
		return x->rank_a ? x->rank_a : x->rank_b;
	return x->rank_a < x->rank_b ? x->rank_a : x->rank_b;
}

static int cmp_fused(const void *pa, const void *pb)
{
	const struct ai_fused *x = pa, *y = pb;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	int rx = best_rank(x), ry = best_rank(y);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (!x->rank_a != !y->rank_a)
		return x->rank_a ? -1 : 1;
	return x->passage_id < y->passage_id ? -1 : x->passage_id > y->passage_id;
}

size_t ai_rrf(const long long *a, size_t na, const long long *b, size_t nb, struct ai_fused *out)
{
	size_t n = 0;
	for (size_t i = 0; i < na; i++) {
		if (fused_find(out, n, a[i]))
			continue;
		out[n] = (struct ai_fused){a[i], (int)i + 1, 0, 1.0 / (AI_RRF_K + (double)(i + 1))};
		n++;
	}
	for (size_t i = 0; i < nb; i++) {
		struct ai_fused *x = fused_find(out, n, b[i]);
		if (!x) {
			x = &out[n++];
			*x = (struct ai_fused){b[i], 0, 0, 0};
		} else if (x->rank_b) {
			continue;
		}
		x->rank_b = (int)i + 1;
		x->score += 1.0 / (AI_RRF_K + (double)(i + 1));
	}
	qsort(out, n, sizeof(*out), cmp_fused);
	return n;
}

struct cand {
	struct ai_fused f;
	int pinned;
	float vector_score;
	const char *snippet; /* BM25's, borrowed from the search results */
};

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

/* The passage's details; 0 when it is gone (removed since the vectors were loaded). */
static int fill_hit(struct hub *h, const struct cand *c, struct ai_hit *x)
{
	sqlite3_stmt *st = db_cached(h->db, "SELECT p.doc_id, d.title, d.kind, d.lang, p.article, p.heading, p.text, p.page "
					    "FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id = ?");
	sqlite3_bind_int64(st, 1, c->f.passage_id);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		memset(x, 0, sizeof(*x));
		x->passage_id = c->f.passage_id;
		x->doc_id = sqlite3_column_int64(st, 0);
		x->title = xstrdup(db_text(st, 1));
		x->kind = xstrdup(db_text(st, 2));
		x->lang = xstrdup(db_text(st, 3));
		x->article = dup_or_null(db_text(st, 4));
		x->heading = dup_or_null(db_text(st, 5));
		x->text = xstrdup(db_text(st, 6));
		x->page = sqlite3_column_int(st, 7);
		if (c->snippet)
			x->snippet = xstrdup(c->snippet);
		else
			x->snippet = xstrndup(x->text, utf8_clip(x->text, strlen(x->text), SNIPPET_BYTES));
		x->bm25_rank = c->f.rank_a;
		x->vector_rank = c->f.rank_b;
		x->pinned = c->pinned;
		x->vector_score = c->vector_score;
		x->score = c->f.score;
	}
	sqlite3_reset(st);
	return found;
}

static void note(struct ai_hits *out, enum ai_failure f, const char *msg)
{
	out->vector_used = 0;
	out->vector_failure = f;
	size_t n = utf8_clip(msg, strlen(msg), sizeof(out->vector_note) - 1);
	memcpy(out->vector_note, msg, n);
	out->vector_note[n] = '\0';
}

int ai_retrieve(struct hub *h, const struct ai_config *c, const char *query, int k, long long campaign_id,
		struct ai_hits *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (k < 1)
		k = 1;
	if (k > 200)
		k = 200;
	int depth = k > LIST_DEPTH ? k : LIST_DEPTH;

	struct search_opts so;
	memset(&so, 0, sizeof(so));
	so.query = query;
	so.limit = depth;
	struct search_results bm = {0};
	struct err be = ERR_INIT;
	int brc = hub_search(h, &so, &bm, &be);
	if (brc && brc != ERR_USAGE) {
		search_results_release(&bm);
		*e = be;
		return brc;
	}

	struct ai_vec_hit *vh = xcalloc((size_t)depth, sizeof(*vh));
	int nv = 0;
	if (!c || !ai_can_embed(c)) {
		note(out, AI_FAIL_NOT_SET_UP, "no embedding model is set up");
	} else {
		struct ai_config qc = *c;
		qc.retries = 0;
		if (qc.total_timeout_ms <= 0 || qc.total_timeout_ms > 15000)
			qc.total_timeout_ms = 15000;
		struct err ve = ERR_INIT;
		if (ai_vector_search(h, &qc, query, depth, vh, &nv, &ve)) {
			enum ai_failure f = ai_last_failure();
			note(out, f == AI_FAIL_NONE ? AI_FAIL_FORMAT : f, ve.msg);
			nv = 0;
		} else if (!nv) {
			note(out, AI_FAIL_NONE, "no passage has a vector for this model yet: asurif ai embed");
		} else {
			out->vector_used = 1;
		}
	}
	if (brc && !nv) {
		search_results_release(&bm);
		free(vh);
		*e = be;
		return brc;
	}

	/* fusion, then the campaign's pinned passages first (in fused order) */
	long long *la = xcalloc(bm.n + 1, sizeof(*la)), *lb = xcalloc((size_t)nv + 1, sizeof(*lb));
	for (size_t i = 0; i < bm.n; i++)
		la[i] = bm.v[i].passage_id;
	for (int i = 0; i < nv; i++)
		lb[i] = vh[i].passage_id;
	struct ai_fused *fv = xcalloc(bm.n + (size_t)nv + 1, sizeof(*fv));
	size_t nc = ai_rrf(la, bm.n, lb, (size_t)nv, fv);
	struct cand *cv = xcalloc(nc + 1, sizeof(*cv));
	for (size_t i = 0; i < nc; i++) {
		cv[i].f = fv[i];
		cv[i].snippet = fv[i].rank_a ? bm.v[fv[i].rank_a - 1].snippet : NULL;
		cv[i].vector_score = fv[i].rank_b ? vh[fv[i].rank_b - 1].score : 0;
	}
	free(la);
	free(lb);
	free(fv);
	size_t npinned = 0;
	if (campaign_id > 0 && nc) {
		sqlite3_stmt *st = db_prepare(h->db, "SELECT 1 FROM evidence WHERE campaign_id = ? AND passage_id = ?");
		for (size_t i = 0; i < nc; i++) {
			sqlite3_bind_int64(st, 1, campaign_id);
			sqlite3_bind_int64(st, 2, cv[i].f.passage_id);
			if (sqlite3_step(st) == SQLITE_ROW) {
				struct cand t = cv[i];
				t.pinned = 1;
				memmove(cv + npinned + 1, cv + npinned, (i - npinned) * sizeof(*cv));
				cv[npinned++] = t;
			}
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
	}
	for (size_t i = 0; i < nc && out->n < (size_t)k; i++) {
		out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
		if (fill_hit(h, &cv[i], &out->v[out->n]))
			out->n++;
	}
	free(cv);
	free(vh);
	search_results_release(&bm);
	return 0;
}
