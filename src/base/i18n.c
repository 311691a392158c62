/*
 * The .po catalog reader (see i18n.h). Loading happens once: every catalog is parsed into a
 * pool of strings and an array of entries indexed by an open-addressing hash table; then each
 * language borrows the English entries it lacks, so that a lookup is one probe in one table
 * and the result is already resolved.
 */
#include "base/i18n.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/embed.h"
#include "base/fs.h"
#include "base/utf8.h"
#include "base/banned.h"

/* msgid is English: the English catalog is where every other language falls back to. */
#define SOURCE_LANG "en"
/* Catalogs are a few hundred strings; anything this large is a mistake. */
#define MAX_FILE (4u << 20)
#define MAX_KEY  64
/* A plural expression is one line; these bound the parser's recursion and the tree. */
#define PLURAL_MAX_NODES 128
#define PLURAL_MAX_DEPTH 32
/* A Plural-Forms rule is checked for these n at load time (its form must be < nplurals). */
#define PLURAL_CHECK_UPTO 1000
/* The form i18n_get and i18n_table show for a plural key: a generic "several". */
#define GENERIC_COUNT 5
/* Accept-Language values past these limits are read only that far. */
#define NEGOTIATE_MAX_RANGES 64
#define NEGOTIATE_MAX_BYTES  4096

/*
 * The languages the program has, in the order they are offered (the interface is Arabic
 * first). A catalog data/i18n/LANG.po needs its line here: the name is shown in the
 * language menu, and a code without a name is refused wherever a person can choose one.
 */
static const struct language {
	const char *code, *name, *dir;
} languages[] = {
    {"ar", "العربية", "rtl"},
    {"fr", "Français", "ltr"},
    {"en", "English", "ltr"},
    {"zgh", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "ltr"},
};

static const struct language *known_language(const char *code)
{
	for (size_t i = 0; code && i < ARRAY_SIZE(languages); i++)
		if (!strcmp(code, languages[i].code))
			return &languages[i];
	return NULL;
}

/* ------------------------------------------------------------------ string pool */

/* Strings live in big blocks freed together: a catalog is read once and kept. */
struct pool_block {
	struct pool_block *next;
	size_t used, size;
	char data[];
};

struct pool {
	struct pool_block *head;
};

static char *pool_alloc(struct pool *p, size_t n)
{
	struct pool_block *b = p->head;

	if (!b || b->size - b->used < n) {
		size_t size = n > 16384 ? n : 16384;
		b = xmalloc(sizeof(*b) + size);
		b->used = 0;
		b->size = size;
		b->next = p->head;
		p->head = b;
	}
	char *s = b->data + b->used;
	b->used += n;
	return s;
}

static const char *pool_strndup(struct pool *p, const char *s, size_t n)
{
	char *d = pool_alloc(p, n + 1);
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Moves every block of from into into (an override that was accepted). */
static void pool_splice(struct pool *into, struct pool *from)
{
	struct pool_block *b = from->head;

	if (!b)
		return;
	while (b->next)
		b = b->next;
	b->next = into->head;
	into->head = from->head;
	from->head = NULL;
}

static void pool_release(struct pool *p)
{
	struct pool_block *b = p->head;

	while (b) {
		struct pool_block *next = b->next;
		free(b);
		b = next;
	}
	p->head = NULL;
}

/* ------------------------------------------------------------------ ASCII helpers */

/* Locale-free on purpose: the program never depends on the system locale. */
static int is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	return is_lower(c) || is_digit(c) || (c >= 'A' && c <= 'Z');
}

