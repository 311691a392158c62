/* The petition sub-commands that judge and follow a petition: check, file, decide, dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "base/alloc.h"
#include "base/fs.h"
#include "cli/cli.h"
#include "cli/petition.h"
#include "hub/hub.h"
#include "petition/check.h"
#include "base/banned.h"

/* The workspace and its overrides folder. */
struct check_cli {
	struct hub *h;
	char *overrides;
};

static int open_ws(const struct args *a, struct check_cli *c)
{
	memset(c, 0, sizeof(*c));
	int r = cli_open_hub(a->ws, &c->h);
	if (r)
		return r;
	c->overrides = fs_join(c->h->dir, "overrides");
	return 0;
}

static void close_ws(struct check_cli *c)
{
	free(c->overrides);
	if (c->h)
		hub_close(c->h);
	memset(c, 0, sizeof(*c));
}

/* The petition's number, the first argument: -1 after printing the usage error. */
static long long petition_arg(const struct args *a, char **argv, const char *sub, int nargs, const char *usage)
{
	if (a->argc - a->rest != nargs)
		return cli_usage_error("petition", "petition %s wants %s", sub, usage), -1;
	long long id = cli_parse_int(argv[a->rest]);
	if (id <= 0)
		return cli_usage_error("petition", "petition %s: \"%s\" is not a petition number", sub, argv[a->rest]),
		       -1;
	return id;
}

/* The activity log entry of a change to petition id made from the command line. */
static void audit(sqlite3 *db, const char *action, long long id, const char *detail)
{
	char target[40];
	snprintf(target, sizeof(target), "petition %lld", id);
	cli_audit(db, action, target, detail);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* ---- petition check ---- */

static void print_check(json_t *o)
{
	json_t *t = json_object_get(o, "territory");
	printf("Petition %lld — %s\n", (long long)json_integer_value(json_object_get(o, "id")), str(o, "title"));
	if (t)
		printf("%s, %s %s (%s), %lld inhabitants\n", str(o, "rule"), str(t, "level"), str(t, "code"),
		       str(t, "name_fr"), (long long)json_integer_value(json_object_get(t, "population_2024")));
	else
		printf("%s\n", str(o, "rule"));
	printf("Signatures: %lld counted of %lld required (%lld duplicates, %lld withdrawn)\n\n",
	       (long long)json_integer_value(json_object_get(o, "counted")),
	       (long long)json_integer_value(json_object_get(o, "required")),
	       (long long)json_integer_value(json_object_get(o, "duplicates")),
	       (long long)json_integer_value(json_object_get(o, "withdrawn")));
	size_t i;
	json_t *c;
	int fails = 0, unknowns = 0;
	json_array_foreach(json_object_get(o, "conditions"), i, c)
	{
		const char *status = str(c, "status");
		const char *mark = !strcmp(status, "pass") ? "✓" : !strcmp(status, "fail") ? "✗" : "?";
		fails += !strcmp(status, "fail");
		unknowns += !strcmp(status, "unknown");
		printf("%s %s: %s\n", mark, str(c, "id"), str(c, "reason"));
		if (json_object_get(c, "rule_source") && !json_is_null(json_object_get(c, "rule_source")))
			printf("    rule: %s [%s%s]\n", str(c, "rule_source"), str(c, "rule_status"),
			       json_is_true(json_object_get(c, "overridden")) ? ", overridden here" : "");
	}
	json_t *per = json_object_get(o, "per_province");
	if (json_array_size(per)) {
		printf("\nBy province of residence:\n");
		json_array_foreach(per, i, c)
		    printf("  %-8s %-28s %6lld  (at least %lld)\n", str(c, "code"), str(c, "name_fr"),
		           (long long)json_integer_value(json_object_get(c, "counted")),
		           (long long)json_integer_value(json_object_get(c, "min")));
	}
	json_t *warnings = json_object_get(o, "warnings");
	if (json_array_size(warnings)) {
		printf("\nWarnings:\n");
		json_array_foreach(warnings, i, c) printf("  - %s\n", json_string_value(c));
	}
	if (json_is_true(json_object_get(o, "admissible")))
		printf("\nAdmissible as far as Asurif can tell: no condition fails%s.\n",
		       unknowns ? "; the conditions marked ? need a person to confirm them" : "");
	else
		printf("\nNot admissible: %d condition%s fail%s (✗).\n", fails, fails == 1 ? "" : "s",
		       fails == 1 ? "s" : "");
}

int cmd_petition_check(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	long long id = petition_arg(&a, argv, "check", 1, "ID (the petition's number)");
	if (id < 0)
		return EXIT_USAGE;
	struct check_cli c;
	if ((r = open_ws(&a, &c)))
		return r;
	struct err e = ERR_INIT;
	json_t *o = NULL;
	if ((r = petition_check(c.h->db, c.overrides, id, &o, &e))) {
		close_ws(&c);
		return cli_error(&e);
	}
	if (a.json)
		cli_print_json(o);
	else {
		print_check(o);
		json_decref(o);
	}
	close_ws(&c);
	return EXIT_OK;
}

/* ---- petition dates ---- */

static void print_date(json_t *d, int indent)
{
	long long left = json_integer_value(json_object_get(d, "days_left"));
	printf("%*s%s  %s", indent, "", str(d, "date"), str(d, "id"));
	if (json_is_true(json_object_get(d, "overdue")))
		printf("  OVERDUE by %lld day%s", -left, left == -1 ? "" : "s");
	else if (left >= 0)
		printf("  in %lld day%s", left, left == 1 ? "" : "s");
	printf("\n%*s  %s %lld %s from %s (%s)\n", indent, "", str(d, "label"),
	       (long long)json_integer_value(json_object_get(d, "value")), str(d, "unit"),
	       *str(d, "counted_from") ? str(d, "counted_from") : str(d, "from"), str(d, "from_date"));
	printf("%*s  [%s%s] %s\n", indent, "", str(d, "status"),
	       json_is_true(json_object_get(d, "overridden")) ? ", overridden here" : "", str(d, "source"));
}

static void print_dates(json_t *o)
{
	printf("Petition %lld — %s (%s)\n", (long long)json_integer_value(json_object_get(o, "id")), str(o, "title"),
	       str(o, "rule"));
	if (!json_is_string(json_object_get(o, "filed_on"))) {
		printf(
		    "Not filed yet (status %s): the legal dates start from the filing (asurif petition file ID --date "
		    "D).\n",
		    str(o, "status"));
		return;
	}
	printf("Filed on %s with %s", str(o, "filed_on"), str(o, "authority"));
	if (*str(o, "channel"))
		printf(", %s", str(o, "channel"));
	if (*str(o, "receipt"))
		printf(", receipt %s", str(o, "receipt"));
	printf("\n\n");
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(o, "dates"), i, d) print_date(d, 2);
	if (json_is_string(json_object_get(o, "decided_on")))
		printf("\nDecision: %s on %s%s%s\n", str(o, "status"), str(o, "decided_on"),
		       *str(o, "decision_reasons") ? ": " : "", str(o, "decision_reasons"));
	else
		printf("\nNo decision recorded yet (asurif petition decide ID accepted|refused).\n");
}

