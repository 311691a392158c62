/*
 * PDF through poppler-glib. Every block carries its 1-based page.
 *
 * poppler_page_get_text alone is not enough for Arabic: it gives right-to-left
 * text in visual order (each letter wrapped in U+202B ... U+202C), and can cut
 * one printed line in two. So the text is rebuilt from it and its layout (one
 * rectangle per character): lines that share a baseline are joined, each line
 * holding right-to-left letters is put back in logical (reading) order, and a
 * wide vertical gap between lines starts a new paragraph. When the layout does
 * not match the text, the text is used as poppler gives it.
 *
 * Poppler's own diagnostics for damaged files ("Syntax Error ...") go through the
 * callback poppler-glib installs, which hands them to g_log at INFO level in the
 * "Poppler" domain. glib's default handler prints INFO only when G_MESSAGES_DEBUG
 * asks for it, and then on stdout, where it would mix with the program's output;
 * so a handler for that one domain drops INFO and DEBUG. Nothing else is touched.
 */
#include <poppler.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "hub/extract.h"
#include "hub/extract_priv.h"
#include "base/banned.h"

/*
 * Where to look for the end-of-file marker. Writers put it last, though some
 * servers append a little junk; a file cut short (an interrupted download) has
 * none near its end.
 */
#define EOF_WINDOW 8192

static int has_eof_marker(const unsigned char *data, size_t n)
{
	size_t from = n > EOF_WINDOW ? n - EOF_WINDOW : 0;
	return extract_find(data + from, n - from, "%%EOF", 5) != NULL;
}

static void drop_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)data;
}

static void quiet_poppler(void)
{
	static gsize done = 0;
	if (g_once_init_enter(&done)) {
		g_log_set_handler("Poppler", G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, drop_log, NULL);
		g_once_init_leave(&done, 1);
	}
}

/* ---- rebuilding a page's text ---- */

enum { CLS_NEUTRAL, CLS_L, CLS_R, CLS_MARK };

/* A rough bidi class: enough to find runs; not the Unicode algorithm. */
static int bidi_class(uint32_t c)
{
	if ((c >= 0x300 && c <= 0x36F) || (c >= 0x610 && c <= 0x61A) || (c >= 0x64B && c <= 0x65F) || c == 0x670 ||
	    (c >= 0x6D6 && c <= 0x6DC) || (c >= 0x6DF && c <= 0x6E4) || c == 0x6E7 || c == 0x6E8 ||
	    (c >= 0x6EA && c <= 0x6ED))
		return CLS_MARK;
	/* Digits, Arabic-Indic ones included, are written left to right. */
	if ((c >= '0' && c <= '9') || (c >= 0x660 && c <= 0x669) || (c >= 0x6F0 && c <= 0x6F9))
		return CLS_L;
	if ((c >= 0x590 && c <= 0x8FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF))
		return c == 0x60C ? CLS_NEUTRAL : CLS_R;
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return CLS_L;
	if (c < 0xC0 || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
	    (c >= 0xFE00 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF20))
		return CLS_NEUTRAL;
	return CLS_L;
}

