/* The legal rules of petitions as data: loading, checking, overrides, required signatures, deadlines. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/embed.h"
#include "base/fs.h"
#include "petition/rules.h"
#include "store/db.h"
#include "base/banned.h"

#define RULES_FILE_MAX (1u << 20)
#define RULES_FORMAT   1

const char *const rules_names[] = {"ma/commune", "ma/province", "ma/region", "ma/government", "ma/motion", NULL};

static const char *const statuses[] = {"confirmed", "unconfirmed", "conflicting", NULL};
static const char *const types[] = {"integer", "share", "duration", "threshold", "boolean",
                                    "text",    "list",  "table",    NULL};
static const char *const levels[] = {"commune", "province", "region", "national", NULL};
static const char *const figure_keys[] = {"id",   "type", "label", "value",      "source", "status", "checked_on",
                                          "unit", "days", "from",  "comparison", "note",   NULL};

static int in_set(const char *s, const char *const *set)
{
	for (size_t i = 0; s && set[i]; i++)
		if (!strcmp(s, set[i]))
			return 1;
	return 0;
}

int rules_known(const char *id)
{
	return in_set(id, rules_names);
}

/* ---- dates ---- */

static int is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long long y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* A date written YYYY-MM-DD, checked (no 30 February). */
static int parse_date(const char *s, long long *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	*y = atoll(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > month_days(*y, *m))
		return -1;
	return 0;
}

int rules_date_add(const char *start, long long n, enum rules_unit unit, char out[11], struct err *e)
{
	long long y;
	int m, d;
	out[0] = 0;
	if (parse_date(start, &y, &m, &d))
		return err_set(e, ERR_USAGE, "\"%s\" is not a date (YYYY-MM-DD)", start ? start : "");
	if (n < -120000 || n > 120000)
		return err_set(e, ERR_USAGE, "%lld is too far", n);
	if (unit == RULES_MONTHS) {
		long long months = y * 12 + (m - 1) + n;
		y = months / 12;
		m = (int)(months % 12) + 1;
		if (d > month_days(y, m))
			d = month_days(y, m);
	} else {
		civil_from_days(days_from_civil(y, m, d) + n, &y, &m, &d);
	}
	if (y < 1900 || y > 9999)
		return err_set(e, ERR_USAGE, "the date falls outside the years 1900-9999");
	snprintf(out, 11, "%04lld-%02d-%02d", y, m, d);
	return 0;
}

/* ---- checking ---- */

/* A damaged rule set: "FILE: PATH: message". */
static int bad(struct err *e, const char *file, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(struct err *e, const char *file, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(e, ERR_FORMAT, "%s: %s: %s", file, path, msg);
}

static int positive_int(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) > 0;
}

/* Whether a threshold's brackets are well formed; why not in why. */
static int brackets_ok(json_t *v, char *why, size_t cap)
{
	size_t n = json_array_size(v);
	if (!n) {
		snprintf(why, cap, "must be a whole number above 0 or a non-empty array of brackets");
		return 0;
	}
	long long last = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *b = json_array_get(v, i);
		if (!json_is_object(b)) {
			snprintf(why, cap, "[%zu] must be an object {\"below\" or \"at_most\", \"signatures\"}", i);
			return 0;
		}
		const char *k;
		json_t *x;
		json_object_foreach(b, k, x)
		{
			if (strcmp(k, "below") && strcmp(k, "at_most") && strcmp(k, "signatures")) {
				snprintf(why, cap, "[%zu].%s: unknown key (below, at_most, signatures)", i, k);
				return 0;
			}
		}
		if (!positive_int(json_object_get(b, "signatures"))) {
			snprintf(why, cap, "[%zu].signatures must be a whole number above 0", i);
			return 0;
		}
		json_t *below = json_object_get(b, "below"), *at_most = json_object_get(b, "at_most");
		int limits = (below != NULL) + (at_most != NULL);
		if (i + 1 == n) {
			if (limits) {
				snprintf(why, cap, "[%zu]: the last bracket has no population limit", i);
				return 0;
			}
			continue;
		}
		if (limits != 1) {
			snprintf(why, cap, "[%zu] needs one population limit, \"below\" or \"at_most\"", i);
			return 0;
		}
		json_t *lim = below ? below : at_most;
		if (!positive_int(lim) || json_integer_value(lim) <= last) {
			snprintf(why, cap, "[%zu].%s must be a whole number above the previous limit", i,
			         below ? "below" : "at_most");
			return 0;
		}
		last = json_integer_value(lim);
	}
	return 1;
}

