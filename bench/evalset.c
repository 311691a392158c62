/*
 * Retrieval test collections (shared/eval/NAME: docs.tsv, queries.tsv, qrels.txt).
 *
 *   evalset jsonl DOCS.tsv LANG > docs.jsonl
 *       doc_id<TAB>text lines as an Asurif collection (id = title = doc_id).
 *   evalset queries QUERIES.tsv > queries.txt
 *       The query texts, one a line, as they are (for `search --batch`).
 *   evalset score QRELS QUERIES.tsv RESULTS.jsonl [LABEL]
 *       RESULTS.jsonl has one line per query, in the order of QUERIES.tsv, as
 *       `asurif search --batch --json` prints them. Results are turned into a
 *       ranked list of documents (a document's first passage counts, later ones
 *       are dropped) and scored: MRR@10, nDCG@10 (graded gains from the qrels,
 *       log2 discount), Hit@1, Hit@10, Recall@100. Prints one JSON line, then
 *       one line for people on stderr.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/alloc.h"
#include "bench.h"
#include "base/banned.h"

static int to_jsonl(const char *path, const char *lang)
{
	struct bench_lines l;
	bench_read_lines(path, &l);
	int bad = 0;
	for (size_t i = 0; i < l.n; i++) {
		char *tab = strchr(l.v[i], '\t');
		if (!tab) {
			if (*l.v[i])
				fprintf(stderr, "evalset: %s:%zu: no tab\n", path, i + 1), bad++;
			continue;
		}
		*tab = '\0';
		json_t *o =
		    json_pack("{s:s, s:s, s:s, s:s}", "id", l.v[i], "title", l.v[i], "text", tab + 1, "lang", lang);
		if (!o) {
			fprintf(stderr, "evalset: %s:%zu: not UTF-8 text\n", path, i + 1);
			bad++;
			continue;
		}
		bench_print_json(o);
	}
	bench_lines_release(&l);
	return bad ? 1 : 0;
}

static int queries(const char *path)
{
	struct bench_lines l;
	bench_read_lines(path, &l);
	for (size_t i = 0; i < l.n; i++) {
		char *tab = strchr(l.v[i], '\t');
		if (tab)
			puts(tab + 1);
	}
	bench_lines_release(&l);
	return 0;
}

/* ---- scoring ---- */

struct judgement {
	char *qid, *doc;
	int rel;
};

struct qrels {
	struct judgement *v;
	size_t n, alloc;
};

static int cmp_judgement(const void *a, const void *b)
{
	const struct judgement *x = a, *y = b;
	int c = strcmp(x->qid, y->qid);
	return c ? c : strcmp(x->doc, y->doc);
}

static void read_qrels(const char *path, struct qrels *q)
{
	struct bench_lines l;
	bench_read_lines(path, &l);
	memset(q, 0, sizeof(*q));
	for (size_t i = 0; i < l.n; i++) {
		char qid[256], iter[64], doc[256];
		int rel;
		if (sscanf(l.v[i], "%255s %63s %255s %d", qid, iter, doc, &rel) != 4)
			continue;
		q->v = xgrow(q->v, &q->alloc, q->n + 1, sizeof(*q->v));
		q->v[q->n++] = (struct judgement){xstrdup(qid), xstrdup(doc), rel};
	}
	bench_lines_release(&l);
	qsort(q->v, q->n, sizeof(*q->v), cmp_judgement);
}

/* The judgements of one query: [*first, *first + return). */
static size_t judged(const struct qrels *q, const char *qid, size_t *first)
{
	size_t lo = 0, hi = q->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(q->v[mid].qid, qid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	size_t n = 0;
	while (lo + n < q->n && !strcmp(q->v[lo + n].qid, qid))
		n++;
	return n;
}

static int rel_of(const struct qrels *q, size_t first, size_t n, const char *doc)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(q->v[first + i].doc, doc))
			return q->v[first + i].rel;
	return 0;
}

