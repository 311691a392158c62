/*
 * Responses written as they come: another thread writes pieces (a model's answer, as
 * server-sent events) and the server sends each one at once. The connection is suspended
 * in libmicrohttpd while there is nothing to send and resumed by the next write, so a
 * waiting stream holds no worker thread. When the browser goes away (or the server
 * stops), the stream is marked cancelled: the writer sees it and stops its work.
 */
#ifndef WEB_STREAM_H
#define WEB_STREAM_H
#include <stddef.h>

struct req;
struct web_stream;
struct MHD_Response;

/* A new stream, owned by the writer (release it when done) and by the response. */
struct web_stream *web_stream_new(void);
/* Appends bytes to send (any thread). Returns -1 once the stream is cancelled. */
int web_stream_write(struct web_stream *s, const char *data, size_t n);
/* One server-sent event: "event: NAME" and the data's lines. -1 once cancelled. */
int web_stream_event(struct web_stream *s, const char *event, const char *data);
/* No more data: the response ends after what was written. */
void web_stream_end(struct web_stream *s);
int web_stream_cancelled(struct web_stream *s);
/* The writer lets go (after web_stream_end). */
void web_stream_release(struct web_stream *s);

/* The handler's response is the stream (content type ctype); takes the response's reference. */
int resp_stream(struct req *r, const char *ctype, struct web_stream *s);
/* For server.c: the libmicrohttpd response of a request answered with resp_stream. */
struct MHD_Response *web_stream_response(struct req *r);
/* For server.c, when stopping: every stream cancelled and its connection resumed. */
void web_streams_stop(void);
#endif
