/*
 * Snippets: the stretch of a passage where the searched words are densest, with
 * each matched word between HL_OPEN and HL_CLOSE. Matching is done on analysed
 * terms, so "مقاولة" highlights "للمقاولات" and "entreprise" highlights "l'entreprise".
 */
#ifndef HUB_SNIPPET_H
#define HUB_SNIPPET_H
#include <stddef.h>

#include "text/analyse.h"

struct snippet_terms {
	char **term;   /* terms of the search (every alternative) */
	int *prefix;   /* 1 when the term only has to start a word */
	size_t n, alloc;
};

/* Adds the terms of one searched item (a word, a phrase, or a prefix when is_prefix). */
void snippet_terms_add(struct snippet_terms *t, struct analyser *an, const char *text, int is_prefix);
void snippet_terms_release(struct snippet_terms *t);

/*
 * The best window of about `words` words of text (Latin words analysed as `latin`),
 * with "…" where it was cut. Caller frees.
 */
char *snippet_make(struct analyser *an, const char *text, enum text_lang latin, const struct snippet_terms *t,
		   int words);
#endif
