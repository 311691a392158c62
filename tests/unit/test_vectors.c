/*
 * Passage vectors: the quantisation's error bound, the index's search against a brute-force
 * search (over what is stored, and over the original floats), reciprocal rank fusion on lists
 * made by hand, the index seeing new, replaced and removed vectors (on the same connection and
 * from another one), retrieval falling back to words alone without a model, and retrieval
 * fusing both lists against the test model service (tests/ai/server.mjs, started here).
 */
#define _XOPEN_SOURCE 700 /* nftw, to remove the work folder */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ai/retrieve.h"
#include "ai/vectors.h"
#include "base/alloc.h"
#include "hub/hub.h"
#include "store/db.h"
#include "tmpdir.h"
#include "base/banned.h"

static uint64_t rng = 42;

static double uniform(void)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

static void random_vector(float *v, size_t dim)
{
	for (size_t i = 0; i < dim; i++)
		v[i] = (float)gauss();
}

static void normalise(float *v, size_t dim)
{
	double ss = 0;
	for (size_t i = 0; i < dim; i++)
		ss += (double)v[i] * v[i];
	for (size_t i = 0; i < dim; i++)
		v[i] = (float)(v[i] / sqrt(ss));
}

static void test_quantise(void **state)
{
	(void)state;
	const size_t dim = 1024;
	float v[1024], n[1024];
	int8_t q[1024];
	for (int round = 0; round < 50; round++) {
		random_vector(v, dim);
		if (round == 1)
			v[7] = 40; /* one large value: the scale follows it */
		for (size_t i = 0; i < dim; i++)
			n[i] = v[i] * 3.5f; /* the length does not matter */
		float scale = ai_vec_quantise(n, dim, q);
		memcpy(n, v, sizeof(v));
		normalise(n, dim);
		assert_true(scale > 0);
		double dot = 0, dq = 0, maxerr = 0;
		int maxq = 0;
		for (size_t i = 0; i < dim; i++) {
			double x = q[i] * (double)scale;
			maxerr = fmax(maxerr, fabs(x - n[i]));
			dot += x * n[i];
			dq += x * x;
			maxq = abs(q[i]) > maxq ? abs(q[i]) : maxq;
		}
		/* each value within half a step; the largest uses the whole range */
		assert_true(maxerr <= scale * 0.5 + 1e-6);
		assert_int_equal(maxq, 127);
		if (round != 1)
			assert_true(dot / sqrt(dq) > 0.9999);
	}
	/* a zero vector and a non-finite one give scale 0 and zeros */
	memset(v, 0, sizeof(v));
	assert_true(ai_vec_quantise(v, dim, q) == 0);
	v[3] = NAN;
	assert_true(ai_vec_quantise(v, dim, q) == 0);
	for (size_t i = 0; i < dim; i++)
		assert_int_equal(q[i], 0);
}

/* A workspace with one document of n passages (ids 1..n). */
static struct hub *workspace(char **dir, int n)
{
	*dir = tmpdir_make("asurif-vectors");
	assert_non_null(*dir);
	struct err e = ERR_INIT;
	struct hub *h = NULL;
	assert_int_equal(hub_init(*dir, &e), 0);
	assert_int_equal(hub_open(*dir, &h, &e), 0);
	assert_int_equal(db_exec(h->db,
				 "INSERT INTO documents(id, hash, source, format, title, kind, lang) VALUES "
				 "(1, 'h1', 'test', 'text', 'Test', 'other', 'fr')",
				 &e),
			 0);
	sqlite3_stmt *st = db_prepare(h->db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?) "
					     "INSERT INTO passages(id, doc_id, seq, text) SELECT i, 1, i, 'passage ' || i FROM c");
	sqlite3_bind_int(st, 1, n);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return h;
}

struct scored {
	double s;
	long long id;
};

static int cmp_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return x->s < y->s ? 1 : x->s > y->s ? -1 : (x->id > y->id) - (x->id < y->id);
}

