/* The network report: counts of petitions, advisory documents and signatures (report.h). */
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "draft/draft.h"
#include "petition/check.h"
#include "store/db.h"
#include "base/banned.h"

const char *const report_document_types[] = {"advisory-opinion", "memorandum", "motion", "policy-brief", NULL};

static const char *const petition_statuses[] = {"collecting", "filed", "accepted", "refused", "closed", NULL};
static const char *const levels[] = {"commune", "province", "region", "national", NULL};
static const char *const channels[] = {"paper", "online", "import", NULL};

/* The petitions and documents counted: ?1 the year (text, or NULL), ?2 the campaign (0: all). */
#define PETITIONS                                                                                                      \
	"WITH sel AS (SELECT p.*, CASE p.rule WHEN 'ma/commune' THEN 'commune' WHEN 'ma/province' THEN 'province' "    \
	"WHEN 'ma/region' THEN 'region' ELSE 'national' END AS level FROM petitions p "                                \
	"WHERE (?1 IS NULL OR substr(p.created_at, 1, 4) = ?1) AND (?2 = 0 OR p.campaign_id = ?2)) "
#define DOCUMENTS                                                                                                      \
	"WITH sel AS (SELECT d.id, d.type, d.status, d.created_at, d.campaign_id, "                                    \
	"CASE WHEN d.type = 'motion' THEN 'national' ELSE coalesce(c.level, '') END AS level "                         \
	"FROM drafts d JOIN campaigns c ON c.id = d.campaign_id "                                                      \
	"WHERE d.type IN ('advisory-opinion', 'memorandum', 'motion', 'policy-brief') "                                \
	"AND (?1 IS NULL OR substr(d.created_at, 1, 4) = ?1) AND (?2 = 0 OR d.campaign_id = ?2)) "
#define BY_THEME                                                                                                       \
	"SELECT coalesce(ct.theme_key, ''), count(DISTINCT sel.id) FROM sel "                                          \
	"LEFT JOIN campaign_themes ct ON ct.campaign_id = sel.campaign_id GROUP BY 1"

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, const struct report_filter *f)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	if (f->year) {
		char y[8];
		snprintf(y, sizeof(y), "%04d", f->year);
		sqlite3_bind_text(st, 1, y, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(st, 2, f->campaign_id);
	return st;
}

static int db_fail(sqlite3 *db, sqlite3_stmt *st, const char *what, struct err *e)
{
	sqlite3_finalize(st);
	return err_set(e, ERR_DB, "counting %s: %s", what, sqlite3_errmsg(db));
}

/*
 * The rows (key, count) of sql as [{key, count}]: the known keys first, in their order and
 * with 0 when absent, then the others as the query gives them.
 */
static int group_counts(sqlite3 *db, const char *sql, const struct report_filter *f, const char *const *known,
                        const char *what, json_t **out, struct err *e)
{
	sqlite3_stmt *st = prepare(db, sql, f);
	json_t *got = json_object(), *order = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = db_text(st, 0);
		json_object_set_new(got, key, json_integer(sqlite3_column_int64(st, 1)));
		json_array_append_new(order, json_string(key));
	}
	if (rc != SQLITE_DONE) {
		json_decref(got);
		json_decref(order);
		return db_fail(db, st, what, e);
	}
	sqlite3_finalize(st);
	json_t *a = json_array();
	for (size_t i = 0; known && known[i]; i++) {
		json_array_append_new(a, json_pack("{s:s, s:I}", "key", known[i], "count",
		                                   (json_int_t)json_integer_value(json_object_get(got, known[i]))));
		json_object_del(got, known[i]);
	}
	size_t i;
	json_t *k;
	json_array_foreach(order, i, k)
	{
		json_t *c = json_object_get(got, json_string_value(k));
		if (c)
			json_array_append_new(a, json_pack("{s:s, s:O}", "key", json_string_value(k), "count", c));
	}
	json_decref(got);
	json_decref(order);
	*out = a;
	return 0;
}

