/*
 * DOCX (WordprocessingML) export. The body, the endnotes and the list instances are written
 * here in one pass over the blocks; every other part is a template of data/export/docx/.
 *
 * Right-to-left documents: every paragraph has <w:bidi/>, every run of Arabic (and of the
 * digits and punctuation around it) has <w:rtl/>, runs of Latin words do not (the standard
 * asks not to mark strong left-to-right text as rtl). In a bidi paragraph Word and
 * LibreOffice read w:jc "left" as the paragraph's start, which is the right edge: headings
 * say "left" and show on the right; body text is "both" (justified). A line broken by hand
 * in a justified paragraph is not stretched (w:doNotExpandShiftReturn in settings.xml).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "export/doc.h"
#include "export/office.h"
#include "base/banned.h"

/* Word's list levels: ilvl 0 to 8. */
#define DOCX_LEVELS 9

struct docx {
	const struct doc *d;
	int rtl;
	struct buf body;  /* the paragraphs of word/document.xml */
	struct buf notes; /* the endnotes after the two separators */
	struct buf nums;  /* one <w:num> per numbered list (ids 2, 3...; 1 is the bullets) */
	struct buf line;  /* scratch: a source line */
	int nnotes;
	int nnums;
	int num_id[DOCX_LEVELS];   /* the numbered list open at each level, 0 if none */
	int num_next[DOCX_LEVELS]; /* the number its next item would get */
};

static void docx_para_open(struct docx *x, struct buf *o, const char *style, int num_id, int ilvl, const char *jc)
{
	buf_appends(o, "<w:p><w:pPr>");
	if (style)
		buf_appendf(o, "<w:pStyle w:val=\"%s\"/>", style);
	if (num_id)
		buf_appendf(o, "<w:numPr><w:ilvl w:val=\"%d\"/><w:numId w:val=\"%d\"/></w:numPr>", ilvl, num_id);
	if (x->rtl)
		buf_appends(o, "<w:bidi/>");
	if (jc)
		buf_appendf(o, "<w:jc w:val=\"%s\"/>", jc);
	buf_appends(o, "</w:pPr>");
}

/* The runs of one span's text: cut at line breaks, tabs and (right-to-left) changes of direction. */
static void docx_runs(struct docx *x, struct buf *o, const char *text, size_t n, unsigned style)
{
	struct office_piece p;
	size_t pos = 0;

	while (office_next_piece(text, n, &pos, x->rtl, &p)) {
		int rtl = x->rtl && !p.ltr;
		buf_appends(o, "<w:r>");
		if ((style & (DOC_BOLD | DOC_ITALIC)) || rtl) {
			buf_appends(o, "<w:rPr>");
			if (style & DOC_BOLD)
				buf_appends(o, "<w:b/><w:bCs/>");
			if (style & DOC_ITALIC)
				buf_appends(o, "<w:i/><w:iCs/>");
			if (rtl)
				buf_appends(o, "<w:rtl/>");
			buf_appends(o, "</w:rPr>");
		}
		switch (p.type) {
		case OFFICE_PIECE_TEXT:
			buf_appends(o, "<w:t xml:space=\"preserve\">");
			office_xml_text(o, p.s, p.n, rtl);
			buf_appends(o, "</w:t>");
			break;
		case OFFICE_PIECE_BREAK:
			buf_appends(o, "<w:br/>");
			break;
		case OFFICE_PIECE_TAB:
			buf_appends(o, "<w:tab/>");
			break;
		}
		buf_appends(o, "</w:r>");
	}
}

/* The endnote's number: the reference in the text (id > 0), or its mark in the endnote (id 0). */
static void docx_note_mark(struct docx *x, struct buf *o, int id)
{
	buf_appendf(o, "<w:r><w:rPr><w:rStyle w:val=\"EndnoteReference\"/>%s</w:rPr>", x->rtl ? "<w:rtl/>" : "");
	if (id)
		buf_appendf(o, "<w:endnoteReference w:id=\"%d\"/></w:r>", id);
	else
		buf_appends(o, "<w:endnoteRef/></w:r>");
}

