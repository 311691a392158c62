/*
 * Moving a case file between workspaces: campaign_export writes campaign_json's object with a
 * format name and version; campaign_import reads it back as a new campaign in one transaction,
 * checking every field (a damaged file names the field and changes nothing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "campaign/campaign.h"
#include "campaign/internal.h"
#include "store/db.h"
#include "base/banned.h"

#define FORMAT_NAME    "asurif-campaign"
#define FORMAT_VERSION 1

int campaign_export(sqlite3 *db, long long id, json_t **out, struct err *e)
{
	if (campaign_json(db, id, out, e))
		return e ? e->code : ERR_NOTFOUND;
	json_object_set_new(*out, "format", json_string(FORMAT_NAME));
	json_object_set_new(*out, "version", json_integer(FORMAT_VERSION));
	return 0;
}

/* What the import is reading, for messages: the file's name and the path to the field. */
struct reader {
	const char *name;
	struct err *e;
};

static int bad(struct reader *rd, const char *path, const char *what)
{
	return err_set(rd->e, ERR_FORMAT, "%s: %s: %s", rd->name, path, what);
}

/* "evidence[3].text" */
static char *field_path(const char *array, size_t i, const char *key)
{
	return key ? xasprintf("%s[%zu].%s", array, i, key) : xasprintf("%s[%zu]", array, i);
}

/* ERR_FORMAT naming the field array[i].key (key alone when array is NULL). */
static int bad_at(struct reader *rd, const char *array, size_t i, const char *key, const char *what)
{
	char *p = array ? field_path(array, i, key) : xstrdup(key);
	int r = bad(rd, p, what);
	free(p);
	return r;
}

/*
 * The text at o.key: *out NULL for null or absent unless required. ERR_FORMAT naming the
 * field for any other type.
 */
static int get_text(struct reader *rd, json_t *o, const char *array, size_t i, const char *key, int required,
                    const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (json_is_string(v)) {
		*out = json_string_value(v);
		if (strlen(*out) != json_string_length(v))
			return bad_at(rd, array, i, key, "the text holds a NUL character");
		return 0;
	}
	if ((!v || json_is_null(v)) && !required)
		return 0;
	return bad_at(rd, array, i, key, v && !json_is_null(v) ? "a text is expected here" : "is missing");
}

/* A whole number at o.key within [min, max]; def when absent or null and not required. */
static int get_int(struct reader *rd, json_t *o, const char *array, size_t i, const char *key, long long min,
                   long long max, int required, long long def, long long *out)
{
	json_t *v = json_object_get(o, key);
	*out = def;
	if (json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max) {
		*out = json_integer_value(v);
		return 0;
	}
	if ((!v || json_is_null(v)) && !required)
		return 0;
	char what[96];
	if (!v || json_is_null(v))
		snprintf(what, sizeof(what), "is missing");
	else
		snprintf(what, sizeof(what), "a whole number from %lld to %lld is expected here", min, max);
	return bad_at(rd, array, i, key, what);
}

/* The array at root.key (absent counts as empty); ERR_FORMAT when it is something else. */
static int get_array(struct reader *rd, json_t *root, const char *key, json_t **out)
{
	*out = json_object_get(root, key);
	if (!*out || json_is_null(*out)) {
		*out = NULL;
		return 0;
	}
	if (!json_is_array(*out))
		return bad(rd, key, "a list is expected here");
	size_t i;
	json_t *o;
	json_array_foreach(*out, i, o)
	{
		if (!json_is_object(o))
			return bad_at(rd, key, i, NULL, "an object is expected here");
	}
	return 0;
}

/* A write refused the values: the field named by the file's path. */
static int refused(struct reader *rd, const char *array, size_t i, const struct campaign_problems *p)
{
	const char *field = p->n ? p->v[0].field : "?";
	const char *msg = p->n ? p->v[0].msg : rd->e->msg;
	char *m = xstrdup(msg); /* rd->e->msg may be msg's own buffer */
	int r = bad_at(rd, array, i, field, m);
	free(m);
	return r;
}

