/*
 * The petition command's sub-commands for petitions and their signatures: new, list, show, sign,
 * import, withdraw, export, purge (the core is src/petition/petition.h). Personal data only
 * ever goes to the file an export names, never to the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/fs.h"
#include "cli/cli.h"
#include "cli/petition.h"
#include "export/doc.h"
#include "hub/hub.h"
#include "petition/petition.h"
#include "petition/vault.h"
#include "base/banned.h"

/* The open workspace, its overrides folder and, for commands that touch personal data, its key. */
struct sig_cli {
	struct hub *h;
	char *overrides;
	struct vault *v;
};

static void sig_close(struct sig_cli *c)
{
	vault_close(c->v);
	free(c->overrides);
	if (c->h)
		hub_close(c->h);
	memset(c, 0, sizeof(*c));
}

static int sig_open(const struct args *a, int with_key, struct sig_cli *c)
{
	memset(c, 0, sizeof(*c));
	int r = cli_open_hub(a->ws, &c->h);
	if (r)
		return r;
	c->overrides = fs_join(c->h->dir, "overrides");
	if (with_key) {
		struct err e = ERR_INIT;
		if (vault_open(c->h->dir, &c->v, &e)) {
			sig_close(c);
			return cli_error(&e);
		}
	}
	return 0;
}

/* The k-th argument as a positive number (what names it), or -1 after printing the problem. */
static long long number_arg(const char *sub, const struct args *a, char **argv, int k, const char *what)
{
	if (a->rest + k >= a->argc) {
		cli_usage_error("petition", "petition %s needs %s", sub, what);
		return -1;
	}
	long long v = cli_parse_int(argv[a->rest + k]);
	if (v <= 0) {
		cli_usage_error("petition", "%s must be a number, not \"%s\"", what, argv[a->rest + k]);
		return -1;
	}
	return v;
}

static int no_more_args(const char *sub, const struct args *a, char **argv, int k)
{
	if (a->rest + k < a->argc)
		return cli_usage_error("petition", "petition %s: unexpected \"%s\"", sub, argv[a->rest + k]);
	return 0;
}

/* An optional numeric option: 0 when not given, -1 (after printing) when not a number. */
static long long number_opt(const struct args *a, int opt, const char *name)
{
	const char *s = cli_opt(a, opt);
	if (!s)
		return 0;
	long long v = cli_parse_int(s);
	if (v <= 0) {
		cli_usage_error("petition", "--%s wants a number, not \"%s\"", name, s);
		return -1;
	}
	return v;
}

/* ---- petition new ---- */

int cmd_petition_new(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv,
	                  ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN), O(OPT_RULE), O(OPT_TERRITORY), O(OPT_DRAFT),
	                        O(OPT_BY_ASSOCIATION), O(OPT_TITLE)),
	                  &a);
	if (r)
		return r;
	if ((r = no_more_args("new", &a, argv, 0)))
		return r;
	struct petition_fields f;
	memset(&f, 0, sizeof(f));
	f.campaign_id = number_opt(&a, OPT_CAMPAIGN, "campaign");
	f.draft_id = number_opt(&a, OPT_DRAFT, "draft");
	if (f.campaign_id < 0 || f.draft_id < 0)
		return EXIT_USAGE;
	if (!f.campaign_id)
		return cli_usage_error("petition", "petition new needs --campaign ID");
	f.rule = cli_opt(&a, OPT_RULE);
	if (!f.rule)
		return cli_usage_error("petition", "petition new needs --rule: ma/commune, ma/province, ma/region, "
		                                   "ma/government or ma/motion");
	f.territory = cli_opt(&a, OPT_TERRITORY);
	f.association = cli_opt(&a, OPT_BY_ASSOCIATION);
	f.title = a.meta.title;
	struct sig_cli c;
	if ((r = sig_open(&a, 0, &c)))
		return r;
	struct err e = ERR_INIT;
	long long id = 0;
	if ((r = petition_create(c.h->db, &f, &id, &e))) {
		sig_close(&c);
		if (e.code == ERR_USAGE)
			err_prefix(&e, "petition new: --");
		return cli_error(&e);
	}
	if (a.json)
		cli_print_json(json_pack("{s:I}", "id", (json_int_t)id));
	else
		printf("Petition %lld created: asurif petition sign %lld ... adds signatures.\n", id, id);
	sig_close(&c);
	return EXIT_OK;
}

