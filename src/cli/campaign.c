/*
 * The campaign commands: campaign (new, list, show, edit, rm, export, import, theme),
 * evidence, barrier, recommend, stakeholder, event. Each parses its options, calls the
 * campaign core (campaign/campaign.h) and prints.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "campaign/campaign.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "petition/timeline.h"
#include "base/banned.h"

#define IMPORT_MAX (256u << 20)

/* A positive number given as an argument or option; 0 (after a usage message) when it is not. */
static long long number(const char *cmd, const char *what, const char *s)
{
	long long v = cli_parse_int(s);
	if (v <= 0) {
		cli_usage_error(cmd, "%s wants a number, not \"%s\"", what, s ? s : "");
		return 0;
	}
	return v;
}

/* The one argument left after the options (an id, a file). */
static const char *one_arg(const char *cmd, const struct args *a, char **argv, const char *what)
{
	if (a->rest + 1 != a->argc) {
		if (a->rest >= a->argc)
			cli_usage_error(cmd, "give %s", what);
		else
			cli_usage_error(cmd, "give one %s, not \"%s\"", what, argv[a->rest + 1]);
		return NULL;
	}
	return argv[a->rest];
}

static int no_args(const char *cmd, const struct args *a, char **argv)
{
	if (a->rest < a->argc)
		return cli_usage_error(cmd, "unexpected argument \"%s\"", argv[a->rest]);
	return 0;
}

/* --campaign C, needed. */
static long long campaign_opt(const char *cmd, const struct args *a)
{
	const char *c = cli_opt(a, OPT_CAMPAIGN);
	if (!c) {
		cli_usage_error(cmd, "say which campaign with --campaign NUMBER (see: asurif campaign list)");
		return 0;
	}
	return number(cmd, "--campaign", c);
}

/* Every value of a repeatable option, "" values dropped; *given says whether the option was used. */
static const char **texts_of(const struct args *a, int opt, size_t *n, int *given)
{
	const char **v = xcalloc((size_t)a->nrep + 1, sizeof(*v));
	*n = 0;
	*given = 0;
	for (int i = 0; cli_opt_nth(a, opt, i); i++) {
		*given = 1;
		if (*cli_opt_nth(a, opt, i))
			v[(*n)++] = cli_opt_nth(a, opt, i);
	}
	return v;
}

/* The numbers of a repeatable option (--evidence 3 --evidence 5); -1 after a usage message. */
static int ids_of(const char *cmd, const struct args *a, int opt, const char *name, long long **out, size_t *n,
                  int *given)
{
	*out = xcalloc((size_t)a->nrep + 1, sizeof(**out));
	*n = 0;
	*given = 0;
	for (int i = 0; cli_opt_nth(a, opt, i); i++) {
		const char *s = cli_opt_nth(a, opt, i);
		*given = 1;
		if (!*s)
			continue;
		long long v = cli_parse_int(s);
		if (v <= 0) {
			cli_usage_error(cmd, "--%s wants the number of %s, not \"%s\"", name,
			                opt == OPT_EVIDENCE ? "a pinned passage (see: asurif evidence list)"
			                                    : "a barrier (see: asurif barrier list)",
			                s);
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[(*n)++] = v;
	}
	return 0;
}

/* Prints {"id": N} or a sentence. */
static void print_made(int json, const char *what, long long id, long long campaign_id)
{
	if (json)
		cli_print_json(json_pack("{s:I}", "id", (json_int_t)id));
	else if (campaign_id)
		printf("%s %lld added to campaign %lld\n", what, id, campaign_id);
	else
		printf("%s %lld created\n", what, id);
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

/* "1, 3, 4" from an array of ids. */
static void print_ids(json_t *ids)
{
	size_t i;
	json_t *x;
	json_array_foreach(ids, i, x)
	{
		printf("%s%lld", i ? ", " : "", (long long)json_integer_value(x));
	}
}

/* Text clipped to about max characters on one line. */
static void print_clipped(const char *s, size_t max)
{
	size_t chars = 0;
	for (; *s; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80 && ++chars > max) {
			fputs("…", stdout);
			return;
		}
		putchar(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
	}
}

/* ---- one case file as text ---- */

static void print_evidence(json_t *ev)
{
	size_t i;
	json_t *o;
	json_array_foreach(ev, i, o)
	{
		printf("  [%lld] %s", num(o, "id"), str(o, "doc_title"));
		if (num(o, "page"))
			printf(", page %lld", num(o, "page"));
		if (*str(o, "article"))
			printf(", %s", str(o, "article"));
		if (json_is_integer(json_object_get(o, "passage_id")))
			printf("  (passage %lld)\n", num(o, "passage_id"));
		else
			printf("  (the document is no longer in the hub; its text is kept here)\n");
		printf("      \"");
		print_clipped(str(o, "text"), 160);
		printf("\"\n");
		if (*str(o, "note"))
			printf("      note: %s\n", str(o, "note"));
	}
}

static void print_barriers(json_t *arr)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		printf("  [%lld] %s  (severity %s", num(o, "id"), str(o, "title"), str(o, "severity"));
		if (*str(o, "theme"))
			printf(", %s", str(o, "theme"));
		printf(")\n");
		if (*str(o, "affected"))
			printf("      who is affected: %s\n", str(o, "affected"));
		if (*str(o, "description"))
			printf("      %s\n", str(o, "description"));
		if (json_array_size(json_object_get(o, "evidence"))) {
			printf("      evidence: ");
			print_ids(json_object_get(o, "evidence"));
			printf("\n");
		}
	}
}

