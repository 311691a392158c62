/* Campaigns: checking values, creating and changing campaigns, members, themes, reading the case file. */
#include "campaign/campaign.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "campaign/internal.h"
#include "store/db.h"
#include "territory/territory.h"
#include "base/banned.h"

const char *const campaign_levels[] = {"commune", "province", "region", "national", NULL};
const char *const campaign_statuses[] = {"preparing", "active", "won", "closed", NULL};
const char *const campaign_member_roles[] = {"lead", "member", "observer", NULL};
const char *const campaign_severities[] = {"low", "medium", "high", NULL};
const char *const campaign_priorities[] = {"high", "medium", "low", NULL};
const char *const campaign_feasibilities[] = {"easy", "medium", "hard", NULL};
const char *const campaign_stakeholder_types[] = {"council", "ministry", "administration", "association", "business",
                                                  "media",   "donor",    "other",          NULL};
const char *const campaign_positions[] = {"ally", "neutral", "opponent", NULL};
const char *const campaign_event_types[] = {"meeting", "submission", "answer", "other", NULL};

int campaign_one_of(const char *value, const char *const *list)
{
	for (size_t i = 0; value && list[i]; i++)
		if (!strcmp(value, list[i]))
			return 1;
	return 0;
}

/* ---- checking values ---- */

void cp_add(struct campaign_problems *p, const char *field, const char *fmt, ...)
{
	if (!p || p->n >= CAMPAIGN_PROBLEMS_MAX)
		return;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].field, field))
			return; /* one problem per field: the first says what to fix */
	struct campaign_problem *x = &p->v[p->n++];
	snprintf(x->field, sizeof(x->field), "%s", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
	va_end(ap);
}

int cp_result(const struct campaign_problems *p, struct err *e)
{
	if (!p->n)
		return 0;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < p->n; i++)
		buf_appendf(&b, "%s%s: %s", i ? "; " : "", p->v[i].field, p->v[i].msg);
	err_set(e, ERR_USAGE, "%s", buf_str(&b));
	buf_release(&b);
	return ERR_USAGE;
}

void cp_text(struct campaign_problems *p, const char *field, const char *s, size_t max, int multiline, int required)
{
	if (!s) {
		if (required)
			cp_add(p, field, "is needed");
		return;
	}
	size_t n = strlen(s);
	if (utf8_validate(s, n, NULL, NULL)) {
		cp_add(p, field, "is not valid UTF-8 text");
		return;
	}
	size_t chars = 0;
	int blank = 1;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c & 0xC0) != 0x80)
			chars++;
		if (*c < 0x20 && !(multiline && (*c == '\n' || *c == '\t' || *c == '\r'))) {
			cp_add(p, field, "has a control character (byte %u); write plain text", *c);
			return;
		}
		if (*c != ' ' && *c != '\n' && *c != '\t' && *c != '\r')
			blank = 0;
	}
	if (required && blank)
		cp_add(p, field, "is empty");
	else if (chars > max)
		cp_add(p, field, "is too long: %zu characters, at most %zu", chars, max);
}

char *cp_list_text(const char *const *list)
{
	struct buf b = BUF_INIT;
	size_t n = 0;
	while (list[n])
		n++;
	for (size_t i = 0; i < n; i++)
		buf_appendf(&b, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", list[i]);
	buf_append(&b, "", 0);
	return buf_detach(&b);
}

void cp_choice(struct campaign_problems *p, const char *field, const char *value, const char *const *list,
               int may_clear)
{
	if (!value || (may_clear && !*value) || campaign_one_of(value, list))
		return;
	char *l = cp_list_text(list);
	cp_add(p, field, "\"%s\" is not one of: %s", value, l);
	free(l);
}

int cp_date_valid(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

void cp_date(struct campaign_problems *p, const char *field, const char *value, int may_clear)
{
	if (!value || (may_clear && !*value))
		return;
	if (!cp_date_valid(value))
		cp_add(p, field, "\"%s\" is not a real date written YYYY-MM-DD", value);
}

const char *cp_nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

int cp_db_error(sqlite3 *db, struct err *e)
{
	return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(db));
}

int cp_step_done(sqlite3 *db, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);
	int r = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : cp_db_error(db, e);
	sqlite3_finalize(st);
	return r;
}

