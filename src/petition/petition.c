/* Petitions and their sealed signatures: creation, counts, signing, CSV and XLSX import, CSV export, withdrawal, purge. */
#include "petition/petition.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/fs.h"
#include "base/utf8.h"
#include "campaign/campaign.h"
#include "petition/cin.h"
#include "petition/rules.h"
#include "petition/vault.h"
#include "petition/xlsx_read.h"
#include "store/db.h"
#include "territory/territory.h"
#include "base/banned.h"

/* The largest CSV file an import reads (about 5 million rows). */
#define IMPORT_MAX_BYTES ((size_t)1 << 30)

/* The sealed columns, in the order of struct petition_signer's personal fields. */
enum { F_FIRST, F_LAST, F_CIN, F_ADDRESS, F_CONTACT, F_COMMUNE, F_SIGNATURE, F_NFIELDS };
static const char *const field_names[F_NFIELDS] = {"first_name", "last_name",    "cin",      "address",
                                                   "contact",    "commune_code", "signature"};
#define N_SEALED 5

static enum territory_level rule_level(const char *rule)
{
	if (!strcmp(rule, "ma/commune"))
		return TERRITORY_COMMUNE;
	if (!strcmp(rule, "ma/province"))
		return TERRITORY_PROVINCE;
	if (!strcmp(rule, "ma/region"))
		return TERRITORY_REGION;
	return TERRITORY_ANY;
}

static int db_fail(sqlite3 *db, struct err *e, const char *what)
{
	return err_set(e, ERR_DB, "%s: %s", what, sqlite3_errmsg(db));
}

/* ---- creating and showing ---- */

int petition_create(sqlite3 *db, const struct petition_fields *f, long long *id, struct err *e)
{
	if (!f->rule || !rules_known(f->rule))
		return err_set(
		    e, ERR_USAGE,
		    "rule: no rule set \"%s\": ma/commune, ma/province, ma/region, ma/government or ma/motion",
		    f->rule ? f->rule : "");
	int r = campaign_exists(db, f->campaign_id, e);
	if (r)
		return r;
	enum territory_level level = rule_level(f->rule);
	const char *code = f->territory && *f->territory ? f->territory : NULL;
	if (level == TERRITORY_ANY && code)
		return err_set(e, ERR_USAGE, "territory: a petition under %s is national and has no territory",
		               f->rule);
	if (level != TERRITORY_ANY) {
		if (!code)
			return err_set(e, ERR_USAGE, "territory: a petition under %s needs the HCP code of its %s",
			               f->rule, territory_level_name(level));
		struct territory t;
		const char *rid = NULL;
		if ((r = rules_territory(db, code, &t, &rid, e)))
			return r;
		if (t.level != level)
			return err_set(e, ERR_USAGE, "territory: %s is the %s %s, not a %s as %s asks", code,
			               territory_level_name(t.level), t.name_fr, territory_level_name(level), f->rule);
	}
	char *title = f->title && *f->title ? xstrdup(f->title) : NULL;
	if (f->draft_id) {
		sqlite3_stmt *st = db_prepare(db, "SELECT campaign_id, title FROM drafts WHERE id = ?");
		sqlite3_bind_int64(st, 1, f->draft_id);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			free(title);
			return err_set(e, ERR_NOTFOUND, "draft: no draft %lld", f->draft_id);
		}
		long long owner = sqlite3_column_int64(st, 0);
		if (owner != f->campaign_id) {
			sqlite3_finalize(st);
			free(title);
			return err_set(e, ERR_USAGE, "draft: draft %lld belongs to campaign %lld, not to campaign %lld",
			               f->draft_id, owner, f->campaign_id);
		}
		if (!title && *db_text(st, 1))
			title = xstrdup(db_text(st, 1));
		sqlite3_finalize(st);
	}
	if (!title)
		title = campaign_title(db, f->campaign_id);
	if (!title)
		return err_set(e, ERR_NOTFOUND, "campaign: no campaign %lld", f->campaign_id);

	unsigned char key[16];
	char key_hex[2 * sizeof(key) + 1];
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(key_hex, sizeof(key_hex), key, sizeof(key));

	sqlite3_stmt *st = db_prepare(db, "INSERT INTO petitions (campaign_id, rule, territory_code, draft_id, title, "
	                                  "association, public_key) VALUES (?, ?, ?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, f->campaign_id);
	db_bind_text(st, 2, f->rule);
	db_bind_text(st, 3, code);
	if (f->draft_id)
		sqlite3_bind_int64(st, 4, f->draft_id);
	db_bind_text(st, 5, title);
	db_bind_text(st, 6, f->association && *f->association ? f->association : NULL);
	db_bind_text(st, 7, key_hex);
	r = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, e, "recording the petition");
	sqlite3_finalize(st);
	free(title);
	if (!r)
		*id = sqlite3_last_insert_rowid(db);
	return r;
}

static json_t *text_or_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_string(db_text(st, i));
}

