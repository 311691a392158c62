#include "base/mustache.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "base/banned.h"

/*
 * A template compiles to a tree of nodes; rendering walks it. Whitespace rules (standalone
 * lines, the intrinsic indentation of blocks) are settled while parsing, so rendering only has
 * to add the indentation of standalone partials, parents and blocks, line by line.
 */

enum node_type {
	NODE_TEXT,
	NODE_VAR,      /* {{name}}: escaped */
	NODE_RAW,      /* {{{name}}}, {{&name}} */
	NODE_SECTION,  /* {{#name}} */
	NODE_INVERTED, /* {{^name}} */
	NODE_PARTIAL,  /* {{>name}} */
	NODE_PARENT,   /* {{<name}}: its kids are its argument blocks, nothing else */
	NODE_BLOCK,    /* {{$name}} */
};

struct node {
	enum node_type type;
	/*
	 * Stands alone at the start of its line, so rendering must not print the pending
	 * indentation on its behalf (what it renders will).
	 */
	unsigned standalone : 1;
	unsigned bol : 1;        /* text: starts at the beginning of a line of the source */
	unsigned own_indent : 1; /* block: its content already lost its intrinsic indentation */
	const char *s;           /* text, or the tag's name */
	size_t n;
	char *own;          /* text rewritten without indentation (s points here) */
	const char *indent; /* prepended to each line of what a partial, parent or block renders */
	size_t indent_n;
	struct node *kids;
	size_t nkids, akids;
};

struct mustache_tmpl {
	char *src; /* the copy the nodes point into */
	size_t len;
	struct node root;
};

static const char default_otag[] = "{{";
static const char default_ctag[] = "}}";
#define DELIM_MAX 32

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* memmem is a GNU extension: the first place pat occurs in s, or NULL. */
static const char *find(const char *s, size_t n, const char *pat, size_t pn)
{
	const char *end = s + n;
	while (pn && (size_t)(end - s) >= pn) {
		const char *c = memchr(s, pat[0], (size_t)(end - s) - pn + 1);
		if (!c)
			break;
		if (!memcmp(c, pat, pn))
			return c;
		s = c + 1;
	}
	return NULL;
}

static void node_release(struct node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_release(&n->kids[i]);
	free(n->kids);
	free(n->own);
	n->kids = NULL;
	n->own = NULL;
	n->nkids = n->akids = 0;
}

