/*
 * Translations: the built-in catalogs (complete, placeholders kept, plural rules), fallbacks,
 * workspace overrides (good and broken), the plural expression evaluator, language
 * negotiation, {name} substitution and concurrent readers.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "base/banned.h"

#define NBSP "\xC2\xA0"

/* The keys the pages use: each must exist in English (and so, by the completeness test, in
 * Arabic and French). */
/* clang-format off */
static const char *const required_keys[] = {
	"app_name", "app_tagline", "nav_home", "nav_search", "nav_documents", "nav_upload", "nav_campaigns",
	"nav_petitions", "nav_settings", "nav_admin", "nav_audit", "nav_users", "nav_signin", "nav_signout",
	"nav_language", "skip_to_content", "signin_title", "signin_login", "signin_password", "signin_button",
	"signin_failed", "signin_throttled", "setup_title", "setup_secret", "setup_secret_help", "setup_button",
	"password_new", "password_confirm", "password_too_short", "password_mismatch", "dashboard_title",
	"dashboard_recent", "dashboard_by_kind", "dashboard_by_lang", "dashboard_empty", "count_documents",
	"count_passages", "count_results", "search_title", "search_label", "search_help", "search_button",
	"search_no_results", "search_filters", "filter_kind", "filter_lang", "filter_issuer", "filter_since",
	"filter_until", "filter_any", "filter_apply", "search_all_words", "page_previous", "page_next", "page_of",
	"result_page", "result_article", "doc_title", "doc_kind", "doc_language", "doc_issuer", "doc_date", "doc_url",
	"doc_format", "doc_pages", "doc_added", "doc_passages", "doc_cites", "doc_cited_by", "doc_none_cited",
	"doc_edit", "doc_save", "doc_delete", "doc_delete_confirm", "doc_deleted", "doc_saved", "doc_download",
	"kind_law", "kind_organic_law", "kind_decree", "kind_circular", "kind_budget", "kind_plan", "kind_report",
	"kind_study", "kind_minutes", "kind_petition", "kind_other", "lang_ar", "lang_fr", "lang_en", "upload_title",
	"upload_help", "upload_choose", "upload_button", "upload_added", "upload_duplicate", "upload_failed",
	"upload_progress", "upload_summary", "error_title", "error_not_found", "error_forbidden", "error_too_large",
	"error_bad_request", "error_csrf", "error_server", "error_summary", "field_required", "settings_title",
	"settings_language", "settings_tokens", "settings_token_new", "settings_token_name", "settings_token_created",
	"settings_token_revoke", "role_admin", "role_coordinator", "role_member", "role_viewer", "users_title",
	"users_add", "users_disable", "users_role", "audit_title", "audit_when", "audit_who", "audit_what",
	"audit_from", "footer_offline", "source_and_date",
};
/* clang-format on */

static const char *const plural_keys[] = {"count_documents", "count_passages", "count_results"};

static int is_plural_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(plural_keys); i++)
		if (!strcmp(key, plural_keys[i]))
			return 1;
	return 0;
}

static struct i18n *load_builtin(void)
{
	struct i18n *t = NULL;
	struct err e = ERR_INIT;
	int r = i18n_load(&t, NULL, &e);

	if (r)
		fail_msg("built-in catalogs: %s", e.msg);
	assert_non_null(t);
	return t;
}

/* ------------------------------------------------------------------ temporary workspaces */

static char *make_overrides(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/asurif-i18n-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!mkdtemp(dir))
		fail_msg("mkdtemp %s failed", dir);
	char *sub = fs_join(dir, "i18n");
	if (fs_mkdirs(sub, 0755, NULL))
		fail_msg("cannot create %s", sub);
	free(sub);
	return dir;
}

static char *write_po(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/i18n/%s", dir, name);
	FILE *f = fopen(path, "wb");

	if (!f)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	return path;
}

static void remove_overrides(char *dir)
{
	char *sub = fs_join(dir, "i18n");
	DIR *d = opendir(sub);
	struct dirent *de = NULL;

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *p = fs_join(sub, de->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(dir);
}

/* ------------------------------------------------------------------ placeholders */

#define MAX_NAMES 16

struct names {
	char v[MAX_NAMES][40];
	size_t n;
};

/* The {name} tokens of text, as i18n_format reads them. */
static void placeholders(const char *text, struct names *out)
{
	out->n = 0;
	for (const char *s = text; *s; s++) {
		if (*s != '{')
			continue;
		const char *end = s + 1;
		while ((*end >= 'a' && *end <= 'z') || (*end >= 'A' && *end <= 'Z') || (*end >= '0' && *end <= '9') ||
		       *end == '_')
			end++;
		if (end == s + 1 || *end != '}' || (size_t)(end - s - 1) >= sizeof(out->v[0]) || out->n >= MAX_NAMES)
			continue;
		memcpy(out->v[out->n], s + 1, (size_t)(end - s - 1));
		out->v[out->n][end - s - 1] = '\0';
		out->n++;
	}
}

static int names_has(const struct names *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i], name))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ the built-in catalogs */

