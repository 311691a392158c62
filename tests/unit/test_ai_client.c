/*
 * The model service client against a real HTTP server on loopback (tests/ai/server.mjs,
 * started here as a child process): streamed and whole chat replies, embeddings, and each
 * way a service fails, with its message; the settings and the key.
 */
#define _XOPEN_SOURCE 700 /* nftw, to remove the work folder */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ai/ai.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "store/db.h"
#include "tmpdir.h"

#define KEY "sk-test-0123456789"

static char *root, *log_path;
static pid_t server_pid;
static int port;

static void start_server(void)
{
	const char *src = getenv("SRCDIR");
	char *script = xasprintf("%s/tests/ai/server.mjs", src && *src ? src : ".");
	log_path = fs_join(root, "requests.jsonl");
	int fd[2];
	if (pipe(fd))
		abort();
	server_pid = fork();
	if (server_pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("node", "node", script, "--key", KEY, "--log", log_path, "--dim", "32", "--slow-ms", "3000",
		       "--huge-bytes", "2000000", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char line[32] = "";
	size_t n = 0;
	while (n < sizeof(line) - 1 && read(fd[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	close(fd[0]);
	port = atoi(line);
	free(script);
	if (port <= 0) {
		fprintf(stderr, "the test server (node tests/ai/server.mjs) did not start\n");
		exit(1);
	}
}

static void stop_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
}

static struct ai_config config(const char *chat, const char *embed)
{
	struct ai_config c;
	ai_config_defaults(&c);
	snprintf(c.base_url, sizeof(c.base_url), "http://127.0.0.1:%d/v1", port);
	snprintf(c.chat_model, sizeof(c.chat_model), "%s", chat ? chat : "");
	snprintf(c.embed_model, sizeof(c.embed_model), "%s", embed ? embed : "");
	snprintf(c.key, sizeof(c.key), "%s", KEY);
	c.connect_timeout_ms = 2000;
	c.total_timeout_ms = 10000;
	return c;
}

/* POSTs body to the test server's path (/__next, /__reset). */
static void post(const char *path, const char *body)
{
	CURL *h = curl_easy_init();
	char *url = xasprintf("http://127.0.0.1:%d%s", port, path);
	FILE *devnull = fopen("/dev/null", "w");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, devnull);
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	fclose(devnull);
	curl_easy_cleanup(h);
	free(url);
}

/* How many logged requests went to path with this model, since the log was last cleared. */
static int logged(const char *path, const char *model)
{
	FILE *f = fopen(log_path, "r");
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	while (getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		const char *p = json_string_value(json_object_get(j, "path"));
		const char *m = json_string_value(json_object_get(json_object_get(j, "body"), "model"));
		if (p && !strcmp(p, path) && (!model || (m && !strcmp(m, model))))
			n++;
		json_decref(j);
	}
	free(line);
	fclose(f);
	return n;
}

static void clear_log(void)
{
	FILE *f = fopen(log_path, "w");
	if (f)
		fclose(f);
	post("/__reset", "");
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

struct pieces {
	struct buf all;
	int calls;
	int stop_after; /* 0: never */
};

static int on_piece(void *ctx, const char *text, size_t len)
{
	struct pieces *p = ctx;
	assert_true(len > 0);
	buf_append(&p->all, text, len);
	p->calls++;
	return p->stop_after && p->calls >= p->stop_after;
}

static const struct ai_message question[] = {{"system", "You answer briefly."}, {"user", "Say something."}};

/* ---- what works ---- */

static void stream_gives_pieces_in_order(void **state)
{
	(void)state;
	const char *text = "الجواب: نعم، حسب المادة 12 [1]. Réponse : oui, voir l'article 12 [9].";
	post("/__next", text);
	struct ai_config c = config("chat", NULL);
	struct pieces p = {BUF_INIT, 0, 0};
	struct ai_reply r;
	struct err e = ERR_INIT;
	int rc = ai_chat(&c, question, 2, 0.2, 0, on_piece, &p, &r, &e);
	if (rc)
		fail_msg("%d %s", rc, e.msg);
	assert_true(p.calls > 10); /* about three characters a piece */
	assert_string_equal(buf_str(&p.all), text);
	assert_string_equal(buf_str(&r.text), text);
	assert_string_equal(r.finish_reason, "stop");
	assert_string_equal(r.model, "chat");
	assert_int_equal(r.prompt_tokens, 7);
	assert_true(r.completion_tokens > 10);
	assert_int_equal(r.cancelled, 0);
	assert_int_equal(ai_last_failure(), AI_FAIL_NONE);
	buf_release(&p.all);
	ai_reply_release(&r);
}

static void whole_reply(void **state)
{
	(void)state;
	struct ai_config c = config("echo", NULL);
	struct ai_message m[] = {{"user", "Bonjour, ça va ? مرحبا"}};
	struct ai_reply r;
	struct err e = ERR_INIT;
	clear_log();
	assert_int_equal(ai_chat(&c, m, 1, 0, 0, NULL, NULL, &r, &e), 0);
	assert_string_equal(buf_str(&r.text), "Bonjour, ça va ? مرحبا");
	assert_string_equal(r.finish_reason, "stop");
	assert_int_equal(r.prompt_tokens, 7);
	ai_reply_release(&r);
	/* what was sent: the model, the messages, no stream, the temperature */
	FILE *f = fopen(log_path, "r");
	char line[4096] = "";
	while (fgets(line, sizeof(line), f) && !strstr(line, "\"path\":\"/v1/chat/completions\""))
		;
	fclose(f);
	json_t *j = json_loads(line, 0, NULL);
	assert_non_null(j);
	json_t *body = json_object_get(j, "body");
	assert_string_equal(json_string_value(json_object_get(body, "model")), "echo");
	assert_true(json_is_false(json_object_get(body, "stream")));
	assert_int_equal(json_array_size(json_object_get(body, "messages")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "headers"), "authorization")),
	                    "[present]");
	json_decref(j);
}

static void json_mode_falls_back(void **state)
{
	(void)state;
	struct ai_config c = config("no-json-mode", NULL);
	struct ai_reply r;
	struct err e = ERR_INIT;
	clear_log();
	post("/__next", "{\"a\": 1}");
	int rc = ai_chat(&c, question, 2, 0, 1, NULL, NULL, &r, &e);
	if (rc)
		fail_msg("%s", e.msg);
	assert_string_equal(buf_str(&r.text), "{\"a\": 1}");
	assert_int_equal(logged("/v1/chat/completions", "no-json-mode"), 2);
	ai_reply_release(&r);
}

static float cosine(const float *a, const float *b, size_t d)
{
	double ab = 0, aa = 0, bb = 0;
	for (size_t i = 0; i < d; i++) {
		ab += a[i] * b[i];
		aa += a[i] * a[i];
		bb += b[i] * b[i];
	}
	return (float)(ab / sqrt(aa * bb));
}

static void embeddings_in_order(void **state)
{
	(void)state;
	struct ai_config c = config(NULL, "embed");
	const char *texts[] = {"صفقات الجماعة والمقاولات الصغرى", "le budget de la commune", "budget de la commune rurale"};
	float *v = NULL;
	size_t dim = 0;
	struct err e = ERR_INIT;
	int rc = ai_embed(&c, texts, 3, &v, &dim, &e);
	if (rc)
		fail_msg("%s", e.msg);
	assert_int_equal(dim, 32);
	/* the server sends them in reverse order: each must match the same text asked alone */
	for (size_t i = 0; i < 3; i++) {
		float *one = NULL;
		size_t d1 = 0;
		assert_int_equal(ai_embed(&c, &texts[i], 1, &one, &d1, &e), 0);
		assert_int_equal(d1, dim);
		assert_memory_equal(one, v + i * dim, dim * sizeof(float));
		free(one);
	}
	assert_true(cosine(v + dim, v + 2 * dim, dim) > cosine(v, v + dim, dim));
	free(v);
	/* nothing to do: no call */
	assert_int_equal(ai_embed(&c, texts, 0, &v, &dim, &e), 0);
	assert_null(v);
}

static void models_listed(void **state)
{
	(void)state;
	struct ai_config c = config(NULL, NULL);
	void *out = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(ai_models(&c, &out, &e), 0);
	json_t *names = out;
	int chat = 0;
	size_t i;
	json_t *m;
	json_array_foreach(names, i, m) chat |= !strcmp(json_string_value(m), "chat");
	assert_true(chat);
	json_decref(names);
}

/* ---- each failure, with its message ---- */

static void expect_failure(struct ai_config *c, int stream, int code, enum ai_failure f, const char *msg)
{
	struct pieces p = {BUF_INIT, 0, 0};
	struct ai_reply r;
	struct err e = ERR_INIT;
	int rc = ai_chat(c, question, 2, 0, 0, stream ? on_piece : NULL, &p, &r, &e);
	if (rc != code || !strstr(e.msg, msg) || ai_last_failure() != f)
		fail_msg("model %s, stream %d: got %d (failure %s) \"%s\", wanted %d (%s) with \"%s\"", c->chat_model, stream,
		         rc, ai_failure_name(ai_last_failure()), e.msg, code, ai_failure_name(f), msg);
	/* messages name the service and never hold the key */
	assert_non_null(strstr(e.msg, c->base_url));
	assert_null(strstr(e.msg, KEY));
	buf_release(&p.all);
	ai_reply_release(&r);
}

static void key_refused(void **state)
{
	(void)state;
	struct ai_config c = config("chat", NULL);
	snprintf(c.key, sizeof(c.key), "sk-wrong");
	expect_failure(&c, 0, ERR_IO, AI_FAIL_KEY, "refused the key (401)");
	expect_failure(&c, 1, ERR_IO, AI_FAIL_KEY, "Incorrect API key provided");
	c.key[0] = '\0';
	expect_failure(&c, 0, ERR_IO, AI_FAIL_KEY, "no key was sent");
}

static void unknown_model(void **state)
{
	(void)state;
	struct ai_config c = config("qwen-missing", "embed-missing");
	expect_failure(&c, 0, ERR_IO, AI_FAIL_NO_MODEL, "no chat model named \"qwen-missing\"");
	expect_failure(&c, 1, ERR_IO, AI_FAIL_NO_MODEL, "(404)");
	float *v = NULL;
	size_t dim;
	struct err e = ERR_INIT;
	const char *t = "x";
	assert_int_equal(ai_embed(&c, &t, 1, &v, &dim, &e), ERR_IO);
	assert_non_null(strstr(e.msg, "no embedding model named \"embed-missing\""));
}

static void busy_then_works(void **state)
{
	(void)state;
	struct ai_config c = config("busy", "busy");
	struct timespec t0;
	clear_log();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct pieces p = {BUF_INIT, 0, 0};
	struct ai_reply r;
	struct err e = ERR_INIT;
	int rc = ai_chat(&c, question, 2, 0, 0, on_piece, &p, &r, &e);
	if (rc)
		fail_msg("%s", e.msg);
	assert_string_equal(buf_str(&r.text), "ok");
	assert_true(ms_since(&t0) >= 950); /* Retry-After: 1 honoured */
	assert_int_equal(logged("/v1/chat/completions", "busy"), 2);
	buf_release(&p.all);
	ai_reply_release(&r);
	/* and embeddings */
	float *v = NULL;
	size_t dim = 0;
	const char *t = "x";
	assert_int_equal(ai_embed(&c, &t, 1, &v, &dim, &e), 0);
	assert_int_equal(logged("/v1/embeddings", "busy"), 2);
	free(v);
	/* busy every time: the message says how many tries */
	c.retries = 1;
	snprintf(c.chat_model, sizeof(c.chat_model), "busy-5");
	expect_failure(&c, 0, ERR_IO, AI_FAIL_BUSY, "is busy (429), tried 2 times");
}

static void broken_after_retries(void **state)
{
	(void)state;
	struct ai_config c = config("broken", NULL);
	c.retries = 2;
	clear_log();
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_failure(&c, 0, ERR_IO, AI_FAIL_SERVICE, "failed (500), tried 3 times; the service says: \"the model is broken\"");
	assert_int_equal(logged("/v1/chat/completions", "broken"), 3);
	long ms = ms_since(&t0);
	assert_true(ms >= 250 + 500);   /* two waits, each at least half its step (500 ms, 1 s) */
	assert_true(ms <= 500 + 1000 + 1000);
}

static void too_slow(void **state)
{
	(void)state;
	struct ai_config c = config("slow", NULL);
	c.total_timeout_ms = 1000;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_failure(&c, 0, ERR_IO, AI_FAIL_TIMEOUT, "no answer from the chat model \"slow\"");
	expect_failure(&c, 1, ERR_IO, AI_FAIL_TIMEOUT, "within 1 s");
	assert_true(ms_since(&t0) < 3500); /* not retried */
}

static void cut_off(void **state)
{
	(void)state;
	struct ai_config c = config("cut", NULL);
	struct pieces p = {BUF_INIT, 0, 0};
	struct ai_reply r;
	struct err e = ERR_INIT;
	/* the connection drops mid-stream: an error, the text so far kept, not tried again */
	clear_log();
	post("/__next", "one two three four five six");
	assert_int_equal(ai_chat(&c, question, 2, 0, 0, on_piece, &p, &r, &e), ERR_IO);
	assert_non_null(strstr(e.msg, "the reply was cut off"));
	assert_int_equal(ai_last_failure(), AI_FAIL_CUT);
	assert_string_equal(buf_str(&r.text), "one tw");
	assert_string_equal(buf_str(&p.all), "one tw");
	assert_int_equal(logged("/v1/chat/completions", "cut"), 1);
	ai_reply_release(&r);
	buf_release(&p.all);
	/* a whole reply cut in the middle */
	expect_failure(&c, 0, ERR_IO, AI_FAIL_CUT, "dropped before the reply was complete");
	/* a stream that ends without [DONE] or a finish_reason */
	snprintf(c.chat_model, sizeof(c.chat_model), "cut-clean");
	expect_failure(&c, 1, ERR_IO, AI_FAIL_CUT, "ended before its end: the reply was cut off");
	/* an error object in the stream */
	snprintf(c.chat_model, sizeof(c.chat_model), "stream-error");
	expect_failure(&c, 1, ERR_IO, AI_FAIL_SERVICE, "\"the model crashed while writing\"");
}

static void not_json(void **state)
{
	(void)state;
	struct ai_config c = config("badjson", "badjson");
	expect_failure(&c, 0, ERR_FORMAT, AI_FAIL_FORMAT, "is not valid JSON");
	expect_failure(&c, 1, ERR_FORMAT, AI_FAIL_FORMAT, "not valid JSON");
	float *v = NULL;
	size_t dim;
	struct err e = ERR_INIT;
	const char *t[] = {"a", "b"};
	assert_int_equal(ai_embed(&c, t, 2, &v, &dim, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "not valid JSON"));
	snprintf(c.embed_model, sizeof(c.embed_model), "embed-short");
	assert_int_equal(ai_embed(&c, t, 2, &v, &dim, &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "returned 1 vectors for 2 texts"));
}

static void too_big(void **state)
{
	(void)state;
	struct ai_config c = config("huge", "huge");
	c.max_reply = 1 << 20;
	expect_failure(&c, 0, ERR_TOO_BIG, AI_FAIL_TOO_BIG, "larger than 1024 KiB");
	expect_failure(&c, 1, ERR_TOO_BIG, AI_FAIL_TOO_BIG, "larger than 1024 KiB");
	float *v = NULL;
	size_t dim;
	struct err e = ERR_INIT;
	const char *t = "a";
	assert_int_equal(ai_embed(&c, &t, 1, &v, &dim, &e), ERR_TOO_BIG);
}

static void cancelled(void **state)
{
	(void)state;
	post("/__next", "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize");
	struct ai_config c = config("chat", NULL);
	struct pieces p = {BUF_INIT, 0, 3};
	struct ai_reply r;
	struct err e = ERR_INIT;
	assert_int_equal(ai_chat(&c, question, 2, 0, 0, on_piece, &p, &r, &e), 0);
	assert_int_equal(r.cancelled, 1);
	assert_int_equal(p.calls, 3);
	assert_string_equal(buf_str(&r.text), "un deux t");
	ai_reply_release(&r);
	buf_release(&p.all);
}

static void unreachable(void **state)
{
	(void)state;
	/* a port nobody listens on: bound, then closed */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(s, (struct sockaddr *)&a, &len);
	close(s);
	struct ai_config c = config("chat", NULL);
	snprintf(c.base_url, sizeof(c.base_url), "http://127.0.0.1:%d/v1", ntohs(a.sin_port));
	c.retries = 1;
	expect_failure(&c, 0, ERR_IO, AI_FAIL_UNREACHABLE, "the connection was refused, tried 2 times");
	c.base_url[0] = '\0';
	struct ai_reply r;
	struct err e = ERR_INIT;
	assert_int_equal(ai_chat(&c, question, 2, 0, 0, NULL, NULL, &r, &e), ERR_USAGE);
	assert_int_equal(ai_last_failure(), AI_FAIL_NOT_SET_UP);
	ai_reply_release(&r);
}

/* ---- settings and the key ---- */

static void write_file(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

static void key_from_env_and_file(void **state)
{
	(void)state;
	char *ws = fs_join(root, "ws");
	char *keys = fs_join(ws, "keys");
	assert_int_equal(mkdir(ws, 0755), 0);
	assert_int_equal(mkdir(keys, 0700), 0);
	char *kf = ai_key_path(ws);
	struct ai_config c;
	struct err e = ERR_INIT;
	unsetenv("ASURIF_AI_KEY");
	assert_int_equal(ai_config_load(NULL, ws, &c, &e), 0);
	assert_string_equal(c.key, "");
	assert_int_equal(ai_key_source(&c), AI_KEY_NONE);

	write_file(kf, "  sk-from-file\n", 0600);
	assert_int_equal(ai_config_load(NULL, ws, &c, &e), 0);
	assert_string_equal(c.key, "sk-from-file");
	assert_int_equal(ai_key_source(&c), AI_KEY_FILE);

	setenv("ASURIF_AI_KEY", "sk-from-env", 1);
	assert_int_equal(ai_config_load(NULL, ws, &c, &e), 0);
	assert_string_equal(c.key, "sk-from-env");
	assert_int_equal(ai_key_source(&c), AI_KEY_ENV);
	unsetenv("ASURIF_AI_KEY");

	/* readable by others: refused, and not used */
	assert_int_equal(chmod(kf, 0644), 0);
	assert_int_equal(ai_config_load(NULL, ws, &c, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "mode 0644"));
	assert_non_null(strstr(e.msg, "chmod 600"));
	assert_null(strstr(e.msg, "sk-from-file"));
	assert_string_equal(c.key, "");
	/* a key on two lines is not a key */
	write_file(kf, "sk-a\nsk-b\n", 0600);
	assert_int_equal(ai_config_load(NULL, ws, &c, &e), ERR_FORMAT);

	/* the key from a file works against the server */
	write_file(kf, KEY "\n", 0600);
	assert_int_equal(ai_config_load(NULL, ws, &c, &e), 0);
	snprintf(c.base_url, sizeof(c.base_url), "http://127.0.0.1:%d/v1", port);
	snprintf(c.chat_model, sizeof(c.chat_model), "chat");
	struct ai_reply r;
	assert_int_equal(ai_chat(&c, question, 2, 0, 0, NULL, NULL, &r, &e), 0);
	ai_reply_release(&r);
	free(kf);
	free(keys);
	free(ws);
}

static void settings_saved(void **state)
{
	(void)state;
	char *path = fs_join(root, "settings.db");
	sqlite3 *db = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(db_open(path, 1, &db, &e), 0);
	struct ai_config c;
	assert_int_equal(ai_config_load(db, root, &c, &e), 0);
	assert_false(ai_can_chat(&c));
	assert_false(ai_can_embed(&c));
	assert_int_equal(ai_config_save(db, " http://127.0.0.1:11434/ ", "qwen2.5:7b", "bge-m3", &e), 0);
	assert_int_equal(ai_config_load(db, root, &c, &e), 0);
	assert_string_equal(c.base_url, "http://127.0.0.1:11434/v1");
	assert_string_equal(c.chat_model, "qwen2.5:7b");
	assert_true(ai_can_chat(&c) && ai_can_embed(&c));
	/* NULL keeps, "" clears */
	assert_int_equal(ai_config_save(db, "https://llm.example.org/v1/", NULL, "", &e), 0);
	assert_int_equal(ai_config_load(db, root, &c, &e), 0);
	assert_string_equal(c.base_url, "https://llm.example.org/v1");
	assert_string_equal(c.chat_model, "qwen2.5:7b");
	assert_false(ai_can_embed(&c));
	/* refused, naming the field, nothing changed */
	assert_int_equal(ai_config_save(db, "ftp://x", "other", NULL, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "base URL"));
	assert_int_equal(ai_config_save(db, "http://user:sk-secret@host/v1", NULL, NULL, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "ASURIF_AI_KEY"));
	assert_int_equal(ai_config_save(db, "http://host/v1?key=sk", NULL, NULL, &e), ERR_USAGE);
	assert_int_equal(ai_config_save(db, NULL, "bad\nname", NULL, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "chat model"));
	assert_int_equal(ai_config_load(db, root, &c, &e), 0);
	assert_string_equal(c.base_url, "https://llm.example.org/v1");
	assert_string_equal(c.chat_model, "qwen2.5:7b");
	db_close(db);
	free(path);
}

static void status_checks(void **state)
{
	(void)state;
	struct ai_config c = config("chat", "embed");
	struct ai_status s;
	ai_status_run(&c, &s);
	assert_int_equal(s.service.state, AI_CHECK_OK);
	assert_int_equal(s.chat.state, AI_CHECK_OK);
	assert_int_equal(s.embed.state, AI_CHECK_OK);
	assert_int_equal(s.dim, 32);
	assert_string_equal(s.reply, "ok");
	assert_true(s.ok);
	c = config("qwen-missing", NULL);
	ai_status_run(&c, &s);
	assert_int_equal(s.service.state, AI_CHECK_OK);
	assert_int_equal(s.chat.state, AI_CHECK_FAILED);
	assert_int_equal(s.chat.failure, AI_FAIL_NO_MODEL);
	assert_non_null(strstr(s.chat.detail, "does not list this model"));
	assert_int_equal(s.embed.state, AI_CHECK_NOT_SET_UP);
	assert_false(s.ok);
	ai_config_defaults(&c);
	ai_status_run(&c, &s);
	assert_int_equal(s.service.state, AI_CHECK_NOT_SET_UP);
	assert_false(s.ok);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sodium_init() < 0)
		return 1;
	unsetenv("ASURIF_AI_KEY");
	root = tmpdir_make("asurif-ai");
	if (!root)
		return 1;
	start_server();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stream_gives_pieces_in_order), cmocka_unit_test(whole_reply),
	    cmocka_unit_test(json_mode_falls_back),         cmocka_unit_test(embeddings_in_order),
	    cmocka_unit_test(models_listed),                cmocka_unit_test(key_refused),
	    cmocka_unit_test(unknown_model),                cmocka_unit_test(busy_then_works),
	    cmocka_unit_test(broken_after_retries),         cmocka_unit_test(too_slow),
	    cmocka_unit_test(cut_off),                      cmocka_unit_test(not_json),
	    cmocka_unit_test(too_big),                      cmocka_unit_test(cancelled),
	    cmocka_unit_test(unreachable),                  cmocka_unit_test(key_from_env_and_file),
	    cmocka_unit_test(settings_saved),               cmocka_unit_test(status_checks),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	stop_server();
	tmpdir_remove(root);
	curl_global_cleanup();
	return failed;
}