static void test_search_exact(void **state)
{
	(void)state;
	enum { N = 3000, DIM = 200, K = 10, Q = 40 };
	char *dir;
	struct hub *h = workspace(&dir, N);
	float *v = xmalloc((size_t)N * DIM * sizeof(float));
	long long *ids = xmalloc(N * sizeof(*ids));
	for (int i = 0; i < N; i++) {
		random_vector(v + (size_t)i * DIM, DIM);
		normalise(v + (size_t)i * DIM, DIM);
		ids[i] = i + 1;
	}
	struct err e = ERR_INIT;
	assert_int_equal(ai_vectors_put_many(h, "m1", ids, v, N, DIM, &e), 0);
	/* what is stored, read back: the dequantised rows */
	float *dq = xmalloc((size_t)N * DIM * sizeof(float));
	sqlite3_stmt *st = db_prepare(h->db, "SELECT passage_id, scale, vec FROM passage_vectors WHERE model = 'm1'");
	int rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const int8_t *b = sqlite3_column_blob(st, 2);
		assert_int_equal(sqlite3_column_bytes(st, 2), DIM);
		for (int j = 0; j < DIM; j++)
			dq[(size_t)(id - 1) * DIM + j] = (float)(b[j] * sqlite3_column_double(st, 1));
		rows++;
	}
	sqlite3_finalize(st);
	assert_int_equal(rows, N);

	struct scored *all = xmalloc(N * sizeof(*all));
	float q[DIM];
	int same_as_float = 0;
	for (int t = 0; t < Q; t++) {
		random_vector(q, DIM);
		if (t % 2) /* half the queries near a stored vector */
			for (int j = 0; j < DIM; j++)
				q[j] = q[j] * 0.05f + v[(size_t)(t * 37) * DIM + j];
		struct ai_vec_hit hits[K];
		int n = 0;
		assert_int_equal(ai_vectors_search(h, "m1", q, DIM, K, hits, &n, &e), 0);
		assert_int_equal(n, K);
		float qn[DIM];
		memcpy(qn, q, sizeof(q));
		normalise(qn, DIM);
		/* brute force over the stored vectors: exactly the same ids, same order */
		for (int i = 0; i < N; i++) {
			double s = 0;
			for (int j = 0; j < DIM; j++)
				s += (double)qn[j] * dq[(size_t)i * DIM + j];
			all[i] = (struct scored){s, i + 1};
		}
		qsort(all, N, sizeof(*all), cmp_scored);
		for (int i = 0; i < K; i++) {
			assert_int_equal(hits[i].passage_id, all[i].id);
			assert_true(fabs(hits[i].score - all[i].s) < 1e-4);
		}
		/* brute force over the original floats: the same neighbours but for near ties */
		for (int i = 0; i < N; i++) {
			double s = 0;
			for (int j = 0; j < DIM; j++)
				s += (double)qn[j] * v[(size_t)i * DIM + j];
			all[i] = (struct scored){s, i + 1};
		}
		qsort(all, N, sizeof(*all), cmp_scored);
		for (int i = 0; i < K; i++)
			for (int j = 0; j < K; j++)
				same_as_float += hits[i].passage_id == all[j].id;
		if (t % 2)
			assert_int_equal(hits[0].passage_id, t * 37 + 1);
	}
	assert_true(same_as_float >= Q * K * 95 / 100);
	/* a query of another size is refused with a message */
	struct ai_vec_hit one[1];
	int n = 0;
	assert_int_equal(ai_vectors_search(h, "m1", q, DIM - 1, 1, one, &n, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "asurif ai embed"));
	/* another model: nothing stored, nothing found */
	assert_int_equal(ai_vectors_search(h, "m2", q, DIM, 1, one, &n, &e), 0);
	assert_int_equal(n, 0);
	free(all);
	free(dq);
	free(v);
	free(ids);
	hub_close(h);
	tmpdir_remove(dir);
}

static void test_rrf(void **state)
{
	(void)state;
	struct ai_fused f[16];
	/* 1: 1/61; 2: 1/62 + 1/63; 3: 1/63 + 1/61; 4: 1/62 */
	long long a[] = {1, 2, 3}, b[] = {3, 4, 2};
	size_t n = ai_rrf(a, 3, b, 3, f);
	assert_int_equal(n, 4);
	long long want[] = {3, 2, 1, 4};
	for (size_t i = 0; i < n; i++)
		assert_int_equal(f[i].passage_id, want[i]);
	assert_int_equal(f[0].rank_a, 3);
	assert_int_equal(f[0].rank_b, 1);
	assert_int_equal(f[3].rank_a, 0);
	assert_int_equal(f[3].rank_b, 2);
	assert_true(fabs(f[0].score - (1.0 / 63 + 1.0 / 61)) < 1e-12);
	/* equal scores: the passage of list a first; an id repeated in a list counts once */
	long long c[] = {6, 6}, d[] = {5};
	n = ai_rrf(c, 2, d, 1, f);
	assert_int_equal(n, 2);
	assert_int_equal(f[0].passage_id, 6);
	assert_int_equal(f[1].passage_id, 5);
	assert_int_equal(f[0].rank_a, 1);
	/* one list empty: the other's order */
	long long e1[] = {9, 8, 7};
	n = ai_rrf(NULL, 0, e1, 3, f);
	assert_int_equal(n, 3);
	assert_int_equal(f[0].passage_id, 9);
	assert_int_equal(f[2].passage_id, 7);
	/* a passage high in both beats one first in only one list */
	long long g[] = {1, 2, 3, 4}, hh[] = {9, 2, 8, 7};
	n = ai_rrf(g, 4, hh, 4, f);
	assert_int_equal(f[0].passage_id, 2);
}

