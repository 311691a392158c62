/* The petition command: for now the legal rules (rule sets, their figures, overrides, required signatures). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "cli/cli.h"
#include "cli/petition.h"
#include "hub/hub.h"
#include "petition/rules.h"
#include "base/banned.h"

#define SUBCOMMANDS "rules, new, list, show, sign, import, withdraw, signing, export, purge, check, file, decide, dates, sheets, dossier"

/* The workspace and its overrides folder; h is NULL when none could be opened and none was asked for. */
struct petition_cli {
	struct hub *h;
	char *overrides;
};

static void close_ws(struct petition_cli *c)
{
	free(c->overrides);
	if (c->h)
		hub_close(c->h);
	memset(c, 0, sizeof(*c));
}

/* Opens the workspace; when `needed` is 0 and none was named, goes on without one (built-in rules only). */
static int open_ws(const struct args *a, int needed, struct petition_cli *c)
{
	memset(c, 0, sizeof(*c));
	if (!needed && !a->ws && !getenv("ASURIF_WORKSPACE")) {
		char *dir = hub_default_dir(NULL);
		struct err e = ERR_INIT;
		if (hub_open(dir, &c->h, &e))
			c->h = NULL;
		free(dir);
	} else {
		int r = cli_open_hub(a->ws, &c->h);
		if (r)
			return r;
	}
	if (c->h)
		c->overrides = fs_join(c->h->dir, "overrides");
	return 0;
}

/* ---- text output ---- */

static void print_value(json_t *f)
{
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *unit = json_string_value(json_object_get(f, "unit"));
	json_t *v = json_object_get(f, "value");
	size_t i;
	json_t *x;
	if (!strcmp(type, "share")) {
		printf("%g%%", json_number_value(v) * 100);
	} else if (!strcmp(type, "threshold") && json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			json_t *below = json_object_get(x, "below"), *at_most = json_object_get(x, "at_most");
			printf("%s%lld", i ? "; " : "",
			       (long long)json_integer_value(json_object_get(x, "signatures")));
			if (below)
				printf(" below %lld inhabitants", (long long)json_integer_value(below));
			else if (at_most)
				printf(" up to %lld inhabitants", (long long)json_integer_value(at_most));
			else
				printf(" otherwise");
		}
	} else if (json_is_integer(v)) {
		const char *cmp = json_string_value(json_object_get(f, "comparison"));
		printf("%s%lld%s%s", cmp && !strcmp(cmp, "more_than") ? "more than " : "",
		       (long long)json_integer_value(v), unit ? " " : "", unit ? unit : "");
		if (!strcmp(type, "duration"))
			printf(" (calendar)");
	} else if (json_is_boolean(v)) {
		printf("%s", json_is_true(v) ? "yes" : "no");
	} else if (json_is_string(v)) {
		printf("%s", json_string_value(v));
	} else if (!strcmp(type, "list")) {
		json_array_foreach(v, i, x) printf("%s%s", i ? ", " : "", json_string_value(x));
	} else if (!strcmp(type, "table")) {
		json_array_foreach(v, i, x)
		{
			const char *name = json_string_value(json_object_get(x, "name_fr"));
			if (!name)
				name = json_string_value(json_object_get(x, "id"));
			printf("%s%s", i ? ", " : "", name ? name : "?");
		}
	}
}

