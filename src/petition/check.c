#include "petition/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "draft/draft.h"
#include "petition/rules.h"
#include "store/db.h"
#include "base/banned.h"

/* ---- dates ---- */

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = atoi(s), *m = atoi(s + 5), *d = atoi(s + 8);
	if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return -1;
	int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	if (*m == 2 && *d == 29 && !leap)
		return -1;
	return 0;
}

int petition_date_valid(const char *s)
{
	int y, m, d;
	return parse_ymd(s, &y, &m, &d) == 0;
}

void petition_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Days from a to b (both valid dates): negative when b comes first. */
static long long days_between(const char *a, const char *b)
{
	int y, m, d;
	time_t t[2];
	const char *s[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		if (parse_ymd(s[i], &y, &m, &d))
			BUG("days_between on \"%s\"", s[i]);
		tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d, tm.tm_hour = 12;
		t[i] = timegm(&tm);
	}
	return (long long)((t[1] - t[0]) / 86400);
}

/* ---- the petition's row ---- */

struct petition_row {
	long long id, campaign_id, draft_id; /* draft_id 0: none */
	char *rule, *territory, *title, *association, *association_since, *agent, *deputy, *status;
	char *filed_on, *channel, *receipt, *decided_on, *reasons, *purged_at;
	long long members, committee; /* -1: not recorded */
};

char *petition_col_dup(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : xstrdup(db_text(st, i));
}

long long petition_col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

int petition_row_step(sqlite3 *db, sqlite3_stmt *st, long long id, struct err *e)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 0;
	int r = rc == SQLITE_DONE ? err_set(e, ERR_NOTFOUND, "there is no petition %lld", id)
	                          : err_set(e, ERR_DB, "reading petition %lld: %s", id, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return r;
}

