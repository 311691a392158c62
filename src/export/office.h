/*
 * What the DOCX and ODT exporters (docx.c, odt.c) share: the zip archive built in memory,
 * XML text with bidirectional care, and the fixed parts of each format, kept as Mustache
 * templates under data/export/docx/ and data/export/odt/ (rendered with XML escaping).
 *
 * The exporters write the body of a document themselves, in one pass over the blocks; the
 * templates hold everything that only depends on the document's language, title and
 * organisation (styles, page layout, header and footer, metadata, manifests).
 */
#ifndef EXPORT_OFFICE_H
#define EXPORT_OFFICE_H
#include <stddef.h>

#include <jansson.h>
#include <zip.h>

#include "base/buf.h"
#include "base/err.h"
#include "export/doc.h"

/* ---- the archive ---- */

/* A zip archive being written to memory. Zero it (OFFICE_ZIP_INIT) before office_zip_open. */
struct office_zip {
	zip_source_t *src; /* the archive's bytes; we keep a reference to read them back */
	zip_t *za;         /* the archive being built; NULL once finished or discarded */
};

#define OFFICE_ZIP_INIT {NULL, NULL}

/* Starts an empty archive in memory. ERR_IO (with libzip's reason) if libzip refuses. */
int office_zip_open(struct office_zip *z, struct err *e);
/*
 * Adds a member named `name` holding part's bytes; takes them (part is left empty, still
 * usable). Members are deflated unless `store` is 1 (ODT's mimetype must be stored). Every
 * member gets the same date (1980-01-01, as Word does), so one document always gives the
 * same bytes. ERR_IO if libzip refuses.
 */
int office_zip_add(struct office_zip *z, const char *name, struct buf *part, int store, struct err *e);
/*
 * Writes the archive and appends its bytes to out (binary: use out->len). The archive is
 * finished either way (office_zip_discard is then a no-op). ERR_IO if libzip fails,
 * ERR_TOO_BIG if out's cap refuses the bytes; on error out is left as it was.
 */
int office_zip_finish(struct office_zip *z, struct buf *out, struct err *e);
/* Drops an unfinished archive and everything added to it. Safe to call twice. */
void office_zip_discard(struct office_zip *z);

/* ---- XML text ---- */

/*
 * Appends s (n bytes, may hold NUL) to out as XML character data, valid in content and in
 * attribute values alike: & < > " ' become entities; tab, line feed and carriage return
 * become character references (so attributes keep them); each byte of invalid UTF-8, NUL,
 * the other control characters XML 1.0 forbids (below U+0020) and U+FFFE, U+FFFF become
 * U+FFFD. Everything else is copied as it is.
 */
void office_xml_escape(struct buf *out, const char *s, size_t n);
/*
 * As office_xml_escape, for text of a right-to-left document when rtl is 1: a left-to-right
 * mark (U+200E, invisible) goes before each number written in ASCII digits, so that it keeps
 * its written order among Arabic words ("2-22-431" and "30%" would otherwise show as
 * "431-22-2" and "%30": after an Arabic letter the Unicode bidirectional algorithm makes
 * digits Arabic numbers, which "-" and "%" do not join), and so that every number is drawn
 * in one font (LibreOffice draws digits that follow Arabic letters in the Arabic font).
 */
void office_xml_text(struct buf *out, const char *s, size_t n, int rtl);

enum office_piece_type {
	OFFICE_PIECE_TEXT,
	OFFICE_PIECE_BREAK, /* "\n", "\r\n" or "\r": a line break inside the paragraph */
	OFFICE_PIECE_TAB,
};

/* A piece of a span's text, as office_next_piece cuts it. */
struct office_piece {
	enum office_piece_type type;
	const char *s; /* OFFICE_PIECE_TEXT: the text (not escaped), n bytes */
	size_t n;
	int ltr; /* with split_dir: 1 when the piece is left-to-right text (Latin words) */
};

/*
 * Cuts s (n bytes) into pieces, one per call, from *pos (start at 0; advanced past the
 * piece). Returns 1 with the next piece in p, 0 at the end. With split_dir (DOCX in a
 * right-to-left document), text is also cut where its direction changes: a piece of
 * left-to-right words runs from a Latin (Greek, Cyrillic, Tifinagh...) letter to the last
 * such letter or digit before the next Arabic or Hebrew letter; everything else (Arabic,
 * digits, spaces, punctuation) is right-to-left. Invalid UTF-8 counts as neutral.
 */
int office_next_piece(const char *s, size_t n, size_t *pos, int split_dir, struct office_piece *p);

/* ---- templates ---- */

/*
 * The values every template of data/export/ can use (the caller decrefs): "lang" ("ar"),
 * "tag" (BCP 47 of the document, "ar-MA", "fr-FR"), "latin_tag", "latin_lang",
 * "latin_country" (the language of Latin-script text: French for Arabic documents),
 * "complex_lang" "ar" and "complex_country" "MA" (Arabic script), "rtl" (true/false),
 * "title", "organisation", "page_label" (missing when NULL or empty). Strings are taken as
 * they are: rendering escapes them and repairs bad UTF-8.
 */
json_t *office_template_data(const struct doc *d);
/*
 * Renders the template <name> (e.g. "export/docx/styles.xml") with data and XML escaping,
 * and appends the result to out: the workspace's copy overrides/<name> when overrides is
 * not NULL and has one, else the one the program carries (data/<name>). ERR_NOTFOUND if
 * there is none, ERR_IO if the copy cannot be read, ERR_FORMAT if it is malformed (messages
 * name the file).
 */
int office_render(const char *overrides, const char *name, json_t *data, struct buf *out, struct err *e);
/* Sets data[key] to a copy of the n bytes at s (markup built by an exporter, for {{{key}}}). */
void office_data_set_raw(json_t *data, const char *key, const char *s, size_t n);
#endif
