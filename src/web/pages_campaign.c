/*
 * The campaigns' pages: the list (with the form that starts a campaign), a campaign's case
 * file (goal, territory, evidence board, barriers, recommendations, stakeholders with their
 * grid, timeline) with a form for each kind of item, editing and removing, pinning a
 * passage from the search results. The work is the campaign core's (campaign/campaign.h);
 * this file reads forms, fills templates, and names each refused field in the page's words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "campaign/campaign.h"
#include "draft/draft.h"
#include "hub/hub.h"
#include "petition/timeline.h"
#include "territory/territory.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

#define TERRITORY_CHOICES 12

/* ---- words ---- */

/* The interface's word for a value: the key prefix + value ("status_" "won"), or the value itself. */
static const char *word(struct req *r, const char *prefix, const char *value)
{
	char key[64];
	snprintf(key, sizeof(key), "%s%s", prefix, value ? value : "");
	const char *t = T(r, key);
	return strcmp(t, key) ? t : (value ? value : "");
}

/* A select's options: [{value, label, selected}], with an empty first option when empty_key. */
static json_t *options(struct req *r, const char *prefix, const char *const *list, const char *current,
                       const char *empty_key)
{
	json_t *a = json_array();
	if (empty_key)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", "", "label", T(r, empty_key), "selected",
		                                   !current || !*current));
	for (size_t i = 0; list[i]; i++)
		json_array_append_new(a,
		                      json_pack("{s:s, s:s, s:b}", "value", list[i], "label", word(r, prefix, list[i]),
		                                "selected", current && !strcmp(current, list[i])));
	return a;
}

/* 1 to 5, for power and interest. */
static json_t *score_options(const char *current)
{
	static const char *const scores[] = {"1", "2", "3", "4", "5", NULL};
	json_t *a = json_array();
	for (size_t i = 0; scores[i]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", scores[i], "label", scores[i],
		                                   "selected", current ? !strcmp(current, scores[i]) : i == 2));
	return a;
}

/* A theme's name in the page's language (English for languages without names of their own). */
static const char *theme_name(struct req *r, json_t *theme)
{
	const char *key = !strcmp(r->lang, "ar") ? "name_ar" : !strcmp(r->lang, "fr") ? "name_fr" : "name_en";
	const char *s = json_string_value(json_object_get(theme, key));
	return s && *s ? s : json_string_value(json_object_get(theme, "key"));
}

/* A number with its thousands grouped as the language writes them. */
static char *grouped(struct req *r, long long n)
{
	char digits[32];
	snprintf(digits, sizeof(digits), "%lld", n);
	const char *sep = !strcmp(r->lang, "fr") ? "\u202f" : ",";
	struct buf b = BUF_INIT;
	size_t len = strlen(digits);
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0 && digits[i - 1] != '-')
			buf_appends(&b, sep);
		buf_appendc(&b, digits[i]);
	}
	return buf_detach(&b);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* ---- forms ---- */

/* The trimmed text of a form field ("" when absent). */
static json_t *field_text(struct req *r, const char *name)
{
	struct buf b = BUF_INIT;
	buf_appends(&b, req_field(r, name) ? req_field(r, name) : "");
	buf_trim(&b);
	json_t *s = json_string(buf_str(&b));
	buf_release(&b);
	return s ? s : json_string("");
}

/* The named fields of the request as {name: trimmed text}. */
static json_t *read_form(struct req *r, const char *const *names)
{
	json_t *f = json_object();
	for (size_t i = 0; names[i]; i++)
		json_object_set_new(f, names[i], field_text(r, names[i]));
	return f;
}

/* A value of a form read by read_form. */
static const char *fv(json_t *form, const char *name)
{
	const char *s = json_string_value(json_object_get(form, name));
	return s ? s : "";
}

/* Every value of a repeated field (checkboxes), in order. Caller frees the array, not the strings. */
static const char **field_values(struct req *r, const char *name, size_t *n)
{
	const char **v = xcalloc(r->nfields + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name) && r->fields[i].value[0])
			v[(*n)++] = r->fields[i].value;
	return v;
}

/* The numbers of a repeated field; values that are not numbers become 0 (which the core refuses). */
static long long *field_ids(struct req *r, const char *name, size_t *n)
{
	size_t k = 0;
	const char **v = field_values(r, name, &k);
	long long *ids = xcalloc(k + 1, sizeof(*ids));
	for (size_t i = 0; i < k; i++)
		ids[i] = req_int(v[i], 0);
	free(v);
	*n = k;
	return ids;
}

