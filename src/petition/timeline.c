/* A campaign's petitions on its timeline (timeline.h). */
#include "petition/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "petition/check.h"
#include "store/db.h"
#include "base/banned.h"

static int kind_rank(json_t *o)
{
	const char *k = json_string_value(json_object_get(o, "kind"));
	return !strcmp(k, "filed") ? 0 : !strcmp(k, "deadline") ? 1 : 2;
}

static int by_date(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = petition_by_date(a, b);
	if (c)
		return c;
	c = kind_rank(x) - kind_rank(y);
	if (c)
		return c;
	return (int)(json_integer_value(json_object_get(x, "seq")) - json_integer_value(json_object_get(y, "seq")));
}

static json_t *opt_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_incref(v) : json_null();
}

int petition_timeline(sqlite3 *db, const char *overrides_dir, long long campaign_id, const char *today, json_t **out,
                      struct err *e)
{
	*out = NULL;
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM petitions WHERE campaign_id = ?1 AND filed_on IS NOT NULL "
	                                  "ORDER BY id");
	sqlite3_bind_int64(st, 1, campaign_id);
	long long *ids;
	size_t n;
	if (petition_ids_collect(st, &ids, &n) != SQLITE_DONE)
		return err_set(e, ERR_DB, "listing the petitions of campaign %lld: %s", campaign_id,
		               sqlite3_errmsg(db));
	json_t **items = NULL;
	size_t nitems = 0, ialloc = 0;
	for (size_t k = 0; k < n; k++) {
		json_t *p = NULL;
		struct err pe = ERR_INIT;
		if (petition_dates(db, overrides_dir, ids[k], today, &p, &pe))
			continue;
		json_t *title = opt_str(p, "title");
		json_t *filed =
		    json_pack("{s:O, s:s, s:I, s:O, s:s, s:o, s:o, s:i}", "date", json_object_get(p, "filed_on"),
		              "kind", "filed", "petition", (json_int_t)ids[k], "petition_title", title, "source",
		              "recorded", "channel", opt_str(p, "channel"), "receipt", opt_str(p, "receipt"), "seq", 0);
		items = xgrow(items, &ialloc, nitems + 1, sizeof(*items));
		items[nitems++] = filed;
		size_t i;
		json_t *d;
		json_array_foreach(json_object_get(p, "dates"), i, d)
		{
			json_t *item =
			    json_pack("{s:O, s:s, s:I, s:O, s:O, s:o, s:o, s:o, s:O, s:O, s:i}", "date",
			              json_object_get(d, "date"), "kind", "deadline", "petition", (json_int_t)ids[k],
			              "petition_title", title, "id", json_object_get(d, "id"), "label",
			              opt_str(d, "label"), "source", opt_str(d, "source"), "status",
			              opt_str(d, "status"), "overdue", json_object_get(d, "overdue"), "days_left",
			              json_object_get(d, "days_left"), "seq", (int)i + 1);
			items = xgrow(items, &ialloc, nitems + 1, sizeof(*items));
			items[nitems++] = item;
		}
		if (json_is_string(json_object_get(p, "decided_on"))) {
			json_t *item = json_pack("{s:O, s:s, s:I, s:O, s:s, s:O, s:o, s:i}", "date",
			                         json_object_get(p, "decided_on"), "kind", "decision", "petition",
			                         (json_int_t)ids[k], "petition_title", title, "source", "recorded",
			                         "decision", json_object_get(p, "status"), "reasons",
			                         opt_str(p, "decision_reasons"), "seq", 0);
			items = xgrow(items, &ialloc, nitems + 1, sizeof(*items));
			items[nitems++] = item;
		}
		json_decref(title);
		json_decref(p);
	}
	free(ids);
	if (nitems)
		qsort(items, nitems, sizeof(*items), by_date);
	json_t *a = json_array();
	for (size_t k = 0; k < nitems; k++) {
		json_object_del(items[k], "seq");
		json_array_append_new(a, items[k]);
	}
	free(items);
	*out = a;
	return 0;
}
