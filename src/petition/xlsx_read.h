/*
 * Reading the first worksheet of an Excel workbook (XLSX) row by row, for signature imports.
 * The archive is read with libzip and each XML part with libxml2's streaming reader, so a
 * sheet of 100,000 rows is never held as a tree: only the shared-strings table is kept.
 *
 * Every value comes out as text: shared and inline strings as written, numbers as their
 * digits (5081, not 5081.0 or 5.081E3), booleans as TRUE or FALSE. Rows keep their number
 * in the sheet and cells their column ("C7" is the third), so skipped cells read as empty.
 *
 * Hostile files: what is unpacked from the parts (shared strings and the sheet together) is
 * capped at XLSX_MAX_UNZIPPED while reading, not only as declared; XML is read without
 * network, DTD or entities. xlsx_open() reads the whole sheet once before handing out any
 * row, so a damaged file is refused before anything is done with it.
 */
#ifndef PETITION_XLSX_READ_H
#define PETITION_XLSX_READ_H
#include <stddef.h>

#include "base/err.h"

/* The most bytes unpacked from one workbook (a zip bomb stops there): about 500,000 rows. */
#define XLSX_MAX_UNZIPPED ((unsigned long long)256 << 20)
/* The columns of a row that are kept (the signature lists have 7 at most). */
#define XLSX_MAX_COLUMNS 64
/* A cell's text is kept up to this many bytes; a longer one marks its row bad. */
#define XLSX_CELL_MAX 2048

struct xlsx;

struct xlsx_row {
	long long number; /* the row's number in the sheet, 1 for the first */
	int ncells;       /* 1 + the column of the last cell that is not empty (may exceed XLSX_MAX_COLUMNS) */
	const char *cell[XLSX_MAX_COLUMNS]; /* NUL-terminated text, "" when empty */
	size_t len[XLSX_MAX_COLUMNS];
	char bad[160]; /* why the row cannot be taken (a cell too long, an error value), or "" */
};

/*
 * Opens the workbook at path (name is what messages call it) and checks its first sheet
 * from end to end. Errors: ERR_IO; ERR_FORMAT for a file that is not a complete ZIP
 * archive, an old .xls or an ODS file, a missing part (named: "xl/workbook.xml"...), broken
 * XML (the part and line) or a damaged member; ERR_TOO_BIG past XLSX_MAX_UNZIPPED;
 * ERR_ENCRYPTED for a workbook protected by a password. *out is freed with xlsx_close().
 */
int xlsx_open(const char *path, const char *name, struct xlsx **out, struct err *e);

/*
 * The next row that holds a cell, into *row (owned by x, valid until the next call).
 * 1: a row; 0: the end of the sheet; < 0: an error (the file changed while reading).
 */
int xlsx_next(struct xlsx *x, const struct xlsx_row **row, struct err *e);

/* How far the reading is: sheet bytes unpacked so far and in all. */
void xlsx_progress(const struct xlsx *x, unsigned long long *done, unsigned long long *total);

/* Closes the workbook and wipes the text it held (signature lists hold personal data). */
void xlsx_close(struct xlsx *x);

/* The column letters of a 0-based column ("A", "Z", "AA"...) into out (at least 8 bytes). */
void xlsx_column_name(int col, char out[8]);
#endif