static int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int ascii_ncaseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* A key: a-z, 0-9 and _, at most MAX_KEY bytes. */
static int valid_key(const char *s, size_t n)
{
	if (!n || n > MAX_KEY)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_lower((unsigned char)s[i]) && !is_digit((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* A language code as a file name: "ar", "zgh", "pt_BR", "sr-Latn". */
static int valid_code(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_lower((unsigned char)s[i]))
		i++;
	if (i < 2 || i > 3)
		return 0;
	if (i == n)
		return 1;
	if (s[i] != '_' && s[i] != '-')
		return 0;
	size_t start = ++i;
	while (i < n && is_alnum((unsigned char)s[i]))
		i++;
	return i == n && i - start >= 2 && i - start <= 8;
}

/* ------------------------------------------------------------------ plural expressions */

enum pop {
	P_NUM,
	P_N,
	P_NOT,
	P_MUL,
	P_DIV,
	P_MOD,
	P_ADD,
	P_SUB,
	P_LT,
	P_LE,
	P_GT,
	P_GE,
	P_EQ,
	P_NE,
	P_AND,
	P_OR,
	P_COND,
};

/* Children always come before their parent, so evaluation recurses at most nnodes deep. */
struct pnode {
	unsigned char op;
	unsigned char a, b, c;
	unsigned long num;
};

struct plural_rule {
	unsigned nplurals;
	unsigned nnodes;
	unsigned root;
	struct pnode node[PLURAL_MAX_NODES];
};

struct pparse {
	const char *s;
	size_t pos;
	int depth;
	struct plural_rule *r;
	struct err *e;
	int failed;
};

static int pp_fail(struct pparse *pp, const char *what)
{
	if (!pp->failed)
		err_set(pp->e, ERR_FORMAT, "column %zu: %s", pp->pos + 1, what);
	pp->failed = 1;
	return -1;
}

static void pp_ws(struct pparse *pp)
{
	while (is_space((unsigned char)pp->s[pp->pos]))
		pp->pos++;
}

static int pp_node(struct pparse *pp, int op, int a, int b, int c, unsigned long num)
{
	struct plural_rule *r = pp->r;

	if (r->nnodes >= PLURAL_MAX_NODES)
		return pp_fail(pp, "the expression is too long");
	struct pnode *nd = &r->node[r->nnodes];
	nd->op = (unsigned char)op;
	nd->a = (unsigned char)(a < 0 ? 0 : a);
	nd->b = (unsigned char)(b < 0 ? 0 : b);
	nd->c = (unsigned char)(c < 0 ? 0 : c);
	nd->num = num;
	return (int)r->nnodes++;
}

static int pp_cond(struct pparse *pp);

static int pp_primary(struct pparse *pp)
{
	const char *s = NULL;

	pp_ws(pp);
	s = pp->s + pp->pos;
	if (s[0] == 'n' && !is_alnum((unsigned char)s[1]) && s[1] != '_') {
		pp->pos++;
		return pp_node(pp, P_N, -1, -1, -1, 0);
	}
	if (is_digit((unsigned char)s[0])) {
		unsigned long v = 0;
		while (is_digit((unsigned char)pp->s[pp->pos])) {
			unsigned d = (unsigned)(pp->s[pp->pos] - '0');
			if (v > (ULONG_MAX - d) / 10)
				return pp_fail(pp, "number too large");
			v = v * 10 + d;
			pp->pos++;
		}
		return pp_node(pp, P_NUM, -1, -1, -1, v);
	}
	if (s[0] == '(') {
		pp->pos++;
		int inner = pp_cond(pp);
		if (inner < 0)
			return -1;
		pp_ws(pp);
		if (pp->s[pp->pos] != ')')
			return pp_fail(pp, "expected )");
		pp->pos++;
		return inner;
	}
	return pp_fail(pp, s[0] ? "expected n, a number or (" : "the expression ends too early");
}

static int pp_unary(struct pparse *pp)
{
	pp_ws(pp);
	if (pp->s[pp->pos] == '!' && pp->s[pp->pos + 1] != '=') {
		pp->pos++;
		if (++pp->depth > PLURAL_MAX_DEPTH)
			return pp_fail(pp, "nested too deeply");
		int a = pp_unary(pp);
		pp->depth--;
		return a < 0 ? -1 : pp_node(pp, P_NOT, a, -1, -1, 0);
	}
	return pp_primary(pp);
}

/* Binary operators by precedence level, loosest first, as in C. */
static size_t pp_match_op(const char *s, int level, int *op)
{
	switch (level) {
	case 0:
		if (s[0] == '|' && s[1] == '|')
			return *op = P_OR, 2;
		break;
	case 1:
		if (s[0] == '&' && s[1] == '&')
			return *op = P_AND, 2;
		break;
	case 2:
		if (s[0] == '=' && s[1] == '=')
			return *op = P_EQ, 2;
		if (s[0] == '!' && s[1] == '=')
			return *op = P_NE, 2;
		break;
	case 3:
		if (s[0] == '<')
			return s[1] == '=' ? (*op = P_LE, 2) : (*op = P_LT, 1);
		if (s[0] == '>')
			return s[1] == '=' ? (*op = P_GE, 2) : (*op = P_GT, 1);
		break;
	case 4:
		if (s[0] == '+')
			return *op = P_ADD, 1;
		if (s[0] == '-')
			return *op = P_SUB, 1;
		break;
	case 5:
		if (s[0] == '*')
			return *op = P_MUL, 1;
		if (s[0] == '/')
			return *op = P_DIV, 1;
		if (s[0] == '%')
			return *op = P_MOD, 1;
		break;
	}
	return 0;
}

static int pp_binary(struct pparse *pp, int level)
{
	if (level > 5)
		return pp_unary(pp);
	int left = pp_binary(pp, level + 1);
	while (left >= 0) {
		int op = 0;
		pp_ws(pp);
		size_t len = pp_match_op(pp->s + pp->pos, level, &op);
		if (!len)
			break;
		pp->pos += len;
		int right = pp_binary(pp, level + 1);
		if (right < 0)
			return -1;
		left = pp_node(pp, op, left, right, -1, 0);
	}
	return left;
}

static int pp_cond(struct pparse *pp)
{
	if (++pp->depth > PLURAL_MAX_DEPTH)
		return pp_fail(pp, "nested too deeply");
	int c = pp_binary(pp, 0);
	if (c >= 0) {
		pp_ws(pp);
		if (pp->s[pp->pos] == '?') {
			pp->pos++;
			int a = pp_cond(pp);
			if (a < 0)
				return -1;
			pp_ws(pp);
			if (pp->s[pp->pos] != ':')
				return pp_fail(pp, "expected : after ? and a value");
			pp->pos++;
			int b = pp_cond(pp);
			if (b < 0)
				return -1;
			c = pp_node(pp, P_COND, c, a, b, 0);
		}
	}
	pp->depth--;
	return c;
}

/* Compiles expr (an optional ";" may end it) into r; nplurals is left to the caller. */
static int plural_compile(const char *expr, struct plural_rule *r, struct err *e)
{
	struct pparse pp = {expr, 0, 0, r, e, 0};

	r->nnodes = 0;
	int root = pp_cond(&pp);
	if (root < 0)
		return ERR_FORMAT;
	pp_ws(&pp);
	if (pp.s[pp.pos] == ';')
		pp.pos++;
	pp_ws(&pp);
	if (pp.s[pp.pos]) {
		pp_fail(&pp, "unexpected text");
		return ERR_FORMAT;
	}
	r->root = (unsigned)root;
	return 0;
}

static unsigned long plural_node(const struct plural_rule *r, unsigned i, unsigned long n, unsigned depth)
{
	const struct pnode *nd = &r->node[i];
	unsigned long a = 0, b = 0;

	/* Children precede parents, so this cannot trigger; it keeps the bound obvious. */
	if (depth > PLURAL_MAX_NODES)
		return 0;
	switch (nd->op) {
	case P_NUM:
		return nd->num;
	case P_N:
		return n;
	case P_NOT:
		return !plural_node(r, nd->a, n, depth + 1);
	case P_AND:
		return plural_node(r, nd->a, n, depth + 1) && plural_node(r, nd->b, n, depth + 1);
	case P_OR:
		return plural_node(r, nd->a, n, depth + 1) || plural_node(r, nd->b, n, depth + 1);
	case P_COND:
		return plural_node(r, nd->a, n, depth + 1) ? plural_node(r, nd->b, n, depth + 1)
		                                           : plural_node(r, nd->c, n, depth + 1);
	default:
		break;
	}
	a = plural_node(r, nd->a, n, depth + 1);
	b = plural_node(r, nd->b, n, depth + 1);
	switch (nd->op) {
	case P_MUL:
		return a * b;
	case P_DIV:
		return b ? a / b : 0;
	case P_MOD:
		return b ? a % b : 0;
	case P_ADD:
		return a + b;
	case P_SUB:
		return a - b;
	case P_LT:
		return a < b;
	case P_LE:
		return a <= b;
	case P_GT:
		return a > b;
	case P_GE:
		return a >= b;
	case P_EQ:
		return a == b;
	case P_NE:
		return a != b;
	}
	return 0;
}

static unsigned long abs_count(long n)
{
	/* Written so that LONG_MIN does not overflow. */
	return n < 0 ? (unsigned long)(-(n + 1)) + 1u : (unsigned long)n;
}

/* As gettext does, a result past nplurals selects form 0. */
static unsigned plural_form(const struct plural_rule *r, unsigned long n)
{
	unsigned long v = plural_node(r, r->root, n, 0);
	return v < r->nplurals ? (unsigned)v : 0;
}

int i18n_plural_eval(const char *expr, long n, unsigned long *result, struct err *e)
{
	struct plural_rule *r = xcalloc(1, sizeof(*r));
	int ret = plural_compile(expr ? expr : "", r, e);

	if (!ret)
		*result = plural_node(r, r->root, abs_count(n), 0);
	free(r);
	return ret;
}

/* The rule of a catalog without a Plural-Forms header: English's. */
static void plural_default(struct plural_rule *r)
{
	if (plural_compile("n != 1", r, NULL))
		BUG("the default plural rule does not compile");
	r->nplurals = 2;
}

/*
 * Reads a Plural-Forms value, "nplurals=N; plural=EXPR;", into r. Rules are checked over
 * a range of n so that a typo giving form 7 of 6 is caught when the file is loaded.
 */
static int plural_forms_parse(const char *v, struct plural_rule *r, struct err *e)
{
	const char *p = v;
	unsigned long np = 0;
	char *expr = NULL;
	int ret = 0;

	while (is_space((unsigned char)*p))
		p++;
	if (strncmp(p, "nplurals", 8))
		return err_set(e, ERR_FORMAT, "Plural-Forms must start with nplurals=");
	p += 8;
	while (is_space((unsigned char)*p))
		p++;
	if (*p++ != '=')
		return err_set(e, ERR_FORMAT, "Plural-Forms: expected = after nplurals");
	while (is_space((unsigned char)*p))
		p++;
	if (!is_digit((unsigned char)*p))
		return err_set(e, ERR_FORMAT, "Plural-Forms: nplurals needs a number");
	for (; is_digit((unsigned char)*p); p++)
		if (np <= I18N_MAX_FORMS)
			np = np * 10 + (unsigned long)(*p - '0'); /* past the limit: only the error matters */
	if (np < 1 || np > I18N_MAX_FORMS)
		return err_set(e, ERR_FORMAT, "Plural-Forms: nplurals must be between 1 and %d", I18N_MAX_FORMS);
	while (is_space((unsigned char)*p))
		p++;
	if (*p++ != ';')
		return err_set(e, ERR_FORMAT, "Plural-Forms: expected ; after nplurals=%lu", np);
	while (is_space((unsigned char)*p))
		p++;
	if (strncmp(p, "plural", 6))
		return err_set(e, ERR_FORMAT, "Plural-Forms: expected plural= after nplurals");
	p += 6;
	while (is_space((unsigned char)*p))
		p++;
	if (*p++ != '=')
		return err_set(e, ERR_FORMAT, "Plural-Forms: expected = after plural");
	const char *end = strchr(p, ';');
	expr = xstrndup(p, end ? (size_t)(end - p) : strlen(p));
	if (end) {
		for (end++; *end; end++)
			if (!is_space((unsigned char)*end)) {
				ret = err_set(e, ERR_FORMAT, "Plural-Forms: unexpected text after the expression");
				goto cleanup;
			}
	}
	ret = plural_compile(expr, r, e);
	if (ret) {
		err_prefix(e, "Plural-Forms: plural=%s", expr);
		goto cleanup;
	}
	r->nplurals = (unsigned)np;
	for (unsigned long n = 0; n < PLURAL_CHECK_UPTO; n++) {
		unsigned long f = plural_node(r, r->root, n, 0);
		if (f >= np) {
			ret = err_set(e, ERR_FORMAT,
			              "Plural-Forms: plural=%s gives form %lu for n = %lu, but nplurals=%lu", expr, f,
			              n, np);
			goto cleanup;
		}
	}
cleanup:
	free(expr);
	return ret;
}

/* ------------------------------------------------------------------ catalogs */

struct entry {
	const char *key;
	const char *msgid;
	const char *msgid_plural;        /* NULL for a plain string */
	const char *str[I18N_MAX_FORMS]; /* msgstr, or msgstr[i]; "" when untranslated */
	unsigned nstr;
	int own;                /* written in this language's catalog (else borrowed from English) */
	int complete;           /* every form translated (set by cat_finalise) */
	size_t line;            /* of the entry, for messages */
	const char *text;       /* what i18n_get returns (set by cat_finalise) */
	const struct entry *en; /* the English entry with the same key, or NULL */
};

struct catalog {
	const char *code;
	struct entry *v;
	size_t n, alloc;
	uint32_t *slot; /* open addressing, linear probing: 0 is empty, else index + 1 */
	size_t cap;     /* a power of two, at least twice n */
	struct plural_rule rule;
	int has_rule; /* Plural-Forms was given */
	size_t rule_line;
};

struct i18n {
	struct pool pool;
	struct catalog **cat;
	size_t n, alloc;
	const char **codes;
	struct catalog *en;
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static long cat_find(const struct catalog *c, const char *key)
{
	if (!c->cap)
		return -1;
	size_t mask = c->cap - 1;
	for (size_t i = (size_t)hash_key(key) & mask;; i = (i + 1) & mask) {
		uint32_t s = c->slot[i];
		if (!s)
			return -1;
		if (!strcmp(c->v[s - 1].key, key))
			return (long)(s - 1);
	}
}

static void cat_place(struct catalog *c, size_t index)
{
	size_t mask = c->cap - 1;
	size_t i = (size_t)hash_key(c->v[index].key) & mask;

	while (c->slot[i])
		i = (i + 1) & mask;
	c->slot[i] = (uint32_t)(index + 1);
}

/* Appends x (whose key must be absent) and returns its index. */
static size_t cat_add(struct catalog *c, const struct entry *x)
{
	if ((c->n + 1) * 2 > c->cap) {
		free(c->slot);
		c->cap = c->cap ? c->cap * 2 : 64;
		c->slot = xcalloc(c->cap, sizeof(*c->slot));
		for (size_t i = 0; i < c->n; i++)
			cat_place(c, i);
	}
	c->v = xgrow(c->v, &c->alloc, c->n + 1, sizeof(*c->v));
	c->v[c->n] = *x;
	cat_place(c, c->n);
	return c->n++;
}

static struct catalog *cat_new(const char *code)
{
	struct catalog *c = xcalloc(1, sizeof(*c));

	c->code = code;
	plural_default(&c->rule);
	return c;
}

static void cat_free(struct catalog *c)
{
	if (!c)
		return;
	free(c->v);
	free(c->slot);
	free(c);
}

/* ------------------------------------------------------------------ .po parser */

enum po_state { S_NONE, S_CTX, S_ID, S_IDP, S_STR };

struct po {
	const char *name; /* the file, for messages */
	struct catalog *cat;
	struct pool *pool;
	struct err *e;
	size_t line;
	enum po_state state;
	struct buf ctx, id, idp, str[I18N_MAX_FORMS];
	int has_ctx, plural, fuzzy, header_seen;
	unsigned nstr;
	struct buf *last; /* where a continuation line goes */
	size_t entry_line;
};

static int po_error(struct po *p, size_t line, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int po_error(struct po *p, size_t line, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(p->e, code, "%s:%zu: %s", p->name, line, msg);
}

static void po_reset(struct po *p)
{
	buf_reset(&p->ctx);
	buf_reset(&p->id);
	buf_reset(&p->idp);
	for (unsigned i = 0; i < I18N_MAX_FORMS; i++)
		buf_reset(&p->str[i]);
	p->has_ctx = p->plural = p->fuzzy = 0;
	p->nstr = 0;
	p->last = NULL;
	p->state = S_NONE;
}

/* The header entry: "Name: value" lines; only the charset and Plural-Forms matter. */
static int po_header(struct po *p, const char *text)
{
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > 13 && ascii_ncaseeq(line, "Content-Type:", 13)) {
			const char *cs = NULL;
			for (size_t i = 13; i + 8 <= len; i++)
				if (ascii_ncaseeq(line + i, "charset=", 8)) {
					cs = line + i + 8;
					break;
				}
			size_t cl = 0;
			while (cs && cs + cl < line + len &&
			       (is_alnum((unsigned char)cs[cl]) || cs[cl] == '-' || cs[cl] == '_'))
				cl++;
			if (cs &&
			    !((cl == 5 && ascii_ncaseeq(cs, "utf-8", 5)) || (cl == 4 && ascii_ncaseeq(cs, "utf8", 4))))
				return po_error(p, p->entry_line, ERR_ENCODING,
				                "the charset is \"%.*s\"; catalogs must be saved as UTF-8 with "
				                "\"Content-Type: text/plain; charset=UTF-8\"",
				                (int)cl, cs);
		} else if (len > 13 && ascii_ncaseeq(line, "Plural-Forms:", 13)) {
			char *v = xstrndup(line + 13, len - 13);
			struct err pe = ERR_INIT;
			int r = plural_forms_parse(v, &p->cat->rule, &pe);
			free(v);
			if (r)
				return po_error(p, p->entry_line, r, "%s", pe.msg);
			p->cat->has_rule = 1;
			p->cat->rule_line = p->entry_line;
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return 0;
}

/* Ends the entry being read: checks it and stores it in the catalog. */
static int po_flush(struct po *p)
{
	struct catalog *c = p->cat;
	struct entry x;
	int r = 0;

	if (!p->has_ctx && !p->id.len) {
		/* The header. Read even when fuzzy: msginit and editors often leave the flag on it. */
		if (p->header_seen)
			r = po_error(p, p->entry_line, ERR_FORMAT, "a second header entry (msgid \"\")");
		else if (p->plural)
			r = po_error(p, p->entry_line, ERR_FORMAT, "the header entry cannot have msgid_plural");
		else
			r = po_header(p, buf_str(&p->str[0]));
		p->header_seen = 1;
		goto cleanup;
	}
	if (!p->has_ctx) {
		r = po_error(p, p->entry_line, ERR_FORMAT,
		             "the entry \"%.40s\" has no key: put msgctxt \"its_key\" before its msgid",
		             buf_str(&p->id));
		goto cleanup;
	}
	if (!valid_key(buf_str(&p->ctx), p->ctx.len)) {
		r = po_error(p, p->entry_line, ERR_FORMAT, "the key \"%.64s\" must be 1 to %d of a-z, 0-9 and _",
		             buf_str(&p->ctx), MAX_KEY);
		goto cleanup;
	}
	if (!p->id.len) {
		r = po_error(p, p->entry_line, ERR_FORMAT,
		             "the msgid of \"%s\" is empty: it must hold the English text", buf_str(&p->ctx));
		goto cleanup;
	}
	if (p->fuzzy)
		goto cleanup; /* a guess waiting for review: not shown */
	long dup = cat_find(c, buf_str(&p->ctx));
	if (dup >= 0) {
		r = po_error(p, p->entry_line, ERR_FORMAT, "the key \"%s\" is already used at line %zu",
		             buf_str(&p->ctx), c->v[dup].line);
		goto cleanup;
	}
	memset(&x, 0, sizeof(x));
	x.key = pool_strndup(p->pool, p->ctx.data, p->ctx.len);
	x.msgid = pool_strndup(p->pool, p->id.data, p->id.len);
	x.msgid_plural = p->plural ? pool_strndup(p->pool, buf_str(&p->idp), p->idp.len) : NULL;
	for (unsigned i = 0; i < I18N_MAX_FORMS; i++)
		x.str[i] = i < p->nstr ? pool_strndup(p->pool, buf_str(&p->str[i]), p->str[i].len) : "";
	x.nstr = p->nstr;
	x.own = 1;
	x.line = p->entry_line;
	cat_add(c, &x);
cleanup:
	po_reset(p);
	return r;
}

/* Reads the quoted string starting at s[i] (after spaces) into into; nothing may follow it. */
static int po_string(struct po *p, const char *s, size_t len, size_t i, struct buf *into)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= len || s[i] != '"')
		return po_error(p, p->line, ERR_FORMAT, "expected a string in double quotes");
	i++;
	for (;;) {
		size_t run = i;
		while (i < len && s[i] != '"' && s[i] != '\\')
			i++;
		buf_append(into, s + run, i - run);
		if (i >= len)
			return po_error(p, p->line, ERR_FORMAT, "missing closing quote");
		if (s[i] == '"')
			break;
		if (++i >= len)
			return po_error(p, p->line, ERR_FORMAT,
			                "missing closing quote (the line ends with a backslash)");
		switch (s[i]) {
		case '"':
			buf_appendc(into, '"');
			break;
		case '\\':
			buf_appendc(into, '\\');
			break;
		case 'n':
			buf_appendc(into, '\n');
			break;
		case 't':
			buf_appendc(into, '\t');
			break;
		default: {
			uint32_t cp = 0;
			int k = utf8_decode((const unsigned char *)s + i, len - i, &cp);
			return po_error(
			    p, p->line, ERR_FORMAT,
			    "unknown escape \\%.*s (only \\\" \\\\ \\n and \\t; write \\\\ for a backslash)",
			    k > 0 ? k : 1, s + i);
		}
		}
		i++;
	}
	for (i++; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return po_error(p, p->line, ERR_FORMAT, "unexpected text after the closing quote");
	return 0;
}

/* "#, fuzzy, c-format": only fuzzy matters. */
static void po_flags(struct po *p, const char *s, size_t len)
{
	size_t i = 2;

	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		size_t start = i;
		while (i < len && s[i] != ',' && s[i] != ' ' && s[i] != '\t')
			i++;
		if (i - start == 5 && !memcmp(s + start, "fuzzy", 5))
			p->fuzzy = 1;
	}
}

static int po_line(struct po *p, const char *s, size_t len)
{
	size_t i = 0, kw = 0;
	int r = 0;

	while (len && s[len - 1] == '\r')
		len--;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len)
		return 0;
	s += i;
	len -= i;
	if (s[0] == '#') {
		if (p->state == S_STR && (r = po_flush(p)))
			return r;
		if (p->state != S_NONE)
			return po_error(p, p->line, ERR_FORMAT,
			                "a comment inside an entry (comments go before msgctxt)");
		if (len > 1 && s[1] == ',')
			po_flags(p, s, len);
		return 0;
	}
	if (s[0] == '"') {
		if (!p->last)
			return po_error(p, p->line, ERR_FORMAT, "a string without msgctxt, msgid or msgstr before it");
		return po_string(p, s, len, 0, p->last);
	}
	while (kw < len && (is_lower((unsigned char)s[kw]) || s[kw] == '_'))
		kw++;
	if (kw == 7 && !memcmp(s, "msgctxt", 7)) {
		if (p->state == S_STR && (r = po_flush(p)))
			return r;
		if (p->state != S_NONE)
			return po_error(p, p->line, ERR_FORMAT, "msgctxt must come first in an entry");
		p->entry_line = p->line;
		p->has_ctx = 1;
		p->state = S_CTX;
		p->last = &p->ctx;
	} else if (kw == 5 && !memcmp(s, "msgid", 5)) {
		if (p->state == S_STR && (r = po_flush(p)))
			return r;
		if (p->state == S_ID || p->state == S_IDP)
			return po_error(p, p->line, ERR_FORMAT, "a second msgid: the entry before has no msgstr");
		if (p->state == S_NONE)
			p->entry_line = p->line;
		p->state = S_ID;
		p->last = &p->id;
	} else if (kw == 12 && !memcmp(s, "msgid_plural", 12)) {
		if (p->state != S_ID)
			return po_error(p, p->line, ERR_FORMAT, "msgid_plural must follow msgid");
		p->plural = 1;
		p->state = S_IDP;
		p->last = &p->idp;
	} else if (kw == 6 && !memcmp(s, "msgstr", 6) && (kw >= len || s[kw] != '[')) {
		if (p->state == S_IDP)
			return po_error(p, p->line, ERR_FORMAT, "after msgid_plural, give msgstr[0], msgstr[1]…");
		if (p->state != S_ID)
			return po_error(p, p->line, ERR_FORMAT,
			                p->state == S_STR ? "a second msgstr in the entry" : "msgstr without msgid");
		p->state = S_STR;
		p->nstr = 1;
		p->last = &p->str[0];
	} else if (kw == 6 && !memcmp(s, "msgstr", 6)) {
		unsigned long idx = 0;
		size_t j = kw + 1;
		if (j >= len || !is_digit((unsigned char)s[j]))
			return po_error(p, p->line, ERR_FORMAT, "expected a number in msgstr[…]");
		for (; j < len && is_digit((unsigned char)s[j]); j++)
			if (idx <= I18N_MAX_FORMS)
				idx =
				    idx * 10 + (unsigned long)(s[j] - '0'); /* past the limit: only the error matters */
		if (j >= len || s[j] != ']')
			return po_error(p, p->line, ERR_FORMAT, "expected ] after msgstr[%lu", idx);
		if (!p->plural)
			return po_error(p, p->line, ERR_FORMAT, "msgstr[%lu] in an entry without msgid_plural", idx);
		if (p->state != S_IDP && p->state != S_STR)
			return po_error(p, p->line, ERR_FORMAT, "msgstr[%lu] must follow msgid_plural", idx);
		if (idx >= I18N_MAX_FORMS)
			return po_error(p, p->line, ERR_FORMAT, "msgstr[%lu]: at most %d plural forms", idx,
			                I18N_MAX_FORMS);
		if (idx != p->nstr)
			return po_error(p, p->line, ERR_FORMAT, "msgstr[%lu] out of order: msgstr[%u] was expected",
			                idx, p->nstr);
		p->state = S_STR;
		p->last = &p->str[p->nstr++];
		kw = j + 1;
	} else {
		return po_error(
		    p, p->line, ERR_FORMAT,
		    "unexpected \"%.*s\" (expected msgctxt, msgid, msgid_plural, msgstr or a quoted string)",
		    (int)utf8_clip(s, len, 24), s);
	}
	if (kw < len && s[kw] != ' ' && s[kw] != '\t' && s[kw] != '"')
		return po_error(p, p->line, ERR_FORMAT, "unexpected \"%.*s\"", (int)utf8_clip(s, len, 24), s);
	return po_string(p, s, len, kw, p->last);
}

/*
 * Parses a whole catalog into c, with strings from pool. name is used in messages. Either
 * everything was read (0) or c must be thrown away.
 */
static int po_parse(struct catalog *c, struct pool *pool, const char *name, const char *data, size_t len, struct err *e)
{
	struct po p;
	size_t bad_line = 0, bad_byte = 0;
	int r = 0;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.cat = c;
	p.pool = pool;
	p.e = e;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3; /* a byte-order mark, as some editors write */
		len -= 3;
	}
	if (utf8_validate(data, len, &bad_line, &bad_byte)) {
		p.line = bad_line;
		r = po_error(&p, bad_line, ERR_ENCODING, "not valid UTF-8 (byte %zu of the file); save it as UTF-8",
		             bad_byte + 1);
		goto cleanup;
	}
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(data + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - data) : len;
		p.line++;
		r = po_line(&p, data + at, end - at);
		if (r)
			goto cleanup;
		at = end + 1;
	}
	if (p.state == S_STR)
		r = po_flush(&p);
	else if (p.state != S_NONE)
		r = po_error(&p, p.line, ERR_FORMAT, "the file ends inside an entry (its msgstr is missing)");
	if (r)
		goto cleanup;
	/* Checked at the end because nothing forces the header to come first. */
	for (size_t i = 0; c->has_rule && i < c->n; i++)
		if (c->v[i].msgid_plural && c->v[i].nstr > c->rule.nplurals) {
			r = po_error(&p, c->v[i].line, ERR_FORMAT,
			             "\"%s\" has %u plural forms but Plural-Forms says nplurals=%u", c->v[i].key,
			             c->v[i].nstr, c->rule.nplurals);
			goto cleanup;
		}
