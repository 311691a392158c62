/*
 * DOCX and ODT: zip archives (libzip, read from memory) holding XML parts
 * (libxml2's streaming reader, so a large document does not become a large tree).
 *
 * Hostile files: a member whose declared size is over EXTRACT_MAX_UNZIPPED is
 * refused, and every read is capped as it goes, because the declared size is only
 * what the archive claims. XML is parsed without network access, DTD loading or
 * entity substitution.
 */
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "hub/extract.h"
#include "hub/extract_priv.h"
#include "base/banned.h"

#define DC_NS     "http://purl.org/dc/elements/1.1/"
#define MC_NS     "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define TEXT_NS   "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define SVG_NS    "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define ODT_MIME  "application/vnd.oasis.opendocument.text"
#define DOCX_BODY "word/document.xml"

/* Caps for the small parts: metadata, the manifest, the style list. */
#define META_MAX   (1u << 20)
#define STYLES_MAX (16u << 20)

#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static const unsigned char OLE_MAGIC[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

/* What the messages call each format. */
static const char DOCX_WHAT[] = "Word (DOCX)";
static const char ODT_WHAT[] = "OpenDocument text (ODT)";

/* ---- zip ---- */

static zip_t *open_zip(const unsigned char *data, size_t n)
{
	zip_error_t zerr = {0};
	zip_source_t *src = NULL;
	zip_t *za = NULL;

	zip_error_init(&zerr);
	src = zip_source_buffer_create(data, n, 0, &zerr);
	if (!src)
		goto cleanup;
	za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
	if (!za)
		zip_source_free(src); /* on success the archive owns it */
cleanup:
	zip_error_fini(&zerr);
	return za;
}

/*
 * Reads one member into out, at most cap bytes. Returns 0, 1 when the member is
 * missing and not required, or an error.
 */
static int read_member(zip_t *za, const char *member, size_t cap, int required, struct buf *out, const char *name,
                       const char *what, struct err *e)
{
	zip_file_t *zf = NULL;
	zip_stat_t st = {0};
	char chunk[16384] = {0};
	int rc = 0;

	buf_release(out);
	buf_init(out, cap);
	zip_int64_t idx = zip_name_locate(za, member, 0);
	if (idx < 0)
		idx = zip_name_locate(za, member, ZIP_FL_NOCASE);
	if (idx < 0) {
		rc = required ? err_set(e, ERR_FORMAT,
		                        "%s: the file is damaged or is not a real %s document (%s is missing)", name,
		                        what, member)
		              : 1;
		goto cleanup;
	}
	zip_stat_init(&st);
	if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) < 0) {
		rc = err_set(e, ERR_FORMAT, "%s: the file is damaged (%s cannot be found in it)", name, member);
		goto cleanup;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > cap) {
		rc = err_set(e, ERR_TOO_BIG,
		             "%s: the document is too big to take in (%s would unpack to more than %zu MB)", name,
		             member, cap >> 20);
		goto cleanup;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
		rc = err_set(e, ERR_ENCRYPTED,
		             "%s: the document is protected by a password; save a copy without the password and add "
		             "that instead",
		             name);
		goto cleanup;
	}
	zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
	if (!zf) {
		int code = zip_error_code_zip(zip_get_error(za));
		if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
			rc = err_set(e, ERR_ENCRYPTED,
			             "%s: the document is protected by a password; save a copy without the password "
			             "and add that instead",
			             name);
		else if (code == ZIP_ER_COMPNOTSUPP)
			rc = err_set(e, ERR_FORMAT, "%s: the file uses a kind of compression that cannot be read (%s)",
			             name, member);
		else
			rc = err_set(e, ERR_FORMAT, "%s: the file is damaged (%s cannot be unpacked)", name, member);
		goto cleanup;
	}
	for (;;) {
		zip_int64_t got = zip_fread(zf, chunk, sizeof(chunk));
		if (got < 0) {
			rc = err_set(e, ERR_FORMAT, "%s: the file is damaged or incomplete (%s cannot be unpacked)",
			             name, member);
			goto cleanup;
		}
		if (got == 0)
			break;
		/* The running cap: the archive's declared size may lie. */
		if (buf_append(out, chunk, (size_t)got)) {
			rc = err_set(e, ERR_TOO_BIG,
			             "%s: the document is too big to take in (%s would unpack to more than %zu MB)",
			             name, member, cap >> 20);
			goto cleanup;
		}
	}
	if (!out->data)
		buf_append(out, "", 0);