/* The direction marks poppler puts around right-to-left words. */
static int is_bidi_control(uint32_t c)
{
	return c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

struct pchar {
	uint32_t cp;
	double x1, x2, y1, y2;
};

struct pline {
	size_t *v; /* indices into the page's characters, in poppler's order */
	size_t n, alloc;
	double x1, x2, y1, y2;
	int rtl, ltr;     /* strong characters of each direction */
	int blank_before; /* poppler left an empty line before this one */
};

struct sortkey {
	double x;
	size_t ord;
};

static int sortkey_cmp(const void *a, const void *b)
{
	const struct sortkey *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->ord < q->ord ? -1 : p->ord > q->ord;
}

static void line_add(struct pline *ln, const struct pchar *ch, size_t i)
{
	ln->v = xgrow(ln->v, &ln->alloc, ln->n + 1, sizeof(*ln->v));
	ln->v[ln->n++] = i;
	int cls = bidi_class(ch[i].cp);
	ln->rtl += cls == CLS_R;
	ln->ltr += cls == CLS_L && ch[i].cp > '9';
	if (ch[i].cp == ' ')
		return;        /* spaces can be stretched oddly; they do not place a line */
	if (ln->x2 < ln->x1) { /* the first character with a box */
		ln->x1 = ch[i].x1;
		ln->x2 = ch[i].x2;
		ln->y1 = ch[i].y1;
		ln->y2 = ch[i].y2;
		return;
	}
	if (ch[i].x1 < ln->x1)
		ln->x1 = ch[i].x1;
	if (ch[i].x2 > ln->x2)
		ln->x2 = ch[i].x2;
	if (ch[i].y1 < ln->y1)
		ln->y1 = ch[i].y1;
	if (ch[i].y2 > ln->y2)
		ln->y2 = ch[i].y2;
}

static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

/* Two pieces of one printed line of right-to-left text, which poppler split. */
static int same_line(const struct pline *a, const struct pline *b)
{
	if (!a->rtl || !b->rtl || b->blank_before)
		return 0;
	double overlap = dmin(a->y2, b->y2) - dmax(a->y1, b->y1);
	double h = dmin(a->y2 - a->y1, b->y2 - b->y1);
	return overlap >= 0.5 * h && (b->x1 >= a->x2 - 1.0 || b->x2 <= a->x1 + 1.0);
}

static double gap(const struct pline *a, const struct pline *b)
{
	return b->y1 - a->y2;
}

static int double_cmp(const void *a, const void *b)
{
	double p = *(const double *)a, q = *(const double *)b;
	return (p > q) - (p < q);
}

/*
 * The usual gap between consecutive lines of the page (the lower quartile: most
 * lines of a page sit inside paragraphs), so that a document set in 1.5 or double
 * spacing does not get a paragraph per line.
 */
static double typical_gap(const struct pline *lines, size_t n)
{
	double *g = xcalloc(n ? n : 1, sizeof(*g));
	size_t k = 0;
	double m = 0;
	for (size_t i = 1; i < n; i++)
		if (gap(&lines[i - 1], &lines[i]) >= 0)
			g[k++] = gap(&lines[i - 1], &lines[i]);
	if (k) {
		qsort(g, k, sizeof(*g), double_cmp);
		m = g[k / 4];
	}
	free(g);
	return m;
}

/*
 * A new paragraph: an empty line, a gap wider than usual by 40% of a line's
 * height, or a jump up the page (a new column). The usual gap counts for at most
 * 75% of a line's height (double spacing), so a page of one-line paragraphs
 * still comes apart.
 */
static int paragraph_break(const struct pline *a, const struct pline *b, double usual)
{
	double h = dmin(a->y2 - a->y1, b->y2 - b->y1);
	return b->blank_before || gap(a, b) > dmin(usual, 0.75 * h) + 0.4 * h || b->y2 <= a->y1;
}

static void reverse(size_t *v, size_t i, size_t j)
{
	while (i < j) {
		size_t t = v[i];
		v[i++] = v[j];
		v[j--] = t;
	}
}

/*
 * Reverses the runs of class `cls` in v (with the neutrals inside a run): the
 * letters of the other direction inside a line, which the page shows reversed.
 */
static void reverse_runs(const struct pchar *ch, size_t *v, size_t n, int cls)
{
	int other = cls == CLS_L ? CLS_R : CLS_L;
	for (size_t i = 0; i < n;) {
		if (bidi_class(ch[v[i]].cp) != cls) {
			i++;
			continue;
		}
		size_t last = i;
		for (size_t k = i + 1; k < n && bidi_class(ch[v[k]].cp) != other; k++)
			if (bidi_class(ch[v[k]].cp) == cls)
				last = k;
		reverse(v, i, last);
		i = last + 1;
	}
}

/*
 * Puts a line holding right-to-left letters in logical order: characters by
 * their place on the page (visual order), then the whole line reversed when it is
 * mostly right-to-left, with the left-to-right runs (numbers, Latin words) turned
 * back, or only the right-to-left runs reversed otherwise. Combining marks (Arabic
 * vowel signs) stay after the letter they sit on.
 */
static void line_logical(const struct pchar *ch, struct pline *ln)
{
	struct sortkey *keys = xcalloc(ln->n, sizeof(*keys));
	size_t *base_of = xcalloc(ln->n, sizeof(*base_of)); /* for marks: position of their letter in v */
	size_t *order = xcalloc(ln->n, sizeof(*order));
	size_t nb = 0, no = 0;

	for (size_t i = 0; i < ln->n; i++) {
		const struct pchar *c = &ch[ln->v[i]];
		if (bidi_class(c->cp) == CLS_MARK)
			continue;
		keys[nb].x = (c->x1 + c->x2) / 2;
		keys[nb].ord = i;
		nb++;
	}
	qsort(keys, nb, sizeof(*keys), sortkey_cmp);
	for (size_t i = 0; i < nb; i++)
		order[i] = ln->v[keys[i].ord];
	if (ln->rtl >= ln->ltr) {
		reverse(order, 0, nb ? nb - 1 : 0);
		reverse_runs(ch, order, nb, CLS_L);
	} else {
		reverse_runs(ch, order, nb, CLS_R);
	}
	/* Each mark goes after the letter before it in poppler's order (or the next one). */
	size_t prev = SIZE_MAX;
	for (size_t i = 0; i < ln->n; i++) {
		if (bidi_class(ch[ln->v[i]].cp) != CLS_MARK) {
			prev = ln->v[i];
			continue;
		}
		size_t b = prev;
		for (size_t k = i + 1; b == SIZE_MAX && k < ln->n; k++)
			if (bidi_class(ch[ln->v[k]].cp) != CLS_MARK)
				b = ln->v[k];
		base_of[i] = b;
	}
	/* Rebuilds v: letters in logical order, each followed by its marks. */
	size_t *v = xcalloc(ln->n, sizeof(*v));
	for (size_t i = 0; i < ln->n; i++)
		if (bidi_class(ch[ln->v[i]].cp) == CLS_MARK && base_of[i] == SIZE_MAX)
			v[no++] = ln->v[i]; /* a line of marks alone */
	/* Marks are few; their letters are found through a sorted copy. */
	struct sortkey *marks = xcalloc(ln->n, sizeof(*marks));
	size_t nm = 0;
	for (size_t i = 0; i < ln->n; i++)
		if (bidi_class(ch[ln->v[i]].cp) == CLS_MARK && base_of[i] != SIZE_MAX) {
			marks[nm].x = (double)base_of[i];
			marks[nm].ord = i;
			nm++;
		}
	qsort(marks, nm, sizeof(*marks), sortkey_cmp);
	for (size_t i = 0; i < nb; i++) {
		v[no++] = order[i];
		size_t lo = 0, hi = nm;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (marks[mid].x < (double)order[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < nm && marks[lo].x == (double)order[i]; lo++)
			v[no++] = ln->v[marks[lo].ord];
	}
	free(ln->v);
	ln->v = v;
	ln->alloc = ln->n;
	free(marks);
	free(order);
	free(base_of);
	free(keys);
}

static void append_cp(struct buf *out, uint32_t cp)
{
	char enc[4] = {0};
	buf_append(out, enc, (size_t)utf8_encode(cp, enc));
}

/* The text of one page in logical order, with a blank line between paragraphs. */
static void page_text(PopplerPage *page, struct buf *out)
{
	char *text = poppler_page_get_text(page);
	PopplerRectangle *rects = NULL;
	guint nrects = 0;
	struct pchar *ch = NULL;
	size_t nch = 0, ach = 0;
	struct pline *lines = NULL;
	size_t nl = 0, al = 0;

	buf_reset(out);
	if (!text)
		goto cleanup;
	const unsigned char *p = (const unsigned char *)text;
	size_t len = strlen(text);
	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		int k = utf8_decode(p + i, len - i, &cp);
		if (k < 0) {
			cp = 0xFFFD;
			k = 1;
		}
		i += (size_t)k;
		if (is_bidi_control(cp))
			continue;
		ch = xgrow(ch, &ach, nch + 1, sizeof(*ch));
		ch[nch].cp = cp;
		ch[nch].x1 = ch[nch].x2 = ch[nch].y1 = ch[nch].y2 = 0;
		nch++;
	}
	if (!poppler_page_get_text_layout(page, &rects, &nrects) || nrects != nch) {
		/* Poppler's text as it is, without its direction marks. */
		for (size_t i = 0; i < nch; i++)
			append_cp(out, ch[i].cp);
		goto cleanup;
	}
	for (size_t i = 0; i < nch; i++) {
		ch[i].x1 = dmin(rects[i].x1, rects[i].x2);
		ch[i].x2 = dmax(rects[i].x1, rects[i].x2);
		ch[i].y1 = dmin(rects[i].y1, rects[i].y2);
		ch[i].y2 = dmax(rects[i].y1, rects[i].y2);
	}
	/* Poppler's lines; pieces of one printed right-to-left line are joined. */
	int blank = 0;
	struct pline cur = {NULL, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	for (size_t i = 0; i <= nch; i++) {
		if (i < nch && ch[i].cp != '\n') {
			line_add(&cur, ch, i);
			continue;
		}
		if (cur.x2 < cur.x1) { /* nothing but spaces */
			blank += i < nch;
			cur.n = 0;
			cur.rtl = cur.ltr = 0;
			continue;
		}
		cur.blank_before = blank;
		blank = 0;
		if (nl && same_line(&lines[nl - 1], &cur)) {
			struct pline *prev = &lines[nl - 1];
			for (size_t k = 0; k < cur.n; k++)
				line_add(prev, ch, cur.v[k]);
			cur.n = 0;
		} else {
			lines = xgrow(lines, &al, nl + 1, sizeof(*lines));
			lines[nl++] = cur;
			cur.v = NULL;
			cur.n = cur.alloc = 0;
		}
		cur.x1 = 1;
		cur.x2 = 0;
		cur.y1 = cur.y2 = 0;
		cur.rtl = cur.ltr = 0;
	}
	free(cur.v);
	double usual = typical_gap(lines, nl);
	for (size_t l = 0; l < nl; l++) {
		if (lines[l].rtl)
			line_logical(ch, &lines[l]);
		if (l)
			buf_appends(out, paragraph_break(&lines[l - 1], &lines[l], usual) ? "\n\n" : "\n");
		for (size_t k = 0; k < lines[l].n; k++)
			append_cp(out, ch[lines[l].v[k]].cp);
	}
cleanup:
	for (size_t l = 0; l < nl; l++)
		free(lines[l].v);
	free(lines);
	free(ch);
	g_free(rects);
	g_free(text);
}

int extract_pdf(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	GBytes *bytes = NULL;
	GError *gerr = NULL;
	PopplerDocument *doc = NULL;
	struct buf text = BUF_INIT;
	int rc = 0;

	/*
	 * Poppler repairs what it can of a cut-off file and would hand back only the
	 * pages it found; silently taking in half a document is worse than refusing it.
	 */
	if (!has_eof_marker(data, n)) {
		rc = err_set(e, ERR_FORMAT, "%s: the file is damaged or incomplete (truncated PDF)", name);
		goto cleanup;
	}
	quiet_poppler();
	/* Static: the document is freed before this function returns, so data outlives it. */
	bytes = g_bytes_new_static(data, n);
	doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	if (!doc) {
		if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
			rc = err_set(e, ERR_ENCRYPTED,
			             "%s: the PDF is protected by a password; save a copy without the password (or ask "
			             "for one) and add that instead",
			             name);
		else
			rc = err_set(e, ERR_FORMAT, "%s: the file is damaged or incomplete (not a readable PDF)", name);
		goto cleanup;
	}
	int pages = poppler_document_get_n_pages(doc);
	x->pages = pages > 0 ? pages : 0;
	for (int i = 0; i < pages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (!page) {
			rc = err_set(e, ERR_FORMAT, "%s: the file is damaged (page %d cannot be read)", name, i + 1);
			goto cleanup;
		}
		page_text(page, &text);
		g_object_unref(page);
		rc = extract_paragraphs(x, buf_str(&text), text.len, i + 1, name, e);
		if (rc < 0)
			goto cleanup;
	}
	if (pages <= 0) {
		rc = err_set(e, ERR_EMPTY, "%s: the PDF has no pages", name);
		goto cleanup;
	}
	if (!x->n) {
		rc = err_set(e, ERR_EMPTY,
		             "%s: the PDF has no text layer (it looks like a scanned image); run text recognition "
		             "(OCR) on it first, for example with ocrmypdf, then add the result",
		             name);
		goto cleanup;
	}
	char *title = poppler_document_get_title(doc);
	if (title)
		extract_set_title(x, title, strlen(title));
	g_free(title);
cleanup:
	if (doc)
		g_object_unref(doc);
	if (bytes)
		g_bytes_unref(bytes);
	if (gerr)
		g_error_free(gerr);
	buf_release(&text);
	return rc;
}
