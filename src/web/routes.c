/*
 * The route table: every page and API call, the method, the least role it needs,
 * and what it takes. The server checks the role here, before reading any body.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "web/pages.h"
#include "web/routes.h"
#include "base/banned.h"

#define KB(n) ((size_t)(n) << 10)

const struct route routes[] = {
	/* signing in, the first administrator, the language */
	{"GET", "/signin", page_signin, ROLE_NONE, ROUTE_OPEN, 0, "the sign-in form"},
	{"POST", "/signin", page_signin_post, ROLE_NONE, ROUTE_OPEN | ROUTE_FORM, KB(8), "signing in"},
	{"POST", "/signout", page_signout, ROLE_VIEWER, ROUTE_FORM, KB(4), "signing out"},
	{"GET", "/setup", page_setup, ROLE_NONE, ROUTE_OPEN, 0, "creating the first administrator"},
	{"POST", "/setup", page_setup_post, ROLE_NONE, ROUTE_OPEN | ROUTE_FORM, KB(8), "creating the first administrator"},
	{"POST", "/language", page_language, ROLE_NONE, ROUTE_OPEN | ROUTE_FORM, KB(4), "choosing the language"},
	{"GET", "/static/*", page_static, ROLE_NONE, ROUTE_OPEN, 0, "stylesheet, script, fonts"},
	{"GET", "/healthz", page_health, ROLE_NONE, ROUTE_OPEN, 0, "is the server up"},
	/* the knowledge hub */
	{"GET", "/", page_home, ROLE_VIEWER, 0, 0, "the home page: what the hub holds"},
	{"GET", "/search", page_search, ROLE_VIEWER, 0, 0, "searching the hub"},
	{"GET", "/documents", page_documents, ROLE_VIEWER, 0, 0, "the list of documents"},
	{"GET", "/ask", page_ask, ROLE_VIEWER, 0, 0, "asking the hub a question (the whole answer)"},
	{"GET", "/ask/stream", page_ask_stream, ROLE_VIEWER, 0, 0, "the answer as the model writes it (server-sent events)"},
	{"GET", "/ai/outputs/{}", page_ai_output, ROLE_VIEWER, 0, 0, "what the model wrote: prompt, model, time, passages"},
	{"POST", "/ai/outputs/{}/approve", page_ai_output_approve, ROLE_MEMBER, ROUTE_FORM, KB(64), "approving what the model wrote (proposed barriers enter the campaign)"},
	{"POST", "/ai/outputs/{}/reject", page_ai_output_reject, ROLE_MEMBER, ROUTE_FORM, KB(4), "rejecting what the model wrote"},
	{"GET", "/campaigns/{}/ai", page_campaign_ai, ROLE_VIEWER, 0, 0, "a campaign's barriers proposed by the model"},
	{"POST", "/campaigns/{}/ai/barriers", page_campaign_ai_barriers, ROLE_MEMBER, ROUTE_FORM, KB(4), "asking the model to propose barriers from the evidence"},
	{"GET", "/documents/{}", page_document, ROLE_VIEWER, 0, 0, "a document: details, references, text"},
	{"POST", "/documents/{}/summarise", page_document_summarise, ROLE_MEMBER, ROUTE_FORM, KB(4), "a document's summary, by the model or its most central sentences"},
	{"GET", "/documents/{}/original", page_document_original, ROLE_VIEWER, 0, 0, "downloading the original file"},
	{"GET", "/documents/{}/edit", page_document_edit, ROLE_MEMBER, 0, 0, "the form to edit a document's details"},
	{"POST", "/documents/{}/edit", page_document_edit_post, ROLE_MEMBER, ROUTE_FORM, KB(64), "saving a document's details"},
	{"GET", "/documents/{}/delete", page_document_delete, ROLE_COORDINATOR, 0, 0, "asking before removing a document"},
	{"POST", "/documents/{}/delete", page_document_delete_post, ROLE_COORDINATOR, ROUTE_FORM, KB(4), "removing a document"},
	{"GET", "/upload", page_upload, ROLE_MEMBER, 0, 0, "the form to add documents"},
	{"POST", "/upload", page_upload_post, ROLE_MEMBER, ROUTE_FORM | ROUTE_UPLOAD, 0, "adding documents (several files)"},
	/* a person's settings */
	{"GET", "/settings", page_settings, ROLE_VIEWER, 0, 0, "language, keys, password"},
	{"POST", "/settings/tokens", page_settings_token_new, ROLE_VIEWER, ROUTE_FORM, KB(4), "creating a key for other programs"},
	{"POST", "/settings/tokens/{}/revoke", page_settings_token_revoke, ROLE_VIEWER, ROUTE_FORM, KB(4), "revoking a key"},
	{"POST", "/settings/password", page_settings_password, ROLE_VIEWER, ROUTE_FORM, KB(8), "changing one's password"},
	/* administration */
	{"GET", "/admin/users", page_admin_users, ROLE_ADMIN, 0, 0, "people and their roles"},
	{"POST", "/admin/users", page_admin_user_add, ROLE_ADMIN, ROUTE_FORM, KB(8), "adding a person"},
	{"POST", "/admin/users/{}/role", page_admin_user_role, ROLE_ADMIN, ROUTE_FORM, KB(4), "changing a person's role"},
	{"POST", "/admin/users/{}/disable", page_admin_user_disable, ROLE_ADMIN, ROUTE_FORM, KB(4), "stopping a person from signing in"},
	{"POST", "/admin/users/{}/enable", page_admin_user_enable, ROLE_ADMIN, ROUTE_FORM, KB(4), "letting a person sign in again"},
	{"GET", "/admin/audit", page_admin_audit, ROLE_ADMIN, 0, 0, "the activity log"},
	{"GET", "/admin/ai", page_admin_ai, ROLE_ADMIN, 0, 0, "the language model's settings"},
	{"POST", "/admin/ai", page_admin_ai_post, ROLE_ADMIN, ROUTE_FORM, KB(8), "saving or testing the language model's settings"},
	/* writing documents */
	{"GET", "/campaigns/{}/drafts/new", page_draft_new, ROLE_MEMBER, 0, 0, "choosing the kind of document to write"},
	{"POST", "/campaigns/{}/drafts/new", page_draft_new_post, ROLE_MEMBER, ROUTE_FORM, KB(4), "starting a document"},
	{"GET", "/drafts/{}", page_draft, ROLE_VIEWER, 0, 0, "a document: answers, stage, versions, downloads"},
	{"GET", "/drafts/{}/step/{}", page_draft_step, ROLE_MEMBER, 0, 0, "one question of the guided form"},
	{"POST", "/drafts/{}/step/{}", page_draft_step_post, ROLE_MEMBER, ROUTE_FORM, KB(300), "saving one answer (a new version)"},
	{"POST", "/drafts/{}/status", page_draft_status_post, ROLE_MEMBER, ROUTE_FORM, KB(4), "moving a document to another stage"},
	{"GET", "/drafts/{}/diff", page_draft_diff, ROLE_VIEWER, 0, 0, "what changed between two versions"},
	{"GET", "/drafts/{}/export/{}", page_draft_export, ROLE_VIEWER, 0, 0, "downloading a document (pdf, docx, odt, html, md)"},
	{"GET", "/drafts/{}/assist", page_draft_assist, ROLE_MEMBER, 0, 0, "writing or translating a section with the model: the choices"},
	{"POST", "/drafts/{}/assist/section", page_draft_assist_section, ROLE_MEMBER, ROUTE_FORM, KB(8), "a section written by the model from chosen evidence"},
	{"POST", "/drafts/{}/assist/translate", page_draft_assist_translate, ROLE_MEMBER, ROUTE_FORM, KB(4), "a section translated by the model (Arabic, French)"},
	{"GET", "/drafts/{}/assist/{}", page_draft_assist_output, ROLE_VIEWER, 0, 0, "the model's text beside the current one"},
	{"POST", "/drafts/{}/assist/{}/use", page_draft_assist_use, ROLE_MEMBER, ROUTE_FORM, KB(300), "using the model's text, as it is or edited (a new version)"},
	{"POST", "/drafts/{}/delete", page_draft_delete_post, ROLE_COORDINATOR, ROUTE_FORM, KB(4), "deleting a document"},
	/* petitions (members) — "/petitions/rules" before "/petitions/{}" */
	{"GET", "/campaigns/{}/petitions/new", page_petition_new, ROLE_MEMBER, 0, 0, "the form to start a petition"},
	{"POST", "/campaigns/{}/petitions/new", page_petition_new_post, ROLE_MEMBER, ROUTE_FORM, KB(8), "starting a petition"},
	{"GET", "/petitions", page_petitions, ROLE_VIEWER, 0, 0, "every petition, with status and counts"},
	{"GET", "/petitions/rules", page_petition_rules, ROLE_VIEWER, 0, 0, "the rule sets: every figure, its source and status"},
	{"POST", "/petitions/rules/override", page_petition_rule_override, ROLE_COORDINATOR, ROUTE_FORM, KB(16), "overriding a figure of a rule set, with a note"},
	{"POST", "/petitions/rules/reset", page_petition_rule_reset, ROLE_COORDINATOR, ROUTE_FORM, KB(4), "ending the override of a figure"},
	{"GET", "/petitions/{}", page_petition, ROLE_VIEWER, 0, 0, "a petition: checklist, progress, legal dates"},
	{"POST", "/petitions/{}/filing", page_petition_filing_post, ROLE_MEMBER, ROUTE_FORM, KB(8), "recording the filing of a petition"},
	{"POST", "/petitions/{}/decision", page_petition_decision_post, ROLE_MEMBER, ROUTE_FORM, KB(16), "recording the authority's decision"},
	{"POST", "/petitions/{}/signing", page_petition_signing_post, ROLE_COORDINATOR, ROUTE_FORM, KB(4), "opening or closing the public signing page"},
	{"GET", "/petitions/{}/signatures.csv", page_petition_signatures_csv, ROLE_COORDINATOR, 0, 0, "downloading the signatures (personal data, logged)"},
	{"GET", "/petitions/{}/dossier.pdf", page_petition_dossier_pdf, ROLE_COORDINATOR, 0, 0, "the dossier for filing as one PDF (personal data, logged)"},
	{"GET", "/petitions/{}/dossier.zip", page_petition_dossier_zip, ROLE_COORDINATOR, 0, 0, "the dossier for filing as numbered parts (personal data, logged)"},
	/* the network report */
	{"GET", "/report", page_report, ROLE_VIEWER, 0, 0, "the network report: petitions, documents, signatures, counted"},
	{"GET", "/report.csv", page_report_csv, ROLE_VIEWER, 0, 0, "the network report's figures as CSV"},
	{"GET", "/report.pdf", page_report_pdf, ROLE_VIEWER, 0, 0, "the network report as a PDF"},
	{"GET", "/petitions/{}/signatures.xlsx", page_petition_signatures_xlsx, ROLE_COORDINATOR, 0, 0, "downloading the signatures as an Excel workbook (personal data, logged)"},
	{"POST", "/petitions/{}/import", page_petition_import_post, ROLE_COORDINATOR, ROUTE_FORM | ROUTE_UPLOAD, 0, "importing signatures from a CSV or XLSX file (logged)"},
	{"GET", "/petitions/{}/sheets.pdf", page_petition_sheets_pdf, ROLE_MEMBER, 0, 0, "printable signature sheets (PDF)"},
	{"GET", "/petitions/{}/entry", page_petition_entry, ROLE_MEMBER, 0, 0, "typing in the signed paper sheets"},
	{"POST", "/petitions/{}/entry", page_petition_entry_post, ROLE_MEMBER, ROUTE_FORM, KB(16), "saving one row of a paper sheet (logged, without its content)"},
	{"GET", "/petitions/{}/signatures.pdf", page_petition_signatures_doc, ROLE_COORDINATOR, 0, 0, "the signature list to print (personal data, logged)"},
	{"GET", "/petitions/{}/signatures.docx", page_petition_signatures_doc, ROLE_COORDINATOR, 0, 0, "the signature list to edit (personal data, logged)"},
	{"GET", "/petitions/{}/signatures.odt", page_petition_signatures_doc, ROLE_COORDINATOR, 0, 0, "the signature list to edit, OpenDocument (personal data, logged)"},
	/* signing a petition (public) */
	{"GET", "/p/{}", page_sign, ROLE_NONE, ROUTE_OPEN, 0, "a petition's signing page, for anyone"},
	{"POST", "/p/{}", page_sign_post, ROLE_NONE, ROUTE_OPEN | ROUTE_FORM, KB(16), "signing a petition (throttled per address)"},
	{"GET", "/p/{}/withdraw", page_sign_withdraw, ROLE_NONE, ROUTE_OPEN, 0, "the form to withdraw one's signature"},
	{"POST", "/p/{}/withdraw", page_sign_withdraw_post, ROLE_NONE, ROUTE_OPEN | ROUTE_FORM, KB(4), "withdrawing one's signature with its code"},
	{"GET", "/petitions/{}/qr.svg", page_petition_qr_svg, ROLE_MEMBER, 0, 0, "the QR code of the signing page (SVG)"},
	{"GET", "/petitions/{}/qr.png", page_petition_qr_png, ROLE_MEMBER, 0, 0, "the QR code of the signing page (PNG)"},
	/* campaigns (after the drafts' routes: "/campaigns/{}/{}" takes any kind of item, see pages_campaign.c) */
	{"GET", "/campaigns", page_campaigns, ROLE_VIEWER, 0, 0, "the campaigns, and the form that starts one"},
	{"POST", "/campaigns", page_campaign_new, ROLE_MEMBER, ROUTE_FORM, KB(64), "starting a campaign"},
	{"POST", "/campaigns/themes", page_campaign_theme_add, ROLE_COORDINATOR, ROUTE_FORM, KB(4), "adding a theme"},
	{"POST", "/campaigns/pin", page_campaign_pin, ROLE_MEMBER, ROUTE_FORM, KB(4), "pinning a search result to a campaign"},
	{"GET", "/campaigns/{}", page_campaign, ROLE_VIEWER, 0, 0, "a campaign's case file"},
	{"GET", "/campaigns/{}/edit", page_campaign_edit, ROLE_MEMBER, 0, 0, "the form to change a campaign"},
	{"POST", "/campaigns/{}/edit", page_campaign_edit_post, ROLE_MEMBER, ROUTE_FORM, KB(64), "changing a campaign"},
	{"GET", "/campaigns/{}/delete", page_campaign_delete, ROLE_COORDINATOR, 0, 0, "asking before deleting a campaign"},
	{"POST", "/campaigns/{}/delete", page_campaign_delete_post, ROLE_COORDINATOR, ROUTE_FORM, KB(4), "deleting a campaign"},
	{"GET", "/campaigns/{}/export", page_campaign_export, ROLE_MEMBER, 0, 0, "downloading the case file (JSON, for another workspace)"},
	{"GET", "/campaigns/{}/grid.svg", page_campaign_grid, ROLE_VIEWER, 0, 0, "the stakeholders' power-interest grid"},
	{"POST", "/campaigns/{}/members", page_campaign_member_add, ROLE_MEMBER, ROUTE_FORM, KB(4), "adding a person to a campaign"},
	{"POST", "/campaigns/{}/{}", page_campaign_item_add, ROLE_MEMBER, ROUTE_FORM, KB(64), "adding evidence, a barrier, a recommendation, a stakeholder or an event"},
	{"GET", "/campaigns/{}/{}/{}/edit", page_campaign_item_edit, ROLE_MEMBER, 0, 0, "the form to change an item of a case file"},
	{"POST", "/campaigns/{}/{}/{}/edit", page_campaign_item_edit_post, ROLE_MEMBER, ROUTE_FORM, KB(64), "changing an item of a case file"},
	{"POST", "/campaigns/{}/{}/{}/delete", page_campaign_item_delete, ROLE_COORDINATOR, ROUTE_FORM, KB(4), "removing an item of a case file"},
	/* the JSON API (docs/api.md) */
	{"GET", "/api/v1/search", api_search, ROLE_VIEWER, 0, 0, "searching, as asurif search --json"},
	{"GET", "/api/v1/documents", api_documents, ROLE_VIEWER, 0, 0, "the documents, as asurif docs --json"},
	{"GET", "/api/v1/documents/{}", api_document, ROLE_VIEWER, 0, 0, "a document with its text and references"},
	{"POST", "/api/v1/documents", api_document_add, ROLE_MEMBER, ROUTE_FORM | ROUTE_UPLOAD, 0, "adding documents (multipart)"},
	{"DELETE", "/api/v1/documents/{}", api_document_delete, ROLE_COORDINATOR, 0, 0, "removing a document"},
	{NULL, NULL, NULL, ROLE_NONE, 0, 0, NULL},
};

