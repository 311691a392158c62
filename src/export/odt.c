/*
 * ODT (OpenDocument text, version 1.2) export. content.xml's body is written here in one
 * pass over the blocks; styles (page layout, header and footer, lists, endnote numbering),
 * metadata and manifest are templates of data/export/odt/.
 *
 * Right-to-left documents: the default paragraph style and the page are style:writing-mode
 * "rl-tb"; headings are aligned "end", which LibreOffice draws on the right in a
 * right-to-left paragraph ("start" is drawn on the left there); body text is justified.
 *
 * A line broken by hand in a justified paragraph is not stretched to the margins
 * (LibreOffice's DoNotJustifyLinesWithManualBreak, in settings.xml).
 *
 * Tables (consecutive DOC_ROW blocks): a table:table the width of the text area, its
 * header rows in table:table-header-rows (repeated on each page), rows kept whole
 * (fo:keep-together), columns from doc_table_widths, written right to left ("rl-tb") in a
 * right-to-left document; its column styles are automatic styles of content.xml.
 *
 * OpenDocument collapses runs of white space, so a space that follows another space (or
 * opens a paragraph, or follows a tab or line break) is written <text:s/>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "export/doc.h"
#include "export/office.h"
#include "base/banned.h"

/* OpenDocument's list levels: 1 to 10. */
#define ODT_LEVELS 10

struct odt {
	const struct doc *d;
	int rtl;
	struct buf body; /* the paragraphs of content.xml */
	struct buf line; /* scratch: a source line */
	struct buf table_styles; /* automatic styles of the tables' columns */
	int ntables;
	int nnotes;
	int space;                /* the paragraph is empty so far or ends with white space */
	int depth;                /* lists open: each has one item open */
	int numbered[ODT_LEVELS]; /* whether the list open at each level is numbered */
	int num_next[ODT_LEVELS]; /* the number its next item would get */
};

/* Text without tabs or line breaks: spaces that would collapse become <text:s/>. */
static void odt_words(struct odt *x, struct buf *o, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		if (s[i] == ' ') {
			while (j < n && s[j] == ' ')
				j++;
			size_t k = j - i;
			if (!x->space) {
				buf_appendc(o, ' ');
				k--;
			}
			if (k == 1)
				buf_appends(o, "<text:s/>");
			else if (k > 1)
				buf_appendf(o, "<text:s text:c=\"%zu\"/>", k);
			x->space = 1;
		} else {
			while (j < n && s[j] != ' ')
				j++;
			office_xml_text(o, s + i, j - i, x->rtl);
			x->space = 0;
		}
		i = j;
	}
}

static void odt_text(struct odt *x, struct buf *o, const char *s, size_t n)
{
	struct office_piece p;
	size_t pos = 0;

	while (office_next_piece(s, n, &pos, 0, &p)) {
		switch (p.type) {
		case OFFICE_PIECE_TEXT:
			odt_words(x, o, p.s, p.n);
			break;
		case OFFICE_PIECE_BREAK:
			buf_appends(o, "<text:line-break/>");
			x->space = 1;
			break;
		case OFFICE_PIECE_TAB:
			buf_appends(o, "<text:tab/>");
			x->space = 1;
			break;
		}
	}
}

/* A citation mark: an endnote holding the source's line. */
static void odt_cite(struct odt *x, struct buf *o, int n)
{
	int id = ++x->nnotes, space = x->space;

	buf_reset(&x->line);
	doc_source_line(x->d, &x->d->sources[n - 1], &x->line);
	buf_appendf(
	    o,
	    "<text:note text:id=\"ftn%d\" text:note-class=\"endnote\"><text:note-citation>%d</text:note-citation>"
	    "<text:note-body><text:p text:style-name=\"Endnote\">",
	    id, id);
	x->space = 1;
	odt_text(x, o, buf_str(&x->line), x->line.len);
	buf_appends(o, "</text:p></text:note-body></text:note>");
	x->space = space;
}

