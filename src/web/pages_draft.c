/*
 * Drafting pages: choosing a document type, the guided form (one question per page, saved
 * at each step), the "check your answers" page with status, versions and downloads, and
 * the difference between two versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "draft/draft.h"
#include "hub/hub.h"
#include "web/http.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static struct draft_author author_of(struct req *r)
{
	struct draft_author a = {r->user.id, *r->user.name ? r->user.name : r->user.login};
	return a;
}

/* Records the action in the activity log, leaves a message for the next page (an i18n key,
 * or NULL) and goes to `where` (freed). */
static int audit_and_go(struct req *r, const char *action, long long id, const char *detail, const char *flash,
			char *where)
{
	char target[32];
	snprintf(target, sizeof(target), "draft %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, action, target, detail);
	if (flash)
		r->flash = xstrdup(flash);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}

/* The draft with its type, or a 404 page. Returns 0, or the response already made. */
static int load(struct req *r, long long id, int version, json_t **draft, json_t **type, int *rc)
{
	struct err e = ERR_INIT;
	*draft = *type = NULL;
	if (!id || draft_json(r->hub->db, r->web->overrides, id, version, draft, &e) ||
	    draft_type(r->web->overrides, jstr(*draft, "type"), type, &e)) {
		json_decref(*draft);
		*draft = NULL;
		*rc = resp_error(r, 404, "error_not_found");
		return -1;
	}
	return 0;
}

static json_t *status_options(struct req *r, const char *current)
{
	json_t *a = json_array();
	for (size_t i = 0; draft_statuses[i]; i++) {
		char key[40];
		snprintf(key, sizeof(key), "draft_status_%s", draft_statuses[i]);
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", draft_statuses[i], "label", T(r, key),
						   "selected", !strcmp(current, draft_statuses[i])));
	}
	return a;
}

/* The fields as questions: number, label, help, value, kind, and whether still required. */
static json_t *questions(struct req *r, json_t *draft, json_t *type)
{
	json_t *values = json_object_get(draft, "values");
	json_t *q = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(type, "fields"), i, f) {
		const char *name = jstr(f, "name");
		const char *v = jstr(values, name);
		int required = json_is_true(json_object_get(f, "required"));
		json_array_append_new(q, json_pack("{s:i, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b}", "step", (int)i + 1,
						   "name", name, "label", draft_text(json_object_get(f, "label"), r->lang),
						   "help", draft_text(json_object_get(f, "help"), r->lang), "value", v,
						   "required", required, "missing", required && !*v, "long",
						   !strcmp(jstr(f, "kind"), "text") || !strcmp(jstr(f, "kind"), "list"),
						   "date", !strcmp(jstr(f, "kind"), "date"), "number",
						   !strcmp(jstr(f, "kind"), "number")));
	}
	return q;
}

static void draft_facts(struct req *r, json_t *ctx, json_t *draft, json_t *type)
{
	char key[40];
	snprintf(key, sizeof(key), "draft_status_%s", jstr(draft, "status"));
	json_object_set(ctx, "draft", draft);
	json_object_set_new(ctx, "title", json_string(jstr(draft, "title")));
	json_object_set_new(ctx, "type_title", json_string(draft_text(json_object_get(type, "title"), r->lang)));
	json_object_set_new(ctx, "status_label", json_string(T(r, key)));
	json_t *basis = json_object_get(type, "legal_basis");
	if (json_is_object(basis)) {
		char skey[48];
		snprintf(skey, sizeof(skey), "draft_basis_%s", jstr(basis, "status"));
		json_object_set_new(ctx, "legal_basis",
				    json_pack("{s:s, s:s, s:s}", "text", draft_text(basis, r->lang), "source",
					      jstr(basis, "source"), "status", T(r, skey)));
	}
	/* "2026-11-22T18:03:40Z" -> "2026-11-22 18:03" */
	char when[17];
	snprintf(when, sizeof(when), "%s", jstr(draft, "updated_at"));
	if (strlen(when) == 16)
		when[10] = ' ';
	json_object_set_new(ctx, "updated", json_string(when));
	json_object_set_new(ctx, "doc_dir", json_string(strcmp(jstr(draft, "lang"), "ar") ? "ltr" : "rtl"));
	json_object_set_new(ctx, "submitted", json_boolean(!strcmp(jstr(draft, "status"), "submitted")));
}

/* ---- choosing a type ---- */

