/*
 * The Moroccan law corpus for the speed benchmark.
 *
 *   lawcorpus convert < provisions.jsonl > law.jsonl
 *       One provision a line (doc_id, doc_title, provision_ref, lang, url, text)
 *       becomes one Asurif collection line: id = doc_id/provision_ref, title,
 *       text, lang, url. Streams; prints a JSON line of counts on stderr.
 *       Exact repeats (same id, title and text: the source has about 25,000)
 *       are dropped, so every system measured indexes the same texts once.
 *
 *   lawcorpus queries LAW.jsonl N SEED > queries.txt
 *       N search queries made from the corpus itself, the same for a given seed:
 *       3 to 6 content words (as a person would type them: no diacritics, lower
 *       case, no words damaged by PDF extraction) taken close together from a
 *       random article, 9 in 10 Arabic, 1 in 10 French. With PREFIX, also
 *       writes PREFIX.queries.tsv and PREFIX.qrels: each query's own article as
 *       its one relevant document (a known-item test, scored by evalset).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "bench.h"
#include "text/analyse.h"
#include "base/banned.h"

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

/* Hashes of the lines seen (id, title and text), to drop exact repeats. */
struct seen {
	uint64_t *v;
	size_t cap, n;
};

static int seen_before(struct seen *t, uint64_t h)
{
	h = h ? h : 1;
	if (2 * (t->n + 1) > t->cap) {
		struct seen bigger = {xcalloc(t->cap ? 2 * t->cap : 4096, sizeof(uint64_t)), t->cap ? 2 * t->cap : 4096,
		                      0};
		for (size_t i = 0; i < t->cap; i++)
			if (t->v[i])
				seen_before(&bigger, t->v[i]);
		free(t->v);
		*t = bigger;
	}
	size_t i = (size_t)h & (t->cap - 1);
	while (t->v[i] && t->v[i] != h)
		i = (i + 1) & (t->cap - 1);
	if (t->v[i])
		return 1;
	t->v[i] = h;
	t->n++;
	return 0;
}

static const char *field(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int convert(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long long lines = 0, written = 0, bad = 0, repeats = 0, text_bytes = 0, ar = 0, fr = 0;
	struct seen seen = {NULL, 0, 0};
	struct buf key = BUF_INIT;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		lines++;
		json_error_t jerr;
		json_t *o = json_loadb(line, (size_t)n, 0, &jerr);
		const char *doc = o ? field(o, "doc_id") : NULL, *ref = o ? field(o, "provision_ref") : NULL;
		const char *title = o ? field(o, "doc_title") : NULL, *text = o ? field(o, "text") : NULL;
		const char *lang = o ? field(o, "lang") : NULL, *url = o ? field(o, "url") : NULL;
		if (!doc || !ref || !text || !*text) {
			fprintf(stderr, "lawcorpus: line %lld: %s\n", lines,
			        o ? "missing doc_id, provision_ref or text" : jerr.text);
			bad++;
			json_decref(o);
			continue;
		}
		char *id = xasprintf("%s/%s", doc, ref);
		buf_reset(&key);
		buf_append(&key, id, strlen(id) + 1);
		buf_append(&key, title ? title : "", strlen(title ? title : "") + 1);
		buf_appends(&key, text);
		if (seen_before(&seen, fnv1a(key.data, key.len))) {
			repeats++;
			free(id);
			json_decref(o);
			continue;
		}
		json_t *out =
		    json_pack("{s:s, s:s, s:s}", "id", id, "title", title && *title ? title : doc, "text", text);
		if (lang && (!strcmp(lang, "ar") || !strcmp(lang, "fr"))) {
			json_object_set_new(out, "lang", json_string(lang));
			if (*lang == 'a')
				ar++;
			else
				fr++;
		}
		if (url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7)))
			json_object_set_new(out, "url", json_string(url));
		char *s = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!s) {
			fprintf(stderr, "lawcorpus: line %lld: cannot write as JSON\n", lines);
			bad++;
		} else {
			puts(s);
			written++;
			text_bytes += (long long)strlen(text);
		}
		free(s);
		free(id);
		json_decref(out);
		json_decref(o);
	}
	free(line);
	free(seen.v);
	buf_release(&key);
	fprintf(
	    stderr,
	    "{\"lines\":%lld,\"written\":%lld,\"repeats_dropped\":%lld,\"bad\":%lld,\"text_bytes\":%lld,\"ar\":%lld,"
	    "\"fr\":%lld}\n",
	    lines, written, repeats, bad, text_bytes, ar, fr);
	return bad || ferror(stdout) ? 1 : 0;
}

/* ---- queries ---- */

struct article {
	char *id, *text;
	int fr;
};

