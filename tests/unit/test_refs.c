/*
 * Legal-reference extraction: the case table in refs-cases.tsv, offsets, key
 * parsing, hostile input sizes and concurrent use.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "hub/refs.h"
#include "base/banned.h"

/* The table needs at least this many cases to be worth its name. */
#define MIN_CASES 60

/* "key[@article]|..." for what refs_extract finds in text. */
static void describe(const char *text, size_t n, struct buf *out)
{
	struct legal_refs r = {NULL, 0, 0};

	buf_reset(out);
	refs_extract(text, n, &r);
	for (size_t i = 0; i < r.n; i++) {
		buf_appendf(out, "%s%s", i ? "|" : "", r.v[i].key);
		if (r.v[i].article)
			buf_appendf(out, "@%d", r.v[i].article);
	}
	refs_release(&r);
}

/* Undoes the table's escapes: \n, \t and \\. */
static void unescape(const char *s, struct buf *out)
{
	buf_reset(out);
	for (; *s; s++) {
		if (s[0] == '\\' && s[1]) {
			s++;
			buf_appendc(out, *s == 'n' ? '\n' : *s == 't' ? '\t' : *s);
		} else {
			buf_appendc(out, *s);
		}
	}
}

static void test_case_table(void **state)
{
	(void)state;
	const char *srcdir = getenv("SRCDIR");
	char *path = xasprintf("%s/tests/unit/refs-cases.tsv", srcdir && *srcdir ? srcdir : ".");
	FILE *f = fopen(path, "r");
	struct buf line = BUF_INIT, input = BUF_INIT, got = BUF_INIT;
	char chunk[4096];
	int lineno = 0, cases = 0, failures = 0;

	if (!f)
		fail_msg("cannot open %s (set SRCDIR to the source tree)", path);
	while (fgets(chunk, sizeof(chunk), f)) {
		buf_appends(&line, chunk);
		if (line.len && line.data[line.len - 1] != '\n' && !feof(f))
			continue; /* a line longer than the chunk: read on */
		lineno++;
		if (line.len && line.data[line.len - 1] == '\n')
			buf_truncate(&line, line.len - 1);
		if (line.len && line.data[line.len - 1] == '\r')
			buf_truncate(&line, line.len - 1);
		const char *text = buf_str(&line);
		if (!*text || *text == '#') {
			buf_reset(&line);
			continue;
		}
		char *tab = strchr(line.data, '\t');
		const char *want = "";
		if (tab) {
			*tab = '\0';
			want = tab + 1;
		}
		unescape(text, &input);
		describe(buf_str(&input), input.len, &got);
		cases++;
		if (strcmp(buf_str(&got), want)) {
			failures++;
			print_error("%s:%d: %s\n  want \"%s\"\n  got  \"%s\"\n", path, lineno, text, want,
				    buf_str(&got));
		}
		buf_reset(&line);
	}
	fclose(f);
	print_message("refs: %d cases from %s\n", cases, path);
	assert_true(cases >= MIN_CASES);
	assert_int_equal(failures, 0);
	buf_release(&line);
	buf_release(&input);
	buf_release(&got);
	free(path);
}

/* Offsets are bytes of the original text, whatever folding did to it. */
static void expect_span(const char *text, size_t idx, const char *key, const char *span)
{
	struct legal_refs r = {NULL, 0, 0};
	const char *at = strstr(text, span);

	assert_non_null(at);
	refs_extract(text, strlen(text), &r);
	assert_true(r.n > idx);
	assert_string_equal(r.v[idx].key, key);
	assert_int_equal(r.v[idx].start, (size_t)(at - text));
	assert_int_equal(r.v[idx].end, (size_t)(at - text) + strlen(span));
	refs_release(&r);
}

static void test_offsets(void **state)
{
	(void)state;
	expect_span("وفقا للقانون رقم 31.13 المتعلق بالحق", 0, "law:31.13", "للقانون رقم 31.13");
	expect_span("voir l'article 12 de la loi n° 31-13.", 0, "law:31.13", "l'article 12 de la loi n° 31-13");
	/* Arabic-Indic digits are two bytes each in the text, one in the key. */
	expect_span("بموجب المرسوم رقم ٢.٢٢.٤٣١ الصادر", 0, "decree:2.22.431", "المرسوم رقم ٢.٢٢.٤٣١");
	/* Tatweel and harakat inside the citation stay inside the span. */
	expect_span("أحكام القـانـون رَقْم 31.13 أعلاه", 0, "law:31.13", "القـانـون رَقْم 31.13");
	/* Presentation forms (three bytes, one letter each) and a lam-alef ligature. */
	expect_span("ﻻ ﺍﻟﻤﺎﺩﺓ 40 ﻻ", 0, "article:40", "ﺍﻟﻤﺎﺩﺓ 40");
	/* Several refs of one list share the span of the citation. */
	expect_span("Les articles 12 et 13 s'appliquent.", 1, "article:13", "articles 12 et 13");
	expect_span("Décret n° 2-22-431 ; Loi n° 31-13", 1, "law:31.13", "Loi n° 31-13");

	/* Text order, no duplicate of one (key, article) at one offset. */
	const char *t = "المادة 5 من القانون رقم 31.13 والمادة 5 من القانون رقم 31.13 والمواد 7 و7 و8";
	struct legal_refs r = {NULL, 0, 0};
	refs_extract(t, strlen(t), &r);
	assert_int_equal(r.n, 4);
	for (size_t i = 1; i < r.n; i++) {
		assert_true(r.v[i].start >= r.v[i - 1].start);
		if (r.v[i].start == r.v[i - 1].start)
			assert_false(!strcmp(r.v[i].key, r.v[i - 1].key) && r.v[i].article == r.v[i - 1].article);
	}
	assert_string_equal(r.v[0].kind, "law");
	assert_string_equal(r.v[0].number, "31.13");
	assert_int_equal(r.v[0].article, 5);
	assert_string_equal(r.v[3].key, "article:8");
	assert_string_equal(r.v[3].kind, "article");
	assert_string_equal(r.v[3].number, "8");
	assert_int_equal(r.v[3].article, 0);
	refs_release(&r);
}