/* ---- petition list / show ---- */

static long long jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

int cmd_petition_list(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN)), &a);
	if (r)
		return r;
	if ((r = no_more_args("list", &a, argv, 0)))
		return r;
	long long cid = number_opt(&a, OPT_CAMPAIGN, "campaign");
	if (cid < 0)
		return EXIT_USAGE;
	struct sig_cli c;
	if ((r = sig_open(&a, 0, &c)))
		return r;
	struct err e = ERR_INIT;
	json_t *list = NULL;
	if ((r = petition_list_json(c.h->db, cid, &list, &e))) {
		sig_close(&c);
		return cli_error(&e);
	}
	if (a.json) {
		cli_print_json(json_pack("{s:o}", "petitions", list));
	} else {
		if (!json_array_size(list))
			printf("No petitions yet: asurif petition new --campaign ID --rule RULE --territory CODE.\n");
		size_t i;
		json_t *p;
		json_array_foreach(list, i, p)
		{
			json_t *sig = json_object_get(p, "signatures");
			printf("%4lld  %-10s  %-13s %-10s %6lld valid  %s\n", jint(p, "id"), jstr(p, "status"),
			       jstr(p, "rule"),
			       json_is_string(json_object_get(p, "territory_code")) ? jstr(p, "territory_code")
			                                                            : "national",
			       jint(sig, "valid"), jstr(p, "title"));
		}
		json_decref(list);
	}
	sig_close(&c);
	return EXIT_OK;
}

int cmd_petition_show(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	long long id = number_arg("show", &a, argv, 0, "a petition number");
	if (id < 0)
		return EXIT_USAGE;
	if ((r = no_more_args("show", &a, argv, 1)))
		return r;
	struct sig_cli c;
	if ((r = sig_open(&a, 0, &c)))
		return r;
	struct err e = ERR_INIT;
	json_t *p = NULL;
	if ((r = petition_json(c.h->db, id, &p, &e))) {
		sig_close(&c);
		return cli_error(&e);
	}
	if (a.json) {
		cli_print_json(p);
		sig_close(&c);
		return EXIT_OK;
	}
	json_t *t = json_object_get(p, "territory"), *sig = json_object_get(p, "signatures");
	printf("Petition %lld: %s\n", id, jstr(p, "title"));
	printf("  rule %s, %s, status %s\n", jstr(p, "rule"), t ? jstr(t, "name_fr") : "national", jstr(p, "status"));
	if (t)
		printf("  %s %s (%lld inhabitants in 2024)\n", jstr(t, "level"), jstr(t, "code"),
		       jint(t, "population_2024"));
	printf("  campaign %lld", jint(p, "campaign_id"));
	if (json_is_integer(json_object_get(p, "draft_id")))
		printf(", draft %lld", jint(p, "draft_id"));
	if (json_is_string(json_object_get(p, "association")))
		printf(", filed by the association %s", jstr(p, "association"));
	printf("\n  signatures: %lld valid, %lld duplicates, %lld withdrawn, %lld in all\n", jint(sig, "valid"),
	       jint(sig, "duplicates"), jint(sig, "withdrawn"), jint(sig, "total"));
	if (jint(sig, "outside_territory"))
		printf("  of the valid ones, %lld from signatories living in another commune (an economic activity in "
		       "the commune qualifies too)\n",
		       jint(sig, "outside_territory"));
	json_t *ch = json_object_get(sig, "by_channel");
	printf("  by channel: paper %lld, online %lld, import %lld\n", jint(ch, "paper"), jint(ch, "online"),
	       jint(ch, "import"));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(sig, "by_province"), i, x)
	{
		if (!i)
			printf("  by province:\n");
		printf("    %-8s %-28s %lld\n", json_is_string(json_object_get(x, "code")) ? jstr(x, "code") : "-",
		       json_is_string(json_object_get(x, "name_fr")) ? jstr(x, "name_fr") : "(no commune)",
		       jint(x, "valid"));
	}
	if (json_is_string(json_object_get(p, "purged_at")))
		printf("  personal data deleted on %s (counts kept)\n", jstr(p, "purged_at"));
	json_decref(p);
	sig_close(&c);
	return EXIT_OK;
}