static void test_builtin_languages(void **state)
{
	(void)state;
	struct i18n *t = load_builtin();
	const char *const *codes = NULL;
	size_t n = i18n_languages(t, &codes);

	assert_int_equal(n, 4);
	assert_string_equal(codes[0], "ar");
	assert_string_equal(codes[1], "fr");
	assert_string_equal(codes[2], "en");
	assert_string_equal(codes[3], "zgh");
	assert_string_equal(i18n_language_name("ar"), "العربية");
	assert_string_equal(i18n_language_name("fr"), "Français");
	assert_string_equal(i18n_language_name("en"), "English");
	assert_string_equal(i18n_language_name("zgh"), "ⵜⴰⵎⴰⵣⵉⵖⵜ");
	assert_null(i18n_language_name("xx"));
	assert_null(i18n_language_name("AR"));
	assert_null(i18n_language_name(NULL));
	assert_string_equal(i18n_direction("ar"), "rtl");
	assert_string_equal(i18n_direction("ar-MA"), "rtl");
	assert_string_equal(i18n_direction("fr"), "ltr");
	assert_string_equal(i18n_direction("en"), "ltr");
	assert_string_equal(i18n_direction("zgh"), "ltr");
	assert_string_equal(i18n_direction(NULL), "ltr");
	assert_string_equal(i18n_get(t, "ar", "nav_search"), "البحث");
	assert_string_equal(i18n_get(t, "fr", "nav_search"), "Recherche");
	assert_string_equal(i18n_get(t, "en", "nav_search"), "Search");
	assert_string_equal(i18n_get(t, "zgh", "app_name"), "ⴰⵙⵓⵔⵉⴼ");
	i18n_free(t);
}

static void test_required_keys(void **state)
{
	(void)state;
	struct i18n *t = load_builtin();
	int missing = 0;

	for (size_t i = 0; i < ARRAY_SIZE(required_keys); i++)
		if (!i18n_translated(t, "en", required_keys[i])) {
			print_error("en.po lacks the key %s\n", required_keys[i]);
			missing++;
		}
	assert_int_equal(missing, 0);
	assert_string_equal(i18n_get(t, "en", "signin_failed"), "The user name or password is not right.");
	i18n_free(t);
}

/* Every English key is translated in Arabic and French; no language has keys English lacks. */
static void test_catalogs_complete(void **state)
{
	(void)state;
	static const char *const full[] = {"ar", "fr"};
	static const char *const all[] = {"ar", "fr", "zgh"};
	struct i18n *t = load_builtin();
	json_t *en = i18n_table(t, "en");
	const char *key = NULL;
	json_t *v = NULL;
	int problems = 0;

	assert_true(json_object_size(en) >= ARRAY_SIZE(required_keys));
	json_object_foreach(en, key, v)
	{
		for (size_t l = 0; l < ARRAY_SIZE(full); l++)
			if (!i18n_translated(t, full[l], key)) {
				print_error("%s.po: \"%s\" is missing or not translated\n", full[l], key);
				problems++;
			}
	}
	for (size_t l = 0; l < ARRAY_SIZE(all); l++) {
		json_t *tab = i18n_table(t, all[l]);
		json_object_foreach(tab, key, v)
		{
			if (!json_object_get(en, key)) {
				print_error("%s.po: \"%s\" is not in en.po\n", all[l], key);
				problems++;
			}
			if (!json_is_string(v) || !*json_string_value(v)) {
				print_error("%s: \"%s\" has no text\n", all[l], key);
				problems++;
			}
		}
		/* Every language offers every key to templates, in English where untranslated. */
		assert_int_equal(json_object_size(tab), json_object_size(en));
		json_decref(tab);
	}
	json_decref(en);
	assert_int_equal(problems, 0);
	i18n_free(t);
}

/*
 * Every {placeholder} of the English text appears in each translation, and a translation has
 * none the English lacks. A plural form used for one number only (Arabic "وثيقتان", two)
 * may say the number in words and leave {count} out.
 */
