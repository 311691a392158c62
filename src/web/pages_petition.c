/*
 * Petition pages for the workspace's members: starting a petition from a campaign, its
 * page (the admissibility checklist with the source and status of every figure, progress
 * toward the threshold and per province, counts by channel, the legal dates, filing and
 * decision), the list of petitions, the rule sets with the coordinators' overrides, and
 * the coordinators' download of the signature list. Nothing personal is ever shown on a
 * page: the signatures leave only through the CSV download, which is logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "campaign/campaign.h"
#include "draft/draft.h"
#include "export/doc.h"
#include "hub/hub.h"
#include "petition/check.h"
#include "petition/petition.h"
#include "petition/rules.h"
#include "petition/vault.h"
#include "territory/territory.h"
#include "web/http.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

#define FIELD_MAX 2000 /* the longest text accepted in these forms, in bytes */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long long jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static int is_ar(struct req *r)
{
	return !strcmp(r->lang, "ar");
}

/* The text of "PREFIX_value" in the page's language (value as is when there is none). */
static const char *word(struct req *r, const char *prefix, const char *value)
{
	char key[96];
	snprintf(key, sizeof(key), "%s%s", prefix, value);
	/* keys are a-z, 0-9 and _: "association.min_years" is looked up as association_min_years */
	for (char *c = key; *c; c++)
		if (*c == '.' || *c == '-' || *c == '/')
			*c = '_';
	const char *s = T(r, key);
	return s && strcmp(s, key) ? s : value;
}

/* A form field, trimmed of nothing, "" when absent. */
static const char *fv(struct req *r, const char *name)
{
	const char *v = req_field(r, name);
	return v ? v : "";
}

/* A rule set's title in the page's language. */
static const char *rule_title(struct req *r, json_t *rule)
{
	json_t *t = json_object_get(rule, "title");
	const char *s = jstr(t, r->lang);
	return *s ? s : jstr(t, "fr");
}

/* A territory object's name in the page's language. */
static const char *place_name(struct req *r, json_t *t)
{
	return jstr(t, is_ar(r) ? "name_ar" : "name_fr");
}

static void audit(struct req *r, const char *action, long long id, const char *detail)
{
	char target[40];
	snprintf(target, sizeof(target), "petition %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, action, target, detail);
}

/* "3 months", "100 signatures": a number with its unit in plain words. */
static void number_text(struct req *r, struct buf *b, long long n, const char *unit)
{
	buf_appendf(b, "%lld", n);
	if (unit && *unit)
		buf_appendf(b, " %s", word(r, "petition_unit_", unit));
}

/* A figure's value as a person reads it (rules.h lists the types). Caller frees. */
static char *value_text(struct req *r, json_t *figure, json_t *value)
{
	struct buf b = BUF_INIT;
	const char *type = jstr(figure, "type"), *unit = jstr(figure, "unit");
	size_t i;
	json_t *v;
	if (json_is_integer(value) && strcmp(type, "share")) {
		number_text(r, &b, json_integer_value(value), unit);
	} else if (!strcmp(type, "share") && json_is_number(value)) {
		buf_appendf(&b, "%g%%", json_number_value(value) * 100);
	} else if (json_is_boolean(value)) {
		buf_appends(&b, T(r, json_is_true(value) ? "petition_yes" : "petition_no"));
	} else if (json_is_string(value)) {
		buf_appends(&b, json_string_value(value));
	} else if (!strcmp(type, "threshold") && json_is_array(value)) {
		json_array_foreach(value, i, v) {
			char num[32];
			if (i)
				buf_appends(&b, "; ");
			if (json_object_get(v, "below")) {
				snprintf(num, sizeof(num), "%lld", jint(v, "below"));
				char *s = page_format(r, "petition_below", "n", num);
				buf_appends(&b, s);
				free(s);
			} else if (json_object_get(v, "at_most")) {
				snprintf(num, sizeof(num), "%lld", jint(v, "at_most"));
				char *s = page_format(r, "petition_at_most", "n", num);
				buf_appends(&b, s);
				free(s);
			} else {
				buf_appends(&b, T(r, "petition_otherwise"));
			}
			buf_appends(&b, ": ");
			number_text(r, &b, jint(v, "signatures"), unit);
		}
	} else if (json_is_array(value)) {
		json_array_foreach(value, i, v) {
			if (i)
				buf_appends(&b, "; ");
			if (json_is_string(v))
				buf_appends(&b, json_string_value(v));
			else if (json_object_get(v, "label"))
				buf_appends(&b, jstr(v, "label"));
			else if (json_object_get(v, "name_fr"))
				buf_appends(&b, place_name(r, v));
			else {
				char *s = json_dumps(v, JSON_COMPACT);
				buf_appends(&b, s ? s : "");
				free(s);
			}
		}
	} else {
		char *s = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
		buf_appends(&b, s ? s : "");
		free(s);
	}
	buf_append(&b, "", 0);
	return buf_detach(&b);
}

/* "confirmed", "not confirmed", "sources disagree" for a figure's status. */
static const char *status_words(struct req *r, const char *status)
{
	return word(r, "petition_figure_", status);
}

/* Every rule set with the workspace's overrides applied; NULL (logged) on error. */
static json_t *rules_all(struct req *r)
{
	json_t *all = NULL;
	struct err e = ERR_INIT;
	if (rules_load_all(r->web->overrides, &all, &e)) {
		fprintf(stderr, "asurif: rule sets: %s\n", e.msg);
		return NULL;
	}
	size_t i;
	json_t *rule;
	json_array_foreach(all, i, rule)
		if (rules_apply_overrides(r->hub->db, rule, &e))
			fprintf(stderr, "asurif: rule overrides: %s\n", e.msg);
	return all;
}

/* ---- starting a petition ---- */

/* The form's choices: rule sets, the campaign's drafts; ctx keeps the values typed. */
static int new_page(struct req *r, int status, json_t *ctx, json_t *campaign)
{
	json_t *all = rules_all(r);
	if (!all) {
		json_decref(ctx);
		json_decref(campaign);
		return -1;
	}
	const char *chosen = jstr(ctx, "rule");
	if (!*chosen)
		chosen = "";
	json_t *rules = json_array();
	size_t i;
	json_t *rule;
	json_array_foreach(all, i, rule) {
		const char *level = jstr(rule, "level");
		json_array_append_new(rules, json_pack("{s:s, s:s, s:s, s:b}", "value", jstr(rule, "id"), "label",
		                                       rule_title(r, rule), "hint", word(r, "petition_level_hint_", level),
		                                       "selected", !strcmp(chosen, jstr(rule, "id"))));
	}
	json_decref(all);
	json_object_set_new(ctx, "rules", rules);
	long long campaign_id = jint(campaign, "id");
	json_t *drafts = NULL, *opts = json_array();
	struct err e = ERR_INIT;
	long long chosen_draft = req_int(jstr(ctx, "draft"), 0);
	if (draft_list(r->hub->db, campaign_id, &drafts, &e) == 0) {
		json_t *d;
		json_array_foreach(drafts, i, d)
			json_array_append_new(opts, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)jint(d, "id"), "title",
			                                      jstr(d, "title"), "selected", jint(d, "id") == chosen_draft));
	}
	json_decref(drafts);
	json_object_set_new(ctx, "drafts", opts);
	json_object_set_new(ctx, "campaign", campaign);
	return render_page(r, status, "petition_new", "petition_new_title", ctx);
}