/* Whether v is a valid value for a figure of this type; why not in why. */
static int value_ok(const char *type, json_t *v, char *why, size_t cap)
{
	why[0] = 0;
	if (!strcmp(type, "integer")) {
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			return 1;
		snprintf(why, cap, "must be a whole number, 0 or more");
	} else if (!strcmp(type, "share")) {
		if (json_is_number(v) && json_number_value(v) > 0 && json_number_value(v) <= 1)
			return 1;
		snprintf(why, cap, "must be a number above 0 and at most 1 (0.05 for 5%%)");
	} else if (!strcmp(type, "duration")) {
		if (positive_int(v))
			return 1;
		snprintf(why, cap, "must be a whole number above 0");
	} else if (!strcmp(type, "threshold")) {
		if (positive_int(v))
			return 1;
		if (json_is_array(v))
			return brackets_ok(v, why, cap);
		snprintf(why, cap, "must be a whole number above 0 or an array of brackets by population");
	} else if (!strcmp(type, "boolean")) {
		if (json_is_boolean(v))
			return 1;
		snprintf(why, cap, "must be true or false");
	} else if (!strcmp(type, "text")) {
		if (json_is_string(v) && json_string_length(v))
			return 1;
		snprintf(why, cap, "must be a non-empty string");
	} else if (!strcmp(type, "list")) {
		size_t i;
		json_t *x;
		if (!json_array_size(v)) {
			snprintf(why, cap, "must be a non-empty array of strings");
			return 0;
		}
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x) || !json_string_length(x)) {
				snprintf(why, cap, "[%zu] must be a non-empty string", i);
				return 0;
			}
		}
		return 1;
	} else if (!strcmp(type, "table")) {
		size_t i;
		json_t *x;
		if (!json_is_array(v)) {
			snprintf(why, cap, "must be an array of objects");
			return 0;
		}
		json_array_foreach(v, i, x)
		{
			if (!json_is_object(x)) {
				snprintf(why, cap, "[%zu] must be an object", i);
				return 0;
			}
		}
		return 1;
	} else {
		BUG("figure type %s", type);
	}
	return 0;
}

/* The source, status and checked_on every figure (and the law) carries. */
static int check_provenance(json_t *o, const char *file, const char *path, const char *id, struct err *e)
{
	char p[160];
	const char *source = json_string_value(json_object_get(o, "source"));
	if (!source || !*source)
		return snprintf(p, sizeof(p), "%s.source%s", path, id), bad(e, file, p, "must be a non-empty string");
	const char *status = json_string_value(json_object_get(o, "status"));
	if (!in_set(status, statuses)) {
		snprintf(p, sizeof(p), "%s.status%s", path, id);
		return bad(e, file, p, "must be \"confirmed\", \"unconfirmed\" or \"conflicting\"%s%s%s",
		           status ? ", not \"" : "", status ? status : "", status ? "\"" : "");
	}
	const char *checked = json_string_value(json_object_get(o, "checked_on"));
	long long y;
	int m, d;
	if (parse_date(checked, &y, &m, &d)) {
		snprintf(p, sizeof(p), "%s.checked_on%s", path, id);
		return bad(e, file, p, "must be a date, YYYY-MM-DD");
	}
	if (!json_object_get(o, "value")) {
		snprintf(p, sizeof(p), "%s.value%s", path, id);
		return bad(e, file, p, "is missing");
	}
	return 0;
}

