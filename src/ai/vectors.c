/* Passage embeddings: quantised storage, the backlog, and the in-memory index (see vectors.h). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ai/vectors.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "hub/hub.h"
#include "store/db.h"
#include "base/banned.h"

#define ROW_ALIGN 64
#define GEN_KEY "ai.vectors_gen"
#define STR_(x) #x
#define AI_STR(x) STR_(x)

float ai_vec_quantise(const float *v, size_t dim, int8_t *q)
{
	double ss = 0;
	for (size_t i = 0; i < dim; i++)
		ss += (double)v[i] * v[i];
	if (!(ss > 0) || !isfinite(ss)) {
		memset(q, 0, dim);
		return 0;
	}
	double inv = 1 / sqrt(ss), mx = 0;
	for (size_t i = 0; i < dim; i++)
		if (fabs(v[i] * inv) > mx)
			mx = fabs(v[i] * inv);
	double scale = mx / 127;
	for (size_t i = 0; i < dim; i++) {
		long r = lround(v[i] * inv / scale);
		q[i] = (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
	}
	return (float)scale;
}

/* ---- storage ---- */

static int db_fail(sqlite3 *db, struct err *e)
{
	return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(db));
}

static int bump_gen(sqlite3 *db, struct err *e)
{
	if (db_exec(db,
		    "INSERT INTO meta(key, value) VALUES ('" GEN_KEY "', '1') ON CONFLICT(key) DO UPDATE SET "
		    "value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
		    e))
		return e ? e->code : ERR_DB;
	return 0;
}

static int put_row(sqlite3 *db, long long passage_id, const char *model, const float *v, size_t dim,
		   struct err *e)
{
	int8_t *q = xmalloc(dim);
	float scale = ai_vec_quantise(v, dim, q);
	sqlite3_stmt *st = db_cached(db, "INSERT OR REPLACE INTO passage_vectors(passage_id, model, dim, scale, vec) "
					 "VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, passage_id);
	db_bind_text(st, 2, model);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)dim);
	sqlite3_bind_double(st, 4, scale);
	sqlite3_bind_blob(st, 5, q, (int)dim, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	free(q);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT)
			return err_set(e, ERR_NOTFOUND, "no passage %lld", passage_id);
		return db_fail(db, e);
	}
	return 0;
}

int ai_vector_put(struct hub *h, long long passage_id, const char *model, const float *v, size_t dim, struct err *e)
{
	if (!dim || dim > 1u << 16)
		return err_set(e, ERR_USAGE, "a vector of %zu values", dim);
	int r = db_begin(h->db, e);
	if (r)
		return r;
	if ((r = put_row(h->db, passage_id, model, v, dim, e)) || (r = bump_gen(h->db, e)) ||
	    (r = db_commit(h->db, e))) {
		db_rollback(h->db);
		return r;
	}
	return 0;
}

int ai_vectors_put_many(struct hub *h, const char *model, const long long *ids, const float *v, size_t n, size_t dim,
			struct err *e)
{
	if (!dim || dim > 1u << 16)
		return err_set(e, ERR_USAGE, "a vector of %zu values", dim);
	int r = db_begin(h->db, e);
	if (r)
		return r;
	for (size_t i = 0; i < n && !r; i++)
		r = put_row(h->db, ids[i], model, v + i * dim, dim, e);
	if (r || (r = bump_gen(h->db, e)) || (r = db_commit(h->db, e))) {
		db_rollback(h->db);
		return r;
	}
	return 0;
}

int ai_vector_delete(struct hub *h, long long passage_id, const char *model, struct err *e)
{
	int r = db_begin(h->db, e);
	if (r)
		return r;
	sqlite3_stmt *st =
	    db_prepare(h->db, "DELETE FROM passage_vectors WHERE passage_id = ?1 AND (?2 IS NULL OR model = ?2)");
	sqlite3_bind_int64(st, 1, passage_id);
	db_bind_text(st, 2, model);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		r = db_fail(h->db, e);
	if (r || (r = bump_gen(h->db, e)) || (r = db_commit(h->db, e))) {
		db_rollback(h->db);
		return r;
	}
	return 0;
}