static json_t *signature_counts(sqlite3 *db, long long id)
{
	sqlite3_stmt *st =
	    db_prepare(db, "SELECT count(*), "
	                   "coalesce(sum(withdrawn_at IS NULL AND duplicate_of IS NULL), 0), "
	                   "coalesce(sum(withdrawn_at IS NULL AND duplicate_of IS NOT NULL), 0), "
	                   "coalesce(sum(withdrawn_at IS NOT NULL), 0), "
	                   "coalesce(sum(withdrawn_at IS NULL AND duplicate_of IS NULL AND outside_territory), 0) "
	                   "FROM signatures WHERE petition_id = ?");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_step(st);
	json_t *o = json_pack(
	    "{s:I, s:I, s:I, s:I, s:I}", "total", (json_int_t)sqlite3_column_int64(st, 0), "valid",
	    (json_int_t)sqlite3_column_int64(st, 1), "duplicates", (json_int_t)sqlite3_column_int64(st, 2), "withdrawn",
	    (json_int_t)sqlite3_column_int64(st, 3), "outside_territory", (json_int_t)sqlite3_column_int64(st, 4));
	sqlite3_finalize(st);

	json_t *provinces = json_array();
	st = db_prepare(db, "SELECT s.province_code, p.name_fr, p.name_ar, count(*) FROM signatures s "
	                    "LEFT JOIN provinces p ON p.code = s.province_code "
	                    "WHERE s.petition_id = ? AND s.withdrawn_at IS NULL AND s.duplicate_of IS NULL "
	                    "GROUP BY s.province_code ORDER BY s.province_code");
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(provinces,
		                      json_pack("{s:o, s:o, s:o, s:I}", "code", text_or_null(st, 0), "name_fr",
		                                text_or_null(st, 1), "name_ar", text_or_null(st, 2), "valid",
		                                (json_int_t)sqlite3_column_int64(st, 3)));
	sqlite3_finalize(st);
	json_object_set_new(o, "by_province", provinces);

	json_t *channels = json_pack("{s:i, s:i, s:i}", "paper", 0, "online", 0, "import", 0);
	st = db_prepare(db, "SELECT channel, count(*) FROM signatures WHERE petition_id = ? AND withdrawn_at IS NULL "
	                    "AND duplicate_of IS NULL GROUP BY channel");
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(channels, db_text(st, 0), json_integer(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	json_object_set_new(o, "by_channel", channels);
	return o;
}

static int petition_fields(sqlite3 *db, long long id, int counts, json_t **out, struct err *e)
{
	*out = NULL;
	sqlite3_stmt *st = db_prepare(db, "SELECT id, campaign_id, rule, territory_code, draft_id, title, association, "
	                                  "status, signing_open, public_key, filed_on, created_at, purged_at "
	                                  "FROM petitions WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(e, ERR_NOTFOUND, "no petition %lld", id);
	}
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:o, s:o, s:s, s:o, s:s, s:b, s:s, s:o, s:s, s:o}", "id",
	    (json_int_t)sqlite3_column_int64(st, 0), "campaign_id", (json_int_t)sqlite3_column_int64(st, 1), "rule",
	    db_text(st, 2), "territory_code", text_or_null(st, 3), "draft_id",
	    sqlite3_column_type(st, 4) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, 4)),
	    "title", db_text(st, 5), "association", text_or_null(st, 6), "status", db_text(st, 7), "signing_open",
	    sqlite3_column_int(st, 8), "public_key", db_text(st, 9), "filed_on", text_or_null(st, 10), "created_at",
	    db_text(st, 11), "purged_at", text_or_null(st, 12));
	char code[24] = "";
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		snprintf(code, sizeof(code), "%s", db_text(st, 3));
	sqlite3_finalize(st);
	if (*code) {
		struct territory t;
		const char *rid = NULL;
		if (!rules_territory(db, code, &t, &rid, NULL))
			json_object_set_new(o, "territory",
			                    json_pack("{s:s, s:s, s:s, s:s, s:I}", "code", t.code, "level",
			                              territory_level_name(t.level), "name_fr", t.name_fr, "name_ar",
			                              t.name_ar, "population_2024", (json_int_t)t.population));
	}
	if (counts)
		json_object_set_new(o, "signatures", signature_counts(db, id));
	*out = o;
	return 0;
}

int petition_json(sqlite3 *db, long long id, json_t **out, struct err *e)
{
	return petition_fields(db, id, 1, out, e);
}

int petition_json_brief(sqlite3 *db, long long id, json_t **out, struct err *e)
{
	return petition_fields(db, id, 0, out, e);
}

int petition_list_json(sqlite3 *db, long long campaign_id, json_t **out, struct err *e)
{
	*out = NULL;
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM petitions WHERE ?1 = 0 OR campaign_id = ?1 ORDER BY id DESC");
	sqlite3_bind_int64(st, 1, campaign_id);
	json_t *list = json_array();
	int r = 0;
	while (!r && sqlite3_step(st) == SQLITE_ROW) {
		json_t *p = NULL;
		if (!(r = petition_json(db, sqlite3_column_int64(st, 0), &p, e)))
			json_array_append_new(list, p);
	}
	sqlite3_finalize(st);
	if (r) {
		json_decref(list);
		return r;
	}
	*out = list;
	return 0;
}

/* ---- signing ---- */

/* A petition taking signatures, with the statements every signature runs, prepared once. */
struct signer {
	sqlite3 *db;
	const struct vault *v;
	long long petition_id;
	char rule[32];
	enum territory_level level;
	char territory[24];
	sqlite3_stmt *commune, *dup, *insert, *seal;
	sqlite3_stmt *by_digits; /* a commune code typed as digits, prepared on first use */
	struct {
		char digits[16], code[24];
	} digits_seen[8]; /* the last codes found from digits (an import repeats a few communes) */
	int ndigits_seen;
	struct buf sealed[N_SEALED];
	struct buf value[F_NFIELDS]; /* trimmed copies of what is signed; wiped after each signature */
};

static void signer_release(struct signer *s)
{
	sqlite3_finalize(s->commune);
	sqlite3_finalize(s->dup);
	sqlite3_finalize(s->insert);
	sqlite3_finalize(s->seal);
	sqlite3_finalize(s->by_digits);
	for (int i = 0; i < N_SEALED; i++)
		buf_release(&s->sealed[i]);
	for (int i = 0; i < F_NFIELDS; i++)
		vault_buf_wipe(&s->value[i]);
	memset(s, 0, sizeof(*s));
}

