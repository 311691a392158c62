/*
 * Legal references (see refs.h).
 *
 * The text is first folded into a matching form (Arabic-Indic and Persian digits
 * to ASCII, presentation forms to letters, hamza and alef variants to bare alef,
 * harakat and tatweel dropped, Latin lowercased and stripped of accents, dash,
 * slash and space variants unified), keeping for every folded byte the offset of
 * the original character it came from. One PCRE2 pattern then finds citations in
 * the folded text; offsets are mapped back so callers see the original bytes.
 * Folding first keeps the pattern readable: it only has to know one spelling of
 * each word.
 *
 * Every repeat in the pattern is bounded or possessive, so one match attempt does
 * a bounded amount of work and a scan of the whole text stays linear.
 */
#include "hub/refs.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/utf8.h"
#include "base/banned.h"

/* ---- folding ---- */

/* The folded text and, per folded byte, the offset of its source character. */
struct folded {
	char *s;
	size_t n, alloc;
	size_t *map;
	size_t map_alloc;
};

/* U+FE80..U+FEF4 (Arabic Presentation Forms-B letters) to their base letters. */
static const uint16_t forms_b[] = {
	0x0621, 0x0622, 0x0622, 0x0623, 0x0623, 0x0624, 0x0624, 0x0625, 0x0625, 0x0626,
	0x0626, 0x0626, 0x0626, 0x0627, 0x0627, 0x0628, 0x0628, 0x0628, 0x0628, 0x0629,
	0x0629, 0x062A, 0x062A, 0x062A, 0x062A, 0x062B, 0x062B, 0x062B, 0x062B, 0x062C,
	0x062C, 0x062C, 0x062C, 0x062D, 0x062D, 0x062D, 0x062D, 0x062E, 0x062E, 0x062E,
	0x062E, 0x062F, 0x062F, 0x0630, 0x0630, 0x0631, 0x0631, 0x0632, 0x0632, 0x0633,
	0x0633, 0x0633, 0x0633, 0x0634, 0x0634, 0x0634, 0x0634, 0x0635, 0x0635, 0x0635,
	0x0635, 0x0636, 0x0636, 0x0636, 0x0636, 0x0637, 0x0637, 0x0637, 0x0637, 0x0638,
	0x0638, 0x0638, 0x0638, 0x0639, 0x0639, 0x0639, 0x0639, 0x063A, 0x063A, 0x063A,
	0x063A, 0x0641, 0x0641, 0x0641, 0x0641, 0x0642, 0x0642, 0x0642, 0x0642, 0x0643,
	0x0643, 0x0643, 0x0643, 0x0644, 0x0644, 0x0644, 0x0644, 0x0645, 0x0645, 0x0645,
	0x0645, 0x0646, 0x0646, 0x0646, 0x0646, 0x0647, 0x0647, 0x0647, 0x0647, 0x0648,
	0x0648, 0x0649, 0x0649, 0x064A, 0x064A, 0x064A, 0x064A,
};

/* U+00C0..U+00FF to lowercase ASCII; NULL keeps the character (× and ÷). */
static const char *const latin1[] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", "th", "y",
};

