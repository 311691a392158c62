/* The items of a case file: evidence pinned from the hub, barriers, recommendations, stakeholders, events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "campaign/campaign.h"
#include "campaign/internal.h"
#include "store/db.h"
#include "base/banned.h"

static const struct {
	const char *name, *table;
} items[] = {
    [CAMPAIGN_EVIDENCE] = {"evidence", "evidence"},
    [CAMPAIGN_BARRIER] = {"barrier", "barriers"},
    [CAMPAIGN_RECOMMENDATION] = {"recommendation", "recommendations"},
    [CAMPAIGN_STAKEHOLDER] = {"stakeholder", "stakeholders"},
    [CAMPAIGN_EVENT] = {"event", "campaign_events"},
};

const char *campaign_item_name(enum campaign_item kind)
{
	return (size_t)kind < ARRAY_SIZE(items) ? items[kind].name : "";
}

int campaign_item_campaign(sqlite3 *db, enum campaign_item kind, long long id, long long *campaign_id, struct err *e)
{
	if ((size_t)kind >= ARRAY_SIZE(items))
		BUG("no such kind of item: %d", (int)kind);
	char *sql = xasprintf("SELECT campaign_id FROM %s WHERE id = ?1", items[kind].table);
	sqlite3_stmt *st = db_prepare(db, sql);
	free(sql);
	sqlite3_bind_int64(st, 1, id);
	*campaign_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (!*campaign_id)
		return err_set(e, ERR_NOTFOUND, "there is no %s %lld", items[kind].name, id);
	return 0;
}

int campaign_item_remove(sqlite3 *db, enum campaign_item kind, long long id, struct err *e)
{
	long long cid = 0;
	if (campaign_item_campaign(db, kind, id, &cid, e))
		return ERR_NOTFOUND;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	char *sql = xasprintf("DELETE FROM %s WHERE id = ?1", items[kind].table);
	sqlite3_stmt *st = db_prepare(db, sql);
	free(sql);
	sqlite3_bind_int64(st, 1, id);
	return cp_end(db, outer, cp_step_done(db, st, e) || cp_touch(db, cid, e), e);
}

/* Whether item id of table belongs to the campaign. */
static int belongs(sqlite3 *db, const char *table, long long id, long long campaign_id)
{
	char *sql = xasprintf("SELECT 1 FROM %s WHERE id = ?1 AND campaign_id = ?2", table);
	sqlite3_stmt *st = db_prepare(db, sql);
	free(sql);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, campaign_id);
	int yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

/* Checks that every id of a list is an item of table in the campaign. */
static void check_links(sqlite3 *db, struct campaign_problems *p, const char *field, const char *table,
                        const char *what, const long long *ids, size_t n, long long campaign_id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0 || !belongs(db, table, ids[i], campaign_id))
			cp_add(p, field, "%lld is not %s of campaign %lld", ids[i], what, campaign_id);
}

/* Replaces the links of one item: DELETE then INSERT of (id, ids[i]). */
static int set_links(sqlite3 *db, const char *del, const char *ins, long long id, const long long *ids, size_t n,
                     struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, del);
	sqlite3_bind_int64(st, 1, id);
	if (cp_step_done(db, st, e))
		return ERR_DB;
	for (size_t i = 0; i < n; i++) {
		st = db_prepare(db, ins);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, ids[i]);
		if (cp_step_done(db, st, e))
			return ERR_DB;
	}
	return 0;
}

/* The campaign an item belongs to, for updates: ERR_NOTFOUND when none. */
static int owner(sqlite3 *db, enum campaign_item kind, long long id, long long *cid, struct err *e)
{
	return campaign_item_campaign(db, kind, id, cid, e);
}

static struct campaign_problems *problems_or(struct campaign_problems *p, struct campaign_problems *local)
{
	struct campaign_problems *x = p ? p : local;
	x->n = 0;
	return x;
}

/* ---- evidence ---- */

