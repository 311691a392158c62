/*
 * The language analyser: turns Arabic, French and English text into index terms.
 *
 * Per token, decided by script: Arabic letters get the Arabic pipeline
 * (normalisation, PDF lam-alef repair, stop words, proclitic و/ف, Snowball arabic),
 * Latin letters the French or English one (lower case, elisions, stop words,
 * Snowball, accents folded), digits become number terms ("١١٣.١٤" and "113-14"
 * give "113.14"); other scripts (Tifinagh...) are kept as they are, lower-cased.
 *
 * Every token reports the byte range it came from, so snippets can highlight it.
 */
#ifndef TEXT_ANALYSE_H
#define TEXT_ANALYSE_H
#include <stddef.h>

/* Bump when the terms produced for the same text change; `asurif reindex` then rebuilds. */
#define ANALYSER_VERSION 4

enum text_lang { LANG_NONE = 0, LANG_AR, LANG_FR, LANG_EN };

enum analyser_mode {
	ANALYSE_DOCUMENT = 0, /* indexing: also emits the spelling variants of PDF artefacts */
	ANALYSE_QUERY = 1,    /* a search: Latin words give both French and English stems */
	ANALYSE_PREFIX = 2,   /* the last word is a prefix ("entrepr*"): normalise, do not stem */
};

enum { ANALYSER_COLOCATED = 1 }; /* token is an alternative of the previous one */

struct analyser;

/*
 * Called for each term. `flags` has ANALYSER_COLOCATED for an alternative form of
 * the previous term (same position). A non-zero return stops the analysis and is
 * returned by analyser_run.
 */
typedef int (*analyser_fn)(void *ctx, int flags, const char *term, size_t len, size_t start, size_t end);

/* A new analyser; not thread-safe (one per thread or connection). */
struct analyser *analyser_new(void);
void analyser_free(struct analyser *a);

/*
 * Analyses text (UTF-8; invalid bytes are skipped). `latin` says how to stem Latin
 * words (LANG_FR or LANG_EN; LANG_NONE means French, the default in Morocco).
 */
int analyser_run(struct analyser *a, const char *text, size_t n, enum text_lang latin, int mode, analyser_fn fn,
		 void *ctx);

/* Guesses a text's main language from its letters: LANG_AR, LANG_FR or LANG_EN. */
enum text_lang text_guess_lang(const char *text, size_t n);
const char *text_lang_code(enum text_lang l);
/* "ar", "fr", "en" -> the language; anything else LANG_NONE. */
enum text_lang text_lang_parse(const char *code);

/*
 * A text tagged for the index with the language of its Latin words: the tag is an
 * invisible prefix the FTS5 tokenizer reads (documents in English). Returns the
 * length of the tag at the start of s, 0 if none.
 */
#define TEXT_LANG_TAG_EN "\x01" "en\x02"
size_t text_lang_tag_len(const char *s, size_t n);
#endif
