/*
 * The OpenAI-compatible HTTP API through libcurl: chat completions (whole or streamed as
 * server-sent events), embeddings, the list of models. One easy handle per call, so any
 * thread may call; bounded in time and size; retries with backoff on 429, 5xx and refused
 * connections, never once streamed text was handed over.
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ai/ai.h"
#include "base/alloc.h"
#include "base/utf8.h"
#include "base/banned.h"

#define ERROR_BODY_MAX (64 << 10) /* what is kept of an error reply */
#define RETRY_BASE_MS 500
#define RETRY_CAP_MS 20000

static _Thread_local enum ai_failure last_failure;

enum ai_failure ai_last_failure(void)
{
	return last_failure;
}

const char *ai_failure_name(enum ai_failure f)
{
	static const char *const names[] = {"none",    "not_set_up", "unreachable", "key",     "no_model", "busy",
	                                    "service", "refused",    "timeout",     "cut_off", "format",   "too_big"};
	return (unsigned)f < sizeof(names) / sizeof(*names) ? names[f] : "unknown";
}

void ai_reply_release(struct ai_reply *r)
{
	buf_release(&r->text);
}

/* ---- one call ---- */

struct call {
	const struct ai_config *c;
	CURL *h;
	const char *path;  /* "/chat/completions" */
	const char *model; /* for messages; NULL for the list of models */
	const char *kind;  /* "chat model", "embedding model" */
	long status;
	int started;       /* the first bytes of the body arrived: status and type known */
	struct buf body;   /* a whole reply, or the beginning of an error reply */
	size_t received;
	int too_big;
	char retry_after[32];

	/* streaming */
	int stream;        /* a stream was asked for */
	int sse;           /* and the reply is one */
	struct buf line, data;
	int cr, has_data;
	int done;          /* "data: [DONE]" */
	int delivered;     /* text was handed to on_delta */
	int cancelled;
	int failed;        /* the stream said something wrong: message in perr */
	struct err perr;
	ai_delta_fn on_delta;
	void *ctx;
	struct ai_reply *r;
};

