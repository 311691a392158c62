/*
 * Extraction front end: the block list, format detection and dispatch to the
 * per-format extractors (extract_text.c, extract_html.c, extract_office.c,
 * extract_pdf.c).
 */
#include "hub/extract.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "hub/extract_priv.h"
#include "base/banned.h"

/* How much of the start of a file detection looks at. */
#define SNIFF_BYTES 4096
/* HTML tags are looked for in this much of the start of a text file. */
#define SNIFF_HTML 1024

void extract_init(struct extract *x)
{
	x->blocks = NULL;
	x->n = 0;
	x->alloc = 0;
	x->title = NULL;
	x->pages = 0;
	x->text_bytes = 0;
}

void extract_release(struct extract *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->blocks[i].text);
	free(x->blocks);
	free(x->title);
	extract_init(x);
}

const char *extract_format_name(enum extract_format f)
{
	switch (f) {
	case FMT_TXT:
		return "txt";
	case FMT_MD:
		return "md";
	case FMT_HTML:
		return "html";
	case FMT_DOCX:
		return "docx";
	case FMT_ODT:
		return "odt";
	case FMT_PDF:
		return "pdf";
	case FMT_JSONL:
		return "jsonl";
	case FMT_UNKNOWN:
		break;
	}
	return "unknown";
}

static int is_ascii_plain(unsigned char c)
{
	return (c >= 0x20 && c < 0x7F) || c == '\t';
}

static void drop_trailing_blanks(struct buf *b)
{
	size_t len = b->len;
	while (len && (b->data[len - 1] == ' ' || b->data[len - 1] == '\t'))
		len--;
	buf_truncate(b, len);
}

/*
 * Appends s to b the way block text is stored: invalid UTF-8 becomes U+FFFD,
 * control characters go (they break terminals, JSON and the FTS tokenizer), every
 * line-break convention becomes '\n', blanks before a line break go and at most
 * one empty line is kept. With one_line, line breaks and tabs become single
 * spaces (for titles).
 */
static void clean_into(struct buf *b, const char *s, size_t n, int one_line)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int newlines = 0; /* line breaks just written */

	while (i < n) {
		/* Fast path: most text is runs of printable ASCII. */
		size_t run = i;
		while (run < n && is_ascii_plain(p[run]) && !(one_line && (p[run] == '\t' || p[run] == ' ')))
			run++;
		if (run > i) {
			buf_append(b, p + i, run - i);
			i = run;
			newlines = 0;
			continue;
		}
		uint32_t cp = 0;
		int k = utf8_decode(p + i, n - i, &cp);
		if (k < 0) {
			cp = 0xFFFD;
			k = 1;
		}
		i += (size_t)k;
		if (cp == '\r') {
			if (i < n && p[i] == '\n')
				continue; /* the '\n' comes next */
			cp = '\n';
		} else if (cp == '\f' || cp == '\v' || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
			cp = '\n';
		}
		if (one_line && (cp == '\n' || cp == '\t' || cp == ' ')) {
			if (b->len && b->data[b->len - 1] != ' ')
				buf_appendc(b, ' ');
			continue;
		}
		if (cp == '\n') {
			drop_trailing_blanks(b);
			if (newlines < 2)
				buf_appendc(b, '\n');
			newlines++;
			continue;
		}
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFEFF || cp == 0xFFFE ||
		    cp == 0xFFFF)
			continue;
		char enc[4] = {0};
		int m = utf8_encode(cp, enc);
		buf_append(b, enc, (size_t)m);
		newlines = 0;
	}
}

int extract_add(struct extract *x, enum block_type type, int level, int page, const char *text, size_t len)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	if (!text || !len)
		goto cleanup;
	clean_into(&b, text, len, 0);
	buf_trim(&b);
	if (!b.len)
		goto cleanup;
	if (x->text_bytes > EXTRACT_MAX_TEXT || b.len > EXTRACT_MAX_TEXT - x->text_bytes) {
		rc = ERR_TOO_BIG;
		goto cleanup;
	}
	x->blocks = xgrow(x->blocks, &x->alloc, x->n + 1, sizeof(*x->blocks));
	struct block *blk = &x->blocks[x->n++];
	blk->type = type;
	if (type == BLOCK_HEADING)
		blk->level = level < 1 ? 1 : level > 6 ? 6 : level;
	else
		blk->level = 0;
	blk->page = page > 0 ? page : 0;
	x->text_bytes += b.len;
	blk->text = buf_detach(&b);
cleanup:
	buf_release(&b);
	return rc;
}

int extract_too_big(const char *name, struct err *e)
{
	return err_set(e, ERR_TOO_BIG,
	               "%s: the document has too much text to take in (more than %u MB); split it into smaller files",
	               name, EXTRACT_MAX_TEXT >> 20);
}

