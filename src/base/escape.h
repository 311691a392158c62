/* Escaping text for markup written by hand (SVG, small bits of HTML): one function for both. */
#ifndef BASE_ESCAPE_H
#define BASE_ESCAPE_H
#include "base/buf.h"

/*
 * Appends s (may be NULL) to b with & < > " ' escaped (&amp; &lt; &gt; &quot; &#39;), valid
 * in HTML text and attributes and in XML; control characters other than tab and line feed,
 * which XML 1.0 does not allow, become spaces.
 */
void escape_markup(struct buf *b, const char *s);
#endif