static void print_recommendations(json_t *arr)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		printf("  [%lld] %s\n      priority %s, feasibility %s", num(o, "id"), str(o, "text"),
		       str(o, "priority"), str(o, "feasibility"));
		if (*str(o, "authority"))
			printf(", to %s", str(o, "authority"));
		if (json_array_size(json_object_get(o, "barriers"))) {
			printf("; answers barriers ");
			print_ids(json_object_get(o, "barriers"));
		}
		printf("\n");
	}
}

static void print_stakeholders(json_t *arr)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		printf("  [%lld] %s  (%s) power %lld, interest %lld, %s\n", num(o, "id"), str(o, "name"),
		       str(o, "type"), num(o, "power"), num(o, "interest"), str(o, "position"));
		if (*str(o, "notes"))
			printf("      %s\n", str(o, "notes"));
	}
}

static void print_events(json_t *arr)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		printf("  [%lld] %s  %-10s %s\n", num(o, "id"), str(o, "date"), str(o, "type"), str(o, "title"));
		if (*str(o, "notes"))
			printf("      %s\n", str(o, "notes"));
	}
}

static void print_case_file(json_t *c)
{
	printf("Campaign %lld: %s\n", num(c, "id"), str(c, "title"));
	printf("  status      %s\n", str(c, "status"));
	if (*str(c, "goal"))
		printf("  goal        %s\n", str(c, "goal"));
	json_t *themes = json_object_get(c, "themes");
	if (json_array_size(themes)) {
		printf("  themes      ");
		size_t i;
		json_t *t;
		json_array_foreach(themes, i, t)
		{
			printf("%s%s", i ? ", " : "", str(t, "key"));
		}
		printf("\n");
	}
	if (*str(c, "level"))
		printf("  level       %s\n", str(c, "level"));
	json_t *t = json_object_get(c, "territory");
	if (json_is_object(t)) {
		printf("  territory   %s %s (%s), %lld inhabitants (HCP, RGPH 2024)", str(t, "code"), str(t, "name_fr"),
		       str(t, "name_ar"), num(t, "population_2024"));
		json_t *p = json_object_get(t, "province"), *r = json_object_get(t, "region");
		if (json_is_object(p))
			printf(", %s", str(p, "name_fr"));
		if (json_is_object(r))
			printf(", %s", str(r, "name_fr"));
		printf("\n");
	}
	if (*str(c, "target"))
		printf("  target      %s\n", str(c, "target"));
	if (*str(c, "start") || *str(c, "end"))
		printf("  dates       %s to %s\n", *str(c, "start") ? str(c, "start") : "?",
		       *str(c, "end") ? str(c, "end") : "?");
	json_t *org = json_object_get(c, "organisation");
	if (json_is_object(org))
		printf("  lead        %s\n", str(org, "name"));
	json_t *members = json_object_get(c, "members");
	if (json_array_size(members)) {
		printf("  members     ");
		size_t i;
		json_t *m;
		json_array_foreach(members, i, m)
		{
			printf("%s%s (%s)", i ? ", " : "", str(m, "login"), str(m, "role"));
		}
		printf("\n");
	}
	printf("  changed     %s\n", str(c, "updated_at"));
	const struct {
		const char *key, *title;
		void (*print)(json_t *);
	} parts[] = {
	    {"evidence", "Evidence", print_evidence},
	    {"barriers", "Barriers", print_barriers},
	    {"recommendations", "Recommendations", print_recommendations},
	    {"stakeholders", "Stakeholders", print_stakeholders},
	    {"events", "Timeline", print_events},
	};
	for (size_t k = 0; k < sizeof(parts) / sizeof(*parts); k++) {
		json_t *arr = json_object_get(c, parts[k].key);
		printf("\n%s (%zu)\n", parts[k].title, json_array_size(arr));
		parts[k].print(arr);
	}
}

/* Prints the core's refusal: a usage error (exit 2) names the field; anything else exit 1. */
static int core_error(const char *cmd, struct err *e)
{
	if (e->code == ERR_USAGE)
		return cli_usage_error(cmd, "%s", e->msg);
	return cli_error(e);
}

/* ---- campaign ---- */

static int campaign_fields_from(const struct args *a, struct campaign_fields *f, const char ***themes)
{
	memset(f, 0, sizeof(*f));
	f->title = a->meta.title;
	f->goal = cli_opt(a, OPT_GOAL);
	f->level = a->level;
	f->territory = cli_opt(a, OPT_TERRITORY);
	f->target = cli_opt(a, OPT_TARGET);
	f->status = cli_opt(a, OPT_STATUS);
	f->start = cli_opt(a, OPT_START);
	f->end = cli_opt(a, OPT_END);
	f->org = a->org;
	*themes = texts_of(a, OPT_THEME, &f->nthemes, &f->set_themes);
	f->themes = *themes;
	return 0;
}

