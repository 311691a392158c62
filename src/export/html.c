/*
 * HTML export: one standalone, print-friendly file (A4 page rules, the Noto fonts by name,
 * no script and nothing fetched from elsewhere). Every piece of text is escaped here, with
 * invalid UTF-8 repaired to U+FFFD.
 *
 * In a right-to-left document, numbers such as "2-22-431" or "30%" are isolated left to
 * right (<bdi dir="ltr">): by the Unicode bidi algorithm, digits after an Arabic word are
 * "Arabic numbers" that "-" and "%" do not join, so browsers would show "431-22-2" and
 * "%30" (checked with Chromium).
 *
 * Tables: <table> with the header rows in <thead> (<th scope="col">, repeated on each
 * printed page by browsers) and the others in <tbody>; a landscape document asks for
 * "A4 landscape" pages.
 */
#include "export/doc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "base/banned.h"

static const char html_style[] =
    "@page { size: A4; margin: 2.5cm }\n"
    "html { color: #1a1a1a; background: #fff }\n"
    "body { max-width: 46rem; margin: 0 auto; padding: 1.5rem;\n"
    "  font-family: \"Noto Sans\", \"Noto Naskh Arabic\", \"DejaVu Sans\", sans-serif;\n"
    "  font-size: 11pt; line-height: 1.6 }\n"
    "html[dir=rtl] body { font-family: \"Noto Naskh Arabic\", \"Noto Sans\", \"Amiri\", serif;\n"
    "  font-size: 12pt; line-height: 1.8 }\n"
    "body > header { font-size: 9pt; color: #555; padding-block-end: .4rem;\n"
    "  border-block-end: .5pt solid #999; margin-block-end: 1.5rem }\n"
    "h1 { font-size: 1.7em; line-height: 1.35; text-align: center; margin-block: 0 .3em }\n"
    ".date { text-align: center; color: #555; margin-block: 0 2em }\n"
    "h2, h3, h4 { line-height: 1.4; margin-block: 1.2em .4em; break-after: avoid; page-break-after: avoid }\n"
    "h2 { font-size: 1.4em } h3 { font-size: 1.2em } h4 { font-size: 1.08em }\n"
    "p { margin-block: 0 .7em; orphans: 2; widows: 2 }\n"
    "html[dir=rtl] p:not(.date) { text-align: justify }\n"
    "ul, ol { margin-block: 0 .7em; padding-inline-start: 1.8em }\n"
    "li { margin-block: 0 .25em }\n"
    "blockquote { margin-block: 0 .7em; margin-inline: 1.5em; padding-inline-start: 1em;\n"
    "  border-inline-start: 2pt solid #999; color: #404040 }\n"
    "sup { font-size: .7em; line-height: 0 }\n"
    "sup a { text-decoration: none }\n"
    ".annex { margin-block-start: 2em; font-size: .92em }\n"
    ".annex li:target { background: #fff6cc }\n"
    "table { border-collapse: collapse; width: 100%; margin-block: 0 1em; font-size: .9em; line-height: 1.4 }\n"
    "th, td { border: .5pt solid #404040; padding: .2em .4em; text-align: start; vertical-align: top }\n"
    "th { background: #e4e9f0 }\n"
    "tr { break-inside: avoid; page-break-inside: avoid }\n"
    ".page-break { break-after: page; page-break-after: always }\n"
    "thead { display: table-header-group }\n"
    "@media print { body { max-width: none; padding: 0 } a { color: inherit } }\n";

enum { ESC_PLAIN = 0, ESC_BREAKS = 1, ESC_NUMBERS = 2 };

/*
 * Appends s escaped for HTML text and attribute values: & < > " ' as references, invalid
 * UTF-8 and control characters as U+FFFD. ESC_BREAKS: a newline becomes <br>.
 * ESC_NUMBERS: numbers bidi would reverse are wrapped in <bdi dir="ltr">.
 */
static void html_escape(struct buf *out, const char *s, size_t n, unsigned flags)
{
	uint32_t prev = 0;
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = 0;
		int alnum_before =
		    (prev >= '0' && prev <= '9') || (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z');
		size_t num = (flags & ESC_NUMBERS) && !alnum_before ? doc_rtl_number_len(s + i, n - i) : 0;
		if (num) {
			buf_appends(out, "<bdi dir=\"ltr\">");
			buf_append(out, s + i, num);
			buf_appends(out, "</bdi>");
			i += num;
			prev = '0';
			continue;
		}
		if (c < 0x80) {
			switch (c) {
			case '&':
				buf_appends(out, "&amp;");
				break;
			case '<':
				buf_appends(out, "&lt;");
				break;
			case '>':
				buf_appends(out, "&gt;");
				break;
			case '"':
				buf_appends(out, "&quot;");
				break;
			case '\'':
				buf_appends(out, "&#39;");
				break;
			case '\n':
				buf_appends(out, (flags & ESC_BREAKS) ? "<br>\n" : " ");
				break;
			case '\t':
				buf_appendc(out, ' ');
				break;
			default:
				if (c < 0x20 || c == 0x7F)
					buf_appends(out, "\xEF\xBF\xBD");
				else
					buf_appendc(out, (char)c);
				break;
			}
			prev = c;
			i++;
			continue;
		}
		int k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k < 0 || (cp >= 0x80 && cp < 0xA0)) {
			buf_appends(out, "\xEF\xBF\xBD");
			i += k < 0 ? 1 : (size_t)k;
		} else {
			buf_append(out, s + i, (size_t)k);
			i += (size_t)k;
		}
		prev = cp;
	}
}

