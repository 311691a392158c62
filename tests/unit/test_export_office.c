/*
 * DOCX and ODT export (src/export/docx.c, odt.c, office.c): the XML escaper and the cutting
 * of text first; then three documents (an Arabic memorandum of several pages, a French note
 * made from Markdown, hostile text), each exported to both formats and checked part by part
 * with libzip and libxml2 (XPath), read back by the program's own extractor, and finally
 * opened by LibreOffice (converted to PDF in one soffice run) and read with pdftotext.
 * Tables: a signature list on landscape pages, checked in the XML (rows, header row,
 * right-to-left columns, hostile cells kept as text) and in LibreOffice's PDF (every row in
 * order, the header on each page).
 *
 * LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo) are required: without them
 * the test fails, it is never skipped. Files are written under $TMPROOT (tests/run.sh),
 * $TMPDIR or /tmp, in a folder removed at the end unless ASURIF_KEEP_TMP is set.
 */
#define _XOPEN_SOURCE 700 /* nftw, to remove the work folder */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/fs.h"
#include "base/utf8.h"
#include "export/doc.h"
#include "export/office.h"
#include "hub/extract.h"
#include "tmpdir.h"
#include "base/banned.h"

extern char **environ;

#define LRM      "\xE2\x80\x8E"
#define FFFD     "\xEF\xBF\xBD"
#define ODT_MIME "application/vnd.oasis.opendocument.text"

/* LibreOffice's first start (a fresh profile) takes a few seconds; a hung one must not hang the tests. */
#define SOFFICE_TIMEOUT_S 300

static char *workdir; /* where files are written; removed by the group teardown */

/* ---- the documents ---- */

static const char AR_TITLE[] = "مذكرة حول ولوج المقاولات الصغيرة إلى الصفقات العمومية";
static const char AR_ORG[] = "جمعية أسوريف للتنمية المحلية";
static const char AR_MIXED[] = "يحدد المرسوم 2-22-431 نسبة 30% من الصفقات لفائدة المقاولات الصغيرة (TPE) منذ 2023";
static const char AR_H1[] = "السياق العام";
static const char AR_H2[] = "الإطار القانوني";
static const char AR_BOLD[] = "تقدم مهم";
static const char AR_QUOTE[] = "يخصص صاحب المشروع نسبة من المبلغ التقديري للصفقات";
static const char AR_FILLER[] =
    "تعمل الجماعات الترابية على تبسيط المساطر الإدارية لفائدة المقاولات الصغيرة والتعاونيات، "
    "وتنشر البرنامج التوقعي للصفقات في بداية كل سنة مالية، وتخصص حصة من الطلبيات العمومية "
    "للمقاولات المحلية حتى تستفيد ساكنة الجهة من فرص الشغل التي تخلقها هذه الطلبيات. ";

static const struct doc_source AR_SOURCES[] = {
    {"مرسوم الصفقات العمومية", "رئيس الحكومة", "2023-03-08", "المادة 140", "يخصص صاحب المشروع 30% من المبلغ", NULL},
    {"القانون التنظيمي للجهات", "البرلمان", "2015-07-07", "المادة 77", NULL, "مرجع أساسي"},
    {"تقرير المجلس الأعلى للحسابات", NULL, "2022", "ص. 4", NULL, NULL},
};

/* Title, organisation, two heading levels, bold and italic, lists, a quote, four citation
   marks to three sources (the first cited twice), a line break and some 3 pages of text. */
static struct doc *arabic_doc(void)
{
	struct doc *d = doc_new("ar");
	struct doc_block *b;

	doc_set(&d->title, AR_TITLE);
	doc_set(&d->organisation, AR_ORG);
	doc_set(&d->date, "2025-03-14");
	for (size_t i = 0; i < ARRAY_SIZE(AR_SOURCES); i++)
		doc_add_source(d, &AR_SOURCES[i]);

	b = doc_add_block(d, DOC_HEADING, 1);
	doc_add_text(b, AR_H1, strlen(AR_H1), 0);
	b = doc_add_block(d, DOC_PARAGRAPH, 0);
	doc_add_text(b, AR_MIXED, strlen(AR_MIXED), 0);
	doc_add_cite(b, 1);
	doc_add_text(b, ". وهذا ", strlen(". وهذا "), 0);
	doc_add_text(b, AR_BOLD, strlen(AR_BOLD), DOC_BOLD);
	doc_add_text(b, " لكنه يبقى ", strlen(" لكنه يبقى "), 0);
	doc_add_text(b, "غير كاف", strlen("غير كاف"), DOC_ITALIC);
	doc_add_text(b, " في التطبيق.", strlen(" في التطبيق."), 0);

	b = doc_add_block(d, DOC_HEADING, 2);
	doc_add_text(b, AR_H2, strlen(AR_H2), 0);
	static const char *const bullets[] = {"نص المرسوم على حصة محددة", "ألزم صاحب المشروع بالنشر"};
	for (size_t i = 0; i < ARRAY_SIZE(bullets); i++) {
		b = doc_add_block(d, DOC_BULLET, 1);
		doc_add_text(b, bullets[i], strlen(bullets[i]), 0);
	}
	b = doc_add_block(d, DOC_BULLET, 2);
	doc_add_text(b, "على البوابة الوطنية للصفقات", strlen("على البوابة الوطنية للصفقات"), 0);
	static const char *const steps[] = {"التسجيل في البوابة", "إعداد الملف", "الإيداع"};
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		b = doc_add_block(d, DOC_NUMBERED, 1);
		b->number = (int)i + 1;
		doc_add_text(b, steps[i], strlen(steps[i]), 0);
		if (i == 1)
			doc_add_cite(b, 2);
	}
	b = doc_add_block(d, DOC_QUOTE, 0);
	doc_add_text(b, AR_QUOTE, strlen(AR_QUOTE), 0);
	doc_add_cite(b, 1);

	b = doc_add_block(d, DOC_HEADING, 1);
	doc_add_text(b, "التوصيات", strlen("التوصيات"), 0);
	for (int i = 0; i < 16; i++) {
		b = doc_add_block(d, DOC_PARAGRAPH, 0);
		for (int k = 0; k < 2; k++)
			doc_add_text(b, AR_FILLER, strlen(AR_FILLER), 0);
		if (i == 8) {
			doc_add_text(b, "سطر أول\nسطر ثان بعد فاصل", strlen("سطر أول\nسطر ثان بعد فاصل"), 0);
			doc_add_cite(b, 3);
		}
	}
	return d;
}

static const char FR_MD[] = "# Note sur l'accès des TPE aux marchés publics\n\n"
                            "## Contexte\n\n"
                            "Le décret n° 2-22-431 réserve 30 % des marchés aux TPE depuis 2023[1](cite:1). "
                            "C'est **un progrès** mais *insuffisant*.\n\n"
                            "1. Premier point\n"
                            "   - détail a\n"
                            "   - détail b\n"
                            "2. Deuxième point[2](cite:2)\n\n"
                            "Texte intermédiaire,\\\nsur deux lignes.\n\n"
                            "4. Quatrième point\n\n"
                            "> Citation : « le maître d'ouvrage réserve 30 % »[1](cite:1)\n\n"
                            "### Suite\n\n"
                            "Espaces    multiples\tet tabulation.\n";

static const struct doc_source FR_SOURCES[] = {
    {"Décret n° 2-22-431", "Chef du gouvernement", "2023-03-08", "art. 140", "Le maître d'ouvrage réserve 30 %", NULL},
    {"Rapport annuel", "Cour des comptes", "2022", "p. 4", NULL, "À relire"},
};

static struct doc *french_doc(void)
{
	struct doc *d = doc_new("fr");
	struct err e = ERR_INIT;

	assert_int_equal(doc_from_markdown(d, FR_MD, strlen(FR_MD), &e), 0);
	for (size_t i = 0; i < ARRAY_SIZE(FR_SOURCES); i++)
		doc_add_source(d, &FR_SOURCES[i]);
	doc_set(&d->organisation, "Association Asurif");
	assert_int_equal(doc_check(d, &e), 0);
	return d;
}

/* What a hostile span must come out as (after escaping and repair, read back as text). */
static const char HOSTILE[] = "<w:p>&\"'\xff\x01\x0b]]></w:t></text:p>\xef\xbf\xbe end";
static const char HOSTILE_READ[] = "<w:p>&\"'" FFFD FFFD FFFD "]]></w:t></text:p>" FFFD " end";

static struct doc *hostile_doc(const char *lang)
{
	struct doc *d = doc_new(lang);
	struct doc_block *b;
	struct doc_source s = {(char *)HOSTILE, "a & b", NULL, NULL, "<excerpt>", NULL};

	doc_set(&d->title, HOSTILE);
	if (!strcmp(lang, "ar")) /* the French one has no header */
		doc_set(&d->organisation, "<org> & \"co\"");
	doc_set(&d->page_label, "p<a>ge");
	doc_add_source(d, &s);
	b = doc_add_block(d, DOC_HEADING, 1);
	doc_add_text(b, "<h1>", 4, 0);
	b = doc_add_block(d, DOC_PARAGRAPH, 0);
	doc_add_text(b, HOSTILE, strlen(HOSTILE), DOC_BOLD | DOC_ITALIC);
	doc_add_cite(b, 1);
	doc_add_text(b, "\r\nline\ttab  two spaces ", strlen("\r\nline\ttab  two spaces "), 0);
	doc_add_block(d, DOC_PARAGRAPH, 0);    /* an empty paragraph */
	b = doc_add_block(d, DOC_NUMBERED, 9); /* deeper than any format's levels */
	b->number = 7;
	doc_add_text(b, "deep", 4, 0);
	b = doc_add_block(d, DOC_HEADING, 6);
	doc_add_text(b, "level 6", 7, 0);
	return d;
}