/* --member LOGIN[:ROLE] (member by default; ROLE "none" takes the person out). */
static int apply_members(const char *cmd, struct hub *h, const struct args *a, long long id)
{
	for (int i = 0; cli_opt_nth(a, OPT_MEMBER, i); i++) {
		const char *spec = cli_opt_nth(a, OPT_MEMBER, i);
		const char *colon = strchr(spec, ':');
		char *login = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
		struct err e = ERR_INIT;
		int r = campaign_member_set(h->db, id, login, colon ? colon + 1 : "member", &e);
		free(login);
		if (r)
			return core_error(cmd, &e);
	}
	return 0;
}

static const char *const campaign_ops =
    ALLOW(O(OPT_JSON), O(OPT_TITLE), O(OPT_GOAL), O(OPT_THEME), O(OPT_LEVEL), O(OPT_TERRITORY), O(OPT_TARGET),
          O(OPT_ORG), O(OPT_START), O(OPT_END), O(OPT_STATUS), O(OPT_MEMBER));

static int campaign_new(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("campaign", argc, argv, campaign_ops, &a);
	if (r || (r = no_args("campaign", &a, argv)))
		return r;
	if (!a.meta.title)
		return cli_usage_error("campaign", "give the campaign a title with --title");
	struct campaign_fields f;
	const char **themes;
	campaign_fields_from(&a, &f, &themes);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h))) {
		free(themes);
		return r;
	}
	struct err e = ERR_INIT;
	long long id = 0;
	if (campaign_create(h->db, &f, 0, &id, NULL, &e))
		r = core_error("campaign", &e);
	else if (!(r = apply_members("campaign", h, &a, id)))
		print_made(a.json, "campaign", id, 0);
	else {
		struct err e2 = ERR_INIT;
		campaign_delete(h->db, id, &e2); /* all or nothing */
	}
	free(themes);
	hub_close(h);
	return r;
}

static int campaign_edit(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("campaign", argc, argv, campaign_ops, &a);
	if (r)
		return r;
	const char *arg = one_arg("campaign", &a, argv, "the number of the campaign to change");
	long long id = arg ? number("campaign", "campaign edit", arg) : 0;
	if (!id)
		return EXIT_USAGE;
	struct campaign_fields f;
	const char **themes;
	campaign_fields_from(&a, &f, &themes);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h))) {
		free(themes);
		return r;
	}
	struct err e = ERR_INIT;
	if (campaign_check(h->db, id, &f, NULL, &e))
		r = core_error("campaign", &e);
	else if (!(r = apply_members("campaign", h, &a, id))) {
		if (campaign_update(h->db, id, &f, NULL, &e))
			r = core_error("campaign", &e);
		else if (a.json)
			cli_print_json(json_pack("{s:I}", "id", (json_int_t)id));
		else
			printf("campaign %lld saved\n", id);
	}
	free(themes);
	hub_close(h);
	return r;
}

static int campaign_list(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("campaign", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r || (r = no_args("campaign", &a, argv)))
		return r;
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	json_t *list = NULL;
	struct err e = ERR_INIT;
	if (campaign_list_json(h->db, 0, &list, &e)) {
		hub_close(h);
		return cli_error(&e);
	}
	hub_close(h);
	if (a.json) {
		cli_print_json(json_pack("{s:o}", "campaigns", list));
		return EXIT_OK;
	}
	if (!json_array_size(list))
		printf("No campaign yet. Start one with: asurif campaign new --title \"...\"\n");
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c)
	{
		json_t *t = json_object_get(c, "territory"), *n = json_object_get(c, "counts");
		printf("%-5lld %-9s %-9s %s", num(c, "id"), str(c, "status"), *str(c, "level") ? str(c, "level") : "-",
		       str(c, "title"));
		if (json_is_object(t))
			printf("  [%s]", str(t, "name_fr"));
		printf("  (%lld evidence, %lld barriers, %lld recommendations)\n", num(n, "evidence"),
		       num(n, "barriers"), num(n, "recommendations"));
	}
	json_decref(list);
	return EXIT_OK;
}

/* Opens the workspace and reads one campaign's case file. */
static int read_case_file(const char *cmd, const char *ws, long long id, json_t **c)
{
	struct hub *h = NULL;
	int r = cli_open_hub(ws, &h);
	if (r)
		return r;
	struct err e = ERR_INIT;
	r = campaign_json(h->db, id, c, &e);
	hub_close(h);
	return r ? core_error(cmd, &e) : 0;
}

/* The legal dates of the campaign's filed petitions (src/petition/timeline.h), beside its events. */
static void add_legal_dates(const char *ws, long long id, json_t *c)
{
	struct hub *h = NULL;
	json_t *dates = NULL;
	struct err e = ERR_INIT;
	if (cli_open_hub(ws, &h))
		return;
	char *overrides = fs_join(h->dir, "overrides");
	if (!petition_timeline(h->db, overrides, id, NULL, &dates, &e))
		json_object_set_new(c, "legal_dates", dates);
	free(overrides);
	hub_close(h);
}

