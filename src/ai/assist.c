/* Help with the work: summaries, proposed barriers, drafted and translated sections, and the outputs kept (see assist.h). */
#include "ai/assist.h"

#include <stdlib.h>
#include <string.h>

#include "ai/text.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/utf8.h"
#include "campaign/campaign.h"
#include "draft/draft.h"
#include "hub/hub.h"
#include "store/db.h"
#include "text/analyse.h"
#include "base/banned.h"

#define SOURCE_MAX 14000   /* bytes of passages sent for one task */
#define PASSAGE_MAX 2400   /* bytes of one passage */
#define SUMMARY_SENTENCES 5
#define TEXTRANK_MAX 400   /* sentences compared (the rest of a long text is left out) */
#define PROPOSALS_MAX 20

void assist_result_release(struct assist_result *r)
{
	json_decref(r->value);
	memset(r, 0, sizeof(*r));
}

/* ---- the table ---- */

int assist_output_store(sqlite3 *db, const struct assist_output *o, long long *id, struct err *e)
{
	char *prompt = json_dumps(o->prompt, JSON_COMPACT);
	char *passages = o->passages ? json_dumps(o->passages, JSON_COMPACT) : NULL;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO ai_outputs(kind, campaign_id, doc_id, draft_id, user_id, model, "
	                                  "prompt, passages, output) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	db_bind_text(st, 1, o->kind);
	long long ids[4] = {o->campaign_id, o->doc_id, o->draft_id, o->user_id};
	for (int i = 0; i < 4; i++)
		if (ids[i] > 0)
			sqlite3_bind_int64(st, 2 + i, ids[i]);
	db_bind_text(st, 6, o->model && *o->model ? o->model : "?");
	db_bind_text(st, 7, prompt ? prompt : "[]");
	db_bind_text(st, 8, passages ? passages : "[]");
	db_bind_text(st, 9, o->output ? o->output : "");
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : err_set(e, ERR_DB, "keeping what the model wrote: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(prompt);
	free(passages);
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(db);
	return rc;
}

static json_t *col_id(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, i));
}

static json_t *col_str(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_string(db_text(st, i));
}

#define OUTPUT_COLUMNS "id, kind, campaign_id, doc_id, draft_id, user_id, model, at, status, reviewed_by, reviewed_at, "

static json_t *row_json(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:o}", "id",
	                 (json_int_t)sqlite3_column_int64(st, 0), "kind", db_text(st, 1), "campaign_id", col_id(st, 2),
	                 "doc_id", col_id(st, 3), "draft_id", col_id(st, 4), "user_id", col_id(st, 5), "model",
	                 db_text(st, 6), "at", db_text(st, 7), "status", db_text(st, 8), "reviewed_by", col_str(st, 9),
	                 "reviewed_at", col_str(st, 10));
}

int assist_output_json(sqlite3 *db, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	sqlite3_stmt *st = db_prepare(db, "SELECT " OUTPUT_COLUMNS "prompt, passages, output FROM ai_outputs WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(e, ERR_NOTFOUND, "no output %lld of the model", id);
	}
	json_t *o = row_json(st);
	json_t *prompt = json_loads(db_text(st, 11), 0, NULL);
	json_t *passages = json_loads(db_text(st, 12), 0, NULL);
	const char *text = db_text(st, 13);
	json_t *output = !strcmp(db_text(st, 1), "barriers") ? json_loads(text, 0, NULL) : NULL;
	json_object_set_new(o, "output", output ? output : json_string(text));
	json_t *messages = json_is_object(prompt) ? json_object_get(prompt, "messages") : prompt;
	json_object_set_new(o, "prompt", messages ? json_incref(messages) : json_array());
	const char *keys[] = {"field", "lang", "question"};
	for (size_t i = 0; i < 3; i++)
		if (json_is_object(prompt) && json_object_get(prompt, keys[i]))
			json_object_set(o, keys[i], json_object_get(prompt, keys[i]));
	json_decref(prompt);
	sqlite3_finalize(st);
	/* Each passage with its document, as it is now (a removed document leaves nulls). */
	sqlite3_stmt *ps = db_prepare(db, "SELECT p.doc_id, d.title, p.article, p.page FROM passages p "
	                                  "JOIN documents d ON d.id = p.doc_id WHERE p.id = ?1");
	size_t i;
	json_t *p;
	json_array_foreach(passages, i, p)
	{
		sqlite3_reset(ps);
		sqlite3_bind_int64(ps, 1, json_integer_value(json_object_get(p, "passage_id")));
		int found = sqlite3_step(ps) == SQLITE_ROW;
		json_object_set_new(p, "doc_id", found ? json_integer(sqlite3_column_int64(ps, 0)) : json_null());
		json_object_set_new(p, "title", found ? json_string(db_text(ps, 1)) : json_null());
		json_object_set_new(p, "article", found ? col_str(ps, 2) : json_null());
		json_object_set_new(p, "page", found ? json_integer(sqlite3_column_int(ps, 3)) : json_null());
	}
	sqlite3_finalize(ps);
	json_object_set_new(o, "passages", passages ? passages : json_array());
	*out = o;
	return 0;
}

