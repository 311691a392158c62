/*
 * Markdown export (CommonMark). The document's own structure is the only markup: user text
 * is escaped so that no heading, list, quote, link, emphasis, code or HTML can come out of
 * it. Every ASCII character that means something somewhere is backslash-escaped; at the
 * start of a line, so are "-", "+", "=" and the "." or ")" after a number; a newline inside
 * a block is a hard line break ("\" at the end of the line) and the next line starts without
 * spaces (four would make code). Citation marks are "[n]", the annex a numbered list.
 * A table is a pipe table (GitHub's extension): one line per row, "|" escaped in cells,
 * a line break a space; a table without a header row gets an empty one, as the syntax
 * requires.
 */
#include "export/doc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "base/banned.h"

/* Writing one block's text. */
struct md_writer {
	struct buf *out;
	const char *prefix; /* what a continuation line starts with: "> ", list indentation */
	int oneline;        /* a heading: newlines become spaces */
	int line_start;     /* nothing visible on the current line yet */
	int pending_break;  /* a newline seen, not yet written (dropped at the block's end) */
	size_t spaces;      /* spaces seen, written before the next visible character */
	int after_cite;     /* the last thing written was a citation mark "[n]" */
	int visible;        /* anything visible written in the block */
};

/* Before something visible: the line break or the spaces held back. */
static void md_visible(struct md_writer *w)
{
	if (w->pending_break) {
		buf_appends(w->out, "\\\n");
		buf_appends(w->out, w->prefix);
		w->line_start = 1;
		w->pending_break = 0;
	}
	for (; w->spaces; w->spaces--)
		buf_appendc(w->out, ' ');
}

static void md_text(struct md_writer *w, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if ((c == '\n' || c == '\r') && !w->oneline) {
			if (!w->line_start)
				w->pending_break = 1;
			w->spaces = 0;
			i++;
			continue;
		}
		/* Spaces and control characters: no spaces at the start or the end of a line. */
		if (c <= ' ' || c == 0x7F) {
			if (!w->line_start && !w->pending_break)
				w->spaces++;
			i++;
			continue;
		}
		md_visible(w);
		if (w->line_start && c >= '0' && c <= '9') {
			/* "12." or "12)" at the start of a line would open an ordered list. */
			size_t k = 0;
			while (i + k < n && k < 10 && s[i + k] >= '0' && s[i + k] <= '9')
				k++;
			if (i + k < n && (s[i + k] == '.' || s[i + k] == ')')) {
				buf_append(w->out, s + i, k);
				buf_appendc(w->out, '\\');
				buf_appendc(w->out, s[i + k]);
				i += k + 1;
				w->line_start = w->after_cite = 0;
				w->visible = 1;
				continue;
			}
		}
		if (c < 0x80) {
			/* "(" or ":" after "[n]" would make a link or a link definition of it. */
			if (strchr("\\`*_[]<>#|~&", (char)c) || (w->line_start && strchr("-+=", (char)c)) ||
			    (w->after_cite && (c == '(' || c == ':')))
				buf_appendc(w->out, '\\');
			buf_appendc(w->out, (char)c);
			i++;
		} else {
			uint32_t cp = 0;
			int k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
			if (k < 0) {
				buf_appends(w->out, "\xEF\xBF\xBD");
				i++;
			} else {
				buf_append(w->out, s + i, (size_t)k);
				i += (size_t)k;
			}
		}
		w->line_start = w->after_cite = 0;
		w->visible = 1;
	}
}

static int is_space(char c)
{
	return (unsigned char)c <= ' ' || c == 0x7F;
}

/* A styled run: the delimiters hug the text, spaces stay outside (or they would not count). */
static void md_span(struct md_writer *w, const struct doc_span *sp)
{
	const char *s = sp->text;
	size_t n = strlen(s), a = 0, b = n;
	const char *delim = (sp->style & DOC_BOLD) && (sp->style & DOC_ITALIC) ? "***"
	                    : (sp->style & DOC_BOLD)                           ? "**"
	                    : (sp->style & DOC_ITALIC)                         ? "*"
	                                                                       : NULL;
	if (!delim) {
		md_text(w, s, n);
		return;
	}
	while (a < n && is_space(s[a]))
		a++;
	while (b > a && is_space(s[b - 1]))
		b--;
	md_text(w, s, a);
	if (b > a) {
		md_visible(w);
		buf_appends(w->out, delim);
		w->line_start = w->after_cite = 0;
		md_text(w, s + a, b - a);
		buf_appends(w->out, delim);
		w->visible = 1;
	}
	md_text(w, s + b, n - b);
}

/* One block: its first-line prefix ("## ", "- ", "> "...), its spans, a newline. */
static int md_block(struct buf *out, const struct doc_block *b, const char *first, const char *cont, int oneline)
{
	struct md_writer w = {out, cont, oneline, 1, 0, 0, 0, 0};
	buf_appends(out, first);
	for (size_t i = 0; i < b->nspans; i++) {
		const struct doc_span *sp = &b->spans[i];
		if (sp->cite > 0) {
			md_visible(&w);
			buf_appendf(out, "[%d]", sp->cite);
			w.line_start = 0;
			w.after_cite = w.visible = 1;
		} else if (sp->text) {
			md_span(&w, sp);
		}
	}
	buf_appendc(out, '\n');
	return w.visible;
}

static void md_line(struct buf *out, const char *first, const char *s, int oneline)
{
	struct doc_span sp = {(char *)s, 0, 0};
	struct doc_block b = {DOC_PARAGRAPH, 0, 0, &sp, 1, 1};
	md_block(out, &b, first, "", oneline);
}