static int check_figure(json_t *f, size_t i, json_t *seen, const char *file, struct err *e)
{
	char path[64], p[200], why[256];
	snprintf(path, sizeof(path), "figures[%zu]", i);
	if (!json_is_object(f))
		return bad(e, file, path, "must be an object");
	const char *id = json_string_value(json_object_get(f, "id"));
	if (!id || !*id || strlen(id) > 63 || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_.") != strlen(id))
		return snprintf(p, sizeof(p), "%s.id", path),
		       bad(e, file, p, "must be a name of small letters, digits, '_' and '.' (up to 63)");
	if (json_object_get(seen, id))
		return snprintf(p, sizeof(p), "%s.id", path), bad(e, file, p, "\"%s\" is used twice", id);
	json_object_set_new(seen, id, json_true());
	const char *k;
	json_t *x;
	json_object_foreach(f, k, x)
	{
		if (!in_set(k, figure_keys)) {
			snprintf(p, sizeof(p), "%s.%s", path, k);
			return bad(
			    e, file, p,
			    "unknown key in figure \"%s\" (id, type, label, value, source, status, checked_on, unit, "
			    "days, from, comparison, note)",
			    id);
		}
		if (strcmp(k, "value") && strcmp(k, "id") && strcmp(k, "type") && !json_is_string(x)) {
			snprintf(p, sizeof(p), "%s.%s", path, k);
			return bad(e, file, p, "must be a string (figure \"%s\")", id);
		}
	}
	const char *type = json_string_value(json_object_get(f, "type"));
	if (!in_set(type, types))
		return snprintf(p, sizeof(p), "%s.type", path),
		       bad(e, file, p,
		           "figure \"%s\": must be integer, share, duration, threshold, boolean, text, list or table",
		           id);
	if (!json_is_string(json_object_get(f, "label")))
		return snprintf(p, sizeof(p), "%s.label", path), bad(e, file, p, "figure \"%s\": is missing", id);
	char label[96];
	snprintf(label, sizeof(label), " (figure \"%s\")", id);
	int r = check_provenance(f, file, path, label, e);
	if (r)
		return r;
	if (!value_ok(type, json_object_get(f, "value"), why, sizeof(why)))
		return snprintf(p, sizeof(p), "%s.value%s", path, label), bad(e, file, p, "a %s %s", type, why);
	if (!strcmp(type, "duration")) {
		const char *unit = json_string_value(json_object_get(f, "unit"));
		if (!unit || (strcmp(unit, "days") && strcmp(unit, "months")))
			return snprintf(p, sizeof(p), "%s.unit", path),
			       bad(e, file, p, "figure \"%s\": a duration's unit must be \"days\" or \"months\"", id);
	}
	return 0;
}

int rules_validate(json_t *rule, const char *file, struct err *e)
{
	if (!json_is_object(rule))
		return err_set(e, ERR_FORMAT, "%s: the file must hold one JSON object", file);
	const char *id = json_string_value(json_object_get(rule, "id"));
	if (!id || !*id)
		return bad(e, file, "id", "must be the rule set's name, e.g. \"ma/commune\"");
	json_t *format = json_object_get(rule, "format");
	if (!json_is_integer(format) || json_integer_value(format) != RULES_FORMAT)
		return bad(e, file, "format", "must be %d", RULES_FORMAT);
	if (!in_set(json_string_value(json_object_get(rule, "level")), levels))
		return bad(e, file, "level", "must be commune, province, region or national");
	json_t *title = json_object_get(rule, "title");
	if (!json_is_object(title) || !json_is_string(json_object_get(title, "en")))
		return bad(e, file, "title", "must be an object of strings by language, with \"en\"");
	const char *k;
	json_t *x;
	json_object_foreach(title, k, x)
	{
		if (!json_is_string(x)) {
			char p[64];
			snprintf(p, sizeof(p), "title.%s", k);
			return bad(e, file, p, "must be a string");
		}
	}
	if (!json_is_string(json_object_get(rule, "authority")))
		return bad(e, file, "authority", "must be a string");
	json_t *law = json_object_get(rule, "law");
	if (!json_is_object(law))
		return bad(e, file, "law", "must be an object {value, source, status, checked_on}");
	int r = check_provenance(law, file, "law", "", e);
	if (r)
		return r;
	json_t *lv = json_object_get(law, "value");
	if (!json_is_object(lv) || !json_is_string(json_object_get(lv, "name")))
		return bad(e, file, "law.value", "must be an object with the law's \"name\"");
	json_t *figures = json_object_get(rule, "figures");
	if (!json_array_size(figures))
		return bad(e, file, "figures", "must be a non-empty array");
	json_t *seen = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(figures, i, f)
	{
		if ((r = check_figure(f, i, seen, file, e)))
			break;
	}
	json_decref(seen);
	if (r)
		return r;
	if (!rules_figure(rule, "threshold"))
		return bad(e, file, "figures", "there must be a figure \"threshold\"");
	if (!strcmp(id, "ma/commune")) {
		json_t *arr = rules_figure(rule, "threshold_arrondissements");
		if (!arr || strcmp(json_string_value(json_object_get(arr, "type")), "integer"))
			return bad(e, file, "figures", "there must be an integer figure \"threshold_arrondissements\"");
	}
	return 0;
}

/* ---- loading ---- */

int rules_load(const char *overrides_dir, const char *id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!rules_known(id))
		return err_set(e, ERR_NOTFOUND,
		               "there is no rule set \"%s\" (ma/commune, ma/province, ma/region, "
		               "ma/government, ma/motion)",
		               id ? id : "");
	char *rel = xasprintf("rules/%s.json", id);
	char *file = NULL;
	struct buf b = BUF_INIT;
	int r = 0;
	if (overrides_dir) {
		char *path = fs_join(overrides_dir, rel);
		if (fs_exists(path)) {
			file = path;
			if ((r = fs_read_file(path, RULES_FILE_MAX, &b, e)))
				goto done;
		} else {
			free(path);
		}
	}
	if (!file) {
		const struct embed_file *ef = embed_find(rel);
		if (!ef)
			BUG("the built-in rule set %s is missing", rel);
		file = xasprintf("%s (built in)", rel);
		buf_append(&b, ef->data, ef->size);
	}
	json_error_t je;
	json_t *rule = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &je);
	if (!rule) {
		r = err_set(e, ERR_FORMAT, "%s, line %d, column %d: %s", file, je.line, je.column, je.text);
		goto done;
	}
	if ((r = rules_validate(rule, file, e))) {
		json_decref(rule);
		goto done;
	}
	if (strcmp(json_string_value(json_object_get(rule, "id")), id)) {
		r = bad(e, file, "id", "must be \"%s\", the file's own name", id);
		json_decref(rule);
		goto done;
	}
	*out = rule;