cleanup:
	if (zf && zip_fclose(zf) != 0 && rc == 0)
		rc = err_set(e, ERR_FORMAT, "%s: the file is damaged (%s fails its checksum)", name, member);
	if (rc != 0)
		buf_release(out);
	return rc;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static int is_odt_mime(const char *s, size_t n)
{
	size_t m = sizeof(ODT_MIME) - 1;
	/* Templates and master documents (…text-template, …text-master) are text too. */
	return n >= m && !memcmp(s, ODT_MIME, m) && (n == m || s[m] == '-' || s[m] == '\n' || s[m] == '\r');
}

/*
 * For an archive libzip cannot open (usually a cut-off download): the local file
 * headers at the front still name the members.
 */
static int scan_local_headers(const unsigned char *d, size_t n)
{
	static const char DOC[] = DOCX_BODY, MIME[] = "mimetype";
	const unsigned char *p = d, *end = d + n;

	while ((p = extract_find(p, (size_t)(end - p), "PK\x03\x04", 4)) != NULL) {
		if (end - p < 30)
			break;
		size_t nlen = le16(p + 26), xlen = le16(p + 28);
		const unsigned char *fname = p + 30;
		if ((size_t)(end - fname) >= nlen) {
			if (nlen == sizeof(DOC) - 1 && !memcmp(fname, DOC, nlen))
				return FMT_DOCX;
			const unsigned char *body = fname + nlen + xlen;
			if (nlen == sizeof(MIME) - 1 && !memcmp(fname, MIME, nlen) && le16(p + 8) == 0 && body < end &&
			    is_odt_mime((const char *)body, (size_t)(end - body) < 64 ? (size_t)(end - body) : 64))
				return FMT_ODT;
		}
		p += 4;
	}
	return -1;
}

int extract_zip_kind(const unsigned char *data, size_t n)
{
	zip_t *za = open_zip(data, n);
	struct buf mime = BUF_INIT;
	int kind = FMT_UNKNOWN;

	if (!za) {
		kind = scan_local_headers(data, n);
		goto cleanup;
	}
	if (zip_name_locate(za, DOCX_BODY, 0) >= 0) {
		kind = FMT_DOCX;
		goto cleanup;
	}
	int r = read_member(za, "mimetype", 256, 0, &mime, "", "", NULL);
	if (r == 0 && is_odt_mime(mime.data, mime.len))
		kind = FMT_ODT;
	else if (r == 1 && zip_name_locate(za, "content.xml", 0) >= 0)
		kind = FMT_ODT;
cleanup:
	buf_release(&mime);
	if (za)
		zip_discard(za);
	return kind;
}

/* ---- XML ---- */

struct xml_err {
	int line;
};

#if LIBXML_VERSION >= 21200
static void xml_error(void *ctx, const xmlError *err)
#else
static void xml_error(void *ctx, xmlErrorPtr err)
#endif
{
	/* Keeps libxml2 quiet; the message names the line of the first error. */
	struct xml_err *xe = ctx;
	if (xe && !xe->line && err)
		xe->line = err->line > 0 ? err->line : -1;
}

static xmlTextReaderPtr open_reader(const struct buf *xml, const char *url, struct xml_err *xe)
{
	xmlInitParser();
	xmlTextReaderPtr r = xmlReaderForMemory(xml->data, (int)xml->len, url, NULL, XML_OPTS);
	if (r)
		xmlTextReaderSetStructuredErrorHandler(r, xml_error, xe);
	return r;
}