/* ---- petition sign ---- */

int cmd_petition_sign(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv,
	                  ALLOW(O(OPT_JSON), O(OPT_FIRST_NAME), O(OPT_LAST_NAME), O(OPT_CIN), O(OPT_ADDRESS),
	                        O(OPT_COMMUNE), O(OPT_CONTACT), O(OPT_CHANNEL), O(OPT_SHEET), O(OPT_ROW)),
	                  &a);
	if (r)
		return r;
	long long id = number_arg("sign", &a, argv, 0, "a petition number");
	if (id < 0)
		return EXIT_USAGE;
	if ((r = no_more_args("sign", &a, argv, 1)))
		return r;
	long long sheet = number_opt(&a, OPT_SHEET, "sheet"), row = number_opt(&a, OPT_ROW, "row");
	if (sheet < 0 || row < 0)
		return EXIT_USAGE;
	const char *channel = cli_opt(&a, OPT_CHANNEL);
	if (!channel)
		channel = "paper";
	if (strcmp(channel, "paper") && strcmp(channel, "online"))
		return cli_usage_error("petition", "--channel is paper or online, not \"%s\"", channel);
	struct petition_signer s = {
	    .first_name = cli_opt(&a, OPT_FIRST_NAME),
	    .last_name = cli_opt(&a, OPT_LAST_NAME),
	    .cin = cli_opt(&a, OPT_CIN),
	    .address = cli_opt(&a, OPT_ADDRESS),
	    .commune_code = cli_opt(&a, OPT_COMMUNE),
	    .contact = cli_opt(&a, OPT_CONTACT),
	};
	struct sig_cli c;
	if ((r = sig_open(&a, 1, &c)))
		return r;
	struct err e = ERR_INIT;
	long long sig = 0, dup = 0;
	int outside = 0;
	if ((r = petition_sign(c.h->db, c.v, id, &s, channel, sheet, row, &sig, &dup, &outside, &e))) {
		sig_close(&c);
		return cli_error(&e);
	}
	if (a.json) {
		cli_print_json(json_pack("{s:I, s:I, s:o, s:b}", "id", (json_int_t)sig, "petition_id", (json_int_t)id,
		                         "duplicate_of", dup ? json_integer(dup) : json_null(), "outside_territory",
		                         outside));
	} else {
		printf("Signature %lld recorded for petition %lld.\n", sig, id);
		if (dup)
			printf(
			    "It has the same ID number as signature %lld: kept, marked as a duplicate, not counted.\n",
			    dup);
		if (outside)
			printf(
			    "The signatory lives in another commune: this counts only with an economic, commercial or "
			    "professional activity in the petition's commune.\n");
	}
	sig_close(&c);
	return EXIT_OK;
}

/* ---- petition import ---- */