/* Every theme of the workspace with its count (0 included), then "" (no theme) when some have none. */
static int theme_counts(sqlite3 *db, const char *sql, const struct report_filter *f, const char *what, json_t **out,
                        struct err *e)
{
	json_t *counts = NULL;
	int r = group_counts(db, sql, f, NULL, what, &counts, e);
	if (r)
		return r;
	json_t *a = json_array();
	sqlite3_stmt *st = db_prepare(db, "SELECT key, name_ar, name_fr, name_en FROM themes ORDER BY created_at, key");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_int_t n = 0;
		size_t i;
		json_t *c;
		json_array_foreach(counts, i,
		                   c) if (!strcmp(json_string_value(json_object_get(c, "key")), db_text(st, 0))) n =
		    json_integer_value(json_object_get(c, "count"));
		json_array_append_new(a, json_pack("{s:s, s:I, s:s, s:s, s:s}", "key", db_text(st, 0), "count", n,
		                                   "name_ar", db_text(st, 1), "name_fr", db_text(st, 2), "name_en",
		                                   db_text(st, 3)));
	}
	if (rc != SQLITE_DONE) {
		json_decref(a);
		json_decref(counts);
		return db_fail(db, st, what, e);
	}
	sqlite3_finalize(st);
	size_t i;
	json_t *c;
	json_array_foreach(counts, i, c)
	{
		if (!*json_string_value(json_object_get(c, "key")) && json_integer_value(json_object_get(c, "count")))
			json_array_append_new(a,
			                      json_pack("{s:s, s:O}", "key", "", "count", json_object_get(c, "count")));
	}
	json_decref(counts);
	*out = a;
	return 0;
}

static int year_counts(sqlite3 *db, const char *sql, const struct report_filter *f, int filed, const char *what,
                       json_t **out, struct err *e)
{
	sqlite3_stmt *st = prepare(db, sql, f);
	json_t *a = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *y =
		    json_pack("{s:s, s:I}", "year", db_text(st, 0), "started", (json_int_t)sqlite3_column_int64(st, 1));
		if (filed)
			json_object_set_new(y, "filed", json_integer(sqlite3_column_int64(st, 2)));
		json_array_append_new(a, y);
	}
	if (rc != SQLITE_DONE) {
		json_decref(a);
		return db_fail(db, st, what, e);
	}
	sqlite3_finalize(st);
	*out = a;
	return 0;
}

static long long one_count(sqlite3 *db, const char *sql, const struct report_filter *f, int col, int *rc)
{
	sqlite3_stmt *st = prepare(db, sql, f);
	long long n = 0;
	*rc = sqlite3_step(st);
	if (*rc == SQLITE_ROW)
		n = sqlite3_column_int64(st, col);
	sqlite3_finalize(st);
	return n;
}

/* One list of counts of a part of the report: its key, its query and how its rows are read. */
struct count {
	const char *key, *sql;
	const char *const *known; /* GROUPS: the keys listed first, 0 when absent */
	enum { GROUPS, THEMES, YEARS, YEARS_FILED } how;
};

/*
 * What the petitions' and the documents' parts share: "total" (total_sql), "what" (how they are
 * counted), then each list of counts under its key. what names the things in errors.
 */
static int part_counts(sqlite3 *db, const struct report_filter *f, json_t *into, const char *total_sql,
                       const char *what, const char *description, const struct count *c, size_t n, struct err *e)
{
	int rc;
	long long total = one_count(db, total_sql, f, 0, &rc);
	if (rc != SQLITE_ROW)
		return err_set(e, ERR_DB, "counting %s: %s", what, sqlite3_errmsg(db));
	json_object_set_new(into, "total", json_integer(total));
	json_object_set_new(into, "what", json_string(description));
	for (size_t i = 0; i < n; i++) {
		json_t *x = NULL;
		int r = c[i].how == GROUPS   ? group_counts(db, c[i].sql, f, c[i].known, what, &x, e)
		        : c[i].how == THEMES ? theme_counts(db, c[i].sql, f, what, &x, e)
		                             : year_counts(db, c[i].sql, f, c[i].how == YEARS_FILED, what, &x, e);
		if (r)
			return r;
		json_object_set_new(into, c[i].key, x);
	}
	return 0;
}

