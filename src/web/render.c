/* Pages: templates from data/web/templates/ (or the workspace's overrides), the common values, the layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/embed.h"
#include "base/fs.h"
#include "base/i18n.h"
#include "base/mustache.h"
#include "web/internal.h"
#include "base/banned.h"

const char *T(struct req *r, const char *key)
{
	return i18n_get(r->web->i18n, r->lang ? r->lang : "ar", key);
}

/* Compiled templates, kept for the life of the server (they never change while it runs). */
struct compiled {
	char *name;
	char *src; /* owned source, for partial lookups */
	size_t len;
	struct mustache_tmpl *tmpl;
};

#define MAX_TEMPLATES 256
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct compiled cache[MAX_TEMPLATES]; /* entries never move once made */
static size_t ncache;

/* The source of template NAME: the workspace's override if there is one, else the built-in one. */
static char *load_source(struct web *w, const char *name, size_t *len)
{
	char *rel = xasprintf("web/templates/%s.mustache", name);
	char *path = fs_join(w->overrides, rel);
	struct buf b = BUF_INIT;
	char *src = NULL;
	if (fs_exists(path) && fs_read_file(path, 1u << 20, &b, NULL) == 0) {
		*len = b.len;
		src = buf_detach(&b);
	} else {
		const struct embed_file *f = embed_find(rel);
		if (f) {
			src = xstrndup((const char *)f->data, f->size);
			*len = f->size;
		}
	}
	buf_release(&b);
	free(path);
	free(rel);
	return src;
}

/* Looks among the first n entries; entries are complete before n counts them. */
static const struct compiled *template_lookup(const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cache[i].name, name))
			return &cache[i];
	return NULL;
}

static const struct compiled *template_get(struct web *w, const char *name, struct err *e)
{
	/* Every page renders several templates: reading the cache takes no lock. */
	const struct compiled *found = template_lookup(name, __atomic_load_n(&ncache, __ATOMIC_ACQUIRE));
	if (found)
		return found;
	pthread_mutex_lock(&cache_mu);
	found = template_lookup(name, ncache);
	if (found) {
		pthread_mutex_unlock(&cache_mu);
		return found;
	}
	size_t len = 0;
	char *src = load_source(w, name, &len);
	struct mustache_tmpl *t = src ? mustache_compile(src, len, e) : NULL;
	if (!src)
		err_set(e, ERR_NOTFOUND, "there is no page template \"%s\"", name);
	if (!t) {
		free(src);
		pthread_mutex_unlock(&cache_mu);
		return NULL;
	}
	if (ncache >= MAX_TEMPLATES)
		BUG("more than %d page templates", MAX_TEMPLATES);
	struct compiled *c = &cache[ncache];
	c->name = xstrdup(name);
	c->src = src;
	c->len = len;
	c->tmpl = t;
	__atomic_store_n(&ncache, ncache + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&cache_mu);
	return c;
}

static int partial_source(void *ctx, const char *name, const char **src, size_t *len)
{
	struct web *w = ctx;
	struct err e = ERR_INIT;
	const struct compiled *c = template_get(w, name, &e);
	if (!c)
		return -1;
	*src = c->src;
	*len = c->len;
	return 0;
}

/* The strings of a language as one object, made once per language and shared (read without a lock). */
#define MAX_LANGS 8
static pthread_mutex_t strings_mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *string_tables[MAX_LANGS];
static char string_langs[MAX_LANGS][8];
static size_t nstrings;

static json_t *strings_for(struct web *w, const char *lang)
{
	size_t n = __atomic_load_n(&nstrings, __ATOMIC_ACQUIRE);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(string_langs[i], lang))
			return json_incref(string_tables[i]);
	pthread_mutex_lock(&strings_mu);
	json_t *t = NULL;
	for (size_t i = 0; i < nstrings && !t; i++)
		if (!strcmp(string_langs[i], lang))
			t = string_tables[i];
	if (!t && nstrings < MAX_LANGS && strlen(lang) < sizeof(string_langs[0])) {
		t = i18n_table(w->i18n, lang);
		snprintf(string_langs[nstrings], sizeof(string_langs[0]), "%s", lang);
		string_tables[nstrings] = t;
		__atomic_store_n(&nstrings, nstrings + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&strings_mu);
	return t ? json_incref(t) : json_object();
}

