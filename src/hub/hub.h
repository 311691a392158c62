/*
 * The knowledge hub: a workspace of documents split into passages, searchable in
 * Arabic, French and English, with the legal references they cite.
 * One core API used by the command line and (later) the web pages alike.
 */
#ifndef HUB_HUB_H
#define HUB_HUB_H
#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"

struct analyser;

struct hub {
	char *dir;     /* the workspace folder */
	char *db_path; /* dir/asurif.db */
	sqlite3 *db;
	struct analyser *an;
	void *search_cache; /* how many passages each searched word matches (search.c) */
	void *stats_cache;  /* hub_stats (docs.c) */
	void *vector_cache; /* the passage vectors in memory (src/ai/vectors.c) */
	void (*vector_cache_free)(struct hub *h); /* set with vector_cache; hub_close calls it */
};

/* Creates a workspace in dir (asurif.db, files/, overrides/, keys/). Fine if it exists. */
int hub_init(const char *dir, struct err *e);
/* Opens an existing workspace. */
int hub_open(const char *dir, struct hub **out, struct err *e);
void hub_close(struct hub *h);
/* The workspace to use: -w value, else $ASURIF_WORKSPACE, else $XDG_DATA_HOME/asurif. Caller frees. */
char *hub_default_dir(const char *flag);

/* ---- documents ---- */

extern const char *const hub_kinds[]; /* NULL-terminated list of document kinds */
int hub_kind_valid(const char *kind);

/* Metadata given by a person; NULL fields are found from the document itself. */
struct doc_meta {
	const char *kind, *title, *lang, *issuer, *date, *url, *ext_id;
};
/* Checks each given field (kind in the list, lang ar/fr/en, date a real YYYY-MM-DD, url http(s)). */
int hub_meta_validate(const struct doc_meta *m, struct err *e);

enum ingest_status { INGEST_ADDED, INGEST_DUPLICATE, INGEST_FAILED };

struct ingest_item {
	const char *source; /* the file, or "collection.jsonl:LINE" */
	enum ingest_status status;
	long long doc_id;   /* added or already present */
	int passages;
	const char *title;
	const char *format;
	const char *message; /* why it failed */
};

struct ingest_opts {
	struct doc_meta meta;
	size_t max_file_bytes; /* 0: the default (HUB_MAX_FILE) */
	/* Called once per document taken in, skipped or failed. */
	void (*on_item)(void *ctx, const struct ingest_item *item);
	/* Called as work advances: bytes of the current batch done / in all. */
	void (*on_progress)(void *ctx, unsigned long long done, unsigned long long total, const char *current);
	void *ctx;
	/* Removed from the start of file paths when they are recorded and reported (e.g. a
	 * folder of uploads: "tmp/upload-x1/report.pdf" is recorded as "report.pdf"). */
	const char *source_strip;
};

#define HUB_MAX_FILE (100u << 20)

/*
 * Takes in files and folders (recursively). Each document is one transaction: it is
 * in the hub whole or not at all. Returns 0 when every document went in or was
 * already there, ERR_FORMAT-like codes when any failed (each reported to on_item).
 */
int hub_add_paths(struct hub *h, char *const *paths, int n, const struct ingest_opts *o, struct err *e);

struct doc_info {
	long long id;
	char *ext_id, *title, *kind, *lang, *issuer, *date, *url, *source, *format, *file, *added_at, *hash;
	int pages, passages;
	long long bytes;
};
void doc_info_release(struct doc_info *d);

struct doc_list {
	struct doc_info *v;
	size_t n, alloc;
};
void doc_list_release(struct doc_list *l);

int hub_docs(struct hub *h, struct doc_list *out, struct err *e);
/*
 * One page of documents, newest first, optionally of one kind; *total counts all of
 * that kind. Costs the page, not the hub.
 */
int hub_docs_page(struct hub *h, const char *kind, long long offset, int limit, struct doc_list *out,
		  long long *total, struct err *e);

/* What the hub holds, by kind (in hub_kinds order) and by language (ar, fr, en). */
struct hub_stats {
	long long documents, passages;
	long long by_kind[16];
	long long by_lang[3];
};
/* Counted once, then remembered until the hub changes (cheap to ask on every page). */
int hub_stats(struct hub *h, struct hub_stats *out, struct err *e);
int hub_doc(struct hub *h, long long id, struct doc_info *out, struct err *e);
/* Removes a document, its passages, index entries, references, and its file if no other document uses it. */
int hub_rm(struct hub *h, long long id, struct err *e);