static void html_escapes(struct buf *out, const char *s, unsigned flags)
{
	if (s)
		html_escape(out, s, strlen(s), flags);
}

/* The spans of a block: strong/em around styled runs, citation marks as numbered links. */
static void html_spans(const struct doc *d, const struct doc_block *b, int *cite_count, struct buf *out)
{
	unsigned flags = ESC_BREAKS | (d->rtl ? ESC_NUMBERS : 0);
	for (size_t i = 0; i < b->nspans; i++) {
		const struct doc_span *sp = &b->spans[i];
		if (sp->cite > 0) {
			int n = sp->cite;
			/* doc_check has made sure that sources[n - 1] exists */
			int k = ++cite_count[n - 1];
			buf_appendf(out, "<sup><a href=\"#src-%d\" id=\"cite-%d-%d\">%d</a></sup>", n, n, k, n);
			continue;
		}
		if (!sp->text || !*sp->text)
			continue;
		if (sp->style & DOC_BOLD)
			buf_appends(out, "<strong>");
		if (sp->style & DOC_ITALIC)
			buf_appends(out, "<em>");
		html_escapes(out, sp->text, flags);
		if (sp->style & DOC_ITALIC)
			buf_appends(out, "</em>");
		if (sp->style & DOC_BOLD)
			buf_appends(out, "</strong>");
	}
}

/* Open lists while items are written: each level's tag, its <li> left open for nesting. */
struct html_lists {
	const char *tag[8];
	int depth;
};

static void lists_close_to(struct html_lists *l, int depth, struct buf *out)
{
	while (l->depth > depth) {
		l->depth--;
		buf_appendf(out, "</li>\n</%s>\n", l->tag[l->depth]);
	}
}

static void html_item(const struct doc *d, const struct doc_block *b, struct html_lists *l, int *cite_count,
                      struct buf *out)
{
	const char *tag = b->type == DOC_NUMBERED ? "ol" : "ul";
	int level = b->level < 1 ? 1 : b->level;
	if (level > (int)ARRAY_SIZE(l->tag))
		level = (int)ARRAY_SIZE(l->tag);
	/* A list can only nest inside an item: a level is never skipped. */
	if (level > l->depth + 1)
		level = l->depth + 1;
	lists_close_to(l, level, out);
	if (l->depth == level && strcmp(l->tag[level - 1], tag))
		lists_close_to(l, level - 1, out);
	if (l->depth == level) {
		buf_appends(out, "</li>\n");
	} else {
		l->tag[l->depth++] = tag;
		buf_appendf(out, "%s<%s>\n", l->depth > 1 ? "\n" : "", tag);
	}
	if (b->type == DOC_NUMBERED)
		buf_appendf(out, "<li value=\"%d\">", b->number);
	else
		buf_appends(out, "<li>");
	html_spans(d, b, cite_count, out);
}

/* The table of blocks [i, end): returns end. */
static size_t html_table(const struct doc *d, size_t i, int *cite_count, struct buf *out)
{
	size_t end = i, header = 0, ncols = doc_table(d, i, &end, &header);
	buf_appends(out, "<table>\n");
	for (size_t k = i; k < end; k++) {
		const struct doc_block *b = &d->blocks[k];
		int head = k - i < header;
		if (k == i)
			buf_appends(out, head ? "<thead>\n" : "<tbody>\n");
		else if (k - i == header)
			buf_appends(out, "</thead>\n<tbody>\n");
		buf_appends(out, "<tr>");
		for (size_t c = 0; c < ncols; c++) {
			struct doc_block cell = {DOC_PARAGRAPH, 0, 0, NULL, 0, 0};
			if (c < b->nspans) {
				cell.spans = &b->spans[c];
				cell.nspans = 1;
			}
			buf_appends(out, head ? "<th scope=\"col\">" : b->level == 1 ? "<th scope=\"row\">" : "<td>");
			html_spans(d, &cell, cite_count, out);
			buf_appends(out, head || b->level == 1 ? "</th>" : "</td>");
		}
		buf_appends(out, "</tr>\n");
	}
	buf_appends(out, header == end - i ? "</thead>\n</table>\n" : "</tbody>\n</table>\n");
	return end;
}

