/*
 * What asking and summarising share about text: the analysed words of a text as a set,
 * sentences, the sentences of a passage that hold a question's words (highlighted), and
 * TextRank over sentences. Knows languages through the analyser, not tables.
 */
#ifndef AI_TEXT_H
#define AI_TEXT_H
#include <stddef.h>

#include "text/analyse.h"

/* A set of analysed terms. */
struct ai_terms {
	char **v;
	size_t n, alloc;
};
/* Adds the terms of text (as a search would when query is 1: both French and English stems). */
void ai_terms_of(struct analyser *an, const char *text, enum text_lang latin, int query, struct ai_terms *t);
int ai_terms_has(const struct ai_terms *t, const char *term, size_t len);
void ai_terms_release(struct ai_terms *t);

struct ai_span {
	size_t start, end; /* bytes of the text, spaces around trimmed */
};
/* The sentences of text (ends: . ! ? ؟ ۔ followed by a space, and line breaks). Caller frees *out. */
size_t ai_sentences(const char *text, struct ai_span **out);

/*
 * The (at most max) sentences of text holding the most different terms of t, in text order,
 * joined by " … ", each matched word between HL_OPEN and HL_CLOSE; the first sentence when
 * none matches. Caller frees.
 */
char *ai_text_matching_sentences(struct analyser *an, const char *text, enum text_lang latin,
                                 const struct ai_terms *t, int max);

/*
 * TextRank: each sentence's centrality, from the words it shares with the others
 * (similarity = shared terms / (log |a| + log |b|)), by power iteration with damping 0.85.
 * rank[i] for spans[i]; caller gives rank of n doubles.
 */
void ai_textrank(struct analyser *an, const char *text, const struct ai_span *spans, size_t n, enum text_lang latin,
                 double *rank);
#endif
