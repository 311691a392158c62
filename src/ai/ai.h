/*
 * The language model service, reached through the OpenAI-compatible HTTP API
 * (POST {base_url}/chat/completions, POST {base_url}/embeddings) with libcurl: what
 * llama.cpp's llama-server, Ollama, vLLM and hosted providers serve.
 *
 * Settings live in the workspace's meta table (keys "ai.base_url", "ai.chat_model",
 * "ai.embed_model"); the API key never does: it comes from the environment variable
 * ASURIF_AI_KEY or from the file keys/ai.key of the workspace (mode 0600).
 *
 * Every call is bounded (connect and total timeouts, a cap on the reply's size), retries
 * with backoff on 429 and 5xx, and fails with a message a person can act on ("the model
 * service refused the key (401)", "no model named X on the service (404)", "the service
 * is busy (429), tried 3 times", "no answer within 60 s", "the reply was cut off",
 * "the reply is not valid JSON"). Knows no tables besides meta, never prints.
 */
#ifndef AI_AI_H
#define AI_AI_H
#include <sqlite3.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

struct ai_config {
	char base_url[512];    /* e.g. "http://127.0.0.1:8081/v1" ("/v1" added when missing); "" = none */
	char chat_model[256];  /* "" = no chat */
	char embed_model[256]; /* "" = no embeddings */
	char key[512];         /* "" = no key; from ASURIF_AI_KEY or keys/ai.key, never the database */
	long connect_timeout_ms; /* default 5000 */
	long total_timeout_ms;   /* default 120000 for chat, applies to embeddings too */
	int retries;             /* on 429 / 5xx / connection refused; default 3 */
	size_t max_reply;        /* bytes of a reply body; default 4 MiB */
};

/* Reads the settings (meta table) and the key (environment, then workspace_dir/keys/ai.key).
 * Missing settings leave empty strings: not an error. ERR_IO for an unreadable key file,
 * ERR_USAGE for a key file readable by others than its owner. */
int ai_config_load(sqlite3 *db, const char *workspace_dir, struct ai_config *c, struct err *e);
/* Stores the settings; NULL leaves a setting as it is, "" clears it. ERR_USAGE naming the
 * field for a base URL that is not http:// or https://. */
int ai_config_save(sqlite3 *db, const char *base_url, const char *chat_model, const char *embed_model,
                   struct err *e);
/* 1 when a chat model is set up (base URL and chat model), else 0. */
int ai_can_chat(const struct ai_config *c);
/* 1 when an embedding model is set up (base URL and embedding model), else 0. */
int ai_can_embed(const struct ai_config *c);

struct ai_message {
	const char *role; /* "system", "user", "assistant" */
	const char *content;
};

/* A piece of a streamed reply as it arrives; return non-zero to stop (cancellation). */
typedef int (*ai_delta_fn)(void *ctx, const char *text, size_t len);

struct ai_reply {
	struct buf text;        /* the whole reply text */
	char model[256];        /* the model that answered, as the service named it */
	char finish_reason[32]; /* "stop", "length", ... or "" */
	long prompt_tokens, completion_tokens; /* -1 when not reported */
	int cancelled;          /* 1 when on_delta asked to stop */
};
void ai_reply_release(struct ai_reply *r);

/*
 * One chat completion. With on_delta, asks for a stream (server-sent events) and calls
 * on_delta for each piece of text as it arrives; without, waits for the whole reply.
 * json_mode asks for a JSON object reply (response_format) where the service supports it.
 * Errors: ERR_USAGE when no chat model is set up; ERR_IO with a plain message for a
 * service that cannot be reached, refuses (401/403/404/429/5xx, the service's own error
 * message quoted), times out, drops the connection mid-stream, or sends what is not the
 * protocol (ERR_FORMAT); ERR_TOO_BIG over max_reply. A cancelled stream is not an error
 * (r->cancelled = 1, text so far kept).
 */
int ai_chat(const struct ai_config *c, const struct ai_message *msgs, size_t n, double temperature, int json_mode,
            ai_delta_fn on_delta, void *ctx, struct ai_reply *r, struct err *e);

