/*
 * The knowledge hub's pages: the home page (what the hub holds), search, the list of
 * documents, one document (its details, what it cites, what cites it, its text), editing
 * and removing a document, adding documents. The work is the hub's (hub/hub.h); this file
 * only reads the request, fills a template's context and records who did what.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/vectors.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "hub/hub.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

#define SEARCH_PER_PAGE  20
#define SEARCH_MAX_PAGES 50 /* 1,000 results: nobody reads further, and the ranking stays quick */
#define DOCS_PER_PAGE    50
#define RECENT           10

static const char *const doc_langs[] = {"ar", "fr", "en"};

/* ---- shared by the page files ---- */

json_t *page_ctx(const char *nav)
{
	json_t *ctx = json_object();
	if (nav)
		json_object_set_new(ctx, nav, json_true());
	return ctx;
}

long long page_id(struct req *r)
{
	long long id = req_int(req_param(r, 0), 0);
	return id > 0 ? id : 0;
}

char *page_format(struct req *r, const char *key, const char *name, const char *value)
{
	struct buf b = BUF_INIT;
	const char *names[] = {name}, *values[] = {value};
	i18n_format(T(r, key), names, values, 1, &b);
	buf_append(&b, "", 0);
	return buf_detach(&b);
}

char *page_count(struct req *r, const char *key, long long n)
{
	char num[32];
	snprintf(num, sizeof(num), "%lld", n);
	struct buf b = BUF_INIT;
	const char *names[] = {"count"}, *values[] = {num};
	i18n_format(i18n_plural(r->web->i18n, r->lang, key, (long)n), names, values, 1, &b);
	buf_append(&b, "", 0);
	return buf_detach(&b);
}

void page_url_arg(struct buf *b, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	if (b->len && b->data[b->len - 1] != '?' && b->data[b->len - 1] != '&')
		buf_appendc(b, '&');
	buf_appends(b, name);
	buf_appendc(b, '=');
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '.' || *p == '_' || *p == '~') {
			buf_appendc(b, (char)*p);
		} else {
			buf_appendc(b, '%');
			buf_appendc(b, hex[*p >> 4]);
			buf_appendc(b, hex[*p & 15]);
		}
	}
}

static char *url_with_page(const char *base, long long page)
{
	struct buf b = BUF_INIT;
	char num[32];
	snprintf(num, sizeof(num), "%lld", page);
	buf_appends(&b, base);
	page_url_arg(&b, "page", num);
	return buf_detach(&b);
}

void page_pager(struct req *r, json_t *ctx, const char *base, long long page, long long pages)
{
	if (pages <= 1)
		return;
	char p[32], n[32];
	snprintf(p, sizeof(p), "%lld", page);
	snprintf(n, sizeof(n), "%lld", pages);
	struct buf text = BUF_INIT;
	const char *names[] = {"page", "pages"}, *values[] = {p, n};
	i18n_format(T(r, "page_of"), names, values, 2, &text);
	json_t *pager = json_pack("{s:s}", "text", buf_str(&text));
	buf_release(&text);
	if (page > 1) {
		char *u = url_with_page(base, page - 1);
		json_object_set_new(pager, "prev", json_string(u));
		free(u);
	}
	if (page < pages) {
		char *u = url_with_page(base, page + 1);
		json_object_set_new(pager, "next", json_string(u));
		free(u);
	}
	json_object_set_new(ctx, "pager", pager);
}

char *page_snippet_html(const char *snippet)
{
	struct buf b = BUF_INIT, piece = BUF_INIT;
	buf_append(&b, "", 0);
	int open = 0;
	for (const char *s = snippet ? snippet : "";; s++) {
		if (*s && *s != HL_OPEN && *s != HL_CLOSE) {
			buf_appendc(&piece, *s);
			continue;
		}
		html_text(&b, buf_str(&piece));
		buf_reset(&piece);
		if (!*s)
			break;
		if (*s == HL_OPEN && !open) {
			buf_appends(&b, "<mark>");
			open = 1;
		} else if (*s == HL_CLOSE && open) {
			buf_appends(&b, "</mark>");
			open = 0;
		}
	}
	if (open)
		buf_appends(&b, "</mark>");
	buf_release(&piece);
	return buf_detach(&b);
}

/* ---- labels ---- */

static const char *label(struct req *r, const char *prefix, const char *value)
{
	char key[64];
	size_t k = 0;
	for (const char *p = prefix; *p && k + 1 < sizeof(key); p++)
		key[k++] = *p;
	for (const char *p = value ? value : ""; *p && k + 1 < sizeof(key); p++)
		key[k++] = *p == '-' ? '_' : *p;
	key[k] = '\0';
	const char *t = T(r, key);
	/* a value no catalog names (a kind added later) shows as it is */
	return strcmp(t, key) ? t : (value ? value : "");
}