int extract_push(struct extract *x, enum block_type type, int level, int page, const char *text, size_t len,
                 const char *name, struct err *e)
{
	int rc = extract_add(x, type, level, page, text, len);
	if (rc == ERR_TOO_BIG)
		return extract_too_big(name, e);
	return rc;
}

void extract_set_title(struct extract *x, const char *s, size_t len)
{
	struct buf b = BUF_INIT;

	free(x->title);
	x->title = NULL;
	if (!s)
		goto cleanup;
	/* A title is a label, not text to search: keep it reasonably short. */
	clean_into(&b, s, len < 4096 ? len : utf8_clip(s, len, 4096), 1);
	buf_trim(&b);
	if (b.len)
		x->title = buf_detach(&b);
cleanup:
	buf_release(&b);
}

const void *extract_find(const void *hay, size_t n, const void *needle, size_t m)
{
	const unsigned char *h = hay, *end = h + n;
	if (!m)
		return hay;
	while (m <= (size_t)(end - h)) {
		const unsigned char *p = memchr(h, *(const unsigned char *)needle, (size_t)(end - h) - m + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, needle, m))
			return p;
		h = p + 1;
	}
	return NULL;
}

/* ---- detection ---- */

static const char *extension(const char *name)
{
	if (!name)
		return "";
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	const char *dot = strrchr(base, '.');
	return dot && dot != base ? dot + 1 : "";
}

static enum extract_format format_from_ext(const char *name)
{
	static const struct {
		const char *ext;
		enum extract_format fmt;
	} map[] = {
	    {"txt", FMT_TXT},      {"text", FMT_TXT},  {"md", FMT_MD},     {"markdown", FMT_MD}, {"mdown", FMT_MD},
	    {"mkd", FMT_MD},       {"html", FMT_HTML}, {"htm", FMT_HTML},  {"xhtml", FMT_HTML},  {"jsonl", FMT_JSONL},
	    {"ndjson", FMT_JSONL}, {"pdf", FMT_PDF},   {"docx", FMT_DOCX}, {"odt", FMT_ODT},
	};
	const char *ext = extension(name);
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcasecmp(ext, map[i].ext))
			return map[i].fmt;
	return FMT_UNKNOWN;
}

static const unsigned char OLE_MAGIC[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

static int has_prefix(const unsigned char *d, size_t n, const void *magic, size_t m)
{
	return n >= m && !memcmp(d, magic, m);
}

/* Case-insensitive search for an ASCII needle. */
static int contains_ci(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (!strncasecmp(s + i, needle, m))
			return 1;
	return 0;
}

/*
 * Whether text (ASCII-compatible, possibly cut anywhere) is an HTML page. Strong
 * signs are a doctype or <html> at the start; a file that starts with some other
 * tag counts when a common HTML tag shows up early. Text that merely mentions a tag
 * further in (a Markdown file, notes about HTML) stays text.
 */
static int looks_html(const char *s, size_t n)
{
	static const char *const tags[] = {"<body", "<head", "<title", "<meta", "<p>", "<p ",   "<div", "<table",
	                                   "<br",   "<h1",   "<h2",    "<h3",   "<ul", "<span", "<a "};
	size_t i = 0;

	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\f'))
		i++;
	s += i;
	n -= i;
	if (n > SNIFF_HTML)
		n = SNIFF_HTML;
	if (!n || s[0] != '<')
		return 0;
	if (n >= 14 && !strncasecmp(s, "<!doctype html", 14))
		return 1;
	if (n >= 5 && !strncasecmp(s, "<html", 5))
		return 1;
	if (n >= 5 && !strncasecmp(s, "<?xml", 5))
		return contains_ci(s, n, "<html");
	for (size_t t = 0; t < ARRAY_SIZE(tags); t++)
		if (contains_ci(s, n, tags[t]))
			return 1;
	return 0;
}

/*
 * Whether the start of a file is binary rather than text. NUL bytes mean binary.
 * Invalid UTF-8 alone does not: a French text saved as Latin-1 or Windows-1252 is
 * still text, and the user is better served by "save it as UTF-8" (ERR_ENCODING)
 * than by "unsupported". Such files have almost no control bytes; random or
 * compressed data has many (about one byte in eight).
 */
static int looks_binary(const unsigned char *d, size_t n)
{
	size_t window = n < SNIFF_BYTES ? n : SNIFF_BYTES;
	size_t line = 0, at = 0, controls = 0;

	if (memchr(d, 0, window))
		return 1;
	if (!utf8_validate((const char *)d, window, &line, &at))
		return 0;
	/* A character cut by the end of the window is not an error. */
	uint32_t cp = 0;
	if (window < n && at + 4 > window && utf8_decode(d + at, n - at, &cp) > 0)
		return 0;
	for (size_t i = 0; i < window; i++)
		if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' && d[i] != '\f') || d[i] == 0x7F)
			controls++;
	return controls * 64 > window;
}

/* The ASCII characters of the start of a UTF-16 text (others become '?'), for looks_html. */
static size_t utf16_sniff(const unsigned char *d, size_t n, int big_endian, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 2; i + 1 < n && k < cap; i += 2) {
		unsigned u = big_endian ? (unsigned)d[i] << 8 | d[i + 1] : (unsigned)d[i + 1] << 8 | d[i];
		out[k++] = u < 0x80 ? (char)u : '?';
	}
	return k;
}

