/* Drafting: document types, drafts and their versions, assembly into a finished document. */
#include "draft/draft.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/embed.h"
#include "base/fs.h"
#include "base/mustache.h"
#include "base/utf8.h"
#include "campaign/campaign.h"
#include "store/db.h"
#include "base/banned.h"

const char *const draft_type_names[] = {
    "petition-commune", "petition-province", "petition-region", "petition-government", "motion",
    "advisory-opinion", "memorandum",       "policy-brief",    "information-request", NULL,
};
const char *const draft_statuses[] = {"draft", "review", "final", "submitted", NULL};
const char *const draft_formats[] = {"docx", "odt", "pdf", "html", "md", NULL};

static const char *const field_kinds[] = {"line", "text", "date", "number", "list", NULL};
static const char *const prefills[] = {
    "campaign.title",        "campaign.goal",  "campaign.target", "campaign.territory",
    "campaign.organisation", "campaign.level", "barriers",        "recommendations",
    "today",                 NULL,
};

/* Largest value a field may hold, and largest template. */
#define FIELD_MAX (256u << 10)
#define TEMPLATE_MAX (1u << 20)

static int in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

/* ---- data files: the workspace's override, else the built-in file ---- */

static char *data_file(const char *overrides_dir, const char *rel, size_t *len, struct err *e)
{
	if (overrides_dir) {
		char *path = fs_join(overrides_dir, rel);
		if (fs_exists(path)) {
			struct buf b = BUF_INIT;
			int r = fs_read_file(path, TEMPLATE_MAX, &b, e);
			free(path);
			if (r) {
				buf_release(&b);
				return NULL;
			}
			*len = b.len;
			if (!b.data)
				return xstrdup("");
			return buf_detach(&b);
		}
		free(path);
	}
	const struct embed_file *f = embed_find(rel);
	if (!f) {
		err_set(e, ERR_NOTFOUND, "there is no file %s", rel);
		return NULL;
	}
	*len = f->size;
	return xstrndup((const char *)f->data, f->size);
}

/* ---- types ---- */

/* A damaged type definition: the message, after the file's name. */
#define TYPE_ERROR(...) (err_set(e, ERR_FORMAT, __VA_ARGS__), err_prefix(e, "%s", rel), ERR_FORMAT)

static int type_check(json_t *t, const char *name, const char *rel, struct err *e)
{
	if (!json_is_object(t))
		return TYPE_ERROR("the file must hold one JSON object");
	const char *n = json_string_value(json_object_get(t, "name"));
	if (!n || strcmp(n, name))
		return TYPE_ERROR("\"name\" must be \"%s\"", name);
	if (!json_is_object(json_object_get(t, "title")))
		return TYPE_ERROR("\"title\" must give the name in each language");
	json_t *fields = json_object_get(t, "fields");
	if (!json_is_array(fields) || !json_array_size(fields))
		return TYPE_ERROR("\"fields\" must be a list of fields");
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *fname = json_string_value(json_object_get(f, "name"));
		char where[32];
		snprintf(where, sizeof(where), "%zu", i + 1);
		if (!fname || !*fname || strspn(fname, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(fname))
			return TYPE_ERROR("field %s: \"name\" must be lowercase letters, digits and _", where);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(fname, json_string_value(json_object_get(json_array_get(fields, k), "name"))))
				return TYPE_ERROR("field \"%s\" is defined twice", fname);
		const char *kind = json_string_value(json_object_get(f, "kind"));
		if (!in_list(field_kinds, kind))
			return TYPE_ERROR("field \"%s\": \"kind\" must be line, text, date, number or list", fname);
		if (!json_is_object(json_object_get(f, "label")))
			return TYPE_ERROR("field \"%s\" has no \"label\"", fname);
		json_t *req = json_object_get(f, "required");
		if (req && !json_is_boolean(req))
			return TYPE_ERROR("field \"%s\": \"required\" must be true or false", fname);
		json_t *pre = json_object_get(f, "prefill");
		if (pre && !in_list(prefills, json_string_value(pre)))
			return TYPE_ERROR("field \"%s\": unknown \"prefill\" \"%s\"", fname, json_string_value(pre));
	}
	return 0;
}

int draft_type(const char *overrides_dir, const char *name, json_t **out, struct err *e)
{
	*out = NULL;
	if (!in_list(draft_type_names, name))
		return err_set(e, ERR_NOTFOUND, "no document type \"%s\" (asurif draft types lists them)", name);
	char *rel = xasprintf("draft/types/%s.json", name);
	size_t len = 0;
	char *src = data_file(overrides_dir, rel, &len, e);
	int r = 0;
	if (!src) {
		r = e ? e->code : ERR_NOTFOUND;
		goto cleanup;
	}
	json_error_t je;
	json_t *t = json_loadb(src, len, JSON_REJECT_DUPLICATES, &je);
	if (!t) {
		r = err_set(e, ERR_FORMAT, "%s, line %d: %s", rel, je.line, je.text);
		goto cleanup;
	}
	if ((r = type_check(t, name, rel, e))) {
		json_decref(t);
		goto cleanup;
	}
	*out = t;
cleanup:
	free(src);
	free(rel);
	return r;
}

