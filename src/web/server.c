/*
 * The HTTP server: libmicrohttpd with a pool of threads. Each request goes
 * through: route lookup → who is asking (session cookie or API key) → role check →
 * body (size-capped; forms and files streamed to disk) → CSRF check → handler →
 * response with the security headers. Nothing is read from a body before the
 * route, the role and the size are known to be acceptable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/escape.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "hub/hub.h"
#include "petition/vault.h"
#include "store/db.h"
#include "web/internal.h"
#include "web/routes.h"
#include "web/stream.h"
#include "base/banned.h"

#define FORM_MAX (64u << 10)
#define FIELD_MAX (32u << 10)
#define JSON_MAX (1u << 20)

/* ---- one database connection per worker thread ---- */

static _Thread_local struct hub *thread_hub;

static struct hub *hub_for_thread(struct web *w)
{
	if (thread_hub)
		return thread_hub;
	struct err e = ERR_INIT;
	if (hub_open(w->dir, &thread_hub, &e)) {
		fprintf(stderr, "asurif: %s\n", e.msg);
		return NULL;
	}
	pthread_mutex_lock(&w->hubs_mu);
	w->hubs = xgrow(w->hubs, &w->hubs_alloc, w->nhubs + 1, sizeof(*w->hubs));
	w->hubs[w->nhubs++] = thread_hub;
	pthread_mutex_unlock(&w->hubs_mu);
	return thread_hub;
}

/* ---- requests ---- */

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	for (size_t i = 0; i < r->nfields; i++) {
		free(r->fields[i].name);
		free(r->fields[i].value);
	}
	free(r->fields);
	for (size_t i = 0; i < r->nuploads; i++) {
		struct upload *u = &r->uploads[i];
		if (u->fd >= 0)
			close(u->fd);
		if (u->path)
			unlink(u->path);
		free(u->field);
		free(u->filename);
		free(u->path);
	}
	free(r->uploads);
	if (r->tmpdir)
		rmdir(r->tmpdir);
	free(r->tmpdir);
	for (int i = 0; i < r->nparams; i++)
		free(r->params[i]);
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->file);
	free(r->flash);
	buf_release(&r->body);
	buf_release(&r->out);
	free(r);
}

static const char *value_of(struct req *r, enum MHD_ValueKind kind, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->conn, kind, name);
	if (v && utf8_validate(v, strlen(v), NULL, NULL))
		return NULL;
	return v;
}

const char *req_query(struct req *r, const char *name)
{
	return value_of(r, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct req *r, const char *name)
{
	return value_of(r, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return value_of(r, MHD_COOKIE_KIND, name);
}

const char *req_field(struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name))
			return r->fields[i].value;
	return NULL;
}

const char *req_param(struct req *r, int i)
{
	return i < r->nparams ? r->params[i] : NULL;
}

long long req_int(const char *s, long long def)
{
	if (!s || !*s)
		return def;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	return (*end || v < 0) ? def : v;
}

/* ---- forms and files ---- */

static char *safe_filename(const char *name)
{
	/* Only the base name, without characters that mean something to a shell or a path. */
	const char *b = name ? strrchr(name, '/') : NULL;
	b = b ? b + 1 : (name ? name : "");
	const char *bs = strrchr(b, '\\');
	if (bs)
		b = bs + 1;
	struct buf out = BUF_INIT;
	for (const char *p = b; *p && out.len < 180; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
		    c == '>' || c == '|')
			buf_appendc(&out, '_');
		else
			buf_appendc(&out, (char)c);
	}
	if (!out.len || !strcmp(buf_str(&out), ".") || !strcmp(buf_str(&out), ".."))
		buf_appends(&out, "document");
	size_t ok = out.len;
	if (utf8_validate(out.data, out.len, NULL, NULL))
		ok = 0;
	char *s = ok ? buf_detach(&out) : xstrdup("document");
	buf_release(&out);
	return s;
}