/* A citation mark: the reference in the text and an endnote holding the source's line. */
static void docx_cite(struct docx *x, struct buf *o, int n)
{
	int id = ++x->nnotes;

	docx_note_mark(x, o, id);
	buf_reset(&x->line);
	doc_source_line(x->d, &x->d->sources[n - 1], &x->line);
	buf_appendf(&x->notes, "<w:endnote w:id=\"%d\">", id);
	docx_para_open(x, &x->notes, "EndnoteText", 0, 0, "both");
	docx_note_mark(x, &x->notes, 0);
	docx_runs(x, &x->notes, " ", 1, 0);
	docx_runs(x, &x->notes, buf_str(&x->line), x->line.len, 0);
	buf_appends(&x->notes, "</w:p></w:endnote>\n");
}

static void docx_spans(struct docx *x, struct buf *o, const struct doc_block *b)
{
	for (size_t i = 0; i < b->nspans; i++) {
		const struct doc_span *s = &b->spans[i];
		if (s->cite > 0)
			docx_cite(x, o, s->cite);
		else if (s->text)
			docx_runs(x, o, s->text, strlen(s->text), s->style);
	}
}

static void docx_lists_close(struct docx *x)
{
	memset(x->num_id, 0, sizeof(x->num_id));
	memset(x->num_next, 0, sizeof(x->num_next));
}

/*
 * The numbering instance of a numbered item: the open list of its level, or a new one (with
 * its own start) when the item's number does not follow, which is how a new list begins.
 */
static int docx_num_for(struct docx *x, int ilvl, int number)
{
	if (number <= 0)
		number = x->num_next[ilvl] ? x->num_next[ilvl] : 1;
	if (!x->num_id[ilvl] || number != x->num_next[ilvl]) {
		x->num_id[ilvl] = 2 + x->nnums++;
		buf_appendf(&x->nums,
		            "<w:num w:numId=\"%d\"><w:abstractNumId w:val=\"1\"/><w:lvlOverride w:ilvl=\"%d\">"
		            "<w:startOverride w:val=\"%d\"/></w:lvlOverride></w:num>\n",
		            x->num_id[ilvl], ilvl, number);
	}
	x->num_next[ilvl] = number + 1;
	/* Deeper lists end with an item of this level. */
	for (int k = ilvl + 1; k < DOCX_LEVELS; k++)
		x->num_id[k] = x->num_next[k] = 0;
	return x->num_id[ilvl];
}

static void docx_block(struct docx *x, const struct doc_block *b)
{
	char style[16];
	int ilvl = b->level < 1 ? 0 : b->level > DOCX_LEVELS ? DOCX_LEVELS - 1 : b->level - 1;
	int level = b->level < 1 ? 1 : b->level > 3 ? 3 : b->level;

	if (b->type != DOC_BULLET && b->type != DOC_NUMBERED)
		docx_lists_close(x);
	if (b->type == DOC_PAGEBREAK) {
		buf_appends(&x->body, "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n");
		return;
	}
	switch (b->type) {
	case DOC_HEADING:
		snprintf(style, sizeof(style), "Heading%d", level);
		docx_para_open(x, &x->body, style, 0, 0, "left");
		break;
	case DOC_BULLET:
		for (int k = ilvl; k < DOCX_LEVELS; k++)
			x->num_id[k] = x->num_next[k] = 0;
		docx_para_open(x, &x->body, "ListParagraph", 1, ilvl, "both");
		break;
	case DOC_NUMBERED:
		docx_para_open(x, &x->body, "ListParagraph", docx_num_for(x, ilvl, b->number), ilvl, "both");
		break;
	case DOC_QUOTE:
		docx_para_open(x, &x->body, "Quote", 0, 0, "both");
		break;
	case DOC_PARAGRAPH:
	default:
		docx_para_open(x, &x->body, NULL, 0, 0, "both");
		break;
	}
	docx_spans(x, &x->body, b);
	buf_appends(&x->body, "</w:p>\n");
}

/* The text area's width in twentieths of a point: A4 less two margins of 1418. */
#define DOCX_TEXT_W(landscape) ((landscape) ? 16838 - 2 * 1418 : 11906 - 2 * 1418)
/* A character of table text (9 pt Latin, 11 pt Arabic), generously: 6 pt. */
#define DOCX_CHAR_W 120.0