static int is_dropped(uint32_t c)
{
	/* Marks and invisible controls that PDF and Word text carry between letters. */
	return c == 0x0640 || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
	       (c >= 0x06D6 && c <= 0x06DC) || (c >= 0x06DF && c <= 0x06E4) ||
	       c == 0x06E7 || c == 0x06E8 || (c >= 0x06EA && c <= 0x06ED) ||
	       c == 0x061C || c == 0x00AD || (c >= 0x200B && c <= 0x200F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF || (c >= 0xFE70 && c <= 0xFE7F);
}

/*
 * Writes the folded form of c into out (at most 8 bytes) and returns its length:
 * 0 drops the character, -1 keeps it unchanged.
 */
static int fold_char(uint32_t c, char out[8])
{
	uint32_t r = c;

	if (c < 0x80) {
		if (c >= 'A' && c <= 'Z') {
			out[0] = (char)(c + 32);
			return 1;
		}
		return -1;
	}
	if (is_dropped(c))
		return 0;
	if (c >= 0xC0 && c <= 0xFF) {
		const char *s = latin1[c - 0xC0];
		if (!s)
			return -1;
		size_t len = strlen(s);
		memcpy(out, s, len);
		return (int)len;
	}
	if (c >= 0x0660 && c <= 0x0669) {
		out[0] = (char)('0' + (c - 0x0660));
		return 1;
	}
	if (c >= 0x06F0 && c <= 0x06F9) {
		out[0] = (char)('0' + (c - 0x06F0));
		return 1;
	}
	if (c >= 0xFF10 && c <= 0xFF19) {
		out[0] = (char)('0' + (c - 0xFF10));
		return 1;
	}
	if (c >= 0xFEF5 && c <= 0xFEFC) {
		/* Lam-alef ligatures: lam then a bare alef (hamza and madda folded). */
		return utf8_encode(0x0644, out) + utf8_encode(0x0627, out + 2);
	}
	if (c >= 0xFE80 && c <= 0xFEF4)
		r = forms_b[c - 0xFE80];

	switch (r) {
	case 0x0622: case 0x0623: case 0x0625: case 0x0671: case 0x0672: case 0x0673:
		r = 0x0627; /* آ أ إ ٱ → ا */
		break;
	case 0x0649: case 0x06CC:
		r = 0x064A; /* ى ی → ي */
		break;
	case 0x0629:
		r = 0x0647; /* ة → ه */
		break;
	case 0x06A9:
		r = 0x0643; /* ک → ك */
		break;
	case 0x066B: case 0x06D4: case 0xFF0E:
		r = '.';
		break;
	case 0x066C:
		r = ',';
		break;
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
	case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D:
		r = '-';
		break;
	case 0x2044: case 0x2215: case 0xFF0F:
		r = '/';
		break;
	case 0x00A0: case 0x202F: case 0x205F: case 0x3000:
		r = ' ';
		break;
	case 0x2028: case 0x2029:
		r = '\n';
		break;
	case 0x2018: case 0x2019: case 0x02BC: case 0x00B4: case 0x2032: case 0x0060:
		r = '\'';
		break;
	case 0x00BA: case 0x02DA:
		r = 0x00B0; /* nº and n˚ are written for n° */
		break;
	case 0x0152: case 0x0153:
		memcpy(out, "oe", 2);
		return 2;
	default:
		if (c >= 0x2000 && c <= 0x200A)
			r = ' ';
		break;
	}
	if (r == c)
		return -1;
	return utf8_encode(r, out);
}

static void fold_put(struct folded *f, const char *p, size_t len, size_t origin)
{
	f->s = xgrow(f->s, &f->alloc, f->n + len + 1, 1);
	f->map = xgrow(f->map, &f->map_alloc, f->n + len + 1, sizeof(*f->map));
	memcpy(f->s + f->n, p, len);
	for (size_t i = 0; i < len; i++)
		f->map[f->n + i] = origin;
	f->n += len;
	f->s[f->n] = '\0';
}

static void fold_text(const char *text, size_t n, struct folded *f)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i = 0;

	/* The folded text is rarely longer than the original; start there. */
	f->s = xgrow(f->s, &f->alloc, n + 1, 1);
	f->map = xgrow(f->map, &f->map_alloc, n + 1, sizeof(*f->map));
	f->s[0] = '\0';
	while (i < n) {
		uint32_t c = 0;
		char out[8];
		int len = utf8_decode(t + i, n - i, &c);
		if (len < 0) {
			/* Not UTF-8: a neutral byte keeps the folded text valid for PCRE2. */
			fold_put(f, "?", 1, i);
			i++;
			continue;
		}
		if (c == 0) {
			fold_put(f, " ", 1, i);
		} else {
			int m = fold_char(c, out);
			if (m < 0)
				fold_put(f, text + i, (size_t)len, i);
			else if (m > 0)
				fold_put(f, out, (size_t)m, i);
		}
		i += (size_t)len;
	}
}

static void folded_release(struct folded *f)
{
	free(f->s);
	free(f->map);
	memset(f, 0, sizeof(*f));
}

/* ---- the patterns (written in the folded spelling) ---- */