/* The petition's state; ERR_USAGE unless it takes signatures (purged, or no longer collecting). */
static int signer_open(sqlite3 *db, const struct vault *v, long long petition_id, struct signer *s, struct err *e)
{
	memset(s, 0, sizeof(*s));
	sqlite3_stmt *st =
	    db_prepare(db, "SELECT rule, coalesce(territory_code, ''), status, purged_at FROM petitions WHERE id = ?");
	sqlite3_bind_int64(st, 1, petition_id);
	int r = 0;
	if (sqlite3_step(st) != SQLITE_ROW)
		r = err_set(e, ERR_NOTFOUND, "no petition %lld", petition_id);
	else if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		r = err_set(e, ERR_USAGE,
		            "the personal data of petition %lld was deleted on %s: it takes no more signatures",
		            petition_id, db_text(st, 3));
	else if (strcmp(db_text(st, 2), "collecting"))
		r = err_set(e, ERR_USAGE, "petition %lld is %s: it no longer takes signatures", petition_id,
		            db_text(st, 2));
	if (!r) {
		snprintf(s->rule, sizeof(s->rule), "%s", db_text(st, 0));
		snprintf(s->territory, sizeof(s->territory), "%s", db_text(st, 1));
	}
	sqlite3_finalize(st);
	if (r)
		return r;
	s->db = db;
	s->v = v;
	s->petition_id = petition_id;
	s->level = rule_level(s->rule);
	s->commune = db_prepare(db, "SELECT province_code, region_code, name_fr FROM communes WHERE code = ?");
	s->dup = db_prepare(db, "SELECT id, channel, row_number FROM signatures WHERE petition_id = ? AND cin_hash = ? "
	                        "AND withdrawn_at IS NULL ORDER BY id LIMIT 1");
	s->insert = db_prepare(db, "INSERT INTO signatures (petition_id, cin_hash, commune_code, province_code, "
	                           "outside_territory, channel, sheet, row_number, duplicate_of) "
	                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	s->seal =
	    db_prepare(db, "UPDATE signatures SET first_name = ?, last_name = ?, cin = ?, address = ?, contact = ? "
	                   "WHERE id = ?");
	for (int i = 0; i < N_SEALED; i++)
		buf_init(&s->sealed[i], 0);
	for (int i = 0; i < F_NFIELDS; i++)
		buf_init(&s->value[i], 0);
	return 0;
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Copies p[0..n) without the blanks around it into b; checks UTF-8 and the length. */
static int take_value(struct buf *b, const char *p, size_t n, int field, struct err *e)
{
	vault_buf_wipe(b);
	while (n && is_blank((unsigned char)*p))
		p++, n--;
	while (n && is_blank((unsigned char)p[n - 1]))
		n--;
	if (n > PETITION_FIELD_MAX)
		return err_set(e, ERR_USAGE, "%s: longer than %d bytes", field_names[field], PETITION_FIELD_MAX);
	size_t line, byte;
	if (n && utf8_validate(p, n, &line, &byte))
		return err_set(e, ERR_USAGE, "%s: not UTF-8 text (or holds a NUL byte)", field_names[field]);
	buf_append(b, p, n);
	buf_append(b, "", 0);
	return 0;
}

static int seal_field(struct signer *s, int field, int slot, long long sig_id, struct err *e)
{
	char context[96];
	snprintf(context, sizeof(context), "signature.%s:%lld:%lld", field_names[field], s->petition_id, sig_id);
	const struct buf *b = &s->value[field];
	int r = vault_seal(s->v, b->data ? b->data : "", b->len, context, &s->sealed[slot], e);
	if (!r)
		sqlite3_bind_blob(s->seal, slot + 1, s->sealed[slot].data, (int)s->sealed[slot].len, SQLITE_STATIC);
	return r;
}

/*
 * A commune code written as digits: spreadsheets turn the HCP code's digits without dots
 * (the census files' code_digits, "015110101" for 01.511.01.01) into a number and drop the
 * leading zeros. 1 with the dotted code in out when digits (1 to 9 of them, nothing else)
 * name a commune that way; 0 otherwise.
 */
static int commune_from_digits(struct signer *s, const char *digits, char out[24])
{
	size_t n = strlen(digits);
	if (!n || n > 9 || strspn(digits, "0123456789") != n)
		return 0;
	for (int i = 0; i < s->ndigits_seen; i++)
		if (!strcmp(s->digits_seen[i].digits, digits)) {
			snprintf(out, 24, "%s", s->digits_seen[i].code);
			return 1;
		}
	if (!s->by_digits)
		s->by_digits = db_prepare(s->db, "SELECT code FROM communes WHERE ltrim(replace(code, '.', ''), '0') = "
		                                 "ltrim(?, '0') LIMIT 2");
	sqlite3_stmt *st = s->by_digits;
	sqlite3_reset(st);
	db_bind_text(st, 1, digits);
	int found = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, 24, "%s", db_text(st, 0));
		found = sqlite3_step(st) != SQLITE_ROW; /* never two, since the census codes are unique as digits */
	}
	sqlite3_reset(st);
	if (found) {
		int slot = s->ndigits_seen < 8 ? s->ndigits_seen++ : (int)(randombytes_uniform(8));
		snprintf(s->digits_seen[slot].digits, sizeof(s->digits_seen[slot].digits), "%s", digits);
		snprintf(s->digits_seen[slot].code, sizeof(s->digits_seen[slot].code), "%s", out);
	}
	return found;
}

/* What signer_add found besides the new row. */
struct signed_info {
	long long id, dup_of, dup_row;
	int dup_import; /* the earlier signature came from an import (dup_row is its line) */
	int outside;
};

/*
 * Checks and records the signature whose values are in s->value[], inside the caller's
 * transaction. ERR_USAGE (nothing written) for a bad value; ERR_DB otherwise.
 */