static json_t *load_campaign(struct req *r, long long id)
{
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (!id || campaign_json(r->hub->db, id, &c, &e))
		return NULL;
	return c;
}

int page_petition_new(struct req *r)
{
	json_t *c = load_campaign(r, page_id(r));
	if (!c)
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_campaigns");
	/* The campaign's level and place suggest the rule set and the territory. */
	const char *level = jstr(c, "level");
	if (!strcmp(level, "commune") || !strcmp(level, "province") || !strcmp(level, "region")) {
		char *rule = xasprintf("ma/%s", level);
		json_object_set_new(ctx, "rule", json_string(rule));
		free(rule);
	}
	json_t *t = json_object_get(c, "territory");
	if (json_is_object(t))
		json_object_set_new(ctx, "territory", json_string(jstr(t, "code")));
	json_object_set_new(ctx, "association",
	                    json_string(jstr(json_object_get(c, "organisation"), "name")));
	return new_page(r, 200, ctx, c);
}

/*
 * The territory a person named for rule: a code, "name (code)", or a name found at the
 * rule set's level. Returns the code (caller frees), or NULL with an error added.
 */
static char *resolve_territory(struct req *r, json_t *ctx, const char *text, enum territory_level level)
{
	size_t n = strlen(text);
	const char *open = strrchr(text, '(');
	if (open && n && text[n - 1] == ')')
		return xstrndup(open + 1, (size_t)(text + n - 1 - (open + 1)));
	if (strspn(text, "0123456789.") == n)
		return xstrdup(text);
	struct territory *v = NULL;
	size_t nv = 0;
	struct err e = ERR_INIT;
	char *code = NULL;
	if (territory_find(r->hub->db, text, level, 6, &v, &nv, &e) || !nv) {
		page_add_error(ctx, "territory", T(r, "petition_error_territory_none"));
		goto done;
	}
	size_t exact = 0, which = 0;
	for (size_t i = 0; i < nv; i++)
		if (!strcmp(v[i].name_ar, text) || !strcasecmp(v[i].name_fr, text))
			exact++, which = i;
	if (nv == 1 || exact == 1) {
		code = xstrdup(v[nv == 1 ? 0 : which].code);
		goto done;
	}
	/* Several places: say which, with their codes, so the person types one. */
	struct buf b = BUF_INIT;
	buf_appends(&b, T(r, "petition_error_territory_many"));
	for (size_t i = 0; i < nv; i++)
		buf_appendf(&b, "%s %s (%s)", i ? "," : "", is_ar(r) ? v[i].name_ar : v[i].name_fr, v[i].code);
	buf_append(&b, "", 0);
	page_add_error(ctx, "territory", buf_str(&b));
	buf_release(&b);
done:
	free(v);
	return code;
}