/* The message for a refused field of a form, in the page's language. */
static const char *problem_message(struct req *r, const char *form, const char *field)
{
	static const struct {
		const char *form, *field, *key;
	} msgs[] = {
	    {"", "title", "cerr_campaign_title"},
	    {"", "territory", "cerr_territory"},
	    {"", "end", "cerr_end"},
	    {"barrier", "title", "cerr_barrier_title"},
	    {"rec", "text", "cerr_rec_text"},
	    {"sh", "name", "cerr_sh_name"},
	    {"sh", "power", "cerr_score"},
	    {"sh", "interest", "cerr_score"},
	    {"ev", "title", "cerr_ev_title"},
	    {"ev", "date", "cerr_ev_date"},
	    {NULL, "start", "cerr_date"},
	    {NULL, "goal", "cerr_long"},
	    {NULL, "description", "cerr_long"},
	    {NULL, "notes", "cerr_long"},
	    {NULL, "note", "cerr_long"},
	    {NULL, "target", "cerr_short"},
	    {NULL, "org", "cerr_short"},
	    {NULL, "affected", "cerr_short"},
	    {NULL, "authority", "cerr_short"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(msgs); i++)
		if ((!msgs[i].form || !strcmp(msgs[i].form, form)) && !strcmp(msgs[i].field, field))
			return T(r, msgs[i].key);
	return T(r, "cerr_choose"); /* lists: level, status, themes, severity, evidence, barriers... */
}

/* The id of a form's field in the page: "barrier_title"; the campaign form's fields have none. */
static char *field_id(const char *form, const char *field)
{
	/* a list of checkboxes is pointed at by its first box */
	int list = !strcmp(field, "theme") || !strcmp(field, "evidence") || !strcmp(field, "barrier");
	return xasprintf("%s%s%s%s", form, *form ? "_" : "", field, list ? "_first" : "");
}

static void add_problems(struct req *r, json_t *ctx, const char *form, const struct campaign_problems *p)
{
	for (size_t i = 0; i < p->n; i++) {
		char *id = field_id(form, p->v[i].field);
		page_add_error(ctx, id, problem_message(r, form, p->v[i].field));
		free(id);
	}
}

static int has_errors(json_t *ctx)
{
	return json_object_get(ctx, "errors") != NULL;
}

/* ---- the campaign form ---- */

static const char *const campaign_form_fields[] = {
    "title", "goal", "level", "territory", "territory_pick", "target", "org", "start", "end", "status", NULL};

/* The themes as checkboxes, those in `chosen` (an array of keys) checked. */
static json_t *theme_boxes(struct req *r, json_t *chosen)
{
	json_t *themes = NULL, *out = json_array();
	struct err e = ERR_INIT;
	if (campaign_themes_json(r->hub->db, &themes, &e))
		return out;
	size_t i, k;
	json_t *t, *c;
	json_array_foreach(themes, i, t)
	{
		int on = 0;
		json_array_foreach(chosen, k, c)
		{
			on = on || !strcmp(json_string_value(c), str(t, "key"));
		}
		json_array_append_new(out, json_pack("{s:s, s:s, s:b, s:b}", "key", str(t, "key"), "name",
		                                     theme_name(r, t), "checked", on, "first", i == 0));
	}
	json_decref(themes);
	return out;
}

/* How a territory is written in the form: its name in the page's language and its code. */
static char *territory_text(struct req *r, json_t *t)
{
	return xasprintf("%s (%s)", !strcmp(r->lang, "ar") ? str(t, "name_ar") : str(t, "name_fr"), str(t, "code"));
}

/* The campaign form's values and lists, for the campaign_form partial. */
static void campaign_form_ctx(struct req *r, json_t *ctx, json_t *form, json_t *themes_chosen)
{
	json_object_set_new(ctx, "cf", form);
	json_object_set_new(ctx, "levels", options(r, "level_", campaign_levels, fv(form, "level"), "level_none"));
	json_object_set_new(ctx, "statuses", options(r, "status_", campaign_statuses, fv(form, "status"), NULL));
	json_object_set_new(ctx, "theme_boxes", theme_boxes(r, themes_chosen));
}

/*
 * The territory a person named: a code, "name (code)" as the form shows it, one of the
 * choices offered (territory_pick), or a name found at the chosen level. Sets the code in
 * *code (caller frees) or adds an error (with the choices when several places have the name).
 */
static void resolve_territory(struct req *r, json_t *ctx, json_t *form, char **code)
{
	*code = NULL;
	const char *text = fv(form, "territory"), *pick = fv(form, "territory_pick"), *level = fv(form, "level");
	if (*pick) {
		*code = xstrdup(pick);
		return;
	}
	if (!*text)
		return;
	/* "أزيلال (05.081.01.01)": the code in brackets at the end */
	size_t n = strlen(text);
	const char *open = strrchr(text, '(');
	if (open && text[n - 1] == ')') {
		*code = xstrndup(open + 1, (size_t)(text + n - 1 - (open + 1)));
		return;
	}
	if (strspn(text, "0123456789.") == n) {
		*code = xstrdup(text);
		return;
	}
	struct territory *v = NULL;
	size_t nv = 0;
	struct err e = ERR_INIT;
	enum territory_level tl = territory_level_parse(level);
	if (territory_find(r->hub->db, text, tl, TERRITORY_CHOICES, &v, &nv, &e) || !nv) {
		page_add_error(ctx, "territory", T(r, "cerr_territory_none"));
		free(v);
		return;
	}
	/* one place of that name exactly (as written in Arabic or French) decides */
	size_t exact = 0, which = 0;
	for (size_t i = 0; i < nv; i++)
		if (!strcmp(v[i].name_ar, text) || !strcasecmp(v[i].name_fr, text))
			exact++, which = i;
	if (nv == 1 || exact == 1) {
		*code = xstrdup(v[nv == 1 ? 0 : which].code);
		free(v);
		return;
	}
	json_t *choices = json_array();
	for (size_t i = 0; i < nv; i++) {
		char *label = xasprintf(
		    "%s (%s) — %s%s%s", !strcmp(r->lang, "ar") ? v[i].name_ar : v[i].name_fr,
		    !strcmp(r->lang, "ar") ? v[i].name_fr : v[i].name_ar,
		    word(r, "level_", territory_level_name(v[i].level)), v[i].level == TERRITORY_COMMUNE ? ", " : "",
		    v[i].level == TERRITORY_COMMUNE ? (!strcmp(r->lang, "ar") ? v[i].province_ar : v[i].province_fr)
		                                    : "");
		json_array_append_new(choices,
		                      json_pack("{s:s, s:s, s:b}", "code", v[i].code, "label", label, "first", i == 0));
		free(label);
	}
	free(v);
	json_object_set_new(ctx, "territory_choices", choices);
	page_add_error(ctx, "territory_pick_first", T(r, "cerr_territory_many"));
}

/* Fills the core's fields from the campaign form (themes from the checkboxes). */
static void campaign_fields_of(json_t *form, const char *territory, const char **themes, size_t nthemes, int editing,
                               struct campaign_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->title = fv(form, "title");
	f->goal = fv(form, "goal");
	f->level = fv(form, "level");
	f->territory = territory ? territory : "";
	f->target = fv(form, "target");
	f->org = fv(form, "org");
	f->start = fv(form, "start");
	f->end = fv(form, "end");
	f->status = editing ? fv(form, "status") : NULL;
	f->themes = themes;
	f->nthemes = nthemes;
	f->set_themes = 1;
}

/* ---- the list of campaigns ---- */

static json_t *campaign_item(struct req *r, json_t *c)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)num(c, "id"), "title",
	                      str(c, "title"), "status", str(c, "status"), "status_label",
	                      word(r, "status_", str(c, "status")), "target", str(c, "target"), "updated", "");
	json_object_set_new(o, "updated", json_stringn(str(c, "updated_at"), strnlen(str(c, "updated_at"), 10)));
	if (*str(c, "level"))
		json_object_set_new(o, "level", json_string(word(r, "level_", str(c, "level"))));
	json_t *t = json_object_get(c, "territory");
	if (json_is_object(t))
		json_object_set_new(o, "territory",
		                    json_string(!strcmp(r->lang, "ar") ? str(t, "name_ar") : str(t, "name_fr")));
	json_t *n = json_object_get(c, "counts");
	char *ev = page_count(r, "count_evidence", num(n, "evidence"));
	char *ba = page_count(r, "count_barriers", num(n, "barriers"));
	char *re = page_count(r, "count_recommendations", num(n, "recommendations"));
	json_object_set_new(o, "counts",
	                    json_pack("{s:s, s:s, s:s}", "evidence", ev, "barriers", ba, "recommendations", re));
	free(ev);
	free(ba);
	free(re);
	return o;
}

static int campaigns_page(struct req *r, int status, json_t *ctx)
{
	int mine = req_int(req_query(r, "mine"), 0) == 1;
	json_t *list = NULL;
	struct err e = ERR_INIT;
	if (campaign_list_json(r->hub->db, mine ? r->user.id : 0, &list, &e)) {
		json_decref(ctx);
		fprintf(stderr, "asurif: campaigns: %s\n", e.msg);
		return -1;
	}
	json_t *items = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c)
	{
		json_array_append_new(items, campaign_item(r, c));
	}
	json_decref(list);
	json_object_set_new(ctx, "campaigns", items);
	json_object_set_new(ctx, "mine", json_boolean(mine));
	char *total = page_count(r, "count_campaigns", (long long)json_array_size(items));
	json_object_set_new(ctx, "total", json_string(total));
	free(total);
	if (!json_object_get(ctx, "cf"))
		campaign_form_ctx(r, ctx, read_form(r, (const char *const[]){NULL}), NULL);
	return render_page(r, status, "campaigns", "campaigns_title", ctx);
}

