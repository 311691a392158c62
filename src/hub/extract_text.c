/* Plain text and Markdown. */
#include <cmark.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "hub/extract.h"
#include "hub/extract_priv.h"
#include "base/banned.h"

/* UTF-16 (after its BOM) to UTF-8 with glibc's iconv. */
static int utf16_to_utf8(const char *name, const unsigned char *d, size_t n, int big_endian, struct buf *out,
                         struct err *e)
{
	int rc = 0;
	iconv_t cd = iconv_open("UTF-8", big_endian ? "UTF-16BE" : "UTF-16LE");
	char *dst = NULL;

	if (cd == (iconv_t)-1) {
		rc = err_set(e, ERR_ENCODING, "%s: cannot convert UTF-16 text on this system; save it as UTF-8", name);
		goto cleanup;
	}
	/* Two bytes of UTF-16 give at most three of UTF-8 (a surrogate pair: four for four). */
	size_t cap = n / 2 * 3 + 4;
	if (n / 2 * 3 > EXTRACT_MAX_TEXT + (size_t)EXTRACT_MAX_TEXT / 2) {
		rc = extract_too_big(name, e);
		goto cleanup;
	}
	dst = xmalloc(cap);
	char *in = (char *)d; /* iconv's prototype is not const-correct; it does not write */
	size_t in_left = n & ~(size_t)1;
	char *o = dst;
	size_t out_left = cap;
	if (iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1) {
		size_t at = (size_t)((const unsigned char *)in - d) + 2; /* + the BOM */
		if (errno == E2BIG)
			BUG("UTF-16 output buffer too small");
		rc = err_set(e, ERR_ENCODING, "%s: not valid UTF-16 text (byte %zu); save it as UTF-8", name, at);
		goto cleanup;
	}
	buf_reset(out);
	buf_append(out, dst, cap - out_left);
cleanup:
	free(dst);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	return rc;
}

int extract_decode_text(const char *name, const unsigned char *data, size_t n, struct buf *out, struct err *e)
{
	size_t skip = 0, line = 0, at = 0;
	int rc = 0;

	if (n >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))) {
		rc = utf16_to_utf8(name, data + 2, n - 2, data[0] == 0xFE, out, e);
		if (rc < 0)
			goto cleanup;
		if (memchr(buf_str(out), 0, out->len)) {
			rc = err_set(e, ERR_FORMAT, "%s: contains binary data (NUL characters), not text", name);
			goto cleanup;
		}
		if (out->len > EXTRACT_MAX_TEXT)
			rc = extract_too_big(name, e);
		goto cleanup;
	}
	if (n >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
		skip = 3;
	if (memchr(data, 0, n)) {
		rc = err_set(e, ERR_FORMAT, "%s: contains binary data (NUL bytes), not text", name);
		goto cleanup;
	}
	if (utf8_validate((const char *)data + skip, n - skip, &line, &at)) {
		rc = err_set(e, ERR_ENCODING, "%s: not valid UTF-8 text (line %zu, byte %zu); save it as UTF-8", name,
		             line, at + skip);
		goto cleanup;
	}
	if (n - skip > EXTRACT_MAX_TEXT) {
		rc = extract_too_big(name, e);
		goto cleanup;
	}
	buf_reset(out);
	buf_append(out, data + skip, n - skip);
cleanup:
	return rc;
}

static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\v' && s[i] != '\f')
			return 0;
	return 1;
}

int extract_paragraphs(struct extract *x, const char *text, size_t n, int page, const char *name, struct err *e)
{
	size_t i = 0;
	size_t para = 0, para_end = 0; /* the current paragraph is text[para, para_end) */
	int open = 0;
	int rc = 0;

	while (i < n) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - text) : n;
		if (blank_line(text + i, end - i)) {
			if (open) {
				rc = extract_push(x, BLOCK_PARA, 0, page, text + para, para_end - para, name, e);
				if (rc < 0)
					goto cleanup;
				open = 0;
			}
		} else {
			if (!open)
				para = i;
			open = 1;
			para_end = end;
		}
		i = nl ? end + 1 : n;
	}
	if (open)
		rc = extract_push(x, BLOCK_PARA, 0, page, text + para, para_end - para, name, e);
