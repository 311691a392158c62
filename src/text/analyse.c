#include "text/analyse.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/alloc.h"
#include "base/embed.h"
#include "base/err.h"
#include "base/utf8.h"
#include "base/banned.h"

#define MAX_TOKEN_CPS 64 /* longer runs are junk (base64, hashes): skipped */
#define TERM_BYTES (MAX_TOKEN_CPS * 4 + 8)

/* ---- stop word sets, read once from data/stopwords/ and then shared read-only ---- */

struct wordset {
	char **slots;
	size_t mask;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int wordset_has(const struct wordset *w, const char *s, size_t n)
{
	if (!w->slots)
		return 0;
	for (size_t i = hash_bytes(s, n) & w->mask;; i = (i + 1) & w->mask) {
		const char *t = w->slots[i];
		if (!t)
			return 0;
		if (!strncmp(t, s, n) && t[n] == '\0')
			return 1;
	}
}

static void wordset_load(struct wordset *w, const char *name)
{
	const struct embed_file *f = embed_find(name);
	if (!f)
		BUG("stop word list %s is missing from the build", name);
	size_t cap = 1024;
	w->slots = xcalloc(cap, sizeof(*w->slots));
	w->mask = cap - 1;
	const char *p = (const char *)f->data, *end = p + f->size;
	size_t count = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		if (n && p[0] != '#' && !wordset_has(w, p, n)) {
			if (++count > cap / 2)
				BUG("stop word list %s is too long", name);
			size_t i = hash_bytes(p, n) & w->mask;
			while (w->slots[i])
				i = (i + 1) & w->mask;
			w->slots[i] = xstrndup(p, n);
		}
		p = le + 1;
	}
}

static struct wordset stop_ar, stop_fr, stop_en;
static pthread_once_t stops_once = PTHREAD_ONCE_INIT;

static void load_stops(void)
{
	wordset_load(&stop_ar, "stopwords/ar.txt");
	wordset_load(&stop_fr, "stopwords/fr.txt");
	wordset_load(&stop_en, "stopwords/en.txt");
}

/* ---- character classes ---- */

enum cls { C_SEP, C_AR, C_LATIN, C_DIGIT, C_OTHER, C_MARK, C_APOS, C_NUMSEP };

static int is_arabic_mark(uint32_t c)
{
	return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) || c == 0x0640;
}

static int arabic_digit(uint32_t c)
{
	if (c >= 0x0660 && c <= 0x0669)
		return (int)(c - 0x0660);
	if (c >= 0x06F0 && c <= 0x06F9)
		return (int)(c - 0x06F0);
	return -1;
}

static enum cls classify(uint32_t c)
{
	if (c < 0x80) {
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			return C_LATIN;
		if (c >= '0' && c <= '9')
			return C_DIGIT;
		if (c == '\'')
			return C_APOS;
		if (c == '.' || c == '-' || c == '/')
			return C_NUMSEP;
		return C_SEP;
	}
	if (c >= 0x0600 && c <= 0x06FF) {
		if (arabic_digit(c) >= 0)
			return C_DIGIT;
		if (is_arabic_mark(c))
			return C_MARK;
		if (c == 0x066B) /* Arabic decimal separator */
			return C_NUMSEP;
		if ((c >= 0x0621 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3) || (c >= 0x06FA && c <= 0x06FF) ||
		    c == 0x06D5)
			return C_AR;
		return C_SEP;
	}
	if (c == 0x2019 || c == 0x02BC) /* ’ and modifier apostrophe */
		return C_APOS;
	if (c == 0x200C || c == 0x200D) /* zero-width (non-)joiner inside words */
		return C_MARK;
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
		return (c < 0x0250 || (c >= 0x1E00 && c <= 0x1EFF)) ? C_LATIN : C_OTHER;
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return C_OTHER;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return C_MARK;
	case UTF8PROC_CATEGORY_ND:
		return C_DIGIT;
	default:
		return C_SEP;
	}
}