static void print_legal_dates(json_t *arr)
{
	printf("\nLegal dates of its petitions (%zu)\n", json_array_size(arr));
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		const char *kind = str(o, "kind");
		printf("  %s  petition %lld  ", str(o, "date"), num(o, "petition"));
		if (!strcmp(kind, "filed"))
			printf("filed%s%s\n", *str(o, "receipt") ? ", receipt " : "", str(o, "receipt"));
		else if (!strcmp(kind, "decision"))
			printf("decision: %s\n", str(o, "decision"));
		else
			printf("legal deadline: %s%s\n      source: %s [%s]\n", str(o, "label"),
			       json_is_true(json_object_get(o, "overdue")) ? " — OVERDUE" : "", str(o, "source"),
			       str(o, "status"));
	}
}

static int campaign_show(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("campaign", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	const char *arg = one_arg("campaign", &a, argv, "the number of the campaign to show");
	long long id = arg ? number("campaign", "campaign show", arg) : 0;
	if (!id)
		return EXIT_USAGE;
	json_t *c = NULL;
	if ((r = read_case_file("campaign", a.ws, id, &c)))
		return r;
	add_legal_dates(a.ws, id, c);
	if (a.json) {
		cli_print_json(c);
		return EXIT_OK;
	}
	print_case_file(c);
	if (json_array_size(json_object_get(c, "legal_dates")))
		print_legal_dates(json_object_get(c, "legal_dates"));
	json_decref(c);
	return EXIT_OK;
}

static int campaign_rm(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("campaign", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	const char *arg = one_arg("campaign", &a, argv, "the number of the campaign to remove");
	long long id = arg ? number("campaign", "campaign rm", arg) : 0;
	if (!id)
		return EXIT_USAGE;
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	r = campaign_delete(h->db, id, &e) ? cli_error(&e) : EXIT_OK;
	hub_close(h);
	if (!r)
		printf("removed campaign %lld and its case file\n", id);
	return r;
}

static int campaign_export_cmd(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("campaign", argc, argv, ALLOW(O(OPT_JSON), O(OPT_OUTPUT)), &a);
	if (r)
		return r;
	const char *arg = one_arg("campaign", &a, argv, "the number of the campaign to export");
	long long id = arg ? number("campaign", "campaign export", arg) : 0;
	if (!id)
		return EXIT_USAGE;
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	json_t *c = NULL;
	struct err e = ERR_INIT;
	r = campaign_export(h->db, id, &c, &e);
	hub_close(h);
	if (r)
		return cli_error(&e);
	const char *out = cli_opt(&a, OPT_OUTPUT);
	if (!out || !strcmp(out, "-")) {
		cli_print_json(c);
		return EXIT_OK;
	}
	char *text = json_dumps(c, JSON_INDENT(1));
	json_decref(c);
	r = fs_write_atomic(out, text, strlen(text), &e);
	free(text);
	if (r)
		return cli_error(&e);
	fprintf(stderr, "campaign %lld written to %s\n", id, out);
	return EXIT_OK;
}

static int campaign_import_cmd(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("campaign", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	const char *file = one_arg("campaign", &a, argv, "the file to import (made by asurif campaign export)");
	if (!file)
		return EXIT_USAGE;
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	if (fs_read_file(file, IMPORT_MAX, &b, &e)) {
		buf_release(&b);
		return cli_error(&e);
	}
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h))) {
		buf_release(&b);
		return r;
	}
	struct campaign_import_report rep;
	r = campaign_import(h->db, b.data ? b.data : "", b.len, file, &rep, &e);
	hub_close(h);
	buf_release(&b);
	if (r)
		return cli_error(&e);
	if (a.json) {
		cli_print_json(json_pack("{s:I, s:i, s:i, s:i, s:i}", "id", (json_int_t)rep.id, "evidence",
		                         rep.evidence, "relinked", rep.relinked, "members_skipped", rep.members_skipped,
		                         "themes_added", rep.themes_added));
		return EXIT_OK;
	}
	printf("campaign %lld imported: %d pinned passage%s, %d found in this hub", rep.id, rep.evidence,
	       rep.evidence == 1 ? "" : "s", rep.relinked);
	if (rep.evidence > rep.relinked)
		printf(" (the others keep their copy)");
	printf("\n");
	if (rep.themes_added)
		printf("%d theme%s added to this workspace\n", rep.themes_added, rep.themes_added == 1 ? "" : "s");
	if (rep.members_skipped)
		printf("%d member%s left out: nobody signs in with that name here\n", rep.members_skipped,
		       rep.members_skipped == 1 ? "" : "s");
	return EXIT_OK;
}

