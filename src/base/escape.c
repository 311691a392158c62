/* Escaping text for hand-written markup. */
#include "base/escape.h"

#include "base/banned.h"

void escape_markup(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			buf_appends(b, "&amp;");
			break;
		case '<':
			buf_appends(b, "&lt;");
			break;
		case '>':
			buf_appends(b, "&gt;");
			break;
		case '"':
			buf_appends(b, "&quot;");
			break;
		case '\'':
			buf_appends(b, "&#39;");
			break;
		default:
			buf_appendc(b, (unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' ? ' ' : *s);
		}
	}
}