static void test_invalidation(void **state)
{
	(void)state;
	enum { N = 200, DIM = 64 };
	char *dir;
	struct hub *h = workspace(&dir, N);
	struct hub *other = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(hub_open(dir, &other, &e), 0);
	float *v = xmalloc((size_t)N * DIM * sizeof(float));
	long long ids[N];
	for (int i = 0; i < N; i++) {
		random_vector(v + (size_t)i * DIM, DIM);
		ids[i] = i + 1;
	}
	/* passages 1..N-1 have vectors; the query is passage N's vector */
	assert_int_equal(ai_vectors_put_many(h, "m", ids, v, N - 1, DIM, &e), 0);
	const float *q = v + (size_t)(N - 1) * DIM;
	struct ai_vec_hit hit[3];
	int n = 0;
	size_t rows = 0;
	assert_int_equal(ai_vectors_preload(other, "m", &rows, &e), 0);
	assert_int_equal(rows, N - 1);
	assert_int_equal(ai_vectors_search(h, "m", q, DIM, 3, hit, &n, &e), 0);
	assert_int_not_equal(hit[0].passage_id, N);
	/* added on this connection: found at once, here and by the other connection */
	assert_int_equal(ai_vector_put(h, N, "m", q, DIM, &e), 0);
	assert_int_equal(ai_vectors_search(h, "m", q, DIM, 3, hit, &n, &e), 0);
	assert_int_equal(hit[0].passage_id, N);
	assert_true(hit[0].score > 0.99);
	assert_int_equal(ai_vectors_search(other, "m", q, DIM, 3, hit, &n, &e), 0);
	assert_int_equal(hit[0].passage_id, N);
	/* replaced from the other connection by a vector pointing away */
	float away[DIM];
	for (int j = 0; j < DIM; j++)
		away[j] = -q[j];
	assert_int_equal(ai_vector_put(other, N, "m", away, DIM, &e), 0);
	assert_int_equal(ai_vectors_search(h, "m", q, DIM, 3, hit, &n, &e), 0);
	assert_int_not_equal(hit[0].passage_id, N);
	assert_int_equal(ai_vectors_search(h, "m", away, DIM, 1, hit, &n, &e), 0);
	assert_int_equal(hit[0].passage_id, N);
	/* removed with its document (ON DELETE CASCADE; the passages were never in the word index,
	 * so the row is deleted as hub_rm finally does): the index follows */
	assert_int_equal(db_exec(other->db, "DELETE FROM documents WHERE id = 1", &e), 0);
	assert_int_equal(ai_vectors_search(h, "m", away, DIM, 1, hit, &n, &e), 0);
	assert_int_equal(n, 0);
	struct ai_vector_counts vc;
	assert_int_equal(ai_vector_counts(h, "m", &vc, &e), 0);
	assert_int_equal(vc.embedded, 0);
	free(v);
	hub_close(other);
	hub_close(h);
	tmpdir_remove(dir);
}

