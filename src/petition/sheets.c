/*
 * Signature sheets as PDF (sheets.h). Everything is laid out with pango on an A4 landscape
 * page in points and drawn with cairo; the page has fixed bands (header, grid, consent text,
 * page number), so every sheet of a request has the same rows at the same place.
 *
 * Text is drawn glyph run by glyph run with cairo_show_text_glyphs, glyphs left to right and
 * each cluster with its own text, by export/pdf_draw.c as for every PDF export.
 */
#include "petition/sheets.h"

#include <cairo-pdf.h>
#include <jansson.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "export/doc.h"
#include "export/pdf_draw.h"
#include "petition/petition.h"
#include "petition/rules.h"
#include "store/db.h"
#include "base/banned.h"

#define PAGE_W      841.89 /* A4 landscape, in points */
#define PAGE_H      595.28
#define MARGIN      24.0
#define CONTENT_W   (PAGE_W - 2 * MARGIN)
#define HEAD_H      66.0 /* title, council, legal basis; the sheet number and the collector's box */
#define SIDE_W      230.0
#define SIDE_GAP    18.0
#define GAP         7.0
#define CONSENT_H   50.0
#define FOOT_H      11.0
#define HEAD_ROW_H  22.0
#define NO_W        28.0 /* the row-number column */
#define GRID_TOP    (MARGIN + HEAD_H + GAP)
#define GRID_BOTTOM (PAGE_H - MARGIN - FOOT_H - CONSENT_H - GAP)
#define CELL_PAD    3.0

#define PT(v) ((double)(v) / PANGO_SCALE)

struct sheets {
	PangoContext *pango;
	PangoFontDescription *font;
	int rtl;
	const struct i18n *t;
	const char *lang;
	struct pdf_draw_scratch scratch; /* for drawing runs */
	struct pdf_draw_out out; /* the output */
};

double petition_sheets_row_mm(int rows_per_sheet)
{
	if (rows_per_sheet <= 0)
		return 0;
	return (GRID_BOTTOM - GRID_TOP - HEAD_ROW_H) / rows_per_sheet * 25.4 / 72;
}

/* ---- text ---- */

static const char *W(struct sheets *s, const char *key)
{
	return i18n_get(s->t, s->lang, key);
}

static void append_cp(struct buf *t, uint32_t cp)
{
	char u[4];
	buf_append(t, u, (size_t)utf8_encode(cp, u));
}

static int is_ascii_alnum(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Appends text for pango: bad UTF-8 becomes U+FFFD, control characters spaces, and numbers
 * that right-to-left text would show backwards ("2-22-431") are isolated left to right.
 */
static void text_add(struct buf *t, const char *s)
{
	size_t n = s ? strlen(s) : 0, i = 0;
	while (i < n) {
		size_t num = doc_rtl_number_len(s + i, n - i);
		if (num && (i == 0 || !is_ascii_alnum((unsigned char)s[i - 1]))) {
			append_cp(t, 0x2066);
			buf_append(t, s + i, num);
			append_cp(t, 0x2069);
			i += num;
			continue;
		}
		uint32_t cp = 0;
		int k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k < 0) {
			cp = 0xFFFD;
			k = 1;
		} else if (cp < 0x20 || cp == 0x7F) {
			cp = ' ';
		}
		append_cp(t, cp);
		i += (size_t)k;
	}
}

/* The text of key with {name} replaced by value. */
static void text_format(struct sheets *s, struct buf *t, const char *key, const char *name, const char *value)
{
	const char *names[] = {name}, *values[] = {value};
	struct buf b = BUF_INIT;
	i18n_format(W(s, key), names, values, 1, &b);
	text_add(t, buf_str(&b));
	buf_release(&b);
}

/* ---- layouts ---- */

enum align { START, CENTRE };