static const char *kind_label(struct req *r, const char *kind)
{
	return label(r, "kind_", kind);
}

static const char *lang_label(struct req *r, const char *lang)
{
	return label(r, "lang_", lang);
}

/* The options of a select of kinds (or languages), the current one selected. */
static json_t *kind_options(struct req *r, const char *current)
{
	json_t *a = json_array();
	for (size_t i = 0; hub_kinds[i]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", hub_kinds[i], "label",
		                                   kind_label(r, hub_kinds[i]), "selected",
		                                   current && !strcmp(current, hub_kinds[i])));
	return a;
}

static json_t *lang_options(struct req *r, const char *current)
{
	json_t *a = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(doc_langs); i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", doc_langs[i], "label",
		                                   lang_label(r, doc_langs[i]), "selected",
		                                   current && !strcmp(current, doc_langs[i])));
	return a;
}

/* "2025-11-22T10:00:00Z" → "2025-11-22" */
static json_t *day_of(const char *stamp)
{
	return stamp ? json_stringn(stamp, strnlen(stamp, 10)) : json_null();
}

/* A document as a line of a list. */
static json_t *doc_item(struct req *r, const struct doc_info *d)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:b}", "id", (json_int_t)d->id, "title",
	                      d->title ? d->title : "", "kind", kind_label(r, d->kind), "lang", d->lang ? d->lang : "",
	                      "lang_label", lang_label(r, d->lang), "date", d->date, "issuer", d->issuer, "other_lang",
	                      d->lang && strcmp(d->lang, r->lang));
	char *n = page_count(r, "count_passages", d->passages);
	json_object_set_new(o, "passages", json_string(n));
	free(n);
	return o;
}

/* The error summary: errors is [{field, message}]; each field also gets "<field>_error". */
void page_add_error(json_t *ctx, const char *field, const char *message)
{
	json_t *errors = json_object_get(ctx, "errors");
	if (!errors) {
		errors = json_array();
		json_object_set_new(ctx, "errors", errors);
	}
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", message));
	char key[64];
	snprintf(key, sizeof(key), "%s_error", field);
	if (!json_object_get(ctx, key))
		json_object_set_new(ctx, key, json_string(message));
}

static int has_errors(json_t *ctx)
{
	return json_object_get(ctx, "errors") != NULL;
}

/* ---- the home page ---- */

/* One bar per row: the bar's length in % of the largest, drawn from the start side. */
static json_t *bars(struct req *r, const char *const *values, size_t n, const long long *counts,
                    const char *(*name)(struct req *, const char *))
{
	long long max = 1;
	for (size_t i = 0; i < n; i++)
		if (counts[i] > max)
			max = counts[i];
	int rtl = !strcmp(i18n_direction(r->lang), "rtl");
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!counts[i])
			continue;
		int pct = (int)(counts[i] * 100 / max);
		if (pct < 1)
			pct = 1;
		char *text = page_count(r, "count_documents", counts[i]);
		json_array_append_new(a, json_pack("{s:s, s:I, s:s, s:i, s:i}", "label", name(r, values[i]), "count",
		                                   (json_int_t)counts[i], "text", text, "width", pct, "x",
		                                   rtl ? 100 - pct : 0));
		free(text);
	}
	return a;
}

int page_home(struct req *r)
{
	struct hub_stats st;
	struct doc_list l;
	struct err e = ERR_INIT;
	long long total_docs = 0;
	if (hub_stats(r->hub, &st, &e) || hub_docs_page(r->hub, NULL, 0, RECENT, &l, &total_docs, &e))
		return -1;
	json_t *ctx = page_ctx("nav_home");
	size_t nk = 0;
	while (hub_kinds[nk])
		nk++;
	json_object_set_new(ctx, "empty", json_boolean(st.documents == 0));
	char *total = page_count(r, "count_documents", st.documents);
	json_object_set_new(ctx, "total", json_string(total));
	free(total);
	json_object_set_new(ctx, "by_kind", bars(r, hub_kinds, nk, st.by_kind, kind_label));
	json_object_set_new(ctx, "by_lang", bars(r, doc_langs, ARRAY_SIZE(doc_langs), st.by_lang, lang_label));
	json_t *recent = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(recent, doc_item(r, &l.v[i]));
	json_object_set_new(ctx, "recent", recent);
	doc_list_release(&l);
	page_petition_dates_ctx(r, ctx);
	return render_page(r, 200, "home", "dashboard_title", ctx);
}

