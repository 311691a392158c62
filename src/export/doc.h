/*
 * A finished document, independent of any file format: what drafting produces (from a
 * rendered template) and what every exporter reads. Exporters (docx.c, odt.c, pdf.c,
 * html.c, md.c) each turn one struct doc into the bytes of one file.
 *
 * The body is a list of blocks (headings, paragraphs, list items, table rows); a block is a
 * list of spans (runs of text with a style, or a citation mark). A citation mark refers to one of
 * the document's sources by number; exporters make it an endnote (DOCX, ODT), a
 * superscript number (PDF, HTML) or "[n]" (Markdown), and every exporter ends the document
 * with the annex of sources: a heading (annex_title) and one numbered line per source,
 * written by doc_source_line().
 *
 * All text is UTF-8 and stored exactly as the user wrote it: exporters escape it for their
 * format (XML, HTML, Markdown) themselves.
 */
#ifndef EXPORT_DOC_H
#define EXPORT_DOC_H
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum doc_block_type {
	DOC_HEADING,   /* level 1 (the document's sections) to 3 */
	DOC_PARAGRAPH,
	DOC_BULLET,    /* an item of a bulleted list; level 1 or 2 for nesting */
	DOC_NUMBERED,  /* an item of a numbered list; `number` is its number */
	DOC_QUOTE,     /* a quoted passage (indented) */
	DOC_ROW,       /* a row of a table: level 1 a header row, 0 a body row; one span per cell
	                  (text "" for an empty cell). Consecutive rows form one table. */
	DOC_PAGEBREAK, /* what follows starts on a new page (no spans); Markdown has none */
};

enum { DOC_BOLD = 1, DOC_ITALIC = 2 };

struct doc_span {
	char *text;    /* NULL for a citation mark */
	unsigned style; /* DOC_BOLD | DOC_ITALIC */
	int cite;      /* > 0: a citation mark pointing at sources[cite - 1] */
};

struct doc_block {
	enum doc_block_type type;
	int level;
	int number;
	struct doc_span *spans;
	size_t nspans, aspans;
};

/* One source of the annex: where a cited passage comes from. Any field may be NULL. */
struct doc_source {
	char *title;   /* the document's title */
	char *issuer;  /* who published it */
	char *date;    /* as written, e.g. "2016-07-07" */
	char *where;   /* article or page, e.g. "art. 122" or "p. 4" */
	char *excerpt; /* the passage cited, possibly shortened */
	char *note;    /* the campaign's note on it */
};

struct doc {
	char lang[8];        /* "ar", "fr", "en" */
	int rtl;             /* 1 when lang is written right to left */
	char *title;         /* the document's title (also the file's metadata title) */
	char *organisation;  /* shown in the page header; may be NULL */
	char *date;          /* the date printed under the title; may be NULL */
	char *annex_title;   /* "ملحق: المصادر" / "Annexe : sources" */
	char *page_label;    /* word before the page number: "صفحة" / "Page" */
	char *overrides;     /* the workspace's overrides/ folder, whose export/ files replace the
	                        built-in parts of DOCX and ODT files (a letterhead, other styles);
	                        NULL for none */
	int landscape;       /* 1: A4 pages turned sideways (wide tables) */
	int personal;        /* 1: the text holds personal data: doc_free overwrites it first */
	struct doc_block *blocks;
	size_t nblocks, ablocks;
	struct doc_source *sources;
	size_t nsources, asources;
};

/* An empty document in `lang` with its labels (annex title, page word) in that language. */
struct doc *doc_new(const char *lang);
void doc_free(struct doc *d);
/* Sets a string field (title, organisation, date...) to a copy of s. */
void doc_set(char **field, const char *s);

/* Appends a block and returns it; spans are then added with doc_add_text / doc_add_cite. */
struct doc_block *doc_add_block(struct doc *d, enum doc_block_type type, int level);
void doc_add_text(struct doc_block *b, const char *text, size_t len, unsigned style);
void doc_add_cite(struct doc_block *b, int n);
/*
 * Appends a table row of n cells (header 1: a header row, repeated on each page where the
 * table continues). cells[i] NULL is an empty cell; texts are copied as they are.
 */