static int fail(struct err *e, enum ai_failure f, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(struct err *e, enum ai_failure f, int code, const char *fmt, ...)
{
	last_failure = f;
	if (!e)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->code = code;
	return code;
}

/* The service's own words from an error reply: error.message, error, message or detail; else the body's first line. */
static void service_message(const struct buf *body, char *out, size_t n)
{
	out[0] = '\0';
	if (!body->len)
		return;
	const char *s = NULL;
	json_t *j = json_loadb(body->data, body->len, 0, NULL);
	if (j) {
		json_t *err = json_object_get(j, "error");
		if (json_is_string(err))
			s = json_string_value(err);
		else if (json_is_string(json_object_get(err, "message")))
			s = json_string_value(json_object_get(err, "message"));
		else if (json_is_string(json_object_get(j, "message")))
			s = json_string_value(json_object_get(j, "message"));
		else if (json_is_string(json_object_get(j, "detail")))
			s = json_string_value(json_object_get(j, "detail"));
	}
	if (!s && !j)
		s = body->data;
	if (s) {
		size_t len = strcspn(s, "\r\n");
		if (len > 300)
			len = utf8_clip(s, len, 300);
		if (len >= n)
			len = utf8_clip(s, len, n - 1);
		size_t k = 0;
		for (size_t i = 0; i < len; i++)
			out[k++] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
		out[k] = '\0';
		if (utf8_validate(out, k, NULL, NULL))
			out[0] = '\0';
	}
	json_decref(j);
}

static void reply_take_chunk(struct call *k, json_t *j)
{
	struct ai_reply *r = k->r;
	const char *model = json_string_value(json_object_get(j, "model"));
	if (model && r)
		snprintf(r->model, sizeof(r->model), "%s", model);
	json_t *usage = json_object_get(j, "usage");
	if (json_is_object(usage) && r) {
		if (json_is_integer(json_object_get(usage, "prompt_tokens")))
			r->prompt_tokens = (long)json_integer_value(json_object_get(usage, "prompt_tokens"));
		if (json_is_integer(json_object_get(usage, "completion_tokens")))
			r->completion_tokens = (long)json_integer_value(json_object_get(usage, "completion_tokens"));
	}
	const char *finish = json_string_value(json_object_get(json_array_get(json_object_get(j, "choices"), 0),
	                                                       "finish_reason"));
	if (finish && r)
		snprintf(r->finish_reason, sizeof(r->finish_reason), "%s", finish);
}

/* Text for the reply and for on_delta; -1 when the reply is over its cap or the caller stops. */
static int deliver(struct call *k, const char *text, size_t len)
{
	if (!len)
		return 0;
	if (buf_append(&k->r->text, text, len)) {
		k->too_big = 1;
		return -1;
	}
	if (!k->on_delta)
		return 0;
	k->delivered = 1;
	if (k->on_delta(k->ctx, text, len)) {
		k->cancelled = 1;
		return -1;
	}
	return 0;
}

/* One event of the stream (its data lines joined). */
static int sse_event(struct call *k)
{
	const char *d = buf_str(&k->data);
	if (!strcmp(d, "[DONE]")) {
		k->done = 1;
		return -1; /* nothing more to read */
	}
	json_error_t jerr;
	json_t *j = json_loadb(k->data.data, k->data.len, 0, &jerr);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		k->failed = 1;
		fail(&k->perr, AI_FAIL_FORMAT, ERR_FORMAT,
		     "the model service at %s sent a piece of the streamed reply that is not valid JSON (%s): the reply "
		     "was cut off",
		     k->c->base_url, j ? "not an object" : jerr.text);
		return -1;
	}
	json_t *error = json_object_get(j, "error");
	if (error && !json_is_null(error)) {
		char msg[400];
		struct buf tmp = BUF_INIT;
		char *dump = json_dumps(j, JSON_COMPACT);
		buf_appends(&tmp, dump ? dump : "");
		free(dump);
		service_message(&tmp, msg, sizeof(msg));
		buf_release(&tmp);
		json_decref(j);
		k->failed = 1;
		fail(&k->perr, AI_FAIL_SERVICE, ERR_IO,
		     "the model service at %s reported an error in the middle of the reply of the %s \"%s\": \"%s\"",
		     k->c->base_url, k->kind, k->model, msg);
		return -1;
	}
	reply_take_chunk(k, j);
	json_t *delta = json_object_get(json_object_get(json_array_get(json_object_get(j, "choices"), 0), "delta"),
	                                "content");
	int r = 0;
	if (json_is_string(delta))
		r = deliver(k, json_string_value(delta), json_string_length(delta));
	json_decref(j);
	return r;
}

/* One line of the stream, without its end. */
static int sse_line(struct call *k)
{
	const char *s = buf_str(&k->line);
	size_t len = k->line.len;
	if (!len) {
		int r = 0;
		if (k->has_data)
			r = sse_event(k);
		buf_reset(&k->data);
		k->has_data = 0;
		return r;
	}
	if (s[0] == ':') /* a comment, kept alive */
		return 0;
	const char *colon = memchr(s, ':', len);
	size_t flen = colon ? (size_t)(colon - s) : len;
	if (flen != 4 || memcmp(s, "data", 4))
		return 0; /* event:, id:, retry: mean nothing here */
	const char *v = colon ? colon + 1 : s + len;
	if (*v == ' ')
		v++;
	if (k->has_data)
		buf_appendc(&k->data, '\n');
	buf_append(&k->data, v, (size_t)(s + len - v));
	k->has_data = 1;
	return 0;
}