/* Old id -> new id, for the links between items. */
struct idmap {
	long long *from, *to;
	size_t n, alloc_from, alloc_to;
};

static void idmap_put(struct idmap *m, long long from, long long to)
{
	m->from = xgrow(m->from, &m->alloc_from, m->n + 1, sizeof(*m->from));
	m->to = xgrow(m->to, &m->alloc_to, m->n + 1, sizeof(*m->to));
	m->from[m->n] = from;
	m->to[m->n++] = to;
}

static long long idmap_get(const struct idmap *m, long long from)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->from[i] == from)
			return m->to[i];
	return 0;
}

static void idmap_release(struct idmap *m)
{
	free(m->from);
	free(m->to);
}

/* The ids listed at o.key, mapped through m: ERR_FORMAT for an id the file does not have. */
static int get_links(struct reader *rd, json_t *o, const char *array, size_t i, const char *key, const char *what,
                     const struct idmap *m, long long **ids, size_t *n)
{
	json_t *v = json_object_get(o, key);
	*ids = NULL;
	*n = 0;
	if (!v || json_is_null(v))
		return 0;
	char *p = field_path(array, i, key);
	int r = 0;
	if (!json_is_array(v)) {
		r = bad(rd, p, "a list of numbers is expected here");
		goto done;
	}
	*ids = xcalloc(json_array_size(v) + 1, sizeof(**ids));
	size_t k;
	json_t *x;
	json_array_foreach(v, k, x)
	{
		long long to = json_is_integer(x) ? idmap_get(m, json_integer_value(x)) : 0;
		if (!to) {
			char msg[160];
			if (json_is_integer(x))
				snprintf(msg, sizeof(msg), "%s %lld is not in the file", what,
				         (long long)json_integer_value(x));
			else
				snprintf(msg, sizeof(msg), "the %s are given by their numbers", what);
			free(*ids);
			*ids = NULL;
			char *pk = xasprintf("%s[%zu]", p, k);
			r = bad(rd, pk, msg);
			free(pk);
			goto done;
		}
		(*ids)[(*n)++] = to;
	}
done:
	free(p);
	return r;
}

static int import_themes(sqlite3 *db, struct reader *rd, json_t *root, const char ***keys, size_t *nkeys,
                         struct campaign_import_report *rep)
{
	json_t *themes;
	if (get_array(rd, root, "themes", &themes))
		return ERR_FORMAT;
	*keys = xcalloc(json_array_size(themes) + 1, sizeof(**keys));
	size_t i;
	json_t *t;
	json_array_foreach(themes, i, t)
	{
		const char *key, *names[3];
		if (get_text(rd, t, "themes", i, "key", 1, &key) ||
		    get_text(rd, t, "themes", i, "name_ar", 0, &names[0]) ||
		    get_text(rd, t, "themes", i, "name_fr", 0, &names[1]) ||
		    get_text(rd, t, "themes", i, "name_en", 0, &names[2]))
			return ERR_FORMAT;
		sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM themes WHERE key = ?1");
		db_bind_text(st, 1, key);
		int have = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!have) {
			static const char *const langs[] = {"ar", "fr", "en"};
			const char *fallback = names[2] ? names[2] : names[1] ? names[1] : names[0] ? names[0] : key;
			if (campaign_theme_set(db, key, NULL, fallback, rd->e)) {
				struct campaign_problems p = {0};
				cp_add(&p, "key", "%s", rd->e->msg);
				return refused(rd, "themes", i, &p);
			}
			for (int k = 0; k < 3; k++)
				if (names[k] && *names[k] && campaign_theme_set(db, key, langs[k], names[k], rd->e)) {
					struct campaign_problems p = {0};
					cp_add(&p,
					       langs[k][0] == 'a'   ? "name_ar"
					       : langs[k][0] == 'f' ? "name_fr"
					                            : "name_en",
					       "%s", rd->e->msg);
					return refused(rd, "themes", i, &p);
				}
			rep->themes_added++;
		}
		(*keys)[(*nkeys)++] = key;
	}
	return 0;
}

