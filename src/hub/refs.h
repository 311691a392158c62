/*
 * Legal references: finds citations of laws, organic laws, decrees, dahirs,
 * circulars and articles in Arabic and French text and normalises each to a key.
 *
 * Keys: "<kind>:<number>" where kind is one of law, organic-law, decree, dahir,
 * circular, and number uses ASCII digits separated by '.' ("113.14", "2.22.431",
 * "1.15.85"). A bare article reference is "article:<n>". An article that names its
 * law ("المادة 12 من القانون رقم 31.13") gives the law's key with article = 12.
 */
#ifndef HUB_REFS_H
#define HUB_REFS_H
#include <stddef.h>

struct legal_ref {
	char kind[16];   /* law, organic-law, decree, dahir, circular, article */
	char number[32]; /* normalised number, e.g. "113.14"; for article keys, the article */
	int article;     /* article number when one is named with the text, else 0 */
	char key[64];    /* kind ":" number */
	size_t start, end; /* byte offsets of the citation in the text */
};

struct legal_refs {
	struct legal_ref *v;
	size_t n, alloc;
};

/* Finds every reference in text (valid UTF-8). Returns 0; out is appended to. */
int refs_extract(const char *text, size_t n, struct legal_refs *out);
void refs_release(struct legal_refs *r);

/*
 * Turns what a person typed ("113-14", "loi organique n° 113.14", "law:113.14",
 * "المادة 12") into a key. Returns 1 with key filled (and *number_only set when the
 * input was only a number, meaning "any kind with this number"), 0 if it is not a
 * reference.
 */
int refs_parse_key(const char *input, char key[64], int *number_only);
#endif