static PangoLayout *layout_new(struct sheets *s, double size, int bold, double width, enum align a)
{
	PangoLayout *l = pdf_draw_layout_new(s->pango, s->font, size, bold, width);
	/* Every paragraph takes the page's direction, even one that starts with a Latin word. */
	pango_layout_set_auto_dir(l, FALSE);
	pango_layout_set_alignment(l, a == CENTRE ? PANGO_ALIGN_CENTER : s->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	return l;
}

/* A layout of text (already prepared with text_add), at most max_lines lines (0: any). */
static PangoLayout *layout_text(struct sheets *s, const struct buf *text, double size, int bold, double width,
                                enum align a, int max_lines)
{
	PangoLayout *l = layout_new(s, size, bold, width, a);
	if (max_lines > 0) {
		pango_layout_set_height(l, -max_lines);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	PangoAttrList *attrs = pango_attr_list_new();
	PangoAttribute *h = pango_attr_insert_hyphens_new(FALSE);
	h->start_index = 0;
	h->end_index = (guint)text->len;
	pango_attr_list_insert(attrs, h);
	pango_layout_set_text(l, buf_str(text), (int)text->len);
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	return l;
}

/* 1 when the first letter of text is written right to left, 0 left to right, -1 no letter. */
static int first_letter_rtl(const char *text)
{
	size_t n = strlen(text), i = 0;
	while (i < n) {
		uint32_t cp = 0;
		int k = utf8_decode((const unsigned char *)text + i, n - i, &cp);
		if (k < 0)
			return -1;
		if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF))
			return 1;
		if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7))
			return 0;
		i += (size_t)k;
	}
	return -1;
}

/*
 * A person's text (the petition's title) reads in its own direction, like dir="auto", and
 * still starts on the page's start side: pango swaps the alignment of a paragraph written
 * against the page's direction, so the opposite alignment is asked for.
 */
