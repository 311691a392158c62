/*
 * Small helpers shared by the benchmark programs (each bench/NAME.c is its own
 * program, so everything here is static inline): a monotonic clock, latency
 * percentiles, reading a file of lines, and a deterministic random generator.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/alloc.h"

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The p-th percentile (0..100) of n sorted values, nearest-rank. */
static inline double bench_percentile(const double *sorted, size_t n, double p)
{
	if (!n)
		return 0;
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

/* Latency summary (values in seconds; the JSON says milliseconds). Sorts v. */
static inline json_t *bench_latency_json(double *v, size_t n)
{
	double sum = 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "n", (json_int_t)n, "p50_ms",
	                 1e3 * bench_percentile(v, n, 50), "p90_ms", 1e3 * bench_percentile(v, n, 90), "p99_ms",
	                 1e3 * bench_percentile(v, n, 99), "mean_ms", n ? 1e3 * sum / (double)n : 0.0, "max_ms",
	                 n ? 1e3 * v[n - 1] : 0.0);
}

struct bench_lines {
	char **v;
	size_t n, alloc;
};

/* Reads every line of path ("-" for stdin), without its end of line. Exits on error. */
static inline void bench_read_lines(const char *path, struct bench_lines *out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	memset(out, 0, sizeof(*out));
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		exit(2);
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = xstrndup(line, (size_t)n);
	}
	free(line);
	if (f != stdin)
		fclose(f);
}

static inline void bench_lines_release(struct bench_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* splitmix64: a fixed seed gives the same sequence on every machine. */
static inline uint64_t bench_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static inline size_t bench_rand_below(uint64_t *state, size_t n)
{
	return n ? (size_t)(bench_rand(state) % n) : 0;
}

/* Prints a JSON value as one compact line on stdout and frees it. */
static inline void bench_print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s)
		puts(s);
	free(s);
	json_decref(o);
}
#endif