int page_petition_new_post(struct req *r)
{
	long long campaign_id = page_id(r);
	json_t *c = load_campaign(r, campaign_id);
	if (!c)
		return resp_error(r, 404, "error_not_found");
	const char *rule = fv(r, "rule"), *territory = fv(r, "territory"), *association = fv(r, "association");
	long long draft = req_int(fv(r, "draft"), 0);
	json_t *ctx = page_ctx("nav_campaigns");
	json_object_set_new(ctx, "rule", json_string(rule));
	json_object_set_new(ctx, "territory", json_string(territory));
	json_object_set_new(ctx, "association", json_string(association));
	json_object_set_new(ctx, "draft", json_string(fv(r, "draft")));
	char *code = NULL;
	json_t *def = NULL;
	struct err e = ERR_INIT;
	if (!rules_known(rule) || rules_load(r->web->overrides, rule, &def, &e)) {
		page_add_error(ctx, "rule", T(r, "petition_error_rule"));
	} else {
		enum territory_level level = territory_level_parse(jstr(def, "level"));
		if (level != TERRITORY_ANY && !*territory)
			page_add_error(ctx, "territory", T(r, "petition_error_territory_missing"));
		else if (level != TERRITORY_ANY)
			code = resolve_territory(r, ctx, territory, level);
	}
	json_decref(def);
	if (strlen(association) > FIELD_MAX)
		page_add_error(ctx, "association", T(r, "petition_error_too_long"));
	long long id = 0;
	if (!json_object_get(ctx, "errors")) {
		struct petition_fields f = {campaign_id, rule, code, draft, *association ? association : NULL, NULL};
		if (petition_create(r->hub->db, &f, &id, &e)) {
			if (e.code != ERR_USAGE && e.code != ERR_NOTFOUND) {
				fprintf(stderr, "asurif: new petition: %s\n", e.msg);
				free(code);
				json_decref(ctx);
				json_decref(c);
				return -1;
			}
			/* The library names the option it refuses; the form names the field. */
			const char *field = strstr(e.msg, "draft") ? "draft" : strstr(e.msg, "--rule") ? "rule" : "territory";
			page_add_error(ctx, field, T(r, !strcmp(field, "draft") ? "petition_error_draft"
			                                                        : "petition_error_territory_level"));
		}
	}
	free(code);
	if (json_object_get(ctx, "errors"))
		return new_page(r, 400, ctx, c);
	json_decref(ctx);
	json_decref(c);
	audit(r, "petition", id, rule);
	char *where = xasprintf("/petitions/%lld", id);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

/* ---- a petition's page ---- */

static const char *const marks[][2] = {{"pass", "✓"}, {"fail", "✗"}, {"unknown", "?"}};

/* The override of figure in rule (NULL when none): what the checklist shows with its note. */
static json_t *override_of(json_t *rule, const char *figure)
{
	json_t *f = figure && *figure ? rules_figure(rule, figure) : NULL;
	json_t *o = json_object_get(f, "overridden");
	return json_is_object(o) ? o : NULL;
}

static json_t *checklist(struct req *r, json_t *check, json_t *rule)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(check, "conditions"), i, c) {
		const char *status = jstr(c, "status"), *mark = "?";
		for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++)
			if (!strcmp(status, marks[k][0]))
				mark = marks[k][1];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", jstr(c, "id"), "name",
		                      word(r, "petition_cond_", jstr(c, "id")), "status", status, "mark", mark,
		                      "status_label", word(r, "petition_check_", status), "reason", jstr(c, "reason"),
		                      "source", jstr(c, "rule_source"), "rule_status",
		                      status_words(r, jstr(c, "rule_status")));
		json_t *ov = override_of(rule, jstr(c, "figure"));
		if (ov || json_is_true(json_object_get(c, "overridden")))
			json_object_set_new(o, "overridden", json_pack("{s:s}", "note", jstr(ov, "note")));
		json_array_append_new(out, o);
	}
	return out;
}

/* A progress bar's values: count, of, percent (0..100), and the sentence "N of M signatures". */
static json_t *progress(struct req *r, long long count, long long of)
{
	long long pct = of > 0 ? (count >= of ? 100 : count * 100 / of) : 100;
	char a[32], b[32];
	snprintf(a, sizeof(a), "%lld", count);
	snprintf(b, sizeof(b), "%lld", of);
	/* "{count} of {required} signatures": two values in one sentence */
	char *s1 = page_format(r, "petition_progress", "count", a);
	struct buf t = BUF_INIT;
	const char *p = strstr(s1, "{required}");
	if (p) {
		buf_append(&t, s1, (size_t)(p - s1));
		buf_appends(&t, b);
		buf_appends(&t, p + strlen("{required}"));
	} else {
		buf_appends(&t, s1);
	}
	buf_append(&t, "", 0);
	char *s2 = buf_detach(&t);
	json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:b}", "count", (json_int_t)count, "of", (json_int_t)of, "percent",
	                      (json_int_t)pct, "text", s2, "reached", count >= of);
	free(s1);
	free(s2);
	return o;
}

