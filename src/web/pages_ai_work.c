/*
 * Working with the assistant on the web (ai/assist.h does the work, as for `asurif ai`):
 * a document's summary (by the model, kept and shown on its output page; without a model the
 * document's most central sentences, shown at once with a plain note, not kept) and the list
 * of its summaries on the document's page; a draft's section written from chosen evidence
 * and the campaign's recommendations, or translated between Arabic and French, shown beside
 * the current text, then used as it is (a new version, "approved"), edited then used
 * ("edited"), or rejected. When the model is not set up or fails, the page says so in the
 * reader's language (ai_last_failure) and nothing is changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "ai/ai.h"
#include "ai/assist.h"
#include "base/alloc.h"
#include "campaign/campaign.h"
#include "draft/draft.h"
#include "hub/hub.h"
#include "store/db.h"
#include "text/analyse.h"
#include "web/http.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The model's settings; 0 when a chat model is set up. */
static int can_chat(struct req *r, struct ai_config *c)
{
	struct err e = ERR_INIT;
	if (ai_config_load(r->hub->db, r->web->dir, c, &e)) {
		memset(c, 0, sizeof(*c));
		return 0;
	}
	return ai_can_chat(c);
}

/* What went wrong with the model, in the reader's language: ctx.failure. */
static void failure_ctx(struct req *r, json_t *ctx, int rc)
{
	enum ai_failure f = ai_last_failure();
	char key[48];
	snprintf(key, sizeof(key), "ai_fail_%s", ai_failure_name(f));
	const char *why = f == AI_FAIL_NONE ? T(r, rc == ERR_USAGE ? "ai_work_cannot" : "ai_fail_refused") : T(r, key);
	json_object_set_new(ctx, "failure", json_string(why));
}

/* "2026-05-02T10:11:12Z" -> "2026-05-02 10:11" */
static json_t *when(const char *at)
{
	char s[17];
	snprintf(s, sizeof(s), "%s", at ? at : "");
	if (strlen(s) == 16)
		s[10] = ' ';
	return json_string(s);
}

static json_t *status_label(struct req *r, const char *status)
{
	char key[48];
	snprintf(key, sizeof(key), "ai_status_%s", status);
	return json_string(T(r, key));
}

/* ---- a document's summaries ---- */

void page_ai_doc_ctx(struct req *r, json_t *ctx, long long doc_id)
{
	struct ai_config c;
	json_object_set_new(ctx, "ai_no_model", json_boolean(!can_chat(r, &c)));
	sqlite3_stmt *st = db_prepare(r->hub->db, "SELECT id, status, at FROM ai_outputs WHERE doc_id = ?1 "
						  "AND kind = 'summary' ORDER BY id DESC LIMIT 50");
	sqlite3_bind_int64(st, 1, doc_id);
	json_t *list = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *status = db_text(st, 1);
		json_array_append_new(list, json_pack("{s:I, s:o, s:b, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
						      "status_label", status_label(r, status), "generated",
						      !strcmp(status, "generated"), "at", when(db_text(st, 2))));
	}
	sqlite3_finalize(st);
	json_object_set_new(ctx, "ai_summaries", list);
}

int page_document_summarise(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_documents");
	json_object_set_new(ctx, "summary", json_pack("{s:I, s:s, s:s}", "doc_id", (json_int_t)id, "doc_title",
						      d.title ? d.title : "", "doc_lang", d.lang ? d.lang : ""));
	doc_info_release(&d);
	struct ai_config c;
	can_chat(r, &c);
	struct assist_result res;
	const char *lang = !strcmp(r->lang, "ar") || !strcmp(r->lang, "fr") || !strcmp(r->lang, "en") ? r->lang : NULL;
	int rc = assist_summary(r->hub, &c, id, lang, r->user.id, NULL, NULL, &res, &e);
	if (!rc && res.output_id) {
		json_decref(ctx);
		char *to = xasprintf("/ai/outputs/%lld", res.output_id);
		assist_result_release(&res);
		rc = resp_redirect(r, to);
		free(to);
		return rc;
	}
	int status = 200;
	if (rc == ERR_NOTFOUND) {
		json_decref(ctx);
		return resp_error(r, 404, "error_not_found");
	} else if (rc) {
		failure_ctx(r, ctx, rc);
		status = 502;
	} else {
		json_object_set_new(ctx, "extract", json_string(json_string_value(res.value)));
	}
	assist_result_release(&res);
	return render_page(r, status, "ai_work", "ai_work_summary_title", ctx);
}

