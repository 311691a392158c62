/* The analyser as an SQLite FTS5 tokenizer named "asurif". */
#ifndef TEXT_FTS5_H
#define TEXT_FTS5_H
#include <sqlite3.h>

#include <stddef.h>

struct analyser;

/* SQLite's FTS5 interface for db, or NULL when SQLite was built without FTS5. */
fts5_api *text_fts5_api(sqlite3 *db);
/* Registers the "asurif" tokenizer on db. Returns an SQLite result code. */
int text_fts5_register(sqlite3 *db);

/*
 * Terms analysed ahead of time, in another thread, for a text about to be indexed:
 * while text_fts5_replay() names them, the tokenizer gives them back for that very
 * text instead of analysing it again (so analysis and writing run in parallel).
 */
struct fts5_token {
	unsigned off, len;   /* the term, in terms[] */
	unsigned start, end; /* where it came from in the text */
	int colocated;
};

struct fts5_tokens {
	const char *text; /* the text they were made for (not owned) */
	size_t text_len;
	char *terms;
	size_t terms_len, terms_alloc;
	struct fts5_token *v;
	size_t n, alloc;
};

/* Analyses text exactly as the "asurif" tokenizer indexes it. */
void text_fts5_tokens_build(struct fts5_tokens *t, struct analyser *an, const char *text, size_t n);
void text_fts5_tokens_release(struct fts5_tokens *t);
/* For this thread: the tokens to replay (NULL to stop). */
void text_fts5_replay(const struct fts5_tokens *t);
#endif