/* ---- search ---- */

/* A filter's value: NULL when absent or empty. */
static const char *filter(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

static int date_ok(const char *d)
{
	struct doc_meta m = {0};
	m.date = d;
	return hub_meta_validate(&m, NULL) == 0;
}

/* "page 12" in the page's language, or null when the document has no pages. */
static void set_page_label(struct req *r, json_t *o, int page)
{
	if (page <= 0) {
		json_object_set_new(o, "page", json_null());
		return;
	}
	char num[16];
	snprintf(num, sizeof(num), "%d", page);
	char *s = page_format(r, "result_page", "page", num);
	json_object_set_new(o, "page", json_string(s));
	free(s);
}

int page_search(struct req *r)
{
	const char *q = req_query(r, "q"), *kind = filter(r, "kind"), *lang = filter(r, "lang");
	const char *issuer = filter(r, "issuer"), *since = filter(r, "since"), *until = filter(r, "until");
	const char *all = filter(r, "all");
	long long page = req_int(req_query(r, "page"), 1);
	if (page < 1)
		page = 1;
	if (page > SEARCH_MAX_PAGES)
		page = SEARCH_MAX_PAGES;
	if (kind && !hub_kind_valid(kind))
		kind = NULL;
	if (lang && strcmp(lang, "ar") && strcmp(lang, "fr") && strcmp(lang, "en"))
		lang = NULL;

	json_t *ctx = page_ctx("nav_search");
	json_object_set_new(ctx, "q", json_string(q ? q : ""));
	json_object_set_new(ctx, "issuer", json_string(issuer ? issuer : ""));
	json_object_set_new(ctx, "since", json_string(since ? since : ""));
	json_object_set_new(ctx, "until", json_string(until ? until : ""));
	json_object_set_new(ctx, "all", json_boolean(all != NULL));
	json_object_set_new(ctx, "kinds", kind_options(r, kind));
	json_object_set_new(ctx, "langs", lang_options(r, lang));
	json_object_set_new(ctx, "filters_open", json_boolean(kind || lang || issuer || since || until || all));
	if (since && !date_ok(since))
		page_add_error(ctx, "since", T(r, "search_error_date"));
	if (until && !date_ok(until))
		page_add_error(ctx, "until", T(r, "search_error_date"));
	if (!q || has_errors(ctx))
		return render_page(r, has_errors(ctx) ? 400 : 200, "search", "search_title", ctx);

	struct search_opts o = {0};
	o.query = q;
	o.limit = SEARCH_PER_PAGE;
	o.offset = (int)((page - 1) * SEARCH_PER_PAGE);
	o.kind = kind;
	o.lang = lang;
	o.issuer = issuer;
	o.since = since;
	o.until = until;
	o.all_words = all != NULL;
	struct search_results res;
	struct err e = ERR_INIT;
	int rc = hub_search(r->hub, &o, &res, &e);
	if (rc == ERR_USAGE || rc == ERR_ENCODING) {
		page_add_error(ctx, "q", T(r, *q ? "search_error_nothing" : "search_error_empty"));
		return render_page(r, 400, "search", "search_title", ctx);
	}
	if (rc) {
		json_decref(ctx);
		fprintf(stderr, "asurif: search: %s\n", e.msg);
		return -1;
	}
	if (res.stale_index)
		json_object_set_new(ctx, "stale", json_true());
	json_object_set_new(ctx, "searched", json_true());
	char *title = page_format(r, "search_results_for", "query", q);
	json_object_set_new(ctx, "title", json_string(title));
	free(title);
	char *total = page_count(r, "count_results", res.total);
	json_object_set_new(ctx, "total", json_string(total));
	free(total);
	json_t *hits = json_array();
	for (size_t i = 0; i < res.n; i++) {
		const struct search_hit *h = &res.v[i];
		char *snip = page_snippet_html(h->snippet);
		json_t *o2 = json_pack(
		    "{s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:s?, s:s}", "doc_id", (json_int_t)h->doc_id, "passage_id",
		    (json_int_t)h->passage_id, "title", h->title ? h->title : "", "kind", kind_label(r, h->kind),
		    "lang", h->lang ? h->lang : "", "lang_label", lang_label(r, h->lang), "other_lang",
		    h->lang && strcmp(h->lang, r->lang), "article", h->article, "snippet_html", snip);
		free(snip);
		set_page_label(r, o2, h->page);
		json_array_append_new(hits, o2);
	}
	json_object_set_new(ctx, "hits", hits);
	long long pages = (res.total + SEARCH_PER_PAGE - 1) / SEARCH_PER_PAGE;
	if (pages > SEARCH_MAX_PAGES)
		pages = SEARCH_MAX_PAGES;
	struct buf base = BUF_INIT;
	buf_appends(&base, "/search?");
	page_url_arg(&base, "q", q);
	const char *names[] = {"kind", "lang", "issuer", "since", "until", "all"};
	const char *values[] = {kind, lang, issuer, since, until, all ? "1" : NULL};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (values[i])
			page_url_arg(&base, names[i], values[i]);
	page_pager(r, ctx, buf_str(&base), page, pages);
	buf_release(&base);
	search_results_release(&res);
	page_campaign_pin_choices(r, ctx); /* a "pin to a campaign" form under each result */
	return render_page(r, 200, "search", NULL, ctx);
}

/* ---- the list of documents ---- */

int page_documents(struct req *r)
{
	const char *kind = filter(r, "kind");
	if (kind && !hub_kind_valid(kind))
		kind = NULL;
	long long page = req_int(req_query(r, "page"), 1);
	if (page < 1)
		page = 1;
	struct doc_list l;
	struct err e = ERR_INIT;
	long long n = 0;
	if (hub_docs_page(r->hub, kind, (page - 1) * DOCS_PER_PAGE, DOCS_PER_PAGE, &l, &n, &e))
		return -1;
	long long pages = n ? (n + DOCS_PER_PAGE - 1) / DOCS_PER_PAGE : 1;
	if (page > pages) { /* past the end: the last page */
		doc_list_release(&l);
		page = pages;
		if (hub_docs_page(r->hub, kind, (page - 1) * DOCS_PER_PAGE, DOCS_PER_PAGE, &l, &n, &e))
			return -1;
	}
	json_t *ctx = page_ctx("nav_documents");
	json_object_set_new(ctx, "kinds", kind_options(r, kind));
	json_t *docs = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(docs, doc_item(r, &l.v[i]));
	json_object_set_new(ctx, "docs", docs);
	char *total = page_count(r, "count_documents", n);
	json_object_set_new(ctx, "total", json_string(total));
	free(total);
	json_object_set_new(ctx, "empty", json_boolean(n == 0));
	struct buf base = BUF_INIT;
	buf_appends(&base, "/documents?");
	if (kind)
		page_url_arg(&base, "kind", kind);
	page_pager(r, ctx, buf_str(&base), page, pages);
	buf_release(&base);
	doc_list_release(&l);
	return render_page(r, 200, "documents", "nav_documents", ctx);
}

/* ---- one document ---- */

static const char *file_name(const struct doc_info *d)
{
	const char *s = d->source ? d->source : "";
	const char *slash = strrchr(s, '/');
	return slash ? slash + 1 : s;
}

/* The details shown for a document (and kept in the edit form). */
static void doc_facts(struct req *r, json_t *ctx, const struct doc_info *d)
{
	json_object_set_new(
	    ctx, "doc",
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:s?, s:s?, s:s?, s:s, s:o, s:o}", "id",
	              (json_int_t)d->id, "title", d->title ? d->title : "", "kind", d->kind ? d->kind : "",
	              "kind_label", kind_label(r, d->kind), "lang", d->lang ? d->lang : "", "lang_label",
	              lang_label(r, d->lang), "other_lang", d->lang && strcmp(d->lang, r->lang), "issuer", d->issuer,
	              "date", d->date, "url", d->url, "format", d->format, "file_name", file_name(d), "added",
	              day_of(d->added_at), "pages", d->pages > 0 ? json_integer(d->pages) : json_null()));
	if (d->file)
		json_object_set_new(json_object_get(ctx, "doc"), "has_file", json_true());
}