static long long one_int(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	if (arg)
		db_bind_text(st, 1, arg);
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

int ai_vector_counts(struct hub *h, const char *model, struct ai_vector_counts *out, struct err *e)
{
	(void)e;
	memset(out, 0, sizeof(*out));
	out->passages = one_int(h->db, "SELECT count(*) FROM passages", NULL);
	if (!model)
		model = "";
	out->embedded = one_int(h->db, "SELECT count(*) FROM passage_vectors WHERE model = ?", model);
	out->other_models = one_int(h->db, "SELECT count(*) FROM passage_vectors WHERE model <> ?", model);
	out->dim = one_int(h->db, "SELECT dim FROM passage_vectors WHERE model = ? LIMIT 1", model);
	return 0;
}

/* ---- the index: shared by the connections of the process to one database ---- */

struct vindex {
	char *db_path, *model;
	long long gen, count; /* what it was loaded from */
	size_t n, dim, stride;
	long long *ids;
	float *scale;
	int8_t *rows; /* n rows of stride bytes, zero past dim */
	int refs;
	struct vindex *next;
};

static pthread_mutex_t vlock = PTHREAD_MUTEX_INITIALIZER;
static struct vindex *vlist;

struct vcache {
	struct vindex *ix;
	sqlite3_stmt *version;
	sqlite3_int64 data_version;
	int changes;
};

static void vindex_free(struct vindex *ix)
{
	free(ix->db_path);
	free(ix->model);
	free(ix->ids);
	free(ix->scale);
	free(ix->rows);
	free(ix);
}

/* Called with vlock held. */
static void vindex_unref_locked(struct vindex *ix)
{
	if (!ix || --ix->refs > 0)
		return;
	for (struct vindex **p = &vlist; *p; p = &(*p)->next)
		if (*p == ix) {
			*p = ix->next;
			break;
		}
	vindex_free(ix);
}

void ai_vectors_cache_free(struct hub *h)
{
	struct vcache *c = h->vector_cache;
	if (!c)
		return;
	pthread_mutex_lock(&vlock);
	vindex_unref_locked(c->ix);
	pthread_mutex_unlock(&vlock);
	sqlite3_finalize(c->version);
	free(c);
	h->vector_cache = NULL;
	h->vector_cache_free = NULL;
}

static int read_signature(sqlite3 *db, const char *model, long long *gen, long long *count)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT CAST(coalesce((SELECT value FROM meta WHERE key = '" GEN_KEY
					  "'), 0) AS INTEGER), (SELECT count(*) FROM passage_vectors WHERE model = ?)");
	db_bind_text(st, 1, model);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*gen = sqlite3_column_int64(st, 0);
		*count = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int vindex_load(sqlite3 *db, const char *db_path, const char *model, long long gen, long long count,
		       struct vindex **out, struct err *e)
{
	struct vindex *ix = xcalloc(1, sizeof(*ix));
	ix->db_path = xstrdup(db_path);
	ix->model = xstrdup(model);
	ix->gen = gen;
	ix->count = count;
	ix->dim = (size_t)one_int(db, "SELECT dim FROM passage_vectors WHERE model = ? LIMIT 1", model);
	ix->stride = (ix->dim + ROW_ALIGN - 1) / ROW_ALIGN * ROW_ALIGN;
	size_t cap = count > 0 ? (size_t)count : 0;
	if (cap && ix->dim) {
		ix->ids = xcalloc(cap, sizeof(*ix->ids));
		ix->scale = xcalloc(cap, sizeof(*ix->scale));
		void *p = NULL;
		if (posix_memalign(&p, ROW_ALIGN, cap * ix->stride))
			BUG("out of memory");
		ix->rows = p;
	}
	/* a scan of the table in passage order ("+model": not through the model index, which would
	 * look each row up again; a workspace holds one model's vectors) */
	sqlite3_stmt *st = db_prepare(db, "SELECT passage_id, scale, vec FROM passage_vectors WHERE +model = ? AND dim = ?");
	db_bind_text(st, 1, model);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)ix->dim);
	int rc = SQLITE_DONE;
	while (ix->dim && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ix->n == cap || (size_t)sqlite3_column_bytes(st, 2) != ix->dim)
			continue; /* cannot happen inside one read transaction; the CHECK keeps the size */
		int8_t *row = ix->rows + ix->n * ix->stride;
		memcpy(row, sqlite3_column_blob(st, 2), ix->dim);
		memset(row + ix->dim, 0, ix->stride - ix->dim);
		ix->ids[ix->n] = sqlite3_column_int64(st, 0);
		ix->scale[ix->n] = (float)sqlite3_column_double(st, 1);
		ix->n++;
	}
	if (ix->dim && rc != SQLITE_DONE) {
		err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		vindex_free(ix);
		return ERR_DB;
	}
	sqlite3_finalize(st);
	*out = ix;
	return 0;
}

