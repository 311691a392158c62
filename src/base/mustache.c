#include "base/mustache.h"

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
	/* Starts at the beginning of its line with nothing printed before it on that line, so
	   rendering must not print the pending indentation on its behalf. */
	unsigned standalone : 1;
	unsigned bol : 1;        /* text: starts at the beginning of a line of the source */
	unsigned own_indent : 1; /* block: its content already lost its intrinsic indentation */
	const char *s;           /* text, or the tag's name */
	size_t n;
	char *own;           /* text rewritten without indentation (s points here) */
	const char *indent;  /* prepended to each line of what a partial, parent or block renders */
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
	size_t at;         /* where the tag starts, for messages */
	size_t ws;         /* where the blank run before it starts (valid if lclear) */
	size_t rpos;       /* after its line end (valid if rclear) */
	unsigned lclear : 1, rclear : 1;
	size_t text;       /* index + 1 of the text node just before it in its container, or 0 */
	char otag[DELIM_MAX]; /* delimiters at the tag, to quote them in messages */
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
	const char *what; /* "" or "partial 'x': " for messages */
};

