/* What the server's files share: the server-wide state and the page renderer. */
#ifndef WEB_INTERNAL_H
#define WEB_INTERNAL_H
#include <jansson.h>
#include <pthread.h>

#include "web/http.h"
#include "web/web.h"

struct i18n;
struct vault;

struct asset {
	const char *path; /* "/static/app.css" */
	const char *ctype;
	char *data;       /* owned */
	size_t size;
	char hash[17];    /* of the content: links carry ?v=hash, so browsers may keep it a year */
};

struct web {
	struct web_config cfg;
	char *dir;            /* the workspace */
	char *overrides;      /* dir/overrides */
	char *tmp;            /* dir/tmp: uploads in progress */
	struct i18n *i18n;
	struct asset *assets;
	size_t nassets;
	pthread_mutex_t hubs_mu;
	struct hub **hubs;    /* one per worker thread, closed at the end */
	size_t nhubs, hubs_alloc;
	int secure_cookies;
	struct vault *vault;  /* the key of personal data, opened on first use (pages_sign.c), closed at the end */
};

/* The page at template (data/web/templates/NAME.mustache, or the workspace's override)
 * inside the layout, with ctx (taken) completed by the common values: t (strings of the
 * language), user, csrf, lang, dir, nav, assets, flash. */
int render_page(struct req *r, int status, const char *name, const char *title_key, json_t *ctx);
/* The same, without the layout (fragments, e.g. for a script). */
int render_fragment(struct req *r, int status, const char *name, json_t *ctx);
/* A string of the interface in the request's language. */
const char *T(struct req *r, const char *key);
const struct asset *web_asset(struct web *w, const char *path);
int web_assets_load(struct web *w, struct err *e);
void web_assets_free(struct web *w);
#endif