static int check_placeholders(struct i18n *t, const char *lang, const char *key)
{
	struct names want, got, extra;
	int problems = 0;

	if (!is_plural_key(key)) {
		placeholders(i18n_get(t, "en", key), &want);
		placeholders(i18n_get(t, lang, key), &got);
		for (size_t i = 0; i < want.n; i++)
			if (!names_has(&got, want.v[i])) {
				print_error("%s: \"%s\" lacks {%s}\n", lang, key, want.v[i]);
				problems++;
			}
		for (size_t i = 0; i < got.n; i++)
			if (!names_has(&want, got.v[i])) {
				print_error("%s: \"%s\" has {%s}, which English does not\n", lang, key, got.v[i]);
				problems++;
			}
		return problems;
	}
	placeholders(i18n_plural(t, "en", key, 5), &want);
	placeholders(i18n_plural(t, "en", key, 1), &extra);
	for (size_t i = 0; i < extra.n; i++)
		if (!names_has(&want, extra.v[i]) && want.n < MAX_NAMES)
			memcpy(want.v[want.n++], extra.v[i], sizeof(extra.v[i]));
	for (long n = 0; n < 1000; n++) {
		const char *text = i18n_plural(t, lang, key, n);
		int uses = 0;
		for (long m = 0; m < 1000 && uses < 2; m++)
			uses += i18n_plural(t, lang, key, m) == text;
		placeholders(text, &got);
		for (size_t i = 0; uses > 1 && i < want.n; i++)
			if (!names_has(&got, want.v[i])) {
				print_error("%s: \"%s\" for n = %ld lacks {%s}\n", lang, key, n, want.v[i]);
				problems++;
			}
		for (size_t i = 0; i < got.n; i++)
			if (!names_has(&want, got.v[i])) {
				print_error("%s: \"%s\" for n = %ld has {%s}\n", lang, key, n, got.v[i]);
				problems++;
			}
		if (problems)
			break;
	}
	return problems;
}

static void test_placeholders_kept(void **state)
{
	(void)state;
	static const char *const langs[] = {"ar", "fr", "en", "zgh"};
	struct i18n *t = load_builtin();
	json_t *en = i18n_table(t, "en");
	const char *key = NULL;
	json_t *v = NULL;
	int problems = 0;

	json_object_foreach(en, key, v)
	{
		for (size_t l = 0; l < ARRAY_SIZE(langs); l++)
			problems += check_placeholders(t, langs[l], key);
	}
	json_decref(en);
	assert_int_equal(problems, 0);
	i18n_free(t);
}

static void test_plural_rules(void **state)
{
	(void)state;
	static const struct {
		const char *lang;
		long n;
		int form;
	} cases[] = {
	    {"ar", 0, 0},    {"ar", 1, 1},   {"ar", 2, 2},   {"ar", 3, 3},   {"ar", 10, 3},  {"ar", 11, 4},
	    {"ar", 99, 4},   {"ar", 100, 5}, {"ar", 101, 5}, {"ar", 102, 5}, {"ar", 103, 3}, {"ar", 111, 4},
	    {"ar", 1000, 5}, {"fr", 0, 0},   {"fr", 1, 0},   {"fr", 2, 1},   {"fr", 100, 1}, {"en", 0, 1},
	    {"en", 1, 0},    {"en", 2, 1},   {"en", -1, 0},  {"xx", 1, 0},   {"xx", 7, 1},
	};
	struct i18n *t = load_builtin();

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = i18n_plural_form(t, cases[i].lang, cases[i].n);
		if (got != cases[i].form)
			fail_msg("%s, n = %ld: form %d, expected %d", cases[i].lang, cases[i].n, got, cases[i].form);
	}
	assert_string_equal(i18n_plural(t, "ar", "count_documents", 0), "لا توجد وثائق");
	assert_string_equal(i18n_plural(t, "ar", "count_documents", 1), "وثيقة واحدة");
	assert_string_equal(i18n_plural(t, "ar", "count_documents", 2), "وثيقتان");
	assert_string_equal(i18n_plural(t, "ar", "count_documents", 3), "{count} وثائق");
	assert_string_equal(i18n_plural(t, "ar", "count_documents", 11), "{count} وثيقة");
	assert_string_equal(i18n_plural(t, "ar", "count_documents", 102), "{count} وثيقة");
	assert_string_equal(i18n_plural(t, "fr", "count_results", 0), "{count}" NBSP "résultat");
	assert_string_equal(i18n_plural(t, "fr", "count_results", 1), "{count}" NBSP "résultat");
	assert_string_equal(i18n_plural(t, "fr", "count_results", 2), "{count}" NBSP "résultats");
	assert_string_equal(i18n_plural(t, "en", "count_passages", 1), "{count} passage");
	assert_string_equal(i18n_plural(t, "en", "count_passages", 0), "{count} passages");
	assert_string_equal(i18n_plural(t, "en", "count_passages", -3), "{count} passages");
	/* i18n_get on a plural key gives the generic plural. */
	assert_string_equal(i18n_get(t, "en", "count_passages"), "{count} passages");
	assert_string_equal(i18n_get(t, "ar", "count_documents"), "{count} وثائق");
	/* i18n_plural on a plain key gives its text. */
	assert_string_equal(i18n_plural(t, "fr", "nav_home", 3), "Accueil");
	i18n_free(t);
}

