#include "store/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/embed.h"
#include "text/fts5.h"
#include "text/rank.h"
#include "base/banned.h"

/* Migrations are the files data/schema/NNN-*.sql, applied in order, each in one transaction. */
static int migration_number(const char *name)
{
	if (strncmp(name, "schema/", 7))
		return 0;
	name += 7;
	if (name[0] < '0' || name[0] > '9')
		return 0;
	return atoi(name);
}

int db_schema_latest(void)
{
	int latest = 0;
	for (const struct embed_file *f = embed_files; f->name; f++) {
		int n = migration_number(f->name);
		if (n > latest)
			latest = n;
	}
	return latest;
}

int db_schema_version(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "PRAGMA user_version");
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

static int migrate(sqlite3 *db, struct err *e)
{
	int have = db_schema_version(db), latest = db_schema_latest();
	if (have > latest)
		return err_set(e, ERR_DB,
			       "the workspace was made by a newer version of Asurif (schema %d; this program knows %d)",
			       have, latest);
	for (int v = have + 1; v <= latest; v++) {
		const struct embed_file *mig = NULL;
		for (const struct embed_file *f = embed_files; f->name; f++)
			if (migration_number(f->name) == v)
				mig = f;
		if (!mig)
			BUG("schema migration %d is missing", v);
		if (db_begin(db, e))
			return e ? e->code : ERR_DB;
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v);
		if (db_exec(db, (const char *)mig->data, e) || db_exec(db, pragma, e)) {
			db_rollback(db);
			err_prefix(e, "updating the database to version %d (%s)", v, mig->name);
			return ERR_DB;
		}
		if (db_commit(db, e))
			return ERR_DB;
	}
	return 0;
}

int db_open(const char *path, int create, sqlite3 **out, struct err *e)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	*out = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		err_set(e, ERR_DB, "%s: cannot open the database: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return ERR_DB;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 1);
	if (text_fts5_register(db) != SQLITE_OK || text_rank_register(db) != SQLITE_OK) {
		sqlite3_close(db);
		return err_set(e, ERR_DB, "this SQLite has no full-text search (FTS5)");
	}
	if (db_exec(db, "PRAGMA journal_mode = WAL", e) || db_exec(db, "PRAGMA synchronous = NORMAL", e) ||
	    db_exec(db, "PRAGMA foreign_keys = ON", e) || migrate(db, e)) {
		err_prefix(e, "%s", path);
		sqlite3_close(db);
		return ERR_DB;
	}
	*out = db;
	return 0;
}

/*
 * Kept statements of every connection, in one table: each connection is used by one
 * thread at a time, so its entries are too; the table itself takes a lock only to
 * add or remove entries (lookups read the published connection pointer).
 */
#define CACHED_STMTS 1024

static pthread_mutex_t cached_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	sqlite3 *db;
	const char *sql;
	sqlite3_stmt *st;
} cached[CACHED_STMTS];

sqlite3_stmt *db_cached(sqlite3 *db, const char *sql)
{
	for (size_t i = 0; i < CACHED_STMTS; i++) {
		if (__atomic_load_n(&cached[i].db, __ATOMIC_ACQUIRE) == db && cached[i].sql == sql) {
			sqlite3_reset(cached[i].st);
			sqlite3_clear_bindings(cached[i].st);
			return cached[i].st;
		}
	}
	sqlite3_stmt *st = db_prepare(db, sql);
	pthread_mutex_lock(&cached_mu);
	for (size_t i = 0; i < CACHED_STMTS; i++) {
		if (!cached[i].db) {
			cached[i].sql = sql;
			cached[i].st = st;
			__atomic_store_n(&cached[i].db, db, __ATOMIC_RELEASE);
			pthread_mutex_unlock(&cached_mu);
			return st;
		}
	}
	pthread_mutex_unlock(&cached_mu);
	return st; /* the table is full: this statement stays with the connection until it closes */
}

void db_close(sqlite3 *db)
{
	if (!db)
		return;
	pthread_mutex_lock(&cached_mu);
	for (size_t i = 0; i < CACHED_STMTS; i++) {
		if (cached[i].db == db) {
			sqlite3_finalize(cached[i].st);
			__atomic_store_n(&cached[i].db, NULL, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&cached_mu);
	sqlite3_close_v2(db);
}

int db_exec(sqlite3 *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, ERR_DB, "database: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return ERR_DB;
	}
	return 0;
}

int db_begin(sqlite3 *db, struct err *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

int db_commit(sqlite3 *db, struct err *e)
{
	if (db_exec(db, "COMMIT", e)) {
		db_rollback(db);
		return ERR_DB;
	}
	return 0;
}

void db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		BUG("cannot prepare \"%s\": %s", sql, sqlite3_errmsg(db));
	return st;
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

const char *db_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

char *db_meta_get(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT value FROM meta WHERE key = ?1");
	db_bind_text(st, 1, key);
	char *v = sqlite3_step(st) == SQLITE_ROW ? xstrdup(db_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	return v;
}

int db_meta_set(sqlite3 *db, const char *key, const char *value, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO meta(key, value) VALUES (?1, ?2) "
					  "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, value);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(db));
	return 0;
}
