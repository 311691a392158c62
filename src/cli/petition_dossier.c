/* petition dossier: the dossier for filing, as one PDF or a ZIP of parts (src/petition/dossier.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "cli/cli.h"
#include "cli/petition.h"
#include "hub/hub.h"
#include "petition/dossier.h"
#include "petition/vault.h"
#include "base/banned.h"

static int ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);
	return n > m && !strcmp(s + n - m, end);
}

int cmd_petition_dossier(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("petition", argc, argv, ALLOW(O(OPT_JSON), O(OPT_OUTPUT), O(OPT_LANG)), &a);
	if (r)
		return r;
	if (a.argc - a.rest != 1)
		return cli_usage_error("petition", "petition dossier wants ID -o FILE.pdf|FILE.zip [--lang ar|fr]");
	long long id = cli_parse_int(argv[a.rest]);
	if (id <= 0)
		return cli_usage_error("petition", "petition dossier: \"%s\" is not a petition number", argv[a.rest]);
	const char *out = cli_opt(&a, OPT_OUTPUT), *lang = a.meta.lang;
	if (!out || !*out)
		return cli_usage_error("petition",
		                       "petition dossier needs -o FILE.pdf or -o FILE.zip: it holds the list of "
		                       "signatories, it is never printed");
	enum dossier_format format;
	if (ends_with(out, ".pdf"))
		format = DOSSIER_PDF;
	else if (ends_with(out, ".zip"))
		format = DOSSIER_ZIP;
	else
		return cli_usage_error("petition", "-o %s: the dossier is a .pdf (one document) or a .zip (its parts)",
		                       out);
	if (lang && strcmp(lang, "ar") && strcmp(lang, "fr"))
		return cli_usage_error("petition", "--lang is ar or fr, not \"%s\"", lang);

	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	char *overrides = fs_join(h->dir, "overrides");
	struct i18n *t = NULL;
	struct vault *v = NULL;
	struct buf bytes = BUF_INIT;
	struct dossier_info info;
	memset(&info, 0, sizeof(info));
	int ir = i18n_load(&t, overrides, &e);
	if (!t)
		goto fail;
	if (ir)
		fprintf(stderr, "asurif: %s (the built-in words are used)\n", e.msg);
	err_clear(&e);
	if (vault_open(h->dir, &v, &e) ||
	    petition_dossier(h->db, v, t, overrides, id, lang, format, &bytes, &info, &e) ||
	    cli_write_private(out, bytes.data, bytes.len, &e))
		goto fail;
	vault_buf_wipe(&bytes);

	char target[40];
	snprintf(target, sizeof(target), "petition %lld", id);
	char *detail = xasprintf("dossier %s (%s), %lld signatures", format == DOSSIER_PDF ? "pdf" : "zip", info.lang,
	                         info.signatures);
	cli_audit(h->db, "export personal data", target, detail);
	free(detail);
	if (a.json)
		cli_print_json(json_pack("{s:I, s:s, s:s, s:s, s:I, s:i}", "id", (json_int_t)id, "format",
		                         format == DOSSIER_PDF ? "pdf" : "zip", "lang", info.lang, "file", out,
		                         "signatures", (json_int_t)info.signatures, "files", info.files));
	else
		printf(
		    "The dossier of petition %lld is in %s (%lld signatories; readable by you only: it holds personal "
		    "data, delete it once filed).\n",
		    id, out, info.signatures);
	vault_close(v);
	i18n_free(t);
	free(overrides);
	hub_close(h);
	return EXIT_OK;
fail:
	vault_buf_wipe(&bytes);
	vault_close(v);
	i18n_free(t);
	free(overrides);
	hub_close(h);
	return cli_error(&e);
}
