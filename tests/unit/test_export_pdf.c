/*
 * PDF, HTML and Markdown export, read back with real readers: an Arabic memorandum of
 * several pages and a French note through pdftotext and pdfinfo (poppler-utils: the test
 * fails when they are missing), the HTML through libxml2's parser, the Markdown through
 * cmark. Tables: a 300-row signature list on landscape pages (every row read back in order,
 * the header on each page, no row cut between pages), columns from the right in Arabic.
 * Then hostile text, errors, size caps and exports from several threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cmark.h>
#include <dirent.h>
#include <fontconfig/fontconfig.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/utf8.h"
#include "export/doc.h"
#include "base/banned.h"

/* clang-format off */
#define AR_TITLE "مذكرة ترافعية حول ولوج المقاولات الصغيرة جدا إلى الصفقات العمومية"
#define AR_ORG   "جمعية صوت المقاولين الشباب بأزيلال"
#define AR_MIXED "يحدد المرسوم 2-22-431 نسبة 30% من الصفقات لفائدة المقاولات الصغيرة (TPE) منذ 2023"
#define AR_KNOWN "تلتزم الجماعات الترابية بنشر برامجها التوقعية للشراء العمومي في بوابة الصفقات العمومية"
#define AR_BOLD  "وهذا التزام قانوني واضح"
#define AR_FILLER \
	"وتبين المعطيات المتوفرة أن المقاولات الصغيرة جدا تواجه صعوبات في الولوج إلى المعلومة " \
	"وفي تكوين ملفات الترشيح وفي الحصول على الضمانات البنكية المطلوبة، مما يحد من مشاركتها " \
	"في طلبات العروض. "
#define AR_LONG_START "استهلال الفقرة الطويلة"
#define AR_LONG_END   "اختتام الفقرة الطويلة"
#define HOSTILE_HTML  "<script>alert(1)</script>&"
/* clang-format on */

static const struct doc_source ar_sources[] = {
    {"المرسوم رقم 2-22-431 المتعلق بالصفقات العمومية", "رئيس الحكومة", "2023-03-08", "المادة 136",
     "يخصص صاحب المشروع نسبة 30% من المبلغ التقديري للصفقات", NULL},
    {"القانون التنظيمي رقم 113.14 المتعلق بالجماعات", "البرلمان", "2015-07-07", "المادة 78", NULL, NULL},
    {"تقرير المجلس الأعلى للحسابات حول الطلبية العمومية", "المجلس الأعلى للحسابات", "2022", NULL, NULL,
     "يؤكد ضعف ولوج المقاولات الصغيرة"},
};

static struct doc_block *add(struct doc *d, enum doc_block_type type, int level, const char *text, unsigned style)
{
	struct doc_block *b = doc_add_block(d, type, level);
	if (text)
		doc_add_text(b, text, strlen(text), style);
	return b;
}

static void add_text(struct doc_block *b, const char *text, unsigned style)
{
	doc_add_text(b, text, strlen(text), style);
}

/* The Arabic memorandum: every kind of block, 3 citations (source 1 twice), 4+ pages. */
static struct doc *arabic_doc(void)
{
	struct doc *d = doc_new("ar");
	struct doc_block *b;
	doc_set(&d->title, AR_TITLE);
	doc_set(&d->organisation, AR_ORG);
	doc_set(&d->date, "2024-03-15");
	for (size_t i = 0; i < ARRAY_SIZE(ar_sources); i++)
		doc_add_source(d, &ar_sources[i]);

	add(d, DOC_HEADING, 1, "أولا: السياق القانوني", 0);
	add(d, DOC_PARAGRAPH, 0, AR_MIXED, 0);
	b = add(d, DOC_PARAGRAPH, 0, AR_KNOWN ". ", 0);
	add_text(b, AR_BOLD, DOC_BOLD);
	doc_add_cite(b, 1);
	add(d, DOC_HEADING, 2, "المقتضيات التنظيمية", 0);
	add(d, DOC_BULLET, 1, "نشر البرامج التوقعية", 0);
	add(d, DOC_BULLET, 2, "في بوابة الصفقات العمومية", 0);
	add(d, DOC_BULLET, 1, "تخصيص حصة للمقاولات الصغيرة", 0);
	b = add(d, DOC_NUMBERED, 1, "تبسيط ملفات الترشيح", 0);
	b->number = 1;
	b = add(d, DOC_NUMBERED, 1, "تخفيف الضمانات البنكية", 0);
	b->number = 2;
	doc_add_cite(b, 2);
	b = add(d, DOC_QUOTE, 0, "يخصص صاحب المشروع نسبة من المبلغ التقديري للصفقات لفائدة المقاولات الصغيرة", 0);
	doc_add_cite(b, 1);
	add(d, DOC_HEADING, 3, "ملاحظات ميدانية", 0);
	b = add(d, DOC_PARAGRAPH, 0, "أكد التقرير ", 0);
	add_text(b, "ضعف الولوج", DOC_ITALIC);
	doc_add_cite(b, 3);
	add(d, DOC_HEADING, 1, "ثانيا: المعطيات", 0);
	for (int i = 0; i < 8; i++)
		add(d, DOC_PARAGRAPH, 0, AR_FILLER AR_FILLER AR_FILLER, 0);
	/* One paragraph longer than a page. */
	b = add(d, DOC_PARAGRAPH, 0, AR_LONG_START " ", 0);
	for (int i = 0; i < 28; i++)
		add_text(b, AR_FILLER, 0);
	add_text(b, AR_LONG_END, 0);
	add(d, DOC_HEADING, 1, "ثالثا: التوصيات", 0);
	add(d, DOC_PARAGRAPH, 0, AR_FILLER, 0);
	return d;
}

