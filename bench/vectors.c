/*
 * Vector search speed and memory: N passages with DIM-value embeddings stored in a real
 * workspace, then queried through the in-memory index, against a float32 copy of the same
 * vectors searched with a plain loop in the same run.
 *
 *   vectors make DIR [N] [DIM]     a new workspace with N passages and their vectors
 *   vectors search DIR [QUERIES]   loads the index, runs the queries, prints one JSON line
 *
 * Vector i is drawn from a generator seeded with i, so the search step rebuilds the float
 * copy without reading it back; query q is a stored vector plus noise.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/vectors.h"
#include "bench.h"
#include "hub/hub.h"
#include "store/db.h"
#include "base/banned.h"

#define MODEL "bench-random"

/* A normally distributed value (Box-Muller) from the generator. */
static double gauss(uint64_t *s)
{
	double u = ((double)(bench_rand(s) >> 11) + 0.5) / 9007199254740992.0;
	double v = ((double)(bench_rand(s) >> 11) + 0.5) / 9007199254740992.0;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static void vector_of(long long i, size_t dim, float *out)
{
	uint64_t s = 0x5eed0000ull + (uint64_t)i * 7919;
	for (size_t j = 0; j < dim; j++)
		out[j] = (float)gauss(&s);
}

static long status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

static void die(const struct err *e)
{
	fprintf(stderr, "vectors: %s\n", e->msg);
	exit(1);
}

static int do_make(const char *dir, long long n, size_t dim)
{
	struct err e = ERR_INIT;
	struct hub *h = NULL;
	if (hub_init(dir, &e) || hub_open(dir, &h, &e))
		die(&e);
	if (db_exec(h->db,
		    "INSERT INTO documents(id, hash, source, format, title, kind, lang) VALUES "
		    "(1, 'bench', 'bench', 'text', 'bench', 'other', 'fr')",
		    &e))
		die(&e);
	sqlite3_stmt *st = db_prepare(h->db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?) "
					     "INSERT INTO passages(id, doc_id, seq, text) SELECT i, 1, i, 'passage ' || i FROM c");
	sqlite3_bind_int64(st, 1, n);
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "vectors: %s\n", sqlite3_errmsg(h->db));
		return 1;
	}
	sqlite3_finalize(st);
	const size_t batch = 2000;
	float *v = xmalloc(batch * dim * sizeof(float));
	long long *ids = xmalloc(batch * sizeof(*ids));
	double t0 = bench_now();
	for (long long from = 1; from <= n; from += (long long)batch) {
		size_t m = 0;
		for (long long i = from; i <= n && m < batch; i++, m++) {
			ids[m] = i;
			vector_of(i, dim, v + m * dim);
		}
		if (ai_vectors_put_many(h, MODEL, ids, v, m, dim, &e))
			die(&e);
	}
	fprintf(stderr, "vectors: %lld vectors of %zu values stored in %.1f s\n", n, dim, bench_now() - t0);
	free(v);
	free(ids);
	hub_close(h);
	return 0;
}

struct fhit {
	float s;
	long long id;
};

static int cmp_fhit(const void *a, const void *b)
{
	const struct fhit *x = a, *y = b;
	return x->s < y->s ? 1 : x->s > y->s ? -1 : 0;
}

