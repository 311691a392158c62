/* What DOCX and ODT exports share: the archive in memory, XML text, the templates. */
#include "export/office.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/embed.h"
#include "base/fs.h"
#include "base/mustache.h"
#include "base/utf8.h"
#include "base/banned.h"

/* 1980-01-01 00:00 in MS-DOS format: the earliest date a zip entry can carry. */
#define OFFICE_DOS_TIME 0
#define OFFICE_DOS_DATE ((0 << 9) | (1 << 5) | 1)

/* A part of a document may be this big at most (the body of a very long document). */
#define OFFICE_MAX_PART (256u << 20)

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */
static const char LRM[] = "\xE2\x80\x8E";         /* U+200E LEFT-TO-RIGHT MARK */

/* ---- the archive ---- */

static int zip_failed(struct err *e, const char *what, zip_error_t *ze)
{
	return err_set(e, ERR_IO, "cannot build the document's zip archive (%s): %s", what, zip_error_strerror(ze));
}

int office_zip_open(struct office_zip *z, struct err *e)
{
	zip_error_t ze;
	int rc = 0;

	zip_error_init(&ze);
	z->za = NULL;
	z->src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!z->src) {
		rc = zip_failed(e, "memory", &ze);
		goto cleanup;
	}
	z->za = zip_open_from_source(z->src, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (!z->za) {
		rc = zip_failed(e, "open", &ze);
		zip_source_free(z->src);
		z->src = NULL;
		goto cleanup;
	}
	/* The archive frees its source when closed: keep one reference to read the bytes back. */
	zip_source_keep(z->src);
cleanup:
	zip_error_fini(&ze);
	return rc;
}

int office_zip_add(struct office_zip *z, const char *name, struct buf *part, int store, struct err *e)
{
	size_t len = part->len;
	char *data = buf_detach(part);
	zip_source_t *s = zip_source_buffer(z->za, data, len, 1);
	zip_int64_t idx;

	if (!s) {
		free(data);
		return zip_failed(e, name, zip_get_error(z->za));
	}
	idx = zip_file_add(z->za, name, s, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(s); /* frees data too */
		return zip_failed(e, name, zip_get_error(z->za));
	}
	if (zip_set_file_compression(z->za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) < 0 ||
	    zip_file_set_dostime(z->za, (zip_uint64_t)idx, OFFICE_DOS_TIME, OFFICE_DOS_DATE, 0) < 0)
		return zip_failed(e, name, zip_get_error(z->za));
	return 0;
}

int office_zip_finish(struct office_zip *z, struct buf *out, struct err *e)
{
	size_t old = out->len;
	char chunk[65536];
	zip_int64_t got;
	int rc = 0, opened = 0;

	if (zip_close(z->za) < 0) {
		rc = zip_failed(e, "write", zip_get_error(z->za));
		zip_discard(z->za);
		z->za = NULL;
		goto cleanup;
	}
	z->za = NULL;
	if (zip_source_open(z->src) < 0) {
		rc = zip_failed(e, "read back", zip_source_error(z->src));
		goto cleanup;
	}
	opened = 1;
	while ((got = zip_source_read(z->src, chunk, sizeof(chunk))) > 0) {
		if (buf_append(out, chunk, (size_t)got)) {
			rc = err_set(e, ERR_TOO_BIG, "the document is too big for the space allowed");
			goto cleanup;
		}
	}
	if (got < 0)
		rc = zip_failed(e, "read back", zip_source_error(z->src));
cleanup:
	if (rc)
		buf_truncate(out, old);
	if (opened)
		zip_source_close(z->src);
	zip_source_free(z->src);
	z->src = NULL;
	return rc;
}

void office_zip_discard(struct office_zip *z)
{
	if (z->za)
		zip_discard(z->za);
	z->za = NULL;
	if (z->src)
		zip_source_free(z->src);
	z->src = NULL;
}

/* ---- XML text ---- */