/*
 * Changes a document's details. Each field of m that is not NULL replaces the stored one;
 * "" clears the issuer, date, url or external id (title, kind and language cannot be
 * cleared). Fields are checked as hub_meta_validate does (ERR_USAGE, ERR_ENCODING with the
 * message). One transaction: when the language changes, the passages' index entries are
 * removed with the old text (English passages are indexed with English stems, see the view
 * passage_body) and added again with the new. ERR_NOTFOUND when there is no such document.
 */
int hub_doc_update(struct hub *h, long long id, const struct doc_meta *m, struct err *e);

struct passage {
	long long id, doc_id;
	int seq, page;
	char *heading, *article, *text;
};
struct passage_list {
	struct passage *v;
	size_t n, alloc;
};
void passage_list_release(struct passage_list *l);
int hub_passages(struct hub *h, long long doc_id, struct passage_list *out, struct err *e);

/* ---- search ---- */

struct search_opts {
	const char *query;
	int limit, offset;
	const char *kind, *lang, *issuer, *since, *until;
	int all_words; /* every word must be present (AND) instead of a ranked OR */
	int exhaustive; /* score every matching passage instead of skipping those that cannot rank (same results) */
};

/* Snippet highlight markers: the matched words sit between these bytes. */
#define HL_OPEN '\x0e'
#define HL_CLOSE '\x0f'

struct search_hit {
	long long passage_id, doc_id;
	char *ext_id, *title, *kind, *lang, *article;
	int page;
	double score; /* BM25, higher is better */
	char *snippet; /* with HL_OPEN / HL_CLOSE around matched words */
};

struct search_results {
	long long total;
	struct search_hit *v;
	size_t n, alloc;
	int stale_index; /* the index was built by another analyser version */
};
void search_results_release(struct search_results *r);

/*
 * Query syntax: words (ranked OR, or AND with all_words), "exact phrases",
 * -excluded words, prefix* . ERR_USAGE with a message for a query with nothing
 * to look for.
 */
int hub_search(struct hub *h, const struct search_opts *o, struct search_results *out, struct err *e);

/* Frees what searches and counts remembered (called by hub_close). */
void hub_search_cache_free(struct hub *h);
void hub_stats_cache_free(struct hub *h);

/* ---- legal references ---- */

struct ref_hit {
	long long passage_id, doc_id;
	char *title, *key, *kind, *number, *raw, *article_label;
	int article, page;
};
struct ref_list {
	struct ref_hit *v;
	size_t n, alloc;
};
void ref_list_release(struct ref_list *l);
/* Passages citing what `input` names (a key, a number, or a phrase such as "loi n° 31-13"). */
int hub_refs_to(struct hub *h, const char *input, struct ref_list *out, struct err *e);
/* What a document cites. */
int hub_refs_of(struct hub *h, long long doc_id, struct ref_list *out, struct err *e);

struct legal_ref;
/* Whether a reference found at the start of a passage is only that passage's own article label. */
int hub_ref_is_label(const struct legal_ref *r, const char *article, const char *text);

/*
 * The documents that cite this one: the legal keys that name it are read from its title
 * (refs_extract; only law, organic-law, decree, dahir and circular keys) and the passages of
 * OTHER documents citing any of them are listed, by document then position. A title names
 * its document with its first such key ("Décret n° 2-17-451 pris pour l'application de la
 * loi n° 31-13" is the decree, not the law it applies); when that first key is a dahir, the
 * keys after it count too, since a dahir promulgates the law its title names. A title with
 * no key gives an empty list. ERR_NOTFOUND when there is no such document.
 */
int hub_doc_cited_by(struct hub *h, long long doc_id, struct ref_list *out, struct err *e);

/* ---- upkeep ---- */

/* Rebuilds the search index and the references with the current analyser. */
int hub_reindex(struct hub *h, void (*progress)(void *, unsigned long long, unsigned long long, const char *),
		void *ctx, struct err *e);

struct check_report {
	int ok;
	char **problems; /* one line each */
	size_t n, alloc;
	long long documents, passages, refs;
	int orphan_files;
};
void check_report_release(struct check_report *r);
/* Integrity of the database, of the index against the passages, and of the stored files. */
int hub_check(struct hub *h, struct check_report *out, struct err *e);
/* A consistent copy of the database to path, while others may be using it. */
int hub_backup(struct hub *h, const char *path, void (*progress)(void *, unsigned long long, unsigned long long, const char *),
	       void *ctx, struct err *e);
#endif