static int campaign_theme(int argc, char **argv)
{
	const char *op = cli_take_subcommand(&argc, argv);
	struct args a;
	int r = cli_parse("campaign", argc, argv, ALLOW(O(OPT_JSON), O(OPT_NAME), O(OPT_LANG)), &a);
	if (r)
		return r;
	if (!op || (strcmp(op, "add") && strcmp(op, "list")))
		return cli_usage_error("campaign",
		                       "campaign theme add KEY --name NAME [--lang ar|fr|en], or campaign theme list");
	struct hub *h = NULL;
	struct err e = ERR_INIT;
	if (!strcmp(op, "add")) {
		const char *key = one_arg("campaign", &a, argv, "the theme's key, e.g. digital-skills");
		if (!key)
			return EXIT_USAGE;
		if (!a.name)
			return cli_usage_error("campaign", "give the theme's name with --name");
		if ((r = cli_open_hub(a.ws, &h)))
			return r;
		r = campaign_theme_set(h->db, key, a.meta.lang, a.name, &e) ? core_error("campaign", &e) : EXIT_OK;
		hub_close(h);
		if (!r)
			printf("theme %s saved\n", key);
		return r;
	}
	if ((r = no_args("campaign", &a, argv)) || (r = cli_open_hub(a.ws, &h)))
		return r;
	json_t *themes = NULL;
	r = campaign_themes_json(h->db, &themes, &e);
	hub_close(h);
	if (r)
		return cli_error(&e);
	if (a.json) {
		cli_print_json(json_pack("{s:o}", "themes", themes));
		return EXIT_OK;
	}
	size_t i;
	json_t *t;
	json_array_foreach(themes, i, t)
	{
		printf("%-16s %s / %s / %s  (%lld campaigns)\n", str(t, "key"), str(t, "name_ar"), str(t, "name_fr"),
		       str(t, "name_en"), num(t, "campaigns"));
	}
	json_decref(themes);
	return EXIT_OK;
}

int cmd_campaign(int argc, char **argv)
{
	const char *sub = cli_take_subcommand(&argc, argv);
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} subs[] = {
	    {"new", campaign_new},           {"list", campaign_list},   {"show", campaign_show},
	    {"edit", campaign_edit},         {"rm", campaign_rm},       {"export", campaign_export_cmd},
	    {"import", campaign_import_cmd}, {"theme", campaign_theme},
	};
	for (size_t i = 0; sub && i < sizeof(subs) / sizeof(*subs); i++)
		if (!strcmp(sub, subs[i].name))
			return subs[i].run(argc, argv);
	if (cli_wants_help("campaign", argc, argv))
		return EXIT_OK;
	if (sub)
		return cli_usage_error("campaign",
		                       "\"%s\" is not one of: new, list, show, edit, rm, export, import, theme", sub);
	return cli_usage_error("campaign", "say what to do: new, list, show, edit, rm, export, import or theme");
}

/* ---- the items of a case file: list, rm, and their own add and edit ---- */

/* Prints one part of a campaign's case file (--json: {"campaign": C, key: [...]}). */
static int list_part(const char *cmd, int argc, char **argv, const char *key, void (*print)(json_t *))
{
	struct args a;
	int r = cli_parse(cmd, argc, argv, ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN)), &a);
	if (r || (r = no_args(cmd, &a, argv)))
		return r;
	long long cid = campaign_opt(cmd, &a);
	if (!cid)
		return EXIT_USAGE;
	json_t *c = NULL;
	if ((r = read_case_file(cmd, a.ws, cid, &c)))
		return r;
	json_t *part = json_incref(json_object_get(c, key));
	json_decref(c);
	if (a.json) {
		cli_print_json(json_pack("{s:I, s:o}", "campaign", (json_int_t)cid, key, part));
		return EXIT_OK;
	}
	if (!json_array_size(part))
		printf("Nothing yet in campaign %lld.\n", cid);
	print(part);
	json_decref(part);
	return EXIT_OK;
}