static uint32_t decode(const unsigned char *s, size_t n, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0 && n >= 2) {
		*len = 2;
		return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0 && n >= 3) {
		*len = 3;
		return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	if ((s[0] & 0xF8) == 0xF0 && n >= 4) {
		*len = 4;
		return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
		       (s[3] & 0x3F);
	}
	*len = 1;
	return 0xFFFD;
}

static void encode(struct buf *b, uint32_t c)
{
	char t[4];
	size_t n;
	if (c < 0x80) {
		t[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		t[0] = (char)(0xC0 | c >> 6);
		t[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else {
		t[0] = (char)(0xE0 | c >> 12);
		t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	}
	buf_append(b, t, n);
}

static int arabic_letter(uint32_t c)
{
	return (c >= 0x621 && c <= 0x63A) || (c >= 0x641 && c <= 0x64A);
}

static int arabic_mark(uint32_t c) /* harakat, tatweel: typed by nobody */
{
	return (c >= 0x64B && c <= 0x652) || c == 0x640 || c == 0x670;
}

static int latin_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x17F && c != 0xD7 && c != 0xF7);
}

static uint32_t latin_lower(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
		return c + 0x20;
	if (c >= 0x100 && c <= 0x17F && !(c & 1))
		return c + 1; /* Latin Extended-A pairs (Œ -> œ) */
	return c;
}

/* A French text damaged by a broken font encoding ("CITO\EN", "mVOLUE", "L¶INFORMATIQUE"). */
static int french_damaged(const char *s)
{
	if (strchr(s, '\\') || strstr(s, "\xC2\xB6"))
		return 1;
	long upper = 0, letters = 0;
	for (; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) {
			letters++;
			upper += *s <= 'Z';
		}
	}
	return letters < 40 || upper * 3 > letters;
}

static int count_term(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
	(void)flags, (void)t, (void)n, (void)s, (void)e;
	(*(int *)ctx)++;
	return 0;
}

struct words {
	char **v;
	size_t n, alloc;
};

static void words_clear(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	w->n = 0;
}

/*
 * The next word of text from *i: a run of Arabic (or, for French, Latin) letters,
 * Arabic marks (harakat, tatweel) dropped, Latin lower-cased. Returns its number
 * of letters, 0 at the end of the text.
 */
static size_t next_word(const char *text, size_t n, size_t *i, int fr, struct buf *w)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len;
	while (*i < n) {
		uint32_t c = decode(s + *i, n - *i, &len);
		if (fr ? latin_letter(c) : arabic_letter(c))
			break;
		*i += len;
	}
	buf_reset(w);
	size_t letters = 0;
	while (*i < n) {
		uint32_t c = decode(s + *i, n - *i, &len);
		if (fr ? latin_letter(c) : arabic_letter(c)) {
			encode(w, fr ? latin_lower(c) : c);
			letters++;
		} else if (fr || !arabic_mark(c)) {
			break;
		}
		*i += len;
	}
	return letters;
}

/*
 * Whether an Arabic word may have been damaged by PDF extraction, which writes
 * the lam-alef ligature backwards: "الإطار" becomes "اإلطار", "حالات" "حاالت",
 * "للاستثمار" "لالستثمار". Since a damaged "ال" cannot be told from a real one,
 * any alef (ا أ إ آ) followed by lam counts, except the article "ال" at the start
 * of the word or after the proclitics و ف ب ك. Words such as "حالة" are lost
 * too; the corpus has plenty of others.
 */
static int arabic_damaged(const char *w, size_t n)
{
	/* Arabic letters are two bytes each in UTF-8. */
	int article_allowed = 1;
	for (size_t i = 0; i + 4 <= n; i += 2) {
		const unsigned char *c = (const unsigned char *)w + i;
		int alef = c[0] == 0xD8 && (c[1] == 0xA7 || c[1] == 0xA3 || c[1] == 0xA5 || c[1] == 0xA2);
		int lam_next = c[2] == 0xD9 && c[3] == 0x84;
		if (alef && lam_next && !(article_allowed && c[1] == 0xA7))
			return 1;
		int proclitic = (c[0] == 0xD9 && (c[1] == 0x88 || c[1] == 0x81 || c[1] == 0x83)) || /* و ف ك */
		                (c[0] == 0xD8 && c[1] == 0xA8);                                     /* ب */
		article_allowed = article_allowed && proclitic;
	}
	return 0;
}

/*
 * The content words of a text, in order: words the analyser keeps (not stop
 * words), long enough, and not damaged by PDF extraction.
 */
static void content_words(struct analyser *an, const char *text, int fr, size_t max, struct words *out)
{
	size_t n = strlen(text), i = 0, letters;
	struct buf w = BUF_INIT;
	while (out->n < max && (letters = next_word(text, n, &i, fr, &w))) {
		if (letters < (fr ? 4u : 3u) || letters > 16 || (!fr && arabic_damaged(w.data, w.len)))
			continue;
		int terms = 0;
		analyser_run(an, w.data, w.len, fr ? LANG_FR : LANG_NONE, ANALYSE_QUERY, count_term, &terms);
		if (!terms)
			continue;
		out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = xstrndup(w.data, w.len);
	}
	buf_release(&w);
}

