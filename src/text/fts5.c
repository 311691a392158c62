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

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
			int (*x)(void *, int, const char *, int, int, int))
{
	struct tokenizer *t = (struct tokenizer *)p;
	struct relay r = {ctx, x};
	int mode = ANALYSE_DOCUMENT;
	if (flags & FTS5_TOKENIZE_QUERY)
		mode = ANALYSE_QUERY;
	if (flags & FTS5_TOKENIZE_PREFIX)
		mode |= ANALYSE_PREFIX;
	if (n <= 0)
		return SQLITE_OK;
	return analyser_run(t->a, text, (size_t)n, t->latin, mode, relay_token, &r);
}

static fts5_api *get_api(sqlite3 *db)
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
	fts5_api *api = get_api(db);
	if (!api)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "asurif", NULL, &tok, NULL);
}