/* Bytes of the stream as they come: lines end with CRLF, LF or CR, possibly split between chunks. */
static int sse_feed(struct call *k, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (k->cr) {
			k->cr = 0;
			if (p[i] == '\n') {
				i++;
				continue;
			}
		}
		size_t j = i;
		while (j < n && p[j] != '\n' && p[j] != '\r')
			j++;
		buf_append(&k->line, p + i, j - i);
		if (j == n)
			break;
		k->cr = p[j] == '\r';
		i = j + 1;
		int r = sse_line(k);
		buf_reset(&k->line);
		if (r)
			return -1;
	}
	return 0;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct call *k = arg;
	size_t n = size * nmemb;
	if (!k->started) {
		/* a stream when one was asked for and the answer is not JSON (an event stream, normally) */
		k->started = 1;
		char *ctype = NULL;
		curl_easy_getinfo(k->h, CURLINFO_CONTENT_TYPE, &ctype);
		int json = ctype && !strncasecmp(ctype, "application/json", 16);
		k->sse = k->stream && k->status / 100 == 2 && !json;
	}
	k->received += n;
	if (k->received > k->c->max_reply) {
		k->too_big = 1;
		return 0;
	}
	if (k->sse)
		return sse_feed(k, p, n) ? 0 : n;
	if (k->status / 100 != 2) {
		if (k->body.len < ERROR_BODY_MAX)
			buf_append(&k->body, p, n < ERROR_BODY_MAX - k->body.len ? n : ERROR_BODY_MAX - k->body.len);
		return n;
	}
	if (buf_append(&k->body, p, n)) {
		k->too_big = 1;
		return 0;
	}
	return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct call *k = arg;
	size_t n = size * nmemb;
	if (n >= 5 && !memcmp(p, "HTTP/", 5)) {
		/* a new response (after 100 Continue, say): its status and headers replace the last */
		k->retry_after[0] = '\0';
		k->status = 0;
		const char *sp = memchr(p, ' ', n);
		if (sp)
			k->status = strtol(sp + 1, NULL, 10);
	} else if (n > 12 && !strncasecmp(p, "retry-after:", 12)) {
		size_t i = 12;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		size_t len = 0;
		while (i + len < n && p[i + len] >= '0' && p[i + len] <= '9' && len < sizeof(k->retry_after) - 1)
			len++;
		memcpy(k->retry_after, p + i, len);
		k->retry_after[len] = '\0';
	}
	return n;
}

