/*
 * Campaigns: the case file of an advocacy campaign. A campaign has a title, a goal,
 * themes, a level and territory, the authority it targets, a status, dates, a lead
 * organisation and members; its evidence board (passages pinned from the hub, each kept
 * with a copy of its text and document details), the barriers found, the recommendations
 * answering them, the stakeholders (drawn as a power-interest grid) and a timeline.
 *
 * One core API for the command line and the web pages: it reads and writes the tables of
 * data/schema/004-campaign.sql, checks every value a person gives (naming the field), and
 * never prints. Writes are one transaction each; every change to an item of a campaign
 * also moves the campaign's updated_at.
 *
 * Conventions of the write functions:
 * - text fields are UTF-8; NULL means "the default" when adding and "unchanged" when
 *   updating; "" clears an optional field when updating (a title is never optional);
 * - refused values give ERR_USAGE, with every problem listed in *problems when it is not
 *   NULL (field names are those of the forms and of the command-line options: "title",
 *   "level", "territory", "start"...), and e->msg "field: what is wrong" for the first ones;
 * - a campaign or item that does not exist gives ERR_NOTFOUND; the database's own refusal
 *   gives ERR_DB.
 */
#ifndef CAMPAIGN_CAMPAIGN_H
#define CAMPAIGN_CAMPAIGN_H
#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"

/* The values each field accepts, NULL-terminated, in the order to offer them. */
extern const char *const campaign_levels[];        /* commune, province, region, national */
extern const char *const campaign_statuses[];      /* preparing, active, won, closed */
extern const char *const campaign_member_roles[];  /* lead, member, observer */
extern const char *const campaign_severities[];    /* low, medium, high */
extern const char *const campaign_priorities[];    /* high, medium, low */
extern const char *const campaign_feasibilities[]; /* easy, medium, hard */
/* council, ministry, administration, association, business, media, donor, other */
extern const char *const campaign_stakeholder_types[];
extern const char *const campaign_positions[];   /* ally, neutral, opponent */
extern const char *const campaign_event_types[]; /* meeting, submission, answer, other */
/* Whether value is one of list. */
int campaign_one_of(const char *value, const char *const *list);

/* Longest texts, in characters. */
#define CAMPAIGN_TITLE_MAX 200  /* titles, names, targets, authorities, affected */
#define CAMPAIGN_TEXT_MAX  4000 /* goals, descriptions, recommendations, notes */

/* What is wrong with the values given to a write function, field by field. */
#define CAMPAIGN_PROBLEMS_MAX 12
struct campaign_problems {
	size_t n;
	struct campaign_problem {
		char field[32]; /* "title", "level", "evidence"... */
		char msg[256];  /* in English, for the command line */
	} v[CAMPAIGN_PROBLEMS_MAX];
};

/* ---- campaigns ---- */

struct campaign_fields {
	const char *title, *goal;
	const char *level;     /* commune, province, region or national; found from the territory when not given */
	const char *territory; /* a code of data/territory (see territory.h), of the level's kind; none for national */
	const char *target;    /* the authority the campaign addresses */
	const char *status;    /* preparing (the default), active, won, closed */
	const char *start, *end;   /* YYYY-MM-DD, real dates, the end not before the start */
	const char *org;           /* the lead organisation's name (made if new) */
	const char *const *themes; /* theme keys, each known (campaign_theme_set adds one) */
	size_t nthemes;
	int set_themes; /* when updating: replace the themes with these (even none) */
};

/* Checks f as campaign_create (id 0) or campaign_update (id) would; 0 or ERR_USAGE. */
int campaign_check(sqlite3 *db, long long id, const struct campaign_fields *f, struct campaign_problems *problems,
                   struct err *e);
/* A new campaign (a title is needed); *id receives its number. by_user (0: nobody) becomes its lead. */
int campaign_create(sqlite3 *db, const struct campaign_fields *f, long long by_user, long long *id,
                    struct campaign_problems *problems, struct err *e);
int campaign_update(sqlite3 *db, long long id, const struct campaign_fields *f, struct campaign_problems *problems,
                    struct err *e);
/* Removes a campaign and its whole case file. */
int campaign_delete(sqlite3 *db, long long id, struct err *e);
/* ERR_NOTFOUND (naming the number) unless the campaign exists. */
int campaign_exists(sqlite3 *db, long long id, struct err *e);
/* The campaign's title (caller frees), or NULL when there is no such campaign. */
char *campaign_title(sqlite3 *db, long long id);