int assist_outputs_json(sqlite3 *db, long long campaign_id, json_t **out, struct err *e)
{
	(void)e;
	sqlite3_stmt *st = db_prepare(db, "SELECT " OUTPUT_COLUMNS "substr(output, 1, 200) FROM ai_outputs "
	                                  "WHERE ?1 = 0 OR campaign_id = ?1 ORDER BY id DESC");
	sqlite3_bind_int64(st, 1, campaign_id);
	*out = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = row_json(st);
		json_object_set_new(o, "start", json_string(db_text(st, 11)));
		json_array_append_new(*out, o);
	}
	sqlite3_finalize(st);
	return 0;
}

static int set_status(sqlite3 *db, long long id, const char *status, const char *by, const char *output,
                      long long campaign_id, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE ai_outputs SET status = ?2, reviewed_by = ?3, "
	                                  "reviewed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
	                                  "output = coalesce(?4, output), campaign_id = coalesce(?5, campaign_id) "
	                                  "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, by && *by ? by : "?");
	db_bind_text(st, 4, output);
	if (campaign_id > 0)
		sqlite3_bind_int64(st, 5, campaign_id);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : err_set(e, ERR_DB, "output %lld: %s", id, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

int assist_output_reject(sqlite3 *db, long long id, const char *by, struct err *e)
{
	json_t *o = NULL;
	int rc = assist_output_json(db, id, &o, e);
	if (rc)
		return rc;
	const char *status = json_string_value(json_object_get(o, "status"));
	if (strcmp(status, "generated"))
		rc = err_set(e, ERR_USAGE, "output %lld was already reviewed (%s)", id, status);
	else
		rc = set_status(db, id, "rejected", by, NULL, 0, e);
	json_decref(o);
	return rc;
}

/* The evidence of campaign cid showing passage pid: the existing pin, or a new one. */
static int evidence_for(sqlite3 *db, long long cid, long long pid, const char *by, long long *eid, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM evidence WHERE campaign_id = ?1 AND passage_id = ?2");
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, pid);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		*eid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return found ? 0 : campaign_evidence_pin(db, cid, pid, NULL, by, eid, e);
}

static int approve_barriers(struct hub *h, long long id, json_t *o, const int *items, size_t nitems, long long cid,
                            const char *by, json_t **added, struct err *e)
{
	json_t *props = json_object_get(json_object_get(o, "output"), "barriers");
	size_t n = json_array_size(props);
	if (!cid)
		cid = json_integer_value(json_object_get(o, "campaign_id"));
	if (!cid)
		return err_set(e, ERR_USAGE, "output %lld: barriers from a document need a campaign to go into (--campaign)", id);
	int rc = campaign_exists(h->db, cid, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < nitems; i++)
		if (items[i] < 1 || (size_t)items[i] > n)
			return err_set(e, ERR_USAGE, "items: output %lld proposes %zu barriers, there is no number %d", id, n,
			               items[i]);
	if (db_begin(h->db, e))
		return ERR_DB;
	json_t *ids = json_array();
	for (size_t i = 0; i < n && !rc; i++) {
		int chosen = !nitems;
		for (size_t k = 0; k < nitems; k++)
			chosen |= (size_t)items[k] == i + 1;
		if (!chosen)
			continue;
		json_t *p = json_array_get(props, i);
		json_t *pids = json_object_get(p, "passages");
		long long *ev = xcalloc(json_array_size(pids) + 1, sizeof(*ev));
		size_t nev = 0, k;
		json_t *pid;
		json_array_foreach(pids, k, pid)
		{
			if ((rc = evidence_for(h->db, cid, json_integer_value(pid), by, &ev[nev], e)))
				break;
			nev++;
		}
		struct campaign_barrier b = {
		    .title = json_string_value(json_object_get(p, "title")),
		    .description = json_string_value(json_object_get(p, "description")),
		    .affected = json_string_value(json_object_get(p, "affected")),
		    .severity = json_string_value(json_object_get(p, "severity")),
		    .evidence = ev,
		    .nevidence = nev,
		};
		long long bid = 0;
		if (!rc && !(rc = campaign_barrier_add(h->db, cid, &b, &bid, NULL, e))) {
			json_object_set_new(p, "barrier_id", json_integer(bid));
			json_array_append_new(ids, json_integer(bid));
		}
		free(ev);
	}
	char *text = rc ? NULL : json_dumps(json_object_get(o, "output"), JSON_COMPACT);
	if (!rc)
		rc = set_status(h->db, id, "approved", by, text, cid, e);
	free(text);
	if (rc) {
		db_rollback(h->db);
		json_decref(ids);
		return rc;
	}
	if (db_commit(h->db, e)) {
		json_decref(ids);
		return ERR_DB;
	}
	if (added)
		*added = ids;
	else
		json_decref(ids);
	return 0;
}

int assist_output_approve(struct hub *h, long long id, const int *items, size_t nitems, long long campaign_id,
                          const char *edited, const char *by, json_t **added, struct err *e)
{
	if (added)
		*added = NULL;
	json_t *o = NULL;
	int rc = assist_output_json(h->db, id, &o, e);
	if (rc)
		return rc;
	const char *status = json_string_value(json_object_get(o, "status"));
	const char *kind = json_string_value(json_object_get(o, "kind"));
	if (strcmp(status, "generated")) {
		rc = err_set(e, ERR_USAGE, "output %lld was already reviewed (%s)", id, status);
	} else if (!strcmp(kind, "barriers")) {
		rc = approve_barriers(h, id, o, items, nitems, campaign_id, by, added, e);
	} else if (nitems) {
		rc = err_set(e, ERR_USAGE, "items: output %lld is a %s, not proposed barriers", id, kind);
	} else {
		const char *text = edited ? edited : json_string_value(json_object_get(o, "output"));
		long long draft = json_integer_value(json_object_get(o, "draft_id"));
		const char *field = json_string_value(json_object_get(o, "field"));
		if ((!strcmp(kind, "section") || !strcmp(kind, "translation")) && draft && field) {
			char *ov = fs_join(h->dir, "overrides");
			json_t *values = json_pack("{s:s}", field, text);
			struct draft_author who = {0, by};
			int version = 0;
			rc = draft_save(h->db, ov, draft, values, &who, &version, e);
			json_decref(values);
			free(ov);
		}
		if (!rc)
			rc = set_status(h->db, id, edited ? "edited" : "approved", by, edited, 0, e);
	}
	json_decref(o);
	return rc;
}

/* ---- talking to the model ---- */

static json_t *messages(const char *system, const char *user)
{
	return json_pack("[{s:s, s:s}, {s:s, s:s}]", "role", "system", "content", system, "role", "user", "content", user);
}

static int chat(const struct ai_config *c, json_t *msgs, int json_mode, ai_delta_fn on_delta, void *ctx,
                struct buf *text, struct assist_result *r, struct err *e)
{
	struct ai_message m[2];
	for (size_t i = 0; i < 2; i++) {
		json_t *x = json_array_get(msgs, i);
		m[i].role = json_string_value(json_object_get(x, "role"));
		m[i].content = json_string_value(json_object_get(x, "content"));
	}
	struct ai_reply rep = {0};
	int rc = ai_chat(c, m, 2, json_mode ? 0.1 : 0.3, json_mode, on_delta, ctx, &rep, e);
	if (!rc) {
		buf_append(text, rep.text.data ? rep.text.data : "", rep.text.len);
		snprintf(r->model, sizeof(r->model), "%s", rep.model[0] ? rep.model : c->chat_model);
		r->cancelled = rep.cancelled;
	}
	ai_reply_release(&rep);
	return rc;
}

static const char *lang_name(const char *ui, const char *lang)
{
	static const struct {
		const char *ui, *lang, *name;
	} names[] = {{"ar", "ar", "العربية"},  {"ar", "fr", "الفرنسية"}, {"ar", "en", "الإنجليزية"},
	             {"fr", "ar", "arabe"},    {"fr", "fr", "français"}, {"fr", "en", "anglais"},
	             {"en", "ar", "Arabic"},   {"en", "fr", "French"},   {"en", "en", "English"}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].ui, ui) && !strcmp(names[i].lang, lang))
			return names[i].name;
	return lang;
}