static void test_fallbacks(void **state)
{
	(void)state;
	struct i18n *t = load_builtin();

	/* Untranslated in Tamazight: English. */
	assert_string_equal(i18n_get(t, "zgh", "nav_documents"), "Documents");
	assert_false(i18n_translated(t, "zgh", "nav_documents"));
	/* A fuzzy entry is a suggestion, not shown. */
	assert_string_equal(i18n_get(t, "zgh", "nav_home"), "Home");
	assert_false(i18n_translated(t, "zgh", "nav_home"));
	assert_string_equal(i18n_get(t, "zgh", "nav_signin"), "ⴽⵛⵎ");
	assert_true(i18n_translated(t, "zgh", "nav_signin"));
	/* Plurals fall back to the English forms, chosen by the English rule. */
	assert_string_equal(i18n_plural(t, "zgh", "count_documents", 1), "{count} document");
	assert_string_equal(i18n_plural(t, "zgh", "count_documents", 0), "{count} documents");
	/* Unknown key: the key; unknown or missing language: English. */
	assert_string_equal(i18n_get(t, "ar", "no_such_key"), "no_such_key");
	assert_string_equal(i18n_plural(t, "ar", "no_such_key", 2), "no_such_key");
	assert_string_equal(i18n_get(t, "de", "nav_home"), "Home");
	assert_string_equal(i18n_get(t, NULL, "nav_home"), "Home");
	assert_string_equal(i18n_get(t, "ar", NULL), "");
	assert_false(i18n_translated(t, "de", "nav_home"));
	assert_false(i18n_translated(t, "ar", "no_such_key"));

	json_t *zgh = i18n_table(t, "zgh");
	assert_string_equal(json_string_value(json_object_get(zgh, "nav_documents")), "Documents");
	assert_string_equal(json_string_value(json_object_get(zgh, "lang_zgh")), "ⵜⴰⵎⴰⵣⵉⵖⵜ");
	json_decref(zgh);
	i18n_free(t);
}

/* ------------------------------------------------------------------ overrides */

static const char override_ar[] = "# A workspace's own words.\n"
                                  "msgid \"\"\n"
                                  "msgstr \"\"\n"
                                  "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                                  "\n"
                                  "msgctxt \"nav_search\"\n"
                                  "msgid \"Search\"\n"
                                  "msgstr \"ابحث\"\n"
                                  "\n"
                                  "#, fuzzy\n"
                                  "msgctxt \"nav_home\"\n"
                                  "msgid \"Home\"\n"
                                  "msgstr \"بيت\"\n"
                                  "\n"
                                  "msgctxt \"nav_documents\"\n"
                                  "msgid \"Documents\"\n"
                                  "msgstr \"\"\n"
                                  "\n"
                                  "msgctxt \"count_documents\"\n"
                                  "msgid \"{count} document\"\n"
                                  "msgid_plural \"{count} documents\"\n"
                                  "msgstr[0] \"\"\n"
                                  "msgstr[1] \"\"\n"
                                  "msgstr[2] \"\"\n"
                                  "msgstr[3] \"{count} ملفات\"\n"
                                  "\n"
                                  "msgctxt \"campaign_banner\"\n"
                                  "msgid \"Our \\\"campaign\\\"\\n\\tfor water\"\n"
                                  "msgstr \"\"\n"
                                  "\"حملتنا \\\"للماء\\\"\\n\"\n"
                                  "\"\\t2025 \\\\ 2026\"\n";

static const char override_es[] = "msgctxt \"nav_home\"\n"
                                  "msgid \"Home\"\n"
                                  "msgstr \"Inicio\"\n";

/* An artificial rule with French's nplurals (form 1 only for whole millions): it replaces the
 * built-in rule, and goes through the generic evaluator. */
static const char override_fr_rule[] = "msgid \"\"\n"
                                       "msgstr \"\"\n"
                                       "\"Content-Type: text/plain; charset=utf-8\\n\"\n"
                                       "\"Plural-Forms: nplurals=2; plural=n != 0 && n % 1000000 == 0 ? 1 : 0;\\n\"\n";

static void test_override_replaces_key_by_key(void **state)
{
	(void)state;
	char *dir = make_overrides();
	char *p1 = write_po(dir, "ar.po", override_ar);
	char *p3 = write_po(dir, "notes.txt", "not a catalog");
	char *p4 = write_po(dir, "ar.po~", "msgid \"broken");
	struct i18n *t = NULL;
	struct err e = ERR_INIT;
	int r = i18n_load(&t, dir, &e);

	if (r)
		fail_msg("override: %s", e.msg);
	assert_string_equal(i18n_get(t, "ar", "nav_search"), "ابحث");
	/* Fuzzy or empty in the override: the built-in text stays. */
	assert_string_equal(i18n_get(t, "ar", "nav_home"), "الرئيسية");
	assert_string_equal(i18n_get(t, "ar", "nav_documents"), "الوثائق");
	/* Untouched keys keep the built-in text. */
	assert_string_equal(i18n_get(t, "ar", "nav_upload"), "إضافة وثائق");
	assert_string_equal(i18n_get(t, "fr", "nav_search"), "Recherche");
	/* One plural form replaced, the others kept. */
	assert_string_equal(i18n_plural(t, "ar", "count_documents", 5), "{count} ملفات");
	assert_string_equal(i18n_plural(t, "ar", "count_documents", 2), "وثيقتان");
	assert_true(i18n_translated(t, "ar", "count_documents"));
	/* A key of the workspace's own, with every escape. */
	assert_string_equal(i18n_get(t, "ar", "campaign_banner"), "حملتنا \"للماء\"\n\t2025 \\ 2026");
	assert_string_equal(i18n_get(t, "fr", "campaign_banner"), "campaign_banner");

	i18n_free(t);
	/* A missing overrides folder is no error. */
	t = NULL;
	assert_int_equal(i18n_load(&t, "/nonexistent/asurif-overrides", &e), 0);
	assert_string_equal(i18n_get(t, "ar", "nav_search"), "البحث");
	i18n_free(t);
	free(p1);
	free(p3);
	free(p4);
	remove_overrides(dir);
}