static void print_rule(json_t *rule)
{
	json_t *law = json_object_get(rule, "law");
	json_t *lv = json_object_get(law, "value");
	printf("%s — %s\n", json_string_value(json_object_get(rule, "id")),
	       json_string_value(json_object_get(json_object_get(rule, "title"), "en")));
	printf("  law: %s, art. %s [%s, checked %s]\n", json_string_value(json_object_get(lv, "name")),
	       json_string_value(json_object_get(lv, "articles")) ? json_string_value(json_object_get(lv, "articles"))
	                                                          : "?",
	       json_string_value(json_object_get(law, "status")),
	       json_string_value(json_object_get(law, "checked_on")));
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(rule, "figures"), i, f)
	{
		printf("  %-32s ", json_string_value(json_object_get(f, "id")));
		print_value(f);
		printf("\n      %s\n      [%s, checked %s] %s\n", json_string_value(json_object_get(f, "label")),
		       json_string_value(json_object_get(f, "status")),
		       json_string_value(json_object_get(f, "checked_on")),
		       json_string_value(json_object_get(f, "source")));
		json_t *o = json_object_get(f, "overridden");
		if (o) {
			char *orig = json_dumps(json_object_get(f, "original"), JSON_COMPACT | JSON_ENCODE_ANY);
			printf("      OVERRIDDEN in this workspace by %s on %s: \"%s\" (the rule data says %s)\n",
			       json_string_value(json_object_get(o, "by")), json_string_value(json_object_get(o, "at")),
			       json_string_value(json_object_get(o, "note")), orig ? orig : "?");
			free(orig);
		}
	}
}

static void print_from(const char *what, const struct rules_from *f)
{
	printf("  %s: figure %s [%s, checked %s] %s\n", what, f->figure, f->status, f->checked_on, f->source);
	if (f->overridden)
		printf("  OVERRIDDEN in this workspace: \"%s\"\n", f->note ? f->note : "");
}

static void print_required(const struct rules_required *q)
{
	if (q->territory.level == TERRITORY_ANY)
		printf("\nRequired: %lld (%s)\n", q->required, q->basis);
	else
		printf("\nRequired for %s %s (%s, %lld inhabitants): %lld signatures (%s)\n",
		       territory_level_name(q->territory.level), q->territory.code, q->territory.name_fr,
		       q->territory.population, q->required, q->basis);
	print_from("from", &q->from);
	if (q->also.figure)
		print_from("because of", &q->also);
	if (q->spread_share > 0) {
		printf("At least %lld (%g%% of %lld) from each of its %zu provinces and prefectures:\n",
		       q->per_province, q->spread_share * 100, q->required, q->nprovinces);
		for (size_t i = 0; i < q->nprovinces; i++)
			printf("  %-8s %-28s %lld\n", q->provinces[i].code, q->provinces[i].name_fr,
			       q->provinces[i].min);
		print_from("spread", &q->spread_from);
	}
}

/* ---- JSON output ---- */

static json_t *from_json(const struct rules_from *f)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "figure", f->figure, "source", f->source, "status",
	                      f->status, "checked_on", f->checked_on, "overridden", f->overridden);
	if (f->note)
		json_object_set_new(o, "note", json_string(f->note));
	return o;
}

static json_t *required_json(const struct rules_required *q)
{
	json_t *o = json_pack("{s:I, s:s, s:o}", "required", (json_int_t)q->required, "basis", q->basis, "from",
	                      from_json(&q->from));
	if (q->territory.level != TERRITORY_ANY)
		json_object_set_new(o, "territory",
		                    json_pack("{s:s, s:s, s:s, s:s, s:I}", "code", q->territory.code, "level",
		                              territory_level_name(q->territory.level), "name_fr", q->territory.name_fr,
		                              "name_ar", q->territory.name_ar, "population_2024",
		                              (json_int_t)q->territory.population));
	if (q->also.figure)
		json_object_set_new(o, "also", from_json(&q->also));
	if (q->spread_share > 0) {
		json_t *provinces = json_array();
		for (size_t i = 0; i < q->nprovinces; i++)
			json_array_append_new(
			    provinces,
			    json_pack("{s:s, s:s, s:s, s:I, s:I}", "code", q->provinces[i].code, "name_fr",
			              q->provinces[i].name_fr, "name_ar", q->provinces[i].name_ar, "population_2024",
			              (json_int_t)q->provinces[i].population, "min", (json_int_t)q->provinces[i].min));
		json_object_set_new(o, "spread",
		                    json_pack("{s:f, s:I, s:o, s:o}", "share", q->spread_share, "per_province",
		                              (json_int_t)q->per_province, "from", from_json(&q->spread_from),
		                              "provinces", provinces));
	}
	return o;
}