static int new_page(struct req *r, int status, json_t *ctx, long long campaign, const char *type, const char *lang)
{
	json_t *types = NULL;
	struct err e = ERR_INIT;
	if (draft_types(r->web->overrides, &types, &e)) {
		json_decref(ctx);
		fprintf(stderr, "asurif: document types: %s\n", e.msg);
		return -1;
	}
	json_t *opts = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(types, i, t)
		json_array_append_new(opts, json_pack("{s:s, s:s, s:s, s:b}", "value", jstr(t, "name"), "label",
						      draft_text(json_object_get(t, "title"), r->lang), "summary",
						      draft_text(json_object_get(t, "summary"), r->lang), "selected",
						      type && !strcmp(type, jstr(t, "name"))));
	json_decref(types);
	json_object_set_new(ctx, "types", opts);
	json_object_set_new(ctx, "campaign_id", json_integer(campaign));
	json_object_set_new(ctx, "lang_ar", json_boolean(!lang || strcmp(lang, "fr")));
	json_object_set_new(ctx, "lang_fr", json_boolean(lang && !strcmp(lang, "fr")));
	return render_page(r, status, "draft_new", "draft_new_title", ctx);
}

int page_draft_new(struct req *r)
{
	long long campaign = page_id(r);
	if (!campaign)
		return resp_error(r, 404, "error_not_found");
	return new_page(r, 200, page_ctx("nav_campaigns"), campaign, NULL, NULL);
}

int page_draft_new_post(struct req *r)
{
	long long campaign = page_id(r);
	const char *type = req_field(r, "type"), *lang = req_field(r, "lang");
	json_t *ctx = page_ctx("nav_campaigns");
	if (!campaign)
		return resp_error(r, 404, "error_not_found");
	json_t *def = NULL;
	if (!type || draft_type(r->web->overrides, type, &def, NULL))
		page_add_error(ctx, "type", T(r, "draft_error_type"));
	json_decref(def);
	if (!lang || (strcmp(lang, "ar") && strcmp(lang, "fr")))
		page_add_error(ctx, "lang", T(r, "draft_error_lang"));
	if (json_object_get(ctx, "errors"))
		return new_page(r, 400, ctx, campaign, type, lang);
	struct err e = ERR_INIT;
	long long id = 0;
	struct draft_author who = author_of(r);
	if (draft_new(r->hub->db, r->web->overrides, campaign, type, lang, NULL, &who, &id, &e)) {
		if (e.code == ERR_NOTFOUND) {
			json_decref(ctx);
			return resp_error(r, 404, "error_not_found");
		}
		json_decref(ctx);
		fprintf(stderr, "asurif: new draft: %s\n", e.msg);
		return -1;
	}
	json_decref(ctx);
	return audit_and_go(r, "draft", id, type, NULL, xasprintf("/drafts/%lld/step/1", id));
}

/* ---- the summary ("check your answers") ---- */

static int summary_page(struct req *r, int status, json_t *ctx, json_t *draft, json_t *type)
{
	draft_facts(r, ctx, draft, type);
	json_object_set_new(ctx, "questions", questions(r, draft, type));
	json_object_set_new(ctx, "statuses", status_options(r, jstr(draft, "status")));
	json_t *formats = json_array();
	static const char *const labels[] = {"draft_format_pdf", "draft_format_docx", "draft_format_odt",
					     "draft_format_html", "draft_format_md"};
	static const char *const fmts[] = {"pdf", "docx", "odt", "html", "md"};
	for (size_t i = 0; i < 5; i++)
		json_array_append_new(formats, json_pack("{s:s, s:s}", "format", fmts[i], "label", T(r, labels[i])));
	json_object_set_new(ctx, "formats", formats);
	/* Versions, newest first, each with the link to what it changed. */
	json_t *versions = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(draft, "versions"), i, v) {
		json_t *o = json_deep_copy(v);
		char key[40];
		snprintf(key, sizeof(key), "draft_status_%s", jstr(v, "status"));
		json_object_set_new(o, "status_label", json_string(T(r, key)));
		json_object_set_new(o, "day", json_stringn(jstr(v, "at"), strnlen(jstr(v, "at"), 16)));
		if (i > 0)
			json_object_set_new(o, "prev", json_integer((json_int_t)i));
		json_array_insert_new(versions, 0, o);
	}
	json_object_set_new(ctx, "versions", versions);
	json_object_set_new(ctx, "complete", json_boolean(!json_array_size(json_object_get(draft, "missing"))));
	int rc = render_page(r, status, "draft", NULL, ctx);
	return rc;
}