void office_xml_escape(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0;

	while (i < n) {
		unsigned c = p[i];
		const char *rep = NULL;
		size_t skip = 1;

		if (c >= 0x80) {
			uint32_t cp = 0;
			int k = utf8_decode(p + i, n - i, &cp);
			if (k > 0 && cp != 0xFFFE && cp != 0xFFFF) {
				i += (size_t)k;
				continue;
			}
			rep = REPLACEMENT;
			if (k > 0)
				skip = (size_t)k;
		} else if (c >= 0x20) {
			switch (c) {
			case '&':
				rep = "&amp;";
				break;
			case '<':
				rep = "&lt;";
				break;
			case '>':
				rep = "&gt;";
				break;
			case '"':
				rep = "&quot;";
				break;
			case '\'':
				rep = "&apos;";
				break;
			default:
				i++;
				continue;
			}
		} else {
			rep = c == '\t' ? "&#9;" : c == '\n' ? "&#10;" : c == '\r' ? "&#13;" : REPLACEMENT;
		}
		buf_append(out, s + start, i - start);
		buf_appends(out, rep);
		i += skip;
		start = i;
	}
	buf_append(out, s + start, i - start);
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_ascii_alnum(unsigned char c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int is_number_separator(unsigned char c)
{
	return c == '-' || c == '.' || c == '/' || c == ':' || c == ',';
}

void office_xml_text(struct buf *out, const char *s, size_t n, int rtl)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = 0;

	if (!rtl) {
		office_xml_escape(out, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		/* A number starts here: not inside a word, nor after "2-" or "2." of the same number. */
		if (!is_digit(p[i]) || (i > 0 && (is_ascii_alnum(p[i - 1]) || is_number_separator(p[i - 1]))))
			continue;
		office_xml_escape(out, s + start, i - start);
		buf_appends(out, LRM);
		start = i;
	}
	office_xml_escape(out, s + start, n - start);
}

enum { DIR_NEUTRAL, DIR_LTR, DIR_RTL };

/* The strong direction of a character, roughly as Unicode's Bidi_Class says (L, R/AL, other). */
static int char_dir(uint32_t c)
{
	if (c < 0x80)
		return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? DIR_LTR : DIR_NEUTRAL;
	/* Arabic-Indic digits, the Arabic comma, the number signs and the byte order mark are weak or neutral. */
	if ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9) || c == 0x060C ||
	    (c >= 0x0600 && c <= 0x0605) || c == 0xFEFF)
		return DIR_NEUTRAL;
	if ((c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC) ||
	    (c >= 0x10800 && c <= 0x10FFF) || (c >= 0x1E800 && c <= 0x1EFFF))
		return DIR_RTL;
	if (c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xC0 && c <= 0x2B8 && c != 0xD7 && c != 0xF7))
		return DIR_LTR;
	/* Greek, Cyrillic, Armenian; Indic and other scripts of Asia; Latin and Greek extended;
	   Tifinagh; kana and ideographs; Hangul. */
	if ((c >= 0x0370 && c <= 0x058F && c != 0x037E && c != 0x0387) || (c >= 0x0900 && c <= 0x0DFF) ||
	    (c >= 0x1E00 && c <= 0x1FFF) || (c >= 0x2D30 && c <= 0x2D7F) || (c >= 0x3040 && c <= 0x9FFF) ||
	    (c >= 0xAC00 && c <= 0xD7AF))
		return DIR_LTR;
	return DIR_NEUTRAL;
}

/* The direction of the character at s[i] and its length (1 for invalid UTF-8). */
static int dir_at(const unsigned char *s, size_t n, size_t i, size_t *len)
{
	uint32_t cp = 0;
	int k = s[i] < 0x80 ? 1 : utf8_decode(s + i, n - i, &cp);
	if (k <= 0) {
		*len = 1;
		return DIR_NEUTRAL;
	}
	*len = (size_t)k;
	return char_dir(k == 1 ? s[i] : cp);
}

static int is_break_or_tab(unsigned char c)
{
	return c == '\n' || c == '\r' || c == '\t';
}