/* Whether path matches pattern; {} takes one segment, a final * takes the rest. */
static int match(const char *pattern, const char *path, char *params[4], int *n)
{
	const char *p = pattern, *s = path;
	*n = 0;
	while (*p) {
		if (p[0] == '*' && !p[1])
			return 1;
		if (p[0] == '{' && p[1] == '}') {
			const char *end = strchr(s, '/');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			if (!len || *n >= 4)
				goto no;
			params[(*n)++] = xstrndup(s, len);
			s += len;
			p += 2;
			continue;
		}
		if (*p != *s)
			goto no;
		p++;
		s++;
	}
	if (!*s)
		return 1;
no:
	for (int i = 0; i < *n; i++)
		free(params[i]);
	*n = 0;
	return 0;
}

const struct route *route_find(const char *method, const char *path, char *params[4], int *nparams, int *path_known)
{
	const char *m = strcmp(method, "HEAD") ? method : "GET";
	*path_known = 0;
	*nparams = 0;
	for (const struct route *r = routes; r->method; r++) {
		if (!match(r->pattern, path, params, nparams))
			continue;
		if (!strcmp(r->method, m))
			return r;
		for (int i = 0; i < *nparams; i++)
			free(params[i]);
		*nparams = 0;
		*path_known = 1;
	}
	return NULL;
}
