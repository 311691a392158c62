/*
 * A petition before and after filing: the admissibility check against its rule set
 * (signatures counted across channels, duplicates, the spread over a region's provinces,
 * agent and committee, the filing association, the text, excluded subjects), the filing
 * and the authority's decision, and the legal dates that follow from the filing.
 * Knows petitions, rules and tables; never prints.
 *
 * Every condition and every date carries the figure it applies, with that figure's
 * source and status (confirmed, unconfirmed, conflicting) and whether the workspace
 * overrides it: a person sees on what each verdict rests.
 */
#ifndef PETITION_CHECK_H
#define PETITION_CHECK_H
#include <jansson.h>
#include <sqlite3.h>

#include "base/err.h"

/*
 * Checks petition id against its rule set (overrides_dir/rules/ may replace the file;
 * the workspace's figure overrides apply). *out (a new reference, caller json_decref) is
 *   {"id", "rule", "territory", "admissible", "required", "counted", "duplicates",
 *    "withdrawn", "per_province": [{code, name_fr, name_ar, min, counted}] (regions),
 *    "conditions": [{"id", "status": "pass"|"fail"|"unknown", "reason", "rule_source",
 *                    "rule_status", "figure", "overridden"}],
 *    "warnings": [text]}
 * counted: distinct ID numbers among the signatures not withdrawn, every channel together
 * (a purged signature counts unless it was marked a duplicate); duplicates: the others.
 * admissible: no condition fails ("unknown" asks a person to look; it does not block).
 * Condition ids, in order, those that apply: threshold, spread, agent, committee,
 * association.min_years, association.min_members, association.democratic,
 * association.good_standing, association.local_seat, association.activity_linked,
 * contents, within_remit, general_interest, excluded_subjects (a hint: a keyword of an
 * excluded subject found in the title or text gives "unknown" naming the keyword).
 * ERR_NOTFOUND for an unknown petition; rule errors as rules_load and rules_required.
 */
int petition_check(sqlite3 *db, const char *overrides_dir, long long id, json_t **out, struct err *e);
/* The same, judged on the date today (YYYY-MM-DD) instead of the current local date. */
int petition_check_on(sqlite3 *db, const char *overrides_dir, long long id, const char *today, json_t **out,
                      struct err *e);

/* Today's local date as YYYY-MM-DD. */
void petition_today(char out[11]);
/* Whether s is a real calendar date written YYYY-MM-DD. */
int petition_date_valid(const char *s);

/*
 * Records the filing of a petition that is collecting signatures: date (YYYY-MM-DD, not
 * after today), channel and receipt number (each may be NULL). The status becomes
 * "filed". ERR_USAGE naming the date when it is not one or is in the future, or saying
 * the petition's status when it is not collecting; ERR_NOTFOUND for an unknown petition.
 */
int petition_record_filing(sqlite3 *db, long long id, const char *date, const char *channel, const char *receipt,
                           struct err *e);
/*
 * Records the authority's decision on a filed petition: decision "accepted" or
 * "refused", date (YYYY-MM-DD; NULL for today; not before the filing nor after today),
 * reasons (a refusal must state them; optional for an acceptance). ERR_USAGE naming what
 * is wrong; ERR_NOTFOUND for an unknown petition.
 */
int petition_record_decision(sqlite3 *db, long long id, const char *decision, const char *date, const char *reasons,
                             struct err *e);

/*
 * The legal dates of a filed petition, counted from the filing date by its rule set's
 * deadlines (each later step from the latest legal date of the one before: referral,
 * then opinion, then notification). *out (new reference) is
 *   {"id", "rule", "title", "status", "filed_on", "channel", "receipt", "decided_on",
 *    "decision_reasons", "today", "dates": [{"id", "label", "date", "from", "from_date",
 *    "days_left", "overdue", "source", "status", "checked_on", "overridden"}]}
 * "dates" is empty before filing. overdue: today is past the date and no decision is
 * recorded. today may be NULL (the current date).
 */
int petition_dates(sqlite3 *db, const char *overrides_dir, long long id, const char *today, json_t **out,
                   struct err *e);
/*
 * The dates of every filed petition still awaiting a decision, soonest first, as
 * {"today", "dates": [{"petition", "title", "campaign_id", "rule", "id", "label", "date",
 * "days_left", "overdue", "source", "status"}]}: what a dashboard shows.
 */
int petition_dates_pending(sqlite3 *db, const char *overrides_dir, const char *today, json_t **out, struct err *e);

/* ---- shared by the petition module's files (check.c, dossier.c, timeline.c) ---- */

/* Column i of st's row: a copy of its text (NULL for SQL NULL; caller free), or its number (-1 for NULL). */
char *petition_col_dup(sqlite3_stmt *st, int i);
long long petition_col_int(sqlite3_stmt *st, int i);
/* Steps st, which reads petition id: 0 on its row; otherwise ERR_NOTFOUND ("there is no
   petition ID") or ERR_DB, with st finalised. */
int petition_row_step(sqlite3 *db, sqlite3_stmt *st, long long id, struct err *e);
/* The numbers in column 0 of st's rows, in *ids (caller free) and *n; st is finalised.
   Returns SQLITE_DONE, or sqlite's error code with *ids NULL. */
int petition_ids_collect(sqlite3_stmt *st, long long **ids, size_t *n);
/* qsort order of json_t * items: by "date" (YYYY-MM-DD), then by "petition" (its number). */
int petition_by_date(const void *a, const void *b);
#endif