/* The hub's index of model, loaded or reloaded when the vectors changed. */
static int vindex_get(struct hub *h, const char *model, struct vindex **out, struct err *e)
{
	struct vcache *c = h->vector_cache;
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		c->data_version = -1;
		h->vector_cache = c;
		h->vector_cache_free = ai_vectors_cache_free;
	}
	if (!c->version)
		c->version = db_prepare(h->db, "PRAGMA data_version");
	sqlite3_int64 dv = sqlite3_step(c->version) == SQLITE_ROW ? sqlite3_column_int64(c->version, 0) : -1;
	sqlite3_reset(c->version);
	int ch = sqlite3_total_changes(h->db);
	if (c->ix && !strcmp(c->ix->model, model) && dv == c->data_version && ch == c->changes) {
		*out = c->ix;
		return 0;
	}
	/* one read transaction: the signature and the rows agree */
	int began = sqlite3_get_autocommit(h->db);
	if (began && db_exec(h->db, "BEGIN", e))
		return ERR_DB;
	long long gen = 0, count = 0;
	int r = 0;
	if (read_signature(h->db, model, &gen, &count)) {
		r = db_fail(h->db, e);
		goto done;
	}
	if (c->ix && !strcmp(c->ix->model, model) && c->ix->gen == gen && c->ix->count == count)
		goto keep;
	pthread_mutex_lock(&vlock);
	struct vindex *ix = NULL;
	for (ix = vlist; ix; ix = ix->next)
		if (!strcmp(ix->db_path, h->db_path) && !strcmp(ix->model, model) && ix->gen == gen && ix->count == count)
			break;
	if (!ix) {
		/* loaded with the lock held: two threads never hold two copies being built */
		if ((r = vindex_load(h->db, h->db_path, model, gen, count, &ix, e))) {
			pthread_mutex_unlock(&vlock);
			goto done;
		}
		ix->next = vlist;
		vlist = ix;
	}
	ix->refs++;
	vindex_unref_locked(c->ix);
	pthread_mutex_unlock(&vlock);
	c->ix = ix;
keep:
	c->data_version = dv;
	c->changes = ch;
done:
	if (began)
		db_exec(h->db, r ? "ROLLBACK" : "COMMIT", NULL);
	*out = r ? NULL : c->ix;
	return r;
}

int ai_vectors_preload(struct hub *h, const char *model, size_t *rows, struct err *e)
{
	struct vindex *ix;
	int r = vindex_get(h, model, &ix, e);
	*rows = r ? 0 : ix->n;
	return r;
}

/* ---- the scan ---- */

struct cand {
	float score;
	size_t row;
};

/* Min-heap of the best m candidates (the worst at the top). */
struct topm {
	struct cand *v;
	size_t n, m;
};