/* ---- tables ---- */

static const char TABLE_HOSTILE[] = "<w:p></w:tc></table:table><script>x</script>";

/* A signature list on landscape pages: a header row, then rows of six cells (the last empty,
   but row 2's, which is hostile), then a paragraph. */
static struct doc *table_doc(const char *lang, int rows)
{
	int ar = !strcmp(lang, "ar");
	struct doc *d = doc_new(lang);
	char n[16], first[32], cin[32], addr[256];
	const char *head_ar[] = {"رقم", "الاسم الشخصي", "الاسم العائلي", "رقم البطاقة الوطنية", "العنوان", "التوقيع"};
	const char *head_fr[] = {"N°", "Prénom", "Nom", "CIN", "Adresse", "Signature"};
	d->landscape = 1;
	doc_set(&d->title, ar ? "لائحة التوقيعات" : "Liste des signatures");
	doc_add_row(d, 1, ar ? head_ar : head_fr, 6);
	for (int i = 1; i <= rows; i++) {
		snprintf(n, sizeof(n), "%d", i);
		snprintf(first, sizeof(first), "Amina%03d", i);
		snprintf(cin, sizeof(cin), "AB%06d", i);
		snprintf(addr, sizeof(addr), "%03d rue des Oliviers, quartier Hay Salam, commune de Tabant, Azilal", i);
		const char *cells[] = {n, first, ar ? "بنعلي" : "Benali", cin, addr, i == 2 ? TABLE_HOSTILE : NULL};
		doc_add_row(d, 0, cells, 6);
	}
	struct doc_block *b = doc_add_block(d, DOC_PARAGRAPH, 0);
	doc_add_text(b, "Fin", 3, 0);
	return d;
}

static int count_cites(const struct doc *d)
{
	int n = 0;
	for (size_t i = 0; i < d->nblocks; i++)
		for (size_t j = 0; j < d->blocks[i].nspans; j++)
			n += d->blocks[i].spans[j].cite > 0;
	return n;
}

/* The source lines of the citation marks, in order. */
static char **cite_lines(const struct doc *d, int *n)
{
	char **lines = xcalloc((size_t)count_cites(d) + 1, sizeof(*lines));
	*n = 0;
	for (size_t i = 0; i < d->nblocks; i++)
		for (size_t j = 0; j < d->blocks[i].nspans; j++) {
			int c = d->blocks[i].spans[j].cite;
			if (c <= 0)
				continue;
			struct buf b = BUF_INIT;
			doc_source_line(d, &d->sources[c - 1], &b);
			lines[(*n)++] = buf_detach(&b);
		}
	return lines;
}

static void free_lines(char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* ---- small text helpers ---- */

/* s with every U+200E (the marks the exporter adds before numbers) removed; caller frees. */
static char *without_lrm(const char *s)
{
	struct buf b = BUF_INIT;
	for (const char *p = s; *p;) {
		const char *m = strstr(p, LRM);
		size_t n = m ? (size_t)(m - p) : strlen(p);
		buf_append(&b, p, n);
		p += n;
		if (m)
			p += strlen(LRM);
	}
	return buf_detach(&b);
}

static int is_arabic(uint32_t c)
{
	return c >= 0x0600 && c <= 0x06FF;
}

/*
 * Text from pdftotext, or expected text, made comparable: bidirectional controls (pdftotext
 * wraps runs in U+202A..U+202C), tatweel and all white space removed; the commas pdftotext
 * gives for LibreOffice's kashida (justification) inside Arabic words removed; lam-alef in
 * either order (pdftotext may return a ligature's letters reversed). Caller frees.
 */
static char *normalise(const char *s, size_t n)
{
	uint32_t *cp = xcalloc(n + 1, sizeof(*cp));
	size_t m = 0;
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < n;) {
		uint32_t c = 0xFFFD;
		int k = utf8_decode((const unsigned char *)s + i, n - i, &c);
		i += k > 0 ? (size_t)k : 1;
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == 0x0640 || c == 0x200E ||
		    c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
			continue;
		cp[m++] = c;
	}
	for (size_t i = 0; i < m; i++) {
		if (cp[i] == ',' && i > 0 && is_arabic(cp[i - 1])) {
			size_t j = i;
			while (j < m && cp[j] == ',')
				j++;
			if (j < m && is_arabic(cp[j])) {
				i = j - 1;
				continue;
			}
		}
		uint32_t c = cp[i];
		if (c == 0x0644 && i + 1 < m &&
		    (cp[i + 1] == 0x0627 || cp[i + 1] == 0x0623 || cp[i + 1] == 0x0625 || cp[i + 1] == 0x0622)) {
			char enc[8];
			buf_append(&out, enc, (size_t)utf8_encode(cp[i + 1], enc));
			buf_append(&out, enc, (size_t)utf8_encode(0x0644, enc));
			i++;
			continue;
		}
		char enc[8];
		buf_append(&out, enc, (size_t)utf8_encode(c, enc));
	}
	free(cp);
	return buf_detach(&out);
}

/* Where normalised needle is in normalised hay, from byte `from`, or -1. */
static long find_norm(const char *hay, const char *needle, long from)
{
	char *nn = normalise(needle, strlen(needle));
	const char *p = from >= 0 && (size_t)from <= strlen(hay) ? strstr(hay + from, nn) : NULL;
	long at = p ? (long)(p - hay) : -1;
	free(nn);
	return at;
}

static int count_norm(const char *hay, const char *needle)
{
	int n = 0;
	char *nn = normalise(needle, strlen(needle));
	for (const char *p = strstr(hay, nn); p && *nn; p = strstr(p + strlen(nn), nn))
		n++;
	free(nn);
	return n;
}

/* Fails with the text around when needle is not in hay after from; returns where it is. */
static long expect_text(const char *what, const char *hay, const char *needle, long from)
{
	long at = find_norm(hay, needle, from);
	if (at < 0)
		fail_msg("%s: \"%s\" not found in the PDF's text (after byte %ld) in:\n%.3000s", what, needle, from,
		         hay);
	return at;
}

/* ---- zip and XML ---- */

struct pkg {
	zip_t *za;
	zip_source_t *src;
};

static void pkg_open(struct pkg *p, const struct buf *bytes, const char *what)
{
	zip_error_t ze;
	zip_error_init(&ze);
	p->src = zip_source_buffer_create(bytes->data, bytes->len, 0, &ze);
	assert_non_null(p->src);
	p->za = zip_open_from_source(p->src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!p->za)
		fail_msg("%s: libzip cannot open the archive: %s", what, zip_error_strerror(&ze));
	zip_error_fini(&ze);
}

static void pkg_close(struct pkg *p)
{
	zip_discard(p->za);
}

/* Reads a member; fails if it is missing. */
static void pkg_read(struct pkg *p, const char *name, struct buf *out)
{
	zip_stat_t st;
	zip_file_t *f;
	char chunk[16384];
	zip_int64_t got;

	buf_reset(out);
	if (zip_stat(p->za, name, 0, &st) < 0)
		fail_msg("the archive has no %s", name);
	f = zip_fopen(p->za, name, 0);
	assert_non_null(f);
	while ((got = zip_fread(f, chunk, sizeof(chunk))) > 0)
		buf_append(out, chunk, (size_t)got);
	assert_true(got == 0);
	zip_fclose(f);
	assert_int_equal(out->len, st.size);
}

static int pkg_has(struct pkg *p, const char *name)
{
	return zip_name_locate(p->za, name, 0) >= 0;
}

struct xml {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

static const char *const NAMESPACES[][2] = {
    {"w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"},
    {"r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships"},
    {"ct", "http://schemas.openxmlformats.org/package/2006/content-types"},
    {"rel", "http://schemas.openxmlformats.org/package/2006/relationships"},
    {"cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"},
    {"dc", "http://purl.org/dc/elements/1.1/"},
    {"office", "urn:oasis:names:tc:opendocument:xmlns:office:1.0"},
    {"style", "urn:oasis:names:tc:opendocument:xmlns:style:1.0"},
    {"text", "urn:oasis:names:tc:opendocument:xmlns:text:1.0"},
    {"fo", "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"},
    {"manifest", "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"},
    {"meta", "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"},
    {"config", "urn:oasis:names:tc:opendocument:xmlns:config:1.0"},
    {"table", "urn:oasis:names:tc:opendocument:xmlns:table:1.0"},
};

/* Parses a part strictly (no recovery, no network): a malformed part fails the test. */
static void xml_parse(struct xml *x, const struct buf *b, const char *what)
{
	x->doc = xmlReadMemory(b->data, (int)b->len, what, "UTF-8",
	                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!x->doc) {
		const xmlError *err = xmlGetLastError();
		fail_msg("%s is not well-formed XML: %s (line %d)", what, err && err->message ? err->message : "?",
		         err ? err->line : 0);
	}
	x->ctx = xmlXPathNewContext(x->doc);
	for (size_t i = 0; i < ARRAY_SIZE(NAMESPACES); i++)
		xmlXPathRegisterNs(x->ctx, (const xmlChar *)NAMESPACES[i][0], (const xmlChar *)NAMESPACES[i][1]);
}

static void xml_free(struct xml *x)
{
	xmlXPathFreeContext(x->ctx);
	xmlFreeDoc(x->doc);
}

static double xml_num(struct xml *x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x->ctx);
	if (!o)
		fail_msg("bad XPath: %s", expr);
	double v = xmlXPathCastToNumber(o);
	xmlXPathFreeObject(o);
	return v;
}