/* Appends text clipped to max bytes (not cutting a character). */
static void append_clipped(struct buf *b, const char *text, size_t max)
{
	size_t len = strlen(text), cut = utf8_clip(text, len, max);
	buf_append(b, text, cut);
	if (cut < len)
		buf_appends(b, " …");
}

static const char *ui_lang(const char *lang)
{
	return lang && (!strcmp(lang, "ar") || !strcmp(lang, "en")) ? lang : "fr";
}

/* ---- summaries ---- */

/* The sentences chosen by TextRank among the first TEXTRANK_MAX, in text order. */
static char *central(struct hub *h, const char *text, enum text_lang latin, int n)
{
	struct ai_span *sp = NULL;
	size_t ns = ai_sentences(text, &sp);
	if (ns > TEXTRANK_MAX)
		ns = TEXTRANK_MAX;
	double *rank = xcalloc(ns + 1, sizeof(*rank));
	ai_textrank(h->an, text, sp, ns, latin, rank);
	char *keep = xcalloc(ns + 1, 1);
	for (int k = 0; k < n && (size_t)k < ns; k++) {
		size_t best = ns;
		for (size_t i = 0; i < ns; i++)
			if (!keep[i] && (best == ns || rank[i] > rank[best]))
				best = i;
		keep[best] = 1;
	}
	struct buf b = {0};
	buf_append(&b, "", 0);
	for (size_t i = 0; i < ns; i++)
		if (keep[i]) {
			if (b.len)
				buf_appendc(&b, ' ');
			buf_append(&b, text + sp[i].start, sp[i].end - sp[i].start);
		}
	free(keep);
	free(rank);
	free(sp);
	return buf_detach(&b);
}

