/*
 * PDF export. Every block is laid out with pango (Arabic shaping, bidi, line breaking) in
 * points on an A4 page; pages are cut once everything is measured, so the footer knows the
 * total; then cairo draws each page.
 *
 * Lines are drawn run by run with cairo_show_text_glyphs, glyphs in visual order and each
 * glyph cluster with its own text (pdf_draw.h, shared with petition/sheets.c, says why).
 *
 * Tables (consecutive DOC_ROW blocks): each row is one block of one "line" as tall as its
 * tallest cell, so pages are cut between rows, never inside one. Column widths come from
 * the cells' measured text: every column gets at least its longest word, then what its
 * longest cell asks as far as the text width allows; room left over is shared evenly. The
 * header rows are drawn again at the top of each page the table continues on. In a
 * right-to-left document the first column is on the right.
 *
 * Threads: fontconfig and the font maps are set up as pdf_draw.c says; everything else
 * belongs to one call.
 */
#include "export/doc.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "export/pdf_draw.h"
#include "base/banned.h"

#define A4_SHORT       595.28 /* A4 in points */
#define A4_LONG        841.89
#define PAGE_W(j)      ((j)->d->landscape ? A4_LONG : A4_SHORT)
#define PAGE_H(j)      ((j)->d->landscape ? A4_SHORT : A4_LONG)
#define MARGIN         70.87 /* 2.5 cm */
#define BODY_TOP       MARGIN
#define BODY_BOTTOM(j) (PAGE_H(j) - MARGIN)
#define BODY_W(j)      (PAGE_W(j) - 2 * MARGIN)
#define HEADER_TOP     36.0 /* the organisation's name */
#define RULE_Y         (MARGIN - 14.0)
#define FOOTER_TOP(j)  (PAGE_H(j) - MARGIN + 24.0)
#define CELL_PAD       3.0 /* inside a table's cells */
#define INDENT      24.0 /* list items, per level */
#define QUOTE_IN    24.0
#define MARKER_GAP  5.0

#define PT(v) ((double)(v) / PANGO_SCALE)

enum pdf_kind {
	PDF_TITLE,
	PDF_DATE,
	PDF_HEADING,
	PDF_PARAGRAPH,
	PDF_ITEM,
	PDF_QUOTE,
	PDF_ROW,
};

/* A table's columns on the page. */
struct pdf_table {
	size_t ncols;
	double *x, *w; /* left edge and width of each column, in points */
};

/* One line of a layout, in the layout's coordinates (pango units). */
struct pdf_line {
	PangoLayoutLine *line; /* owned by the layout */
	int top, bottom;       /* the line's band, half the spacing above and below included */
	int baseline;
	int x; /* left edge of the line (alignment included) */
};

struct pdf_block {
	enum pdf_kind kind;
	PangoLayout *layout;
	PangoLayout *marker; /* a list item's bullet or number, or NULL */
	struct pdf_line *lines;
	int nlines;
	double x;        /* left edge of the layout's box on the page */
	double marker_x; /* left edge of the marker's box */
	double before, after;
	int keep_with_next;
	int break_before; /* starts a new page (a DOC_PAGEBREAK came before it) */
	double r, g, b; /* text colour */
	/* PDF_ROW: one layout per column (NULL for a missing cell), its table, whether it is a
	   header row, and the header row to draw first on a new page (or NO_REPEAT) */
	PangoLayout **cells;
	size_t table;
	int header;
	size_t repeat;
};

#define NO_REPEAT ((size_t)-1)

/* Lines [from, to) of a block, placed on a page: page y = layout y (points) + dy. */
struct pdf_piece {
	size_t block;
	int from, to;
	int page;
	double dy;
};