/*
 * Embeddings for n texts in one request (the caller makes batches). On success *out is an
 * array of n * *dim floats (caller free), in the order of texts, and *dim their size.
 * ERR_USAGE when no embedding model is set up; errors as ai_chat; ERR_FORMAT when the reply
 * does not hold n vectors of one size.
 */
int ai_embed(const struct ai_config *c, const char *const *texts, size_t n, float **out, size_t *dim,
             struct err *e);

/* Models the service lists (GET {base_url}/models), as a JSON array of names in *out
 * (caller json_decref-free: a jansson json_t * passed as void * to keep this header light). */
int ai_models(const struct ai_config *c, void **out_json, struct err *e);
/* ---- beyond the calls above: defaults, where the key comes from, what failed, the checks ---- */

/* The defaults of the bounds (timeouts, retries, reply size); the strings empty. */
void ai_config_defaults(struct ai_config *c);
/*
 * A base URL as stored: spaces and trailing slashes removed, "/v1" added when it has no
 * path ("http://127.0.0.1:11434" -> "http://127.0.0.1:11434/v1"). ERR_USAGE naming the
 * base URL when it is not http:// or https://, has no host, holds a user name or password
 * (the key goes in ASURIF_AI_KEY or keys/ai.key), a query or spaces, or is too long.
 */
int ai_base_url_normalise(const char *in, char *out, size_t n, struct err *e);

enum ai_key_source { AI_KEY_NONE, AI_KEY_ENV, AI_KEY_FILE };
/* Where the key of c (as ai_config_load read it) came from. */
enum ai_key_source ai_key_source(const struct ai_config *c);
/* The key file of a workspace: workspace_dir/keys/ai.key. Caller frees. */
char *ai_key_path(const char *workspace_dir);

/* What went wrong, for a page to say it in the reader's language. */
enum ai_failure {
	AI_FAIL_NONE,
	AI_FAIL_NOT_SET_UP,  /* no base URL or no model */
	AI_FAIL_UNREACHABLE, /* connection refused, unknown host, TLS */
	AI_FAIL_KEY,         /* 401, 403 */
	AI_FAIL_NO_MODEL,    /* 404 */
	AI_FAIL_BUSY,        /* 429, after the retries */
	AI_FAIL_SERVICE,     /* 5xx after the retries, or an error inside a stream */
	AI_FAIL_REFUSED,     /* another 4xx (400, 413, 422...) */
	AI_FAIL_TIMEOUT,
	AI_FAIL_CUT,         /* the connection dropped, or the stream ended before its end */
	AI_FAIL_FORMAT,      /* not JSON, or not the protocol */
	AI_FAIL_TOO_BIG,     /* over max_reply */
};
/* The failure of this thread's last ai_chat, ai_embed or ai_models (AI_FAIL_NONE after a success). */
enum ai_failure ai_last_failure(void);
/* "unreachable", "key", "no_model"... (for i18n keys and JSON). */
const char *ai_failure_name(enum ai_failure f);

/* One check of `asurif ai status` and of the settings page. */
enum ai_check_state { AI_CHECK_OK, AI_CHECK_FAILED, AI_CHECK_NOT_SET_UP, AI_CHECK_SKIPPED };
struct ai_check {
	enum ai_check_state state;
	enum ai_failure failure;
	char detail[1200]; /* plain words: what works, or what failed and what to do */
	long ms;           /* how long the call took */
};
struct ai_status {
	struct ai_check service; /* reachable, models listed (GET /models) */
	struct ai_check chat;    /* the chat model answers a one-word question */
	struct ai_check embed;   /* the embedding model returns vectors */
	size_t nmodels;          /* models listed */
	char models[512];        /* the first of them, comma-separated */
	char reply[64];          /* the chat model's answer, clipped */
	size_t dim;              /* the vectors' size */
	int ok;                  /* 1 when a base URL is set and everything set up works */
};
/* Runs the checks one after the other (at most one retry each); nothing is stored. */
void ai_status_run(const struct ai_config *c, struct ai_status *s);
const char *ai_check_state_name(enum ai_check_state st); /* "ok", "failed", "not_set_up", "skipped" */
#endif
