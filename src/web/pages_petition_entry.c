/*
 * Paper signatures on the web: the printable signature sheets of a petition (a PDF, from
 * the petition's page) and the page where members type the signed sheets in, row after row
 * (/petitions/ID/entry). The typing page is made for hundreds of rows: the sheet number is
 * kept, the next row is proposed, the first field takes the focus after each save and Enter
 * saves; it works without JavaScript (a plain POST, then a redirect with a flash message).
 *
 * Personal data only ever goes into petition_sign(): the page shows back the values of the
 * row just refused, so that the typist can correct them, and nothing else of anyone; the
 * list of the last rows saved has the sheet, the row, the commune and the status only. The
 * activity log records who typed which row, never what was typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "hub/hub.h"
#include "petition/cin.h"
#include "petition/online.h"
#include "petition/petition.h"
#include "petition/rules.h"
#include "petition/sheets.h"
#include "petition/vault.h"
#include "web/http.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

#define ENTRY_RECENT  10   /* rows in the list of the last rows saved */
#define ENTRY_ROW_MAX 1000 /* the highest row number accepted */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int is_ar(struct req *r)
{
	return !strcmp(r->lang, "ar");
}

/* ---- the sheets (PDF) ---- */

/* A query value as a whole number: def when absent, -1 when it is not one. */
static long long query_int(struct req *r, const char *name, long long def)
{
	const char *v = req_query(r, name);
	if (!v || !*v)
		return def;
	long long n = req_int(v, -1);
	return n > 1000000 ? -1 : n;
}

/* GET /petitions/{}/sheets.pdf?first=&count=&rows=&lang= — members (routes.c). */
int page_petition_sheets_pdf(struct req *r)
{
	long long id = page_id(r);
	if (!id)
		return resp_error(r, 404, "error_not_found");
	long long first = query_int(r, "first", 1), count = query_int(r, "count", PETITION_SHEETS_DEFAULT),
	          rows = query_int(r, "rows", PETITION_ROWS_DEFAULT);
	const char *lang = req_query(r, "lang");
	if (!lang || !*lang)
		lang = r->lang;
	/* Out of range: the page names the form field (the core names the option, in English). */
	const char *bad = first < 1 || first > PETITION_SHEET_FIRST_MAX                    ? "sheets_error_first"
	                  : count < 1 || count > PETITION_SHEETS_MAX                       ? "sheets_error_count"
	                  : first + count - 1 > PETITION_SHEET_FIRST_MAX                   ? "sheets_error_first"
	                  : rows < PETITION_ROWS_MIN || rows > PETITION_ROWS_MAX           ? "sheets_error_rows"
	                  : strcmp(lang, "ar") && strcmp(lang, "fr") && strcmp(lang, "en") ? "sheets_error_lang"
	                                                                                   : NULL;
	if (bad)
		return resp_error(r, 400, bad);
	struct buf pdf = BUF_INIT;
	struct err e = ERR_INIT;
	if (petition_sheets_pdf(r->hub->db, r->web->overrides, id, lang, (int)first, (int)count, (int)rows, &pdf, &e)) {
		buf_release(&pdf);
		if (e.code == ERR_NOTFOUND)
			return resp_error(r, 404, "error_not_found");
		fprintf(stderr, "asurif: signature sheets of petition %lld: %s\n", id, e.msg);
		return -1;
	}
	char cd[96];
	snprintf(cd, sizeof(cd), "attachment; filename=\"petition-%lld-sheets-%lld-%lld.pdf\"", id, first,
	         first + count - 1);
	resp_header(r, "Content-Disposition", cd);
	int rc = resp_text(r, 200, "application/pdf", pdf.data, pdf.len);
	buf_release(&pdf);
	return rc;
}

/* ---- typing the sheets in ---- */