static int bad_xml(const char *name, const char *member, const struct xml_err *xe, struct err *e)
{
	if (xe->line > 0)
		return err_set(e, ERR_FORMAT, "%s: the file is damaged (%s is broken at line %d)", name, member,
		               xe->line);
	return err_set(e, ERR_FORMAT, "%s: the file is damaged (%s is broken)", name, member);
}

static int ns_is(const char *ns, const char *want)
{
	return ns && !strcmp(ns, want);
}

/* Element ln in the WordprocessingML namespace (transitional or strict). */
static int is_w(const char *ns, const char *ln, const char *want)
{
	return ns && strstr(ns, "wordprocessingml") && !strcmp(ln, want);
}

/* A decimal attribute value; dflt when it is missing or not a number. */
static int to_int(const char *v, int dflt)
{
	char *end = NULL;
	if (!v)
		return dflt;
	long l = strtol(v, &end, 10);
	if (end == v)
		return dflt;
	return l < INT_MIN ? INT_MIN : l > INT_MAX ? INT_MAX : (int)l;
}

static int attr_int(xmlTextReaderPtr r, const char *local, const char *ns, int dflt)
{
	xmlChar *v = xmlTextReaderGetAttributeNs(r, BAD_CAST local, BAD_CAST ns);
	int n = to_int((const char *)v, dflt);
	xmlFree(v);
	return n;
}

/* The dc:title of a metadata part (docProps/core.xml, meta.xml); silent when there is none. */
static void read_title(zip_t *za, const char *member, struct extract *x)
{
	struct buf xml = BUF_INIT;
	struct xml_err xe = {0};
	xmlTextReaderPtr r = NULL;

	if (read_member(za, member, META_MAX, 0, &xml, "", "", NULL) != 0)
		goto cleanup;
	r = open_reader(&xml, member, &xe);
	if (!r)
		goto cleanup;
	while (xmlTextReaderRead(r) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT ||
		    !ns_is((const char *)xmlTextReaderConstNamespaceUri(r), DC_NS) ||
		    strcmp((const char *)xmlTextReaderConstLocalName(r), "title"))
			continue;
		xmlChar *t = xmlTextReaderReadString(r);
		if (t)
			extract_set_title(x, (const char *)t, strlen((const char *)t));
		xmlFree(t);
		break;
	}
cleanup:
	if (r)
		xmlFreeTextReader(r);
	buf_release(&xml);
}

/* ---- paragraphs, shared by both formats ---- */

#define NEST_MAX 8

/*
 * Paragraphs can nest: a text box or a footnote sits inside a paragraph of the
 * body. Each open paragraph collects its own text; a nested one is kept aside and
 * written after the outermost, so a footnote does not cut its sentence in two.
 */
struct collect {
	struct extract *x;
	const char *name;
	struct err *e;
	struct {
		struct buf text;
		int level; /* heading level, 0 for a paragraph, -1 to drop (table of contents) */
	} open[NEST_MAX];
	int depth; /* open paragraphs, counting those nested past NEST_MAX */
	struct extract later;
	int rc;
};

static void collect_init(struct collect *c, struct extract *x, const char *name, struct err *e)
{
	c->x = x;
	c->name = name;
	c->e = e;
	for (int i = 0; i < NEST_MAX; i++) {
		buf_init(&c->open[i].text, 0);
		c->open[i].level = 0;
	}
	c->depth = 0;
	extract_init(&c->later);
	c->rc = 0;
}

static void collect_release(struct collect *c)
{
	for (int i = 0; i < NEST_MAX; i++)
		buf_release(&c->open[i].text);
	extract_release(&c->later);
}

static struct buf *collect_text(struct collect *c)
{
	if (!c->depth)
		return NULL;
	return &c->open[(c->depth < NEST_MAX ? c->depth : NEST_MAX) - 1].text;
}

static void para_open(struct collect *c, int level)
{
	if (c->depth < NEST_MAX) {
		buf_reset(&c->open[c->depth].text);
		c->open[c->depth].level = level;
	}
	c->depth++;
}

static void para_level(struct collect *c, int level)
{
	if (c->depth && c->depth <= NEST_MAX)
		c->open[c->depth - 1].level = level;
}

