/*
 * Printable signature sheets: the paper form people sign by hand, one A4 landscape page per
 * sheet, numbered so that each paper signature is later typed in as "sheet N, row M"
 * (petition_sign with channel "paper"). Each page carries the petition's title, the council
 * it is addressed to and its territory, the rule set's legal basis in small print, the sheet
 * number, a box for the name of the person collecting, the grid of the rule set's figure
 * "signature_columns" (overrides applied) after a row-number column, the consent text of
 * law 09-08 (the same words as the online signing page) and "page N of M". Arabic sheets
 * are laid out right to left, columns starting from the right.
 *
 * Knows the petition and the rule set, never prints; no personal data is read.
 */
#ifndef PETITION_SHEETS_H
#define PETITION_SHEETS_H
#include <sqlite3.h>

#include "base/buf.h"
#include "base/err.h"

/* The limits of one request, and the defaults of the command line and the web form. */
#define PETITION_SHEETS_MAX      500
#define PETITION_SHEET_FIRST_MAX 99999
#define PETITION_ROWS_MIN        5
#define PETITION_ROWS_MAX        40
#define PETITION_ROWS_DEFAULT    15
#define PETITION_SHEETS_DEFAULT  10

/*
 * Appends to out a PDF of nsheets signature sheets of petition_id, numbered from
 * first_sheet, each with rows_per_sheet rows, with the interface text of lang ("ar", "fr"
 * or "en"; overrides_dir/i18n/LANG.po applies when overrides_dir is not NULL, and so do the
 * workspace's rule files and overrides). Errors (out left as it was): ERR_USAGE with a
 * message that starts with the option it concerns ("--first", "--count", "--rows",
 * "--lang") for a value out of range (first 1..PETITION_SHEET_FIRST_MAX, count
 * 1..PETITION_SHEETS_MAX, rows PETITION_ROWS_MIN..PETITION_ROWS_MAX); ERR_NOTFOUND for an
 * unknown petition; ERR_FORMAT when the rule set has no signature columns; ERR_TOO_BIG when
 * out's cap is reached; ERR_IO when cairo fails.
 */
int petition_sheets_pdf(sqlite3 *db, const char *overrides_dir, long long petition_id, const char *lang,
                        int first_sheet, int nsheets, int rows_per_sheet, struct buf *out, struct err *e);

/*
 * The height of a row in millimetres for rows_per_sheet rows (the page's grid is shared
 * between them), so that callers can warn when rows become too short to write in.
 */
double petition_sheets_row_mm(int rows_per_sheet);

/* ---- typing the sheets in (the web page /petitions/ID/entry) ---- */

#include <jansson.h>

/*
 * The communes a typist may choose for a paper signature of petition_id, as a JSON array
 * (caller json_decref) of {"code", "name_fr", "name_ar", "province_fr", "province_ar"} in
 * name order: for a province or region petition the communes inside it; for a commune
 * petition the communes of its province, its own first (a signatory of another commune may
 * sign it); for a national petition an empty array (any commune is typed by name or code).
 * ERR_NOTFOUND for an unknown petition.
 */
int petition_paper_communes(sqlite3 *db, long long petition_id, json_t **out, struct err *e);

/*
 * Where the typing of petition_id's paper signatures stands, without any personal data, as a
 * JSON object (caller json_decref): "paper" (paper signatures stored), "sheet" and
 * "sheet_rows" (the row numbers already typed on sheet, ascending), "next_row" (the row
 * after the highest one typed on sheet, 1 when none), and "recent": the last `recent`
 * paper signatures, newest first, each {"sheet", "row", "commune_code", "name_fr",
 * "name_ar", "status"} where status is "counted", "duplicate", "withdrawn" or "outside".
 * ERR_NOTFOUND for an unknown petition.
 */
int petition_paper_progress(sqlite3 *db, long long petition_id, long long sheet, int recent, json_t **out,
                            struct err *e);
#endif