int draft_types(const char *overrides_dir, json_t **out, struct err *e)
{
	json_t *all = json_array();
	for (size_t i = 0; draft_type_names[i]; i++) {
		json_t *t = NULL;
		int r = draft_type(overrides_dir, draft_type_names[i], &t, e);
		if (r) {
			json_decref(all);
			*out = NULL;
			return r;
		}
		json_array_append_new(all, t);
	}
	*out = all;
	return 0;
}

json_t *draft_type_field(json_t *type, const char *field)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(type, "fields"), i, f) {
		const char *n = json_string_value(json_object_get(f, "name"));
		if (n && !strcmp(n, field))
			return f;
	}
	return NULL;
}

const char *draft_text(json_t *obj, const char *lang)
{
	if (json_is_string(obj))
		return json_string_value(obj);
	const char *order[] = {lang, "ar", "fr", "en"};
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const char *s = order[i] ? json_string_value(json_object_get(obj, order[i])) : NULL;
		if (s && *s)
			return s;
	}
	return "";
}

/* ---- values ---- */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *level_name(const char *level, const char *lang)
{
	static const char *const names[][3] = {
	    {"commune", "الجماعة", "commune"},
	    {"province", "العمالة أو الإقليم", "province"},
	    {"region", "الجهة", "région"},
	    {"national", "المستوى الوطني", "national"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(level, names[i][0]))
			return strcmp(lang, "ar") ? names[i][2] : names[i][1];
	return level;
}

/* A campaign's code (severity, priority, feasibility) as a word of the document's language. */
static const char *code_word(const char *code, const char *lang)
{
	static const char *const words[][3] = {
	    {"high", "مرتفعة", "élevée"},   {"medium", "متوسطة", "moyenne"}, {"low", "منخفضة", "faible"},
	    {"easy", "سهلة", "facile"},     {"hard", "صعبة", "difficile"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(code, words[i][0]))
			return strcmp(lang, "ar") ? words[i][2] : words[i][1];
	return code;
}

/* The value a field starts with, from the campaign's case file; NULL for none. */
static char *prefill_value(json_t *campaign, const char *key, const char *lang)
{
	struct buf b = BUF_INIT;
	if (!strcmp(key, "today")) {
		char d[11];
		today(d);
		return xstrdup(d);
	}
	if (!strcmp(key, "campaign.title"))
		buf_appends(&b, jstr(campaign, "title"));
	else if (!strcmp(key, "campaign.goal"))
		buf_appends(&b, jstr(campaign, "goal"));
	else if (!strcmp(key, "campaign.target")) {
		buf_appends(&b, jstr(campaign, "target"));
		json_t *t = json_object_get(campaign, "territory");
		const char *name = jstr(t, strcmp(lang, "ar") ? "name_fr" : "name_ar");
		/* No authority named: the council of the campaign's territory. */
		if (!b.len && *name) {
			static const char *const councils[][3] = {
			    {"commune", "مجلس جماعة ", "Conseil de la commune de "},
			    {"province", "مجلس عمالة أو إقليم ", "Conseil de la province de "},
			    {"region", "مجلس جهة ", "Conseil de la région "},
			};
			for (size_t i = 0; i < ARRAY_SIZE(councils); i++)
				if (!strcmp(jstr(t, "level"), councils[i][0]))
					buf_appendf(&b, "%s%s", strcmp(lang, "ar") ? councils[i][2] : councils[i][1], name);
		}
	}
	else if (!strcmp(key, "campaign.level"))
		buf_appends(&b, level_name(jstr(campaign, "level"), lang));
	else if (!strcmp(key, "campaign.organisation"))
		buf_appends(&b, jstr(json_object_get(campaign, "organisation"), "name"));
	else if (!strcmp(key, "campaign.territory")) {
		json_t *t = json_object_get(campaign, "territory");
		const char *n = jstr(t, strcmp(lang, "ar") ? "name_fr" : "name_ar");
		buf_appends(&b, *n ? n : jstr(t, "name_fr"));
	} else if (!strcmp(key, "barriers") || !strcmp(key, "recommendations")) {
		int barriers = !strcmp(key, "barriers");
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(campaign, key), i, x) {
			const char *main = jstr(x, barriers ? "title" : "text");
			/* a recommendation's authority is the document's addressee: not repeated */
			const char *more = barriers ? jstr(x, "description") : "";
			if (!*main)
				continue;
			if (b.len)
				buf_appendc(&b, '\n');
			buf_appends(&b, main);
			if (*more)
				buf_appendf(&b, "%s%s", barriers ? ": " : " — ", more);
		}
	}
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	/* One line per item: a value's own line breaks become spaces. */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\r')
			b.data[i] = ' ';
	return buf_detach(&b);
}

/*
 * Merges `values` into `fields` (both objects keyed by field name), checking each against
 * the type. Numbers become strings; "" and null empty a field.
 */
static int merge_values(json_t *type, json_t *fields, json_t *values, struct err *e)
{
	if (!values)
		return 0;
	if (!json_is_object(values))
		return err_set(e, ERR_USAGE, "the field values must be a JSON object keyed by field names");
	const char *k;
	json_t *v;
	json_object_foreach(values, k, v) {
		json_t *def = draft_type_field(type, k);
		if (!def)
			return err_set(e, ERR_USAGE, "\"%s\" is not a field of %s (asurif draft types --json lists them)", k,
				       jstr(type, "name"));
		char num[64];
		const char *s = NULL;
		if (json_is_string(v))
			s = json_string_value(v);
		else if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v)), s = num;
		else if (json_is_real(v))
			snprintf(num, sizeof(num), "%g", json_real_value(v)), s = num;
		else if (!json_is_null(v))
			return err_set(e, ERR_USAGE, "field \"%s\": the value must be text", k);
		size_t len = s ? strlen(s) : 0;
		if (len > FIELD_MAX)
			return err_set(e, ERR_TOO_BIG, "field \"%s\": the text is longer than %u KB", k, FIELD_MAX >> 10);
		if (s && utf8_validate(s, len, NULL, NULL))
			return err_set(e, ERR_ENCODING, "field \"%s\": the text is not valid UTF-8", k);
		const char *kind = jstr(def, "kind");
		if (len && !strcmp(kind, "date")) {
			int y, m, d;
			char tail;
			if (len != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
			    d > 31)
				return err_set(e, ERR_USAGE, "field \"%s\": a date is written YYYY-MM-DD, not \"%s\"", k, s);
		}
		if (len && !strcmp(kind, "number") && strspn(s, "0123456789 .,") != len)
			return err_set(e, ERR_USAGE, "field \"%s\": a number is expected, not \"%s\"", k, s);
		if (len)
			json_object_set_new(fields, k, json_string(s));
		else
			json_object_del(fields, k);
	}
	return 0;
}