static int remove_item(const char *cmd, int argc, char **argv, enum campaign_item kind)
{
	struct args a;
	int r = cli_parse(cmd, argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	if (a.rest >= a.argc)
		return cli_usage_error(cmd, "give the number of the %s to remove", campaign_item_name(kind));
	for (int i = a.rest; i < a.argc; i++)
		if (!number(cmd, campaign_item_name(kind), argv[i]))
			return EXIT_USAGE;
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	for (int i = a.rest; i < a.argc; i++) {
		struct err e = ERR_INIT;
		long long id = cli_parse_int(argv[i]);
		if (campaign_item_remove(h->db, kind, id, &e))
			r = cli_error(&e);
		else
			printf("removed %s %lld\n", campaign_item_name(kind), id);
	}
	hub_close(h);
	return r;
}

/* The id given to an edit sub-command; 0 after a usage message. */
static long long edit_id(const char *cmd, const struct args *a, char **argv, const char *what)
{
	char *msg = xasprintf("the number of the %s to change", what);
	const char *arg = one_arg(cmd, a, argv, msg);
	free(msg);
	return arg ? number(cmd, what, arg) : 0;
}

static int item_subcommand(const char *cmd, const char *sub, const char *const *known)
{
	if (sub) {
		struct buf b = BUF_INIT;
		for (size_t i = 0; known[i]; i++)
			buf_appendf(&b, "%s%s", i ? ", " : "", known[i]);
		cli_usage_error(cmd, "\"%s\" is not one of: %s", sub, buf_str(&b));
		buf_release(&b);
		return EXIT_USAGE;
	}
	return cli_usage_error(cmd, "say what to do (see 'asurif %s --help')", cmd);
}

/* ---- add and edit: what every kind of item shares ---- */

/* One item as the options give it (the member of its kind), and the numbers it links to. */
struct item_values {
	union {
		struct {
			long long passage;
			const char *note;
		} evidence;
		struct campaign_barrier barrier;
		struct campaign_recommendation rec;
		struct campaign_stakeholder stakeholder;
		struct campaign_event event;
	} v;
	long long *ids; /* --evidence, --barrier; item_save frees them */
};

/* What the sub-commands of one kind of item differ in. */
struct item_cmd {
	const char *cmd;   /* the command: "recommend" */
	const char *what;  /* the item in messages: "recommendation" */
	const char *allow; /* the options of add and edit (ALLOW) */
	/* Whether the options lack what adding (editing) needs; then the usage message needs. */
	int (*lacks)(const struct args *a, int editing);
	const char *needs;
	/* Reads the options into v; non-zero after a usage message. */
	int (*read)(const char *cmd, const struct args *a, struct item_values *v);
	/* Adds the item to campaign cid (*id receives it), or when editing changes item *id. */
	int (*save)(sqlite3 *db, int editing, long long cid, long long *id, const struct item_values *v, struct err *e);
	/* for list and rm */
	const char *key;
	void (*print)(json_t *);
	enum campaign_item kind;
	/* a sub-command of its own besides add, list, edit and rm (NULL when none), and every name */
	const char *extra;
	int (*run_extra)(int, char **);
	const char *const *subs;
};

/* Opens the workspace, adds (or changes) the item, prints what was done. */
static int item_save(const struct item_cmd *k, const struct args *a, int editing, long long cid, long long id,
                     struct item_values *v)
{
	struct hub *h = NULL;
	int r = cli_open_hub(a->ws, &h);
	if (r) {
		free(v->ids);
		return r;
	}
	struct err e = ERR_INIT;
	if (k->save(h->db, editing, cid, &id, v, &e))
		r = core_error(k->cmd, &e);
	else if (editing)
		printf("%s %lld saved\n", k->what, id);
	else
		print_made(a->json, k->what, id, cid);
	free(v->ids);
	hub_close(h);
	return r;
}

/* add (--campaign C) or edit (the item's number) of one kind of item. */
static int item_write(const struct item_cmd *k, int argc, char **argv, int editing)
{
	struct args a;
	int r = cli_parse(k->cmd, argc, argv, k->allow, &a);
	if (r)
		return r;
	long long id = 0, cid = 0;
	if (editing ? !(id = edit_id(k->cmd, &a, argv, k->what))
	            : (no_args(k->cmd, &a, argv) || !(cid = campaign_opt(k->cmd, &a))))
		return EXIT_USAGE;
	if (k->lacks(&a, editing))
		return cli_usage_error(k->cmd, "%s", k->needs);
	struct item_values v = {0};
	if (k->read(k->cmd, &a, &v))
		return EXIT_USAGE;
	return item_save(k, &a, editing, cid, id, &v);
}

/* The command of one kind of item: add, list, edit, rm and its own extra. */
static int item_command(const struct item_cmd *k, int argc, char **argv)
{
	const char *sub = cli_take_subcommand(&argc, argv);
	if (sub && !strcmp(sub, "add"))
		return item_write(k, argc, argv, 0);
	if (sub && !strcmp(sub, "edit"))
		return item_write(k, argc, argv, 1);
	if (sub && !strcmp(sub, "list"))
		return list_part(k->cmd, argc, argv, k->key, k->print);
	if (sub && k->extra && !strcmp(sub, k->extra))
		return k->run_extra(argc, argv);
	if (sub && !strcmp(sub, "rm"))
		return remove_item(k->cmd, argc, argv, k->kind);
	if (cli_wants_help(k->cmd, argc, argv))
		return EXIT_OK;
	return item_subcommand(k->cmd, sub, k->subs);
}

/* ---- evidence ---- */

static int evidence_lacks(const struct args *a, int editing)
{
	(void)editing; /* only note goes through item_write */
	return !cli_opt(a, OPT_NOTE);
}

static int evidence_read(const char *cmd, const struct args *a, struct item_values *v)
{
	(void)cmd;
	v->v.evidence.note = cli_opt(a, OPT_NOTE);
	return 0;
}

static int evidence_save(sqlite3 *db, int editing, long long cid, long long *id, const struct item_values *v,
                         struct err *e)
{
	if (editing)
		return campaign_evidence_note(db, *id, v->v.evidence.note, e);
	return campaign_evidence_pin(db, cid, v->v.evidence.passage, v->v.evidence.note, getenv("USER"), id, e);
}

/* note is the edit of evidence; pin, its add, takes a passage's number. */
static const struct item_cmd evidence_cmd = {
    .cmd = "evidence",
    .what = "evidence",
    .allow = ALLOW(O(OPT_JSON), O(OPT_NOTE)),
    .lacks = evidence_lacks,
    .needs = "give the new note with --note",
    .read = evidence_read,
    .save = evidence_save,
};

static int evidence_pin(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("evidence", argc, argv, ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN), O(OPT_NOTE)), &a);
	if (r)
		return r;
	const char *arg = one_arg("evidence", &a, argv, "the number of the passage to pin (search shows it)");
	long long pid = arg ? number("evidence", "evidence pin", arg) : 0;
	if (!pid)
		return EXIT_USAGE;
	long long cid = campaign_opt("evidence", &a);
	if (!cid)
		return EXIT_USAGE;
	struct item_values v = {.v.evidence = {pid, cli_opt(&a, OPT_NOTE)}};
	return item_save(&evidence_cmd, &a, 0, cid, 0, &v);
}