cleanup:
	return rc;
}

int extract_txt(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	struct buf text = BUF_INIT;
	int rc = extract_decode_text(name, data, n, &text, e);

	if (rc < 0)
		goto cleanup;
	const char *s = buf_str(&text);
	/*
	 * A form feed starts a new page (pdftotext ends every page with one); a text
	 * without any has no pages.
	 */
	int paged = memchr(s, '\f', text.len) != NULL;
	int page = paged ? 1 : 0;
	size_t i = 0;
	for (;;) {
		const char *ff = memchr(s + i, '\f', text.len - i);
		size_t end = ff ? (size_t)(ff - s) : text.len;
		rc = extract_paragraphs(x, s + i, end - i, page, name, e);
		if (rc < 0)
			goto cleanup;
		/* pdftotext's final form feed does not begin another page. */
		if (paged && !blank_line(s + i, end - i))
			x->pages = page;
		if (!ff)
			break;
		page++;
		i = end + 1;
	}
cleanup:
	buf_release(&text);
	return rc;
}

/* ---- Markdown ---- */

/* The text of a paragraph's or heading's inline content; raw HTML is left out. */
static void md_inline_text(cmark_node *node, struct buf *out)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev = CMARK_EVENT_NONE;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *cur = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		const char *lit = NULL;
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			if (lit)
				buf_appends(out, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_appendc(out, '\n');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

int extract_md(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	struct buf text = BUF_INIT, block = BUF_INIT;
	cmark_node *doc = NULL;
	cmark_iter *it = NULL;
	int rc = extract_decode_text(name, data, n, &text, e);

	if (rc < 0)
		goto cleanup;
	doc = cmark_parse_document(buf_str(&text), text.len, CMARK_OPT_DEFAULT);
	if (!doc) {
		rc = err_set(e, ERR_FORMAT, "%s: the Markdown text could not be read", name);
		goto cleanup;
	}
	it = cmark_iter_new(doc);
	cmark_event_type ev = CMARK_EVENT_NONE;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node_type type = cmark_node_get_type(node);
		const char *lit = NULL;
		buf_reset(&block);
		switch (type) {
		case CMARK_NODE_HEADING:
		case CMARK_NODE_PARAGRAPH:
			/*
			 * Paragraphs inside list items and block quotes are paragraphs too.
			 * Their inline children are read here, so the walk skips them.
			 */
			md_inline_text(node, &block);
			cmark_iter_reset(it, node, CMARK_EVENT_EXIT);
			if (type == CMARK_NODE_HEADING)
				rc = extract_push(x, BLOCK_HEADING, cmark_node_get_heading_level(node), 0, block.data,
				                  block.len, name, e);
			else
				rc = extract_push(x, BLOCK_PARA, 0, 0, block.data, block.len, name, e);
			break;
		case CMARK_NODE_CODE_BLOCK:
			lit = cmark_node_get_literal(node);
			if (lit)
				rc = extract_push(x, BLOCK_PARA, 0, 0, lit, strlen(lit), name, e);
			break;
		case CMARK_NODE_HTML_BLOCK:
			/*
			 * Raw HTML (a <div> of text, an HTML table) goes through the HTML
			 * extractor, which keeps its text and drops scripts and markup. A
			 * block with no element at all (a comment) is not an error here.
			 */
			lit = cmark_node_get_literal(node);
			if (lit && *lit) {
				rc = extract_html(name, (const unsigned char *)lit, strlen(lit), x, NULL);
				if (rc == ERR_TOO_BIG)
					rc = extract_too_big(name, e);
				else if (rc < 0)
					rc = 0;
			}
			break;
		default:
			break;
		}
		if (rc < 0)
			goto cleanup;
	}
cleanup:
	if (it)
		cmark_iter_free(it);
	if (doc)
		cmark_node_free(doc);
	buf_release(&block);
	buf_release(&text);
	return rc;
}