static void topm_push(struct topm *t, float score, size_t row)
{
	if (t->n < t->m) {
		size_t i = t->n++;
		while (i && t->v[(i - 1) / 2].score > score) {
			t->v[i] = t->v[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t->v[i] = (struct cand){score, row};
		return;
	}
	if (score <= t->v[0].score)
		return;
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, s = i;
		float best = score;
		if (l < t->n && t->v[l].score < best)
			s = l, best = t->v[l].score;
		if (l + 1 < t->n && t->v[l + 1].score < best)
			s = l + 1;
		if (s == i)
			break;
		t->v[i] = t->v[s];
		i = s;
	}
	t->v[i] = (struct cand){score, row};
}

/* The integer dot product of a row (stride bytes, a multiple of 64) and the query (widened
 * to 16 bits once): fixed-size inner blocks, so the compiler vectorises them at -O2. */
#define DOT_BODY                                                                                                       \
	int32_t s = 0;                                                                                                 \
	for (size_t j = 0; j < stride; j += ROW_ALIGN) {                                                               \
		int32_t t = 0;                                                                                         \
		for (size_t i = 0; i < ROW_ALIGN; i++)                                                                 \
			t += (int16_t)a[j + i] * b[j + i];                                                             \
		s += t;                                                                                                \
	}                                                                                                              \
	return s;

static int32_t dot_i8(const int8_t *restrict a, const int16_t *restrict b, size_t stride)
{
	DOT_BODY
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_DOT 1
__attribute__((target("avx2"))) static int32_t dot_i8_avx2(const int8_t *restrict a, const int16_t *restrict b,
							     size_t stride)
{
	DOT_BODY
}
#endif

struct scan {
	const struct vindex *ix;
	const int16_t *q;
	size_t from, to;
	struct topm top;
};

#define SCAN_BODY(DOT)                                                                                                 \
	struct scan *s = arg;                                                                                          \
	const struct vindex *ix = s->ix;                                                                               \
	for (size_t r = s->from; r < s->to; r++)                                                                       \
		topm_push(&s->top, ix->scale[r] * (float)DOT(ix->rows + r * ix->stride, s->q, ix->stride), r);        \
	return NULL;

static void *scan_plain(void *arg)
{
	SCAN_BODY(dot_i8)
}

#ifdef HAVE_AVX2_DOT
__attribute__((target("avx2"))) static void *scan_avx2(void *arg)
{
	SCAN_BODY(dot_i8_avx2)
}
#endif

static void *(*pick_scan(void))(void *)
{
#ifdef HAVE_AVX2_DOT
	if (__builtin_cpu_supports("avx2"))
		return scan_avx2;
#endif
	return scan_plain;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct ai_vec_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->passage_id < y->passage_id ? -1 : x->passage_id > y->passage_id;
}

/* Rows at or above this are split over two threads (when there are two cores). */
#define SPLIT_ROWS 16384

static int search_index(const struct vindex *ix, const float *query, size_t dim, int k, struct ai_vec_hit *out, int *n,
			struct err *e)
{
	*n = 0;
	if (!ix->n || k <= 0)
		return 0;
	if (dim != ix->dim)
		return err_set(e, ERR_USAGE, "the query has %zu values, the stored vectors %zu: embed the passages again "
					     "with this model (asurif ai embed)",
			       dim, ix->dim);
	int8_t *q = xcalloc(ix->stride, 1);
	float qscale = ai_vec_quantise(query, dim, q);
	if (qscale == 0) {
		free(q);
		return 0;
	}
	int16_t *q16 = xcalloc(ix->stride, sizeof(*q16));
	for (size_t i = 0; i < dim; i++)
		q16[i] = q[i];
	/* candidates from the integer scan, then scored again with the query in floating point */
	size_t m = (size_t)k * 4 < (size_t)k + 32 ? (size_t)k + 32 : (size_t)k * 4;
	if (m > ix->n)
		m = ix->n;
	int parts = ix->n >= SPLIT_ROWS && sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	struct scan sc[2];
	for (int i = 0; i < parts; i++) {
		sc[i].ix = ix;
		sc[i].q = q16;
		sc[i].from = ix->n * (size_t)i / (size_t)parts;
		sc[i].to = ix->n * (size_t)(i + 1) / (size_t)parts;
		sc[i].top = (struct topm){xcalloc(m, sizeof(struct cand)), 0, m};
	}
	void *(*scan)(void *) = pick_scan();
	pthread_t th;
	int threaded = parts == 2 && pthread_create(&th, NULL, scan, &sc[1]) == 0;
	scan(&sc[0]);
	if (parts == 2) {
		if (threaded)
			pthread_join(th, NULL);
		else
			scan(&sc[1]);
	}
	double norm = 0;
	for (size_t i = 0; i < dim; i++)
		norm += (double)query[i] * query[i];
	float *qf = xmalloc(dim * sizeof(float));
	for (size_t i = 0; i < dim; i++)
		qf[i] = (float)(query[i] / sqrt(norm));
	size_t nc = 0;
	struct ai_vec_hit *all = xmalloc(2 * m * sizeof(*all));
	for (int p = 0; p < parts; p++)
		for (size_t i = 0; i < sc[p].top.n; i++) {
			size_t r = sc[p].top.v[i].row;
			const int8_t *row = ix->rows + r * ix->stride;
			float d = 0;
			for (size_t j = 0; j < dim; j++)
				d += qf[j] * (float)row[j];
			all[nc++] = (struct ai_vec_hit){ix->ids[r], d * ix->scale[r]};
		}
	qsort(all, nc, sizeof(*all), cmp_hit);
	*n = (int)(nc < (size_t)k ? nc : (size_t)k);
	memcpy(out, all, (size_t)*n * sizeof(*out));
	free(all);
	free(qf);
	for (int i = 0; i < parts; i++)
		free(sc[i].top.v);
	free(q16);
	free(q);
	return 0;
}

int ai_vectors_search(struct hub *h, const char *model, const float *query, size_t dim, int k, struct ai_vec_hit *out,
		      int *n, struct err *e)
{
	*n = 0;
	if (k > 1000)
		k = 1000;
	struct vindex *ix;
	int r = vindex_get(h, model, &ix, e);
	if (r)
		return r;
	return search_index(ix, query, dim, k, out, n, e);
}

int ai_vector_search(struct hub *h, const struct ai_config *c, const char *query_text, int k, struct ai_vec_hit *out,
		     int *n, struct err *e)
{
	*n = 0;
	if (!ai_can_embed(c))
		return err_set(e, ERR_USAGE, "no embedding model is set up");
	size_t len = strlen(query_text);
	char *text = xstrndup(query_text, utf8_clip(query_text, len, AI_EMBED_MAX_TEXT));
	const char *texts[1] = {text};
	float *v = NULL;
	size_t dim = 0;
	int r = ai_embed(c, texts, 1, &v, &dim, e);
	free(text);
	if (!r)
		r = ai_vectors_search(h, c->embed_model, v, dim, k, out, n, e);
	free(v);
	return r;
}

/* ---- the backlog ---- */

/* The passages without a vector of model (?2), after id ?3, of the documents in the JSON list ?1 (NULL: all). */
#define BACKLOG_WHERE                                                                                                  \
	" FROM passages p WHERE (?1 IS NULL OR p.doc_id IN (SELECT value FROM json_each(?1))) AND NOT EXISTS "     \
	"(SELECT 1 FROM passage_vectors v WHERE v.passage_id = p.id AND v.model = ?2)"

static long long backlog_count(sqlite3 *db, const char *docs, const char *model)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*)" BACKLOG_WHERE);
	db_bind_text(st, 1, docs);
	db_bind_text(st, 2, model);
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

struct batch {
	long long ids[AI_EMBED_BATCH];
	char *texts[AI_EMBED_BATCH];
	size_t n;
};

static void batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->texts[i]);
	b->n = 0;
}