done:
	buf_release(&b);
	free(file);
	free(rel);
	return r;
}

int rules_load_all(const char *overrides_dir, json_t **out, struct err *e)
{
	json_t *all = json_array();
	*out = NULL;
	for (size_t i = 0; rules_names[i]; i++) {
		json_t *r = NULL;
		int rc = rules_load(overrides_dir, rules_names[i], &r, e);
		if (rc) {
			json_decref(all);
			return rc;
		}
		json_array_append_new(all, r);
	}
	*out = all;
	return 0;
}

json_t *rules_figure(json_t *rule, const char *figure_id)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(rule, "figures"), i, f)
	{
		const char *id = json_string_value(json_object_get(f, "id"));
		if (id && figure_id && !strcmp(id, figure_id))
			return f;
	}
	return NULL;
}

long long rules_int(json_t *rule, const char *figure_id, long long def)
{
	json_t *v = json_object_get(rules_figure(rule, figure_id), "value");
	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

/* ---- values typed by a person ---- */

static int whole_number(const char *s, long long *out)
{
	if (!*s || strlen(s) > 12 || strspn(s, "0123456789") != strlen(s))
		return -1;
	*out = atoll(s);
	return 0;
}

int rules_parse_value(json_t *figure, const char *text, json_t **out, struct err *e)
{
	const char *id = json_string_value(json_object_get(figure, "id"));
	const char *type = json_string_value(json_object_get(figure, "type"));
	char why[256];
	long long n;
	json_t *v = NULL;
	*out = NULL;
	if (!text)
		text = "";
	if (!strcmp(type, "integer") || !strcmp(type, "duration")) {
		if (!whole_number(text, &n))
			v = json_integer(n);
	} else if (!strcmp(type, "share")) {
		size_t len = strlen(text);
		char *end = NULL;
		int pct = len > 1 && text[len - 1] == '%';
		double x = strtod(text, &end);
		if (*text && end == text + len - (size_t)pct && isdigit((unsigned char)text[0]))
			v = json_real(pct ? x / 100 : x);
	} else if (!strcmp(type, "threshold")) {
		if (!whole_number(text, &n))
			v = json_integer(n);
		else if (text[0] == '[')
			v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	} else if (!strcmp(type, "boolean")) {
		if (!strcmp(text, "true") || !strcmp(text, "yes"))
			v = json_true();
		else if (!strcmp(text, "false") || !strcmp(text, "no"))
			v = json_false();
	} else if (!strcmp(type, "text")) {
		v = json_string(text);
	} else if (!strcmp(type, "list")) {
		if (text[0] == '[') {
			v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
		} else {
			v = json_array();
			const char *p = text;
			while (*p) {
				const char *comma = strchr(p, ',');
				size_t len = comma ? (size_t)(comma - p) : strlen(p);
				while (len && isspace((unsigned char)*p))
					p++, len--;
				while (len && isspace((unsigned char)p[len - 1]))
					len--;
				char *word = xstrndup(p, len);
				json_array_append_new(v, json_string(word));
				free(word);
				if (!comma)
					break;
				p = comma + 1;
			}
		}
	} else if (!strcmp(type, "table")) {
		v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	}
	if (!v || !value_ok(type, v, why, sizeof(why))) {
		json_decref(v);
		static const struct {
			const char *type, *form;
		} forms[] = {
		    {"integer", "a whole number, e.g. 300"},
		    {"duration", "a whole number of its unit, e.g. 60"},
		    {"share", "a number above 0 and at most 1, or a percentage: 0.05 or 5%"},
		    {"threshold", "a whole number, e.g. 600, or brackets as JSON: "
		                  "[{\"below\":35000,\"signatures\":100},{\"signatures\":200}]"},
		    {"boolean", "true or false"},
		    {"text", "some text"},
		    {"list", "words separated by commas, or a JSON array of strings"},
		    {"table", "a JSON array of objects"},
		};
		const char *form = "";
		for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++)
			if (!strcmp(forms[i].type, type))
				form = forms[i].form;
		return err_set(e, ERR_USAGE, "\"%s\" is not a value for %s: it wants %s", text, id, form);
	}
	*out = v;
	return 0;
}