static int signer_add(struct signer *s, const char *channel, long long sheet, long long row, struct signed_info *out,
                      struct err *e)
{
	memset(out, 0, sizeof(*out));
	static const int required[] = {F_FIRST, F_LAST, F_CIN, F_ADDRESS};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!s->value[required[i]].len)
			return err_set(e, ERR_USAGE, "%s is missing", field_names[required[i]]);
	char cin[CIN_MAX];
	struct err ce = ERR_INIT;
	if (cin_normalise(s->value[F_CIN].data, cin, &ce))
		return err_set(e, ERR_USAGE, "cin: %s", ce.msg);

	const char *commune = s->value[F_COMMUNE].len ? s->value[F_COMMUNE].data : NULL;
	char province[24] = "";
	char from_digits[24];
	if (commune && commune_from_digits(s, commune, from_digits)) {
		vault_buf_wipe(&s->value[F_COMMUNE]);
		buf_appends(&s->value[F_COMMUNE], from_digits);
		commune = s->value[F_COMMUNE].data;
	}
	if (!commune && s->level != TERRITORY_ANY)
		return err_set(e, ERR_USAGE, "commune_code is missing (the HCP code of the commune of residence)");
	if (commune) {
		sqlite3_stmt *st = s->commune;
		sqlite3_reset(st);
		db_bind_text(st, 1, commune);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			return err_set(e, ERR_USAGE,
			               "commune_code: no commune %s (asurif territory NAME --level commune "
			               "finds its code)",
			               commune);
		}
		snprintf(province, sizeof(province), "%s", db_text(st, 0));
		int wrong = 0;
		if (s->level == TERRITORY_PROVINCE)
			wrong = strcmp(db_text(st, 0), s->territory) != 0;
		else if (s->level == TERRITORY_REGION)
			wrong = strcmp(db_text(st, 1), s->territory) != 0;
		else if (s->level == TERRITORY_COMMUNE)
			out->outside = strcmp(commune, s->territory) != 0;
		if (wrong) {
			int r = err_set(e, ERR_USAGE,
			                "commune_code: the commune %s (%s) is not in the %s %s of this petition: its "
			                "signatories must live there",
			                commune, db_text(st, 2), territory_level_name(s->level), s->territory);
			sqlite3_reset(st);
			return r;
		}
		sqlite3_reset(st);
	}

	char hash[65];
	vault_keyed_hash(s->v, cin, strlen(cin), hash);
	sqlite3_stmt *st = s->dup;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, s->petition_id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->dup_of = sqlite3_column_int64(st, 0);
		out->dup_import = !strcmp(db_text(st, 1), "import");
		out->dup_row = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	/* What is sealed is the normalised number, so every copy reads the same. */
	vault_buf_wipe(&s->value[F_CIN]);
	buf_appends(&s->value[F_CIN], cin);
	sodium_memzero(cin, sizeof(cin));

	st = s->insert;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, s->petition_id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	db_bind_text(st, 3, commune);
	db_bind_text(st, 4, commune ? province : NULL);
	sqlite3_bind_int(st, 5, out->outside);
	db_bind_text(st, 6, channel);
	if (sheet > 0)
		sqlite3_bind_int64(st, 7, sheet);
	if (row > 0)
		sqlite3_bind_int64(st, 8, row);
	if (out->dup_of)
		sqlite3_bind_int64(st, 9, out->dup_of);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, e, "recording a signature");
	out->id = sqlite3_last_insert_rowid(s->db);

	st = s->seal;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	int r = 0;
	r = r ? r : seal_field(s, F_FIRST, 0, out->id, e);
	r = r ? r : seal_field(s, F_LAST, 1, out->id, e);
	r = r ? r : seal_field(s, F_CIN, 2, out->id, e);
	r = r ? r : seal_field(s, F_ADDRESS, 3, out->id, e);
	if (!r && s->value[F_CONTACT].len)
		r = seal_field(s, F_CONTACT, 4, out->id, e);
	if (r)
		return r;
	sqlite3_bind_int64(st, 6, out->id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, e, "sealing a signature");
	return 0;
}

static void signer_wipe_values(struct signer *s)
{
	for (int i = 0; i < F_NFIELDS; i++)
		vault_buf_wipe(&s->value[i]);
}

int petition_sign(sqlite3 *db, const struct vault *v, long long petition_id, const struct petition_signer *p,
                  const char *channel, long long sheet, long long row, long long *sig_id, long long *dup_of,
                  int *outside, struct err *e)
{
	if (strcmp(channel, "paper") && strcmp(channel, "online") && strcmp(channel, "import"))
		return err_set(e, ERR_USAGE, "channel: \"%s\" is not paper, online or import", channel);
	struct signer s;
	int r = signer_open(db, v, petition_id, &s, e);
	if (r)
		return r;
	const char *values[F_NFIELDS] = {p->first_name, p->last_name,    p->cin, p->address,
	                                 p->contact,    p->commune_code, NULL};
	for (int i = 0; i < F_NFIELDS && !r; i++)
		if (values[i])
			r = take_value(&s.value[i], values[i], strlen(values[i]), i, e);
	struct signed_info info;
	if (!r && !(r = db_begin(db, e))) {
		r = signer_add(&s, channel, sheet, row, &info, e);
		if (r)
			db_rollback(db);
		else
			r = db_commit(db, e);
	}
	signer_release(&s);
	if (r)
		return r;
	*sig_id = info.id;
	*dup_of = info.dup_of;
	if (outside)
		*outside = info.outside;
	return 0;
}

/* ---- the rule set's columns ---- */

/* The rule set's signature_columns (overrides applied) as a JSON array of strings (new reference). */
static int rule_columns(sqlite3 *db, const char *overrides_dir, const char *rule, json_t **out, struct err *e)
{
	json_t *set = NULL;
	*out = NULL;
	int r = rules_load(overrides_dir, rule, &set, e);
	if (!r)
		r = rules_apply_overrides(db, set, e);
	if (r) {
		json_decref(set);
		return r;
	}
	json_t *v = json_object_get(rules_figure(set, "signature_columns"), "value");
	size_t i;
	json_t *x;
	int ok = json_is_array(v) && json_array_size(v) > 0;
	json_array_foreach(v, i, x) ok = ok && json_is_string(x);
	if (!ok) {
		json_decref(set);
		return err_set(e, ERR_FORMAT,
		               "the rule set %s has no list of signature columns (figure signature_columns)", rule);
	}
	*out = json_incref(v);
	json_decref(set);
	return 0;
}

static int field_index(const char *name, size_t n)
{
	for (int i = 0; i < F_NFIELDS; i++)
		if (strlen(field_names[i]) == n && !strncmp(field_names[i], name, n))
			return i;
	return -1;
}

/* ---- CSV ---- */

struct csv {
	const char *p, *end;
	long long line; /* where the next record starts */
	struct buf rec; /* the record's fields, each NUL-terminated */
	size_t off[64], len[64];
	int nf;        /* fields in the record (may exceed 64: only the first 64 are kept) */
	char bad[128]; /* why the record cannot be read, or "" */
};

static void csv_end_field(struct csv *c, size_t start)
{
	if (c->nf < 64) {
		c->off[c->nf] = start;
		c->len[c->nf] = c->rec.len - start;
	}
	buf_append(&c->rec, "", 1);
	c->nf++;
}