static void odt_spans(struct odt *x, const struct doc_block *b)
{
	for (size_t i = 0; i < b->nspans; i++) {
		const struct doc_span *s = &b->spans[i];
		unsigned st = s->style & (DOC_BOLD | DOC_ITALIC);
		if (s->cite > 0) {
			odt_cite(x, &x->body, s->cite);
			continue;
		}
		if (!s->text)
			continue;
		/* T1 bold, T2 italic, T3 both: the automatic styles of content.xml. */
		if (st)
			buf_appendf(&x->body, "<text:span text:style-name=\"T%u\">", st);
		odt_text(x, &x->body, s->text, strlen(s->text));
		if (st)
			buf_appends(&x->body, "</text:span>");
	}
}

static void odt_para_open(struct odt *x, const char *style)
{
	buf_appendf(&x->body, "<text:p text:style-name=\"%s\">", style);
	x->space = 1;
}

static void odt_heading_open(struct odt *x, int level)
{
	buf_appendf(&x->body, "<text:h text:style-name=\"Heading_20_%d\" text:outline-level=\"%d\">", level, level);
	x->space = 1;
}

static void odt_lists_close(struct odt *x, int depth)
{
	while (x->depth > depth) {
		buf_appends(&x->body, "</text:list-item></text:list>\n");
		x->depth--;
	}
}

/*
 * A list item: lists open and close around it so that each level is one text:list, and a
 * numbered item whose number does not follow begins a new list (with its start value).
 */
static void odt_list_item(struct odt *x, const struct doc_block *b)
{
	int numbered = b->type == DOC_NUMBERED;
	int level = b->level < 1 ? 1 : b->level > ODT_LEVELS ? ODT_LEVELS : b->level;
	int number = 0;

	if (level > x->depth + 1)
		level = x->depth + 1;
	odt_lists_close(x, level);
	int k = level - 1;
	int same = x->depth == level && x->numbered[k] == numbered;
	if (numbered)
		number = b->number > 0 ? b->number : same ? x->num_next[k] : 1;
	if (same && (!numbered || number == x->num_next[k])) {
		buf_appends(&x->body, "</text:list-item>\n<text:list-item>");
	} else {
		odt_lists_close(x, level - 1);
		buf_appendf(&x->body, "<text:list text:style-name=\"%s\">",
		            numbered ? "Asurif_20_Numbers" : "Asurif_20_Bullets");
		if (numbered && number != 1)
			buf_appendf(&x->body, "<text:list-item text:start-value=\"%d\">", number);
		else
			buf_appends(&x->body, "<text:list-item>");
		x->depth = level;
		x->numbered[k] = numbered;
	}
	if (numbered)
		x->num_next[k] = number + 1;
	odt_para_open(x, "List_20_Paragraph");
	odt_spans(x, b);
	buf_appends(&x->body, "</text:p>");
}

static void odt_block(struct odt *x, const struct doc_block *b)
{
	int level = b->level < 1 ? 1 : b->level > 3 ? 3 : b->level;

	if (b->type == DOC_BULLET || b->type == DOC_NUMBERED) {
		odt_list_item(x, b);
		return;
	}
	odt_lists_close(x, 0);
	switch (b->type) {
	case DOC_HEADING:
		odt_heading_open(x, level);
		odt_spans(x, b);
		buf_appends(&x->body, "</text:h>\n");
		return;
	case DOC_QUOTE:
		odt_para_open(x, "Quotations");
		break;
	case DOC_PAGEBREAK:
		buf_appends(&x->body, "<text:p text:style-name=\"Page_20_Break\"/>\n");
		return;
	default:
		odt_para_open(x, "Standard");
		break;
	}
	odt_spans(x, b);
	buf_appends(&x->body, "</text:p>\n");
}

/* A length in centimetres with two decimals, without locale-dependent printf. */
static void odt_cm(struct buf *o, double cm)
{
	int h = (int)(cm * 100 + 0.5);
	buf_appendf(o, "%d.%02dcm", h / 100, h % 100);
}

static void odt_cell(struct odt *x, const struct doc_span *s, int header)
{
	buf_appendf(&x->body, "<table:table-cell table:style-name=\"%s\" office:value-type=\"string\">",
	            header ? "TblHead" : "TblCell");
	odt_para_open(x, header ? "Table_20_Heading" : "Table_20_Contents");
	if (s && s->text) {
		unsigned st = s->style & (DOC_BOLD | DOC_ITALIC);
		if (st)
			buf_appendf(&x->body, "<text:span text:style-name=\"T%u\">", st);
		odt_text(x, &x->body, s->text, strlen(s->text));
		if (st)
			buf_appends(&x->body, "</text:span>");
	}
	buf_appends(&x->body, "</text:p></table:table-cell>");
}