static void call_reset(struct call *k)
{
	k->status = 0;
	k->started = 0;
	buf_reset(&k->body);
	k->received = 0;
	k->too_big = 0;
	k->retry_after[0] = '\0';
	k->sse = 0;
	buf_reset(&k->line);
	buf_reset(&k->data);
	k->cr = k->has_data = k->done = 0;
	k->failed = 0;
	if (k->r) {
		buf_reset(&k->r->text);
		k->r->finish_reason[0] = '\0';
	}
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The wait before try number `attempt` + 1: Retry-After when the service gave it (capped), else
 * exponential from RETRY_BASE_MS with jitter (half fixed, half random). */
static long backoff_ms(const struct call *k, int attempt)
{
	if (k->retry_after[0]) {
		long s = strtol(k->retry_after, NULL, 10);
		return s * 1000 > RETRY_CAP_MS ? RETRY_CAP_MS : s * 1000;
	}
	long d = RETRY_BASE_MS << (attempt < 10 ? attempt : 10);
	if (d > RETRY_CAP_MS)
		d = RETRY_CAP_MS;
	return d / 2 + (long)randombytes_uniform((uint32_t)(d / 2 + 1));
}

static const char *seconds(long ms, char *out, size_t n)
{
	if (ms % 1000)
		snprintf(out, n, "%.1f s", (double)ms / 1000);
	else
		snprintf(out, n, "%ld s", ms / 1000);
	return out;
}

/* The message for a reply with an HTTP error status. */
static int http_failure(struct call *k, int tries, struct err *e)
{
	char msg[400], said[460] = "", tried[40] = "";
	service_message(&k->body, msg, sizeof(msg));
	if (msg[0])
		snprintf(said, sizeof(said), "; the service says: \"%s\"", msg);
	if (tries > 1)
		snprintf(tried, sizeof(tried), ", tried %d times", tries);
	const char *url = k->c->base_url;
	long st = k->status;
	if (st == 401 || st == 403)
		return fail(e, AI_FAIL_KEY, ERR_IO, "the model service at %s refused the key (%ld)%s; %s", url, st, said,
		            k->c->key[0] ? "check the key in ASURIF_AI_KEY or the workspace's keys/ai.key"
		                         : "no key was sent: set ASURIF_AI_KEY or write the key into the workspace's "
		                           "keys/ai.key (mode 0600)");
	if (st == 404 && k->model)
		return fail(e, AI_FAIL_NO_MODEL, ERR_IO,
		            "no %s named \"%s\" on the model service at %s (404)%s; check the name against the models "
		            "it lists (asurif ai status)",
		            k->kind, k->model, url, said);
	if (st == 404)
		return fail(e, AI_FAIL_NO_MODEL, ERR_IO,
		            "the model service at %s has no %s (404)%s; check the address (it usually ends in /v1)", url,
		            k->path, said);
	if (st == 429)
		return fail(e, AI_FAIL_BUSY, ERR_IO, "the model service at %s is busy (429)%s%s; try again in a while",
		            url, tried, said);
	if (st >= 500)
		return fail(e, AI_FAIL_SERVICE, ERR_IO, "the model service at %s failed (%ld)%s%s", url, st, tried, said);
	if (st >= 300 && st < 400)
		return fail(e, AI_FAIL_REFUSED, ERR_IO,
		            "the model service at %s answered with a redirection (%ld): give the final address as the "
		            "base URL",
		            url, st);
	if (k->model)
		return fail(e, AI_FAIL_REFUSED, ERR_IO, "the model service at %s refused the request for the %s \"%s\" (%ld)%s",
		            url, k->kind, k->model, st, said);
	return fail(e, AI_FAIL_REFUSED, ERR_IO, "the model service at %s refused the request (%ld)%s", url, st, said);
}

/* The message for a transfer that failed before a whole reply came. */
static int transfer_failure(struct call *k, CURL *h, CURLcode rc, int tries, const char *curl_msg, struct err *e)
{
	const char *url = k->c->base_url;
	char t[32], tried[40] = "";
	if (tries > 1)
		snprintf(tried, sizeof(tried), ", tried %d times", tries);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return fail(e, AI_FAIL_UNREACHABLE, ERR_IO,
		            "cannot reach the model service at %s: the connection was refused%s; is the service running "
		            "and listening on that address?",
		            url, tried);
	case CURLE_COULDNT_RESOLVE_HOST:
		return fail(e, AI_FAIL_UNREACHABLE, ERR_IO, "cannot reach the model service at %s: unknown host name",
		            url);
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return fail(e, AI_FAIL_UNREACHABLE, ERR_IO,
		            "the model service's address \"%s\" is not a valid http:// or https:// address", url);
	case CURLE_OPERATION_TIMEDOUT: {
		double connect = 0;
		curl_easy_getinfo(h, CURLINFO_CONNECT_TIME, &connect);
		if (connect <= 0)
			return fail(e, AI_FAIL_UNREACHABLE, ERR_IO,
			            "cannot reach the model service at %s: no connection within %s", url,
			            seconds(k->c->connect_timeout_ms, t, sizeof(t)));
		if (k->delivered)
			return fail(e, AI_FAIL_TIMEOUT, ERR_IO,
			            "the reply of the %s \"%s\" at %s did not finish within %s: the text so far is kept",
			            k->kind, k->model ? k->model : "", url, seconds(k->c->total_timeout_ms, t, sizeof(t)));
		if (k->model)
			return fail(e, AI_FAIL_TIMEOUT, ERR_IO, "no answer from the %s \"%s\" at %s within %s", k->kind,
			            k->model, url, seconds(k->c->total_timeout_ms, t, sizeof(t)));
		return fail(e, AI_FAIL_TIMEOUT, ERR_IO, "no answer from the model service at %s within %s", url,
		            seconds(k->c->total_timeout_ms, t, sizeof(t)));
	}
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_HTTP2_STREAM:
		return fail(e, AI_FAIL_CUT, ERR_IO,
		            "the connection to the model service at %s dropped before the reply was complete: the reply "
		            "was cut off",
		            url);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return fail(e, AI_FAIL_UNREACHABLE, ERR_IO, "the secure connection to the model service at %s failed: %s",
		            url, curl_msg[0] ? curl_msg : curl_easy_strerror(rc));
	default:
		return fail(e, AI_FAIL_UNREACHABLE, ERR_IO, "the call to the model service at %s failed: %s", url,
		            curl_msg[0] ? curl_msg : curl_easy_strerror(rc));
	}
}