/* ---- a draft's section ---- */

struct work {
	json_t *draft, *type, *field; /* field: the field's definition (borrowed from type) */
	const char *name, *text;
	long long id, campaign_id;
};

static void work_release(struct work *w)
{
	json_decref(w->draft);
	json_decref(w->type);
}

/* The draft and one of its text fields; -1 with the 404 page made. */
static int work_load(struct req *r, long long id, const char *field, struct work *w, int *rc)
{
	memset(w, 0, sizeof(*w));
	struct err e = ERR_INIT;
	if (id && field && !draft_json(r->hub->db, r->web->overrides, id, 0, &w->draft, &e) &&
	    !draft_type(r->web->overrides, jstr(w->draft, "type"), &w->type, &e)) {
		w->field = draft_type_field(w->type, field);
		const char *kind = jstr(w->field, "kind");
		if (w->field && (!strcmp(kind, "text") || !strcmp(kind, "list"))) {
			w->id = id;
			w->name = jstr(w->field, "name");
			w->text = jstr(json_object_get(w->draft, "values"), w->name);
			w->campaign_id = json_integer_value(json_object_get(json_object_get(w->draft, "campaign"), "id"));
			return 0;
		}
	}
	work_release(w);
	*rc = resp_error(r, 404, "error_not_found");
	return -1;
}

/* The draft's facts and the field's current text. */
static void work_ctx(struct req *r, json_t *ctx, const struct work *w)
{
	const char *lang = jstr(w->draft, "lang");
	enum text_lang from = *w->text ? text_guess_lang(w->text, strlen(w->text)) : LANG_NONE;
	if (from == LANG_NONE)
		from = text_lang_parse(lang);
	json_object_set_new(
	    ctx, "work",
	    json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "draft_id", (json_int_t)w->id, "title",
		      jstr(w->draft, "title"), "campaign_id", (json_int_t)w->campaign_id, "campaign_title",
		      jstr(json_object_get(w->draft, "campaign"), "title"), "field", w->name, "label",
		      draft_text(json_object_get(w->field, "label"), r->lang), "current", w->text, "doc_dir",
		      strcmp(lang, "ar") ? "ltr" : "rtl", "to_fr", from == LANG_AR, "to_ar", from != LANG_AR,
		      "submitted", !strcmp(jstr(w->draft, "status"), "submitted")));
}