#define FR_TITLE "Note de plaidoyer : l'accès des TPE aux marchés publics"
#define FR_MIXED "Le décret n° 2-22-431 réserve 30 % des marchés aux très petites entreprises depuis 2023"

static struct doc *french_doc(void)
{
	struct doc *d = doc_new("fr");
	struct doc_block *b;
	struct doc_source s1 = {"Décret n° 2-22-431 relatif aux marchés publics",
	                        "Chef du gouvernement",
	                        "2023-03-08",
	                        "art. 136",
	                        "30 % du montant estimé",
	                        NULL};
	struct doc_source s2 = {
	    "Loi organique n° 113-14 relative aux communes", NULL, "2015-07-07", "art. 78", NULL, NULL};
	doc_set(&d->title, FR_TITLE);
	doc_set(&d->organisation, "Association Tamkine — Azilal");
	doc_set(&d->date, "15 mars 2024");
	doc_add_source(d, &s1);
	doc_add_source(d, &s2);
	add(d, DOC_HEADING, 1, "Contexte", 0);
	b = add(d, DOC_PARAGRAPH, 0, FR_MIXED ". ", 0);
	add_text(b, "Une obligation claire", DOC_BOLD);
	doc_add_cite(b, 1);
	add(d, DOC_BULLET, 1, "publier les programmes prévisionnels", 0);
	b = add(d, DOC_NUMBERED, 1, "simplifier les dossiers", 0);
	b->number = 1;
	add(d, DOC_QUOTE, 0, "Le maître d'ouvrage réserve une part des marchés", DOC_ITALIC);
	b = add(d, DOC_PARAGRAPH, 0, "Les communes sont concernées", 0);
	doc_add_cite(b, 2);
	return d;
}

/* ---- running the readers ---- */

/* Runs argv (searched in PATH); its standard output goes to out. Returns the exit status. */
static int run(const char *const argv[], struct buf *out)
{
	int fd[2], status = 0;
	char chunk[8192];
	ssize_t n;
	pid_t pid;
	if (pipe(fd))
		fail_msg("pipe failed");
	pid = fork();
	if (pid < 0)
		fail_msg("fork failed");
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], chunk, sizeof(chunk))) > 0)
		buf_append(out, chunk, (size_t)n);
	close(fd[0]);
	if (waitpid(pid, &status, 0) < 0)
		fail_msg("waitpid failed");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void must_run(const char *const argv[], struct buf *out)
{
	int rc = run(argv, out);
	if (rc == 127)
		fail_msg("%s is missing: install poppler-utils (pdftotext, pdfinfo)", argv[0]);
	if (rc)
		fail_msg("%s failed with status %d", argv[0], rc);
}

/* The text of pages first..last (0: all), as pdftotext gives it. */
static void pdf_text(const char *path, int first, int last, struct buf *out)
{
	char f[16], l[16];
	snprintf(f, sizeof(f), "%d", first);
	snprintf(l, sizeof(l), "%d", last);
	const char *all[] = {"pdftotext", "-enc", "UTF-8", path, "-", NULL};
	const char *some[] = {"pdftotext", "-enc", "UTF-8", "-f", f, "-l", l, path, "-", NULL};
	buf_reset(out);
	must_run(first ? some : all, out);
}

/* A field of pdfinfo ("Pages", "Title"), trimmed; the caller frees it. */
static char *pdf_info(const char *path, const char *field)
{
	struct buf o = BUF_INIT;
	const char *argv[] = {"pdfinfo", "-enc", "UTF-8", path, NULL};
	char *value = NULL;
	must_run(argv, &o);
	size_t fl = strlen(field);
	for (const char *s = buf_str(&o); *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n > fl && !strncmp(s, field, fl) && s[fl] == ':') {
			const char *v = s + fl + 1;
			while (*v == ' ')
				v++;
			value = xstrndup(v, n - (size_t)(v - s));
			break;
		}
		s += n + (nl ? 1 : 0);
	}
	buf_release(&o);
	if (!value)
		fail_msg("pdfinfo gave no %s for %s", field, path);
	return value;
}

static int pdf_pages(const char *path)
{
	char *v = pdf_info(path, "Pages");
	int n = atoi(v);
	free(v);
	return n;
}

/* The folder the files of one test go to: made before the test, emptied and removed after. */
struct scratch {
	char dir[512];
	char path[600];
};

