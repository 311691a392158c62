/*
 * Help with the work: what the model (or, without one, the program) writes for a person to
 * check — a document's summary, barriers proposed from a document or a campaign's evidence,
 * a section of a draft written from chosen evidence and recommendations, a section
 * translated between Arabic and French — and the table that keeps all of it (ai_outputs,
 * data/schema/008-ai.sql) with the prompt, the model, the time and the passages used.
 *
 * Everything the model writes stays "generated" (marked as such wherever it is shown) until
 * a person edits or approves it; proposed barriers enter the campaign only when a person
 * accepts them. The only texts sent to the model are passages of the hub, a campaign's
 * evidence, barriers and recommendations, and the draft fields a person chose: never
 * signatures, accounts or members' details. Never prints.
 */
#ifndef AI_ASSIST_H
#define AI_ASSIST_H
#include <jansson.h>
#include <sqlite3.h>

#include "ai/ai.h"
#include "base/err.h"

struct hub;

/* ---- what the model wrote, kept ---- */

/* Output kinds (the table's CHECK): answer, summary, barriers, section, translation. */
struct assist_output {
	const char *kind;
	long long campaign_id, doc_id, draft_id, user_id; /* 0: none */
	const char *model;
	json_t *prompt;   /* the messages sent (borrowed) */
	json_t *passages; /* [{"n","passage_id"}] (borrowed; NULL: []) */
	const char *output;
};
/* Keeps one output, status "generated"; *id its number. */
int assist_output_store(sqlite3 *db, const struct assist_output *o, long long *id, struct err *e);
/*
 * One output as JSON: {"id","kind","campaign_id","doc_id","draft_id","user_id","model","prompt",
 * "passages":[{"n","passage_id","doc_id","title","article","page"}],"output","at","status",
 * "reviewed_by","reviewed_at","field","lang"} (field and lang for sections and translations;
 * for barriers "output" is the proposals object). ERR_NOTFOUND when there is none.
 */
int assist_output_json(sqlite3 *db, long long id, json_t **out, struct err *e);
/* The outputs of a campaign (0: all), newest first: short objects without prompt. */
int assist_outputs_json(sqlite3 *db, long long campaign_id, json_t **out, struct err *e);

/*
 * A person's decision on an output. approve: status "approved"; for a section or a
 * translation with a draft, the text (or `edited`, which makes the status "edited") is
 * saved into the draft's field as a new version; for barriers, the proposals numbered in
 * items (1-based; NULL/0 items: all) become barriers of campaign_id (the output's campaign
 * when 0), each cited passage pinned to the campaign as evidence (or the existing pin
 * reused) and linked; *added receives the new barriers' ids as a JSON array (may be NULL).
 * reject: status "rejected", nothing added. One transaction. ERR_USAGE for an output already
 * reviewed, an item number out of range, or barriers from a document without a campaign.
 */
int assist_output_approve(struct hub *h, long long id, const int *items, size_t nitems, long long campaign_id,
                          const char *edited, const char *by, json_t **added, struct err *e);
int assist_output_reject(sqlite3 *db, long long id, const char *by, struct err *e);

/* ---- summaries ---- */

struct assist_result {
	long long output_id; /* 0 when nothing was kept (extractive) */
	int extractive;      /* 1: no model; the text is the document's most central sentences */
	char model[256];
	json_t *value;       /* summary/section/translation: a JSON string; barriers: {"barriers":[…],"rejected":[…]} */
	int cancelled;
};
void assist_result_release(struct assist_result *r);

/*
 * The extractive summary of a text: its `n` most central sentences (TextRank over shared
 * analysed words), in the text's order, joined by spaces. Caller frees.
 */
char *assist_extractive_summary(struct hub *h, const char *text, int n);

/*
 * A document's summary in `lang` ("ar", "fr", "en"; NULL: the document's language), by the
 * model when one is set up (kept as kind "summary"), else extractive (not kept).
 */
int assist_summary(struct hub *h, const struct ai_config *c, long long doc_id, const char *lang, long long user_id,
                   ai_delta_fn on_delta, void *ctx, struct assist_result *r, struct err *e);

/* ---- proposed barriers ---- */

/*
 * Barriers proposed by the model from a document's passages (doc_id) or a campaign's evidence
 * (doc_id 0), kept as kind "barriers" for a person to accept or reject. The reply must be
 * {"barriers":[{"title","description","affected","severity","passages":[ids]}]}: each proposal
 * is checked (title 1-200 characters, severity low/medium/high, at least one cited passage,
 * every one among those sent); the proposals that fail are listed in "rejected" with the
 * reason and not kept. ERR_USAGE when no chat model is set up or there is nothing to read;
 * ERR_FORMAT naming the field when the reply is not that object or no proposal is valid.
 */
int assist_barriers(struct hub *h, const struct ai_config *c, long long doc_id, long long campaign_id,
                    long long user_id, struct assist_result *r, struct err *e);
/*
 * Checks a barriers reply against the passage ids sent: a new {"barriers":[valid…],
 * "rejected":[{"index","reason"}]} in *out. ERR_FORMAT when reply is not an object with a
 * "barriers" array.
 */
int assist_barriers_check(json_t *reply, const long long *sent, size_t nsent, json_t **out, struct err *e);

/* ---- drafting ---- */

/*
 * A draft's field written (or, when it has text, improved) by the model from the chosen
 * evidence of the draft's campaign (evidence ids; none: every pinned passage) and the
 * campaign's recommendations, in the draft's language. Kept as kind "section".
 */
int assist_section(struct hub *h, const struct ai_config *c, long long draft_id, const char *field,
                   const long long *evidence, size_t nevidence, long long user_id, ai_delta_fn on_delta, void *ctx,
                   struct assist_result *r, struct err *e);
/* A draft's field translated into `to` ("ar" or "fr"). Kept as kind "translation". */
int assist_translate(struct hub *h, const struct ai_config *c, long long draft_id, const char *field, const char *to,
                     long long user_id, ai_delta_fn on_delta, void *ctx, struct assist_result *r, struct err *e);
#endif