static void follow_text_direction(struct sheets *s, PangoLayout *l)
{
	int rtl = first_letter_rtl(pango_layout_get_text(l));
	if (rtl < 0 || rtl == s->rtl)
		return;
	pango_layout_set_auto_dir(l, TRUE);
	pango_layout_set_alignment(l, s->rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
}

static double layout_height(PangoLayout *l)
{
	int w = 0, h = 0;
	pango_layout_get_size(l, &w, &h);
	return PT(h);
}

/* ---- drawing ---- */

/* Draws a layout centred vertically in the band [top, top + h]. */
static void layout_draw_middle(struct sheets *s, cairo_t *cr, PangoLayout *l, double x, double top, double h)
{
	pdf_draw_layout(cr, l, x, top + (h - layout_height(l)) / 2, &s->scratch);
}

/* ---- the page ---- */

/* A column of the grid: its header and its share of the width. */
struct column {
	PangoLayout *head;
	double x, w; /* left edge and width on the page */
};

static const struct {
	const char *name, *key;
	double weight;
} known_columns[] = {
    {"first_name", "sheets_col_first_name", 1.0},
    {"last_name", "sheets_col_last_name", 1.0},
    {"cin", "sheets_col_cin", 0.9},
    {"address", "sheets_col_address", 1.6},
    {"commune_code", "sheets_col_commune", 1.0},
    {"contact", "sheets_col_contact", 1.0},
    {"signature", "sheets_col_signature", 0.9},
};

static void column_of(const char *name, const char **key, double *weight)
{
	*key = NULL;
	*weight = 1.0;
	for (size_t i = 0; i < sizeof(known_columns) / sizeof(known_columns[0]); i++)
		if (!strcmp(known_columns[i].name, name)) {
			*key = known_columns[i].key;
			*weight = known_columns[i].weight;
		}
}

/* The consent text of the online signing page (pages_sign.c), with the paper way to withdraw. */
static PangoLayout *consent_layout(struct sheets *s)
{
	static const char *const items[][2] = {
	    {"sign_consent_purpose_label", "sign_consent_purpose"},
	    {"sign_consent_who_label", "sign_consent_who"},
	    {"sign_consent_keep_label", "sign_consent_keep"},
	    {"sign_consent_withdraw_label", "sheets_consent_withdraw"},
	    {"sign_consent_sensitive_label", "sign_consent_sensitive"},
	    {"sign_consent_rights_label", "sign_consent_rights"},
	};
	PangoLayout *l = NULL;
	/* Smaller type only if a workspace's longer wording would not fit in the band. */
	for (double size = 7.5; size >= 5.0; size -= 0.5) {
		struct buf t = BUF_INIT;
		PangoAttrList *attrs = pango_attr_list_new();
		size_t start = t.len;
		text_add(&t, W(s, "sign_consent_title"));
		PangoAttribute *a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
		a->start_index = (guint)start;
		a->end_index = (guint)t.len;
		pango_attr_list_insert(attrs, a);
		buf_appends(&t, "\n");
		for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
			if (i)
				buf_appends(&t, "   ");
			start = t.len;
			text_add(&t, W(s, items[i][0]));
			a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
			a->start_index = (guint)start;
			a->end_index = (guint)t.len;
			pango_attr_list_insert(attrs, a);
			buf_appends(&t, " ");
			text_add(&t, W(s, items[i][1]));
		}
		if (l)
			g_object_unref(l);
		l = layout_new(s, size, 0, CONTENT_W, START);
		pango_layout_set_text(l, buf_str(&t), (int)t.len);
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
		buf_release(&t);
		if (layout_height(l) <= CONSENT_H)
			break;
	}
	return l;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static int check_args(const char *lang, int first, int count, int rows, struct err *e)
{
	if (!lang || (strcmp(lang, "ar") && strcmp(lang, "fr") && strcmp(lang, "en")))
		return err_set(e, ERR_USAGE, "--lang must be ar, fr or en, not \"%s\"", lang ? lang : "");
	if (first < 1 || first > PETITION_SHEET_FIRST_MAX)
		return err_set(e, ERR_USAGE, "--first is the number of the first sheet, from 1 to %d, not %d",
		               PETITION_SHEET_FIRST_MAX, first);
	if (count < 1 || count > PETITION_SHEETS_MAX)
		return err_set(e, ERR_USAGE, "--count is the number of sheets, from 1 to %d, not %d",
		               PETITION_SHEETS_MAX, count);
	if (first > PETITION_SHEET_FIRST_MAX - count + 1)
		return err_set(e, ERR_USAGE, "--first: the last sheet would be numbered %d, above %d",
		               first + count - 1, PETITION_SHEET_FIRST_MAX);
	if (rows < PETITION_ROWS_MIN || rows > PETITION_ROWS_MAX)
		return err_set(e, ERR_USAGE, "--rows is the number of rows on a sheet, from %d to %d, not %d",
		               PETITION_ROWS_MIN, PETITION_ROWS_MAX, rows);
	return 0;
}

int petition_sheets_pdf(sqlite3 *db, const char *overrides_dir, long long petition_id, const char *lang,
                        int first_sheet, int nsheets, int rows_per_sheet, struct buf *out, struct err *e)
{
	struct sheets s = {.lang = lang, .out = {.out = out}, .scratch = PDF_DRAW_SCRATCH_INIT};
	json_t *p = NULL, *rule = NULL;
	struct i18n *t = NULL;
	struct column *cols = NULL;
	PangoLayout *title = NULL, *council = NULL, *legal = NULL, *collector = NULL, *consent = NULL, *no_head = NULL;
	PangoLayout **numbers = NULL;
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	struct buf b = BUF_INIT;
	size_t ncols = 0, old_len = out->len, i;
	json_t *c;
	int r = check_args(lang, first_sheet, nsheets, rows_per_sheet, e);
	if (r)
		return r;
	if ((r = petition_json_brief(db, petition_id, &p, e)))
		goto cleanup;
	if ((r = rules_load(overrides_dir, jstr(p, "rule"), &rule, e)) || (r = rules_apply_overrides(db, rule, e)))
		goto cleanup;
	json_t *names = json_object_get(rules_figure(rule, "signature_columns"), "value");
	int ok = json_is_array(names) && json_array_size(names) > 0;
	json_array_foreach(names, i, c) ok = ok && json_is_string(c) && *json_string_value(c);
	if (!ok) {
		r = err_set(e, ERR_FORMAT,
		            "the rule set %s has no list of signature columns (figure signature_columns)",
		            jstr(p, "rule"));
		goto cleanup;
	}
	/* A workspace's own wording that cannot be read keeps the built-in text (i18n_load). */
	i18n_load(&t, overrides_dir, NULL);
	if (!t) {
		r = err_set(e, ERR_FORMAT, "the interface texts could not be loaded");
		goto cleanup;
	}
	s.t = t;
	s.rtl = !strcmp(i18n_direction(lang), "rtl");

	pdf_draw_init();
	s.pango = pdf_draw_context(s.rtl, lang);
	s.font = pango_font_description_from_string(s.rtl ? "Noto Naskh Arabic, Noto Sans 10"
	                                                  : "Noto Sans, Noto Naskh Arabic 10");

	/* The header: the petition, its council and territory, the legal basis. */
	double main_w = CONTENT_W - SIDE_W - SIDE_GAP;
	text_add(&b, jstr(p, "title"));
	title = layout_text(&s, &b, 13, 1, main_w, START, 2);
	follow_text_direction(&s, title);
	buf_reset(&b);
	json_t *rt = json_object_get(rule, "title");
	text_add(&b, *jstr(rt, lang) ? jstr(rt, lang) : jstr(rt, "fr"));
	json_t *terr = json_object_get(p, "territory");
	if (json_is_object(terr)) {
		buf_appends(&b, " — ");
		text_add(&b, jstr(terr, s.rtl ? "name_ar" : "name_fr"));
	}
	council = layout_text(&s, &b, 10, 0, main_w, START, 1);
	buf_reset(&b);
	text_add(&b, W(&s, "sheets_legal_basis"));
	buf_appends(&b, " ");
	text_add(&b, jstr(json_object_get(rule, "law"), "source"));
	legal = layout_text(&s, &b, 6.5, 0, main_w, START, 2);
	buf_reset(&b);
	text_add(&b, W(&s, "sheets_collector"));
	collector = layout_text(&s, &b, 8, 0, SIDE_W, START, 1);

	/* The grid's columns: the row number on the start side, then the rule set's columns. */
	ncols = json_array_size(names);
	cols = xcalloc(ncols, sizeof(*cols));
	double total = 0, *weights = xcalloc(ncols, sizeof(double));
	json_array_foreach(names, i, c)
	{
		const char *unused;
		column_of(json_string_value(c), &unused, &weights[i]);
		total += weights[i];
	}
	double x = NO_W;
	for (i = 0; i < ncols; i++) {
		const char *key;
		double wt;
		column_of(json_string_value(json_array_get(names, i)), &key, &wt);
		cols[i].w = (CONTENT_W - NO_W) * weights[i] / total;
		/* from the start side: the left edge in left-to-right pages, the right edge mirrored */
		cols[i].x = s.rtl ? PAGE_W - MARGIN - x - cols[i].w : MARGIN + x;
		x += cols[i].w;
		buf_reset(&b);
		text_add(&b, key ? W(&s, key) : json_string_value(json_array_get(names, i)));
		cols[i].head = layout_text(&s, &b, 8.5, 1, cols[i].w - 2 * CELL_PAD, CENTRE, 2);
	}
	free(weights);
	buf_reset(&b);
	text_add(&b, W(&s, "sheets_col_row"));
	no_head = layout_text(&s, &b, 7.5, 1, NO_W - 2, CENTRE, 2);
	double no_x = s.rtl ? PAGE_W - MARGIN - NO_W : MARGIN;
	double row_h = (GRID_BOTTOM - GRID_TOP - HEAD_ROW_H) / rows_per_sheet;
	numbers = xcalloc((size_t)rows_per_sheet, sizeof(*numbers));
	for (int k = 0; k < rows_per_sheet; k++) {
		buf_reset(&b);
		buf_appendf(&b, "%d", k + 1);
		numbers[k] = layout_text(&s, &b, row_h * 0.55 < 8 ? row_h * 0.55 : 8, 0, NO_W, CENTRE, 1);
	}
	consent = consent_layout(&s);

	surface = cairo_pdf_surface_create_for_stream(pdf_draw_write, &s.out, PAGE_W, PAGE_H);
	buf_reset(&b);
	text_format(&s, &b, "sheets_pdf_title", "title", jstr(p, "title"));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, buf_str(&b));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Asurif");
	cr = cairo_create(surface);
	double main_x = s.rtl ? PAGE_W - MARGIN - main_w : MARGIN, side_x = s.rtl ? MARGIN : PAGE_W - MARGIN - SIDE_W;
	for (int page = 0; page < nsheets; page++) {
		char num[32];
		/* the header */
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		double y = MARGIN;
		pdf_draw_layout(cr, title, main_x, y, &s.scratch);
		y += layout_height(title) + 2;
		pdf_draw_layout(cr, council, main_x, y, &s.scratch);
		y += layout_height(council) + 2;
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		pdf_draw_layout(cr, legal, main_x, y, &s.scratch);
		/* the sheet's number and the collector's box */
		snprintf(num, sizeof(num), "%d", first_sheet + page);
		buf_reset(&b);
		text_format(&s, &b, "sheets_sheet", "n", num);
		PangoLayout *sheet = layout_text(&s, &b, 15, 1, SIDE_W, START, 1);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		pdf_draw_layout(cr, sheet, side_x, MARGIN, &s.scratch);
		double by = MARGIN + layout_height(sheet) + 2;
		g_object_unref(sheet);
		pdf_draw_layout(cr, collector, side_x, by, &s.scratch);
		by += layout_height(collector) + 1;
		cairo_set_line_width(cr, 0.7);
		cairo_rectangle(cr, side_x, by, SIDE_W, MARGIN + HEAD_H - by);
		cairo_stroke(cr);

		/* the grid */
		cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
		cairo_rectangle(cr, MARGIN, GRID_TOP, CONTENT_W, HEAD_ROW_H);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		layout_draw_middle(&s, cr, no_head, no_x + 1, GRID_TOP, HEAD_ROW_H);
		for (i = 0; i < ncols; i++)
			layout_draw_middle(&s, cr, cols[i].head, cols[i].x + CELL_PAD, GRID_TOP, HEAD_ROW_H);
		cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
		for (int k = 0; k < rows_per_sheet; k++)
			layout_draw_middle(&s, cr, numbers[k], no_x, GRID_TOP + HEAD_ROW_H + k * row_h, row_h);
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_set_line_width(cr, 0.5);
		for (int k = 0; k <= rows_per_sheet + 1; k++) {
			double ly = k == 0 ? GRID_TOP : GRID_TOP + HEAD_ROW_H + (k - 1) * row_h;
			cairo_move_to(cr, MARGIN, ly);
			cairo_line_to(cr, PAGE_W - MARGIN, ly);
		}
		double gb = GRID_TOP + HEAD_ROW_H + rows_per_sheet * row_h;
		cairo_move_to(cr, MARGIN, GRID_TOP);
		cairo_line_to(cr, MARGIN, gb);
		cairo_move_to(cr, PAGE_W - MARGIN, GRID_TOP);
		cairo_line_to(cr, PAGE_W - MARGIN, gb);
		cairo_move_to(cr, s.rtl ? no_x : no_x + NO_W, GRID_TOP);
		cairo_line_to(cr, s.rtl ? no_x : no_x + NO_W, gb);
		for (i = 0; i + 1 < ncols; i++) {
			double lx = s.rtl ? cols[i].x : cols[i].x + cols[i].w;
			cairo_move_to(cr, lx, GRID_TOP);
			cairo_line_to(cr, lx, gb);
		}
		cairo_stroke(cr);

		/* the consent text and the page number */
		cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
		pdf_draw_layout(cr, consent, MARGIN, PAGE_H - MARGIN - FOOT_H - CONSENT_H, &s.scratch);
		char pg[32], pages[32];
		snprintf(pg, sizeof(pg), "%d", page + 1);
		snprintf(pages, sizeof(pages), "%d", nsheets);
		const char *pn[] = {"page", "pages"}, *pv[] = {pg, pages};
		struct buf f = BUF_INIT;
		i18n_format(W(&s, "page_of"), pn, pv, 2, &f);
		buf_reset(&b);
		text_add(&b, buf_str(&f));
		buf_release(&f);
		PangoLayout *foot = layout_text(&s, &b, 7, 0, CONTENT_W, CENTRE, 1);
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		pdf_draw_layout(cr, foot, MARGIN, PAGE_H - MARGIN - FOOT_H + 2, &s.scratch);
		g_object_unref(foot);
		cairo_show_page(cr);
	}
	cairo_status_t status = cairo_status(cr);
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surface);
	if (s.out.failed)
		r = err_set(e, ERR_TOO_BIG, "the PDF is larger than the output allows (%zu bytes)", out->max);
	else if (status == CAIRO_STATUS_SUCCESS && (status = cairo_surface_status(surface)) != CAIRO_STATUS_SUCCESS)
		r = err_set(e, ERR_IO, "cairo could not write the PDF: %s", cairo_status_to_string(status));
	else if (status != CAIRO_STATUS_SUCCESS)
		r = err_set(e, ERR_IO, "cairo could not draw the sheets: %s", cairo_status_to_string(status));

