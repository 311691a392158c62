#include "hub/snippet.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "hub/hub.h"
#include "base/banned.h"

struct collect {
	struct snippet_terms *t;
	int is_prefix;
};

static int add_term(void *ctx, int flags, const char *term, size_t n, size_t s, size_t e)
{
	struct collect *c = ctx;
	(void)flags, (void)s, (void)e;
	for (size_t i = 0; i < c->t->n; i++)
		if (c->t->prefix[i] == c->is_prefix && strlen(c->t->term[i]) == n && !memcmp(c->t->term[i], term, n))
			return 0;
	c->t->term = xgrow(c->t->term, &c->t->alloc, c->t->n + 1, sizeof(*c->t->term));
	c->t->prefix = xrealloc(c->t->prefix, c->t->alloc * sizeof(*c->t->prefix));
	c->t->term[c->t->n] = xstrndup(term, n);
	c->t->prefix[c->t->n] = c->is_prefix;
	c->t->n++;
	return 0;
}

void snippet_terms_add(struct snippet_terms *t, struct analyser *an, const char *text, int is_prefix)
{
	struct collect c = {t, is_prefix};
	analyser_run(an, text, strlen(text), LANG_NONE, ANALYSE_QUERY | (is_prefix ? ANALYSE_PREFIX : 0), add_term,
		     &c);
}

void snippet_terms_release(struct snippet_terms *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->term[i]);
	free(t->term);
	free(t->prefix);
	memset(t, 0, sizeof(*t));
}

struct word {
	size_t start, end;
	int hit; /* index of the matched search term + 1, or 0 */
};

struct words {
	const struct snippet_terms *t;
	struct word *v;
	size_t n, alloc;
};

static int matches(const struct snippet_terms *t, const char *term, size_t n)
{
	for (size_t i = 0; i < t->n; i++) {
		size_t k = strlen(t->term[i]);
		if (t->prefix[i] ? (n >= k && !memcmp(t->term[i], term, k)) : (n == k && !memcmp(t->term[i], term, n)))
			return (int)i + 1;
	}
	return 0;
}

static int add_word(void *ctx, int flags, const char *term, size_t n, size_t s, size_t e)
{
	struct words *w = ctx;
	int hit = matches(w->t, term, n);
	if ((flags & ANALYSER_COLOCATED) && w->n) {
		/* an alternative reading of the previous word */
		if (hit && !w->v[w->n - 1].hit)
			w->v[w->n - 1].hit = hit;
		return 0;
	}
	w->v = xgrow(w->v, &w->alloc, w->n + 1, sizeof(*w->v));
	w->v[w->n].start = s;
	w->v[w->n].end = e;
	w->v[w->n].hit = hit;
	w->n++;
	return 0;
}

/* Appends text[from, to) with spaces for line breaks and no control characters. */
static void put_text(struct buf *b, const char *text, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n' || c == '\t' || c == '\r')
			buf_appendc(b, ' ');
		else if (c >= 0x20)
			buf_appendc(b, (char)c);
	}
}

char *snippet_make(struct analyser *an, const char *text, enum text_lang latin, const struct snippet_terms *t,
		   int words)
{
	struct words w = {t, NULL, 0, 0};
	size_t n = strlen(text);
	analyser_run(an, text, n, latin, ANALYSE_DOCUMENT, add_word, &w);
	/* The window with the most different searched terms, then the most matches. */
	size_t best = 0, win = (size_t)words;
	int best_distinct = -1, best_hits = -1;
	if (w.n > win) {
		for (size_t i = 0; i + win <= w.n; i++) {
			if (i && !w.v[i].hit && best_distinct > 0)
				continue; /* windows worth having start on a match */
			int distinct = 0, hits = 0;
			unsigned char seen[256] = {0};
			for (size_t j = i; j < i + win; j++) {
				int h = w.v[j].hit;
				if (!h)
					continue;
				hits++;
				if (h < 256 && !seen[h]) {
					seen[h] = 1;
					distinct++;
				}
			}
			if (distinct > best_distinct || (distinct == best_distinct && hits > best_hits)) {
				best = i;
				best_distinct = distinct;
				best_hits = hits;
			}
		}
		/* Start a little before the first match, for context. */
		size_t back = win / 6;
		while (back && best > 0 && best + win < w.n + back) {
			best--;
			back--;
		}
	}
	struct buf b = BUF_INIT;
	buf_append(&b, "", 0);
	size_t last = w.n < best + win ? w.n : best + win;
	size_t from = w.n && best ? w.v[best].start : 0;
	size_t to = (w.n && last < w.n) ? w.v[last - 1].end : n;
	if (from > 0)
		buf_appends(&b, "…");
	size_t pos = from;
	for (size_t i = best; i < last; i++) {
		if (!w.v[i].hit)
			continue;
		put_text(&b, text, pos, w.v[i].start);
		buf_appendc(&b, HL_OPEN);
		put_text(&b, text, w.v[i].start, w.v[i].end);
		buf_appendc(&b, HL_CLOSE);
		pos = w.v[i].end;
	}
	put_text(&b, text, pos, to);
	if (to < n)
		buf_appends(&b, "…");
	free(w.v);
	buf_trim(&b);
	return buf_detach(&b);
}