int page_draft(struct req *r)
{
	json_t *draft, *type;
	int rc = 0;
	if (load(r, page_id(r), 0, &draft, &type, &rc))
		return rc;
	rc = summary_page(r, 200, page_ctx("nav_campaigns"), draft, type);
	json_decref(draft);
	json_decref(type);
	return rc;
}

/* ---- one question per page ---- */

static int step_page(struct req *r, int status, json_t *ctx, json_t *draft, json_t *type, long long step,
		     const char *value)
{
	json_t *q = questions(r, draft, type);
	size_t n = json_array_size(q);
	json_t *one = json_deep_copy(json_array_get(q, (size_t)step - 1));
	if (value)
		json_object_set_new(one, "value", json_string(value));
	draft_facts(r, ctx, draft, type);
	json_object_set_new(ctx, "q", one);
	json_object_set_new(ctx, "step", json_integer(step));
	json_object_set_new(ctx, "steps", json_integer((json_int_t)n));
	json_object_set_new(ctx, "percent", json_integer((json_int_t)(step * 100 / (long long)n)));
	if (step > 1)
		json_object_set_new(ctx, "prev_step", json_integer(step - 1));
	json_decref(q);
	return render_page(r, status, "draft_step", NULL, ctx);
}

static long long step_of(struct req *r, json_t *type)
{
	long long step = req_int(req_param(r, 1), 0);
	if (step < 1 || step > (long long)json_array_size(json_object_get(type, "fields")))
		return 0;
	return step;
}

int page_draft_step(struct req *r)
{
	json_t *draft, *type;
	int rc = 0;
	if (load(r, page_id(r), 0, &draft, &type, &rc))
		return rc;
	long long step = step_of(r, type);
	if (!step)
		rc = resp_error(r, 404, "error_not_found");
	else
		rc = step_page(r, 200, page_ctx("nav_campaigns"), draft, type, step, NULL);
	json_decref(draft);
	json_decref(type);
	return rc;
}

int page_draft_step_post(struct req *r)
{
	long long id = page_id(r);
	json_t *draft, *type;
	int rc = 0;
	if (load(r, id, 0, &draft, &type, &rc))
		return rc;
	long long step = step_of(r, type);
	if (!step) {
		rc = resp_error(r, 404, "error_not_found");
		goto done;
	}
	json_t *f = json_array_get(json_object_get(type, "fields"), (size_t)step - 1);
	const char *name = jstr(f, "name");
	struct buf v = BUF_INIT;
	buf_appends(&v, req_field(r, "value") ? req_field(r, "value") : "");
	buf_trim(&v);
	buf_append(&v, "", 0);
	json_t *ctx = page_ctx("nav_campaigns");
	if (!v.len && json_is_true(json_object_get(f, "required")) && !req_field(r, "later"))
		page_add_error(ctx, "value", T(r, "draft_error_required"));
	if (!json_object_get(ctx, "errors")) {
		struct err e = ERR_INIT;
		struct draft_author who = author_of(r);
		json_t *values = json_pack("{s:s}", name, buf_str(&v));
		int version = 0;
		int er = draft_save(r->hub->db, r->web->overrides, id, values, &who, &version, &e);
		json_decref(values);
		if (er && (e.code == ERR_USAGE || e.code == ERR_TOO_BIG || e.code == ERR_ENCODING))
			page_add_error(ctx, "value", e.msg);
		else if (er) {
			json_decref(ctx);
			buf_release(&v);
			fprintf(stderr, "asurif: saving draft %lld: %s\n", id, e.msg);
			rc = -1;
			goto done;
		}
	}
	if (json_object_get(ctx, "errors")) {
		rc = step_page(r, 400, ctx, draft, type, step, buf_str(&v));
		buf_release(&v);
		goto done;
	}
	json_decref(ctx);
	buf_release(&v);
	long long steps = (long long)json_array_size(json_object_get(type, "fields"));
	char *where = step < steps && !req_field(r, "summary") ? xasprintf("/drafts/%lld/step/%lld", id, step + 1)
							       : xasprintf("/drafts/%lld", id);
	rc = resp_redirect(r, where);
	free(where);
done:
	json_decref(draft);
	json_decref(type);
	return rc;
}

/* ---- status ---- */

