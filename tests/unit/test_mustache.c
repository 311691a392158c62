/*
 * Mustache: the official spec (every case of every file in $SHARED/conformance/mustache), then
 * what the spec does not cover: error messages, escaping for each output, repair of bad data,
 * template injection, the depth and size limits, Arabic text, the compiled-template API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mustache.h"
#include "base/banned.h"

/* The spec has some 160 cases: fewer than this means files went missing. */
#define MIN_SPEC_CASES 100

static int spec_cases;

/* The folder holding the spec's JSON files, or NULL (the caller frees it). */
static char *spec_dir(void)
{
	const char *shared = getenv("SHARED"), *srcdir = getenv("SRCDIR");
	char *tries[3] = {NULL, NULL, NULL};
	char *found = NULL;

	if (shared && *shared)
		tries[0] = xasprintf("%s/conformance/mustache", shared);
	tries[1] = xstrdup("../shared/conformance/mustache");
	if (srcdir && *srcdir)
		tries[2] = xasprintf("%s/../shared/conformance/mustache", srcdir);
	for (size_t i = 0; i < ARRAY_SIZE(tries); i++) {
		if (!tries[i] || found)
			continue;
		char *probe = xasprintf("%s/interpolation.json", tries[i]);
		FILE *f = fopen(probe, "r");
		if (f) {
			fclose(f);
			found = tries[i];
			tries[i] = NULL;
		}
		free(probe);
	}
	for (size_t i = 0; i < ARRAY_SIZE(tries); i++)
		free(tries[i]);
	return found;
}

/* Partials from a JSON object of name -> source. */
static int json_partials(void *ctx, const char *name, const char **src, size_t *len)
{
	json_t *v = json_object_get(ctx, name);
	if (!json_is_string(v))
		return -1;
	*src = json_string_value(v);
	*len = json_string_length(v);
	return 0;
}

static void run_spec(const char *file)
{
	char *dir = spec_dir(), *path = NULL;
	json_error_t je;
	json_t *root = NULL, *tests = NULL;
	int failures = 0;

	if (!dir)
		fail_msg("the Mustache spec was not found: set SHARED to the shared folder (tried "
		         "$SHARED/conformance/mustache, ../shared/conformance/mustache and "
		         "$SRCDIR/../shared/conformance/mustache)");
	path = xasprintf("%s/%s", dir, file);
	root = json_load_file(path, JSON_DECODE_ANY, &je);
	if (!root)
		fail_msg("cannot read %s: line %d: %s", path, je.line, je.text);
	tests = json_object_get(root, "tests");
	if (!json_is_array(tests) || !json_array_size(tests))
		fail_msg("%s has no tests", path);

	for (size_t i = 0; i < json_array_size(tests); i++) {
		json_t *t = json_array_get(tests, i);
		const char *name = json_string_value(json_object_get(t, "name"));
		json_t *tmpl = json_object_get(t, "template"), *expected = json_object_get(t, "expected");
		struct mustache_opts o = {MUSTACHE_ESCAPE_HTML, json_partials, json_object_get(t, "partials"), 0, 0};
		struct buf out = BUF_INIT;
		struct err e = ERR_INIT;

		assert_non_null(tmpl);
		assert_non_null(expected);
		int rc = mustache_render(json_string_value(tmpl), json_string_length(tmpl), json_object_get(t, "data"),
		                         &o, &out, &e);
		if (rc || out.len != json_string_length(expected) ||
		    memcmp(buf_str(&out), json_string_value(expected), out.len)) {
			/* Quoted as JSON strings, so that blanks and line ends show. */
			json_t *got = json_stringn_nocheck(buf_str(&out), out.len);
			char *qt = json_dumps(tmpl, JSON_ENCODE_ANY), *qe = json_dumps(expected, JSON_ENCODE_ANY);
			char *qg = json_dumps(got, JSON_ENCODE_ANY);
			failures++;
			print_error("FAIL %s: %s\n  template: %s\n  expected: %s\n  got:      %s%s%s\n", file, name, qt,
			            qe, qg ? qg : "(not UTF-8)", rc ? "\n  error:    " : "", rc ? e.msg : "");
			free(qt);
			free(qe);
			free(qg);
			json_decref(got);
		}
		buf_release(&out);
	}
	print_message("%s: %zu cases, %zu passed\n", file, json_array_size(tests),
	              json_array_size(tests) - (size_t)failures);
	spec_cases += (int)json_array_size(tests);
	json_decref(root);
	free(path);
	free(dir);
	assert_int_equal(failures, 0);
}