/* Reads the next record. 1: a record (c->bad may say it is damaged); 0: the end of the file. */
static int csv_next(struct csv *c, long long *line)
{
	buf_reset(&c->rec);
	c->nf = 0;
	c->bad[0] = 0;
	*line = c->line;
	if (c->p >= c->end)
		return 0;
	for (;;) {
		size_t start = c->rec.len;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end) {
					snprintf(c->bad, sizeof(c->bad),
					         "the file ends inside a quoted field (was it cut short?)");
					csv_end_field(c, start);
					return 1;
				}
				const char *q = memchr(c->p, '"', (size_t)(c->end - c->p));
				const char *stop = q ? q : c->end;
				for (const char *k = c->p; k < stop; k++)
					if (*k == '\n')
						c->line++;
				buf_append(&c->rec, c->p, (size_t)(stop - c->p));
				c->p = stop;
				if (!q)
					continue;
				if (q + 1 < c->end && q[1] == '"') {
					buf_append(&c->rec, "\"", 1);
					c->p = q + 2;
					continue;
				}
				c->p = q + 1;
				break;
			}
			/* after the closing quote: a separator, an end of line or the end */
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
			    !(*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')) {
				if (!c->bad[0])
					snprintf(c->bad, sizeof(c->bad), "field %d: text after its closing quote",
					         c->nf + 1);
				while (c->p < c->end && *c->p != ',' && *c->p != '\n')
					c->p++;
			}
		} else {
			const char *k = c->p;
			while (k < c->end && *k != ',' && *k != '\n')
				k++;
			const char *stop = k;
			if (stop > c->p && stop[-1] == '\r' && (stop == c->end || *stop == '\n'))
				stop--;
			if (memchr(c->p, '"', (size_t)(stop - c->p)) && !c->bad[0])
				snprintf(c->bad, sizeof(c->bad),
				         "field %d: a quote inside a field that does not start with one", c->nf + 1);
			buf_append(&c->rec, c->p, (size_t)(stop - c->p));
			c->p = k;
		}
		csv_end_field(c, start);
		if (c->p >= c->end)
			return 1;
		if (*c->p == ',') {
			c->p++;
			if (c->p >= c->end) { /* a trailing comma at the very end: one more empty field */
				csv_end_field(c, c->rec.len);
				return 1;
			}
			continue;
		}
		if (*c->p == '\r')
			c->p++;
		c->p++; /* '\n' */
		c->line++;
		return 1;
	}
}

static const char *csv_field(const struct csv *c, int i)
{
	return c->rec.data + c->off[i];
}

/* ---- importing ---- */

