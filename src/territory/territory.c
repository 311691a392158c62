#include "territory/territory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/embed.h"
#include "store/db.h"
#include "base/banned.h"

/*
 * Text folded for searching names: ASCII lower case, French accents dropped, Arabic
 * hamza forms of alef, ta marbuta and alef maqsura reduced ("Béni Mellal" and
 * "beni mellal", "إقليم" and "اقليم" meet).
 */
static void fold(const char *s, char *out, size_t cap)
{
	static const char latin[] = "aaaaaaaceeeeiiiidnooooo ouuuuy  aaaaaaaceeeeiiiidnooooo ouuuuy y";
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && k + 3 < cap; p++) {
		if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
			char c = latin[p[1] - 0x80];
			out[k++] = c == ' ' ? '?' : c;
			p++;
		} else if (p[0] == 0xD8 && (p[1] == 0xA3 || p[1] == 0xA5 || p[1] == 0xA2)) {
			out[k++] = (char)0xD8, out[k++] = (char)0xA7, p++; /* أ إ آ → ا */
		} else if (p[0] == 0xD8 && p[1] == 0xA9) {
			out[k++] = (char)0xD9, out[k++] = (char)0x87, p++; /* ة → ه */
		} else if (p[0] == 0xD9 && p[1] == 0x89) {
			out[k++] = (char)0xD9, out[k++] = (char)0x8A, p++; /* ى → ي */
		} else if (p[0] >= 'A' && p[0] <= 'Z') {
			out[k++] = (char)(p[0] + 32);
		} else if (p[0] == '-' || p[0] == '\'') {
			out[k++] = ' '; /* "Béni-Mellal", "M'diq" as words */
		} else {
			out[k++] = (char)p[0];
		}
	}
	out[k] = '\0';
}

static const char *const level_names[] = {"", "region", "province", "commune"};

const char *territory_level_name(enum territory_level l)
{
	return (l >= TERRITORY_ANY && l <= TERRITORY_COMMUNE) ? level_names[l] : "";
}

enum territory_level territory_level_parse(const char *s)
{
	for (int l = TERRITORY_REGION; s && l <= TERRITORY_COMMUNE; l++)
		if (!strcmp(s, level_names[l]))
			return (enum territory_level)l;
	return TERRITORY_ANY;
}

#define MAX_FIELDS 16

/* Splits one CSV line (these files quote nothing) into fields; returns their number. */
static int split(char *line, char *fields[MAX_FIELDS])
{
	int n = 0;
	fields[n++] = line;
	for (char *p = line; *p; p++) {
		if (*p == ',') {
			*p = '\0';
			if (n == MAX_FIELDS)
				return -1;
			fields[n++] = p + 1;
		}
	}
	return n;
}

/* Column positions by header name, so a reordered file still loads. */
static int column(char *const *head, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(head[i], name))
			return i;
	return -1;
}

struct table {
	const char *file, *sql;
	const char *cols[7]; /* CSV columns bound to ?1..?n */
	int ncols;
};

static const struct table tables[] = {
	{"territory/regions.csv",
	 "INSERT INTO regions(code, name_fr, name_ar, population_2024, search) VALUES (?1,?2,?3,?4,?9)",
	 {"code", "name_fr", "name_ar", "population_2024"}, 4},
	{"territory/provinces.csv",
	 "INSERT INTO provinces(code, region_code, name_fr, name_ar, type, population_2024, search) "
	 "VALUES (?1,?2,?3,?4,?5,?6,?9)",
	 {"code", "region_code", "name_fr", "name_ar", "type", "population_2024"}, 6},
	{"territory/communes.csv",
	 "INSERT INTO communes(code, province_code, region_code, name_fr, name_ar, type, population_2024, search) "
	 "VALUES (?1,?2,?3,?4,?5,?6,?7,?9)",
	 {"code", "province_code", "region_code", "name_fr", "name_ar", "type", "population_2024"}, 7},
};