cleanup:
	if (cr)
		cairo_destroy(cr);
	if (surface)
		cairo_surface_destroy(surface);
	for (i = 0; cols && i < ncols; i++)
		if (cols[i].head)
			g_object_unref(cols[i].head);
	free(cols);
	for (int k = 0; numbers && k < rows_per_sheet; k++)
		if (numbers[k])
			g_object_unref(numbers[k]);
	free(numbers);
	PangoLayout *layouts[] = {title, council, legal, collector, consent, no_head};
	for (size_t k = 0; k < sizeof(layouts) / sizeof(layouts[0]); k++)
		if (layouts[k])
			g_object_unref(layouts[k]);
	if (s.font)
		pango_font_description_free(s.font);
	if (s.pango)
		g_object_unref(s.pango);
	pdf_draw_scratch_release(&s.scratch);
	buf_release(&b);
	i18n_free(t);
	json_decref(rule);
	json_decref(p);
	if (r)
		buf_truncate(out, old_len);
	return r;
}

/* ---- typing the sheets in ---- */

int petition_paper_communes(sqlite3 *db, long long petition_id, json_t **out, struct err *e)
{
	*out = NULL;
	sqlite3_stmt *st = db_prepare(db, "SELECT p.territory_code, coalesce(c.province_code, ''), "
	                                  "(SELECT count(*) FROM provinces WHERE code = p.territory_code), "
	                                  "(SELECT count(*) FROM regions WHERE code = p.territory_code) "
	                                  "FROM petitions p LEFT JOIN communes c ON c.code = p.territory_code "
	                                  "WHERE p.id = ?");
	sqlite3_bind_int64(st, 1, petition_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(e, ERR_NOTFOUND, "no petition %lld", petition_id);
	}
	char code[24], province[24];
	snprintf(code, sizeof(code), "%s", db_text(st, 0));
	snprintf(province, sizeof(province), "%s", db_text(st, 1));
	int is_province = sqlite3_column_int(st, 2) > 0, is_region = sqlite3_column_int(st, 3) > 0;
	sqlite3_finalize(st);
	json_t *list = json_array();
	*out = list;
	if (!*code)
		return 0; /* national: every commune of the country, typed by name or code */
	/* the petition's own commune first, then by French name */
	st =
	    db_prepare(db, "SELECT c.code, c.name_fr, c.name_ar, p.name_fr, p.name_ar FROM communes c "
	                   "JOIN provinces p ON p.code = c.province_code "
	                   "WHERE (?1 = 'province' AND c.province_code = ?2) OR (?1 = 'region' AND c.region_code = ?2) "
	                   "OR (?1 = 'commune' AND c.province_code = ?3) "
	                   "ORDER BY c.code <> ?2, c.name_fr, c.code");
	sqlite3_bind_text(st, 1, is_province ? "province" : is_region ? "region" : "commune", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, province, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", db_text(st, 0), "name_fr",
		                                      db_text(st, 1), "name_ar", db_text(st, 2), "province_fr",
		                                      db_text(st, 3), "province_ar", db_text(st, 4)));
	sqlite3_finalize(st);
	return 0;
}