static int petitions_part(sqlite3 *db, const struct report_filter *f, json_t *o, struct err *e)
{
	static const struct count counts[] = {
	    {"by_status", PETITIONS "SELECT status, count(*) FROM sel GROUP BY 1", petition_statuses, GROUPS},
	    {"by_level", PETITIONS "SELECT level, count(*) FROM sel GROUP BY 1", levels, GROUPS},
	    {"by_theme", PETITIONS BY_THEME, NULL, THEMES},
	    {"by_year",
	     PETITIONS "SELECT y, sum(s), sum(fl) FROM (SELECT substr(created_at, 1, 4) AS y, 1 AS s, "
	               "0 AS fl FROM sel UNION ALL SELECT substr(filed_on, 1, 4), 0, 1 FROM sel "
	               "WHERE filed_on IS NOT NULL) GROUP BY y ORDER BY y",
	     NULL, YEARS_FILED},
	};
	json_t *p = json_object();
	json_object_set_new(o, "petitions", p);
	int r = part_counts(db, f, p, PETITIONS "SELECT count(*) FROM sel", "the petitions",
	                    "petitions started in the workspace (every status), by the year they were "
	                    "started; a petition counts under each theme of its campaign",
	                    counts, sizeof(counts) / sizeof(counts[0]), e);
	if (r)
		return r;

	sqlite3_stmt *st = prepare(db,
	                           PETITIONS "SELECT count(*) FILTER (WHERE status = 'accepted' AND decided_on IS NOT "
	                                     "NULL), count(*) FILTER (WHERE status = 'refused' AND decided_on IS NOT "
	                                     "NULL) FROM sel",
	                           f);
	if (sqlite3_step(st) != SQLITE_ROW)
		return db_fail(db, st, "the decisions", e);
	long long acc = sqlite3_column_int64(st, 0), ref = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	json_t *a = json_pack("{s:I, s:I, s:I}", "accepted", (json_int_t)acc, "refused", (json_int_t)ref, "decided",
	                      (json_int_t)(acc + ref));
	json_object_set_new(a, "rate", acc + ref ? json_real((double)acc / (double)(acc + ref)) : json_null());
	json_object_set_new(a, "what",
	                    json_string("of the petitions whose decision is recorded, the share accepted "
	                                "(accepted / decided)"));
	json_object_set_new(o, "acceptance", a);

	json_t *s = json_pack("{s:I, s:I, s:I}", "valid", (json_int_t)0, "duplicates", (json_int_t)0, "withdrawn",
	                      (json_int_t)0);
	json_object_set_new(o, "signatures", s);
	json_t *by = json_object();
	for (size_t i = 0; channels[i]; i++)
		json_object_set_new(by, channels[i], json_integer(0));
	json_object_set_new(s, "by_channel", by);
	json_object_set_new(s, "what",
	                    json_string("signatures of the petitions counted: valid ones (neither withdrawn nor a "
	                                "duplicate ID number) by how they were collected"));
	st = prepare(db,
	             PETITIONS "SELECT s.channel, coalesce(sum(s.withdrawn_at IS NULL AND s.duplicate_of IS NULL), 0), "
	                       "coalesce(sum(s.withdrawn_at IS NULL AND s.duplicate_of IS NOT NULL), 0), "
	                       "coalesce(sum(s.withdrawn_at IS NOT NULL), 0) "
	                       "FROM signatures s JOIN sel ON sel.id = s.petition_id GROUP BY s.channel",
	             f);
	long long valid = 0, dups = 0, withdrawn = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object_set_new(by, db_text(st, 0), json_integer(sqlite3_column_int64(st, 1)));
		valid += sqlite3_column_int64(st, 1);
		dups += sqlite3_column_int64(st, 2);
		withdrawn += sqlite3_column_int64(st, 3);
	}
	if (rc != SQLITE_DONE)
		return db_fail(db, st, "the signatures", e);
	sqlite3_finalize(st);
	json_object_set_new(s, "valid", json_integer(valid));
	json_object_set_new(s, "duplicates", json_integer(dups));
	json_object_set_new(s, "withdrawn", json_integer(withdrawn));
	return 0;
}

static int documents_part(sqlite3 *db, const struct report_filter *f, json_t *o, struct err *e)
{
	static const struct count counts[] = {
	    {"by_type", DOCUMENTS "SELECT type, count(*) FROM sel GROUP BY 1", report_document_types, GROUPS},
	    {"by_status", DOCUMENTS "SELECT status, count(*) FROM sel GROUP BY 1", draft_statuses, GROUPS},
	    {"by_level", DOCUMENTS "SELECT level, count(*) FROM sel GROUP BY 1", levels, GROUPS},
	    {"by_theme", DOCUMENTS BY_THEME, NULL, THEMES},
	    {"by_year", DOCUMENTS "SELECT substr(created_at, 1, 4), count(*) FROM sel GROUP BY 1 ORDER BY 1", NULL,
	     YEARS},
	};
	json_t *d = json_object();
	json_object_set_new(o, "documents", d);
	return part_counts(db, f, d, DOCUMENTS "SELECT count(*) FROM sel", "the documents",
	                   "advisory opinions, memoranda, motions and policy briefs written in "
	                   "the workspace (every stage), by the year they were started; the "
	                   "level is the campaign's (a motion is national)",
	                   counts, sizeof(counts) / sizeof(counts[0]), e);
}