int page_draft_status_post(struct req *r)
{
	long long id = page_id(r);
	json_t *draft, *type;
	int rc = 0;
	if (load(r, id, 0, &draft, &type, &rc))
		return rc;
	const char *status = req_field(r, "status");
	struct err e = ERR_INIT;
	struct draft_author who = author_of(r);
	if (draft_set_status(r->hub->db, r->web->overrides, id, status, &who, &e)) {
		json_t *ctx = page_ctx("nav_campaigns");
		page_add_error(ctx, "status", e.code == ERR_USAGE ? T(r, "draft_error_status") : e.msg);
		rc = summary_page(r, 400, ctx, draft, type);
		goto done;
	}
	rc = audit_and_go(r, "draft status", id, status, "draft_status_saved", xasprintf("/drafts/%lld", id));
done:
	json_decref(draft);
	json_decref(type);
	return rc;
}

/* ---- differences between versions ---- */

int page_draft_diff(struct req *r)
{
	long long id = page_id(r);
	json_t *draft, *type;
	int rc = 0;
	if (load(r, id, 0, &draft, &type, &rc))
		return rc;
	long long latest = json_integer_value(json_object_get(draft, "latest"));
	long long b = req_int(req_query(r, "b"), latest);
	long long a = req_int(req_query(r, "a"), b > 1 ? b - 1 : 1);
	json_t *changes = NULL;
	struct err e = ERR_INIT;
	if (a < 1 || b < 1 || a > latest || b > latest ||
	    draft_diff(r->hub->db, r->web->overrides, id, (int)a, (int)b, &changes, &e)) {
		rc = resp_error(r, 404, "error_not_found");
		goto done;
	}
	json_t *ctx = page_ctx("nav_campaigns");
	draft_facts(r, ctx, draft, type);
	size_t i;
	json_t *f;
	json_array_foreach(changes, i, f) {
		size_t k;
		json_t *c;
		json_array_foreach(json_object_get(f, "changes"), k, c) {
			const char *op = jstr(c, "op");
			json_object_set_new(c, *op == '+' ? "added" : *op == '-' ? "removed" : "same", json_true());
		}
	}
	json_object_set_new(ctx, "fields", changes);
	json_object_set_new(ctx, "a", json_integer(a));
	json_object_set_new(ctx, "b", json_integer(b));
	rc = render_page(r, 200, "draft_diff", "draft_diff_title", ctx);
done:
	json_decref(draft);
	json_decref(type);
	return rc;
}

/* ---- downloads ---- */

int page_draft_export(struct req *r)
{
	long long id = page_id(r);
	const char *format = req_param(r, 1);
	const char *mime = draft_format_mime(format);
	if (!id || !mime)
		return resp_error(r, 404, "error_not_found");
	json_t *draft, *type;
	int rc = 0;
	if (load(r, id, 0, &draft, &type, &rc))
		return rc;
	struct doc *d = NULL;
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	if (draft_render(r->hub->db, r->web->overrides, id, 0, 0, &d, &e) || draft_export(d, format, &out, &e)) {
		json_t *ctx = page_ctx("nav_campaigns");
		page_add_error(ctx, "export", e.msg);
		rc = summary_page(r, e.code == ERR_USAGE ? 400 : 500, ctx, draft, type);
		goto done;
	}
	struct buf cd = BUF_INIT;
	buf_appendf(&cd, "attachment; filename=\"draft-%lld.%s\"", id, format);
	resp_header(r, "Content-Disposition", buf_str(&cd));
	buf_release(&cd);
	rc = resp_text(r, 200, mime, out.data ? out.data : "", out.len);
done:
	doc_free(d);
	buf_release(&out);
	json_decref(draft);
	json_decref(type);
	return rc;
}

int page_draft_delete_post(struct req *r)
{
	long long id = page_id(r);
	json_t *draft, *type;
	int rc = 0;
	if (load(r, id, 0, &draft, &type, &rc))
		return rc;
	long long campaign = json_integer_value(json_object_get(json_object_get(draft, "campaign"), "id"));
	struct err e = ERR_INIT;
	if (draft_delete(r->hub->db, id, &e)) {
		fprintf(stderr, "asurif: deleting draft %lld: %s\n", id, e.msg);
		rc = -1;
		goto done;
	}
	rc = audit_and_go(r, "delete", id, jstr(draft, "title"), "draft_deleted", xasprintf("/campaigns/%lld", campaign));
done:
	json_decref(draft);
	json_decref(type);
	return rc;
}