int page_campaigns(struct req *r)
{
	return campaigns_page(r, 200, page_ctx("nav_campaigns"));
}

int page_campaign_new(struct req *r)
{
	json_t *ctx = page_ctx("nav_campaigns");
	json_t *form = read_form(r, campaign_form_fields);
	size_t nthemes = 0;
	const char **themes = field_values(r, "theme", &nthemes);
	json_t *chosen = json_array();
	for (size_t i = 0; i < nthemes; i++)
		json_array_append_new(chosen, json_string(themes[i]));
	char *territory = NULL;
	resolve_territory(r, ctx, form, &territory);
	struct campaign_fields f;
	campaign_fields_of(form, territory, themes, nthemes, 0, &f);
	struct campaign_problems p = {0};
	struct err e = ERR_INIT;
	long long id = 0;
	int rc;
	if (!has_errors(ctx) && campaign_create(r->hub->db, &f, r->user.id, &id, &p, &e) && e.code != ERR_USAGE) {
		fprintf(stderr, "asurif: new campaign: %s\n", e.msg);
		rc = -1;
		json_decref(form);
		json_decref(ctx);
		goto done;
	}
	add_problems(r, ctx, "", &p);
	if (has_errors(ctx)) {
		json_object_set_new(ctx, "new_open", json_true());
		campaign_form_ctx(r, ctx, form, chosen); /* takes form, reads chosen */
		rc = campaigns_page(r, 400, ctx);
		goto done;
	}
	char target[32];
	snprintf(target, sizeof(target), "campaign %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "campaign-new", target, f.title);
	json_decref(form); /* f's texts are the form's */
	json_decref(ctx);
	r->flash = xstrdup("campaign_created");
	char *where = xasprintf("/campaigns/%lld", id);
	rc = resp_redirect(r, where);
	free(where);
done:
	json_decref(chosen);
	free(themes);
	free(territory);
	return rc;
}

int page_campaign_theme_add(struct req *r)
{
	json_t *form = read_form(r, (const char *const[]){"theme_key", "theme_name", NULL});
	struct err e = ERR_INIT;
	json_t *ctx = page_ctx("nav_campaigns");
	/* here a theme is added, never renamed (the command line renames) */
	json_t *themes = NULL;
	if (!campaign_themes_json(r->hub->db, &themes, &e)) {
		size_t i;
		json_t *t;
		json_array_foreach(themes, i, t)
		{
			if (!strcmp(str(t, "key"), fv(form, "theme_key")))
				page_add_error(ctx, "theme_key", T(r, "cerr_theme_exists"));
		}
		json_decref(themes);
	}
	if (!has_errors(ctx) &&
	    campaign_theme_set(r->hub->db, fv(form, "theme_key"), NULL, fv(form, "theme_name"), &e)) {
		if (strstr(e.msg, "name:"))
			page_add_error(ctx, "theme_name", T(r, "cerr_short"));
		if (strstr(e.msg, "key:") || !has_errors(ctx))
			page_add_error(ctx, "theme_key", T(r, "cerr_theme_key"));
	}
	if (has_errors(ctx)) {
		json_object_set_new(ctx, "tf", form);
		json_object_set_new(ctx, "theme_open", json_true());
		return campaigns_page(r, 400, ctx);
	}
	json_decref(ctx);
	account_audit(r->hub->db, &r->user, r->ip, "theme-add", fv(form, "theme_key"), fv(form, "theme_name"));
	json_decref(form);
	r->flash = xstrdup("campaign_theme_added");
	return resp_redirect(r, "/campaigns");
}

/* ---- one campaign ---- */

/* The grid's words in the page's language. */
static char *grid_svg(struct req *r, long long id)
{
	struct campaign_grid_labels l = {
	    r->lang,
	    !strcmp(i18n_direction(r->lang), "rtl"),
	    T(r, "grid_title"),
	    T(r, "grid_desc"),
	    T(r, "stakeholder_power"),
	    T(r, "stakeholder_interest"),
	    T(r, "grid_low"),
	    T(r, "grid_high"),
	    T(r, "grid_keep_satisfied"),
	    T(r, "grid_manage_closely"),
	    T(r, "grid_monitor"),
	    T(r, "grid_keep_informed"),
	    T(r, "position_ally"),
	    T(r, "position_neutral"),
	    T(r, "position_opponent"),
	    T(r, "grid_none"),
	};
	char *svg = NULL;
	struct err e = ERR_INIT;
	if (campaign_grid_svg(r->hub->db, id, &l, &svg, &e))
		return xstrdup("");
	return svg;
}

/* Labels and links the page needs beside the case file's own values. */
static void decorate(struct req *r, json_t *c)
{
	json_object_set_new(c, "status_label", json_string(word(r, "status_", str(c, "status"))));
	if (*str(c, "level"))
		json_object_set_new(c, "level_label", json_string(word(r, "level_", str(c, "level"))));
	size_t i, k;
	json_t *o, *x;
	json_array_foreach(json_object_get(c, "themes"), i, o)
	    json_object_set_new(o, "name", json_string(theme_name(r, o)));
	json_t *t = json_object_get(c, "territory");
	if (json_is_object(t)) {
		int ar = !strcmp(r->lang, "ar");
		json_object_set_new(t, "name", json_string(ar ? str(t, "name_ar") : str(t, "name_fr")));
		json_object_set_new(t, "other_name", json_string(ar ? str(t, "name_fr") : str(t, "name_ar")));
		json_object_set_new(t, "other_lang", json_string(ar ? "fr" : "ar"));
		json_object_set_new(t, "level_label", json_string(word(r, "level_", str(t, "level"))));
		char *pop = grouped(r, num(t, "population_2024"));
		json_object_set_new(t, "population", json_string(pop));
		free(pop);
		const char *parts[] = {"province", "region"};
		for (size_t p = 0; p < 2; p++) {
			json_t *a = json_object_get(t, parts[p]);
			if (json_is_object(a))
				json_object_set_new(a, "name", json_string(ar ? str(a, "name_ar") : str(a, "name_fr")));
		}
	}
	/* evidence: numbered as on the board */
	json_t *evidence = json_object_get(c, "evidence");
	json_array_foreach(evidence, i, o)
	{
		json_object_set_new(o, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(o, "linked",
		                    json_boolean(json_is_integer(json_object_get(o, "passage_id")) &&
		                                 json_is_integer(json_object_get(o, "doc_id"))));
		json_object_set_new(o, "kind_label", json_string(word(r, "kind_", str(o, "doc_kind"))));
		json_object_set_new(o, "pinned_day",
		                    json_stringn(str(o, "pinned_at"), strnlen(str(o, "pinned_at"), 10)));
		if (num(o, "page") > 0) {
			char pg[16];
			snprintf(pg, sizeof(pg), "%lld", num(o, "page"));
			char *s = page_format(r, "result_page", "page", pg);
			json_object_set_new(o, "page_label", json_string(s));
			free(s);
		}
	}
	json_t *barriers = json_object_get(c, "barriers");
	json_array_foreach(barriers, i, o)
	{
		json_object_set_new(o, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(o, "severity_label", json_string(word(r, "severity_", str(o, "severity"))));
		json_array_foreach(json_object_get(c, "themes"), k, x)
		{
			if (!strcmp(str(x, "key"), str(o, "theme")))
				json_object_set_new(o, "theme_label", json_string(str(x, "name")));
		}
		if (*str(o, "theme") && !json_object_get(o, "theme_label"))
			json_object_set_new(o, "theme_label", json_string(str(o, "theme")));
		json_t *links = json_array();
		json_array_foreach(json_object_get(o, "evidence"), k, x)
		{
			size_t j;
			json_t *ev;
			json_array_foreach(evidence, j, ev)
			{
				if (num(ev, "id") == (long long)json_integer_value(x))
					json_array_append_new(links,
					                      json_pack("{s:I, s:I}", "id", (json_int_t)num(ev, "id"),
					                                "n", (json_int_t)j + 1));
			}
		}
		json_object_set_new(o, "evidence_links", links);
	}
	json_array_foreach(json_object_get(c, "recommendations"), i, o)
	{
		json_object_set_new(o, "n", json_integer((json_int_t)i + 1));
		json_object_set_new(o, "priority_label", json_string(word(r, "priority_", str(o, "priority"))));
		json_object_set_new(o, "feasibility_label",
		                    json_string(word(r, "feasibility_", str(o, "feasibility"))));
		json_t *links = json_array();
		json_array_foreach(json_object_get(o, "barriers"), k, x)
		{
			size_t j;
			json_t *b;
			json_array_foreach(barriers, j, b)
			{
				if (num(b, "id") == (long long)json_integer_value(x))
					json_array_append_new(
					    links, json_pack("{s:I, s:I, s:s}", "id", (json_int_t)num(b, "id"), "n",
					                     (json_int_t)j + 1, "title", str(b, "title")));
			}
		}
		json_object_set_new(o, "barrier_links", links);
	}
	json_array_foreach(json_object_get(c, "stakeholders"), i, o)
	{
		json_object_set_new(o, "type_label", json_string(word(r, "shtype_", str(o, "type"))));
		json_object_set_new(o, "position_label", json_string(word(r, "position_", str(o, "position"))));
	}
	json_array_foreach(json_object_get(c, "events"), i, o)
	    json_object_set_new(o, "type_label", json_string(word(r, "evtype_", str(o, "type"))));
	json_array_foreach(json_object_get(c, "members"), i, o)
	{
		json_object_set_new(o, "role_label", json_string(word(r, "member_role_", str(o, "role"))));
		if (!*str(o, "name"))
			json_object_set_new(o, "name", json_string(str(o, "login")));
	}
}

/* The evidence as checkboxes for the barrier form, those in `checked` (ids) checked. */
static json_t *evidence_boxes(json_t *c, const long long *checked, size_t n)
{
	json_t *a = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(c, "evidence"), i, o)
	{
		int on = 0;
		for (size_t k = 0; k < n; k++)
			on = on || checked[k] == num(o, "id");
		json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:b, s:b}", "id", (json_int_t)num(o, "id"), "n",
		                                   (json_int_t)i + 1, "label", str(o, "doc_title"), "checked", on,
		                                   "first", i == 0));
	}
	return a;
}