/* Separator inside a number: "113.14", "113-14", "113/14", "113 . 14". */
#define SEP "[ \\t]{0,2}[.\\-/][ \\t]{0,2}"
/* A number ends where no digit or separator-and-digit follows ("2.22.431" is not a law number). */
#define NOCONT "(?![0-9]|[.\\-/][0-9])"
#define N_LAW "(?<![0-9])[0-9]{1,3}" SEP "[0-9]{2}" NOCONT
#define N_DEC3 "(?<![0-9])[0-9]" SEP "[0-9]{2}" SEP "[0-9]{1,4}" NOCONT
/* Royal decrees of the 1960s are numbered like laws ("مرسوم ملكي رقم 1190.66"). */
#define N_DEC2 "(?<![0-9])[0-9]{2,4}" SEP "[0-9]{2}" NOCONT
/* PDF text of right-to-left pages sometimes reverses the parts: "240.63.1" for 1.63.240. */
#define N_REV3 "(?<![0-9])[0-9]{2,4}" SEP "[0-9]{2}" SEP "[1-3]" NOCONT
#define N_CIR "(?<![0-9])[0-9]{1,5}(?:" SEP "[0-9]{1,4}){0,2}" NOCONT
#define N_CIRSEP "(?<![0-9])[0-9]{1,5}(?:" SEP "[0-9]{1,4}){1,2}" NOCONT

/* Arabic proclitics: و ف then ب ك with the article, لل, or a bare ب ل ك. */
#define APFX "(?&apfx)"
#define APFX_DEF "(?<apfx>[وف]?(?:[بك]?ال ?|لل)|[وف]?[بلك]?)"
/* A word ends here (Arabic words often run straight into a digit in PDF text). */
#define KEND "(?![\\p{L}\\p{M}])"
/* The end of a kind word, which PDF text sometimes runs into "رقم": "مرسومرقم". */
#define KWEND "(?:(?![\\p{L}\\p{M}])|(?=رقم))"
/* "رقم", "n°", "no", "n" before a digit; PDF text may put a stray ". ، :" after it. */
#define NUMW "(?:رقم|n ?°s?|n ?o\\.?(?=[\\s0-9])|n\\.|n(?= ?[0-9])|numero|number)"
#define NUMW_SP "\\s*+[«»\"]?\\s*+" NUMW "\\s*+(?:[:،,.]\\s*+)?"
/*
 * Words that may not sit between a kind and its number: another kind, "n°", or
 * the Official Bulletin ("المنشور بالجريدة الرسمية رقم" is "published in", not a circular).
 */
#define STOPW \
	"(?:[وفبكل]{0,2}(?:ال)?(?:مرسوم|مراسيم|ظهير|ظهائ|منشور|دوري|ماده|مادت|مواد|فصل|رقم|جريده)" \
	"|(?:l')?(?:decret|decree|dahir|circula|article|art\\.|bulletin)|n ?°|no" KEND "|n\\.)"
/* Up to six words between a kind and "رقم"/"n°": "القانون المشار إليه أعلاه رقم". */
#define GAP_DEF \
	"(?<gap>\\s*+(?:(?<![0-9])(?:1[89]|20)[0-9]{2}(?![0-9])" \
	"|(?<=\\s)(?!" STOPW ")(?:(?!رقم)[^\\s0-9.,;:،؛()\\[\\]«»\"]){1,30}+))"
#define INTRO "(?&intro)"
#define INTRO_DEF "(?<intro>(?&gap){0,6}?" NUMW_SP "|\\s*+)"
/* The next number of a list: "31.13 و12.14", "2.11.428 ورقم 2.14.192", "31-13 et n° 12-14". */
#define NSEP "(?&nsep)"
#define NSEP_DEF "(?<nsep>\\s*+(?:[،,]\\s*+(?:(?:و|et)\\s*+)?|و\\s*+(?:[،,]\\s*+)?|et\\s++)(?:" NUMW "\\s*+(?:[:،,.]\\s*+)?)?)"
/* Lists of cited texts stop at 20 numbers so that one match stays bounded. */
#define LIST(n) "(?:" n ")(?:" NSEP "(?:" n ")){0,20}+"

/* PDF text of some fonts swaps lam and mim: "املادة" for "المادة". */
#define AMAL "[وف]?[بك]?امل"