int page_document(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_documents");
	doc_facts(r, ctx, &d);
	json_object_set_new(ctx, "title", json_string(d.title ? d.title : ""));
	char *n = page_count(r, "count_passages", d.passages);
	json_object_set_new(ctx, "passages_count", json_string(n));
	free(n);

	struct passage_list pl;
	struct ref_list cites, cited;
	hub_passages(r->hub, id, &pl, &e);
	hub_refs_of(r->hub, id, &cites, &e);
	hub_doc_cited_by(r->hub, id, &cited, &e);

	json_t *passages = json_array();
	for (size_t i = 0; i < pl.n; i++) {
		const struct passage *p = &pl.v[i];
		/* a heading is shown where it starts (unless the text opens with it), not over each passage under it */
		const char *prev = i ? pl.v[i - 1].heading : NULL;
		int new_heading = p->heading && (!prev || strcmp(prev, p->heading)) &&
		                  (!p->text || strncmp(p->text, p->heading, strlen(p->heading)));
		json_t *o = json_pack("{s:I, s:s?, s:s?, s:s, s:n}", "id", (json_int_t)p->id, "heading",
		                      new_heading ? p->heading : NULL, "article", p->article, "text",
		                      p->text ? p->text : "", "page");
		set_page_label(r, o, p->page);
		json_array_append_new(passages, o);
	}
	json_object_set_new(ctx, "passages", passages);

	/* What it cites, one line per legal text (bare article numbers name nothing outside it). */
	json_t *keys = json_array();
	for (size_t i = 0; i < cites.n; i++) {
		const struct ref_hit *c = &cites.v[i];
		if (!c->kind || !strcmp(c->kind, "article"))
			continue;
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = cites.v[k].key && c->key && !strcmp(cites.v[k].key, c->key);
		if (seen)
			continue;
		struct buf href = BUF_INIT;
		buf_appends(&href, "/search?");
		page_url_arg(&href, "q", c->number ? c->number : "");
		json_array_append_new(keys, json_pack("{s:s, s:s, s:s, s:I}", "kind", kind_label(r, c->kind), "number",
		                                      c->number ? c->number : "", "href", buf_str(&href), "passage_id",
		                                      (json_int_t)c->passage_id));
		buf_release(&href);
	}
	json_object_set_new(ctx, "cites", keys);

	/* What cites it, grouped by document. */
	json_t *by = json_array(), *cur = NULL;
	long long cur_doc = 0;
	for (size_t i = 0; i < cited.n; i++) {
		const struct ref_hit *c = &cited.v[i];
		if (!cur || c->doc_id != cur_doc) {
			cur = json_pack("{s:I, s:s, s:[]}", "doc_id", (json_int_t)c->doc_id, "title",
			                c->title ? c->title : "", "places");
			json_array_append_new(by, cur);
			cur_doc = c->doc_id;
		}
		json_t *place = json_pack("{s:I, s:s, s:s?}", "passage_id", (json_int_t)c->passage_id, "raw",
		                          c->raw ? c->raw : "", "article", c->article_label);
		json_array_append_new(json_object_get(cur, "places"), place);
	}
	json_object_set_new(ctx, "cited_by", by);
	page_ai_doc_ctx(r, ctx, id);

	passage_list_release(&pl);
	ref_list_release(&cites);
	ref_list_release(&cited);
	int rc = render_page(r, 200, "document", NULL, ctx);
	doc_info_release(&d);
	return rc;
}