char *assist_extractive_summary(struct hub *h, const char *text, int n)
{
	return central(h, text, LANG_NONE, n);
}

/* The document's passages as one text, each on its own lines; with_headings puts each new
   heading on a line before its passages (for the model: a heading has no full stop, so the
   sentence splitter would join it to the sentence after it). */
static char *doc_text(struct hub *h, long long doc_id, int with_headings, struct doc_info *d, struct err *e)
{
	if (hub_doc(h, doc_id, d, e))
		return NULL;
	struct passage_list pl = {0};
	if (hub_passages(h, doc_id, &pl, e)) {
		doc_info_release(d);
		return NULL;
	}
	struct buf b = {0};
	buf_append(&b, "", 0);
	for (size_t i = 0; i < pl.n; i++) {
		if (with_headings && pl.v[i].heading && *pl.v[i].heading && (!i || !pl.v[i - 1].heading ||
		                                             strcmp(pl.v[i].heading, pl.v[i - 1].heading)))
			buf_appendf(&b, "%s\n", pl.v[i].heading);
		buf_appendf(&b, "%s\n\n", pl.v[i].text);
	}
	passage_list_release(&pl);
	return buf_detach(&b);
}

int assist_summary(struct hub *h, const struct ai_config *c, long long doc_id, const char *lang, long long user_id,
                   ai_delta_fn on_delta, void *ctx, struct assist_result *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	struct doc_info d = {0};
	char *text = doc_text(h, doc_id, ai_can_chat(c), &d, e);
	if (!text)
		return e->code ? e->code : ERR_NOTFOUND;
	enum text_lang latin = text_lang_parse(d.lang);
	int rc = 0;
	if (!ai_can_chat(c)) {
		r->extractive = 1;
		char *s = central(h, text, latin, SUMMARY_SENTENCES);
		r->value = json_string(s);
		free(s);
		goto out;
	}
	const char *to = lang && *lang ? lang : d.lang;
	const char *ui = ui_lang(to);
	/* A long document is represented by its 40 most central sentences. */
	char *body = strlen(text) > SOURCE_MAX ? central(h, text, latin, 40) : xstrdup(text);
	struct buf sys = {0}, user = {0}, reply = {0};
	if (!strcmp(ui, "ar"))
		buf_appendf(&sys, "لخّص الوثيقة التالية في خمس إلى ثماني جمل لأعضاء جمعية، بكلمات بسيطة، باللغة %s. "
		                  "احتفظ بالأرقام والتواريخ ومراجع القوانين كما هي، ولا تضف شيئاً غير موجود في الوثيقة.",
		            lang_name(ui, to));
	else if (!strcmp(ui, "fr"))
		buf_appendf(&sys, "Résumez le document ci-dessous en cinq à huit phrases pour les membres d'une association, "
		                  "en mots simples, en %s. Gardez les chiffres, les dates et les références de lois tels "
		                  "quels ; n'ajoutez rien qui ne soit dans le document.",
		            lang_name(ui, to));
	else
		buf_appendf(&sys, "Summarise the document below in five to eight sentences for an association's members, in "
		                  "plain words, in %s. Keep numbers, dates and law references exactly; add nothing that is not "
		                  "in the document.",
		            lang_name(ui, to));
	buf_appendf(&user, "%s\n\n", d.title);
	append_clipped(&user, body, SOURCE_MAX);
	free(body);
	json_t *msgs = messages(buf_str(&sys), buf_str(&user));
	rc = chat(c, msgs, 0, on_delta, ctx, &reply, r, e);
	if (!rc) {
		r->value = json_string(buf_str(&reply));
		if (!r->cancelled) {
			json_t *prompt = json_pack("{s:O, s:s}", "messages", msgs, "lang", to);
			struct assist_output o = {.kind = "summary", .doc_id = doc_id, .user_id = user_id, .model = r->model,
			                          .prompt = prompt, .output = buf_str(&reply)};
			rc = assist_output_store(h->db, &o, &r->output_id, e);
			json_decref(prompt);
		}
	}
	json_decref(msgs);
	buf_release(&sys);
	buf_release(&user);
	buf_release(&reply);
out:
	free(text);
	doc_info_release(&d);
	return rc;
}