/* Singular, dual and plural of each kind. */
#define W_QANUN "(?:قانون|قانونين|قانونان|قوانين)"
#define K_ORG \
	"(?:" APFX W_QANUN "\\s++(?:ال)?(?:تنظيمي|تنظيميين|تنظيميان|تنظيميه)" \
	"|(?:lois?|laws?)[\\s\\-]++organiques?|organic\\s++laws?)" KWEND
#define K_LAW \
	"(?:" APFX W_QANUN "(?:\\s*+-?\\s*+(?:ال|اال)?اطار)?|lois?(?:[\\s\\-]++cadres?)?|(?:framework\\s++)?laws?)" KWEND
#define K_DEC \
	"(?:(?:" APFX "(?:مرسوم|مرسومين|مرسومان|مراسيم)|" AMAL "رسوم)(?:\\s++(?:ال)?ملكي(?:ين|ه)?)?(?:\\s*+-?\\s*+(?:ال|ب)قانون)?" \
	"|decrets?(?:[\\s\\-]++(?:royal|royaux|lois?))?|(?:royal\\s++)?decrees?(?:-laws?)?)" KWEND
#define K_DAH \
	"(?:" APFX "(?:ظهير|ظهيرين|ظهيران|ظهائر)(?:\\s*+(?:ال)?شريف(?:ين|ان|ه)?)?|dahirs?(?:\\s++cheri(?:f|fien))?)" KWEND
/* "منشور" also means "published", "دورية" "periodic": a circular needs "رقم" or a number with a separator. */
#define K_CIR "(?:" APFX "(?:منشور|منشورين|منشورات|دوريه|دوريتين|دوريات)|circulaires?|circulars?)" KWEND

/* Number shapes, defined once (lists call them up to 21 times). */
#define NUM_DEF \
	"(?<nlaw>" N_LAW ")(?<ndec>" N_DEC3 "|" N_DEC2 "|" N_REV3 ")(?<ndah>" N_DEC3 "|" N_REV3 ")" \
	"(?<ncir>" N_CIR ")(?<ncirsep>" N_CIRSEP ")"

#define LAW \
	"(?:" K_ORG INTRO "(?<org>" LIST("(?&nlaw)") ")" \
	"|" K_LAW INTRO "(?:(?<law>" LIST("(?&nlaw)") ")|(?<lawdah>" LIST("(?&ndah)") "))" \
	"|" K_DEC INTRO "(?<dec>" LIST("(?&ndec)") ")" \
	"|" K_DAH INTRO "(?<dah>" LIST("(?&ndah)") ")" \
	"|" K_CIR "(?:(?&gap){0,6}?" NUMW_SP "(?<cir>" LIST("(?&ncir)") ")|\\s*+(?<cir2>" LIST("(?&ncirsep)") ")))"

/* Arabic ordinals; "الثانية عشرة" (twelfth) is not "الثانية". */
#define ORD \
	"(?:(?:الا|اال)ولي|(?:الا|اال)ول|الثانيه|الثالثه|الرابعه|الخامسه|السادسه|السابعه" \
	"|الثامنه|التاسعه|العاشره)" KEND "(?!\\s+عشر)"
/* An article number: "12", "(12)", "1er", "12-1", "12 مكرر", "5 bis". */
#define ARTNUM "(?&artnum)"
#define ARTNUM_DEF \
	"(?<artnum>(?:\\(\\s*+)?(?<![0-9])[0-9]{1,4}(?![0-9])(?:[\\-.][0-9]{1,3}(?![0-9]))?" NOCONT \
	"(?:er|eme)?(?:\\s*+(?:مكرر(?:ه|ا)?|bis|ter|quater|quinquies)" KEND ")?(?:\\s*\\))?)"
/* One more number of an article list: "، 13", "و13", "إلى 15", "et 13", "à 15". */
#define MORE_DEF \
	"(?<more>\\s*+(?:[،,]\\s*+(?:(?:و|et)\\s*+)?|و\\s*+|او\\s*+|(?:الي|حتي)\\s*+|(?:et|ou|a|au)\\s++)" ARTNUM ")"
