/*
 * Asking the hub a question. The passages that answer best are retrieved and numbered;
 * the model is told, in the question's language, to answer from them only, to cite them
 * as [n] and to say when they do not answer. The reply is then checked: a cited number
 * that is not one of the passages sent is flagged (never shown as a source) and an answer
 * without a valid citation is marked as unsupported.
 *
 * Relevance, plainly: a passage is relevant when it holds at least one of the question's
 * words (after stop words and stemming: a BM25 hit); when no passage is, vector hits
 * count if the closest one's cosine reaches ASK_MIN_COSINE. Nothing relevant: the answer
 * says so and the model is not called. No model set up: the best passages are shown with the sentences
 * that match highlighted (an extractive answer).
 *
 * Only passages of the hub go to the model, never anything from the personal data vault,
 * the accounts or the campaigns' members. Never prints.
 */
#ifndef AI_ASK_H
#define AI_ASK_H
#include <jansson.h>
#include <stddef.h>

#include "ai/ai.h"
#include "base/buf.h"
#include "base/err.h"
#include "text/analyse.h"

struct hub;

#define ASK_MAX_QUESTION 2000 /* bytes */
#define ASK_DEFAULT_K 5
#define ASK_MIN_COSINE 0.5 /* a vector hit alone is relevant from this similarity */

enum ask_mode {
	ASK_MODEL,      /* the model answered from the passages */
	ASK_NOT_FOUND,  /* nothing relevant was retrieved: the model was not called */
	ASK_EXTRACTIVE, /* no model set up: the best passages' matching sentences */
};

struct ask_passage {
	int n; /* its number in the prompt, from 1 */
	long long passage_id, doc_id;
	char *title, *article, *heading, *doc_lang;
	int page;
	char *text;
	char *extract; /* extractive mode: the matching sentences, HL_OPEN/HL_CLOSE around the matched words */
};

struct ask_citation {
	int n;     /* the number the model wrote */
	int valid; /* one of the passages sent */
};

struct ask_answer {
	enum ask_mode mode;
	enum text_lang lang; /* of the question */
	char model[256];
	struct buf text; /* the model's answer, or the "not found" / "no model" sentence */
	int supported;   /* at least one valid citation */
	struct ask_passage *passages;
	size_t npassages, passages_alloc;
	struct ask_citation *citations; /* each number once, in order of first appearance */
	size_t ncitations, citations_alloc;
	json_t *prompt;       /* the messages sent (ASK_MODEL) */
	long long output_id;  /* the row of ai_outputs keeping it, 0 when not kept */
	int cancelled;
};
void ask_answer_release(struct ask_answer *a);

struct ask_opts {
	const char *question;
	int k;                  /* passages to send (0: ASK_DEFAULT_K) */
	long long campaign_id;  /* 0: the whole hub; else only passages pinned to this campaign */
	long long user_id;      /* who asks (0: the command line), kept with the answer */
};

/* The language of a question: Arabic script, else French or English by their stop words. */
enum text_lang ask_language(const char *text);

/*
 * Numbers in "[n]", "[n, m]", "[n-m]" (and "،", "–", Arabic-Indic digits) in order of first
 * appearance, each once, into out (at most max); returns how many. Ranges longer than 50 and
 * brackets holding anything else ("[see above]") are ignored.
 */
size_t ask_citations_parse(const char *text, int *out, size_t max);

/*
 * Step 1: the question checked (ERR_USAGE when empty or too long), its language, the
 * passages retrieved. Sets mode ASK_NOT_FOUND (with the sentence saying so) when nothing
 * is relevant, ASK_EXTRACTIVE (with each passage's extract) when no chat model is set up,
 * else ASK_MODEL with the prompt ready in a->prompt.
 */
int ask_prepare(struct hub *h, const struct ai_config *c, const struct ask_opts *o, struct ask_answer *a,
                struct err *e);
/*
 * Step 2 (ASK_MODEL only; needs no database, so it may run in another thread): the model's
 * reply, streamed to on_delta when given, then checked (citations, supported). Errors as
 * ai_chat. A cancelled reply keeps the text so far and a->cancelled.
 */
int ask_generate(const struct ai_config *c, struct ask_answer *a, ai_delta_fn on_delta, void *ctx, struct err *e);
/* Checks the citations of a->text against the passages (sets citations and supported). */
void ask_check(struct ask_answer *a);
/* Step 3 (ASK_MODEL, not cancelled): keeps the answer in ai_outputs (kind "answer"); sets output_id. */
int ask_store(struct hub *h, const struct ask_opts *o, struct ask_answer *a, struct err *e);
/* The three steps. */
int ask_run(struct hub *h, const struct ai_config *c, const struct ask_opts *o, ai_delta_fn on_delta, void *ctx,
            struct ask_answer *a, struct err *e);

/*
 * The answer as the command line's JSON contract: {"answer","language","model","supported",
 * "mode","output_id","citations":[{"n","passage_id","doc_id","title","valid"}],
 * "passages":[{"n","passage_id","doc_id","title","article","page","extract"}]}. New reference.
 */
json_t *ask_answer_json(const struct ask_answer *a);
/* The passage numbered n, or NULL. */
const struct ask_passage *ask_passage_n(const struct ask_answer *a, int n);
#endif