/* The table of blocks [i, end): returns end. */
static size_t odt_table(struct odt *x, size_t i)
{
	const struct doc *d = x->d;
	size_t end = i, header = 0, ncols = doc_table(d, i, &end, &header);
	double *rel = xcalloc(ncols ? ncols : 1, sizeof(*rel));
	const double total = d->landscape ? 29.7 - 5 : 21 - 5; /* the text area, in cm */
	int n = ++x->ntables;

	doc_table_widths(d, i, end, ncols, total / 0.212, rel); /* a character: 6 pt */
	struct buf *st = &x->table_styles;
	buf_appendf(st, "<style:style style:name=\"Tbl%d\" style:family=\"table\"><style:table-properties style:width=\"", n);
	odt_cm(st, total);
	buf_appendf(st, "\" table:align=\"margins\" fo:margin-top=\"0.2cm\" fo:margin-bottom=\"0.3cm\" "
	                "style:writing-mode=\"%s\"/></style:style>\n", x->rtl ? "rl-tb" : "lr-tb");
	for (size_t c = 0; c < ncols; c++) {
		buf_appendf(st, "<style:style style:name=\"Tbl%d.C%zu\" style:family=\"table-column\">"
		                "<style:table-column-properties style:column-width=\"", n, c + 1);
		odt_cm(st, rel[c] * total);
		buf_appendf(st, "\" style:rel-column-width=\"%d*\"/></style:style>\n", (int)(rel[c] * 10000 + 0.5));
	}
	buf_appendf(&x->body, "<table:table table:name=\"Table%d\" table:style-name=\"Tbl%d\">", n, n);
	for (size_t c = 0; c < ncols; c++)
		buf_appendf(&x->body, "<table:table-column table:style-name=\"Tbl%d.C%zu\"/>", n, c + 1);
	for (size_t k = i; k < end; k++) {
		const struct doc_block *b = &d->blocks[k];
		if (k == i && header)
			buf_appends(&x->body, "<table:table-header-rows>");
		buf_appends(&x->body, "<table:table-row table:style-name=\"TblRow\">");
		for (size_t c = 0; c < ncols; c++)
			odt_cell(x, c < b->nspans ? &b->spans[c] : NULL, k - i < header || b->level == 1);
		buf_appends(&x->body, "</table:table-row>\n");
		if (header && k - i + 1 == header)
			buf_appends(&x->body, "</table:table-header-rows>\n");
	}
	buf_appends(&x->body, "</table:table>\n");
	free(rel);
	return end;
}

static void odt_plain(struct odt *x, const char *style, const char *text)
{
	odt_para_open(x, style);
	odt_text(x, &x->body, text, strlen(text));
	buf_appends(&x->body, "</text:p>\n");
}

static void odt_annex(struct odt *x)
{
	const struct doc *d = x->d;
	const char *title = d->annex_title ? d->annex_title : "";

	if (!d->nsources)
		return;
	odt_heading_open(x, 1);
	odt_text(x, &x->body, title, strlen(title));
	buf_appends(&x->body, "</text:h>\n");
	for (size_t i = 0; i < d->nsources; i++) {
		buf_reset(&x->line);
		buf_appendf(&x->line, "%zu. ", i + 1);
		doc_source_line(d, &d->sources[i], &x->line);
		odt_plain(x, "Source", buf_str(&x->line));
	}
}

static void odt_body(struct odt *x)
{
	const struct doc *d = x->d;

	if (d->title && *d->title)
		odt_plain(x, "Title", d->title);
	if (d->date && *d->date)
		odt_plain(x, "Subtitle", d->date);
	for (size_t i = 0; i < d->nblocks;) {
		if (d->blocks[i].type == DOC_ROW) {
			odt_lists_close(x, 0);
			i = odt_table(x, i);
			continue;
		}
		odt_block(x, &d->blocks[i++]);
	}
	odt_lists_close(x, 0);
	odt_annex(x);
	if (!x->body.len)
		odt_plain(x, "Standard", "");
}

