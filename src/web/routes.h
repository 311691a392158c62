/* The route table: method, path pattern, handler, the least role it needs. */
#ifndef WEB_ROUTES_H
#define WEB_ROUTES_H
#include <stddef.h>

#include "account/account.h"

struct req;

enum route_flags {
	ROUTE_FORM = 1,    /* takes a urlencoded or multipart body */
	ROUTE_UPLOAD = 2,  /* may take files (max_upload) */
	ROUTE_JSON = 4,    /* takes a JSON body */
	ROUTE_NO_CSRF = 8, /* never changes anything (e.g. a search form sent by POST) */
	ROUTE_OPEN = 16,   /* may be used by nobody signed in (sign-in, set-up, static files) */
};

struct route {
	const char *method;
	const char *pattern; /* "/documents/{}" : {} matches one path segment */
	int (*handler)(struct req *r);
	enum role min_role;
	int flags;
	size_t max_body; /* 0: 64 KB for forms; max_upload for uploads */
	const char *what; /* what it is for, in a few words */
};

extern const struct route routes[];
/* The route for method and path, filling params; NULL when none (*path_known: another method exists). */
const struct route *route_find(const char *method, const char *path, char *params[4], int *nparams, int *path_known);
#endif
