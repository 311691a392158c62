/*
 * HTML through libxml2's forgiving HTML parser. Only text nodes are read, so
 * attributes (onload=..., href="javascript:...") never reach the output, and the
 * subtrees of script-like elements are skipped entirely. libxml2 decodes entities
 * and honours a BOM or <meta charset>; undeclared input that is not UTF-8 is read
 * as Latin-1.
 */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <string.h>

#include "base/buf.h"
#include "hub/extract.h"
#include "hub/extract_priv.h"
#include "base/banned.h"

struct html {
	struct extract *x;
	const char *name;
	struct err *e;
	struct buf cur; /* text of the block being read */
	int heading;    /* level of the heading being read, else 0 */
	int pre;        /* depth inside <pre>, where whitespace is kept */
	int space;      /* whitespace was seen and not yet written */
	int rc;
};

static void quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

#if LIBXML_VERSION >= 21200
static void quiet_structured(void *ctx, const xmlError *err)
#else
static void quiet_structured(void *ctx, xmlErrorPtr err)
#endif
{
	(void)ctx;
	(void)err;
}

void extract_xml_quiet(struct xml_quiet *q)
{
	xmlInitParser();
	/* Function pointers round-trip through another function pointer type. */
	q->generic = (void (*)(void))xmlGenericError;
	q->generic_ctx = xmlGenericErrorContext;
	q->structured = (void (*)(void))xmlStructuredError;
	q->structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
}

void extract_xml_restore(const struct xml_quiet *q)
{
	xmlSetGenericErrorFunc(q->generic_ctx, (xmlGenericErrorFunc)q->generic);
	xmlSetStructuredErrorFunc(q->structured_ctx, (xmlStructuredErrorFunc)q->structured);
}

static int name_in(const xmlChar *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp((const char *)name, list[i]))
			return 1;
	return 0;
}

/* Elements whose content is not document text. */
static int skipped(const xmlNode *node)
{
	static const char *const names[] = {"script", "style",  "noscript", "template", "iframe", "object",  "embed",
	                                    "svg",    "canvas", "select",   "button",   "head",   "frameset"};
	return name_in(node->name, names, sizeof(names) / sizeof(names[0])) ||
	       xmlHasProp((xmlNode *)node, BAD_CAST "hidden") != NULL;
}

/* Elements that end the block before them and start a new one. */
static int is_block(const xmlNode *node)
{
	static const char *const names[] = {
	    "address", "article", "aside",  "blockquote", "body", "caption", "center",   "dd",
	    "details", "dialog",  "dir",    "div",        "dl",   "dt",      "fieldset", "figcaption",
	    "figure",  "footer",  "form",   "h1",         "h2",   "h3",      "h4",       "h5",
	    "h6",      "header",  "hgroup", "hr",         "html", "legend",  "li",       "main",
	    "menu",    "nav",     "ol",     "p",          "pre",  "section", "summary",  "table",
	    "tbody",   "tfoot",   "thead",  "tr",         "ul",   "noframes"};
	return name_in(node->name, names, sizeof(names) / sizeof(names[0]));
}

static int heading_level(const xmlNode *node)
{
	const char *n = (const char *)node->name;
	if (n[0] == 'h' && n[1] >= '1' && n[1] <= '6' && !n[2])
		return n[1] - '0';
	return 0;
}

static void flush(struct html *h)
{
	if (h->rc >= 0 && h->cur.len)
		h->rc = extract_push(h->x, h->heading ? BLOCK_HEADING : BLOCK_PARA, h->heading, 0, h->cur.data,
		                     h->cur.len, h->name, h->e);
	buf_reset(&h->cur);
	h->space = 0;
}

static int last_is_break(const struct buf *b)
{
	return !b->len || b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\t';
}

/* Appends text with HTML's whitespace collapsing (none inside <pre>). */
static void add_text(struct html *h, const char *s)
{
	if (h->pre) {
		buf_appends(&h->cur, s);
		return;
	}
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
			h->space = 1;
			continue;
		}
		size_t run = strcspn(s, " \t\n\r\f");
		if (h->space && !last_is_break(&h->cur))
			buf_appendc(&h->cur, ' ');
		h->space = 0;
		buf_append(&h->cur, s, run);
		s += run - 1;
	}
}

static void take_title(struct html *h, xmlNode *node)
{
	if (h->x->title)
		return;
	xmlChar *t = xmlNodeGetContent(node);
	if (t)
		extract_set_title(h->x, (const char *)t, strlen((const char *)t));
	xmlFree(t);
}

/* Called on entering a node; returns whether to walk its children. */
static int enter(struct html *h, xmlNode *node)
{
	if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
		if (node->content)
			add_text(h, (const char *)node->content);
		return 0;
	}
	if (node->type != XML_ELEMENT_NODE || !node->name)
		return 0;
	if (!strcmp((const char *)node->name, "title")) {
		take_title(h, node);
		return 0;
	}
	if (!strcmp((const char *)node->name, "head")) {
		for (xmlNode *c = node->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "title"))
				take_title(h, c);
		return 0;
	}
	if (skipped(node))
		return 0;
	if (!strcmp((const char *)node->name, "br")) {
		buf_appendc(&h->cur, '\n');
		h->space = 0;
		return 0;
	}
	if (!strcmp((const char *)node->name, "td") || !strcmp((const char *)node->name, "th")) {
		/* The cells of a row make one paragraph, separated by tabs. */
		if (!last_is_break(&h->cur))
			buf_appendc(&h->cur, '\t');
		h->space = 0;
		return 1;
	}
	if (is_block(node)) {
		flush(h);
		int level = heading_level(node);
		if (level)
			h->heading = level;
		if (!strcmp((const char *)node->name, "pre"))
			h->pre++;
	}
	return 1;
}

static void leave(struct html *h, xmlNode *node)
{
	if (node->type != XML_ELEMENT_NODE || !node->name || !is_block(node) || skipped(node))
		return;
	flush(h);
	if (heading_level(node))
		h->heading = 0;
	if (!strcmp((const char *)node->name, "pre") && h->pre > 0)
		h->pre--;
}

int extract_html(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	struct html h = {x, name, e, BUF_INIT, 0, 0, 0, 0};
	htmlDocPtr doc = NULL;
	struct xml_quiet quiet = {0};
	int rc = 0;

	if (n > INT_MAX) {
		rc = extract_too_big(name, e);
		goto cleanup;
	}
	extract_xml_quiet(&quiet);
	doc = htmlReadMemory((const char *)data, (int)n, NULL, NULL,
	                     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER);
	extract_xml_restore(&quiet);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		rc = err_set(e, ERR_FORMAT, "%s: the page could not be read as HTML", name);
		goto cleanup;
	}
	/* Walks the tree without recursion: hostile pages can nest very deeply. */
	xmlNode *node = root;
	while (node && h.rc >= 0) {
		if (enter(&h, node) && node->children) {
			node = node->children;
			continue;
		}
		for (;;) {
			leave(&h, node);
			if (node == root) {
				node = NULL;
				break;
			}
			if (node->next) {
				node = node->next;
				break;
			}
			node = node->parent;
		}
	}
	flush(&h);
	rc = h.rc;
cleanup:
	if (doc)
		xmlFreeDoc(doc);
	buf_release(&h.cur);
	return rc;
}