int cp_begin(sqlite3 *db, int *outer, struct err *e)
{
	*outer = !sqlite3_get_autocommit(db);
	return *outer ? 0 : db_begin(db, e);
}

int cp_end(sqlite3 *db, int outer, int failed, struct err *e)
{
	if (failed) {
		db_rollback(db);
		return e && e->code ? e->code : ERR_DB;
	}
	return outer ? 0 : db_commit(db, e) ? ERR_DB : 0;
}

int cp_touch(sqlite3 *db, long long campaign_id, struct err *e)
{
	sqlite3_stmt *st =
	    db_prepare(db, "UPDATE campaigns SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1");
	sqlite3_bind_int64(st, 1, campaign_id);
	return cp_step_done(db, st, e);
}

json_t *cp_json_text(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	return json_stringn((const char *)sqlite3_column_text(st, col), (size_t)sqlite3_column_bytes(st, col));
}

/* ---- campaigns ---- */

int campaign_exists(sqlite3 *db, long long id, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM campaigns WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found ? 0 : err_set(e, ERR_NOTFOUND, "there is no campaign %lld (see: asurif campaign list)", id);
}

char *campaign_title(sqlite3 *db, long long id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT title FROM campaigns WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	char *t = sqlite3_step(st) == SQLITE_ROW ? xstrdup(db_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	return t;
}

/* The level of the territory with this code ("commune", "province", "region"), or NULL. */
static const char *territory_level_of(sqlite3 *db, const char *code)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 3 FROM communes WHERE code = ?1 UNION ALL "
	                                  "SELECT 2 FROM provinces WHERE code = ?1 UNION ALL "
	                                  "SELECT 1 FROM regions WHERE code = ?1");
	db_bind_text(st, 1, code);
	int l = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return l == 3 ? "commune" : l == 2 ? "province" : l == 1 ? "region" : NULL;
}

/* A campaign's row as it is stored, for updates. */
struct stored {
	char *level, *territory, *start, *end;
};

static void stored_release(struct stored *s)
{
	free(s->level);
	free(s->territory);
	free(s->start);
	free(s->end);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : xstrdup(db_text(st, i));
}

