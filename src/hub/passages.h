/*
 * The passage splitter: cuts a document's blocks into passages that follow its
 * structure. An article ("المادة 12", "الفصل 5", "Article 12") or a heading starts
 * a passage; a page break ends one, so every passage has one page; paragraphs are
 * gathered up to PASSAGE_TARGET bytes and cut at sentence ends past PASSAGE_MAX.
 */
#ifndef HUB_PASSAGES_H
#define HUB_PASSAGES_H
#include <stddef.h>

#include "hub/extract.h"

#define PASSAGE_TARGET 2400
#define PASSAGE_MAX 4000

struct passage_draft {
	int page;
	char *heading; /* the heading it falls under, or NULL */
	char *article; /* "المادة 12", or NULL */
	char *text;
};

struct passage_drafts {
	struct passage_draft *v;
	size_t n, alloc;
};

void passages_split(const struct extract *x, struct passage_drafts *out);
void passage_drafts_release(struct passage_drafts *p);
/*
 * If line starts an article, returns the length of its label ("المادة 12",
 * "Article premier") and 0 otherwise.
 */
size_t passages_article_label(const char *line, size_t n);
#endif