int report_build(sqlite3 *db, const struct report_filter *f, const char *today, json_t **out, struct err *e)
{
	char now[11];
	*out = NULL;
	if (!today) {
		petition_today(now);
		today = now;
	}
	if (f->year && (f->year < 1900 || f->year > 9999))
		return err_set(e, ERR_USAGE, "the year %d is not one (1900 to 9999)", f->year);
	if (f->campaign_id) {
		sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM campaigns WHERE id = ?1");
		sqlite3_bind_int64(st, 1, f->campaign_id);
		int found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!found)
			return err_set(e, ERR_USAGE, "there is no campaign %lld", f->campaign_id);
	}
	json_t *o = json_pack("{s:s, s:{s:o, s:o}}", "as_of", today, "filters", "year",
	                      f->year ? json_integer(f->year) : json_null(), "campaign",
	                      f->campaign_id ? json_integer(f->campaign_id) : json_null());
	/* One read transaction: every figure counts the same state. */
	int began = sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	int r = petitions_part(db, f, o, e);
	if (!r)
		r = documents_part(db, f, o, e);
	if (began)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (r) {
		json_decref(o);
		return r;
	}
	*out = o;
	return 0;
}

/* ---- CSV ---- */

static void csv_field(struct buf *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_appends(out, s);
		return;
	}
	buf_appendc(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_appendc(out, '"');
		buf_appendc(out, *s);
	}
	buf_appendc(out, '"');
}

static void csv_row(struct buf *out, const char *section, const char *breakdown, const char *group, long long n,
                    const char *as_of, const char *what)
{
	csv_field(out, section);
	buf_appendc(out, ',');
	csv_field(out, breakdown);
	buf_appendc(out, ',');
	csv_field(out, group);
	buf_appendf(out, ",%lld,", n);
	csv_field(out, as_of);
	buf_appendc(out, ',');
	csv_field(out, what);
	buf_appends(out, "\r\n");
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long long jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void csv_groups(struct buf *out, json_t *part, const char *section, const char *breakdown, const char *as_of)
{
	size_t i;
	json_t *g;
	char key[16];
	snprintf(key, sizeof(key), "by_%s", breakdown);
	json_array_foreach(json_object_get(part, key), i, g)
	{
		const char *k = jstr(g, "key");
		csv_row(out, section, breakdown, *k ? k : "none", jint(g, "count"), as_of, jstr(part, "what"));
	}
}

void report_csv(json_t *rep, struct buf *out)
{
	const char *as_of = jstr(rep, "as_of");
	json_t *p = json_object_get(rep, "petitions"), *d = json_object_get(rep, "documents");
	json_t *a = json_object_get(rep, "acceptance"), *s = json_object_get(rep, "signatures");
	buf_appends(out, "\xEF\xBB\xBF"
	                 "section,breakdown,group,count,as_of,what\r\n");
	csv_row(out, "petitions", "total", "all", jint(p, "total"), as_of, jstr(p, "what"));
	static const char *const pb[] = {"status", "level", "theme"};
	for (size_t i = 0; i < 3; i++)
		csv_groups(out, p, "petitions", pb[i], as_of);
	size_t i;
	json_t *y;
	json_array_foreach(json_object_get(p, "by_year"), i, y)
	{
		csv_row(out, "petitions", "year started", jstr(y, "year"), jint(y, "started"), as_of, jstr(p, "what"));
		csv_row(out, "petitions", "year filed", jstr(y, "year"), jint(y, "filed"), as_of,
		        "petitions counted, by the year they were filed");
	}
	csv_row(out, "acceptance", "decisions", "accepted", jint(a, "accepted"), as_of, jstr(a, "what"));
	csv_row(out, "acceptance", "decisions", "refused", jint(a, "refused"), as_of, jstr(a, "what"));
	csv_row(out, "acceptance", "decisions", "decided", jint(a, "decided"), as_of, jstr(a, "what"));
	char rate[32] = "";
	if (json_is_number(json_object_get(a, "rate"))) {
		snprintf(rate, sizeof(rate), "%.1f%%", json_number_value(json_object_get(a, "rate")) * 100);
		/* the rate is a share, not a count: it goes in the group column, with its count of decisions */
		csv_row(out, "acceptance", "rate", rate, jint(a, "decided"), as_of, jstr(a, "what"));
	}
	csv_row(out, "signatures", "valid", "all", jint(s, "valid"), as_of, jstr(s, "what"));
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(s, "by_channel"), k, v)
	    csv_row(out, "signatures", "channel", k, (long long)json_integer_value(v), as_of, jstr(s, "what"));
	csv_row(out, "documents", "total", "all", jint(d, "total"), as_of, jstr(d, "what"));
	static const char *const db[] = {"type", "status", "level", "theme"};
	for (size_t j = 0; j < 4; j++)
		csv_groups(out, d, "documents", db[j], as_of);
	json_array_foreach(json_object_get(d, "by_year"), i, y)
	    csv_row(out, "documents", "year started", jstr(y, "year"), jint(y, "started"), as_of, jstr(d, "what"));
}