static const char *draft_title_of(json_t *type, json_t *fields, const char *lang)
{
	static const char *const keys[] = {"subject", "title", "law_title", "question", "key_message"};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *s = json_string_value(json_object_get(fields, keys[i]));
		if (s && *s)
			return s;
	}
	return draft_text(json_object_get(type, "title"), lang);
}

/* The first required field without a value, or NULL. */
static json_t *first_missing(json_t *type, json_t *fields)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(type, "fields"), i, f) {
		if (!json_is_true(json_object_get(f, "required")))
			continue;
		const char *v = json_string_value(json_object_get(fields, jstr(f, "name")));
		size_t n = v ? strlen(v) : 0;
		while (n && strchr(" \t\r\n", v[n - 1]))
			n--;
		if (!n)
			return f;
	}
	return NULL;
}

/* ---- storage ---- */

static int save_version(sqlite3 *db, long long id, json_t *fields, const char *status, const char *note,
			const struct draft_author *who, int *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(n), 0) + 1 FROM draft_versions WHERE draft_id = ?");
	sqlite3_bind_int64(st, 1, id);
	int next = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1;
	sqlite3_finalize(st);
	char *js = json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS);
	st = db_prepare(db, "INSERT INTO draft_versions (draft_id, n, user_id, author, status, note, fields) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, next);
	if (who && who->user_id > 0)
		sqlite3_bind_int64(st, 3, who->user_id);
	db_bind_text(st, 4, who && who->name && *who->name ? who->name : "?");
	db_bind_text(st, 5, status);
	db_bind_text(st, 6, note);
	db_bind_text(st, 7, js);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(js);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "could not save the version: %s", sqlite3_errmsg(db));
	*n = next;
	return 0;
}

struct draft_row {
	long long campaign_id;
	char type[64], lang[8], status[16];
	json_t *fields; /* of the requested version */
	int version;    /* that version's number */
	int latest;
};

static int load_draft(sqlite3 *db, long long id, int version, struct draft_row *d, struct err *e)
{
	memset(d, 0, sizeof(*d));
	sqlite3_stmt *st = db_prepare(db, "SELECT campaign_id, type, lang, status, "
					  "(SELECT max(n) FROM draft_versions WHERE draft_id = drafts.id) "
					  "FROM drafts WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(e, ERR_NOTFOUND, "no draft %lld", id);
	}
	d->campaign_id = sqlite3_column_int64(st, 0);
	snprintf(d->type, sizeof(d->type), "%s", db_text(st, 1));
	snprintf(d->lang, sizeof(d->lang), "%s", db_text(st, 2));
	snprintf(d->status, sizeof(d->status), "%s", db_text(st, 3));
	d->latest = sqlite3_column_int(st, 4);
	sqlite3_finalize(st);
	d->version = version > 0 ? version : d->latest;
	st = db_prepare(db, "SELECT fields FROM draft_versions WHERE draft_id = ? AND n = ?");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, d->version);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(e, ERR_NOTFOUND, "draft %lld has no version %d (it has %d)", id, d->version, d->latest);
	}
	d->fields = json_loads(db_text(st, 0), 0, NULL);
	sqlite3_finalize(st);
	if (!json_is_object(d->fields)) {
		json_decref(d->fields);
		d->fields = NULL;
		return err_set(e, ERR_FORMAT, "draft %lld, version %d: the stored values are damaged", id, d->version);
	}
	return 0;
}