void petition_import_report_release(struct petition_import_report *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

static void report_row(struct petition_import_report *rep, long long line, int duplicate, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report_row(struct petition_import_report *rep, long long line, int duplicate, const char *fmt, ...)
{
	rep->rows = xgrow(rep->rows, &rep->alloc, rep->nrows + 1, sizeof(*rep->rows));
	struct petition_import_row *row = &rep->rows[rep->nrows++];
	row->line = line;
	row->duplicate = duplicate;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(row->reason, sizeof(row->reason), fmt, ap);
	va_end(ap);
}

/*
 * Where an import's rows come from: a CSV file read whole, or the first sheet of an XLSX
 * workbook read as a stream. Both give rows of text fields; a CSV row is a record starting
 * on a line, an XLSX row is numbered as in the sheet and its cells are placed by column.
 */
struct import_src {
	const char *path;
	int xlsx;
	const char *unit; /* what a row's number counts: "line" or "row" */
	/* CSV */
	struct buf file;
	struct csv c;
	const char *data;
	size_t len;
	/* XLSX */
	struct xlsx *x;
	/* the current row */
	long long where;
	int nf;
	const char *field[64];
	size_t flen[64];
	const char *bad; /* why the row cannot be read, or NULL */
};

static void src_release(struct import_src *s)
{
	buf_release(&s->c.rec);
	buf_release(&s->file);
	xlsx_close(s->x);
	s->x = NULL;
}

/* Reads the file and checks its encoding (CSV) or its parts (XLSX); nothing is stored yet. */
static int src_open(struct import_src *s, const char *path, int xlsx, struct err *e)
{
	memset(s, 0, sizeof(*s));
	s->path = path;
	s->xlsx = xlsx;
	s->unit = xlsx ? "row" : "line";
	buf_init(&s->c.rec, 0);
	if (xlsx)
		return xlsx_open(path, path, &s->x, e);
	int r = fs_read_file(path, IMPORT_MAX_BYTES, &s->file, e);
	if (r)
		return r;
	const char *data = s->file.data ? s->file.data : "";
	size_t len = s->file.len;
	if (len >= 2 && (((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE) ||
	                 ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF)))
		return err_set(e, ERR_ENCODING, "%s: UTF-16 text: save the file as \"CSV UTF-8\"", path);
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	size_t bad_line, bad_byte;
	if (len && utf8_validate(data, len, &bad_line, &bad_byte))
		return err_set(e, ERR_ENCODING,
		               "%s, line %zu: not UTF-8 text (Latin-1 or Windows-1256?): save the file as \"CSV UTF-8\"; "
		               "nothing was imported",
		               path, bad_line);
	s->data = data;
	s->len = len;
	s->c.p = data;
	s->c.end = data + len;
	s->c.line = 1;
	return 0;
}

/* The next row into s->where, s->nf, s->field[], s->bad. 1: a row; 0: the end; < 0: an error. */
static int src_next(struct import_src *s, struct err *e)
{
	s->bad = NULL;
	if (s->xlsx) {
		const struct xlsx_row *row;
		int r = xlsx_next(s->x, &row, e);
		if (r != 1)
			return r;
		s->where = row->number;
		s->nf = row->ncells;
		for (int i = 0; i < 64; i++) {
			s->field[i] = row->cell[i];
			s->flen[i] = row->len[i];
		}
		s->bad = row->bad[0] ? row->bad : NULL;
		return 1;
	}
	if (!csv_next(&s->c, &s->where))
		return 0;
	s->nf = s->c.nf;
	for (int i = 0; i < s->nf && i < 64; i++) {
		s->field[i] = csv_field(&s->c, i);
		s->flen[i] = s->c.len[i];
	}
	s->bad = s->c.bad[0] ? s->c.bad : NULL;
	return 1;
}

/* Field i of the row ("" past its end: a sheet leaves trailing empty cells out). */
static const char *src_field(const struct import_src *s, int i, size_t *n)
{
	if (i >= s->nf || i >= 64) {
		*n = 0;
		return "";
	}
	*n = s->flen[i];
	return s->field[i];
}

/* A row with nothing but blanks (CSV: an empty line; XLSX: cells of spaces only). */
static int src_blank(const struct import_src *s)
{
	if (s->bad || (!s->xlsx && s->nf != 1) || s->nf > 64)
		return 0;
	for (int i = 0; i < s->nf && i < 64; i++)
		for (size_t k = 0; k < s->flen[i]; k++)
			if (!is_blank((unsigned char)s->field[i][k]))
				return 0;
	return 1;
}

/* How messages name column i (0-based): "column 3" in a CSV file, "column C" in a sheet. */
static void src_column(const struct import_src *s, int i, char out[24])
{
	if (s->xlsx) {
		char letters[8];
		xlsx_column_name(i, letters);
		snprintf(out, 24, "column %s", letters);
	} else {
		snprintf(out, 24, "column %d", i + 1);
	}
}

/* How far the file is read, for the progress callback. */
static void src_progress(const struct import_src *s, unsigned long long *done, unsigned long long *total)
{
	if (s->xlsx) {
		xlsx_progress(s->x, done, total);
	} else {
		*done = (unsigned long long)(s->c.p - s->data);
		*total = (unsigned long long)s->len;
	}
}

/* Maps the header's columns to fields; ERR_FORMAT naming a column that is unknown, repeated or missing. */
static int read_header(const struct import_src *s, json_t *columns, const char *rule, int map[64], struct err *e)
{
	int seen[F_NFIELDS] = {0};
	char where[48];
	snprintf(where, sizeof(where), "%s %lld (the header)", s->unit, s->where);
	if (s->bad)
		return err_set(e, ERR_FORMAT, "%s: %s", where, s->bad);
	if (s->nf > 64)
		return err_set(e, ERR_FORMAT, "%s: %d columns, more than 64", where, s->nf);
	char *wanted = NULL;
	{
		struct buf w = BUF_INIT;
		size_t i;
		json_t *x;
		json_array_foreach(columns, i, x) buf_appendf(&w, "%s%s", i ? "," : "", json_string_value(x));
		wanted = buf_detach(&w);
	}
	int r = 0;
	for (int i = 0; i < s->nf && !r; i++) {
		char name[64], col[24];
		size_t n;
		const char *p = src_field(s, i, &n);
		while (n && is_blank((unsigned char)*p))
			p++, n--;
		while (n && is_blank((unsigned char)p[n - 1]))
			n--;
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		for (size_t k = 0; k < n; k++)
			name[k] = (char)tolower((unsigned char)p[k]);
		name[n] = 0;
		int f = field_index(name, n);
		int in_rule = 0;
		size_t k;
		json_t *x;
		json_array_foreach(columns, k, x) in_rule |= !strcmp(json_string_value(x), name);
		src_column(s, i, col);
		if (f < 0 || (!in_rule && f != F_CONTACT && f != F_SIGNATURE))
			r = err_set(e, ERR_FORMAT, "%s, %s: unknown column \"%s\": the rule set %s asks for %s", where, col,
			            name, rule, wanted);
		else if (seen[f]++)
			r = err_set(e, ERR_FORMAT, "%s: the column %s is there twice", where, name);
		else
			map[i] = f;
	}
	size_t k;
	json_t *x;
	json_array_foreach(columns, k, x)
	{
		if (r)
			break;
		int f = field_index(json_string_value(x), strlen(json_string_value(x)));
		if (f >= 0 && f != F_SIGNATURE && f != F_CONTACT && !seen[f])
			r = err_set(e, ERR_FORMAT, "%s: the column %s is missing (the rule set %s asks for %s)", where,
			            json_string_value(x), rule, wanted);
	}
	free(wanted);
	return r;
}

/* The import itself, whatever the file's format: the header, then rows in batches. */
static int import_rows(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                       const char *path, int xlsx,
                       void (*progress)(void *ctx, unsigned long long done, unsigned long long total,
                                        const char *current),
                       void *ctx, struct petition_import_report *rep, struct err *e)
{
	memset(rep, 0, sizeof(*rep));
	rep->unit = xlsx ? "row" : "line";
	struct signer s;
	int r = signer_open(db, v, petition_id, &s, e);
	if (r)
		return r;
	json_t *columns = NULL;
	struct import_src src;
	int in_tx = 0;
	long long cache_was = 0;
	unsigned long long done_bytes, total_bytes;
	if ((r = rule_columns(db, overrides_dir, s.rule, &columns, e)))
		goto done;
	if ((r = src_open(&src, path, xlsx, e)))
		goto done;
	if ((r = src_next(&src, e)) <= 0) {
		if (!r)
			r = err_set(e, ERR_EMPTY, "%s: empty file: the first %s names the columns", path, src.unit);
		goto done;
	}
	int map[64];
	if ((r = read_header(&src, columns, s.rule, map, e))) {
		err_prefix(e, "%s", path);
		goto done;
	}
	int ncols = src.nf;

	/* the duplicate lookups jump around the hash index: keep it in memory (64 MB) while importing */
	sqlite3_stmt *st = db_prepare(db, "PRAGMA cache_size");
	if (sqlite3_step(st) == SQLITE_ROW)
		cache_was = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);

	st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM signatures");
	sqlite3_step(st);
	long long before = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);

	long long batch = 0, pending_added = 0, pending_dups = 0;
	size_t rows_at_batch = 0;
	const char *unit = src.unit;
	while ((r = src_next(&src, e)) == 1) {
		long long line = src.where;
		if (src_blank(&src))
			continue;
		if (!in_tx) {
			if ((r = db_begin(db, e)))
				goto done;
			in_tx = 1;
			rows_at_batch = rep->nrows;
		}
		if (src.bad) {
			rep->rejected++;
			report_row(rep, line, 0, "%s", src.bad);
		} else if (!xlsx && src.nf != ncols) {
			rep->rejected++;
			report_row(rep, line, 0, "%d fields where the header has %d", src.nf, ncols);
		} else if (xlsx && src.nf > ncols) {
			char col[24];
			src_column(&src, src.nf - 1, col);
			rep->rejected++;
			report_row(rep, line, 0, "a value in %s, past the header's %d columns", col, ncols);
		} else {
			struct err re = ERR_INIT;
			int rr = 0;
			for (int i = 0; i < ncols && !rr; i++)
				if (map[i] != F_SIGNATURE) {
					size_t n;
					const char *p = src_field(&src, i, &n);
					rr = take_value(&s.value[map[i]], p, n, map[i], &re);
				}
			struct signed_info info;
			if (!rr)
				rr = signer_add(&s, "import", 0, line, &info, &re);
			signer_wipe_values(&s);
			if (rr == ERR_USAGE) {
				rep->rejected++;
				report_row(rep, line, 0, "%s", re.msg);
			} else if (rr) {
				r = err_set(e, rr, "%s, %s %lld: %s", path, unit, line, re.msg);
				goto done;
			} else if (info.dup_of) {
				pending_dups++;
				if (info.dup_import && info.dup_of > before)
					report_row(rep, line, 1, "duplicate: same ID number as %s %lld (signature %lld)",
					           unit, info.dup_row, info.dup_of);
				else
					report_row(rep, line, 1, "duplicate: same ID number as signature %lld",
					           info.dup_of);
			} else {
				pending_added++;
			}
		}
		if (++batch >= PETITION_IMPORT_BATCH) {
			if ((r = db_commit(db, e)))
				goto done;
			in_tx = 0;
			rep->added += pending_added;
			rep->duplicates += pending_dups;
			pending_added = pending_dups = 0;
			batch = 0;
			if (progress) {
				src_progress(&src, &done_bytes, &total_bytes);
				progress(ctx, done_bytes, total_bytes, path);
			}
		}
	}
	if (r < 0)
		goto done;
	r = 0;
	if (in_tx) {
		if ((r = db_commit(db, e)))
			goto done;
		in_tx = 0;
	}
	rep->added += pending_added;
	rep->duplicates += pending_dups;
	if (progress) {
		src_progress(&src, &done_bytes, &total_bytes);
		progress(ctx, total_bytes, total_bytes, path);
	}
done:
	if (in_tx) {
		/* the batch is lost: forget what it said of its rows */
		db_rollback(db);
		rep->nrows = rows_at_batch;
	}
	if (cache_was) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = %lld", cache_was);
		sqlite3_exec(db, pragma, NULL, NULL, NULL);
	}
	signer_release(&s);
	json_decref(columns);
	src_release(&src);
	return r;
}