int petition_ids_collect(sqlite3_stmt *st, long long **ids, size_t *n)
{
	size_t alloc = 0;
	int rc;
	*ids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xgrow(*ids, &alloc, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}

static void row_release(struct petition_row *p)
{
	char **s[] = {&p->rule,    &p->territory,  &p->title,   &p->association, &p->association_since,
	              &p->agent,   &p->deputy,     &p->status,  &p->filed_on,    &p->channel,
	              &p->receipt, &p->decided_on, &p->reasons, &p->purged_at};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(*s[i]);
	memset(p, 0, sizeof(*p));
}

static int row_load(sqlite3 *db, long long id, struct petition_row *p, struct err *e)
{
	memset(p, 0, sizeof(*p));
	sqlite3_stmt *st = db_prepare(db, "SELECT id, campaign_id, draft_id, rule, territory_code, title, association, "
	                                  "association_since, association_members, agent_name, deputy_name, "
	                                  "committee_size, status, filed_on, filed_channel, receipt_number, "
	                                  "decided_on, decision_reasons, purged_at FROM petitions WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	int r = petition_row_step(db, st, id, e);
	if (r)
		return r;
	p->id = sqlite3_column_int64(st, 0);
	p->campaign_id = sqlite3_column_int64(st, 1);
	p->draft_id = petition_col_int(st, 2) > 0 ? petition_col_int(st, 2) : 0;
	p->rule = petition_col_dup(st, 3);
	p->territory = petition_col_dup(st, 4);
	p->title = petition_col_dup(st, 5);
	p->association = petition_col_dup(st, 6);
	p->association_since = petition_col_dup(st, 7);
	p->members = petition_col_int(st, 8);
	p->agent = petition_col_dup(st, 9);
	p->deputy = petition_col_dup(st, 10);
	p->committee = petition_col_int(st, 11);
	p->status = petition_col_dup(st, 12);
	p->filed_on = petition_col_dup(st, 13);
	p->channel = petition_col_dup(st, 14);
	p->receipt = petition_col_dup(st, 15);
	p->decided_on = petition_col_dup(st, 16);
	p->reasons = petition_col_dup(st, 17);
	p->purged_at = petition_col_dup(st, 18);
	sqlite3_finalize(st);
	return 0;
}

static int filled(const char *s)
{
	if (!s)
		return 0;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

/* The rule set of a petition, with the workspace's overrides applied. */
static int rule_for(sqlite3 *db, const char *overrides_dir, const struct petition_row *p, json_t **rule, struct err *e)
{
	int r = rules_load(overrides_dir, p->rule, rule, e);
	if (!r && (r = rules_apply_overrides(db, *rule, e))) {
		json_decref(*rule);
		*rule = NULL;
	}
	if (r)
		err_prefix(e, "petition %lld", p->id);
	return r;
}

/* ---- conditions ---- */

/* The petition's text: the latest version of its draft. */
struct draft_text {
	int found;
	char *title, *type, *status;
	int version;
	json_t *fields; /* the values of the latest version */
};

static void draft_text_release(struct draft_text *d)
{
	free(d->title);
	free(d->type);
	free(d->status);
	json_decref(d->fields);
	memset(d, 0, sizeof(*d));
}

static void draft_text_load(sqlite3 *db, long long draft_id, struct draft_text *d)
{
	memset(d, 0, sizeof(*d));
	if (!draft_id)
		return;
	sqlite3_stmt *st = db_prepare(db, "SELECT d.title, d.type, d.status, v.n, v.fields FROM drafts d "
	                                  "JOIN draft_versions v ON v.draft_id = d.id WHERE d.id = ?1 "
	                                  "ORDER BY v.n DESC LIMIT 1");
	sqlite3_bind_int64(st, 1, draft_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		d->found = 1;
		d->title = xstrdup(db_text(st, 0));
		d->type = xstrdup(db_text(st, 1));
		d->status = xstrdup(db_text(st, 2));
		d->version = sqlite3_column_int(st, 3);
		d->fields = json_loads(db_text(st, 4), 0, NULL);
	}
	sqlite3_finalize(st);
}

/* The whole number s (digits only), or -1. */
static long long whole_number(const char *s)
{
	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9' || strlen(s) > 12)
		return -1;
	char *end;
	long long v = strtoll(s, &end, 10);
	while (*end == ' ')
		end++;
	return *end ? -1 : v;
}

/* A field of the draft's latest version when it holds text, else NULL. */
static const char *draft_field(const struct draft_text *d, const char *name)
{
	const char *v = d->found ? json_string_value(json_object_get(d->fields, name)) : NULL;
	return filled(v) ? v : NULL;
}

/*
 * What the petition records, or else what its draft says: *from_draft tells which (the
 * reason names the draft's field).
 */
static const char *recorded(const char *own, const struct draft_text *d, const char *field, int *from_draft)
{
	*from_draft = 0;
	if (filled(own))
		return own;
	const char *v = draft_field(d, field);
	*from_draft = v != NULL;
	return v;
}

/* A new reference to v, or JSON null. */
static json_t *or_null(json_t *v)
{
	return v ? json_incref(v) : json_null();
}

static void add_condition(json_t *conds, const char *id, const char *status, json_t *figure, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add_condition(json_t *conds, const char *id, const char *status, json_t *figure, const char *fmt, ...)
{
	char reason[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	json_t *c = json_pack("{s:s, s:s, s:s}", "id", id, "status", status, "reason", reason);
	json_object_set_new(c, "rule_source", or_null(json_object_get(figure, "source")));
	json_object_set_new(c, "rule_status", or_null(json_object_get(figure, "status")));
	json_object_set_new(c, "figure", or_null(json_object_get(figure, "id")));
	json_object_set_new(c, "checked_on", or_null(json_object_get(figure, "checked_on")));
	json_object_set_new(c, "overridden", json_boolean(json_object_get(figure, "overridden") != NULL));
	json_array_append_new(conds, c);
}

/* How a figure's override reads in a reason: "" when it is not overridden. */
static void override_note(json_t *figure, char *out, size_t cap)
{
	json_t *o = json_object_get(figure, "overridden");
	out[0] = 0;
	if (!o)
		return;
	char *orig = json_dumps(json_object_get(figure, "original"), JSON_COMPACT | JSON_ENCODE_ANY);
	snprintf(out, cap, "; overridden in this workspace by %s on %s: \"%s\" (the rule data says %s)",
	         json_string_value(json_object_get(o, "by")), json_string_value(json_object_get(o, "at")),
	         json_string_value(json_object_get(o, "note")), orig ? orig : "?");
	free(orig);
}

/* Whether a boolean figure is present and true. */
static int figure_true(json_t *rule, const char *id)
{
	return json_is_true(json_object_get(rules_figure(rule, id), "value"));
}

/* Signatures counted: distinct ID numbers among those not withdrawn, by province of residence. */
struct tally {
	long long live, counted, withdrawn, no_residence, outside, purged;
	json_t *by_province; /* {code: count}; "" for none */
};

static int tally_signatures(sqlite3 *db, const struct petition_row *p, const char *level, struct tally *t,
                            struct err *e)
{
	memset(t, 0, sizeof(*t));
	t->by_province = json_object();
	/* The first signature of each ID number stands for it; a purged signature (no hash left)
	 * counts unless it was marked a duplicate before the purge. */
	sqlite3_stmt *st =
	    db_prepare(db, "WITH live AS (SELECT id, cin_hash, duplicate_of FROM signatures "
	                   "                WHERE petition_id = ?1 AND withdrawn_at IS NULL), "
	                   "firsts AS (SELECT min(id) AS id FROM live WHERE cin_hash IS NOT NULL GROUP BY cin_hash "
	                   "           UNION ALL SELECT id FROM live WHERE cin_hash IS NULL AND duplicate_of IS NULL) "
	                   "SELECT coalesce(s.province_code, ''), count(*), "
	                   "       sum(CASE WHEN ?2 = 'commune' THEN s.commune_code IS NOT ?3 "
	                   "                WHEN ?2 = 'province' THEN s.province_code IS NOT ?3 "
	                   "                WHEN ?2 = 'region' THEN s.province_code IS NULL OR s.province_code NOT IN "
	                   "                     (SELECT code FROM provinces WHERE region_code = ?3) "
	                   "                ELSE 0 END), "
	                   "       sum(s.cin_hash IS NULL) "
	                   "FROM firsts f JOIN signatures s ON s.id = f.id GROUP BY 1");
	sqlite3_bind_int64(st, 1, p->id);
	db_bind_text(st, 2, level);
	db_bind_text(st, 3, p->territory);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = db_text(st, 0);
		long long c = sqlite3_column_int64(st, 1);
		json_object_set_new(t->by_province, code, json_integer(c));
		t->counted += c;
		if (!*code)
			t->no_residence += c;
		t->outside += sqlite3_column_int64(st, 2);
		t->purged += sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "counting the signatures of petition %lld: %s", p->id, sqlite3_errmsg(db));
	st = db_prepare(db, "SELECT count(*) FILTER (WHERE withdrawn_at IS NULL), "
	                    "count(*) FILTER (WHERE withdrawn_at IS NOT NULL) FROM signatures WHERE petition_id = ?1");
	sqlite3_bind_int64(st, 1, p->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->live = sqlite3_column_int64(st, 0);
		t->withdrawn = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return err_set(e, ERR_DB, "counting the signatures of petition %lld: %s", p->id, sqlite3_errmsg(db));
	return 0;
}

static void check_threshold(json_t *conds, json_t *rule, const struct rules_required *q, const struct tally *t)
{
	json_t *f = rules_figure(rule, q->from.figure);
	char over[768], where[400] = "";
	override_note(f, over, sizeof(over));
	if (q->territory.level != TERRITORY_ANY)
		snprintf(where, sizeof(where), " for the %s of %s, %lld inhabitants (%s)",
		         territory_level_name(q->territory.level), q->territory.name_fr, q->territory.population,
		         q->basis);
	char dups[96] = "";
	if (t->live > t->counted)
		snprintf(dups, sizeof(dups), "; %lld duplicate%s not counted", t->live - t->counted,
		         t->live - t->counted == 1 ? "" : "s");
	if (t->counted >= q->required)
		add_condition(conds, "threshold", "pass", f, "%lld signatures counted, %lld required%s%s%s", t->counted,
		              q->required, where, dups, over);
	else
		add_condition(conds, "threshold", "fail", f,
		              "%lld signatures counted, %lld required%s: %lld missing%s%s", t->counted, q->required,
		              where, q->required - t->counted, dups, over);
}

static void check_spread(json_t *conds, json_t *out, json_t *rule, const struct rules_required *q,
                         const struct tally *t)
{
	json_t *f = rules_figure(rule, q->spread_from.figure);
	json_t *per = json_array();
	struct buf short_of = BUF_INIT;
	size_t nshort = 0;
	for (size_t i = 0; i < q->nprovinces; i++) {
		const struct rules_province_min *pm = &q->provinces[i];
		long long c = json_integer_value(json_object_get(t->by_province, pm->code));
		json_array_append_new(per, json_pack("{s:s, s:s, s:s, s:I, s:I, s:b}", "code", pm->code, "name_fr",
		                                     pm->name_fr, "name_ar", pm->name_ar, "min", (json_int_t)pm->min,
		                                     "counted", (json_int_t)c, "ok", c >= pm->min));
		if (c < pm->min)
			buf_appendf(&short_of, "%s%s (%s) %lld of %lld", nshort++ ? ", " : "", pm->name_fr, pm->code, c,
			            pm->min);
	}
	json_object_set_new(out, "per_province", per);
	char over[768];
	override_note(f, over, sizeof(over));
	if (!nshort)
		add_condition(
		    conds, "spread", "pass", f,
		    "at least %lld signatories (%g%% of %lld) live in each of the %zu provinces and prefectures%s",
		    q->per_province, q->spread_share * 100, q->required, q->nprovinces, over);
	else
		add_condition(
		    conds, "spread", "fail", f,
		    "too few signatories live in %s: at least %lld (%g%% of %lld) are needed from each of the "
		    "%zu provinces and prefectures%s",
		    buf_str(&short_of), q->per_province, q->spread_share * 100, q->required, q->nprovinces, over);
	buf_release(&short_of);
}

static void check_agent(json_t *conds, json_t *rule, const struct petition_row *p, const struct draft_text *d)
{
	json_t *f = rules_figure(rule, "agent_required");
	if (!json_is_true(json_object_get(f, "value")))
		return;
	const char *who = filled(p->association) ? "the association's legal representative (acting as agent)"
	                                         : "the agent (وكيل) who follows the procedure";
	int in_draft;
	if (recorded(p->agent, d, "agent_name", &in_draft))
		add_condition(conds, "agent", "pass", f, "%s is %s", who,
		              in_draft ? "named in the draft's field agent_name" : "recorded");
	else
		add_condition(conds, "agent", "fail", f, "no agent is recorded: the law wants %s", who);
}

/* The members of a committee listed one per line in a draft's field: -1 when there is no list. */
static long long listed_members(const char *list)
{
	if (!list)
		return -1;
	long long n = 0;
	for (const char *line = list; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *one = xstrndup(line, len);
		n += filled(one);
		free(one);
		line += len + (end != NULL);
	}
	return n;
}

static void check_committee(json_t *conds, json_t *rule, const struct petition_row *p, const struct draft_text *d)
{
	json_t *f = rules_figure(rule, "committee_size");
	if (!f)
		return;
	long long want = json_integer_value(json_object_get(f, "value"));
	struct buf why = BUF_INIT;
	long long size = p->committee;
	const char *counted = "";
	if (size < 0 && (size = listed_members(draft_field(d, "committee"))) >= 0)
		counted = " (counted from the draft's field committee, one per line)";
	if (size < 0)
		buf_appendf(&why, "the committee's size is not recorded (the law wants %lld members)", want);
	else if (size != want)
		buf_appendf(&why, "the committee has %lld members%s, the law wants %lld", size, counted, want);
	int in_draft;
	if (figure_true(rule, "agent_required") && !recorded(p->agent, d, "agent_name", &in_draft))
		buf_appendf(&why, "%sno agent is recorded", why.len ? "; " : "");
	if (figure_true(rule, "deputy_required") && !recorded(p->deputy, d, "deputy_name", &in_draft))
		buf_appendf(&why, "%sno deputy is recorded", why.len ? "; " : "");
	if (why.len)
		add_condition(conds, "committee", "fail", f, "%s: the committee of %lld names an agent and a deputy",
		              buf_str(&why), want);
	else
		add_condition(
		    conds, "committee", "pass", f,
		    "a committee of %lld has named its agent and its deputy (the minutes of its meeting go in the "
		    "file)",
		    want);
	buf_release(&why);
}

static void check_association(json_t *conds, json_t *warnings, json_t *rule, const struct petition_row *p,
                              const struct draft_text *d, const struct rules_required *q, const char *today)
{
	json_t *f = rules_figure(rule, "association.min_years");
	if (!f) {
		json_array_append_new(
		    warnings, json_sprintf("%s has no conditions for associations: the association \"%s\" is recorded "
		                           "for information",
		                           p->rule, p->association));
		return;
	}
	long long years = json_integer_value(json_object_get(f, "value"));
	const char *cmp = json_string_value(json_object_get(f, "comparison"));
	int more_than = cmp && !strcmp(cmp, "more_than");
	const char *want = more_than ? "more than" : "at least";
	int in_draft;
	const char *since = recorded(p->association_since, d, "association_since", &in_draft);
	if (!petition_date_valid(since)) {
		add_condition(conds, "association.min_years", "unknown", f,
		              "the date the association was constituted is not recorded: the law wants %s %lld years",
		              want, years);
	} else {
		char anniversary[11];
		struct err ignore = ERR_INIT;
		rules_date_add(since, years * 12, RULES_MONTHS, anniversary, &ignore);
		int ok = more_than ? strcmp(anniversary, today) < 0 : strcmp(anniversary, today) <= 0;
		int y1 = atoi(since), y2 = atoi(today);
		long long age = y2 - y1 - (strcmp(since + 5, today + 5) > 0);
		if (age < 0)
			age = 0;
		if (ok)
			add_condition(conds, "association.min_years", "pass", f,
			              "constituted on %s%s, %lld years ago: the law wants %s %lld years", since,
			              in_draft ? " (the draft's field association_since)" : "", age, want, years);
		else
			add_condition(conds, "association.min_years", "fail", f,
			              "constituted on %s%s, %lld year%s ago: the law wants %s %lld years (%s %s)",
			              since, in_draft ? " (the draft's field association_since)" : "", age,
			              age == 1 ? "" : "s", want, years,
			              more_than ? "it qualifies after" : "it qualifies on", anniversary);
	}
	f = rules_figure(rule, "association.min_members");
	if (f) {
		long long min = json_integer_value(json_object_get(f, "value"));
		cmp = json_string_value(json_object_get(f, "comparison"));
		more_than = cmp && !strcmp(cmp, "more_than");
		long long members = p->members;
		const char *draft_members = draft_field(d, "association_members");
		if (members < 0 && draft_members && whole_number(draft_members) >= 0)
			members = whole_number(draft_members);
		if (members < 0)
			add_condition(conds, "association.min_members", "unknown", f,
			              "the association's number of members is not recorded: the law wants %s %lld",
			              more_than ? "more than" : "at least", min);
		else if (more_than ? members > min : members >= min)
			add_condition(conds, "association.min_members", "pass", f,
			              "%lld members: the law wants %s %lld", members,
			              more_than ? "more than" : "at least", min);
		else
			add_condition(conds, "association.min_members", "fail", f,
			              "%lld members: the law wants %s %lld", members,
			              more_than ? "more than" : "at least", min);
	}
	/* What no table can tell: the coordinator confirms them with the association's papers. */
	static const struct {
		const char *id, *documents;
	} papers[] = {
	    {"association.democratic", "its statutes and the minutes of its last general assembly"},
	    {"association.good_standing", "the receipt of its legal declaration and its renewals up to date"},
	    {"association.local_seat", NULL},
	    {"association.activity_linked", "its statutes or activity reports, showing a link with the subject"},
	};
	for (size_t i = 0; i < sizeof(papers) / sizeof(papers[0]); i++) {
		f = rules_figure(rule, papers[i].id);
		if (!json_is_true(json_object_get(f, "value")))
			continue;
		const char *label = json_string_value(json_object_get(f, "label"));
		if (papers[i].documents)
			add_condition(conds, papers[i].id, "unknown", f,
			              "the coordinator must confirm with documents: %s (%s)", label,
			              papers[i].documents);
		else
			add_condition(
			    conds, papers[i].id, "unknown", f,
			    "the coordinator must confirm with documents: %s (its statutes or the declaration of "
			    "its seat or branch in %s)",
			    label, q->territory.name_fr[0] ? q->territory.name_fr : "the territory");
	}
}

static void check_contents(sqlite3 *db, const char *overrides_dir, json_t *conds, json_t *rule,
                           const struct petition_row *p, const struct draft_text *d)
{
	json_t *f = rules_figure(rule, "contents");
	if (!f)
		return;
	if (!d->found) {
		add_condition(conds, "contents", "unknown", f,
		              "no draft holds the petition's text: link one (asurif draft new --type petition-...) so "
		              "the file's contents can be checked");
		return;
	}
	/* The draft's required fields, as its type defines them. */
	json_t *dj = NULL;
	struct err ignore = ERR_INIT;
	struct buf missing = BUF_INIT;
	if (!draft_json(db, overrides_dir, p->draft_id, 0, &dj, &ignore)) {
		size_t i;
		json_t *m;
		json_array_foreach(json_object_get(dj, "missing"), i, m)
		{
			const char *name =
			    json_is_string(m) ? json_string_value(m) : json_string_value(json_object_get(m, "name"));
			buf_appendf(&missing, "%s%s", i ? ", " : "", name ? name : "?");
		}
	}
	json_decref(dj);
	if (missing.len)
		add_condition(conds, "contents", "unknown", f,
		              "the text is draft %lld (\"%s\", version %d, %s) but required fields are still empty: %s",
		              p->draft_id, d->title, d->version, d->status, buf_str(&missing));
	else
		add_condition(conds, "contents", "pass", f,
		              "the text is draft %lld (\"%s\", version %d, %s); the other parts of the file are listed "
		              "in the rule set's contents",
		              p->draft_id, d->title, d->version, d->status);
	buf_release(&missing);
}

static void check_remit(json_t *conds, json_t *rule)
{
	json_t *f = rules_figure(rule, "within_remit");
	if (json_is_true(json_object_get(f, "value")))
		add_condition(conds, "within_remit", "unknown", f,
		              "a person must confirm that the item is within the council's competences: no table can "
		              "tell");
	f = rules_figure(rule, "general_interest");
	if (json_is_true(json_object_get(f, "value")))
		add_condition(
		    conds, "general_interest", "unknown", f,
		    "a person must confirm that the request serves the general interest and is clearly drafted");
}

/* ---- excluded subjects: keywords found in folded text ---- */

/*
 * Text folded for matching keywords: compatibility forms decomposed, case folded, marks
 * (accents, Arabic diacritics and the hamza of أ إ آ ؤ ئ) dropped, ٱ → ا, ى → ي, ة → ه,
 * tatweel dropped, every character that is not a letter or digit a space; one space
 * between words and one at each end. Caller frees.
 */
static char *fold(const char *s)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)(s ? s : ""), 0, &m,
	                                  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
	                                      UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	struct buf out = BUF_INIT;
	buf_appendc(&out, ' ');
	for (utf8proc_ssize_t i = 0; n > 0 && i < n;) {
		uint32_t c;
		int len = utf8_decode(m + i, (size_t)(n - i), &c);
		if (len < 0) {
			i++;
			continue;
		}
		i += len;
		if (c == 0x0640)
			continue;
		if (c == 0x0671)
			c = 0x0627;
		else if (c == 0x0649)
			c = 0x064A;
		else if (c == 0x0629)
			c = 0x0647;
		utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)c);
		int word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
		if (!word) {
			if (out.data[out.len - 1] != ' ')
				buf_appendc(&out, ' ');
			continue;
		}
		char enc[4];
		buf_append(&out, enc, (size_t)utf8_encode(c, enc));
	}
	free(m);
	if (out.data[out.len - 1] != ' ')
		buf_appendc(&out, ' ');
	return buf_detach(&out);
}

/* Whether the bytes t[from, to) are one or two Arabic proclitic letters (و ف ب ل ك). */
static int proclitics(const char *t, size_t from, size_t to)
{
	static const char *const letters[] = {"\xD9\x88", "\xD9\x81", "\xD8\xA8", "\xD9\x84", "\xD9\x83"};
	size_t k = 0;
	while (from < to && k < 2) {
		size_t i;
		for (i = 0; i < 5; i++)
			if (to - from >= 2 && !memcmp(t + from, letters[i], 2))
				break;
		if (i == 5)
			return 0;
		from += 2, k++;
	}
	return from == to && k > 0;
}

/*
 * Whether the folded keyword k (without its end spaces) is a word, or words, of the
 * folded text t. Latin: whole words, a plural or feminine ending allowed. Arabic: after
 * up to two proclitic letters, and before a relational or plural ending.
 */
static int word_match(const char *t, const char *k)
{
	static const char *const latin_end[] = {"", "s", "e", "es", "x", NULL};
	static const char *const arabic_end[] = {"",
	                                         "\xD9\x8A",
	                                         "\xD9\x8A\xD9\x87",
	                                         "\xD9\x8A\xD9\x8A\xD9\x86",
	                                         "\xD9\x8A\xD9\x88\xD9\x86",
	                                         "\xD9\x8A\xD8\xA7\xD8\xAA",
	                                         NULL};
	size_t klen = strlen(k);
	if (!klen)
		return 0;
	int arabic = (unsigned char)k[0] >= 0xD8 && (unsigned char)k[0] <= 0xDB; /* U+0600-U+06FF */
	for (const char *at = strstr(t, k); at; at = strstr(at + 1, k)) {
		size_t pos = (size_t)(at - t);
		size_t ws = pos;
		while (ws > 0 && t[ws - 1] != ' ')
			ws--;
		if (ws != pos && !(arabic && proclitics(t, ws, pos)))
			continue;
		const char *after = at + klen;
		for (const char *const *end = arabic ? arabic_end : latin_end; *end; end++) {
			size_t el = strlen(*end);
			if (!strncmp(after, *end, el) && after[el] == ' ')
				return 1;
		}
	}
	return 0;
}

/* Matches keyword (as written in the rule data) in the folded text; handles "لل" for "ال". */
static int keyword_in(const char *folded_text, const char *keyword)
{
	char *k = fold(keyword);
	size_t len = strlen(k);
	int found = 0;
	if (len > 2) {
		k[len - 1] = 0;
		found = word_match(folded_text, k + 1);
		/* ل + ال is written لل: "للملك" for "ل" + "الملك" */
		if (!found && !strncmp(k + 1, "\xD8\xA7\xD9\x84", 4)) {
			char *alt = xasprintf("\xD9\x84\xD9\x84%s", k + 5);
			found = word_match(folded_text, alt);
			free(alt);
		}
	}
	free(k);
	return found;
}

struct place {
	char *where;  /* "the petition's title", "the draft's field memo" */
	char *folded; /* its folded text */
};

static void add_place(struct place **v, size_t *n, size_t *alloc, const char *where, const char *text)
{
	if (!filled(text))
		return;
	*v = xgrow(*v, alloc, *n + 1, sizeof(**v));
	(*v)[*n].where = xstrdup(where);
	(*v)[(*n)++].folded = fold(text);
}

/* Every string in a draft's field value (strings, or arrays and objects of them). */
static void add_field_strings(struct place **v, size_t *n, size_t *alloc, const char *where, json_t *x)
{
	size_t i;
	const char *k;
	json_t *y;
	if (json_is_string(x))
		add_place(v, n, alloc, where, json_string_value(x));
	else if (json_is_array(x))
		json_array_foreach(x, i, y) add_field_strings(v, n, alloc, where, y);
	else if (json_is_object(x))
		json_object_foreach(x, k, y) add_field_strings(v, n, alloc, where, y);
}

static void check_excluded(json_t *conds, json_t *rule, const struct petition_row *p, const struct draft_text *d)
{
	json_t *f = rules_figure(rule, "excluded_subjects");
	if (!f)
		return;
	struct place *places = NULL;
	size_t nplaces = 0, alloc = 0;
	add_place(&places, &nplaces, &alloc, "the petition's title", p->title);
	if (d->found) {
		add_place(&places, &nplaces, &alloc, "the draft's title", d->title);
		const char *name;
		json_t *x;
		json_object_foreach(d->fields, name, x)
		{
			char where[160];
			snprintf(where, sizeof(where), "the draft's field \"%s\"", name);
			add_field_strings(&places, &nplaces, &alloc, where, x);
		}
	}
	json_t *matches = json_array();
	struct buf why = BUF_INIT;
	size_t i;
	json_t *subject;
	json_array_foreach(json_object_get(f, "value"), i, subject)
	{
		static const char *const langs[] = {"ar", "fr", "en"};
		int found = 0;
		for (size_t l = 0; l < 3 && !found; l++) {
			size_t j;
			json_t *kw;
			json_array_foreach(json_object_get(json_object_get(subject, "keywords"), langs[l]), j, kw)
			{
				const char *keyword = json_string_value(kw);
				for (size_t pl = 0; keyword && pl < nplaces && !found; pl++) {
					if (!keyword_in(places[pl].folded, keyword))
						continue;
					found = 1;
					const char *label = json_string_value(json_object_get(subject, "label"));
					json_array_append_new(
					    matches,
					    json_pack("{s:s?, s:s?, s:s, s:s}", "subject",
					              json_string_value(json_object_get(subject, "id")), "label", label,
					              "keyword", keyword, "where", places[pl].where));
					buf_appendf(&why, "%s\"%s\" (%s) in %s", why.len ? "; " : "", keyword,
					            label ? label : "?", places[pl].where);
				}
				if (found)
					break;
			}
		}
	}
	if (json_array_size(matches))
		add_condition(conds, "excluded_subjects", "unknown", f,
		              "a warning, not a verdict: %s. The law excludes these subjects; a keyword only asks a "
		              "person to read the text and decide",
		              buf_str(&why));
	else
		add_condition(
		    conds, "excluded_subjects", "pass", f,
		    "no keyword of an excluded subject in the title or the text (the keywords are only a hint)");
	json_object_set_new(json_array_get(conds, json_array_size(conds) - 1), "matches", matches);
	buf_release(&why);
	for (size_t k = 0; k < nplaces; k++) {
		free(places[k].where);
		free(places[k].folded);
	}
	free(places);
}

static void add_warnings(json_t *warnings, const struct petition_row *p, const struct rules_required *q,
                         const struct tally *t)
{
	if (t->no_residence)
		json_array_append_new(
		    warnings, json_sprintf("%lld signature%s without a commune of residence: they count toward the "
		                           "threshold but not toward any province",
		                           t->no_residence, t->no_residence == 1 ? "" : "s"));
	if (q->territory.level != TERRITORY_ANY && t->outside - t->no_residence > 0)
		json_array_append_new(
		    warnings,
		    json_sprintf("%lld signator%s do not live in the %s of %s: they count only if they have an "
		                 "economic, commercial or professional activity there",
		                 t->outside - t->no_residence, t->outside - t->no_residence == 1 ? "y" : "ies",
		                 territory_level_name(q->territory.level), q->territory.name_fr));
	if (t->purged)
		json_array_append_new(
		    warnings, json_sprintf("the personal data of this petition was purged%s%s: %lld signatures "
		                           "are counted by the duplicate marks made before",
		                           p->purged_at ? " on " : "", p->purged_at ? p->purged_at : "", t->purged));
}

int petition_check_on(sqlite3 *db, const char *overrides_dir, long long id, const char *today, json_t **out,
                      struct err *e)
{
	struct petition_row p;
	json_t *rule = NULL;
	struct rules_required q;
	struct tally t;
	struct draft_text d;
	memset(&q, 0, sizeof(q));
	memset(&t, 0, sizeof(t));
	memset(&d, 0, sizeof(d));
	*out = NULL;
	if (!petition_date_valid(today))
		return err_set(e, ERR_USAGE, "\"%s\" is not a date (YYYY-MM-DD)", today ? today : "");
	int r = row_load(db, id, &p, e);
	if (r)
		return r;
	if ((r = rule_for(db, overrides_dir, &p, &rule, e)))
		goto done;
	if ((r = rules_required(db, rule, p.territory, &q, e))) {
		err_prefix(e, "petition %lld", id);
		goto done;
	}
	const char *level = json_string_value(json_object_get(rule, "level"));
	if ((r = tally_signatures(db, &p, level, &t, e)))
		goto done;
	draft_text_load(db, p.draft_id, &d);

	json_t *o = json_object();
	json_t *conds = json_array(), *warnings = json_array();
	check_threshold(conds, rule, &q, &t);
	if (q.spread_share > 0)
		check_spread(conds, o, rule, &q, &t);
	check_agent(conds, rule, &p, &d);
	check_committee(conds, rule, &p, &d);
	if (filled(p.association))
		check_association(conds, warnings, rule, &p, &d, &q, today);
	check_contents(db, overrides_dir, conds, rule, &p, &d);
	check_remit(conds, rule);
	check_excluded(conds, rule, &p, &d);
	add_warnings(warnings, &p, &q, &t);

	int admissible = 1;
	size_t i;
	json_t *c;
	json_array_foreach(conds, i, c)
	{
		if (!strcmp(json_string_value(json_object_get(c, "status")), "fail"))
			admissible = 0;
	}
	json_object_set_new(o, "id", json_integer(p.id));
	json_object_set_new(o, "rule", json_string(p.rule));
	json_object_set_new(o, "title", json_string(p.title ? p.title : ""));
	json_object_set_new(o, "status", json_string(p.status ? p.status : ""));
	if (q.territory.level != TERRITORY_ANY)
		json_object_set_new(o, "territory",
		                    json_pack("{s:s, s:s, s:s, s:s, s:I}", "code", q.territory.code, "level",
		                              territory_level_name(q.territory.level), "name_fr", q.territory.name_fr,
		                              "name_ar", q.territory.name_ar, "population_2024",
		                              (json_int_t)q.territory.population));
	json_object_set_new(o, "today", json_string(today));
	json_object_set_new(o, "admissible", json_boolean(admissible));
	json_object_set_new(o, "required", json_integer(q.required));
	json_object_set_new(o, "counted", json_integer(t.counted));
	json_object_set_new(o, "duplicates", json_integer(t.live - t.counted));
	json_object_set_new(o, "withdrawn", json_integer(t.withdrawn));
	json_object_set_new(o, "conditions", conds);
	json_object_set_new(o, "warnings", warnings);
	*out = o;
done:
	draft_text_release(&d);
	json_decref(t.by_province);
	rules_required_release(&q);
	json_decref(rule);
	row_release(&p);
	return r;
}

int petition_check(sqlite3 *db, const char *overrides_dir, long long id, json_t **out, struct err *e)
{
	char today[11];
	petition_today(today);
	return petition_check_on(db, overrides_dir, id, today, out, e);
}

/* ---- filing and decision ---- */

int petition_record_filing(sqlite3 *db, long long id, const char *date, const char *channel, const char *receipt,
                           struct err *e)
{
	char today[11];
	petition_today(today);
	if (!petition_date_valid(date))
		return err_set(e, ERR_USAGE, "the filing date \"%s\" is not a date (YYYY-MM-DD)", date ? date : "");
	if (strcmp(date, today) > 0)
		return err_set(e, ERR_USAGE, "the filing date %s is in the future (today is %s)", date, today);
	struct petition_row p;
	int r = row_load(db, id, &p, e);
	if (r)
		return r;
	if (strcmp(p.status, "collecting")) {
		if (p.filed_on)
			r = err_set(e, ERR_USAGE, "petition %lld is %s (filed on %s): it cannot be filed again", id,
			            p.status, p.filed_on);
		else
			r = err_set(e, ERR_USAGE, "petition %lld is %s, not collecting signatures: it cannot be filed",
			            id, p.status);
		row_release(&p);
		return r;
	}
	row_release(&p);
	sqlite3_stmt *st = db_prepare(db, "UPDATE petitions SET status = 'filed', filed_on = ?2, filed_channel = ?3, "
	                                  "receipt_number = ?4, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
	                                  "WHERE id = ?1 AND status = 'collecting'");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, filled(channel) ? channel : NULL);
	db_bind_text(st, 4, filled(receipt) ? receipt : NULL);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = err_set(e, ERR_DB, "recording the filing of petition %lld: %s", id, sqlite3_errmsg(db));
	else if (sqlite3_changes(db) != 1)
		r = err_set(e, ERR_USAGE, "petition %lld changed meanwhile: it is no longer collecting signatures", id);
	sqlite3_finalize(st);
	return r;
}