int draft_new(sqlite3 *db, const char *overrides_dir, long long campaign_id, const char *type_name, const char *lang,
	      json_t *values, const struct draft_author *who, long long *id, struct err *e)
{
	json_t *type = NULL, *campaign = NULL, *fields = json_object();
	int r, n = 0;
	*id = 0;
	if (!lang || (strcmp(lang, "ar") && strcmp(lang, "fr"))) {
		r = err_set(e, ERR_USAGE, "the language of a document is ar or fr, not \"%s\"", lang ? lang : "");
		goto cleanup;
	}
	if ((r = draft_type(overrides_dir, type_name, &type, e)))
		goto cleanup;
	if ((r = campaign_json(db, campaign_id, &campaign, e)))
		goto cleanup;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(type, "fields"), i, f) {
		const char *pre = json_string_value(json_object_get(f, "prefill"));
		char *v = pre ? prefill_value(campaign, pre, lang) : NULL;
		if (v)
			json_object_set_new(fields, jstr(f, "name"), json_string(v));
		free(v);
	}
	if ((r = merge_values(type, fields, values, e)))
		goto cleanup;
	if ((r = db_begin(db, e)))
		goto cleanup;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO drafts (campaign_id, type, lang, title) VALUES (?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, campaign_id);
	db_bind_text(st, 2, type_name);
	db_bind_text(st, 3, lang);
	db_bind_text(st, 4, draft_title_of(type, fields, lang));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		r = err_set(e, ERR_DB, "could not start the draft: %s", sqlite3_errmsg(db));
		db_rollback(db);
		goto cleanup;
	}
	*id = sqlite3_last_insert_rowid(db);
	if ((r = save_version(db, *id, fields, "draft", NULL, who, &n, e)) || (r = db_commit(db, e))) {
		db_rollback(db);
		*id = 0;
	}
cleanup:
	json_decref(type);
	json_decref(campaign);
	json_decref(fields);
	return r;
}

int draft_save(sqlite3 *db, const char *overrides_dir, long long id, json_t *values, const struct draft_author *who,
	       int *version, struct err *e)
{
	struct draft_row d;
	json_t *type = NULL, *fields = NULL;
	int r;
	if ((r = load_draft(db, id, 0, &d, e)))
		return r;
	*version = d.version;
	if (!strcmp(d.status, "submitted")) {
		r = err_set(e, ERR_USAGE, "draft %lld was submitted: it can no longer change (start a new one)", id);
		goto cleanup;
	}
	if ((r = draft_type(overrides_dir, d.type, &type, e)))
		goto cleanup;
	fields = json_deep_copy(d.fields);
	if ((r = merge_values(type, fields, values, e)))
		goto cleanup;
	if (json_equal(fields, d.fields))
		goto cleanup;
	if ((r = db_begin(db, e)))
		goto cleanup;
	if ((r = save_version(db, id, fields, d.status, NULL, who, version, e))) {
		db_rollback(db);
		goto cleanup;
	}
	sqlite3_stmt *st = db_prepare(db, "UPDATE drafts SET title = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
					  "'now') WHERE id = ?");
	db_bind_text(st, 1, draft_title_of(type, fields, d.lang));
	sqlite3_bind_int64(st, 2, id);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if ((r = db_commit(db, e)))
		db_rollback(db);
cleanup:
	json_decref(d.fields);
	json_decref(type);
	json_decref(fields);
	return r;
}

static int status_rank(const char *s)
{
	for (int i = 0; draft_statuses[i]; i++)
		if (!strcmp(draft_statuses[i], s))
			return i;
	return -1;
}

int draft_set_status(sqlite3 *db, const char *overrides_dir, long long id, const char *status,
		     const struct draft_author *who, struct err *e)
{
	struct draft_row d;
	json_t *type = NULL;
	int r, n = 0;
	int want = status ? status_rank(status) : -1;
	if (want < 0)
		return err_set(e, ERR_USAGE, "a status is draft, review, final or submitted, not \"%s\"",
			       status ? status : "");
	if ((r = load_draft(db, id, 0, &d, e)))
		return r;
	if (!strcmp(d.status, status))
		goto cleanup;
	if (!strcmp(d.status, "submitted")) {
		r = err_set(e, ERR_USAGE, "draft %lld was submitted: its status stays \"submitted\"", id);
		goto cleanup;
	}
	if (want >= status_rank("final")) {
		if ((r = draft_type(overrides_dir, d.type, &type, e)))
			goto cleanup;
		json_t *missing = first_missing(type, d.fields);
		if (missing) {
			r = err_set(e, ERR_USAGE, "the field \"%s\" (%s) is required before the draft is %s",
				    jstr(missing, "name"), draft_text(json_object_get(missing, "label"), d.lang), status);
			goto cleanup;
		}
	}
	if ((r = db_begin(db, e)))
		goto cleanup;
	char *note = xasprintf("status: %s", status);
	r = save_version(db, id, d.fields, status, note, who, &n, e);
	free(note);
	if (!r) {
		sqlite3_stmt *st = db_prepare(db, "UPDATE drafts SET status = ?, updated_at = "
						  "strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?");
		db_bind_text(st, 1, status);
		sqlite3_bind_int64(st, 2, id);
		if (sqlite3_step(st) != SQLITE_DONE)
			r = err_set(e, ERR_DB, "could not change the status: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
	}
	if (r || (r = db_commit(db, e)))
		db_rollback(db);
cleanup:
	json_decref(d.fields);
	json_decref(type);
	return r;
}

int draft_delete(sqlite3 *db, long long id, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM drafts WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "could not delete draft %lld: %s", id, sqlite3_errmsg(db));
	if (!sqlite3_changes(db))
		return err_set(e, ERR_NOTFOUND, "no draft %lld", id);
	return 0;
}