int petition_import_csv(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                        const char *path,
                        void (*progress)(void *ctx, unsigned long long done, unsigned long long total,
                                         const char *current),
                        void *ctx, struct petition_import_report *rep, struct err *e)
{
	return import_rows(db, v, overrides_dir, petition_id, path, 0, progress, ctx, rep, e);
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && !strcasecmp(s + n - m, tail);
}

int petition_import_file(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                         const char *path,
                         void (*progress)(void *ctx, unsigned long long done, unsigned long long total,
                                          const char *current),
                         void *ctx, struct petition_import_report *rep, struct err *e)
{
	static const unsigned char ole[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	memset(rep, 0, sizeof(*rep));
	unsigned char head[8] = {0};
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_IO, "%s: cannot read: %s", path, strerror(errno));
	size_t got = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (got >= 4 && !memcmp(head, "PK\x03\x04", 4))
		return import_rows(db, v, overrides_dir, petition_id, path, 1, progress, ctx, rep, e);
	if (got == sizeof(ole) && !memcmp(head, ole, sizeof(ole)))
		return err_set(e, ERR_FORMAT,
		               "%s: an old Excel 97-2003 file (.xls) or a workbook protected by a password: save it "
		               "as .xlsx without a password, or as CSV UTF-8; nothing was imported",
		               path);
	if (ends_with(path, ".xlsx") || ends_with(path, ".xlsm"))
		return err_set(e, ERR_FORMAT,
		               "%s: not an Excel workbook (XLSX): the file holds %s; save it again from the "
		               "spreadsheet as .xlsx, or as CSV UTF-8; nothing was imported",
		               path, got ? "text or another kind of file" : "nothing");
	return import_rows(db, v, overrides_dir, petition_id, path, 0, progress, ctx, rep, e);
}

/* ---- withdrawal ---- */

int petition_set_signing(sqlite3 *db, long long id, int open, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT status, purged_at IS NOT NULL FROM petitions WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(e, ERR_NOTFOUND, "no petition %lld", id);
	}
	int collecting = !strcmp(db_text(st, 0), "collecting"), purged = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	if (open && (!collecting || purged))
		return err_set(e, ERR_USAGE, "petition %lld no longer collects signatures: online signing cannot open",
		               id);
	st = db_prepare(db, "UPDATE petitions SET signing_open = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
	                    "'now') WHERE id = ?");
	sqlite3_bind_int(st, 1, open ? 1 : 0);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : err_set(e, ERR_DB, "could not change petition %lld: %s", id, sqlite3_errmsg(db));
}