static int stored_get(sqlite3 *db, long long id, struct stored *s, struct err *e)
{
	memset(s, 0, sizeof(*s));
	sqlite3_stmt *st =
	    db_prepare(db, "SELECT level, territory_code, start_date, end_date FROM campaigns WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->level = col_dup(st, 0);
		s->territory = col_dup(st, 1);
		s->start = col_dup(st, 2);
		s->end = col_dup(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return campaign_exists(db, id, e);
	return 0;
}

/* The level and territory a campaign ends up with, from what is given and what is stored. */
struct place {
	const char *level, *territory; /* NULL: none */
};

static struct place resolve_place(sqlite3 *db, const struct campaign_fields *f, const struct stored *s,
                                  struct campaign_problems *p)
{
	struct place out = {s ? s->level : NULL, s ? s->territory : NULL};
	const char *tlevel = NULL;
	if (f->territory && *f->territory) {
		tlevel = territory_level_of(db, f->territory);
		if (!tlevel) {
			cp_add(p, "territory",
			       "no region, province or commune has the code \"%s\" (see: asurif territory NAME)",
			       f->territory);
			return out;
		}
	}
	if (f->level && *f->level)
		out.level = f->level;
	else if (tlevel)
		out.level = tlevel; /* found from the territory */
	else if (f->level)
		out.level = NULL;
	if (f->territory)
		out.territory = cp_nonempty(f->territory);
	else if (f->level && out.level && !strcmp(out.level, "national"))
		out.territory = NULL; /* a campaign becoming national leaves its territory */
	if (!out.territory)
		return out;
	if (!tlevel)
		tlevel = territory_level_of(db, out.territory);
	if (out.level && !strcmp(out.level, "national"))
		cp_add(p, "territory", "a national campaign has no territory (leave it out, or choose another level)");
	else if (out.level && tlevel && strcmp(out.level, tlevel))
		cp_add(p, "territory", "\"%s\" is a %s, not a %s: give the code of a %s, or change the level",
		       out.territory, tlevel, out.level, out.level);
	return out;
}

/* Checks f; *place receives the level and territory to store. */
static void check_fields(sqlite3 *db, const struct campaign_fields *f, const struct stored *s, struct place *place,
                         struct campaign_problems *p)
{
	int updating = s != NULL;
	cp_text(p, "title", f->title, CAMPAIGN_TITLE_MAX, 0, !updating || f->title);
	cp_text(p, "goal", f->goal, CAMPAIGN_TEXT_MAX, 1, 0);
	cp_text(p, "target", f->target, CAMPAIGN_TITLE_MAX, 0, 0);
	cp_text(p, "org", f->org, CAMPAIGN_TITLE_MAX, 0, 0);
	cp_choice(p, "level", f->level, campaign_levels, 1);
	cp_choice(p, "status", f->status, campaign_statuses, !updating);
	cp_date(p, "start", f->start, 1);
	cp_date(p, "end", f->end, 1);
	if (f->territory && *f->territory)
		cp_text(p, "territory", f->territory, 24, 0, 0);
	*place = resolve_place(db, f, s, p);
	const char *start = f->start ? cp_nonempty(f->start) : s ? s->start : NULL;
	const char *end = f->end ? cp_nonempty(f->end) : s ? s->end : NULL;
	if (start && end && cp_date_valid(start) && cp_date_valid(end) && strcmp(end, start) < 0)
		cp_add(p, "end", "the end (%s) comes before the start (%s)", end, start);
	for (size_t i = 0; i < f->nthemes; i++) {
		sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM themes WHERE key = ?1");
		db_bind_text(st, 1, f->themes[i]);
		int known = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!known) {
			struct buf keys = BUF_INIT;
			st = db_prepare(db, "SELECT key FROM themes ORDER BY rowid");
			while (sqlite3_step(st) == SQLITE_ROW)
				buf_appendf(&keys, "%s%s", keys.len ? ", " : "", db_text(st, 0));
			sqlite3_finalize(st);
			cp_add(p, "theme",
			       "\"%s\" is not a theme of this workspace (%s; asurif campaign theme add KEY --name NAME "
			       "adds one)",
			       f->themes[i], buf_str(&keys));
			buf_release(&keys);
		}
	}
}

int campaign_check(sqlite3 *db, long long id, const struct campaign_fields *f, struct campaign_problems *problems,
                   struct err *e)
{
	struct campaign_problems local = {0};
	struct campaign_problems *p = problems ? problems : &local;
	struct stored s = {0};
	if (id && stored_get(db, id, &s, e))
		return e ? e->code : ERR_NOTFOUND;
	struct place place;
	p->n = 0;
	check_fields(db, f, id ? &s : NULL, &place, p);
	stored_release(&s);
	return cp_result(p, e);
}

/* The organisation called name (made if new), in *id; 0 for none. */
static int org_id(sqlite3 *db, const char *name, long long *id, struct err *e)
{
	*id = 0;
	if (!name || !*name)
		return 0;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO organisations(name) VALUES (?1) ON CONFLICT(name) DO NOTHING");
	db_bind_text(st, 1, name);
	if (cp_step_done(db, st, e))
		return ERR_DB;
	st = db_prepare(db, "SELECT id FROM organisations WHERE name = ?1");
	db_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return *id ? 0 : cp_db_error(db, e);
}

static int set_themes(sqlite3 *db, long long id, const char *const *themes, size_t n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM campaign_themes WHERE campaign_id = ?1");
	sqlite3_bind_int64(st, 1, id);
	if (cp_step_done(db, st, e))
		return ERR_DB;
	for (size_t i = 0; i < n; i++) {
		st = db_prepare(
		    db, "INSERT OR IGNORE INTO campaign_themes(campaign_id, theme_key, pos) VALUES (?1, ?2, ?3)");
		sqlite3_bind_int64(st, 1, id);
		db_bind_text(st, 2, themes[i]);
		sqlite3_bind_int64(st, 3, (long long)i);
		if (cp_step_done(db, st, e))
			return ERR_DB;
	}
	return 0;
}

/* Binds the columns of a campaign row: ?2 title … ?10 org. */
static void bind_row(sqlite3_stmt *st, const char *title, const char *goal, const struct place *pl, const char *target,
                     const char *status, const char *start, const char *end, long long org)
{
	db_bind_text(st, 2, title);
	db_bind_text(st, 3, goal ? goal : "");
	db_bind_text(st, 4, pl->level);
	db_bind_text(st, 5, pl->territory);
	db_bind_text(st, 6, target ? target : "");
	db_bind_text(st, 7, status ? status : "preparing");
	db_bind_text(st, 8, start);
	db_bind_text(st, 9, end);
	if (org)
		sqlite3_bind_int64(st, 10, org);
	else
		sqlite3_bind_null(st, 10);
}

int campaign_create(sqlite3 *db, const struct campaign_fields *f, long long by_user, long long *id,
                    struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local = {0};
	struct campaign_problems *p = problems ? problems : &local;
	p->n = 0;
	struct place pl;
	check_fields(db, f, NULL, &pl, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	long long org = 0;
	if (org_id(db, f->org, &org, e))
		goto fail;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO campaigns(title, goal, level, territory_code, target, status, "
	                                  "start_date, end_date, org_id) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	bind_row(st, f->title, f->goal, &pl, f->target, cp_nonempty(f->status), cp_nonempty(f->start),
	         cp_nonempty(f->end), org);
	if (cp_step_done(db, st, e))
		goto fail;
	*id = sqlite3_last_insert_rowid(db);
	if (set_themes(db, *id, f->themes, f->nthemes, e))
		goto fail;
	if (by_user > 0 && campaign_member_set_id(db, *id, by_user, "lead", e))
		goto fail;
	return cp_end(db, outer, 0, e);
fail:
	return cp_end(db, outer, 1, e);
}

int campaign_update(sqlite3 *db, long long id, const struct campaign_fields *f, struct campaign_problems *problems,
                    struct err *e)
{
	struct campaign_problems local = {0};
	struct campaign_problems *p = problems ? problems : &local;
	p->n = 0;
	struct stored s;
	if (stored_get(db, id, &s, e))
		return e ? e->code : ERR_NOTFOUND;
	struct place pl;
	check_fields(db, f, &s, &pl, p);
	int r = cp_result(p, e);
	if (r) {
		stored_release(&s);
		return r;
	}
	int outer;
	if (cp_begin(db, &outer, e)) {
		stored_release(&s);
		return ERR_DB;
	}
	long long org = 0;
	if (f->org && org_id(db, f->org, &org, e))
		goto fail;
	sqlite3_stmt *st = db_prepare(
	    db, "UPDATE campaigns SET title = coalesce(?2, title), goal = coalesce(?3, goal), level = ?4, "
	        "territory_code = ?5, target = coalesce(?6, target), status = coalesce(?7, status), start_date = ?8, "
	        "end_date = ?9, org_id = CASE WHEN ?11 THEN ?10 ELSE org_id END, "
	        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	const char *start = f->start ? cp_nonempty(f->start) : s.start;
	const char *end = f->end ? cp_nonempty(f->end) : s.end;
	bind_row(st, f->title, f->goal, &pl, f->target, f->status, start, end, org);
	if (!f->goal)
		sqlite3_bind_null(st, 3);
	if (!f->target)
		sqlite3_bind_null(st, 6);
	if (!f->status)
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int(st, 11, f->org != NULL);
	if (cp_step_done(db, st, e))
		goto fail;
	if (f->set_themes && set_themes(db, id, f->themes, f->nthemes, e))
		goto fail;
	stored_release(&s);
	return cp_end(db, outer, 0, e);
fail:
	stored_release(&s);
	return cp_end(db, outer, 1, e);
}

int campaign_delete(sqlite3 *db, long long id, struct err *e)
{
	if (campaign_exists(db, id, e))
		return ERR_NOTFOUND;
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM campaigns WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	return cp_step_done(db, st, e);
}

/* ---- members ---- */

int campaign_member_set_id(sqlite3 *db, long long id, long long user_id, const char *role, struct err *e)
{
	if (role && !strcmp(role, "none"))
		role = NULL;
	if (role && !campaign_one_of(role, campaign_member_roles)) {
		char *l = cp_list_text(campaign_member_roles);
		int r = err_set(e, ERR_USAGE, "member: the role \"%s\" is not one of: %s (or none)", role, l);
		free(l);
		return r;
	}
	sqlite3_stmt *st =
	    db_prepare(db, role ? "INSERT INTO campaign_members(campaign_id, user_id, role) VALUES (?1, ?2, ?3) "
	                          "ON CONFLICT(campaign_id, user_id) DO UPDATE SET role = excluded.role"
	                        : "DELETE FROM campaign_members WHERE campaign_id = ?1 AND user_id = ?2");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user_id);
	if (role)
		db_bind_text(st, 3, role);
	if (cp_step_done(db, st, e))
		return ERR_DB;
	return cp_touch(db, id, e);
}

int campaign_member_set(sqlite3 *db, long long id, const char *login, const char *role, struct err *e)
{
	if (campaign_exists(db, id, e))
		return ERR_NOTFOUND;
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM users WHERE login = ?1");
	db_bind_text(st, 1, login);
	long long uid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (!uid)
		return err_set(e, ERR_NOTFOUND, "member: nobody signs in as \"%s\" (see: asurif user list)",
		               login ? login : "");
	return campaign_member_set_id(db, id, uid, role, e);
}

/* ---- themes ---- */

int campaign_theme_set(sqlite3 *db, const char *key, const char *lang, const char *name, struct err *e)
{
	struct campaign_problems p = {0};
	int key_ok = key && strlen(key) >= 2 && strlen(key) <= 32 && key[0] >= 'a' && key[0] <= 'z';
	for (const char *c = key; key_ok && *c; c++)
		key_ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-';
	if (!key_ok)
		cp_add(&p, "key",
		       "\"%s\" is not a theme key: 2 to 32 small Latin letters, digits or '-', starting with a "
		       "letter (e.g. digital-skills)",
		       key ? key : "");
	cp_text(&p, "name", name, CAMPAIGN_TITLE_MAX, 0, 1);
	if (lang && strcmp(lang, "ar") && strcmp(lang, "fr") && strcmp(lang, "en"))
		cp_add(&p, "lang", "\"%s\" is not one of: ar, fr, en", lang);
	if (cp_result(&p, e))
		return ERR_USAGE;
	sqlite3_stmt *st = db_prepare(
	    db, !lang                 ? "INSERT INTO themes(key, name_ar, name_fr, name_en) VALUES (?1, ?2, ?2, ?2) "
	                                "ON CONFLICT(key) DO UPDATE SET name_en = excluded.name_en"
	        : !strcmp(lang, "ar") ? "INSERT INTO themes(key, name_ar, name_fr, name_en) VALUES (?1, ?2, ?2, ?2) "
	                                "ON CONFLICT(key) DO UPDATE SET name_ar = excluded.name_ar"
	        : !strcmp(lang, "fr") ? "INSERT INTO themes(key, name_ar, name_fr, name_en) VALUES (?1, ?2, ?2, ?2) "
	                                "ON CONFLICT(key) DO UPDATE SET name_fr = excluded.name_fr"
	                              : "INSERT INTO themes(key, name_ar, name_fr, name_en) VALUES (?1, ?2, ?2, ?2) "
	                                "ON CONFLICT(key) DO UPDATE SET name_en = excluded.name_en");
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, name);
	return cp_step_done(db, st, e);
}

int campaign_themes_json(sqlite3 *db, json_t **out, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT key, name_ar, name_fr, name_en, "
	                                  "(SELECT count(*) FROM campaign_themes c WHERE c.theme_key = t.key) "
	                                  "FROM themes t ORDER BY rowid");
	json_t *a = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:I}", "key", cp_json_text(st, 0), "name_ar",
		                                   cp_json_text(st, 1), "name_fr", cp_json_text(st, 2), "name_en",
		                                   cp_json_text(st, 3), "campaigns",
		                                   (json_int_t)sqlite3_column_int64(st, 4)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(a);
		return cp_db_error(db, e);
	}
	*out = a;
	return 0;
}