/* ---- overrides ---- */

int rules_apply_overrides(sqlite3 *db, json_t *rule, struct err *e)
{
	const char *id = json_string_value(json_object_get(rule, "id"));
	sqlite3_stmt *st = db_prepare(db, "SELECT figure, value, note, login, at FROM rule_overrides_current "
	                                  "WHERE rule = ?1 ORDER BY figure");
	db_bind_text(st, 1, id);
	int rc, r = 0;
	char why[256];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *figure = db_text(st, 0);
		json_t *f = rules_figure(rule, figure);
		if (!f)
			continue;
		const char *type = json_string_value(json_object_get(f, "type"));
		json_t *v = json_loads(db_text(st, 1), JSON_DECODE_ANY, NULL);
		if (!v || !value_ok(type, v, why, sizeof(why))) {
			json_decref(v);
			r = err_set(e, ERR_FORMAT,
			            "the workspace's override of %s %s (by %s, %s) no longer fits the rule data: %s; "
			            "reset it (asurif petition rules reset %s %s)",
			            id, figure, db_text(st, 3), db_text(st, 4), why[0] ? why : "not JSON", id, figure);
			break;
		}
		if (!json_object_get(f, "original"))
			json_object_set(f, "original", json_object_get(f, "value"));
		json_object_set(f, "value", v);
		json_object_set_new(f, "overridden",
		                    json_pack("{s:o, s:s, s:s, s:s}", "value", v, "note", db_text(st, 2), "by",
		                              db_text(st, 3), "at", db_text(st, 4)));
	}
	if (!r && rc != SQLITE_DONE)
		r = err_set(e, ERR_DB, "reading the rule overrides: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return r;
}

/* The figure of a known rule set, loaded with the workspace's file override. */
static int find_figure(const char *overrides_dir, const char *rule, const char *figure, json_t **rs, json_t **f,
                       struct err *e)
{
	*rs = *f = NULL;
	if (!rules_known(rule))
		return err_set(e, ERR_USAGE,
		               "there is no rule set \"%s\" (ma/commune, ma/province, ma/region, "
		               "ma/government, ma/motion)",
		               rule ? rule : "");
	int r = rules_load(overrides_dir, rule, rs, e);
	if (r)
		return r;
	*f = rules_figure(*rs, figure);
	if (*f)
		return 0;
	struct buf ids = BUF_INIT;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(*rs, "figures"), i, x)
	    buf_appendf(&ids, "%s%s", i ? ", " : "", json_string_value(json_object_get(x, "id")));
	err_set(e, ERR_USAGE, "%s has no figure \"%s\" (it has: %s)", rule, figure ? figure : "", buf_str(&ids));
	buf_release(&ids);
	json_decref(*rs);
	*rs = NULL;
	return ERR_USAGE;
}

int rules_override_set(sqlite3 *db, const char *overrides_dir, const char *rule, const char *figure, const char *value,
                       const char *note, const char *by, char **stored, struct err *e)
{
	json_t *rs = NULL, *f = NULL, *v = NULL;
	char *text = NULL;
	if (stored)
		*stored = NULL;
	int r = find_figure(overrides_dir, rule, figure, &rs, &f, e);
	if (r)
		return r;
	if ((r = rules_parse_value(f, value, &v, e)))
		goto done;
	if (!note || !*note) {
		r = err_set(e, ERR_USAGE, "an override needs a note saying why (--note)");
		goto done;
	}
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO rule_overrides(rule, figure, value, note, login) "
	                                  "VALUES (?1, ?2, ?3, ?4, ?5)");
	db_bind_text(st, 1, rule);
	db_bind_text(st, 2, figure);
	db_bind_text(st, 3, text);
	db_bind_text(st, 4, note);
	db_bind_text(st, 5, by && *by ? by : "unknown");
	if (sqlite3_step(st) != SQLITE_DONE)
		r = err_set(e, ERR_DB, "recording the override: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (!r && stored) {
		*stored = text;
		text = NULL;
	}
