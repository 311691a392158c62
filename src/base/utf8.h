/* UTF-8 helpers. */
#ifndef BASE_UTF8_H
#define BASE_UTF8_H
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one code point at s (n bytes left). Returns its length in bytes (1-4),
 * or -1 for an invalid, overlong, surrogate or truncated sequence.
 */
int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (at least 4 bytes); returns the length. */
int utf8_encode(uint32_t cp, char *out);
/*
 * Checks that s is valid UTF-8 without NUL bytes. On failure returns -1 and
 * sets *bad_line (1-based) and *bad_byte (0-based offset).
 */
int utf8_validate(const char *s, size_t n, size_t *bad_line, size_t *bad_byte);
/* Length of the longest prefix of s (at most max bytes) that does not cut a character. */
size_t utf8_clip(const char *s, size_t n, size_t max);
#endif