static void para_close(struct collect *c)
{
	if (!c->depth)
		return;
	if (c->depth <= NEST_MAX && c->rc >= 0) {
		struct buf *t = &c->open[c->depth - 1].text;
		int level = c->open[c->depth - 1].level;
		enum block_type type = level > 0 ? BLOCK_HEADING : BLOCK_PARA;
		if (level >= 0 && t->len) {
			if (c->depth == 1)
				c->rc = extract_push(c->x, type, level, 0, t->data, t->len, c->name, c->e);
			else if (extract_add(&c->later, type, level, 0, t->data, t->len) < 0)
				c->rc = extract_too_big(c->name, c->e);
		}
		buf_reset(t);
	}
	c->depth--;
	if (!c->depth && c->later.n) {
		for (size_t i = 0; i < c->later.n && c->rc >= 0; i++) {
			struct block *b = &c->later.blocks[i];
			c->rc = extract_push(c->x, b->type, b->level, 0, b->text, strlen(b->text), c->name, c->e);
		}
		extract_release(&c->later);
	}
}

/* ODF collapses runs of whitespace in text to one space (text:s writes more). */
static void append_collapsed(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			if (b->len && b->data[b->len - 1] != ' ' && b->data[b->len - 1] != '\n')
				buf_appendc(b, ' ');
			continue;
		}
		size_t run = strcspn(s, " \t\n\r");
		buf_append(b, s, run);
		s += run - 1;
	}
}

/* ---- DOCX ---- */

struct style {
	char *id;
	char *based_on;
	int level; /* as in struct collect; 0 also when unknown */
};

struct styles {
	struct style *v;
	size_t n, alloc;
};

static void styles_release(struct styles *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].id);
		free(s->v[i].based_on);
	}
	free(s->v);
	s->v = NULL;
	s->n = s->alloc = 0;
}

/*
 * Heading level from a style name ("heading 2", "Title", "toc 1") or a style id
 * ("Heading2", "Titre2" in French Word, "Title"). -1 for table-of-contents
 * entries, whose text repeats the headings.
 */
static int level_from_style_name(const char *s)
{
	static const char *const heads[] = {"heading", "titre"};
	if (!strcasecmp(s, "title") || !strcasecmp(s, "titre"))
		return 1;
	if (!strncasecmp(s, "toc", 3) && (s[3] == ' ' || (s[3] >= '0' && s[3] <= '9'))) {
		const char *d = s[3] == ' ' ? s + 4 : s + 3;
		if (*d >= '1' && *d <= '9')
			return -1;
	}
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		size_t m = strlen(heads[i]);
		if (strncasecmp(s, heads[i], m))
			continue;
		const char *d = s + m;
		if (*d == ' ')
			d++;
		if (*d >= '1' && *d <= '9' && !d[1])
			return *d - '0' > 6 ? 6 : *d - '0';
	}
	return 0;
}

static int outline_to_level(int lvl)
{
	/* w:outlineLvl counts from 0; 9 means body text. */
	if (lvl < 0 || lvl >= 9)
		return 0;
	return lvl + 1 > 6 ? 6 : lvl + 1;
}

static int style_cmp(const void *a, const void *b)
{
	return strcmp(((const struct style *)a)->id, ((const struct style *)b)->id);
}

static struct style *style_find(const struct styles *s, const char *id)
{
	struct style key = {(char *)id, NULL, 0};
	return s->n ? bsearch(&key, s->v, s->n, sizeof(*s->v), style_cmp) : NULL;
}