int draft_json(sqlite3 *db, const char *overrides_dir, long long id, int version, json_t **out, struct err *e)
{
	struct draft_row d;
	json_t *type = NULL;
	int r;
	*out = NULL;
	if ((r = load_draft(db, id, version, &d, e)))
		return r;
	if ((r = draft_type(overrides_dir, d.type, &type, e)))
		goto cleanup;
	json_t *o = json_object();
	sqlite3_stmt *st = db_prepare(db, "SELECT d.title, d.created_at, d.updated_at, c.title FROM drafts d "
					  "JOIN campaigns c ON c.id = d.campaign_id WHERE d.id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(o, "id", json_integer(id));
		json_object_set_new(o, "campaign", json_pack("{s:I, s:s}", "id", (json_int_t)d.campaign_id, "title",
							     db_text(st, 3)));
		json_object_set_new(o, "type", json_string(d.type));
		json_object_set_new(o, "type_title", json_string(draft_text(json_object_get(type, "title"), d.lang)));
		json_object_set_new(o, "lang", json_string(d.lang));
		json_object_set_new(o, "title", json_string(db_text(st, 0)));
		json_object_set_new(o, "status", json_string(d.status));
		json_object_set_new(o, "created_at", json_string(db_text(st, 1)));
		json_object_set_new(o, "updated_at", json_string(db_text(st, 2)));
	}
	sqlite3_finalize(st);
	json_object_set_new(o, "version", json_integer(d.version));
	json_object_set_new(o, "latest", json_integer(d.latest));
	json_object_set(o, "values", d.fields);
	json_t *missing = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(type, "fields"), i, f) {
		const char *v = json_string_value(json_object_get(d.fields, jstr(f, "name")));
		if (json_is_true(json_object_get(f, "required")) && (!v || !*v))
			json_array_append_new(missing, json_string(jstr(f, "name")));
	}
	json_object_set_new(o, "missing", missing);
	json_t *versions = json_array();
	st = db_prepare(db, "SELECT n, author, at, status, note FROM draft_versions WHERE draft_id = ? ORDER BY n");
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(versions,
				      json_pack("{s:i, s:s, s:s, s:s, s:o}", "n", sqlite3_column_int(st, 0), "author",
						db_text(st, 1), "at", db_text(st, 2), "status", db_text(st, 3), "note",
						sqlite3_column_type(st, 4) == SQLITE_NULL ? json_null()
											  : json_string(db_text(st, 4))));
	sqlite3_finalize(st);
	json_object_set_new(o, "versions", versions);
	*out = o;
cleanup:
	json_decref(d.fields);
	json_decref(type);
	return r;
}

int draft_list(sqlite3 *db, long long campaign_id, json_t **out, struct err *e)
{
	(void)e;
	json_t *a = json_array();
	sqlite3_stmt *st = db_prepare(db, "SELECT d.id, d.campaign_id, c.title, d.type, d.lang, d.title, d.status, "
					  "d.updated_at, (SELECT max(n) FROM draft_versions v WHERE v.draft_id = d.id) "
					  "FROM drafts d JOIN campaigns c ON c.id = d.campaign_id "
					  "WHERE ?1 = 0 OR d.campaign_id = ?1 ORDER BY d.updated_at DESC, d.id DESC");
	sqlite3_bind_int64(st, 1, campaign_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    a, json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:s, s:i}", "id",
				 (json_int_t)sqlite3_column_int64(st, 0), "campaign", "id",
				 (json_int_t)sqlite3_column_int64(st, 1), "title", db_text(st, 2), "type", db_text(st, 3),
				 "lang", db_text(st, 4), "title", db_text(st, 5), "status", db_text(st, 6), "updated_at",
				 db_text(st, 7), "version", sqlite3_column_int(st, 8)));
	sqlite3_finalize(st);
	*out = a;
	return 0;
}

/* ---- differences, word by word ---- */

struct words {
	const char **w;
	size_t *len;
	size_t n, alloc_w, alloc_l;
};

/* Splits into words, each with the spaces after it, so that joining them gives the text back. */
static void split_words(const char *s, struct words *out)
{
	memset(out, 0, sizeof(*out));
	while (*s) {
		const char *start = s;
		while (*s && !strchr(" \t\r\n", *s))
			s++;
		while (*s && strchr(" \t\r\n", *s))
			s++;
		out->w = xgrow(out->w, &out->alloc_w, out->n + 1, sizeof(*out->w));
		out->len = xgrow(out->len, &out->alloc_l, out->n + 1, sizeof(*out->len));
		out->w[out->n] = start;
		out->len[out->n++] = (size_t)(s - start);
	}
}

static int word_eq(const struct words *a, size_t i, const struct words *b, size_t j)
{
	/* Compared without their trailing spaces. */
	size_t la = a->len[i], lb = b->len[j];
	while (la && strchr(" \t\r\n", a->w[i][la - 1]))
		la--;
	while (lb && strchr(" \t\r\n", b->w[j][lb - 1]))
		lb--;
	return la == lb && !memcmp(a->w[i], b->w[j], la);
}

static void add_change(json_t *changes, const char *op, const char *s, size_t n)
{
	size_t k = json_array_size(changes);
	json_t *last = k ? json_array_get(changes, k - 1) : NULL;
	if (last && !strcmp(jstr(last, "op"), op)) {
		char *joined = xasprintf("%s%.*s", jstr(last, "text"), (int)n, s);
		json_object_set_new(last, "text", json_string(joined));
		free(joined);
		return;
	}
	json_array_append_new(changes, json_pack("{s:s, s:s%}", "op", op, "text", s, n));
}

