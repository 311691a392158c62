/* The handlers of the route table (src/web/routes.c), one file per group of pages. */
#ifndef WEB_PAGES_H
#define WEB_PAGES_H
#include <jansson.h>

struct req;
struct buf;

/* pages_auth.c: signing in and out, the first administrator, the language, static files */
int page_signin(struct req *r);
int page_signin_post(struct req *r);
int page_signout(struct req *r);
int page_setup(struct req *r);
int page_setup_post(struct req *r);
int page_language(struct req *r);
int page_static(struct req *r);
int page_health(struct req *r);

/* pages_hub.c: the knowledge hub — home, search, documents, adding documents */
int page_home(struct req *r);
int page_search(struct req *r);
int page_documents(struct req *r);
int page_document(struct req *r);
int page_document_original(struct req *r);
int page_document_edit(struct req *r);
int page_document_edit_post(struct req *r);
int page_document_delete(struct req *r);
int page_document_delete_post(struct req *r);
int page_upload(struct req *r);
int page_upload_post(struct req *r);

/* pages_admin.c: a person's settings and keys; people, roles and the activity log */
int page_settings(struct req *r);
int page_settings_token_new(struct req *r);
int page_settings_token_revoke(struct req *r);
int page_settings_password(struct req *r);
int page_admin_users(struct req *r);
int page_admin_user_add(struct req *r);
int page_admin_user_role(struct req *r);
int page_admin_user_disable(struct req *r);
int page_admin_user_enable(struct req *r);
int page_admin_audit(struct req *r);
/* pages_ai_settings.c: the language model's settings and the test of the connection */
int page_admin_ai(struct req *r);
int page_admin_ai_post(struct req *r);

/* pages_api.c: the JSON API under /api/v1/ (docs/api.md) */
int api_search(struct req *r);
int api_documents(struct req *r);
int api_document(struct req *r);
int api_document_add(struct req *r);
int api_document_delete(struct req *r);

/* pages_draft.c: writing a document — its kind, the guided form, the answers, versions, downloads */
int page_draft_new(struct req *r);
int page_draft_new_post(struct req *r);
int page_draft(struct req *r);
int page_draft_step(struct req *r);
int page_draft_step_post(struct req *r);
int page_draft_status_post(struct req *r);
int page_draft_diff(struct req *r);
int page_draft_export(struct req *r);
int page_draft_delete_post(struct req *r);

int page_petition_signing_post(struct req *r);
/* The public signing page's absolute address for a petition's key, from the request's Host
 * header when it is a plain host name, else http://127.0.0.1:8080 (pages_sign.c). Caller frees. */
char *page_sign_url(struct req *r, const char *key);

/* ---- shared by the page files (defined in pages_hub.c) ---- */

/* A new page context with the navigation item nav ("nav_search"...) marked current; nav may be NULL. */
json_t *page_ctx(const char *nav);
/* The route's first {} as a positive id, 0 when it is not one. */
long long page_id(struct req *r);
/* Adds to ctx's error summary ("errors": [{field, message}]) and sets "<field>_error" for the field. */
void page_add_error(json_t *ctx, const char *field, const char *message);
/* The text of key with {name} replaced by value. Caller frees. */
char *page_format(struct req *r, const char *key, const char *name, const char *value);
/* The plural text of key for n, with {count} filled. Caller frees. */
char *page_count(struct req *r, const char *key, long long n);
/* Appends name=value to a query string, percent-encoded, with '&' before it unless b is empty. */
void page_url_arg(struct buf *b, const char *name, const char *value);
/* ctx.pager {text, prev, next} for page of pages, links made of base (a path and query, possibly
 * "?" or ending with "&") followed by page=N; nothing when there is only one page. */
void page_pager(struct req *r, json_t *ctx, const char *base, long long page, long long pages);
/* A snippet as HTML for {{{…}}}: every piece escaped by html_text(), HL_OPEN…HL_CLOSE as <mark>. Caller frees. */
char *page_snippet_html(const char *snippet);
/*
 * Takes the files of an upload request into the hub (their recorded names are the uploaded
 * names), audits each one ("upload"), and returns the report as the command line's
 * `add --json` gives it: {"added","duplicates","failed","documents":[{"source","status",
 * "doc_id","title","passages","error"}]}. Form fields kind, lang, issuer, date, url apply to
 * every file. NULL with *error_key set (an i18n key) when there is no file or a field is wrong.
 */
json_t *page_take_uploads(struct req *r, const char **error_key, const char **error_field);

