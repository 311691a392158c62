/*
 * petition sheets: the printable signature sheets of a petition as one PDF (the core is
 * src/petition/sheets.h). The sheets hold no personal data: the file is written like any
 * other document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fs.h"
#include "cli/cli.h"
#include "cli/petition.h"
#include "hub/hub.h"
#include "petition/sheets.h"
#include "base/banned.h"

static const char sheets_help[] =
    "usage: asurif petition sheets ID [--first N] [--count N] [--rows N] [--lang ar|fr|en] -o FILE\n"
    "\n"
    "Printable signature sheets for petition ID, as one PDF: one A4 landscape page per sheet with\n"
    "the petition, the council and territory, the legal basis, the sheet's number, a box for the\n"
    "name of the person collecting, the rule set's columns, numbered rows and the consent text.\n"
    "Signatures written on sheet N, row M are typed in later as --channel paper --sheet N --row M\n"
    "(or on the web page /petitions/ID/entry).\n"
    "\n"
    "  --first N        number of the first sheet (default 1): continue where the last batch ended\n"
    "  --count N        how many sheets, 1 to 500 (default 10)\n"
    "  --rows N         rows on a sheet, 5 to 40 (default 15; above about 20 rows they get short\n"
    "                   for handwriting)\n"
    "  --lang ar|fr|en  the language of the sheets (default ar; Arabic sheets read right to left)\n"
    "  -o FILE          the PDF to write (- for standard output)\n"
    "  --json           print {id, file, first, last, rows, pages} when done\n";

/* An optional whole-number option: def when not given; -1 (after printing) when not a number. */
static long long int_opt(const struct args *a, int opt, const char *name, long long def)
{
	const char *s = cli_opt(a, opt);
	if (!s)
		return def;
	long long v = cli_parse_int(s);
	if (v < 0 || v > 1000000) {
		cli_usage_error("petition", "--%s wants a whole number, not \"%s\"", name, s);
		return -1;
	}
	return v;
}

int cmd_petition_sheets(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(sheets_help, stdout);
			return EXIT_OK;
		}
	struct args a;
	int r = cli_parse("petition", argc, argv,
	                  ALLOW(O(OPT_JSON), O(OPT_FIRST), O(OPT_COUNT), O(OPT_ROWS), O(OPT_LANG), O(OPT_OUTPUT)), &a);
	if (r)
		return r;
	if (a.rest >= a.argc)
		return cli_usage_error("petition", "petition sheets needs a petition number");
	long long id = cli_parse_int(argv[a.rest]);
	if (id <= 0)
		return cli_usage_error("petition", "a petition number must be a number, not \"%s\"", argv[a.rest]);
	if (a.rest + 1 < a.argc)
		return cli_usage_error("petition", "petition sheets: unexpected \"%s\"", argv[a.rest + 1]);
	long long first = int_opt(&a, OPT_FIRST, "first", 1),
	          count = int_opt(&a, OPT_COUNT, "count", PETITION_SHEETS_DEFAULT),
	          rows = int_opt(&a, OPT_ROWS, "rows", PETITION_ROWS_DEFAULT);
	if (first < 0 || count < 0 || rows < 0)
		return EXIT_USAGE;
	const char *lang = a.meta.lang ? a.meta.lang : "ar", *out = cli_opt(&a, OPT_OUTPUT);
	if (!out || !*out)
		return cli_usage_error("petition",
		                       "petition sheets needs -o FILE (the PDF to write, - for standard output)");

	if (!strcmp(out, "-") && a.json)
		return cli_usage_error("petition", "--json cannot go with -o - (the PDF goes to standard output)");
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	char *overrides = fs_join(h->dir, "overrides");
	struct err e = ERR_INIT;
	struct buf pdf = BUF_INIT;
	r = petition_sheets_pdf(h->db, overrides, id, lang, (int)first, (int)count, (int)rows, &pdf, &e);
	if (!r) {
		if (!strcmp(out, "-")) {
			if (fwrite(pdf.data, 1, pdf.len, stdout) != pdf.len || fflush(stdout))
				r = err_set(&e, ERR_IO, "standard output: cannot write the PDF");
		} else {
			r = fs_write_atomic(out, pdf.data, pdf.len, &e);
		}
	}
	buf_release(&pdf);
	free(overrides);
	hub_close(h);
	if (r == ERR_USAGE) {
		fprintf(stderr, "asurif: petition sheets: %s\n", e.msg);
		return EXIT_USAGE;
	}
	if (r)
		return cli_error(&e);
	double mm = petition_sheets_row_mm((int)rows);
	if (mm < 6.0)
		fprintf(stderr, "asurif: note: with %lld rows a row is %.1f mm tall, short for handwriting\n", rows,
		        mm);
	if (a.json)
		cli_print_json(json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}", "id", (json_int_t)id, "file", out, "first",
		                         (json_int_t)first, "last", (json_int_t)(first + count - 1), "rows",
		                         (json_int_t)rows, "pages", (json_int_t)count));
	else if (strcmp(out, "-"))
		printf("Sheets %lld to %lld of petition %lld (%lld rows each) written to %s.\n", first,
		       first + count - 1, id, rows, out);
	return EXIT_OK;
}