/* A language the program does not ship is refused; the other overrides still apply. */
static void test_override_unknown_language(void **state)
{
	(void)state;
	char *dir = make_overrides();
	char *p1 = write_po(dir, "es.po", override_es);
	char *p2 = write_po(dir, "fr.po", "msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"Chercher\"\n");
	char *where = xasprintf("%s: there is no built-in catalog for \"es\"", p1);
	struct i18n *t = NULL;
	struct err e = ERR_INIT;
	int r = i18n_load(&t, dir, &e);
	const char *const *codes = NULL;

	assert_int_equal(r, ERR_UNSUPPORTED);
	assert_non_null(strstr(e.msg, where));
	assert_non_null(t);
	assert_int_equal(i18n_languages(t, &codes), 4);
	assert_string_equal(i18n_get(t, "es", "nav_home"), "Home");
	assert_null(i18n_negotiate(t, "es-ES,es;q=0.9"));
	assert_string_equal(i18n_get(t, "fr", "nav_search"), "Chercher");
	i18n_free(t);
	free(where);
	free(p1);
	free(p2);
	remove_overrides(dir);
}

/* A generic Plural-Forms rule replaces the built-in one when it keeps nplurals. */
static void test_override_plural_rule(void **state)
{
	(void)state;
	char *dir = make_overrides();
	char *p = write_po(dir, "fr.po", override_fr_rule);
	struct i18n *t = NULL;
	struct err e = ERR_INIT;
	int r = i18n_load(&t, dir, &e);

	if (r)
		fail_msg("%s", e.msg);
	assert_int_equal(i18n_plural_form(t, "fr", 1), 0);
	assert_int_equal(i18n_plural_form(t, "fr", 2000000), 1);
	assert_int_equal(i18n_plural_form(t, "fr", 0), 0);
	assert_int_equal(i18n_plural_form(t, "fr", 5), 0);
	assert_string_equal(i18n_plural(t, "fr", "count_documents", 3000000), "{count}" NBSP "documents");
	assert_string_equal(i18n_plural(t, "fr", "count_documents", 3), "{count}" NBSP "document");
	i18n_free(t);
	free(p);
	remove_overrides(dir);
}

static const struct {
	const char *text;
	int line;
	int code;
	const char *says; /* part of the message */
} bad_overrides[] = {
    /* A good entry first: it must not be applied when a later one is broken. */
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"ابحث\"\n\nmsgctxt \"nav_home\"\nmsgid \"Home\"\nmsgstr "
     "\"بيت\n",
     7, ERR_FORMAT, "missing closing quote"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"a\\qb\"\n", 3, ERR_FORMAT, "unknown escape \\q"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"ابحث\\\"\n", 3, ERR_FORMAT, "missing closing quote"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"ابحث\" x\n", 3, ERR_FORMAT, "after the closing quote"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr ابحث\n", 3, ERR_FORMAT, "double quotes"},
    {"msgstr \"ابحث\"\n", 1, ERR_FORMAT, "msgstr without msgid"},
    {"\n\n\"ابحث\"\n", 3, ERR_FORMAT, "a string without"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgtxt \"ابحث\"\n", 3, ERR_FORMAT, "unexpected"},
    {"msgctxt \"Nav-Search\"\nmsgid \"Search\"\nmsgstr \"ابحث\"\n", 1, ERR_FORMAT, "a-z, 0-9 and _"},
    {"# no key\nmsgid \"Search\"\nmsgstr \"ابحث\"\n", 2, ERR_FORMAT, "has no key"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"ابحث\"\nmsgctxt \"nav_search\"\nmsgid \"Search\"\n"
     "msgstr \"بحث\"\n",
     4, ERR_FORMAT, "already used at line 1"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\n", 2, ERR_FORMAT, "ends inside an entry"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgid_plural \"Searches\"\nmsgstr[0] \"ابحث\"\n", 1, ERR_FORMAT,
     "plain string in the built-in catalog"},
    {"msgctxt \"count_documents\"\nmsgid \"{count} document\"\nmsgstr \"ابحث\"\n", 1, ERR_FORMAT,
     "has plural forms in the built-in catalog"},
    {"msgctxt \"count_documents\"\nmsgid \"d\"\nmsgid_plural \"ds\"\nmsgstr[0] \"a\"\nmsgstr[2] \"b\"\n", 5, ERR_FORMAT,
     "out of order"},
    {"msgid \"\"\nmsgstr \"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n", 1, ERR_FORMAT, "nplurals=6"},
    {"msgid \"\"\nmsgstr \"Plural-Forms: nplurals=6; plural=(n == 0 ? 0 : n + 6);\\n\"\n", 1, ERR_FORMAT,
     "gives form 7"},
    {"msgid \"\"\nmsgstr \"Plural-Forms: nplurals=6; plural=(n == 0 ? 0 : 1;\\n\"\n", 1, ERR_FORMAT, "expected )"},
    {"msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n", 1, ERR_ENCODING, "ISO-8859-1"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"caf\xE9\"\n", 3, ERR_ENCODING, "not valid UTF-8"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"\xED\xA0\x80\"\n", 3, ERR_ENCODING, "not valid UTF-8"},
    {"msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"ابحث\xC3\"\n", 3, ERR_ENCODING, "not valid UTF-8"},
};