static void test_spec_comments(void **state)
{
	(void)state;
	run_spec("comments.json");
}

static void test_spec_delimiters(void **state)
{
	(void)state;
	run_spec("delimiters.json");
}

static void test_spec_interpolation(void **state)
{
	(void)state;
	run_spec("interpolation.json");
}

static void test_spec_inverted(void **state)
{
	(void)state;
	run_spec("inverted.json");
}

static void test_spec_partials(void **state)
{
	(void)state;
	run_spec("partials.json");
}

static void test_spec_sections(void **state)
{
	(void)state;
	run_spec("sections.json");
}

static void test_spec_inheritance(void **state)
{
	(void)state;
	run_spec("~inheritance.json");
}

static void test_spec_count(void **state)
{
	(void)state;
	if (spec_cases <= MIN_SPEC_CASES)
		fail_msg("only %d spec cases ran (expected more than %d): is the spec folder complete?", spec_cases,
		         MIN_SPEC_CASES);
}

/* ---- helpers for the cases below ---- */

/* Renders tmpl with data given as JSON text and partials as a JSON object text (or NULL). */
static int render(const char *tmpl, const char *data, const char *partials, enum mustache_escape esc, struct buf *out,
                  struct err *e)
{
	json_t *d = data ? json_loads(data, JSON_DECODE_ANY, NULL) : NULL;
	json_t *p = partials ? json_loads(partials, 0, NULL) : NULL;
	struct mustache_opts o = {esc, json_partials, p, 0, 0};

	if (data)
		assert_non_null(d);
	if (partials)
		assert_non_null(p);
	buf_reset(out);
	int rc = mustache_render(tmpl, strlen(tmpl), d, &o, out, e);
	json_decref(d);
	json_decref(p);
	return rc;
}

static void expect(const char *tmpl, const char *data, const char *partials, enum mustache_escape esc, const char *want)
{
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	int rc = render(tmpl, data, partials, esc, &out, &e);
	if (rc)
		fail_msg("%s: error %d: %s", tmpl, rc, e.msg);
	if (strcmp(buf_str(&out), want))
		fail_msg("%s\n  expected: [%s]\n  got:      [%s]", tmpl, want, buf_str(&out));
	buf_release(&out);
}

static void expect_error(const char *tmpl, const char *partials, int code, const char *msg)
{
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;

	buf_appends(&out, "kept");
	json_t *p = partials ? json_loads(partials, 0, NULL) : NULL;
	struct mustache_opts o = {MUSTACHE_ESCAPE_HTML, json_partials, p, 0, 0};
	json_t *d = json_pack("{s:b, s:[i,i]}", "x", 1, "list", 1, 2);
	int rc = mustache_render(tmpl, strlen(tmpl), d, &o, &out, &e);
	if (rc != code || !strstr(e.msg, msg))
		fail_msg("%s\n  expected error %d containing [%s]\n  got %d: [%s]", tmpl, code, msg, rc, e.msg);
	/* A failed render leaves the output as it was. */
	assert_string_equal(buf_str(&out), "kept");
	if (!partials && code == ERR_FORMAT) {
		struct err e2 = ERR_INIT;
		assert_int_equal(mustache_check(tmpl, strlen(tmpl), &e2), ERR_FORMAT);
		assert_string_equal(e2.msg, e.msg);
	}
	json_decref(d);
	json_decref(p);
	buf_release(&out);
}

/* ---- the cases ---- */