/* ---- the document ---- */

static void para(struct doc *d, const char *text, unsigned style)
{
	struct doc_block *b = doc_add_block(d, DOC_PARAGRAPH, 0);
	doc_add_text(b, text, strlen(text), style);
}

static void heading(struct doc *d, int level, const char *text)
{
	struct doc_block *b = doc_add_block(d, DOC_HEADING, level);
	doc_add_text(b, text, strlen(text), 0);
}

/* The text of key with {name} filled. Caller frees. */
static char *fill(const struct i18n *t, const char *lang, const char *key, const char *name, const char *value)
{
	struct buf b = BUF_INIT;
	const char *names[] = {name}, *values[] = {value};
	i18n_format(i18n_get(t, lang, key), names, values, 1, &b);
	return buf_detach(&b);
}

/* The label of a group: a word of the catalog (prefix + key), a theme's name, a type's title. */
static const char *group_label(const struct i18n *t, const char *lang, const char *prefix, json_t *g, char *tmp,
                               size_t cap)
{
	const char *key = jstr(g, "key");
	if (!*key)
		return i18n_get(t, lang, "report_none");
	if (json_object_get(g, "name_ar")) {
		char field[12];
		snprintf(field, sizeof(field), "name_%s", !strcmp(lang, "ar") || !strcmp(lang, "fr") ? lang : "en");
		return jstr(g, field);
	}
	snprintf(tmp, cap, "%s%s", prefix, key);
	for (char *c = tmp; *c; c++)
		if (*c == '-')
			*c = '_';
	return i18n_get(t, lang, tmp);
}

static void count_table(struct doc *d, const struct i18n *t, const char *lang, const char *title_key,
                        const char *prefix, json_t *groups)
{
	char tmp[96], num[32];
	heading(d, 2, i18n_get(t, lang, title_key));
	const char *head[] = {i18n_get(t, lang, "report_col_group"), i18n_get(t, lang, "report_col_count")};
	doc_add_row(d, 1, head, 2);
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g)
	{
		snprintf(num, sizeof(num), "%lld", jint(g, "count"));
		const char *cells[] = {group_label(t, lang, prefix, g, tmp, sizeof(tmp)), num};
		doc_add_row(d, 0, cells, 2);
	}
}

/* A paragraph of the catalog's text key with {name} replaced by the number n. */
static void para_number(struct doc *d, const struct i18n *t, const char *lang, const char *key, const char *name,
                        long long n, unsigned style)
{
	char num[32];
	snprintf(num, sizeof(num), "%lld", n);
	char *s = fill(t, lang, key, name, num);
	para(d, s, style);
	free(s);
}

/* A part of the report: its heading, its total in bold ({n} of total_key), how it is counted. */
static void part_head(struct doc *d, const struct i18n *t, const char *lang, const char *heading_key,
                      const char *total_key, long long total, const char *what_key)
{
	heading(d, 1, i18n_get(t, lang, heading_key));
	para_number(d, t, lang, total_key, "n", total, DOC_BOLD);
	para(d, i18n_get(t, lang, what_key), 0);
}

struct doc *report_doc(json_t *rep, const struct i18n *t, const char *lang)
{
	struct doc *d = doc_new(lang);
#define W(key) i18n_get(t, lang, key)
	doc_set(&d->title, W("report_title"));
	char *asof = fill(t, lang, "report_as_of", "date", jstr(rep, "as_of"));
	doc_set(&d->date, asof);
	free(asof);
	json_t *filters = json_object_get(rep, "filters");
	if (json_is_integer(json_object_get(filters, "year")))
		para_number(d, t, lang, "report_filter_year", "year", jint(filters, "year"), DOC_ITALIC);
	if (json_is_integer(json_object_get(filters, "campaign")))
		para_number(d, t, lang, "report_filter_campaign", "campaign", jint(filters, "campaign"), DOC_ITALIC);
	para(d, W("report_no_personal"), 0);