/* The columns a typist fills in, by the rule set's column name (the signature is the hand's). */
static const struct column {
	const char *column, *field, *label;
	int ltr, optional;
} columns[] = {
    {"first_name", "first_name", "sign_first_name", 0, 0},
    {"last_name", "last_name", "sign_last_name", 0, 0},
    {"cin", "cin", "sign_cin", 1, 0},
    {"address", "address", "sign_address", 0, 0},
    {"commune_code", "commune", "entry_commune", 0, 0},
    {"contact", "contact", "sign_contact", 1, 1},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static const struct column *column_named(const char *name)
{
	for (size_t i = 0; i < NCOLUMNS; i++)
		if (!strcmp(columns[i].column, name))
			return &columns[i];
	return NULL;
}

/* The rule set's signature columns the page asks for, in the rule set's order (*n of them). */
static size_t page_columns(struct req *r, const char *rule, const struct column *out[NCOLUMNS])
{
	json_t *set = NULL;
	size_t n = 0;
	if (!rules_load(r->web->overrides, rule, &set, NULL) && !rules_apply_overrides(r->hub->db, set, NULL)) {
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(rules_figure(set, "signature_columns"), "value"), i, c)
		{
			const struct column *col = column_named(json_string_value(c) ? json_string_value(c) : "");
			int seen = 0;
			for (size_t k = 0; k < n; k++)
				seen |= out[k] == col;
			if (col && !seen && n < NCOLUMNS)
				out[n++] = col;
		}
	}
	json_decref(set);
	return n;
}

/* "1–12, 14, 20–21": the row numbers typed on a sheet, in runs, isolated left to right (so
 * that an Arabic sentence does not show "12–1"). */
static void runs_text(json_t *rows, struct buf *b)
{
	size_t n = json_array_size(rows);
	buf_appends(b, "\u2066");
	for (size_t i = 0; i < n;) {
		long long from = json_integer_value(json_array_get(rows, i)), to = from;
		size_t j = i + 1;
		while (j < n && json_integer_value(json_array_get(rows, j)) == to + 1)
			to = json_integer_value(json_array_get(rows, j++));
		buf_appendf(b, "%s%lld", i ? ", " : "", from);
		if (to > from)
			buf_appendf(b, "\u2013%lld", to);
		i = j;
	}
	buf_appends(b, "\u2069");
}

/* The text of key with two placeholders filled. Caller frees. */
static char *format2(struct req *r, const char *key, const char *n1, const char *v1, const char *n2, const char *v2)
{
	const char *names[] = {n1, n2}, *values[] = {v1, v2};
	struct buf b = BUF_INIT;
	i18n_format(T(r, key), names, values, 2, &b);
	buf_append(&b, "", 0);
	return buf_detach(&b);
}

/*
 * The typing page. sheet is the sheet being typed; row (0: the next one on the sheet) and
 * the fields' values come from the refused form when status is not 200; typed is this
 * session's count. errs holds each field's message (taken). ctx is taken.
 */
