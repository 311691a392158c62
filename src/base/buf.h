/*
 * struct buf: a growable NUL-terminated byte string with an optional size cap.
 * buf_init(b, max) with max 0 means "no cap". Appends that would pass the cap
 * leave the buffer unchanged and return -1; everything else returns 0.
 */
#ifndef BASE_BUF_H
#define BASE_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated once anything was appended; may be NULL before */
	size_t len;
	size_t alloc;
	size_t max;
};

#define BUF_INIT {NULL, 0, 0, 0}

void buf_init(struct buf *b, size_t max);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_appends(struct buf *b, const char *s);
int buf_appendc(struct buf *b, char c);
int buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vappendf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Shortens to n bytes (n <= len). */
void buf_truncate(struct buf *b, size_t n);
/* Returns the contents as a string ("" if empty). */
const char *buf_str(const struct buf *b);
/* Hands the string to the caller (who frees it) and leaves the buffer empty. */
char *buf_detach(struct buf *b);
void buf_release(struct buf *b);
/* Removes leading and trailing ASCII and Unicode spaces. */
void buf_trim(struct buf *b);
#endif