done:
	free(text);
	json_decref(v);
	json_decref(rs);
	return r;
}

int rules_override_clear(sqlite3 *db, const char *overrides_dir, const char *rule, const char *figure, const char *note,
                         const char *by, struct err *e)
{
	if (!rules_known(rule))
		return err_set(e, ERR_USAGE,
		               "there is no rule set \"%s\" (ma/commune, ma/province, ma/region, "
		               "ma/government, ma/motion)",
		               rule ? rule : "");
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM rule_overrides_current WHERE rule = ?1 AND figure = ?2");
	db_bind_text(st, 1, rule);
	db_bind_text(st, 2, figure);
	int current = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!current) {
		json_t *rs = NULL, *f = NULL;
		int r = find_figure(overrides_dir, rule, figure, &rs, &f, e);
		json_decref(rs);
		if (r)
			return r;
		return err_set(e, ERR_NOTFOUND, "%s %s is not overridden in this workspace", rule, figure);
	}
	st = db_prepare(db,
	                "INSERT INTO rule_overrides(rule, figure, value, note, login) VALUES (?1, ?2, NULL, ?3, ?4)");
	db_bind_text(st, 1, rule);
	db_bind_text(st, 2, figure);
	db_bind_text(st, 3, note && *note ? note : "reset");
	db_bind_text(st, 4, by && *by ? by : "unknown");
	int r = sqlite3_step(st) == SQLITE_DONE ? 0 : err_set(e, ERR_DB, "recording the reset: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return r;
}

int rules_override_history(sqlite3 *db, const char *rule, json_t **out, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT rule, figure, value, note, login, at FROM rule_overrides "
	                                  "WHERE ?1 IS NULL OR rule = ?1 ORDER BY id DESC");
	db_bind_text(st, 1, rule);
	json_t *arr = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *v = sqlite3_column_type(st, 2) == SQLITE_NULL
		                ? json_null()
		                : json_loads(db_text(st, 2), JSON_DECODE_ANY, NULL);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "rule", db_text(st, 0), "figure",
		                                     db_text(st, 1), "value", v ? v : json_null(), "note",
		                                     db_text(st, 3), "by", db_text(st, 4), "at", db_text(st, 5)));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		*out = NULL;
		return err_set(e, ERR_DB, "reading the rule overrides: %s", sqlite3_errmsg(db));
	}
	*out = arr;
	return 0;
}