int petition_paper_progress(sqlite3 *db, long long petition_id, long long sheet, int recent, json_t **out,
                            struct err *e)
{
	*out = NULL;
	sqlite3_stmt *st =
	    db_prepare(db, "SELECT (SELECT count(*) FROM signatures WHERE petition_id = ?1 AND channel = "
	                   "'paper') FROM petitions WHERE id = ?1");
	sqlite3_bind_int64(st, 1, petition_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(e, ERR_NOTFOUND, "no petition %lld", petition_id);
	}
	json_t *o =
	    json_pack("{s:I, s:I}", "paper", (json_int_t)sqlite3_column_int64(st, 0), "sheet", (json_int_t)sheet);
	sqlite3_finalize(st);

	json_t *rows = json_array();
	long long last = 0;
	st = db_prepare(db, "SELECT DISTINCT row_number FROM signatures WHERE petition_id = ? AND channel = 'paper' "
	                    "AND sheet = ? AND row_number IS NOT NULL ORDER BY row_number");
	sqlite3_bind_int64(st, 1, petition_id);
	sqlite3_bind_int64(st, 2, sheet);
	while (sqlite3_step(st) == SQLITE_ROW) {
		last = sqlite3_column_int64(st, 0);
		json_array_append_new(rows, json_integer(last));
	}
	sqlite3_finalize(st);
	json_object_set_new(o, "sheet_rows", rows);
	json_object_set_new(o, "next_row", json_integer(last + 1));

	json_t *list = json_array();
	st = db_prepare(db, "SELECT s.sheet, s.row_number, coalesce(s.commune_code, ''), coalesce(c.name_fr, ''), "
	                    "coalesce(c.name_ar, ''), CASE WHEN s.withdrawn_at IS NOT NULL THEN 'withdrawn' "
	                    "WHEN s.duplicate_of IS NOT NULL THEN 'duplicate' WHEN s.outside_territory THEN 'outside' "
	                    "ELSE 'counted' END FROM signatures s LEFT JOIN communes c ON c.code = s.commune_code "
	                    "WHERE s.petition_id = ? AND s.channel = 'paper' ORDER BY s.id DESC LIMIT ?");
	sqlite3_bind_int64(st, 1, petition_id);
	sqlite3_bind_int(st, 2, recent);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
		    list, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "sheet", (json_int_t)sqlite3_column_int64(st, 0),
		                    "row", (json_int_t)sqlite3_column_int64(st, 1), "commune_code", db_text(st, 2),
		                    "name_fr", db_text(st, 3), "name_ar", db_text(st, 4), "status", db_text(st, 5)));
	sqlite3_finalize(st);
	json_object_set_new(o, "recent", list);
	*out = o;
	return 0;
}
