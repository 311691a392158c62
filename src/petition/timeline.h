/*
 * A campaign's petitions on its timeline: the filing of each petition (when recorded), the
 * legal dates counted from it by the rule set (petition_dates), and the authority's decision
 * (when recorded), each marked as a legal deadline or a recorded step with its source.
 * Knows petitions and tables; never prints.
 */
#ifndef PETITION_TIMELINE_H
#define PETITION_TIMELINE_H
#include <jansson.h>
#include <sqlite3.h>

#include "base/err.h"

/*
 * The timeline entries of campaign_id's petitions, soonest first (ties in petition order,
 * filing before deadlines before the decision). *out (new reference) is an array of
 *   {"date", "kind": "filed" | "deadline" | "decision", "petition", "petition_title",
 *    "id" (deadlines: the rule set's figure), "label" (deadlines: the figure's label),
 *    "source" (deadlines: the figure's source; filing and decision: "recorded"),
 *    "status" (deadlines: confirmed, unconfirmed, conflicting), "overdue", "days_left",
 *    "channel", "receipt" (filing), "decision", "reasons" (decision)}
 * today (YYYY-MM-DD) may be NULL for the current date. A petition whose rule set cannot be
 * read is left out rather than hiding the others. ERR_DB.
 */
int petition_timeline(sqlite3 *db, const char *overrides_dir, long long campaign_id, const char *today, json_t **out,
                      struct err *e);
#endif