/* Compatibility forms (Arabic presentation forms, Latin ligatures, full-width) need NFKC. */
static int needs_compat(uint32_t c)
{
	return (c >= 0xFB00 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0xFF01 && c <= 0xFF5E);
}

/* ---- term output ---- */

struct term {
	char s[TERM_BYTES];
	size_t n;
};

static void term_put(struct term *t, uint32_t c)
{
	if (t->n + 4 < sizeof(t->s))
		t->n += (size_t)utf8_encode(c, t->s + t->n);
	t->s[t->n] = '\0';
}

static void term_set(struct term *t, const char *s, size_t n)
{
	if (n >= sizeof(t->s))
		n = sizeof(t->s) - 1;
	memcpy(t->s, s, n);
	t->n = n;
	t->s[n] = '\0';
}

/* ---- a cache of analysed words ----
 * Words repeat (a few thousand make most of any text), and stemming them is the
 * costliest step: each analyser remembers its last CACHE_SLOTS distinct words. */

#define CACHE_SLOTS 16384
#define CACHE_WORD 48

struct cache_entry {
	char key; /* 0 when empty; otherwise what kind of analysis ('d', 'q', 'f', 'e'...) */
	unsigned char nword, nstem, nalt;
	char word[CACHE_WORD], stem[CACHE_WORD], alt[CACHE_WORD];
};

struct cache {
	struct cache_entry *slots;
	size_t used;
};

static size_t cache_slot(char key, const struct term *w)
{
	return (size_t)((hash_bytes(w->s, w->n) ^ (uint64_t)(unsigned char)key) & (CACHE_SLOTS - 1));
}

static int cache_get(struct cache *c, char key, const struct term *w, struct term *stem, struct term *alt)
{
	if (!c->slots || w->n >= CACHE_WORD)
		return 0;
	for (size_t i = cache_slot(key, w), probes = 0; probes < 8; i = (i + 1) & (CACHE_SLOTS - 1), probes++) {
		const struct cache_entry *e = &c->slots[i];
		if (!e->key)
			return 0;
		if (e->key == key && e->nword == w->n && !memcmp(e->word, w->s, w->n)) {
			term_set(stem, e->stem, e->nstem);
			term_set(alt, e->alt, e->nalt);
			return 1;
		}
	}
	return 0;
}

static void cache_put(struct cache *c, char key, const struct term *w, const struct term *stem, const struct term *alt)
{
	if (w->n >= CACHE_WORD || stem->n >= CACHE_WORD || alt->n >= CACHE_WORD)
		return;
	if (!c->slots)
		c->slots = xcalloc(CACHE_SLOTS, sizeof(*c->slots));
	if (c->used >= CACHE_SLOTS / 2) { /* full enough: start again rather than probe long chains */
		memset(c->slots, 0, CACHE_SLOTS * sizeof(*c->slots));
		c->used = 0;
	}
	for (size_t i = cache_slot(key, w), probes = 0; probes < 8; i = (i + 1) & (CACHE_SLOTS - 1), probes++) {
		struct cache_entry *e = &c->slots[i];
		if (e->key)
			continue;
		e->key = key;
		e->nword = (unsigned char)w->n;
		e->nstem = (unsigned char)stem->n;
		e->nalt = (unsigned char)alt->n;
		memcpy(e->word, w->s, w->n);
		memcpy(e->stem, stem->s, stem->n);
		memcpy(e->alt, alt->s, alt->n);
		c->used++;
		return;
	}
}

/* ---- the analyser ---- */

struct analyser {
	struct sb_stemmer *ar, *fr, *en;
	struct cache cache;
};

struct analyser *analyser_new(void)
{
	pthread_once(&stops_once, load_stops);
	struct analyser *a = xcalloc(1, sizeof(*a));
	a->ar = sb_stemmer_new("arabic", "UTF_8");
	a->fr = sb_stemmer_new("french", "UTF_8");
	a->en = sb_stemmer_new("english", "UTF_8");
	if (!a->ar || !a->fr || !a->en)
		BUG("the Snowball stemmers for arabic, french and english are not available");
	return a;
}