/* Without an embedding model, retrieval is the word search alone, and says so. */
static void test_retrieve_words_only(void **state)
{
	(void)state;
	char *dir = tmpdir_make("asurif-retrieve");
	assert_non_null(dir);
	struct err e = ERR_INIT;
	assert_int_equal(hub_init(dir, &e), 0);
	char *docpath = xasprintf("%s/doc.md", dir);
	FILE *f = fopen(docpath, "w");
	assert_non_null(f);
	fputs("# Marchés publics\n\nLes coopératives accèdent aux marchés publics de la région.\n\n"
	      "# Budget\n\nLe budget de la commune est voté en octobre.\n",
	      f);
	fclose(f);
	struct hub *h = NULL;
	assert_int_equal(hub_open(dir, &h, &e), 0);
	struct ingest_opts o;
	memset(&o, 0, sizeof(o));
	char *paths[] = {docpath};
	assert_int_equal(hub_add_paths(h, paths, 1, &o, &e), 0);
	struct ai_config c;
	memset(&c, 0, sizeof(c));
	struct ai_hits hits;
	assert_int_equal(ai_retrieve(h, &c, "budget commune", 5, 0, &hits, &e), 0);
	assert_int_equal(hits.vector_used, 0);
	assert_int_equal(hits.vector_failure, AI_FAIL_NOT_SET_UP);
	assert_true(hits.vector_note[0] != '\0');
	assert_true(hits.n >= 1);
	assert_non_null(strstr(hits.v[0].text, "octobre"));
	assert_int_equal(hits.v[0].bm25_rank, 1);
	assert_int_equal(hits.v[0].vector_rank, 0);
	assert_true(fabs(hits.v[0].score - 1.0 / 61) < 1e-12);
	ai_hits_release(&hits);
	/* a model service that is not there: still the word search, with the reason */
	snprintf(c.base_url, sizeof(c.base_url), "http://127.0.0.1:9/v1");
	snprintf(c.embed_model, sizeof(c.embed_model), "nothing");
	c.connect_timeout_ms = 2000;
	c.total_timeout_ms = 5000;
	c.max_reply = 1 << 20;
	assert_int_equal(ai_retrieve(h, &c, "budget commune", 5, 0, &hits, &e), 0);
	assert_int_equal(hits.vector_used, 0);
	assert_int_equal(hits.vector_failure, AI_FAIL_UNREACHABLE);
	assert_true(hits.n >= 1);
	ai_hits_release(&hits);
	/* nothing to look for */
	assert_int_equal(ai_retrieve(h, &c, "les de la", 5, 0, &hits, &e), ERR_USAGE);
	free(docpath);
	hub_close(h);
	tmpdir_remove(dir);
}

