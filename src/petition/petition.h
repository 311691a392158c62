/*
 * Petitions and their signatures (data/schema/007-petition.sql). A petition belongs to a
 * campaign, follows a rule set (rules.h) and targets a territory of the rule set's level.
 * Its signatures hold personal data (law 09-08) only sealed with the workspace key
 * (vault.h): first_name, last_name, cin, address and contact are sealed with the context
 * "signature.<column>:<petition id>:<signature id>", the ID number is also kept as a keyed
 * hash to find duplicates, and nothing identifying is ever in the database in clear.
 *
 * Knows tables, never prints. Errors are values with a message naming the field, the option
 * or the line; messages never repeat personal data (an ID number, a name).
 */
#ifndef PETITION_PETITION_H
#define PETITION_PETITION_H
#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

struct vault;

/* What a new petition is made of; NULL or 0 for what is not given. */
struct petition_fields {
	long long campaign_id;
	const char *rule;        /* "ma/commune"... (rules_names) */
	const char *territory;   /* HCP code of the rule set's level; NULL for national rule sets */
	long long draft_id;      /* the petition's text, a draft of the same campaign (0: none) */
	const char *association; /* the association filing it */
	const char *title;       /* NULL: the draft's title, else the campaign's */
};

/*
 * Creates a petition (status "collecting", a random public key for its signing page) and
 * sets *id. ERR_NOTFOUND for an unknown campaign, draft or territory; ERR_USAGE naming the
 * field ("--rule", "--territory", "--draft") for an unknown rule set, a territory of another
 * level, a territory given to a national rule set, or a draft of another campaign.
 */
int petition_create(sqlite3 *db, const struct petition_fields *f, long long *id, struct err *e);

/*
 * The petitions (campaign_id 0: every one), newest first, as a JSON array of the objects
 * petition_json() gives (caller json_decref).
 */
int petition_list_json(sqlite3 *db, long long campaign_id, json_t **out, struct err *e);
/*
 * One petition without any personal data: its fields, the territory's names, and
 * "signatures": {"total", "valid", "duplicates", "withdrawn", "outside_territory",
 * "by_province": [{"code", "name_fr", "name_ar", "valid"}], "by_channel": {"paper": N, ...}}
 * where valid counts the signatures neither withdrawn nor duplicates. ERR_NOTFOUND.
 */
int petition_json(sqlite3 *db, long long id, json_t **out, struct err *e);
/* The same without "signatures": no counting, for pages that need only the petition itself
 * (the public signing page, whatever the number of signatures). */
int petition_json_brief(sqlite3 *db, long long id, json_t **out, struct err *e);

/* A signatory as typed or read; contact (e-mail or phone) is optional. */
struct petition_signer {
	const char *first_name, *last_name, *cin, *address, *commune_code, *contact;
};

/* The longest value accepted in a signature field, in bytes. */
#define PETITION_FIELD_MAX 1024

/*
 * Records one signature in one transaction: the ID number normalised (cin_normalise), the
 * commune checked against the territory table and the petition (for a province or region
 * petition the commune must lie in it; for a commune petition a signatory of another
 * commune is accepted, since an economic activity there qualifies too, and recorded as
 * outside_territory), the province derived, the keyed hash of the ID number compared with
 * the petition's signatures (*dup_of: the earliest one not withdrawn with the same number,
 * or 0), the personal fields sealed. channel is "paper", "online" or "import"; sheet and row
 * are 0 when unknown. *sig_id is the new signature's number; *outside (may be NULL) is 1
 * when the signatory lives outside the petition's commune.
 * Errors: ERR_USAGE naming the field (a missing name, a bad ID number with cin_normalise's
 * reason, an unknown commune, a commune outside the province or region); ERR_NOTFOUND for an
 * unknown petition; ERR_USAGE when the petition no longer collects or its personal data was
 * deleted.
 */
int petition_sign(sqlite3 *db, const struct vault *v, long long petition_id, const struct petition_signer *s,
                  const char *channel, long long sheet, long long row, long long *sig_id, long long *dup_of,
                  int *outside, struct err *e);

/* One row of an import that was not simply added. */
struct petition_import_row {
	long long line;   /* the line of the file where the row starts (CSV), the row's number in the sheet (XLSX) */
	int duplicate;    /* 1: stored, marked as a duplicate; 0: rejected, not stored */
	char reason[256]; /* never holds personal data */
};

struct petition_import_report {
	const char *unit; /* what .line counts: "line" (CSV) or "row" (XLSX) */
	long long added, duplicates, rejected;
	struct petition_import_row *rows; /* duplicates and rejected rows, in file order */
	size_t nrows, alloc;
};
void petition_import_report_release(struct petition_import_report *r);

/* Rows committed together by an import. */
#define PETITION_IMPORT_BATCH 1000

/*
 * Imports the CSV file at path (RFC 4180: quoted fields with commas, quotes and newlines,
 * LF or CRLF; UTF-8 with or without a byte-order mark) into petition_id. The header names
 * the columns of the rule set's figure "signature_columns" (overrides applied; any order,
 * any letter case; "signature" and "contact" may be left out). Each row becomes a signature
 * (channel "import", row_number the row's line) as petition_sign() would record it; a bad
 * row is reported with its line and reason and skipped; a duplicate is stored, marked, and
 * reported. Rows are committed PETITION_IMPORT_BATCH at a time, so a killed import keeps
 * whole rows only. progress (may be NULL) gets bytes read and the file's size.
 * Errors (nothing imported): ERR_IO, ERR_ENCODING naming the line for a file that is not
 * UTF-8, ERR_FORMAT naming the column for a header with an unknown, repeated or missing
 * column, ERR_USAGE when the petition no longer collects, ERR_NOTFOUND. A database error
 * midway leaves the batches already committed (the report says how many).
 */
