/*
 * The legal rules of petitions as data: one rule set per procedure (data/rules/ma/NAME.json:
 * petitions to commune, province and region councils, to the Head of Government, and
 * legislative motions). Every figure carries its value, source, status (confirmed,
 * unconfirmed, conflicting) and the date it was checked; a workspace may replace a whole
 * file (overrides/rules/ma/NAME.json) or, as a coordinator, override one figure with a
 * note (table rule_overrides, a row per change). Knows rules and tables, never prints.
 *
 * A rule set is a JSON object: {"id", "format": 1, "level", "title": {ar, fr, en},
 * "authority", "law": {"value", "source", "status", "checked_on"}, "figures": [FIGURE...]}
 * where FIGURE is {"id", "type", "label", "value", "source", "status", "checked_on", and
 * optionally "unit", "days", "from", "comparison", "note"}. Types and their values:
 *   integer   a whole number >= 0 ("unit": signatures, years, members, people)
 *   share     a number in (0, 1]
 *   duration  a whole number > 0 of "unit": "days" or "months" (calendar days or months)
 *   threshold a whole number > 0, or brackets by population: [{"below": N, "signatures": S},
 *             {"at_most": N, "signatures": S}, ..., {"signatures": S}] (the last has no limit)
 *   boolean, text (a string), list (strings), table (objects)
 * After rules_apply_overrides() an overridden figure's "value" is the override, its
 * "original" the rule data's value, and "overridden" is {"value", "note", "by", "at"}.
 */
#ifndef PETITION_RULES_H
#define PETITION_RULES_H
#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"
#include "territory/territory.h"

/* The rule sets, in display order, ending with NULL: "ma/commune", ..., "ma/motion". */
extern const char *const rules_names[];
/* Whether id is one of rules_names. */
int rules_known(const char *id);

/*
 * Loads rule set id: the workspace's copy overrides_dir/rules/ID.json when it exists
 * (overrides_dir may be NULL), else the built-in one; checks it strictly. *out is a new
 * reference (caller json_decref). ERR_NOTFOUND for an unknown id; ERR_FORMAT naming the
 * file and the JSON path of the damaged field (e.g. "figures[2].status").
 */
int rules_load(const char *overrides_dir, const char *id, json_t **out, struct err *e);
/* Every rule set, in rules_names order, as a JSON array (caller json_decref). */
int rules_load_all(const char *overrides_dir, json_t **out, struct err *e);
/*
 * Checks a rule set's structure (what rules_load does after reading). `file` names it in
 * messages. ERR_FORMAT with "FILE: PATH: what is wrong".
 */
int rules_validate(json_t *rule, const char *file, struct err *e);

/* The figure with this id (borrowed reference), or NULL. */
json_t *rules_figure(json_t *rule, const char *figure_id);
/* A figure's value as an integer; def when it is not an integer. */
long long rules_int(json_t *rule, const char *figure_id, long long def);

/*
 * Reads what a person typed as a new value for figure (by its type): digits for integer
 * and duration, a number in (0, 1] or a percentage ("5%") for share, digits or a JSON
 * bracket array for threshold, true/false/yes/no for boolean, a JSON array or
 * comma-separated words for list, a JSON array of objects for table, any text for text.
 * ERR_USAGE naming the figure and the expected form. *out is a new reference.
 */
int rules_parse_value(json_t *figure, const char *text, json_t **out, struct err *e);

/*
 * Applies the workspace's current overrides (table rule_overrides) to rule, in place.
 * An override of a figure the rule set no longer has is ignored.
 */
int rules_apply_overrides(sqlite3 *db, json_t *rule, struct err *e);
/*
 * Overrides a figure for the workspace: checks that the rule and figure exist (ERR_USAGE
 * otherwise) and the value (rules_parse_value), then records a row (value as JSON, note,
 * by, time). A coordinator's action: the caller checks the role and writes the audit log.
 * note must not be empty. *stored (optional, caller frees) receives the value as JSON text.
 */