/* The form page: evidence to choose, the recommendations, earlier proposals for the field. */
static int assist_page(struct req *r, int status, json_t *ctx, const struct work *w)
{
	work_ctx(r, ctx, w);
	struct ai_config c;
	json_object_set_new(ctx, "no_model", json_boolean(!can_chat(r, &c)));
	json_t *cj = NULL;
	struct err e = ERR_INIT;
	json_t *evidence = json_array(), *recs = json_array();
	if (!campaign_json(r->hub->db, w->campaign_id, &cj, &e)) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(cj, "evidence"), i, v)
		{
			json_t *doc = json_object_get(v, "doc_id");
			json_t *o = json_pack("{s:I, s:i, s:s, s:s, s:s?}", "id", json_integer_value(json_object_get(v, "id")),
					      "n", (int)i + 1, "doc_title", jstr(v, "doc_title"), "text", jstr(v, "text"),
					      "article", json_string_value(json_object_get(v, "article")));
			if (json_is_integer(doc)) {
				char *href = xasprintf("/documents/%lld#p%lld", (long long)json_integer_value(doc),
						       (long long)json_integer_value(json_object_get(v, "passage_id")));
				json_object_set_new(o, "href", json_string(href));
				free(href);
			}
			json_array_append_new(evidence, o);
		}
		json_array_foreach(json_object_get(cj, "recommendations"), i, v)
			json_array_append_new(recs, json_pack("{s:s, s:s?}", "text", jstr(v, "text"), "authority",
							      json_string_value(json_object_get(v, "authority"))));
		json_decref(cj);
	}
	json_object_set_new(ctx, "evidence", evidence);
	json_object_set_new(ctx, "recommendations", recs);
	/* Earlier proposals for this field. */
	sqlite3_stmt *st = db_prepare(r->hub->db, "SELECT id, kind, status, at FROM ai_outputs WHERE draft_id = ?1 "
						  "AND kind IN ('section', 'translation') "
						  "AND json_extract(prompt, '$.field') = ?2 ORDER BY id DESC LIMIT 30");
	sqlite3_bind_int64(st, 1, w->id);
	db_bind_text(st, 2, w->name);
	json_t *earlier = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char key[48];
		snprintf(key, sizeof(key), "ai_kind_%s", db_text(st, 1));
		const char *s = db_text(st, 2);
		json_array_append_new(earlier, json_pack("{s:I, s:s, s:o, s:b, s:o}", "id",
							 (json_int_t)sqlite3_column_int64(st, 0), "kind_label", T(r, key),
							 "status_label", status_label(r, s), "generated",
							 !strcmp(s, "generated"), "at", when(db_text(st, 3))));
	}
	sqlite3_finalize(st);
	json_object_set_new(ctx, "earlier", earlier);
	json_object_set_new(ctx, "assist", json_true());
	return render_page(r, status, "ai_work", "ai_work_title", ctx);
}

int page_draft_assist(struct req *r)
{
	struct work w;
	int rc = 0;
	if (work_load(r, page_id(r), req_query(r, "field"), &w, &rc))
		return rc;
	rc = assist_page(r, 200, page_ctx("nav_campaigns"), &w);
	work_release(&w);
	return rc;
}

/* After a section or a translation: the review page, or the form again saying what failed. */
static int after_run(struct req *r, const struct work *w, int rc, struct assist_result *res)
{
	if (!rc) {
		char *to = xasprintf("/drafts/%lld/assist/%lld", w->id, res->output_id);
		assist_result_release(res);
		rc = resp_redirect(r, to);
		free(to);
		return rc;
	}
	json_t *ctx = page_ctx("nav_campaigns");
	failure_ctx(r, ctx, rc);
	return assist_page(r, rc == ERR_USAGE ? 400 : 502, ctx, w);
}

int page_draft_assist_section(struct req *r)
{
	struct work w;
	int rc = 0;
	if (work_load(r, page_id(r), req_field(r, "field"), &w, &rc))
		return rc;
	long long ev[64];
	size_t nev = 0;
	for (size_t i = 0; i < r->nfields && nev < 64; i++)
		if (!strcmp(r->fields[i].name, "evidence") && req_int(r->fields[i].value, 0) > 0)
			ev[nev++] = req_int(r->fields[i].value, 0);
	struct ai_config c;
	can_chat(r, &c);
	struct assist_result res;
	struct err e = ERR_INIT;
	rc = assist_section(r->hub, &c, w.id, w.name, ev, nev, r->user.id, NULL, NULL, &res, &e);
	rc = after_run(r, &w, rc, &res);
	work_release(&w);
	return rc;
}