static json_t *barrier_boxes(json_t *c, const long long *checked, size_t n)
{
	json_t *a = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(c, "barriers"), i, o)
	{
		int on = 0;
		for (size_t k = 0; k < n; k++)
			on = on || checked[k] == num(o, "id");
		json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:b, s:b}", "id", (json_int_t)num(o, "id"), "n",
		                                   (json_int_t)i + 1, "label", str(o, "title"), "checked", on, "first",
		                                   i == 0));
	}
	return a;
}

/* The theme options of the barrier form: the campaign's themes first, then the others. */
static json_t *barrier_theme_options(struct req *r, const char *current)
{
	json_t *themes = NULL, *a = json_array();
	struct err e = ERR_INIT;
	json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", "", "label", T(r, "theme_none"), "selected",
	                                   !current || !*current));
	if (campaign_themes_json(r->hub->db, &themes, &e))
		return a;
	size_t i;
	json_t *t;
	json_array_foreach(themes, i, t)
	{
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", str(t, "key"), "label", theme_name(r, t),
		                                   "selected", current && !strcmp(current, str(t, "key"))));
	}
	json_decref(themes);
	return a;
}

/*
 * The values and lists of the item forms (the campaign_form_* partials): bf, rf, sf, ef, pf
 * are the forms' values, kept when a form comes back with errors.
 */
static void item_forms_ctx(struct req *r, json_t *ctx, json_t *c)
{
	json_t *bf = json_object_get(ctx, "bf"), *rf = json_object_get(ctx, "rf"), *sf = json_object_get(ctx, "sf");
	json_t *ef = json_object_get(ctx, "ef");
	if (!json_object_get(ctx, "evidence_boxes"))
		json_object_set_new(ctx, "evidence_boxes", evidence_boxes(c, NULL, 0));
	if (!json_object_get(ctx, "barrier_boxes"))
		json_object_set_new(ctx, "barrier_boxes", barrier_boxes(c, NULL, 0));
	json_object_set_new(ctx, "severities",
	                    options(r, "severity_", campaign_severities, bf ? fv(bf, "severity") : "medium", NULL));
	json_object_set_new(ctx, "barrier_themes", barrier_theme_options(r, bf ? fv(bf, "theme") : NULL));
	json_object_set_new(ctx, "priorities",
	                    options(r, "priority_", campaign_priorities, rf ? fv(rf, "priority") : "medium", NULL));
	json_object_set_new(
	    ctx, "feasibilities",
	    options(r, "feasibility_", campaign_feasibilities, rf ? fv(rf, "feasibility") : "medium", NULL));
	json_object_set_new(ctx, "sh_types",
	                    options(r, "shtype_", campaign_stakeholder_types, sf ? fv(sf, "type") : "other", NULL));
	json_object_set_new(ctx, "positions",
	                    options(r, "position_", campaign_positions, sf ? fv(sf, "position") : "neutral", NULL));
	json_object_set_new(ctx, "powers", score_options(sf ? fv(sf, "power") : NULL));
	json_object_set_new(ctx, "interests", score_options(sf ? fv(sf, "interest") : NULL));
	json_object_set_new(ctx, "ev_types",
	                    options(r, "evtype_", campaign_event_types, ef ? fv(ef, "type") : "meeting", NULL));
	json_object_set_new(ctx, "member_roles", options(r, "member_role_", campaign_member_roles, "member", NULL));
}