/* The string value of an XPath expression; caller frees. */
static char *xml_str(struct xml *x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x->ctx);
	if (!o)
		fail_msg("bad XPath: %s", expr);
	xmlChar *s = xmlXPathCastToString(o);
	char *r = xstrdup((const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	return r;
}

static void expect_num(struct xml *x, const char *expr, double want, const char *what)
{
	double got = xml_num(x, expr);
	if (got != want)
		fail_msg("%s: %s is %g, not %g", what, expr, got, want);
}

static void expect_true(struct xml *x, const char *expr, const char *what)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, x->ctx);
	if (!o)
		fail_msg("bad XPath: %s", expr);
	int v = xmlXPathCastToBoolean(o);
	xmlXPathFreeObject(o);
	if (!v)
		fail_msg("%s: %s is false", what, expr);
}

static void expect_str(struct xml *x, const char *expr, const char *want, const char *what)
{
	char *got = xml_str(x, expr), *clean = without_lrm(got);
	if (strcmp(clean, want))
		fail_msg("%s: %s is \"%s\", not \"%s\"", what, expr, clean, want);
	free(got);
	free(clean);
}

/* Every XML part of the archive must parse. Returns how many did. */
static int check_all_xml(struct pkg *p, const char *what)
{
	struct buf b = BUF_INIT;
	int parts = 0;
	for (zip_int64_t i = 0; i < zip_get_num_entries(p->za, 0); i++) {
		const char *name = zip_get_name(p->za, (zip_uint64_t)i, 0);
		size_t len = strlen(name);
		if ((len > 4 && !strcmp(name + len - 4, ".xml")) || (len > 5 && !strcmp(name + len - 5, ".rels"))) {
			struct xml x;
			char *label = xasprintf("%s: %s", what, name);
			pkg_read(p, name, &b);
			xml_parse(&x, &b, label);
			xml_free(&x);
			free(label);
			parts++;
		}
	}
	buf_release(&b);
	return parts;
}

/* ---- DOCX ---- */

static const char *const DOCX_MEMBERS[] = {
    "[Content_Types].xml", "_rels/.rels",       "word/document.xml",  "word/_rels/document.xml.rels",
    "word/styles.xml",     "word/settings.xml", "word/numbering.xml", "word/endnotes.xml",
    "word/footer1.xml",    "docProps/core.xml", "docProps/app.xml",
};

/*
 * The package: every member there and well-formed, every part with its content type, every
 * relationship pointing at a part, the header only with an organisation.
 */
static void check_docx_package(struct pkg *p, int with_header, const char *what)
{
	struct buf b = BUF_INIT;
	struct xml x;
	char expr[512];

	for (size_t i = 0; i < ARRAY_SIZE(DOCX_MEMBERS); i++)
		if (!pkg_has(p, DOCX_MEMBERS[i]))
			fail_msg("%s: no %s", what, DOCX_MEMBERS[i]);
	assert_int_equal(pkg_has(p, "word/header1.xml"), with_header);
	assert_int_equal(check_all_xml(p, what), (int)ARRAY_SIZE(DOCX_MEMBERS) + with_header);

	pkg_read(p, "[Content_Types].xml", &b);
	xml_parse(&x, &b, "[Content_Types].xml");
	for (zip_int64_t i = 0; i < zip_get_num_entries(p->za, 0); i++) {
		const char *name = zip_get_name(p->za, (zip_uint64_t)i, 0);
		if (strstr(name, ".rels") || !strcmp(name, "[Content_Types].xml"))
			continue;
		snprintf(expr, sizeof(expr), "count(/ct:Types/ct:Override[@PartName='/%s'])", name);
		expect_num(&x, expr, 1, what);
	}
	expect_num(&x, "count(/ct:Types/ct:Override)", (double)ARRAY_SIZE(DOCX_MEMBERS) - 3 + with_header, what);
	xml_free(&x);
	pkg_read(p, "word/_rels/document.xml.rels", &b);
	xml_parse(&x, &b, "document.xml.rels");
	expect_num(&x, "count(//rel:Relationship)", 5 + with_header, what);
	for (int i = 1; i <= 5 + with_header; i++) {
		snprintf(expr, sizeof(expr), "string(//rel:Relationship[@Id='rId%d']/@Target)", i);
		char *target = xml_str(&x, expr), *member = xasprintf("word/%s", target);
		if (!pkg_has(p, member))
			fail_msg("%s: relationship rId%d points at %s, which is missing", what, i, member);
		free(target);
		free(member);
	}
	xml_free(&x);
	pkg_read(p, "word/document.xml", &b);
	xml_parse(&x, &b, "document.xml");
	expect_num(&x, "count(//w:sectPr/w:headerReference)", with_header, what);
	expect_num(&x, "count(//w:sectPr/w:footerReference)", 1, what);
	expect_true(&x, "count(/w:document/w:body/w:p) >= 1", what);
	xml_free(&x);
	buf_release(&b);
}

