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

/* ---- barriers ---- */

static void check_barrier(sqlite3 *db, const struct campaign_barrier *b, long long cid, int updating,
                          struct campaign_problems *p)
{
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

static const char barrier_links_del[] = "DELETE FROM barrier_evidence WHERE barrier_id = ?1";
static const char barrier_links_ins[] =
    "INSERT OR IGNORE INTO barrier_evidence(barrier_id, evidence_id) VALUES (?1, ?2)";

int campaign_barrier_add(sqlite3 *db, long long campaign_id, const struct campaign_barrier *b, long long *id,
                         struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	if (campaign_exists(db, campaign_id, e))
		return ERR_NOTFOUND;
	check_barrier(db, b, campaign_id, 0, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO barriers(campaign_id, title, description, affected, severity, "
	                                  "theme_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_int64(st, 1, campaign_id);
	db_bind_text(st, 2, b->title);
	db_bind_text(st, 3, b->description ? b->description : "");
	db_bind_text(st, 4, b->affected ? b->affected : "");
	db_bind_text(st, 5, cp_nonempty(b->severity) ? b->severity : "medium");
	db_bind_text(st, 6, cp_nonempty(b->theme));
	int failed = cp_step_done(db, st, e);
	if (!failed) {
		*id = sqlite3_last_insert_rowid(db);
		failed = set_links(db, barrier_links_del, barrier_links_ins, *id, b->evidence, b->nevidence, e) ||
		         cp_touch(db, campaign_id, e);
	}
	return cp_end(db, outer, failed, e);
}

int campaign_barrier_update(sqlite3 *db, long long id, const struct campaign_barrier *b,
                            struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	long long cid;
	if (owner(db, CAMPAIGN_BARRIER, id, &cid, e))
		return ERR_NOTFOUND;
	check_barrier(db, b, cid, 1, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st =
	    db_prepare(db, "UPDATE barriers SET title = coalesce(?2, title), description = coalesce(?3, "
	                   "description), affected = coalesce(?4, affected), severity = coalesce(?5, severity), "
	                   "theme_key = CASE WHEN ?6 IS NULL THEN theme_key ELSE nullif(?6, '') END WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, b->title);
	db_bind_text(st, 3, b->description);
	db_bind_text(st, 4, b->affected);
	db_bind_text(st, 5, b->severity);
	db_bind_text(st, 6, b->theme);
	int failed = cp_step_done(db, st, e) ||
	             (b->set_evidence &&
	              set_links(db, barrier_links_del, barrier_links_ins, id, b->evidence, b->nevidence, e)) ||
	             cp_touch(db, cid, e);
	return cp_end(db, outer, failed, e);
}

/* ---- recommendations ---- */

static void check_recommendation(sqlite3 *db, const struct campaign_recommendation *r, long long cid, int updating,
                                 struct campaign_problems *p)
{
	cp_text(p, "text", r->text, CAMPAIGN_TEXT_MAX, 1, !updating || r->text);
	cp_text(p, "authority", r->authority, CAMPAIGN_TITLE_MAX, 0, 0);
	cp_choice(p, "priority", r->priority, campaign_priorities, !updating);
	cp_choice(p, "feasibility", r->feasibility, campaign_feasibilities, !updating);
	check_links(db, p, "barrier", "barriers", "a barrier", r->barriers, r->nbarriers, cid);
}

static const char rec_links_del[] = "DELETE FROM recommendation_barriers WHERE recommendation_id = ?1";
static const char rec_links_ins[] =
    "INSERT OR IGNORE INTO recommendation_barriers(recommendation_id, barrier_id) VALUES (?1, ?2)";

int campaign_recommendation_add(sqlite3 *db, long long campaign_id, const struct campaign_recommendation *r,
                                long long *id, struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	if (campaign_exists(db, campaign_id, e))
		return ERR_NOTFOUND;
	check_recommendation(db, r, campaign_id, 0, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st =
	    db_prepare(db, "INSERT INTO recommendations(campaign_id, text, authority, priority, feasibility) "
	                   "VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_int64(st, 1, campaign_id);
	db_bind_text(st, 2, r->text);
	db_bind_text(st, 3, r->authority ? r->authority : "");
	db_bind_text(st, 4, cp_nonempty(r->priority) ? r->priority : "medium");
	db_bind_text(st, 5, cp_nonempty(r->feasibility) ? r->feasibility : "medium");
	int failed = cp_step_done(db, st, e);
	if (!failed) {
		*id = sqlite3_last_insert_rowid(db);
		failed = set_links(db, rec_links_del, rec_links_ins, *id, r->barriers, r->nbarriers, e) ||
		         cp_touch(db, campaign_id, e);
	}
	return cp_end(db, outer, failed, e);
}

int campaign_recommendation_update(sqlite3 *db, long long id, const struct campaign_recommendation *r,
                                   struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	long long cid;
	if (owner(db, CAMPAIGN_RECOMMENDATION, id, &cid, e))
		return ERR_NOTFOUND;
	check_recommendation(db, r, cid, 1, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st = db_prepare(db, "UPDATE recommendations SET text = coalesce(?2, text), authority = "
	                                  "coalesce(?3, authority), priority = coalesce(?4, priority), feasibility = "
	                                  "coalesce(?5, feasibility) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, r->text);
	db_bind_text(st, 3, r->authority);
	db_bind_text(st, 4, r->priority);
	db_bind_text(st, 5, r->feasibility);
	int failed =
	    cp_step_done(db, st, e) ||
	    (r->set_barriers && set_links(db, rec_links_del, rec_links_ins, id, r->barriers, r->nbarriers, e)) ||
	    cp_touch(db, cid, e);
	return cp_end(db, outer, failed, e);
}

/* ---- stakeholders ---- */

/* A score from 1 to 5 as typed; 0 when it is not one. */
static int score(const char *s)
{
	return s && s[0] >= '1' && s[0] <= '5' && !s[1] ? s[0] - '0' : 0;
}

static void check_stakeholder(const struct campaign_stakeholder *s, int updating, struct campaign_problems *p)
{
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

int campaign_stakeholder_add(sqlite3 *db, long long campaign_id, const struct campaign_stakeholder *s, long long *id,
                             struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	if (campaign_exists(db, campaign_id, e))
		return ERR_NOTFOUND;
	check_stakeholder(s, 0, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st =
	    db_prepare(db, "INSERT INTO stakeholders(campaign_id, name, type, power, interest, position, "
	                   "notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_bind_int64(st, 1, campaign_id);
	db_bind_text(st, 2, s->name);
	db_bind_text(st, 3, cp_nonempty(s->type) ? s->type : "other");
	sqlite3_bind_int(st, 4, score(s->power) ? score(s->power) : 3);
	sqlite3_bind_int(st, 5, score(s->interest) ? score(s->interest) : 3);
	db_bind_text(st, 6, cp_nonempty(s->position) ? s->position : "neutral");
	db_bind_text(st, 7, s->notes ? s->notes : "");
	int failed = cp_step_done(db, st, e);
	if (!failed) {
		*id = sqlite3_last_insert_rowid(db);
		failed = cp_touch(db, campaign_id, e);
	}
	return cp_end(db, outer, failed, e);
}

int campaign_stakeholder_update(sqlite3 *db, long long id, const struct campaign_stakeholder *s,
                                struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	long long cid;
	if (owner(db, CAMPAIGN_STAKEHOLDER, id, &cid, e))
		return ERR_NOTFOUND;
	check_stakeholder(s, 1, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st =
	    db_prepare(db, "UPDATE stakeholders SET name = coalesce(?2, name), type = coalesce(?3, type), "
	                   "power = coalesce(?4, power), interest = coalesce(?5, interest), position = "
	                   "coalesce(?6, position), notes = coalesce(?7, notes) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, s->name);
	db_bind_text(st, 3, s->type);
	if (s->power)
		sqlite3_bind_int(st, 4, score(s->power));
	if (s->interest)
		sqlite3_bind_int(st, 5, score(s->interest));
	db_bind_text(st, 6, s->position);
	db_bind_text(st, 7, s->notes);
	int failed = cp_step_done(db, st, e) || cp_touch(db, cid, e);
	return cp_end(db, outer, failed, e);
}

/* ---- the timeline ---- */

static void check_event(const struct campaign_event *ev, int updating, struct campaign_problems *p)
{
	if (!updating && !cp_nonempty(ev->date))
		cp_add(p, "date", "is needed (YYYY-MM-DD)");
	cp_date(p, "date", ev->date, 0);
	cp_choice(p, "type", ev->type, campaign_event_types, !updating);
	cp_text(p, "title", ev->title, CAMPAIGN_TITLE_MAX, 0, !updating || ev->title);
	cp_text(p, "notes", ev->notes, CAMPAIGN_TEXT_MAX, 1, 0);
}

int campaign_event_add(sqlite3 *db, long long campaign_id, const struct campaign_event *ev, long long *id,
                       struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	if (campaign_exists(db, campaign_id, e))
		return ERR_NOTFOUND;
	check_event(ev, 0, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO campaign_events(campaign_id, date, type, title, notes) "
	                                  "VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_int64(st, 1, campaign_id);
	db_bind_text(st, 2, ev->date);
	db_bind_text(st, 3, cp_nonempty(ev->type) ? ev->type : "other");
	db_bind_text(st, 4, ev->title);
	db_bind_text(st, 5, ev->notes ? ev->notes : "");
	int failed = cp_step_done(db, st, e);
	if (!failed) {
		*id = sqlite3_last_insert_rowid(db);
		failed = cp_touch(db, campaign_id, e);
	}
	return cp_end(db, outer, failed, e);
}

int campaign_event_update(sqlite3 *db, long long id, const struct campaign_event *ev,
                          struct campaign_problems *problems, struct err *e)
{
	struct campaign_problems local;
	struct campaign_problems *p = problems_or(problems, &local);
	long long cid;
	if (owner(db, CAMPAIGN_EVENT, id, &cid, e))
		return ERR_NOTFOUND;
	check_event(ev, 1, p);
	if (cp_result(p, e))
		return ERR_USAGE;
	int outer;
	if (cp_begin(db, &outer, e))
		return ERR_DB;
	sqlite3_stmt *st =
	    db_prepare(db, "UPDATE campaign_events SET date = coalesce(?2, date), type = coalesce(?3, type), "
	                   "title = coalesce(?4, title), notes = coalesce(?5, notes) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, ev->date);
	db_bind_text(st, 3, ev->type);
	db_bind_text(st, 4, ev->title);
	db_bind_text(st, 5, ev->notes);
	int failed = cp_step_done(db, st, e) || cp_touch(db, cid, e);
	return cp_end(db, outer, failed, e);
}
