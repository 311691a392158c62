/* Terms, sentences, highlighted matches and TextRank for asking and summarising (see text.h). */
#include "ai/text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "hub/hub.h"
#include "base/banned.h"

int ai_terms_has(const struct ai_terms *t, const char *term, size_t len)
{
	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->v[i]) == len && !memcmp(t->v[i], term, len))
			return 1;
	return 0;
}

static void terms_add(struct ai_terms *t, const char *term, size_t len)
{
	if (ai_terms_has(t, term, len))
		return;
	t->v = xgrow(t->v, &t->alloc, t->n + 1, sizeof(*t->v));
	t->v[t->n] = xmalloc(len + 1);
	memcpy(t->v[t->n], term, len);
	t->v[t->n++][len] = 0;
}

static int add_term(void *ctx, int flags, const char *term, size_t len, size_t start, size_t end)
{
	(void)flags, (void)start, (void)end;
	terms_add(ctx, term, len);
	return 0;
}

void ai_terms_of(struct analyser *an, const char *text, enum text_lang latin, int query, struct ai_terms *t)
{
	analyser_run(an, text, strlen(text), latin, query ? ANALYSE_QUERY : ANALYSE_DOCUMENT, add_term, t);
}

void ai_terms_release(struct ai_terms *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ---- sentences ---- */

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t ai_sentences(const char *text, struct ai_span **out)
{
	size_t n = 0, alloc = 0, len = strlen(text), start = 0;
	*out = NULL;
	for (size_t i = 0; i <= len;) {
		size_t end = 0, next = i + 1;
		if (i == len) {
			end = len;
		} else if (text[i] == '\n') {
			end = i;
		} else if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && (i + 1 == len || is_space((unsigned char)text[i + 1]))) {
			end = i + 1;
		} else if (i + 1 < len && (!memcmp(text + i, "\xd8\x9f", 2) || !memcmp(text + i, "\xdb\x94", 2))) {
			end = i + 2; /* ؟ and ۔ */
			next = i + 2;
		}
		if (end) {
			size_t s = start, e = end;
			while (s < e && is_space((unsigned char)text[s]))
				s++;
			while (e > s && is_space((unsigned char)text[e - 1]))
				e--;
			if (e > s) {
				*out = xgrow(*out, &alloc, n + 1, sizeof(**out));
				(*out)[n].start = s;
				(*out)[n++].end = e;
			}
			start = next;
		}
		i = next;
	}
	return n;
}

/* ---- matching sentences ---- */

struct match_ctx {
	const struct ai_terms *want;
	struct ai_terms seen;
	size_t (*ranges)[2];
	size_t nranges, alloc;
};

static int on_match(void *ctx, int flags, const char *term, size_t len, size_t start, size_t end)
{
	(void)flags;
	struct match_ctx *m = ctx;
	if (!ai_terms_has(m->want, term, len))
		return 0;
	terms_add(&m->seen, term, len);
	if (m->nranges && m->ranges[m->nranges - 1][0] == start)
		return 0; /* an alternative form of the same word */
	m->ranges = xgrow(m->ranges, &m->alloc, m->nranges + 1, sizeof(*m->ranges));
	m->ranges[m->nranges][0] = start;
	m->ranges[m->nranges++][1] = end;
	return 0;
}

char *ai_text_matching_sentences(struct analyser *an, const char *text, enum text_lang latin,
                                 const struct ai_terms *t, int max)
{
	struct ai_span *sp = NULL;
	size_t n = ai_sentences(text, &sp);
	struct buf b = {0};
	buf_append(&b, "", 0);
	if (!n) {
		free(sp);
		return buf_detach(&b);
	}
	size_t *score = xcalloc(n, sizeof(*score));
	struct match_ctx *m = xcalloc(n, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		m[i].want = t;
		analyser_run(an, text + sp[i].start, sp[i].end - sp[i].start, latin, ANALYSE_DOCUMENT, on_match, &m[i]);
		score[i] = m[i].seen.n;
	}
	/* The best `max` sentences by distinct matched terms (earlier first on ties), kept in text order. */
	char *keep = xcalloc(n, 1);
	for (int k = 0; k < max; k++) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!keep[i] && score[i] && (best == n || score[i] > score[best]))
				best = i;
		if (best == n)
			break;
		keep[best] = 1;
	}
	int any = 0;
	for (size_t i = 0; i < n; i++)
		any |= keep[i];
	if (!any)
		keep[0] = 1;
	int first = 1;
	size_t last_end = 0;
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if (!first || sp[i].start > 0)
			buf_appends(&b, first ? "… " : (sp[i].start > last_end + 1 ? " … " : " "));
		first = 0;
		size_t at = sp[i].start;
		for (size_t r = 0; r < m[i].nranges; r++) {
			size_t rs = sp[i].start + m[i].ranges[r][0], re = sp[i].start + m[i].ranges[r][1];
			if (rs < at || re > sp[i].end)
				continue;
			buf_append(&b, text + at, rs - at);
			buf_appendc(&b, HL_OPEN);
			buf_append(&b, text + rs, re - rs);
			buf_appendc(&b, HL_CLOSE);
			at = re;
		}
		buf_append(&b, text + at, sp[i].end - at);
		last_end = sp[i].end;
	}
	if (last_end < strlen(text) && sp[n - 1].end > last_end)
		buf_appends(&b, " …");
	for (size_t i = 0; i < n; i++) {
		ai_terms_release(&m[i].seen);
		free(m[i].ranges);
	}
	free(m);
	free(keep);
	free(score);
	free(sp);
	return buf_detach(&b);
}

/* ---- TextRank ---- */

void ai_textrank(struct analyser *an, const char *text, const struct ai_span *spans, size_t n, enum text_lang latin,
                 double *rank)
{
	struct ai_terms *terms = xcalloc(n, sizeof(*terms));
	for (size_t i = 0; i < n; i++) {
		char *s = xmalloc(spans[i].end - spans[i].start + 1);
		memcpy(s, text + spans[i].start, spans[i].end - spans[i].start);
		s[spans[i].end - spans[i].start] = 0;
		ai_terms_of(an, s, latin, 0, &terms[i]);
		free(s);
	}
	double *w = xcalloc(n * n, sizeof(*w)), *out = xcalloc(n, sizeof(*out)), *next = xcalloc(n, sizeof(*next));
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			size_t shared = 0;
			for (size_t k = 0; k < terms[i].n; k++)
				shared += ai_terms_has(&terms[j], terms[i].v[k], strlen(terms[i].v[k]));
			double d = log((double)terms[i].n + 1) + log((double)terms[j].n + 1);
			w[i * n + j] = w[j * n + i] = shared && d > 0 ? (double)shared / d : 0;
		}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++)
			out[i] += w[i * n + j];
		rank[i] = 1.0;
	}
	for (int iter = 0; iter < 50; iter++) {
		double delta = 0;
		for (size_t i = 0; i < n; i++) {
			double s = 0;
			for (size_t j = 0; j < n; j++)
				if (w[j * n + i] > 0 && out[j] > 0)
					s += w[j * n + i] / out[j] * rank[j];
			next[i] = 0.15 + 0.85 * s;
			delta += fabs(next[i] - rank[i]);
		}
		memcpy(rank, next, n * sizeof(*rank));
		if (delta < 1e-6)
			break;
	}
	for (size_t i = 0; i < n; i++)
		ai_terms_release(&terms[i]);
	free(terms);
	free(w);
	free(out);
	free(next);
}