struct pdf_job {
	const struct doc *d;
	PangoContext *pango;
	PangoFontDescription *font; /* the families; sizes are set per block */
	double size;                /* body text size in points */
	double spacing;             /* line spacing factor of body text */
	struct pdf_block *blocks;
	size_t nblocks, ablocks;
	struct pdf_piece *pieces;
	size_t npieces, apieces;
	struct pdf_table *tables;
	size_t ntables, atables;
	int pages;
	int break_next; /* the next block starts a new page */
	struct pdf_draw_scratch scratch; /* for drawing runs */
	struct pdf_draw_out out; /* the output */
};

/* ---- text ---- */

static void append_cp(struct buf *t, uint32_t cp)
{
	char u[4];
	buf_append(t, u, (size_t)utf8_encode(cp, u));
}

static int is_ascii_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


/*
 * Appends user text for pango: invalid UTF-8 becomes U+FFFD, control characters other than
 * newline and tab become spaces. With `isolate`, numbers that bidi would reverse are
 * isolated left to right (U+2066 ... U+2069): in every document, since a French one may
 * hold an Arabic paragraph; the marks are invisible and left out of the text layer.
 */
static void text_append(struct buf *t, const char *s, size_t n, int isolate)
{
	uint32_t prev = 0;
	size_t i = 0;
	while (i < n) {
		uint32_t cp = 0;
		size_t num = isolate && !is_ascii_alnum(prev) ? doc_rtl_number_len(s + i, n - i) : 0;
		if (num) {
			append_cp(t, 0x2066);
			buf_append(t, s + i, num);
			append_cp(t, 0x2069);
			i += num;
			prev = '0';
			continue;
		}
		int k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k < 0) {
			cp = 0xFFFD;
			k = 1;
		} else if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F) {
			cp = ' ';
		}
		append_cp(t, cp);
		prev = cp;
		i += (size_t)k;
	}
}

static void attr_add(PangoAttrList *attrs, PangoAttribute *a, size_t start, size_t end)
{
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(attrs, a);
}

/*
 * The text of a block's spans and their attributes: bold and italic runs, citation marks
 * as superscript numbers (adjacent marks separated by commas).
 */
static void spans_text(const struct doc_block *b, double size, struct buf *t, PangoAttrList *attrs)
{
	int prev_cite = 0;
	for (size_t i = 0; i < b->nspans; i++) {
		const struct doc_span *sp = &b->spans[i];
		size_t start = t->len;
		if (sp->cite > 0) {
			buf_appendf(t, "%s%d", prev_cite ? "," : "", sp->cite);
			attr_add(attrs, pango_attr_scale_new(0.7), start, t->len);
			attr_add(attrs, pango_attr_rise_new((int)(size * 0.3 * PANGO_SCALE)), start, t->len);
			prev_cite = 1;
			continue;
		}
		prev_cite = 0;
		if (!sp->text)
			continue;
		text_append(t, sp->text, strlen(sp->text), 1);
		if (sp->style & DOC_BOLD)
			attr_add(attrs, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, t->len);
		if (sp->style & DOC_ITALIC)
			attr_add(attrs, pango_attr_style_new(PANGO_STYLE_ITALIC), start, t->len);
	}
}

/* ---- layout ---- */

static PangoLayout *layout_new(struct pdf_job *j, double size, int bold, double width, double spacing)
{
	PangoLayout *l = pdf_draw_layout_new(j->pango, j->font, size, bold, width);
	/* An Arabic paragraph that starts with a Latin word stays right to left. */
	pango_layout_set_auto_dir(l, !j->d->rtl);
	pango_layout_set_alignment(l, j->d->rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	if (spacing > 0)
		pango_layout_set_line_spacing(l, (float)spacing);
	return l;
}

/* Sets a layout's text and attributes; no hyphens are added where pango breaks a long word. */
static void layout_set(PangoLayout *l, const struct buf *t, PangoAttrList *attrs)
{
	attr_add(attrs, pango_attr_insert_hyphens_new(FALSE), 0, t->len);
	pango_layout_set_text(l, buf_str(t), (int)t->len);
	pango_layout_set_attributes(l, attrs);
}

static void block_measure(struct pdf_block *b)
{
	PangoLayoutIter *it = pango_layout_get_iter(b->layout);
	int n = pango_layout_get_line_count(b->layout), i = 0;
	b->lines = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*b->lines));
	do {
		PangoRectangle r;
		int y0 = 0, y1 = 0;
		if (i >= n)
			break;
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		pango_layout_iter_get_line_extents(it, NULL, &r);
		b->lines[i].line = pango_layout_iter_get_line_readonly(it);
		b->lines[i].top = y0;
		b->lines[i].bottom = y1;
		b->lines[i].baseline = pango_layout_iter_get_baseline(it);
		b->lines[i].x = r.x;
		i++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	b->nlines = i;
}