static int make_query(struct analyser *an, const struct article *a, uint64_t *rng, struct words *w, struct buf *q)
{
	words_clear(w);
	content_words(an, a->text, a->fr, 400, w);
	size_t k = 3 + bench_rand_below(rng, 4);
	if (w->n < k + 2)
		return -1;
	size_t span = 2 * k;
	size_t start = bench_rand_below(rng, w->n - k + 1);
	if (start + span > w->n)
		span = w->n - start;
	/* Selection sampling: k of the span words, kept in text order, no repeats. */
	buf_reset(q);
	const char *taken[6];
	size_t need = k, ntaken = 0;
	for (size_t i = start; i < start + span && need; i++) {
		if (bench_rand_below(rng, start + span - i) >= need)
			continue;
		int dup = 0;
		for (size_t j = 0; j < ntaken; j++)
			dup |= !strcmp(taken[j], w->v[i]);
		if (dup)
			continue;
		taken[ntaken++] = w->v[i];
		if (q->len)
			buf_appendc(q, ' ');
		buf_appends(q, w->v[i]);
		need--;
	}
	return need + 3 <= k ? 0 : -1; /* at least 3 words */
}

static int queries(const char *path, long count, uint64_t seed, const char *known)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "lawcorpus: %s: cannot open\n", path);
		return 2;
	}
	struct article *arts = NULL;
	size_t n = 0, alloc = 0, nfr = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_t *o = json_loadb(line, (size_t)len, 0, NULL);
		const char *text = o ? field(o, "text") : NULL, *lang = o ? field(o, "lang") : NULL;
		const char *id = o ? field(o, "id") : NULL;
		if (text && id) {
			int fr = lang && !strcmp(lang, "fr");
			if (!fr || !french_damaged(text)) {
				arts = xgrow(arts, &alloc, n + 1, sizeof(*arts));
				arts[n].id = xstrdup(id);
				arts[n].text = xstrdup(text);
				arts[n].fr = fr;
				nfr += (size_t)fr;
				n++;
			}
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	size_t *ar_idx = xcalloc(n + 1, sizeof(size_t)), *fr_idx = xcalloc(nfr + 1, sizeof(size_t)), nar = 0;
	nfr = 0;
	for (size_t i = 0; i < n; i++) {
		if (arts[i].fr)
			fr_idx[nfr++] = i;
		else
			ar_idx[nar++] = i;
	}
	if (!nar) {
		fprintf(stderr, "lawcorpus: no usable article in %s\n", path);
		return 1;
	}
	FILE *kq = NULL, *kr = NULL;
	if (known) {
		char *qp = xasprintf("%s.queries.tsv", known), *rp = xasprintf("%s.qrels", known);
		kq = fopen(qp, "w");
		kr = fopen(rp, "w");
		if (!kq || !kr) {
			fprintf(stderr, "lawcorpus: cannot write %s or %s\n", qp, rp);
			return 2;
		}
		free(qp);
		free(rp);
	}
	struct analyser *an = analyser_new();
	uint64_t rng = seed;
	struct words w = {NULL, 0, 0};
	struct buf q = BUF_INIT;
	long made = 0, tries = 0;
	while (made < count && tries < count * 100) {
		tries++;
		int want_fr = nfr && bench_rand_below(&rng, 10) == 0;
		size_t i = want_fr ? fr_idx[bench_rand_below(&rng, nfr)] : ar_idx[bench_rand_below(&rng, nar)];
		if (make_query(an, &arts[i], &rng, &w, &q))
			continue;
		puts(q.data);
		made++;
		if (kq) {
			fprintf(kq, "lawq-%ld\t%s\n", made, q.data);
			fprintf(kr, "lawq-%ld 0 %s 1\n", made, arts[i].id);
		}
	}
	words_clear(&w);
	free(w.v);
	if (kq)
		fclose(kq);
	if (kr)
		fclose(kr);
	buf_release(&q);
	analyser_free(an);
	for (size_t i = 0; i < n; i++) {
		free(arts[i].text);
		free(arts[i].id);
	}
	free(arts);
	free(ar_idx);
	free(fr_idx);
	if (made < count) {
		fprintf(stderr, "lawcorpus: made only %ld queries of %ld\n", made, count);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "convert"))
		return convert();
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "queries"))
		return queries(argv[2], atol(argv[3]), strtoull(argv[4], NULL, 0), argc == 6 ? argv[5] : NULL);
	fprintf(stderr, "usage: lawcorpus convert < provisions.jsonl > law.jsonl\n"
	                "       lawcorpus queries LAW.jsonl N SEED [PREFIX] > queries.txt\n");
	return 2;
}