int campaign_evidence_pin(sqlite3 *db, long long campaign_id, long long passage_id, const char *note, const char *by,
                          long long *id, struct err *e)
{
	if (campaign_exists(db, campaign_id, e))
		return ERR_NOTFOUND;
	struct campaign_problems p = {0};
	cp_text(&p, "note", note, CAMPAIGN_TEXT_MAX, 1, 0);
	if (cp_result(&p, e))
		return ERR_USAGE;
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM passages WHERE id = ?1");
	sqlite3_bind_int64(st, 1, passage_id);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found)
		return err_set(e, ERR_NOTFOUND,
		               "there is no passage %lld in the hub (search shows each passage's number)", passage_id);
	st = db_prepare(db, "SELECT id FROM evidence WHERE campaign_id = ?1 AND passage_id = ?2");
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, passage_id);
	long long have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (have)
		return err_set(e, ERR_EXISTS,
		               "passage %lld is already on the evidence board of campaign %lld (evidence %lld)",
		               passage_id, campaign_id, have);
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	st = db_prepare(db,
	                "INSERT INTO evidence(campaign_id, passage_id, doc_title, doc_issuer, doc_date, doc_kind, "
	                "doc_hash, seq, page, article, text, note, pinned_by) "
	                "SELECT ?1, p.id, d.title, d.issuer, d.date, d.kind, d.hash, p.seq, p.page, p.article, p.text, "
	                "?3, ?4 FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id = ?2");
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, passage_id);
	db_bind_text(st, 3, note ? note : "");
	db_bind_text(st, 4, cp_nonempty(by));
	int failed = cp_step_done(db, st, e);
	if (!failed)
		*id = sqlite3_last_insert_rowid(db);
	failed = failed || cp_touch(db, campaign_id, e);
	return cp_end(db, outer, failed, e);
}

