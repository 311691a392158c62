#include "hub/passages.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/banned.h"

static int starts_with(const char *s, size_t n, const char *w, size_t *len)
{
	size_t k = strlen(w);
	if (n >= k && !memcmp(s, w, k)) {
		*len = k;
		return 1;
	}
	return 0;
}

static int ascii_ieq(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if ((s[i] | 0x20) != w[i])
			return 0;
	return 1;
}

/* Length of the digits (ASCII or Arabic-Indic) at s. */
static size_t digits_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] >= '0' && s[i] <= '9') {
			i++;
			continue;
		}
		uint32_t c;
		int k = utf8_decode((const unsigned char *)s + i, n - i, &c);
		if (k > 0 && ((c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9))) {
			i += (size_t)k;
			continue;
		}
		break;
	}
	return i;
}

static const char *const ar_markers[] = {"المادة", "مادة", "الفصل", "فصل", "الماده"};
static const char *const ar_ordinals[] = {"الأولى", "الاولى", "الأول", "الاول", "الثانية", "الثاني",
					  "الثالثة", "الثالث", "الرابعة", "الرابع", "الخامسة", "الخامس",
					  "الفريدة", "الوحيدة", "الفريد", "الوحيد"};
static const char *const fr_words[] = {"premier", "1er", "unique", "première"};

size_t passages_article_label(const char *line, size_t n)
{
	size_t m = 0, i, k;
	int arabic = 0;
	for (size_t j = 0; j < sizeof(ar_markers) / sizeof(*ar_markers) && !m; j++)
		if (starts_with(line, n, ar_markers[j], &m))
			arabic = 1;
	if (!m) {
		if (ascii_ieq(line, n, "article"))
			m = 7;
		else if (ascii_ieq(line, n, "art."))
			m = 4;
		else
			return 0;
	}
	i = m;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == m && line[m - 1] != '.')
		return 0; /* "Articles", "المادتين": not a label */
	k = digits_len(line + i, n - i);
	if (k) {
		i += k;
		/* "12-1", "12 bis", "12 مكرر" */
		if (i + 1 < n && line[i] == '-' && line[i + 1] >= '0' && line[i + 1] <= '9')
			i += 1 + digits_len(line + i + 1, n - i - 1);
	} else {
		size_t w = 0;
		const char *const *list = arabic ? ar_ordinals : fr_words;
		size_t count = arabic ? sizeof(ar_ordinals) / sizeof(*ar_ordinals) : sizeof(fr_words) / sizeof(*fr_words);
		for (size_t j = 0; j < count && !w; j++)
			if (arabic ? starts_with(line + i, n - i, list[j], &w) : ascii_ieq(line + i, n - i, list[j]))
				w = w ? w : strlen(list[j]);
		if (!w)
			return 0;
		i += w;
	}
	/* "Article 12a" or "المادة 12أ" glued to letters is not a label; "12 :" "12." "12\n" are. */
	if (i < n && line[i] != ' ' && line[i] != '\t' && !strchr(":.-)", line[i]) && (unsigned char)line[i] < 0xE2)
		return 0;
	return i;
}

/* ---- splitting ---- */

struct splitter {
	struct passage_drafts *out;
	struct buf cur;
	int page;
	char *heading;
	char *article;
	int has_body; /* the current passage has more than headings */
};

static void flush(struct splitter *s)
{
	buf_trim(&s->cur);
	if (s->cur.len) {
		s->out->v = xgrow(s->out->v, &s->out->alloc, s->out->n + 1, sizeof(*s->out->v));
		struct passage_draft *p = &s->out->v[s->out->n++];
		p->page = s->page;
		p->heading = s->heading ? xstrdup(s->heading) : NULL;
		p->article = s->article ? xstrdup(s->article) : NULL;
		p->text = buf_detach(&s->cur);
	}
	buf_reset(&s->cur);
	s->has_body = 0;
}