/* The legal dates, each with its plain status and whether it is overdue. */
static json_t *dates_ctx(struct req *r, json_t *dates)
{
	json_t *out = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(dates, "dates"), i, d) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "label", word(r, "petition_date_", jstr(d, "id")),
		                      "date", jstr(d, "date"), "from_date", jstr(d, "from_date"), "source",
		                      jstr(d, "source"), "rule_status", status_words(r, jstr(d, "status")), "overdue",
		                      json_is_true(json_object_get(d, "overdue")));
		long long left = jint(d, "days_left");
		char num[32];
		snprintf(num, sizeof(num), "%lld", left < 0 ? -left : left);
		char *when = page_format(r, left < 0 ? "petition_days_late" : "petition_days_left", "n", num);
		json_object_set_new(o, "when", json_string(when));
		free(when);
		json_array_append_new(out, o);
	}
	return out;
}

/* The petition's page; ctx may hold a form's errors and values (taken). */
static int petition_page(struct req *r, long long id, int status, json_t *ctx)
{
	json_t *p = NULL, *check = NULL, *dates = NULL, *rule = NULL;
	struct err e = ERR_INIT;
	int rc = -1;
	if (!id || petition_json(r->hub->db, id, &p, &e)) {
		json_decref(ctx);
		return e.code == ERR_NOTFOUND || !id ? resp_error(r, 404, "error_not_found") : -1;
	}
	if (petition_check(r->hub->db, r->web->overrides, id, &check, &e) ||
	    petition_dates(r->hub->db, r->web->overrides, id, NULL, &dates, &e) ||
	    rules_load(r->web->overrides, jstr(p, "rule"), &rule, &e) || rules_apply_overrides(r->hub->db, rule, &e)) {
		fprintf(stderr, "asurif: petition %lld: %s\n", id, e.msg);
		json_decref(ctx);
		goto done;
	}
	const char *pstatus = jstr(p, "status");
	json_object_set_new(ctx, "title", json_string(jstr(p, "title")));
	json_object_set_new(ctx, "rule_title", json_string(rule_title(r, rule)));
	json_object_set_new(ctx, "authority", json_string(jstr(rule, "authority")));
	json_object_set_new(ctx, "status_label", json_string(word(r, "petition_status_", pstatus)));
	json_t *terr = json_object_get(p, "territory");
	if (json_is_object(terr))
		json_object_set_new(ctx, "place", json_string(place_name(r, terr)));
	json_object_set_new(ctx, "admissible", json_boolean(json_is_true(json_object_get(check, "admissible"))));
	json_object_set_new(ctx, "conditions", checklist(r, check, rule));
	json_object_set_new(ctx, "progress", progress(r, jint(check, "counted"), jint(check, "required")));
	/* The threshold's figure: its source and how sure it is, next to the number. */
	json_t *th = rules_figure(rule, "threshold");
	json_object_set_new(ctx, "threshold_source", json_string(jstr(th, "source")));
	json_object_set_new(ctx, "threshold_status", json_string(status_words(r, jstr(th, "status"))));
	if (override_of(rule, "threshold"))
		json_object_set_new(ctx, "threshold_note", json_string(jstr(override_of(rule, "threshold"), "note")));
	json_t *provinces = json_array();
	size_t i;
	json_t *pv;
	json_array_foreach(json_object_get(check, "per_province"), i, pv) {
		json_t *o = progress(r, jint(pv, "counted"), jint(pv, "min"));
		json_object_set_new(o, "name", json_string(place_name(r, pv)));
		json_array_append_new(provinces, o);
	}
	json_object_set_new(ctx, "provinces", provinces);
	json_t *sig = json_object_get(p, "signatures");
	json_t *channels = json_array();
	const char *key;
	json_t *n;
	json_object_foreach(json_object_get(sig, "by_channel"), key, n)
		json_array_append_new(channels, json_pack("{s:s, s:I}", "label", word(r, "petition_channel_", key),
		                                          "count", (json_int_t)json_integer_value(n)));
	json_object_set_new(ctx, "channels", channels);
	json_object_set_new(ctx, "total", json_integer(jint(sig, "total")));
	json_object_set_new(ctx, "duplicates", json_integer(jint(check, "duplicates")));
	json_object_set_new(ctx, "withdrawn", json_integer(jint(check, "withdrawn")));
	json_object_set_new(ctx, "outside", json_integer(jint(sig, "outside_territory")));
	json_object_set_new(ctx, "warnings", json_incref(json_object_get(check, "warnings")));
	json_object_set_new(ctx, "dates", dates_ctx(r, dates));
	json_object_set_new(ctx, "filed_on", json_string(jstr(dates, "filed_on")));
	json_object_set_new(ctx, "filing_channel", json_string(jstr(dates, "channel")));
	json_object_set_new(ctx, "receipt", json_string(jstr(dates, "receipt")));
	json_object_set_new(ctx, "decided_on", json_string(jstr(dates, "decided_on")));
	json_object_set_new(ctx, "decision_reasons", json_string(jstr(dates, "decision_reasons")));
	json_object_set_new(ctx, "collecting", json_boolean(!strcmp(pstatus, "collecting")));
	json_object_set_new(ctx, "filed", json_boolean(!strcmp(pstatus, "filed")));
	json_object_set_new(ctx, "purged", json_boolean(json_is_string(json_object_get(p, "purged_at"))));
	if (!json_object_get(ctx, "f_decision_refused") && !json_object_get(ctx, "f_decision_accepted"))
		json_object_set_new(ctx, "f_decision_accepted", json_true());
	/* Online signing: the public page's address, for the link and the QR code. */
	json_object_set_new(ctx, "signing_open", json_boolean(json_is_true(json_object_get(p, "signing_open"))));
	char *url = page_sign_url(r, jstr(p, "public_key"));
	json_object_set_new(ctx, "sign_url", json_string(url));
	free(url);
	json_object_set_new(ctx, "p", p);
	p = NULL;
	rc = render_page(r, status, "petition", NULL, ctx);
done:
	json_decref(p);
	json_decref(check);
	json_decref(dates);
	json_decref(rule);
	return rc;
}