/* Reads word/styles.xml; a missing or broken one only costs the heading levels. */
static void read_styles(zip_t *za, struct styles *out)
{
	struct buf xml = BUF_INIT;
	struct xml_err xe = {0};
	xmlTextReaderPtr r = NULL;
	struct style *cur = NULL;
	int outline = -1;

	if (read_member(za, "word/styles.xml", STYLES_MAX, 0, &xml, "", "", NULL) != 0)
		goto cleanup;
	r = open_reader(&xml, "styles.xml", &xe);
	if (!r)
		goto cleanup;
	while (xmlTextReaderRead(r) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		if (type == XML_READER_TYPE_END_ELEMENT && is_w(ns, ln, "style")) {
			if (cur && !cur->level)
				cur->level = outline_to_level(outline);
			cur = NULL;
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (is_w(ns, ln, "style") && !xmlTextReaderIsEmptyElement(r)) {
			xmlChar *id = xmlTextReaderGetAttributeNs(r, BAD_CAST "styleId", BAD_CAST ns);
			cur = NULL;
			outline = -1;
			if (id) {
				out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
				cur = &out->v[out->n++];
				cur->id = xstrdup((const char *)id);
				cur->based_on = NULL;
				cur->level = 0;
			}
			xmlFree(id);
		} else if (cur && (is_w(ns, ln, "name") || is_w(ns, ln, "basedOn") || is_w(ns, ln, "outlineLvl"))) {
			xmlChar *v = xmlTextReaderGetAttributeNs(r, BAD_CAST "val", BAD_CAST ns);
			if (v && ln[0] == 'n')
				cur->level = level_from_style_name((const char *)v);
			else if (v && ln[0] == 'b' && !cur->based_on)
				cur->based_on = xstrdup((const char *)v);
			else if (v)
				outline = to_int((const char *)v, -1);
			xmlFree(v);
		}
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), style_cmp);
	/* A style based on a heading style is a heading of the same level. */
	for (size_t i = 0; i < out->n; i++) {
		const struct style *s = &out->v[i];
		for (int hops = 0; !out->v[i].level && s && s->based_on && hops < 8; hops++) {
			s = style_find(out, s->based_on);
			if (s && s->level > 0)
				out->v[i].level = s->level;
		}
	}
cleanup:
	if (r)
		xmlFreeTextReader(r);
	buf_release(&xml);
}

static int style_level(const struct styles *s, const char *id)
{
	const struct style *st = style_find(s, id);
	return st ? st->level : level_from_style_name(id);
}

/* Word's own elements whose content is not in the final text. */
static int docx_skipped(const char *ns, const char *ln)
{
	if (ns_is(ns, MC_NS))
		return !strcmp(ln, "Fallback"); /* a copy of mc:Choice for older readers */
	return is_w(ns, ln, "pPrChange") || is_w(ns, ln, "rPrChange") || is_w(ns, ln, "moveFrom") ||
	       is_w(ns, ln, "del") || is_w(ns, ln, "instrText") || is_w(ns, ln, "delText");
}

static int docx_body(const char *name, const struct buf *xml, const struct styles *styles, struct extract *x,
                     struct err *e)
{
	struct collect c = {0};
	struct xml_err xe = {0};
	xmlTextReaderPtr r = open_reader(xml, DOCX_BODY, &xe);
	int in_run = 0, in_t = 0;
	int ret = 0, rc = 0;