/* The longest common subsequence of words; past a size, whole-text replacement. */
static json_t *diff_text(const char *before, const char *after)
{
	struct words a, b;
	split_words(before, &a);
	split_words(after, &b);
	json_t *changes = json_array();
	size_t pre = 0, post = 0;
	while (pre < a.n && pre < b.n && word_eq(&a, pre, &b, pre))
		pre++;
	while (post < a.n - pre && post < b.n - pre && word_eq(&a, a.n - 1 - post, &b, b.n - 1 - post))
		post++;
	size_t n = a.n - pre - post, m = b.n - pre - post;
	for (size_t i = 0; i < pre; i++)
		add_change(changes, "=", a.w[i], a.len[i]);
	if (n && m && (n + 1) * (m + 1) <= 4000000) {
		unsigned *t = xcalloc((n + 1) * (m + 1), sizeof(*t));
#define T(i, j) t[(i) * (m + 1) + (j)]
		for (size_t i = n; i-- > 0;)
			for (size_t j = m; j-- > 0;)
				T(i, j) = word_eq(&a, pre + i, &b, pre + j) ? T(i + 1, j + 1) + 1
				          : T(i + 1, j) >= T(i, j + 1)      ? T(i + 1, j)
									    : T(i, j + 1);
		size_t i = 0, j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && word_eq(&a, pre + i, &b, pre + j)) {
				add_change(changes, "=", a.w[pre + i], a.len[pre + i]);
				i++, j++;
			} else if (j < m && (i == n || T(i, j + 1) >= T(i + 1, j))) {
				add_change(changes, "+", b.w[pre + j], b.len[pre + j]);
				j++;
			} else {
				add_change(changes, "-", a.w[pre + i], a.len[pre + i]);
				i++;
			}
		}
#undef T
		free(t);
	} else {
		for (size_t i = 0; i < n; i++)
			add_change(changes, "-", a.w[pre + i], a.len[pre + i]);
		for (size_t j = 0; j < m; j++)
			add_change(changes, "+", b.w[pre + j], b.len[pre + j]);
	}
	for (size_t i = a.n - post; i < a.n; i++)
		add_change(changes, "=", a.w[i], a.len[i]);
	free(a.w);
	free(a.len);
	free(b.w);
	free(b.len);
	return changes;
}

int draft_diff(sqlite3 *db, const char *overrides_dir, long long id, int va, int vb, json_t **out, struct err *e)
{
	struct draft_row a, b;
	json_t *type = NULL;
	int r;
	*out = NULL;
	if ((r = load_draft(db, id, va, &a, e)))
		return r;
	if ((r = load_draft(db, id, vb, &b, e))) {
		json_decref(a.fields);
		return r;
	}
	if ((r = draft_type(overrides_dir, a.type, &type, e)))
		goto cleanup;
	json_t *res = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(type, "fields"), i, f) {
		const char *name = jstr(f, "name");
		const char *x = jstr(a.fields, name), *y = jstr(b.fields, name);
		if (!strcmp(x, y))
			continue;
		json_array_append_new(res, json_pack("{s:s, s:s, s:s, s:s, s:o}", "field", name, "label",
						     draft_text(json_object_get(f, "label"), a.lang), "before", x, "after",
						     y, "changes", diff_text(x, y)));
	}
	*out = res;
cleanup:
	json_decref(a.fields);
	json_decref(b.fields);
	json_decref(type);
	return r;
}

/* ---- assembly ---- */

/* At most max bytes of s, cut at a space, with "…" when cut. */
static json_t *shorten(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return json_string(s);
	size_t cut = max;
	while (cut > max / 2 && s[cut] != ' ')
		cut--;
	while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	char *t = xasprintf("%.*s…", (int)cut, s);
	json_t *j = json_string(t);
	free(t);
	return j;
}

/* "[1](cite:1)[3](cite:3)" for a list of evidence ids, numbered by their place on the board. */
static char *cites_for(json_t *evidence_ids, json_t *numbers)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *v;
	json_array_foreach(evidence_ids, i, v) {
		char key[32], mark[48];
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(v));
		json_int_t n = json_integer_value(json_object_get(numbers, key));
		snprintf(mark, sizeof(mark), "(cite:%lld)", (long long)n);
		if (n > 0 && !strstr(buf_str(&b), mark))
			buf_appendf(&b, "[%lld]%s", (long long)n, mark);
	}
	return buf_detach(&b);
}

/* The "where" of a source: the article, else the page. */
static char *source_where(json_t *ev, const char *lang)
{
	const char *art = jstr(ev, "article");
	if (*art)
		return xstrdup(art);
	json_int_t page = json_integer_value(json_object_get(ev, "page"));
	if (page > 0)
		return xasprintf(strcmp(lang, "ar") ? "p. %lld" : "ص. %lld", (long long)page);
	return NULL;
}