int page_petition(struct req *r)
{
	return petition_page(r, page_id(r), 200, page_ctx("nav_campaigns"));
}

/* Refuses fields longer than FIELD_MAX (the form's own error), 0 when every one is fine. */
static int too_long(struct req *r, json_t *ctx, const char *const *names)
{
	int bad = 0;
	for (size_t i = 0; names[i]; i++)
		if (strlen(fv(r, names[i])) > FIELD_MAX) {
			page_add_error(ctx, names[i], T(r, "petition_error_too_long"));
			bad = 1;
		}
	return bad;
}

int page_petition_filing_post(struct req *r)
{
	long long id = page_id(r);
	const char *date = fv(r, "filed_on"), *channel = fv(r, "channel"), *receipt = fv(r, "receipt");
	json_t *ctx = page_ctx("nav_campaigns");
	json_object_set_new(ctx, "f_filed_on", json_string(date));
	json_object_set_new(ctx, "f_channel", json_string(channel));
	json_object_set_new(ctx, "f_receipt", json_string(receipt));
	static const char *const names[] = {"filed_on", "channel", "receipt", NULL};
	if (!petition_date_valid(date))
		page_add_error(ctx, "filed_on", T(r, "petition_error_date"));
	too_long(r, ctx, names);
	struct err e = ERR_INIT;
	if (!json_object_get(ctx, "errors") &&
	    petition_record_filing(r->hub->db, id, date, *channel ? channel : NULL, *receipt ? receipt : NULL, &e)) {
		if (e.code == ERR_NOTFOUND) {
			json_decref(ctx);
			return resp_error(r, 404, "error_not_found");
		}
		if (e.code != ERR_USAGE) {
			json_decref(ctx);
			fprintf(stderr, "asurif: filing petition %lld: %s\n", id, e.msg);
			return -1;
		}
		page_add_error(ctx, "filed_on", strstr(e.msg, "future") || strstr(e.msg, "after")
		                                    ? T(r, "petition_error_date_future")
		                                    : T(r, "petition_error_not_collecting"));
	}
	if (json_object_get(ctx, "errors"))
		return petition_page(r, id, 400, ctx);
	json_decref(ctx);
	audit(r, "petition filing", id, date);
	r->flash = xstrdup("petition_filing_saved");
	char *where = xasprintf("/petitions/%lld#dates", id);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

int page_petition_signing_post(struct req *r)
{
	long long id = page_id(r);
	int open = !strcmp(fv(r, "open"), "1");
	struct err e = ERR_INIT;
	if (petition_set_signing(r->hub->db, id, open, &e)) {
		if (e.code == ERR_NOTFOUND)
			return resp_error(r, 404, "error_not_found");
		json_t *ctx = page_ctx("nav_campaigns");
		page_add_error(ctx, "online", T(r, "petition_error_not_collecting"));
		return petition_page(r, id, 400, ctx);
	}
	audit(r, open ? "open online signing" : "close online signing", id, "");
	r->flash = xstrdup("petition_online_saved");
	char *where = xasprintf("/petitions/%lld#online", id);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

int page_petition_decision_post(struct req *r)
{
	long long id = page_id(r);
	const char *decision = fv(r, "decision"), *date = fv(r, "decided_on"), *reasons = fv(r, "reasons");
	json_t *ctx = page_ctx("nav_campaigns");
	json_object_set_new(ctx, "f_decided_on", json_string(date));
	json_object_set_new(ctx, "f_reasons", json_string(reasons));
	json_object_set_new(ctx, "f_decision_refused", json_boolean(!strcmp(decision, "refused")));
	json_object_set_new(ctx, "f_decision_accepted", json_boolean(!strcmp(decision, "accepted")));
	static const char *const names[] = {"decided_on", "reasons", NULL};
	if (strcmp(decision, "accepted") && strcmp(decision, "refused"))
		page_add_error(ctx, "decision", T(r, "petition_error_decision"));
	if (*date && !petition_date_valid(date))
		page_add_error(ctx, "decided_on", T(r, "petition_error_date"));
	if (!strcmp(decision, "refused") && !*reasons)
		page_add_error(ctx, "reasons", T(r, "petition_error_reasons"));
	too_long(r, ctx, names);
	struct err e = ERR_INIT;
	if (!json_object_get(ctx, "errors") &&
	    petition_record_decision(r->hub->db, id, decision, *date ? date : NULL, *reasons ? reasons : NULL, &e)) {
		if (e.code == ERR_NOTFOUND) {
			json_decref(ctx);
			return resp_error(r, 404, "error_not_found");
		}
		if (e.code != ERR_USAGE) {
			json_decref(ctx);
			fprintf(stderr, "asurif: decision on petition %lld: %s\n", id, e.msg);
			return -1;
		}
		page_add_error(ctx, "decided_on", strstr(e.msg, "filed") && !strstr(e.msg, "before")
		                                      ? T(r, "petition_error_not_filed")
		                                      : T(r, "petition_error_decision_date"));
	}
	if (json_object_get(ctx, "errors"))
		return petition_page(r, id, 400, ctx);
	json_decref(ctx);
	audit(r, "petition decision", id, decision);
	r->flash = xstrdup("petition_decision_saved");
	char *where = xasprintf("/petitions/%lld#dates", id);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

int page_petition_signatures_send(struct req *r, const char *ext, const char *type, page_signatures_fn make)
{
	long long id = page_id(r);
	if (!id)
		return resp_error(r, 404, "error_not_found");
	struct vault *v = NULL;
	struct err e = ERR_INIT;
	struct buf out;
	buf_init(&out, 0);
	long long count = 0;
	int rc;
	if (vault_open(r->web->dir, &v, &e) || make(r, v, id, &out, &count, &e)) {
		vault_close(v);
		vault_buf_wipe(&out);
		if (e.code == ERR_NOTFOUND)
			return resp_error(r, 404, "error_not_found");
		if (e.code == ERR_USAGE)
			return resp_error(r, 410, "petition_error_purged");
		fprintf(stderr, "asurif: exporting petition %lld: %s\n", id, e.msg);
		return -1;
	}
	vault_close(v);
	char detail[64];
	snprintf(detail, sizeof(detail), "%lld signatures, %s, web", count, ext);
	audit(r, "export personal data", id, detail);
	char cd[80];
	snprintf(cd, sizeof(cd), "attachment; filename=\"petition-%lld-signatures.%s\"", id, ext);
	resp_header(r, "Content-Disposition", cd);
	resp_header(r, "Cache-Control", "no-store");
	rc = resp_text(r, 200, type, out.data ? out.data : "", out.len);
	vault_buf_wipe(&out);
	return rc;
}

static int signatures_csv(struct req *r, struct vault *v, long long id, struct buf *out, long long *count,
                          struct err *e)
{
	return petition_export_csv(r->hub->db, v, r->web->overrides, id, out, count, e);
}

/* GET /petitions/{}/signatures.csv — coordinators only (routes.c); logged. */
int page_petition_signatures_csv(struct req *r)
{
	return page_petition_signatures_send(r, "csv", "text/csv; charset=utf-8", signatures_csv);
}

/* The path's extension: "pdf", "docx" or "odt". */
static const char *signatures_ext(const struct req *r)
{
	const char *dot = strrchr(r->path, '.');
	return dot ? dot + 1 : "";
}

/* The list as a document to print (PDF) or to edit (DOCX, ODT), in the page's language. */
static int signatures_doc(struct req *r, struct vault *v, long long id, struct buf *out, long long *count,
                          struct err *e)
{
	const char *ext = signatures_ext(r);
	struct doc *d = NULL;
	int ret = petition_export_doc(r->hub->db, v, r->web->overrides, id, r->lang, &d, count, e);
	if (!ret)
		ret = !strcmp(ext, "docx") ? export_docx(d, out, e)
		      : !strcmp(ext, "odt") ? export_odt(d, out, e)
		                            : export_pdf(d, out, e);
	doc_free(d);
	return ret;
}

/* GET /petitions/{}/signatures.pdf, .docx and .odt — the list to print or to edit, coordinators
   only (routes.c), in the page's language; logged. */
int page_petition_signatures_doc(struct req *r)
{
	const char *ext = signatures_ext(r);
	if (!strcmp(ext, "docx"))
		return page_petition_signatures_send(
		    r, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", signatures_doc);
	if (!strcmp(ext, "odt"))
		return page_petition_signatures_send(r, "odt", "application/vnd.oasis.opendocument.text", signatures_doc);
	return page_petition_signatures_send(r, "pdf", "application/pdf", signatures_doc);
}

/* ---- every petition ---- */

int page_petitions(struct req *r)
{
	json_t *list = NULL;
	struct err e = ERR_INIT;
	if (petition_list_json(r->hub->db, 0, &list, &e)) {
		fprintf(stderr, "asurif: petitions: %s\n", e.msg);
		return -1;
	}
	json_t *all = rules_all(r);
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p) {
		json_object_set_new(p, "status_label", json_string(word(r, "petition_status_", jstr(p, "status"))));
		json_object_set_new(p, "place", json_string(place_name(r, json_object_get(p, "territory"))));
		size_t k;
		json_t *rule;
		json_array_foreach(all, k, rule)
			if (!strcmp(jstr(rule, "id"), jstr(p, "rule")))
				json_object_set_new(p, "rule_title", json_string(rule_title(r, rule)));
	}
	json_decref(all);
	json_t *ctx = page_ctx("nav_campaigns");
	json_object_set_new(ctx, "petitions", list);
	return render_page(r, 200, "petitions", "petitions_title", ctx);
}

/* ---- the rule sets and the overrides ---- */

static int rules_page(struct req *r, int status, json_t *ctx)
{
	json_t *all = rules_all(r);
	if (!all) {
		json_decref(ctx);
		return -1;
	}
	const char *f_rule = jstr(ctx, "f_rule"), *f_figure = jstr(ctx, "f_figure");
	json_t *sets = json_array();
	size_t i;
	json_t *rule;
	json_array_foreach(all, i, rule) {
		const char *rid = jstr(rule, "id");
		json_t *figures = json_array(), *choices = json_array();
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(rule, "figures"), k, f) {
			char *value = value_text(r, f, json_object_get(f, "value"));
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", jstr(f, "id"), "label",
			                      jstr(f, "label"), "value", value, "source", jstr(f, "source"), "status",
			                      jstr(f, "status"), "status_label", status_words(r, jstr(f, "status")),
			                      "checked_on", jstr(f, "checked_on"));
			free(value);
			json_object_set_new(o, "rule", json_string(rid));
			json_t *ov = json_object_get(f, "overridden");
			if (json_is_object(ov)) {
				char *orig = value_text(r, f, json_object_get(f, "original"));
				json_object_set_new(o, "overridden",
				                    json_pack("{s:s, s:s, s:s, s:s}", "original", orig, "note", jstr(ov, "note"),
				                              "by", jstr(ov, "by"), "at", jstr(ov, "at")));
				free(orig);
			}
			json_array_append_new(figures, o);
			json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "id", jstr(f, "id"), "label",
			                                         jstr(f, "label"), "selected",
			                                         !strcmp(rid, f_rule) && !strcmp(f_figure, jstr(f, "id"))));
		}
		json_t *law = json_object_get(rule, "law");
		json_t *set = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:b}", "id", rid, "anchor",
		                    rid + 3, "title", rule_title(r, rule), "authority", jstr(rule, "authority"), "law_source",
		                    jstr(law, "source"), "law_status", status_words(r, jstr(law, "status")), "law_checked_on",
		                    jstr(law, "checked_on"), "figures", figures, "choices", choices, "current",
		                    !strcmp(rid, f_rule));
		/* The override form's errors, under names the set's section can show. */
		static const char *const fields[] = {"figure", "value", "note"};
		for (size_t j = 0; j < 3 && !strcmp(rid, f_rule); j++) {
			char key[64], plain[24];
			snprintf(key, sizeof(key), "%s-%s_error", fields[j], rid + 3);
			snprintf(plain, sizeof(plain), "%s_error", fields[j]);
			if (json_object_get(ctx, key))
				json_object_set(set, plain, json_object_get(ctx, key));
		}
		json_array_append_new(sets, set);
	}
	json_decref(all);
	json_object_set_new(ctx, "sets", sets);
	return render_page(r, status, "petition_rules", "petition_rules_title", ctx);
}

