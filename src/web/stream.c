/* Responses written as they come, by another thread (see stream.h). */
#include "web/stream.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "web/http.h"
#include "base/banned.h"

struct web_stream {
	pthread_mutex_t mu;
	struct buf data;
	size_t sent;
	int refs, ended, cancelled, suspended;
	struct MHD_Connection *conn;
	struct web_stream *next, *prev; /* every live stream, for stopping */
};

static pthread_mutex_t all_mu = PTHREAD_MUTEX_INITIALIZER;
static struct web_stream *all;

struct web_stream *web_stream_new(void)
{
	struct web_stream *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->refs = 2;
	pthread_mutex_lock(&all_mu);
	s->next = all;
	if (all)
		all->prev = s;
	all = s;
	pthread_mutex_unlock(&all_mu);
	return s;
}

/* With s->mu held: lets the server send again. */
static void wake(struct web_stream *s)
{
	if (s->suspended && s->conn) {
		s->suspended = 0;
		MHD_resume_connection(s->conn);
	}
}

int web_stream_write(struct web_stream *s, const char *data, size_t n)
{
	pthread_mutex_lock(&s->mu);
	int rc = s->cancelled ? -1 : 0;
	if (!rc) {
		/* What was sent is dropped once the buffer grows large. */
		if (s->sent && s->sent == s->data.len) {
			buf_reset(&s->data);
			s->sent = 0;
		}
		buf_append(&s->data, data, n);
		wake(s);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int web_stream_event(struct web_stream *s, const char *event, const char *data)
{
	struct buf b = {0};
	buf_appendf(&b, "event: %s\n", event);
	for (const char *p = data;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		buf_appends(&b, "data: ");
		buf_append(&b, p, len);
		buf_appendc(&b, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	buf_appendc(&b, '\n');
	int rc = web_stream_write(s, b.data, b.len);
	buf_release(&b);
	return rc;
}

void web_stream_end(struct web_stream *s)
{
	pthread_mutex_lock(&s->mu);
	s->ended = 1;
	wake(s);
	pthread_mutex_unlock(&s->mu);
}

int web_stream_cancelled(struct web_stream *s)
{
	pthread_mutex_lock(&s->mu);
	int c = s->cancelled;
	pthread_mutex_unlock(&s->mu);
	return c;
}

void web_stream_release(struct web_stream *s)
{
	pthread_mutex_lock(&s->mu);
	int left = --s->refs;
	pthread_mutex_unlock(&s->mu);
	if (left)
		return;
	pthread_mutex_lock(&all_mu);
	if (s->prev)
		s->prev->next = s->next;
	else
		all = s->next;
	if (s->next)
		s->next->prev = s->prev;
	pthread_mutex_unlock(&all_mu);
	pthread_mutex_destroy(&s->mu);
	buf_release(&s->data);
	free(s);
}

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct web_stream *s = cls;
	pthread_mutex_lock(&s->mu);
	ssize_t n = 0;
	if (s->data.len > s->sent) {
		size_t k = s->data.len - s->sent < max ? s->data.len - s->sent : max;
		memcpy(out, s->data.data + s->sent, k);
		s->sent += k;
		n = (ssize_t)k;
	} else if (s->ended || s->cancelled) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		/* Nothing yet: the connection waits without a thread until the next write. */
		s->suspended = 1;
		MHD_suspend_connection(s->conn);
	}
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* The response is done with the stream: sent whole, or the browser went away. */
static void reader_free(void *cls)
{
	struct web_stream *s = cls;
	pthread_mutex_lock(&s->mu);
	s->cancelled |= !s->ended || s->sent < s->data.len;
	s->conn = NULL;
	pthread_mutex_unlock(&s->mu);
	web_stream_release(s);
}

int resp_stream(struct req *r, const char *ctype, struct web_stream *s)
{
	r->status = 200;
	r->ctype = ctype;
	r->stream = s;
	return 0;
}

struct MHD_Response *web_stream_response(struct req *r)
{
	struct web_stream *s = r->stream;
	r->stream = NULL;
	pthread_mutex_lock(&s->mu);
	s->conn = r->conn;
	pthread_mutex_unlock(&s->mu);
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, reader_free);
	if (!resp)
		reader_free(s);
	return resp;
}

void web_streams_stop(void)
{
	pthread_mutex_lock(&all_mu);
	for (struct web_stream *s = all; s; s = s->next) {
		pthread_mutex_lock(&s->mu);
		s->cancelled = 1;
		wake(s);
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_unlock(&all_mu);
}