static int scratch_setup(void **state)
{
	struct scratch *s = xcalloc(1, sizeof(*s));
	const char *tmp = getenv("TMPDIR");
	snprintf(s->dir, sizeof(s->dir), "%s/asurif-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->dir)) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int scratch_teardown(void **state)
{
	struct scratch *s = *state;
	DIR *dir = opendir(s->dir);
	struct dirent *de;
	char p[1024];
	while (dir && (de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", s->dir, de->d_name);
			unlink(p);
		}
	if (dir)
		closedir(dir);
	rmdir(s->dir);
	free(s);
	return 0;
}

static const char *scratch_write(struct scratch *s, const char *name, const struct buf *b)
{
	snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);
	FILE *f = fopen(s->path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
	return s->path;
}

/*
 * Checks that the words of `sentence` appear in `text` in this order, from `from` on;
 * returns where the last one ends. Words may be separated by newlines or bidi marks.
 */
static const char *words_in_order(const char *text, const char *from, const char *sentence)
{
	char *copy = xstrdup(sentence);
	const char *at = from ? from : text;
	char *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		const char *hit = strstr(at, w);
		if (!hit) {
			char word[256];
			snprintf(word, sizeof(word), "%s", w);
			free(copy);
			print_error("in the text:\n%s\n", text);
			fail_msg("\"%s\" (of \"%s\") is missing or out of order", word, sentence);
		}
		at = hit + strlen(w);
	}
	free(copy);
	return at;
}

/* The line of text holding needle; the caller frees it. */
static char *line_with(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle), *start, *end;
	if (!hit) {
		print_error("in the text:\n%s\n", text);
		fail_msg("\"%s\" not found", needle);
	}
	start = hit;
	while (start > text && start[-1] != '\n')
		start--;
	end = strchr(hit, '\n');
	return xstrndup(start, end ? (size_t)(end - start) : strlen(start));
}

static void assert_before(const char *line, const char *a, const char *b)
{
	const char *pa = strstr(line, a), *pb = strstr(line, b);
	if (!pa || !pb || pa >= pb)
		fail_msg("expected \"%s\" before \"%s\" in the line: %.400s", a, b, line);
}

/* ---- PDF ---- */

static void test_pdf_arabic(void **state)
{
	struct scratch *s = *state;
	struct doc *d = arabic_doc();
	struct buf out = BUF_INIT, text = BUF_INIT, page = BUF_INIT;
	struct err e = ERR_INIT;
	char label[64];

	assert_int_equal(export_pdf(d, &out, &e), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "%PDF-", 5);
	const char *path = scratch_write(s, "ar.pdf", &out);

	int pages = pdf_pages(path);
	if (pages < 4)
		fail_msg("the memorandum has %d pages, expected 4 or more", pages);
	char *title = pdf_info(path, "Title");
	assert_string_equal(title, AR_TITLE);
	free(title);

	pdf_text(path, 0, 0, &text);
	const char *all = buf_str(&text);
	/* Logical order, words whole (lam-alef included), the mixed line in order. */
	words_in_order(all, NULL, AR_TITLE);
	words_in_order(all, NULL, AR_KNOWN);
	words_in_order(all, NULL, AR_BOLD);
	char *mixed = line_with(all, "يحدد المرسوم");
	const char *order[] = {"يحدد", "المرسوم", "2-22-431", "نسبة", "30%", "الصفقات", "المقاولات", "TPE", "2023"};
	for (size_t i = 0; i + 1 < ARRAY_SIZE(order); i++)
		assert_before(mixed, order[i], order[i + 1]);
	free(mixed);
	/* (poppler puts a colon between Arabic words out of place: words only) */
	words_in_order(all, NULL, "أولا السياق القانوني");
	words_in_order(all, NULL, "المقتضيات التنظيمية");
	words_in_order(all, NULL, "ملاحظات ميدانية");
	words_in_order(all, NULL, "نشر البرامج التوقعية في بوابة الصفقات العمومية تخصيص حصة للمقاولات الصغيرة");
	words_in_order(all, NULL, "تبسيط ملفات الترشيح تخفيف الضمانات البنكية");
	/* The annex after the body: its title, then every source in order. */
	const char *annex = strstr(all, "التوصيات");
	assert_non_null(annex);
	annex = words_in_order(all, annex, "ملحق المصادر");
	for (size_t i = 0; i < ARRAY_SIZE(ar_sources); i++) {
		annex = words_in_order(all, annex, ar_sources[i].title);
		annex = words_in_order(all, annex, ar_sources[i].issuer);
	}

	/* Every page has its footer; page 2 has the header. */
	for (int p = 1; p <= pages; p++) {
		pdf_text(path, p, p, &page);
		snprintf(label, sizeof(label), "%d / %d", p, pages);
		if (!strstr(buf_str(&page), label) || !strstr(buf_str(&page), "صفحة")) {
			print_error("page %d:\n%s\n", p, buf_str(&page));
			fail_msg("page %d has no footer \"صفحة %s\"", p, label);
		}
		if (p == 2)
			words_in_order(buf_str(&page), NULL, AR_ORG);
	}
	/* The paragraph longer than a page is split between pages. */
	int start_page = 0, end_page = 0;
	for (int p = 1; p <= pages; p++) {
		pdf_text(path, p, p, &page);
		if (strstr(buf_str(&page), "استهلال"))
			start_page = p;
		if (strstr(buf_str(&page), "اختتام"))
			end_page = p;
	}
	assert_true(start_page > 0);
	assert_true(end_page > start_page);

	buf_release(&out);
	buf_release(&text);
	buf_release(&page);
	doc_free(d);
}

static void test_pdf_french(void **state)
{
	struct scratch *s = *state;
	struct doc *d = french_doc();
	struct buf out = BUF_INIT, text = BUF_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(export_pdf(d, &out, &e), 0);
	const char *path = scratch_write(s, "fr.pdf", &out);
	int pages = pdf_pages(path);
	assert_true(pages >= 1);
	char *title = pdf_info(path, "Title");
	assert_string_equal(title, FR_TITLE);
	free(title);
	pdf_text(path, 0, 0, &text);
	const char *all = buf_str(&text);
	const char *at = words_in_order(all, NULL, "Association Tamkine");
	at = words_in_order(all, at, FR_TITLE);
	at = words_in_order(all, at, "15 mars 2024 Contexte");
	at = words_in_order(all, at, FR_MIXED);
	at = words_in_order(all, at, "Une obligation claire");
	at = words_in_order(all, at, "publier les programmes prévisionnels simplifier les dossiers");
	at = words_in_order(all, at, "Le maître d'ouvrage réserve une part des marchés");
	at = words_in_order(all, at, "Annexe : sources");
	at = words_in_order(all, at, "Décret n° 2-22-431 relatif aux marchés publics — Chef du gouvernement");
	words_in_order(all, at, "Loi organique n° 113-14 relative aux communes, 2015-07-07, art. 78.");
	char footer[32];
	snprintf(footer, sizeof(footer), "Page 1 / %d", pages);
	assert_non_null(strstr(all, footer));

	buf_release(&out);
	buf_release(&text);
	doc_free(d);
}

/* ---- tables ---- */

#define TABLE_HOSTILE "<w:p></table:table><script>x</script>|&"

/* A signature list: number, first name, family name, ID, a long address, an empty column. */
static struct doc *table_doc(const char *lang, int rows)
{
	int ar = !strcmp(lang, "ar");
	struct doc *d = doc_new(lang);
	char n[16], first[32], last[32], cin[32], addr[400];
	d->landscape = 1;
	doc_set(&d->title, ar ? "لائحة التوقيعات" : "Liste des signatures");
	add(d, DOC_PARAGRAPH, 0, ar ? "الجماعة: أزيلال" : "Commune : Azilal", 0);
	const char *head_ar[] = {"رقم", "Zone", "الاسم العائلي", "رقم البطاقة الوطنية", "العنوان", "التوقيع"};
	const char *head_fr[] = {"N°", "Prénom", "Nom", "CIN", "Adresse", "Signature"};
	doc_add_row(d, 1, ar ? head_ar : head_fr, 6);
	for (int i = 1; i <= rows; i++) {
		snprintf(n, sizeof(n), "%d", i);
		snprintf(first, sizeof(first), "Amina%03d", i);
		snprintf(last, sizeof(last), ar ? "بنعلي" : "Benali%03d", i);
		snprintf(cin, sizeof(cin), "AB%06d", i);
		snprintf(addr, sizeof(addr),
		         "debut%03d rue des Oliviers, quartier Hay Salam, derb Sidi Ahmed, maison numero quarante "
		         "deux, commune rurale de Tabant, province d'Azilal, region Beni Mellal Khenifra, fin%03d",
		         i, i);
		const char *cells[] = {n, first, last, cin, addr, i == 2 ? TABLE_HOSTILE : NULL};
		doc_add_row(d, 0, cells, 6);
	}
	add(d, DOC_PARAGRAPH, 0, ar ? "انتهت اللائحة" : "Fin de la liste", 0);
	return d;
}

/* Where pdftotext -bbox draws the first word equal to w (xMin), or fails. */
static double word_x(const char *bbox, const char *w)
{
	char needle[128];
	snprintf(needle, sizeof(needle), "\">%s</word>", w);
	const char *hit = strstr(bbox, needle), *x;
	if (!hit) {
		print_error("%s\n", bbox);
		fail_msg("pdftotext -bbox has no word \"%s\"", w);
	}
	for (x = hit; x > bbox && strncmp(x, "<word ", 6); x--)
		;
	x = strstr(x, "xMin=\"");
	assert_non_null(x);
	return atof(x + 6);
}

static void test_pdf_table(void **state)
{
	struct scratch *s = *state;
	struct doc *d = table_doc("fr", 300);
	struct buf out = BUF_INIT, text = BUF_INIT;
	struct err e = ERR_INIT;
	char want[32];

	assert_int_equal(export_pdf(d, &out, &e), 0);
	const char *path = scratch_write(s, "table.pdf", &out);
	char *size = pdf_info(path, "Page size");
	if (strncmp(size, "841.89 x 595.28", 15))
		fail_msg("the pages are %s, not A4 landscape", size);
	free(size);
	int pages = pdf_pages(path);
	if (pages < 5)
		fail_msg("300 rows on %d pages: expected 5 or more", pages);

	int next = 1; /* the row expected next, across pages */
	for (int p = 1; p <= pages; p++) {
		char f[16];
		snprintf(f, sizeof(f), "%d", p);
		const char *argv[] = {"pdftotext", "-enc", "UTF-8", "-layout", "-f", f, "-l", f, path, "-", NULL};
		buf_reset(&text);
		must_run(argv, &text);
		const char *t = buf_str(&text);
		/* The header, in column order, on every page the table is on. */
		if (next <= 300) {
			char *head = line_with(t, "Prénom");
			assert_before(head, "N°", "Prénom");
			assert_before(head, "Prénom", "Nom");
			assert_before(head, "Nom", "CIN");
			assert_before(head, "CIN", "Adresse");
			assert_before(head, "Adresse", "Signature");
			free(head);
		}
		/* Each row whole on this page: its cells in order on its first line, its wrapped address
		   ending here too. */
		for (const char *at = t; (at = strstr(at, "Amina"));) {
			int row = atoi(at + 5);
			if (row != next) {
				print_error("page %d:\n%s\n", p, t);
				fail_msg("page %d: row %d where row %d was expected", p, row, next);
			}
			char *line = line_with(at, "Amina");
			snprintf(want, sizeof(want), "Benali%03d", row);
			assert_before(line, "Amina", want);
			char cin[32];
			snprintf(cin, sizeof(cin), "AB%06d", row);
			assert_before(line, want, cin);
			snprintf(want, sizeof(want), "debut%03d", row);
			assert_before(line, cin, want);
			free(line);
			snprintf(want, sizeof(want), "fin%03d", row);
			if (!strstr(at, want)) {
				print_error("page %d:\n%s\n", p, t);
				fail_msg("row %d is cut: its end is not on page %d", row, p);
			}
			next++;
			at += 5;
		}
	}
	assert_int_equal(next, 301);
	/* The paragraph after the table, and the hostile cell as text. */
	pdf_text(path, 0, 0, &text);
	assert_non_null(strstr(buf_str(&text), "Fin de la liste"));
	/* (cut where the column is narrow: after "</") */
	assert_non_null(strstr(buf_str(&text), "<w:p></table:table><script>x</"));
	assert_non_null(strstr(buf_str(&text), "script>|&"));
	buf_release(&out);
	buf_release(&text);
	doc_free(d);
}

static void test_pdf_table_arabic(void **state)
{
	struct scratch *s = *state;
	struct doc *d = table_doc("ar", 40);
	struct buf out = BUF_INIT, text = BUF_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(export_pdf(d, &out, &e), 0);
	const char *path = scratch_write(s, "table-ar.pdf", &out);
	int pages = pdf_pages(path);
	assert_true(pages >= 2);
	for (int p = 1; p <= pages; p++) {
		pdf_text(path, p, p, &text);
		words_in_order(buf_str(&text), NULL, "رقم البطاقة الوطنية");
		assert_non_null(strstr(buf_str(&text), "التوقيع"));
	}
	/* The first column on the right: row 3's "Zone" cell right of its ID, right of its address. */
	const char *argv[] = {"pdftotext", "-enc", "UTF-8", "-bbox", "-f", "1", "-l", "1", path, "-", NULL};
	buf_reset(&text);
	must_run(argv, &text);
	double zone = word_x(buf_str(&text), "Amina003"), cin = word_x(buf_str(&text), "AB000003"),
	       addr = word_x(buf_str(&text), "debut003");
	if (!(zone > cin && cin > addr))
		fail_msg("columns are not right to left: Amina003 at %.0f, AB000003 at %.0f, debut003 at %.0f", zone,
		         cin, addr);
	buf_release(&out);
	buf_release(&text);
	doc_free(d);
}

/* HTML and Markdown tables: header cells, rows, hostile text kept as text. */
/* A page break: what follows starts at the top of the next page, in every format. */
static void test_page_break(void **state)
{
	struct scratch *s = *state;
	struct doc *d = doc_new("fr");
	struct buf out = BUF_INIT, text = BUF_INIT;
	struct err e = ERR_INIT;

	doc_set(&d->title, "Dossier");
	add_text(doc_add_block(d, DOC_PARAGRAPH, 0), "Couverture du dossier.", 0);
	doc_add_block(d, DOC_PAGEBREAK, 0);
	add_text(doc_add_block(d, DOC_HEADING, 1), "Partie deux", 0);
	add_text(doc_add_block(d, DOC_PARAGRAPH, 0), "Texte de la partie deux.", 0);
	doc_add_block(d, DOC_PAGEBREAK, 0);
	doc_add_block(d, DOC_PAGEBREAK, 0); /* two in a row: one new page, no blank one */
	add_text(doc_add_block(d, DOC_PARAGRAPH, 0), "Partie trois.", 0);

	assert_int_equal(export_pdf(d, &out, &e), 0);
	const char *path = scratch_write(s, "break.pdf", &out);
	assert_int_equal(pdf_pages(path), 3);
	pdf_text(path, 1, 1, &text);
	assert_non_null(strstr(buf_str(&text), "Couverture"));
	assert_null(strstr(buf_str(&text), "Partie deux"));
	pdf_text(path, 2, 2, &text);
	assert_non_null(strstr(buf_str(&text), "Partie deux"));
	assert_null(strstr(buf_str(&text), "Partie trois"));
	pdf_text(path, 3, 3, &text);
	assert_non_null(strstr(buf_str(&text), "Partie trois"));

	buf_reset(&out);
	assert_int_equal(export_html(d, &out, &e), 0);
	assert_non_null(strstr(buf_str(&out), "<div class=\"page-break\"></div>"));
	buf_reset(&out);
	assert_int_equal(export_md(d, &out, &e), 0);
	assert_non_null(strstr(buf_str(&out), "Partie trois"));
	buf_release(&out);
	buf_release(&text);
	doc_free(d);
}

static void test_table_html_md(void **state)
{
	(void)state;
	struct doc *d = table_doc("ar", 3);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(export_html(d, &out, &e), 0);
	const char *h = buf_str(&out);
	assert_non_null(strstr(h, "@page { size: A4 landscape }"));
	assert_non_null(strstr(h, "<table>\n<thead>\n<tr><th scope=\"col\">رقم</th><th scope=\"col\">Zone</th>"));
	assert_non_null(strstr(h, "</thead>\n<tbody>\n<tr><td>1</td><td>Amina001</td>"));
	assert_non_null(strstr(h, "<td>&lt;w:p&gt;&lt;/table:table&gt;&lt;script&gt;x&lt;/script&gt;|&amp;</td></tr>"));
	assert_null(strstr(h, "<script"));
	size_t rows = 0;
	for (const char *at = h; (at = strstr(at, "<tr>")); at++)
		rows++;
	assert_int_equal(rows, 4);
	htmlDocPtr doc = htmlReadMemory(out.data, (int)out.len, NULL, "UTF-8",
	                                HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	assert_non_null(doc);
	xmlFreeDoc(doc);

	buf_reset(&out);
	assert_int_equal(export_md(d, &out, &e), 0);
	const char *m = buf_str(&out);
	assert_non_null(strstr(m, "\n\n| رقم | Zone | الاسم العائلي | رقم البطاقة الوطنية | العنوان | التوقيع |\n"
	                          "| --- | --- | --- | --- | --- | --- |\n| 1 | Amina001 | بنعلي | AB000001 |"));
	assert_non_null(strstr(m, "| \\<w:p\\>\\</table:table\\>\\<script\\>x\\</script\\>\\|\\& |\n"));
	assert_non_null(strstr(m, "fin003 |  |\n\nانتهت اللائحة\n"));
	buf_release(&out);
	doc_free(d);
}

/* ---- HTML ---- */

struct html_walk {
	char *ids[256];
	size_t nids;
	char *hrefs[256];
	size_t nhrefs;
	int scripts, styles, bdi, li_value_2, strong, em, blockquote, h[7];
	char *hostile; /* the text of the <p> holding the hostile span */
};

static void html_visit(xmlNode *n, struct html_walk *w)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
		xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
		xmlChar *value = xmlGetProp(n, (const xmlChar *)"value");
		if (id && w->nids < ARRAY_SIZE(w->ids))
			w->ids[w->nids++] = xstrdup((const char *)id);
		if (href && w->nhrefs < ARRAY_SIZE(w->hrefs))
			w->hrefs[w->nhrefs++] = xstrdup((const char *)href);
		if (!strcmp(name, "script"))
			w->scripts++;
		if (!strcmp(name, "style"))
			w->styles++;
		if (!strcmp(name, "bdi"))
			w->bdi++;
		if (!strcmp(name, "strong"))
			w->strong++;
		if (!strcmp(name, "em"))
			w->em++;
		if (!strcmp(name, "blockquote"))
			w->blockquote++;
		if (!strcmp(name, "li") && value && !strcmp((const char *)value, "2"))
			w->li_value_2++;
		if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
			w->h[name[1] - '0']++;
		if (!strcmp(name, "p") && !w->hostile) {
			xmlChar *t = xmlNodeGetContent(n);
			if (t && strstr((const char *)t, "alert(1)"))
				w->hostile = xstrdup((const char *)t);
			xmlFree(t);
		}
		xmlFree(id);
		xmlFree(href);
		xmlFree(value);
		html_visit(n->children, w);
	}
}