int cmd_petition_import(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	long long id = number_arg("import", &a, argv, 0, "a petition number and a CSV or XLSX file");
	if (id < 0)
		return EXIT_USAGE;
	if (a.rest + 1 >= a.argc)
		return cli_usage_error("petition", "petition import needs a CSV or XLSX file after the petition number");
	if ((r = no_more_args("import", &a, argv, 2)))
		return r;
	const char *path = argv[a.rest + 1];
	struct sig_cli c;
	if ((r = sig_open(&a, 1, &c)))
		return r;
	struct err e = ERR_INIT;
	struct petition_import_report rep;
	r = petition_import_file(c.h->db, c.v, c.overrides, id, path, cli_progress, NULL, &rep, &e);
	cli_progress_end();
	if (r) {
		if (rep.added || rep.duplicates)
			fprintf(stderr, "asurif: %lld rows were imported before this error\n",
			        rep.added + rep.duplicates);
		petition_import_report_release(&rep);
		sig_close(&c);
		return cli_error(&e);
	}
	char target[64],
	    *detail = xasprintf("%lld added, %lld duplicates, %lld rejected", rep.added, rep.duplicates, rep.rejected);
	snprintf(target, sizeof(target), "petition %lld", id);
	cli_audit(c.h->db, "import signatures", target, detail);
	free(detail);
	if (a.json) {
		json_t *rows = json_array();
		for (size_t i = 0; i < rep.nrows; i++)
			json_array_append_new(rows,
			                      json_pack("{s:I, s:s, s:s}", rep.unit, (json_int_t)rep.rows[i].line,
			                                "status", rep.rows[i].duplicate ? "duplicate" : "rejected",
			                                "reason", rep.rows[i].reason));
		cli_print_json(json_pack("{s:I, s:I, s:I, s:o}", "added", (json_int_t)rep.added, "duplicates",
		                         (json_int_t)rep.duplicates, "rejected", (json_int_t)rep.rejected, "rows",
		                         rows));
	} else {
		printf("%lld added, %lld duplicates, %lld rejected\n", rep.added, rep.duplicates, rep.rejected);
		for (size_t i = 0; i < rep.nrows; i++)
			/* a duplicate's reason starts with "duplicate:" already */
			printf("%s %lld: %s%s\n", rep.unit, rep.rows[i].line, rep.rows[i].duplicate ? "" : "rejected: ",
			       rep.rows[i].reason);
	}
	r = rep.rejected ? EXIT_FAIL : EXIT_OK;
	petition_import_report_release(&rep);
	sig_close(&c);
	return r;
}

/* ---- petition withdraw ---- */

int cmd_petition_withdraw(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	long long sig = number_arg("withdraw", &a, argv, 0, "a signature number");
	if (sig < 0)
		return EXIT_USAGE;
	if ((r = no_more_args("withdraw", &a, argv, 1)))
		return r;
	struct sig_cli c;
	if ((r = sig_open(&a, 0, &c)))
		return r;
	struct err e = ERR_INIT;
	long long pid = 0;
	if ((r = petition_withdraw(c.h->db, sig, cli_who(), &pid, &e))) {
		sig_close(&c);
		return cli_error(&e);
	}
	char target[96];
	snprintf(target, sizeof(target), "signature %lld of petition %lld", sig, pid);
	cli_audit(c.h->db, "withdraw signature", target, "a coordinator's withdrawal");
	if (a.json)
		cli_print_json(json_pack("{s:I, s:I, s:s}", "id", (json_int_t)sig, "petition_id", (json_int_t)pid,
		                         "withdrawn_by", cli_who()));
	else
		printf("Signature %lld of petition %lld withdrawn.\n", sig, pid);
	sig_close(&c);
	return EXIT_OK;
}

/* ---- petition export ---- */

/* The signature list as a document (pdf, docx, odt) in out; the document's text is wiped. */
static int export_list(struct sig_cli *c, long long id, const char *lang, const char *format, struct buf *out,
                       long long *count, struct err *e)
{
	struct doc *d = NULL;
	int r = petition_export_doc(c->h->db, c->v, c->overrides, id, lang, &d, count, e);
	if (!r)
		r = !strcmp(format, "pdf")    ? export_pdf(d, out, e)
		    : !strcmp(format, "docx") ? export_docx(d, out, e)
		                              : export_odt(d, out, e);
	doc_free(d);
	return r;
}

