/*
 * Text extraction: detection, every format, and every way a file can be bad.
 * Fixtures come from $FIXTURES (default tests/fixtures), filled by
 * tests/fixtures/make-fixtures.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/fs.h"
#include "base/utf8.h"
#include "hub/extract.h"
#include "base/banned.h"

static const char *fixtures(void)
{
	const char *d = getenv("FIXTURES");
	return d && *d ? d : "tests/fixtures";
}

/* Reads a fixture; fails the test with a hint when it is missing. */
static void load(const char *file, struct buf *out)
{
	char *path = fs_join(fixtures(), file);
	struct err e = ERR_INIT;
	if (fs_read_file(path, 0, out, &e) != 0)
		fail_msg("%s (run tests/fixtures/make-fixtures.sh %s first)", e.msg, fixtures());
	free(path);
}

/* Every block must keep the promises of struct block. */
static void check_blocks(const struct extract *x)
{
	size_t total = 0;
	for (size_t i = 0; i < x->n; i++) {
		const struct block *b = &x->blocks[i];
		size_t len = strlen(b->text);
		assert_true(len > 0);
		assert_int_equal(utf8_validate(b->text, len, NULL, NULL), 0);
		for (size_t k = 0; k < len; k++) {
			unsigned char c = (unsigned char)b->text[k];
			assert_false(c < 0x20 && c != '\n' && c != '\t');
		}
		assert_false(b->text[0] == ' ' || b->text[0] == '\n' || b->text[len - 1] == ' ' ||
		             b->text[len - 1] == '\n');
		if (b->type == BLOCK_HEADING)
			assert_true(b->level >= 1 && b->level <= 6);
		else
			assert_int_equal(b->level, 0);
		total += len;
	}
	assert_int_equal(total, x->text_bytes);
}

/* Detects and extracts a fixture under its own name. */
static int run_file(const char *file, struct extract *x, struct err *e)
{
	struct buf b = BUF_INIT;
	load(file, &b);
	enum extract_format f = extract_detect(file, (const unsigned char *)b.data, b.len);
	int rc = extract_run(file, (const unsigned char *)b.data, b.len, f, x, e);
	if (rc == 0)
		check_blocks(x);
	else
		assert_int_equal(x->n, 0);
	buf_release(&b);
	return rc;
}

/* The index of the first block containing s, or -1. */
static long find_block(const struct extract *x, const char *s)
{
	for (size_t i = 0; i < x->n; i++)
		if (strstr(x->blocks[i].text, s))
			return (long)i;
	return -1;
}

static const struct block *block_with(const struct extract *x, const char *s)
{
	long i = find_block(x, s);
	if (i < 0)
		fail_msg("no block contains \"%s\"", s);
	return &x->blocks[i];
}

static int text_contains(const struct extract *x, const char *s)
{
	return find_block(x, s) >= 0;
}

/* An error must name the file first, and leave nothing behind. */
static void expect_error(const char *file, int code, const char *words)
{
	struct extract x;
	struct err e = ERR_INIT;
	extract_init(&x);
	int rc = run_file(file, &x, &e);
	if (rc != code)
		fail_msg("%s: expected %d, got %d (%s)", file, code, rc, e.msg);
	assert_int_equal(e.code, code);
	assert_int_equal(strncmp(e.msg, file, strlen(file)), 0);
	assert_int_equal(strncmp(e.msg + strlen(file), ": ", 2), 0);
	if (words && !strstr(e.msg, words))
		fail_msg("%s: message \"%s\" lacks \"%s\"", file, e.msg, words);
	assert_int_equal(x.n, 0);
	assert_null(x.blocks);
	assert_null(x.title);
	assert_int_equal(x.text_bytes, 0);
	extract_release(&x);
}

static enum extract_format detect_as(const char *fixture, const char *name)
{
	struct buf b = BUF_INIT;
	load(fixture, &b);
	enum extract_format f = extract_detect(name, (const unsigned char *)b.data, b.len);
	buf_release(&b);
	return f;
}

static enum extract_format detect_str(const char *name, const char *s)
{
	return extract_detect(name, (const unsigned char *)s, strlen(s));
}

