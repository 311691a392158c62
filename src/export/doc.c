/* The format-free document: building it, reading it from Markdown, the annex lines. */
#include "export/doc.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "base/banned.h"

struct doc *doc_new(const char *lang)
{
	struct doc *d = xcalloc(1, sizeof(*d));
	if (!lang || !*lang)
		lang = "ar";
	snprintf(d->lang, sizeof(d->lang), "%s", lang);
	d->rtl = !strcmp(d->lang, "ar") || !strcmp(d->lang, "fa") || !strcmp(d->lang, "ur");
	if (!strcmp(d->lang, "ar")) {
		doc_set(&d->annex_title, "ملحق: المصادر");
		doc_set(&d->page_label, "صفحة");
	} else if (!strcmp(d->lang, "fr")) {
		doc_set(&d->annex_title, "Annexe : sources");
		doc_set(&d->page_label, "Page");
	} else {
		doc_set(&d->annex_title, "Annex: sources");
		doc_set(&d->page_label, "Page");
	}
	return d;
}

void doc_set(char **field, const char *s)
{
	free(*field);
	*field = s ? xstrdup(s) : NULL;
}

static void source_free(struct doc_source *s)
{
	free(s->title);
	free(s->issuer);
	free(s->date);
	free(s->where);
	free(s->excerpt);
	free(s->note);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nblocks; i++) {
		for (size_t j = 0; j < d->blocks[i].nspans; j++) {
			char *t = d->blocks[i].spans[j].text;
			if (t && d->personal)
				explicit_bzero(t, strlen(t));
			free(t);
		}
		free(d->blocks[i].spans);
	}
	free(d->blocks);
	for (size_t i = 0; i < d->nsources; i++)
		source_free(&d->sources[i]);
	free(d->sources);
	free(d->title);
	free(d->organisation);
	free(d->date);
	free(d->annex_title);
	free(d->page_label);
	free(d->overrides);
	free(d);
}

struct doc_block *doc_add_block(struct doc *d, enum doc_block_type type, int level)
{
	d->blocks = xgrow(d->blocks, &d->ablocks, d->nblocks + 1, sizeof(*d->blocks));
	struct doc_block *b = &d->blocks[d->nblocks++];
	memset(b, 0, sizeof(*b));
	b->type = type;
	b->level = level;
	return b;
}

void doc_add_text(struct doc_block *b, const char *text, size_t len, unsigned style)
{
	if (!len)
		return;
	/* Adjacent runs of one style are one run: fewer, longer runs in every format. */
	if (b->nspans && !b->spans[b->nspans - 1].cite && b->spans[b->nspans - 1].style == style) {
		struct doc_span *last = &b->spans[b->nspans - 1];
		size_t old = strlen(last->text);
		last->text = xrealloc(last->text, old + len + 1);
		memcpy(last->text + old, text, len);
		last->text[old + len] = '\0';
		return;
	}
	b->spans = xgrow(b->spans, &b->aspans, b->nspans + 1, sizeof(*b->spans));
	b->spans[b->nspans++] = (struct doc_span){xstrndup(text, len), style, 0};
}

