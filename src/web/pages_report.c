/*
 * The network report for everyone signed in (src/report/report.h): /report shows the counts
 * as tables, /report.csv and /report.pdf download them, each with the same filters (?year=
 * and ?campaign=). The page is built from the same document as the PDF, so both say the same
 * thing in the same words. Counts only: nothing personal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "campaign/campaign.h"
#include "hub/hub.h"
#include "report/report.h"
#include "web/http.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

/* The filters of the query; *bad_year is set when ?year= holds something that is not a year. */
static void filters(struct req *r, struct report_filter *f, int *bad_year)
{
	const char *year = req_query(r, "year"), *campaign = req_query(r, "campaign");
	f->year = 0;
	f->campaign_id = 0;
	*bad_year = 0;
	if (year && *year) {
		long long y = req_int(year, -1);
		if (y >= 1900 && y <= 9999)
			f->year = (int)y;
		else
			*bad_year = 1;
	}
	if (campaign && *campaign)
		f->campaign_id = req_int(campaign, 0);
}

static int build(struct req *r, const struct report_filter *f, json_t **rep)
{
	struct err e = ERR_INIT;
	if (report_build(r->hub->db, f, NULL, rep, &e)) {
		if (e.code == ERR_USAGE)
			return resp_error(r, 404, "error_not_found");
		fprintf(stderr, "asurif: report: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static const char *doc_lang(struct req *r)
{
	return !strcmp(r->lang, "fr") || !strcmp(r->lang, "en") ? r->lang : "ar";
}

/* The document's blocks as the page's: h1, h2, p (bold: a figure) and tables. */
static json_t *blocks_json(const struct doc *d)
{
	json_t *a = json_array();
	struct buf t = BUF_INIT;
	for (size_t i = 0; i < d->nblocks;) {
		const struct doc_block *b = &d->blocks[i];
		if (b->type == DOC_ROW) {
			size_t end, header;
			doc_table(d, i, &end, &header);
			json_t *head = json_array(), *rows = json_array();
			for (size_t k = i; k < end; k++) {
				json_t *cells = json_array();
				for (size_t c = 0; c < d->blocks[k].nspans; c++)
					json_array_append_new(
					    cells,
					    json_string(d->blocks[k].spans[c].text ? d->blocks[k].spans[c].text : ""));
				if (k - i < header)
					json_array_extend(head, cells), json_decref(cells);
				else
					json_array_append_new(rows, json_pack("{s:o}", "cells", cells));
			}
			json_array_append_new(a, json_pack("{s:{s:o, s:o}}", "table", "head", head, "rows", rows));
			i = end;
			continue;
		}
		buf_reset(&t);
		doc_block_text(b, &t);
		const char *kind = b->type == DOC_HEADING ? (b->level == 1 ? "h1" : "h2") : "p";
		int bold = b->nspans && (b->spans[0].style & DOC_BOLD);
		json_array_append_new(a, json_pack("{s:{s:s, s:b}}", kind, "text", buf_str(&t), "bold", bold));
		i++;
	}
	buf_release(&t);
	return a;
}

/* "?year=2026&campaign=3" for the download links (empty when no filter). */
static char *query_of(const struct report_filter *f)
{
	struct buf q = BUF_INIT;
	char v[32];
	if (f->year) {
		snprintf(v, sizeof(v), "%d", f->year);
		page_url_arg(&q, "year", v);
	}
	if (f->campaign_id) {
		snprintf(v, sizeof(v), "%lld", f->campaign_id);
		page_url_arg(&q, "campaign", v);
	}
	struct buf out = BUF_INIT;
	if (q.len)
		buf_appendf(&out, "?%s", buf_str(&q));
	buf_release(&q);
	buf_appends(&out, "");
	return buf_detach(&out);
}

int page_report(struct req *r)
{
	struct report_filter f;
	int bad_year;
	filters(r, &f, &bad_year);
	json_t *rep = NULL;
	int rc = build(r, &f, &rep);
	if (rc || !rep)
		return rc;
	struct doc *d = report_doc(rep, r->web->i18n, doc_lang(r));
	json_t *ctx = page_ctx("nav_report");
	if (bad_year)
		page_add_error(ctx, "year", T(r, "report_error_year"));
	json_object_set_new(ctx, "as_of", json_string(d->date ? d->date : ""));
	json_object_set_new(ctx, "blocks", blocks_json(d));
	doc_free(d);
	char *q = query_of(&f);
	json_object_set_new(ctx, "query", json_string(q));
	free(q);
	if (f.year)
		json_object_set_new(ctx, "f_year", json_integer(f.year));
	json_t *campaigns = NULL, *choices = json_array();
	struct err e = ERR_INIT;
	json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "value", "", "label", T(r, "report_all_campaigns"),
	                                         "selected", f.campaign_id == 0));
	if (!campaign_list_json(r->hub->db, 0, &campaigns, &e)) {
		size_t i;
		json_t *c;
		json_array_foreach(campaigns, i, c)
		{
			long long id = (long long)json_integer_value(json_object_get(c, "id"));
			char v[32];
			snprintf(v, sizeof(v), "%lld", id);
			const char *title = json_string_value(json_object_get(c, "title"));
			json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "value", v, "label",
			                                         title ? title : v, "selected", id == f.campaign_id));
		}
		json_decref(campaigns);
	}
	json_object_set_new(ctx, "campaigns", choices);
	json_decref(rep);
	return render_page(r, bad_year ? 400 : 200, "report", "report_title", ctx);
}

/* The report a download asks for, by the filters of its query; a bad year is answered with a 400
   page. 0 with *rep set, or what the answer returned. */
static int download_report(struct req *r, json_t **rep)
{
	struct report_filter f;
	int bad_year;
	filters(r, &f, &bad_year);
	*rep = NULL;
	if (bad_year)
		return resp_error(r, 400, "report_error_year");
	return build(r, &f, rep);
}

int page_report_csv(struct req *r)
{
	json_t *rep;
	int rc = download_report(r, &rep);
	if (rc || !rep)
		return rc;
	struct buf csv = BUF_INIT;
	report_csv(rep, &csv);
	char cd[96];
	snprintf(cd, sizeof(cd), "attachment; filename=\"report-%s.csv\"",
	         json_string_value(json_object_get(rep, "as_of")));
	resp_header(r, "Content-Disposition", cd);
	rc = resp_text(r, 200, "text/csv; charset=utf-8", csv.data ? csv.data : "", csv.len);
	buf_release(&csv);
	json_decref(rep);
	return rc;
}

int page_report_pdf(struct req *r)
{
	json_t *rep;
	int rc = download_report(r, &rep);
	if (rc || !rep)
		return rc;
	struct doc *d = report_doc(rep, r->web->i18n, doc_lang(r));
	struct buf pdf = BUF_INIT;
	struct err e = ERR_INIT;
	if (export_pdf(d, &pdf, &e)) {
		fprintf(stderr, "asurif: report: %s\n", e.msg);
		rc = -1;
	} else {
		char cd[96];
		snprintf(cd, sizeof(cd), "attachment; filename=\"report-%s.pdf\"",
		         json_string_value(json_object_get(rep, "as_of")));
		resp_header(r, "Content-Disposition", cd);
		rc = resp_text(r, 200, "application/pdf", pdf.data ? pdf.data : "", pdf.len);
	}
	buf_release(&pdf);
	doc_free(d);
	json_decref(rep);
	return rc;
}