static void check_docx(const struct doc *d, const struct buf *bytes, const char *what)
{
	struct pkg p;
	struct buf b = BUF_INIT;
	struct xml x;
	int ncites = count_cites(d), nlines = 0;
	int with_header = d->organisation && *d->organisation;
	char expr[512];

	pkg_open(&p, bytes, what);
	check_docx_package(&p, with_header, what);

	/* The body. */
	pkg_read(&p, "word/document.xml", &b);
	xml_parse(&x, &b, "document.xml");
	expect_num(&x, "count(//w:sectPr/w:pgSz[@w:w='11906'][@w:h='16838'])", 1, what);
	expect_num(&x, "count(//w:sectPr/w:pgMar[@w:top='1418'][@w:bottom='1418'][@w:left='1418'][@w:right='1418'])", 1,
	           what);
	expect_num(&x, "count(//w:endnoteReference)", ncites, what);
	expect_num(&x, "count(//w:r[w:endnoteReference]/w:rPr/w:rStyle[@w:val='EndnoteReference'])", ncites, what);
	expect_true(&x, "count(//w:p/w:pPr/w:pStyle[@w:val='Title']) = 1", what);
	if (d->rtl) {
		expect_true(&x, "count(//w:p) = count(//w:p[w:pPr/w:bidi])", what);
		expect_true(&x, "count(//w:sectPr/w:bidi) = 1", what);
		expect_true(&x, "count(//w:r[w:t][w:rPr/w:rtl]) > 10", what);
		/* Latin words are not marked right-to-left; the Arabic around them is. */
		expect_true(&x, "count(//w:r[w:t='TPE'][not(w:rPr/w:rtl)]) = 1", what);
		expect_true(&x, "count(//w:r[starts-with(w:t, ') ')][w:rPr/w:rtl]) = 1", what);
		/* In a bidi paragraph "left" is the start: the right edge. */
		expect_true(&x, "count(//w:p[w:pPr/w:pStyle/@w:val='Heading1'][w:pPr/w:jc/@w:val='left']) >= 2", what);
		expect_true(&x, "count(//w:p[w:pPr/w:jc/@w:val='right']) = 0", what);
	} else {
		expect_true(&x, "count(//w:bidi) + count(//w:rtl) = 0", what);
	}
	expect_true(&x, "count(//w:p[not(w:pPr/w:pStyle)][w:pPr/w:jc/@w:val='both']) > 0", what);
	expect_true(&x, "count(//w:r[w:rPr/w:b][w:rPr/w:bCs]) > 0", what);
	expect_true(&x, "count(//w:r[w:rPr/w:i][w:rPr/w:iCs]) > 0", what);
	expect_true(&x, "count(//w:p[w:pPr/w:pStyle/@w:val='Heading1']) > 0", what);
	expect_true(&x, "count(//w:p[w:pPr/w:pStyle/@w:val='Heading2'] | //w:p[w:pPr/w:pStyle/@w:val='Heading3']) > 0",
	            what);
	expect_true(&x, "count(//w:p[w:pPr/w:pStyle/@w:val='Quote']) = 1", what);
	expect_true(&x, "count(//w:p[w:pPr/w:numPr/w:numId/@w:val='1']) > 0", what); /* bullets */
	expect_true(&x, "count(//w:p[w:pPr/w:numPr/w:numId/@w:val>'1']) > 0", what); /* numbers */
	expect_true(&x, "count(//w:br) > 0", what);
	/* The annex: a Heading1 with its title, then "n. line" for each source, in order. */
	expect_str(&x, "string((//w:p[w:pPr/w:pStyle/@w:val='Heading1'])[last()])", d->annex_title, what);
	expect_num(&x, "count(//w:p[w:pPr/w:pStyle/@w:val='Source'])", (double)d->nsources, what);
	for (size_t i = 0; i < d->nsources; i++) {
		struct buf line = BUF_INIT;
		buf_appendf(&line, "%zu. ", i + 1);
		doc_source_line(d, &d->sources[i], &line);
		snprintf(expr, sizeof(expr), "string((//w:p[w:pPr/w:pStyle/@w:val='Source'])[%zu])", i + 1);
		expect_str(&x, expr, line.data, what);
		buf_release(&line);
	}
	xml_free(&x);

	/* The endnotes: Word's two separators, then one per citation mark with its source's line. */
	pkg_read(&p, "word/endnotes.xml", &b);
	xml_parse(&x, &b, "endnotes.xml");
	expect_num(&x, "count(//w:endnote[@w:id='-1'][@w:type='separator']/w:p/w:r/w:separator)", 1, what);
	expect_num(&x, "count(//w:endnote[@w:id='0'][@w:type='continuationSeparator']/w:p/w:r/w:continuationSeparator)",
	           1, what);
	expect_num(&x, "count(//w:endnote[not(@w:type)])", ncites, what);
	expect_num(&x, "count(//w:endnote[not(@w:type)]/w:p/w:r/w:endnoteRef)", ncites, what);
	char **lines = cite_lines(d, &nlines);
	for (int i = 0; i < nlines; i++) {
		char *want = xasprintf(" %s", lines[i]);
		snprintf(expr, sizeof(expr), "string(//w:endnote[@w:id='%d'])", i + 1);
		expect_str(&x, expr, want, what);
		free(want);
	}
	free_lines(lines, nlines);
	xml_free(&x);
	pkg_read(&p, "word/settings.xml", &b);
	xml_parse(&x, &b, "settings.xml");
	expect_num(&x, "count(//w:endnotePr/w:endnote[@w:id='-1'] | //w:endnotePr/w:endnote[@w:id='0'])", 2, what);
	expect_num(&x, "count(//w:endnotePr/w:numFmt[@w:val='decimal'])", 1, what);
	expect_num(&x, "count(//w:compat/w:doNotExpandShiftReturn)", 1, what);
	xml_free(&x);

	/* Styles: real headings with outline levels, fonts and languages for Arabic. */
	pkg_read(&p, "word/styles.xml", &b);
	xml_parse(&x, &b, "styles.xml");
	for (int i = 1; i <= 3; i++) {
		snprintf(expr, sizeof(expr), "count(//w:style[@w:styleId='Heading%d']/w:pPr/w:outlineLvl[@w:val='%d'])",
		         i, i - 1);
		expect_num(&x, expr, 1, what);
	}
	expect_num(&x, "count(//w:style[@w:styleId='Title'] | //w:style[@w:styleId='Quote'])", 2, what);
	expect_num(&x, "count(//w:style[@w:styleId='EndnoteReference']/w:rPr/w:vertAlign[@w:val='superscript'])", 1,
	           what);
	expect_num(
	    &x,
	    "count(//w:rPrDefault//w:rFonts[@w:cs='Noto Naskh Arabic'][@w:ascii='Noto Sans'][@w:hAnsi='Noto Sans'])", 1,
	    what);
	expect_num(&x, "count(//w:rPrDefault//w:lang[@w:bidi='ar-MA'][@w:val='fr-FR'])", 1, what);
	xml_free(&x);

	/* Footer: the page label and a PAGE field; header: the organisation. */
	pkg_read(&p, "word/footer1.xml", &b);
	xml_parse(&x, &b, "footer1.xml");
	expect_true(&x, "count(//w:instrText[normalize-space(.)='PAGE']) = 1", what);
	expect_true(&x,
	            "count(//w:fldChar[@w:fldCharType='begin']) = 1 and count(//w:fldChar[@w:fldCharType='end']) = 1",
	            what);
	snprintf(expr, sizeof(expr), "string(//w:p/w:r[1]/w:t)");
	expect_str(&x, expr, d->page_label, what);
	xml_free(&x);
	if (with_header) {
		pkg_read(&p, "word/header1.xml", &b);
		xml_parse(&x, &b, "header1.xml");
		expect_str(&x, "string(//w:p)", d->organisation, what);
		xml_free(&x);
	}
	pkg_read(&p, "word/numbering.xml", &b);
	xml_parse(&x, &b, "numbering.xml");
	expect_true(&x, "count(//w:abstractNum/w:lvl/w:numFmt[@w:val='bullet']) > 0", what);
	expect_true(&x, "count(//w:abstractNum/w:lvl/w:numFmt[@w:val='decimal']) > 0", what);
	expect_true(&x, "count(//w:num) >= 2", what);
	xml_free(&x);
	pkg_read(&p, "docProps/core.xml", &b);
	xml_parse(&x, &b, "core.xml");
	expect_str(&x, "string(//dc:language)", d->rtl ? "ar-MA" : "fr-FR", what);
	xml_free(&x);
	buf_release(&b);
	pkg_close(&p);
}

/* ---- ODT ---- */

static void check_odt(const struct doc *d, const struct buf *bytes, const char *what)
{
	struct pkg p;
	struct buf b = BUF_INIT;
	struct xml x;
	int ncites = count_cites(d), nlines = 0;
	char expr[512];
	const unsigned char *u = (const unsigned char *)bytes->data;

	/* The mimetype first, stored, without extra field: its bytes sit at offset 30 and 38. */
	assert_true(bytes->len > 38 + strlen(ODT_MIME));
	assert_memory_equal(u, "PK\x03\x04", 4);
	assert_int_equal(u[8] | u[9] << 8, 0);   /* stored */
	assert_int_equal(u[26] | u[27] << 8, 8); /* name length */
	assert_int_equal(u[28] | u[29] << 8, 0); /* extra field length */
	assert_memory_equal(u + 30, "mimetype", 8);
	assert_memory_equal(u + 38, ODT_MIME, strlen(ODT_MIME));
	pkg_open(&p, bytes, what);
	assert_string_equal(zip_get_name(p.za, 0, 0), "mimetype");
	pkg_read(&p, "mimetype", &b);
	assert_string_equal(b.data, ODT_MIME);
	assert_int_equal(check_all_xml(&p, what), 5);

	pkg_read(&p, "META-INF/manifest.xml", &b);
	xml_parse(&x, &b, "manifest.xml");
	expect_num(&x, "count(//manifest:file-entry[@manifest:full-path='/'][@manifest:media-type='" ODT_MIME "'])", 1,
	           what);
	static const char *const parts[] = {"content.xml", "styles.xml", "meta.xml", "settings.xml"};
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		snprintf(expr, sizeof(expr), "count(//manifest:file-entry[@manifest:full-path='%s'])", parts[i]);
		expect_num(&x, expr, 1, what);
		assert_true(pkg_has(&p, parts[i]));
	}
	xml_free(&x);

	pkg_read(&p, "content.xml", &b);
	xml_parse(&x, &b, "content.xml");
	expect_num(&x, "count(//text:note)", ncites, what);
	expect_num(&x, "count(//text:note[@text:note-class='endnote']/text:note-body/text:p)", ncites, what);
	char **lines = cite_lines(d, &nlines);
	for (int i = 0; i < nlines; i++) {
		snprintf(expr, sizeof(expr), "string((//text:note)[%d]/text:note-body)", i + 1);
		char *got = xml_str(&x, expr), *clean = without_lrm(got);
		/* text:s stands for spaces the XML cannot keep: compare without spaces. */
		char *a = normalise(clean, strlen(clean)), *w = normalise(lines[i], strlen(lines[i]));
		if (strcmp(a, w))
			fail_msg("%s: endnote %d is \"%s\", not \"%s\"", what, i + 1, clean, lines[i]);
		free(got);
		free(clean);
		free(a);
		free(w);
	}
	free_lines(lines, nlines);
	expect_true(&x, "count(//text:p[@text:style-name='Title']) = 1", what);
	expect_true(&x, "count(//text:h[@text:outline-level='1'][@text:style-name='Heading_20_1']) >= 1", what);
	expect_true(&x, "count(//text:h[@text:outline-level='2'] | //text:h[@text:outline-level='3']) > 0", what);
	expect_true(&x, "count(//text:list[@text:style-name='Asurif_20_Bullets']) > 0", what);
	expect_true(&x, "count(//text:list[@text:style-name='Asurif_20_Numbers']) > 0", what);
	expect_true(&x, "count(//text:list//text:list) > 0", what); /* nesting */
	expect_true(&x, "count(//text:p[@text:style-name='Quotations']) = 1", what);
	expect_true(&x, "count(//text:span[@text:style-name='T1']) > 0", what);
	expect_true(&x, "count(//text:span[@text:style-name='T2']) > 0", what);
	expect_true(&x, "count(//text:line-break) > 0", what);
	expect_str(&x, "string((//text:h)[last()])", d->annex_title, what);
	expect_num(&x, "count(//text:p[@text:style-name='Source'])", (double)d->nsources, what);
	xml_free(&x);

	pkg_read(&p, "styles.xml", &b);
	xml_parse(&x, &b, "styles.xml");
	const char *mode = d->rtl ? "rl-tb" : "lr-tb";
	snprintf(expr, sizeof(expr),
	         "count(//style:default-style[@style:family='paragraph']/"
	         "style:paragraph-properties[@style:writing-mode='%s'])",
	         mode);
	expect_num(&x, expr, 1, what);
	snprintf(expr, sizeof(expr), "count(//style:page-layout-properties[@style:writing-mode='%s'])", mode);
	expect_num(&x, expr, 1, what);
	expect_num(&x,
	           "count(//style:default-style//style:text-properties[@style:font-name-complex='Noto Naskh Arabic']"
	           "[@style:language-complex='ar'][@style:country-complex='MA'][@style:font-name='Noto Sans'])",
	           1, what);
	expect_num(&x,
	           "count(//style:page-layout-properties[@fo:page-width='21cm'][@fo:page-height='29.7cm']"
	           "[@fo:margin-left='2.5cm'][@fo:margin-right='2.5cm'])",
	           1, what);
	snprintf(expr, sizeof(expr),
	         "count(//style:style[@style:name='Heading']/style:paragraph-properties[@fo:text-align='%s'])",
	         d->rtl ? "end" : "start");
	expect_num(&x, expr, 1, what);
	for (int i = 1; i <= 3; i++) {
		snprintf(expr, sizeof(expr),
		         "count(//style:style[@style:name='Heading_20_%d'][@style:default-outline-level='%d'])", i, i);
		expect_num(&x, expr, 1, what);
	}
	expect_num(&x, "count(//text:notes-configuration[@text:note-class='endnote'][@style:num-format='1'])", 1, what);
	expect_num(&x, "count(//style:master-page/style:footer/text:p/text:page-number)", 1, what);
	char *footer = xml_str(&x, "string(//style:master-page/style:footer/text:p)");
	char *want = xasprintf("%s 1", d->page_label);
	char *clean = without_lrm(footer);
	assert_string_equal(clean, want);
	free(footer);
	free(want);
	free(clean);
	if (d->organisation && *d->organisation)
		expect_str(&x, "string(//style:master-page/style:header/text:p)", d->organisation, what);
	else
		expect_num(&x, "count(//style:master-page/style:header)", 0, what);
	xml_free(&x);

	pkg_read(&p, "settings.xml", &b);
	xml_parse(&x, &b, "settings.xml");
	expect_str(&x, "string(//*[@config:name='DoNotJustifyLinesWithManualBreak'])", "true", what);
	xml_free(&x);
	pkg_read(&p, "meta.xml", &b);
	xml_parse(&x, &b, "meta.xml");
	expect_str(&x, "string(//dc:language)", d->rtl ? "ar-MA" : "fr-FR", what);
	xml_free(&x);
	buf_release(&b);
	pkg_close(&p);
}