/* One cell: its width, the header's shading, one paragraph of its text. */
static void docx_cell(struct docx *x, const struct doc_span *s, int width, int header)
{
	buf_appendf(&x->body, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", width);
	if (header)
		buf_appends(&x->body, "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E4E9F0\"/>");
	buf_appendf(&x->body, "</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"%s\"/>%s<w:jc w:val=\"left\"/></w:pPr>",
	            header ? "TableHeading" : "TableText", x->rtl ? "<w:bidi/>" : "");
	if (s && s->text)
		docx_runs(x, &x->body, s->text, strlen(s->text), s->style | (header ? DOC_BOLD : 0));
	buf_appends(&x->body, "</w:p></w:tc>");
}

/* The table of blocks [i, end): returns end. */
static size_t docx_table(struct docx *x, size_t i)
{
	const struct doc *d = x->d;
	size_t end = i, header = 0, ncols = doc_table(d, i, &end, &header);
	double *rel = xcalloc(ncols ? ncols : 1, sizeof(*rel));
	int *width = xcalloc(ncols ? ncols : 1, sizeof(*width));
	const int total = DOCX_TEXT_W(d->landscape);

	docx_lists_close(x);
	doc_table_widths(d, i, end, ncols, total / DOCX_CHAR_W, rel);
	for (size_t c = 0; c < ncols; c++)
		width[c] = (int)(rel[c] * total);
	buf_appendf(&x->body, "<w:tbl><w:tblPr>%s<w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:tblBorders>", x->rtl ? "<w:bidiVisual/>" : "", total);
	static const char *const sides[] = {"top", "left", "bottom", "right", "insideH", "insideV"};
	for (size_t k = 0; k < ARRAY_SIZE(sides); k++)
		buf_appendf(&x->body, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"404040\"/>", sides[k]);
	buf_appends(&x->body, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
	                      "<w:top w:w=\"40\" w:type=\"dxa\"/><w:left w:w=\"80\" w:type=\"dxa\"/>"
	                      "<w:bottom w:w=\"40\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/>"
	                      "</w:tblCellMar></w:tblPr><w:tblGrid>");
	for (size_t c = 0; c < ncols; c++)
		buf_appendf(&x->body, "<w:gridCol w:w=\"%d\"/>", width[c]);
	buf_appends(&x->body, "</w:tblGrid>\n");
	for (size_t k = i; k < end; k++) {
		const struct doc_block *b = &d->blocks[k];
		int head = k - i < header;
		buf_appendf(&x->body, "<w:tr><w:trPr><w:cantSplit/>%s</w:trPr>", head ? "<w:tblHeader/>" : "");
		for (size_t c = 0; c < ncols; c++)
			docx_cell(x, c < b->nspans ? &b->spans[c] : NULL, width[c], head || b->level == 1);
		buf_appends(&x->body, "</w:tr>\n");
	}
	buf_appends(&x->body, "</w:tbl>\n");
	free(rel);
	free(width);
	return end;
}

/* A paragraph of plain text (title, date, annex). */
static void docx_plain(struct docx *x, const char *style, const char *jc, const char *text)
{
	docx_para_open(x, &x->body, style, 0, 0, jc);
	docx_runs(x, &x->body, text, strlen(text), 0);
	buf_appends(&x->body, "</w:p>\n");
}

static void docx_annex(struct docx *x)
{
	const struct doc *d = x->d;

	if (!d->nsources)
		return;
	docx_para_open(x, &x->body, "Heading1", 0, 0, "left");
	docx_runs(x, &x->body, d->annex_title ? d->annex_title : "", d->annex_title ? strlen(d->annex_title) : 0, 0);
	buf_appends(&x->body, "</w:p>\n");
	for (size_t i = 0; i < d->nsources; i++) {
		buf_reset(&x->line);
		buf_appendf(&x->line, "%zu. ", i + 1);
		doc_source_line(d, &d->sources[i], &x->line);
		docx_plain(x, "Source", "both", buf_str(&x->line));
	}
}

static void docx_body(struct docx *x)
{
	const struct doc *d = x->d;

	if (d->title && *d->title)
		docx_plain(x, "Title", "center", d->title);
	if (d->date && *d->date)
		docx_plain(x, "Subtitle", "center", d->date);
	for (size_t i = 0; i < d->nblocks;) {
		if (d->blocks[i].type == DOC_ROW) {
			i = docx_table(x, i);
			continue;
		}
		docx_block(x, &d->blocks[i++]);
	}
	docx_annex(x);
	/* Word wants a paragraph before the section's properties, and a table cannot be last. */
	if (!x->body.len || (d->nblocks && d->blocks[d->nblocks - 1].type == DOC_ROW && !d->nsources))
		docx_plain(x, NULL, NULL, "");
}

/* The header (the organisation) and the footer (page label and a PAGE field). */
static void docx_header_footer(struct docx *x, struct buf *header, struct buf *footer)
{
	const struct doc *d = x->d;
	const char *label = d->page_label ? d->page_label : "";
	const char *rtl = x->rtl ? "<w:rtl/>" : "";

	if (d->organisation && *d->organisation) {
		docx_para_open(x, header, "Header", 0, 0, "center");
		docx_runs(x, header, d->organisation, strlen(d->organisation), 0);
		buf_appends(header, "</w:p>");
	}
	docx_para_open(x, footer, "Footer", 0, 0, "center");
	if (*label) {
		docx_runs(x, footer, label, strlen(label), 0);
		docx_runs(x, footer, " ", 1, 0);
	}
	buf_appendf(footer,
	            "<w:r><w:rPr>%s</w:rPr><w:fldChar w:fldCharType=\"begin\"/></w:r>"
	            "<w:r><w:rPr>%s</w:rPr><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
	            "<w:r><w:rPr>%s</w:rPr><w:fldChar w:fldCharType=\"separate\"/></w:r>"
	            "<w:r><w:rPr>%s</w:rPr><w:t>1</w:t></w:r>"
	            "<w:r><w:rPr>%s</w:rPr><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>",
	            rtl, rtl, rtl, rtl, rtl);
}

/* The nine list levels the numbering template repeats for bullets and numbers. */
static json_t *docx_levels(void)
{
	static const char *const bullets[] = {"\u2022", "\u2013"};
	json_t *levels = json_array();
	for (int i = 0; i < DOCX_LEVELS; i++)
		json_array_append_new(levels, json_pack("{s:i, s:i, s:i, s:s}", "ilvl", i, "level", i + 1, "indent",
		                                        720 * (i + 1), "bullet", bullets[i % 2]));
	return levels;
}

/* The parts, in the order of the archive: template name under data/, member name. */
static const char *const DOCX_PARTS[][2] = {
    {"export/docx/content-types.xml", "[Content_Types].xml"},
    {"export/docx/rels.xml", "_rels/.rels"},
    {"export/docx/document.xml", "word/document.xml"},
    {"export/docx/document.xml.rels", "word/_rels/document.xml.rels"},
    {"export/docx/styles.xml", "word/styles.xml"},
    {"export/docx/settings.xml", "word/settings.xml"},
    {"export/docx/numbering.xml", "word/numbering.xml"},
    {"export/docx/endnotes.xml", "word/endnotes.xml"},
    {"export/docx/header1.xml", "word/header1.xml"},
    {"export/docx/footer1.xml", "word/footer1.xml"},
    {"export/docx/core.xml", "docProps/core.xml"},
    {"export/docx/app.xml", "docProps/app.xml"},
};

int export_docx(const struct doc *d, struct buf *out, struct err *e)
{
	struct docx x = {.d = d, .rtl = d->rtl};
	struct office_zip z = OFFICE_ZIP_INIT;
	struct buf header = BUF_INIT, footer = BUF_INIT, part = BUF_INIT;
	json_t *data = NULL;
	int rc;

	if ((rc = doc_check(d, e)))
		goto cleanup;
	docx_body(&x);
	docx_header_footer(&x, &header, &footer);

	data = office_template_data(d);
	json_object_set_new(data, "levels", docx_levels());
	json_object_set_new(data, "landscape", json_boolean(d->landscape));
	office_data_set_raw(data, "body", x.body.data, x.body.len);
	buf_release(&x.body);
	office_data_set_raw(data, "notes", x.notes.data, x.notes.len);
	office_data_set_raw(data, "nums", x.nums.data, x.nums.len);
	office_data_set_raw(data, "header", header.data, header.len);
	office_data_set_raw(data, "footer", footer.data, footer.len);

	if ((rc = office_zip_open(&z, e)))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(DOCX_PARTS); i++) {
		if (!header.len && !strcmp(DOCX_PARTS[i][1], "word/header1.xml"))
			continue;
		if ((rc = office_render(d->overrides, DOCX_PARTS[i][0], data, &part, e)) ||
		    (rc = office_zip_add(&z, DOCX_PARTS[i][1], &part, 0, e)))
			goto cleanup;
	}
	rc = office_zip_finish(&z, out, e);
cleanup:
	office_zip_discard(&z);
	json_decref(data);
	buf_release(&x.body);
	buf_release(&x.notes);
	buf_release(&x.nums);
	buf_release(&x.line);
	buf_release(&header);
	buf_release(&footer);
	buf_release(&part);
	return rc;
}