	json_t *p = json_object_get(rep, "petitions");
	part_head(d, t, lang, "report_petitions", "report_petitions_total", jint(p, "total"), "report_petitions_what");
	count_table(d, t, lang, "report_by_status", "petition_status_", json_object_get(p, "by_status"));
	count_table(d, t, lang, "report_by_level", "level_", json_object_get(p, "by_level"));
	count_table(d, t, lang, "report_by_theme", "", json_object_get(p, "by_theme"));
	heading(d, 2, W("report_by_year"));
	const char *yh[] = {W("report_col_year"), W("report_col_started"), W("report_col_filed")};
	doc_add_row(d, 1, yh, 3);
	size_t i;
	json_t *y;
	json_array_foreach(json_object_get(p, "by_year"), i, y)
	{
		char a[32], b[32];
		snprintf(a, sizeof(a), "%lld", jint(y, "started"));
		snprintf(b, sizeof(b), "%lld", jint(y, "filed"));
		const char *cells[] = {jstr(y, "year"), a, b};
		doc_add_row(d, 0, cells, 3);
	}

	json_t *a = json_object_get(rep, "acceptance");
	heading(d, 1, W("report_acceptance"));
	if (json_is_number(json_object_get(a, "rate"))) {
		char rate[32], acc[32], dec[32];
		snprintf(rate, sizeof(rate), "%.0f%%", json_number_value(json_object_get(a, "rate")) * 100);
		snprintf(acc, sizeof(acc), "%lld", jint(a, "accepted"));
		snprintf(dec, sizeof(dec), "%lld", jint(a, "decided"));
		struct buf b = BUF_INIT;
		const char *names[] = {"rate", "accepted", "decided"}, *values[] = {rate, acc, dec};
		i18n_format(W("report_acceptance_rate"), names, values, 3, &b);
		para(d, buf_str(&b), DOC_BOLD);
		buf_release(&b);
	} else {
		para(d, W("report_acceptance_none"), DOC_BOLD);
	}
	para(d, W("report_acceptance_what"), 0);
	const char *ah[] = {W("report_col_group"), W("report_col_count")};
	doc_add_row(d, 1, ah, 2);
	static const char *const dk[] = {"accepted", "refused"};
	for (size_t k = 0; k < 2; k++) {
		char n[32], key[48];
		snprintf(n, sizeof(n), "%lld", jint(a, dk[k]));
		snprintf(key, sizeof(key), "petition_status_%s", dk[k]);
		const char *cells[] = {W(key), n};
		doc_add_row(d, 0, cells, 2);
	}

	json_t *sg = json_object_get(rep, "signatures");
	part_head(d, t, lang, "report_signatures", "report_signatures_total", jint(sg, "valid"),
	          "report_signatures_what");
	doc_add_row(d, 1, ah, 2);
	for (size_t k = 0; channels[k]; k++) {
		char n[32], key[48];
		snprintf(n, sizeof(n), "%lld", jint(json_object_get(sg, "by_channel"), channels[k]));
		snprintf(key, sizeof(key), "petition_channel_%s", channels[k]);
		const char *cells[] = {W(key), n};
		doc_add_row(d, 0, cells, 2);
	}

	json_t *dd = json_object_get(rep, "documents");
	part_head(d, t, lang, "report_documents", "report_documents_total", jint(dd, "total"), "report_documents_what");
	count_table(d, t, lang, "report_by_type", "report_type_", json_object_get(dd, "by_type"));
	count_table(d, t, lang, "report_by_status", "draft_status_", json_object_get(dd, "by_status"));
	count_table(d, t, lang, "report_by_level", "level_", json_object_get(dd, "by_level"));
	count_table(d, t, lang, "report_by_theme", "", json_object_get(dd, "by_theme"));
	heading(d, 2, W("report_by_year"));
	const char *dy[] = {W("report_col_year"), W("report_col_started")};
	doc_add_row(d, 1, dy, 2);
	json_array_foreach(json_object_get(dd, "by_year"), i, y)
	{
		char n[32];
		snprintf(n, sizeof(n), "%lld", jint(y, "started"));
		const char *cells[] = {jstr(y, "year"), n};
		doc_add_row(d, 0, cells, 2);
	}
#undef W
	return d;
}