static void test_detect_by_content(void **state)
{
	(void)state;
	assert_int_equal(detect_as("sample.pdf", "report.txt"), FMT_PDF);
	assert_int_equal(detect_as("sample.docx", "upload.bin"), FMT_DOCX);
	assert_int_equal(detect_as("sample.odt", "archive.zip"), FMT_ODT);
	assert_int_equal(detect_as("sample.html", "page.txt"), FMT_HTML);
	assert_int_equal(detect_as("sample.md", "notes.md"), FMT_MD);
	assert_int_equal(detect_as("sample.md", "notes.txt"), FMT_TXT);
	assert_int_equal(detect_as("other.zip", "other.docx"), FMT_UNKNOWN);
	assert_int_equal(detect_as("junk.bin", "junk.txt"), FMT_UNKNOWN);
	assert_int_equal(detect_as("utf16.txt", "utf16.txt"), FMT_TXT);
	/* Damaged files keep their kind, so the message says what is wrong. */
	assert_int_equal(detect_as("corrupt.docx", "corrupt.bin"), FMT_DOCX);
	assert_int_equal(detect_as("truncated.pdf", "t.bin"), FMT_PDF);
	/* Text in a legacy encoding is still text (and gets an encoding message). */
	assert_int_equal(detect_as("invalid-utf8.txt", "x.dat"), FMT_TXT);
	assert_int_equal(detect_as("cp1252.html", "x.dat"), FMT_HTML);

	assert_int_equal(detect_str("a.txt", "<!DOCTYPE html><title>x</title>"), FMT_HTML);
	assert_int_equal(detect_str("a.txt", "\xEF\xBB\xBF  \n<HTML><body>x"), FMT_HTML);
	assert_int_equal(detect_str("a.txt", "<div><p>fragment</p></div>"), FMT_HTML);
	assert_int_equal(detect_str("a.md", "# Titre\n\nUn paragraphe avec <p> dedans.\n"), FMT_MD);
	assert_int_equal(detect_str("a.txt", "Le tag <body> est cité ici.\n"), FMT_TXT);
	assert_int_equal(detect_str("data.jsonl", "{\"a\":1}\n{\"a\":2}\n"), FMT_JSONL);
	assert_int_equal(detect_str("page.HTM", "just words"), FMT_HTML);
	assert_int_equal(detect_str("report.pdf", "plain words, not a PDF"), FMT_TXT);
	assert_int_equal(detect_str("noext", "plain words"), FMT_TXT);
	assert_int_equal(extract_detect("empty.md", (const unsigned char *)"", 0), FMT_MD);
	assert_int_equal(extract_detect("empty", (const unsigned char *)"", 0), FMT_TXT);
	assert_int_equal(extract_detect("x.bin", (const unsigned char *)"a\0b", 3), FMT_UNKNOWN);
	assert_string_equal(extract_format_name(FMT_PDF), "pdf");
	assert_string_equal(extract_format_name(FMT_UNKNOWN), "unknown");
}

static void test_docx(void **state)
{
	struct extract x;
	struct err e = ERR_INIT;
	(void)state;
	extract_init(&x);
	assert_int_equal(run_file("sample.docx", &x, &e), 0);
	assert_string_equal(x.title, "Note sur l'accès des TPE à la commande publique");
	assert_int_equal(x.pages, 0);

	const struct block *b = block_with(&x, "Accès des TPE");
	assert_int_equal(b->type, BLOCK_HEADING); /* style "Title" */
	assert_int_equal(b->level, 1);
	b = block_with(&x, "المادة 1"); /* style id "Titre1", named "heading 1" */
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 1);
	assert_string_equal(b->text, "المادة 1");
	b = block_with(&x, "Article 2");
	assert_int_equal(b->type, BLOCK_HEADING);
	b = block_with(&x, "Formation"); /* a custom style based on "heading 2" */
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 2);
	b = block_with(&x, "Financement"); /* direct w:outlineLvl 2 */
	assert_int_equal(b->level, 3);

	/* Runs join; the reference stays in logical order. */
	b = block_with(&x, "تستفيد");
	assert_int_equal(b->type, BLOCK_PARA);
	assert_string_equal(b->text, "تستفيد المقاولات الصغيرة جدا من حصة من الصفقات العمومية طبقا للقانون "
	                             "التنظيمي رقم 113.14.");
	/* w:tab is a space, w:br a line break, deleted text is gone. */
	assert_string_equal(block_with(&x, "acheteurs")->text,
	                    "Les acheteurs publics publient leurs appels d'offres en ligne.\nUne seconde ligne.");
	assert_false(text_contains(&x, "supprimé"));
	/* Table of contents entries repeat the headings: dropped. */
	assert_false(text_contains(&x, "........"));
	/* A text box comes once (its fallback copy is skipped), after its paragraph. */
	long body =
	    find_block(&x, "Un guichet régional accompagne les porteurs de projets jusqu'à l'obtention du prêt.");
	long box = find_block(&x, "Encadré : dossier de crédit");
	assert_true(body >= 0 && box == body + 1);
	assert_int_equal(find_block(&x, "Souss-Massa"), box + 2);
	for (size_t i = (size_t)box + 1; i < x.n; i++)
		assert_null(strstr(x.blocks[i].text, "Encadré"));
	extract_release(&x);
}