void analyser_free(struct analyser *a)
{
	if (!a)
		return;
	sb_stemmer_delete(a->ar);
	sb_stemmer_delete(a->fr);
	sb_stemmer_delete(a->en);
	free(a->cache.slots);
	free(a);
}

/* ---- Arabic ---- */

#define ALEF 0x0627
#define LAM 0x0644

static int is_alef_variant(uint32_t c)
{
	return c == 0x0623 || c == 0x0625 || c == 0x0622 || c == ALEF;
}

static int is_proclitic(uint32_t c)
{
	return c == 0x0648 /* و */ || c == 0x0641 /* ف */ || c == 0x0628 /* ب */ || c == 0x0643 /* ك */ ||
	       c == LAM;
}

/*
 * PDF text layers give the lam-alef ligature back in visual order: "اإلطار" for
 * "الإطار". Repairs it at the start of a word, or after one proclitic letter.
 */
static void repair_initial_lam_alef(uint32_t *w, size_t n)
{
	for (size_t at = 0; at <= 1 && at + 2 < n; at++) {
		if (at == 1 && !is_proclitic(w[0]))
			break;
		if (w[at] == ALEF && is_alef_variant(w[at + 1]) && w[at + 2] == LAM) {
			uint32_t v = w[at + 1];
			w[at + 1] = LAM;
			w[at + 2] = v;
			return;
		}
	}
}

/*
 * Snowball's Arabic stemmer knows the ta marbuta and strips it ("المقاولة" → "مقاول"),
 * but not once it is folded to ه ("المقاوله" → "مقاوله"): so ة is folded to ه only in
 * what the stemmer leaves, where the two spellings must still meet.
 */
static void fold_final_ta_marbuta(struct term *t)
{
	if (t->n >= 2 && (unsigned char)t->s[t->n - 2] == 0xD8 && (unsigned char)t->s[t->n - 1] == 0xA9)
		t->s[t->n - 1] = (char)0x87, t->s[t->n - 2] = (char)0xD9; /* ة (D8 A9) → ه (D9 87) */
}

static int ends_with(const struct term *t, const char *suffix)
{
	size_t k = strlen(suffix);
	return t->n >= k && !memcmp(t->s + t->n - k, suffix, k);
}

/*
 * Snowball strips the feminine plural "ات" after the article ("الصفقات" → "صفق")
 * but leaves an alef without it ("صفقات" → "صفقا"): the two must meet.
 */
static void fix_plural(const struct term *word, struct term *stem)
{
	if (ends_with(word, "ات") && ends_with(stem, "ا") && stem->n > 4)
		stem->n -= 2, stem->s[stem->n] = '\0';
}

static void fold_arabic(uint32_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t c = w[i];
		if (c == 0x0623 || c == 0x0625 || c == 0x0622 || c == 0x0671)
			w[i] = ALEF;
		else if (c == 0x0649)
			w[i] = 0x064A; /* ى → ي */
	}
}

/*
 * The same PDF artefact inside words turns "لا" into "ال" ("المقاوالت"). A mid-word
 * "ال" is usually right ("المال", "حالة"), so instead of guessing, the index gets
 * both readings: returns 1 and fills v with every mid-word "ال" read as "لا".
 */
static int lam_alef_variant(const uint32_t *w, size_t n, uint32_t *v)
{
	int changed = 0;
	memcpy(v, w, n * sizeof(*w));
	/* Position 0 is the article, and so is position 1 after و ف ب ك ("بالغ"); after ل,
	 * "لال" is the artefact of "للا" (standard spelling writes ل + ال as "لل"). */
	size_t i = (n > 0 && is_proclitic(w[0]) && w[0] != LAM) ? 2 : 1;
	for (; i + 2 < n; i++) {
		if (v[i] == ALEF && v[i + 1] == LAM) {
			v[i] = LAM;
			v[i + 1] = ALEF;
			changed = 1;
			i++;
		}
	}
	return changed;
}