cleanup:
	buf_release(&p.ctx);
	buf_release(&p.id);
	buf_release(&p.idp);
	for (unsigned i = 0; i < I18N_MAX_FORMS; i++)
		buf_release(&p.str[i]);
	return r;
}

/* ------------------------------------------------------------------ loading */

static struct catalog *find_catalog(const struct i18n *t, const char *code)
{
	if (code)
		for (size_t i = 0; i < t->n; i++)
			if (!strcmp(t->cat[i]->code, code))
				return t->cat[i];
	return NULL;
}

static void add_catalog(struct i18n *t, struct catalog *c)
{
	t->cat = xgrow(t->cat, &t->alloc, t->n + 1, sizeof(*t->cat));
	t->cat[t->n++] = c;
}

static int entry_empty(const struct entry *x)
{
	for (unsigned i = 0; i < x->nstr; i++)
		if (x->str[i][0])
			return 0;
	return 1;
}

/* Everything that could make merging o into b wrong, checked before anything changes. */
static int override_check(const struct catalog *b, const struct catalog *o, const char *name, struct err *e)
{
	unsigned nplurals = o->has_rule ? o->rule.nplurals : b->rule.nplurals;

	if (o->has_rule && o->rule.nplurals != b->rule.nplurals)
		return err_set(e, ERR_FORMAT,
		               "%s:%zu: Plural-Forms has nplurals=%u but the built-in catalog has nplurals=%u", name,
		               o->rule_line, o->rule.nplurals, b->rule.nplurals);
	for (size_t i = 0; i < o->n; i++) {
		const struct entry *x = &o->v[i];
		long j = cat_find(b, x->key);
		if (x->msgid_plural && x->nstr > nplurals)
			return err_set(e, ERR_FORMAT, "%s:%zu: \"%s\" has %u plural forms but the language has %u",
			               name, x->line, x->key, x->nstr, nplurals);
		if (j >= 0 && !b->v[j].msgid_plural != !x->msgid_plural)
			return err_set(e, ERR_FORMAT,
			               x->msgid_plural
			                   ? "%s:%zu: \"%s\" is a plain string in the built-in catalog: give "
			                     "msgstr without msgid_plural"
			                   : "%s:%zu: \"%s\" has plural forms in the built-in catalog: give "
			                     "msgid_plural and msgstr[0], msgstr[1]…",
			               name, x->line, x->key);
	}
	return 0;
}