int petition_record_decision(sqlite3 *db, long long id, const char *decision, const char *date, const char *reasons,
                             struct err *e)
{
	char today[11];
	petition_today(today);
	if (!decision || (strcmp(decision, "accepted") && strcmp(decision, "refused")))
		return err_set(e, ERR_USAGE, "the decision is \"accepted\" or \"refused\", not \"%s\"",
		               decision ? decision : "");
	if (!date)
		date = today;
	if (!petition_date_valid(date))
		return err_set(e, ERR_USAGE, "the decision date \"%s\" is not a date (YYYY-MM-DD)", date);
	if (strcmp(date, today) > 0)
		return err_set(e, ERR_USAGE, "the decision date %s is in the future (today is %s)", date, today);
	if (!strcmp(decision, "refused") && !filled(reasons))
		return err_set(e, ERR_USAGE,
		               "a refusal must be reasoned: record the reasons the council gave (--note REASONS)");
	struct petition_row p;
	int r = row_load(db, id, &p, e);
	if (r)
		return r;
	if (strcmp(p.status, "filed")) {
		if (p.decided_on)
			r = err_set(e, ERR_USAGE, "petition %lld was already %s on %s", id, p.status, p.decided_on);
		else
			r = err_set(e, ERR_USAGE,
			            "petition %lld is %s: only a filed petition gets a decision (asurif "
			            "petition file %lld --date D)",
			            id, p.status, id);
	} else if (p.filed_on && strcmp(date, p.filed_on) < 0) {
		r = err_set(e, ERR_USAGE, "the decision date %s comes before the filing, on %s", date, p.filed_on);
	}
	row_release(&p);
	if (r)
		return r;
	sqlite3_stmt *st = db_prepare(db, "UPDATE petitions SET status = ?2, decided_on = ?3, decision_reasons = ?4, "
	                                  "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
	                                  "WHERE id = ?1 AND status = 'filed'");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, decision);
	db_bind_text(st, 3, date);
	db_bind_text(st, 4, filled(reasons) ? reasons : NULL);
	if (sqlite3_step(st) != SQLITE_DONE)
		r = err_set(e, ERR_DB, "recording the decision on petition %lld: %s", id, sqlite3_errmsg(db));
	else if (sqlite3_changes(db) != 1)
		r = err_set(e, ERR_USAGE, "petition %lld changed meanwhile: it is no longer awaiting a decision", id);
	sqlite3_finalize(st);
	return r;
}