static void test_odt(void **state)
{
	struct extract x;
	struct err e = ERR_INIT;
	(void)state;
	extract_init(&x);
	assert_int_equal(run_file("sample.odt", &x, &e), 0);
	assert_string_equal(x.title, "Formation des auto-entrepreneurs");
	const struct block *b = &x.blocks[0];
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 1);
	assert_string_equal(b->text, "Formation des auto-entrepreneurs");
	b = block_with(&x, "المادة 3");
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 2);
	assert_int_equal(block_with(&x, "يستفيد المقاولون الذاتيون")->type, BLOCK_PARA);
	/* Whitespace collapses, text:s keeps its spaces, text:tab and text:line-break count. */
	long p = find_block(&x, "Les sessions");
	assert_string_equal(x.blocks[p].text,
	                    "Les sessions de formation durent   deux jours et sont gratuites.\nInscription en ligne.");
	/* The footnote follows its paragraph instead of cutting it. */
	assert_string_equal(x.blocks[p + 1].text, "Organisées avec les chambres de commerce.");
	assert_int_equal(block_with(&x, "Comptabilité simplifiée")->type, BLOCK_PARA);
	assert_true(text_contains(&x, "Accès au crédit"));
	assert_string_equal(block_with(&x, "programme")->text, "Fin du programme.");
	assert_false(text_contains(&x, "Commentaire"));
	assert_false(text_contains(&x, "Logo"));
	extract_release(&x);
}

static void test_markdown(void **state)
{
	struct extract x;
	struct err e = ERR_INIT;
	(void)state;
	extract_init(&x);
	assert_int_equal(run_file("sample.md", &x, &e), 0);
	assert_null(x.title);
	const struct block *b = &x.blocks[0];
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 1);
	assert_string_equal(b->text, "Accès des micro-entreprises au financement");
	b = block_with(&x, "المادة 1");
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 2);
	b = block_with(&x, "القانون التنظيمي رقم 113.14");
	assert_int_equal(b->type, BLOCK_PARA);
	b = block_with(&x, "Article 2"); /* setext heading */
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 2);
	assert_string_equal(block_with(&x, "prêt d'honneur")->text, "un prêt d'honneur sans garantie ;");
	assert_string_equal(block_with(&x, "accompagnement")->text,
	                    "un accompagnement gratuit pendant la première année.");
	assert_string_equal(block_with(&x, "guichet")->text, "Les dossiers sont déposés au guichet régional.");
	assert_string_equal(block_with(&x, "montant_max")->text, "montant_max = 50000");
	assert_string_equal(block_with(&x, "portail")->text,
	                    "Un lien vers le portail des marchés et du HTML en ligne.");
	/* Raw HTML keeps its text, not its markup, styles, scripts or comments. */
	assert_string_equal(block_with(&x, "Encadré")->text,
	                    "Encadré : les chambres de commerce orientent les porteurs de projets.");
	assert_false(text_contains(&x, "alert"));
	assert_false(text_contains(&x, "border"));
	assert_false(text_contains(&x, "commentaire"));
	assert_false(text_contains(&x, "<"));
	extract_release(&x);
}