/* Key by key: the override's non-empty strings replace the built-in ones. */
static void override_merge(struct catalog *b, const struct catalog *o)
{
	if (o->has_rule) {
		b->rule = o->rule; /* same nplurals (checked): a corrected rule */
		b->has_rule = 1;
	}
	for (size_t i = 0; i < o->n; i++) {
		const struct entry *x = &o->v[i];
		if (entry_empty(x))
			continue; /* untranslated in the override: keep the built-in text */
		long j = cat_find(b, x->key);
		if (j < 0) {
			cat_add(b, x);
			continue;
		}
		struct entry *y = &b->v[j];
		for (unsigned f = 0; f < x->nstr; f++)
			if (x->str[f][0])
				y->str[f] = x->str[f];
		if (x->nstr > y->nstr)
			y->nstr = x->nstr;
	}
}

static int load_override(struct i18n *t, const char *path, const char *file, struct err *e)
{
	struct buf data = BUF_INIT;
	struct pool tmp = {NULL};
	struct catalog *o = NULL;
	size_t flen = strlen(file);
	int r = 0;

	if (!valid_code(file, flen - 3)) {
		r = err_set(e, ERR_FORMAT, "%s: the name must be a language code and .po (ar.po, fr.po, en.po, zgh.po)",
		            path);
		goto cleanup;
	}
	r = fs_read_file(path, MAX_FILE, &data, e);
	if (r)
		goto cleanup;
	o = cat_new(pool_strndup(&tmp, file, flen - 3));
	r = po_parse(o, &tmp, path, data.data, data.len, e);
	if (r)
		goto cleanup;
	struct catalog *b = find_catalog(t, o->code);
	if (!b) {
		/* Checked after parsing, so a broken file is reported as such first. */
		r = err_set(e, ERR_UNSUPPORTED,
		            "%s: there is no built-in catalog for \"%s\"; a new language is added to the program "
		            "(data/i18n/README.md)",
		            path, o->code);
		goto cleanup;
	}
	r = override_check(b, o, path, e);
	if (r)
		goto cleanup;
	override_merge(b, o);
	pool_splice(&t->pool, &tmp);
cleanup:
	cat_free(o);
	pool_release(&tmp);
	buf_release(&data);
	return r;
}