/* ---- legal dates ---- */

/* A deadline counted from another's date rather than from the filing (the later steps of a procedure). */
static const struct {
	const char *figure, *after;
} chained[] = {
    {"opinion_deadline", "referral_deadline"},
    {"inadmissibility_notice_deadline", "opinion_deadline"},
    {"substance_deadline", "admissibility_deadline"},
};

static int dates_of(sqlite3 *db, const char *overrides_dir, const struct petition_row *p, const char *today,
                    json_t **out, struct err *e)
{
	json_t *rule = NULL;
	int r = rule_for(db, overrides_dir, p, &rule, e);
	if (r)
		return r;
	json_t *dates = json_array();
	int undecided = !strcmp(p->status, "filed") && !p->decided_on;
	size_t i;
	json_t *f;
	json_array_foreach(p->filed_on ? json_object_get(rule, "figures") : NULL, i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "type")), "duration"))
			continue;
		const char *fid = json_string_value(json_object_get(f, "id"));
		const char *from = "filing", *start = p->filed_on;
		for (size_t k = 0; k < sizeof(chained) / sizeof(chained[0]); k++) {
			if (strcmp(fid, chained[k].figure))
				continue;
			size_t j;
			json_t *prev;
			json_array_foreach(dates, j, prev)
			{
				if (!strcmp(json_string_value(json_object_get(prev, "id")), chained[k].after)) {
					from = chained[k].after;
					start = json_string_value(json_object_get(prev, "date"));
				}
			}
		}
		char due[11];
		struct rules_from rf;
		if ((r = rules_deadline(rule, fid, start, due, &rf, e))) {
			err_prefix(e, "petition %lld", p->id);
			break;
		}
		long long left = days_between(today, due);
		json_t *d =
		    json_pack("{s:s, s:s?, s:s, s:I, s:s?, s:s, s:s, s:I, s:b, s:s?, s:s?, s:s?, s:b}", "id", fid,
		              "label", json_string_value(json_object_get(f, "label")), "date", due, "value",
		              (json_int_t)json_integer_value(json_object_get(f, "value")), "unit",
		              json_string_value(json_object_get(f, "unit")), "from", from, "from_date", start,
		              "days_left", (json_int_t)left, "overdue", undecided && left < 0, "source", rf.source,
		              "status", rf.status, "checked_on", rf.checked_on, "overridden", rf.overridden);
		if (json_string_value(json_object_get(f, "from")))
			json_object_set_new(d, "counted_from",
			                    json_string(json_string_value(json_object_get(f, "from"))));
		if (rf.note)
			json_object_set_new(d, "override_note", json_string(rf.note));
		json_array_append_new(dates, d);
		rules_from_release(&rf);
	}
	if (r) {
		json_decref(dates);
		json_decref(rule);
		return r;
	}
	json_t *o =
	    json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:o}", "id", (json_int_t)p->id,
	              "campaign_id", (json_int_t)p->campaign_id, "rule", p->rule, "title", p->title ? p->title : "",
	              "status", p->status, "filed_on", p->filed_on, "channel", p->channel, "receipt", p->receipt,
	              "decided_on", p->decided_on, "decision_reasons", p->reasons, "today", today, "dates", dates);
	json_object_set_new(o, "authority", or_null(json_object_get(rule, "authority")));
	json_decref(rule);
	*out = o;
	return 0;
}