enum extract_format extract_detect(const char *name, const unsigned char *data, size_t n)
{
	enum extract_format by_ext = format_from_ext(name);

	if (!data || !n)
		return by_ext != FMT_UNKNOWN ? by_ext : FMT_TXT;
	if (has_prefix(data, n, "%PDF-", 5))
		return FMT_PDF;
	if (has_prefix(data, n, "PK\x03\x04", 4)) {
		int kind = extract_zip_kind(data, n);
		if (kind >= 0)
			return (enum extract_format)kind;
		/* An unreadable zip: let the named format report the damage. */
		return by_ext == FMT_DOCX || by_ext == FMT_ODT ? by_ext : FMT_UNKNOWN;
	}
	if (has_prefix(data, n, "\xFF\xFE", 2) || has_prefix(data, n, "\xFE\xFF", 2)) {
		char ascii[SNIFF_HTML] = {0};
		size_t k = utf16_sniff(data, n < SNIFF_BYTES ? n : SNIFF_BYTES, data[0] == 0xFE, ascii, sizeof(ascii));
		if (looks_html(ascii, k))
			return FMT_HTML;
		return by_ext == FMT_MD || by_ext == FMT_HTML ? by_ext : FMT_TXT;
	}
	if (looks_binary(data, n)) {
		/* Probably a damaged file of the named kind: let it say what is wrong. */
		if (by_ext == FMT_PDF || by_ext == FMT_DOCX || by_ext == FMT_ODT)
			return by_ext;
		return FMT_UNKNOWN;
	}
	if (looks_html((const char *)data, n < SNIFF_BYTES ? n : SNIFF_BYTES))
		return FMT_HTML;
	if (by_ext == FMT_MD || by_ext == FMT_JSONL || by_ext == FMT_HTML)
		return by_ext;
	return FMT_TXT;
}

/* ---- dispatch ---- */

static int unsupported(const char *name, const unsigned char *data, size_t n, struct err *e)
{
	if (has_prefix(data, n, "PK\x03\x04", 4) || has_prefix(data, n, "PK\x05\x06", 4))
		return err_set(e, ERR_UNSUPPORTED,
		               "%s: this zip archive is not a Word (DOCX) or OpenDocument text (ODT) document, "
		               "so it cannot be read",
		               name);
	if (has_prefix(data, n, OLE_MAGIC, sizeof(OLE_MAGIC)))
		return err_set(e, ERR_UNSUPPORTED,
		               "%s: this is an older Microsoft Office file (.doc, .xls or .ppt); "
		               "save it as DOCX or PDF and add that instead",
		               name);
	return err_set(e, ERR_UNSUPPORTED,
	               "%s: this kind of file is not supported (it is not PDF, DOCX, ODT, HTML, Markdown or "
	               "plain text)",
	               name);
}

int extract_run(const char *name, const unsigned char *data, size_t n, enum extract_format fmt, struct extract *out,
                struct err *e)
{
	int rc = 0;

	if (!name)
		name = "(unnamed)";
	extract_release(out);
	if (!data || !n) {
		rc = err_set(e, ERR_EMPTY, "%s: the file is empty", name);
		goto cleanup;
	}
	switch (fmt) {
	case FMT_TXT:
		rc = extract_txt(name, data, n, out, e);
		break;
	case FMT_MD:
		rc = extract_md(name, data, n, out, e);
		break;
	case FMT_HTML:
		rc = extract_html(name, data, n, out, e);
		break;
	case FMT_DOCX:
		rc = extract_docx(name, data, n, out, e);
		break;
	case FMT_ODT:
		rc = extract_odt(name, data, n, out, e);
		break;
	case FMT_PDF:
		rc = extract_pdf(name, data, n, out, e);
		break;
	case FMT_JSONL:
		rc = err_set(e, ERR_UNSUPPORTED,
		             "%s: a JSON Lines collection is read record by record, not as one document", name);
		break;
	case FMT_UNKNOWN:
	default:
		rc = unsupported(name, data, n, e);
		break;
	}
	if (rc == 0 && out->n == 0)
		rc = err_set(e, ERR_EMPTY, "%s: there is no text in this file", name);
cleanup:
	if (rc < 0)
		extract_release(out);
	return rc;
}
