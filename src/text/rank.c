#include "text/rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/banned.h"

#define K1 1.2
#define B 0.75

/* Per query: the idf of each phrase and the average passage length, computed once. */
struct rank_data {
	int nphrase;
	double avgdl;
	double *idf;
	int *tf; /* scratch: occurrences of each phrase in the current row */
};

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	(void)api, (void)fts;
	(*(sqlite3_int64 *)ctx)++;
	return SQLITE_OK;
}

static void rank_data_free(void *p)
{
	struct rank_data *d = p;
	if (d) {
		free(d->idf);
		free(d->tf);
		free(d);
	}
}

static int rank_data_get(const Fts5ExtensionApi *api, Fts5Context *fts, struct rank_data **out)
{
	struct rank_data *d = api->xGetAuxdata(fts, 0);
	if (d) {
		*out = d;
		return SQLITE_OK;
	}
	sqlite3_int64 rows = 0, tokens = 0;
	int rc = api->xRowCount(fts, &rows);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &tokens);
	if (rc != SQLITE_OK)
		return rc;
	d = xcalloc(1, sizeof(*d));
	d->nphrase = api->xPhraseCount(fts);
	d->avgdl = rows ? (double)tokens / (double)rows : 1.0;
	if (d->avgdl <= 0)
		d->avgdl = 1.0;
	d->idf = xcalloc((size_t)d->nphrase + 1, sizeof(*d->idf));
	d->tf = xcalloc((size_t)d->nphrase + 1, sizeof(*d->tf));
	for (int i = 0; i < d->nphrase && rc == SQLITE_OK; i++) {
		sqlite3_int64 n = 0;
		rc = api->xQueryPhrase(fts, i, &n, count_row);
		d->idf[i] = log(1.0 + ((double)rows - (double)n + 0.5) / ((double)n + 0.5));
	}
	if (rc == SQLITE_OK)
		rc = api->xSetAuxdata(fts, d, rank_data_free);
	else
		rank_data_free(d);
	*out = rc == SQLITE_OK ? d : NULL;
	return rc;
}

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval, sqlite3_value **val)
{
	(void)nval, (void)val;
	struct rank_data *d = NULL;
	int rc = rank_data_get(api, fts, &d);
	int ninst = 0, len = 0;
	if (rc == SQLITE_OK)
		rc = api->xInstCount(fts, &ninst);
	if (rc == SQLITE_OK)
		rc = api->xColumnSize(fts, -1, &len);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	memset(d->tf, 0, sizeof(*d->tf) * (size_t)d->nphrase);
	for (int i = 0; i < ninst; i++) {
		int phrase = 0, col = 0, off = 0;
		if (api->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK && phrase >= 0 && phrase < d->nphrase)
			d->tf[phrase]++;
	}
	double norm = K1 * (1.0 - B + B * (double)len / d->avgdl), score = 0;
	for (int i = 0; i < d->nphrase; i++)
		if (d->tf[i])
			score += d->idf[i] * (double)d->tf[i] * (K1 + 1.0) / ((double)d->tf[i] + norm);
	sqlite3_result_double(ctx, score);
}

int text_rank_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api)
		return SQLITE_ERROR;
	return api->xCreateFunction(api, "asurif_rank", NULL, rank_fn, NULL);
}