/* ---- required signatures ---- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void from_fill(struct rules_from *to, json_t *f)
{
	to->figure = dup_or_null(json_string_value(json_object_get(f, "id")));
	to->source = dup_or_null(json_string_value(json_object_get(f, "source")));
	to->status = dup_or_null(json_string_value(json_object_get(f, "status")));
	to->checked_on = dup_or_null(json_string_value(json_object_get(f, "checked_on")));
	json_t *o = json_object_get(f, "overridden");
	to->overridden = o != NULL;
	to->note = dup_or_null(json_string_value(json_object_get(o, "note")));
}

void rules_from_release(struct rules_from *f)
{
	free(f->figure);
	free(f->source);
	free(f->status);
	free(f->checked_on);
	free(f->note);
	memset(f, 0, sizeof(*f));
}

void rules_required_release(struct rules_required *r)
{
	rules_from_release(&r->from);
	rules_from_release(&r->also);
	rules_from_release(&r->spread_from);
	free(r->provinces);
	memset(r, 0, sizeof(*r));
}

long long rules_threshold_for(json_t *value, long long population, char *basis, size_t basis_cap)
{
	if (basis_cap)
		basis[0] = 0;
	if (json_is_integer(value)) {
		if (basis_cap)
			snprintf(basis, basis_cap, "the same for every population");
		return json_integer_value(value);
	}
	char why[128];
	if (!json_is_array(value) || !brackets_ok(value, why, sizeof(why)))
		return -1;
	size_t n = json_array_size(value);
	for (size_t i = 0; i < n; i++) {
		json_t *b = json_array_get(value, i);
		long long s = json_integer_value(json_object_get(b, "signatures"));
		json_t *below = json_object_get(b, "below"), *at_most = json_object_get(b, "at_most");
		if (below && population < json_integer_value(below)) {
			if (basis_cap)
				snprintf(basis, basis_cap, "population %lld: below %lld", population,
				         (long long)json_integer_value(below));
			return s;
		}
		if (at_most && population <= json_integer_value(at_most)) {
			if (basis_cap)
				snprintf(basis, basis_cap, "population %lld: at most %lld", population,
				         (long long)json_integer_value(at_most));
			return s;
		}
		if (!below && !at_most) {
			json_t *prev = i ? json_array_get(value, i - 1) : NULL;
			json_t *pb = json_object_get(prev, "below"), *pa = json_object_get(prev, "at_most");
			if (basis_cap && prev)
				snprintf(basis, basis_cap, "population %lld: %s %lld", population,
				         pb ? "at least" : "above", (long long)json_integer_value(pb ? pb : pa));
			return s;
		}
	}
	return -1;
}

long long rules_spread_min(long long required, double share)
{
	double x = (double)required * share;
	double r = nearbyint(x);
	/* 5% of 400 is 20, not the 20.000000000000004 of binary arithmetic rounded up to 21 */
	if (fabs(x - r) < 1e-6)
		return (long long)r;
	return (long long)ceil(x);
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* Looks up code at one level; 1 when found. */
static int territory_at(sqlite3 *db, enum territory_level level, const char *code, struct territory *t)
{
	static const char *const sql[] = {
	    [TERRITORY_REGION] = "SELECT code, name_fr, name_ar, 'region', population_2024, '', '', '', '' "
	                         "FROM regions WHERE code = ?1",
	    [TERRITORY_PROVINCE] = "SELECT p.code, p.name_fr, p.name_ar, p.type, p.population_2024, '', '', "
	                           "r.name_fr, r.name_ar FROM provinces p JOIN regions r ON r.code = p.region_code "
	                           "WHERE p.code = ?1",
	    [TERRITORY_COMMUNE] = "SELECT c.code, c.name_fr, c.name_ar, c.type, c.population_2024, p.name_fr, "
	                          "p.name_ar, r.name_fr, r.name_ar FROM communes c JOIN provinces p ON p.code = "
	                          "c.province_code JOIN regions r ON r.code = c.region_code WHERE c.code = ?1",
	};
	sqlite3_stmt *st = db_prepare(db, sql[level]);
	db_bind_text(st, 1, code);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		memset(t, 0, sizeof(*t));
		t->level = level;
		copy(t->code, sizeof(t->code), db_text(st, 0));
		copy(t->name_fr, sizeof(t->name_fr), db_text(st, 1));
		copy(t->name_ar, sizeof(t->name_ar), db_text(st, 2));
		copy(t->type, sizeof(t->type), db_text(st, 3));
		t->population = sqlite3_column_int64(st, 4);
		copy(t->province_fr, sizeof(t->province_fr), db_text(st, 5));
		copy(t->province_ar, sizeof(t->province_ar), db_text(st, 6));
		copy(t->region_fr, sizeof(t->region_fr), db_text(st, 7));
		copy(t->region_ar, sizeof(t->region_ar), db_text(st, 8));
	}
	sqlite3_finalize(st);
	return found;
}

int rules_territory(sqlite3 *db, const char *code, struct territory *out, const char **rule_id, struct err *e)
{
	static const char *const ids[] = {
	    [TERRITORY_REGION] = "ma/region", [TERRITORY_PROVINCE] = "ma/province", [TERRITORY_COMMUNE] = "ma/commune"};
	for (enum territory_level l = TERRITORY_REGION; code && l <= TERRITORY_COMMUNE; l++) {
		if (territory_at(db, l, code, out)) {
			if (rule_id)
				*rule_id = ids[l];
			return 0;
		}
	}
	return err_set(e, ERR_NOTFOUND,
	               "no region, province or commune has the code \"%s\" (see: asurif territory NAME)",
	               code ? code : "");
}