int cmd_evidence(int argc, char **argv)
{
	const char *sub = cli_take_subcommand(&argc, argv);
	if (sub && !strcmp(sub, "pin"))
		return evidence_pin(argc, argv);
	if (sub && !strcmp(sub, "list"))
		return list_part("evidence", argc, argv, "evidence", print_evidence);
	if (sub && !strcmp(sub, "note"))
		return item_write(&evidence_cmd, argc, argv, 1);
	if (sub && !strcmp(sub, "rm"))
		return remove_item("evidence", argc, argv, CAMPAIGN_EVIDENCE);
	if (cli_wants_help("evidence", argc, argv))
		return EXIT_OK;
	return item_subcommand("evidence", sub, (const char *const[]){"pin", "list", "note", "rm", NULL});
}

/* ---- barriers ---- */

static int barrier_lacks(const struct args *a, int editing)
{
	return !editing && !a->meta.title;
}

static int barrier_read(const char *cmd, const struct args *a, struct item_values *v)
{
	struct campaign_barrier *b = &v->v.barrier;
	b->title = a->meta.title;
	b->description = cli_opt(a, OPT_DESCRIPTION);
	b->affected = cli_opt(a, OPT_AFFECTED);
	b->severity = cli_opt(a, OPT_SEVERITY);
	b->theme = cli_opt(a, OPT_THEME);
	if (ids_of(cmd, a, OPT_EVIDENCE, "evidence", &v->ids, &b->nevidence, &b->set_evidence))
		return -1;
	b->evidence = v->ids;
	return 0;
}

static int barrier_save(sqlite3 *db, int editing, long long cid, long long *id, const struct item_values *v,
                        struct err *e)
{
	return editing ? campaign_barrier_update(db, *id, &v->v.barrier, NULL, e)
	               : campaign_barrier_add(db, cid, &v->v.barrier, id, NULL, e);
}

static const struct item_cmd barrier_cmd = {
    .cmd = "barrier",
    .what = "barrier",
    .allow = ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN), O(OPT_TITLE), O(OPT_DESCRIPTION), O(OPT_AFFECTED), O(OPT_SEVERITY),
                   O(OPT_THEME), O(OPT_EVIDENCE)),
    .lacks = barrier_lacks,
    .needs = "give the barrier a title with --title",
    .read = barrier_read,
    .save = barrier_save,
    .key = "barriers",
    .print = print_barriers,
    .kind = CAMPAIGN_BARRIER,
    .subs = (const char *const[]){"add", "list", "edit", "rm", NULL},
};

int cmd_barrier(int argc, char **argv)
{
	return item_command(&barrier_cmd, argc, argv);
}

/* ---- recommendations ---- */

static int recommend_lacks(const struct args *a, int editing)
{
	return !editing && !cli_opt(a, OPT_TEXT);
}

static int recommend_read(const char *cmd, const struct args *a, struct item_values *v)
{
	struct campaign_recommendation *rec = &v->v.rec;
	rec->text = cli_opt(a, OPT_TEXT);
	rec->authority = cli_opt(a, OPT_AUTHORITY);
	rec->priority = cli_opt(a, OPT_PRIORITY);
	rec->feasibility = cli_opt(a, OPT_FEASIBILITY);
	if (ids_of(cmd, a, OPT_BARRIER, "barrier", &v->ids, &rec->nbarriers, &rec->set_barriers))
		return -1;
	rec->barriers = v->ids;
	return 0;
}

static int recommend_save(sqlite3 *db, int editing, long long cid, long long *id, const struct item_values *v,
                          struct err *e)
{
	return editing ? campaign_recommendation_update(db, *id, &v->v.rec, NULL, e)
	               : campaign_recommendation_add(db, cid, &v->v.rec, id, NULL, e);
}

static const struct item_cmd recommend_cmd = {
    .cmd = "recommend",
    .what = "recommendation",
    .allow = ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN), O(OPT_TEXT), O(OPT_BARRIER), O(OPT_AUTHORITY), O(OPT_PRIORITY),
                   O(OPT_FEASIBILITY)),
    .lacks = recommend_lacks,
    .needs = "write the recommendation with --text",
    .read = recommend_read,
    .save = recommend_save,
    .key = "recommendations",
    .print = print_recommendations,
    .kind = CAMPAIGN_RECOMMENDATION,
    .subs = (const char *const[]){"add", "list", "edit", "rm", NULL},
};

int cmd_recommend(int argc, char **argv)
{
	return item_command(&recommend_cmd, argc, argv);
}

/* ---- stakeholders ---- */

static int stakeholder_lacks(const struct args *a, int editing)
{
	return !editing && !a->name;
}

static int stakeholder_read(const char *cmd, const struct args *a, struct item_values *v)
{
	(void)cmd;
	v->v.stakeholder = (struct campaign_stakeholder){a->name,
	                                                 cli_opt(a, OPT_TYPE),
	                                                 cli_opt(a, OPT_POWER),
	                                                 cli_opt(a, OPT_INTEREST),
	                                                 cli_opt(a, OPT_POSITION),
	                                                 cli_opt(a, OPT_NOTE)};
	return 0;
}

