/*
 * Ranking for the FTS5 index: asurif_rank(table), BM25 as Lucene computes it
 * (idf = ln(1 + (N - n + 0.5) / (n + 0.5)), so very common words still count a
 * little instead of nothing), with k1 = 1.2 and b = 0.75, plus a bonus when searched
 * words stand close together. Higher is better.
 */
#ifndef TEXT_RANK_H
#define TEXT_RANK_H
#include <sqlite3.h>

/*
 * asurif_rank(table) treats each phrase of the query as one item and counts its
 * passages itself. asurif_rank(table, DFS, MAP) is told instead: DFS lists each
 * item's number of passages ("120 4 3051"), MAP the item of each phrase of the
 * expression in order ("-1 0 1 2"; -1 for phrases that do not count, e.g. a phrase
 * repeated only to steer the search, or an excluded word).
 */
int text_rank_register(sqlite3 *db);
/* The idf of a word found in df of rows passages, and the most it can add to a score. */
double text_rank_idf(long long rows, long long df);
double text_rank_upper_bound(long long rows, long long df);
/* The most the nearness of two or more searched words can add to a score. */
double text_rank_proximity_bound(void);
#endif