static int cmp_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every dir/i18n/LANG.po, in name order. Returns the first error; the others are counted. */
static int load_overrides(struct i18n *t, const char *dir, struct err *e)
{
	char *folder = fs_join(dir, "i18n");
	char **names = NULL;
	size_t n = 0, alloc = 0, failed = 0;
	int first = 0;
	DIR *d = NULL;
	struct dirent *de = NULL;

	if (!fs_is_dir(folder))
		goto cleanup;
	d = opendir(folder);
	if (!d) {
		first = err_set(e, ERR_IO, "%s: cannot open the folder", folder);
		goto cleanup;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 || strcmp(de->d_name + len - 3, ".po"))
			continue; /* hidden files, backups (ar.po~), notes */
		names = xgrow(names, &alloc, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		char *path = fs_join(folder, names[i]);
		struct err one = ERR_INIT;
		int r = load_override(t, path, names[i], &one);
		if (r && !first) {
			first = r;
			err_set(e, r, "%s", one.msg);
		} else if (r) {
			failed++;
		}
		free(path);
	}
	if (failed && e) {
		size_t l = strlen(e->msg);
		snprintf(e->msg + l, sizeof(e->msg) - l, " (and %zu more override file%s could not be used)", failed,
		         failed == 1 ? "" : "s");
	}
cleanup:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(folder);
	return first;
}