/* ---- proposed barriers ---- */

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static json_t *reject(json_t *rejected, size_t index, const char *reason)
{
	json_array_append_new(rejected, json_pack("{s:I, s:s}", "index", (json_int_t)index + 1, "reason", reason));
	return NULL;
}

int assist_barriers_check(json_t *reply, const long long *sent, size_t nsent, json_t **out, struct err *e)
{
	*out = NULL;
	json_t *list = json_object_get(reply, "barriers");
	if (!json_is_object(reply) || !json_is_array(list))
		return err_set(e, ERR_FORMAT, "the model's reply: barriers: not a list of proposals");
	json_t *ok = json_array(), *rejected = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p)
	{
		char why[160];
		json_t *title = json_object_get(p, "title"), *desc = json_object_get(p, "description");
		json_t *aff = json_object_get(p, "affected"), *sev = json_object_get(p, "severity");
		json_t *pids = json_object_get(p, "passages");
		if (i >= PROPOSALS_MAX) {
			reject(rejected, i, "more than 20 proposals");
			continue;
		}
		if (!json_is_object(p)) {
			reject(rejected, i, "not an object");
			continue;
		}
		if (!json_is_string(title) || !chars(json_string_value(title)) ||
		    chars(json_string_value(title)) > CAMPAIGN_TITLE_MAX) {
			reject(rejected, i, "title: missing, empty or longer than 200 characters");
			continue;
		}
		if ((desc && !json_is_null(desc) && (!json_is_string(desc) || chars(json_string_value(desc)) > CAMPAIGN_TEXT_MAX)) ||
		    (aff && !json_is_null(aff) && (!json_is_string(aff) || chars(json_string_value(aff)) > CAMPAIGN_TITLE_MAX))) {
			reject(rejected, i, "description or affected: not a text of the allowed length");
			continue;
		}
		const char *s = json_is_string(sev) ? json_string_value(sev) : "medium";
		if (!campaign_one_of(s, campaign_severities)) {
			reject(rejected, i, "severity: not low, medium or high");
			continue;
		}
		if (!json_is_array(pids) || !json_array_size(pids)) {
			reject(rejected, i, "passages: no passage cited");
			continue;
		}
		size_t k;
		json_t *pid;
		int bad = 0;
		json_t *clean = json_array();
		json_array_foreach(pids, k, pid)
		{
			long long v = json_is_integer(pid) ? json_integer_value(pid)
			              : json_is_string(pid) ? atoll(json_string_value(pid))
			                                    : 0;
			int found = 0;
			for (size_t j = 0; j < nsent && !found; j++)
				found = sent[j] == v;
			if (!found) {
				snprintf(why, sizeof(why), "passages[%zu]: passage %lld was not among those sent", k, v);
				bad = 1;
				break;
			}
			int dup = 0;
			for (size_t j = 0; j < json_array_size(clean); j++)
				dup |= json_integer_value(json_array_get(clean, j)) == v;
			if (!dup)
				json_array_append_new(clean, json_integer(v));
		}
		if (bad) {
			json_decref(clean);
			reject(rejected, i, why);
			continue;
		}
		json_array_append_new(ok, json_pack("{s:s, s:s, s:s, s:s, s:o}", "title", json_string_value(title),
		                                    "description", json_is_string(desc) ? json_string_value(desc) : "",
		                                    "affected", json_is_string(aff) ? json_string_value(aff) : "",
		                                    "severity", s, "passages", clean));
	}
	*out = json_pack("{s:o, s:o}", "barriers", ok, "rejected", rejected);
	return 0;
}

/* The JSON object in a reply, also when wrapped in a code fence or words. */
static json_t *reply_object(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);
	if (v)
		return v;
	const char *a = strchr(text, '{'), *b = strrchr(text, '}');
	return a && b && b > a ? json_loadb(a, (size_t)(b - a + 1), 0, NULL) : NULL;
}