static enum MHD_Result on_post_data(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				    const char *content_type, const char *transfer_encoding, const char *data,
				    uint64_t off, size_t size)
{
	struct req *r = cls;
	(void)kind, (void)content_type, (void)transfer_encoding;
	if (!key)
		return MHD_YES;
	if (filename && (r->route->flags & ROUTE_UPLOAD)) {
		struct upload *u = r->nuploads ? &r->uploads[r->nuploads - 1] : NULL;
		if (!u || off == 0 || strcmp(u->field, key)) {
			if (!r->tmpdir) {
				char tmpl[64];
				snprintf(tmpl, sizeof(tmpl), "upload-XXXXXX");
				char *path = fs_join(r->web->tmp, tmpl);
				if (!mkdtemp(path)) {
					free(path);
					r->bad_body = 1;
					return MHD_NO;
				}
				r->tmpdir = path;
			}
			r->uploads = xgrow(r->uploads, &r->uploads_alloc, r->nuploads + 1, sizeof(*r->uploads));
			u = &r->uploads[r->nuploads++];
			memset(u, 0, sizeof(*u));
			u->field = xstrdup(key);
			u->filename = safe_filename(filename);
			/* The file keeps its own name (titles come from it); a second one of that name gets a number. */
			u->path = fs_join(r->tmpdir, u->filename);
			if (fs_exists(u->path)) {
				free(u->path);
				char *name = xasprintf("%zu-%s", r->nuploads, u->filename);
				u->path = fs_join(r->tmpdir, name);
				free(name);
			}
			u->fd = open(u->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (u->fd < 0) {
				r->bad_body = 1;
				return MHD_NO;
			}
		}
		size_t done = 0;
		while (done < size) {
			ssize_t k = write(u->fd, data + done, size - done);
			if (k < 0) {
				if (errno == EINTR)
					continue;
				r->bad_body = 1;
				return MHD_NO;
			}
			done += (size_t)k;
		}
		u->size += size;
		return MHD_YES;
	}
	/* An ordinary field, possibly in pieces. */
	struct field *f = r->nfields ? &r->fields[r->nfields - 1] : NULL;
	if (!f || off == 0 || strcmp(f->name, key)) {
		r->fields = xgrow(r->fields, &r->fields_alloc, r->nfields + 1, sizeof(*r->fields));
		f = &r->fields[r->nfields++];
		f->name = xstrdup(key);
		f->value = xstrdup("");
	}
	size_t have = strlen(f->value);
	if (have + size > FIELD_MAX) {
		r->too_large = 1;
		return MHD_NO;
	}
	f->value = xrealloc(f->value, have + size + 1);
	memcpy(f->value + have, data, size);
	f->value[have + size] = '\0';
	return MHD_YES;
}

/* Fields must be text: a field with bytes that are not UTF-8 (or a NUL) makes the request bad. */
static int fields_valid(struct req *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const char *v = r->fields[i].value;
		if (utf8_validate(v, strlen(v), NULL, NULL) || utf8_validate(r->fields[i].name, strlen(r->fields[i].name), NULL, NULL))
			return 0;
	}
	return 1;
}

/* ---- responses ---- */

void resp_header(struct req *r, const char *name, const char *value)
{
	r->headers = xgrow(r->headers, &r->headers_alloc, r->nheaders + 1, sizeof(*r->headers));
	r->headers[r->nheaders].name = xstrdup(name);
	r->headers[r->nheaders].value = xstrdup(value);
	r->nheaders++;
}

void resp_cookie(struct req *r, const char *name, const char *value, long max_age)
{
	char *c = max_age >= 0 ? xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", name, value,
					   max_age, r->web->secure_cookies ? "; Secure" : "")
			       : xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict%s", name, value,
					   r->web->secure_cookies ? "; Secure" : "");
	resp_header(r, "Set-Cookie", c);
	free(c);
}

int resp_redirect(struct req *r, const char *location)
{
	/* Only paths of this site: never an open redirect. */
	const char *to = (location && location[0] == '/' && location[1] != '/' && location[1] != '\\') ? location : "/";
	for (const char *p = to; *p; p++)
		if ((unsigned char)*p < 0x20)
			to = "/";
	r->status = 303;
	resp_header(r, "Location", to);
	buf_reset(&r->out);
	r->ctype = "text/plain; charset=utf-8";
	return 0;
}

int resp_json(struct req *r, int status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	buf_reset(&r->out);
	buf_appends(&r->out, s ? s : "null");
	free(s);
	return 0;
}