int campaign_evidence_note(sqlite3 *db, long long id, const char *note, struct err *e)
{
	long long cid;
	if (owner(db, CAMPAIGN_EVIDENCE, id, &cid, e))
		return ERR_NOTFOUND;
	struct campaign_problems p = {0};
	cp_text(&p, "note", note, CAMPAIGN_TEXT_MAX, 1, 0);
	if (cp_result(&p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st = db_prepare(db, "UPDATE evidence SET note = ?2 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, note ? note : "");
	int failed = cp_step_done(db, st, e) || cp_touch(db, cid, e);
	return cp_end(db, outer, failed, e);
}

/*
 * ---- barriers, recommendations, stakeholders, events ----
 *
 * Their add and update functions differ only in the checks, the statement and the links: one
 * write does the rest (the campaign or item must exist, the values pass, one transaction that
 * also moves the campaign's updated_at).
 */

/* What one kind of item's writes differ in; item is its struct campaign_barrier... */
struct item_kind {
	enum campaign_item kind;
	/* ?1 is the campaign when inserting, the item when updating; bind gives ?2... */
	const char *insert, *update;
	void (*check)(sqlite3 *db, const void *item, long long cid, int updating, struct campaign_problems *p);
	void (*bind)(sqlite3_stmt *st, const void *item, int updating);
	/* Replaces the item's links (when it has any: NULL); 0 or ERR_DB. */
	int (*links)(sqlite3 *db, const void *item, long long id, int updating, struct err *e);
};

/* Adds an item to campaign_id (*id receives it), or when updating changes item *id. */
static int item_write(sqlite3 *db, const struct item_kind *k, const void *item, int updating, long long campaign_id,
                      long long *id, struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	long long cid = campaign_id;
	if (updating ? owner(db, k->kind, *id, &cid, e) : campaign_exists(db, cid, e))
		return ERR_NOTFOUND;
	k->check(db, item, cid, updating, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st = db_prepare(db, updating ? k->update : k->insert);
	sqlite3_bind_int64(st, 1, updating ? *id : cid);
	k->bind(st, item, updating);
	int failed = cp_step_done(db, st, e);
	if (!failed && !updating)
		*id = sqlite3_last_insert_rowid(db);
	failed = failed || (k->links && k->links(db, item, *id, updating, e)) || cp_touch(db, cid, e);
	return cp_end(db, outer, failed, e);
}

/* A text to bind: when adding, def stands for NULL or ""; when updating, NULL keeps the value. */
static const char *value(const char *s, const char *def, int updating)
{
	return updating || cp_nonempty(s) ? s : def;
}

/* ---- barriers ---- */

static void check_barrier(sqlite3 *db, const void *item, long long cid, int updating, struct campaign_problems *p)
{
	const struct campaign_barrier *b = item;
	cp_text(p, "title", b->title, CAMPAIGN_TITLE_MAX, 0, !updating || b->title);
	cp_text(p, "description", b->description, CAMPAIGN_TEXT_MAX, 1, 0);
	cp_text(p, "affected", b->affected, CAMPAIGN_TITLE_MAX, 0, 0);
	cp_choice(p, "severity", b->severity, campaign_severities, !updating);
	if (b->theme && *b->theme) {
		sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM themes WHERE key = ?1");
		db_bind_text(st, 1, b->theme);
		if (sqlite3_step(st) != SQLITE_ROW)
			cp_add(p, "theme", "\"%s\" is not a theme of this workspace (see: asurif campaign theme list)",
			       b->theme);
		sqlite3_finalize(st);
	}
	check_links(db, p, "evidence", "evidence", "evidence", b->evidence, b->nevidence, cid);
}

static void bind_barrier(sqlite3_stmt *st, const void *item, int updating)
{
	const struct campaign_barrier *b = item;
	db_bind_text(st, 2, b->title);
	db_bind_text(st, 3, value(b->description, "", updating));
	db_bind_text(st, 4, value(b->affected, "", updating));
	db_bind_text(st, 5, value(b->severity, "medium", updating));
	db_bind_text(st, 6, value(b->theme, NULL, updating));
}

static int barrier_links(sqlite3 *db, const void *item, long long id, int updating, struct err *e)
{
	const struct campaign_barrier *b = item;
	if (updating && !b->set_evidence)
		return 0;
	return set_links(db, "DELETE FROM barrier_evidence WHERE barrier_id = ?1",
	                 "INSERT OR IGNORE INTO barrier_evidence(barrier_id, evidence_id) VALUES (?1, ?2)", id,
	                 b->evidence, b->nevidence, e);
}

static const struct item_kind barrier_kind = {
    CAMPAIGN_BARRIER,
    "INSERT INTO barriers(campaign_id, title, description, affected, severity, theme_key) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "UPDATE barriers SET title = coalesce(?2, title), description = coalesce(?3, description), affected = "
    "coalesce(?4, affected), severity = coalesce(?5, severity), theme_key = CASE WHEN ?6 IS NULL THEN theme_key "
    "ELSE nullif(?6, '') END WHERE id = ?1",
    check_barrier,
    bind_barrier,
    barrier_links,
};

int campaign_barrier_add(sqlite3 *db, long long campaign_id, const struct campaign_barrier *b, long long *id,
                         struct campaign_problems *problems, struct err *e)
{
	return item_write(db, &barrier_kind, b, 0, campaign_id, id, problems, e);
}

int campaign_barrier_update(sqlite3 *db, long long id, const struct campaign_barrier *b,
                            struct campaign_problems *problems, struct err *e)
{
	return item_write(db, &barrier_kind, b, 1, 0, &id, problems, e);
}

/* ---- recommendations ---- */

static void check_recommendation(sqlite3 *db, const void *item, long long cid, int updating,
                                 struct campaign_problems *p)
{
	const struct campaign_recommendation *r = item;
	cp_text(p, "text", r->text, CAMPAIGN_TEXT_MAX, 1, !updating || r->text);
	cp_text(p, "authority", r->authority, CAMPAIGN_TITLE_MAX, 0, 0);
	cp_choice(p, "priority", r->priority, campaign_priorities, !updating);
	cp_choice(p, "feasibility", r->feasibility, campaign_feasibilities, !updating);
	check_links(db, p, "barrier", "barriers", "a barrier", r->barriers, r->nbarriers, cid);
}

static void bind_recommendation(sqlite3_stmt *st, const void *item, int updating)
{
	const struct campaign_recommendation *r = item;
	db_bind_text(st, 2, r->text);
	db_bind_text(st, 3, value(r->authority, "", updating));
	db_bind_text(st, 4, value(r->priority, "medium", updating));
	db_bind_text(st, 5, value(r->feasibility, "medium", updating));
}

static int recommendation_links(sqlite3 *db, const void *item, long long id, int updating, struct err *e)
{
	const struct campaign_recommendation *r = item;
	if (updating && !r->set_barriers)
		return 0;
	return set_links(db, "DELETE FROM recommendation_barriers WHERE recommendation_id = ?1",
	                 "INSERT OR IGNORE INTO recommendation_barriers(recommendation_id, barrier_id) VALUES (?1, ?2)",
	                 id, r->barriers, r->nbarriers, e);
}

static const struct item_kind recommendation_kind = {
    CAMPAIGN_RECOMMENDATION,
    "INSERT INTO recommendations(campaign_id, text, authority, priority, feasibility) VALUES (?1, ?2, ?3, ?4, ?5)",
    "UPDATE recommendations SET text = coalesce(?2, text), authority = coalesce(?3, authority), priority = "
    "coalesce(?4, priority), feasibility = coalesce(?5, feasibility) WHERE id = ?1",
    check_recommendation,
    bind_recommendation,
    recommendation_links,
};

int campaign_recommendation_add(sqlite3 *db, long long campaign_id, const struct campaign_recommendation *r,
                                long long *id, struct campaign_problems *problems, struct err *e)
{
	return item_write(db, &recommendation_kind, r, 0, campaign_id, id, problems, e);
}

int campaign_recommendation_update(sqlite3 *db, long long id, const struct campaign_recommendation *r,
                                   struct campaign_problems *problems, struct err *e)
{
	return item_write(db, &recommendation_kind, r, 1, 0, &id, problems, e);
}

/* ---- stakeholders ---- */

/* A score from 1 to 5 as typed; 0 when it is not one. */
static int score(const char *s)
{
	return s && s[0] >= '1' && s[0] <= '5' && !s[1] ? s[0] - '0' : 0;
}

static void check_stakeholder(sqlite3 *db, const void *item, long long cid, int updating, struct campaign_problems *p)
{
	(void)db;
	(void)cid;
	const struct campaign_stakeholder *s = item;
	cp_text(p, "name", s->name, CAMPAIGN_TITLE_MAX, 0, !updating || s->name);
	cp_choice(p, "type", s->type, campaign_stakeholder_types, !updating);
	cp_choice(p, "position", s->position, campaign_positions, !updating);
	cp_text(p, "notes", s->notes, CAMPAIGN_TEXT_MAX, 1, 0);
	if (s->power && (*s->power || updating) && !score(s->power))
		cp_add(p, "power", "\"%s\" is not a whole number from 1 (little power) to 5 (decides)", s->power);
	if (s->interest && (*s->interest || updating) && !score(s->interest))
		cp_add(p, "interest", "\"%s\" is not a whole number from 1 (little interest) to 5 (very concerned)",
		       s->interest);
}

/* A score to bind: when adding, 3 when not given; when updating, left NULL (kept) when not given. */
static void bind_score(sqlite3_stmt *st, int col, const char *s, int updating)
{
	if (!updating)
		sqlite3_bind_int(st, col, score(s) ? score(s) : 3);
	else if (s)
		sqlite3_bind_int(st, col, score(s));
}

static void bind_stakeholder(sqlite3_stmt *st, const void *item, int updating)
{
	const struct campaign_stakeholder *s = item;
	db_bind_text(st, 2, s->name);
	db_bind_text(st, 3, value(s->type, "other", updating));
	bind_score(st, 4, s->power, updating);
	bind_score(st, 5, s->interest, updating);
	db_bind_text(st, 6, value(s->position, "neutral", updating));
	db_bind_text(st, 7, value(s->notes, "", updating));
}

static const struct item_kind stakeholder_kind = {
    CAMPAIGN_STAKEHOLDER,
    "INSERT INTO stakeholders(campaign_id, name, type, power, interest, position, notes) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "UPDATE stakeholders SET name = coalesce(?2, name), type = coalesce(?3, type), power = coalesce(?4, power), "
    "interest = coalesce(?5, interest), position = coalesce(?6, position), notes = coalesce(?7, notes) "
    "WHERE id = ?1",
    check_stakeholder,
    bind_stakeholder,
    NULL,
};

int campaign_stakeholder_add(sqlite3 *db, long long campaign_id, const struct campaign_stakeholder *s, long long *id,
                             struct campaign_problems *problems, struct err *e)
{
	return item_write(db, &stakeholder_kind, s, 0, campaign_id, id, problems, e);
}

int campaign_stakeholder_update(sqlite3 *db, long long id, const struct campaign_stakeholder *s,
                                struct campaign_problems *problems, struct err *e)
{
	return item_write(db, &stakeholder_kind, s, 1, 0, &id, problems, e);
}

/* ---- the timeline ---- */

static void check_event(sqlite3 *db, const void *item, long long cid, int updating, struct campaign_problems *p)
{
	(void)db;
	(void)cid;
	const struct campaign_event *ev = item;
	if (!updating && !cp_nonempty(ev->date))
		cp_add(p, "date", "is needed (YYYY-MM-DD)");
	cp_date(p, "date", ev->date, 0);
	cp_choice(p, "type", ev->type, campaign_event_types, !updating);
	cp_text(p, "title", ev->title, CAMPAIGN_TITLE_MAX, 0, !updating || ev->title);
	cp_text(p, "notes", ev->notes, CAMPAIGN_TEXT_MAX, 1, 0);
}

static void bind_event(sqlite3_stmt *st, const void *item, int updating)
{
	const struct campaign_event *ev = item;
	db_bind_text(st, 2, ev->date);
	db_bind_text(st, 3, value(ev->type, "other", updating));
	db_bind_text(st, 4, ev->title);
	db_bind_text(st, 5, value(ev->notes, "", updating));
}

static const struct item_kind event_kind = {
    CAMPAIGN_EVENT,
    "INSERT INTO campaign_events(campaign_id, date, type, title, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
    "UPDATE campaign_events SET date = coalesce(?2, date), type = coalesce(?3, type), title = coalesce(?4, title), "
    "notes = coalesce(?5, notes) WHERE id = ?1",
    check_event,
    bind_event,
    NULL,
};

int campaign_event_add(sqlite3 *db, long long campaign_id, const struct campaign_event *ev, long long *id,
                       struct campaign_problems *problems, struct err *e)
{
	return item_write(db, &event_kind, ev, 0, campaign_id, id, problems, e);
}

int campaign_event_update(sqlite3 *db, long long id, const struct campaign_event *ev,
                          struct campaign_problems *problems, struct err *e)
{
	return item_write(db, &event_kind, ev, 1, 0, &id, problems, e);
}