/* The program's own extractor reads the file back: format, title and headings. */
static void check_extract(const struct doc *d, const struct buf *bytes, enum extract_format fmt, const char *heading,
                          const char *what)
{
	struct extract ex;
	struct err e = ERR_INIT;
	int found = 0;

	extract_init(&ex);
	assert_int_equal(extract_detect(what, (const unsigned char *)bytes->data, bytes->len), fmt);
	if (extract_run(what, (const unsigned char *)bytes->data, bytes->len, fmt, &ex, &e))
		fail_msg("%s: the extractor refuses the file: %s", what, e.msg);
	assert_non_null(ex.title);
	assert_string_equal(ex.title, d->title);
	for (size_t i = 0; i < ex.n; i++) {
		char *t = without_lrm(ex.blocks[i].text);
		if (ex.blocks[i].type == BLOCK_HEADING && !strcmp(t, heading))
			found = 1;
		free(t);
	}
	if (!found)
		fail_msg("%s: the extractor finds no heading \"%s\"", what, heading);
	extract_release(&ex);
}

/* ---- the tests ---- */

static void test_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	static const char in[] =
	    "a<b>&\"'\t\n\r\x01\x00\xff\xc3\xa9\xef\xbf\xbe\xef\xbf\xbd \xe2\x82 z\xf0\x9f\x98\x80";
	office_xml_escape(&b, in, sizeof(in) - 1);
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;&apos;&#9;&#10;&#13;" FFFD FFFD FFFD "\xc3\xa9" FFFD FFFD
	                            " " FFFD FFFD " z\xf0\x9f\x98\x80");
	assert_int_equal(utf8_validate(b.data, b.len, NULL, NULL), 0);

	/* Right-to-left text: a mark before each number, none inside a word or inside the number. */
	buf_reset(&b);
	static const char ar[] = "المرسوم 2-22-431 و30% A4 x2 (2023) <1>";
	office_xml_text(&b, ar, strlen(ar), 1);
	assert_string_equal(b.data, "المرسوم " LRM "2-22-431 و" LRM "30% A4 x2 (" LRM "2023) &lt;" LRM "1&gt;");
	buf_reset(&b);
	office_xml_text(&b, ar, strlen(ar), 0);
	assert_string_equal(b.data, "المرسوم 2-22-431 و30% A4 x2 (2023) &lt;1&gt;");
	buf_release(&b);
}

struct want_piece {
	enum office_piece_type type;
	const char *text;
	int ltr;
};

static void expect_pieces(const char *s, int split, const struct want_piece *want, size_t n)
{
	struct office_piece p;
	size_t pos = 0, i = 0;
	while (office_next_piece(s, strlen(s), &pos, split, &p)) {
		if (i >= n)
			fail_msg("\"%s\": more than %zu pieces", s, n);
		assert_int_equal(p.type, want[i].type);
		if (p.type == OFFICE_PIECE_TEXT) {
			char *t = xstrndup(p.s, p.n);
			assert_string_equal(t, want[i].text);
			free(t);
			assert_int_equal(p.ltr, want[i].ltr);
		}
		i++;
	}
	assert_int_equal(i, n);
	assert_int_equal(pos, strlen(s));
}

static void test_pieces(void **state)
{
	(void)state;
	static const char s[] = "يحدد (TPE) منذ 2023\r\nArticle 12, al. 3.\tفقرة";
	const struct want_piece split[] = {
	    {OFFICE_PIECE_TEXT, "يحدد (", 0},
	    {OFFICE_PIECE_TEXT, "TPE", 1},
	    {OFFICE_PIECE_TEXT, ") منذ 2023", 0},
	    {OFFICE_PIECE_BREAK, NULL, 0},
	    {OFFICE_PIECE_TEXT, "Article 12, al. 3", 1},
	    {OFFICE_PIECE_TEXT, ".", 0},
	    {OFFICE_PIECE_TAB, NULL, 0},
	    {OFFICE_PIECE_TEXT, "فقرة", 0},
	};
	const struct want_piece whole[] = {
	    {OFFICE_PIECE_TEXT, "يحدد (TPE) منذ 2023", 0},
	    {OFFICE_PIECE_BREAK, NULL, 0},
	    {OFFICE_PIECE_TEXT, "Article 12, al. 3.", 0},
	    {OFFICE_PIECE_TAB, NULL, 0},
	    {OFFICE_PIECE_TEXT, "فقرة", 0},
	};
	expect_pieces(s, 1, split, ARRAY_SIZE(split));
	expect_pieces(s, 0, whole, ARRAY_SIZE(whole));
	const struct want_piece breaks[] = {
	    {OFFICE_PIECE_BREAK, NULL, 0}, {OFFICE_PIECE_BREAK, NULL, 0}, {OFFICE_PIECE_TEXT, "\xff", 0}};
	expect_pieces("\r\r\n\xff", 1, breaks, ARRAY_SIZE(breaks));
	expect_pieces("", 1, NULL, 0);
}

static void test_arabic(void **state)
{
	(void)state;
	struct doc *d = arabic_doc();
	struct buf docx = BUF_INIT, odt = BUF_INIT, again = BUF_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(export_docx(d, &docx, &e), 0);
	check_docx(d, &docx, "arabic.docx");
	check_extract(d, &docx, FMT_DOCX, AR_H2, "arabic.docx");
	assert_int_equal(export_odt(d, &odt, &e), 0);
	check_odt(d, &odt, "arabic.odt");
	check_extract(d, &odt, FMT_ODT, AR_H2, "arabic.odt");

	/* The same document gives the same bytes; out is appended to, not replaced. */
	buf_appends(&again, "prefix");
	assert_int_equal(export_docx(d, &again, &e), 0);
	assert_int_equal(again.len, docx.len + 6);
	assert_memory_equal(again.data + 6, docx.data, docx.len);
	doc_free(d);
	buf_release(&docx);
	buf_release(&odt);
	buf_release(&again);
}