int assist_barriers(struct hub *h, const struct ai_config *c, long long doc_id, long long campaign_id,
                    long long user_id, struct assist_result *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	if (!ai_can_chat(c))
		return err_set(e, ERR_USAGE, "proposing barriers needs a model: none is set up (asurif ai setup)");
	long long *sent = NULL;
	size_t nsent = 0, alloc = 0;
	struct buf src = {0};
	const char *lang = "ar";
	char *doc_lang = NULL;
	json_t *passages = json_array();
	int rc = 0;
	if (doc_id) {
		struct doc_info d = {0};
		struct passage_list pl = {0};
		if ((rc = hub_doc(h, doc_id, &d, e)) || (rc = hub_passages(h, doc_id, &pl, e))) {
			doc_info_release(&d);
			goto out;
		}
		doc_lang = xstrdup(d.lang);
		lang = doc_lang;
		for (size_t i = 0; i < pl.n && src.len < SOURCE_MAX; i++) {
			sent = xgrow(sent, &alloc, nsent + 1, sizeof(*sent));
			sent[nsent++] = pl.v[i].id;
			buf_appendf(&src, "[passage %lld] %s%s%s\n", pl.v[i].id, d.title, pl.v[i].article ? " — " : "",
			            pl.v[i].article ? pl.v[i].article : "");
			append_clipped(&src, pl.v[i].text, PASSAGE_MAX);
			buf_appends(&src, "\n\n");
		}
		passage_list_release(&pl);
		doc_info_release(&d);
	} else {
		json_t *cj = NULL;
		if ((rc = campaign_json(h->db, campaign_id, &cj, e)))
			goto out;
		size_t i;
		json_t *ev;
		json_array_foreach(json_object_get(cj, "evidence"), i, ev)
		{
			json_t *pid = json_object_get(ev, "passage_id");
			if (!json_is_integer(pid) || src.len >= SOURCE_MAX)
				continue;
			sent = xgrow(sent, &alloc, nsent + 1, sizeof(*sent));
			sent[nsent++] = json_integer_value(pid);
			const char *art = json_string_value(json_object_get(ev, "article"));
			buf_appendf(&src, "[passage %lld] %s%s%s\n", (long long)json_integer_value(pid),
			            json_string_value(json_object_get(ev, "doc_title")), art ? " — " : "", art ? art : "");
			append_clipped(&src, json_string_value(json_object_get(ev, "text")), PASSAGE_MAX);
			buf_appends(&src, "\n\n");
		}
		if (nsent)
			lang = text_lang_code(text_guess_lang(buf_str(&src), src.len));
		json_decref(cj);
	}
	if (!nsent) {
		rc = err_set(e, ERR_USAGE, doc_id ? "document %lld has no passages to read"
		                                  : "campaign %lld has no pinned passages to read (asurif evidence pin)",
		             doc_id ? doc_id : campaign_id);
		goto out;
	}
	for (size_t i = 0; i < nsent; i++)
		json_array_append_new(passages, json_pack("{s:I, s:I}", "n", (json_int_t)i + 1, "passage_id", (json_int_t)sent[i]));
	const char *ui = ui_lang(lang);
	struct buf sys = {0}, reply = {0};
	buf_appendf(&sys,
	            "You help an association find the barriers that the passages below show: what blocks the people "
	            "the association works for. Propose at most 8 barriers, each supported by the passages. Reply "
	            "with one JSON object and nothing else: {\"barriers\": [{\"title\": \"a few words\", "
	            "\"description\": \"what happens\", \"affected\": \"who is affected\", \"severity\": "
	            "\"low|medium|high\", \"passages\": [the numbers of the passages that show it, as given in "
	            "[passage N]]}]}. Use only those passage numbers. Write the titles, descriptions and affected "
	            "people in %s.",
	            lang_name("en", ui));
	json_t *msgs = messages(buf_str(&sys), buf_str(&src));
	rc = chat(c, msgs, 1, NULL, NULL, &reply, r, e);
	json_t *obj = rc ? NULL : reply_object(buf_str(&reply));
	if (!rc && !obj)
		rc = err_set(e, ERR_FORMAT, "the model's reply is not a JSON object");
	json_t *checked = NULL;
	if (!rc)
		rc = assist_barriers_check(obj, sent, nsent, &checked, e);
	if (!rc && !json_array_size(json_object_get(checked, "barriers"))) {
		json_t *first = json_array_get(json_object_get(checked, "rejected"), 0);
		if (!first)
			rc = err_set(e, ERR_FORMAT, "the model proposed no barrier");
		else
			rc = err_set(e, ERR_FORMAT, "the model proposed no valid barrier: barriers[%lld]: %s",
			        (long long)json_integer_value(json_object_get(first, "index")) - 1,
			        json_string_value(json_object_get(first, "reason")));
	}
	if (!rc) {
		char *text = json_dumps(checked, JSON_COMPACT);
		json_t *prompt = json_pack("{s:O, s:s}", "messages", msgs, "lang", ui);
		struct assist_output o = {.kind = "barriers", .campaign_id = campaign_id, .doc_id = doc_id,
		                          .user_id = user_id, .model = r->model, .prompt = prompt, .passages = passages,
		                          .output = text};
		rc = assist_output_store(h->db, &o, &r->output_id, e);
		json_decref(prompt);
		free(text);
		r->value = json_incref(checked);
	}
	json_decref(checked);
	json_decref(obj);
	json_decref(msgs);
	buf_release(&sys);
	buf_release(&reply);
out:
	json_decref(passages);
	buf_release(&src);
	free(sent);
	free(doc_lang);
	return rc;
}