/* The next passages to embed after id `after`: up to AI_EMBED_BATCH, and AI_EMBED_BATCH_BYTES of text. */
static int batch_next(sqlite3 *db, const char *docs, const char *model, long long after, struct batch *b,
		      struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT p.id, p.heading, p.text" BACKLOG_WHERE " AND p.id > ?3 ORDER BY p.id "
					  "LIMIT " AI_STR(AI_EMBED_BATCH));
	db_bind_text(st, 1, docs);
	db_bind_text(st, 2, model);
	sqlite3_bind_int64(st, 3, after);
	size_t bytes = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct buf t = BUF_INIT;
		const char *heading = db_text(st, 1), *text = db_text(st, 2);
		if (*heading && strncmp(text, heading, strlen(heading))) {
			buf_appends(&t, heading);
			buf_appends(&t, "\n");
		}
		buf_appends(&t, text);
		size_t len = utf8_clip(buf_str(&t), t.len, AI_EMBED_MAX_TEXT);
		if (b->n && bytes + len > AI_EMBED_BATCH_BYTES) {
			buf_release(&t);
			break;
		}
		bytes += len;
		b->ids[b->n] = sqlite3_column_int64(st, 0);
		b->texts[b->n++] = xstrndup(buf_str(&t), len);
		buf_release(&t);
	}
	int bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
	if (bad)
		err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return bad ? ERR_DB : 0;
}