static void test_french(void **state)
{
	(void)state;
	struct doc *d = french_doc();
	struct buf docx = BUF_INIT, odt = BUF_INIT;
	struct err e = ERR_INIT;

	/* "# Note..." became the title, "## Contexte" a heading of level 1. */
	assert_string_equal(d->title, "Note sur l'accès des TPE aux marchés publics");
	assert_int_equal(export_docx(d, &docx, &e), 0);
	check_docx(d, &docx, "french.docx");
	check_extract(d, &docx, FMT_DOCX, "Contexte", "french.docx");
	assert_int_equal(export_odt(d, &odt, &e), 0);
	check_odt(d, &odt, "french.odt");
	check_extract(d, &odt, FMT_ODT, "Contexte", "french.odt");

	struct pkg p;
	struct buf b = BUF_INIT;
	struct xml x;
	pkg_open(&p, &docx, "french.docx");
	pkg_read(&p, "word/document.xml", &b);
	xml_parse(&x, &b, "french document.xml");
	expect_num(&x,
	           "count(//w:p[w:pPr/w:pStyle/@w:val='Title'][.=\"Note sur l'accès des TPE aux marchés publics\"])", 1,
	           "french.docx");
	expect_num(&x, "count(//w:p[w:pPr/w:pStyle/@w:val='Heading1'])", 2, "french.docx"); /* Contexte, the annex */
	/* The list after "Texte intermédiaire." starts again, at 4. */
	expect_num(&x, "count(//w:numPr)", 5, "french.docx");
	xml_free(&x);
	pkg_read(&p, "word/numbering.xml", &b);
	xml_parse(&x, &b, "french numbering.xml");
	expect_num(&x, "count(//w:num/w:lvlOverride/w:startOverride[@w:val='4'])", 1, "french.docx");
	xml_free(&x);
	pkg_close(&p);

	pkg_open(&p, &odt, "french.odt");
	pkg_read(&p, "content.xml", &b);
	xml_parse(&x, &b, "french content.xml");
	expect_num(&x, "count(//text:list-item[@text:start-value='4'])", 1, "french.odt");
	/* OpenDocument collapses spaces: the four spaces and the tab are kept as elements. */
	expect_num(&x, "count(//text:s[@text:c='3'])", 1, "french.odt");
	expect_true(&x, "count(//text:tab) >= 1", "french.odt");
	xml_free(&x);
	pkg_close(&p);
	buf_release(&b);
	doc_free(d);
	buf_release(&docx);
	buf_release(&odt);
}

static void check_hostile_part(struct pkg *p, const char *member, const char *expr, const char *what)
{
	struct buf b = BUF_INIT;
	struct xml x;
	pkg_read(p, member, &b);
	xml_parse(&x, &b, what);
	char *got = xml_str(&x, expr), *clean = without_lrm(got);
	if (!strstr(clean, HOSTILE_READ))
		fail_msg("%s: %s gives \"%s\", which lacks the repaired text \"%s\"", what, expr, clean, HOSTILE_READ);
	free(got);
	free(clean);
	xml_free(&x);
	buf_release(&b);
}

static void test_hostile(void **state)
{
	(void)state;
	static const char *const langs[] = {"ar", "fr"};
	for (size_t i = 0; i < ARRAY_SIZE(langs); i++) {
		struct doc *d = hostile_doc(langs[i]);
		struct buf docx = BUF_INIT, odt = BUF_INIT;
		struct err e = ERR_INIT;
		struct pkg p;

		assert_int_equal(export_docx(d, &docx, &e), 0);
		pkg_open(&p, &docx, "hostile.docx");
		check_docx_package(&p, d->organisation != NULL, "hostile.docx");
		check_hostile_part(&p, "word/document.xml", "string(//w:body)", "hostile document.xml");
		check_hostile_part(&p, "word/endnotes.xml", "string(//w:endnote[@w:id='1'])", "hostile endnotes.xml");
		check_hostile_part(&p, "docProps/core.xml", "string(//dc:title)", "hostile core.xml");
		pkg_close(&p);

		assert_int_equal(export_odt(d, &odt, &e), 0);
		pkg_open(&p, &odt, "hostile.odt");
		assert_int_equal(check_all_xml(&p, "hostile.odt"), 5);
		check_hostile_part(&p, "content.xml", "string(//office:text)", "hostile content.xml");
		check_hostile_part(&p, "meta.xml", "string(//dc:title)", "hostile meta.xml");
		pkg_close(&p);
		doc_free(d);
		buf_release(&docx);
		buf_release(&odt);
	}
}

static void test_tables(void **state)
{
	(void)state;
	static const char *const langs[] = {"fr", "ar"};
	for (size_t i = 0; i < ARRAY_SIZE(langs); i++) {
		int ar = !strcmp(langs[i], "ar");
		struct doc *d = table_doc(langs[i], 25);
		doc_add_block(d, DOC_PAGEBREAK, 0); /* a page break, last: the annex on a page of its own */
		struct buf bytes = BUF_INIT, b = BUF_INIT;
		struct err e = ERR_INIT;
		struct pkg p;
		struct xml x;

		assert_int_equal(export_docx(d, &bytes, &e), 0);
		pkg_open(&p, &bytes, "table.docx");
		check_docx_package(&p, 0, "table.docx");
		pkg_read(&p, "word/document.xml", &b);
		xml_parse(&x, &b, "table document.xml");
		expect_num(&x, "count(//w:tbl)", 1, "docx");
		expect_num(&x, "count(//w:tbl/w:tr)", 26, "docx");
		expect_num(&x, "count(//w:tbl/w:tblGrid/w:gridCol)", 6, "docx");
		expect_num(&x, "count(//w:tr[w:trPr/w:cantSplit])", 26, "docx");
		expect_num(&x, "count(//w:tr[w:trPr/w:tblHeader])", 1, "docx");
		expect_true(&x, "//w:tbl/w:tr[1]/w:trPr/w:tblHeader", "docx");
		expect_num(&x, "count(//w:tbl/w:tr[w:tc[6]][not(w:tc[7])])", 26, "docx");
		expect_num(&x, "count(//w:tblBorders/*[@w:val='single'])", 6, "docx");
		expect_num(&x, "count(//w:tblPr/w:bidiVisual)", ar, "docx");
		expect_true(&x, "sum(//w:gridCol/@w:w) <= 16838 - 2 * 1418", "docx");
		expect_str(&x, "string(//w:tbl/w:tr[1]/w:tc[2])", ar ? "الاسم الشخصي" : "Prénom", "docx");
		expect_str(&x, "string(//w:tbl/w:tr[3]/w:tc[2])", "Amina002", "docx");
		expect_str(&x, "string(//w:tbl/w:tr[3]/w:tc[4])", "AB000002", "docx");
		expect_str(&x, "string(//w:tbl/w:tr[3]/w:tc[6])", TABLE_HOSTILE, "docx");
		expect_str(&x, "string(//w:tbl/w:tr[4]/w:tc[6])", "", "docx");
		expect_str(&x, "string(//w:tbl/following-sibling::w:p[1])", "Fin", "docx");
		expect_str(&x, "string(//w:sectPr/w:pgSz/@w:orient)", "landscape", "docx");
		expect_num(&x, "number(//w:sectPr/w:pgSz/@w:w)", 16838, "docx");
		expect_num(&x, "count(//w:br[@w:type='page'])", 1, "docx");
		expect_true(&x, "//w:p[w:r/w:br[@w:type='page']]/preceding-sibling::w:p[1][. = 'Fin']", "docx");
		xml_free(&x);
		pkg_read(&p, "word/styles.xml", &b);
		xml_parse(&x, &b, "table styles.xml");
		expect_true(&x, "//w:style[@w:styleId='TableText'] and //w:style[@w:styleId='TableHeading']", "docx");
		xml_free(&x);
		pkg_close(&p);

		buf_reset(&bytes);
		assert_int_equal(export_odt(d, &bytes, &e), 0);
		pkg_open(&p, &bytes, "table.odt");
		assert_int_equal(check_all_xml(&p, "table.odt"), 5);
		pkg_read(&p, "content.xml", &b);
		xml_parse(&x, &b, "table content.xml");
		expect_num(&x, "count(//table:table)", 1, "odt");
		expect_num(&x, "count(//table:table/table:table-column)", 6, "odt");
		expect_num(&x, "count(//table:table/table:table-header-rows/table:table-row)", 1, "odt");
		expect_num(&x, "count(//table:table/table:table-row)", 25, "odt");
		expect_num(&x, "count(//table:table-row[count(table:table-cell) = 6])", 26, "odt");
		expect_str(&x, "string(//table:table-header-rows/table:table-row/table:table-cell[4])",
		           ar ? "رقم البطاقة الوطنية" : "CIN", "odt");
		expect_str(&x, "string(//table:table/table:table-row[2]/table:table-cell[2])", "Amina002", "odt");
		expect_str(&x, "string(//table:table/table:table-row[2]/table:table-cell[6])", TABLE_HOSTILE, "odt");
		expect_str(&x, "string(//style:style[@style:name='Tbl1']/style:table-properties/@style:writing-mode)",
		           ar ? "rl-tb" : "lr-tb", "odt");
		expect_str(&x, "string(//style:style[@style:name='TblRow']/style:table-row-properties/@fo:keep-together)",
		           "always", "odt");
		expect_num(&x, "count(//style:style[@style:family='table-column'])", 6, "odt");
		expect_num(&x, "count(//text:p[@text:style-name='Page_20_Break'])", 1, "odt");
		xml_free(&x);
		pkg_read(&p, "styles.xml", &b);
		xml_parse(&x, &b, "table styles.xml");
		expect_str(&x, "string(//style:page-layout-properties/@style:print-orientation)", "landscape", "odt");
		expect_str(&x, "string(//style:page-layout-properties/@fo:page-width)", "29.7cm", "odt");
		expect_str(&x, "string(//style:style[@style:name='Page_20_Break']/style:paragraph-properties/@fo:break-after)",
		           "page", "odt");
		xml_free(&x);
		pkg_close(&p);
		buf_release(&bytes);
		buf_release(&b);
		doc_free(d);
	}
}