int petition_import_csv(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                        const char *path,
                        void (*progress)(void *ctx, unsigned long long done, unsigned long long total,
                                         const char *current),
                        void *ctx, struct petition_import_report *rep, struct err *e);

/*
 * Imports a CSV file or an Excel workbook, told apart by content: a ZIP archive
 * ("PK\x03\x04") is read as XLSX (its first sheet, xlsx_read.h), anything else as CSV.
 * The XLSX sheet's first row that holds a cell is the header; rows are reported by their
 * number in the sheet and its cells by column letter; trailing empty cells may be left out,
 * a value past the header's columns rejects its row. Numbers come as their digits, and a
 * commune code typed as digits (the code without dots, leading zeros dropped) is read as the
 * commune's code; this holds for CSV too. Otherwise as petition_import_csv(), with rep->unit
 * "row" for XLSX. Errors besides those: ERR_FORMAT for an .xls or password-protected
 * workbook, a file named .xlsx that is not one, a damaged workbook (the part named);
 * ERR_TOO_BIG for a workbook unpacking past XLSX_MAX_UNZIPPED. The whole sheet is checked
 * before any row is stored, so a damaged workbook stores nothing.
 */
int petition_import_file(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                         const char *path,
                         void (*progress)(void *ctx, unsigned long long done, unsigned long long total,
                                          const char *current),
                         void *ctx, struct petition_import_report *rep, struct err *e);

/*
 * Opens (open = 1) or closes the public signing page of a petition. Opening needs the
 * petition to be collecting and its personal data not deleted (ERR_USAGE saying why).
 * ERR_NOTFOUND for an unknown petition.
 */
int petition_set_signing(sqlite3 *db, long long id, int open, struct err *e);

/*
 * A coordinator's withdrawal of a signature: sets withdrawn_at and withdrawn_by (by must
 * not be empty); the signatures that were duplicates of it now point to the earliest one
 * left, which stops being a duplicate. *petition_id (may be NULL) is its petition.
 * ERR_NOTFOUND; ERR_EXISTS when already withdrawn; ERR_USAGE once the data was deleted.
 */
int petition_withdraw(sqlite3 *db, long long sig_id, const char *by, long long *petition_id, struct err *e);

/*
 * The petition's signature list as CSV (UTF-8 with a byte-order mark so spreadsheets read
 * Arabic, CRLF): the rule set's signature_columns in their order, values unsealed, without
 * withdrawn signatures or duplicates; the "signature" column is left empty for the
 * signatory's hand. *count is the number of rows. The caller wipes out (vault_buf_wipe) and
 * writes the audit entry. ERR_NOTFOUND; ERR_USAGE once the personal data was deleted;
 * ERR_FORMAT when a sealed value does not open (another workspace's key).
 */
int petition_export_csv(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                        struct buf *out, long long *count, struct err *e);

/*
 * Called by petition_export_rows() for the header (row 0: the column names) and then for each
 * signature (row 1, 2...): values[i] is column i's text, NUL-terminated, lens[i] its length.
 * The values are wiped once it returns. A non-zero return stops the list and is returned.
 */
typedef int (*petition_row_fn)(void *ctx, long long row, const char *const *values, const size_t *lens, size_t n,
                               struct err *e);
/*
 * The list petition_export_csv() writes, row by row, for the other formats: the rule set's
 * signature_columns in their order, values unsealed, without withdrawn signatures or
 * duplicates, the "signature" column empty. *count is the number of signatures given.
 * Errors: those of petition_export_csv(), and what fn returns.
 */
int petition_export_rows(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                         petition_row_fn fn, void *ctx, long long *count, struct err *e);

/*
 * The same list as petition_export_csv() as an Excel workbook (xlsx_write.c): one sheet with
 * the header row bold and frozen, every value as text (ID numbers and codes never become
 * numbers), column widths set, the sheet right to left when lang is "ar", and the title in
 * the document's properties. The workbook is assembled in a private file of the workspace's
 * tmp/ folder (mode 0600), overwritten and removed before returning. The caller wipes out.
 * Errors: those of petition_export_csv(); ERR_IO when the private file cannot be written.
 */
int petition_export_xlsx(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                         const char *lang, struct buf *out, long long *count, struct err *e);

struct doc;
/*
 * The petition's signature list as a document for the exporters of export/doc.h (PDF, DOCX,
 * ODT): A4 landscape, titled with the petition's title, a short header (to whom it is
 * addressed, the territory, the procedure, the date printed, the number of signatures),
 * then a table with a row number and the same columns and rows as petition_export_csv
 * (list_doc.c), headed in lang ("ar" when NULL or not "fr" or "en"). *out (caller
 * doc_free, which wipes the personal data) and *count are set on success. The caller
 * writes the audit entry. Errors as petition_export_csv's.
 */
int petition_export_doc(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                        const char *lang, struct doc **out, long long *count, struct err *e);

/*
 * Deletes the personal data of a petition whose procedure is over (status closed, refused
 * or accepted): the sealed columns and the hashes become NULL, the counts (commune,
 * province, channel, duplicate and withdrawal marks) stay, purged_at is set; the freed
 * pages are overwritten (secure_delete) and the WAL checkpointed. *count is the number of
 * signatures cleared. ERR_USAGE while the procedure is not over; ERR_EXISTS when already
 * purged; ERR_NOTFOUND.
 */
int petition_purge(sqlite3 *db, long long petition_id, long long *count, struct err *e);
#endif