static void test_html(void **state)
{
	struct extract x;
	struct err e = ERR_INIT;
	(void)state;
	extract_init(&x);
	assert_int_equal(run_file("sample.html", &x, &e), 0);
	assert_string_equal(x.title, "Commande publique & TPE");
	/* Nothing from scripts, styles, event handlers, templates or hidden parts. */
	static const char *const absent[] = {"alert",       "document.write", "style text", "color",
	                                     "Activez",     "Modèle",         "steal",      "onload",
	                                     "Texte caché", "dessin",         "image",      "Commande publique"};
	for (size_t i = 0; i < ARRAY_SIZE(absent); i++)
		if (text_contains(&x, absent[i]))
			fail_msg("HTML text contains \"%s\"", absent[i]);
	const struct block *b = &x.blocks[0];
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 1);
	assert_string_equal(b->text, "La commande publique ouverte aux TPE");
	/* Entities decoded, whitespace collapsed, <br> kept as a line break. */
	assert_string_equal(block_with(&x, "acheteurs")->text,
	                    "Les acheteurs publics réservent une part de leurs marchés aux très petites "
	                    "entreprises.\nLes offres sont déposées en ligne.");
	b = block_with(&x, "المادة 2"); /* numeric character references */
	assert_int_equal(b->type, BLOCK_HEADING);
	assert_int_equal(b->level, 2);
	assert_string_equal(block_with(&x, "تخصص")->text,
	                    "تخصص الجماعات حصة من صفقاتها للمقاولات الصغيرة جدا طبقا للقانون التنظيمي رقم 113.14.");
	assert_string_equal(block_with(&x, "Texte dans")->text, "Texte dans un lien et .");
	assert_string_equal(block_with(&x, "Formation")->text, "Formation");
	assert_string_equal(block_with(&x, "Financement")->text, "Financement");
	assert_string_equal(block_with(&x, "Souss")->text, "Souss-Massa\t20 %");
	assert_string_equal(block_with(&x, "Région")->text, "Région\tPart");
	assert_string_equal(block_with(&x, "Citation")->text, "Citation du guide.");
	assert_string_equal(block_with(&x, "ligne 1")->text, "ligne 1\n  ligne 2");
	extract_release(&x);

	/* The declared charset is honoured. */
	extract_init(&x);
	assert_int_equal(run_file("cp1252.html", &x, &e), 0);
	assert_string_equal(x.title, "Crème");
	assert_int_equal(x.n, 1);
	assert_string_equal(x.blocks[0].text, "Café crème € 5");
	extract_release(&x);
}

static void test_pdf(void **state)
{
	struct extract x;
	struct err e = ERR_INIT;
	(void)state;
	extract_init(&x);
	assert_int_equal(run_file("sample.pdf", &x, &e), 0);
	assert_int_equal(x.pages, 2);
	assert_string_equal(x.title, "Micro-entreprises : note d'orientation");
	for (size_t i = 0; i < x.n; i++) {
		assert_int_equal(x.blocks[i].type, BLOCK_PARA);
		assert_true(x.blocks[i].page == 1 || x.blocks[i].page == 2);
	}
	assert_int_equal(x.blocks[0].page, 1);
	assert_int_equal(x.blocks[x.n - 1].page, 2);
	/* Paragraphs come apart; wrapped lines stay together. */
	assert_string_equal(block_with(&x, "Article 1")->text, "Article 1");
	const struct block *b = block_with(&x, "La présente note");
	assert_int_equal(b->page, 1);
	assert_non_null(strstr(b->text, "continue et au crédit\nbancaire."));
	/* Arabic comes out in reading order, numbers included. */
	b = block_with(&x, "المادة 1");
	assert_string_equal(b->text, "المادة 1");
	assert_int_equal(b->page, 1);
	b = block_with(&x, "تهدف هذه المذكرة");
	assert_int_equal(b->page, 1);
	assert_non_null(strstr(b->text, "الصغيرة جدا إلى التكوين المستمر"));
	b = block_with(&x, "Article 2");
	assert_int_equal(b->page, 2);
	b = block_with(&x, "المادة 2");
	assert_int_equal(b->page, 2);
	b = block_with(&x, "تخصص الجماعات حصة من صفقاتها");
	assert_int_equal(b->page, 2);
	assert_non_null(strstr(b->text, "القانون\nالتنظيمي رقم 113.14."));
	/* poppler's direction marks are gone. */
	assert_false(text_contains(&x, "\xE2\x80\xAB"));
	assert_false(text_contains(&x, "\xE2\x80\xAC"));
	extract_release(&x);
}

