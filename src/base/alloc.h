/* Allocation that never returns NULL: the application aborts on out-of-memory. */
#ifndef BASE_ALLOC_H
#define BASE_ALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
/* Overflow-checked n * size, zero-filled. */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (an array of *alloc elements of `size` bytes) to hold at least `need`. */
void *xgrow(void *p, size_t *alloc, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string owned by the caller. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