static int import_campaign(sqlite3 *db, struct reader *rd, json_t *root, const char **themes, size_t nthemes,
                           long long *id)
{
	struct campaign_fields f = {0};
	if (get_text(rd, root, NULL, 0, "title", 1, &f.title) || get_text(rd, root, NULL, 0, "goal", 0, &f.goal) ||
	    get_text(rd, root, NULL, 0, "level", 0, &f.level) || get_text(rd, root, NULL, 0, "target", 0, &f.target) ||
	    get_text(rd, root, NULL, 0, "status", 0, &f.status) || get_text(rd, root, NULL, 0, "start", 0, &f.start) ||
	    get_text(rd, root, NULL, 0, "end", 0, &f.end))
		return ERR_FORMAT;
	json_t *terr = json_object_get(root, "territory");
	if (terr && !json_is_null(terr)) {
		if (!json_is_object(terr))
			return bad(rd, "territory", "an object is expected here");
		json_t *code = json_object_get(terr, "code");
		if (!json_is_string(code))
			return bad(rd, "territory.code", "a text is expected here");
		f.territory = json_string_value(code);
	}
	json_t *org = json_object_get(root, "organisation");
	if (org && !json_is_null(org)) {
		if (!json_is_object(org))
			return bad(rd, "organisation", "an object is expected here");
		if (get_text(rd, org, NULL, 0, "name", 1, &f.org))
			return bad(rd, "organisation.name", "a text is expected here");
	}
	f.themes = themes;
	f.nthemes = nthemes;
	struct campaign_problems p = {0};
	if (campaign_create(db, &f, 0, id, &p, rd->e))
		return refused(rd, NULL, 0, &p);
	return 0;
}

/* What the lists of a case file carry from one to the next: the new numbers, the report. */
struct import_state {
	struct idmap evidence, barriers;
	struct campaign_import_report *rep;
};

/* Reads o, the item i of a list, into campaign id; ERR_FORMAT (naming the field) or ERR_DB. */
typedef int import_item(sqlite3 *db, struct reader *rd, json_t *o, size_t i, long long id, struct import_state *s);

/* Takes in each item of the list root.key with one. */
static int import_list(sqlite3 *db, struct reader *rd, json_t *root, const char *key, import_item *one, long long id,
                       struct import_state *s)
{
	json_t *arr;
	if (get_array(rd, root, key, &arr))
		return ERR_FORMAT;
	size_t i;
	json_t *o;
	int r = 0;
	json_array_foreach(arr, i, o)
	{
		if ((r = one(db, rd, o, i, id, s)))
			break;
	}
	return r;
}

static int import_member(sqlite3 *db, struct reader *rd, json_t *m, size_t i, long long id, struct import_state *s)
{
	const char *login, *role;
	if (get_text(rd, m, "members", i, "login", 0, &login) || get_text(rd, m, "members", i, "role", 1, &role))
		return ERR_FORMAT;
	if (!campaign_one_of(role, campaign_member_roles))
		return bad_at(rd, "members", i, "role", "not one of: lead, member, observer");
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM users WHERE login = ?1");
	db_bind_text(st, 1, login);
	long long uid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (!uid) {
		s->rep->members_skipped++;
		return 0;
	}
	if (campaign_member_set_id(db, id, uid, role, rd->e))
		return ERR_DB;
	return 0;
}