int cmd_petition_export(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON), O(OPT_FORMAT), O(OPT_OUTPUT), O(OPT_LANG)), &a);
	if (r)
		return r;
	long long id = number_arg("export", &a, argv, 0, "a petition number");
	if (id < 0)
		return EXIT_USAGE;
	if ((r = no_more_args("export", &a, argv, 1)))
		return r;
	const char *format = cli_opt(&a, OPT_FORMAT), *out = cli_opt(&a, OPT_OUTPUT);
	if (!format)
		format = "csv";
	int printable = !strcmp(format, "pdf") || !strcmp(format, "docx") || !strcmp(format, "odt");
	if (strcmp(format, "csv") && strcmp(format, "xlsx") && !printable)
		return cli_usage_error("petition", "--format is csv, xlsx, pdf, docx or odt, not \"%s\"", format);
	if (!out || !*out)
		return cli_usage_error("petition", "petition export needs -o FILE: the list holds personal data, it is "
		                                   "never printed");
	struct sig_cli c;
	if ((r = sig_open(&a, 1, &c)))
		return r;
	struct err e = ERR_INIT;
	struct buf csv;
	buf_init(&csv, 0);
	long long count = 0;
	/* xlsx: the sheet runs right to left unless --lang fr or en */
	const char *lang = a.meta.lang ? a.meta.lang : "ar";
	if (!strcmp(format, "xlsx"))
		r = petition_export_xlsx(c.h->db, c.v, c.overrides, id, lang, &csv, &count, &e);
	else if (printable)
		r = export_list(&c, id, lang, format, &csv, &count, &e);
	else
		r = petition_export_csv(c.h->db, c.v, c.overrides, id, &csv, &count, &e);
	if (!r)
		r = cli_write_private(out, csv.data, csv.len, &e);
	vault_buf_wipe(&csv);
	if (r) {
		sig_close(&c);
		return cli_error(&e);
	}
	char target[64], *detail = xasprintf("%lld signatures, %s", count, format);
	snprintf(target, sizeof(target), "petition %lld", id);
	cli_audit(c.h->db, "export personal data", target, detail);
	free(detail);
	if (a.json)
		cli_print_json(json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "format", format, "signatures",
		                         (json_int_t)count, "file", out));
	else
		printf("%lld signatures written to %s (readable by you only; it holds personal data: delete it once "
		       "used).\n",
		       count, out);
	sig_close(&c);
	return EXIT_OK;
}

/* ---- petition purge ---- */

int cmd_petition_purge(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	long long id = number_arg("purge", &a, argv, 0, "a petition number");
	if (id < 0)
		return EXIT_USAGE;
	if ((r = no_more_args("purge", &a, argv, 1)))
		return r;
	struct sig_cli c;
	if ((r = sig_open(&a, 0, &c)))
		return r;
	struct err e = ERR_INIT;
	long long count = 0;
	if ((r = petition_purge(c.h->db, id, &count, &e))) {
		sig_close(&c);
		return cli_error(&e);
	}
	char target[64], *detail = xasprintf("personal data of %lld signatures deleted, counts kept", count);
	snprintf(target, sizeof(target), "petition %lld", id);
	cli_audit(c.h->db, "purge personal data", target, detail);
	free(detail);
	if (a.json)
		cli_print_json(json_pack("{s:I, s:I}", "id", (json_int_t)id, "signatures", (json_int_t)count));
	else
		printf("The personal data of the %lld signatures of petition %lld is deleted; the counts stay.\n",
		       count, id);
	sig_close(&c);
	return EXIT_OK;
}

int cmd_petition_signing(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	long long pid = number_arg("signing", &a, argv, 0, "a petition number");
	if (pid < 0)
		return EXIT_USAGE;
	const char *onoff = a.rest + 1 < a.argc ? argv[a.rest + 1] : "";
	if (strcmp(onoff, "on") && strcmp(onoff, "off"))
		return cli_usage_error("petition", "petition signing ID on|off: open or close the public signing page");
	if ((r = no_more_args("signing", &a, argv, 2)))
		return r;
	struct sig_cli c;
	if ((r = sig_open(&a, 0, &c)))
		return r;
	struct err e = ERR_INIT;
	int open = !strcmp(onoff, "on");
	if ((r = petition_set_signing(c.h->db, pid, open, &e))) {
		sig_close(&c);
		return cli_error(&e);
	}
	char target[48];
	snprintf(target, sizeof(target), "petition %lld", pid);
	cli_audit(c.h->db, open ? "open online signing" : "close online signing", target, "");
	if (a.json)
		cli_print_json(json_pack("{s:I, s:b}", "id", (json_int_t)pid, "signing_open", open));
	else
		printf("Online signing of petition %lld is %s.\n", pid, open ? "open" : "closed");
	sig_close(&c);
	return EXIT_OK;
}
