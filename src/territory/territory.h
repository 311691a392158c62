/*
 * Morocco's territories: 12 regions, their provinces and prefectures, and their
 * communes, with names in Arabic and French and the 2024 census population, from
 * data/territory/ (see its README for sources). Campaigns and petitions target them.
 */
#ifndef TERRITORY_TERRITORY_H
#define TERRITORY_TERRITORY_H
#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"

enum territory_level { TERRITORY_ANY = 0, TERRITORY_REGION, TERRITORY_PROVINCE, TERRITORY_COMMUNE };

const char *territory_level_name(enum territory_level l); /* "region", "province", "commune" */
enum territory_level territory_level_parse(const char *s); /* TERRITORY_ANY when unknown */

/*
 * Fills the tables from the built-in files when they are empty (one transaction).
 * ERR_FORMAT naming file and line when a file is damaged.
 */
int territory_load(sqlite3 *db, struct err *e);

struct territory {
	enum territory_level level;
	char code[24];
	char name_fr[128], name_ar[128];
	char type[16]; /* region; province or prefecture; urban or rural */
	long long population;
	char province_fr[128], province_ar[128]; /* for communes */
	char region_fr[128], region_ar[128];     /* for provinces and communes */
};

/*
 * Territories whose Arabic or French name contains `query` (letter case and French
 * accents do not matter; NULL or "" lists every one of the level), largest
 * population first, at most limit. Caller frees *out.
 */
int territory_find(sqlite3 *db, const char *query, enum territory_level level, int limit, struct territory **out,
		   size_t *n, struct err *e);
#endif