static struct node *node_add(struct node *parent, enum node_type type)
{
	parent->kids = xgrow(parent->kids, &parent->akids, parent->nkids + 1, sizeof(*parent->kids));
	struct node *n = &parent->kids[parent->nkids++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	return n;
}

/* ---- parsing ---- */

struct open_tag {
	struct node *node;
	size_t at;   /* where the tag starts, for messages */
	size_t ws;   /* where the blank run before it starts (valid if lclear) */
	size_t rpos; /* after its line end (valid if rclear) */
	unsigned lclear : 1, rclear : 1;
	size_t text; /* index + 1 of the text node just before it in its container, or 0 */
};

struct parser {
	const char *src;
	size_t len;
	const char *otag, *ctag;
	size_t olen, clen;
	size_t seg; /* start of the text not yet added */
	struct open_tag stack[MUSTACHE_MAX_DEPTH + 1];
	int depth;
	struct err *e;
};

/* Line and column (in characters, from 1) of byte offset at. */
static void where(const struct parser *p, size_t at, size_t *line, size_t *col)
{
	size_t l = 1, c = 1;
	for (size_t i = 0; i < at && i < p->len; i++) {
		unsigned char ch = (unsigned char)p->src[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int parse_error(struct parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int parse_error(struct parser *p, size_t at, const char *fmt, ...)
{
	size_t line = 0, col = 0;
	char msg[768];
	va_list ap;

	where(p, at, &line, &col);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(p->e, ERR_FORMAT, "line %zu, column %zu: %s", line, col, msg);
}

static struct node *container(struct parser *p)
{
	return p->stack[p->depth].node;
}

/* Adds src[from, to) as text, unless it is inside a parent, where only blocks count. */
static void add_text(struct parser *p, size_t from, size_t to)
{
	struct node *c = container(p);
	if (to <= from || c->type == NODE_PARENT)
		return;
	struct node *n = node_add(c, NODE_TEXT);
	n->s = p->src + from;
	n->n = to - from;
	n->bol = from == 0 || p->src[from - 1] == '\n';
}

/*
 * Whether only blanks stand between the start of the tag's line and the tag (no text, no
 * other tag); if so, *ws is where they start.
 */
static int left_clear(const struct parser *p, size_t at, size_t *ws)
{
	size_t i = at;
	while (i > p->seg && is_blank(p->src[i - 1]))
		i--;
	if (i > p->seg) {
		if (p->src[i - 1] != '\n')
			return 0;
	} else if (!(i == 0 || p->src[i - 1] == '\n')) {
		return 0; /* the line had a tag before this one */
	}
	*ws = i;
	return 1;
}

/* Whether only blanks follow the tag to the end of its line; if so, *rpos is past the line end. */
static int right_clear(const struct parser *p, size_t end, size_t *rpos)
{
	size_t i = end;
	while (i < p->len && is_blank(p->src[i]))
		i++;
	if (i == p->len) {
		*rpos = i;
		return 1;
	}
	if (p->src[i] == '\n') {
		*rpos = i + 1;
		return 1;
	}
	if (p->src[i] == '\r' && i + 1 < p->len && p->src[i + 1] == '\n') {
		*rpos = i + 2;
		return 1;
	}
	return 0;
}

/*
 * Removes the indentation pfx from the start of each line of the nodes' text, and from the
 * indentation of partials, parents and blocks (which always starts a line): a block's content
 * keeps only its indentation relative to the block.
 */
static void strip_indent(struct node *kids, size_t nkids, const char *pfx, size_t pn)
{
	for (size_t k = 0; k < nkids; k++) {
		struct node *n = &kids[k];
		switch (n->type) {
		case NODE_TEXT: {
			char *o = xmalloc(n->n + 1);
			size_t on = 0, i = 0;
			int bol = n->bol;
			while (i < n->n) {
				if (bol && n->n - i >= pn && !memcmp(n->s + i, pfx, pn))
					i += pn;
				bol = 0;
				while (i < n->n && !bol) {
					bol = n->s[i] == '\n';
					o[on++] = n->s[i++];
				}
			}
			free(n->own);
			n->own = o;
			n->s = o;
			n->n = on;
			break;
		}
		case NODE_PARTIAL:
		case NODE_PARENT:
		case NODE_BLOCK:
			if (n->indent_n >= pn && !memcmp(n->indent, pfx, pn)) {
				n->indent += pn;
				n->indent_n -= pn;
			}
			if (n->type == NODE_PARENT) {
				for (size_t i = 0; i < n->nkids; i++)
					if (!n->kids[i].own_indent)
						strip_indent(n->kids[i].kids, n->kids[i].nkids, pfx, pn);
			} else if (n->type == NODE_BLOCK && !n->own_indent) {
				strip_indent(n->kids, n->nkids, pfx, pn);
			}
			break;
		case NODE_SECTION:
		case NODE_INVERTED:
			strip_indent(n->kids, n->nkids, pfx, pn);
			break;
		case NODE_VAR:
		case NODE_RAW:
			break;
		}
	}
}

/*
 * A block whose opening tag ends its line has an intrinsic indentation: the blanks starting
 * the next line. Its content loses it, and gets the block's indentation back when rendered.
 */
static void block_intrinsic(struct parser *p, const struct open_tag *t)
{
	struct node *b = t->node;
	size_t i = t->rpos;
	while (i < p->len && is_blank(p->src[i]))
		i++;
	b->indent = p->src + t->rpos;
	b->indent_n = i - t->rpos;
	if (!b->indent_n)
		return;
	strip_indent(b->kids, b->nkids, b->indent, b->indent_n);
	b->own_indent = 1;
}

/* Leading blanks before an opening tag become the indentation of what it renders. */
static void take_indent(struct parser *p, struct node *c, const struct open_tag *t)
{
	struct node *n = t->node;
	n->indent = p->src + t->ws;
	n->indent_n = t->at - t->ws;
	if (t->text)
		c->kids[t->text - 1].n -= n->indent_n;
}

static int valid_name(const char *s, size_t n, int dotted)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (is_space(s[i]) || !s[i])
			return 0;
	if (!dotted || (n == 1 && s[0] == '.'))
		return 1;
	if (s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return 0;
	return 1;
}

static int set_delimiters(struct parser *p, size_t at, const char *s, size_t n)
{
	size_t i = 0, a0 = 0, a1 = 0, b0 = 0, b1 = 0;
	while (i < n && is_space(s[i]))
		i++;
	a0 = i;
	while (i < n && !is_space(s[i]))
		i++;
	a1 = i;
	while (i < n && is_space(s[i]))
		i++;
	b0 = i;
	while (i < n && !is_space(s[i]))
		i++;
	b1 = i;
	while (i < n && is_space(s[i]))
		i++;
	if (a1 == a0 || b1 == b0 || i != n || a1 - a0 > DELIM_MAX || b1 - b0 > DELIM_MAX ||
	    memchr(s + a0, '=', a1 - a0) || memchr(s + b0, '=', b1 - b0))
		return parse_error(p, at,
		                   "bad delimiter change '%.*s': give two delimiters of at most %d "
		                   "characters, without spaces or '=', as in {{=<%% %%>=}}",
		                   (int)n, s, DELIM_MAX);
	p->otag = s + a0;
	p->olen = a1 - a0;
	p->ctag = s + b0;
	p->clen = b1 - b0;
	return 0;
}

static const char *type_word(enum node_type t)
{
	switch (t) {
	case NODE_PARENT:
		return "parent";
	case NODE_BLOCK:
		return "block";
	case NODE_INVERTED:
		return "inverted section";
	default:
		return "section";
	}
}

/* An opening tag of a section, inverted section, block or parent. */
static int open_container(struct parser *p, enum node_type type, size_t at, size_t end, const char *name, size_t nn)
{
	struct node *c = container(p);
	int argument = type == NODE_BLOCK && c->type == NODE_PARENT;
	size_t ws = 0, rpos = 0;
	int lclear = left_clear(p, at, &ws), rclear = right_clear(p, end, &rpos);
	int sa = lclear && rclear;

	if (p->depth >= MUSTACHE_MAX_DEPTH)
		return parse_error(p, at, "'%.*s' is nested deeper than %d levels", (int)nn, name, MUSTACHE_MAX_DEPTH);
	if (type == NODE_PARENT) {
		/* Standalone or not is decided by the pair, at the closing tag. */
		add_text(p, p->seg, at);
		p->seg = end;
	} else if (argument) {
		/* What came before it on the line is ignored: only its end matters. */
		p->seg = rclear ? rpos : end;
	} else {
		add_text(p, p->seg, sa ? ws : at);
		p->seg = sa ? rpos : end;
	}

	struct open_tag *t = &p->stack[p->depth + 1];
	memset(t, 0, sizeof(*t));
	t->at = at;
	t->ws = ws;
	t->rpos = rpos;
	t->lclear = (unsigned)lclear;
	t->rclear = (unsigned)rclear;
	/* The blanks before an opening tag may become indentation once its closing tag is seen. */
	if ((type == NODE_PARENT || !sa) && lclear && c->nkids && c->kids[c->nkids - 1].type == NODE_TEXT &&
	    c->kids[c->nkids - 1].s + c->kids[c->nkids - 1].n == p->src + at)
		t->text = c->nkids;
	t->node = node_add(c, type);
	t->node->s = name;
	t->node->n = nn;
	t->node->standalone = (unsigned)(sa && !argument && type != NODE_PARENT);
	p->depth++;
	return 0;
}

static int close_container(struct parser *p, size_t at, size_t end, const char *name, size_t nn)
{
	if (!p->depth)
		return parse_error(p, at, "closing tag '%.*s' without an opening tag", (int)nn, name);
	struct open_tag *t = &p->stack[p->depth];
	struct node *n = t->node;
	if (n->n != nn || memcmp(n->s, name, nn)) {
		size_t line = 0, col = 0;
		where(p, t->at, &line, &col);
		return parse_error(p, at,
		                   "closing tag '%.*s' does not match the %s '%.*s' opened at line %zu, column %zu",
		                   (int)nn, name, type_word(n->type), (int)n->n, n->s, line, col);
	}
	size_t ws = 0, rpos = 0;
	int lclear = left_clear(p, at, &ws), rclear = right_clear(p, end, &rpos);
	int argument = n->type == NODE_BLOCK && p->stack[p->depth - 1].node->type == NODE_PARENT;

	if (argument) {
		/* What follows on the line is ignored: only its start matters. */
		add_text(p, p->seg, lclear ? ws : at);
		p->seg = end;
	} else if (n->type == NODE_PARENT) {
		p->seg = end; /* the pair decides, below */
	} else {
		add_text(p, p->seg, lclear && rclear ? ws : at);
		p->seg = lclear && rclear ? rpos : end;
	}
	p->depth--;
	struct node *c = container(p);

	switch (n->type) {
	case NODE_PARENT: {
		/* Only blocks are arguments; anything else written inside is dropped. */
		size_t keep = 0;
		for (size_t i = 0; i < n->nkids; i++) {
			if (n->kids[i].type == NODE_BLOCK)
				n->kids[keep++] = n->kids[i];
			else
				node_release(&n->kids[i]);
		}
		n->nkids = keep;
		if (t->lclear && rclear) {
			take_indent(p, c, t);
			n->standalone = 1;
			p->seg = rpos;
		}
		break;
	}
	case NODE_BLOCK:
		if (argument) {
			if (t->rclear)
				block_intrinsic(p, t);
		} else if (t->lclear && rclear) {
			/*
			 * A standalone block: what renders in it is indented like the block. Its line end
			 * stays, even when both tags are on one line.
			 */
			if (t->rclear)
				block_intrinsic(p, t);
			else
				take_indent(p, c, t);
			n->standalone = 1;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* A comment, delimiter change or partial: a standalone one takes its whole line. */
static void single_tag(struct parser *p, size_t at, size_t end, struct node **partial)
{
	size_t ws = 0, rpos = 0;
	int sa = left_clear(p, at, &ws) && right_clear(p, end, &rpos);

	add_text(p, p->seg, sa ? ws : at);
	p->seg = sa ? rpos : end;
	if (partial) {
		struct node *n = node_add(container(p), NODE_PARTIAL);
		n->standalone = (unsigned)sa;
		if (sa) {
			n->indent = p->src + ws;
			n->indent_n = at - ws;
		}
		*partial = n;
	}
}

static int parse(struct parser *p)
{
	while (p->seg < p->len) {
		const char *hit = find(p->src + p->seg, p->len - p->seg, p->otag, p->olen);
		if (!hit)
			break;
		size_t at = (size_t)(hit - p->src), q = at + p->olen;
		while (q < p->len && is_blank(p->src[q]))
			q++;
		char sigil = q < p->len ? p->src[q] : '\0';
		if (!sigil || !strchr("#^/!><$=&{", sigil))
			sigil = '\0';

		/* The closing delimiter, with the '}' or '=' that pairs with the sigil. */
		char pat[DELIM_MAX + 1];
		size_t plen = 0;
		if (sigil == '{' || sigil == '=')
			pat[plen++] = sigil == '{' ? '}' : '=';
		memcpy(pat + plen, p->ctag, p->clen);
		plen += p->clen;
		size_t cstart = sigil ? q + 1 : at + p->olen;
		const char *close = find(p->src + cstart, p->len - cstart, pat, plen);
		if (!close)
			return parse_error(p, at, "unclosed tag: '%.*s' without a matching '%.*s'",
			                   (int)(sigil ? q + 1 - at : p->olen), p->src + at, (int)plen, pat);
		size_t cend = (size_t)(close - p->src), end = cend + plen;

		const char *name = p->src + cstart;
		size_t nn = cend - cstart;
		while (nn && is_space(name[0]))
			name++, nn--;
		while (nn && is_space(name[nn - 1]))
			nn--;

		int rc = 0;
		struct node *n = NULL;
		switch (sigil) {
		case '!':
			single_tag(p, at, end, NULL);
			break;
		case '=':
			single_tag(p, at, end, NULL);
			rc = set_delimiters(p, at, p->src + cstart, cend - cstart);
			break;
		case '>':
			if (!valid_name(name, nn, 0))
				return parse_error(p, at, "bad partial name '%.*s'", (int)nn, name);
			single_tag(p, at, end, &n);
			n->s = name;
			n->n = nn;
			break;
		case '#':
		case '^':
		case '$':
		case '<':
			if (!valid_name(name, nn, sigil == '#' || sigil == '^'))
				return parse_error(p, at, "bad name '%.*s' after '%c'", (int)nn, name, sigil);
			rc = open_container(p,
			                    sigil == '#'   ? NODE_SECTION
			                    : sigil == '^' ? NODE_INVERTED
			                    : sigil == '$' ? NODE_BLOCK
			                                   : NODE_PARENT,
			                    at, end, name, nn);
			break;
		case '/':
			if (!nn)
				return parse_error(p, at, "closing tag without a name");
			rc = close_container(p, at, end, name, nn);
			break;
		default:
			if (!valid_name(name, nn, 1))
				return parse_error(p, at, nn ? "bad name '%.*s' in a tag" : "empty tag%.*s", (int)nn,
				                   name);
			add_text(p, p->seg, at);
			n = node_add(container(p), sigil ? NODE_RAW : NODE_VAR);
			n->s = name;
			n->n = nn;
			p->seg = end;
			break;
		}
		if (rc)
			return rc;
	}
	add_text(p, p->seg, p->len);
	if (p->depth) {
		const struct open_tag *t = &p->stack[p->depth];
		return parse_error(p, t->at, "%s '%.*s' is never closed", type_word(t->node->type), (int)t->node->n,
		                   t->node->s);
	}
	return 0;
}

void mustache_tmpl_free(struct mustache_tmpl *t)
{
	if (!t)
		return;
	node_release(&t->root);
	free(t->src);
	free(t);
}

struct mustache_tmpl *mustache_compile(const char *tmpl, size_t len, struct err *e)
{
	struct mustache_tmpl *t = xcalloc(1, sizeof(*t));
	struct parser p;

	t->src = xmalloc(len + 1);
	if (len)
		memcpy(t->src, tmpl, len);
	t->src[len] = '\0';
	t->len = len;
	t->root.type = NODE_SECTION;
	memset(&p, 0, sizeof(p));
	p.src = t->src;
	p.len = len;
	p.otag = default_otag;
	p.olen = 2;
	p.ctag = default_ctag;
	p.clen = 2;
	p.stack[0].node = &t->root;
	p.e = e;
	if (parse(&p)) {
		mustache_tmpl_free(t);
		t = NULL;
	}
	return t;
}

int mustache_check(const char *tmpl, size_t len, struct err *e)
{
	struct mustache_tmpl *t = mustache_compile(tmpl, len, e);
	if (!t)
		return ERR_FORMAT;
	mustache_tmpl_free(t);
	return 0;
}

/* ---- rendering ---- */

struct cached_partial {
	char *name;
	struct mustache_tmpl *t; /* NULL: the loader does not know it */
};

struct render {
	enum mustache_escape escape;
	mustache_partial_fn load;
	void *load_ctx;
	struct buf *out;
	size_t limit; /* out->len may not pass it */
	size_t max_output;
	int max_depth, depth;
	struct buf indent; /* the indentation in force is indent.data[ibase, len) */
	size_t ibase;
	int bol; /* at the start of an output line: the indentation is due before anything else */
	json_t **ctx;
	size_t nctx, actx;
	const struct node **frames; /* parents being rendered, outermost first: their arguments */
	size_t nframes, aframes;
	const struct node **active; /* arguments being rendered, never to be expanded in themselves */
	size_t nactive, aactive;
	struct cached_partial *cache;
	size_t ncache, acache;
	struct err *e;
};

static int out_write(struct render *r, const char *s, size_t n)
{
	if (n > r->limit - r->out->len)
		return err_set(r->e, ERR_TOO_BIG, "the output would be larger than %zu bytes", r->max_output);
	if (buf_append(r->out, s, n))
		return err_set(r->e, ERR_TOO_BIG, "the output would be larger than its buffer allows (%zu bytes)",
		               r->out->max);
	return 0;
}

static int flush_indent(struct render *r)
{
	if (!r->bol)
		return 0;
	r->bol = 0;
	if (r->indent.len == r->ibase)
		return 0;
	return out_write(r, r->indent.data + r->ibase, r->indent.len - r->ibase);
}

/* Template text: each of its lines gets the indentation in force. */
static int emit_text(struct render *r, const char *s, size_t n)
{
	int rc = 0;
	if (!n)
		return 0;
	if (r->indent.len == r->ibase) {
		r->bol = s[n - 1] == '\n';
		return out_write(r, s, n);
	}
	while (n && !rc) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;
		rc = flush_indent(r);
		if (!rc)
			rc = out_write(r, s, k);
		r->bol = nl != NULL;
		s += k;
		n -= k;
	}
	return rc;
}

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Text from data: repaired, and escaped unless raw. */
static int write_data(struct render *r, const char *s, size_t n, int escape)
{
	int xml = r->escape == MUSTACHE_ESCAPE_XML;
	int md = r->escape == MUSTACHE_ESCAPE_MARKDOWN;
	size_t run = 0, i = 0;

	escape = escape && r->escape != MUSTACHE_ESCAPE_NONE;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		size_t adv = 1;
		if (c >= 0xC2 && c <= 0xDF && i + 1 < n && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
			i += 2; /* two bytes (Arabic, accented Latin) can be checked without decoding */
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp = 0;
			int k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
			if (k > 0 && !(xml && (cp == 0xFFFE || cp == 0xFFFF))) {
				i += (size_t)k;
				continue;
			}
			rep = replacement;
			adv = k > 0 ? (size_t)k : 1;
		} else if (md && c >= 0x20) {
			if (!escape || !strchr("\\`*_[]<>#!|~&-+=.)", c)) {
				i++;
				continue;
			}
			if (i > run && out_write(r, s + run, i - run))
				return ERR_TOO_BIG;
			const char two[2] = {'\\', (char)c};
			if (out_write(r, two, 2))
				return ERR_TOO_BIG;
			run = ++i;
			continue;
		} else if (c >= 0x20 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'') {
			i++;
			continue;
		} else if (c >= 0x20) {
			if (!escape) {
				i++;
				continue;
			}
			rep = c == '&'   ? "&amp;"
			      : c == '<' ? "&lt;"
			      : c == '>' ? "&gt;"
			      : c == '"' ? "&quot;"
			      : xml      ? "&apos;"
			                 : "&#39;";
		} else if (c == 0 || (xml && c != '\t' && c != '\n' && c != '\r')) {
			rep = replacement;
		} else {
			i++;
			continue;
		}
		if (i > run && out_write(r, s + run, i - run))
			return ERR_TOO_BIG;
		if (out_write(r, rep, strlen(rep)))
			return ERR_TOO_BIG;
		i += adv;
		run = i;
	}
	if (i > run)
		return out_write(r, s + run, i - run);
	return 0;
}

/* The shortest form that reads back as the same number: 1.5 -> "1.5", 0.1 -> "0.1". */
static void format_real(double d, char *out, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
}

/* printf is slow enough to matter on pages full of numbers. */
static size_t format_integer(json_int_t v, char *out)
{
	char tmp[24];
	size_t n = 0, len = 0;
	/* Negated in unsigned arithmetic, so that the smallest integer has a positive value too. */
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = tmp[--n];
	out[len] = '\0';
	return len;
}

static int write_value(struct render *r, json_t *v, int escape)
{
	char num[64];
	switch (json_typeof(v)) {
	case JSON_STRING:
		return write_data(r, json_string_value(v), json_string_length(v), escape);
	case JSON_INTEGER:
		return out_write(r, num, format_integer(json_integer_value(v), num));
	case JSON_REAL:
		format_real(json_real_value(v), num, sizeof(num));
		break;
	case JSON_TRUE:
		return out_write(r, "true", 4);
	case JSON_FALSE:
		return out_write(r, "false", 5);
	default:
		return 0; /* null, objects and arrays print nothing */
	}
	return out_write(r, num, strlen(num));
}

static json_t *member(json_t *v, const char *s, size_t n)
{
	if (json_is_object(v))
		return json_object_getn(v, s, n);
	if (json_is_array(v) && n && n <= 9) {
		size_t idx = 0;
		for (size_t i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return NULL;
			idx = idx * 10 + (size_t)(s[i] - '0');
		}
		return json_array_get(v, idx);
	}
	return NULL;
}

/*
 * The first part of a name is looked for from the innermost context outwards; the other
 * parts only inside what the first one found, as the spec asks.
 */
static json_t *lookup(const struct render *r, const char *s, size_t n)
{
	const char *end = s + n, *dot = NULL;
	json_t *v = NULL;

	if (n == 1 && s[0] == '.')
		return r->nctx ? r->ctx[r->nctx - 1] : NULL;
	dot = memchr(s, '.', n);
	for (size_t i = r->nctx; i-- > 0;) {
		if (json_is_object(r->ctx[i]) && (v = json_object_getn(r->ctx[i], s, (size_t)((dot ? dot : end) - s))))
			break;
	}
	while (v && dot) {
		s = dot + 1;
		dot = memchr(s, '.', (size_t)(end - s));
		v = member(v, s, (size_t)((dot ? dot : end) - s));
	}
	return v;
}

static int truthy(json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	default:
		return 1;
	}
}

static void push_ctx(struct render *r, json_t *v)
{
	r->ctx = xgrow(r->ctx, &r->actx, r->nctx + 1, sizeof(*r->ctx));
	r->ctx[r->nctx++] = v;
}

static int enter(struct render *r, const struct node *n)
{
	if (r->depth >= r->max_depth)
		return err_set(r->e, ERR_TOO_BIG,
		               "%s '%.*s' is nested deeper than %d levels (does a partial include itself "
		               "without end?)",
		               n->type == NODE_PARTIAL ? "partial" : type_word(n->type), (int)n->n, n->s, r->max_depth);
	r->depth++;
	return 0;
}

static int render_nodes(struct render *r, const struct node *kids, size_t nkids);

static int render_section(struct render *r, const struct node *n)
{
	json_t *v = NULL;
	int rc = n->standalone ? 0 : flush_indent(r);

	if (rc)
		return rc;
	v = lookup(r, n->s, n->n);
	if (truthy(v) == (n->type == NODE_INVERTED))
		return 0;
	if ((rc = enter(r, n)))
		return rc;
	if (n->type == NODE_INVERTED) {
		rc = render_nodes(r, n->kids, n->nkids);
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v) && !rc; i++) {
			push_ctx(r, json_array_get(v, i));
			rc = render_nodes(r, n->kids, n->nkids);
			r->nctx--;
		}
	} else {
		push_ctx(r, v);
		rc = render_nodes(r, n->kids, n->nkids);
		r->nctx--;
	}
	r->depth--;
	return rc;
}

/* Finds and compiles a partial once per render. */
static int get_partial(struct render *r, const char *s, size_t n, const struct mustache_tmpl **out)
{
	char *name = NULL;
	const char *src = NULL;
	size_t len = 0;
	struct mustache_tmpl *t = NULL;

	for (size_t i = 0; i < r->ncache; i++) {
		if (!strncmp(r->cache[i].name, s, n) && !r->cache[i].name[n]) {
			*out = r->cache[i].t;
			return 0;
		}
	}
	name = xstrndup(s, n);
	if (r->load && r->load(r->load_ctx, name, &src, &len) == 0) {
		t = mustache_compile(src ? src : "", src ? len : 0, r->e);
		if (!t) {
			err_prefix(r->e, "partial '%s'", name);
			free(name);
			return ERR_FORMAT;
		}
	}
	r->cache = xgrow(r->cache, &r->acache, r->ncache + 1, sizeof(*r->cache));
	r->cache[r->ncache].name = name;
	r->cache[r->ncache].t = t;
	r->ncache++;
	*out = t;
	return 0;
}

/* A partial, or a parent: a partial whose blocks its arguments may replace. */
static int render_partial(struct render *r, const struct node *n)
{
	const struct mustache_tmpl *t = NULL;
	size_t ilen = r->indent.len, ibase = r->ibase;
	int rc = get_partial(r, n->s, n->n, &t);

	if (!rc && !n->standalone)
		rc = flush_indent(r);
	if (rc || !t)
		return rc;
	if ((rc = enter(r, n)))
		return rc;
	/* A partial inside a line is not indented: its lines start at the left margin. */
	if (n->standalone)
		buf_append(&r->indent, n->indent, n->indent_n);
	else
		r->ibase = r->indent.len;
	if (n->type == NODE_PARENT) {
		r->frames = xgrow(r->frames, &r->aframes, r->nframes + 1, sizeof(*r->frames));
		r->frames[r->nframes++] = n;
	}
	rc = render_nodes(r, t->root.kids, t->root.nkids);
	if (n->type == NODE_PARENT)
		r->nframes--;
	buf_truncate(&r->indent, ilen);
	r->ibase = ibase;
	if (!n->standalone)
		r->bol = 0;
	r->depth--;
	return rc;
}

/* The argument for block n: the outermost parent's wins, as the spec asks. */
static const struct node *find_argument(const struct render *r, const struct node *n)
{
	for (size_t f = 0; f < r->nframes; f++) {
		const struct node *p = r->frames[f];
		for (size_t i = 0; i < p->nkids; i++) {
			const struct node *a = &p->kids[i];
			int busy = 0;
			if (a->n != n->n || memcmp(a->s, n->s, n->n))
				continue;
			for (size_t k = 0; k < r->nactive && !busy; k++)
				busy = r->active[k] == a;
			if (!busy)
				return a;
		}
	}
	return NULL;
}

static int render_block(struct render *r, const struct node *n)
{
	const struct node *a = find_argument(r, n);
	size_t ilen = r->indent.len;
	int rc = n->standalone ? 0 : flush_indent(r);

	if (rc || (rc = enter(r, n)))
		return rc;
	buf_append(&r->indent, n->indent, n->indent_n);
	if (a) {
		r->active = xgrow(r->active, &r->aactive, r->nactive + 1, sizeof(*r->active));
		r->active[r->nactive++] = a;
		rc = render_nodes(r, a->kids, a->nkids);
		r->nactive--;
	} else {
		rc = render_nodes(r, n->kids, n->nkids);
	}
	buf_truncate(&r->indent, ilen);
	r->depth--;
	return rc;
}

static int render_nodes(struct render *r, const struct node *kids, size_t nkids)
{
	int rc = 0;
	for (size_t k = 0; k < nkids && !rc; k++) {
		const struct node *n = &kids[k];
		json_t *v = NULL;
		switch (n->type) {
		case NODE_TEXT:
			rc = emit_text(r, n->s, n->n);
			break;
		case NODE_VAR:
		case NODE_RAW:
			rc = flush_indent(r);
			v = lookup(r, n->s, n->n);
			if (!rc && v)
				rc = write_value(r, v, n->type == NODE_VAR);
			break;
		case NODE_SECTION:
		case NODE_INVERTED:
			rc = render_section(r, n);
			break;
		case NODE_PARTIAL:
		case NODE_PARENT:
			rc = render_partial(r, n);
			break;
		case NODE_BLOCK:
			rc = render_block(r, n);
			break;
		}
	}
	return rc;
}

int mustache_tmpl_render(const struct mustache_tmpl *t, json_t *data, const struct mustache_opts *o, struct buf *out,
                         struct err *e)
{
	struct render r;
	size_t start = out->len;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.escape = o ? o->escape : MUSTACHE_ESCAPE_HTML;
	r.load = o ? o->partials : NULL;
	r.load_ctx = o ? o->partials_ctx : NULL;
	r.out = out;
	r.max_output = o && o->max_output ? o->max_output : MUSTACHE_MAX_OUTPUT;
	r.limit = r.max_output > SIZE_MAX - start ? SIZE_MAX : start + r.max_output;
	r.max_depth = o && o->max_depth > 0 ? o->max_depth : MUSTACHE_MAX_DEPTH;
	if (r.max_depth > MUSTACHE_DEPTH_CAP)
		r.max_depth = MUSTACHE_DEPTH_CAP;
	buf_init(&r.indent, 0);
	r.bol = 1;
	r.e = e;
	if (data)
		push_ctx(&r, data);

	rc = render_nodes(&r, t->root.kids, t->root.nkids);
	if (rc)
		buf_truncate(out, start);

	for (size_t i = 0; i < r.ncache; i++) {
		free(r.cache[i].name);
		mustache_tmpl_free(r.cache[i].t);
	}
	free(r.cache);
	free(r.ctx);
	free(r.frames);
	free(r.active);
	buf_release(&r.indent);
	return rc;
}

int mustache_render(const char *tmpl, size_t len, json_t *data, const struct mustache_opts *o, struct buf *out,
                    struct err *e)
{
	struct mustache_tmpl *t = mustache_compile(tmpl, len, e);
	int rc = ERR_FORMAT;

	if (t) {
		rc = mustache_tmpl_render(t, data, o, out, e);
		mustache_tmpl_free(t);
	}
	return rc;
}
