/*
 * The network report: what the workspace's campaigns produced, counted. Petitions (src/petition)
 * and the advisory documents written with drafting (src/draft: advisory opinions, memoranda,
 * motions, policy briefs) by status, level, theme and year; the acceptance rate of the
 * petitions that got a decision; the signatures collected, by channel.
 *
 * Only counts: no name, no ID number, no title of a person. Every figure comes with the date it
 * was counted on ("as_of") and a sentence saying what it counts. Knows tables; never prints.
 */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H
#include <jansson.h>
#include <sqlite3.h>

#include "base/buf.h"
#include "base/err.h"
#include "export/doc.h"

struct i18n;

/* Which items are counted: 0 for no filter. */
struct report_filter {
	int year; /* the year the petition or document was started (created) */
	long long campaign_id;
};

/* The draft types counted as advisory documents, NULL-terminated. */
extern const char *const report_document_types[];

/*
 * Counts everything as of today (YYYY-MM-DD; NULL for the current date). *out (new
 * reference) is
 *   {"as_of", "filters": {"year", "campaign"},
 *    "petitions": {"total", "what", "by_status", "by_level", "by_theme", "by_year"},
 *    "acceptance": {"accepted", "refused", "decided", "rate", "what"},
 *    "documents": {"total", "what", "by_type", "by_status", "by_level", "by_theme", "by_year"},
 *    "signatures": {"valid", "duplicates", "withdrawn", "by_channel", "what"}}
 * where each by_* is an array of {"key", "count"} (themes also "name_ar", "name_fr",
 * "name_en"; the key "" is "no theme" or "not set"), by_year is [{"year", "started",
 * "filed"}] (documents: "started" only), and rate is accepted / decided (null when nothing
 * was decided). A petition or document whose campaign has several themes counts under each.
 * ERR_USAGE for a year outside 1900-9999 or an unknown campaign; ERR_DB.
 */
int report_build(sqlite3 *db, const struct report_filter *f, const char *today, json_t **out, struct err *e);

/*
 * The report as CSV (UTF-8 with a byte-order mark, CRLF), one row per figure:
 * section,breakdown,group,count,as_of,what. Appends to out.
 */
void report_csv(json_t *report, struct buf *out);

/*
 * The report as a document (tables under headings) in lang, its words from t. The caller
 * frees it (doc_free) and exports it (export_pdf...).
 */
struct doc *report_doc(json_t *report, const struct i18n *t, const char *lang);
#endif
