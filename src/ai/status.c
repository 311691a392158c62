/*
 * The checks of `asurif ai status` and of the settings page: is the service there, which
 * models it lists, does the chat model answer, does the embedding model give vectors.
 * Each says in plain words what works, or what failed and what to do.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ai/ai.h"
#include "base/utf8.h"
#include "base/banned.h"

const char *ai_check_state_name(enum ai_check_state st)
{
	switch (st) {
	case AI_CHECK_OK:
		return "ok";
	case AI_CHECK_FAILED:
		return "failed";
	case AI_CHECK_NOT_SET_UP:
		return "not_set_up";
	case AI_CHECK_SKIPPED:
		return "skipped";
	}
	return "unknown";
}

static long clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set(struct ai_check *k, enum ai_check_state st, enum ai_failure f, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void set(struct ai_check *k, enum ai_check_state st, enum ai_failure f, const char *fmt, ...)
{
	k->state = st;
	k->failure = f;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->detail, sizeof(k->detail), fmt, ap);
	va_end(ap);
}

/* 1 when name is in the list of models (or the list is unknown). */
static int listed(json_t *models, const char *name)
{
	if (!models)
		return 1;
	size_t i;
	json_t *m;
	json_array_foreach(models, i, m)
	if (!strcmp(json_string_value(m), name))
		return 1;
	return 0;
}

void ai_status_run(const struct ai_config *conf, struct ai_status *s)
{
	memset(s, 0, sizeof(*s));
	/* the checks wait for one retry at most: a person is looking at the screen */
	struct ai_config c = *conf;
	if (c.retries > 1)
		c.retries = 1;
	struct err e = ERR_INIT;
	json_t *models = NULL;

	if (!c.base_url[0]) {
		set(&s->service, AI_CHECK_NOT_SET_UP, AI_FAIL_NOT_SET_UP,
		    "no model service is set up: give its address with asurif ai config --base-url URL (see docs/ai.md)");
		set(&s->chat, AI_CHECK_NOT_SET_UP, AI_FAIL_NOT_SET_UP, "no chat model is set up");
		set(&s->embed, AI_CHECK_NOT_SET_UP, AI_FAIL_NOT_SET_UP, "no embedding model is set up");
		return;
	}
	long t0 = clock_ms();
	void *out = NULL;
	int unreachable = 0;
	if (ai_models(&c, &out, &e)) {
		enum ai_failure f = ai_last_failure();
		unreachable = f == AI_FAIL_UNREACHABLE || f == AI_FAIL_TIMEOUT;
		set(&s->service, AI_CHECK_FAILED, f, "%s", e.msg);
	} else {
		models = out;
		s->nmodels = json_array_size(models);
		size_t len = 0, i;
		json_t *m;
		json_array_foreach(models, i, m)
		{
			const char *name = json_string_value(m);
			size_t need = strlen(name) + (len ? 2 : 0);
			if (len + need + 4 >= sizeof(s->models)) {
				snprintf(s->models + len, sizeof(s->models) - len, "%s", len ? ", …" : "…");
				break;
			}
			len += (size_t)snprintf(s->models + len, sizeof(s->models) - len, "%s%s", len ? ", " : "", name);
		}
		if (s->nmodels)
			set(&s->service, AI_CHECK_OK, AI_FAIL_NONE, "the model service at %s answers; it lists %zu model%s: %s",
			    c.base_url, s->nmodels, s->nmodels == 1 ? "" : "s", s->models);
		else
			set(&s->service, AI_CHECK_OK, AI_FAIL_NONE, "the model service at %s answers; it lists no models",
			    c.base_url);
	}
	s->service.ms = clock_ms() - t0;

	/* chat */
	if (!c.chat_model[0]) {
		set(&s->chat, AI_CHECK_NOT_SET_UP, AI_FAIL_NOT_SET_UP,
		    "no chat model is set up: choose one with asurif ai config --chat-model NAME%s%s",
		    s->models[0] ? " (the service lists: " : "", s->models[0] ? s->models : "");
		if (s->models[0])
			snprintf(s->chat.detail + strlen(s->chat.detail), sizeof(s->chat.detail) - strlen(s->chat.detail), ")");
	} else if (unreachable) {
		set(&s->chat, AI_CHECK_SKIPPED, AI_FAIL_UNREACHABLE, "the chat model \"%s\" was not tried: the service cannot be reached",
		    c.chat_model);
	} else {
		t0 = clock_ms();
		struct ai_message msg[] = {{"user", "Reply with one word: ok"}};
		struct ai_reply r;
		err_clear(&e);
		if (ai_chat(&c, msg, 1, 0, 0, NULL, NULL, &r, &e)) {
			set(&s->chat, AI_CHECK_FAILED, ai_last_failure(), "%s%s", e.msg,
			    listed(models, c.chat_model) ? "" : " (the service does not list this model)");
		} else {
			const char *text = buf_str(&r.text);
			while (*text == ' ' || *text == '\n')
				text++;
			size_t len = utf8_clip(text, strcspn(text, "\n"), sizeof(s->reply) - 4);
			snprintf(s->reply, sizeof(s->reply), "%.*s%s", (int)len, text, text[len] ? "…" : "");
			s->chat.ms = clock_ms() - t0;
			set(&s->chat, AI_CHECK_OK, AI_FAIL_NONE, "the chat model \"%s\" answers (in %.1f s): \"%s\"",
			    c.chat_model, (double)s->chat.ms / 1000, s->reply);
		}
		ai_reply_release(&r);
		s->chat.ms = clock_ms() - t0;
	}

	/* embeddings */
	if (!c.embed_model[0]) {
		set(&s->embed, AI_CHECK_NOT_SET_UP, AI_FAIL_NOT_SET_UP,
		    "no embedding model is set up: choose one with asurif ai config --embed-model NAME (needed to "
		    "search by meaning)");
	} else if (unreachable) {
		set(&s->embed, AI_CHECK_SKIPPED, AI_FAIL_UNREACHABLE,
		    "the embedding model \"%s\" was not tried: the service cannot be reached", c.embed_model);
	} else {
		t0 = clock_ms();
		const char *texts[] = {"ok", "\xd8\xaa\xd8\xac\xd8\xb1\xd8\xa8\xd8\xa9"}; /* "تجربة" */
		float *v = NULL;
		size_t dim = 0;
		err_clear(&e);
		if (ai_embed(&c, texts, 2, &v, &dim, &e)) {
			set(&s->embed, AI_CHECK_FAILED, ai_last_failure(), "%s%s", e.msg,
			    listed(models, c.embed_model) ? "" : " (the service does not list this model)");
		} else {
			s->dim = dim;
			set(&s->embed, AI_CHECK_OK, AI_FAIL_NONE,
			    "the embedding model \"%s\" returns vectors of %zu numbers (in %.1f s)", c.embed_model, dim,
			    (double)(clock_ms() - t0) / 1000);
		}
		free(v);
		s->embed.ms = clock_ms() - t0;
	}
	json_decref(models);
	s->ok = s->service.state == AI_CHECK_OK && s->chat.state != AI_CHECK_FAILED &&
	        s->embed.state != AI_CHECK_FAILED && s->chat.state != AI_CHECK_SKIPPED;
}