/* ---- reading ---- */

/* {"code","name_ar","name_fr","population_2024"} of a province or region, or null. */
static json_t *area_json(sqlite3 *db, const char *table, const char *code)
{
	if (!code)
		return json_null();
	char *sql = xasprintf("SELECT code, name_ar, name_fr, population_2024 FROM %s WHERE code = ?1", table);
	sqlite3_stmt *st = db_prepare(db, sql);
	free(sql);
	db_bind_text(st, 1, code);
	json_t *o = json_null();
	if (sqlite3_step(st) == SQLITE_ROW)
		o = json_pack("{s:o, s:o, s:o, s:I}", "code", cp_json_text(st, 0), "name_ar", cp_json_text(st, 1),
		              "name_fr", cp_json_text(st, 2), "population_2024",
		              (json_int_t)sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	return o;
}

static json_t *territory_json(sqlite3 *db, const char *level, const char *code)
{
	if (!level || !code)
		return json_null();
	const char *table = !strcmp(level, "commune")    ? "communes"
	                    : !strcmp(level, "province") ? "provinces"
	                                                 : "regions";
	json_t *area = area_json(db, table, code);
	if (json_is_null(area))
		return area;
	/* the keys in the order of campaign.h: code, level, names, population */
	json_t *o = json_pack("{s:O, s:s, s:O, s:O, s:O}", "code", json_object_get(area, "code"), "level", level,
	                      "name_ar", json_object_get(area, "name_ar"), "name_fr", json_object_get(area, "name_fr"),
	                      "population_2024", json_object_get(area, "population_2024"));
	json_decref(area);
	char *province = NULL, *region = NULL;
	if (strcmp(level, "region")) {
		char *sql = xasprintf("SELECT %s, region_code FROM %s WHERE code = ?1",
		                      !strcmp(level, "commune") ? "province_code" : "NULL", table);
		sqlite3_stmt *st = db_prepare(db, sql);
		free(sql);
		db_bind_text(st, 1, code);
		if (sqlite3_step(st) == SQLITE_ROW) {
			province = col_dup(st, 0);
			region = col_dup(st, 1);
		}
		sqlite3_finalize(st);
	}
	json_object_set_new(o, "province", area_json(db, "provinces", province));
	json_object_set_new(o, "region", area_json(db, "regions", region));
	free(province);
	free(region);
	return o;
}

/* The ids a link table gives for one item: SELECT of one column, ?1 bound to id. */
static json_t *ids_json(sqlite3 *db, const char *sql, long long id)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	sqlite3_bind_int64(st, 1, id);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a, json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_finalize(st);
	return a;
}