/* refs_extract appends: the caller's earlier refs stay. */
static void test_appends(void **state)
{
	(void)state;
	struct legal_refs r = {NULL, 0, 0};
	const char *t = "loi n° 31-13";

	refs_extract(t, strlen(t), &r);
	refs_extract(t, strlen(t), &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[1].key, "law:31.13");
	refs_release(&r);
	assert_null(r.v);
	assert_int_equal(r.n, 0);
	refs_extract("", 0, &r);
	assert_int_equal(r.n, 0);
	refs_release(&r);
}

/* Broken UTF-8 and NUL bytes neither crash nor give offsets outside the text. */
static void test_bad_bytes(void **state)
{
	(void)state;
	static const char t[] = "\xff\xfe loi n\xc2\xb0 31-13 \x00 \xe2\x82 القانون رقم 1\x80 31.13 \xd9";
	struct legal_refs r = {NULL, 0, 0};

	refs_extract(t, sizeof(t) - 1, &r);
	assert_true(r.n >= 1);
	assert_string_equal(r.v[0].key, "law:31.13");
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.v[i].start < r.v[i].end && r.v[i].end <= sizeof(t) - 1);
	refs_release(&r);
}

static void expect_key(const char *input, int ok, const char *key, int number_only)
{
	char got[64];
	int only = -1;
	int rc = refs_parse_key(input, got, &only);

	if (rc != ok)
		fail_msg("refs_parse_key(\"%s\") returned %d, expected %d", input, rc, ok);
	if (!ok)
		return;
	if (strcmp(got, key))
		fail_msg("refs_parse_key(\"%s\") gave \"%s\", expected \"%s\"", input, got, key);
	assert_int_equal(only, number_only);
}