static void test_errors(void **state)
{
	(void)state;
	expect_error("Hello {{name", NULL, ERR_FORMAT, "line 1, column 7: unclosed tag: '{{' without a matching '}}'");
	expect_error("a\nb {{{name}}", NULL, ERR_FORMAT,
	             "line 2, column 3: unclosed tag: '{{{' without a matching '}}}'");
	expect_error("a\n  {{#items}}\nx\n", NULL, ERR_FORMAT, "line 2, column 3: section 'items' is never closed");
	expect_error("{{^a}}", NULL, ERR_FORMAT, "line 1, column 1: inverted section 'a' is never closed");
	expect_error("{{#a}}\n{{/b}}", NULL, ERR_FORMAT,
	             "line 2, column 1: closing tag 'b' does not match the section 'a' opened at line 1, column 1");
	expect_error("x {{/a}}", NULL, ERR_FORMAT, "line 1, column 3: closing tag 'a' without an opening tag");
	expect_error("{{<p}}{{$a}}x{{/p}}", NULL, ERR_FORMAT,
	             "line 1, column 14: closing tag 'p' does not match the block 'a' opened at line 1, column 7");
	expect_error("{{<p}}", NULL, ERR_FORMAT, "line 1, column 1: parent 'p' is never closed");
	expect_error("\n\n  {{=<% =}}", NULL, ERR_FORMAT, "line 3, column 3: bad delimiter change '<% '");
	expect_error("{{= a= b =}}", NULL, ERR_FORMAT, "bad delimiter change");
	expect_error("{{=<% %> x=}}", NULL, ERR_FORMAT, "bad delimiter change");
	expect_error("{{=<% %>=}}<%x}}", NULL, ERR_FORMAT,
	             "line 1, column 12: unclosed tag: '<%' without a matching '%>'");
	expect_error("{{}}", NULL, ERR_FORMAT, "line 1, column 1: empty tag");
	expect_error("{{a b}}", NULL, ERR_FORMAT, "line 1, column 1: bad name 'a b' in a tag");
	expect_error("{{a..b}}", NULL, ERR_FORMAT, "bad name 'a..b'");
	expect_error("{{#}}{{/}}", NULL, ERR_FORMAT, "bad name '' after '#'");
	expect_error("{{>}}", NULL, ERR_FORMAT, "bad partial name ''");
	/* Columns count characters, not bytes. */
	expect_error("عقد رقم {{#x}}", NULL, ERR_FORMAT, "line 1, column 9: section 'x' is never closed");
	/* An error in a partial names it. */
	expect_error("a {{>bad}}", "{\"bad\": \"\\n{{#x}}\"}", ERR_FORMAT,
	             "partial 'bad': line 2, column 1: section 'x' is never closed");

	/* Sections nested too deep to be a real template. */
	struct buf deep = BUF_INIT;
	for (int i = 0; i <= MUSTACHE_MAX_DEPTH; i++)
		buf_appends(&deep, "{{#x}}");
	for (int i = 0; i <= MUSTACHE_MAX_DEPTH; i++)
		buf_appends(&deep, "{{/x}}");
	struct err e = ERR_INIT;
	assert_int_equal(mustache_check(deep.data, deep.len, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "nested deeper than 64 levels"));
	buf_release(&deep);

	const char *ok = "{{#a}}{{b}}{{/a}}{{! ok }}{{>unknown}}";
	assert_int_equal(mustache_check(ok, strlen(ok), &e), 0);
}

static void test_injection(void **state)
{
	(void)state;
	const char *data = "{\"x\": \"{{y}}\", \"y\": \"BAD\", \"p\": \"{{>evil}}\", \"s\": \"<script>\"}";
	expect("{{x}}|{{{x}}}|{{&x}}|{{p}}", data, "{\"evil\": \"BAD\"}", MUSTACHE_ESCAPE_HTML,
	       "{{y}}|{{y}}|{{y}}|{{&gt;evil}}");
	expect("{{#x}}{{.}}{{/x}}", data, NULL, MUSTACHE_ESCAPE_HTML, "{{y}}");
	expect("{{s}}", data, NULL, MUSTACHE_ESCAPE_HTML, "&lt;script&gt;");
	/* A value holding a set-delimiter tag is only text as well. */
	expect("{{z}}{{y}}", "{\"z\": \"{{=| |=}}\", \"y\": \"ok\"}", NULL, MUSTACHE_ESCAPE_NONE, "{{=| |=}}ok");
}