static json_t *int_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, col));
}

/*
 * Rows of a query as an array of objects: names[i] is column i's key; a name starting
 * with '#' is an integer column (or null).
 */
static json_t *rows_json(sqlite3 *db, const char *sql, long long id, const char *const *names, size_t n)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	sqlite3_bind_int64(st, 1, id);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_object();
		for (size_t i = 0; i < n; i++) {
			if (names[i][0] == '#')
				json_object_set_new(o, names[i] + 1, int_or_null(st, (int)i));
			else
				json_object_set_new(o, names[i], cp_json_text(st, (int)i));
		}
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	return a;
}

int campaign_json(sqlite3 *db, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	sqlite3_stmt *st =
	    db_prepare(db, "SELECT c.title, c.goal, c.level, c.territory_code, c.target, c.status, "
	                   "c.start_date, c.end_date, c.org_id, o.name, c.created_at, c.updated_at "
	                   "FROM campaigns c LEFT JOIN organisations o ON o.id = c.org_id WHERE c.id = ?1");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return campaign_exists(db, id, e) ? ERR_NOTFOUND : cp_db_error(db, e);
	}
	json_t *c = json_object();
	json_object_set_new(c, "id", json_integer(id));
	json_object_set_new(c, "title", cp_json_text(st, 0));
	json_object_set_new(c, "goal", cp_json_text(st, 1));
	json_object_set_new(c, "themes",
	                    rows_json(db,
	                              "SELECT t.key, t.name_ar, t.name_fr, t.name_en FROM campaign_themes c "
	                              "JOIN themes t ON t.key = c.theme_key WHERE c.campaign_id = ?1 ORDER BY c.pos",
	                              id, (const char *const[]){"key", "name_ar", "name_fr", "name_en"}, 4));
	json_object_set_new(c, "level", cp_json_text(st, 2));
	json_object_set_new(c, "target", cp_json_text(st, 4));
	json_object_set_new(
	    c, "territory",
	    territory_json(db, (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3)));
	json_object_set_new(c, "status", cp_json_text(st, 5));
	json_object_set_new(c, "start", cp_json_text(st, 6));
	json_object_set_new(c, "end", cp_json_text(st, 7));
	json_object_set_new(
	    c, "organisation",
	    sqlite3_column_type(st, 8) == SQLITE_NULL
	        ? json_null()
	        : json_pack("{s:I, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 8), "name", cp_json_text(st, 9)));
	json_t *created = cp_json_text(st, 10), *updated = cp_json_text(st, 11);
	sqlite3_finalize(st);

	json_object_set_new(
	    c, "members",
	    rows_json(db,
	              "SELECT u.id, u.login, u.name, m.role FROM campaign_members m JOIN users u ON u.id = m.user_id "
	              "WHERE m.campaign_id = ?1 ORDER BY CASE m.role WHEN 'lead' THEN 0 WHEN 'member' THEN 1 ELSE 2 "
	              "END, u.login",
	              id, (const char *const[]){"#user_id", "login", "name", "role"}, 4));
	json_object_set_new(
	    c, "evidence",
	    rows_json(
	        db,
	        "SELECT e.id, e.passage_id, p.doc_id, e.doc_title, e.doc_issuer, e.doc_date, e.doc_kind, e.doc_hash, "
	        "e.seq, e.page, e.article, e.text, e.note, e.pinned_by, e.pinned_at FROM evidence e "
	        "LEFT JOIN passages p ON p.id = e.passage_id WHERE e.campaign_id = ?1 ORDER BY e.id",
	        id,
	        (const char *const[]){"#id", "#passage_id", "#doc_id", "doc_title", "doc_issuer", "doc_date",
	                              "doc_kind", "doc_hash", "#seq", "#page", "article", "text", "note", "pinned_by",
	                              "pinned_at"},
	        15));
	json_t *barriers =
	    rows_json(db,
	              "SELECT id, title, description, affected, severity, theme_key FROM barriers "
	              "WHERE campaign_id = ?1 ORDER BY id",
	              id, (const char *const[]){"#id", "title", "description", "affected", "severity", "theme"}, 6);
	size_t i;
	json_t *o;
	json_array_foreach(barriers, i, o)
	{
		json_object_set_new(
		    o, "evidence",
		    ids_json(db, "SELECT evidence_id FROM barrier_evidence WHERE barrier_id = ?1 ORDER BY evidence_id",
		             json_integer_value(json_object_get(o, "id"))));
	}
	json_object_set_new(c, "barriers", barriers);
	json_t *recs =
	    rows_json(db,
	              "SELECT id, text, authority, priority, feasibility FROM recommendations WHERE campaign_id = ?1 "
	              "ORDER BY id",
	              id, (const char *const[]){"#id", "text", "authority", "priority", "feasibility"}, 5);
	json_array_foreach(recs, i, o)
	{
		json_object_set_new(o, "barriers",
		                    ids_json(db,
		                             "SELECT barrier_id FROM recommendation_barriers WHERE recommendation_id = "
		                             "?1 ORDER BY barrier_id",
		                             json_integer_value(json_object_get(o, "id"))));
	}
	json_object_set_new(c, "recommendations", recs);
	json_object_set_new(
	    c, "stakeholders",
	    rows_json(db,
	              "SELECT id, name, type, power, interest, position, notes FROM stakeholders "
	              "WHERE campaign_id = ?1 ORDER BY id",
	              id, (const char *const[]){"#id", "name", "type", "#power", "#interest", "position", "notes"}, 7));
	json_object_set_new(c, "events",
	                    rows_json(db,
	                              "SELECT id, date, type, title, notes FROM campaign_events WHERE campaign_id = ?1 "
	                              "ORDER BY date, id",
	                              id, (const char *const[]){"#id", "date", "type", "title", "notes"}, 5));
	json_object_set_new(c, "created_at", created);
	json_object_set_new(c, "updated_at", updated);
	*out = c;
	return 0;
}

int campaign_list_json(sqlite3 *db, long long member_user_id, json_t **out, struct err *e)
{
	sqlite3_stmt *st = db_prepare(
	    db,
	    "SELECT c.id, c.title, c.status, c.level, c.target, c.territory_code, "
	    "coalesce(m.name_ar, p.name_ar, r.name_ar), coalesce(m.name_fr, p.name_fr, r.name_fr), c.start_date, "
	    "c.end_date, o.name, c.updated_at, "
	    "(SELECT count(*) FROM evidence x WHERE x.campaign_id = c.id), "
	    "(SELECT count(*) FROM barriers x WHERE x.campaign_id = c.id), "
	    "(SELECT count(*) FROM recommendations x WHERE x.campaign_id = c.id), "
	    "(SELECT count(*) FROM stakeholders x WHERE x.campaign_id = c.id), "
	    "(SELECT count(*) FROM campaign_events x WHERE x.campaign_id = c.id), "
	    "(SELECT group_concat(theme_key, ' ') FROM (SELECT theme_key FROM campaign_themes t "
	    "WHERE t.campaign_id = c.id ORDER BY pos)) "
	    "FROM campaigns c LEFT JOIN organisations o ON o.id = c.org_id "
	    "LEFT JOIN communes m ON c.level = 'commune' AND m.code = c.territory_code "
	    "LEFT JOIN provinces p ON c.level = 'province' AND p.code = c.territory_code "
	    "LEFT JOIN regions r ON c.level = 'region' AND r.code = c.territory_code "
	    "WHERE ?1 = 0 OR EXISTS (SELECT 1 FROM campaign_members x WHERE x.campaign_id = c.id AND x.user_id = ?1) "
	    "ORDER BY c.updated_at DESC, c.id DESC");
	sqlite3_bind_int64(st, 1, member_user_id);
	json_t *a = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *themes = json_array();
		const char *keys = db_text(st, 17);
		while (*keys) {
			const char *sp = strchr(keys, ' ');
			size_t len = sp ? (size_t)(sp - keys) : strlen(keys);
			json_array_append_new(themes, json_stringn(keys, len));
			keys += len + (sp != NULL);
		}
		json_t *terr = sqlite3_column_type(st, 5) == SQLITE_NULL
		                   ? json_null()
		                   : json_pack("{s:o, s:o, s:o}", "code", cp_json_text(st, 5), "name_ar",
		                               cp_json_text(st, 6), "name_fr", cp_json_text(st, 7));
		json_array_append_new(
		    a, json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o}",
		                 "id", (json_int_t)sqlite3_column_int64(st, 0), "title", cp_json_text(st, 1), "status",
		                 cp_json_text(st, 2), "level", cp_json_text(st, 3), "target", cp_json_text(st, 4),
		                 "territory", terr, "start", cp_json_text(st, 8), "end", cp_json_text(st, 9),
		                 "organisation", cp_json_text(st, 10), "themes", themes, "counts", "evidence",
		                 (json_int_t)sqlite3_column_int64(st, 12), "barriers",
		                 (json_int_t)sqlite3_column_int64(st, 13), "recommendations",
		                 (json_int_t)sqlite3_column_int64(st, 14), "stakeholders",
		                 (json_int_t)sqlite3_column_int64(st, 15), "events",
		                 (json_int_t)sqlite3_column_int64(st, 16), "updated_at", cp_json_text(st, 11)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(a);
		return cp_db_error(db, e);
	}
	*out = a;
	return 0;
}