/* ---- drafting ---- */

/* A draft, its field's definition and current text. */
struct draft_ctx {
	json_t *draft, *type;
	const char *lang, *text, *label;
	long long campaign_id;
	char *overrides;
};

static void draft_ctx_release(struct draft_ctx *d)
{
	json_decref(d->draft);
	json_decref(d->type);
	free(d->overrides);
}

static int load_draft(struct hub *h, long long id, const char *field, struct draft_ctx *d, struct err *e)
{
	memset(d, 0, sizeof(*d));
	d->overrides = fs_join(h->dir, "overrides");
	int rc = draft_json(h->db, d->overrides, id, 0, &d->draft, e);
	if (rc)
		return rc;
	if ((rc = draft_type(d->overrides, json_string_value(json_object_get(d->draft, "type")), &d->type, e)))
		return rc;
	json_t *def = draft_type_field(d->type, field);
	if (!def)
		return err_set(e, ERR_USAGE, "field: the draft has no field \"%s\"", field);
	d->lang = json_string_value(json_object_get(d->draft, "lang"));
	d->label = draft_text(json_object_get(def, "label"), d->lang);
	json_t *v = json_object_get(json_object_get(d->draft, "values"), field);
	d->text = json_is_string(v) ? json_string_value(v) : "";
	d->campaign_id = json_integer_value(json_object_get(json_object_get(d->draft, "campaign"), "id"));
	return 0;
}

static int keep_text(struct hub *h, const char *kind, const struct draft_ctx *d, long long draft_id, const char *field,
                     const char *lang, long long user_id, json_t *msgs, json_t *passages, const char *text,
                     struct assist_result *r, struct err *e)
{
	json_t *prompt = json_pack("{s:O, s:s, s:s}", "messages", msgs, "field", field, "lang", lang);
	struct assist_output o = {.kind = kind, .campaign_id = d->campaign_id, .draft_id = draft_id, .user_id = user_id,
	                          .model = r->model, .prompt = prompt, .passages = passages, .output = text};
	int rc = assist_output_store(h->db, &o, &r->output_id, e);
	json_decref(prompt);
	return rc;
}

int assist_section(struct hub *h, const struct ai_config *c, long long draft_id, const char *field,
                   const long long *evidence, size_t nevidence, long long user_id, ai_delta_fn on_delta, void *ctx,
                   struct assist_result *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	if (!ai_can_chat(c))
		return err_set(e, ERR_USAGE, "writing a section needs a model: none is set up (asurif ai setup)");
	struct draft_ctx d;
	json_t *cj = NULL, *passages = json_array();
	struct buf user = {0}, sys = {0}, reply = {0};
	int rc = load_draft(h, draft_id, field, &d, e);
	if (!rc)
		rc = campaign_json(h->db, d.campaign_id, &cj, e);
	if (rc)
		goto out;
	json_t *evs = json_object_get(cj, "evidence");
	for (size_t k = 0; k < nevidence; k++) {
		int found = 0;
		for (size_t i = 0; i < json_array_size(evs); i++)
			found |= json_integer_value(json_object_get(json_array_get(evs, i), "id")) == evidence[k];
		if (!found) {
			rc = err_set(e, ERR_USAGE, "evidence: %lld is not pinned to the draft's campaign", evidence[k]);
			goto out;
		}
	}
	const char *ui = ui_lang(d.lang);
	buf_appends(&user, !strcmp(ui, "ar") ? "الأدلة:\n\n" : "Preuves :\n\n");
	size_t i;
	json_t *ev;
	/* Numbered in pin order, as the draft's document numbers its sources. */
	json_array_foreach(evs, i, ev)
	{
		long long eid = json_integer_value(json_object_get(ev, "id"));
		int chosen = !nevidence;
		for (size_t k = 0; k < nevidence; k++)
			chosen |= evidence[k] == eid;
		if (!chosen || user.len >= SOURCE_MAX)
			continue;
		const char *art = json_string_value(json_object_get(ev, "article"));
		buf_appendf(&user, "[%zu] %s%s%s\n", i + 1, json_string_value(json_object_get(ev, "doc_title")),
		            art ? " — " : "", art ? art : "");
		append_clipped(&user, json_string_value(json_object_get(ev, "text")), PASSAGE_MAX);
		buf_appends(&user, "\n\n");
		json_t *pid = json_object_get(ev, "passage_id");
		json_array_append_new(passages, json_pack("{s:I, s:O, s:I}", "n", (json_int_t)i + 1, "passage_id", pid,
		                                          "evidence_id", (json_int_t)eid));
	}
	json_t *recs = json_object_get(cj, "recommendations");
	if (json_array_size(recs)) {
		buf_appends(&user, !strcmp(ui, "ar") ? "التوصيات:\n" : "Recommandations :\n");
		json_array_foreach(recs, i, ev)
		{
			const char *auth = json_string_value(json_object_get(ev, "authority"));
			buf_appendf(&user, "- %s%s%s\n", json_string_value(json_object_get(ev, "text")),
			            auth && *auth ? " — " : "", auth && *auth ? auth : "");
		}
		buf_appendc(&user, '\n');
	}
	if (*d.text) {
		buf_appends(&user, !strcmp(ui, "ar") ? "النص الحالي (حسّنه):\n" : "Texte actuel (à améliorer) :\n");
		append_clipped(&user, d.text, SOURCE_MAX);
	}
	const char *type_title = draft_text(json_object_get(d.type, "title"), d.lang);
	if (!strcmp(ui, "ar"))
		buf_appendf(&sys, "أنت تكتب قسماً واحداً من وثيقة \"%s\" لجمعية، باللغة العربية: القسم \"%s\". "
		                  "اعتمد فقط على الأدلة والتوصيات المعطاة، واذكر الأدلة بالشكل [n]. لغة واضحة ورسمية. "
		                  "اكتب نص القسم فقط.",
		            type_title, d.label);
	else
		buf_appendf(&sys, "Vous rédigez une section d'un document « %s » pour une association, en français : la "
		                  "section « %s ». Appuyez-vous uniquement sur les preuves et les recommandations données, "
		                  "citez les preuves sous la forme [n]. Langue claire et formelle. N'écrivez que le texte de "
		                  "la section.",
		            type_title, d.label);
	json_t *msgs = messages(buf_str(&sys), buf_str(&user));
	rc = chat(c, msgs, 0, on_delta, ctx, &reply, r, e);
	if (!rc) {
		r->value = json_string(buf_str(&reply));
		if (!r->cancelled)
			rc = keep_text(h, "section", &d, draft_id, field, d.lang, user_id, msgs, passages, buf_str(&reply), r, e);
	}
	json_decref(msgs);
out:
	buf_release(&user);
	buf_release(&sys);
	buf_release(&reply);
	json_decref(passages);
	json_decref(cj);
	draft_ctx_release(&d);
	return rc;
}

