/*
 * Translations of the interface, read from gettext .po catalogs by the program itself (no
 * system locale, no libintl).
 *
 * Every string has a stable key, written as the entry's msgctxt (a-z, 0-9 and _, such as
 * "nav_search"); the msgid is the English source text and the msgstr the translation. An
 * empty msgstr means "not translated yet" and the English text is shown instead. Plurals use
 * msgid_plural and msgstr[N], chosen by the catalog's Plural-Forms expression, which is
 * evaluated here by a small, bounded evaluator. Text may hold {name} placeholders that the
 * caller fills with i18n_format().
 *
 * The catalogs data/i18n/LANG.po are compiled into the binary. A workspace can override any
 * string: a file overrides/i18n/LANG.po in the workspace replaces the built-in strings key by
 * key (entries it lacks, leaves empty or marks fuzzy keep the built-in text). The languages
 * are those the program ships; adding one is a change to the program (see the README).
 *
 * Lookups are one hash probe; once loaded, a struct i18n is never modified, so any number
 * of threads may read it at the same time. data/i18n/README.md is the translators' guide.
 */
#ifndef BASE_I18N_H
#define BASE_I18N_H
#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

/* The most plural forms a catalog may declare (Arabic needs 6). */
#define I18N_MAX_FORMS 8

struct i18n; /* every language */

/*
 * Loads every built-in catalog, then the overrides overrides_dir/i18n/LANG.po if
 * overrides_dir is not NULL (a missing folder is not an error). *out is set to a new set of
 * catalogs that the caller releases with i18n_free().
 *
 * Errors:
 * - An override that cannot be used (ERR_FORMAT for syntax, a bad escape, a missing quote,
 *   a key that is not a-z0-9_, a plural entry overriding a plain one or a different number
 *   of plural forms; ERR_ENCODING for bytes that are not UTF-8 or a charset other than UTF-8;
 *   ERR_UNSUPPORTED for a language without a built-in catalog; ERR_IO or ERR_TOO_BIG when
 *   unreadable or over 4 MB) is skipped as a whole: that language keeps its built-in text,
 *   never a half-loaded file, and the other overrides still apply. The return value is then
 *   the first such error, e names its file and line ("PATH:LINE: ..."; later bad files are
 *   counted in the message), and *out is still set and usable: a caller may report the
 *   message and carry on, or stop (and then must still i18n_free(*out)).
 * - A broken built-in catalog (a bug in the program's data, caught by the unit tests) returns
 *   ERR_FORMAT or ERR_ENCODING with *out set to NULL.
 */
int i18n_load(struct i18n **out, const char *overrides_dir, struct err *e);
void i18n_free(struct i18n *t);

/*
 * Text for key in lang ("ar", "fr", "en", "zgh"). When lang has no translation of key, the
 * English text; when no catalog knows key, key itself (so a missing string shows up as its
 * name rather than as nothing). An unknown or NULL lang reads as English; a NULL key gives "".
 * For a plural key, the form for 5 (the generic plural; use i18n_plural when the number is
 * known). Never NULL; the string belongs to t and lives as long as it.
 */
const char *i18n_get(const struct i18n *t, const char *lang, const char *key);
/*
 * The plural form of key for the number n in lang, with the same fallbacks as i18n_get (the
 * English forms, then msgid when n is 1 and msgid_plural otherwise). A negative n counts as
 * its absolute value. The {count} placeholder, if any, is left for i18n_format.
 */
const char *i18n_plural(const struct i18n *t, const char *lang, const char *key, long n);
/* Which plural form (0 to nplurals - 1) lang uses for n; English's rule for an unknown lang. */
int i18n_plural_form(const struct i18n *t, const char *lang, long n);
/*
 * 1 if lang's own catalog translates key (every plural form of it, for a plural key), 0 if
 * the text would come from English or key is unknown. Every English entry counts, since its
 * msgid is the text. For translation status pages and the completeness tests.
 */
int i18n_translated(const struct i18n *t, const char *lang, const char *key);

/* The available language codes, in the order to offer them: "ar", "fr", "en", "zgh".
 * *codes belongs to t. */
size_t i18n_languages(const struct i18n *t, const char *const **codes);
/* The language's name in its own script ("العربية", "Français", "English", "ⵜⴰⵎⴰⵣⵉⵖⵜ"), or NULL
 * when the program has no such language (or lang is NULL): so it also checks a code that
 * came from a cookie or a form. */
const char *i18n_language_name(const char *lang);
/* "rtl" for languages written right to left (ar and the other Arabic-script or Hebrew-script
 * languages), "ltr" otherwise (Tamazight in Tifinagh is "ltr"). */
const char *i18n_direction(const char *lang);

/*
 * Every key of lang with its text, as a new jansson object {key: text} for templates
 * ({{t.nav_search}}): all English keys are present, with English text where lang has no
 * translation; plural keys hold their i18n_get text. Built afresh at each call (a few
 * hundred small strings); the caller owns the reference. Never NULL.
 */
json_t *i18n_table(const struct i18n *t, const char *lang);

/*
 * The best available language for an HTTP Accept-Language value ("fr-FR,fr;q=0.9,ar;q=0.8"
 * gives "fr"), or NULL when none is acceptable or the value is NULL or empty. Ranges match a
 * language by their first subtag ("fr-CA" matches "fr"); a more specific range decides over
 * a less specific one, q=0 excludes, ties go to the earlier range; "*" matches any language
 * (Arabic first). Moroccan Arabic ("ary") counts as Arabic; Tamazight varieties ("tzm", "shi",
 * "rif", "ber") count as Standard Moroccan Tamazight ("zgh"). The string belongs to t.
 */
const char *i18n_negotiate(const struct i18n *t, const char *accept_language);

/*
 * Appends pattern to out with each {name} replaced by values[i] where names[i] is name
 * (a NULL value gives ""). A {name} not among names, and any brace that does not open a
 * {name} of letters, digits and _, is copied as it is. Values are inserted as they are
 * (escaping is the template's job) and are not scanned again. Returns 0, or -1 when out's
 * size cap is reached (out is then left as buf_append leaves it).
 */
int i18n_format(const char *pattern, const char *const *names, const char *const *values, size_t n, struct buf *out);

/*
 * Evaluates a Plural-Forms expression (the part after "plural=") for n, as the loader does:
 * only n, decimal integers, + - * / % == != < <= > >= && || ! ?: and parentheses, in
 * unsigned long arithmetic, with division or modulo by zero giving 0 and nesting bounded.
 * Returns 0 and sets *result, or ERR_FORMAT with a message naming the column.
 */
int i18n_plural_eval(const char *expr, long n, unsigned long *result, struct err *e);
#endif