int page_petition_rules(struct req *r)
{
	return rules_page(r, 200, page_ctx("nav_campaigns"));
}

static const char *who(struct req *r)
{
	return *r->user.name ? r->user.name : r->user.login;
}

int page_petition_rule_override(struct req *r)
{
	const char *rule = fv(r, "rule"), *figure = fv(r, "figure"), *value = fv(r, "value"), *note = fv(r, "note");
	json_t *ctx = page_ctx("nav_campaigns");
	json_object_set_new(ctx, "f_rule", json_string(rule));
	json_object_set_new(ctx, "f_figure", json_string(figure));
	json_object_set_new(ctx, "f_value", json_string(value));
	json_object_set_new(ctx, "f_note", json_string(note));
	/* The fields of the form of this rule set carry its name: value-commune, note-commune. */
	const char *suffix = rules_known(rule) ? rule + 3 : "";
	char fvalue[40], fnote[40], ffigure[40];
	snprintf(fvalue, sizeof(fvalue), "value-%s", suffix);
	snprintf(fnote, sizeof(fnote), "note-%s", suffix);
	snprintf(ffigure, sizeof(ffigure), "figure-%s", suffix);
	if (!rules_known(rule))
		page_add_error(ctx, "rules", T(r, "petition_error_rule"));
	else if (!*figure)
		page_add_error(ctx, ffigure, T(r, "petition_error_figure"));
	if (!*value)
		page_add_error(ctx, fvalue, T(r, "petition_error_value"));
	if (!*note)
		page_add_error(ctx, fnote, T(r, "petition_error_note"));
	if (strlen(value) > FIELD_MAX || strlen(note) > FIELD_MAX)
		page_add_error(ctx, fnote, T(r, "petition_error_too_long"));
	struct err e = ERR_INIT;
	char *stored = NULL;
	if (!json_object_get(ctx, "errors") &&
	    rules_override_set(r->hub->db, r->web->overrides, rule, figure, value, note, who(r), &stored, &e)) {
		if (e.code != ERR_USAGE) {
			json_decref(ctx);
			fprintf(stderr, "asurif: overriding %s %s: %s\n", rule, figure, e.msg);
			return -1;
		}
		/* The library says which form the value takes (in English): shown as it is. */
		page_add_error(ctx, fvalue, e.msg);
	}
	if (json_object_get(ctx, "errors"))
		return rules_page(r, 400, ctx);
	json_decref(ctx);
	char target[160], *detail = xasprintf("%s (note: %s)", stored ? stored : value, note);
	snprintf(target, sizeof(target), "%s %s", rule, figure);
	account_audit(r->hub->db, &r->user, r->ip, "rule-override", target, detail);
	free(detail);
	free(stored);
	r->flash = xstrdup("petition_override_saved");
	char *where = xasprintf("/petitions/rules#%s", suffix);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

int page_petition_rule_reset(struct req *r)
{
	const char *rule = fv(r, "rule"), *figure = fv(r, "figure");
	struct err e = ERR_INIT;
	if (!rules_known(rule))
		return resp_error(r, 400, "petition_error_rule");
	if (rules_override_clear(r->hub->db, r->web->overrides, rule, figure, NULL, who(r), &e)) {
		if (e.code == ERR_USAGE || e.code == ERR_NOTFOUND)
			return resp_error(r, 400, "petition_error_figure");
		fprintf(stderr, "asurif: resetting %s %s: %s\n", rule, figure, e.msg);
		return -1;
	}
	char target[160];
	snprintf(target, sizeof(target), "%s %s", rule, figure);
	account_audit(r->hub->db, &r->user, r->ip, "rule-reset", target, NULL);
	r->flash = xstrdup("petition_override_reset");
	char *where = xasprintf("/petitions/rules#%s", rule + 3);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

/* ---- for other pages ---- */

void page_petition_campaign_ctx(struct req *r, json_t *ctx, long long campaign_id)
{
	json_t *list = NULL;
	struct err e = ERR_INIT;
	if (petition_list_json(r->hub->db, campaign_id, &list, &e))
		return;
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p) {
		json_object_set_new(p, "status_label", json_string(word(r, "petition_status_", jstr(p, "status"))));
		json_object_set_new(p, "place", json_string(place_name(r, json_object_get(p, "territory"))));
	}
	json_object_set_new(ctx, "petitions", list);
}

void page_petition_dates_ctx(struct req *r, json_t *ctx)
{
	json_t *pending = NULL;
	struct err e = ERR_INIT;
	if (petition_dates_pending(r->hub->db, r->web->overrides, NULL, &pending, &e))
		return;
	json_t *out = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(pending, "dates"), i, d) {
		if (i >= 8)
			break;
		long long left = jint(d, "days_left");
		char num[32];
		snprintf(num, sizeof(num), "%lld", left < 0 ? -left : left);
		char *when = page_format(r, left < 0 ? "petition_days_late" : "petition_days_left", "n", num);
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "petition",
		                                     (json_int_t)jint(d, "petition"), "title", jstr(d, "title"), "label",
		                                     word(r, "petition_date_", jstr(d, "id")), "date", jstr(d, "date"),
		                                     "when", when, "overdue", json_is_true(json_object_get(d, "overdue"))));
		free(when);
	}
	json_decref(pending);
	json_object_set_new(ctx, "petition_dates", out);
}