/* Article lists stop after 200 numbers so that one match stays bounded. */
#define ART_DEF \
	"(?<art>(?:" APFX "(?:مادتين|مادتان|مواد|فصلين|فصلان|فصول)|" AMAL "(?:ادتين|ادتان|واد))" KWEND \
	"\\s*+(?:من\\s*+)?(?:رقم\\s*+)?" ARTNUM "(?&more){0,200}+" \
	"|(?:" APFX "ماده|" AMAL "اده)" KWEND "\\s*+(?:رقم\\s*+)?(?:" ARTNUM "|" ORD ")" \
	"|" APFX "فصل" KWEND "\\s*+(?:رقم\\s*+)?" ARTNUM \
	"|articles" KEND "\\s*+(?:de\\s++)?" ARTNUM "(?&more){0,200}+" \
	"|(?:l')?(?:article|art\\.?)" KEND "\\s*+(?:" ARTNUM "|premier" KEND "))"
/* "المادة 12 من", "l'article 12 de la", "article 12 of the". */
#define CONN "(?:\\s*+[،,]?\\s*+من\\s*+|(?:\\s*+,\\s*+|\\s++)(?:de\\s++la|du|des|de|of(?:\\s++the)?)\\s++)"

/*
 * Shared pieces are defined once and called, which keeps the compiled pattern
 * small. An article that names its law is tried first, then a law, then a bare
 * article. Digits may run into the word before ("-5القانون" in PDF text), and
 * "ظهير شريف" is distinctive enough to be found glued to the word before it.
 */
static const char main_pattern[] =
	"(?(DEFINE)" APFX_DEF GAP_DEF INTRO_DEF NSEP_DEF NUM_DEF ARTNUM_DEF MORE_DEF ART_DEF ")"
	"(?:(?<![\\p{L}\\p{M}_])|(?=(?:ال)?ظهير\\s*+(?:ال)?شريف))(?:(?:(?<a1>(?&art))" CONN ")?" LAW "|(?<a2>(?&art)))";

/* Finds the numbers inside a matched article list. */
static const char artnum_pattern[] =
	"(?<rng>(?<![\\p{L}])(?:الي|حتي|a|au)\\s*+)?(?<num>(?<![0-9])[0-9]{1,4})(?![0-9])(?:[\\-.][0-9]{1,3}(?![0-9]))?"
	"|(?<ord>" ORD "|premier" KEND ")";

static const char key_pattern[] =
	"^\\s*+(law|organic-law|decree|dahir|circular|article)\\s*+:\\s*+([0-9]{1,5}(?:" SEP "[0-9]{1,4}){0,2})\\s*+$";

static const char number_pattern[] =
	"^\\s*+(?:" NUMW "\\s*+)?(" N_DEC3 "|" N_LAW "|[0-9]{1,5}/[0-9]{4})\\s*+$";

/* ---- compiled once ---- */

static pthread_once_t compile_once = PTHREAD_ONCE_INIT;
static pcre2_code *re_main, *re_artnum, *re_key, *re_number;
static int g_a1, g_a2, g_org, g_law, g_lawdah, g_dec, g_dah, g_cir, g_cir2, g_rng, g_num, g_ord;

static pcre2_code *compile_one(const char *pattern)
{
	int code = 0;
	PCRE2_SIZE off = 0;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		BUG("refs pattern does not compile at %zu: %s", (size_t)off, (const char *)msg);
	}
	/* JIT is an optimisation; the interpreter is used when it is not available. */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static int group(pcre2_code *re, const char *name)
{
	int g = pcre2_substring_number_from_name(re, (PCRE2_SPTR)name);
	if (g <= 0)
		BUG("refs pattern has no group %s", name);
	return g;
}

static void compile_all(void)
{
	re_main = compile_one(main_pattern);
	re_artnum = compile_one(artnum_pattern);
	re_key = compile_one(key_pattern);
	re_number = compile_one(number_pattern);
	g_a1 = group(re_main, "a1");
	g_a2 = group(re_main, "a2");
	g_org = group(re_main, "org");
	g_law = group(re_main, "law");
	g_lawdah = group(re_main, "lawdah");
	g_dec = group(re_main, "dec");
	g_dah = group(re_main, "dah");
	g_cir = group(re_main, "cir");
	g_cir2 = group(re_main, "cir2");
	g_rng = group(re_artnum, "rng");
	g_num = group(re_artnum, "num");
	g_ord = group(re_artnum, "ord");
}

