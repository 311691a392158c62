/*
 * Private to the extractors (src/hub/extract*.c): one entry point per format and
 * the helpers they share. Nothing outside src/hub/extract*.c should include this.
 *
 * Every format function has the extract_run contract: `x` is empty on entry; on
 * error it returns a negative ERR_* code with a message that starts with `name`
 * (extract_run then empties `x`).
 */
#ifndef HUB_EXTRACT_PRIV_H
#define HUB_EXTRACT_PRIV_H
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "hub/extract.h"

int extract_txt(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e);
int extract_md(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e);
int extract_html(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e);
int extract_docx(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e);
int extract_odt(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e);
int extract_pdf(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e);

/*
 * What a zip archive holds: FMT_DOCX, FMT_ODT, FMT_UNKNOWN (a readable zip of
 * something else), or -1 when it cannot be read and its local headers do not tell.
 */
int extract_zip_kind(const unsigned char *data, size_t n);

/*
 * libxml2 reports some problems (failed charset conversion, I/O) through the
 * thread's generic and structured error handlers whatever the parser options say,
 * and the defaults print to stderr. The XML and HTML extractors swap in silent
 * handlers for the duration of a parse and put the caller's back afterwards.
 */
struct xml_quiet {
	void (*generic)(void);
	void *generic_ctx;
	void (*structured)(void);
	void *structured_ctx;
};
void extract_xml_quiet(struct xml_quiet *q);
void extract_xml_restore(const struct xml_quiet *q);

/* memmem, which glibc declares only under _GNU_SOURCE. */
const void *extract_find(const void *hay, size_t n, const void *needle, size_t m);

/* extract_add that also words the message when the text limit is passed. */
int extract_push(struct extract *x, enum block_type type, int level, int page, const char *text, size_t len,
                 const char *name, struct err *e);
/* The message for "more text than EXTRACT_MAX_TEXT"; returns ERR_TOO_BIG. */
int extract_too_big(const char *name, struct err *e);
/* Cleans s like block text (on one line) and makes it x->title; an empty title stays NULL. */
void extract_set_title(struct extract *x, const char *s, size_t len);

/*
 * Turns the bytes of a text file into UTF-8: strips a UTF-8 BOM, converts UTF-16
 * with a BOM, refuses NUL bytes (ERR_FORMAT) and invalid UTF-8 (ERR_ENCODING,
 * naming line and byte). `out` receives the text (NUL-terminated).
 */
int extract_decode_text(const char *name, const unsigned char *data, size_t n, struct buf *out, struct err *e);

/*
 * Adds the paragraphs of text (split on blank lines; the lines of one paragraph
 * stay joined with '\n') as BLOCK_PARA on `page`.
 */
int extract_paragraphs(struct extract *x, const char *text, size_t n, int page, const char *name, struct err *e);
#endif