static const char *entry_plural(const struct i18n *t, const struct catalog *c, const struct entry *x, unsigned long n)
{
	if (!x->msgid_plural)
		return x->text;
	if (x->own) {
		unsigned f = plural_form(&c->rule, n);
		if (f < x->nstr && x->str[f][0])
			return x->str[f];
	}
	if (x->en && t->en)
		return entry_plural(t, t->en, x->en, n);
	return n == 1 ? x->msgid : x->msgid_plural;
}

/*
 * Resolves what each entry shows and adds the English entries c lacks, so a lookup needs
 * one probe. The English catalog goes first: the others point into it.
 */
static void cat_finalise(struct i18n *t, struct catalog *c)
{
	const struct catalog *en = c == t->en ? NULL : t->en;
	size_t own = c->n;

	for (size_t i = 0; i < own; i++) {
		struct entry *x = &c->v[i];
		long j = en ? cat_find(en, x->key) : -1;
		x->en = j >= 0 ? &en->v[j] : NULL;
		x->complete = 1;
		if (c != t->en) {
			unsigned need = x->msgid_plural ? c->rule.nplurals : 1;
			for (unsigned f = 0; f < need; f++)
				if (f >= x->nstr || !x->str[f][0])
					x->complete = 0;
		}
		if (x->msgid_plural) {
			x->text = entry_plural(t, c, x, GENERIC_COUNT);
		} else {
			x->text = x->str[0][0] ? x->str[0] : x->en ? x->en->text : x->msgid;
		}
	}
	for (size_t i = 0; en && i < en->n; i++) {
		const struct entry *y = &en->v[i];
		if (cat_find(c, y->key) >= 0)
			continue;
		struct entry x;
		memset(&x, 0, sizeof(x));
		x.key = y->key;
		x.msgid = y->msgid;
		x.msgid_plural = y->msgid_plural;
		for (unsigned f = 0; f < I18N_MAX_FORMS; f++)
			x.str[f] = "";
		x.en = y;
		x.text = y->text;
		x.line = y->line;
		cat_add(c, &x);
	}
}