static int region_provinces(sqlite3 *db, struct rules_required *out, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT code, name_fr, name_ar, population_2024 FROM provinces "
	                                  "WHERE region_code = ?1 ORDER BY code");
	db_bind_text(st, 1, out->territory.code);
	size_t alloc = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->provinces = xgrow(out->provinces, &alloc, out->nprovinces + 1, sizeof(*out->provinces));
		struct rules_province_min *p = &out->provinces[out->nprovinces++];
		memset(p, 0, sizeof(*p));
		copy(p->code, sizeof(p->code), db_text(st, 0));
		copy(p->name_fr, sizeof(p->name_fr), db_text(st, 1));
		copy(p->name_ar, sizeof(p->name_ar), db_text(st, 2));
		p->population = sqlite3_column_int64(st, 3);
		p->min = out->per_province;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "reading the provinces: %s", sqlite3_errmsg(db));
	return 0;
}

/* Whether code is in the list of communes with arrondissements (a table figure). */
static int has_arrondissements(json_t *list, const char *code)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(list, "value"), i, c)
	{
		const char *cc = json_string_value(json_object_get(c, "code"));
		if (cc && !strcmp(cc, code))
			return 1;
	}
	return 0;
}

int rules_required(sqlite3 *db, json_t *rule, const char *code, struct rules_required *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	const char *id = json_string_value(json_object_get(rule, "id"));
	const char *level_name = json_string_value(json_object_get(rule, "level"));
	json_t *threshold = rules_figure(rule, "threshold");
	if (!id || !level_name || !threshold)
		BUG("rules_required on a rule set that was not checked");
	if (!strcmp(level_name, "national")) {
		out->required =
		    rules_threshold_for(json_object_get(threshold, "value"), 0, out->basis, sizeof(out->basis));
		copy(out->basis, sizeof(out->basis), "national: the same everywhere");
		from_fill(&out->from, threshold);
		return 0;
	}
	enum territory_level level = territory_level_parse(level_name);
	if (!code || !*code)
		return err_set(e, ERR_USAGE,
		               "%s needs a territory: the code of a %s (see: asurif territory NAME --level %s)", id,
		               level_name, level_name);
	if (!territory_at(db, level, code, &out->territory)) {
		for (enum territory_level l = TERRITORY_REGION; l <= TERRITORY_COMMUNE; l++) {
			struct territory other;
			if (l != level && territory_at(db, l, code, &other))
				return err_set(e, ERR_USAGE, "%s (%s) is a %s; %s is for a %s", code, other.name_fr,
				               territory_level_name(l), id, level_name);
		}
		return err_set(e, ERR_NOTFOUND, "no %s has the code \"%s\" (see: asurif territory NAME --level %s)",
		               level_name, code, level_name);
	}
	json_t *list = rules_figure(rule, "arrondissement_communes");
	json_t *arr = rules_figure(rule, "threshold_arrondissements");
	if (level == TERRITORY_COMMUNE && list && arr && has_arrondissements(list, code)) {
		out->required = json_integer_value(json_object_get(arr, "value"));
		copy(out->basis, sizeof(out->basis), "a commune with arrondissements");
		from_fill(&out->from, arr);
		from_fill(&out->also, list);
	} else {
		out->required = rules_threshold_for(json_object_get(threshold, "value"), out->territory.population,
		                                    out->basis, sizeof(out->basis));
		from_fill(&out->from, threshold);
	}
	if (out->required <= 0)
		BUG("a checked threshold gave %lld", out->required);
	json_t *spread = rules_figure(rule, "spread_min_share");
	if (level == TERRITORY_REGION && spread) {
		out->spread_share = json_number_value(json_object_get(spread, "value"));
		out->per_province = rules_spread_min(out->required, out->spread_share);
		from_fill(&out->spread_from, spread);
		int r = region_provinces(db, out, e);
		if (r) {
			rules_required_release(out);
			return r;
		}
	}
	return 0;
}

int rules_deadline(json_t *rule, const char *figure_id, const char *start, char out[11], struct rules_from *from,
                   struct err *e)
{
	out[0] = 0;
	if (from)
		memset(from, 0, sizeof(*from));
	json_t *f = rules_figure(rule, figure_id);
	const char *type = json_string_value(json_object_get(f, "type"));
	if (!f || !type || strcmp(type, "duration"))
		return err_set(e, ERR_USAGE, "%s has no deadline \"%s\"",
		               json_string_value(json_object_get(rule, "id")), figure_id ? figure_id : "");
	const char *unit = json_string_value(json_object_get(f, "unit"));
	enum rules_unit u = unit && !strcmp(unit, "months") ? RULES_MONTHS : RULES_DAYS;
	int r = rules_date_add(start, json_integer_value(json_object_get(f, "value")), u, out, e);
	if (!r && from)
		from_fill(from, f);
	return r;
}
