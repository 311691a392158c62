/*
 * The web application: the HTTP server (libmicrohttpd, a pool of threads, one
 * database connection per thread), the route table with the role each route needs,
 * sessions and CSRF protection, and the pages. Surfaces only: the work is done by
 * the core modules (hub, account).
 */
#ifndef WEB_WEB_H
#define WEB_WEB_H
#include <stddef.h>

#include "base/err.h"

struct web_config {
	const char *workspace; /* folder */
	const char *listen;    /* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80"... */
	size_t max_upload;     /* bytes per upload request (default 100 MB) */
	int threads;           /* worker threads (default: number of cores, at least 2) */
	int max_connections;   /* default 256 */
	int timeout;           /* seconds a client may stay silent (default 60) */
	int quiet;             /* no start-up message */
	/* Called once the server listens (for tests and `make run`); may be NULL. */
	void (*ready)(void *ctx, const char *url, const char *setup_secret);
	void *ready_ctx;
};

/* Serves until SIGINT or SIGTERM, then lets requests in flight finish. */
int web_serve(const struct web_config *cfg, struct err *e);
#endif
