/* Petitions and their sealed signatures: creation, counts, signing, CSV import and export, withdrawal, purge. */
#include "petition/petition.h"

#include <ctype.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/fs.h"
#include "base/utf8.h"
#include "campaign/campaign.h"
#include "petition/cin.h"
#include "petition/rules.h"
#include "petition/vault.h"
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
	struct buf sealed[N_SEALED];
	struct buf value[F_NFIELDS]; /* trimmed copies of what is signed; wiped after each signature */
};

static void signer_release(struct signer *s)
{
	sqlite3_finalize(s->commune);
	sqlite3_finalize(s->dup);
	sqlite3_finalize(s->insert);
	sqlite3_finalize(s->seal);
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

static int csv_blank(const struct csv *c)
{
	if (c->nf != 1)
		return 0;
	for (size_t i = 0; i < c->len[0]; i++)
		if (!is_blank((unsigned char)csv_field(c, 0)[i]))
			return 0;
	return 1;
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

/* Maps the header's columns to fields; ERR_FORMAT naming a column that is unknown, repeated or missing. */
static int read_header(const struct csv *c, json_t *columns, const char *rule, int map[64], struct err *e)
{
	int seen[F_NFIELDS] = {0};
	if (c->bad[0])
		return err_set(e, ERR_FORMAT, "line 1 (the header): %s", c->bad);
	if (c->nf > 64)
		return err_set(e, ERR_FORMAT, "line 1 (the header): %d columns, more than 64", c->nf);
	char *wanted = NULL;
	{
		struct buf w = BUF_INIT;
		size_t i;
		json_t *x;
		json_array_foreach(columns, i, x) buf_appendf(&w, "%s%s", i ? "," : "", json_string_value(x));
		wanted = buf_detach(&w);
	}
	int r = 0;
	for (int i = 0; i < c->nf && !r; i++) {
		char name[64];
		const char *p = csv_field(c, i);
		size_t n = c->len[i];
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
		if (f < 0 || (!in_rule && f != F_CONTACT && f != F_SIGNATURE))
			r = err_set(
			    e, ERR_FORMAT,
			    "line 1 (the header), column %d: unknown column \"%s\": the rule set %s asks for %s", i + 1,
			    name, rule, wanted);
		else if (seen[f]++)
			r = err_set(e, ERR_FORMAT, "line 1 (the header): the column %s is there twice", name);
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
			r = err_set(e, ERR_FORMAT,
			            "line 1 (the header): the column %s is missing (the rule set %s asks for %s)",
			            json_string_value(x), rule, wanted);
	}
	free(wanted);
	return r;
}

int petition_import_csv(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                        const char *path,
                        void (*progress)(void *ctx, unsigned long long done, unsigned long long total,
                                         const char *current),
                        void *ctx, struct petition_import_report *rep, struct err *e)
{
	memset(rep, 0, sizeof(*rep));
	struct signer s;
	int r = signer_open(db, v, petition_id, &s, e);
	if (r)
		return r;
	struct buf file = BUF_INIT;
	json_t *columns = NULL;
	struct csv c;
	memset(&c, 0, sizeof(c));
	buf_init(&c.rec, 0);
	int in_tx = 0;
	long long cache_was = 0;
	if ((r = fs_read_file(path, IMPORT_MAX_BYTES, &file, e)))
		goto done;
	if ((r = rule_columns(db, overrides_dir, s.rule, &columns, e)))
		goto done;
	const char *data = file.data ? file.data : "";
	size_t len = file.len;
	if (len >= 2 && (((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE) ||
	                 ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF))) {
		r = err_set(e, ERR_ENCODING, "%s: UTF-16 text: save the file as \"CSV UTF-8\"", path);
		goto done;
	}
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	size_t bad_line, bad_byte;
	if (len && utf8_validate(data, len, &bad_line, &bad_byte)) {
		r = err_set(e, ERR_ENCODING,
		            "%s, line %zu: not UTF-8 text (Latin-1 or Windows-1256?): save the file as \"CSV UTF-8\"; "
		            "nothing was imported",
		            path, bad_line);
		goto done;
	}
	c.p = data;
	c.end = data + len;
	c.line = 1;
	long long line;
	if (!csv_next(&c, &line)) {
		r = err_set(e, ERR_EMPTY, "%s: empty file: the first line names the columns", path);
		goto done;
	}
	int map[64];
	if ((r = read_header(&c, columns, s.rule, map, e))) {
		err_prefix(e, "%s", path);
		goto done;
	}
	int ncols = c.nf;

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
	while (csv_next(&c, &line)) {
		if (csv_blank(&c))
			continue;
		if (!in_tx) {
			if ((r = db_begin(db, e)))
				goto done;
			in_tx = 1;
			rows_at_batch = rep->nrows;
		}
		if (c.bad[0]) {
			rep->rejected++;
			report_row(rep, line, 0, "%s", c.bad);
		} else if (c.nf != ncols) {
			rep->rejected++;
			report_row(rep, line, 0, "%d fields where the header has %d", c.nf, ncols);
		} else {
			struct err re = ERR_INIT;
			int rr = 0;
			for (int i = 0; i < ncols && !rr; i++)
				if (map[i] != F_SIGNATURE)
					rr = take_value(&s.value[map[i]], csv_field(&c, i), c.len[i], map[i], &re);
			struct signed_info info;
			if (!rr)
				rr = signer_add(&s, "import", 0, line, &info, &re);
			signer_wipe_values(&s);
			if (rr == ERR_USAGE) {
				rep->rejected++;
				report_row(rep, line, 0, "%s", re.msg);
			} else if (rr) {
				r = err_set(e, rr, "%s, line %lld: %s", path, line, re.msg);
				goto done;
			} else if (info.dup_of) {
				pending_dups++;
				if (info.dup_import && info.dup_of > before)
					report_row(rep, line, 1,
					           "duplicate: same ID number as line %lld (signature %lld)",
					           info.dup_row, info.dup_of);
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
			if (progress)
				progress(ctx, (unsigned long long)(c.p - data), (unsigned long long)len, path);
		}
	}
	if (in_tx) {
		if ((r = db_commit(db, e)))
			goto done;
		in_tx = 0;
	}
	rep->added += pending_added;
	rep->duplicates += pending_dups;
	if (progress)
		progress(ctx, (unsigned long long)len, (unsigned long long)len, path);
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
	buf_release(&c.rec);
	buf_release(&file);
	return r;
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

int petition_export_csv(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                        struct buf *out, long long *count, struct err *e)
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
	buf_reset(out);
	buf_append(out, "\xEF\xBB\xBF", 3);
	for (size_t i = 0; i < ncols; i++) {
		const char *name = json_string_value(json_array_get(columns, i));
		if (i)
			buf_append(out, ",", 1);
		csv_append(out, name, strlen(name));
	}
	buf_append(out, "\r\n", 2);

	/* columns 1..5 are the sealed fields in F_ order, 6 the commune */
	st = db_prepare(db, "SELECT id, first_name, last_name, cin, address, contact, commune_code FROM signatures "
	                    "WHERE petition_id = ? AND withdrawn_at IS NULL AND duplicate_of IS NULL ORDER BY id");
	sqlite3_bind_int64(st, 1, petition_id);
	struct buf plain;
	buf_init(&plain, 0);
	while (!r && sqlite3_step(st) == SQLITE_ROW) {
		long long sid = sqlite3_column_int64(st, 0);
		for (size_t i = 0; i < ncols && !r; i++) {
			const char *name = json_string_value(json_array_get(columns, i));
			int f = field_index(name, strlen(name));
			if (i)
				buf_append(out, ",", 1);
			if (f == F_COMMUNE) {
				csv_append(out, db_text(st, 6), strlen(db_text(st, 6)));
			} else if (f >= 0 && f < N_SEALED && sqlite3_column_type(st, 1 + f) != SQLITE_NULL) {
				char context[96];
				snprintf(context, sizeof(context), "signature.%s:%lld:%lld", field_names[f],
				         petition_id, sid);
				r = vault_unseal(v, sqlite3_column_blob(st, 1 + f),
				                 (size_t)sqlite3_column_bytes(st, 1 + f), context, &plain, e);
				if (r)
					err_prefix(e, "signature %lld, %s", sid, field_names[f]);
				else
					csv_append(out, plain.data, plain.len);
				vault_buf_wipe(&plain);
			}
		}
		buf_append(out, "\r\n", 2);
		(*count)++;
	}
	sqlite3_finalize(st);
	vault_buf_wipe(&plain);
	json_decref(columns);
	return r;
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