static int entry_page(struct req *r, long long id, int status, json_t *ctx, long long sheet, const char *row,
                      long long typed, json_t *errs)
{
	json_t *p = NULL, *progress = NULL, *communes = NULL;
	struct err e = ERR_INIT;
	int rc = -1;
	if (petition_json_brief(r->hub->db, id, &p, &e) ||
	    petition_paper_progress(r->hub->db, id, sheet, ENTRY_RECENT, &progress, &e) ||
	    petition_paper_communes(r->hub->db, id, &communes, &e)) {
		json_decref(ctx);
		json_decref(errs);
		if (e.code == ERR_NOTFOUND)
			rc = resp_error(r, 404, "error_not_found");
		else
			fprintf(stderr, "asurif: typing petition %lld in: %s\n", id, e.msg);
		goto done;
	}
	int refused = status != 200;
	int open = !strcmp(jstr(p, "status"), "collecting") && !json_is_string(json_object_get(p, "purged_at"));
	json_object_set_new(ctx, "open", json_boolean(open));
	json_object_set_new(ctx, "title", json_string(jstr(p, "title")));
	json_object_set_new(ctx, "p", json_incref(p));

	/* Where the typing stands: this session, this sheet. */
	char num[32], num2[32];
	snprintf(num, sizeof(num), "%lld", typed);
	json_object_set_new(ctx, "typed", json_integer(typed));
	char *s = page_format(r, "entry_typed", "count", num);
	json_object_set_new(ctx, "typed_text", json_string(s));
	free(s);
	snprintf(num, sizeof(num), "%lld", sheet);
	json_t *done_rows = json_object_get(progress, "sheet_rows");
	if (json_array_size(done_rows)) {
		struct buf b = BUF_INIT;
		runs_text(done_rows, &b);
		s = format2(r, "entry_sheet_rows", "sheet", num, "rows", buf_str(&b));
		buf_release(&b);
	} else {
		s = page_format(r, "entry_sheet_empty", "sheet", num);
	}
	json_object_set_new(ctx, "sheet_text", json_string(s));
	free(s);
	json_object_set_new(ctx, "sheet", json_string(refused && req_field(r, "sheet") ? req_field(r, "sheet") : num));
	snprintf(num2, sizeof(num2), "%lld", (long long)json_integer_value(json_object_get(progress, "next_row")));
	json_object_set_new(ctx, "row", json_string(refused && row ? row : num2));
	json_object_set(ctx, "sheet_error", json_object_get(errs, "sheet"));
	json_object_set(ctx, "row_error", json_object_get(errs, "row"));

	/* The fields: the values are shown back only for the row just refused. */
	const struct column *cols[NCOLUMNS];
	size_t ncols = page_columns(r, jstr(p, "rule"), cols);
	json_t *fields = json_array();
	const char *focus = NULL;
	for (size_t i = 0; i < ncols; i++) {
		const struct column *col = cols[i];
		json_t *err = json_object_get(errs, col->field);
		if (!focus && (!refused || err))
			focus = col->field;
		const char *v = refused ? req_field(r, col->field) : NULL;
		json_t *f = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "name", col->field, "label",
		                      T(r, col->label), "value", v ? v : "", "ltr", col->ltr, "optional", col->optional,
		                      "cin", !strcmp(col->field, "cin"), "commune", !strcmp(col->field, "commune"));
		if (!strcmp(col->field, "commune")) {
			json_object_set_new(f, "hint", json_string(T(r, "entry_commune_hint")));
			json_object_set_new(f, "list", json_boolean(json_array_size(communes) > 0));
		}
		if (err)
			json_object_set(f, "error", err);
		int hint = !strcmp(col->field, "commune");
		if (hint || err) {
			char *by = xasprintf("%s%s%s%s%s", hint ? col->field : "", hint ? "-hint" : "",
			                     hint && err ? " " : "", err ? col->field : "", err ? "-error" : "");
			json_object_set_new(f, "describedby", json_string(by));
			free(by);
		}
		json_array_append_new(fields, f);
	}
	/* After a save, the first field; after a refusal, the first field in error (the sheet or the row included). */
	if (refused && (json_object_get(errs, "sheet") || json_object_get(errs, "row")))
		focus = json_object_get(errs, "sheet") ? "sheet" : "row";
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f)
	    json_object_set_new(f, "autofocus", json_boolean(focus && !strcmp(jstr(f, "name"), focus)));
	json_object_set_new(ctx, "focus_sheet", json_boolean(focus && !strcmp(focus, "sheet")));
	json_object_set_new(ctx, "focus_row", json_boolean(focus && !strcmp(focus, "row")));
	json_object_set_new(ctx, "fields", fields);

	/* The communes to choose from: the code is what is sent, the name and province show. */
	json_t *options = json_array(), *c;
	json_array_foreach(communes, i, c)
	{
		char *label = xasprintf("%s (%s)", jstr(c, is_ar(r) ? "name_ar" : "name_fr"),
		                        jstr(c, is_ar(r) ? "province_ar" : "province_fr"));
		json_array_append_new(options, json_pack("{s:s, s:s}", "code", jstr(c, "code"), "label", label));
		free(label);
	}
	json_object_set_new(ctx, "communes", options);

	/* The last rows saved: sheet, row, commune and status, nothing of the person. */
	json_t *recent = json_array(), *x;
	json_array_foreach(json_object_get(progress, "recent"), i, x)
	{
		char key[48];
		snprintf(key, sizeof(key), "entry_status_%s", jstr(x, "status"));
		const char *name = jstr(x, is_ar(r) ? "name_ar" : "name_fr");
		json_array_append_new(recent,
		                      json_pack("{s:I, s:I, s:s, s:s, s:b}", "sheet",
		                                (json_int_t)json_integer_value(json_object_get(x, "sheet")), "row",
		                                (json_int_t)json_integer_value(json_object_get(x, "row")), "commune",
		                                *name ? name : jstr(x, "commune_code"), "status", T(r, key), "counted",
		                                !strcmp(jstr(x, "status"), "counted")));
	}
	json_object_set_new(ctx, "recent", recent);
	json_object_set_new(ctx, "paper", json_integer(json_integer_value(json_object_get(progress, "paper"))));
	rc = render_page(r, status, "petition_entry", NULL, ctx);
	json_decref(errs);