/* The test model service on a free port (its port is the first line it prints). */
static pid_t start_server(int *port)
{
	const char *src = getenv("SRCDIR");
	char *script = xasprintf("%s/tests/ai/server.mjs", src && *src ? src : ".");
	int fd[2];
	if (pipe(fd))
		abort();
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("node", "node", script, "--dim", "48", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char line[32] = "";
	size_t n = 0;
	while (n < sizeof(line) - 1 && read(fd[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	close(fd[0]);
	free(script);
	*port = atoi(line);
	return pid;
}

static pid_t server_pid;

/* Stops the test model service when a test leaves it running (an assertion failed). */
static int stop_server(void **state)
{
	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
		server_pid = 0;
	}
	return 0;
}

static void test_retrieve_fused(void **state)
{
	(void)state;
	int port = 0;
	pid_t pid = server_pid = start_server(&port);
	assert_true(port > 0);
	char *dir = tmpdir_make("asurif-fused");
	assert_non_null(dir);
	struct err e = ERR_INIT;
	assert_int_equal(hub_init(dir, &e), 0);
	char *docpath = xasprintf("%s/doc.md", dir);
	FILE *f = fopen(docpath, "w");
	assert_non_null(f);
	fputs("# Marchés publics\n\nLes coopératives accèdent aux marchés publics de la région.\n\n"
	      "# Budget\n\nLe budget de la commune est voté en octobre.\n\n"
	      "# Conseil\n\nLe conseil de la commune se réunit en session ordinaire.\n",
	      f);
	fclose(f);
	struct hub *h = NULL;
	assert_int_equal(hub_open(dir, &h, &e), 0);
	struct ingest_opts o;
	memset(&o, 0, sizeof(o));
	char *paths[] = {docpath};
	assert_int_equal(hub_add_paths(h, paths, 1, &o, &e), 0);
	struct ai_config c;
	ai_config_defaults(&c);
	snprintf(c.base_url, sizeof(c.base_url), "http://127.0.0.1:%d/v1", port);
	snprintf(c.embed_model, sizeof(c.embed_model), "embed");
	c.connect_timeout_ms = 2000;
	c.total_timeout_ms = 10000;

	/* before any vector: words alone, and the reason */
	struct ai_hits hits;
	assert_int_equal(ai_retrieve(h, &c, "budget commune", 5, 0, &hits, &e), 0);
	assert_int_equal(hits.vector_used, 0);
	assert_int_equal(hits.vector_failure, AI_FAIL_NONE);
	assert_non_null(strstr(hits.vector_note, "asurif ai embed"));
	ai_hits_release(&hits);

	struct ai_embed_report rep;
	assert_int_equal(ai_embed_backlog(h, &c, NULL, 0, NULL, NULL, &rep, &e), 0);
	struct ai_vector_counts vc;
	assert_int_equal(ai_vector_counts(h, "embed", &vc, &e), 0);
	assert_true(vc.passages >= 3);
	assert_int_equal(rep.embedded, vc.passages);
	assert_int_equal(vc.embedded, vc.passages);
	assert_int_equal(vc.dim, 48);
	assert_int_equal(rep.requests, 1);

	/* a passage's own text finds it first, nearly identical */
	struct ai_vec_hit vh[3];
	int n = 0;
	assert_int_equal(ai_vector_search(h, &c, "Budget\nLe budget de la commune est voté en octobre.", 3, vh, &n, &e),
			 0);
	assert_int_equal(n, 3);
	assert_true(vh[0].score > 0.95);

	assert_int_equal(ai_retrieve(h, &c, "budget commune", 5, 0, &hits, &e), 0);
	assert_int_equal(hits.vector_used, 1);
	assert_true(hits.n >= 2);
	assert_non_null(strstr(hits.v[0].text, "octobre"));
	assert_int_equal(hits.v[0].passage_id, vh[0].passage_id);
	assert_int_equal(hits.v[0].bm25_rank, 1);
	assert_int_equal(hits.v[0].vector_rank, 1);
	assert_true(fabs(hits.v[0].score - 2.0 / 61) < 1e-12);
	struct ai_vec_hit best;
	assert_int_equal(ai_vector_search(h, &c, "budget commune", 1, &best, &n, &e), 0);
	assert_int_equal(best.passage_id, hits.v[0].passage_id);
	assert_true(best.score > 0.3 && fabs(hits.v[0].vector_score - best.score) < 1e-6);
	for (size_t i = 1; i < hits.n; i++)
		assert_true(hits.v[i].score <= hits.v[i - 1].score);
	long long second = hits.v[1].passage_id;
	ai_hits_release(&hits);

	/* only words the word search leaves out: the vectors still find passages */
	assert_int_equal(ai_retrieve(h, &c, "de la", 5, 0, &hits, &e), 0);
	assert_int_equal(hits.vector_used, 1);
	assert_true(hits.n >= 1);
	assert_int_equal(hits.v[0].bm25_rank, 0);
	assert_true(hits.v[0].vector_rank >= 1);
	ai_hits_release(&hits);

	/* a campaign's pinned passage comes first */
	assert_int_equal(db_exec(h->db, "INSERT INTO campaigns(id, title) VALUES (7, 'Budget')", &e), 0);
	char *sql = xasprintf("INSERT INTO evidence(campaign_id, passage_id, doc_title, doc_kind, doc_hash, seq, text) "
			      "VALUES (7, %lld, 't', 'other', 'h', 1, 'x')",
			      second);
	assert_int_equal(db_exec(h->db, sql, &e), 0);
	free(sql);
	assert_int_equal(ai_retrieve(h, &c, "budget commune", 5, 7, &hits, &e), 0);
	assert_int_equal(hits.v[0].passage_id, second);
	assert_int_equal(hits.v[0].pinned, 1);
	assert_int_equal(hits.v[1].pinned, 0);
	ai_hits_release(&hits);

	/* the service stops: words alone again, with the service's failure */
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	server_pid = 0;
	assert_int_equal(ai_retrieve(h, &c, "budget commune", 5, 0, &hits, &e), 0);
	assert_int_equal(hits.vector_used, 0);
	assert_int_equal(hits.vector_failure, AI_FAIL_UNREACHABLE);
	assert_non_null(strstr(hits.v[0].text, "octobre"));
	ai_hits_release(&hits);
	free(docpath);
	hub_close(h);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quantise),
	    cmocka_unit_test(test_search_exact),
	    cmocka_unit_test(test_rrf),
	    cmocka_unit_test(test_invalidation),
	    cmocka_unit_test(test_retrieve_words_only),
	    cmocka_unit_test(test_retrieve_fused),
	};
	return cmocka_run_group_tests(tests, NULL, stop_server);
}
