/*
 * The dossier for filing a petition, for coordinators: /petitions/ID/dossier.pdf (one
 * document) and /petitions/ID/dossier.zip (numbered parts and their manifest). Both hold
 * the list of signatories, so each download is written to the activity log; a dossier
 * that cannot be made (personal data deleted, parts missing) gets a page saying what is
 * missing, and nothing is logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "base/alloc.h"
#include "hub/hub.h"
#include "petition/dossier.h"
#include "petition/vault.h"
#include "web/http.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

static int dossier(struct req *r, enum dossier_format format)
{
	long long id = page_id(r);
	if (!id)
		return resp_error(r, 404, "error_not_found");
	const char *lang = req_query(r, "lang");
	if (!lang || (strcmp(lang, "ar") && strcmp(lang, "fr")))
		lang = !strcmp(r->lang, "fr") ? "fr" : "ar";
	struct vault *v = NULL;
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	struct dossier_info info;
	if (vault_open(r->web->dir, &v, &e) ||
	    petition_dossier(r->hub->db, v, r->web->i18n, r->web->overrides, id, lang, format, &out, &info, &e)) {
		vault_close(v);
		vault_buf_wipe(&out);
		if (e.code == ERR_NOTFOUND)
			return resp_error(r, 404, "error_not_found");
		if (e.code != ERR_USAGE) {
			fprintf(stderr, "asurif: the dossier of petition %lld: %s\n", id, e.msg);
			return -1;
		}
		/* what is missing, in the words of the check (as on the petition's checklist) */
		json_t *ctx = json_pack("{s:s, s:s, s:i}", "message", e.msg, "title", T(r, "petition_dossier_refused"),
		                        "status", 409);
		return render_page(r, 409, "error", "petition_dossier_refused", ctx);
	}
	vault_close(v);
	char target[40], detail[96];
	snprintf(target, sizeof(target), "petition %lld", id);
	snprintf(detail, sizeof(detail), "dossier %s (%s), %lld signatures, web", format == DOSSIER_PDF ? "pdf" : "zip",
	         info.lang, info.signatures);
	account_audit(r->hub->db, &r->user, r->ip, "export personal data", target, detail);
	char cd[96];
	snprintf(cd, sizeof(cd), "attachment; filename=\"petition-%lld-dossier.%s\"", id,
	         format == DOSSIER_PDF ? "pdf" : "zip");
	resp_header(r, "Content-Disposition", cd);
	resp_header(r, "Cache-Control", "no-store");
	int rc = resp_text(r, 200, format == DOSSIER_PDF ? "application/pdf" : "application/zip",
	                   out.data ? out.data : "", out.len);
	vault_buf_wipe(&out);
	return rc;
}

int page_petition_dossier_pdf(struct req *r)
{
	return dossier(r, DOSSIER_PDF);
}

int page_petition_dossier_zip(struct req *r)
{
	return dossier(r, DOSSIER_ZIP);
}