static int import_evidence(sqlite3 *db, struct reader *rd, json_t *o, size_t i, long long id, struct import_state *s)
{
	const char *title, *issuer, *date, *kind, *hash, *article, *text, *note, *by, *at;
	long long old, seq, page;
	if (get_int(rd, o, "evidence", i, "id", 1, (long long)1 << 53, 1, 0, &old) ||
	    get_text(rd, o, "evidence", i, "doc_title", 1, &title) ||
	    get_text(rd, o, "evidence", i, "doc_issuer", 0, &issuer) ||
	    get_text(rd, o, "evidence", i, "doc_date", 0, &date) ||
	    get_text(rd, o, "evidence", i, "doc_kind", 1, &kind) ||
	    get_text(rd, o, "evidence", i, "doc_hash", 1, &hash) ||
	    get_int(rd, o, "evidence", i, "seq", 1, 1 << 30, 1, 0, &seq) ||
	    get_int(rd, o, "evidence", i, "page", 0, 1 << 30, 0, 0, &page) ||
	    get_text(rd, o, "evidence", i, "article", 0, &article) ||
	    get_text(rd, o, "evidence", i, "text", 1, &text) || get_text(rd, o, "evidence", i, "note", 0, &note) ||
	    get_text(rd, o, "evidence", i, "pinned_by", 0, &by) || get_text(rd, o, "evidence", i, "pinned_at", 0, &at))
		return ERR_FORMAT;
	struct campaign_problems p = {0};
	cp_text(&p, "doc_title", title, 2000, 1, 1);
	cp_text(&p, "doc_issuer", issuer, 2000, 1, 0);
	cp_date(&p, "doc_date", date, 0);
	cp_text(&p, "doc_kind", kind, 40, 0, 1);
	cp_text(&p, "doc_hash", hash, 128, 0, 0);
	cp_text(&p, "article", article, 200, 1, 0);
	cp_text(&p, "text", text, 1 << 20, 1, 1);
	cp_text(&p, "note", note, CAMPAIGN_TEXT_MAX, 1, 0);
	cp_text(&p, "pinned_by", by, 200, 0, 0);
	cp_text(&p, "pinned_at", at, 40, 0, 0);
	if (idmap_get(&s->evidence, old))
		cp_add(&p, "id", "the number %lld is used twice", old);
	if (p.n)
		return refused(rd, "evidence", i, &p);
	/* the same passage in this hub: a document with the same content, the passage at the same place */
	sqlite3_stmt *st = db_prepare(db, "SELECT p.id FROM passages p JOIN documents d ON d.id = p.doc_id "
	                                  "WHERE d.hash = ?1 AND p.seq = ?2");
	db_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, seq);
	long long passage = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	st = db_prepare(db, "INSERT INTO evidence(campaign_id, passage_id, doc_title, doc_issuer, doc_date, doc_kind, "
	                    "doc_hash, seq, page, article, text, note, pinned_by, pinned_at) VALUES (?1, ?2, ?3, ?4, "
	                    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, coalesce(?14, strftime('%Y-%m-%dT%H:%M:%SZ', "
	                    "'now')))");
	sqlite3_bind_int64(st, 1, id);
	if (passage)
		sqlite3_bind_int64(st, 2, passage);
	db_bind_text(st, 3, title);
	db_bind_text(st, 4, issuer);
	db_bind_text(st, 5, date);
	db_bind_text(st, 6, kind);
	db_bind_text(st, 7, hash);
	sqlite3_bind_int64(st, 8, seq);
	sqlite3_bind_int64(st, 9, page);
	db_bind_text(st, 10, article);
	db_bind_text(st, 11, text);
	db_bind_text(st, 12, note ? note : "");
	db_bind_text(st, 13, by);
	db_bind_text(st, 14, at);
	if (cp_step_done(db, st, rd->e))
		return ERR_DB;
	idmap_put(&s->evidence, old, sqlite3_last_insert_rowid(db));
	s->rep->evidence++;
	s->rep->relinked += passage != 0;
	return 0;
}

static int import_barrier(sqlite3 *db, struct reader *rd, json_t *o, size_t i, long long id, struct import_state *s)
{
	struct campaign_barrier b = {0};
	long long old, *links = NULL, nid = 0;
	if (get_int(rd, o, "barriers", i, "id", 1, (long long)1 << 53, 1, 0, &old) ||
	    get_text(rd, o, "barriers", i, "title", 1, &b.title) ||
	    get_text(rd, o, "barriers", i, "description", 0, &b.description) ||
	    get_text(rd, o, "barriers", i, "affected", 0, &b.affected) ||
	    get_text(rd, o, "barriers", i, "severity", 0, &b.severity) ||
	    get_text(rd, o, "barriers", i, "theme", 0, &b.theme) ||
	    get_links(rd, o, "barriers", i, "evidence", "evidence", &s->evidence, &links, &b.nevidence))
		return ERR_FORMAT;
	if (idmap_get(&s->barriers, old)) {
		free(links);
		return bad_at(rd, "barriers", i, "id", "this number is used twice");
	}
	b.evidence = links;
	struct campaign_problems p = {0};
	int r = campaign_barrier_add(db, id, &b, &nid, &p, rd->e);
	free(links);
	if (r)
		return refused(rd, "barriers", i, &p);
	idmap_put(&s->barriers, old, nid);
	return 0;
}

static int import_recommendation(sqlite3 *db, struct reader *rd, json_t *o, size_t i, long long id,
                                 struct import_state *s)
{
	struct campaign_recommendation rec = {0};
	long long *links = NULL, nid = 0;
	if (get_text(rd, o, "recommendations", i, "text", 1, &rec.text) ||
	    get_text(rd, o, "recommendations", i, "authority", 0, &rec.authority) ||
	    get_text(rd, o, "recommendations", i, "priority", 0, &rec.priority) ||
	    get_text(rd, o, "recommendations", i, "feasibility", 0, &rec.feasibility) ||
	    get_links(rd, o, "recommendations", i, "barriers", "barrier", &s->barriers, &links, &rec.nbarriers))
		return ERR_FORMAT;
	rec.barriers = links;
	struct campaign_problems p = {0};
	int r = campaign_recommendation_add(db, id, &rec, &nid, &p, rd->e);
	free(links);
	if (r)
		return refused(rd, "recommendations", i, &p);
	return 0;
}

static int import_stakeholder(sqlite3 *db, struct reader *rd, json_t *o, size_t i, long long id, struct import_state *s)
{
	(void)s;
	struct campaign_stakeholder sh = {0};
	long long power, interest, nid = 0;
	if (get_text(rd, o, "stakeholders", i, "name", 1, &sh.name) ||
	    get_text(rd, o, "stakeholders", i, "type", 0, &sh.type) ||
	    get_int(rd, o, "stakeholders", i, "power", 1, 5, 0, 3, &power) ||
	    get_int(rd, o, "stakeholders", i, "interest", 1, 5, 0, 3, &interest) ||
	    get_text(rd, o, "stakeholders", i, "position", 0, &sh.position) ||
	    get_text(rd, o, "stakeholders", i, "notes", 0, &sh.notes))
		return ERR_FORMAT;
	char pw[2] = {(char)('0' + power), 0}, in[2] = {(char)('0' + interest), 0};
	sh.power = pw;
	sh.interest = in;
	struct campaign_problems p = {0};
	if (campaign_stakeholder_add(db, id, &sh, &nid, &p, rd->e))
		return refused(rd, "stakeholders", i, &p);
	return 0;
}

static int import_event(sqlite3 *db, struct reader *rd, json_t *o, size_t i, long long id, struct import_state *s)
{
	(void)s;
	struct campaign_event ev = {0};
	long long nid = 0;
	if (get_text(rd, o, "events", i, "date", 1, &ev.date) || get_text(rd, o, "events", i, "type", 0, &ev.type) ||
	    get_text(rd, o, "events", i, "title", 1, &ev.title) || get_text(rd, o, "events", i, "notes", 0, &ev.notes))
		return ERR_FORMAT;
	struct campaign_problems p = {0};
	if (campaign_event_add(db, id, &ev, &nid, &p, rd->e))
		return refused(rd, "events", i, &p);
	return 0;
}

/* The file's own dates: when it was made and last changed, and when each item was made. */
static int import_dates(sqlite3 *db, struct reader *rd, json_t *root, long long id)
{
	const char *created, *updated;
	if (get_text(rd, root, NULL, 0, "created_at", 0, &created) ||
	    get_text(rd, root, NULL, 0, "updated_at", 0, &updated))
		return ERR_FORMAT;
	struct campaign_problems p = {0};
	cp_text(&p, "created_at", created, 40, 0, 0);
	cp_text(&p, "updated_at", updated, 40, 0, 0);
	if (p.n)
		return refused(rd, NULL, 0, &p);
	sqlite3_stmt *st = db_prepare(db, "UPDATE campaigns SET created_at = coalesce(?2, created_at), "
	                                  "updated_at = coalesce(?3, updated_at) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, created);
	db_bind_text(st, 3, updated);
	return cp_step_done(db, st, rd->e);
}

int campaign_import(sqlite3 *db, const char *text, size_t len, const char *name, struct campaign_import_report *rep,
                    struct err *e)
{
	memset(rep, 0, sizeof(*rep));
	struct reader rd = {name ? name : "the file", e};
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_set(e, ERR_FORMAT, "%s: line %d, column %d: %s (is the file whole?)", rd.name, jerr.line,
		               jerr.column, jerr.text);
	const char **themes = NULL;
	size_t nthemes = 0;
	struct import_state s = {.rep = rep};
	int r = 0, outer = 0;
	const char *format = NULL;
	long long version = 0;
	if (!json_is_object(root)) {
		r = bad(&rd, "the file", "a case file is one JSON object");
		goto done;
	}
	if (get_text(&rd, root, NULL, 0, "format", 1, &format) || strcmp(format, FORMAT_NAME)) {
		r = bad(&rd, "format",
		        "this is not a campaign exported by asurif campaign export (\"format\": "
		        "\"" FORMAT_NAME "\")");
		goto done;
	}
	if (get_int(&rd, root, NULL, 0, "version", 1, 1 << 20, 1, 0, &version)) {
		r = ERR_FORMAT;
		goto done;
	}
	if (version > FORMAT_VERSION) {
		r = err_set(e, ERR_FORMAT, "%s: version: the file is of version %lld; this program reads version %d",
		            rd.name, version, FORMAT_VERSION);
		goto done;
	}
	if ((r = cp_begin(db, &outer, e)))
		goto done;
	if (import_themes(db, &rd, root, &themes, &nthemes, rep) ||
	    import_campaign(db, &rd, root, themes, nthemes, &rep->id) ||
	    import_list(db, &rd, root, "members", import_member, rep->id, &s) ||
	    import_list(db, &rd, root, "evidence", import_evidence, rep->id, &s) ||
	    import_list(db, &rd, root, "barriers", import_barrier, rep->id, &s) ||
	    import_list(db, &rd, root, "recommendations", import_recommendation, rep->id, &s) ||
	    import_list(db, &rd, root, "stakeholders", import_stakeholder, rep->id, &s) ||
	    import_list(db, &rd, root, "events", import_event, rep->id, &s) || import_dates(db, &rd, root, rep->id)) {
		r = cp_end(db, outer, 1, e);
		if (!r)
			r = ERR_FORMAT;
		rep->id = 0;
		goto done;
	}
	r = cp_end(db, outer, 0, e);
done:
	free(themes);
	idmap_release(&s.evidence);
	idmap_release(&s.barriers);
	json_decref(root);
	return r;
}