static struct pdf_block *block_add(struct pdf_job *j, enum pdf_kind kind)
{
	j->blocks = xgrow(j->blocks, &j->ablocks, j->nblocks + 1, sizeof(*j->blocks));
	struct pdf_block *b = &j->blocks[j->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->x = MARGIN;
	b->r = b->g = b->b = 0.1;
	b->break_before = j->break_next;
	j->break_next = 0;
	return b;
}

/* A block of one plain string (title, date, annex heading), centred or on the start side. */
static void block_plain(struct pdf_job *j, enum pdf_kind kind, const char *s, double size, int bold, int centre)
{
	struct buf t = BUF_INIT;
	PangoAttrList *attrs = pango_attr_list_new();
	struct pdf_block *b = block_add(j, kind);
	text_append(&t, s, strlen(s), 1);
	b->layout = layout_new(j, size, bold, BODY_W(j), j->d->rtl ? 1.2 : 0);
	if (centre)
		pango_layout_set_alignment(b->layout, PANGO_ALIGN_CENTER);
	layout_set(b->layout, &t, attrs);
	pango_attr_list_unref(attrs);
	buf_release(&t);
	block_measure(b);
}

/* The marker of a list item, beside the first line on the start side of a text box [x, x + w]. */
static void block_marker(struct pdf_job *j, struct pdf_block *b, const char *marker, double size, double w)
{
	int mw = 0, mh = 0;
	b->marker = layout_new(j, size, 0, -1, 0);
	pango_layout_set_width(b->marker, -1);
	pango_layout_set_text(b->marker, marker, -1);
	pango_layout_get_size(b->marker, &mw, &mh);
	b->marker_x = j->d->rtl ? b->x + w + MARKER_GAP : b->x - MARKER_GAP - PT(mw);
}

static void block_body(struct pdf_job *j, const struct doc_block *db)
{
	struct buf t = BUF_INIT;
	PangoAttrList *attrs = pango_attr_list_new();
	double size = j->size, width = BODY_W(j), indent = 0;
	int bold = 0;
	enum pdf_kind kind = PDF_PARAGRAPH;
	struct pdf_block *b;

	switch (db->type) {
	case DOC_HEADING: {
		int level = db->level < 1 ? 1 : db->level > 3 ? 3 : db->level;
		kind = PDF_HEADING;
		size = j->size * (level == 1 ? 1.4 : level == 2 ? 1.2 : 1.08);
		bold = 1;
		break;
	}
	case DOC_BULLET:
	case DOC_NUMBERED:
		kind = PDF_ITEM;
		indent = INDENT * (db->level > 1 ? (db->level > 4 ? 4 : db->level) : 1);
		break;
	case DOC_QUOTE:
		kind = PDF_QUOTE;
		indent = QUOTE_IN;
		break;
	case DOC_PARAGRAPH:
	case DOC_ROW:       /* tables are laid out by block_table */
	case DOC_PAGEBREAK: /* a flag on the next block */
		break;
	}
	b = block_add(j, kind);
	width = BODY_W(j) - (kind == PDF_QUOTE ? 2 * indent : indent);
	/* The indent is on the start side: the right in a right-to-left document. */
	b->x = MARGIN + (kind == PDF_QUOTE ? indent : j->d->rtl ? 0 : indent);
	spans_text(db, size, &t, attrs);
	b->layout = layout_new(j, size, bold, width, kind == PDF_HEADING ? (j->d->rtl ? 1.2 : 0) : j->spacing);
	if (kind == PDF_PARAGRAPH || kind == PDF_QUOTE || kind == PDF_ITEM)
		pango_layout_set_justify(b->layout, j->d->rtl);
	layout_set(b->layout, &t, attrs);
	block_measure(b);

	if (kind == PDF_HEADING) {
		b->before = size * (db->level <= 1 ? 1.1 : 0.9);
		b->after = size * 0.35;
		b->keep_with_next = 1;
	} else {
		b->after = j->size * (kind == PDF_ITEM ? 0.3 : 0.7);
	}
	if (kind == PDF_QUOTE)
		b->r = b->g = b->b = 0.25;
	if (kind == PDF_ITEM) {
		char num[32];
		if (db->type == DOC_NUMBERED)
			snprintf(num, sizeof(num), "%d.", db->number);
		else
			snprintf(num, sizeof(num), "%s", db->level > 1 ? "◦" : "•");
		block_marker(j, b, num, size, width);
	}
	pango_attr_list_unref(attrs);
	buf_release(&t);
}

/* The annex: its heading, then "n. line" for each source. */
static void block_annex(struct pdf_job *j)
{
	struct buf line = BUF_INIT, t = BUF_INIT;
	double size = j->size * 0.9;
	block_plain(j, PDF_HEADING, j->d->annex_title ? j->d->annex_title : "", j->size * 1.2, 1, 0);
	j->blocks[j->nblocks - 1].before = j->size * 1.6;
	j->blocks[j->nblocks - 1].after = j->size * 0.5;
	j->blocks[j->nblocks - 1].keep_with_next = 1;
	for (size_t i = 0; i < j->d->nsources; i++) {
		PangoAttrList *attrs = pango_attr_list_new();
		struct pdf_block *b = block_add(j, PDF_ITEM);
		char num[32];
		buf_reset(&line);
		buf_reset(&t);
		doc_source_line(j->d, &j->d->sources[i], &line);
		text_append(&t, buf_str(&line), line.len, 1);
		b->x = MARGIN + (j->d->rtl ? 0 : INDENT);
		b->layout = layout_new(j, size, 0, BODY_W(j) - INDENT, j->spacing);
		layout_set(b->layout, &t, attrs);
		pango_attr_list_unref(attrs);
		block_measure(b);
		b->after = j->size * 0.4;
		snprintf(num, sizeof(num), "%zu.", i + 1);
		block_marker(j, b, num, size, BODY_W(j) - INDENT);
	}
	buf_release(&line);
	buf_release(&t);
}

/* Natural width of a layout without wrapping, and the width of its longest word (points). */
static void cell_widths(PangoLayout *l, double *natural, double *word)
{
	PangoRectangle r;
	pango_layout_set_width(l, -1);
	pango_layout_get_extents(l, NULL, &r);
	*natural = PT(r.width);
	/* Cut at every word: the widest line is the longest word. */
	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	pango_layout_set_width(l, 1);
	*word = 0;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		pango_layout_iter_get_line_extents(it, NULL, &r);
		if (PT(r.width) > *word)
			*word = PT(r.width);
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
}

/* The table of blocks [i, end) of the document: one PDF_ROW block per row. Returns end. */
static size_t block_table(struct pdf_job *j, size_t i)
{
	const struct doc *d = j->d;
	size_t end = i, header = 0, ncols = doc_table(d, i, &end, &header);
	size_t first = j->nblocks, nrows = end - i, header_block = NO_REPEAT;
	double size = j->size * 0.8, avail = BODY_W(j);
	double *want = xcalloc(ncols + 1, sizeof(*want)), *word = xcalloc(ncols + 1, sizeof(*word));
	struct buf t = BUF_INIT;

	j->tables = xgrow(j->tables, &j->atables, j->ntables + 1, sizeof(*j->tables));
	struct pdf_table *tb = &j->tables[j->ntables++];
	tb->ncols = ncols;
	tb->x = xcalloc(ncols + 1, sizeof(*tb->x));
	tb->w = xcalloc(ncols + 1, sizeof(*tb->w));
	for (size_t k = 0; k < ncols; k++)
		want[k] = word[k] = 2 * CELL_PAD + size; /* an empty column stays visible */

	/* Lay out every cell unwrapped, measuring what each column asks. */
	for (size_t r = 0; r < nrows; r++) {
		const struct doc_block *db = &d->blocks[i + r];
		struct pdf_block *b = block_add(j, PDF_ROW);
		b->header = r < header || db->level == 1;
		b->table = j->ntables - 1;
		b->repeat = NO_REPEAT;
		b->cells = xcalloc(ncols + 1, sizeof(*b->cells));
		for (size_t c = 0; c < ncols && c < db->nspans; c++) {
			const struct doc_span *sp = &db->spans[c];
			PangoAttrList *attrs = pango_attr_list_new();
			double natural = 0, longest = 0;
			buf_reset(&t);
			if (sp->text)
				text_append(&t, sp->text, strlen(sp->text), 1);
			if (sp->style & DOC_BOLD)
				attr_add(attrs, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0, t.len);
			if (sp->style & DOC_ITALIC)
				attr_add(attrs, pango_attr_style_new(PANGO_STYLE_ITALIC), 0, t.len);
			b->cells[c] = layout_new(j, size, b->header, -1, 0);
			layout_set(b->cells[c], &t, attrs);
			pango_attr_list_unref(attrs);
			cell_widths(b->cells[c], &natural, &longest);
			if (natural + 2 * CELL_PAD > want[c])
				want[c] = natural + 2 * CELL_PAD;
			if (longest + 2 * CELL_PAD > word[c])
				word[c] = longest + 2 * CELL_PAD;
		}
	}
	/* A column left empty in every body row is for the hand: room for DOC_HAND_CHARS characters. */
	for (size_t c = 0; c < ncols; c++) {
		int filled = 0;
		for (size_t r = header; r < nrows && !filled; r++) {
			const struct doc_block *db = &d->blocks[i + r];
			filled = db->level == 0 && c < db->nspans && db->spans[c].text && *db->spans[c].text;
		}
		if (!filled && word[c] < DOC_HAND_CHARS * size * 0.5)
			want[c] = word[c] = DOC_HAND_CHARS * size * 0.5;
	}
	doc_table_fit(avail, ncols, want, word, tb->w);
	/* Columns from the start side: the right in a right-to-left document. */
	double edge = d->rtl ? MARGIN + avail : MARGIN;
	for (size_t c = 0; c < ncols; c++) {
		tb->x[c] = d->rtl ? edge - tb->w[c] : edge;
		edge += d->rtl ? -tb->w[c] : tb->w[c];
	}

	/* Wrap each cell to its column; a row is as tall as its tallest cell. */
	for (size_t r = 0; r < nrows; r++) {
		struct pdf_block *b = &j->blocks[first + r];
		int tallest = (int)(size * PANGO_SCALE);
		for (size_t c = 0; c < ncols; c++) {
			int cw = 0, ch = 0;
			if (!b->cells[c])
				continue;
			pango_layout_set_width(b->cells[c], (int)((tb->w[c] - 2 * CELL_PAD) * PANGO_SCALE));
			pango_layout_get_size(b->cells[c], &cw, &ch);
			if (ch > tallest)
				tallest = ch;
		}
		b->lines = xcalloc(1, sizeof(*b->lines));
		b->nlines = 1;
		b->lines[0].bottom = tallest + (int)(2 * CELL_PAD * PANGO_SCALE);
		if (b->header && r < header) {
			b->keep_with_next = r + 1 < nrows;
			header_block = first + r;
		} else {
			b->repeat = header ? header_block : NO_REPEAT;
		}
	}
	if (nrows) {
		j->blocks[first].before = j->size * 0.3;
		j->blocks[first + nrows - 1].after = j->size * 0.7;
	}
	free(want);
	free(word);
	buf_release(&t);
	return end;
}

static double lines_height(const struct pdf_block *b, int from, int to)
{
	if (from >= to)
		return 0;
	return PT(b->lines[to - 1].bottom - b->lines[from].top);
}

static void piece_add(struct pdf_job *j, size_t block, int from, int to, int page, double y)
{
	const struct pdf_block *b = &j->blocks[block];
	j->pieces = xgrow(j->pieces, &j->apieces, j->npieces + 1, sizeof(*j->pieces));
	j->pieces[j->npieces++] = (struct pdf_piece){block, from, to, page, y - PT(b->lines[from].top)};
}

/*
 * Cuts the pages: a block that does not fit the rest of the page goes to the next one, and
 * a heading goes with the block after it. A block taller than a page, or one that follows
 * its heading, is split between lines instead, when at least two of its lines fit.
 */
static void paginate(struct pdf_job *j)
{
	const double room = BODY_BOTTOM(j) - BODY_TOP;
	double y = BODY_TOP;
	int page = 0, heading_page = -1;
	for (size_t i = 0; i < j->nblocks; i++) {
		const struct pdf_block *b = &j->blocks[i];
		if (!b->nlines)
			continue;
		if (b->break_before && y > BODY_TOP) {
			page++;
			y = BODY_TOP;
		}
		if (y > BODY_TOP)
			y += b->before;
		double h = lines_height(b, 0, b->nlines), need = h;
		double two = lines_height(b, 0, b->nlines < 2 ? b->nlines : 2);
		if (h > room || heading_page == page)
			need = two;
		if (b->keep_with_next && i + 1 < j->nblocks) {
			/* With the next block whole when both fit on a page, else with its first lines. */
			const struct pdf_block *n = &j->blocks[i + 1];
			double whole = lines_height(n, 0, n->nlines);
			need +=
			    n->before +
			    (h + n->before + whole <= room ? whole : lines_height(n, 0, n->nlines < 2 ? n->nlines : 2));
		}
		if (y + need > BODY_BOTTOM(j) && y > BODY_TOP) {
			page++;
			y = BODY_TOP;
			if (b->repeat != NO_REPEAT) {
				/* the table's header row again, at the top of the page */
				const struct pdf_block *hb = &j->blocks[b->repeat];
				piece_add(j, b->repeat, 0, hb->nlines, page, y);
				y += lines_height(hb, 0, hb->nlines);
			}
		}
		int from = 0;
		while (from < b->nlines) {
			int to = from;
			while (to < b->nlines && y + lines_height(b, from, to + 1) <= BODY_BOTTOM(j))
				to++;
			if (to == from)
				to = from + 1; /* a line taller than a page: it overflows */
			piece_add(j, i, from, to, page, y);
			y += lines_height(b, from, to);
			from = to;
			if (from < b->nlines) {
				page++;
				y = BODY_TOP;
			}
		}
		y += b->after;
		heading_page = b->keep_with_next ? page : -1;
	}
	j->pages = page + 1;
}

/* ---- drawing ---- */

static void page_frame(struct pdf_job *j, cairo_t *cr, PangoLayout *header, int page)
{
	char label[64];
	PangoLayout *footer = layout_new(j, j->size * 0.75, 0, BODY_W(j), 0);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	if (header)
		pdf_draw_layout(cr, header, MARGIN, HEADER_TOP, &j->scratch);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, MARGIN, RULE_Y);
	cairo_line_to(cr, PAGE_W(j) - MARGIN, RULE_Y);
	cairo_stroke(cr);
	struct buf t = BUF_INIT;
	if (j->d->page_label)
		text_append(&t, j->d->page_label, strlen(j->d->page_label), 0);
	/* Isolated left to right, so a right-to-left page reads "صفحة 2 / 10", not "10 / 2". */
	snprintf(label, sizeof(label), " \u2066%d / %d\u2069", page + 1, j->pages);
	buf_appends(&t, label);
	pango_layout_set_alignment(footer, PANGO_ALIGN_CENTER);
	pango_layout_set_text(footer, buf_str(&t), (int)t.len);
	pdf_draw_layout(cr, footer, MARGIN, FOOTER_TOP(j), &j->scratch);
	buf_release(&t);
	g_object_unref(footer);
}