int resp_text(struct req *r, int status, const char *ctype, const char *text, size_t n)
{
	r->status = status;
	r->ctype = ctype;
	buf_reset(&r->out);
	buf_append(&r->out, text, n);
	return 0;
}

int resp_error(struct req *r, int status, const char *key)
{
	if (r->api)
		return resp_json(r, status, json_pack("{s:s, s:i}", "error", T(r, key), "status", status));
	json_t *ctx = json_pack("{s:s, s:i}", "message", T(r, key), "status", status);
	if (render_page(r, status, "error", "error_title", ctx))
		return resp_text(r, status, "text/plain; charset=utf-8", T(r, key), strlen(T(r, key)));
	return 0;
}

void html_text(struct buf *b, const char *s)
{
	escape_markup(b, s);
}

static const char CSP[] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			  "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
			  "form-action 'self'; frame-ancestors 'none'";

static enum MHD_Result respond(struct req *r)
{
	struct MHD_Response *resp = NULL;
	if (r->file) {
		int fd = open(r->file, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
		} else {
			if (fd >= 0)
				close(fd);
			resp_error(r, 404, "error_not_found");
		}
	}
	if (!resp && r->stream)
		resp = web_stream_response(r);
	if (!resp)
		resp = MHD_create_response_from_buffer(r->out.len, r->out.data ? r->out.data : (void *)"",
						       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control",
				r->cacheable ? "public, max-age=31536000, immutable" : "no-store");
	for (size_t i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)(r->status ? r->status : 200), resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---- who is asking ---- */

static void identify(struct req *r)
{
	struct err e = ERR_INIT;
	const char *auth = req_header(r, "Authorization");
	if (auth && !strncmp(auth, "Bearer ", 7)) {
		if (account_token_user(r->hub->db, auth + 7, &r->user, &e) == 0)
			r->via_token = 1;
		else
			memset(&r->user, 0, sizeof(r->user));
		return;
	}
	const char *sid = req_cookie(r, "asurif_session");
	if (sid && account_session_get(r->hub->db, sid, &r->user, r->csrf, &e) == 0) {
		snprintf(r->session, sizeof(r->session), "%s", sid);
		return;
	}
	memset(&r->user, 0, sizeof(r->user));
	/* Nobody signed in: forms still carry a token, matched against a cookie (double submit). */
	const char *pre = req_cookie(r, "asurif_csrf");
	if (pre && strlen(pre) == TOKEN_CHARS) {
		snprintf(r->csrf, sizeof(r->csrf), "%s", pre);
	} else {
		char tok[TOKEN_CHARS + 1], ignore[TOKEN_CHARS + 1];
		(void)ignore;
		unsigned char raw[32];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(tok, sizeof(tok), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE);
		snprintf(r->csrf, sizeof(r->csrf), "%s", tok);
		resp_cookie(r, "asurif_csrf", tok, -1);
	}
}

/*
 * The interface language: the person's choice (their account, else the cookie the
 * language menu sets), else Arabic — the product's default, whatever the browser asks.
 */
static void choose_lang(struct req *r)
{
	const char *l = NULL;
	if (r->user.role != ROLE_NONE && r->user.lang[0] && i18n_language_name(r->user.lang))
		l = r->user.lang;
	if (!l) {
		l = req_cookie(r, "asurif_lang"); /* lives as long as the connection */
		if (l && !i18n_language_name(l))
			l = NULL;
	}
	r->lang = l ? l : "ar";
}

static int csrf_ok(struct req *r)
{
	if (r->via_token)
		return 1;
	const char *given = req_field(r, "csrf");
	if (!given)
		given = req_header(r, "X-CSRF-Token");
	return given && r->csrf[0] && strlen(given) == strlen(r->csrf) &&
	       sodium_memcmp(given, r->csrf, strlen(r->csrf)) == 0;
}

/* ---- the access handler ---- */

static enum MHD_Result finish(struct req *r)
{
	if (r->too_large)
		resp_error(r, 413, "error_too_large");
	else if (r->bad_body || !fields_valid(r))
		resp_error(r, 400, "error_bad_request");
	else if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD") && !(r->route->flags & ROUTE_NO_CSRF) &&
		 !csrf_ok(r))
		resp_error(r, 403, "error_csrf");
	else if ((r->route->flags & ROUTE_JSON) && r->body.len && !json_loadb(r->body.data, r->body.len, 0, NULL))
		resp_error(r, 400, "error_bad_request");
	else {
		/* A page that only reads sees one snapshot of the hub, and its queries share one read transaction. */
		int reading = !strcmp(r->method, "GET") && sqlite3_get_autocommit(r->hub->db) &&
			      sqlite3_exec(r->hub->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
		int failed = r->route->handler(r);
		if (reading)
			sqlite3_exec(r->hub->db, "COMMIT", NULL, NULL, NULL);
		if (failed)
			resp_error(r, 500, "error_server");
	}
	if (r->flash)
		resp_cookie(r, "asurif_flash", r->flash, 60);
	return respond(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct web *w = cls;
	struct req *r = *con_cls;
	(void)version;
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		*con_cls = r;
		r->conn = conn;
		r->web = w;
		r->method = method;
		r->path = url;
		r->status = 200;
		r->api = !strncmp(url, "/api/", 5);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->ip, sizeof(r->ip));
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->ip, sizeof(r->ip));
		}
		r->hub = hub_for_thread(w);
		r->lang = "ar";
		if (!r->hub || utf8_validate(url, strlen(url), NULL, NULL)) {
			r->started = 1;
			r->too_large = 0;
			if (!r->hub)
				return resp_text(r, 503, "text/plain; charset=utf-8", "unavailable", 11), respond(r);
			r->route = NULL;
			resp_error(r, 400, "error_bad_request");
			return respond(r);
		}
		identify(r);
		choose_lang(r);
		int known = 0;
		r->route = route_find(method, url, r->params, &r->nparams, &known);
		if (!r->route) {
			resp_error(r, known ? 405 : 404, known ? "error_bad_request" : "error_not_found");
			return respond(r);
		}
		if (r->user.role < r->route->min_role && !(r->route->flags & ROUTE_OPEN)) {
			if (r->user.role == ROLE_NONE && !r->api) {
				char *to = xasprintf("/signin?next=%s", url);
				resp_redirect(r, "/signin");
				free(to);
			} else {
				resp_error(r, r->user.role == ROLE_NONE ? 401 : 403, "error_forbidden");
			}
			return respond(r);
		}
		r->body_max = r->route->max_body ? r->route->max_body
			      : (r->route->flags & ROUTE_UPLOAD) ? w->cfg.max_upload
			      : (r->route->flags & ROUTE_JSON) ? JSON_MAX
							       : FORM_MAX;
		const char *cl = req_header(r, "Content-Length");
		if (cl && (unsigned long long)req_int(cl, 0) > r->body_max) {
			resp_error(r, 413, "error_too_large");
			return respond(r);
		}
		if (r->route->flags & (ROUTE_FORM | ROUTE_UPLOAD)) {
			r->pp = MHD_create_post_processor(conn, 64 * 1024, on_post_data, r);
		}
		buf_init(&r->body, JSON_MAX);
		return MHD_YES;
	}
	if (*upload_data_size) {
		r->body_seen += *upload_data_size;
		if (r->body_seen > r->body_max)
			r->too_large = 1;
		if (!r->too_large && !r->bad_body) {
			if (r->pp) {
				if (MHD_post_process(r->pp, upload_data, *upload_data_size) != MHD_YES && !r->too_large)
					r->bad_body = 1;
			} else if (r->route->flags & ROUTE_JSON) {
				if (buf_append(&r->body, upload_data, *upload_data_size))
					r->too_large = 1;
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	for (size_t i = 0; i < r->nuploads; i++) {
		if (r->uploads[i].fd >= 0) {
			close(r->uploads[i].fd);
			r->uploads[i].fd = -1;
		}
	}
	return finish(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)conn, (void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
}

/* ---- starting and stopping ---- */

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, int *v6, struct err *e)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen)
		return err_set(e, ERR_USAGE, "--listen wants ADDRESS:PORT, e.g. 127.0.0.1:8080, not \"%s\"", listen);
	long port = strtol(colon + 1, NULL, 10);
	if (port <= 0 || port > 65535)
		return err_set(e, ERR_USAGE, "the port in \"%s\" is not a number from 1 to 65535", listen);
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof(host))
		return err_set(e, ERR_USAGE, "the address in \"%s\" is too long", listen);
	memcpy(host, listen, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return err_set(e, ERR_USAGE, "\"%s\" is not an IPv6 address", host + 1);
		*len = sizeof(*s6);
		*v6 = 1;
		return 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((unsigned short)port);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return err_set(e, ERR_USAGE, "\"%s\" is not an IPv4 address (e.g. 127.0.0.1 or 0.0.0.0)", host);
	*len = sizeof(*s4);
	*v6 = 0;
	return 0;
}

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return 0;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	(void)cls, (void)fmt, (void)ap; /* libmicrohttpd's own notes (client hung up...) are not for the user */
}