static void test_depth(void **state)
{
	(void)state;
	expect_error("{{>loop}}", "{\"loop\": \"x{{>loop}}\"}", ERR_TOO_BIG,
	             "partial 'loop' is nested deeper than 64 levels");
	/* The name is found again and again up the context stack. */
	expect_error("{{>node}}", "{\"node\": \"{{#x}}<{{>node}}>{{/x}}\"}", ERR_TOO_BIG,
	             "nested deeper than 64 levels");
	expect_error("{{<p}}{{/p}}", "{\"p\": \"{{<p}}{{$b}}x{{/b}}{{/p}}\"}", ERR_TOO_BIG,
	             "parent 'p' is nested deeper");

	/* A lower limit. */
	json_t *p = json_pack("{s:s}", "loop", "{{>loop}}");
	struct mustache_opts o = {MUSTACHE_ESCAPE_HTML, json_partials, p, 0, 3};
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(mustache_render("{{>loop}}", 9, NULL, &o, &out, &e), ERR_TOO_BIG);
	assert_non_null(strstr(e.msg, "deeper than 3 levels"));
	json_decref(p);
	buf_release(&out);

	/* A block that renders its own name inside its argument does not loop. */
	expect("{{<p}}{{$a}}[{{$a}}inner{{/a}}]{{/a}}{{/p}}", "{}", "{\"p\": \"<{{$a}}d{{/a}}>\"}",
	       MUSTACHE_ESCAPE_HTML, "<[inner]>");
}

static void test_max_output(void **state)
{
	(void)state;
	json_t *d = json_pack("{s:[]}", "list");
	for (int i = 0; i < 100; i++)
		json_array_append_new(json_object_get(d, "list"), json_integer(i));
	const char *tmpl = "{{#list}}0123456789{{/list}}";
	struct mustache_opts o = {MUSTACHE_ESCAPE_HTML, NULL, NULL, 999, 0};
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;

	buf_appends(&out, "before");
	assert_int_equal(mustache_render(tmpl, strlen(tmpl), d, &o, &out, &e), ERR_TOO_BIG);
	assert_non_null(strstr(e.msg, "larger than 999 bytes"));
	assert_string_equal(buf_str(&out), "before");
	/* The limit counts what this render adds, not what out held before. */
	o.max_output = 1000;
	assert_int_equal(mustache_render(tmpl, strlen(tmpl), d, &o, &out, &e), 0);
	assert_int_equal(out.len, 1006);

	/* The buffer's own cap stops it too. */
	struct buf small;
	buf_init(&small, 50);
	o.max_output = 0;
	assert_int_equal(mustache_render(tmpl, strlen(tmpl), d, &o, &small, &e), ERR_TOO_BIG);
	assert_int_equal(small.len, 0);
	buf_release(&small);
	buf_release(&out);
	json_decref(d);
}