/* The ten list levels the list styles repeat. */
static json_t *odt_levels(void)
{
	static const char *const bullets[] = {"\u2022", "\u2013"};
	json_t *levels = json_array();
	for (int i = 0; i < ODT_LEVELS; i++) {
		int hundredths = 127 * (i + 1); /* 1.27 cm a level, without locale-dependent printf */
		char indent[32];
		snprintf(indent, sizeof(indent), "%d.%02dcm", hundredths / 100, hundredths % 100);
		json_array_append_new(
		    levels, json_pack("{s:i, s:s, s:s}", "level", i + 1, "indent", indent, "bullet", bullets[i % 2]));
	}
	return levels;
}

/* The parts after the mimetype: template name under data/, member name. */
static const char *const ODT_PARTS[][2] = {
    {"export/odt/manifest.xml", "META-INF/manifest.xml"},
    {"export/odt/content.xml", "content.xml"},
    {"export/odt/styles.xml", "styles.xml"},
    {"export/odt/meta.xml", "meta.xml"},
    {"export/odt/settings.xml", "settings.xml"},
};

static const char ODT_MIMETYPE[] = "application/vnd.oasis.opendocument.text";

int export_odt(const struct doc *d, struct buf *out, struct err *e)
{
	struct odt x = {.d = d, .rtl = d->rtl};
	struct office_zip z = OFFICE_ZIP_INIT;
	struct buf header = BUF_INIT, footer = BUF_INIT, part = BUF_INIT;
	json_t *data = NULL;
	int rc;

	if ((rc = doc_check(d, e)))
		goto cleanup;
	odt_body(&x);
	if (d->organisation && *d->organisation) {
		x.space = 1;
		odt_text(&x, &header, d->organisation, strlen(d->organisation));
	}
	x.space = 1;
	if (d->page_label && *d->page_label) {
		odt_text(&x, &footer, d->page_label, strlen(d->page_label));
		odt_text(&x, &footer, " ", 1);
	}
	buf_appends(&footer, "<text:page-number text:select-page=\"current\">1</text:page-number>");

	data = office_template_data(d);
	json_object_set_new(data, "levels", odt_levels());
	json_object_set_new(data, "writing_mode", json_string(d->rtl ? "rl-tb" : "lr-tb"));
	json_object_set_new(data, "align_start", json_string(d->rtl ? "end" : "start"));
	json_object_set_new(data, "landscape", json_boolean(d->landscape));
	if (x.ntables)
		buf_appends(&x.table_styles,
		            "<style:style style:name=\"TblRow\" style:family=\"table-row\"><style:table-row-properties "
		            "fo:keep-together=\"always\"/></style:style>\n"
		            "<style:style style:name=\"TblCell\" style:family=\"table-cell\"><style:table-cell-properties "
		            "fo:padding=\"0.08cm\" fo:border=\"0.5pt solid #404040\"/></style:style>\n"
		            "<style:style style:name=\"TblHead\" style:family=\"table-cell\"><style:table-cell-properties "
		            "fo:background-color=\"#e4e9f0\" fo:padding=\"0.08cm\" fo:border=\"0.5pt solid #404040\"/>"
		            "</style:style>\n");
	office_data_set_raw(data, "table_styles", x.table_styles.data, x.table_styles.len);
	office_data_set_raw(data, "body", x.body.data, x.body.len);
	buf_release(&x.body);
	office_data_set_raw(data, "header", header.data, header.len);
	office_data_set_raw(data, "footer", footer.data, footer.len);

	if ((rc = office_zip_open(&z, e)))
		goto cleanup;
	/* The mimetype first and stored, so that a program can tell the format from the bytes. */
	buf_appends(&part, ODT_MIMETYPE);
	if ((rc = office_zip_add(&z, "mimetype", &part, 1, e)))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(ODT_PARTS); i++)
		if ((rc = office_render(d->overrides, ODT_PARTS[i][0], data, &part, e)) ||
		    (rc = office_zip_add(&z, ODT_PARTS[i][1], &part, 0, e)))
			goto cleanup;
	rc = office_zip_finish(&z, out, e);
cleanup:
	office_zip_discard(&z);
	json_decref(data);
	buf_release(&x.body);
	buf_release(&x.line);
	buf_release(&x.table_styles);
	buf_release(&header);
	buf_release(&footer);
	buf_release(&part);
	return rc;
}
