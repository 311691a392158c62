/* Opening and creating workspaces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/alloc.h"
#include "base/fs.h"
#include "hub/hub.h"
#include "store/db.h"
#include "text/analyse.h"
#include "territory/territory.h"
#include "base/banned.h"

char *hub_default_dir(const char *flag)
{
	if (flag && *flag)
		return xstrdup(flag);
	const char *env = getenv("ASURIF_WORKSPACE");
	if (env && *env)
		return xstrdup(env);
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && *xdg)
		return fs_join(xdg, "asurif");
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/share/asurif", home && *home ? home : ".");
}

int hub_init(const char *dir, struct err *e)
{
	static const char *const sub[] = {"files", "overrides"};
	int r = fs_mkdirs(dir, 0755, e);
	for (size_t i = 0; !r && i < ARRAY_SIZE(sub); i++) {
		char *p = fs_join(dir, sub[i]);
		r = fs_mkdirs(p, 0755, e);
		free(p);
	}
	if (!r) {
		char *keys = fs_join(dir, "keys");
		r = fs_mkdirs(keys, 0700, e);
		if (!r)
			chmod(keys, 0700);
		free(keys);
	}
	if (r)
		return r;
	char *db_path = fs_join(dir, "asurif.db");
	sqlite3 *db = NULL;
	r = db_open(db_path, 1, &db, e);
	if (!r) {
		char *v = db_meta_get(db, "analyser_version");
		if (!v) {
			char num[16];
			snprintf(num, sizeof(num), "%d", ANALYSER_VERSION);
			r = db_meta_set(db, "analyser_version", num, e);
		}
		free(v);
		if (!r)
			r = territory_load(db, e);
	}
	db_close(db);
	free(db_path);
	return r;
}

int hub_open(const char *dir, struct hub **out, struct err *e)
{
	*out = NULL;
	char *db_path = fs_join(dir, "asurif.db");
	if (!fs_exists(db_path)) {
		free(db_path);
		return err_set(e, ERR_NOTFOUND, "%s: no workspace here; create one with: asurif init %s", dir, dir);
	}
	sqlite3 *db = NULL;
	int r = db_open(db_path, 0, &db, e);
	if (r) {
		free(db_path);
		return r;
	}
	struct hub *h = xcalloc(1, sizeof(*h));
	h->dir = xstrdup(dir);
	h->db_path = db_path;
	h->db = db;
	h->an = analyser_new();
	*out = h;
	return 0;
}

void hub_close(struct hub *h)
{
	if (!h)
		return;
	hub_search_cache_free(h);
	hub_stats_cache_free(h);
	if (h->vector_cache_free)
		h->vector_cache_free(h);
	db_close(h->db);
	analyser_free(h->an);
	free(h->dir);
	free(h->db_path);
	free(h);
}