/*
 * The legal dates of the campaign's filed petitions (filing, each deadline of the rule set with
 * its source, the decision) merged into its events by date, marked "legal" so the timeline shows
 * them as deadlines, not as events one edits.
 */
static void legal_dates_on_timeline(struct req *r, json_t *c, long long id)
{
	json_t *dates = NULL;
	struct err e = ERR_INIT;
	if (petition_timeline(r->hub->db, r->web->overrides, id, NULL, &dates, &e))
		return;
	json_t *events = json_object_get(c, "events");
	size_t i;
	json_t *d;
	json_array_foreach(dates, i, d)
	{
		const char *kind = str(d, "kind");
		json_object_set_new(d, "legal", json_true());
		json_object_set_new(d, "kind_label", json_string(word(r, "timeline_kind_", kind)));
		if (!strcmp(kind, "deadline")) {
			char key[96];
			snprintf(key, sizeof(key), "petition_date_%s", str(d, "id"));
			const char *t = T(r, key);
			json_object_set_new(d, "title", json_string(strcmp(t, key) ? t : str(d, "label")));
			json_object_set_new(d, "status_label", json_string(word(r, "petition_figure_", str(d, "status"))));
			json_object_set_new(d, "deadline", json_true());
		} else if (!strcmp(kind, "filed")) {
			json_object_set_new(d, "title", json_string(T(r, "timeline_filed")));
		} else {
			json_object_set_new(d, "title", json_string(word(r, "petition_status_", str(d, "decision"))));
		}
		/* after the events of the same day */
		size_t at = json_array_size(events);
		while (at > 0 && strcmp(str(json_array_get(events, at - 1), "date"), str(d, "date")) > 0)
			at--;
		json_array_insert(events, at, d);
	}
	json_decref(dates);
}

/* The campaign's page; ctx may hold a form's errors and values. */
static int campaign_page(struct req *r, long long id, int status, json_t *ctx)
{
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (campaign_json(r->hub->db, id, &c, &e)) {
		json_decref(ctx);
		return e.code == ERR_NOTFOUND ? resp_error(r, 404, "error_not_found") : -1;
	}
	decorate(r, c);
	legal_dates_on_timeline(r, c, id);
	item_forms_ctx(r, ctx, c);
	char *svg = grid_svg(r, id);
	json_object_set_new(ctx, "grid_svg", json_string(svg));
	free(svg);
	const char *parts[] = {"evidence", "barriers", "recommendations", "stakeholders", "events", "members"};
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (!json_array_size(json_object_get(c, parts[i]))) {
			char key[32];
			snprintf(key, sizeof(key), "no_%s", parts[i]);
			json_object_set_new(ctx, key, json_true());
		}
	/* The documents written from this case file. */
	json_t *drafts = NULL;
	if (draft_list(r->hub->db, id, &drafts, &e) == 0) {
		size_t i;
		json_t *d;
		json_array_foreach(drafts, i, d) {
			char key[40];
			snprintf(key, sizeof(key), "draft_status_%s", str(d, "status"));
			json_object_set_new(d, "status_label", json_string(T(r, key)));
			json_t *def = NULL;
			if (draft_type(r->web->overrides, str(d, "type"), &def, NULL) == 0)
				json_object_set_new(d, "type_title",
				                    json_string(draft_text(json_object_get(def, "title"), r->lang)));
			json_decref(def);
		}
		json_object_set_new(ctx, "drafts", drafts);
	}
	page_petition_campaign_ctx(r, ctx, id);
	json_object_set_new(ctx, "title", json_string(str(c, "title")));
	json_object_set_new(ctx, "c", c);
	return render_page(r, status, "campaign", NULL, ctx);
}

int page_campaign(struct req *r)
{
	long long id = page_id(r);
	if (!id)
		return resp_error(r, 404, "error_not_found");
	return campaign_page(r, id, 200, page_ctx("nav_campaigns"));
}

/* ---- editing and removing a campaign ---- */