static void test_html(void **state)
{
	(void)state;
	struct doc *d = arabic_doc();
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	struct html_walk w;
	size_t line = 0, byte = 0;
	struct doc_block *b = add(d, DOC_PARAGRAPH, 0, HOSTILE_HTML, 0);
	add_text(b, " \" onmouseover=\"x\" ' \xff\xfe", DOC_BOLD);
	doc_set(&d->organisation, AR_ORG " <b>&</b>");

	assert_int_equal(export_html(d, &out, &e), 0);
	const char *h = buf_str(&out);
	assert_int_equal(strncmp(h, "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">", 42), 0);
	assert_non_null(strstr(h, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(h, "@page { size: A4; margin: 2.5cm }"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;"));
	assert_non_null(strstr(h, "&quot; onmouseover=&quot;x&quot; &#39; \xEF\xBF\xBD\xEF\xBF\xBD"));
	assert_non_null(strstr(h, "<header>" AR_ORG " &lt;b&gt;&amp;&lt;/b&gt;</header>"));
	assert_non_null(strstr(h, "<p class=\"date\"><bdi>"));
	/* Nothing runs, nothing is fetched. */
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<SCRIPT"));
	assert_null(strstr(h, "http:"));
	assert_null(strstr(h, "https:"));
	assert_null(strstr(h, "url("));
	assert_null(strstr(h, "@import"));
	assert_int_equal(utf8_validate(out.data, out.len, &line, &byte), 0);

	htmlDocPtr doc = htmlReadMemory(out.data, (int)out.len, NULL, "UTF-8",
	                                HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	assert_non_null(doc);
	xmlNode *root = xmlDocGetRootElement(doc);
	assert_non_null(root);
	assert_string_equal((const char *)root->name, "html");
	xmlChar *dir = xmlGetProp(root, (const xmlChar *)"dir");
	assert_string_equal((const char *)dir, "rtl");
	xmlFree(dir);
	memset(&w, 0, sizeof(w));
	html_visit(root, &w);
	assert_int_equal(w.scripts, 0);
	assert_int_equal(w.styles, 1);
	assert_true(w.bdi >= 1);
	assert_int_equal(w.h[1], 1);
	assert_int_equal(w.h[2], 3 + 1); /* three level-1 headings and the annex */
	assert_int_equal(w.h[3], 1);
	assert_int_equal(w.h[4], 1);
	assert_int_equal(w.li_value_2, 1);
	assert_int_equal(w.blockquote, 1);
	assert_true(w.strong >= 2);
	assert_int_equal(w.em, 1);
	assert_non_null(w.hostile);
	assert_non_null(strstr(w.hostile, HOSTILE_HTML " \" onmouseover=\"x\" '"));
	/* Ids are unique; every internal link has its target; source 1 is cited twice. */
	int to_src1 = 0;
	for (size_t i = 0; i < w.nids; i++)
		for (size_t k = i + 1; k < w.nids; k++)
			if (!strcmp(w.ids[i], w.ids[k]))
				fail_msg("id \"%s\" appears twice", w.ids[i]);
	for (size_t i = 0; i < w.nhrefs; i++) {
		int found = 0;
		assert_int_equal(w.hrefs[i][0], '#');
		for (size_t k = 0; k < w.nids; k++)
			found |= !strcmp(w.ids[k], w.hrefs[i] + 1);
		if (!found)
			fail_msg("the link %s points at no element", w.hrefs[i]);
		to_src1 += !strcmp(w.hrefs[i], "#src-1");
	}
	assert_int_equal(w.nhrefs, 4);
	assert_int_equal(to_src1, 2);
	const char *want[] = {"src-1", "src-2", "src-3", "cite-1-1", "cite-1-2", "cite-2-1", "cite-3-1"};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		int found = 0;
		for (size_t k = 0; k < w.nids; k++)
			found |= !strcmp(w.ids[k], want[i]);
		if (!found)
			fail_msg("no element has the id %s", want[i]);
	}
	/* In right-to-left text, the decree number and the percentage stay left to right. */
	assert_non_null(strstr(h, "المرسوم <bdi dir=\"ltr\">2-22-431</bdi> نسبة <bdi dir=\"ltr\">30%</bdi>"));

	for (size_t i = 0; i < w.nids; i++)
		free(w.ids[i]);
	for (size_t i = 0; i < w.nhrefs; i++)
		free(w.hrefs[i]);
	free(w.hostile);
	xmlFreeDoc(doc);
	buf_release(&out);
	doc_free(d);

	/* A French document is left to right, with no bidi isolation. */
	d = french_doc();
	assert_int_equal(export_html(d, &out, &e), 0);
	assert_int_equal(strncmp(buf_str(&out), "<!doctype html>\n<html lang=\"fr\" dir=\"ltr\">", 42), 0);
	assert_non_null(strstr(buf_str(&out), "<li value=\"1\">simplifier les dossiers</li>"));
	assert_non_null(strstr(buf_str(&out), "<h2>Annexe : sources</h2>"));
	assert_null(strstr(buf_str(&out), "dir=\"ltr\">2-22-431"));
	buf_release(&out);
	doc_free(d);
}

/* ---- Markdown ---- */

struct md_count {
	int types[32];
};

static void md_count_nodes(cmark_node *root, struct md_count *c)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	memset(c, 0, sizeof(*c));
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER) {
			int t = (int)cmark_node_get_type(cmark_iter_get_node(it));
			if (t >= 0 && t < (int)ARRAY_SIZE(c->types))
				c->types[t]++;
		}
	cmark_iter_free(it);
}

/* Texts that must come back exactly as written, never as markup. */
static const char *const md_hostile[] = {
    "# not a heading",
    "[x](javascript:y) and *a* and _b_ and `c` and <b>d</b> and <https://example.org> & &amp; \\ end",
    "1. not a list",
    "2) not a list either",
    "- not a bullet",
    "+ not a bullet",
    "> not a quote",
    "=== not a rule",
    "| a | b |",
    "~~not struck~~ ![img](x.png)",
};

static void test_markdown(void **state)
{
	(void)state;
	struct doc *d = french_doc();
	struct doc *back = doc_new("fr");
	struct buf out = BUF_INIT, t = BUF_INIT;
	struct err e = ERR_INIT;
	struct md_count c;
	struct doc_block *b;

	for (size_t i = 0; i < ARRAY_SIZE(md_hostile); i++)
		add(d, DOC_PARAGRAPH, 0, md_hostile[i], 0);
	add(d, DOC_PARAGRAPH, 0, "first line\n---\n\n    not code\n# not a heading", 0);
	b = add(d, DOC_PARAGRAPH, 0, "cited", 0);
	doc_add_cite(b, 1);
	add_text(b, "(javascript:y)", 0);
	b = doc_add_block(d, DOC_PARAGRAPH, 0);
	doc_add_cite(b, 2);
	add_text(b, ": https://evil.example/", 0);
	b = add(d, DOC_PARAGRAPH, 0, "bold stars: ", 0);
	add_text(b, "*a*", DOC_BOLD);

	assert_int_equal(export_md(d, &out, &e), 0);
	const char *m = buf_str(&out);
	assert_int_equal(strncmp(m, "# Note de plaidoyer : l'accès des TPE aux marchés publics\n", 58), 0);
	assert_non_null(strstr(m, "\n## Contexte\n"));
	assert_non_null(strstr(m, "**Une obligation claire**[1]"));
	assert_non_null(strstr(m, "\n- publier les programmes prévisionnels\n"));
	assert_non_null(strstr(m, "\n1. simplifier les dossiers\n"));
	assert_non_null(strstr(m, "\n> *Le maître d'ouvrage réserve une part des marchés*\n"));
	assert_non_null(strstr(m, "\n## Annexe : sources\n\n1. Décret n° 2-22-431"));
	assert_non_null(strstr(m, "\n2. Loi organique n° 113-14 relative aux communes, 2015-07-07, art. 78.\n"));

	/* Read by a real CommonMark parser: only the structure we wrote. */
	cmark_node *root = cmark_parse_document(out.data, out.len, CMARK_OPT_DEFAULT);
	assert_non_null(root);
	md_count_nodes(root, &c);
	assert_int_equal(c.types[CMARK_NODE_HEADING], 3); /* title, Contexte, annex */
	assert_int_equal(c.types[CMARK_NODE_LINK], 0);
	assert_int_equal(c.types[CMARK_NODE_IMAGE], 0);
	assert_int_equal(c.types[CMARK_NODE_HTML_INLINE], 0);
	assert_int_equal(c.types[CMARK_NODE_HTML_BLOCK], 0);
	assert_int_equal(c.types[CMARK_NODE_CODE], 0);
	assert_int_equal(c.types[CMARK_NODE_CODE_BLOCK], 0);
	assert_int_equal(c.types[CMARK_NODE_THEMATIC_BREAK], 0);
	assert_int_equal(c.types[CMARK_NODE_BLOCK_QUOTE], 1);
	assert_int_equal(c.types[CMARK_NODE_LIST], 3); /* bullets, numbers, annex */
	assert_int_equal(c.types[CMARK_NODE_EMPH], 1);
	assert_int_equal(c.types[CMARK_NODE_STRONG], 2);
	cmark_node_free(root);

	/* Read back into a document: the hostile texts are plain paragraphs, unchanged. */
	assert_int_equal(doc_from_markdown(back, out.data, out.len, &e), 0);
	for (size_t i = 0; i < ARRAY_SIZE(md_hostile) + 4; i++) {
		const char *want = i < ARRAY_SIZE(md_hostile)        ? md_hostile[i]
		                   : i == ARRAY_SIZE(md_hostile)     ? "first line\n---\nnot code\n# not a heading"
		                   : i == ARRAY_SIZE(md_hostile) + 1 ? "cited[1](javascript:y)"
		                   : i == ARRAY_SIZE(md_hostile) + 2 ? "[2]: https://evil.example/"
		                                                     : "bold stars: *a*";
		int found = 0;
		for (size_t k = 0; k < back->nblocks && !found; k++) {
			buf_reset(&t);
			doc_block_text(&back->blocks[k], &t);
			found = back->blocks[k].type == DOC_PARAGRAPH && !strcmp(buf_str(&t), want);
		}
		if (!found) {
			print_error("the Markdown:\n%s\n", m);
			fail_msg("\"%s\" did not come back as a paragraph of its own", want);
		}
	}
	buf_release(&out);
	buf_release(&t);
	doc_free(back);
	doc_free(d);

	/* Arabic: the title, the citations and the annex. */
	d = arabic_doc();
	assert_int_equal(export_md(d, &out, &e), 0);
	m = buf_str(&out);
	assert_int_equal(strncmp(m, "# " AR_TITLE "\n", strlen("# " AR_TITLE "\n")), 0);
	assert_non_null(strstr(m, "**" AR_BOLD "**[1]"));
	assert_non_null(strstr(m, "\n## ملحق: المصادر\n\n1. المرسوم رقم 2-22-431"));
	assert_non_null(strstr(m, "\n3. تقرير المجلس الأعلى للحسابات"));
	buf_release(&out);
	doc_free(d);
}

/* ---- errors, limits, threads ---- */

static void test_errors(void **state)
{
	(void)state;
	struct doc *d = french_doc();
	struct buf out = BUF_INIT, small = BUF_INIT;
	struct err e = ERR_INIT;
	int (*exporters[])(const struct doc *, struct buf *, struct err *) = {export_pdf, export_html, export_md};

	/* A citation of a source that does not exist. */
	struct doc_block *b = add(d, DOC_PARAGRAPH, 0, "x", 0);
	doc_add_cite(b, 9);
	buf_appends(&out, "kept");
	for (size_t i = 0; i < ARRAY_SIZE(exporters); i++) {
		err_clear(&e);
		assert_int_equal(exporters[i](d, &out, &e), ERR_FORMAT);
		assert_non_null(strstr(e.msg, "[9]"));
		assert_string_equal(buf_str(&out), "kept");
	}
	doc_free(d);

	/* Over the output's cap: an error, and what was there before is left as it was. */
	d = arabic_doc();
	buf_init(&small, 2000);
	buf_appends(&small, "kept");
	for (size_t i = 0; i < ARRAY_SIZE(exporters); i++) {
		err_clear(&e);
		assert_int_equal(exporters[i](d, &small, &e), ERR_TOO_BIG);
		assert_string_equal(buf_str(&small), "kept");
	}
	doc_free(d);

	/* An empty document still makes valid files; bad UTF-8 is repaired, not fatal. */
	d = doc_new("ar");
	b = add(d, DOC_PARAGRAPH, 0, "\xff\xfe\xc3 نص \x01", 0);
	buf_reset(&out);
	assert_int_equal(export_pdf(d, &out, &e), 0);
	assert_memory_equal(out.data, "%PDF-", 5);
	buf_reset(&out);
	assert_int_equal(export_html(d, &out, &e), 0);
	buf_reset(&out);
	assert_int_equal(export_md(d, &out, &e), 0);
	assert_string_equal(buf_str(&out), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD نص\n");
	doc_free(d);
	buf_release(&out);
	buf_release(&small);
}

struct thread_job {
	const struct doc *d;
	size_t len[3];
	int rc;
};

static void *thread_export(void *arg)
{
	struct thread_job *j = arg;
	struct err e = ERR_INIT;
	for (int round = 0; round < 3 && !j->rc; round++) {
		struct buf out = BUF_INIT;
		j->rc = export_pdf(j->d, &out, &e);
		if (!j->rc && (out.len < 5 || memcmp(out.data, "%PDF-", 5)))
			j->rc = -100;
		j->len[round] = out.len;
		buf_release(&out);
	}
	return NULL;
}

/* The web server exports from its worker threads: several at once give the same files. */
static void test_threads(void **state)
{
	(void)state;
	struct doc *d = arabic_doc();
	struct thread_job jobs[4];
	pthread_t th[4];
	for (size_t i = 0; i < ARRAY_SIZE(th); i++) {
		jobs[i] = (struct thread_job){d, {0}, 0};
		assert_int_equal(pthread_create(&th[i], NULL, thread_export, &jobs[i]), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(th); i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (size_t i = 0; i < ARRAY_SIZE(th); i++) {
		assert_int_equal(jobs[i].rc, 0);
		for (int r = 0; r < 3; r++) {
			/* The same document every time; only the creation date in the file may differ. */
			long diff = (long)jobs[i].len[r] - (long)jobs[0].len[0];
			assert_true(diff > -64 && diff < 64);
		}
	}
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pdf_arabic, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_pdf_french, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_pdf_table, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_pdf_table_arabic, scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_page_break, scratch_setup, scratch_teardown),
	    cmocka_unit_test(test_table_html_md),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_markdown),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_threads),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	/*
	 * For LeakSanitizer: the caches that live as long as the process. Pango keeps a font
	 * map per thread (this thread's is freed here, the others' when their thread ends),
	 * cairo keeps its fonts, fontconfig its configuration (FcInit alone leaks 288 bytes in
	 * fontconfig 2.14 unless FcFini is called).
	 */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
	return failed;
}