/* Proxies from the environment apply, but never to this computer's own addresses. */
static char *no_proxy_list(void)
{
	const char *env = getenv("NO_PROXY");
	if (!env || !*env)
		env = getenv("no_proxy");
	return xasprintf("localhost,127.0.0.1,::1%s%s", env && *env ? "," : "", env && *env ? env : "");
}

/*
 * Sends body (NULL: a GET) to c->base_url + k->path and reads the reply, trying again on
 * 429, 5xx and refused connections. On success k->status is 2xx and k->body holds the
 * reply (or the stream was read through k->r).
 */
static int perform(struct call *k, const char *body, struct err *e)
{
	const struct ai_config *c = k->c;
	if (!c->base_url[0])
		return fail(e, AI_FAIL_NOT_SET_UP, ERR_USAGE,
		            "no model service is set up: asurif ai config --base-url URL (see docs/ai.md)");
	CURL *h = curl_easy_init();
	if (!h)
		return fail(e, AI_FAIL_UNREACHABLE, ERR_IO, "the network library could not start");
	char *url = xasprintf("%s%s", c->base_url, k->path);
	char *noproxy = no_proxy_list();
	struct curl_slist *hdr = NULL;
	hdr = curl_slist_append(hdr, "Accept: application/json, text/event-stream");
	hdr = curl_slist_append(hdr, "Expect:");
	if (body)
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
	char auth[sizeof(c->key) + 32];
	if (c->key[0]) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->key);
		hdr = curl_slist_append(hdr, auth);
		sodium_memzero(auth, sizeof(auth));
	}
	char curl_msg[CURL_ERROR_SIZE] = "";
	k->h = h;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "asurif");
	curl_easy_setopt(h, CURLOPT_NOPROXY, noproxy);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms > 0 ? c->connect_timeout_ms : 5000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->total_timeout_ms > 0 ? c->total_timeout_ms : 120000L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_msg);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, k);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}

	long start = now_ms();
	int tries = 0, r = 0;
	for (;;) {
		call_reset(k);
		curl_msg[0] = '\0';
		tries++;
		CURLcode rc = curl_easy_perform(h);
		int retry = 0;
		if (k->cancelled) {
			r = 0;
			break;
		}
		if (k->too_big) {
			char t[32];
			snprintf(t, sizeof(t), "%zu KiB", c->max_reply >> 10);
			r = fail(e, AI_FAIL_TOO_BIG, ERR_TOO_BIG,
			         "the reply of the model service at %s is larger than %s: it was stopped", c->base_url, t);
			break;
		}
		if (k->failed) {
			if (e)
				*e = k->perr;
			last_failure = k->perr.code == ERR_FORMAT ? AI_FAIL_FORMAT : AI_FAIL_SERVICE;
			r = k->perr.code;
			break;
		}
		if (k->done) { /* we stopped reading at [DONE] */
			r = 0;
			break;
		}
		if (rc != CURLE_OK) {
			retry = rc == CURLE_COULDNT_CONNECT;
			if (!retry || k->delivered || tries > c->retries) {
				r = transfer_failure(k, h, rc, tries, curl_msg, e);
				break;
			}
		} else if (k->status / 100 != 2) {
			retry = k->status == 429 || k->status >= 500;
			if (!retry || k->delivered || tries > c->retries) {
				r = http_failure(k, tries, e);
				break;
			}
		} else {
			r = 0;
			break;
		}
		long wait = backoff_ms(k, tries - 1);
		if (now_ms() - start + wait >= (c->total_timeout_ms > 0 ? c->total_timeout_ms : 120000L)) {
			r = rc != CURLE_OK ? transfer_failure(k, h, rc, tries, curl_msg, e) : http_failure(k, tries, e);
			break;
		}
		sleep_ms(wait);
	}
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	free(url);
	free(noproxy);
	if (!r)
		last_failure = AI_FAIL_NONE;
	return r;
}