static int edit_page(struct req *r, long long id, int status, json_t *ctx, json_t *form, json_t *themes_chosen)
{
	char *title = campaign_title(r->hub->db, id);
	if (!title) {
		json_decref(ctx);
		json_decref(form);
		json_decref(themes_chosen);
		return resp_error(r, 404, "error_not_found");
	}
	json_object_set_new(ctx, "campaign", json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", title));
	free(title);
	json_object_set_new(ctx, "editing", json_true());
	campaign_form_ctx(r, ctx, form, themes_chosen);
	json_decref(themes_chosen);
	return render_page(r, status, "campaign_edit", "campaign_edit", ctx);
}

int page_campaign_edit(struct req *r)
{
	long long id = page_id(r);
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (!id || campaign_json(r->hub->db, id, &c, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *t = json_object_get(c, "territory");
	char *terr = json_is_object(t) ? territory_text(r, t) : xstrdup("");
	json_t *org = json_object_get(c, "organisation");
	json_t *form = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", str(c, "title"), "goal",
	                         str(c, "goal"), "level", str(c, "level"), "territory", terr, "target",
	                         str(c, "target"), "org", json_is_object(org) ? str(org, "name") : "", "start",
	                         str(c, "start"), "end", str(c, "end"), "status", str(c, "status"));
	free(terr);
	json_t *chosen = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(c, "themes"), i, o)
	{
		json_array_append_new(chosen, json_string(str(o, "key")));
	}
	json_decref(c);
	return edit_page(r, id, 200, page_ctx("nav_campaigns"), form, chosen);
}

int page_campaign_edit_post(struct req *r)
{
	long long id = page_id(r);
	struct err e = ERR_INIT;
	if (!id || campaign_exists(r->hub->db, id, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_campaigns");
	json_t *form = read_form(r, campaign_form_fields);
	size_t nthemes = 0;
	const char **themes = field_values(r, "theme", &nthemes);
	json_t *chosen = json_array();
	for (size_t i = 0; i < nthemes; i++)
		json_array_append_new(chosen, json_string(themes[i]));
	char *territory = NULL;
	resolve_territory(r, ctx, form, &territory);
	struct campaign_fields f;
	campaign_fields_of(form, territory, themes, nthemes, 1, &f);
	struct campaign_problems p = {0};
	int rc;
	if (!has_errors(ctx) && campaign_update(r->hub->db, id, &f, &p, &e) && e.code != ERR_USAGE) {
		fprintf(stderr, "asurif: edit campaign: %s\n", e.msg);
		rc = -1;
		goto done;
	}
	add_problems(r, ctx, "", &p);
	if (has_errors(ctx)) {
		rc = edit_page(r, id, 400, ctx, form, chosen);
		ctx = form = chosen = NULL; /* edit_page took them */
		goto done;
	}
	r->flash = xstrdup("campaign_saved");
	char *where = xasprintf("/campaigns/%lld", id);
	rc = resp_redirect(r, where);
	free(where);
done:
	json_decref(ctx);
	json_decref(form);
	json_decref(chosen);
	free(themes);
	free(territory);
	return rc;
}

int page_campaign_delete(struct req *r)
{
	long long id = page_id(r);
	char *title = id ? campaign_title(r->hub->db, id) : NULL;
	if (!title)
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_campaigns");
	json_object_set_new(ctx, "campaign", json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", title));
	free(title);
	return render_page(r, 200, "campaign_delete", "campaign_delete", ctx);
}

int page_campaign_delete_post(struct req *r)
{
	long long id = page_id(r);
	char *title = id ? campaign_title(r->hub->db, id) : NULL;
	struct err e = ERR_INIT;
	if (!title)
		return resp_error(r, 404, "error_not_found");
	if (campaign_delete(r->hub->db, id, &e)) {
		free(title);
		fprintf(stderr, "asurif: delete campaign: %s\n", e.msg);
		return -1;
	}
	char target[32];
	snprintf(target, sizeof(target), "campaign %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "campaign-delete", target, title);
	free(title);
	r->flash = xstrdup("campaign_deleted");
	return resp_redirect(r, "/campaigns");
}

int page_campaign_export(struct req *r)
{
	long long id = page_id(r);
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (!id || campaign_export(r->hub->db, id, &c, &e))
		return resp_error(r, 404, "error_not_found");
	char *text = json_dumps(c, JSON_INDENT(1));
	json_decref(c);
	char cd[96];
	snprintf(cd, sizeof(cd), "attachment; filename=\"campaign-%lld.json\"", id);
	resp_header(r, "Content-Disposition", cd);
	resp_text(r, 200, "application/json; charset=utf-8", text ? text : "{}", text ? strlen(text) : 2);
	free(text);
	char target[32];
	snprintf(target, sizeof(target), "campaign %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "export", target, "case file");
	return 0;
}

int page_campaign_grid(struct req *r)
{
	long long id = page_id(r);
	struct err e = ERR_INIT;
	if (!id || campaign_exists(r->hub->db, id, &e))
		return resp_error(r, 404, "error_not_found");
	char *svg = grid_svg(r, id);
	struct buf b = BUF_INIT;
	buf_appends(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_appends(&b, svg);
	free(svg);
	resp_text(r, 200, "image/svg+xml; charset=utf-8", b.data, b.len);
	buf_release(&b);
	return 0;
}

int page_campaign_member_add(struct req *r)
{
	long long id = page_id(r);
	struct err e = ERR_INIT;
	if (!id || campaign_exists(r->hub->db, id, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *form = read_form(r, (const char *const[]){"member_login", "member_role", NULL});
	if (campaign_member_set(r->hub->db, id, fv(form, "member_login"), fv(form, "member_role"), &e)) {
		if (e.code != ERR_NOTFOUND && e.code != ERR_USAGE) {
			json_decref(form);
			fprintf(stderr, "asurif: campaign member: %s\n", e.msg);
			return -1;
		}
		json_t *ctx = page_ctx("nav_campaigns");
		page_add_error(ctx, "member_login", T(r, e.code == ERR_NOTFOUND ? "cerr_member_login" : "cerr_choose"));
		json_object_set_new(ctx, "mf", form);
		json_object_set_new(ctx, "open_member", json_true());
		return campaign_page(r, id, 400, ctx);
	}
	json_decref(form);
	r->flash = xstrdup("campaign_member_added");
	char *where = xasprintf("/campaigns/%lld#members", id);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

/* ---- the items of a case file ---- */

static const struct kind {
	const char *segment; /* in addresses: /campaigns/1/barriers */
	enum campaign_item item;
	const char *form;   /* the prefix of its fields */
	const char *anchor; /* where it shows on the campaign's page */
} kinds[] = {
    {"evidence", CAMPAIGN_EVIDENCE, "pin", "evidence"},
    {"barriers", CAMPAIGN_BARRIER, "barrier", "barrier"},
    {"recommendations", CAMPAIGN_RECOMMENDATION, "rec", "recommendation"},
    {"stakeholders", CAMPAIGN_STAKEHOLDER, "sh", "stakeholder"},
    {"events", CAMPAIGN_EVENT, "ev", "event"},
};

static const struct kind *kind_of(const char *segment)
{
	for (size_t i = 0; segment && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].segment, segment))
			return &kinds[i];
	return NULL;
}

/* The values of a kind's form under its own name ("bf"...), read from the request. */
static json_t *item_form(struct req *r, const struct kind *k)
{
	static const char *const barrier[] = {"title", "description", "affected", "severity", "theme", NULL};
	static const char *const rec[] = {"text", "authority", "priority", "feasibility", NULL};
	static const char *const sh[] = {"name", "type", "power", "interest", "position", "notes", NULL};
	static const char *const ev[] = {"date", "type", "title", "notes", NULL};
	static const char *const pin[] = {"passage", "note", NULL};
	const char *const *names = k->item == CAMPAIGN_BARRIER          ? barrier
	                           : k->item == CAMPAIGN_RECOMMENDATION ? rec
	                           : k->item == CAMPAIGN_STAKEHOLDER    ? sh
	                           : k->item == CAMPAIGN_EVENT          ? ev
	                                                                : pin;
	json_t *f = json_object();
	for (size_t i = 0; names[i]; i++) {
		char *name = xasprintf("%s_%s", k->form, names[i]);
		json_object_set_new(f, names[i], field_text(r, name));
		free(name);
	}
	return f;
}

static const char *form_key(const struct kind *k)
{
	return k->item == CAMPAIGN_BARRIER          ? "bf"
	       : k->item == CAMPAIGN_RECOMMENDATION ? "rf"
	       : k->item == CAMPAIGN_STAKEHOLDER    ? "sf"
	       : k->item == CAMPAIGN_EVENT          ? "ef"
	                                            : "pf";
}

/* A form's value for the core: forms send every field, so "" clears an optional one. */
static const char *given(json_t *f, const char *name)
{
	return fv(f, name);
}

/*
 * Adds (id 0) or changes (id) an item from its form; *new_id receives the item. Returns 0,
 * ERR_USAGE with the problems in ctx, or another error.
 */
static int item_write(struct req *r, const struct kind *k, long long cid, long long id, json_t *form, json_t *ctx,
                      long long *new_id, struct err *e)
{
	struct campaign_problems p = {0};
	int rc = 0;
	size_t n = 0;
	long long *ids = NULL;
	*new_id = id;
	/* the links a barrier or recommendation lists, sent as checkboxes */
	if (k->item == CAMPAIGN_BARRIER || k->item == CAMPAIGN_RECOMMENDATION)
		ids = field_ids(r, k->item == CAMPAIGN_BARRIER ? "barrier_evidence" : "rec_barrier", &n);
	switch (k->item) {
	case CAMPAIGN_BARRIER: {
		struct campaign_barrier b = {given(form, "title"),
		                             given(form, "description"),
		                             given(form, "affected"),
		                             given(form, "severity"),
		                             given(form, "theme"),
		                             ids,
		                             n,
		                             1};
		rc = id ? campaign_barrier_update(r->hub->db, id, &b, &p, e)
		        : campaign_barrier_add(r->hub->db, cid, &b, new_id, &p, e);
		break;
	}
	case CAMPAIGN_RECOMMENDATION: {
		struct campaign_recommendation rec = {given(form, "text"),
		                                      given(form, "authority"),
		                                      given(form, "priority"),
		                                      given(form, "feasibility"),
		                                      ids,
		                                      n,
		                                      1};
		rc = id ? campaign_recommendation_update(r->hub->db, id, &rec, &p, e)
		        : campaign_recommendation_add(r->hub->db, cid, &rec, new_id, &p, e);
		break;
	}
	case CAMPAIGN_STAKEHOLDER: {
		struct campaign_stakeholder s = {given(form, "name"),     given(form, "type"),
		                                 given(form, "power"),    given(form, "interest"),
		                                 given(form, "position"), given(form, "notes")};
		rc = id ? campaign_stakeholder_update(r->hub->db, id, &s, &p, e)
		        : campaign_stakeholder_add(r->hub->db, cid, &s, new_id, &p, e);
		break;
	}
	case CAMPAIGN_EVENT: {
		struct campaign_event ev = {given(form, "date"), given(form, "type"), given(form, "title"),
		                            given(form, "notes")};
		rc = id ? campaign_event_update(r->hub->db, id, &ev, &p, e)
		        : campaign_event_add(r->hub->db, cid, &ev, new_id, &p, e);
		break;
	}
	case CAMPAIGN_EVIDENCE: {
		long long passage = req_int(fv(form, "passage"), 0);
		if (id) {
			rc = campaign_evidence_note(r->hub->db, id, fv(form, "note"), e);
			if (rc == ERR_USAGE)
				page_add_error(ctx, "pin_note", T(r, "cerr_long"));
		} else if (!passage) {
			rc = ERR_USAGE;
			page_add_error(ctx, "pin_passage", T(r, "cerr_pin_passage"));
		} else {
			rc =
			    campaign_evidence_pin(r->hub->db, cid, passage, fv(form, "note"), r->user.login, new_id, e);
			if (rc == ERR_NOTFOUND || rc == ERR_EXISTS || rc == ERR_USAGE) {
				page_add_error(ctx, rc == ERR_USAGE ? "pin_note" : "pin_passage",
				               T(r, rc == ERR_EXISTS  ? "cerr_pin_exists"
				                    : rc == ERR_USAGE ? "cerr_long"
				                                      : "cerr_pin_passage"));
				rc = ERR_USAGE;
			}
		}
		break;
	}
	}
	if (rc == ERR_USAGE)
		add_problems(r, ctx, k->form, &p);
	if (k->item == CAMPAIGN_BARRIER || k->item == CAMPAIGN_RECOMMENDATION) {
		/* the boxes as they were checked */
		json_t *ids_json = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(ids_json, json_integer(ids[i]));
		json_object_set_new(ctx, k->item == CAMPAIGN_BARRIER ? "checked_evidence" : "checked_barriers",
		                    ids_json);
	}
	free(ids);
	return rc;
}

/* Rebuilds the checkboxes of a form sent back with errors, as they were checked. */
static void keep_checked(json_t *ctx, json_t *c)
{
	const char *keys[] = {"checked_evidence", "checked_barriers"};
	for (size_t k = 0; k < 2; k++) {
		json_t *ids = json_object_get(ctx, keys[k]);
		if (!json_is_array(ids))
			continue;
		long long *v = xcalloc(json_array_size(ids) + 1, sizeof(*v));
		size_t i;
		json_t *x;
		json_array_foreach(ids, i, x)
		{
			v[i] = json_integer_value(x);
		}
		json_object_set_new(ctx, k ? "barrier_boxes" : "evidence_boxes",
		                    k ? barrier_boxes(c, v, json_array_size(ids))
		                      : evidence_boxes(c, v, json_array_size(ids)));
		free(v);
		json_object_del(ctx, keys[k]);
	}
}

/* The case file, for the forms' lists (evidence and barriers to check). NULL when there is no such campaign. */
static json_t *case_file(struct req *r, long long cid)
{
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (campaign_json(r->hub->db, cid, &c, &e))
		return NULL;
	decorate(r, c);
	return c;
}

int page_campaign_item_add(struct req *r)
{
	long long cid = page_id(r);
	const struct kind *k = kind_of(req_param(r, 1));
	struct err e = ERR_INIT;
	if (!cid || !k || campaign_exists(r->hub->db, cid, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_campaigns");
	json_t *form = item_form(r, k);
	long long id = 0;
	int rc = item_write(r, k, cid, 0, form, ctx, &id, &e);
	if (rc == ERR_USAGE || has_errors(ctx)) {
		json_object_set_new(ctx, form_key(k), form);
		char open[32];
		snprintf(open, sizeof(open), "open_%s", k->form);
		json_object_set_new(ctx, open, json_true());
		json_t *c = case_file(r, cid);
		if (c) {
			keep_checked(ctx, c);
			json_decref(c);
		}
		return campaign_page(r, cid, 400, ctx);
	}
	json_decref(form);
	json_decref(ctx);
	if (rc) {
		fprintf(stderr, "asurif: campaign %s: %s\n", k->segment, e.msg);
		return -1;
	}
	char flash[40];
	snprintf(flash, sizeof(flash), "campaign_added_%s", k->form);
	r->flash = xstrdup(flash);
	char *where = xasprintf("/campaigns/%lld#%s-%lld", cid, k->anchor, id);
	rc = resp_redirect(r, where);
	free(where);
	return rc;
}

/* The item's values as its form shows them. */
static json_t *item_values(json_t *c, const struct kind *k, long long id, json_t *ctx)
{
	const char *arrays[] = {[CAMPAIGN_EVIDENCE] = "evidence",
	                        [CAMPAIGN_BARRIER] = "barriers",
	                        [CAMPAIGN_RECOMMENDATION] = "recommendations",
	                        [CAMPAIGN_STAKEHOLDER] = "stakeholders",
	                        [CAMPAIGN_EVENT] = "events"};
	size_t i;
	json_t *o, *found = NULL;
	json_array_foreach(json_object_get(c, arrays[k->item]), i, o)
	{
		if (num(o, "id") == id)
			found = o;
	}
	if (!found)
		return NULL;
	json_t *f = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(found, key, v)
	{
		if (json_is_string(v))
			json_object_set(f, key, v);
		else if (json_is_integer(v) && strcmp(key, "id"))
			json_object_set_new(f, key, json_sprintf("%lld", (long long)json_integer_value(v)));
	}
	if (k->item == CAMPAIGN_EVIDENCE)
		json_object_set_new(f, "passage", json_sprintf("%lld", num(found, "passage_id")));
	if (k->item == CAMPAIGN_BARRIER || k->item == CAMPAIGN_RECOMMENDATION) {
		json_t *ids = json_object_get(found, k->item == CAMPAIGN_BARRIER ? "evidence" : "barriers");
		json_object_set(ctx, k->item == CAMPAIGN_BARRIER ? "checked_evidence" : "checked_barriers", ids);
	}
	if (k->item == CAMPAIGN_EVIDENCE)
		json_object_set(ctx, "evidence_item", found);
	return f;
}

static int item_edit_page(struct req *r, const struct kind *k, long long cid, long long id, int status, json_t *ctx,
                          json_t *form)
{
	json_t *c = case_file(r, cid);
	if (!c) {
		json_decref(ctx);
		json_decref(form);
		return resp_error(r, 404, "error_not_found");
	}
	if (!form && !(form = item_values(c, k, id, ctx))) {
		json_decref(c);
		json_decref(ctx);
		return resp_error(r, 404, "error_not_found");
	}
	if (k->item == CAMPAIGN_EVIDENCE && !json_object_get(ctx, "evidence_item")) {
		json_t *tmp = item_values(c, k, id, ctx);
		json_decref(tmp);
	}
	json_object_set_new(ctx, form_key(k), form);
	item_forms_ctx(r, ctx, c);
	keep_checked(ctx, c);
	char is[32];
	snprintf(is, sizeof(is), "is_%s", k->form);
	json_object_set_new(ctx, is, json_true());
	char *action = xasprintf("/campaigns/%lld/%s/%lld/edit", cid, k->segment, id);
	json_object_set_new(ctx, "action", json_string(action));
	free(action);
	char title_key[40];
	snprintf(title_key, sizeof(title_key), "campaign_edit_%s", k->form);
	json_object_set_new(ctx, "campaign", json_pack("{s:I, s:s}", "id", (json_int_t)cid, "title", str(c, "title")));
	json_object_set_new(ctx, "back", json_sprintf("/campaigns/%lld#%s-%lld", cid, k->anchor, id));
	json_decref(c);
	return render_page(r, status, "campaign_item", title_key, ctx);
}

/* The campaign, kind and item of an item's address, checked to belong together. */
static int item_address(struct req *r, long long *cid, const struct kind **k, long long *id)
{
	*cid = page_id(r);
	*k = kind_of(req_param(r, 1));
	*id = req_int(req_param(r, 2), 0);
	long long owner = 0;
	struct err e = ERR_INIT;
	return *cid && *k && *id > 0 && !campaign_item_campaign(r->hub->db, (*k)->item, *id, &owner, &e) &&
	       owner == *cid;
}

int page_campaign_item_edit(struct req *r)
{
	long long cid, id;
	const struct kind *k;
	if (!item_address(r, &cid, &k, &id))
		return resp_error(r, 404, "error_not_found");
	return item_edit_page(r, k, cid, id, 200, page_ctx("nav_campaigns"), NULL);
}

int page_campaign_item_edit_post(struct req *r)
{
	long long cid, id, same = 0;
	const struct kind *k;
	if (!item_address(r, &cid, &k, &id))
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_campaigns");
	json_t *form = item_form(r, k);
	struct err e = ERR_INIT;
	int rc = item_write(r, k, cid, id, form, ctx, &same, &e);
	if (rc == ERR_USAGE || has_errors(ctx))
		return item_edit_page(r, k, cid, id, 400, ctx, form);
	json_decref(form);
	json_decref(ctx);
	if (rc) {
		fprintf(stderr, "asurif: campaign %s: %s\n", k->segment, e.msg);
		return -1;
	}
	r->flash = xstrdup("campaign_saved");
	char *where = xasprintf("/campaigns/%lld#%s-%lld", cid, k->anchor, id);
	rc = resp_redirect(r, where);
	free(where);
	return rc;
}

int page_campaign_item_delete(struct req *r)
{
	long long cid, id;
	const struct kind *k;
	if (!item_address(r, &cid, &k, &id))
		return resp_error(r, 404, "error_not_found");
	struct err e = ERR_INIT;
	if (campaign_item_remove(r->hub->db, k->item, id, &e)) {
		fprintf(stderr, "asurif: campaign %s: %s\n", k->segment, e.msg);
		return -1;
	}
	char target[64];
	snprintf(target, sizeof(target), "campaign %lld %s %lld", cid, campaign_item_name(k->item), id);
	account_audit(r->hub->db, &r->user, r->ip, "delete", target, NULL);
	r->flash = xstrdup("campaign_item_removed");
	char *where = xasprintf("/campaigns/%lld#%s", cid, k->segment);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

/* ---- pinning from the search results ---- */

void page_campaign_pin_choices(struct req *r, json_t *ctx)
{
	if (r->user.role < ROLE_MEMBER)
		return;
	json_t *list = NULL;
	struct err e = ERR_INIT;
	if (campaign_list_json(r->hub->db, 0, &list, &e))
		return;
	json_t *a = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c)
	{
		if (!strcmp(str(c, "status"), "closed"))
			continue;
		json_array_append_new(
		    a, json_pack("{s:I, s:s}", "id", (json_int_t)num(c, "id"), "title", str(c, "title")));
	}
	json_decref(list);
	if (json_array_size(a))
		json_object_set_new(ctx, "pin_campaigns", a);
	else
		json_decref(a);
}

/* The page a form was sent from, when it is a search of this site ("/search?q=…"), else NULL. */
static char *search_back(struct req *r)
{
	const char *ref = req_header(r, "Referer");
	const char *host = req_header(r, "Host");
	if (!ref || !host)
		return NULL;
	const char *p = strstr(ref, "://");
	if (!p)
		return NULL;
	p += 3;
	size_t hl = strlen(host);
	if (strncmp(p, host, hl) || p[hl] != '/')
		return NULL;
	p += hl;
	if (strncmp(p, "/search?", 8))
		return NULL;
	const char *hash = strchr(p, '#');
	return hash ? xstrndup(p, (size_t)(hash - p)) : xstrdup(p);
}

int page_campaign_pin(struct req *r)
{
	long long cid = req_int(req_field(r, "campaign"), 0), passage = req_int(req_field(r, "passage"), 0);
	long long id = 0;
	struct err e = ERR_INIT;
	int rc =
	    cid && passage ? campaign_evidence_pin(r->hub->db, cid, passage, "", r->user.login, &id, &e) : ERR_NOTFOUND;
	if (rc && rc != ERR_EXISTS && rc != ERR_NOTFOUND) {
		fprintf(stderr, "asurif: pin: %s\n", e.msg);
		return -1;
	}
	r->flash = xstrdup(rc == ERR_EXISTS ? "campaign_pin_exists" : rc ? "campaign_pin_failed" : "campaign_pinned");
	char *back = search_back(r);
	char *where = back ? xasprintf("%s#hit-%lld", back, passage)
	              : rc ? xstrdup("/campaigns")
	                   : xasprintf("/campaigns/%lld#evidence-%lld", cid, id);
	rc = resp_redirect(r, where);
	free(where);
	free(back);
	return rc;
}