/*
 * pcre2_match on folded (always valid) UTF-8. When JIT runs out of its stack
 * the interpreter, which keeps its frames on the heap, tries again.
 */
static int match_at(const pcre2_code *re, const char *s, size_t n, size_t start, pcre2_match_data *md)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, PCRE2_NO_UTF_CHECK, md, NULL);
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, md, NULL);
	return rc;
}

static int group_set(const PCRE2_SIZE *ov, int g)
{
	return ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] > ov[2 * g];
}

/* Digit runs of s[a, b) joined by '.' ("113 - 14" → "113.14"). */
static void join_digits(const char *s, size_t a, size_t b, char *out, size_t outsz)
{
	size_t o = 0;
	int in_run = 0;

	for (size_t i = a; i < b && o + 2 < outsz; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (!in_run && o > 0)
				out[o++] = '.';
			out[o++] = s[i];
			in_run = 1;
		} else {
			in_run = 0;
		}
	}
	out[o] = '\0';
}

/* Most numbers one citation lists ("المراسيم رقم 2.21.83 و2.21.84 و2.21.85"). */
#define MAX_NUMBERS 24

struct numbers {
	char v[MAX_NUMBERS][32];
	size_t n;
};

static size_t skip_blanks(const char *s, size_t i, size_t b)
{
	for (int k = 0; k < 2 && i < b && (s[i] == ' ' || s[i] == '\t'); k++)
		i++;
	return i;
}

/*
 * Splits a matched number list of s[a, b) into normalised numbers. A number is
 * digit runs joined by separators with at most two blanks around them;
 * anything else ("و", "et", "رقم") goes between numbers. With `reversed_ok`,
 * "240.63.1" (parts reversed by right-to-left PDF text) is read as 1.63.240.
 */
static void split_numbers(const char *s, size_t a, size_t b, int reversed_ok, struct numbers *out)
{
	size_t i = a;

	out->n = 0;
	while (i < b && out->n < MAX_NUMBERS) {
		if (s[i] < '0' || s[i] > '9') {
			i++;
			continue;
		}
		size_t part_at[4] = {0}, part_len[4] = {0};
		size_t parts = 0;
		for (;;) {
			size_t st = i;
			while (i < b && s[i] >= '0' && s[i] <= '9')
				i++;
			if (parts < 4) {
				part_at[parts] = st;
				part_len[parts] = i - st;
			}
			parts++;
			size_t j = skip_blanks(s, i, b);
			if (j >= b || (s[j] != '.' && s[j] != '-' && s[j] != '/'))
				break;
			j = skip_blanks(s, j + 1, b);
			if (j >= b || s[j] < '0' || s[j] > '9')
				break;
			i = j;
		}
		if (parts > 4)
			parts = 4;
		int rev = reversed_ok && parts == 3 && part_len[0] >= 2 && part_len[2] == 1;
		char *o = out->v[out->n];
		size_t len = 0;
		for (size_t k = 0; k < parts; k++) {
			size_t p = rev ? parts - 1 - k : k;
			if (len + part_len[p] + 2 > sizeof(out->v[0]))
				break;
			if (k)
				o[len++] = '.';
			memcpy(o + len, s + part_at[p], part_len[p]);
			len += part_len[p];
		}
		o[len] = '\0';
		/* The same number twice in one list is one citation. */
		size_t d = 0;
		while (d < out->n && strcmp(out->v[d], o))
			d++;
		if (d == out->n)
			out->n++;
	}
}

static const struct {
	const char *word;
	int n;
} ordinals[] = {
	{"الاولي", 1}, {"االولي", 1}, {"الاول", 1}, {"االول", 1}, {"premier", 1},
	{"الثانيه", 2}, {"الثالثه", 3}, {"الرابعه", 4}, {"الخامسه", 5},
	{"السادسه", 6}, {"السابعه", 7}, {"الثامنه", 8}, {"التاسعه", 9}, {"العاشره", 10},
};

static int ordinal_value(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(ordinals); i++)
		if (strlen(ordinals[i].word) == len && !memcmp(ordinals[i].word, s, len))
			return ordinals[i].n;
	return 0;
}