static void test_errors(void **state)
{
	(void)state;
	struct doc *d = doc_new("ar");
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	struct doc_block *b = doc_add_block(d, DOC_PARAGRAPH, 0);

	/* A citation to no source. */
	doc_add_text(b, "نص", strlen("نص"), 0);
	doc_add_cite(b, 2);
	assert_int_equal(export_docx(d, &out, &e), ERR_FORMAT);
	assert_int_equal(export_odt(d, &out, &e), ERR_FORMAT);
	assert_int_equal(out.len, 0);

	/* A cap on out: refused whole, out left as it was. */
	struct doc_source s = {"t", NULL, NULL, NULL, NULL, NULL};
	doc_add_source(d, &s);
	doc_add_source(d, &s);
	buf_init(&out, 1000);
	buf_appends(&out, "keep");
	assert_int_equal(export_docx(d, &out, &e), ERR_TOO_BIG);
	assert_string_equal(out.data, "keep");
	assert_int_equal(export_odt(d, &out, &e), ERR_TOO_BIG);
	assert_string_equal(out.data, "keep");
	buf_release(&out);
	buf_init(&out, 0);

	/* An empty document still opens: one empty paragraph. */
	struct doc *empty = doc_new("fr");
	assert_int_equal(export_docx(empty, &out, &e), 0);
	struct pkg p;
	pkg_open(&p, &out, "empty.docx");
	check_docx_package(&p, 0, "empty.docx");
	pkg_close(&p);
	buf_reset(&out);
	assert_int_equal(export_odt(empty, &out, &e), 0);
	pkg_open(&p, &out, "empty.odt");
	assert_int_equal(check_all_xml(&p, "empty.odt"), 5);
	pkg_close(&p);
	doc_free(empty);
	doc_free(d);
	buf_release(&out);
}

/* ---- LibreOffice ---- */

/* The full path of a program found in $PATH, or NULL; caller frees. */
static char *which(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *found = NULL;
	for (char *dir = copy, *next; dir && !found; dir = next) {
		next = strchr(dir, ':');
		if (next)
			*next++ = '\0';
		char *full = xasprintf("%s/%s", *dir ? dir : ".", prog);
		if (access(full, X_OK) == 0)
			found = full;
		else
			free(full);
	}
	free(copy);
	return found;
}

static char *require(const char *prog, const char *package)
{
	char *p = which(prog);
	if (!p)
		fail_msg("%s was not found in $PATH: the export test needs it to check that the files open "
		         "(install %s)",
		         prog, package);
	return p;
}

/* Runs argv with standard output (and error) to out_path; returns the exit status, -1 on a timeout. */
static int run(char *const argv[], const char *out_path, int timeout_s)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = 0;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		fail_msg("cannot start %s: %s", argv[0], strerror(rc));
	for (int waited_ms = 0;; waited_ms += 50) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
		if (waited_ms >= timeout_s * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static void read_text(const char *path, struct buf *out)
{
	struct err e = ERR_INIT;
	if (fs_read_file(path, 0, out, &e))
		fail_msg("%s", e.msg);
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f))
		fail_msg("cannot write %s", path);
}

