/*
 * Retrieval for the assistant: the hub's BM25 search always, and, when an embedding model
 * is set up and answers, vector search over the passages' embeddings, the two lists fused
 * by reciprocal rank (score = sum of 1 / (60 + rank) over the lists a passage is in).
 * A model service that is not set up, down or failing never makes retrieval fail: the
 * result is then BM25 alone, with vector_used = 0 and vector_note saying why.
 */
#ifndef AI_RETRIEVE_H
#define AI_RETRIEVE_H
#include <stddef.h>

#include "ai/ai.h"
#include "base/err.h"

struct hub;

#define AI_RRF_K 60

struct ai_hit {
	long long passage_id, doc_id;
	char *title;   /* the document's title */
	char *kind;    /* the document's kind (hub_kinds) */
	char *lang;    /* the document's language: ar, fr or en */
	char *article; /* the passage's article label, or NULL */
	char *heading; /* the passage's heading, or NULL */
	char *text;    /* the whole passage text */
	char *snippet; /* BM25's snippet (HL_OPEN/HL_CLOSE around matched words) when BM25 found
			  it, else the start of the text (about 300 bytes, no markers) */
	int page;
	int bm25_rank;   /* 1-based rank in the BM25 list, 0 when not in it */
	int vector_rank; /* 1-based rank in the vector list, 0 when not in it */
	int pinned;      /* 1 when pinned as evidence of the campaign asked about */
	float vector_score; /* cosine similarity to the query when vector_rank > 0, else 0 */
	double score;    /* the fused score, higher is better (pinned passages first) */
};

struct ai_hits {
	struct ai_hit *v;
	size_t n, alloc;
	int vector_used;      /* 1 when the vector list took part in the fusion */
	char vector_note[256]; /* when vector_used = 0: why (no model set up, service down: its message) */
	enum ai_failure vector_failure; /* when vector_used = 0: AI_FAIL_NOT_SET_UP, AI_FAIL_UNREACHABLE...;
					   AI_FAIL_NONE when the model answered but no passage has a vector yet */
};

/*
 * The best k passages for query (k from 1 to 200). campaign_id > 0: the passages pinned as
 * that campaign's evidence that either list found come first, in fused order, followed by
 * the rest. Errors only for a database error, or for a query BM25 refuses (ERR_USAGE: nothing
 * to look for) when the vector list found nothing either; a failing model service only clears
 * vector_used. The query's embedding is asked for once, without retries and within 15 s, so a
 * service that is down costs one refused connection.
 */
int ai_retrieve(struct hub *h, const struct ai_config *c, const char *query, int k, long long campaign_id,
		struct ai_hits *out, struct err *e);
void ai_hits_release(struct ai_hits *h);

/* One passage of a fused list: its rank in each list (1-based, 0 when absent) and its score. */
struct ai_fused {
	long long passage_id;
	int rank_a, rank_b;
	double score;
};
/*
 * Reciprocal rank fusion of two ranked lists of passage ids (a: BM25, b: vectors; an id
 * repeated in one list counts at its first place) into out (room for na + nb), best first:
 * by score, then by the better of the two ranks, then the passage found by list a. Returns
 * how many passages out holds.
 */
size_t ai_rrf(const long long *a, size_t na, const long long *b, size_t nb, struct ai_fused *out);
#endif
