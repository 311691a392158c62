/* What the files of src/campaign/ share: checking values, small statement helpers. */
#ifndef CAMPAIGN_INTERNAL_H
#define CAMPAIGN_INTERNAL_H
#include <jansson.h>
#include <sqlite3.h>

#include "campaign/campaign.h"

/* Records a problem with field (ignored past CAMPAIGN_PROBLEMS_MAX). */
void cp_add(struct campaign_problems *p, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* ERR_USAGE with e->msg "field: msg; field: msg" when p has problems, else 0. */
int cp_result(const struct campaign_problems *p, struct err *e);

/*
 * Checks a text field: valid UTF-8, at most max characters, no control characters but
 * (when multiline) new lines and tabs; when required, not empty or only spaces.
 * NULL passes unless required.
 */
void cp_text(struct campaign_problems *p, const char *field, const char *s, size_t max, int multiline, int required);
/* Checks value against list (NULL passes; "" passes when may_clear). */
void cp_choice(struct campaign_problems *p, const char *field, const char *value, const char *const *list,
               int may_clear);
/* Whether s is a real date written YYYY-MM-DD. */
int cp_date_valid(const char *s);
/* Checks a date (NULL passes; "" passes when may_clear). */
void cp_date(struct campaign_problems *p, const char *field, const char *value, int may_clear);
/* "a, b or c" for messages (a static buffer per call site is not needed: caller frees). */
char *cp_list_text(const char *const *list);

/* "" as NULL. */
const char *cp_nonempty(const char *s);
/* ERR_DB with SQLite's message. */
int cp_db_error(sqlite3 *db, struct err *e);
/* Runs a statement that returns no rows, then finalizes it; ERR_DB on failure. */
int cp_step_done(sqlite3 *db, sqlite3_stmt *st, struct err *e);
/*
 * Begins a write: BEGIN IMMEDIATE, or nothing when the caller already holds a transaction
 * (*outer = 1: an import makes a whole campaign in one).
 */
int cp_begin(sqlite3 *db, int *outer, struct err *e);
/* Ends a write: commits (unless outer), or when failed rolls back (the caller's transaction
 * too) and returns the error's code. */
int cp_end(sqlite3 *db, int outer, int failed, struct err *e);
/* Moves the campaign's updated_at to now. */
int cp_touch(sqlite3 *db, long long campaign_id, struct err *e);
/* Column as a JSON string, or null when SQL NULL. */
json_t *cp_json_text(sqlite3_stmt *st, int col);
#endif