static int cmp_catalog(const void *x, const void *y)
{
	const struct catalog *a = *(struct catalog *const *)x, *b = *(struct catalog *const *)y;
	const struct language *la = known_language(a->code), *lb = known_language(b->code);

	return la < lb ? -1 : la > lb; /* both are in languages[] (load_builtin checks) */
}

static int load_builtin(struct i18n *t, struct err *e)
{
	for (const struct embed_file *f = embed_files; f->name; f++) {
		if (strncmp(f->name, "i18n/", 5))
			continue;
		const char *base = f->name + 5;
		size_t len = strlen(base);
		if (strchr(base, '/') || len < 4 || strcmp(base + len - 3, ".po"))
			continue; /* the README, or anything else kept next to the catalogs */
		char *name = xasprintf("data/%s", f->name);
		struct catalog *c = cat_new(pool_strndup(&t->pool, base, len - 3));
		int r = 0;
		if (!known_language(c->code))
			r = err_set(e, ERR_FORMAT,
			            "%s: add the language's code, name and direction to languages[] in %s", name,
			            __FILE__);
		if (!r)
			r = po_parse(c, &t->pool, name, (const char *)f->data, f->size, e);
		free(name);
		if (r) {
			cat_free(c);
			return r;
		}
		add_catalog(t, c);
	}
	t->en = find_catalog(t, SOURCE_LANG);
	if (!t->en)
		return err_set(e, ERR_FORMAT, "data/i18n/%s.po: the English catalog is missing", SOURCE_LANG);
	return 0;
}

int i18n_load(struct i18n **out, const char *overrides_dir, struct err *e)
{
	struct i18n *t = xcalloc(1, sizeof(*t));
	int r = load_builtin(t, e);

	*out = NULL;
	if (r) {
		i18n_free(t);
		return r;
	}
	if (overrides_dir)
		r = load_overrides(t, overrides_dir, e);
	qsort(t->cat, t->n, sizeof(*t->cat), cmp_catalog);
	cat_finalise(t, t->en);
	for (size_t i = 0; i < t->n; i++)
		if (t->cat[i] != t->en)
			cat_finalise(t, t->cat[i]);
	t->codes = xcalloc(t->n + 1, sizeof(*t->codes));
	for (size_t i = 0; i < t->n; i++)
		t->codes[i] = t->cat[i]->code;
	*out = t;
	return r;
}

void i18n_free(struct i18n *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		cat_free(t->cat[i]);
	free(t->cat);
	free(t->codes);
	pool_release(&t->pool);
	free(t);
}

/* ------------------------------------------------------------------ lookups */

static const struct catalog *lang_catalog(const struct i18n *t, const char *lang)
{
	const struct catalog *c = find_catalog(t, lang);
	return c ? c : t->en;
}

const char *i18n_get(const struct i18n *t, const char *lang, const char *key)
{
	if (!key)
		return "";
	const struct catalog *c = lang_catalog(t, lang);
	long j = cat_find(c, key);
	return j >= 0 ? c->v[j].text : key;
}

const char *i18n_plural(const struct i18n *t, const char *lang, const char *key, long n)
{
	if (!key)
		return "";
	const struct catalog *c = lang_catalog(t, lang);
	long j = cat_find(c, key);
	return j >= 0 ? entry_plural(t, c, &c->v[j], abs_count(n)) : key;
}

int i18n_plural_form(const struct i18n *t, const char *lang, long n)
{
	return (int)plural_form(&lang_catalog(t, lang)->rule, abs_count(n));
}

int i18n_translated(const struct i18n *t, const char *lang, const char *key)
{
	const struct catalog *c = find_catalog(t, lang);
	long j = c && key ? cat_find(c, key) : -1;
	return j >= 0 && c->v[j].own && c->v[j].complete;
}

size_t i18n_languages(const struct i18n *t, const char *const **codes)
{
	*codes = t->codes;
	return t->n;
}

/* The part of a language tag before "-" or "_". */
static size_t primary_len(const char *tag)
{
	size_t n = 0;

	while (tag[n] && tag[n] != '-' && tag[n] != '_')
		n++;
	return n;
}

const char *i18n_language_name(const char *lang)
{
	const struct language *l = known_language(lang);
	return l ? l->name : NULL;
}

const char *i18n_direction(const char *lang)
{
	/* For tags beyond the catalogs ("ar-MA", "fa"): languages written in the Arabic, Hebrew
	 * or Thaana scripts by default. */
	static const char *const rtl[] = {"ar", "ary", "arq", "fa", "he", "ur", "ps", "ckb", "sd", "ug", "yi", "dv"};
	const struct language *l = known_language(lang);
	size_t n = lang ? primary_len(lang) : 0;

	if (l)
		return l->dir;
	for (size_t i = 0; n && i < ARRAY_SIZE(rtl); i++)
		if (strlen(rtl[i]) == n && ascii_ncaseeq(lang, rtl[i], n))
			return "rtl";
	return "ltr";
}