int page_draft_assist_translate(struct req *r)
{
	struct work w;
	int rc = 0;
	if (work_load(r, page_id(r), req_field(r, "field"), &w, &rc))
		return rc;
	struct ai_config c;
	can_chat(r, &c);
	struct assist_result res;
	struct err e = ERR_INIT;
	const char *to = req_field(r, "to");
	if (!*w.text) {
		json_t *ctx = page_ctx("nav_campaigns");
		json_object_set_new(ctx, "failure", json_string(T(r, "ai_work_translate_empty")));
		rc = assist_page(r, 400, ctx, &w);
	} else {
		rc = assist_translate(r->hub, &c, w.id, w.name, to, r->user.id, NULL, NULL, &res, &e);
		rc = after_run(r, &w, rc, &res);
	}
	work_release(&w);
	return rc;
}

/* The output of a draft's section, when it belongs to this draft; NULL with the 404 page made. */
static json_t *draft_output(struct req *r, struct work *w, int *rc)
{
	long long id = page_id(r), oid = req_int(req_param(r, 1), 0);
	json_t *o = NULL;
	struct err e = ERR_INIT;
	if (!oid || assist_output_json(r->hub->db, oid, &o, &e) ||
	    json_integer_value(json_object_get(o, "draft_id")) != id) {
		json_decref(o);
		*rc = resp_error(r, 404, "error_not_found");
		return NULL;
	}
	if (work_load(r, id, jstr(o, "field"), w, rc)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int page_draft_assist_output(struct req *r)
{
	struct work w;
	int rc = 0;
	json_t *o = draft_output(r, &w, &rc);
	if (!o)
		return rc;
	json_t *ctx = page_ctx("nav_campaigns");
	work_ctx(r, ctx, &w);
	const char *status = jstr(o, "status");
	char key[48];
	snprintf(key, sizeof(key), "ai_kind_%s", jstr(o, "kind"));
	const char *lang = jstr(o, "lang");
	json_object_set_new(ctx, "review",
			    json_pack("{s:I, s:s, s:s, s:o, s:b, s:s, s:s, s:o, s:s}", "id", json_integer_value(json_object_get(o, "id")),
				      "kind_label", T(r, key), "text", jstr(o, "output"), "status_label",
				      status_label(r, status), "generated", !strcmp(status, "generated"), "model",
				      jstr(o, "model"), "dir", strcmp(lang, "ar") ? "ltr" : "rtl", "at", when(jstr(o, "at")),
				      "lang", *lang ? lang : "fr"));
	json_decref(o);
	work_release(&w);
	return render_page(r, 200, "ai_work", "ai_work_title", ctx);
}

int page_draft_assist_use(struct req *r)
{
	struct work w;
	int rc = 0;
	json_t *o = draft_output(r, &w, &rc);
	if (!o)
		return rc;
	long long oid = json_integer_value(json_object_get(o, "id"));
	/* The browser sends a textarea's lines ended by CR LF: as LF, so an unchanged text stays unchanged. */
	char *text = xstrdup(req_field(r, "text") ? req_field(r, "text") : "");
	char *q = text;
	for (const char *p = text; *p; p++)
		if (*p != '\r')
			*q++ = *p;
	*q = '\0';
	const char *proposed = jstr(o, "output");
	const char *edited = *text && strcmp(text, proposed) ? text : NULL;
	struct err e = ERR_INIT;
	if (strcmp(jstr(o, "status"), "generated")) {
		rc = err_set(&e, ERR_USAGE, "output %lld was already reviewed", oid);
	} else {
		/* a section or a translation: the field's new text as a new version, the output approved */
		rc = assist_output_approve(r->hub, oid, NULL, 0, 0, edited, r->user.login, NULL, &e);
	}
	json_decref(o);
	char *to;
	if (rc) {
		r->flash = xstrdup("ai_work_use_failed");
		to = xasprintf("/drafts/%lld/assist/%lld", w.id, oid);
	} else {
		char target[32];
		snprintf(target, sizeof(target), "output %lld", oid);
		account_audit(r->hub->db, &r->user, r->ip, "ai-approve", target, edited ? "edited" : "");
		r->flash = xstrdup("ai_work_used");
		to = xasprintf("/drafts/%lld", w.id);
	}
	free(text);
	work_release(&w);
	rc = resp_redirect(r, to);
	free(to);
	return rc;
}