static json_t *template_data(json_t *type, json_t *campaign, json_t *fields, const char *lang)
{
	char d[11];
	today(d);
	json_t *data = json_object();
	json_object_set_new(data, "lang", json_string(lang));
	json_object_set_new(data, "today", json_string(d));
	json_object_set_new(data, "type", json_string(jstr(type, "name")));
	json_object_set_new(data, "type_title", json_string(draft_text(json_object_get(type, "title"), lang)));

	json_t *fv = json_deep_copy(fields);
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(type, "fields"), i, f) {
		if (strcmp(jstr(f, "kind"), "list"))
			continue;
		const char *v = json_string_value(json_object_get(fields, jstr(f, "name")));
		json_t *items = json_array();
		for (const char *p = v; p && *p;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			size_t s = 0;
			while (s < n && strchr(" \t\r-*•", p[s]))
				s++;
			while (n > s && strchr(" \t\r", p[n - 1]))
				n--;
			if (n > s)
				json_array_append_new(items, json_pack("{s:s%}", "item", p + s, n - s));
			p = nl ? nl + 1 : p + strlen(p);
		}
		char *key = xasprintf("%s_items", jstr(f, "name"));
		json_object_set_new(fv, key, items);
		free(key);
	}
	json_object_set_new(data, "fields", fv);

	json_t *c = json_object();
	static const char *const keys[] = {"title", "goal", "level", "target"};
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		json_object_set_new(c, keys[k], json_string(jstr(campaign, keys[k])));
	json_t *terr = json_object_get(campaign, "territory");
	if (json_is_object(terr)) {
		const char *name = jstr(terr, strcmp(lang, "ar") ? "name_fr" : "name_ar");
		json_object_set_new(c, "territory",
				    json_pack("{s:s, s:s, s:s, s:O, s:s}", "name", *name ? name : jstr(terr, "name_fr"),
					      "name_ar", jstr(terr, "name_ar"), "name_fr", jstr(terr, "name_fr"),
					      "population_2024", json_object_get(terr, "population_2024") ?
								   json_object_get(terr, "population_2024") : json_null(),
					      "level", jstr(terr, "level")));
	}
	json_t *org = json_object_get(campaign, "organisation");
	if (json_is_object(org) && *jstr(org, "name"))
		json_object_set_new(c, "organisation", json_pack("{s:s}", "name", jstr(org, "name")));
	json_object_set_new(data, "campaign", c);

	/* Evidence: numbered in the order it was pinned; these numbers are the sources'. */
	json_t *numbers = json_object(), *ev = json_array();
	json_array_foreach(json_object_get(campaign, "evidence"), i, f) {
		char key[32];
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(f, "id")));
		json_object_set_new(numbers, key, json_integer((json_int_t)i + 1));
		char *cite = xasprintf("[%zu](cite:%zu)", i + 1, i + 1);
		json_t *item = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "n", (int)i + 1, "title",
					 jstr(f, "doc_title"), "issuer", jstr(f, "doc_issuer"), "date", jstr(f, "doc_date"),
					 "note", jstr(f, "note"), "where", "", "cite", cite);
		char *where = source_where(f, lang);
		if (where)
			json_object_set_new(item, "where", json_string(where));
		free(where);
		json_object_set_new(item, "excerpt", shorten(jstr(f, "text"), 400));
		json_array_append_new(ev, item);
		free(cite);
	}
	json_t *barriers = json_array(), *titles = json_object();
	json_array_foreach(json_object_get(campaign, "barriers"), i, f) {
		char *cite = cites_for(json_object_get(f, "evidence"), numbers);
		json_array_append_new(barriers,
				      json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "n", (int)i + 1, "title",
						jstr(f, "title"), "description", jstr(f, "description"), "affected",
						jstr(f, "affected"), "severity", code_word(jstr(f, "severity"), lang), "theme",
						jstr(f, "theme"), "cite", cite));
		free(cite);
		char key[32];
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(f, "id")));
		json_object_set_new(titles, key, json_string(jstr(f, "title")));
	}
	json_t *recs = json_array();
	json_array_foreach(json_object_get(campaign, "recommendations"), i, f) {
		struct buf answers = BUF_INIT;
		json_t *evids = json_array();
		size_t k;
		json_t *bid;
		json_array_foreach(json_object_get(f, "barriers"), k, bid) {
			char key[32];
			snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(bid));
			const char *t = jstr(titles, key);
			if (*t)
				buf_appendf(&answers, "%s%s", answers.len ? (strcmp(lang, "ar") ? "; " : "؛ ") : "", t);
			size_t x;
			json_t *b;
			json_array_foreach(json_object_get(campaign, "barriers"), x, b)
				if (json_integer_value(json_object_get(b, "id")) == json_integer_value(bid))
					json_array_extend(evids, json_object_get(b, "evidence"));
		}
		char *cite = cites_for(evids, numbers);
		json_array_append_new(recs, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "n", (int)i + 1, "text",
						      jstr(f, "text"), "authority", jstr(f, "authority"), "priority",
						      code_word(jstr(f, "priority"), lang), "feasibility",
						      code_word(jstr(f, "feasibility"), lang), "answers",
						      buf_str(&answers), "cite", cite));
		free(cite);
		buf_release(&answers);
		json_decref(evids);
	}
	json_object_set_new(data, "has_barriers", json_boolean(json_array_size(barriers) > 0));
	json_object_set_new(data, "has_recommendations", json_boolean(json_array_size(recs) > 0));
	json_object_set_new(data, "has_evidence", json_boolean(json_array_size(ev) > 0));
	json_object_set_new(data, "barriers", barriers);
	json_object_set_new(data, "recommendations", recs);
	json_object_set_new(data, "evidence", ev);
	json_decref(numbers);
	json_decref(titles);
	return data;
}