static void test_plain_text(void **state)
{
	struct extract x;
	struct err e = ERR_INIT;
	(void)state;
	extract_init(&x);
	assert_int_equal(run_file("utf16.txt", &x, &e), 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.blocks[0].text, "Article 5");
	assert_string_equal(x.blocks[1].text, "Les TPE accèdent à la formation.\nالمادة 5");
	assert_int_equal(x.blocks[1].page, 0);
	extract_release(&x);

	extract_init(&x);
	assert_int_equal(run_file("utf16be.txt", &x, &e), 0);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.blocks[0].text, "Crédit et garantie");
	assert_string_equal(x.blocks[1].text, "التمويل والضمان");
	extract_release(&x);

	/* Form feeds make pages; CRLF lines join with '\n'. */
	extract_init(&x);
	assert_int_equal(run_file("pages.txt", &x, &e), 0);
	assert_int_equal(x.pages, 2);
	assert_int_equal(x.n, 3);
	assert_string_equal(x.blocks[0].text, "Page un, premier paragraphe.\nsuite du paragraphe.");
	assert_int_equal(x.blocks[0].page, 1);
	assert_int_equal(x.blocks[1].page, 1);
	assert_string_equal(x.blocks[2].text, "Page deux.");
	assert_int_equal(x.blocks[2].page, 2);
	extract_release(&x);

	/* BOM stripped; blank lines of spaces split paragraphs; controls removed. */
	static const char txt[] = "\xEF\xBB\xBF  Premier\tparagraphe  \n  \t \nSecond\x01 para\x1b[0m\ngraphe\n\n\n";
	extract_init(&x);
	assert_int_equal(extract_run("t.txt", (const unsigned char *)txt, sizeof(txt) - 1, FMT_TXT, &x, &e), 0);
	check_blocks(&x);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.blocks[0].text, "Premier\tparagraphe");
	assert_string_equal(x.blocks[1].text, "Second para[0m\ngraphe");
	assert_int_equal(x.pages, 0);
	extract_release(&x);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	expect_error("invalid-utf8.txt", ERR_ENCODING, NULL);
	expect_error("empty.txt", ERR_EMPTY, NULL);
	expect_error("junk.bin", ERR_UNSUPPORTED, "not supported");
	expect_error("other.zip", ERR_UNSUPPORTED, "zip");
	expect_error("truncated.pdf", ERR_FORMAT, "damaged or incomplete (truncated PDF)");
	expect_error("encrypted.pdf", ERR_ENCRYPTED, "is protected by a password");
	expect_error("notext.pdf", ERR_EMPTY, "no text layer");
	expect_error("corrupt.docx", ERR_FORMAT, "damaged or incomplete");
	expect_error("bomb.docx", ERR_TOO_BIG, "too big");

	struct extract x;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	extract_init(&x);
	assert_int_equal(run_file("invalid-utf8.txt", &x, &e), ERR_ENCODING);
	assert_string_equal(e.msg, "invalid-utf8.txt: not valid UTF-8 text (line 2, byte 47); save it as UTF-8");

	/* Binary data read as text, whitespace only, nothing at all. */
	load("junk.bin", &b);
	assert_int_equal(extract_run("junk.txt", (const unsigned char *)b.data, b.len, FMT_TXT, &x, &e), ERR_FORMAT);
	assert_string_equal(e.msg, "junk.txt: contains binary data (NUL bytes), not text");
	assert_int_equal(extract_run("junk.md", (const unsigned char *)b.data, b.len, FMT_MD, &x, &e), ERR_FORMAT);
	assert_int_equal(extract_run("junk.pdf", (const unsigned char *)b.data, b.len, FMT_PDF, &x, &e), ERR_FORMAT);
	assert_int_equal(extract_run("junk.docx", (const unsigned char *)b.data, b.len, FMT_DOCX, &x, &e), ERR_FORMAT);
	assert_int_equal(extract_run("junk.odt", (const unsigned char *)b.data, b.len, FMT_ODT, &x, &e), ERR_FORMAT);
	assert_int_equal(strncmp(e.msg, "junk.odt: ", 10), 0);
	assert_int_equal(extract_run("s.txt", (const unsigned char *)" \n\t\n", 4, FMT_TXT, &x, &e), ERR_EMPTY);
	assert_string_equal(e.msg, "s.txt: there is no text in this file");
	assert_int_equal(extract_run("s.html", (const unsigned char *)"<p> </p>", 8, FMT_HTML, &x, &e), ERR_EMPTY);
	assert_int_equal(extract_run("e.pdf", (const unsigned char *)"", 0, FMT_PDF, &x, &e), ERR_EMPTY);
	assert_string_equal(e.msg, "e.pdf: the file is empty");
	assert_int_equal(extract_run("odd16.txt", (const unsigned char *)"\xFF\xFE\x00\xD8", 4, FMT_TXT, &x, &e),
	                 ERR_ENCODING);
	assert_int_equal(x.n, 0);
	buf_release(&b);
	extract_release(&x);
}