done:
	json_decref(p);
	json_decref(progress);
	json_decref(communes);
	return rc;
}

int page_petition_entry(struct req *r)
{
	long long id = page_id(r);
	if (!id)
		return resp_error(r, 404, "error_not_found");
	long long sheet = query_int(r, "sheet", 1), typed = query_int(r, "typed", 0);
	if (sheet < 1 || sheet > PETITION_SHEET_FIRST_MAX)
		sheet = 1;
	if (typed < 0)
		typed = 0;
	return entry_page(r, id, 200, page_ctx("nav_campaigns"), sheet, NULL, typed, json_object());
}

/* Adds an error to the summary and to its field (errs: field -> message). */
static void add_error(json_t *ctx, json_t *errs, const char *field, const char *message)
{
	page_add_error(ctx, field, message);
	if (!json_object_get(errs, field))
		json_object_set_new(errs, field, json_string(message));
}

/* Why cin_normalise() refused a number, in the page's words (its message is English). */
static const char *cin_reason(const struct err *e)
{
	static const struct {
		const char *says, *key;
	} reasons[] = {
	    {"is empty", "entry_cin_empty"},
	    {"letters missing", "entry_cin_no_letters"},
	    {"too many letters", "entry_cin_many_letters"},
	    {"comes after the digits", "entry_cin_late_letter"},
	    {"digits missing", "entry_cin_no_digits"},
	    {"too many digits", "entry_cin_many_digits"},
	};
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strstr(e->msg, reasons[i].says))
			return reasons[i].key;
	return "entry_cin_bad_char";
}

static void audit_row(struct req *r, long long id, long long sheet, long long row, int duplicate, long long typed)
{
	char target[40], detail[160];
	snprintf(target, sizeof(target), "petition %lld", id);
	snprintf(detail, sizeof(detail), "sheet %lld, row %lld%s; %lld rows typed in this session", sheet, row,
	         duplicate ? ", a duplicate (kept, counted once)" : "", typed);
	account_audit(r->hub->db, &r->user, r->ip, "type paper signature", target, detail);
}