static void test_override_malformed(void **state)
{
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(bad_overrides); i++) {
		char *dir = make_overrides();
		char *path = write_po(dir, "ar.po", bad_overrides[i].text);
		char *where = xasprintf("%s:%d: ", path, bad_overrides[i].line);
		struct i18n *t = NULL;
		struct err e = ERR_INIT;
		int r = i18n_load(&t, dir, &e);

		if (r != bad_overrides[i].code || !strstr(e.msg, where) || !strstr(e.msg, bad_overrides[i].says))
			fail_msg("case %zu: got %d \"%s\", expected %d \"%s...%s\"", i, r, e.msg, bad_overrides[i].code,
			         where, bad_overrides[i].says);
		/* Still usable, with the built-in Arabic untouched. */
		assert_non_null(t);
		assert_string_equal(i18n_get(t, "ar", "nav_search"), "البحث");
		assert_string_equal(i18n_get(t, "ar", "nav_home"), "الرئيسية");
		assert_string_equal(i18n_plural(t, "ar", "count_documents", 2), "وثيقتان");
		i18n_free(t);
		free(where);
		free(path);
		remove_overrides(dir);
	}
}

/* One broken file does not stop the others; the message counts the rest. */
static void test_override_several_broken(void **state)
{
	(void)state;
	char *dir = make_overrides();
	char *p1 = write_po(dir, "ar.po", "msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"x\n");
	char *p2 = write_po(dir, "en.po", "msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"Find\"\n");
	char *p3 = write_po(dir, "fr.po", "msgctxt \"nav_search\"\nmsgid \"Search\"\nmsgstr \"a\\x\"\n");
	char *p4 = write_po(dir, "Bad Name.po", "");
	struct i18n *t = NULL;
	struct err e = ERR_INIT;
	int r = i18n_load(&t, dir, &e);

	assert_int_equal(r, ERR_FORMAT);
	assert_non_null(strstr(e.msg, "Bad Name.po: the name must be a language code"));
	assert_non_null(strstr(e.msg, "and 2 more override files"));
	assert_string_equal(i18n_get(t, "en", "nav_search"), "Find");
	assert_string_equal(i18n_get(t, "ar", "nav_search"), "البحث");
	assert_string_equal(i18n_get(t, "fr", "nav_search"), "Recherche");
	/* An English override is what other languages fall back to. */
	assert_string_equal(i18n_get(t, "zgh", "nav_search"), "Find");
	i18n_free(t);
	free(p1);
	free(p2);
	free(p3);
	free(p4);
	remove_overrides(dir);
}

/* Syntax the reader accepts: CRLF, a byte-order mark, obsolete entries, flags, headers anywhere. */
static void test_override_syntax(void **state)
{
	(void)state;
	char *dir = make_overrides();
	char *p = write_po(dir, "fr.po",
	                   "\xEF\xBB\xBF# translator comment\r\n"
	                   "#. extracted comment\r\n"
	                   "#: src/web/page.c:12\r\n"
	                   "#, c-format\r\n"
	                   "msgctxt \"nav_search\"\r\n"
	                   "msgid \"\"\r\n"
	                   "\"Sea\"\r\n"
	                   "  \"rch\"\r\n"
	                   "msgstr \"\"\r\n"
	                   "\"Cher\"   \r\n"
	                   "\"cher\"\r\n"
	                   "#~ msgctxt \"old_key\"\r\n"
	                   "#~ msgid \"Old\"\r\n"
	                   "#~ msgstr \"Ancien\"\r\n"
	                   "#| msgid \"Previous\"\r\n"
	                   "#, fuzzy, c-format\r\n"
	                   "msgctxt \"nav_home\"\r\n"
	                   "msgid \"Home\"\r\n"
	                   "msgstr \"Maison\"\r\n"
	                   "msgid \"\"\r\n"
	                   "msgstr \"Language: fr\\nPlural-Forms: nplurals=2; plural=(n>1);\\n\"\r\n");
	struct i18n *t = NULL;
	struct err e = ERR_INIT;
	int r = i18n_load(&t, dir, &e);

	if (r)
		fail_msg("%s", e.msg);
	assert_string_equal(i18n_get(t, "fr", "nav_search"), "Chercher");
	assert_string_equal(i18n_get(t, "fr", "nav_home"), "Accueil");
	assert_string_equal(i18n_get(t, "fr", "old_key"), "old_key");
	i18n_free(t);
	free(p);
	remove_overrides(dir);
}

/* ------------------------------------------------------------------ the plural evaluator */

static void test_plural_eval(void **state)
{
	(void)state;
	static const struct {
		const char *expr;
		long n;
		unsigned long want;
	} ok[] = {
	    {"n != 1", 1, 0},
	    {"n != 1", 0, 1},
	    {"(n > 1)", 1, 0},
	    {"2 + 3 * 4", 0, 14},
	    {"(2 + 3) * 4", 0, 20},
	    {"10 - 4 - 3", 0, 3},
	    {"100 / 10 / 5", 0, 2},
	    {"n % 0", 7, 0},
	    {"n / 0", 7, 0},
	    {"n / (n - 7)", 7, 0},
	    {"!n", 0, 1},
	    {"!!n", 5, 1},
	    {"1 || 0 && 0", 0, 1},
	    {"n == 1 ? 0 : n == 2 ? 1 : 2", 2, 1},
	    {"n == 1 ? 0 : n == 2 ? 1 : 2", 9, 2},
	    {"n<2?n:n>=10?n%10:n<=5", 4, 1},
	    {"n < 3 == 1", 2, 1},
	    {"  n  ;  ", 42, 42},
	    {"18446744073709551615", 0, 18446744073709551615ul},
	    {"n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5", 1011, 4},
	    {"n", -5, 5},
	};
	static const char *const bad[] = {
	    "",
	    "n +",
	    "(n",
	    "n)",
	    "m",
	    "n ? 1",
	    "n = 1",
	    "n & 1",
	    "n | 1",
	    "nn",
	    "-1",
	    "1.5",
	    "18446744073709551616",
	    "n ? 1 : 2 : 3",
	    "n;x",
	};
	unsigned long v = 0;
	struct err e = ERR_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		int r = i18n_plural_eval(ok[i].expr, ok[i].n, &v, &e);
		if (r || v != ok[i].want)
			fail_msg("\"%s\" for %ld: %d %lu (%s), expected %lu", ok[i].expr, ok[i].n, r, v, e.msg,
			         ok[i].want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (i18n_plural_eval(bad[i], 1, &v, &e) != ERR_FORMAT)
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_int_equal(i18n_plural_eval(NULL, 1, &v, &e), ERR_FORMAT);

	/* Nesting and length are bounded, whatever the input. */
	struct buf deep = BUF_INIT, bangs = BUF_INIT, ternary = BUF_INIT, wide = BUF_INIT;
	for (int i = 0; i < 10000; i++) {
		buf_appendc(&deep, '(');
		buf_appendc(&bangs, '!');
		buf_appends(&ternary, "n ? ");
	}
	buf_appendc(&deep, 'n');
	for (int i = 0; i < 10000; i++)
		buf_appendc(&deep, ')');
	buf_appendc(&bangs, 'n');
	buf_appends(&ternary, "1 : 2");
	buf_appends(&wide, "n");
	for (int i = 0; i < 1000; i++)
		buf_appends(&wide, " + n");
	assert_int_equal(i18n_plural_eval(deep.data, 1, &v, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "nested too deeply"));
	assert_int_equal(i18n_plural_eval(bangs.data, 1, &v, &e), ERR_FORMAT);
	assert_int_equal(i18n_plural_eval(ternary.data, 1, &v, &e), ERR_FORMAT);
	assert_int_equal(i18n_plural_eval(wide.data, 1, &v, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "too long"));
	buf_release(&deep);
	buf_release(&bangs);
	buf_release(&ternary);
	buf_release(&wide);
}

/* ------------------------------------------------------------------ negotiation and format */

static void test_negotiate(void **state)
{
	(void)state;
	static const struct {
		const char *header;
		const char *want;
	} cases[] = {
	    {"fr-FR,fr;q=0.9,ar;q=0.8", "fr"},
	    {"de", NULL},
	    {"", NULL},
	    {"ar", "ar"},
	    {"ar-MA,fr;q=0.5", "ar"},
	    {"AR-ma", "ar"},
	    {"en-US,en;q=0.9", "en"},
	    {"de-DE, fr;q=0.3, en;q=0.7", "en"},
	    {"fr;q=0.5, ar;q=0.5", "fr"},
	    {"fr;q=0, ar;q=0.1", "ar"},
	    {"*", "ar"},
	    {"*, ar;q=0", "fr"},
	    {"de, *;q=0.1", "ar"},
	    {"ary", "ar"},
	    {"tzm-Tfng, fr;q=0.5", "zgh"},
	    {"zgh", "zgh"},
	    {"zgh-Tfng-MA", "zgh"},
	    {"fr;q=1.5, en", "en"},
	    {"fr;q=abc, en;q=0.2", "en"},
	    {"fr ; q = 0.2 , en;q=0.1", "fr"},
	    {"fr-CA;q=0.9, en;q=0.95", "en"},
	    {" , ,fr", "fr"},
	    {"<script>, fr", "fr"},
	    {"fr-FR;q=0.001", "fr"},
	    {"fr;q=0.0001", NULL},
	};
	struct i18n *t = load_builtin();

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got = i18n_negotiate(t, cases[i].header);
		if (cases[i].want ? !got || strcmp(got, cases[i].want) : got != NULL)
			fail_msg("\"%s\": got %s, expected %s", cases[i].header, got ? got : "NULL",
			         cases[i].want ? cases[i].want : "NULL");
	}
	assert_null(i18n_negotiate(t, NULL));

	/* A hostile header is read only so far. */
	struct buf big = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_appends(&big, "xx;q=0.5,");
	buf_appends(&big, "fr");
	assert_null(i18n_negotiate(t, big.data));
	buf_release(&big);
	i18n_free(t);
}

static void test_format(void **state)
{
	(void)state;
	static const char *const names[] = {"count", "name", "empty", "nothing"};
	static const char *const values[] = {"12", "قانون {x}", "", NULL};
	struct buf out = BUF_INIT;

	assert_int_equal(i18n_format("{count} documents", names, values, 4, &out), 0);
	assert_string_equal(out.data, "12 documents");
	buf_reset(&out);
	i18n_format("{name}: {count}, {unknown} {count}", names, values, 4, &out);
	assert_string_equal(out.data, "قانون {x}: 12, {unknown} 12");
	buf_reset(&out);
	i18n_format("{} { count} {count {{count}} {empty}|{nothing}| {", names, values, 4, &out);
	assert_string_equal(out.data, "{} { count} {count {12} || {");
	buf_reset(&out);
	i18n_format("no placeholders", names, values, 4, &out);
	assert_string_equal(out.data, "no placeholders");
	buf_reset(&out);
	i18n_format("{count}", NULL, NULL, 0, &out);
	assert_string_equal(out.data, "{count}");
	/* Appends to what is there. */
	i18n_format(" and {count}", names, values, 1, &out);
	assert_string_equal(out.data, "{count} and 12");
	buf_release(&out);

	/* With a translated plural: the whole path a page takes. */
	struct i18n *t = load_builtin();
	static const char *const cn[] = {"count"};
	static const char *const cv[] = {"3"};
	i18n_format(i18n_plural(t, "ar", "count_documents", 3), cn, cv, 1, &out);
	assert_string_equal(out.data, "3 وثائق");
	buf_release(&out);
	i18n_free(t);

	/* A capped buffer reports -1. */
	struct buf small;
	buf_init(&small, 4);
	assert_int_equal(i18n_format("{count} documents", names, values, 4, &small), -1);
	buf_release(&small);
}

/* ------------------------------------------------------------------ readers in parallel */

struct reader {
	const struct i18n *t;
	int bad;
};

static void *read_many(void *arg)
{
	struct reader *rd = arg;
	static const char *const langs[] = {"ar", "fr", "en", "zgh", "xx"};

	for (int i = 0; i < 20000; i++) {
		const char *lang = langs[i % ARRAY_SIZE(langs)];
		const char *s = i18n_get(rd->t, lang, required_keys[i % ARRAY_SIZE(required_keys)]);
		const char *p = i18n_plural(rd->t, lang, "count_results", i);
		if (!s || !*s || !p || !*p)
			rd->bad++;
		if (i % 5000 == 0) {
			json_t *tab = i18n_table(rd->t, lang);
			if (json_object_size(tab) < ARRAY_SIZE(required_keys))
				rd->bad++;
			json_decref(tab);
		}
	}
	return NULL;
}

static void test_concurrent_readers(void **state)
{
	(void)state;
	struct i18n *t = load_builtin();
	pthread_t th[4];
	struct reader rd[4];

	for (int i = 0; i < 4; i++) {
		rd[i].t = t;
		rd[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, read_many, &rd[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rd[i].bad, 0);
	}
	i18n_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin_languages),
	    cmocka_unit_test(test_required_keys),
	    cmocka_unit_test(test_catalogs_complete),
	    cmocka_unit_test(test_placeholders_kept),
	    cmocka_unit_test(test_plural_rules),
	    cmocka_unit_test(test_fallbacks),
	    cmocka_unit_test(test_override_replaces_key_by_key),
	    cmocka_unit_test(test_override_unknown_language),
	    cmocka_unit_test(test_override_plural_rule),
	    cmocka_unit_test(test_override_malformed),
	    cmocka_unit_test(test_override_several_broken),
	    cmocka_unit_test(test_override_syntax),
	    cmocka_unit_test(test_plural_eval),
	    cmocka_unit_test(test_negotiate),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_concurrent_readers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