int petition_dates(sqlite3 *db, const char *overrides_dir, long long id, const char *today, json_t **out, struct err *e)
{
	char now[11];
	*out = NULL;
	if (!today) {
		petition_today(now);
		today = now;
	}
	if (!petition_date_valid(today))
		return err_set(e, ERR_USAGE, "\"%s\" is not a date (YYYY-MM-DD)", today);
	struct petition_row p;
	int r = row_load(db, id, &p, e);
	if (r)
		return r;
	r = dates_of(db, overrides_dir, &p, today, out, e);
	row_release(&p);
	return r;
}

int petition_by_date(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "date")), json_string_value(json_object_get(y, "date")));
	if (c)
		return c;
	json_int_t px = json_integer_value(json_object_get(x, "petition")),
	           py = json_integer_value(json_object_get(y, "petition"));
	return px < py ? -1 : px > py;
}

int petition_dates_pending(sqlite3 *db, const char *overrides_dir, const char *today, json_t **out, struct err *e)
{
	char now[11];
	*out = NULL;
	if (!today) {
		petition_today(now);
		today = now;
	}
	if (!petition_date_valid(today))
		return err_set(e, ERR_USAGE, "\"%s\" is not a date (YYYY-MM-DD)", today);
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM petitions WHERE status = 'filed' AND filed_on IS NOT NULL "
	                                  "AND decided_on IS NULL ORDER BY id");
	long long *ids;
	size_t n;
	if (petition_ids_collect(st, &ids, &n) != SQLITE_DONE)
		return err_set(e, ERR_DB, "listing the filed petitions: %s", sqlite3_errmsg(db));
	json_t **items = NULL;
	size_t nitems = 0, ialloc = 0;
	json_t *warnings = json_array();
	for (size_t k = 0; k < n; k++) {
		json_t *one = NULL;
		struct err pe = ERR_INIT;
		/* one damaged rule set must not hide the other petitions' dates */
		if (petition_dates(db, overrides_dir, ids[k], today, &one, &pe)) {
			json_array_append_new(warnings, json_string(pe.msg));
			continue;
		}
		size_t i;
		json_t *d;
		json_array_foreach(json_object_get(one, "dates"), i, d)
		{
			json_t *item = json_pack("{s:I}", "petition", (json_int_t)ids[k]);
			static const char *const from_petition[] = {"title", "campaign_id", "rule", "filed_on"};
			static const char *const from_date[] = {"id",      "label",  "date",   "days_left",
			                                        "overdue", "source", "status", "overridden"};
			for (size_t j = 0; j < sizeof(from_petition) / sizeof(from_petition[0]); j++)
				json_object_set_new(item, from_petition[j],
				                    or_null(json_object_get(one, from_petition[j])));
			for (size_t j = 0; j < sizeof(from_date) / sizeof(from_date[0]); j++)
				json_object_set_new(item, from_date[j], or_null(json_object_get(d, from_date[j])));
			items = xgrow(items, &ialloc, nitems + 1, sizeof(*items));
			items[nitems++] = item;
		}
		json_decref(one);
	}
	free(ids);
	if (nitems)
		qsort(items, nitems, sizeof(*items), petition_by_date);
	json_t *dates = json_array();
	for (size_t k = 0; k < nitems; k++)
		json_array_append_new(dates, items[k]);
	free(items);
	*out = json_pack("{s:s, s:o, s:o}", "today", today, "dates", dates, "warnings", warnings);
	return 0;
}