int rules_override_set(sqlite3 *db, const char *overrides_dir, const char *rule, const char *figure, const char *value,
                       const char *note, const char *by, char **stored, struct err *e);
/*
 * Ends the override of a figure (a row with no value, so the history stays). ERR_USAGE
 * for an unknown rule or figure; ERR_NOTFOUND when the figure is not overridden. note
 * may be NULL ("reset").
 */
int rules_override_clear(sqlite3 *db, const char *overrides_dir, const char *rule, const char *figure, const char *note,
                         const char *by, struct err *e);
/*
 * Every change of the overrides of rule (NULL: of every rule), newest first, as a JSON
 * array of {"rule", "figure", "value" (null for a reset), "note", "by", "at"}.
 */
int rules_override_history(sqlite3 *db, const char *rule, json_t **out, struct err *e);

/* Where a number came from: the figure and what the rule data says of it (copies). */
struct rules_from {
	char *figure; /* the figure's id, e.g. "threshold"; NULL when unused */
	char *source;
	char *status;     /* confirmed, unconfirmed or conflicting */
	char *checked_on; /* YYYY-MM-DD */
	int overridden;   /* the workspace overrides this figure */
	char *note;       /* the override's note, or NULL */
};

struct rules_province_min {
	char code[24];
	char name_fr[128], name_ar[128];
	long long population;
	long long min; /* signatures needed from signatories living there */
};

struct rules_required {
	struct territory territory; /* level TERRITORY_ANY for national rule sets */
	long long required;         /* signatures (or supporters) needed */
	char basis[160];            /* why this number, e.g. "population 2525801: up to 3000000" */
	struct rules_from from;     /* the figure it came from */
	struct rules_from also;     /* a second figure it depends on (the list of communes with
	                               arrondissements), or figure NULL */
	double spread_share;        /* 0 when the rule set has no spread */
	long long per_province;     /* least signatures from each province (0 when no spread) */
	struct rules_from spread_from;
	struct rules_province_min *provinces; /* the region's provinces, by code */
	size_t nprovinces;
};

/*
 * The signatures rule (overrides applied or not, as the caller chose) requires for the
 * territory of code (HCP code of a commune, province or region; NULL or "" for national
 * rule sets, which ignore it). The territory must be of the rule set's level (ERR_USAGE
 * otherwise); ERR_NOTFOUND for an unknown code. Release with rules_required_release.
 */
/*
 * The territory of code at whichever level it is (a region, province or commune), and the
 * rule set for a petition to its council (*rule_id: "ma/region"...). ERR_NOTFOUND naming it.
 */
int rules_territory(sqlite3 *db, const char *code, struct territory *out, const char **rule_id, struct err *e);
int rules_required(sqlite3 *db, json_t *rule, const char *code, struct rules_required *out, struct err *e);
void rules_required_release(struct rules_required *r);
/* Which signatures a threshold figure's value asks of a population (-1 if malformed). */
long long rules_threshold_for(json_t *value, long long population, char *basis, size_t basis_cap);
/* The least number from each province: share of required, rounded up (5% of 400 = 20). */
long long rules_spread_min(long long required, double share);

enum rules_unit { RULES_DAYS, RULES_MONTHS };
/*
 * start (YYYY-MM-DD) plus n calendar days or months into out. Months keep the day,
 * clamped to the end of a shorter month (31 January + 1 month = 28 or 29 February).
 * ERR_USAGE for a date that is not one.
 */
int rules_date_add(const char *start, long long n, enum rules_unit unit, char out[11], struct err *e);
/*
 * The date a deadline figure (type duration) falls due, counted from start. from
 * (optional, release with rules_from_release) says which figure and source it came from.
 */
int rules_deadline(json_t *rule, const char *figure_id, const char *start, char out[11], struct rules_from *from,
                   struct err *e);
void rules_from_release(struct rules_from *f);
#endif