static void cps_to_term(const uint32_t *w, size_t n, struct term *t)
{
	t->n = 0;
	t->s[0] = '\0';
	for (size_t i = 0; i < n; i++)
		term_put(t, w[i]);
}

static void stem_into(struct sb_stemmer *st, const char *s, size_t n, struct term *out)
{
	const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)s, (int)n);
	if (!r) { /* out of memory inside the stemmer: keep the word as it is */
		term_set(out, s, n);
		return;
	}
	term_set(out, (const char *)r, (size_t)sb_stemmer_length(st));
}

/* Drops a leading و or ف before the article (Snowball leaves "والحكومة" whole otherwise). */
static size_t strip_conjunction(const uint32_t *w, size_t n)
{
	if (n >= 5 && (w[0] == 0x0648 || w[0] == 0x0641) && w[1] == ALEF && w[2] == LAM)
		return 1;
	return 0;
}

static int is_article_prefix(const uint32_t *w, size_t n, size_t *skip)
{
	/* ال وال بال كال فال لل, for prefix queries which are not stemmed */
	if (n >= 2 && w[0] == ALEF && w[1] == LAM) {
		*skip = 2;
		return 1;
	}
	if (n >= 3 && (w[0] == 0x0648 || w[0] == 0x0628 || w[0] == 0x0643 || w[0] == 0x0641) && w[1] == ALEF &&
	    w[2] == LAM) {
		*skip = 3;
		return 1;
	}
	if (n >= 3 && w[0] == LAM && w[1] == LAM) {
		*skip = 2;
		return 1;
	}
	return 0;
}

struct run {
	struct analyser *a;
	analyser_fn fn;
	void *ctx;
	int mode;
	enum text_lang latin;
};

static int emit(struct run *r, int flags, const struct term *t, size_t start, size_t end)
{
	if (!t->n)
		return 0;
	return r->fn(r->ctx, flags, t->s, t->n, start, end);
}

/* Computes the term and its alternative (empty when none) for a normalised Arabic word. */
static void arabic_terms(struct run *r, uint32_t *w, size_t n, const struct term *norm0, struct term *stem,
			 struct term *alt)
{
	struct term norm, folded = *norm0;
	uint32_t v[MAX_TOKEN_CPS];

	stem->n = alt->n = 0;
	stem->s[0] = alt->s[0] = '\0';
	/* the stop list is written with ه for a final ة */
	fold_final_ta_marbuta(&folded);
	if (wordset_has(&stop_ar, folded.s, folded.n))
		return;
	size_t off = strip_conjunction(w, n);
	cps_to_term(w + off, n - off, &norm);
	stem_into(r->a->ar, norm.s, norm.n, stem);
	fix_plural(&norm, stem);
	fold_final_ta_marbuta(stem);
	if (!(r->mode & ANALYSE_QUERY) && lam_alef_variant(w + off, n - off, v)) {
		struct term vnorm;
		cps_to_term(v, n - off, &vnorm);
		stem_into(r->a->ar, vnorm.s, vnorm.n, alt);
		fix_plural(&vnorm, alt);
		fold_final_ta_marbuta(alt);
		if (alt->n == stem->n && !memcmp(alt->s, stem->s, stem->n))
			alt->n = 0, alt->s[0] = '\0';
	}
}

static int emit_pair(struct run *r, const struct term *stem, const struct term *alt, size_t start, size_t end)
{
	int rc = emit(r, 0, stem, start, end);
	if (!rc && stem->n && alt->n)
		rc = emit(r, ANALYSER_COLOCATED, alt, start, end);
	return rc;
}