static int cmp_int_desc(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

static int score(const char *qrels_path, const char *queries_path, const char *results_path, const char *label)
{
	struct qrels q;
	struct bench_lines ql, rl;
	read_qrels(qrels_path, &q);
	bench_read_lines(queries_path, &ql);
	bench_read_lines(results_path, &rl);

	double mrr = 0, ndcg = 0, hit1 = 0, hit10 = 0, recall = 0;
	long scored = 0, unjudged = 0, errors = 0, empty = 0, missing = 0;
	const char **docs = NULL;
	size_t docs_alloc = 0;
	int *gains = NULL;
	size_t gains_alloc = 0;
	size_t qi = 0;
	for (size_t i = 0; i < ql.n; i++) {
		char *tab = strchr(ql.v[i], '\t');
		if (!tab)
			continue;
		*tab = '\0';
		const char *qid = ql.v[i];
		json_t *res = qi < rl.n ? json_loads(rl.v[qi], 0, NULL) : NULL;
		qi++;
		size_t first, nj = judged(&q, qid, &first);
		size_t nrel = 0;
		for (size_t j = 0; j < nj; j++)
			nrel += q.v[first + j].rel > 0;
		if (!nrel) {
			unjudged++;
			json_decref(res);
			continue;
		}
		scored++;
		if (!res) {
			missing++;
			continue;
		}
		if (json_object_get(res, "error"))
			errors++;
		/* The ranked documents, each once, at its best passage. */
		json_t *arr = json_object_get(res, "results");
		size_t nd = 0;
		for (size_t k = 0; k < json_array_size(arr); k++) {
			const char *d = json_string_value(json_object_get(json_array_get(arr, k), "ext_id"));
			if (!d)
				continue;
			int seen = 0;
			for (size_t m = 0; m < nd && !seen; m++)
				seen = !strcmp(docs[m], d);
			if (seen)
				continue;
			docs = xgrow(docs, &docs_alloc, nd + 1, sizeof(*docs));
			docs[nd++] = d;
		}
		if (!nd)
			empty++;
		double dcg = 0, rr = 0;
		size_t found = 0;
		for (size_t k = 0; k < nd && k < 100; k++) {
			int rel = rel_of(&q, first, nj, docs[k]);
			if (rel <= 0)
				continue;
			found++;
			if (k < 10) {
				if (!rr)
					rr = 1.0 / (double)(k + 1);
				dcg += rel / log2((double)k + 2);
			}
			if (k == 0)
				hit1++;
		}
		gains = xgrow(gains, &gains_alloc, nj, sizeof(*gains));
		for (size_t j = 0; j < nj; j++)
			gains[j] = q.v[first + j].rel;
		qsort(gains, nj, sizeof(*gains), cmp_int_desc);
		double idcg = 0;
		for (size_t j = 0; j < nj && j < 10; j++)
			if (gains[j] > 0)
				idcg += gains[j] / log2((double)j + 2);
		mrr += rr;
		hit10 += rr > 0;
		ndcg += idcg > 0 ? dcg / idcg : 0;
		recall += (double)found / (double)nrel;
		json_decref(res);
	}
	if (qi != rl.n)
		fprintf(stderr, "evalset: %s has %zu lines for %zu queries\n", results_path, rl.n, qi);
	double n = scored ? (double)scored : 1;
	json_t *o = json_pack("{s:s, s:i, s:f, s:f, s:f, s:f, s:f, s:i, s:i, s:i, s:i}", "label", label, "queries",
	                      (int)scored, "mrr10", mrr / n, "ndcg10", ndcg / n, "hit1", hit1 / n, "hit10", hit10 / n,
	                      "recall100", recall / n, "no_results", (int)empty, "errors", (int)errors, "unjudged",
	                      (int)unjudged, "missing", (int)missing);
	bench_print_json(o);
	fprintf(stderr,
	        "%-34s queries %4ld  MRR@10 %.3f  nDCG@10 %.3f  Hit@1 %.3f  Hit@10 %.3f  R@100 %.3f  (%ld empty, %ld "
	        "errors)\n",
	        label, scored, mrr / n, ndcg / n, hit1 / n, hit10 / n, recall / n, empty, errors);
	free(docs);
	free(gains);
	for (size_t i = 0; i < q.n; i++) {
		free(q.v[i].qid);
		free(q.v[i].doc);
	}
	free(q.v);
	bench_lines_release(&ql);
	bench_lines_release(&rl);
	return missing ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "jsonl"))
		return to_jsonl(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "queries"))
		return queries(argv[2]);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "score"))
		return score(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : argv[4]);
	fprintf(stderr, "usage: evalset jsonl DOCS.tsv LANG > docs.jsonl\n"
	                "       evalset queries QUERIES.tsv > queries.txt\n"
	                "       evalset score QRELS QUERIES.tsv RESULTS.jsonl [LABEL]\n");
	return 2;
}