int petition_withdraw(sqlite3 *db, long long sig_id, const char *by, long long *petition_id, struct err *e)
{
	if (!by || !*by)
		BUG("petition_withdraw without who");
	sqlite3_stmt *st = db_prepare(db, "SELECT s.petition_id, s.withdrawn_at, p.purged_at, s.duplicate_of "
	                                  "FROM signatures s JOIN petitions p ON p.id = s.petition_id WHERE s.id = ?");
	sqlite3_bind_int64(st, 1, sig_id);
	int r = 0;
	long long pid = 0;
	int original = 0;
	if (sqlite3_step(st) != SQLITE_ROW)
		r = err_set(e, ERR_NOTFOUND, "no signature %lld", sig_id);
	else if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		r = err_set(e, ERR_USAGE, "the personal data of petition %lld was deleted: nothing to withdraw",
		            sqlite3_column_int64(st, 0));
	else if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		r = err_set(e, ERR_EXISTS, "signature %lld was already withdrawn on %s", sig_id, db_text(st, 1));
	else {
		pid = sqlite3_column_int64(st, 0);
		original = sqlite3_column_type(st, 3) == SQLITE_NULL;
	}
	sqlite3_finalize(st);
	if (r || (r = db_begin(db, e)))
		return r;
	st = db_prepare(db, "UPDATE signatures SET withdrawn_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
	                    "withdrawn_by = ? WHERE id = ?");
	db_bind_text(st, 1, by);
	sqlite3_bind_int64(st, 2, sig_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && original) {
		/* its duplicates now count from the earliest one left */
		st = db_prepare(db, "SELECT min(id) FROM signatures WHERE duplicate_of = ? AND withdrawn_at IS NULL");
		sqlite3_bind_int64(st, 1, sig_id);
		long long next = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (next) {
			st = db_prepare(db,
			                "UPDATE signatures SET duplicate_of = CASE WHEN id = ?1 THEN NULL ELSE ?1 END "
			                "WHERE duplicate_of = ?2");
			sqlite3_bind_int64(st, 1, next);
			sqlite3_bind_int64(st, 2, sig_id);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	if (rc != SQLITE_DONE) {
		r = db_fail(db, e, "withdrawing the signature");
		db_rollback(db);
		return r;
	}
	if ((r = db_commit(db, e)))
		return r;
	if (petition_id)
		*petition_id = pid;
	return 0;
}

/* ---- export ---- */

static void csv_append(struct buf *out, const char *s, size_t n)
{
	int quote = 0;
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		buf_append(out, s, n);
		return;
	}
	buf_append(out, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_append(out, "\"", 1);
		buf_append(out, s + i, 1);
	}
	buf_append(out, "\"", 1);
}

int petition_export_rows(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                         petition_row_fn fn, void *ctx, long long *count, struct err *e)
{
	*count = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT rule, purged_at FROM petitions WHERE id = ?");
	sqlite3_bind_int64(st, 1, petition_id);
	char rule[32] = "";
	int r = 0;
	if (sqlite3_step(st) != SQLITE_ROW)
		r = err_set(e, ERR_NOTFOUND, "no petition %lld", petition_id);
	else if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		r = err_set(e, ERR_USAGE,
		            "the personal data of petition %lld was deleted on %s: there is no list to export",
		            petition_id, db_text(st, 1));
	else
		snprintf(rule, sizeof(rule), "%s", db_text(st, 0));
	sqlite3_finalize(st);
	json_t *columns = NULL;
	if (r || (r = rule_columns(db, overrides_dir, rule, &columns, e)))
		return r;
	size_t ncols = json_array_size(columns);
	if (ncols > 32)
		ncols = 32;
	const char *values[32];
	size_t lens[32];
	struct buf plain[32];
	for (size_t i = 0; i < ncols; i++) {
		values[i] = json_string_value(json_array_get(columns, i));
		lens[i] = strlen(values[i]);
		buf_init(&plain[i], 0);
	}
	r = fn(ctx, 0, values, lens, ncols, e);

	/* columns 1..5 are the sealed fields in F_ order, 6 the commune */
	st = db_prepare(db, "SELECT id, first_name, last_name, cin, address, contact, commune_code FROM signatures "
	                    "WHERE petition_id = ? AND withdrawn_at IS NULL AND duplicate_of IS NULL ORDER BY id");
	sqlite3_bind_int64(st, 1, petition_id);
	while (!r && sqlite3_step(st) == SQLITE_ROW) {
		long long sid = sqlite3_column_int64(st, 0);
		for (size_t i = 0; i < ncols && !r; i++) {
			const char *name = json_string_value(json_array_get(columns, i));
			int f = field_index(name, strlen(name));
			vault_buf_wipe(&plain[i]);
			if (f == F_COMMUNE) {
				buf_appends(&plain[i], db_text(st, 6));
			} else if (f >= 0 && f < N_SEALED && sqlite3_column_type(st, 1 + f) != SQLITE_NULL) {
				char context[96];
				snprintf(context, sizeof(context), "signature.%s:%lld:%lld", field_names[f],
				         petition_id, sid);
				r = vault_unseal(v, sqlite3_column_blob(st, 1 + f),
				                 (size_t)sqlite3_column_bytes(st, 1 + f), context, &plain[i], e);
				if (r)
					err_prefix(e, "signature %lld, %s", sid, field_names[f]);
			}
			values[i] = plain[i].data ? plain[i].data : "";
			lens[i] = plain[i].len;
		}
		if (!r)
			r = fn(ctx, *count + 1, values, lens, ncols, e);
		if (!r)
			(*count)++;
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < ncols; i++)
		vault_buf_wipe(&plain[i]);
	json_decref(columns);
	return r;
}

static int csv_row(void *ctx, long long row, const char *const *values, const size_t *lens, size_t n,
                   struct err *e)
{
	(void)row;
	(void)e;
	struct buf *out = ctx;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_append(out, ",", 1);
		csv_append(out, values[i], lens[i]);
	}
	buf_append(out, "\r\n", 2);
	return 0;
}

int petition_export_csv(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                        struct buf *out, long long *count, struct err *e)
{
	buf_reset(out);
	buf_append(out, "\xEF\xBB\xBF", 3);
	return petition_export_rows(db, v, overrides_dir, petition_id, csv_row, out, count, e);
}

/* ---- purge ---- */

int petition_purge(sqlite3 *db, long long petition_id, long long *count, struct err *e)
{
	*count = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT status, purged_at FROM petitions WHERE id = ?");
	sqlite3_bind_int64(st, 1, petition_id);
	int r = 0;
	if (sqlite3_step(st) != SQLITE_ROW)
		r = err_set(e, ERR_NOTFOUND, "no petition %lld", petition_id);
	else if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		r = err_set(e, ERR_EXISTS, "the personal data of petition %lld was already deleted on %s", petition_id,
		            db_text(st, 1));
	else if (strcmp(db_text(st, 0), "closed") && strcmp(db_text(st, 0), "refused") &&
	         strcmp(db_text(st, 0), "accepted"))
		r = err_set(e, ERR_USAGE,
		            "petition %lld is %s: its personal data is deleted once the procedure is over (closed, "
		            "refused or accepted)",
		            petition_id, db_text(st, 0));
	sqlite3_finalize(st);
	if (r)
		return r;
	/* overwrite the old values in the file's pages instead of leaving them in free space */
	if ((r = db_exec(db, "PRAGMA secure_delete = ON", e)))
		return r;
	if (!(r = db_begin(db, e))) {
		st = db_prepare(
		    db, "UPDATE signatures SET first_name = NULL, last_name = NULL, cin = NULL, address = NULL, "
		        "contact = NULL, cin_hash = NULL, withdrawal_hash = NULL WHERE petition_id = ?");
		sqlite3_bind_int64(st, 1, petition_id);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		*count = sqlite3_changes(db);
		if (rc == SQLITE_DONE) {
			st = db_prepare(db, "UPDATE petitions SET purged_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
			                    "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?");
			sqlite3_bind_int64(st, 1, petition_id);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
		}
		if (rc != SQLITE_DONE) {
			r = db_fail(db, e, "deleting the personal data");
			db_rollback(db);
		} else {
			r = db_commit(db, e);
		}
	}
	if (!r)
		/* the WAL still holds the pages as they were: copy them back and empty it */
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
	return r;
}