/* pages_campaign.c: campaigns — the list, a campaign's case file and its forms, pinning from search */
int page_campaigns(struct req *r);
int page_campaign_new(struct req *r);
int page_campaign_theme_add(struct req *r);
int page_campaign(struct req *r);
int page_campaign_edit(struct req *r);
int page_campaign_edit_post(struct req *r);
int page_campaign_delete(struct req *r);
int page_campaign_delete_post(struct req *r);
int page_campaign_export(struct req *r);
int page_campaign_grid(struct req *r);
int page_campaign_member_add(struct req *r);
/* POST /campaigns/{}/{kind}: kind is evidence, barriers, recommendations, stakeholders or events */
int page_campaign_item_add(struct req *r);
int page_campaign_item_edit(struct req *r);
int page_campaign_item_edit_post(struct req *r);
int page_campaign_item_delete(struct req *r);
/* POST /campaigns/pin: a passage of the search results to a campaign's evidence board */
int page_campaign_pin(struct req *r);
/* For the search page: ctx.pin_campaigns, the campaigns a member can pin a passage to (none for viewers). */
void page_campaign_pin_choices(struct req *r, json_t *ctx);
/* pages_petition.c: petitions for members — starting one, its checklist, progress, dates, filing and
 * decision, the list, the rule sets and their overrides, the coordinators' signature download */
int page_petition_new(struct req *r);
int page_petition_new_post(struct req *r);
int page_petition(struct req *r);
int page_petition_filing_post(struct req *r);
int page_petition_decision_post(struct req *r);
int page_petition_signatures_csv(struct req *r);
/* What the downloads of the signature list share (CSV, PDF, DOCX, XLSX): make writes the list
   (ext names it) with the workspace's key; a missing petition is a 404, a purged list a 410; the
   download is logged, sent with type and wiped from memory. */
struct vault;
struct err;
typedef int (*page_signatures_fn)(struct req *r, struct vault *v, long long id, struct buf *out, long long *count,
                                  struct err *e);
int page_petition_signatures_send(struct req *r, const char *ext, const char *type, page_signatures_fn make);
/* pages_petition_import.c: a coordinator's import of a CSV or XLSX file, and the XLSX download */
int page_petition_import_post(struct req *r);
int page_petition_signatures_xlsx(struct req *r);
int page_petition_signatures_doc(struct req *r);
int page_petitions(struct req *r);
int page_petition_rules(struct req *r);
int page_petition_rule_override(struct req *r);
int page_petition_rule_reset(struct req *r);
/* For the campaign's page: ctx.petitions, the campaign's petitions with their status. */
void page_petition_campaign_ctx(struct req *r, json_t *ctx, long long campaign_id);
/* For the home page: ctx.petition_dates, the legal dates awaiting a decision, soonest first. */
void page_petition_dates_ctx(struct req *r, json_t *ctx);
/* pages_dossier.c: the dossier for filing a petition (coordinators; logged) */
int page_petition_dossier_pdf(struct req *r);
int page_petition_dossier_zip(struct req *r);
/* pages_report.c: the network report, its CSV and PDF */
int page_report(struct req *r);
int page_report_csv(struct req *r);
int page_report_pdf(struct req *r);
/* pages_sign.c: signing a petition online without an account (/p/KEY), withdrawing with the
 * code given then, and the QR code of the signing page for members */
int page_sign(struct req *r);
int page_sign_post(struct req *r);
int page_sign_withdraw(struct req *r);
int page_sign_withdraw_post(struct req *r);
int page_petition_qr_svg(struct req *r);
int page_petition_qr_png(struct req *r);
/* pages_petition_entry.c: paper signatures — the printable sheets (PDF) and typing the signed
 * sheets in, row by row, without showing anyone's personal data */
int page_petition_sheets_pdf(struct req *r);
int page_petition_entry(struct req *r);
int page_petition_entry_post(struct req *r);
/* pages_ask.c: asking the hub (the answer streamed in), what the model wrote and its review */
int page_ask(struct req *r);
int page_ask_stream(struct req *r);
int page_ai_output(struct req *r);
int page_ai_output_approve(struct req *r);
int page_ai_output_reject(struct req *r);
int page_campaign_ai(struct req *r);
int page_campaign_ai_barriers(struct req *r);
/* pages_ai_work.c: a document's summary; a draft's section drafted or translated by the model,
 * shown beside the current text, then used, edited then used, or rejected */
int page_document_summarise(struct req *r);
int page_draft_assist(struct req *r);
int page_draft_assist_section(struct req *r);
int page_draft_assist_translate(struct req *r);
int page_draft_assist_output(struct req *r);
int page_draft_assist_use(struct req *r);
/* For the document's page: ctx.ai_summaries (id, status_label, generated, at) and ctx.ai_no_model. */
void page_ai_doc_ctx(struct req *r, json_t *ctx, long long doc_id);
#endif