void doc_add_cite(struct doc_block *b, int n)
{
	b->spans = xgrow(b->spans, &b->aspans, b->nspans + 1, sizeof(*b->spans));
	b->spans[b->nspans++] = (struct doc_span){NULL, 0, n};
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

void doc_add_row(struct doc *d, int header, const char *const *cells, size_t n)
{
	struct doc_block *b = doc_add_block(d, DOC_ROW, header ? 1 : 0);
	b->spans = xgrow(b->spans, &b->aspans, n ? n : 1, sizeof(*b->spans));
	for (size_t i = 0; i < n; i++)
		b->spans[i] = (struct doc_span){xstrdup(cells[i] ? cells[i] : ""), 0, 0};
	b->nspans = n;
}

size_t doc_table(const struct doc *d, size_t i, size_t *end, size_t *header)
{
	size_t ncols = 0, k = i;
	*header = 0;
	for (; k < d->nblocks && d->blocks[k].type == DOC_ROW; k++) {
		if (d->blocks[k].nspans > ncols)
			ncols = d->blocks[k].nspans;
		if (d->blocks[k].level == 1 && *header == k - i)
			(*header)++;
	}
	*end = k;
	return ncols;
}

/* Code points of s, and of its longest word. */
static void text_lengths(const char *s, size_t *len, size_t *word)
{
	size_t n = strlen(s), i = 0, w = 0;
	*len = *word = 0;
	while (i < n) {
		uint32_t cp = 0;
		int k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		i += k < 1 ? 1 : (size_t)k;
		(*len)++;
		w = cp == ' ' || cp == '\n' || cp == '\t' ? 0 : w + 1;
		if (w > *word)
			*word = w;
	}
}

void doc_table_fit(double avail, size_t ncols, const double *want, const double *word, double *w)
{
	double sum_want = 0, sum_word = 0;
	for (size_t c = 0; c < ncols; c++) {
		sum_want += want[c];
		sum_word += word[c];
	}
	for (size_t c = 0; c < ncols; c++) {
		if (sum_want <= avail)
			w[c] = want[c] + (avail - sum_want) / (double)ncols;
		else if (sum_word < avail)
			w[c] = word[c] + (want[c] - word[c]) * (avail - sum_word) / (sum_want - sum_word);
		else
			w[c] = word[c] * avail / sum_word;
	}
}

void doc_table_widths(const struct doc *d, size_t from, size_t to, size_t ncols, double chars, double *w)
{
	double *want = xcalloc(ncols + 1, sizeof(*want)), *word = xcalloc(ncols + 1, sizeof(*word));
	for (size_t c = 0; c < ncols; c++) {
		int filled = 0;
		want[c] = word[c] = 4; /* an empty column stays visible */
		for (size_t i = from; i < to; i++) {
			const struct doc_block *b = &d->blocks[i];
			size_t len = 0, longest = 0;
			if (c >= b->nspans || !b->spans[c].text)
				continue;
			text_lengths(b->spans[c].text, &len, &longest);
			filled |= b->level == 0 && len > 0;
			if ((double)len + 3 > want[c])
				want[c] = (double)len + 3;
			if ((double)longest + 3 > word[c])
				word[c] = (double)longest + 3;
		}
		if (!filled && word[c] < DOC_HAND_CHARS)
			want[c] = word[c] = DOC_HAND_CHARS;
	}
	doc_table_fit(chars, ncols, want, word, w);
	for (size_t c = 0; c < ncols; c++)
		w[c] /= chars;
	free(want);
	free(word);
}

int doc_add_source(struct doc *d, const struct doc_source *s)
{
	d->sources = xgrow(d->sources, &d->asources, d->nsources + 1, sizeof(*d->sources));
	struct doc_source *t = &d->sources[d->nsources++];
	t->title = dup_or_null(s->title);
	t->issuer = dup_or_null(s->issuer);
	t->date = dup_or_null(s->date);
	t->where = dup_or_null(s->where);
	t->excerpt = dup_or_null(s->excerpt);
	t->note = dup_or_null(s->note);
	return (int)d->nsources;
}

void doc_source_line(const struct doc *d, const struct doc_source *s, struct buf *out)
{
	const char *comma = d->rtl ? "، " : ", ";
	const char *open = d->rtl ? "«" : !strcmp(d->lang, "fr") ? "« " : "\u201c";
	const char *close = d->rtl ? "»" : !strcmp(d->lang, "fr") ? " »" : "\u201d";
	int any = 0;
	if (s->title) {
		buf_appends(out, s->title);
		any = 1;
	}
	if (s->issuer) {
		buf_appends(out, any ? " — " : "");
		buf_appends(out, s->issuer);
		any = 1;
	}
	const char *rest[] = {s->date, s->where};
	for (size_t i = 0; i < ARRAY_SIZE(rest); i++) {
		if (!rest[i])
			continue;
		buf_appends(out, any ? comma : "");
		buf_appends(out, rest[i]);
		any = 1;
	}
	if (any)
		buf_appends(out, ".");
	if (s->excerpt) {
		buf_appendf(out, "%s%s%s%s", any ? " " : "", open, s->excerpt, close);
		any = 1;
	}
	if (s->note)
		buf_appendf(out, "%s%s", any ? " — " : "", s->note);
}

size_t doc_rtl_number_len(const char *s, size_t n)
{
	size_t i = 0;
	int joined = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (!i)
		return 0;
	while (i + 1 < n && memchr("-./,:", s[i], 5) && s[i + 1] >= '0' && s[i + 1] <= '9') {
		joined |= s[i] == '-';
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && s[i] == '%') {
		joined = 1;
		i++;
	}
	return joined ? i : 0;
}

void doc_block_text(const struct doc_block *b, struct buf *out)
{
	for (size_t i = 0; i < b->nspans; i++)
		if (b->spans[i].text)
			buf_appends(out, b->spans[i].text);
}

/* ---- Markdown ---- */

struct md_state {
	struct doc *d;
	struct doc_block *block; /* the block inline content goes to, or NULL */
	int list_ordered[8];
	int list_next[8];
	int list_depth;
	int quote;
	int title_taken; /* the first heading became the title */
	struct err *e;
};

static void inline_node(struct md_state *st, cmark_node *n, unsigned style);

static void inline_children(struct md_state *st, cmark_node *n, unsigned style)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
		inline_node(st, c, style);
}