/* Gives the user `login` a role in the campaign (one of campaign_member_roles); NULL or
 * "none" takes them out. ERR_NOTFOUND for an unknown login, ERR_USAGE for a bad role. */
int campaign_member_set(sqlite3 *db, long long id, const char *login, const char *role, struct err *e);
int campaign_member_set_id(sqlite3 *db, long long id, long long user_id, const char *role, struct err *e);

/*
 * Adds the theme `key` (2 to 32 of a-z, 0-9, '-', starting with a letter) or renames it: lang
 * "ar", "fr" or "en" sets that name; NULL sets the three names of a new theme (and only the
 * English one of an existing theme).
 */
int campaign_theme_set(sqlite3 *db, const char *key, const char *lang, const char *name, struct err *e);
/* [{"key","name_ar","name_fr","name_en","campaigns"}] by key order of creation. New reference. */
int campaign_themes_json(sqlite3 *db, json_t **out, struct err *e);

/*
 * Every campaign (or those where member_user_id has a role, when not 0), the most recently
 * changed first: [{"id","title","status","level","target","territory":{"code","name_ar",
 * "name_fr"}|null,"start","end","organisation","themes":[keys],"counts":{"evidence","barriers",
 * "recommendations","stakeholders","events"},"updated_at"}]. New reference.
 */
int campaign_list_json(sqlite3 *db, long long member_user_id, json_t **out, struct err *e);

/*
 * The whole case file as a new jansson object:
 * {"id","title","goal","themes":[{"key","name_ar","name_fr","name_en"}],"level","target",
 *  "territory":{"code","level","name_ar","name_fr","population_2024","province":{"code",
 *  "name_ar","name_fr","population_2024"}|null,"region":{…}|null}|null,"status","start","end",
 *  "organisation":{"id","name"}|null,"members":[{"user_id","login","name","role"}],
 *  "evidence":[{"id","passage_id"|null,"doc_id"|null,"doc_title","doc_issuer","doc_date","doc_kind",
 *  "doc_hash","seq","page","article","text","note","pinned_by","pinned_at"}] (pin order),
 *  "barriers":[{"id","title","description","affected","severity","theme","evidence":[ids]}],
 *  "recommendations":[{"id","text","authority","priority","feasibility","barriers":[ids]}]
 *  (creation order),"stakeholders":[{"id","name","type","power","interest","position","notes"}],
 *  "events":[{"id","date","type","title","notes"}] (by date),"created_at","updated_at"}.
 * Absent optional values are null. ERR_NOTFOUND when there is no such campaign.
 */
int campaign_json(sqlite3 *db, long long id, json_t **out, struct err *e);

/* ---- the evidence board ---- */

/*
 * Pins a passage of the hub to the campaign with a note, keeping a copy of the passage and
 * of its document's title, issuer, date, kind and hash; by is the login of who pins it (may
 * be NULL). ERR_NOTFOUND for an unknown passage, ERR_EXISTS when it is already pinned there.
 */
int campaign_evidence_pin(sqlite3 *db, long long campaign_id, long long passage_id, const char *note, const char *by,
                          long long *id, struct err *e);
int campaign_evidence_note(sqlite3 *db, long long id, const char *note, struct err *e);

/* ---- barriers, recommendations, stakeholders, events ---- */

struct campaign_barrier {
	const char *title, *description, *affected;
	const char *severity;      /* low, medium (the default), high */
	const char *theme;         /* a theme key */
	const long long *evidence; /* evidence of the same campaign */
	size_t nevidence;
	int set_evidence; /* when updating: replace the links with these */
};
int campaign_barrier_add(sqlite3 *db, long long campaign_id, const struct campaign_barrier *b, long long *id,
                         struct campaign_problems *problems, struct err *e);
int campaign_barrier_update(sqlite3 *db, long long id, const struct campaign_barrier *b,
                            struct campaign_problems *problems, struct err *e);

struct campaign_recommendation {
	const char *text, *authority;
	const char *priority;      /* high, medium (the default), low */
	const char *feasibility;   /* easy, medium (the default), hard */
	const long long *barriers; /* the barriers it answers, of the same campaign */
	size_t nbarriers;
	int set_barriers;
};
int campaign_recommendation_add(sqlite3 *db, long long campaign_id, const struct campaign_recommendation *r,
                                long long *id, struct campaign_problems *problems, struct err *e);
int campaign_recommendation_update(sqlite3 *db, long long id, const struct campaign_recommendation *r,
                                   struct campaign_problems *problems, struct err *e);

