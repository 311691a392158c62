/*
 * Passage embeddings: stored quantised in passage_vectors (data/schema/008-ai.sql), kept
 * current in batches, and searched in memory.
 *
 * A vector is L2-normalised, then stored as signed bytes with one scale per vector
 * (value = q * scale, scale = max |x| / 127). One model at a time: the vectors of a model
 * other than the configured one are dropped when embedding starts with the new model
 * (they cannot be compared with the new model's queries anyway).
 *
 * The index: every vector of a model, loaded once into one contiguous array of signed
 * bytes (rows padded to a multiple of 64), shared by every connection of the process to
 * the same database, and reloaded when the vectors change (a generation counter in meta
 * "ai.vectors_gen", bumped by every write here, and the number of vectors, which catches
 * passages removed with their document). A search scans all rows with the query quantised
 * the same way (integer dot products the compiler vectorises, split over two threads for
 * large indexes), keeps the best candidates in a small heap, and scores those again with
 * the query in floating point.
 */
#ifndef AI_VECTORS_H
#define AI_VECTORS_H
#include <stddef.h>
#include <stdint.h>

#include "ai/ai.h"
#include "base/err.h"

struct hub;

/* Text sent for one passage: its heading, a line break and its text, at most this many bytes. */
#define AI_EMBED_MAX_TEXT 4096
/* One request holds at most this many passages, and at most this many bytes of text. */
#define AI_EMBED_BATCH 64
#define AI_EMBED_BATCH_BYTES 32768

/*
 * Normalises v (dim values) and quantises it into q (dim bytes). Returns the scale
 * (0 for a zero or non-finite vector: q is then all zeros).
 */
float ai_vec_quantise(const float *v, size_t dim, int8_t *q);

/* Stores (or replaces) the vector of one passage for model; bumps the generation. */
int ai_vector_put(struct hub *h, long long passage_id, const char *model, const float *v, size_t dim, struct err *e);
/* Stores n vectors (n * dim values, in the order of ids) in one transaction. */
int ai_vectors_put_many(struct hub *h, const char *model, const long long *ids, const float *v, size_t n, size_t dim,
			struct err *e);
/* Removes a passage's vector for model (NULL: for every model). */
int ai_vector_delete(struct hub *h, long long passage_id, const char *model, struct err *e);

/* What is stored: passages in the hub, those with a vector of model, the vectors of other models. */
struct ai_vector_counts {
	long long passages, embedded, other_models;
	long long dim; /* the model's vector size, 0 when none stored */
};
int ai_vector_counts(struct hub *h, const char *model, struct ai_vector_counts *out, struct err *e);

struct ai_embed_report {
	long long total;    /* passages without a vector when the run started */
	long long embedded; /* vectors stored by this run */
	long long dropped;  /* vectors of other models removed */
	int requests;
};

typedef void (*ai_progress_fn)(void *ctx, unsigned long long done, unsigned long long total, const char *current);

/*
 * Embeds the passages that have no vector for the configured model (only those of the
 * documents doc_ids[0..ndocs) when ndocs > 0), AI_EMBED_BATCH at a time, committing after
 * each request: a run that is stopped keeps whole batches, and the next run takes up the
 * rest. The vectors of other models are dropped first. ERR_USAGE when no embedding model
 * is set up; the service's errors as ai_embed (vectors of earlier batches stay).
 */
int ai_embed_backlog(struct hub *h, const struct ai_config *c, const long long *doc_ids, size_t ndocs,
		     ai_progress_fn progress, void *ctx, struct ai_embed_report *rep, struct err *e);

/* The largest document id now: documents added after this call have larger ids. */
long long ai_docs_mark(struct hub *h);
/*
 * After documents were added: when the workspace has an embedding model set up, embeds the
 * passages of the documents whose id is above mark (ai_embed_backlog), trying the service
 * once (no retries, 3 s to connect), so that a service that is down costs one refused
 * connection; what fails stays in the backlog. *configured = 0 (and nothing done) without an
 * embedding model. Errors as ai_embed_backlog, and ai_config_load's.
 */
int ai_embed_added(struct hub *h, long long mark, int *configured, struct ai_embed_report *rep, struct err *e);

struct ai_vec_hit {
	long long passage_id;
	float score; /* cosine similarity */
};

/*
 * The k passages (k <= 1000) whose vectors of model are closest to query (dim values, any
 * length: normalised here), best first, in out[0..*n). A query of another size than the
 * stored vectors is ERR_USAGE. No vectors: *n = 0.
 */
int ai_vectors_search(struct hub *h, const char *model, const float *query, size_t dim, int k,
		      struct ai_vec_hit *out, int *n, struct err *e);
/* Embeds query_text with the configured model (ai_embed), then ai_vectors_search. */
int ai_vector_search(struct hub *h, const struct ai_config *c, const char *query_text, int k,
		     struct ai_vec_hit *out, int *n, struct err *e);

/* Loads the index of model now (a search would); *rows is its size. For measurements. */
int ai_vectors_preload(struct hub *h, const char *model, size_t *rows, struct err *e);
/* Lets go of the hub's index (the memory goes when no other connection uses it). */
void ai_vectors_cache_free(struct hub *h);
#endif