static int arabic_word(struct run *r, uint32_t *w, size_t n, size_t start, size_t end)
{
	struct term norm, stem, alt;

	repair_initial_lam_alef(w, n);
	fold_arabic(w, n);
	cps_to_term(w, n, &norm);
	if (r->mode & ANALYSE_PREFIX) {
		struct term folded = norm;
		fold_final_ta_marbuta(&folded);
		if (wordset_has(&stop_ar, folded.s, folded.n))
			return 0;
		size_t skip = 0;
		if (is_article_prefix(w, n, &skip) && n - skip >= 2)
			cps_to_term(w + skip, n - skip, &norm);
		return emit(r, 0, &norm, start, end);
	}
	char key = (r->mode & ANALYSE_QUERY) ? 'q' : 'd';
	if (cache_get(&r->a->cache, key, &norm, &stem, &alt))
		return emit_pair(r, &stem, &alt, start, end);
	arabic_terms(r, w, n, &norm, &stem, &alt);
	cache_put(&r->a->cache, key, &norm, &stem, &alt);
	return emit_pair(r, &stem, &alt, start, end);
}

/* ---- Latin ---- */

static uint32_t fold_latin_accent(uint32_t c)
{
	if (c < 0xC0)
		return c;
	static const char *map = /* U+00C0..U+00FF, lower case already applied */
		"aaaaaaaceeeeiiii"
		"dnooooo*ouuuuyts"
		"aaaaaaaceeeeiiii"
		"dnooooo/ouuuuyty";
	if (c <= 0xFF) {
		char m = map[c - 0xC0];
		return (m == '*' || m == '/') ? c : (uint32_t)m;
	}
	/* Latin Extended-A: pairs of upper/lower letters with one base letter each */
	if (c >= 0x0100 && c <= 0x017F) {
		static const char ext[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllll"
					  "nnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
		_Static_assert(sizeof(ext) - 1 == 0x80, "one letter per code point of Latin Extended-A");
		size_t i = c - 0x0100;
		return (uint32_t)ext[i];
	}
	return c;
}

static void fold_term_accents(struct term *t)
{
	struct term out = {{0}, 0};
	const unsigned char *p = (const unsigned char *)t->s;
	for (size_t i = 0; i < t->n;) {
		uint32_t c;
		int k = utf8_decode(p + i, t->n - i, &c);
		if (k < 0)
			break;
		i += (size_t)k;
		if (c == 0x0153) { /* œ */
			term_put(&out, 'o');
			term_put(&out, 'e');
		} else if (c == 0xE6) {
			term_put(&out, 'a');
			term_put(&out, 'e');
		} else {
			term_put(&out, fold_latin_accent(c));
		}
	}
	*t = out;
}

static int latin_word(struct run *r, const uint32_t *w, size_t n, size_t start, size_t end)
{
	struct term low, stem, stem2;
	int rc;
	low.n = 0;
	low.s[0] = '\0';
	for (size_t i = 0; i < n; i++)
		term_put(&low, (uint32_t)utf8proc_tolower((utf8proc_int32_t)w[i]));

	int want_fr = r->latin != LANG_EN || (r->mode & ANALYSE_QUERY);
	int want_en = r->latin == LANG_EN || (r->mode & ANALYSE_QUERY);
	/* A word that is a stop word in the document's language is dropped. */
	if (r->mode & ANALYSE_QUERY) {
		if (wordset_has(&stop_fr, low.s, low.n) || wordset_has(&stop_en, low.s, low.n))
			return 0;
	} else if (wordset_has(r->latin == LANG_EN ? &stop_en : &stop_fr, low.s, low.n)) {
		return 0;
	}
	if (r->mode & ANALYSE_PREFIX) {
		fold_term_accents(&low);
		return emit(r, 0, &low, start, end);
	}
	if (want_fr) {
		stem_into(r->a->fr, low.s, low.n, &stem);
		fold_term_accents(&stem);
	} else {
		stem_into(r->a->en, low.s, low.n, &stem);
	}
	if ((rc = emit(r, 0, &stem, start, end)))
		return rc;
	if (want_fr && want_en) {
		stem_into(r->a->en, low.s, low.n, &stem2);
		fold_term_accents(&stem2);
		if (stem2.n != stem.n || memcmp(stem2.s, stem.s, stem.n))
			return emit(r, ANALYSER_COLOCATED, &stem2, start, end);
	}
	return 0;
}

static int other_word(struct run *r, const uint32_t *w, size_t n, size_t start, size_t end)
{
	struct term t = {{0}, 0};
	for (size_t i = 0; i < n; i++)
		term_put(&t, (uint32_t)utf8proc_tolower((utf8proc_int32_t)w[i]));
	return emit(r, 0, &t, start, end);
}

/* ---- the tokenizer loop ---- */

struct tok {
	enum cls cls; /* C_AR, C_LATIN, C_DIGIT, C_OTHER */
	uint32_t cps[MAX_TOKEN_CPS];
	size_t n;
	int overflow;
	size_t start, end;
};

static int first_part_short(const struct tok *t)
{
	size_t k = 0;
	while (k < t->n && t->cps[k] != '.')
		k++;
	return k <= 3;
}

static int flush(struct run *r, struct tok *t)
{
	int rc = 0;
	if (t->n && !t->overflow) {
		switch (t->cls) {
		case C_AR:
			rc = arabic_word(r, t->cps, t->n, t->start, t->end);
			break;
		case C_LATIN:
			rc = latin_word(r, t->cps, t->n, t->start, t->end);
			break;
		case C_DIGIT: {
			struct term num = {{0}, 0};
			for (size_t i = 0; i < t->n; i++)
				term_put(&num, t->cps[i]);
			rc = emit(r, 0, &num, t->start, t->end);
			break;
		}
		default:
			rc = other_word(r, t->cps, t->n, t->start, t->end);
		}
	}
	t->n = 0;
	t->overflow = 0;
	return rc;
}

static void tok_add(struct tok *t, enum cls cls, uint32_t c, size_t start, size_t end)
{
	if (!t->n) {
		t->cls = cls;
		t->start = start;
	}
	if (t->n < MAX_TOKEN_CPS)
		t->cps[t->n++] = c;
	else
		t->overflow = 1;
	t->end = end;
}

size_t text_lang_tag_len(const char *s, size_t n)
{
	size_t k = sizeof(TEXT_LANG_TAG_EN) - 1;
	return (n >= k && !memcmp(s, TEXT_LANG_TAG_EN, k)) ? k : 0;
}

int analyser_run(struct analyser *a, const char *text, size_t n, enum text_lang latin, int mode, analyser_fn fn,
		 void *ctx)
{
	struct run r = {a, fn, ctx, mode, latin == LANG_EN ? LANG_EN : LANG_FR};
	struct tok t;
	const unsigned char *p = (const unsigned char *)text;
	size_t i = text_lang_tag_len(text, n);
	int rc = 0, split_numbers = 0;

	if (i)
		r.latin = LANG_EN;
	t.n = 0;
	t.overflow = 0;
	while (i < n) {
		uint32_t c;
		int k = utf8_decode(p + i, n - i, &c);
		if (k < 0) {
			if ((rc = flush(&r, &t)))
				return rc;
			i++;
			continue;
		}
		size_t start = i, end = i + (size_t)k;
		i = end;
		if (needs_compat(c)) {
			utf8proc_int32_t dec[8];
			int last = 0;
			utf8proc_ssize_t m = utf8proc_decompose_char((utf8proc_int32_t)c, dec, 8, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, &last);
			for (utf8proc_ssize_t j = 0; j < m && j < 8; j++) {
				uint32_t d = (uint32_t)dec[j];
				enum cls dc = classify(d);
				if (dc == C_MARK)
					continue; /* hamza marks from decomposed ligatures; folded anyway */
				if (t.n && t.cls != dc && !(t.cls == C_OTHER && dc == C_LATIN)) {
					if ((rc = flush(&r, &t)))
						return rc;
				}
				if (dc == C_SEP || dc == C_APOS || dc == C_NUMSEP) {
					if ((rc = flush(&r, &t)))
						return rc;
					continue;
				}
				tok_add(&t, dc, d, start, end);
			}
			continue;
		}
		enum cls cls = classify(c);
		if (cls != C_DIGIT && cls != C_NUMSEP)
			split_numbers = 0;
		switch (cls) {
		case C_MARK:
			if (t.n)
				t.end = end; /* diacritics and tatweel belong to the word, not to the term */
			break;
		case C_AR:
		case C_LATIN:
		case C_OTHER:
			if (t.n && t.cls != cls && (rc = flush(&r, &t)))
				return rc;
			tok_add(&t, cls, c, start, end);
			break;
		case C_DIGIT: {
			int d = arabic_digit(c);
			if (t.n && t.cls != C_DIGIT && (rc = flush(&r, &t)))
				return rc;
			tok_add(&t, C_DIGIT, d >= 0 ? (uint32_t)('0' + d) : c, start, end);
			break;
		}
		case C_NUMSEP:
			/*
			 * "113.14", "2-22-431", "12/2020": one number term with '.' between parts.
			 * Only when the first part is short, as in legal numbers: "1922-1991" or
			 * "2024-05-12" stay separate numbers (years are searched on their own).
			 */
			if (t.n && t.cls == C_DIGIT && i < n) {
				uint32_t nc;
				int nk = utf8_decode(p + i, n - i, &nc);
				if (nk > 0 && classify(nc) == C_DIGIT) {
					if (!split_numbers && first_part_short(&t)) {
						tok_add(&t, C_DIGIT, '.', start, end);
						break;
					}
					split_numbers = 1; /* the rest of "2024-05-12" stays apart too */
				}
			}
			if ((rc = flush(&r, &t)))
				return rc;
			break;
		default:
			if ((rc = flush(&r, &t)))
				return rc;
		}
	}
	return flush(&r, &t);
}

/* ---- language guess ---- */

static size_t count_occurrences(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w), count = 0;
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == w[0] && !memcmp(s + i, w, k))
			count++;
	return count;
}