int office_next_piece(const char *s, size_t n, size_t *pos, int split_dir, struct office_piece *p)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = *pos, len = 0;

	if (i >= n)
		return 0;
	memset(p, 0, sizeof(*p));
	if (u[i] == '\t' || u[i] == '\n' || u[i] == '\r') {
		p->type = u[i] == '\t' ? OFFICE_PIECE_TAB : OFFICE_PIECE_BREAK;
		i += (u[i] == '\r' && i + 1 < n && u[i + 1] == '\n') ? 2 : 1;
		*pos = i;
		return 1;
	}
	p->type = OFFICE_PIECE_TEXT;
	p->s = s + i;
	if (!split_dir || dir_at(u, n, i, &len) != DIR_LTR) {
		/* Up to the next break or tab, or (split_dir) the next left-to-right letter. */
		while (i < n && !is_break_or_tab(u[i])) {
			if (split_dir && dir_at(u, n, i, &len) == DIR_LTR)
				break;
			i += split_dir ? len : 1;
		}
		p->n = (size_t)(s + i - p->s);
		*pos = i;
		return 1;
	}
	/* Left-to-right words: up to the last letter or digit before an Arabic letter. */
	size_t end = i;
	while (i < n && !is_break_or_tab(u[i])) {
		int dir = dir_at(u, n, i, &len);
		if (dir == DIR_RTL)
			break;
		i += len;
		if (dir == DIR_LTR || is_digit(u[i - len]))
			end = i;
	}
	p->n = (size_t)(s + end - p->s);
	p->ltr = 1;
	*pos = end;
	return 1;
}

/* ---- templates ---- */

struct office_lang {
	const char *lang, *tag, *latin_lang, *latin_country;
};

/* Latin-script text in an Arabic document from Morocco is French more often than not. */
static const struct office_lang LANGS[] = {
    {"ar", "ar-MA", "fr", "FR"},
    {"fr", "fr-FR", "fr", "FR"},
    {"en", "en-GB", "en", "GB"},
};

static void set_string(json_t *data, const char *key, const char *s)
{
	if (s && *s)
		json_object_set_new(data, key, json_stringn_nocheck(s, strlen(s)));
}

json_t *office_template_data(const struct doc *d)
{
	const struct office_lang *l = NULL;
	json_t *data = json_object();
	char *tag = NULL, *latin_tag = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(LANGS); i++)
		if (!strcmp(d->lang, LANGS[i].lang))
			l = &LANGS[i];
	if (l) {
		tag = xstrdup(l->tag);
		latin_tag = xasprintf("%s-%s", l->latin_lang, l->latin_country);
	} else {
		tag = xstrdup(d->lang);
		latin_tag = xstrdup("fr-FR");
	}
	set_string(data, "lang", d->lang);
	set_string(data, "tag", tag);
	set_string(data, "latin_tag", latin_tag);
	set_string(data, "latin_lang", l ? l->latin_lang : "fr");
	set_string(data, "latin_country", l ? l->latin_country : "FR");
	set_string(data, "complex_lang", "ar");
	set_string(data, "complex_country", "MA");
	json_object_set_new(data, "rtl", json_boolean(d->rtl));
	set_string(data, "title", d->title);
	set_string(data, "organisation", d->organisation);
	set_string(data, "page_label", d->page_label);
	free(tag);
	free(latin_tag);
	return data;
}

int office_render(const char *overrides, const char *name, json_t *data, struct buf *out, struct err *e)
{
	struct mustache_opts o = {MUSTACHE_ESCAPE_XML, NULL, NULL, OFFICE_MAX_PART, 0};
	char *path = overrides ? fs_join(overrides, name) : NULL;
	int rc;

	if (path && fs_exists(path)) {
		struct buf src = BUF_INIT;
		rc = fs_read_file(path, OFFICE_MAX_PART, &src, e);
		if (!rc && (rc = mustache_render(src.data ? src.data : "", src.len, data, &o, out, e)))
			err_prefix(e, "%s", path);
		buf_release(&src);
		free(path);
		return rc;
	}
	free(path);
	const struct embed_file *f = embed_find(name);
	if (!f)
		return err_set(e, ERR_NOTFOUND, "the program carries no %s (a build problem)", name);
	rc = mustache_render((const char *)f->data, f->size, data, &o, out, e);
	if (rc)
		err_prefix(e, "data/%s", name);
	return rc;
}

void office_data_set_raw(json_t *data, const char *key, const char *s, size_t n)
{
	json_object_set_new(data, key, json_stringn_nocheck(s ? s : "", s ? n : 0));
}