/* A table row: the header's shading, each cell's frame, then the text. */
static void row_draw(struct pdf_job *j, cairo_t *cr, const struct pdf_block *b, double top)
{
	const struct pdf_table *tb = &j->tables[b->table];
	double h = PT(b->lines[0].bottom);
	for (size_t c = 0; c < tb->ncols; c++) {
		cairo_rectangle(cr, tb->x[c], top, tb->w[c], h);
		if (b->header) {
			cairo_set_source_rgb(cr, 0.894, 0.914, 0.941);
			cairo_fill_preserve(cr);
		}
		cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
	}
	cairo_set_source_rgb(cr, b->r, b->g, b->b);
	for (size_t c = 0; c < tb->ncols; c++)
		if (b->cells[c])
			pdf_draw_layout(cr, b->cells[c], tb->x[c] + CELL_PAD, top + CELL_PAD, &j->scratch);
}

static void piece_draw(struct pdf_job *j, cairo_t *cr, const struct pdf_piece *p)
{
	const struct pdf_block *b = &j->blocks[p->block];
	if (b->kind == PDF_ROW) {
		row_draw(j, cr, b, p->dy);
		return;
	}
	cairo_set_source_rgb(cr, b->r, b->g, b->b);
	for (int i = p->from; i < p->to; i++)
		pdf_draw_line(cr, b->layout, b->lines[i].line, b->x + PT(b->lines[i].x), p->dy + PT(b->lines[i].baseline),
		              &j->scratch);
	if (b->marker && p->from == 0) {
		/* Beside the first line: the marker's baseline on the line's. */
		double base = p->dy + PT(b->lines[0].baseline);
		PangoLayoutIter *it = pango_layout_get_iter(b->marker);
		double mtop = base - PT(pango_layout_iter_get_baseline(it));
		pango_layout_iter_free(it);
		pdf_draw_layout(cr, b->marker, b->marker_x, mtop, &j->scratch);
	}
	if (b->kind == PDF_QUOTE) {
		/* A bar on the start side, the height of the lines on this page. */
		double top = p->dy + PT(b->lines[p->from].top), bottom = p->dy + PT(b->lines[p->to - 1].bottom);
		double bx =
		    j->d->rtl ? b->x + PT(pango_layout_get_width(b->layout)) + QUOTE_IN / 2 : b->x - QUOTE_IN / 2;
		cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
		cairo_set_line_width(cr, 2);
		cairo_move_to(cr, bx, top + 2);
		cairo_line_to(cr, bx, bottom - 2);
		cairo_stroke(cr);
	}
}