int web_serve(const struct web_config *cfg, struct err *e)
{
	struct web w;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	int v6 = 0, r = 0;
	struct hub *main_hub = NULL;
	char *secret = NULL;

	memset(&w, 0, sizeof(w));
	w.cfg = *cfg;
	if (!w.cfg.listen)
		w.cfg.listen = "127.0.0.1:8080";
	if (!w.cfg.max_upload)
		w.cfg.max_upload = 100u << 20;
	if (!w.cfg.max_connections)
		w.cfg.max_connections = 256;
	if (!w.cfg.timeout)
		w.cfg.timeout = 60;
	if (w.cfg.threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		w.cfg.threads = n < 2 ? 2 : n > 16 ? 16 : (int)n;
	}
	if (parse_listen(w.cfg.listen, &ss, &sslen, &v6, e))
		return ERR_USAGE;
	if ((r = hub_open(cfg->workspace, &main_hub, e)))
		return r;
	w.dir = xstrdup(cfg->workspace);
	w.overrides = fs_join(w.dir, "overrides");
	w.tmp = fs_join(w.dir, "tmp");
	pthread_mutex_init(&w.hubs_mu, NULL);
	if ((r = fs_mkdirs(w.tmp, 0700, e)))
		goto done;
	if ((r = i18n_load(&w.i18n, w.overrides, e))) {
		if (!w.i18n)
			goto done;
		/* A mistake in the workspace's own strings: say so, and use the built-in ones. */
		fprintf(stderr, "asurif: warning: %s (the built-in text is used instead)\n", e->msg);
		r = 0;
	}
	if ((r = web_assets_load(&w, e)))
		goto done;
	if ((r = account_setup_secret(main_hub->db, &secret, e)))
		goto done;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, &w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)w.cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)w.cfg.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)w.cfg.timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, &w, MHD_OPTION_EXTERNAL_LOGGER, log_mhd,
		NULL, MHD_OPTION_END);
	if (!d) {
		r = err_set(e, ERR_IO, "cannot listen on %s (is another program using it?)", w.cfg.listen);
		goto done;
	}
	char url[200];
	snprintf(url, sizeof(url), "http://%s/", w.cfg.listen);
	if (!is_loopback(&ss))
		fprintf(stderr, "asurif: warning: listening on %s — other machines on the network can reach this "
				"server. Use --listen 127.0.0.1:PORT to keep it to this computer.\n",
			w.cfg.listen);
	if (cfg->ready)
		cfg->ready(cfg->ready_ctx, url, secret);
	while (!stopping)
		pause();
	/* Stop taking new connections, let the ones in flight finish (up to 30 s). */
	MHD_socket ls = MHD_quiesce_daemon(d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	web_streams_stop(); /* answers being written stop; their connections must not stay suspended */
	for (int i = 0; i < 300; i++) {
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || info->num_connections == 0)
			break;
		usleep(100 * 1000);
	}
	MHD_stop_daemon(d);
done:
	for (size_t i = 0; i < w.nhubs; i++)
		hub_close(w.hubs[i]);
	free(w.hubs);
	pthread_mutex_destroy(&w.hubs_mu);
	hub_close(main_hub);
	vault_close(w.vault);
	web_assets_free(&w);
	if (w.i18n)
		i18n_free(w.i18n);
	free(secret);
	free(w.dir);
	free(w.overrides);
	free(w.tmp);
	return r;
}