static json_t *common(struct req *r, const char *title_key, json_t *ctx)
{
	struct web *w = r->web;
	json_object_set_new(ctx, "t", strings_for(w, r->lang));
	json_object_set_new(ctx, "lang", json_string(r->lang));
	json_object_set_new(ctx, "dir", json_string(i18n_direction(r->lang)));
	json_object_set_new(ctx, "csrf", json_string(r->csrf));
	json_object_set_new(ctx, "path", json_string(r->path));
	if (title_key)
		json_object_set_new(ctx, "title", json_string(T(r, title_key)));
	if (r->user.role != ROLE_NONE) {
		json_object_set_new(ctx, "user",
				    json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "login", r->user.login, "name",
					      r->user.name[0] ? r->user.name : r->user.login, "role", role_name(r->user.role),
					      "can_contribute", r->user.role >= ROLE_MEMBER, "is_coordinator",
					      r->user.role >= ROLE_COORDINATOR, "is_admin", r->user.role >= ROLE_ADMIN,
					      "is_viewer", r->user.role == ROLE_VIEWER));
	}
	json_t *langs = json_array();
	const char *const *codes = NULL;
	size_t n = i18n_languages(w->i18n, &codes);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(langs, json_pack("{s:s, s:s, s:s, s:b}", "code", codes[i], "name",
						       i18n_language_name(codes[i]), "dir", i18n_direction(codes[i]),
						       "current", !strcmp(codes[i], r->lang)));
	json_object_set_new(ctx, "languages", langs);
	json_t *assets = json_object();
	for (size_t i = 0; i < w->nassets; i++) {
		const struct asset *a = &w->assets[i];
		const char *base = strrchr(a->path, '/') + 1;
		char key[64];
		size_t k = 0;
		for (const char *p = base; *p && k + 1 < sizeof(key); p++)
			key[k++] = (*p == '.' || *p == '-') ? '_' : *p;
		key[k] = '\0';
		char *url = xasprintf("%s?v=%s", a->path, a->hash);
		json_object_set_new(assets, key, json_string(url));
		free(url);
	}
	json_object_set_new(ctx, "assets", assets);
	const char *flash = req_cookie(r, "asurif_flash");
	if (flash && *flash) {
		/* flash cookies hold an i18n key, never text from elsewhere */
		json_object_set_new(ctx, "flash", json_string(T(r, flash)));
		resp_cookie(r, "asurif_flash", "", 0);
	}
	return ctx;
}

static int render(struct req *r, int status, const char *name, const char *title_key, json_t *ctx)
{
	struct err e = ERR_INIT;
	const struct compiled *c = template_get(r->web, name, &e);
	if (!ctx)
		ctx = json_object();
	if (!c) {
		json_decref(ctx);
		fprintf(stderr, "asurif: page %s: %s\n", name, e.msg);
		return -1;
	}
	common(r, title_key, ctx);
	struct mustache_opts o = {MUSTACHE_ESCAPE_HTML, partial_source, r->web, 0, 0};
	buf_reset(&r->out);
	int rc = mustache_tmpl_render(c->tmpl, ctx, &o, &r->out, &e);
	json_decref(ctx);
	if (rc) {
		fprintf(stderr, "asurif: page %s: %s\n", name, e.msg);
		return -1;
	}
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
	return 0;
}

int render_page(struct req *r, int status, const char *name, const char *title_key, json_t *ctx)
{
	return render(r, status, name, title_key, ctx);
}

int render_fragment(struct req *r, int status, const char *name, json_t *ctx)
{
	return render(r, status, name, NULL, ctx);
}
