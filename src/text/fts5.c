#include "text/fts5.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "text/analyse.h"
#include "base/banned.h"

struct tokenizer {
	struct analyser *a;
	enum text_lang latin;
};

static int tok_create(void *ctx, const char **args, int nargs, Fts5Tokenizer **out)
{
	(void)ctx;
	struct tokenizer *t = xcalloc(1, sizeof(*t));
	t->latin = LANG_FR;
	for (int i = 0; i < nargs; i++) {
		enum text_lang l = text_lang_parse(args[i]);
		if (l == LANG_FR || l == LANG_EN) {
			t->latin = l;
		} else {
			free(t);
			return SQLITE_ERROR;
		}
	}
	t->a = analyser_new();
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p)
{
	struct tokenizer *t = (struct tokenizer *)p;
	if (t) {
		analyser_free(t->a);
		free(t);
	}
}

struct relay {
	void *ctx;
	int (*x)(void *, int, const char *, int, int, int);
};

static int relay_token(void *ctx, int flags, const char *term, size_t len, size_t start, size_t end)
{
	struct relay *r = ctx;
	return r->x(r->ctx, (flags & ANALYSER_COLOCATED) ? FTS5_TOKEN_COLOCATED : 0, term, (int)len, (int)start,
		    (int)end);
}

static _Thread_local const struct fts5_tokens *replay;

void text_fts5_replay(const struct fts5_tokens *t)
{
	replay = t;
}

static int collect_token(void *ctx, int flags, const char *term, size_t len, size_t start, size_t end)
{
	struct fts5_tokens *t = ctx;
	t->v = xgrow(t->v, &t->alloc, t->n + 1, sizeof(*t->v));
	t->terms = xgrow(t->terms, &t->terms_alloc, t->terms_len + len, 1);
	struct fts5_token *k = &t->v[t->n++];
	k->off = (unsigned)t->terms_len;
	k->len = (unsigned)len;
	k->start = (unsigned)start;
	k->end = (unsigned)end;
	k->colocated = (flags & ANALYSER_COLOCATED) != 0;
	memcpy(t->terms + t->terms_len, term, len);
	t->terms_len += len;
	return 0;
}

void text_fts5_tokens_build(struct fts5_tokens *t, struct analyser *an, const char *text, size_t n)
{
	t->text = text;
	t->text_len = n;
	t->n = 0;
	t->terms_len = 0;
	analyser_run(an, text, n, LANG_FR, ANALYSE_DOCUMENT, collect_token, t);
}

void text_fts5_tokens_release(struct fts5_tokens *t)
{
	free(t->terms);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
			int (*x)(void *, int, const char *, int, int, int))
{
	struct tokenizer *t = (struct tokenizer *)p;
	struct relay r = {ctx, x};
	const struct fts5_tokens *rp = replay;
	if (rp && (flags & FTS5_TOKENIZE_DOCUMENT) && t->latin == LANG_FR && n >= 0 && (size_t)n == rp->text_len &&
	    (rp->text == text || !memcmp(rp->text, text, (size_t)n))) {
		for (size_t i = 0; i < rp->n; i++) {
			const struct fts5_token *k = &rp->v[i];
			int rc = x(ctx, k->colocated ? FTS5_TOKEN_COLOCATED : 0, rp->terms + k->off, (int)k->len,
				   (int)k->start, (int)k->end);
			if (rc)
				return rc;
		}
		return SQLITE_OK;
	}
	int mode = ANALYSE_DOCUMENT;
	if (flags & FTS5_TOKENIZE_QUERY)
		mode = ANALYSE_QUERY;
	if (flags & FTS5_TOKENIZE_PREFIX)
		mode |= ANALYSE_PREFIX;
	if (n <= 0)
		return SQLITE_OK;
	return analyser_run(t->a, text, (size_t)n, t->latin, mode, relay_token, &r);
}

fts5_api *text_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

int text_fts5_register(sqlite3 *db)
{
	static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = text_fts5_api(db);
	if (!api)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "asurif", NULL, &tok, NULL);
}