json_t *i18n_table(const struct i18n *t, const char *lang)
{
	const struct catalog *c = lang_catalog(t, lang);
	json_t *obj = json_object();

	if (!obj)
		BUG("out of memory");
	for (size_t i = 0; i < c->n; i++)
		if (json_object_set_new_nocheck(obj, c->v[i].key, json_string_nocheck(c->v[i].text)))
			BUG("out of memory");
	return obj;
}

/* ------------------------------------------------------------------ negotiation */

struct lang_range {
	char tag[36]; /* lower case, "_" read as "-" */
	int q;        /* thousandths */
	int pos;
};

/* A qvalue: "1", "1.0", "0.8", "0.125". -1 when malformed. */
static int parse_q(const char *s, size_t n)
{
	int q = 0, digits = 0;

	if (!n || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.')
		return -1;
	for (size_t i = 2; i < n; i++) {
		if (!is_digit((unsigned char)s[i]) || ++digits > 3)
			return -1;
		q += (s[i] - '0') * (digits == 1 ? 100 : digits == 2 ? 10 : 1);
	}
	return q > 1000 ? -1 : q;
}

/* One "tag;q=0.8" item; 0 if it is malformed (and then ignored). */
static int parse_range(const char *s, size_t n, int pos, struct lang_range *r)
{
	size_t i = 0, t = 0;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	while (i < n && s[i] != ';' && !is_space((unsigned char)s[i])) {
		char c = s[i++];
		if (!is_alnum((unsigned char)c) && c != '-' && c != '_' && c != '*')
			return 0;
		if (t + 1 >= sizeof(r->tag))
			return 0;
		r->tag[t++] = c == '_' ? '-' : (char)to_lower((unsigned char)c);
	}
	r->tag[t] = '\0';
	if (!t || (strchr(r->tag, '*') && strcmp(r->tag, "*")))
		return 0;
	r->q = 1000;
	r->pos = pos;
	while (i < n) {
		while (i < n && (is_space((unsigned char)s[i]) || s[i] == ';'))
			i++;
		size_t start = i;
		while (i < n && s[i] != ';')
			i++;
		size_t end = i;
		while (end > start && is_space((unsigned char)s[end - 1]))
			end--;
		if (end - start >= 2 && (s[start] == 'q' || s[start] == 'Q')) {
			size_t k = start + 1;
			while (k < end && is_space((unsigned char)s[k]))
				k++;
			if (k >= end || s[k] != '=')
				return 0;
			k++;
			while (k < end && is_space((unsigned char)s[k]))
				k++;
			r->q = parse_q(s + k, end - k);
			if (r->q < 0)
				return 0;
		}
	}
	return 1;
}

/* Aliases by first subtag: languages people set that we serve with a neighbour. */
static const char *lang_alias(const char *tag, size_t n)
{
	static const char *const alias[][2] = {
	    {"ary", "ar"}, {"ber", "zgh"}, {"tzm", "zgh"}, {"shi", "zgh"}, {"rif", "zgh"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(alias); i++)
		if (strlen(alias[i][0]) == n && !memcmp(tag, alias[i][0], n))
			return alias[i][1];
	return NULL;
}

/* How specifically range matches code: 3 the same tag, 2 the same first subtag, 1 "*", 0 no. */
static int range_match(const struct lang_range *r, const char *code)
{
	char norm[36];
	size_t n = 0;

	for (; code[n] && n + 1 < sizeof(norm); n++)
		norm[n] = code[n] == '_' ? '-' : (char)to_lower((unsigned char)code[n]);
	norm[n] = '\0';
	if (!strcmp(r->tag, "*"))
		return 1;
	if (!strcmp(r->tag, norm))
		return 3;
	size_t pr = primary_len(r->tag), pc = primary_len(norm);
	if (pr == pc && !memcmp(r->tag, norm, pr))
		return 2;
	const char *a = lang_alias(r->tag, pr);
	return a && !strcmp(a, norm) ? 2 : 0;
}

const char *i18n_negotiate(const struct i18n *t, const char *accept_language)
{
	struct lang_range ranges[NEGOTIATE_MAX_RANGES];
	size_t nr = 0, len = 0;
	const char *best = NULL;
	int best_q = 0, best_pos = 0;

	if (!accept_language)
		return NULL;
	len = strnlen(accept_language, NEGOTIATE_MAX_BYTES);
	for (size_t i = 0; i < len && nr < NEGOTIATE_MAX_RANGES;) {
		const char *comma = memchr(accept_language + i, ',', len - i);
		size_t end = comma ? (size_t)(comma - accept_language) : len;
		if (parse_range(accept_language + i, end - i, (int)nr, &ranges[nr]))
			nr++;
		i = end + 1;
	}
	/* Each language takes the q of its most specific range; q=0 there excludes it. */
	for (size_t l = 0; l < t->n; l++) {
		int spec = 0, q = 0, pos = 0;
		for (size_t i = 0; i < nr; i++) {
			int s = range_match(&ranges[i], t->cat[l]->code);
			if (s > spec || (s && s == spec && ranges[i].q > q)) {
				spec = s;
				q = ranges[i].q;
				pos = ranges[i].pos;
			}
		}
		if (spec && q > 0 && (!best || q > best_q || (q == best_q && pos < best_pos))) {
			best = t->cat[l]->code;
			best_q = q;
			best_pos = pos;
		}
	}
	return best;
}

/* ------------------------------------------------------------------ placeholders */

int i18n_format(const char *pattern, const char *const *names, const char *const *values, size_t n, struct buf *out)
{
	const char *s = pattern, *run = pattern;

	if (!pattern)
		return 0;
	while (*s) {
		if (*s != '{') {
			s++;
			continue;
		}
		const char *name = s + 1, *end = name;
		while (is_alnum((unsigned char)*end) || *end == '_')
			end++;
		if (end == name || *end != '}') {
			s++;
			continue;
		}
		size_t nl = (size_t)(end - name), i = 0;
		for (; i < n; i++)
			if (names[i] && strlen(names[i]) == nl && !memcmp(names[i], name, nl))
				break;
		if (i == n) {
			s = end + 1;
			continue;
		}
		if (buf_append(out, run, (size_t)(s - run)) || buf_appends(out, values[i] ? values[i] : ""))
			return -1;
		s = end + 1;
		run = s;
	}
	return buf_append(out, run, (size_t)(s - run));
}