static void test_escaping(void **state)
{
	(void)state;
	const char *data = "{\"x\": \"a & b < c > d \\\" e ' f\"}";
	const char *tmpl = "{{x}}|{{{x}}}|{{&x}}";
	expect(tmpl, data, NULL, MUSTACHE_ESCAPE_HTML,
	       "a &amp; b &lt; c &gt; d &quot; e &#39; f|a & b < c > d \" e ' f|a & b < c > d \" e ' f");
	expect(tmpl, data, NULL, MUSTACHE_ESCAPE_XML,
	       "a &amp; b &lt; c &gt; d &quot; e &apos; f|a & b < c > d \" e ' f|a & b < c > d \" e ' f");
	expect(tmpl, data, NULL, MUSTACHE_ESCAPE_NONE,
	       "a & b < c > d \" e ' f|a & b < c > d \" e ' f|a & b < c > d \" e ' f");
	/* Markdown: user text stays text; template text (and {{{x}}}) stays markup. */
	expect("# {{x}}\n{{{x}}}", "{\"x\": \"*a* [l](u) #1 1. -b <i> 113.14 & _c_ \\\\ !\"}", NULL,
	       MUSTACHE_ESCAPE_MARKDOWN,
	       "# \\*a\\* \\[l\\](u\\) \\#1 1\\. \\-b \\<i\\> 113\\.14 \\& \\_c\\_ \\\\ \\!\n"
	       "*a* [l](u) #1 1. -b <i> 113.14 & _c_ \\ !");
	expect("{{x}}", "{\"x\": \"عربية — été\"}", NULL, MUSTACHE_ESCAPE_MARKDOWN, "عربية — été");
	/* Template text is never escaped. */
	expect("<p title=\"'\">&amp;</p>", "{}", NULL, MUSTACHE_ESCAPE_XML, "<p title=\"'\">&amp;</p>");
	/* Options may be left out: HTML. */
	struct buf out = BUF_INIT;
	json_t *d = json_pack("{s:s}", "x", "<'>");
	assert_int_equal(mustache_render("{{x}}", 5, d, NULL, &out, NULL), 0);
	assert_string_equal(buf_str(&out), "&lt;&#39;&gt;");
	json_decref(d);
	buf_release(&out);
}

/* Strings that are not valid UTF-8 come out repaired, whatever the escaping. */
static void test_bad_data(void **state)
{
	(void)state;
	static const char bad[] = "a\xff"
	                          "b\xc3"
	                          "c\xed\xa0\x80"
	                          "d\x01\t\n\0e";
	json_t *d = json_object();
	json_object_set_new(d, "x", json_stringn_nocheck(bad, sizeof(bad) - 1));
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	struct mustache_opts o = {MUSTACHE_ESCAPE_HTML, NULL, NULL, 0, 0};

	assert_int_equal(mustache_render("{{x}}", 5, d, &o, &out, &e), 0);
	assert_string_equal(buf_str(&out), "a\xEF\xBF\xBD"
	                                   "b\xEF\xBF\xBD"
	                                   "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
	                                   "d\x01\t\n\xEF\xBF\xBD"
	                                   "e");
	/* XML 1.0 has no place for control characters. */
	o.escape = MUSTACHE_ESCAPE_XML;
	buf_reset(&out);
	assert_int_equal(mustache_render("{{{x}}}", 7, d, &o, &out, &e), 0);
	assert_string_equal(buf_str(&out), "a\xEF\xBF\xBD"
	                                   "b\xEF\xBF\xBD"
	                                   "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
	                                   "d\xEF\xBF\xBD\t\n\xEF\xBF\xBD"
	                                   "e");
	o.escape = MUSTACHE_ESCAPE_NONE;
	buf_reset(&out);
	assert_int_equal(mustache_render("{{x}}", 5, d, &o, &out, &e), 0);
	assert_int_equal(out.len, strlen(buf_str(&out))); /* no NUL inside */
	json_decref(d);
	buf_release(&out);
}

static void test_arabic(void **state)
{
	(void)state;
	const char *data = "{\"الاسم\": \"أحمد بن محمد\", \"رقم\": 113, \"بنود\": [{\"نص\": \"المادة الأولى\"}, "
	                   "{\"نص\": \"المادة الثانية\"}], \"x\": \"«عقد» & شروط\"}";
	expect("السيد {{الاسم}}، عقد رقم {{رقم}}:\n{{#بنود}}\n- {{نص}}\n{{/بنود}}", data, NULL, MUSTACHE_ESCAPE_HTML,
	       "السيد أحمد بن محمد، عقد رقم 113:\n- المادة الأولى\n- المادة الثانية\n");
	expect("{{x}}", data, NULL, MUSTACHE_ESCAPE_XML, "«عقد» &amp; شروط");
	expect("<p dir=\"rtl\">\n  {{>ترويسة}}\n</p>", data, "{\"ترويسة\": \"بسم الله\\n{{الاسم}}\\n\"}",
	       MUSTACHE_ESCAPE_HTML, "<p dir=\"rtl\">\n  بسم الله\n  أحمد بن محمد\n</p>");
	expect("{{=« »=}}«الاسم» {{الاسم}}", data, NULL, MUSTACHE_ESCAPE_NONE, "أحمد بن محمد {{الاسم}}");
}