enum text_lang text_guess_lang(const char *text, size_t n)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t ar = 0, latin = 0, en_hits = 0, fr_hits = 0;
	static const char *en_words[] = {" the ", " and ", " of ", " to ", " is ", " for ", " with "};
	static const char *fr_words[] = {" le ", " la ", " les ", " des ", " et ", " du ", " pour "};
	size_t limit = n < 200000 ? n : 200000;
	for (size_t i = 0; i < limit;) {
		uint32_t c;
		int k = utf8_decode(p + i, limit - i, &c);
		if (k < 0) {
			i++;
			continue;
		}
		i += (size_t)k;
		enum cls cl = classify(c);
		if (cl == C_AR)
			ar++;
		else if (cl == C_LATIN)
			latin++;
	}
	if (ar >= latin)
		return ar ? LANG_AR : LANG_FR;
	for (size_t w = 0; w < ARRAY_SIZE(en_words); w++) {
		en_hits += count_occurrences(text, limit, en_words[w]);
		fr_hits += count_occurrences(text, limit, fr_words[w]);
	}
	return en_hits > fr_hits ? LANG_EN : LANG_FR;
}

const char *text_lang_code(enum text_lang l)
{
	switch (l) {
	case LANG_AR:
		return "ar";
	case LANG_FR:
		return "fr";
	case LANG_EN:
		return "en";
	default:
		return "";
	}
}

enum text_lang text_lang_parse(const char *code)
{
	if (!code)
		return LANG_NONE;
	if (!strcmp(code, "ar"))
		return LANG_AR;
	if (!strcmp(code, "fr"))
		return LANG_FR;
	if (!strcmp(code, "en"))
		return LANG_EN;
	return LANG_NONE;
}