int assist_translate(struct hub *h, const struct ai_config *c, long long draft_id, const char *field, const char *to,
                     long long user_id, ai_delta_fn on_delta, void *ctx, struct assist_result *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	if (!to || (strcmp(to, "ar") && strcmp(to, "fr")))
		return err_set(e, ERR_USAGE, "to: translate into ar or fr, not \"%s\"", to ? to : "");
	if (!ai_can_chat(c))
		return err_set(e, ERR_USAGE, "translating needs a model: none is set up (asurif ai setup)");
	struct draft_ctx d;
	int rc = load_draft(h, draft_id, field, &d, e);
	if (rc) {
		draft_ctx_release(&d);
		return rc;
	}
	if (!*d.text) {
		draft_ctx_release(&d);
		return err_set(e, ERR_USAGE, "field: \"%s\" of draft %lld is empty: nothing to translate", field, draft_id);
	}
	const char *from = text_lang_code(text_guess_lang(d.text, strlen(d.text)));
	if (!strcmp(from, to)) {
		draft_ctx_release(&d);
		return err_set(e, ERR_USAGE, "to: \"%s\" of draft %lld is already in %s", field, draft_id,
		               lang_name("en", to));
	}
	struct buf sys = {0}, reply = {0};
	if (!strcmp(to, "ar"))
		buf_appendf(&sys, "ترجم النص التالي من %s إلى العربية لوثيقة رسمية. احتفظ بالأسماء والأرقام والتواريخ "
		                  "ومراجع القوانين وعلامات [n] كما هي. اكتب الترجمة فقط.",
		            lang_name("ar", from));
	else
		buf_appendf(&sys, "Traduisez le texte ci-dessous de l'%s vers le français, pour un document officiel. "
		                  "Gardez les noms, les chiffres, les dates, les références de lois et les marques [n] tels "
		                  "quels. N'écrivez que la traduction.",
		            lang_name("fr", from));
	json_t *msgs = messages(buf_str(&sys), d.text);
	rc = chat(c, msgs, 0, on_delta, ctx, &reply, r, e);
	if (!rc) {
		r->value = json_string(buf_str(&reply));
		if (!r->cancelled)
			rc = keep_text(h, "translation", &d, draft_id, field, to, user_id, msgs, NULL, buf_str(&reply), r, e);
	}
	json_decref(msgs);
	buf_release(&sys);
	buf_release(&reply);
	draft_ctx_release(&d);
	return rc;
}
