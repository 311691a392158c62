/* Online signing: the petition behind a public key, the commune typed, withdrawal codes. */
#include "petition/online.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "petition/petition.h"
#include "petition/vault.h"
#include "store/db.h"
#include "base/banned.h"

int online_petition(sqlite3 *db, const char *key, int open_only, long long *id, struct err *e)
{
	*id = 0;
	if (!key || !*key || strlen(key) > 128)
		return err_set(e, ERR_NOTFOUND, "no such petition");
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM petitions WHERE public_key = ? AND status = 'collecting' "
	                                  "AND purged_at IS NULL AND (signing_open = 1 OR ? = 0)");
	db_bind_text(st, 1, key);
	sqlite3_bind_int(st, 2, open_only ? 1 : 0);
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return *id ? 0 : err_set(e, ERR_NOTFOUND, "no such petition");
}

/* Whether the commune lies in the petition's territory (its commune, province or region). */
static int in_territory(sqlite3 *db, long long petition_id, const char *commune)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM petitions p JOIN communes c ON c.code = ?2 WHERE p.id = ?1 "
	                                  "AND p.territory_code IN (c.code, c.province_code, c.region_code)");
	sqlite3_bind_int64(st, 1, petition_id);
	db_bind_text(st, 2, commune);
	int yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

int online_commune(sqlite3 *db, long long petition_id, const char *typed, char code[24], struct territory **choices,
                   size_t *nchoices, struct err *e)
{
	*code = '\0';
	*choices = NULL;
	*nchoices = 0;
	while (typed && (*typed == ' ' || *typed == '\t'))
		typed++;
	if (!typed || !*typed)
		return err_set(e, ERR_NOTFOUND, "no commune given");
	sqlite3_stmt *st = db_prepare(db, "SELECT code FROM communes WHERE code = ?");
	db_bind_text(st, 1, typed);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (found) {
		snprintf(code, 24, "%s", typed);
		return 0;
	}
	struct territory *t = NULL;
	size_t n = 0;
	int r = territory_find(db, typed, TERRITORY_COMMUNE, 50, &t, &n, e);
	if (r)
		return r;
	/* The best match: exactly the name and in the territory, exactly the name, then in the territory;
	 * a tie is for the signatory to settle. */
	size_t best = n;
	int best_score = 0, ties = 0;
	for (size_t i = 0; i < n; i++) {
		int exact = !strcasecmp(t[i].name_fr, typed) || !strcmp(t[i].name_ar, typed);
		int score = exact * 2 + in_territory(db, petition_id, t[i].code);
		if (score > best_score) {
			best = i;
			best_score = score;
			ties = 0;
		} else if (score && score == best_score) {
			ties++;
		}
	}
	if (n == 1) {
		best = 0;
		ties = 0;
	}
	if (best < n && !ties) {
		snprintf(code, 24, "%s", t[best].code);
		free(t);
		return 0;
	}
	if (!n) {
		free(t);
		return err_set(e, ERR_NOTFOUND, "no commune has this name");
	}
	*nchoices = n > 10 ? 10 : n;
	*choices = t;
	return err_set(e, ERR_EXISTS, "%zu communes have this name", n);
}

static void code_hash(const struct vault *v, long long petition_id, const char *code, char out[65])
{
	char text[64];
	int n = snprintf(text, sizeof(text), "withdrawal:%lld:%s", petition_id, code);
	vault_keyed_hash(v, text, (size_t)n, out);
	sodium_memzero(text, sizeof(text));
}

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford's: no I, L, O, U */

int online_set_withdrawal(sqlite3 *db, const struct vault *v, long long petition_id, long long sig_id,
                          char code[ONLINE_CODE_MAX], struct err *e)
{
	char plain[ONLINE_CODE_CHARS + 1];
	for (int i = 0; i < ONLINE_CODE_CHARS; i++)
		plain[i] = alphabet[randombytes_uniform(32)];
	plain[ONLINE_CODE_CHARS] = '\0';
	char hash[65];
	code_hash(v, petition_id, plain, hash);
	sqlite3_stmt *st = db_prepare(db, "UPDATE signatures SET withdrawal_hash = ? WHERE id = ? AND petition_id = ?");
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sig_id);
	sqlite3_bind_int64(st, 3, petition_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sodium_memzero(plain, sizeof(plain));
		return err_set(e, ERR_DB, "storing a withdrawal code: %s", sqlite3_errmsg(db));
	}
	if (!sqlite3_changes(db)) {
		sodium_memzero(plain, sizeof(plain));
		return err_set(e, ERR_NOTFOUND, "no signature %lld", sig_id);
	}
	snprintf(code, ONLINE_CODE_MAX, "%.4s-%.4s-%.4s", plain, plain + 4, plain + 8);
	sodium_memzero(plain, sizeof(plain));
	return 0;
}

/* The code as typed into its 12 characters; -1 when it cannot be one. */
static int code_normalise(const char *in, char out[ONLINE_CODE_CHARS + 1])
{
	size_t n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (!strchr(alphabet, c) || !c || n >= ONLINE_CODE_CHARS)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == ONLINE_CODE_CHARS ? 0 : -1;
}

int online_withdraw(sqlite3 *db, const struct vault *v, long long petition_id, const char *code, struct err *e)
{
	char plain[ONLINE_CODE_CHARS + 1];
	if (code_normalise(code, plain))
		return err_set(e, ERR_NOTFOUND, "this is not a withdrawal code");
	char hash[65];
	code_hash(v, petition_id, plain, hash);
	sodium_memzero(plain, sizeof(plain));
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM signatures WHERE petition_id = ? AND withdrawal_hash = ? "
	                                  "AND withdrawn_at IS NULL");
	sqlite3_bind_int64(st, 1, petition_id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	long long sig = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (!sig)
		return err_set(e, ERR_NOTFOUND, "no signature still counted has this withdrawal code");
	return petition_withdraw(db, sig, "signatory", NULL, e);
}