	collect_init(&c, x, name, e);
	if (!r) {
		rc = bad_xml(name, DOCX_BODY, &xe, e);
		goto cleanup;
	}
	ret = xmlTextReaderRead(r);
	while (ret == 1 && c.rc >= 0) {
		int type = xmlTextReaderNodeType(r);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		struct buf *t = collect_text(&c);
		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(r);
			if (docx_skipped(ns, ln)) {
				ret = xmlTextReaderNext(r);
				continue;
			}
			if (is_w(ns, ln, "p")) {
				if (!empty)
					para_open(&c, 0);
			} else if (is_w(ns, ln, "pStyle")) {
				xmlChar *v = xmlTextReaderGetAttributeNs(r, BAD_CAST "val", BAD_CAST ns);
				if (v)
					para_level(&c, style_level(styles, (const char *)v));
				xmlFree(v);
			} else if (is_w(ns, ln, "outlineLvl")) {
				para_level(&c, outline_to_level(attr_int(r, "val", ns, 9)));
			} else if (is_w(ns, ln, "r")) {
				in_run += !empty;
			} else if (is_w(ns, ln, "t")) {
				in_t = !empty;
			} else if (t && in_run && (is_w(ns, ln, "tab") || is_w(ns, ln, "ptab"))) {
				buf_appendc(t, ' ');
			} else if (t && in_run && (is_w(ns, ln, "br") || is_w(ns, ln, "cr"))) {
				buf_appendc(t, '\n');
			} else if (t && in_run && is_w(ns, ln, "noBreakHyphen")) {
				buf_appendc(t, '-');
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (is_w(ns, ln, "p"))
				para_close(&c);
			else if (is_w(ns, ln, "r") && in_run > 0)
				in_run--;
			else if (is_w(ns, ln, "t"))
				in_t = 0;
		} else if (t && in_t &&
		           (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
		            type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			if (v)
				buf_appends(t, v);
		}
		ret = xmlTextReaderRead(r);
	}
	if (c.rc < 0) {
		rc = c.rc;
		goto cleanup;
	}
	if (ret < 0) {
		rc = bad_xml(name, DOCX_BODY, &xe, e);
		goto cleanup;
	}
	while (c.depth && c.rc >= 0)
		para_close(&c);
	rc = c.rc;
cleanup:
	if (r)
		xmlFreeTextReader(r);
	collect_release(&c);
	return rc;
}

/*
 * A password-protected DOCX is not a zip at all but an OLE container holding an
 * "EncryptedPackage" stream; any other OLE file is an old binary .doc.
 */
static int ole_file(const char *name, const unsigned char *data, size_t n, struct err *e)
{
	static const char ENCRYPTED[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
	if (extract_find(data, n, ENCRYPTED, sizeof(ENCRYPTED) - 1))
		return err_set(e, ERR_ENCRYPTED,
		               "%s: the document is protected by a password; save a copy without the password and add "
		               "that instead",
		               name);
	return err_set(e, ERR_FORMAT,
	               "%s: this is an older Word file (.doc), not DOCX; save it as DOCX or PDF and add "
	               "that instead",
	               name);
}

static int docx(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	struct styles styles = {NULL, 0, 0};
	struct buf xml = BUF_INIT;
	zip_t *za = NULL;
	int rc = 0;

	if (n >= sizeof(OLE_MAGIC) && !memcmp(data, OLE_MAGIC, sizeof(OLE_MAGIC))) {
		rc = ole_file(name, data, n, e);
		goto cleanup;
	}
	za = open_zip(data, n);
	if (!za) {
		rc = err_set(e, ERR_FORMAT,
		             "%s: the file is damaged or incomplete (it cannot be opened as a %s document)", name,
		             DOCX_WHAT);
		goto cleanup;
	}
	rc = read_member(za, DOCX_BODY, EXTRACT_MAX_UNZIPPED, 1, &xml, name, DOCX_WHAT, e);
	if (rc < 0)
		goto cleanup;
	read_styles(za, &styles);
	rc = docx_body(name, &xml, &styles, x, e);
	if (rc < 0)
		goto cleanup;
	read_title(za, "docProps/core.xml", x);
cleanup:
	styles_release(&styles);
	buf_release(&xml);
	if (za)
		zip_discard(za);
	return rc;
}

/* ---- ODT ---- */

/* ODF elements whose content is not part of the running text. */
static int odt_skipped(const char *ns, const char *ln)
{
	static const char *const text_skip[] = {"tracked-changes",    "note-citation",      "table-of-content",
	                                        "alphabetical-index", "illustration-index", "table-index",
	                                        "object-index",       "user-index",         "bibliography",
	                                        "sequence-decls",     "variable-decls",     "user-field-decls"};
	if (ns_is(ns, TEXT_NS)) {
		for (size_t i = 0; i < sizeof(text_skip) / sizeof(text_skip[0]); i++)
			if (!strcmp(ln, text_skip[i]))
				return 1;
		return 0;
	}
	if (ns_is(ns, OFFICE_NS))
		return !strcmp(ln, "annotation"); /* comments in the margin */
	if (ns_is(ns, SVG_NS))
		return !strcmp(ln, "title") || !strcmp(ln, "desc"); /* image descriptions */
	return 0;
}

static int odt_body(const char *name, const struct buf *xml, struct extract *x, struct err *e)
{
	struct collect c = {0};
	struct xml_err xe = {0};
	xmlTextReaderPtr r = open_reader(xml, "content.xml", &xe);
	int ret = 0, rc = 0;

	collect_init(&c, x, name, e);
	if (!r) {
		rc = bad_xml(name, "content.xml", &xe, e);
		goto cleanup;
	}
	ret = xmlTextReaderRead(r);
	while (ret == 1 && c.rc >= 0) {
		int type = xmlTextReaderNodeType(r);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		struct buf *t = collect_text(&c);
		int text_ns = ns_is(ns, TEXT_NS);
		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(r);
			if (odt_skipped(ns, ln)) {
				ret = xmlTextReaderNext(r);
				continue;
			}
			if (text_ns && !strcmp(ln, "h")) {
				int level = attr_int(r, "outline-level", TEXT_NS, 1);
				if (!empty)
					para_open(&c, level < 1 ? 1 : level > 6 ? 6 : level);
			} else if (text_ns && !strcmp(ln, "p")) {
				if (!empty)
					para_open(&c, 0);
			} else if (t && text_ns && !strcmp(ln, "s")) {
				/* Bounded: the count is the file's word, and text is what we keep. */
				int count = attr_int(r, "c", TEXT_NS, 1);
				for (int i = 0; i < (count < 1 ? 1 : count > 64 ? 64 : count); i++)
					buf_appendc(t, ' ');
			} else if (t && text_ns && !strcmp(ln, "tab")) {
				buf_appendc(t, ' ');
			} else if (t && text_ns && !strcmp(ln, "line-break")) {
				buf_appendc(t, '\n');
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (text_ns && (!strcmp(ln, "p") || !strcmp(ln, "h")))
				para_close(&c);
		} else if (t && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
		                 type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			if (v)
				append_collapsed(t, v);
		}
		ret = xmlTextReaderRead(r);
	}
	if (c.rc < 0) {
		rc = c.rc;
		goto cleanup;
	}
	if (ret < 0) {
		rc = bad_xml(name, "content.xml", &xe, e);
		goto cleanup;
	}
	while (c.depth && c.rc >= 0)
		para_close(&c);
	rc = c.rc;
cleanup:
	if (r)
		xmlFreeTextReader(r);
	collect_release(&c);
	return rc;
}

static int odt(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	struct buf xml = BUF_INIT;
	zip_t *za = open_zip(data, n);
	int rc = 0;

	if (!za) {
		rc = err_set(e, ERR_FORMAT,
		             "%s: the file is damaged or incomplete (it cannot be opened as an %s document)", name,
		             ODT_WHAT);
		goto cleanup;
	}
	/* An encrypted ODT keeps its parts encrypted and says so in the manifest. */
	if (read_member(za, "META-INF/manifest.xml", META_MAX, 0, &xml, "", "", NULL) == 0 &&
	    extract_find(xml.data, xml.len, "encryption-data", 15)) {
		rc = err_set(e, ERR_ENCRYPTED,
		             "%s: the document is protected by a password; save a copy without the password and add "
		             "that instead",
		             name);
		goto cleanup;
	}
	rc = read_member(za, "content.xml", EXTRACT_MAX_UNZIPPED, 1, &xml, name, ODT_WHAT, e);
	if (rc < 0)
		goto cleanup;
	rc = odt_body(name, &xml, x, e);
	if (rc < 0)
		goto cleanup;
	read_title(za, "meta.xml", x);
cleanup:
	buf_release(&xml);
	if (za)
		zip_discard(za);
	return rc;
}

int extract_docx(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	struct xml_quiet quiet = {0};
	extract_xml_quiet(&quiet);
	int rc = docx(name, data, n, x, e);
	extract_xml_restore(&quiet);
	return rc;
}

int extract_odt(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	struct xml_quiet quiet = {0};
	extract_xml_quiet(&quiet);
	int rc = odt(name, data, n, x, e);
	extract_xml_restore(&quiet);
	return rc;
}