struct campaign_stakeholder {
	const char *name;
	const char *type;             /* one of campaign_stakeholder_types; other by default */
	const char *power, *interest; /* whole numbers from 1 to 5, as typed; 3 by default */
	const char *position;         /* ally, neutral (the default), opponent */
	const char *notes;
};
int campaign_stakeholder_add(sqlite3 *db, long long campaign_id, const struct campaign_stakeholder *s, long long *id,
                             struct campaign_problems *problems, struct err *e);
int campaign_stakeholder_update(sqlite3 *db, long long id, const struct campaign_stakeholder *s,
                                struct campaign_problems *problems, struct err *e);

struct campaign_event {
	const char *date;  /* YYYY-MM-DD, needed */
	const char *type;  /* meeting, submission, answer, other (the default) */
	const char *title; /* needed */
	const char *notes;
};
int campaign_event_add(sqlite3 *db, long long campaign_id, const struct campaign_event *ev, long long *id,
                       struct campaign_problems *problems, struct err *e);
int campaign_event_update(sqlite3 *db, long long id, const struct campaign_event *ev,
                          struct campaign_problems *problems, struct err *e);

/* The kinds of items of a case file, for what every kind shares. */
enum campaign_item {
	CAMPAIGN_EVIDENCE,
	CAMPAIGN_BARRIER,
	CAMPAIGN_RECOMMENDATION,
	CAMPAIGN_STAKEHOLDER,
	CAMPAIGN_EVENT
};
/* "evidence", "barrier", "recommendation", "stakeholder", "event" */
const char *campaign_item_name(enum campaign_item kind);
/* The campaign an item belongs to, in *campaign_id; ERR_NOTFOUND when there is no such item. */
int campaign_item_campaign(sqlite3 *db, enum campaign_item kind, long long id, long long *campaign_id, struct err *e);
/* Removes an item (and its links: a barrier's evidence, a recommendation's barriers). */
int campaign_item_remove(sqlite3 *db, enum campaign_item kind, long long id, struct err *e);

/* ---- the power-interest grid ---- */

/* The words of the grid, in the page's language (the caller's strings, kept as they are). */
struct campaign_grid_labels {
	const char *lang;             /* the language of the words ("ar", "fr"...) */
	int rtl;                      /* drawn for a right-to-left page: interest grows towards the left */
	const char *title;            /* the drawing's <title> */
	const char *desc;             /* the start of its <desc>, before the list of stakeholders */
	const char *power, *interest; /* the axes */
	const char *low, *high;
	/* the quadrants: high power and low interest, high power and high interest, low power
	 * and low interest, low power and high interest */
	const char *keep_satisfied, *manage_closely, *monitor, *keep_informed;
	const char *ally, *neutral, *opponent;
	const char *none; /* said when there is no stakeholder */
};
/*
 * The stakeholders of a campaign as an SVG drawing (a new string the caller frees): each
 * placed by power (up) and interest (towards the end of the line), its shape and colour by
 * position (ally: circle, neutral: square, opponent: triangle), its name beside it; with a
 * <title>, a <desc> listing every stakeholder with power, interest and position (the text
 * alternative), and role="img". Every text is escaped for XML.
 */
int campaign_grid_svg(sqlite3 *db, long long campaign_id, const struct campaign_grid_labels *l, char **svg,
                      struct err *e);

/* ---- moving a case file between workspaces ---- */

/*
 * The case file for another workspace: campaign_json's object with "format":
 * "asurif-campaign" and "version": 1. New reference.
 */
int campaign_export(sqlite3 *db, long long id, json_t **out, struct err *e);

struct campaign_import_report {
	long long id;        /* the new campaign */
	int evidence;        /* pinned passages */
	int relinked;        /* of which found in this hub (same document hash and passage place) */
	int members_skipped; /* members whose login this workspace does not have */
	int themes_added;    /* themes this workspace did not have */
};
/*
 * Takes in a case file made by campaign_export (text of len bytes; name is the file's name
 * for messages) as a new campaign, in one transaction: ids are renumbered and the links
 * between evidence, barriers and recommendations kept; evidence is linked to this hub's
 * passage when a document with the same hash has a passage at the same place, else keeps
 * its copy; themes and the organisation are added when missing; members are matched by
 * login. A damaged file gives ERR_FORMAT naming the field ("name: barriers[2].severity:
 * ...") and changes nothing.
 */
int campaign_import(sqlite3 *db, const char *text, size_t len, const char *name, struct campaign_import_report *rep,
                    struct err *e);
#endif