static void test_values(void **state)
{
	(void)state;
	const char *data = "{\"i\": 85, \"neg\": -3, \"big\": 9007199254740993, \"r\": 1.5, \"tenth\": 0.1, "
	                   "\"third\": 0.3333333333333333, \"e\": 1e21, \"t\": true, \"f\": false, \"n\": null, "
	                   "\"o\": {\"k\": 1}, \"a\": [{\"name\": \"zero\"}, {\"name\": \"one\"}], \"empty\": \"\", "
	                   "\"zero\": 0}";
	expect("{{i}} {{neg}} {{big}} {{r}} {{tenth}} {{third}} {{e}}", data, NULL, MUSTACHE_ESCAPE_HTML,
	       "85 -3 9007199254740993 1.5 0.1 0.3333333333333333 1e+21");
	expect("[{{t}}][{{f}}][{{n}}][{{o}}][{{a}}][{{missing}}]", data, NULL, MUSTACHE_ESCAPE_HTML,
	       "[true][false][][][][]");
	expect("{{a.1.name}} {{a.0.name}} [{{a.2.name}}] [{{a.x}}] {{o.k}}", data, NULL, MUSTACHE_ESCAPE_HTML,
	       "one zero [] [] 1");
	/* An empty string is false, zero and an empty object are true. */
	expect("{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}{{#zero}}Z{{/zero}}{{#o}}O{{/o}}", data, NULL,
	       MUSTACHE_ESCAPE_HTML, "eZO");
	json_t *d = json_pack("{s:I, s:I}", "min", (json_int_t)INT64_MIN, "max", (json_int_t)INT64_MAX);
	struct buf num = BUF_INIT;
	assert_int_equal(mustache_render("{{min}} {{max}}", 15, d, NULL, &num, NULL), 0);
	assert_string_equal(buf_str(&num), "-9223372036854775808 9223372036854775807");
	json_decref(d);
	buf_release(&num);
	/* No data at all. */
	struct buf out = BUF_INIT;
	assert_int_equal(mustache_render("a{{x}}{{.}}{{#x}}no{{/x}}{{^x}}b{{/x}}", 38, NULL, NULL, &out, NULL), 0);
	assert_string_equal(buf_str(&out), "ab");
	buf_release(&out);
}

static void test_indentation(void **state)
{
	(void)state;
	const char *partials =
	    "{\"outer\": \"<ul>\\n  {{>inner}}\\n</ul>\\n\", \"inner\": \"<li>a</li>\\n<li>b</li>\\n\", "
	    "\"inline\": \"x\\ny\", \"layout\": \"<body>\\n  {{$main}}\\n  {{/main}}\\n</body>\\n\", "
	    "\"inline-block\": \"<body>\\n  {{$main}}{{/main}}\\n</body>\\n\"}";
	/* Nested standalone partials add up their indentation. */
	expect("<div>\n  {{>outer}}\n</div>\n", "{}", partials, MUSTACHE_ESCAPE_HTML,
	       "<div>\n  <ul>\n    <li>a</li>\n    <li>b</li>\n  </ul>\n</div>\n");
	/* A partial inside a line starts each following line at the margin. */
	expect("  a {{>inline}} b\n", "{}", partials, MUSTACHE_ESCAPE_HTML, "  a x\ny b\n");
	/* Newlines from data are not indented. */
	expect("  {{>p}}\n", "{\"v\": \"1\\n2\"}", "{\"p\": \"[{{v}}]\\n\"}", MUSTACHE_ESCAPE_HTML, "  [1\n2]\n");
	/* A page layout filled by blocks, the way the web pages use it. */
	expect("{{<layout}}\n{{$main}}\n<h1>{{title}}</h1>\n<p>text</p>\n{{/main}}\n{{/layout}}\n",
	       "{\"title\": \"T\"}", partials, MUSTACHE_ESCAPE_HTML, "<body>\n  <h1>T</h1>\n  <p>text</p>\n</body>\n");
	/*
	 * Both tags of a block on one line keep that line's end (the spec's "Standalone block"), so
	 * an argument ending in a line end leaves an empty line there.
	 */
	expect("{{<inline-block}}{{$main}}\n<p>text</p>\n{{/main}}{{/inline-block}}", "{}", partials,
	       MUSTACHE_ESCAPE_HTML, "<body>\n  <p>text</p>\n\n</body>\n");
	/* Windows line ends. */
	expect("a\r\n  {{#t}}\r\n  b\r\n  {{/t}}\r\nc", "{\"t\": true}", NULL, MUSTACHE_ESCAPE_HTML, "a\r\n  b\r\nc");
}