/* ---- petition rules ---- */

static int rules_show(const struct args *a, char **argv)
{
	const char *id = a->rest + 1 < a->argc ? argv[a->rest + 1] : NULL;
	const char *code = cli_opt(a, OPT_TERRITORY);
	if (a->rest + 2 < a->argc)
		return cli_usage_error("petition", "petition rules takes one rule set, not \"%s\"", argv[a->rest + 2]);
	if (id && !rules_known(id))
		return cli_usage_error(
		    "petition", "no rule set \"%s\": ma/commune, ma/province, ma/region, ma/government or ma/motion",
		    id);
	struct petition_cli c;
	int r = open_ws(a, code != NULL, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	json_t *rules = json_array();
	struct rules_required q;
	memset(&q, 0, sizeof(q));
	int have_q = 0;
	if (code && !id) {
		/* the rule set of the territory's council */
		struct territory t;
		if ((r = rules_territory(c.h->db, code, &t, &id, &e)))
			goto fail;
	}
	for (size_t i = 0; rules_names[i]; i++) {
		if (id && strcmp(id, rules_names[i]))
			continue;
		json_t *rule = NULL;
		if ((r = rules_load(c.overrides, rules_names[i], &rule, &e)))
			goto fail;
		json_array_append_new(rules, rule);
		if (c.h && (r = rules_apply_overrides(c.h->db, rule, &e)))
			goto fail;
		if (code) {
			if ((r = rules_required(c.h->db, rule, code, &q, &e)))
				goto fail;
			have_q = 1;
		}
	}
	if (a->json) {
		json_t *o =
		    id ? json_pack("{s:O}", "rule", json_array_get(rules, 0)) : json_pack("{s:O}", "rules", rules);
		if (have_q)
			json_object_set_new(o, "required", required_json(&q));
		cli_print_json(o);
	} else {
		size_t i;
		json_t *rule;
		json_array_foreach(rules, i, rule)
		{
			if (i)
				printf("\n");
			print_rule(rule);
		}
		if (have_q)
			print_required(&q);
		printf("\nStatus: confirmed (a source states it), unconfirmed (believed, no source found), conflicting "
		       "(sources disagree).\n");
	}
	json_decref(rules);
	if (have_q)
		rules_required_release(&q);
	close_ws(&c);
	return EXIT_OK;
fail:
	json_decref(rules);
	if (have_q)
		rules_required_release(&q);
	close_ws(&c);
	return cli_error(&e);
}

static int rules_override(const struct args *a, char **argv)
{
	int n_args = a->argc - a->rest;
	if (n_args != 5)
		return cli_usage_error("petition", "petition rules override wants RULE FIGURE VALUE --note N");
	const char *rule = argv[a->rest + 2], *figure = argv[a->rest + 3], *value = argv[a->rest + 4];
	const char *note = cli_opt(a, OPT_NOTE);
	if (!rules_known(rule))
		return cli_usage_error(
		    "petition", "no rule set \"%s\": ma/commune, ma/province, ma/region, ma/government or ma/motion",
		    rule);
	if (!note || !*note)
		return cli_usage_error("petition",
		                       "an override needs --note saying why (e.g. the council's published figure)");
	struct petition_cli c;
	int r = open_ws(a, 1, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	char *stored = NULL;
	if ((r = rules_override_set(c.h->db, c.overrides, rule, figure, value, note, cli_who(), &stored, &e))) {
		close_ws(&c);
		return cli_error(&e);
	}
	char *target = xasprintf("%s %s", rule, figure);
	char *detail = xasprintf("%s; note: %s", stored, note);
	cli_audit(c.h->db, "rule-override", target, detail);
	if (a->json)
		cli_print_json(
		    json_pack("{s:s, s:s, s:s, s:s}", "rule", rule, "figure", figure, "value", stored, "note", note));
	else
		printf("%s %s is now %s in this workspace (note: %s).\n", rule, figure, stored, note);
	free(target);
	free(detail);
	free(stored);
	close_ws(&c);
	return EXIT_OK;
}

static int rules_reset(const struct args *a, char **argv)
{
	if (a->argc - a->rest != 4)
		return cli_usage_error("petition", "petition rules reset wants RULE FIGURE");
	const char *rule = argv[a->rest + 2], *figure = argv[a->rest + 3];
	if (!rules_known(rule))
		return cli_usage_error(
		    "petition", "no rule set \"%s\": ma/commune, ma/province, ma/region, ma/government or ma/motion",
		    rule);
	struct petition_cli c;
	int r = open_ws(a, 1, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	const char *note = cli_opt(a, OPT_NOTE);
	if ((r = rules_override_clear(c.h->db, c.overrides, rule, figure, note, cli_who(), &e))) {
		close_ws(&c);
		return cli_error(&e);
	}
	char *target = xasprintf("%s %s", rule, figure);
	char *detail = xasprintf("back to the rule data; note: %s", note && *note ? note : "reset");
	cli_audit(c.h->db, "rule-reset", target, detail);
	if (a->json)
		cli_print_json(json_pack("{s:s, s:s, s:b}", "rule", rule, "figure", figure, "reset", 1));
	else
		printf("%s %s follows the rule data again.\n", rule, figure);
	free(target);
	free(detail);
	close_ws(&c);
	return EXIT_OK;
}

static int sub_rules(const struct args *a, char **argv)
{
	const char *what = a->rest + 1 < a->argc ? argv[a->rest + 1] : NULL;
	if (what && !strcmp(what, "override"))
		return rules_override(a, argv);
	if (what && !strcmp(what, "reset"))
		return rules_reset(a, argv);
	if (cli_opt(a, OPT_NOTE))
		return cli_usage_error("petition", "--note goes with petition rules override or reset");
	return rules_show(a, argv);
}

/* The other sub-commands, each in its own file and parsing its own options (cli/petition.h). */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv); /* argv without the sub-command's name */
} subcommands[] = {
	{"new", cmd_petition_new},
	{"list", cmd_petition_list},
	{"show", cmd_petition_show},
	{"sign", cmd_petition_sign},
	{"import", cmd_petition_import},
	{"withdraw", cmd_petition_withdraw},
	{"signing", cmd_petition_signing},
	{"export", cmd_petition_export},
	{"purge", cmd_petition_purge},
	{"check", cmd_petition_check},
	{"file", cmd_petition_file},
	{"decide", cmd_petition_decide},
	{"dates", cmd_petition_dates},
	{"dossier", cmd_petition_dossier},
	{"sheets", cmd_petition_sheets},
	{NULL, NULL},
};

int cmd_petition(int argc, char **argv)
{
	/* "rules" reads its words after the sub-command's name; the others get argv without it. */
	int n = argc;
	const char *peek = NULL;
	for (int i = 1; i < argc && !peek; i++) {
		if (!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workspace"))
			i++;
		else if (argv[i][0] != '-')
			peek = argv[i];
	}
	for (size_t i = 0; peek && subcommands[i].name; i++)
		if (!strcmp(peek, subcommands[i].name)) {
			cli_take_subcommand(&n, argv);
			return subcommands[i].run(n, argv);
		}
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON), O(OPT_TERRITORY), O(OPT_NOTE)), &a);
	if (r)
		return r;
	if (a.rest >= a.argc)
		return cli_usage_error("petition", "what to do? " SUBCOMMANDS);
	const char *sub = argv[a.rest];
	if (!strcmp(sub, "rules"))
		return sub_rules(&a, argv);
	return cli_usage_error("petition", "unknown \"%s\": the petition commands so far are: " SUBCOMMANDS, sub);
}