static void job_release(struct pdf_job *j)
{
	for (size_t i = 0; i < j->nblocks; i++) {
		struct pdf_block *b = &j->blocks[i];
		if (b->layout)
			g_object_unref(b->layout);
		if (b->marker)
			g_object_unref(b->marker);
		if (b->cells) {
			for (size_t c = 0; c < j->tables[b->table].ncols; c++)
				if (b->cells[c])
					g_object_unref(b->cells[c]);
			free(b->cells);
		}
		free(b->lines);
	}
	free(j->blocks);
	for (size_t i = 0; i < j->ntables; i++) {
		free(j->tables[i].x);
		free(j->tables[i].w);
	}
	free(j->tables);
	free(j->pieces);
	pdf_draw_scratch_release(&j->scratch);
	if (j->font)
		pango_font_description_free(j->font);
	if (j->pango)
		g_object_unref(j->pango);
}

int export_pdf(const struct doc *d, struct buf *out, struct err *e)
{
	struct pdf_job j = {.d = d, .out = {.out = out}, .scratch = PDF_DRAW_SCRATCH_INIT};
	size_t old_len = out->len;
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	PangoLayout *header = NULL;
	cairo_status_t status;
	struct buf s = BUF_INIT;
	int ret = doc_check(d, e);
	if (ret)
		return ret;

	pdf_draw_init();
	j.pango = pdf_draw_context(d->rtl, d->lang);
	j.font = pango_font_description_from_string(d->rtl ? "Noto Naskh Arabic, Noto Sans 12"
	                                                   : "Noto Sans, Noto Naskh Arabic 11");
	j.size = d->rtl ? 12 : 11;
	/* Noto Naskh Arabic's own line height is already about 1.75 em: taken as it is. */
	j.spacing = d->rtl ? 1.0 : 1.15;

	if (d->title && *d->title) {
		block_plain(&j, PDF_TITLE, d->title, j.size * 1.7, 1, 1);
		j.blocks[j.nblocks - 1].after = d->date && *d->date ? j.size * 0.3 : j.size * 1.2;
	}
	if (d->date && *d->date) {
		block_plain(&j, PDF_DATE, d->date, j.size * 0.95, 0, 1);
		j.blocks[j.nblocks - 1].after = j.size * 1.2;
		j.blocks[j.nblocks - 1].r = j.blocks[j.nblocks - 1].g = j.blocks[j.nblocks - 1].b = 0.35;
	}
	for (size_t i = 0; i < d->nblocks;) {
		if (d->blocks[i].type == DOC_ROW)
			i = block_table(&j, i);
		else if (d->blocks[i].type == DOC_PAGEBREAK)
			j.break_next = 1, i++;
		else
			block_body(&j, &d->blocks[i++]);
	}
	if (d->nsources)
		block_annex(&j);
	paginate(&j);

	if (d->organisation && *d->organisation) {
		text_append(&s, d->organisation, strlen(d->organisation), 1);
		header = layout_new(&j, j.size * 0.75, 0, BODY_W(&j), 0);
		pango_layout_set_text(header, buf_str(&s), (int)s.len);
	}
	surface = cairo_pdf_surface_create_for_stream(pdf_draw_write, &j.out, PAGE_W(&j), PAGE_H(&j));
	buf_reset(&s);
	text_append(&s, d->title ? d->title : "", d->title ? strlen(d->title) : 0, 0);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, buf_str(&s));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Asurif");
	cr = cairo_create(surface);
	size_t p = 0;
	for (int page = 0; page < j.pages; page++) {
		page_frame(&j, cr, header, page);
		for (; p < j.npieces && j.pieces[p].page == page; p++)
			piece_draw(&j, cr, &j.pieces[p]);
		cairo_show_page(cr);
	}
	status = cairo_status(cr);
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surface);
	if (j.out.failed) {
		ret = err_set(e, ERR_TOO_BIG, "the PDF is larger than the output allows (%zu bytes)", out->max);
		goto cleanup;
	}
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(surface);
	if (status != CAIRO_STATUS_SUCCESS)
		ret = err_set(e, ERR_IO, "cairo could not write the PDF: %s", cairo_status_to_string(status));

cleanup:
	if (cr)
		cairo_destroy(cr);
	if (surface)
		cairo_surface_destroy(surface);
	if (header)
		g_object_unref(header);
	buf_release(&s);
	job_release(&j);
	if (ret)
		buf_truncate(out, old_len);
	return ret;
}
