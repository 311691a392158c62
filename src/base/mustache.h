/*
 * Mustache templates (https://mustache.github.io/mustache.5.html), for the web pages and for
 * drafting documents (HTML, Markdown, the XML inside DOCX and ODT).
 *
 * The whole official spec is followed: interpolation, sections, inverted sections, comments,
 * partials, set delimiters and the optional inheritance module (blocks {{$name}} and parents
 * {{<name}}), with its standalone-line and indentation rules. Lambdas are not supported.
 *
 * Data is a jansson value. A name is looked up in the context stack from the innermost context
 * outwards; "a.b.c" finds "a" that way, then follows "b" and "c" inside it only; "." is the
 * current context. As an extension, a part made only of digits indexes an array ("items.0.name").
 *
 * Values print as: strings as they are; integers without ".0"; reals in the shortest form that
 * reads back the same (1.5 -> "1.5"); true and false as "true" and "false"; null, objects, arrays
 * and missing names as nothing. A section is skipped when its value is missing, null, false, an
 * empty array or an empty string; it repeats for each element of an array, and otherwise renders
 * once with the value pushed on the context stack.
 *
 * Output of {{name}} is escaped for opts->escape. {{{name}}} and {{&name}} are the explicit,
 * greppable markers for unescaped output. Whatever the escaping, text that comes from data is
 * repaired, never passed on broken: each byte of invalid UTF-8 and each NUL becomes U+FFFD, and
 * for XML so do the control characters XML 1.0 forbids (all below U+0020 except tab, line feed
 * and carriage return) and U+FFFE, U+FFFF. Template text itself is copied as it is.
 *
 * Data is never read as a template: a value containing "{{x}}" prints "{{x}}".
 *
 * A standalone partial (alone on its line) is indented like its tag; a partial inside a line
 * is not indented at all, as the spec asks. Standalone blocks are indented the same way. A
 * block whose two tags share a line ("  {{$main}}{{/main}}") keeps that line's end, as the spec
 * asks: in a layout whose arguments end with a line end, put the two tags on separate lines.
 *
 * Indentation of standalone partials is added line by line as the partial renders, so a
 * partial can be compiled once whatever its indentation. This gives the spec's results; the only
 * difference from re-indenting the partial's source first is in a case the spec leaves open: a
 * line of an indented partial that starts with a section's closing tag, when the section renders
 * nothing, still gets its indentation before the rest of the line.
 */
#ifndef BASE_MUSTACHE_H
#define BASE_MUSTACHE_H
#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"

enum mustache_escape {
	MUSTACHE_ESCAPE_HTML, /* & < > " ' -> &amp; &lt; &gt; &quot; &#39; */
	MUSTACHE_ESCAPE_XML,  /* & < > " ' -> &amp; &lt; &gt; &quot; &apos; */
	MUSTACHE_ESCAPE_NONE, /* as is (plain text) */
	/* Markdown: a backslash before each of \ ` * _ [ ] < > # ! | ~ & - + = . ), so that text from
	   data reads back as the same text and never becomes a heading, list, link, emphasis or HTML */
	MUSTACHE_ESCAPE_MARKDOWN,
};

/* The defaults taken when an option is 0. */
#define MUSTACHE_MAX_OUTPUT (16u << 20)
#define MUSTACHE_MAX_DEPTH  64
/* max_depth above this is lowered to it, to keep rendering's recursion within the C stack. */
#define MUSTACHE_DEPTH_CAP 1024

/*
 * Finds a partial's (or a parent template's) source by name: returns 0 and sets *src and *len
 * (memory owned by the loader, valid until the render returns), or -1 if the name is unknown.
 * An unknown partial renders as nothing, as the spec asks.
 */
typedef int (*mustache_partial_fn)(void *ctx, const char *name, const char **src, size_t *len);

struct mustache_opts {
	enum mustache_escape escape;
	mustache_partial_fn partials; /* NULL: every partial is unknown */
	void *partials_ctx;
	size_t max_output; /* bytes this render may add to out; 0 means MUSTACHE_MAX_OUTPUT */
	int max_depth;     /* nesting of sections, partials, parents and blocks while rendering;
	                      0 means MUSTACHE_MAX_DEPTH */
};

/*
 * Renders the template (len bytes, not necessarily NUL-terminated) with data (may be NULL: an
 * empty context; not modified, no reference taken) and appends the result to out. o may be NULL
 * for HTML escaping, no partials and the default limits.
 *
 * Returns 0, or:
 * - ERR_FORMAT when the template or a partial is malformed (unclosed tag, unclosed section,
 *   mismatched or stray section end, bad delimiter, bad tag name, sections nested deeper than
 *   MUSTACHE_MAX_DEPTH); the message names the line and column (in characters, from 1) of the
 *   offending tag, and the partial if the error is in one;
 * - ERR_TOO_BIG when the output would pass max_output (or out's own cap), or when rendering
 *   nests deeper than max_depth (a partial that includes itself without end stops here).
 * On error, out is left as it was before the call.
 */
int mustache_render(const char *tmpl, size_t len, json_t *data, const struct mustache_opts *o, struct buf *out,
                    struct err *e);

/*
 * Parses only, to check a template without data (a workspace's override, say). Returns 0 or
 * ERR_FORMAT with the same messages as mustache_render. Partials are not loaded or checked.
 */
int mustache_check(const char *tmpl, size_t len, struct err *e);

/*
 * A compiled template, for templates rendered many times (each web page). It keeps its own
 * copy of the source; it is not changed by rendering, so one compiled template may be rendered
 * by several threads at once. Partials are still loaded through opts at each render.
 */
struct mustache_tmpl;

/* Returns the compiled template (the caller frees it), or NULL with ERR_FORMAT in e. */
struct mustache_tmpl *mustache_compile(const char *tmpl, size_t len, struct err *e);
/* As mustache_render, for a compiled template. */
int mustache_tmpl_render(const struct mustache_tmpl *t, json_t *data, const struct mustache_opts *o, struct buf *out,
                         struct err *e);
void mustache_tmpl_free(struct mustache_tmpl *t);
#endif