static int load_table(sqlite3 *db, const struct table *t, struct err *e)
{
	const struct embed_file *f = embed_find(t->file);
	if (!f)
		BUG("%s is missing from the build", t->file);
	char *text = xstrndup((const char *)f->data, f->size);
	char *head[MAX_FIELDS], *fields[MAX_FIELDS];
	int idx[7], nhead = 0, lineno = 0, r = 0;
	sqlite3_stmt *st = db_prepare(db, t->sql);
	char *save = text;
	for (char *line = text; line && *line; line = save) {
		char *nl = strchr(line, '\n');
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		lineno++;
		if (lineno == 1) {
			nhead = split(line, head);
			for (int c = 0; c < t->ncols; c++)
				if ((idx[c] = column(head, nhead, t->cols[c])) < 0) {
					r = err_set(e, ERR_FORMAT, "%s:1: the column \"%s\" is missing", t->file, t->cols[c]);
					goto done;
				}
			continue;
		}
		if (!*line)
			continue;
		int n = split(line, fields);
		if (n != nhead) {
			r = err_set(e, ERR_FORMAT, "%s:%d: %d fields where the header has %d", t->file, lineno, n, nhead);
			goto done;
		}
		sqlite3_reset(st);
		char names[600], folded[600];
		int fr = column(head, nhead, "name_fr"), ar = column(head, nhead, "name_ar");
		snprintf(names, sizeof(names), " %s %s ", fr >= 0 ? fields[fr] : "", ar >= 0 ? fields[ar] : "");
		fold(names, folded, sizeof(folded));
		sqlite3_bind_text(st, 9, folded, -1, SQLITE_TRANSIENT);
		for (int c = 0; c < t->ncols; c++) {
			const char *v = fields[idx[c]];
			if (!strcmp(t->cols[c], "population_2024"))
				sqlite3_bind_int64(st, c + 1, strtoll(v, NULL, 10));
			else
				sqlite3_bind_text(st, c + 1, v, -1, SQLITE_TRANSIENT);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			r = err_set(e, ERR_FORMAT, "%s:%d: %s", t->file, lineno, sqlite3_errmsg(db));
			goto done;
		}
	}
done:
	sqlite3_finalize(st);
	free(text);
	return r;
}

int territory_load(sqlite3 *db, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM communes");
	long long have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (have)
		return 0;
	if (db_begin(db, e))
		return ERR_DB;
	for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
		if (load_table(db, &tables[i], e)) {
			db_rollback(db);
			return e ? e->code : ERR_FORMAT;
		}
	}
	return db_commit(db, e) ? ERR_DB : 0;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int territory_find(sqlite3 *db, const char *query, enum territory_level level, int limit, struct territory **out,
		   size_t *n, struct err *e)
{
	/* One list of every level, matched on the folded names. */
	static const char sql[] =
		"SELECT * FROM ("
		" SELECT 1 AS level, code, name_fr, name_ar, 'region' AS type, population_2024, '', '', '', '', search"
		" FROM regions"
		" UNION ALL SELECT 2, p.code, p.name_fr, p.name_ar, p.type, p.population_2024, '', '', r.name_fr,"
		" r.name_ar, p.search FROM provinces p JOIN regions r ON r.code = p.region_code"
		" UNION ALL SELECT 3, c.code, c.name_fr, c.name_ar, c.type, c.population_2024, p.name_fr, p.name_ar,"
		" r.name_fr, r.name_ar, c.search FROM communes c JOIN provinces p ON p.code = c.province_code"
		" JOIN regions r ON r.code = c.region_code)"
		" WHERE (?1 = 0 OR level = ?1) AND (?2 IS NULL OR instr(search, ?2) > 0)"
		" ORDER BY population_2024 DESC LIMIT ?4";
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	if (territory_load(db, e))
		return e ? e->code : ERR_DB;
	char folded[256] = "";
	if (query && *query)
		fold(query, folded, sizeof(folded));
	sqlite3_stmt *st = db_prepare(db, sql);
	sqlite3_bind_int(st, 1, (int)level);
	db_bind_text(st, 2, folded[0] ? folded : NULL);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : 50);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, &alloc, *n + 1, sizeof(**out));
		struct territory *t = &(*out)[(*n)++];
		memset(t, 0, sizeof(*t));
		t->level = (enum territory_level)sqlite3_column_int(st, 0);
		copy(t->code, sizeof(t->code), db_text(st, 1));
		copy(t->name_fr, sizeof(t->name_fr), db_text(st, 2));
		copy(t->name_ar, sizeof(t->name_ar), db_text(st, 3));
		copy(t->type, sizeof(t->type), db_text(st, 4));
		t->population = sqlite3_column_int64(st, 5);
		copy(t->province_fr, sizeof(t->province_fr), db_text(st, 6));
		copy(t->province_ar, sizeof(t->province_ar), db_text(st, 7));
		copy(t->region_fr, sizeof(t->region_fr), db_text(st, 8));
		copy(t->region_ar, sizeof(t->region_ar), db_text(st, 9));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(db));
	return 0;
}