static void call_init(struct call *k, const struct ai_config *c, const char *path, const char *kind,
                      const char *model)
{
	memset(k, 0, sizeof(*k));
	k->c = c;
	k->path = path;
	k->kind = kind;
	k->model = model;
	buf_init(&k->body, c->max_reply ? c->max_reply : (size_t)4 << 20);
	buf_init(&k->line, 0);
	buf_init(&k->data, 0);
}

static void call_release(struct call *k)
{
	buf_release(&k->body);
	buf_release(&k->line);
	buf_release(&k->data);
}

/* The body of a whole reply as JSON: ERR_FORMAT with a message when it is not. */
static json_t *parse_reply(struct call *k, struct err *e)
{
	json_error_t jerr;
	json_t *j = json_loadb(k->body.data ? k->body.data : "", k->body.len, 0, &jerr);
	if (!j) {
		fail(e, AI_FAIL_FORMAT, ERR_FORMAT,
		     "the reply of the model service at %s is not valid JSON (%s, at byte %d)%s", k->c->base_url,
		     jerr.text, jerr.position, k->body.len ? "" : ": it is empty");
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		fail(e, AI_FAIL_FORMAT, ERR_FORMAT, "the reply of the model service at %s is not a JSON object",
		     k->c->base_url);
		return NULL;
	}
	return j;
}

/* ---- chat ---- */

static char *chat_body(const struct ai_config *c, const struct ai_message *msgs, size_t n, double temperature,
                       int json_mode, int stream, struct err *e)
{
	json_t *m = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *content = json_string(msgs[i].content ? msgs[i].content : "");
		if (!content || !msgs[i].role) {
			json_decref(m);
			fail(e, AI_FAIL_FORMAT, ERR_ENCODING, "message %zu: %s", i + 1,
			     msgs[i].role ? "the text is not valid UTF-8" : "no role");
			return NULL;
		}
		json_array_append_new(m, json_pack("{s:s, s:o}", "role", msgs[i].role, "content", content));
	}
	json_t *req = json_pack("{s:s, s:o, s:b}", "model", c->chat_model, "messages", m, "stream", stream);
	if (temperature >= 0 && isfinite(temperature))
		json_object_set_new(req, "temperature", json_real(temperature));
	if (json_mode)
		json_object_set_new(req, "response_format", json_pack("{s:s}", "type", "json_object"));
	char *s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	return s;
}