int page_petition_entry_post(struct req *r)
{
	long long id = page_id(r);
	if (!id)
		return resp_error(r, 404, "error_not_found");
	json_t *p = NULL;
	struct err e = ERR_INIT;
	if (petition_json_brief(r->hub->db, id, &p, &e))
		return e.code == ERR_NOTFOUND ? resp_error(r, 404, "error_not_found") : -1;
	json_t *ctx = page_ctx("nav_campaigns"), *errs = json_object();
	const char *sheet_s = req_field(r, "sheet"), *row_s = req_field(r, "row");
	long long sheet = req_int(sheet_s, -1), row = req_int(row_s, -1), typed = req_int(req_field(r, "typed"), 0);
	if (typed > 1000000)
		typed = 0;
	if (sheet < 1 || sheet > PETITION_SHEET_FIRST_MAX)
		add_error(ctx, errs, "sheet", T(r, "entry_error_sheet"));
	if (row < 1 || row > ENTRY_ROW_MAX)
		add_error(ctx, errs, "row", T(r, "entry_error_row"));

	/* Each column of the rule set: present, not too long, the ID number's form. */
	const struct column *cols[NCOLUMNS];
	size_t ncols = page_columns(r, jstr(p, "rule"), cols);
	const char *value[NCOLUMNS] = {0};
	for (size_t i = 0; i < ncols; i++) {
		const struct column *col = cols[i];
		const char *v = req_field(r, col->field);
		while (v && (*v == ' ' || *v == '\t'))
			v++;
		value[col - columns] = v && *v ? v : NULL;
		char *m = NULL;
		if (!value[col - columns] && !col->optional) {
			m = page_format(r, !strcmp(col->field, "cin") ? "entry_cin_empty" : "entry_error_required",
			                "field", T(r, col->label));
		} else if (v && strlen(v) > PETITION_FIELD_MAX) {
			m = page_format(r, "entry_error_too_long", "field", T(r, col->label));
		} else if (!strcmp(col->field, "cin")) {
			char cin[CIN_MAX];
			struct err ce = ERR_INIT;
			if (cin_normalise(v, cin, &ce))
				m = xstrdup(T(r, cin_reason(&ce)));
		}
		if (m)
			add_error(ctx, errs, col->field, m);
		free(m);
	}
	/* The commune: a code from the list, or a name. */
	char code[24] = "";
	const char *commune = value[4];
	if (commune && !json_object_get(errs, "commune")) {
		struct territory *t = NULL;
		size_t n = 0;
		int cr = online_commune(r->hub->db, id, commune, code, &t, &n, &e);
		if (cr)
			add_error(ctx, errs, "commune",
			          T(r, cr == ERR_EXISTS ? "entry_error_commune_many" : "entry_error_commune"));
		free(t);
	}
	struct vault *v = NULL;
	long long sig = 0, dup = 0;
	int sr = 0;
	if (!json_object_get(ctx, "errors")) {
		if (vault_open(r->web->dir, &v, &e)) {
			fprintf(stderr, "asurif: typing petition %lld in: %s\n", id, e.msg);
			json_decref(ctx);
			json_decref(errs);
			json_decref(p);
			return -1;
		}
		struct petition_signer s = {value[0], value[1], value[2], value[3], code, value[5]};
		sr = petition_sign(r->hub->db, v, id, &s, "paper", sheet, row, &sig, &dup, NULL, &e);
		vault_close(v);
		if (sr == ERR_USAGE && !strncmp(e.msg, "commune_code", 12)) {
			add_error(ctx, errs, "commune", T(r, "entry_error_commune_outside"));
		} else if (sr == ERR_USAGE && !strncmp(e.msg, "cin", 3)) {
			add_error(ctx, errs, "cin", T(r, "entry_cin_bad_char"));
		} else if (sr == ERR_USAGE) {
			/* no longer collecting, or its personal data was deleted meanwhile */
			page_add_error(ctx, "entry", T(r, "entry_closed"));
		} else if (sr) {
			/* the core's messages never repeat what was typed */
			fprintf(stderr, "asurif: a paper signature of petition %lld: %s\n", id, e.msg);
			json_decref(ctx);
			json_decref(errs);
			json_decref(p);
			return sr == ERR_NOTFOUND ? resp_error(r, 404, "error_not_found") : -1;
		}
	}
	json_decref(p);
	if (json_object_get(ctx, "errors"))
		return entry_page(r, id, 400, ctx, sheet >= 1 && sheet <= PETITION_SHEET_FIRST_MAX ? sheet : 1, row_s,
		                  typed, errs);
	json_decref(ctx);
	json_decref(errs);
	audit_row(r, id, sheet, row, dup != 0, typed + 1);
	r->flash = xstrdup(dup ? "entry_saved_duplicate" : "entry_saved");
	char *where = xasprintf("/petitions/%lld/entry?sheet=%lld&typed=%lld", id, sheet, typed + 1);
	int rc = resp_redirect(r, where);
	free(where);
	return rc;
}
