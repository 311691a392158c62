/*
 * Text extraction: turns a file's bytes into a sequence of blocks (headings and
 * paragraphs, each with the page it starts on) for the passage splitter.
 * Formats are detected by content first, extension second.
 */
#ifndef HUB_EXTRACT_H
#define HUB_EXTRACT_H
#include <stddef.h>

#include "base/err.h"

enum extract_format {
	FMT_UNKNOWN = 0,
	FMT_TXT,
	FMT_MD,
	FMT_HTML,
	FMT_DOCX,
	FMT_ODT,
	FMT_PDF,
	FMT_JSONL, /* a collection: handled by the ingester, not by extract_run */
};

enum block_type { BLOCK_PARA, BLOCK_HEADING };

struct block {
	enum block_type type;
	int level; /* heading level 1..6; 0 for paragraphs */
	int page;  /* 1-based page the block starts on; 0 when the format has no pages */
	char *text; /* valid UTF-8, NUL-terminated, no NUL inside, trimmed, never empty */
};

struct extract {
	struct block *blocks;
	size_t n, alloc;
	char *title; /* from the file's own metadata (HTML <title>, DOCX/ODT/PDF title), or NULL */
	int pages;   /* number of pages (PDF), 0 otherwise */
	size_t text_bytes; /* sum of block text lengths */
};

/* Limits that protect the program from hostile files. */
#define EXTRACT_MAX_TEXT (64u << 20)      /* text taken from one document */
#define EXTRACT_MAX_UNZIPPED (128u << 20) /* bytes decompressed from one DOCX/ODT member */

const char *extract_format_name(enum extract_format f);
/* Detects the format from the content (magic bytes, zip members) and the file name. */
enum extract_format extract_detect(const char *name, const unsigned char *data, size_t n);

/*
 * Extracts the text of a whole file. `name` is used in messages only. On error
 * returns a negative ERR_* code with a message naming the file, and leaves `out`
 * empty: ERR_FORMAT (damaged, truncated, not what it claims), ERR_ENCRYPTED,
 * ERR_TOO_BIG (over a limit above), ERR_ENCODING (text not UTF-8, naming line and
 * byte), ERR_EMPTY (no text at all, e.g. a scanned PDF without a text layer).
 */
int extract_run(const char *name, const unsigned char *data, size_t n, enum extract_format fmt,
		struct extract *out, struct err *e);

void extract_init(struct extract *x);
void extract_release(struct extract *x);
/* Appends a block (copies text, trims it, drops it if empty). Returns ERR_TOO_BIG past EXTRACT_MAX_TEXT. */
int extract_add(struct extract *x, enum block_type type, int level, int page, const char *text, size_t len);
#endif