int ai_chat(const struct ai_config *c, const struct ai_message *msgs, size_t n, double temperature, int json_mode,
            ai_delta_fn on_delta, void *ctx, struct ai_reply *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text, c->max_reply ? c->max_reply : (size_t)4 << 20);
	r->prompt_tokens = r->completion_tokens = -1;
	if (!ai_can_chat(c))
		return fail(e, AI_FAIL_NOT_SET_UP, ERR_USAGE,
		            "no chat model is set up: asurif ai config --base-url URL --chat-model NAME (see docs/ai.md)");
	struct call k;
	call_init(&k, c, "/chat/completions", "chat model", c->chat_model);
	k.stream = on_delta != NULL;
	k.on_delta = on_delta;
	k.ctx = ctx;
	k.r = r;
	int rc = 0;
	char *body = chat_body(c, msgs, n, temperature, json_mode, k.stream, e);
	if (!body) {
		rc = ERR_ENCODING;
		goto done;
	}
	rc = perform(&k, body, e);
	if (rc && json_mode && ai_last_failure() == AI_FAIL_REFUSED && (k.status == 400 || k.status == 422)) {
		/* a service that does not know response_format: ask again without it */
		free(body);
		body = chat_body(c, msgs, n, temperature, 0, k.stream, e);
		rc = perform(&k, body, e);
	}
	if (rc)
		goto done;
	if (k.cancelled) {
		r->cancelled = 1;
		goto done;
	}
	if (k.sse) {
		if (!k.done && !r->finish_reason[0]) {
			rc = fail(e, AI_FAIL_CUT, ERR_IO,
			          "the reply of the chat model \"%s\" at %s ended before its end: the reply was cut off",
			          c->chat_model, c->base_url);
		}
		goto done;
	}
	/* a whole reply: asked for, or given by a service that does not stream */
	json_t *j = parse_reply(&k, e);
	if (!j) {
		rc = ERR_FORMAT;
		goto done;
	}
	json_t *error = json_object_get(j, "error");
	json_t *choice = json_array_get(json_object_get(j, "choices"), 0);
	json_t *content = json_object_get(json_object_get(choice, "message"), "content");
	if (error && !json_is_null(error)) {
		char msg[400];
		service_message(&k.body, msg, sizeof(msg));
		rc = fail(e, AI_FAIL_SERVICE, ERR_IO, "the model service at %s reported an error for the chat model \"%s\": \"%s\"",
		          c->base_url, c->chat_model, msg);
	} else if (!json_is_object(choice)) {
		rc = fail(e, AI_FAIL_FORMAT, ERR_FORMAT,
		          "the reply of the model service at %s is not a chat completion (no choices)", c->base_url);
	} else if (!json_is_string(content) && !json_is_null(content)) {
		rc = fail(e, AI_FAIL_FORMAT, ERR_FORMAT,
		          "the reply of the model service at %s is not a chat completion (no message text)", c->base_url);
	} else {
		reply_take_chunk(&k, j);
		if (json_is_string(content) && deliver(&k, json_string_value(content), json_string_length(content))) {
			if (k.cancelled)
				r->cancelled = 1;
			else
				rc = fail(e, AI_FAIL_TOO_BIG, ERR_TOO_BIG,
				          "the reply of the model service at %s is larger than %zu KiB: it was stopped",
				          c->base_url, c->max_reply >> 10);
		}
	}
	json_decref(j);
done:
	free(body);
	call_release(&k);
	if (!rc)
		last_failure = AI_FAIL_NONE;
	return rc;
}

/* ---- embeddings ---- */