static int drop_model(sqlite3 *db, const char *sql, const char *model, long long *dropped, struct err *e)
{
	int r = db_begin(db, e);
	if (r)
		return r;
	sqlite3_stmt *st = db_prepare(db, sql);
	db_bind_text(st, 1, model);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	long long n = sqlite3_changes(db);
	if (rc != SQLITE_DONE)
		r = db_fail(db, e);
	else if (n)
		r = bump_gen(db, e);
	if (r || (r = db_commit(db, e))) {
		db_rollback(db);
		return r;
	}
	*dropped += n;
	return 0;
}

int ai_embed_backlog(struct hub *h, const struct ai_config *c, const long long *doc_ids, size_t ndocs,
		     ai_progress_fn progress, void *ctx, struct ai_embed_report *rep, struct err *e)
{
	memset(rep, 0, sizeof(*rep));
	if (!ai_can_embed(c))
		return err_set(e, ERR_USAGE, "no embedding model is set up");
	const char *model = c->embed_model;
	int r = drop_model(h->db, "DELETE FROM passage_vectors WHERE model <> ?", model, &rep->dropped, e);
	if (r)
		return r;
	char *docs = NULL;
	if (ndocs) {
		struct buf b = BUF_INIT;
		buf_appends(&b, "[");
		for (size_t i = 0; i < ndocs; i++)
			buf_appendf(&b, "%s%lld", i ? "," : "", doc_ids[i]);
		buf_appends(&b, "]");
		docs = xstrdup(buf_str(&b));
		buf_release(&b);
	}
	long long stored_dim = one_int(h->db, "SELECT dim FROM passage_vectors WHERE model = ? LIMIT 1", model);
	rep->total = backlog_count(h->db, docs, model);
	if (progress)
		progress(ctx, 0, (unsigned long long)rep->total, NULL);
	long long after = 0;
	int restart = 0;
	struct batch b = {.n = 0};
	float *v = NULL;
	for (;;) {
		if ((r = batch_next(h->db, docs, model, after, &b, e)) || !b.n)
			break;
		size_t dim = 0;
		rep->requests++;
		if ((r = ai_embed(c, (const char *const *)b.texts, b.n, &v, &dim, e)))
			break;
		if (stored_dim && (long long)dim != stored_dim) {
			/* another model answers under the same name: what it stored before cannot be compared */
			if ((r = drop_model(h->db, "DELETE FROM passage_vectors WHERE model = ?", model, &rep->dropped, e)))
				break;
			restart = 1;
			rep->total = rep->embedded + backlog_count(h->db, docs, model);
		}
		stored_dim = (long long)dim;
		if ((r = ai_vectors_put_many(h, model, b.ids, v, b.n, dim, e))) {
			if (r != ERR_NOTFOUND)
				break;
			r = 0; /* a passage removed meanwhile: store the others one by one */
			for (size_t i = 0; i < b.n && !r; i++)
				if ((r = ai_vector_put(h, b.ids[i], model, v + i * dim, dim, e)) == ERR_NOTFOUND)
					r = 0;
			if (r)
				break;
		}
		rep->embedded += (long long)b.n;
		after = restart ? 0 : b.ids[b.n - 1];
		restart = 0;
		free(v);
		v = NULL;
		batch_clear(&b);
		if (progress)
			progress(ctx, (unsigned long long)rep->embedded, (unsigned long long)rep->total, NULL);
	}
	free(v);
	batch_clear(&b);
	free(docs);
	return r;
}

long long ai_docs_mark(struct hub *h)
{
	return one_int(h->db, "SELECT coalesce(max(id), 0) FROM documents", NULL);
}

int ai_embed_added(struct hub *h, long long mark, int *configured, struct ai_embed_report *rep, struct err *e)
{
	memset(rep, 0, sizeof(*rep));
	*configured = 0;
	struct ai_config c;
	int r = ai_config_load(h->db, h->dir, &c, e);
	if (r)
		return r;
	if (!ai_can_embed(&c))
		return 0;
	*configured = 1;
	c.retries = 0;
	if (c.connect_timeout_ms <= 0 || c.connect_timeout_ms > 3000)
		c.connect_timeout_ms = 3000;
	long long *ids = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *st = db_prepare(h->db, "SELECT id FROM documents WHERE id > ? ORDER BY id");
	sqlite3_bind_int64(st, 1, mark);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = xgrow(ids, &alloc, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (n)
		r = ai_embed_backlog(h, &c, ids, n, NULL, NULL, rep, e);
	free(ids);
	return r;
}