static void print_pending(json_t *o)
{
	json_t *dates = json_object_get(o, "dates");
	size_t i;
	json_t *d;
	if (!json_array_size(dates))
		printf("No filed petition is awaiting a decision.\n");
	json_array_foreach(dates, i, d)
	{
		long long left = json_integer_value(json_object_get(d, "days_left"));
		printf("%s  petition %lld  %s  ", str(d, "date"),
		       (long long)json_integer_value(json_object_get(d, "petition")), str(d, "id"));
		if (json_is_true(json_object_get(d, "overdue")))
			printf("OVERDUE by %lld day%s", -left, left == -1 ? "" : "s");
		else
			printf("in %lld day%s", left, left == 1 ? "" : "s");
		printf("  — %s (%s, filed on %s)\n", str(d, "title"), str(d, "rule"), str(d, "filed_on"));
	}
	json_array_foreach(json_object_get(o, "warnings"), i, d) fprintf(stderr, "asurif: %s\n", json_string_value(d));
}

int cmd_petition_dates(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON), O(OPT_ALL)), &a);
	if (r)
		return r;
	long long id = 0;
	if (a.all) {
		if (a.argc != a.rest)
			return cli_usage_error("petition", "petition dates takes ID or --all, not both");
	} else if ((id = petition_arg(&a, argv, "dates", 1, "ID (the petition's number) or --all")) < 0) {
		return EXIT_USAGE;
	}
	struct check_cli c;
	if ((r = open_ws(&a, &c)))
		return r;
	struct err e = ERR_INIT;
	json_t *o = NULL;
	r = a.all ? petition_dates_pending(c.h->db, c.overrides, NULL, &o, &e)
	          : petition_dates(c.h->db, c.overrides, id, NULL, &o, &e);
	close_ws(&c);
	if (r)
		return cli_error(&e);
	if (a.json) {
		cli_print_json(o);
		return EXIT_OK;
	}
	if (a.all)
		print_pending(o);
	else
		print_dates(o);
	json_decref(o);
	return EXIT_OK;
}