static int do_search(const char *dir, int nq)
{
	struct err e = ERR_INIT;
	struct hub *h = NULL;
	/* the peak from here on: reset the high-water mark (Linux 4.0 and later) */
	FILE *cr = fopen("/proc/self/clear_refs", "w");
	if (cr) {
		fputs("5", cr);
		fclose(cr);
	}
	long rss0 = status_kb("VmRSS");
	double load1 = -1; /* other work on the machine during the run */
	FILE *la = fopen("/proc/loadavg", "r");
	if (la) {
		if (fscanf(la, "%lf", &load1) != 1)
			load1 = -1;
		fclose(la);
	}
	if (hub_open(dir, &h, &e))
		die(&e);
	double t0 = bench_now();
	size_t rows = 0;
	if (ai_vectors_preload(h, MODEL, &rows, &e))
		die(&e);
	double load_s = bench_now() - t0;
	struct ai_vector_counts vc;
	ai_vector_counts(h, MODEL, &vc, &e);
	size_t dim = (size_t)vc.dim;
	const int k = 10;
	uint64_t rs = 20250601;
	float *q = xmalloc((size_t)nq * dim * sizeof(float));
	long long *target = xmalloc((size_t)nq * sizeof(*target));
	for (int i = 0; i < nq; i++) {
		target[i] = 1 + (long long)bench_rand_below(&rs, rows);
		vector_of(target[i], dim, q + (size_t)i * dim);
		for (size_t j = 0; j < dim; j++)
			q[(size_t)i * dim + j] += (float)(0.8 * gauss(&rs));
	}
	double *lat = xmalloc((size_t)nq * sizeof(double));
	struct ai_vec_hit *hits = xmalloc((size_t)nq * k * sizeof(*hits));
	int found_target = 0;
	for (int i = 0; i < nq; i++) {
		int n = 0;
		double t = bench_now();
		if (ai_vectors_search(h, MODEL, q + (size_t)i * dim, dim, k, hits + (size_t)i * k, &n, &e))
			die(&e);
		lat[i] = bench_now() - t;
		found_target += n > 0 && hits[(size_t)i * k].passage_id == target[i];
	}
	long rss1 = status_kb("VmRSS"), hwm = status_kb("VmHWM");

	/* baseline: float32 rows, plain loop, exact top 10 */
	float *fv = xmalloc(rows * dim * sizeof(float));
	for (size_t r = 0; r < rows; r++) {
		vector_of((long long)r + 1, dim, fv + r * dim);
		double ss = 0;
		for (size_t j = 0; j < dim; j++)
			ss += (double)fv[r * dim + j] * fv[r * dim + j];
		for (size_t j = 0; j < dim; j++)
			fv[r * dim + j] = (float)(fv[r * dim + j] / sqrt(ss));
	}
	long rss_base = status_kb("VmRSS");
	int nb = nq;
	double *blat = xmalloc((size_t)nb * sizeof(double));
	struct fhit *all = xmalloc(rows * sizeof(*all));
	int agree = 0;
	for (int i = 0; i < nb; i++) {
		const float *qq = q + (size_t)i * dim;
		double t = bench_now();
		for (size_t r = 0; r < rows; r++) {
			float s = 0;
			for (size_t j = 0; j < dim; j++)
				s += qq[j] * fv[r * dim + j];
			all[r] = (struct fhit){s, (long long)r + 1};
		}
		qsort(all, rows, sizeof(*all), cmp_fhit);
		blat[i] = bench_now() - t;
		for (int a = 0; a < k; a++)
			for (int b = 0; b < k; b++)
				agree += all[a].id == hits[(size_t)i * k + b].passage_id;
	}
	json_t *o = json_pack("{s:I, s:I, s:i, s:f, s:o, s:o, s:f, s:f, s:f, s:f, s:f}", "rows", (json_int_t)rows, "dim",
			      (json_int_t)dim, "queries", nq, "load_s", load_s, "search", bench_latency_json(lat, (size_t)nq),
			      "baseline_float32", bench_latency_json(blat, (size_t)nb), "peak_added_mb",
			      (double)(hwm - rss0) / 1024, "rss_added_mb", (double)(rss1 - rss0) / 1024,
			      "baseline_float32_mb", (double)(rss_base - rss1) / 1024, "recall_at_10",
			      (double)agree / (double)(nb * k), "top1_is_source", (double)found_target / nq);
	json_object_set_new(o, "loadavg_1min", json_real(load1));
	bench_print_json(o);
	free(all);
	free(fv);
	free(blat);
	free(lat);
	free(hits);
	free(q);
	free(target);
	hub_close(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "make"))
		return do_make(argv[2], argc > 3 ? atoll(argv[3]) : 100000, argc > 4 ? (size_t)atoll(argv[4]) : 1024);
	if (argc >= 3 && !strcmp(argv[1], "search"))
		return do_search(argv[2], argc > 3 ? atoi(argv[3]) : 200);
	fprintf(stderr, "usage: vectors make DIR [N] [DIM] | vectors search DIR [QUERIES]\n");
	return 2;
}
