/*
 * The workspace database: opening (WAL, foreign keys, busy timeout, the "asurif"
 * tokenizer), numbered schema migrations from data/schema/, transactions and small
 * prepared-statement helpers. Knows tables, not screens.
 */
#ifndef STORE_DB_H
#define STORE_DB_H
#include <sqlite3.h>

#include "base/err.h"

/*
 * Opens (creating when `create`) the SQLite file at path and brings its schema up
 * to date. On error returns a negative code with a message; *out is NULL.
 */
int db_open(const char *path, int create, sqlite3 **out, struct err *e);
void db_close(sqlite3 *db);
/* The schema version the file is at, and the one this program brings it to. */
int db_schema_version(sqlite3 *db);
int db_schema_latest(void);

int db_begin(sqlite3 *db, struct err *e);    /* BEGIN IMMEDIATE */
int db_commit(sqlite3 *db, struct err *e);
void db_rollback(sqlite3 *db);
/* Runs SQL without results; ERR_DB with SQLite's message on failure. */
int db_exec(sqlite3 *db, const char *sql, struct err *e);
/* Prepares a statement; on failure BUG(), since all SQL is the program's own. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);
/*
 * A statement prepared once per connection and thread, then kept: for the queries of
 * every page. `sql` must be a string literal (it is remembered by address). The
 * statement comes back reset, bindings cleared; the caller resets it after use and
 * never finalizes it (db_close does).
 */
sqlite3_stmt *db_cached(sqlite3 *db, const char *sql);
/* Binds a string, or NULL when s is NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column text as a C string ("" when NULL). */
const char *db_text(sqlite3_stmt *st, int i);
/* The meta table. Returns a fresh string or NULL. */
char *db_meta_get(sqlite3 *db, const char *key);
int db_meta_set(sqlite3 *db, const char *key, const char *value, struct err *e);
#endif