static const char *content_type(const char *format)
{
	static const struct {
		const char *format, *ctype;
	} types[] = {
	    {"pdf", "application/pdf"},
	    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	    {"odt", "application/vnd.oasis.opendocument.text"},
	    {"txt", "text/plain; charset=utf-8"},
	    {"md", "text/markdown; charset=utf-8"},
	};
	for (size_t i = 0; format && i < ARRAY_SIZE(types); i++)
		if (!strcmp(format, types[i].format))
			return types[i].ctype;
	/* web pages too: a downloaded copy is never shown as a page of this site */
	return "application/octet-stream";
}

int page_document_original(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	if (!d.file) {
		doc_info_release(&d);
		return resp_error(r, 404, "doc_no_original");
	}
	char *path = fs_join(r->hub->dir, d.file);
	if (!fs_exists(path)) {
		free(path);
		doc_info_release(&d);
		return resp_error(r, 404, "doc_no_original");
	}
	/* The name as given, in the two forms browsers read: plain ASCII, and UTF-8 (RFC 6266). */
	const char *name = file_name(&d);
	struct buf cd = BUF_INIT, enc = BUF_INIT;
	buf_appends(&cd, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		buf_appendc(&cd, (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\') ? '_' : (char)*p);
	buf_appends(&cd, "\"; ");
	page_url_arg(&enc, "filename*", name);
	buf_appends(&cd, "filename*=UTF-8''");
	buf_appends(&cd, strchr(buf_str(&enc), '=') + 1);
	resp_header(r, "Content-Disposition", buf_str(&cd));
	buf_release(&cd);
	buf_release(&enc);
	r->file = path;
	r->status = 200;
	r->ctype = content_type(d.format);
	char target[32];
	snprintf(target, sizeof(target), "document %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "export", target, name);
	doc_info_release(&d);
	return 0;
}

/* ---- editing a document's details ---- */

struct edit_form {
	const char *title, *kind, *lang, *issuer, *date, *url;
};

static char *trimmed(struct req *r, const char *name)
{
	struct buf b = BUF_INIT;
	buf_appends(&b, req_field(r, name) ? req_field(r, name) : "");
	buf_trim(&b);
	buf_append(&b, "", 0);
	return buf_detach(&b);
}

static int edit_form_page(struct req *r, int status, json_t *ctx, const struct doc_info *d, const struct edit_form *f)
{
	doc_facts(r, ctx, d);
	json_object_set_new(ctx, "form",
	                    json_pack("{s:s, s:s, s:s, s:s}", "title", f->title ? f->title : "", "issuer",
	                              f->issuer ? f->issuer : "", "date", f->date ? f->date : "", "url",
	                              f->url ? f->url : ""));
	json_object_set_new(ctx, "kinds", kind_options(r, f->kind));
	json_object_set_new(ctx, "langs", lang_options(r, f->lang));
	return render_page(r, status, "edit", "doc_edit", ctx);
}

int page_document_edit(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	struct edit_form f = {d.title, d.kind, d.lang, d.issuer, d.date, d.url};
	int rc = edit_form_page(r, 200, page_ctx("nav_documents"), &d, &f);
	doc_info_release(&d);
	return rc;
}

/* Whether one field passes the hub's own rules. */
static int meta_field_ok(const struct doc_meta *m)
{
	return hub_meta_validate(m, NULL) == 0;
}

int page_document_edit_post(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	char *title = trimmed(r, "title"), *kind = trimmed(r, "kind"), *lang = trimmed(r, "lang");
	char *issuer = trimmed(r, "issuer"), *date = trimmed(r, "date"), *url = trimmed(r, "url");
	struct edit_form f = {title, kind, lang, issuer, date, url};
	json_t *ctx = page_ctx("nav_documents");
	struct doc_meta one = {0};
	if (!*title)
		page_add_error(ctx, "title", T(r, "edit_error_title"));
	one.title = *title ? title : NULL;
	if (one.title && !meta_field_ok(&one))
		page_add_error(ctx, "title", T(r, "edit_error_title"));
	memset(&one, 0, sizeof(one));
	one.kind = kind;
	if (!meta_field_ok(&one))
		page_add_error(ctx, "kind", T(r, "edit_error_kind"));
	memset(&one, 0, sizeof(one));
	one.lang = lang;
	if (!meta_field_ok(&one))
		page_add_error(ctx, "lang", T(r, "edit_error_lang"));
	memset(&one, 0, sizeof(one));
	one.issuer = *issuer ? issuer : NULL;
	if (one.issuer && !meta_field_ok(&one))
		page_add_error(ctx, "issuer", T(r, "edit_error_issuer"));
	memset(&one, 0, sizeof(one));
	one.date = *date ? date : NULL;
	if (one.date && !meta_field_ok(&one))
		page_add_error(ctx, "date", T(r, "edit_error_date"));
	memset(&one, 0, sizeof(one));
	one.url = *url ? url : NULL;
	if (one.url && !meta_field_ok(&one))
		page_add_error(ctx, "url", T(r, "edit_error_url"));

	int rc;
	if (has_errors(ctx)) {
		rc = edit_form_page(r, 400, ctx, &d, &f);
		goto done;
	}
	struct doc_meta m = {0};
	m.title = title;
	m.kind = kind;
	m.lang = lang;
	m.issuer = issuer; /* "" clears */
	m.date = date;
	m.url = url;
	if (hub_doc_update(r->hub, id, &m, &e)) {
		if (e.code == ERR_USAGE || e.code == ERR_ENCODING) {
			page_add_error(ctx, "title", e.msg);
			rc = edit_form_page(r, 400, ctx, &d, &f);
			goto done;
		}
		json_decref(ctx);
		fprintf(stderr, "asurif: edit: %s\n", e.msg);
		rc = -1;
		goto done;
	}
	json_decref(ctx);
	char target[32], *where = NULL;
	snprintf(target, sizeof(target), "document %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "edit", target, title);
	r->flash = xstrdup("doc_saved");
	where = xasprintf("/documents/%lld", id);
	rc = resp_redirect(r, where);
	free(where);
done:
	free(title);
	free(kind);
	free(lang);
	free(issuer);
	free(date);
	free(url);
	doc_info_release(&d);
	return rc;
}

/* ---- removing a document ---- */

int page_document_delete(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_documents");
	doc_facts(r, ctx, &d);
	doc_info_release(&d);
	return render_page(r, 200, "delete", "doc_delete", ctx);
}

int page_document_delete_post(struct req *r)
{
	long long id = page_id(r);
	struct doc_info d;
	struct err e = ERR_INIT;
	if (!id || hub_doc(r->hub, id, &d, &e))
		return resp_error(r, 404, "error_not_found");
	if (hub_rm(r->hub, id, &e)) {
		doc_info_release(&d);
		fprintf(stderr, "asurif: delete: %s\n", e.msg);
		return -1;
	}
	char target[32];
	snprintf(target, sizeof(target), "document %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "delete", target, d.title);
	doc_info_release(&d);
	r->flash = xstrdup("doc_deleted");
	return resp_redirect(r, "/documents");
}

/* ---- adding documents ---- */

struct take {
	struct req *r;
	json_t *docs;
	int added, dup, failed;
};

/* A core message names the upload's temporary folder: people know the file by its own name. */
static char *without_tmpdir(struct req *r, const char *msg)
{
	struct buf b = BUF_INIT;
	buf_append(&b, "", 0);
	size_t k = r->tmpdir ? strlen(r->tmpdir) : 0;
	for (const char *p = msg; *p;) {
		if (k && !strncmp(p, r->tmpdir, k)) {
			p += k;
			while (*p == '/')
				p++;
			continue;
		}
		buf_appendc(&b, *p++);
	}
	return buf_detach(&b);
}

static const char *status_name(enum ingest_status s)
{
	return s == INGEST_ADDED ? "added" : s == INGEST_DUPLICATE ? "duplicate" : "failed";
}

static void on_item(void *ctx, const struct ingest_item *it)
{
	struct take *t = ctx;
	struct req *r = t->r;
	char *msg = it->message ? without_tmpdir(r, it->message) : NULL;
	json_t *o = json_pack("{s:s, s:s}", "source", it->source ? it->source : "", "status", status_name(it->status));
	if (it->doc_id)
		json_object_set_new(o, "doc_id", json_integer(it->doc_id));
	if (it->title)
		json_object_set_new(o, "title", json_string(it->title));
	if (it->status == INGEST_ADDED)
		json_object_set_new(o, "passages", json_integer(it->passages));
	if (msg)
		json_object_set_new(o, "error", json_string(msg));
	json_array_append_new(t->docs, o);
	char *detail = it->status == INGEST_FAILED
	                   ? xasprintf("not added: %s", msg ? msg : "")
	                   : xasprintf("%s, document %lld", it->status == INGEST_ADDED ? "added" : "already in the hub",
	                               it->doc_id);
	account_audit(r->hub->db, &r->user, r->ip, "upload", it->source, detail);
	if (it->status == INGEST_ADDED)
		t->added++;
	else if (it->status == INGEST_DUPLICATE)
		t->dup++;
	else
		t->failed++;
	free(detail);
	free(msg);
}

json_t *page_take_uploads(struct req *r, const char **error_key, const char **error_field)
{
	*error_key = NULL;
	*error_field = NULL;
	/* A form sent without choosing a file still carries one empty, nameless part. */
	size_t n = 0;
	char **paths = xcalloc(r->nuploads + 1, sizeof(*paths));
	for (size_t i = 0; i < r->nuploads; i++)
		if (r->uploads[i].size || strcmp(r->uploads[i].filename, "document"))
			paths[n++] = r->uploads[i].path;
	if (!n) {
		free(paths);
		*error_key = "upload_none";
		*error_field = "files";
		return NULL;
	}
	struct ingest_opts o;
	memset(&o, 0, sizeof(o));
	const char *fields[] = {"kind", "lang", "issuer", "date", "url"};
	const char **slots[] = {&o.meta.kind, &o.meta.lang, &o.meta.issuer, &o.meta.date, &o.meta.url};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *v = req_field(r, fields[i]);
		*slots[i] = v && *v ? v : NULL;
		struct doc_meta one = {0};
		one.kind = i == 0 ? *slots[i] : NULL;
		one.lang = i == 1 ? *slots[i] : NULL;
		one.issuer = i == 2 ? *slots[i] : NULL;
		one.date = i == 3 ? *slots[i] : NULL;
		one.url = i == 4 ? *slots[i] : NULL;
		if (hub_meta_validate(&one, NULL)) {
			free(paths);
			*error_key = i == 0   ? "edit_error_kind"
			             : i == 1 ? "edit_error_lang"
			             : i == 2 ? "edit_error_issuer"
			             : i == 3 ? "edit_error_date"
			                      : "edit_error_url";
			*error_field = fields[i];
			return NULL;
		}
	}
	struct take t = {r, json_array(), 0, 0, 0};
	o.max_file_bytes = r->web->cfg.max_upload;
	o.on_item = on_item;
	o.ctx = &t;
	o.source_strip = r->tmpdir;
	struct err e = ERR_INIT;
	long long mark = ai_docs_mark(r->hub);
	int rc = hub_add_paths(r->hub, paths, (int)n, &o, &e);
	/* the new passages' vectors for the assistant; a model service that is down leaves them for later */
	struct ai_embed_report vrep = {0};
	int vconf = 0;
	struct err ve = ERR_INIT;
	int vrc = t.added ? ai_embed_added(r->hub, mark, &vconf, &vrep, &ve) : 0;
	if (rc && json_array_size(t.docs) == 0) {
		/* nothing was even tried (a thread or the database refused): each file failed */
		char *msg = without_tmpdir(r, e.msg);
		for (size_t i = 0; i < r->nuploads; i++) {
			struct ingest_item it = {r->uploads[i].filename, INGEST_FAILED, 0, 0, NULL, NULL, msg};
			on_item(&t, &it);
		}
		free(msg);
	}
	free(paths);
	json_t *rep = json_pack("{s:i, s:i, s:i, s:o}", "added", t.added, "duplicates", t.dup, "failed", t.failed,
	                        "documents", t.docs);
	if (vconf)
		json_object_set_new(rep, "vectors", json_pack("{s:I, s:I, s:b}", "embedded", (json_int_t)vrep.embedded,
		                                              "waiting", (json_int_t)(vrep.total - vrep.embedded),
		                                              "service_failed", vrc != 0));
	return rep;
}

static int upload_form(struct req *r, int status, json_t *ctx)
{
	char mb[32];
	snprintf(mb, sizeof(mb), "%zu", r->web->cfg.max_upload >> 20);
	char *help = page_format(r, "upload_help", "mb", mb);
	json_object_set_new(ctx, "help", json_string(help));
	free(help);
	return render_page(r, status, "upload", "upload_title", ctx);
}

int page_upload(struct req *r)
{
	return upload_form(r, 200, page_ctx("nav_upload"));
}

static int wants_json(struct req *r)
{
	const char *a = req_header(r, "Accept");
	return a && strstr(a, "application/json") != NULL;
}

int page_upload_post(struct req *r)
{
	const char *key, *field;
	json_t *report = page_take_uploads(r, &key, &field);
	if (wants_json(r)) {
		if (!report)
			return resp_json(
			    r, 400, json_pack("{s:s, s:s, s:i}", "error", T(r, key), "field", field, "status", 400));
		int failed_only = json_integer_value(json_object_get(report, "failed")) > 0 &&
		                  json_integer_value(json_object_get(report, "added")) +
		                          json_integer_value(json_object_get(report, "duplicates")) ==
		                      0;
		return resp_json(r, failed_only ? 422 : 200, report);
	}
	json_t *ctx = page_ctx("nav_upload");
	if (!report) {
		page_add_error(ctx, field, T(r, key));
		return upload_form(r, 400, ctx);
	}
	json_t *items = json_array(), *d;
	size_t i;
	json_array_foreach(json_object_get(report, "documents"), i, d)
	{
		const char *st = json_string_value(json_object_get(d, "status"));
		json_t *o = json_pack("{s:O, s:s, s:b, s:b, s:b}", "source", json_object_get(d, "source"), "state",
		                      T(r, !strcmp(st, "added")       ? "upload_added"
		                           : !strcmp(st, "duplicate") ? "upload_duplicate"
		                                                      : "upload_failed"),
		                      "added", !strcmp(st, "added"), "duplicate", !strcmp(st, "duplicate"), "failed",
		                      !strcmp(st, "failed"));
		/* every item has a title, or the page's own would show through */
		json_t *title = json_object_get(d, "title");
		json_object_set(o, "title", title ? title : json_object_get(d, "source"));
		const char *keys[] = {"doc_id", "error"};
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			json_object_set(o, keys[k],
			                json_object_get(d, keys[k]) ? json_object_get(d, keys[k]) : json_null());
		json_array_append_new(items, o);
	}
	char a[16], du[16], f[16];
	snprintf(a, sizeof(a), "%lld", (long long)json_integer_value(json_object_get(report, "added")));
	snprintf(du, sizeof(du), "%lld", (long long)json_integer_value(json_object_get(report, "duplicates")));
	snprintf(f, sizeof(f), "%lld", (long long)json_integer_value(json_object_get(report, "failed")));
	struct buf sum = BUF_INIT;
	const char *names[] = {"added", "duplicates", "failed"}, *values[] = {a, du, f};
	i18n_format(T(r, "upload_summary"), names, values, 3, &sum);
	json_object_set_new(ctx, "summary", json_string(buf_str(&sum)));
	buf_release(&sum);
	json_object_set_new(ctx, "results", items);
	json_decref(report);
	return upload_form(r, 200, ctx);
}
