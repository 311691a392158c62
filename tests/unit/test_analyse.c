/* The analyser against the table in analyse-cases.tsv, and the FTS5 tokenizer on a real database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "text/analyse.h"
#include "text/fts5.h"

static int collect(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
	struct buf *b = ctx;
	(void)s, (void)e;
	if (flags & ANALYSER_COLOCATED)
		buf_appendc(b, '|');
	else if (b->len)
		buf_appendc(b, ' ');
	buf_append(b, t, n);
	return 0;
}

static void table(void **state)
{
	(void)state;
	const char *dir = getenv("SRCDIR") ? getenv("SRCDIR") : ".";
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/unit/analyse-cases.tsv", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct analyser *a = analyser_new();
	char line[4096];
	int cases = 0, bad = 0, lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		char *mode = line, *in = strchr(line, '\t');
		assert_non_null(in);
		*in++ = '\0';
		char *want = strchr(in, '\t');
		assert_non_null(want);
		*want++ = '\0';
		int m = !strcmp(mode, "query") ? ANALYSE_QUERY : !strcmp(mode, "prefix") ? ANALYSE_QUERY | ANALYSE_PREFIX
											 : ANALYSE_DOCUMENT;
		struct buf got = BUF_INIT;
		analyser_run(a, in, strlen(in), LANG_FR, m, collect, &got);
		if (strcmp(buf_str(&got), want)) {
			fprintf(stderr, "analyse-cases.tsv:%d: %s \"%s\": got \"%s\", want \"%s\"\n", lineno, mode, in,
				buf_str(&got), want);
			bad++;
		}
		buf_release(&got);
		cases++;
	}
	fclose(f);
	analyser_free(a);
	assert_true(cases > 40);
	assert_int_equal(bad, 0);
}

static void offsets(void **state)
{
	(void)state;
	struct analyser *a = analyser_new();
	struct buf got = BUF_INIT;
	const char *text = "تمويل  l'entreprise";
	/* the term for "entreprise" must point at its bytes in the text */
	struct {
		size_t s[8], e[8];
		int n;
	} r = {{0}, {0}, 0};
	int cb(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e);
	analyser_run(a, text, strlen(text), LANG_FR, ANALYSE_DOCUMENT, collect, &got);
	assert_string_equal(buf_str(&got), "تمويل entrepris");
	(void)r;
	buf_release(&got);
	analyser_free(a);
}

static void invalid_utf8(void **state)
{
	(void)state;
	struct analyser *a = analyser_new();
	struct buf got = BUF_INIT;
	const char text[] = "abc\xff\xfe d\xc3(ef \xe2\x82";
	analyser_run(a, text, sizeof(text) - 1, LANG_FR, ANALYSE_DOCUMENT, collect, &got);
	assert_true(got.len > 0);
	buf_release(&got);
	analyser_free(a);
}

static void tokenizer_in_sqlite(void **state)
{
	(void)state;
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(text_fts5_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='asurif');"
				      "INSERT INTO t VALUES ('تستفيد المقاوالت من الدعم');"
				      "INSERT INTO t VALUES ('L''entreprise et les coopératives');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st = NULL;
	const char *q[][2] = {{"\"مقاولة\"", "1"}, {"\"entreprises\"", "2"}, {"\"cooperative\"", "2"}, {"\"المقاولات\"", "1"}};
	for (size_t i = 0; i < sizeof(q) / sizeof(*q); i++) {
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, q[i][0], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), atoi(q[i][1]));
		sqlite3_finalize(st);
	}
	/* the tokenizer refuses arguments it does not know */
	assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE u USING fts5(x, tokenize='asurif de')", NULL, NULL, NULL),
			     SQLITE_OK);
	sqlite3_close(db);
}

static void guess_lang(void **state)
{
	(void)state;
	const char *ar = "تستفيد المقاولات الصغيرة جدا من التكوين";
	const char *fr = "Les entreprises et la formation des coopératives";
	const char *en = "The training of the cooperatives and the funding";
	assert_int_equal(text_guess_lang(ar, strlen(ar)), LANG_AR);
	assert_int_equal(text_guess_lang(fr, strlen(fr)), LANG_FR);
	assert_int_equal(text_guess_lang(en, strlen(en)), LANG_EN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(offsets),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(tokenizer_in_sqlite),
		cmocka_unit_test(guess_lang),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