static int stakeholder_save(sqlite3 *db, int editing, long long cid, long long *id, const struct item_values *v,
                            struct err *e)
{
	return editing ? campaign_stakeholder_update(db, *id, &v->v.stakeholder, NULL, e)
	               : campaign_stakeholder_add(db, cid, &v->v.stakeholder, id, NULL, e);
}

/* The grid's words from the interface strings of lang (the workspace's overrides apply). */
static int stakeholder_grid(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("stakeholder", argc, argv, ALLOW(O(OPT_CAMPAIGN), O(OPT_OUTPUT), O(OPT_LANG)), &a);
	if (r || (r = no_args("stakeholder", &a, argv)))
		return r;
	long long cid = campaign_opt("stakeholder", &a);
	if (!cid)
		return EXIT_USAGE;
	const char *lang = a.meta.lang ? a.meta.lang : "en";
	if (!i18n_language_name(lang))
		return cli_usage_error("stakeholder", "--lang must be ar, fr, en or zgh, not \"%s\"", lang);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	char *overrides = fs_join(h->dir, "overrides");
	struct i18n *t = NULL;
	int ir = i18n_load(&t, overrides, &e);
	free(overrides);
	if (!t) {
		hub_close(h);
		return cli_error(&e);
	}
	if (ir)
		fprintf(stderr, "asurif: %s (the built-in words are used)\n", e.msg);
	err_clear(&e);
#define W(key) i18n_get(t, lang, key)
	struct campaign_grid_labels l = {
	    lang,
	    !strcmp(i18n_direction(lang), "rtl"),
	    W("grid_title"),
	    W("grid_desc"),
	    W("stakeholder_power"),
	    W("stakeholder_interest"),
	    W("grid_low"),
	    W("grid_high"),
	    W("grid_keep_satisfied"),
	    W("grid_manage_closely"),
	    W("grid_monitor"),
	    W("grid_keep_informed"),
	    W("position_ally"),
	    W("position_neutral"),
	    W("position_opponent"),
	    W("grid_none"),
	};
#undef W
	char *svg = NULL;
	r = campaign_grid_svg(h->db, cid, &l, &svg, &e);
	i18n_free(t);
	hub_close(h);
	if (r)
		return cli_error(&e);
	const char *out = cli_opt(&a, OPT_OUTPUT);
	if (!out || !strcmp(out, "-")) {
		printf("%s\n", svg);
	} else {
		struct buf b = BUF_INIT;
		buf_appends(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		buf_appends(&b, svg);
		buf_appendc(&b, '\n');
		r = fs_write_atomic(out, b.data, b.len, &e);
		buf_release(&b);
		if (r) {
			free(svg);
			return cli_error(&e);
		}
		fprintf(stderr, "grid of campaign %lld written to %s\n", cid, out);
	}
	free(svg);
	return EXIT_OK;
}

static const struct item_cmd stakeholder_cmd = {
    .cmd = "stakeholder",
    .what = "stakeholder",
    .allow = ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN), O(OPT_NAME), O(OPT_TYPE), O(OPT_POWER), O(OPT_INTEREST),
                   O(OPT_POSITION), O(OPT_NOTE)),
    .lacks = stakeholder_lacks,
    .needs = "give the stakeholder's name with --name",
    .read = stakeholder_read,
    .save = stakeholder_save,
    .key = "stakeholders",
    .print = print_stakeholders,
    .kind = CAMPAIGN_STAKEHOLDER,
    .extra = "grid",
    .run_extra = stakeholder_grid,
    .subs = (const char *const[]){"add", "list", "grid", "edit", "rm", NULL},
};

int cmd_stakeholder(int argc, char **argv)
{
	return item_command(&stakeholder_cmd, argc, argv);
}

/* ---- the timeline ---- */

static int event_lacks(const struct args *a, int editing)
{
	return !editing && (!a->meta.date || !a->meta.title);
}

static int event_read(const char *cmd, const struct args *a, struct item_values *v)
{
	(void)cmd;
	v->v.event = (struct campaign_event){a->meta.date, cli_opt(a, OPT_TYPE), a->meta.title, cli_opt(a, OPT_NOTE)};
	return 0;
}

static int event_save(sqlite3 *db, int editing, long long cid, long long *id, const struct item_values *v,
                      struct err *e)
{
	return editing ? campaign_event_update(db, *id, &v->v.event, NULL, e)
	               : campaign_event_add(db, cid, &v->v.event, id, NULL, e);
}

static const struct item_cmd event_cmd = {
    .cmd = "event",
    .what = "event",
    .allow = ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN), O(OPT_DATE), O(OPT_TITLE), O(OPT_TYPE), O(OPT_NOTE)),
    .lacks = event_lacks,
    .needs = "give the event's --date YYYY-MM-DD and --title",
    .read = event_read,
    .save = event_save,
    .key = "events",
    .print = print_events,
    .kind = CAMPAIGN_EVENT,
    .subs = (const char *const[]){"add", "list", "edit", "rm", NULL},
};

int cmd_event(int argc, char **argv)
{
	return item_command(&event_cmd, argc, argv);
}
