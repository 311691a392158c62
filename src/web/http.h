/*
 * One request and its response, as handlers see them. Handlers read the request
 * (query, form fields, uploaded files, the user), prepare a response with the resp_*
 * functions and return 0. Every string a handler gets from a request is valid
 * UTF-8 or NULL. Nothing reaches HTML but through the template engine or html_*().
 */
#ifndef WEB_HTTP_H
#define WEB_HTTP_H
#include <jansson.h>
#include <stddef.h>

#include "account/account.h"
#include "base/buf.h"

struct hub;
struct web;
struct route;
struct MHD_Connection;
struct MHD_PostProcessor;
struct web_stream;

struct field {
	char *name, *value;
};

struct upload {
	char *field;    /* the form field */
	char *filename; /* as the browser named it, reduced to a safe base name */
	char *path;     /* where its bytes are, in the workspace's tmp/ */
	size_t size;
	int fd;
};

struct header {
	char *name, *value;
};

struct req {
	struct MHD_Connection *conn;
	struct web *web;
	struct hub *hub;  /* this thread's connection to the workspace */
	const char *method;
	const char *path; /* without the query string */
	const struct route *route;
	char *params[4];  /* the {…} parts of the route's pattern */
	int nparams;
	char ip[64];
	int api;          /* under /api/: JSON errors, token or session */

	struct user user; /* role ROLE_NONE when nobody is signed in */
	int via_token;    /* signed in with an API key (no CSRF token needed) */
	char session[TOKEN_CHARS + 1];
	char csrf[TOKEN_CHARS + 1];
	const char *lang; /* the interface language */

	struct field *fields;
	size_t nfields, fields_alloc;
	struct upload *uploads;
	size_t nuploads, uploads_alloc;
	struct buf body;  /* a JSON body */
	struct MHD_PostProcessor *pp;
	size_t body_max, body_seen;
	int too_large, bad_body, started;
	char *tmpdir;

	int status;
	struct buf out;
	const char *ctype;
	struct header *headers;
	size_t nheaders, headers_alloc;
	char *file;        /* respond with this file's bytes instead of out */
	int cacheable;     /* static: cache for a year */
	char *flash;       /* a message for the next page (set as a cookie) */
	struct web_stream *stream; /* respond with what another thread writes (web/stream.h) */
};

const char *req_query(struct req *r, const char *name);
const char *req_field(struct req *r, const char *name);
const char *req_header(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_param(struct req *r, int i);
/* A whole non-negative number from a query or field value; def when absent or not a number. */
long long req_int(const char *s, long long def);

void resp_header(struct req *r, const char *name, const char *value);
/* 303 See Other to a path of this site (anything else goes to "/"). */
int resp_redirect(struct req *r, const char *location);
int resp_json(struct req *r, int status, json_t *v); /* takes v */
int resp_text(struct req *r, int status, const char *ctype, const char *text, size_t n);
/* An error: a page in the user's language, or {"error": ...} under /api/. key is an i18n key. */
int resp_error(struct req *r, int status, const char *key);
/* Sets a cookie: HttpOnly, SameSite=Strict, Path=/, Secure when served over TLS. max_age < 0: session cookie. */
void resp_cookie(struct req *r, const char *name, const char *value, long max_age);

/* HTML escaping for the rare text built outside templates. */
void html_text(struct buf *b, const char *s);
#endif
