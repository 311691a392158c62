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
#endif