/* A page of about 10 KB, the size of a web page. */
static void test_compiled(void **state)
{
	(void)state;
	struct buf tmpl = BUF_INIT, out = BUF_INIT;
	struct err e = ERR_INIT;
	json_t *d = json_pack("{s:s, s:[]}", "title", "نتائج البحث", "rows");

	buf_appends(&tmpl, "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">\n<head><title>{{title}}</title></head>\n"
	                   "<body>\n<h1>{{title}}</h1>\n<table>\n{{#rows}}\n  <tr class=\"{{#odd}}odd{{/odd}}\">"
	                   "<td>{{n}}</td><td><a href=\"/doc/{{id}}\">{{name}}</a></td><td>{{score}}</td></tr>\n"
	                   "{{/rows}}\n{{^rows}}\n  <tr><td>لا شيء</td></tr>\n{{/rows}}\n</table>\n</body>\n</html>\n");
	for (int i = 0; i < 80; i++)
		json_array_append_new(json_object_get(d, "rows"),
		                      json_pack("{s:i, s:i, s:s, s:f, s:b}", "n", i + 1, "id", 1000 + i, "name",
		                                "عقد الصفقة العمومية رقم <12>", "score", i * 0.25, "odd", i % 2));
	struct mustache_tmpl *t = mustache_compile(tmpl.data, tmpl.len, &e);
	assert_non_null(t);
	assert_int_equal(mustache_tmpl_render(t, d, NULL, &out, &e), 0);
	assert_true(out.len > 8000);
	assert_non_null(strstr(out.data, "<td>2</td><td><a href=\"/doc/1001\">عقد الصفقة العمومية رقم &lt;12&gt;</a>"
	                                 "</td><td>0.25</td>"));

	int runs = 2000;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < runs; i++) {
		buf_reset(&out);
		assert_int_equal(mustache_tmpl_render(t, d, NULL, &out, &e), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / runs;
	print_message("a %zu-byte page renders in %.1f us\n", out.len, us);
	/* Loose, so that sanitizer builds pass: the aim is well under 100 us in a normal build. */
	assert_true(us < 5000);

	assert_null(mustache_compile("{{#a}}", 6, &e));
	assert_int_equal(e.code, ERR_FORMAT);
	mustache_tmpl_free(t);
	mustache_tmpl_free(NULL);
	json_decref(d);
	buf_release(&tmpl);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spec_comments),
	    cmocka_unit_test(test_spec_delimiters),
	    cmocka_unit_test(test_spec_interpolation),
	    cmocka_unit_test(test_spec_inverted),
	    cmocka_unit_test(test_spec_partials),
	    cmocka_unit_test(test_spec_sections),
	    cmocka_unit_test(test_spec_inheritance),
	    cmocka_unit_test(test_spec_count),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_injection),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_max_output),
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_bad_data),
	    cmocka_unit_test(test_arabic),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_indentation),
	    cmocka_unit_test(test_compiled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