void doc_add_row(struct doc *d, int header, const char *const *cells, size_t n);
/*
 * The table that starts at block i (a DOC_ROW): *end is set past its last row, *header to
 * the number of header rows it opens with; returns its number of columns (the most cells
 * of any of its rows).
 */
size_t doc_table(const struct doc *d, size_t i, size_t *end, size_t *header);
/*
 * Column widths that fill avail: every column gets at least its longest word (word[c]),
 * then what its longest cell asks (want[c], its text unwrapped) as far as avail allows;
 * room left over is shared evenly. When even the words do not fit, the widths are the
 * words' scaled down (the exporter then cuts words). Any unit; w[c] sums to avail.
 */
void doc_table_fit(double avail, size_t ncols, const double *want, const double *word, double *w);
/* A column whose body rows are all empty is there to be filled in by hand (a signature): every
   exporter keeps room for about this many characters in it. */
#define DOC_HAND_CHARS 16
/*
 * Column widths for formats that cannot measure text (DOCX, ODT): doc_table_fit over the
 * cells' lengths in characters (plus 3 for the cell's margins), for a text area holding
 * `chars` characters on a line. w[c] is each column's share (summing to 1).
 */
void doc_table_widths(const struct doc *d, size_t from, size_t to, size_t ncols, double chars, double *w);
/* Appends a source and returns its number (1, 2, ...). Strings are copied; NULL allowed. */
int doc_add_source(struct doc *d, const struct doc_source *s);

/*
 * The annex line for a source, without its number, in the document's language:
 * "title — issuer, date, where. « excerpt »". Parts that are NULL or empty are left out.
 */
void doc_source_line(const struct doc *d, const struct doc_source *s, struct buf *out);
/*
 * Length of a number at s that right-to-left text would show backwards: digits joined by
 * "-" (a decree number "2-22-431", a date "2024-03-15") or followed by "%". After an Arabic
 * letter, the Unicode bidi algorithm turns such digits into Arabic numbers, which a "-" or
 * "%" does not join, so "2-22-431" would read "431-22-2". 0 when s holds no such number.
 * The PDF and HTML exporters isolate such numbers left to right.
 */
size_t doc_rtl_number_len(const char *s, size_t n);
/* The plain text of a block (citation marks left out), for exporters that need it whole. */
void doc_block_text(const struct doc_block *b, struct buf *out);

/*
 * Builds a document from Markdown (the output of a drafting template): "#", "##", "###"
 * headings, paragraphs, "-" and "1." lists, "> " quotes, **bold** and *italic*. A link
 * whose target is "cite:N" ("[3](cite:3)") is a citation mark to source N; sources are
 * added by the caller, before or after. A level-1 heading that comes first, when the title
 * is not set, becomes the title instead of a block, and the headings after it go up one
 * level ("## " is then a heading of level 1). ERR_FORMAT when a citation points at no source (checked by
 * doc_check once sources are in).
 */
int doc_from_markdown(struct doc *d, const char *md, size_t len, struct err *e);
/* Checks that every citation mark points at a source. */
int doc_check(const struct doc *d, struct err *e);

/* Exporters: append the whole file to out (which may hold binary data: use out->len). */
int export_docx(const struct doc *d, struct buf *out, struct err *e);
int export_odt(const struct doc *d, struct buf *out, struct err *e);
int export_pdf(const struct doc *d, struct buf *out, struct err *e);
int export_html(const struct doc *d, struct buf *out, struct err *e);
int export_md(const struct doc *d, struct buf *out, struct err *e);
/*
 * Frees what the PDF exporter keeps for the whole process (the font map of this thread,
 * fontconfig's configuration). Called once at exit, after every other thread that
 * exported has ended; harmless when nothing was exported.
 */
void export_release(void);
#endif
