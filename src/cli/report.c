/* The report command: the network report as text, JSON, CSV or PDF (the core is src/report/report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "report/report.h"
#include "base/banned.h"

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void print_groups(const char *title, json_t *groups)
{
	printf("  %s:", title);
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g)
	    printf("%s %s %lld", i ? "," : "", *str(g, "key") ? str(g, "key") : "none", num(g, "count"));
	printf("\n");
}

static void print_report(json_t *rep)
{
	json_t *p = json_object_get(rep, "petitions"), *d = json_object_get(rep, "documents");
	json_t *a = json_object_get(rep, "acceptance"), *s = json_object_get(rep, "signatures");
	json_t *f = json_object_get(rep, "filters");
	printf("Network report as of %s", str(rep, "as_of"));
	if (json_is_integer(json_object_get(f, "year")))
		printf(", started in %lld", num(f, "year"));
	if (json_is_integer(json_object_get(f, "campaign")))
		printf(", campaign %lld", num(f, "campaign"));
	printf(" (counts only, no personal data)\n\n");
	printf("Petitions: %lld — %s\n", num(p, "total"), str(p, "what"));
	print_groups("by status", json_object_get(p, "by_status"));
	print_groups("by level", json_object_get(p, "by_level"));
	print_groups("by theme", json_object_get(p, "by_theme"));
	printf("  by year (started/filed):");
	size_t i;
	json_t *y;
	json_array_foreach(json_object_get(p, "by_year"), i, y)
	    printf("%s %s %lld/%lld", i ? "," : "", str(y, "year"), num(y, "started"), num(y, "filed"));
	printf("\n\nAcceptance: ");
	if (json_is_number(json_object_get(a, "rate")))
		printf("%.1f%% (%lld accepted of %lld decided; %lld refused)",
		       json_number_value(json_object_get(a, "rate")) * 100, num(a, "accepted"), num(a, "decided"),
		       num(a, "refused"));
	else
		printf("no decision recorded yet");
	printf(" — %s\n\n", str(a, "what"));
	json_t *by = json_object_get(s, "by_channel");
	printf("Signatures: %lld valid (paper %lld, online %lld, import %lld; %lld duplicates and %lld withdrawn not "
	       "counted) — %s\n\n",
	       num(s, "valid"), num(by, "paper"), num(by, "online"), num(by, "import"), num(s, "duplicates"),
	       num(s, "withdrawn"), str(s, "what"));
	printf("Opinions, memoranda, motions, briefs: %lld — %s\n", num(d, "total"), str(d, "what"));
	print_groups("by type", json_object_get(d, "by_type"));
	print_groups("by stage", json_object_get(d, "by_status"));
	print_groups("by level", json_object_get(d, "by_level"));
	print_groups("by theme", json_object_get(d, "by_theme"));
	printf("  by year started:");
	json_array_foreach(json_object_get(d, "by_year"), i, y)
	    printf("%s %s %lld", i ? "," : "", str(y, "year"), num(y, "started"));
	printf("\n");
}

int cmd_report(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("report", argc, argv,
	                  ALLOW(O(OPT_JSON), O(OPT_CSV), O(OPT_YEAR), O(OPT_CAMPAIGN), O(OPT_OUTPUT), O(OPT_LANG)), &a);
	if (r)
		return r;
	if (a.rest < a.argc)
		return cli_usage_error("report", "unexpected \"%s\"", argv[a.rest]);
	struct report_filter f = {0, 0};
	const char *year = cli_opt(&a, OPT_YEAR), *campaign = cli_opt(&a, OPT_CAMPAIGN);
	if (year) {
		long long y = cli_parse_int(year);
		if (y < 1900 || y > 9999)
			return cli_usage_error("report", "--year wants a year such as 2026, not \"%s\"", year);
		f.year = (int)y;
	}
	if (campaign && (f.campaign_id = cli_parse_int(campaign)) <= 0)
		return cli_usage_error("report", "--campaign wants a campaign number, not \"%s\"", campaign);
	const char *out = cli_opt(&a, OPT_OUTPUT);
	int csv = cli_opt(&a, OPT_CSV) != NULL;
	int pdf = out && strlen(out) > 4 && !strcmp(out + strlen(out) - 4, ".pdf");
	if (a.json + csv > 1)
		return cli_usage_error("report", "--json or --csv, not both");
	if (out && !pdf && !csv && !a.json)
		return cli_usage_error("report", "-o FILE.pdf, or --csv/--json with -o FILE");
	if (pdf && (csv || a.json))
		return cli_usage_error("report", "-o %s writes a PDF: leave out --csv and --json", out);
	const char *lang = a.meta.lang ? a.meta.lang : "ar";
	if (pdf && strcmp(lang, "ar") && strcmp(lang, "fr") && strcmp(lang, "en"))
		return cli_usage_error("report", "--lang must be ar, fr or en, not \"%s\"", lang);

	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	json_t *rep = NULL;
	struct buf b = BUF_INIT;
	if (report_build(h->db, &f, NULL, &rep, &e)) {
		hub_close(h);
		return e.code == ERR_USAGE ? cli_usage_error("report", "%s", e.msg) : cli_error(&e);
	}
	if (pdf) {
		char *overrides = fs_join(h->dir, "overrides");
		struct i18n *t = NULL;
		int ir = i18n_load(&t, overrides, &e);
		free(overrides);
		if (!t) {
			r = cli_error(&e);
			goto done;
		}
		if (ir)
			fprintf(stderr, "asurif: %s (the built-in words are used)\n", e.msg);
		err_clear(&e);
		struct doc *d = report_doc(rep, t, lang);
		r = export_pdf(d, &b, &e);
		doc_free(d);
		i18n_free(t);
		if (r) {
			r = cli_error(&e);
			goto done;
		}
	} else if (csv) {
		report_csv(rep, &b);
	} else if (a.json) {
		char *s = json_dumps(rep, JSON_COMPACT);
		buf_appends(&b, s);
		buf_appendc(&b, '\n');
		free(s);
	}
	if (out && strcmp(out, "-")) {
		if (fs_write_atomic(out, b.data ? b.data : "", b.len, &e)) {
			r = cli_error(&e);
			goto done;
		}
		printf("The report as of %s is in %s.\n", str(rep, "as_of"), out);
	} else if (b.len) {
		fwrite(b.data, 1, b.len, stdout);
	} else {
		print_report(rep);
	}
	r = EXIT_OK;
done:
	buf_release(&b);
	json_decref(rep);
	hub_close(h);
	return r;
}