static void html_body(const struct doc *d, int *cite_count, struct buf *out)
{
	struct html_lists lists = {{NULL}, 0};
	int quote = 0;
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct doc_block *b = &d->blocks[i];
		if (b->type == DOC_ROW) {
			lists_close_to(&lists, 0, out);
			if (quote) {
				buf_appends(out, "</blockquote>\n");
				quote = 0;
			}
			i = html_table(d, i, cite_count, out) - 1;
			continue;
		}
		if (b->type == DOC_BULLET || b->type == DOC_NUMBERED) {
			if (quote) {
				buf_appends(out, "</blockquote>\n");
				quote = 0;
			}
			html_item(d, b, &lists, cite_count, out);
			continue;
		}
		lists_close_to(&lists, 0, out);
		if (b->type != DOC_QUOTE && quote) {
			buf_appends(out, "</blockquote>\n");
			quote = 0;
		}
		if (b->type == DOC_PAGEBREAK) {
			buf_appends(out, "<div class=\"page-break\"></div>\n");
			continue;
		}
		switch (b->type) {
		case DOC_HEADING: {
			int h = (b->level < 1 ? 1 : b->level > 3 ? 3 : b->level) + 1;
			buf_appendf(out, "<h%d>", h);
			html_spans(d, b, cite_count, out);
			buf_appendf(out, "</h%d>\n", h);
			break;
		}
		case DOC_QUOTE:
			if (!quote)
				buf_appends(out, "<blockquote>\n");
			quote = 1;
			buf_appends(out, "<p>");
			html_spans(d, b, cite_count, out);
			buf_appends(out, "</p>\n");
			break;
		default:
			buf_appends(out, "<p>");
			html_spans(d, b, cite_count, out);
			buf_appends(out, "</p>\n");
			break;
		}
	}
	lists_close_to(&lists, 0, out);
	if (quote)
		buf_appends(out, "</blockquote>\n");
}

int export_html(const struct doc *d, struct buf *out, struct err *e)
{
	struct buf h = BUF_INIT, line = BUF_INIT;
	int *cite_count = NULL;
	int ret = doc_check(d, e);
	if (ret)
		return ret;

	cite_count = xcalloc(d->nsources + 1, sizeof(*cite_count));
	buf_appends(&h, "<!doctype html>\n<html lang=\"");
	html_escapes(&h, d->lang, 0);
	buf_appendf(&h, "\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", d->rtl ? "rtl" : "ltr");
	buf_appends(&h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	buf_appends(&h, "<meta name=\"generator\" content=\"Asurif\">\n<title>");
	html_escapes(&h, d->title, 0);
	buf_appendf(&h, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", html_style,
	            d->landscape ? "@page { size: A4 landscape }\nbody { max-width: 68rem }\n" : "");
	if (d->organisation && *d->organisation) {
		buf_appends(&h, "<header>");
		html_escapes(&h, d->organisation, d->rtl ? ESC_NUMBERS : 0);
		buf_appends(&h, "</header>\n");
	}
	buf_appends(&h, "<main>\n");
	if (d->title && *d->title) {
		buf_appends(&h, "<h1>");
		html_escapes(&h, d->title, d->rtl ? ESC_NUMBERS : 0);
		buf_appends(&h, "</h1>\n");
	}
	if (d->date && *d->date) {
		buf_appends(&h, "<p class=\"date\"><bdi>");
		html_escapes(&h, d->date, d->rtl ? ESC_NUMBERS : 0);
		buf_appends(&h, "</bdi></p>\n");
	}
	html_body(d, cite_count, &h);
	if (d->nsources) {
		buf_appends(&h, "<section class=\"annex\">\n<h2>");
		html_escapes(&h, d->annex_title, d->rtl ? ESC_NUMBERS : 0);
		buf_appends(&h, "</h2>\n<ol>\n");
		for (size_t i = 0; i < d->nsources; i++) {
			buf_reset(&line);
			doc_source_line(d, &d->sources[i], &line);
			buf_appendf(&h, "<li id=\"src-%zu\">", i + 1);
			html_escape(&h, buf_str(&line), line.len, d->rtl ? ESC_NUMBERS : 0);
			buf_appends(&h, "</li>\n");
		}
		buf_appends(&h, "</ol>\n</section>\n");
	}
	buf_appends(&h, "</main>\n</body>\n</html>\n");

	if (buf_append(out, h.data, h.len))
		ret = err_set(e, ERR_TOO_BIG, "the HTML file is larger than the output allows (%zu bytes)", out->max);
	free(cite_count);
	buf_release(&h);
	buf_release(&line);
	return ret;
}