static void test_parse_key(void **state)
{
	(void)state;
	/* Keys. */
	expect_key("law:113.14", 1, "law:113.14", 0);
	expect_key("organic-law:113.14", 1, "organic-law:113.14", 0);
	expect_key("decree:2.22.431", 1, "decree:2.22.431", 0);
	expect_key("dahir:1.15.85", 1, "dahir:1.15.85", 0);
	expect_key("circular:12.2020", 1, "circular:12.2020", 0);
	expect_key("article:12", 1, "article:12", 0);
	expect_key("  Law:113-14 ", 1, "law:113.14", 0);
	expect_key("treaty:12.13", 0, "", 0);
	/* Bare numbers: any kind. */
	expect_key("113-14", 1, "113.14", 1);
	expect_key("113.14", 1, "113.14", 1);
	expect_key("113/14", 1, "113.14", 1);
	expect_key("113 . 14", 1, "113.14", 1);
	expect_key("١١٣.١٤", 1, "113.14", 1);
	expect_key("۱۱۳-۱۴", 1, "113.14", 1);
	expect_key("2-22-431", 1, "2.22.431", 1);
	expect_key("n° 31-13", 1, "31.13", 1);
	expect_key("رقم 31.13", 1, "31.13", 1);
	expect_key("12/2020", 1, "12.2020", 1);
	/* Phrases. */
	expect_key("loi organique n° 113-14", 1, "organic-law:113.14", 0);
	expect_key("la loi n° 31-13", 1, "law:31.13", 0);
	expect_key("القانون التنظيمي 113.14", 1, "organic-law:113.14", 0);
	expect_key("القانون رقم 31.13", 1, "law:31.13", 0);
	expect_key("المادة 12", 1, "article:12", 0);
	expect_key("المادة الأولى", 1, "article:1", 0);
	expect_key("article premier", 1, "article:1", 0);
	expect_key("décret n° 2-22-431", 1, "decree:2.22.431", 0);
	expect_key("الظهير الشريف رقم 1.15.85", 1, "dahir:1.15.85", 0);
	expect_key("المادة 12 من القانون رقم 31.13", 1, "law:31.13", 0);
	/* Not references. */
	expect_key("", 0, "", 0);
	expect_key("2024", 0, "", 0);
	expect_key("12", 0, "", 0);
	expect_key("2024-05-12", 0, "", 0);
	expect_key("12/05/2024", 0, "", 0);
	expect_key("0661234567", 0, "", 0);
	expect_key("protection des données", 0, "", 0);
	expect_key("القانون الجنائي", 0, "", 0);
	expect_key("la loi n° 31-13 et tout ce qui concerne 2024", 0, "", 0);

	/* number_only may be NULL. */
	char key[64];
	assert_int_equal(refs_parse_key("113-14", key, NULL), 1);
	assert_string_equal(key, "113.14");
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fills about 1 MB with copies of unit and extracts; returns how many refs. */
static size_t run_big(const char *unit, double *took)
{
	const size_t target = 1u << 20;
	size_t ul = strlen(unit);
	struct buf b = BUF_INIT;
	struct legal_refs r = {NULL, 0, 0};

	while (b.len + ul <= target)
		buf_append(&b, unit, ul);
	double t0 = seconds();
	refs_extract(buf_str(&b), b.len, &r);
	*took = seconds() - t0;
	size_t n = r.n;
	refs_release(&r);
	buf_release(&b);
	return n;
}

/*
 * Inputs that would make a backtracking pattern go quadratic or worse. The
 * bound is loose (sanitizers slow things tenfold); a regression is minutes.
 */
static void test_pathological(void **state)
{
	(void)state;
	static const struct {
		const char *unit;
		size_t min_refs;
	} cases[] = {
		{"المادة ", 0},
		{"القانون رقم ", 0},
		{"القانون المشار إليه أعلاه ", 0},
		{"القانون التنظيمي ", 0},
		{"الظهير الشريف بمثابة ", 0},
		{"1.", 0},
		{"1", 0},
		{" ", 0},
		{"ـ", 0},
		{" و 1", 0},
		{"المواد 1 و 2 و 3 و", 1},
		{"loi n° ", 0},
		{"loi organique relative à la ", 0},
		{"articles 1 et ", 1},
		{"31.13 ", 0},
		{"2.22.431 ", 0},
		{"القانون 2020 ", 0},
		{"ﺍﻟﻘﺎﻧﻮﻥ ", 0},
		{"المادة 12 من القانون رقم 31.13 والمرسوم رقم 2.22.431؛ l'article 5 de la loi n° 31-13. ", 1000},
	};
	double total = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		double took = 0;
		size_t n = run_big(cases[i].unit, &took);
		total += took;
		if (took > 10.0)
			fail_msg("1 MB of \"%s\" took %.1f s", cases[i].unit, took);
		assert_true(n >= cases[i].min_refs);
	}
	print_message("refs: %zu pathological inputs of 1 MB in %.2f s\n", ARRAY_SIZE(cases), total);
}

/* One list of more than 200 article numbers is cut, not lost or slowed. */
static void test_long_list(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct legal_refs r = {NULL, 0, 0};

	buf_appends(&b, "المواد 1");
	for (int i = 2; i <= 500; i++)
		buf_appendf(&b, " و %d", i);
	refs_extract(buf_str(&b), b.len, &r);
	assert_true(r.n >= 150 && r.n <= 500);
	assert_string_equal(r.v[0].key, "article:1");
	refs_release(&r);
	buf_release(&b);
}

struct worker {
	const char *text;
	const char *expect;
	int ok;
};

static void *worker_run(void *p)
{
	struct worker *w = p;
	struct buf got = BUF_INIT;

	w->ok = 1;
	for (int i = 0; i < 200 && w->ok; i++) {
		describe(w->text, strlen(w->text), &got);
		if (strcmp(buf_str(&got), w->expect))
			w->ok = 0;
	}
	buf_release(&got);
	return NULL;
}

/* The first calls come from several threads at once: the patterns compile once. */
static void test_threads(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"المادة 12 من القانون رقم 31.13 والمرسوم رقم 2.22.431",
		"l'article 5 de la loi organique n° 113-14 ; circulaire n° 12/2020",
		"الظهير الشريف رقم 1.15.85 بتنفيذ القانون التنظيمي رقم ١١٣.١٤",
		"articles 12, 13 et 14 du dahir n° 1-58-376",
	};
	static const char *const expect[] = {
		"law:31.13@12|decree:2.22.431",
		"organic-law:113.14@5|circular:12.2020",
		"dahir:1.15.85|organic-law:113.14",
		"dahir:1.58.376@12|dahir:1.58.376@13|dahir:1.58.376@14",
	};
	enum { THREADS = 8 };
	pthread_t th[THREADS];
	struct worker w[THREADS];

	for (int i = 0; i < THREADS; i++) {
		w[i].text = texts[i % 4];
		w[i].expect = expect[i % 4];
		w[i].ok = 0;
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_true(w[i].ok);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_case_table),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_parse_key),
		cmocka_unit_test(test_long_list),
		cmocka_unit_test(test_pathological),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
