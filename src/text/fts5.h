/* The analyser as an SQLite FTS5 tokenizer named "asurif". */
#ifndef TEXT_FTS5_H
#define TEXT_FTS5_H
#include <sqlite3.h>

/* Registers the "asurif" tokenizer on db. Returns an SQLite result code. */
int text_fts5_register(sqlite3 *db);
#endif
