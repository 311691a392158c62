#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

static int buf_reserve(struct buf *b, size_t extra)
{
	if (b->max && (b->len + extra > b->max || b->len + extra < b->len))
		return -1;
	b->data = xgrow(b->data, &b->alloc, b->len + extra + 1, 1);
	return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n))
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_appends(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_appendc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vappendf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || buf_reserve(b, (size_t)n))
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = buf_vappendf(b, fmt, ap);
	va_end(ap);
	return r;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_truncate(struct buf *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->data[n] = '\0';
	}
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

char *buf_detach(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->alloc = 0;
	return p;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

static size_t space_len(const unsigned char *p, size_t n)
{
	if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\n' || p[0] == '\r' || p[0] == '\f' || p[0] == '\v'))
		return 1;
	if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0) /* U+00A0 */
		return 2;
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8F || p[2] == 0xAF)) /* U+2000-200F, 202F */
		return 3;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) /* BOM */
		return 3;
	return 0;
}

void buf_trim(struct buf *b)
{
	if (!b->len)
		return;
	const unsigned char *p = (const unsigned char *)b->data;
	size_t start = 0, k;
	while (start < b->len && (k = space_len(p + start, b->len - start)))
		start += k;
	size_t end = b->len;
	for (;;) {
		if (end > start && space_len(p + end - 1, 1) == 1) {
			end--;
		} else if (end >= start + 2 && space_len(p + end - 2, 2) == 2) {
			end -= 2;
		} else if (end >= start + 3 && space_len(p + end - 3, 3) == 3) {
			end -= 3;
		} else {
			break;
		}
	}
	memmove(b->data, b->data + start, end - start);
	b->len = end - start;
	b->data[b->len] = '\0';
}