int ai_embed(const struct ai_config *c, const char *const *texts, size_t n, float **out, size_t *dim,
             struct err *e)
{
	*out = NULL;
	*dim = 0;
	if (!ai_can_embed(c))
		return fail(e, AI_FAIL_NOT_SET_UP, ERR_USAGE,
		            "no embedding model is set up: asurif ai config --base-url URL --embed-model NAME (see "
		            "docs/ai.md)");
	if (!n) {
		last_failure = AI_FAIL_NONE;
		return 0;
	}
	json_t *input = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_string(texts[i] ? texts[i] : "");
		if (!s) {
			json_decref(input);
			return fail(e, AI_FAIL_FORMAT, ERR_ENCODING, "text %zu: not valid UTF-8", i + 1);
		}
		json_array_append_new(input, s);
	}
	json_t *req = json_pack("{s:s, s:o}", "model", c->embed_model, "input", input);
	char *body = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	struct call k;
	call_init(&k, c, "/embeddings", "embedding model", c->embed_model);
	int rc = perform(&k, body, e);
	free(body);
	json_t *j = NULL;
	float *v = NULL;
	if (rc)
		goto done;
	if (!(j = parse_reply(&k, e))) {
		rc = ERR_FORMAT;
		goto done;
	}
	json_t *data = json_object_get(j, "data");
	if (!json_is_array(data)) {
		rc = fail(e, AI_FAIL_FORMAT, ERR_FORMAT,
		          "the reply of the model service at %s holds no embeddings (no \"data\" list)", c->base_url);
		goto done;
	}
	if (json_array_size(data) != n) {
		rc = fail(e, AI_FAIL_FORMAT, ERR_FORMAT,
		          "the embedding model \"%s\" at %s returned %zu vectors for %zu texts", c->embed_model,
		          c->base_url, json_array_size(data), n);
		goto done;
	}
	size_t d = 0;
	unsigned char *seen = xcalloc(n, 1);
	size_t i;
	json_t *item;
	json_array_foreach(data, i, item)
	{
		json_t *emb = json_object_get(item, "embedding");
		json_t *idx = json_object_get(item, "index");
		size_t at = json_is_integer(idx) ? (size_t)json_integer_value(idx) : i;
		if (!json_is_array(emb) || !json_array_size(emb) || (d && json_array_size(emb) != d) ||
		    (json_is_integer(idx) && json_integer_value(idx) < 0) || at >= n || seen[at]) {
			free(seen);
			rc = fail(e, AI_FAIL_FORMAT, ERR_FORMAT,
			          "the embedding model \"%s\" at %s returned a damaged list: vector %zu %s", c->embed_model,
			          c->base_url, i + 1,
			          !json_is_array(emb) || !json_array_size(emb) ? "is missing or empty"
			          : d && json_array_size(emb) != d            ? "has another size than the first"
			                                                      : "has a wrong or repeated index");
			goto done;
		}
		if (!d) {
			d = json_array_size(emb);
			v = xcalloc(n, d * sizeof(float));
		}
		seen[at] = 1;
		size_t m;
		json_t *x;
		json_array_foreach(emb, m, x)
		{
			if (!json_is_number(x) || !isfinite(json_number_value(x))) {
				free(seen);
				rc = fail(e, AI_FAIL_FORMAT, ERR_FORMAT,
				          "the embedding model \"%s\" at %s returned a vector holding something else than "
				          "numbers (vector %zu)",
				          c->embed_model, c->base_url, i + 1);
				goto done;
			}
			v[at * d + m] = (float)json_number_value(x);
		}
	}
	free(seen);
	*out = v;
	*dim = d;
	v = NULL;
done:
	free(v);
	json_decref(j);
	call_release(&k);
	if (!rc)
		last_failure = AI_FAIL_NONE;
	return rc;
}

/* ---- the list of models ---- */

int ai_models(const struct ai_config *c, void **out_json, struct err *e)
{
	*out_json = NULL;
	struct call k;
	call_init(&k, c, "/models", "model", NULL);
	int rc = perform(&k, NULL, e);
	json_t *j = NULL;
	if (rc)
		goto done;
	if (!(j = parse_reply(&k, e))) {
		rc = ERR_FORMAT;
		goto done;
	}
	json_t *data = json_object_get(j, "data");
	if (!json_is_array(data)) {
		rc = fail(e, AI_FAIL_FORMAT, ERR_FORMAT,
		          "the reply of the model service at %s to /models is not a list of models (no \"data\")",
		          c->base_url);
		goto done;
	}
	json_t *names = json_array();
	size_t i;
	json_t *m;
	json_array_foreach(data, i, m)
	{
		const char *id = json_string_value(json_object_get(m, "id"));
		if (id)
			json_array_append_new(names, json_string(id));
	}
	*out_json = names;
done:
	json_decref(j);
	call_release(&k);
	if (!rc)
		last_failure = AI_FAIL_NONE;
	return rc;
}