/* ---- petition file, petition decide ---- */

int cmd_petition_file(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON), O(OPT_DATE), O(OPT_CHANNEL), O(OPT_RECEIPT)), &a);
	if (r)
		return r;
	long long id = petition_arg(&a, argv, "file", 1, "ID --date YYYY-MM-DD [--channel C] [--receipt R]");
	if (id < 0)
		return EXIT_USAGE;
	const char *date = a.meta.date;
	if (!date)
		return cli_usage_error("petition",
		                       "petition file needs --date YYYY-MM-DD: the day the authority received "
		                       "it (on the receipt)");
	if (!petition_date_valid(date))
		return cli_usage_error("petition", "--date \"%s\" is not a date: YYYY-MM-DD", date);
	const char *channel = cli_opt(&a, OPT_CHANNEL), *receipt = cli_opt(&a, OPT_RECEIPT);
	struct check_cli c;
	if ((r = open_ws(&a, &c)))
		return r;
	struct err e = ERR_INIT;
	json_t *o = NULL;
	if ((r = petition_record_filing(c.h->db, id, date, channel, receipt, &e)) ||
	    (r = petition_dates(c.h->db, c.overrides, id, NULL, &o, &e))) {
		close_ws(&c);
		return cli_error(&e);
	}
	char *detail = xasprintf("filed on %s%s%s%s%s", date, channel ? "; channel: " : "", channel ? channel : "",
	                         receipt ? "; receipt: " : "", receipt ? receipt : "");
	audit(c.h->db, "petition-file", id, detail);
	free(detail);
	close_ws(&c);
	if (a.json) {
		cli_print_json(o);
		return EXIT_OK;
	}
	printf("Petition %lld filed on %s.\n\n", id, date);
	print_dates(o);
	json_decref(o);
	return EXIT_OK;
}

int cmd_petition_decide(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON), O(OPT_DATE), O(OPT_NOTE)), &a);
	if (r)
		return r;
	long long id = petition_arg(&a, argv, "decide", 2, "ID accepted|refused [--date D] [--note REASONS]");
	if (id < 0)
		return EXIT_USAGE;
	const char *decision = argv[a.rest + 1], *date = a.meta.date, *note = cli_opt(&a, OPT_NOTE);
	if (strcmp(decision, "accepted") && strcmp(decision, "refused"))
		return cli_usage_error("petition", "petition decide: the decision is accepted or refused, not \"%s\"",
		                       decision);
	if (date && !petition_date_valid(date))
		return cli_usage_error("petition", "--date \"%s\" is not a date: YYYY-MM-DD", date);
	struct check_cli c;
	if ((r = open_ws(&a, &c)))
		return r;
	struct err e = ERR_INIT;
	json_t *o = NULL;
	if ((r = petition_record_decision(c.h->db, id, decision, date, note, &e)) ||
	    (r = petition_dates(c.h->db, c.overrides, id, NULL, &o, &e))) {
		close_ws(&c);
		return cli_error(&e);
	}
	char *detail =
	    xasprintf("%s on %s%s%s", decision, str(o, "decided_on"), note ? "; reasons: " : "", note ? note : "");
	audit(c.h->db, "petition-decide", id, detail);
	free(detail);
	close_ws(&c);
	if (a.json)
		cli_print_json(json_pack("{s:I, s:s, s:O, s:O}", "id", (json_int_t)id, "status", decision, "decided_on",
		                         json_object_get(o, "decided_on"), "decision_reasons",
		                         json_object_get(o, "decision_reasons")));
	else
		printf("Petition %lld %s on %s.\n", id, decision, str(o, "decided_on"));
	json_decref(o);
	return EXIT_OK;
}