struct partials_ctx {
	const char *overrides_dir;
	char *loaded[32];
	size_t n;
};

static int load_partial(void *vctx, const char *name, const char **src, size_t *len)
{
	struct partials_ctx *ctx = vctx;
	if (ctx->n >= ARRAY_SIZE(ctx->loaded) || strstr(name, "..") || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-/.") != strlen(name))
		return -1;
	char *rel = xasprintf("draft/templates/%s.mustache", name);
	char *s = data_file(ctx->overrides_dir, rel, len, NULL);
	free(rel);
	if (!s)
		return -1;
	ctx->loaded[ctx->n++] = s;
	*src = s;
	return 0;
}

int draft_render(sqlite3 *db, const char *overrides_dir, long long id, int version, int preview, struct doc **out,
		 struct err *e)
{
	struct draft_row d;
	json_t *type = NULL, *campaign = NULL, *data = NULL;
	struct partials_ctx pctx = {.overrides_dir = overrides_dir};
	char *rel = NULL, *src = NULL;
	struct buf md = BUF_INIT;
	struct doc *doc = NULL;
	int r;
	*out = NULL;
	if ((r = load_draft(db, id, version, &d, e)))
		return r;
	if ((r = draft_type(overrides_dir, d.type, &type, e)))
		goto cleanup;
	json_t *missing = preview ? NULL : first_missing(type, d.fields);
	if (missing) {
		r = err_set(e, ERR_USAGE, "the field \"%s\" (%s) is required: fill it in first", jstr(missing, "name"),
			    draft_text(json_object_get(missing, "label"), d.lang));
		goto cleanup;
	}
	if ((r = campaign_json(db, d.campaign_id, &campaign, e)))
		goto cleanup;
	data = template_data(type, campaign, d.fields, d.lang);
	rel = xasprintf("draft/templates/%s.%s.md.mustache", d.type, d.lang);
	size_t len = 0;
	if (!(src = data_file(overrides_dir, rel, &len, e))) {
		r = e ? e->code : ERR_NOTFOUND;
		goto cleanup;
	}
	struct mustache_opts o = {MUSTACHE_ESCAPE_MARKDOWN, load_partial, &pctx, 4u << 20, 0};
	if ((r = mustache_render(src, len, data, &o, &md, e))) {
		err_prefix(e, "%s", rel);
		goto cleanup;
	}
	doc = doc_new(d.lang);
	doc_set(&doc->overrides, overrides_dir);
	if ((r = doc_from_markdown(doc, md.data ? md.data : "", md.len, e)))
		goto cleanup;
	json_t *org = json_object_get(campaign, "organisation");
	if (json_is_object(org) && *jstr(org, "name"))
		doc_set(&doc->organisation, jstr(org, "name"));
	const char *date = jstr(d.fields, "date");
	doc_set(&doc->date, *date ? date : jstr(data, "today"));
	if (!doc->title)
		doc_set(&doc->title, draft_text(json_object_get(type, "title"), d.lang));
	size_t i;
	json_t *ev;
	json_array_foreach(json_object_get(campaign, "evidence"), i, ev) {
		char *where = source_where(ev, d.lang);
		json_t *excerpt = shorten(jstr(ev, "text"), 300);
		struct doc_source s = {(char *)jstr(ev, "doc_title"), (char *)jstr(ev, "doc_issuer"),
				       (char *)jstr(ev, "doc_date"),  where,
				       (char *)json_string_value(excerpt), (char *)jstr(ev, "note")};
		doc_add_source(doc, &s);
		free(where);
		json_decref(excerpt);
	}
	if ((r = doc_check(doc, e))) {
		err_prefix(e, "%s", rel);
		goto cleanup;
	}
	*out = doc;
	doc = NULL;
cleanup:
	for (size_t k = 0; k < pctx.n; k++)
		free(pctx.loaded[k]);
	doc_free(doc);
	buf_release(&md);
	free(src);
	free(rel);
	json_decref(data);
	json_decref(campaign);
	json_decref(type);
	json_decref(d.fields);
	return r;
}

const char *draft_format_mime(const char *format)
{
	static const char *const mime[][2] = {
	    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	    {"odt", "application/vnd.oasis.opendocument.text"},
	    {"pdf", "application/pdf"},
	    {"html", "text/html; charset=utf-8"},
	    {"md", "text/markdown; charset=utf-8"},
	};
	for (size_t i = 0; format && i < ARRAY_SIZE(mime); i++)
		if (!strcmp(format, mime[i][0]))
			return mime[i][1];
	return NULL;
}

int draft_export(const struct doc *d, const char *format, struct buf *out, struct err *e)
{
	if (!format)
		format = "";
	if (!strcmp(format, "docx"))
		return export_docx(d, out, e);
	if (!strcmp(format, "odt"))
		return export_odt(d, out, e);
	if (!strcmp(format, "pdf"))
		return export_pdf(d, out, e);
	if (!strcmp(format, "html"))
		return export_html(d, out, e);
	if (!strcmp(format, "md"))
		return export_md(d, out, e);
	return err_set(e, ERR_USAGE, "a format is docx, odt, pdf, html or md, not \"%s\"", format);
}