static void inline_node(struct md_state *st, cmark_node *n, unsigned style)
{
	struct doc_block *b = st->block;
	const char *lit = NULL;
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
	case CMARK_NODE_HTML_INLINE:
		lit = cmark_node_get_literal(n);
		if (lit)
			doc_add_text(b, lit, strlen(lit), style);
		break;
	case CMARK_NODE_SOFTBREAK:
		doc_add_text(b, " ", 1, style);
		break;
	case CMARK_NODE_LINEBREAK:
		doc_add_text(b, "\n", 1, style);
		break;
	case CMARK_NODE_EMPH:
		inline_children(st, n, style | DOC_ITALIC);
		break;
	case CMARK_NODE_STRONG:
		inline_children(st, n, style | DOC_BOLD);
		break;
	case CMARK_NODE_LINK: {
		const char *url = cmark_node_get_url(n);
		if (url && !strncmp(url, "cite:", 5)) {
			char *end = NULL;
			long v = strtol(url + 5, &end, 10);
			if (end && !*end && v > 0 && v < 100000) {
				doc_add_cite(b, (int)v);
				break;
			}
		}
		inline_children(st, n, style);
		break;
	}
	default:
		inline_children(st, n, style);
		break;
	}
}

static void block_node(struct md_state *st, cmark_node *n);

static void block_children(struct md_state *st, cmark_node *n)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
		block_node(st, c);
}

static void block_node(struct md_state *st, cmark_node *n)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HEADING: {
		int level = cmark_node_get_heading_level(n);
		/* The first "# " is the document's title (every exporter prints it): its sections
		   ("## ") are then the headings of level 1. */
		if (level == 1 && !st->d->title && !st->d->nblocks) {
			struct doc_block tmp = {0};
			struct buf t = BUF_INIT;
			st->block = &tmp;
			inline_children(st, n, 0);
			doc_block_text(&tmp, &t);
			for (size_t i = 0; i < tmp.nspans; i++)
				free(tmp.spans[i].text);
			free(tmp.spans);
			st->d->title = buf_detach(&t);
			st->title_taken = 1;
			st->block = NULL;
			break;
		}
		if (st->title_taken && level > 1)
			level--;
		st->block = doc_add_block(st->d, DOC_HEADING, level > 3 ? 3 : level);
		inline_children(st, n, 0);
		st->block = NULL;
		break;
	}
	case CMARK_NODE_PARAGRAPH: {
		enum doc_block_type type = DOC_PARAGRAPH;
		int level = 0, number = 0;
		cmark_node *parent = cmark_node_parent(n);
		/* Only a list item's first paragraph is the item; later ones continue it. */
		if (st->list_depth && parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
		    cmark_node_first_child(parent) == n) {
			int k = st->list_depth - 1;
			type = st->list_ordered[k] ? DOC_NUMBERED : DOC_BULLET;
			level = st->list_depth;
			number = st->list_next[k]++;
		} else if (st->quote) {
			type = DOC_QUOTE;
		}
		st->block = doc_add_block(st->d, type, level);
		st->block->number = number;
		inline_children(st, n, 0);
		st->block = NULL;
		break;
	}
	case CMARK_NODE_LIST: {
		if (st->list_depth >= (int)ARRAY_SIZE(st->list_ordered)) {
			block_children(st, n);
			break;
		}
		int k = st->list_depth++;
		st->list_ordered[k] = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		st->list_next[k] = st->list_ordered[k] ? cmark_node_get_list_start(n) : 0;
		block_children(st, n);
		st->list_depth--;
		break;
	}
	case CMARK_NODE_BLOCK_QUOTE:
		st->quote++;
		block_children(st, n);
		st->quote--;
		break;
	case CMARK_NODE_CODE_BLOCK:
	case CMARK_NODE_HTML_BLOCK: {
		const char *lit = cmark_node_get_literal(n);
		st->block = doc_add_block(st->d, DOC_PARAGRAPH, 0);
		if (lit) {
			size_t len = strlen(lit);
			while (len && lit[len - 1] == '\n')
				len--;
			doc_add_text(st->block, lit, len, 0);
		}
		st->block = NULL;
		break;
	}
	case CMARK_NODE_THEMATIC_BREAK:
		break;
	default:
		block_children(st, n);
		break;
	}
}

int doc_from_markdown(struct doc *d, const char *md, size_t len, struct err *e)
{
	cmark_node *root = cmark_parse_document(md, len, CMARK_OPT_DEFAULT);
	if (!root)
		return err_set(e, ERR_FORMAT, "the text could not be read as Markdown");
	struct md_state st = {.d = d, .e = e};
	block_children(&st, root);
	cmark_node_free(root);
	return 0;
}

int doc_check(const struct doc *d, struct err *e)
{
	for (size_t i = 0; i < d->nblocks; i++)
		for (size_t j = 0; j < d->blocks[i].nspans; j++) {
			int c = d->blocks[i].spans[j].cite;
			if (c && (size_t)c > d->nsources)
				return err_set(e, ERR_FORMAT, "citation [%d] points at no source (there are %zu)", c,
					       d->nsources);
		}
	return 0;
}