/* One row of a pipe table: "| a | b |" and a newline. */
static void md_row(struct buf *out, const struct doc_block *b, size_t ncols)
{
	buf_appendc(out, '|');
	for (size_t c = 0; c < ncols; c++) {
		struct md_writer w = {out, "", 1, 0, 0, 0, 0, 0};
		buf_appendc(out, ' ');
		if (c < b->nspans && b->spans[c].text)
			md_span(&w, &b->spans[c]);
		buf_appends(out, " |");
	}
	buf_appendc(out, '\n');
}

/* The table of blocks [i, end), after a blank line: returns end. */
static size_t md_table(const struct doc *d, size_t i, struct buf *out)
{
	size_t end = i, header = 0, ncols = doc_table(d, i, &end, &header);
	static const struct doc_block empty = {DOC_ROW, 1, 0, NULL, 0, 0};
	if (!ncols)
		return end;
	md_row(out, header ? &d->blocks[i] : &empty, ncols);
	buf_appendc(out, '|');
	for (size_t c = 0; c < ncols; c++)
		buf_appends(out, " --- |");
	buf_appendc(out, '\n');
	for (size_t k = i + (header ? 1 : 0); k < end; k++)
		md_row(out, &d->blocks[k], ncols);
	return end;
}

static int is_item(const struct doc_block *b)
{
	return b && (b->type == DOC_BULLET || b->type == DOC_NUMBERED);
}

static void md_body(const struct doc *d, struct buf *out)
{
	size_t col[8] = {0};                           /* where the text of the last item of each level starts */
	enum doc_block_type type[8] = {DOC_PARAGRAPH}; /* and its kind */
	int depth = 0;                                 /* levels of list open */
	const struct doc_block *prev = NULL;
	char first[96], cont[96];

	for (size_t i = 0; i < d->nblocks; i++) {
		const struct doc_block *b = &d->blocks[i];
		size_t mark = out->len;
		if (b->type == DOC_PAGEBREAK)
			continue; /* Markdown has no pages */
		if (b->type == DOC_ROW) {
			if (prev)
				buf_appendc(out, '\n');
			i = md_table(d, i, out) - 1;
			depth = 0;
			prev = b;
			continue;
		}
		int oneline = 0, level = 0;
		first[0] = cont[0] = '\0';
		if (is_item(b)) {
			level = b->level < 1 ? 1 : b->level;
			if (level > depth + 1)
				level = depth + 1;
			if (level > (int)ARRAY_SIZE(col))
				level = (int)ARRAY_SIZE(col);
			size_t indent = level > 1 ? col[level - 2] : 0;
			char marker[24];
			if (b->type == DOC_NUMBERED)
				snprintf(marker, sizeof(marker), "%d. ",
				         b->number < 0           ? 0
				         : b->number > 999999999 ? 999999999
				                                 : b->number);
			else
				snprintf(marker, sizeof(marker), "- ");
			if (indent > 60)
				indent = 60;
			snprintf(first, sizeof(first), "%*s%s", (int)indent, "", marker);
			col[level - 1] = indent + strlen(marker);
			snprintf(cont, sizeof(cont), "%*s", (int)col[level - 1], "");
		} else if (b->type == DOC_HEADING) {
			int h = (b->level < 1 ? 1 : b->level > 3 ? 3 : b->level) + 1;
			snprintf(first, sizeof(first), "%.*s ", h, "####");
			oneline = 1;
		} else if (b->type == DOC_QUOTE) {
			snprintf(first, sizeof(first), "> ");
			snprintf(cont, sizeof(cont), "> ");
		}
		/*
		 * Items of one list are written line after line; anything else after a blank line.
		 * An ordered list not starting at 1 cannot interrupt an item's text, and a list of
		 * the other kind at the same level is another list: both come after a blank line.
		 */
		int tight = 0;
		if (is_item(prev) && is_item(b))
			tight =
			    level > depth ? !(b->type == DOC_NUMBERED && b->number != 1) : type[level - 1] == b->type;
		if (prev && !tight)
			buf_appendc(out, '\n');
		if (!md_block(out, b, first, cont, oneline) && b->type != DOC_HEADING) {
			buf_truncate(out, mark); /* nothing visible: no empty item or paragraph */
			continue;
		}
		depth = is_item(b) ? level : 0;
		if (depth)
			type[depth - 1] = b->type;
		prev = b;
	}
}

int export_md(const struct doc *d, struct buf *out, struct err *e)
{
	struct buf m = BUF_INIT, line = BUF_INIT;
	int ret = doc_check(d, e);
	if (ret)
		return ret;

	if (d->title && *d->title) {
		md_line(&m, "# ", d->title, 1);
		buf_appendc(&m, '\n');
	}
	if (d->organisation && *d->organisation) {
		md_line(&m, "", d->organisation, 0);
		buf_appendc(&m, '\n');
	}
	if (d->date && *d->date) {
		md_line(&m, "", d->date, 1);
		buf_appendc(&m, '\n');
	}
	md_body(d, &m);
	if (d->nsources) {
		buf_appendc(&m, '\n');
		md_line(&m, "## ", d->annex_title ? d->annex_title : "", 1);
		buf_appendc(&m, '\n');
		for (size_t i = 0; i < d->nsources; i++) {
			char first[32];
			buf_reset(&line);
			doc_source_line(d, &d->sources[i], &line);
			snprintf(first, sizeof(first), "%zu. ", i + 1);
			md_line(&m, first, buf_str(&line), 1);
		}
	}
	if (buf_append(out, m.data, m.len))
		ret =
		    err_set(e, ERR_TOO_BIG, "the Markdown file is larger than the output allows (%zu bytes)", out->max);
	buf_release(&m);
	buf_release(&line);
	return ret;
}