/* Longest range "المواد من 1 إلى 50" is expanded to; longer ones keep their ends. */
#define RANGE_MAX 50

struct ints {
	int *v;
	size_t n, alloc;
};

static void ints_add(struct ints *l, int v)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return;
	l->v = xgrow(l->v, &l->alloc, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = v;
}

/* The article numbers named in folded s[a, b), in order, without repeats. */
static void article_numbers(const char *s, size_t a, size_t b, pcre2_match_data *md, struct ints *out)
{
	size_t pos = a;
	int prev = 0;

	while (pos < b) {
		int rc = match_at(re_artnum, s, b, pos, md);
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		int v = 0;
		if (group_set(ov, g_num)) {
			size_t i = ov[2 * g_num];
			for (; i < ov[2 * g_num + 1]; i++)
				v = v * 10 + (s[i] - '0');
			if (group_set(ov, g_rng) && prev > 0 && v > prev && v - prev <= RANGE_MAX)
				for (int k = prev + 1; k < v; k++)
					ints_add(out, k);
		} else if (group_set(ov, g_ord)) {
			v = ordinal_value(s + ov[2 * g_ord], ov[2 * g_ord + 1] - ov[2 * g_ord]);
		}
		if (v > 0) {
			ints_add(out, v);
			prev = v;
		}
		pos = ov[1] > pos ? ov[1] : pos + 1;
	}
}

static void add_ref(struct legal_refs *out, size_t first, const char *kind, const char *number,
		    int article, size_t start, size_t end)
{
	struct legal_ref r;

	memset(&r, 0, sizeof(r));
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	snprintf(r.number, sizeof(r.number), "%s", number);
	r.article = article;
	snprintf(r.key, sizeof(r.key), "%s:%s", kind, number);
	r.start = start;
	r.end = end;
	/* One match gives one (key, article) once, however often it was listed. */
	for (size_t i = first; i < out->n; i++)
		if (out->v[i].article == r.article && !strcmp(out->v[i].key, r.key))
			return;
	out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
	out->v[out->n++] = r;
}

static size_t orig_char_end(const char *text, size_t n, size_t at)
{
	uint32_t c = 0;
	int len = utf8_decode((const unsigned char *)text + at, n - at, &c);
	return at + (len > 0 ? (size_t)len : 1);
}

static void take_match(const char *text, size_t n, const struct folded *f, const PCRE2_SIZE *ov,
		       pcre2_match_data *md2, struct ints *arts, struct legal_refs *out)
{
	static const struct {
		const char *kind;
		int *group;
		int reversed_ok;
	} kinds[] = {
		{"organic-law", &g_org, 0}, {"law", &g_law, 0}, {"decree", &g_dec, 1},
		{"dahir", &g_dah, 1}, {"dahir", &g_lawdah, 1}, {"circular", &g_cir, 0}, {"circular", &g_cir2, 0},
	};
	const char *kind = NULL;
	struct numbers nums;
	size_t start = f->map[ov[0]];
	size_t end = orig_char_end(text, n, f->map[ov[1] - 1]);
	size_t first = out->n;
	int art_group = 0;

	nums.n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		int g = *kinds[i].group;
		if (group_set(ov, g)) {
			kind = kinds[i].kind;
			split_numbers(f->s, ov[2 * g], ov[2 * g + 1], kinds[i].reversed_ok, &nums);
			break;
		}
	}
	if (group_set(ov, g_a1))
		art_group = g_a1;
	else if (group_set(ov, g_a2))
		art_group = g_a2;

	arts->n = 0;
	if (art_group)
		article_numbers(f->s, ov[2 * art_group], ov[2 * art_group + 1], md2, arts);

	if (kind) {
		/* Every text cited, with every article named ("المادتان 3 و4 من القانونين ..."). */
		for (size_t k = 0; k < nums.n; k++) {
			if (arts->n == 0)
				add_ref(out, first, kind, nums.v[k], 0, start, end);
			for (size_t i = 0; i < arts->n; i++)
				add_ref(out, first, kind, nums.v[k], arts->v[i], start, end);
		}
	} else {
		for (size_t i = 0; i < arts->n; i++) {
			char a[16];
			snprintf(a, sizeof(a), "%d", arts->v[i]);
			add_ref(out, first, "article", a, 0, start, end);
		}
	}
}