/* A file: URL for a local path (what -env:UserInstallation wants). */
static char *file_url(const char *path)
{
	struct buf b = BUF_INIT;
	buf_appends(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._-~", *p))
			buf_appendc(&b, (char)*p);
		else
			buf_appendf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

static int pdf_pages(const char *pdfinfo, const char *pdf)
{
	char *log = xasprintf("%s/pdfinfo.txt", workdir);
	char *argv[] = {(char *)pdfinfo, (char *)pdf, NULL};
	struct buf b = BUF_INIT;
	int pages = 0;
	if (run(argv, log, 60) != 0)
		fail_msg("pdfinfo %s failed", pdf);
	read_text(log, &b);
	const char *p = strstr(buf_str(&b), "\nPages:");
	if (!p || sscanf(p + 7, "%d", &pages) != 1)
		fail_msg("pdfinfo %s: no page count in:\n%s", pdf, buf_str(&b));
	buf_release(&b);
	free(log);
	return pages;
}

/* Runs pdftotext with argv[1..] (ending with the PDF and "-"); returns its output; caller frees. */
static char *pdftotext_run(char *const argv[], const char *pdf)
{
	char *log = xasprintf("%s/pdftotext.txt", workdir);
	struct buf b = BUF_INIT;
	if (run(argv, log, 60) != 0)
		fail_msg("pdftotext %s failed", pdf);
	read_text(log, &b);
	free(log);
	return buf_detach(&b);
}

/* The PDF's text in logical order (plain pdftotext, not -layout), normalised; caller frees. */
static char *pdf_text(const char *pdftotext, const char *pdf)
{
	char *argv[] = {(char *)pdftotext, (char *)pdf, "-", NULL};
	char *raw = pdftotext_run(argv, pdf), *n = normalise(raw, strlen(raw));
	free(raw);
	return n;
}

/* Code points of s reversed: how pdftotext -bbox spells an Arabic word (in drawing order). */
static char *reversed(const char *s)
{
	size_t n = strlen(s);
	char *r = xmalloc(n + 1);
	size_t at = n;
	for (size_t i = 0; i < n;) {
		uint32_t c;
		int k = utf8_decode((const unsigned char *)s + i, n - i, &c);
		assert_true(k > 0);
		at -= (size_t)k;
		memcpy(r + at, s + i, (size_t)k);
		i += (size_t)k;
	}
	r[n] = '\0';
	return r;
}

/*
 * Where a word is drawn on the first page (pdftotext -bbox): fails unless it is on the
 * expected half of the page, which tells that a heading is aligned at its start.
 */
static void expect_side(const char *pdftotext, const char *pdf, const char *word, int right)
{
	char *argv[] = {(char *)pdftotext, "-bbox", "-f", "1", "-l", "1", (char *)pdf, "-", NULL};
	char *xml = pdftotext_run(argv, pdf);
	double width = 0, xmin = -1, xmax = -1;
	char *rev = reversed(word);
	const char *p = strstr(xml, "<page width=\"");
	if (p)
		width = strtod(p + 13, NULL);
	for (p = strstr(xml, "<word "); p; p = strstr(p + 1, "<word ")) {
		const char *gt = strchr(p, '>'), *end = gt ? strstr(gt, "</word>") : NULL;
		if (!end)
			break;
		size_t n = (size_t)(end - gt - 1);
		if ((n == strlen(word) && !strncmp(gt + 1, word, n)) ||
		    (n == strlen(rev) && !strncmp(gt + 1, rev, n))) {
			const char *a = strstr(p, "xMin=\""), *b = strstr(p, "xMax=\"");
			xmin = a ? strtod(a + 6, NULL) : -1;
			xmax = b ? strtod(b + 6, NULL) : -1;
			break;
		}
	}
	if (width <= 0 || xmin < 0)
		fail_msg("%s: the word \"%s\" is not on the first page", pdf, word);
	if (right ? xmin < width / 2 : xmax > width / 2)
		fail_msg("%s: \"%s\" is drawn at x %.0f..%.0f of %.0f, not on the %s half", pdf, word, xmin, xmax,
		         width, right ? "right" : "left");
	free(rev);
	free(xml);
}

static void check_arabic_pdf(const char *pdftotext, const char *pdfinfo, const char *pdf, const struct doc *d, int docx)
{
	char *t = pdf_text(pdftotext, pdf);
	int pages = pdf_pages(pdfinfo, pdf);

	if (pages < 3)
		fail_msg("%s has %d pages; the memorandum fills at least 3", pdf, pages);
	long at = expect_text(pdf, t, AR_ORG, 0);
	at = expect_text(pdf, t, AR_TITLE, at);
	at = expect_text(pdf, t, AR_H1, at);
	long mixed = expect_text(pdf, t, "يحدد المرسوم", at);
	at = expect_text(pdf, t, "2-22-431", mixed);
	at = expect_text(pdf, t, "30%", at);
	at = expect_text(pdf, t, "المقاولات", at);
	at = expect_text(pdf, t, "TPE", at);
	at = expect_text(pdf, t, "2023", at);
	at = expect_text(pdf, t, AR_BOLD, at);
	at = expect_text(pdf, t, AR_H2, at);
	at = expect_text(pdf, t, "إعداد الملف", at);
	at = expect_text(pdf, t, AR_QUOTE, at);
	at = expect_text(pdf, t, "سطر ثان بعد فاصل", at);
	at = expect_text(pdf, t, d->annex_title, at);
	for (size_t i = 0; i < d->nsources; i++)
		at = expect_text(pdf, t, d->sources[i].title, at);
	/* Each source's title: once in the annex, once in each endnote citing it. */
	static const int cited[] = {2, 1, 1};
	for (size_t i = 0; i < ARRAY_SIZE(cited); i++)
		if (count_norm(t, d->sources[i].title) < 1 + cited[i])
			fail_msg("%s: \"%s\" is there %d times, not %d (annex and endnotes)", pdf, d->sources[i].title,
			         count_norm(t, d->sources[i].title), 1 + cited[i]);
	/* LibreOffice puts a Word file's endnotes on a page of their own, without footer. */
	int footers = count_norm(t, d->page_label), want = docx ? pages - 1 : pages;
	if (footers < want)
		fail_msg("%s: the page label \"%s\" is in %d footers, not %d", pdf, d->page_label, footers, want);
	free(t);

	/* The line that ends with a manual break is not justified: no kashida (which pdftotext
	   gives as commas) stretches it. */
	char *argv[] = {(char *)pdftotext, (char *)pdf, "-", NULL};
	char *raw = pdftotext_run(argv, pdf), *line = strstr(raw, "سطر أول");
	if (!line)
		fail_msg("%s: the line before the manual break is stretched (\"سطر أول\" is cut)", pdf);
	while (line > raw && line[-1] != '\n')
		line--;
	if (strstr(line, ",,") && strstr(line, ",,") < strstr(line, "سطر أول"))
		fail_msg("%s: the line before the manual break is stretched: %.300s", pdf, line);
	free(raw);
	expect_side(pdftotext, pdf, "السياق", 1);
}

static void check_french_pdf(const char *pdftotext, const char *pdf, const struct doc *d)
{
	char *t = pdf_text(pdftotext, pdf);
	long at = expect_text(pdf, t, "Association Asurif", 0);
	at = expect_text(pdf, t, d->title, at);
	at = expect_text(pdf, t, "Contexte", at);
	at = expect_text(pdf, t, "Le décret n° 2-22-431 réserve 30 % des marchés aux TPE depuis 2023", at);
	at = expect_text(pdf, t, "Quatrième point", at);
	at = expect_text(pdf, t, "Annexe : sources", at);
	at = expect_text(pdf, t, "1. Décret n° 2-22-431", at);
	at = expect_text(pdf, t, "2. Rapport annuel — Cour des comptes", at);
	free(t);
	expect_side(pdftotext, pdf, "Contexte", 0);
}

/*
 * LibreOffice's PDF of the French table: A4 landscape, every row once and in order with its
 * cells in column order, the header row on every page.
 */
static void check_table_pdf(const char *pdftotext, const char *pdfinfo, const char *pdf, int rows)
{
	char *log = xasprintf("%s/pdfinfo.txt", workdir);
	char *info[] = {(char *)pdfinfo, (char *)pdf, NULL};
	struct buf b = BUF_INIT;
	if (run(info, log, 60) != 0)
		fail_msg("pdfinfo %s failed", pdf);
	read_text(log, &b);
	if (!strstr(buf_str(&b), " 841.89 x 595.") && !strstr(buf_str(&b), " 842 x 595"))
		fail_msg("%s is not A4 landscape:\n%s", pdf, buf_str(&b));
	buf_release(&b);
	free(log);
	int pages = pdf_pages(pdfinfo, pdf), next = 1;
	if (pages < 2)
		fail_msg("%s: %d rows on %d page", pdf, rows, pages);
	for (int p = 1; p <= pages; p++) {
		char f[16];
		snprintf(f, sizeof(f), "%d", p);
		char *argv[] = {(char *)pdftotext, "-layout", "-f", f, "-l", f, (char *)pdf, "-", NULL};
		char *t = pdftotext_run(argv, pdf);
		if (next <= rows) {
			const char *h = strstr(t, "Prénom");
			if (!h || !strstr(h, "Nom") || !strstr(h, "CIN") || !strstr(h, "Adresse") || !strstr(h, "Signature"))
				fail_msg("%s: page %d has no header row:\n%s", pdf, p, t);
		}
		for (const char *at = t; (at = strstr(at, "Amina"));) {
			char cin[32];
			int row = atoi(at + 5);
			if (row != next)
				fail_msg("%s: page %d has row %d where %d was expected:\n%s", pdf, p, row, next, t);
			snprintf(cin, sizeof(cin), "AB%06d", row);
			const char *c = strstr(at, cin), *nl = strchr(at, '\n');
			if (!c || (nl && c > nl) || !strstr(at, "Benali"))
				fail_msg("%s: row %d's cells are not in order on its line:\n%s", pdf, row, t);
			next++;
			at += 5;
		}
		free(t);
	}
	if (next != rows + 1)
		fail_msg("%s: %d rows read back, not %d", pdf, next - 1, rows);
}

static void test_libreoffice(void **state)
{
	(void)state;
	char *soffice = require("soffice", "libreoffice-writer-nogui");
	char *pdftotext = require("pdftotext", "poppler-utils");
	char *pdfinfo = require("pdfinfo", "poppler-utils");
	struct doc *docs[] = {arabic_doc(),        french_doc(), hostile_doc("fr"), hostile_doc("ar"),
	                      table_doc("fr", 120), table_doc("ar", 30)};
	static const char *const names[] = {"arabic", "french", "hostile-fr", "hostile-ar", "table-fr", "table-ar"};
	char *files[12] = {NULL}, *pdfs[12] = {NULL};
	struct err e = ERR_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		struct buf b = BUF_INIT;
		assert_int_equal(export_docx(docs[i], &b, &e), 0);
		files[2 * i] = xasprintf("%s/%s-w.docx", workdir, names[i]);
		pdfs[2 * i] = xasprintf("%s/%s-w.pdf", workdir, names[i]);
		write_file(files[2 * i], &b);
		buf_reset(&b);
		assert_int_equal(export_odt(docs[i], &b, &e), 0);
		files[2 * i + 1] = xasprintf("%s/%s-o.odt", workdir, names[i]);
		pdfs[2 * i + 1] = xasprintf("%s/%s-o.pdf", workdir, names[i]);
		write_file(files[2 * i + 1], &b);
		buf_release(&b);
	}

	/* One soffice run for all files, with a profile of its own (no clash with a running one). */
	char *profile = xasprintf("%s/lo-profile", workdir), *url = file_url(profile);
	char *env = xasprintf("-env:UserInstallation=%s", url), *log = xasprintf("%s/soffice.log", workdir);
	char *argv[8 + ARRAY_SIZE(files) + 1] = {soffice,        "--headless", "--norestore", env,
	                                         "--convert-to", "pdf",        "--outdir",    workdir};
	size_t argc = 8;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		argv[argc++] = files[i];
	argv[argc] = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = run(argv, log, SOFFICE_TIMEOUT_S);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	struct buf out = BUF_INIT;
	read_text(log, &out);
	if (rc != 0)
		fail_msg("soffice %s with status %d:\n%s", rc < 0 ? "timed out" : "failed", rc, buf_str(&out));
	print_message("LibreOffice converted %zu files in %.1f s\n", ARRAY_SIZE(files),
	              (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (size_t i = 0; i < ARRAY_SIZE(pdfs); i++) {
		struct stat st;
		if (stat(pdfs[i], &st) || st.st_size < 1000)
			fail_msg("LibreOffice made no PDF (or an empty one) of %s:\n%s", files[i], buf_str(&out));
	}
	buf_release(&out);

	for (int k = 0; k < 2; k++) {
		check_arabic_pdf(pdftotext, pdfinfo, pdfs[k], docs[0], k == 0);
		check_french_pdf(pdftotext, pdfs[2 + k], docs[1]);
		char *t = pdf_text(pdftotext, pdfs[4 + k]);
		expect_text(pdfs[4 + k], t, "<w:p>&\"'", 0);
		expect_text(pdfs[4 + k], t, "line", 0);
		free(t);
		/* Right to left, the brackets are mirrored and moved: the words are what can be checked. */
		t = pdf_text(pdftotext, pdfs[6 + k]);
		expect_text(pdfs[6 + k], t, "w:p", 0);
		expect_text(pdfs[6 + k], t, "line", 0);
		free(t);
		check_table_pdf(pdftotext, pdfinfo, pdfs[8 + k], 120);
		/* The Arabic table: its header on both pages, its rows, the hostile cell as text. */
		t = pdf_text(pdftotext, pdfs[10 + k]);
		long at = expect_text(pdfs[10 + k], t, "Amina001", 0);
		expect_text(pdfs[10 + k], t, "Amina030", at);
		expect_text(pdfs[10 + k], t, "script", 0);
		free(t);
		assert_true(pdf_pages(pdfinfo, pdfs[10 + k]) >= 2);
	}

	for (size_t i = 0; i < ARRAY_SIZE(docs); i++)
		doc_free(docs[i]);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		free(files[i]);
		free(pdfs[i]);
	}
	free(profile);
	free(url);
	free(env);
	free(log);
	free(soffice);
	free(pdftotext);
	free(pdfinfo);
}

/* ---- setup ---- */

static int make_workdir(void **state)
{
	(void)state;
	workdir = tmpdir_make("export-office");
	return workdir ? 0 : -1;
}

static int remove_workdir(void **state)
{
	(void)state;
	tmpdir_remove(workdir);
	workdir = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),      cmocka_unit_test(test_pieces),  cmocka_unit_test(test_arabic),
	    cmocka_unit_test(test_french),      cmocka_unit_test(test_hostile), cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_tables),      cmocka_unit_test(test_libreoffice),
	};
	xmlInitParser();
	int failed = cmocka_run_group_tests(tests, make_workdir, remove_workdir);
	xmlCleanupParser();
	return failed;
}