/* Where to cut a too-long text: the last sentence end before max, else the last space. */
static size_t cut_point(const char *s, size_t n, size_t max)
{
	size_t best = 0, space = 0;
	for (size_t i = max / 2; i < max && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c == '.' || c == '!' || c == '?' || c == ';' || c == '\n') && i + 1 < n &&
		    (s[i + 1] == ' ' || s[i + 1] == '\n'))
			best = i + 1;
		else if (c == 0xD8 && i + 1 < n && ((unsigned char)s[i + 1] == 0x9F || (unsigned char)s[i + 1] == 0x9B))
			best = i + 2; /* ؟ ؛ */
		else if (c == ' ')
			space = i + 1;
	}
	if (best)
		return best;
	if (space)
		return space;
	return utf8_clip(s, n, max);
}

static void add_text(struct splitter *s, const char *t, size_t n)
{
	if (s->cur.len && s->cur.len + n + 2 > PASSAGE_TARGET && s->cur.len >= PASSAGE_TARGET / 4)
		flush(s);
	while (s->cur.len + n > PASSAGE_MAX) {
		size_t room = PASSAGE_MAX - s->cur.len;
		if (room < PASSAGE_MAX / 4) {
			flush(s);
			continue;
		}
		size_t k = cut_point(t, n, room);
		if (!k)
			k = utf8_clip(t, n, room);
		if (s->cur.len)
			buf_appends(&s->cur, "\n\n");
		buf_append(&s->cur, t, k);
		flush(s);
		t += k;
		n -= k;
		while (n && (*t == ' ' || *t == '\n')) {
			t++;
			n--;
		}
	}
	if (n) {
		if (s->cur.len)
			buf_appends(&s->cur, "\n\n");
		buf_append(&s->cur, t, n);
	}
}

static void set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = s ? xstrndup(s, n) : NULL;
}

void passages_split(const struct extract *x, struct passage_drafts *out)
{
	struct splitter s = {out, BUF_INIT, 0, NULL, NULL, 0};
	buf_init(&s.cur, 0);
	for (size_t b = 0; b < x->n; b++) {
		const struct block *bl = &x->blocks[b];
		if (bl->page != s.page) {
			flush(&s);
			s.page = bl->page;
		}
		if (bl->type == BLOCK_HEADING) {
			size_t len = strlen(bl->text);
			size_t lab = passages_article_label(bl->text, len);
			/* Headings in a row ("Title", "Chapter 1", "Article 1") open one passage together. */
			if (s.has_body)
				flush(&s);
			if (lab) {
				set_str(&s.article, bl->text, lab);
			} else {
				set_str(&s.heading, bl->text, len > 300 ? utf8_clip(bl->text, len, 300) : len);
				set_str(&s.article, NULL, 0);
			}
			if (s.cur.len)
				buf_appendc(&s.cur, '\n');
			buf_append(&s.cur, bl->text, len);
			continue;
		}
		/* Articles may begin on any line of a paragraph (PDF text, plain text). */
		const char *t = bl->text;
		size_t n = strlen(t), start = 0, line = 0;
		while (line < n) {
			size_t end = line;
			while (end < n && t[end] != '\n')
				end++;
			size_t lab = passages_article_label(t + line, end - line);
			if (lab) {
				if (line > start) {
					add_text(&s, t + start, line - start);
					s.has_body = 1;
				}
				if (s.has_body)
					flush(&s);
				set_str(&s.article, t + line, lab);
				start = line;
			}
			line = end + 1;
		}
		if (start < n) {
			add_text(&s, t + start, n - start);
			s.has_body = 1;
		}
	}
	flush(&s);
	free(s.heading);
	free(s.article);
	buf_release(&s.cur);
}

void passage_drafts_release(struct passage_drafts *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].heading);
		free(p->v[i].article);
		free(p->v[i].text);
	}
	free(p->v);
	p->v = NULL;
	p->n = p->alloc = 0;
}