int refs_extract(const char *text, size_t n, struct legal_refs *out)
{
	struct folded f = {NULL, 0, 0, NULL, 0};
	struct ints arts = {NULL, 0, 0};
	pcre2_match_data *md = NULL, *md2 = NULL;
	size_t pos = 0;

	pthread_once(&compile_once, compile_all);
	if (!text || !n)
		return 0;
	fold_text(text, n, &f);
	if (!f.n)
		goto cleanup;
	md = pcre2_match_data_create_from_pattern(re_main, NULL);
	md2 = pcre2_match_data_create_from_pattern(re_artnum, NULL);
	if (!md || !md2) {
		fprintf(stderr, "asurif: out of memory (PCRE2 match data)\n");
		abort();
	}
	while (pos < f.n) {
		int rc = match_at(re_main, f.s, f.n, pos, md);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			/* A resource limit at some start: step past one character and go on. */
			pos++;
			while (pos < f.n && ((unsigned char)f.s[pos] & 0xC0) == 0x80)
				pos++;
			continue;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (ov[1] <= ov[0]) {
			pos = ov[0] + 1;
			continue;
		}
		take_match(text, n, &f, ov, md2, &arts, out);
		pos = ov[1];
	}

cleanup:
	pcre2_match_data_free(md);
	pcre2_match_data_free(md2);
	free(arts.v);
	folded_release(&f);
	return 0;
}

void refs_release(struct legal_refs *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
	r->alloc = 0;
}

/* ---- what a person types ---- */

/* Longest input refs_parse_key looks at; a query, not a document. */
#define PARSE_MAX 1000

/* Text outside [a, b) has no digit and at most three words ("la", "voir la", ...). */
static int only_filler(const char *s, size_t n, size_t a, size_t b)
{
	int words = 0, in_word = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= a && i < b) {
			in_word = 0;
			continue;
		}
		if (c >= '0' && c <= '9')
			return 0;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			in_word = 0;
		} else if (!in_word) {
			in_word = 1;
			words++;
		}
	}
	return words <= 3;
}

int refs_parse_key(const char *input, char key[64], int *number_only)
{
	struct folded f = {NULL, 0, 0, NULL, 0};
	struct legal_refs refs = {NULL, 0, 0};
	pcre2_match_data *md = NULL;
	size_t len = 0;
	int ok = 0;

	pthread_once(&compile_once, compile_all);
	if (number_only)
		*number_only = 0;
	key[0] = '\0';
	if (!input)
		return 0;
	len = strlen(input);
	if (!len || len > PARSE_MAX)
		return 0;
	fold_text(input, len, &f);
	md = pcre2_match_data_create(8, NULL);
	if (!md) {
		fprintf(stderr, "asurif: out of memory (PCRE2 match data)\n");
		abort();
	}

	/* A key as refs_extract writes it: "law:113.14" (separators tolerated). */
	if (match_at(re_key, f.s, f.n, 0, md) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		char number[32];
		join_digits(f.s, ov[4], ov[5], number, sizeof(number));
		if (ov[3] - ov[2] == 7 && !memcmp(f.s + ov[2], "article", 7)) {
			if (strchr(number, '.'))
				goto cleanup;
			snprintf(key, 64, "article:%d", atoi(number));
		} else {
			snprintf(key, 64, "%.*s:%s", (int)(ov[3] - ov[2]), f.s + ov[2], number);
		}
		ok = 1;
		goto cleanup;
	}

	/* A bare number: any kind with that number. */
	if (match_at(re_number, f.s, f.n, 0, md) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		join_digits(f.s, ov[2], ov[3], key, 64);
		if (number_only)
			*number_only = 1;
		ok = 1;
		goto cleanup;
	}

	/* A phrase: the one citation it holds, with little else around it. */
	refs_extract(input, len, &refs);
	if (refs.n > 0 && only_filler(input, len, refs.v[0].start, refs.v[0].end)) {
		snprintf(key, 64, "%s", refs.v[0].key);
		ok = 1;
	}

cleanup:
	pcre2_match_data_free(md);
	refs_release(&refs);
	folded_release(&f);
	return ok;
}