/* A DOCX whose headers claim document.xml is small, while it inflates past the cap. */
static void test_zip_bomb_lying_header(void **state)
{
	static const char member[] = "word/document.xml";
	struct buf b = BUF_INIT;
	struct extract x;
	struct err e = ERR_INIT;
	(void)state;
	load("bomb.docx", &b);
	unsigned char *d = (unsigned char *)b.data;
	int patched = 0;
	for (size_t i = 0; i + 46 < b.len; i++) {
		if (memcmp(d + i, "PK\x01\x02", 4))
			continue;
		size_t nlen = (size_t)d[i + 28] | (size_t)d[i + 29] << 8;
		if (nlen != sizeof(member) - 1 || i + 46 + nlen > b.len || memcmp(d + i + 46, member, nlen))
			continue;
		size_t local =
		    (size_t)d[i + 42] | (size_t)d[i + 43] << 8 | (size_t)d[i + 44] << 16 | (size_t)d[i + 45] << 24;
		static const unsigned char small[4] = {0xE8, 0x03, 0, 0}; /* 1000 */
		memcpy(d + i + 24, small, 4);
		assert_true(local + 26 < b.len);
		memcpy(d + local + 22, small, 4);
		patched = 1;
	}
	assert_true(patched);
	extract_init(&x);
	int rc = extract_run("liar.docx", d, b.len, FMT_DOCX, &x, &e);
	assert_int_equal(rc, ERR_TOO_BIG);
	assert_int_equal(x.n, 0);
	buf_release(&b);
}

/* On error, results of an earlier run are not left behind. */
static void test_error_empties_output(void **state)
{
	struct extract x;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	(void)state;
	extract_init(&x);
	assert_int_equal(run_file("sample.html", &x, &e), 0);
	assert_true(x.n > 0);
	load("truncated.pdf", &b);
	assert_int_equal(extract_run("t.pdf", (const unsigned char *)b.data, b.len, FMT_PDF, &x, &e), ERR_FORMAT);
	assert_int_equal(x.n, 0);
	assert_null(x.title);
	assert_int_equal(x.pages, 0);
	buf_release(&b);
	extract_release(&x);
}

static void test_extract_add(void **state)
{
	struct extract x;
	(void)state;
	extract_init(&x);
	assert_int_equal(extract_add(&x, BLOCK_PARA, 0, 1, "  \n\t ", 5), 0);
	assert_int_equal(x.n, 0);
	/* Invalid UTF-8 is repaired, NUL and controls dropped, line breaks normalised. */
	static const char raw[] = " a\xC3(b\0c\r\nd\re\x7f\xC2\x85"
	                          "f  \n\n\n\ng ";
	assert_int_equal(extract_add(&x, BLOCK_HEADING, 9, 3, raw, sizeof(raw) - 1), 0);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.blocks[0].text, "a\xEF\xBF\xBD(bc\nd\ne\nf\n\ng");
	assert_int_equal(x.blocks[0].level, 6);
	assert_int_equal(x.blocks[0].page, 3);
	check_blocks(&x);
	/* The text limit. */
	x.text_bytes = EXTRACT_MAX_TEXT - 2;
	assert_int_equal(extract_add(&x, BLOCK_PARA, 0, 0, "abc", 3), ERR_TOO_BIG);
	assert_int_equal(extract_add(&x, BLOCK_PARA, 0, 0, "ab", 2), 0);
	assert_int_equal(x.n, 2);
	extract_release(&x);
	assert_int_equal(x.n, 0);
	assert_null(x.blocks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detect_by_content),
	    cmocka_unit_test(test_docx),
	    cmocka_unit_test(test_odt),
	    cmocka_unit_test(test_markdown),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_pdf),
	    cmocka_unit_test(test_plain_text),
	    cmocka_unit_test(test_bad_inputs),
	    cmocka_unit_test(test_zip_bomb_lying_header),
	    cmocka_unit_test(test_error_empties_output),
	    cmocka_unit_test(test_extract_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
