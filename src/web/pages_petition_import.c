/*
 * Petition signatures in and out as files, for coordinators: importing a CSV or Excel file
 * sent from the petition page (the row-by-row report shown on the page) and downloading the
 * list as an Excel workbook. Both are logged; no personal data is ever shown on a page
 * (the report names rows and reasons only).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account/account.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "hub/hub.h"
#include "petition/petition.h"
#include "petition/vault.h"
#include "web/http.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

/* The rows of a report shown on the page; the rest are counted (the command line lists them all). */
#define REPORT_ROWS_SHOWN 1000

static void audit(struct req *r, const char *action, long long id, const char *detail)
{
	char target[40];
	snprintf(target, sizeof(target), "petition %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, action, target, detail);
}

/* ---- downloading the list as XLSX ---- */

static int signatures_xlsx(struct req *r, struct vault *v, long long id, struct buf *out, long long *count,
                           struct err *e)
{
	return petition_export_xlsx(r->hub->db, v, r->web->overrides, id, r->lang, out, count, e);
}

/* GET /petitions/{}/signatures.xlsx — coordinators only (routes.c); logged. */
int page_petition_signatures_xlsx(struct req *r)
{
	return page_petition_signatures_send(r, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	                                     signatures_xlsx);
}

/* ---- importing a file ---- */

/* The message with the upload's temporary path replaced by the name the person gave the file. */
static char *with_filename(const char *msg, const struct upload *u)
{
	struct buf b = BUF_INIT;
	buf_append(&b, "", 0);
	size_t k = strlen(u->path);
	for (const char *p = msg; *p;) {
		if (k && !strncmp(p, u->path, k)) {
			buf_appends(&b, u->filename);
			p += k;
			continue;
		}
		buf_appendc(&b, *p++);
	}
	return buf_detach(&b);
}

/* Overwrites the uploaded copy with zeros before the server removes it: it holds personal data. */
static void wipe_upload(const struct upload *u)
{
	int fd = open(u->path, O_WRONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return;
	if (!fstat(fd, &st)) {
		static const char zeros[65536];
		for (off_t k = 0; k < st.st_size;) {
			size_t n = st.st_size - k < (off_t)sizeof(zeros) ? (size_t)(st.st_size - k) : sizeof(zeros);
			ssize_t w = write(fd, zeros, n);
			if (w <= 0)
				break;
			k += w;
		}
		fsync(fd);
	}
	close(fd);
}

static int import_page(struct req *r, int status, json_t *p, json_t *ctx)
{
	json_object_set_new(ctx, "p", p);
	return render_page(r, status, "petition_import", "petition_import_title", ctx);
}

/* POST /petitions/{}/import — coordinators only (routes.c): a CSV or XLSX file; logged. */
int page_petition_import_post(struct req *r)
{
	long long id = page_id(r);
	json_t *p = NULL;
	if (!id || petition_json_brief(r->hub->db, id, &p, NULL))
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_campaigns");
	const struct upload *u = NULL;
	for (size_t i = 0; i < r->nuploads && !u; i++)
		if (!strcmp(r->uploads[i].field, "file") && r->uploads[i].size)
			u = &r->uploads[i];
	if (!u) {
		page_add_error(ctx, "file", T(r, "petition_import_none"));
		return import_page(r, 400, p, ctx);
	}
	struct vault *v = NULL;
	struct err e = ERR_INIT;
	struct petition_import_report rep;
	memset(&rep, 0, sizeof(rep));
	int rc = vault_open(r->web->dir, &v, &e);
	if (!rc)
		rc = petition_import_file(r->hub->db, v, r->web->overrides, id, u->path, NULL, NULL, &rep, &e);
	vault_close(v);
	wipe_upload(u);
	if (rc && !rep.added && !rep.duplicates) {
		if (e.code == ERR_DB || e.code == ERR_IO) {
			fprintf(stderr, "asurif: importing into petition %lld: %s\n", id, e.msg);
			petition_import_report_release(&rep);
			json_decref(ctx);
			json_decref(p);
			return -1;
		}
		/* the whole file was refused: say why, in the core's words, with the file's own name */
		char *msg = with_filename(e.msg, u);
		page_add_error(ctx, "file",
		               T(r, e.code == ERR_USAGE ? "petition_import_closed" : "petition_import_refused"));
		json_object_set_new(ctx, "refused", json_string(msg));
		free(msg);
		petition_import_report_release(&rep);
		return import_page(r, e.code == ERR_USAGE ? 409 : 400, p, ctx);
	}
	char *detail = xasprintf("%lld added, %lld duplicates, %lld rejected; web%s", rep.added, rep.duplicates,
	                         rep.rejected, rc ? "; stopped by an error" : "");
	audit(r, "import signatures", id, detail);
	free(detail);
	if (rc) {
		char *msg = with_filename(e.msg, u);
		fprintf(stderr, "asurif: importing into petition %lld: %s\n", id, e.msg);
		json_object_set_new(ctx, "refused", json_string(msg));
		free(msg);
	}
	char a[24], d[24], j[24];
	snprintf(a, sizeof(a), "%lld", rep.added);
	snprintf(d, sizeof(d), "%lld", rep.duplicates);
	snprintf(j, sizeof(j), "%lld", rep.rejected);
	struct buf sum = BUF_INIT;
	const char *names[] = {"added", "duplicates", "rejected"}, *values[] = {a, d, j};
	i18n_format(T(r, "petition_import_summary"), names, values, 3, &sum);
	json_object_set_new(ctx, "summary", json_string(buf_str(&sum)));
	buf_release(&sum);
	int sheet = rep.unit && !strcmp(rep.unit, "row");
	json_t *rows = json_array();
	for (size_t i = 0; i < rep.nrows && i < REPORT_ROWS_SHOWN; i++) {
		char n[24];
		snprintf(n, sizeof(n), "%lld", rep.rows[i].line);
		char *where = page_format(r, sheet ? "petition_import_row" : "petition_import_line", "n", n);
		json_array_append_new(
		    rows,
		    json_pack("{s:s, s:s, s:b, s:s}", "where", where, "status",
		              T(r, rep.rows[i].duplicate ? "petition_import_duplicate" : "petition_import_rejected"),
		              "rejected", !rep.rows[i].duplicate, "reason", rep.rows[i].reason));
		free(where);
	}
	json_object_set_new(ctx, "rows", rows);
	if (rep.nrows > REPORT_ROWS_SHOWN) {
		char *more = page_count(r, "petition_import_more", (long long)(rep.nrows - REPORT_ROWS_SHOWN));
		json_object_set_new(ctx, "more", json_string(more));
		free(more);
	}
	json_object_set_new(ctx, "collecting", json_true());
	petition_import_report_release(&rep);
	return import_page(r, 200, p, ctx);
}
