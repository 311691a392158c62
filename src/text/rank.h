/*
 * Ranking for the FTS5 index: asurif_rank(table), BM25 as Lucene computes it
 * (idf = ln(1 + (N - n + 0.5) / (n + 0.5)), so very common words still count a
 * little instead of nothing), with k1 = 1.2 and b = 0.75. Higher is better.
 */
#ifndef TEXT_RANK_H
#define TEXT_RANK_H
#include <sqlite3.h>

int text_rank_register(sqlite3 *db);
#endif
