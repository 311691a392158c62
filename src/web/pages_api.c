/*
 * The JSON API under /api/v1/ (docs/api.md): the same answers as the command line's
 * --json output, for other programs. Authentication is the server's (an API key as
 * "Authorization: Bearer asr_…", or a session cookie with X-CSRF-Token for writes); errors
 * come as {"error", "status"}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "hub/hub.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

#define API_LIMIT_DEFAULT 10
#define API_LIMIT_MAX     100
#define API_OFFSET_MAX    10000

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int api_fail(struct req *r, int status, const char *message)
{
	return resp_json(r, status, json_pack("{s:s, s:i}", "error", message, "status", status));
}

static const char *arg(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

int api_search(struct req *r)
{
	struct search_opts o;
	memset(&o, 0, sizeof(o));
	o.query = req_query(r, "q");
	o.kind = arg(r, "kind");
	o.lang = arg(r, "lang");
	o.issuer = arg(r, "issuer");
	o.since = arg(r, "since");
	o.until = arg(r, "until");
	o.all_words = arg(r, "all") && strcmp(arg(r, "all"), "0") && strcmp(arg(r, "all"), "false");
	long long limit = req_int(req_query(r, "limit"), API_LIMIT_DEFAULT),
	          offset = req_int(req_query(r, "offset"), 0);
	if (limit < 1 || limit > API_LIMIT_MAX || offset > API_OFFSET_MAX)
		return api_fail(r, 400, "limit must be 1 to 100 and offset 0 to 10000");
	o.limit = (int)limit;
	o.offset = (int)offset;
	struct err e = ERR_INIT;
	struct doc_meta m = {0};
	m.kind = o.kind;
	m.lang = o.lang;
	if (hub_meta_validate(&m, &e))
		return api_fail(r, 400, e.msg);
	const char *dates[] = {o.since, o.until};
	for (size_t i = 0; i < 2; i++) {
		memset(&m, 0, sizeof(m));
		m.date = dates[i];
		if (hub_meta_validate(&m, &e))
			return api_fail(r, 400, e.msg);
	}
	struct search_results res;
	int rc = hub_search(r->hub, &o, &res, &e);
	if (rc == ERR_USAGE || rc == ERR_ENCODING)
		return api_fail(r, 400, e.msg);
	if (rc) {
		fprintf(stderr, "asurif: api search: %s\n", e.msg);
		return -1;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < res.n; i++) {
		const struct search_hit *h = &res.v[i];
		char *snip = page_snippet_html(h->snippet);
		json_array_append_new(arr, json_pack("{s:I, s:o, s:s, s:s, s:s, s:i, s:I, s:f, s:s, s:o}", "doc_id",
		                                     (json_int_t)h->doc_id, "ext_id", jstr(h->ext_id), "title",
		                                     h->title ? h->title : "", "kind", h->kind ? h->kind : "", "lang",
		                                     h->lang ? h->lang : "", "page", h->page, "passage_id",
		                                     (json_int_t)h->passage_id, "score", h->score, "snippet", snip,
		                                     "article", jstr(h->article)));
		free(snip);
	}
	json_t *out = json_pack("{s:s, s:I, s:o}", "query", o.query, "total", (json_int_t)res.total, "results", arr);
	if (res.stale_index)
		json_object_set_new(out, "stale_index", json_true());
	search_results_release(&res);
	return resp_json(r, 200, out);
}

/* A document as `asurif docs --json` gives it. */
static json_t *doc_json(const struct doc_info *d)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:i, s:o, s:s, s:i, s:s, s:o}", "doc_id",
	                 (json_int_t)d->id, "ext_id", jstr(d->ext_id), "title", d->title ? d->title : "", "kind",
	                 d->kind ? d->kind : "", "lang", d->lang ? d->lang : "", "issuer", jstr(d->issuer), "date",
	                 jstr(d->date), "passages", d->passages, "url", jstr(d->url), "format",
	                 d->format ? d->format : "", "pages", d->pages, "added_at", d->added_at ? d->added_at : "",
	                 "source", jstr(d->source));
}

int api_documents(struct req *r)
{
	struct doc_list l;
	struct err e = ERR_INIT;
	if (hub_docs(r->hub, &l, &e))
		return -1;
	json_t *arr = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(arr, doc_json(&l.v[i]));
	doc_list_release(&l);
	return resp_json(r, 200, json_pack("{s:o}", "documents", arr));
}

static json_t *refs_json(const struct ref_list *l, int with_doc)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct ref_hit *x = &l->v[i];
		json_t *o = json_pack("{s:s, s:I, s:s}", "key", x->key ? x->key : "", "passage_id",
		                      (json_int_t)x->passage_id, "raw", x->raw ? x->raw : "");
		json_object_set_new(o, "article", x->article ? json_integer(x->article) : json_null());
		if (with_doc) {
			json_object_set_new(o, "doc_id", json_integer(x->doc_id));
			json_object_set_new(o, "title", jstr(x->title));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

int api_document(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *o = doc_json(&d);
	json_object_set_new(o, "hash", jstr(d.hash));
	json_object_set_new(o, "bytes", json_integer(d.bytes));
	doc_info_release(&d);
	struct ref_list cites, cited;
	struct passage_list pl;
	if (hub_refs_of(r->hub, id, &cites, &e) || hub_doc_cited_by(r->hub, id, &cited, &e) ||
	    hub_passages(r->hub, id, &pl, &e)) {
		json_decref(o);
		fprintf(stderr, "asurif: api document %lld: %s\n", id, e.msg);
		return -1;
	}
	json_object_set_new(o, "cites", refs_json(&cites, 0));
	json_object_set_new(o, "cited_by", refs_json(&cited, 1));
	json_t *arr = json_array();
	for (size_t i = 0; i < pl.n; i++)
		json_array_append_new(arr, json_pack("{s:I, s:i, s:i, s:o, s:o, s:s}", "passage_id",
		                                     (json_int_t)pl.v[i].id, "seq", pl.v[i].seq, "page", pl.v[i].page,
		                                     "heading", jstr(pl.v[i].heading), "article", jstr(pl.v[i].article),
		                                     "text", pl.v[i].text ? pl.v[i].text : ""));
	json_object_set_new(o, "passages_text", arr);
	ref_list_release(&cites);
	ref_list_release(&cited);
	passage_list_release(&pl);
	return resp_json(r, 200, o);
}

int api_document_add(struct req *r)
{
	const char *key, *field;
	json_t *report = page_take_uploads(r, &key, &field);
	if (!report)
		return resp_json(r, 400,
		                 json_pack("{s:s, s:s, s:i}", "error", T(r, key), "field", field, "status", 400));
	json_int_t failed = json_integer_value(json_object_get(report, "failed"));
	json_int_t kept = json_integer_value(json_object_get(report, "added")) +
	                  json_integer_value(json_object_get(report, "duplicates"));
	return resp_json(r, failed && !kept ? 422 : 200, report);
}

int api_document_delete(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	if (hub_rm(r->hub, id, &e)) {
		doc_info_release(&d);
		fprintf(stderr, "asurif: api delete %lld: %s\n", id, e.msg);
		return -1;
	}
	char target[32];
	snprintf(target, sizeof(target), "document %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "delete", target, d.title);
	doc_info_release(&d);
	return resp_json(r, 200, json_pack("{s:I}", "deleted", (json_int_t)id));
}
