/* Documents in the hub: listing, showing, removing; references; upkeep (reindex, check, backup). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/utf8.h"
#include "hub/hub.h"
#include "hub/refs.h"
#include "store/db.h"
#include "text/analyse.h"
#include "base/banned.h"

static char *col_dup(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : xstrdup(db_text(st, i));
}

#define DOC_COLUMNS                                                                                                    \
	"d.id, d.ext_id, d.title, d.kind, d.lang, d.issuer, d.date, d.url, d.source, d.format, d.file, d.added_at, "  \
	"d.hash, d.pages, d.bytes, (SELECT count(*) FROM passages p WHERE p.doc_id = d.id)"

static void read_doc(sqlite3_stmt *st, struct doc_info *d)
{
	d->id = sqlite3_column_int64(st, 0);
	d->ext_id = col_dup(st, 1);
	d->title = col_dup(st, 2);
	d->kind = col_dup(st, 3);
	d->lang = col_dup(st, 4);
	d->issuer = col_dup(st, 5);
	d->date = col_dup(st, 6);
	d->url = col_dup(st, 7);
	d->source = col_dup(st, 8);
	d->format = col_dup(st, 9);
	d->file = col_dup(st, 10);
	d->added_at = col_dup(st, 11);
	d->hash = col_dup(st, 12);
	d->pages = sqlite3_column_int(st, 13);
	d->bytes = sqlite3_column_int64(st, 14);
	d->passages = sqlite3_column_int(st, 15);
}

void doc_info_release(struct doc_info *d)
{
	char **f[] = {&d->ext_id, &d->title,  &d->kind, &d->lang,     &d->issuer, &d->date,
		      &d->url,    &d->source, &d->format, &d->file, &d->added_at, &d->hash};
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
}

void doc_list_release(struct doc_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		doc_info_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int hub_docs(struct hub *h, struct doc_list *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = db_prepare(h->db, "SELECT " DOC_COLUMNS " FROM documents d ORDER BY d.id");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
		read_doc(st, &out->v[out->n++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));
	return 0;
}

int hub_docs_page(struct hub *h, const char *kind, long long offset, int limit, struct doc_list *out,
		  long long *total, struct err *e)
{
	struct hub_stats stats;
	memset(out, 0, sizeof(*out));
	/* The counts are remembered between pages (hub_stats): counting the hub at every page was the cost. */
	if (hub_stats(h, &stats, e))
		return ERR_DB;
	*total = stats.documents;
	if (kind) {
		*total = 0;
		for (size_t k = 0; hub_kinds[k] && k < ARRAY_SIZE(stats.by_kind); k++)
			if (!strcmp(kind, hub_kinds[k]))
				*total = stats.by_kind[k];
	}
	sqlite3_stmt *st = db_prepare(h->db, "SELECT " DOC_COLUMNS " FROM documents d WHERE ?1 IS NULL OR d.kind = ?1 "
			       "ORDER BY d.id DESC LIMIT ?2 OFFSET ?3");
	db_bind_text(st, 1, kind);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int64(st, 3, offset);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
		read_doc(st, &out->v[out->n++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));
	return 0;
}

struct stats_cache {
	struct hub_stats stats;
	sqlite3_int64 data_version;
	int changes, valid;
	sqlite3_stmt *version;
};

void hub_stats_cache_free(struct hub *h)
{
	struct stats_cache *c = h->stats_cache;
	if (c) {
		sqlite3_finalize(c->version);
		free(c);
		h->stats_cache = NULL;
	}
}

int hub_stats(struct hub *h, struct hub_stats *out, struct err *e)
{
	struct stats_cache *c = h->stats_cache;
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		c->version = db_prepare(h->db, "PRAGMA data_version");
		h->stats_cache = c;
	}
	sqlite3_int64 dv = sqlite3_step(c->version) == SQLITE_ROW ? sqlite3_column_int64(c->version, 0) : -1;
	sqlite3_reset(c->version);
	int ch = sqlite3_total_changes(h->db);
	if (c->valid && dv == c->data_version && ch == c->changes) {
		*out = c->stats;
		return 0;
	}
	struct hub_stats s;
	memset(&s, 0, sizeof(s));
	sqlite3_stmt *st = db_prepare(h->db, "SELECT kind, lang, count(*) FROM documents GROUP BY kind, lang");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = db_text(st, 0), *lang = db_text(st, 1);
		long long n = sqlite3_column_int64(st, 2);
		s.documents += n;
		for (size_t k = 0; hub_kinds[k] && k < ARRAY_SIZE(s.by_kind); k++)
			if (!strcmp(kind, hub_kinds[k]))
				s.by_kind[k] += n;
		static const char *const langs[] = {"ar", "fr", "en"};
		for (size_t k = 0; k < ARRAY_SIZE(langs); k++)
			if (!strcmp(lang, langs[k]))
				s.by_lang[k] += n;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));
	st = db_prepare(h->db, "SELECT count(*) FROM passages");
	s.passages = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	c->stats = s;
	c->data_version = dv;
	c->changes = ch;
	c->valid = 1;
	*out = s;
	return 0;
}

int hub_doc(struct hub *h, long long id, struct doc_info *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	static const char sql[] = "SELECT " DOC_COLUMNS " FROM documents d WHERE d.id = ?1";
	sqlite3_stmt *st = db_cached(h->db, sql);
	sqlite3_bind_int64(st, 1, id);
	int r = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		read_doc(st, out);
	else
		r = err_set(e, ERR_NOTFOUND, "there is no document %lld (see: asurif docs)", id);
	sqlite3_reset(st);
	return r;
}

void passage_list_release(struct passage_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].heading);
		free(l->v[i].article);
		free(l->v[i].text);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int hub_passages(struct hub *h, long long doc_id, struct passage_list *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	static const char sql[] = "SELECT id, doc_id, seq, page, heading, article, text FROM passages "
				  "WHERE doc_id = ?1 ORDER BY seq";
	sqlite3_stmt *st = db_cached(h->db, sql);
	sqlite3_bind_int64(st, 1, doc_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
		struct passage *p = &out->v[out->n++];
		p->id = sqlite3_column_int64(st, 0);
		p->doc_id = sqlite3_column_int64(st, 1);
		p->seq = sqlite3_column_int(st, 2);
		p->page = sqlite3_column_int(st, 3);
		p->heading = col_dup(st, 4);
		p->article = col_dup(st, 5);
		p->text = col_dup(st, 6);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));
	return 0;
}

int hub_rm(struct hub *h, long long id, struct err *e)
{
	struct doc_info d;
	int r = hub_doc(h, id, &d, e);
	if (r)
		return r;
	if (db_begin(h->db, e))
		goto fail;
	/* The index keeps no copy of the text: it must be told what to forget before the rows go. */
	sqlite3_stmt *st = db_prepare(h->db, "INSERT INTO passage_index(passage_index, rowid, body) "
					     "SELECT 'delete', b.id, b.body FROM passage_body b JOIN passages p "
					     "ON p.id = b.id WHERE p.doc_id = ?1");
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dberr;
	st = db_prepare(h->db, "DELETE FROM documents WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dberr;
	int shared = 0;
	if (d.file) {
		st = db_prepare(h->db, "SELECT count(*) FROM documents WHERE file = ?1");
		db_bind_text(st, 1, d.file);
		shared = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
		sqlite3_finalize(st);
	}
	if (db_commit(h->db, e))
		goto fail;
	if (d.file && !shared) {
		char *full = fs_join(h->dir, d.file);
		unlink(full);
		free(full);
	}
	doc_info_release(&d);
	return 0;
dberr:
	err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));
	db_rollback(h->db);
fail:
	doc_info_release(&d);
	return ERR_DB;
}

/* ---- references ---- */

void ref_list_release(struct ref_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ref_hit *r = &l->v[i];
		free(r->title);
		free(r->key);
		free(r->kind);
		free(r->number);
		free(r->raw);
		free(r->article_label);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int read_refs_keep(struct hub *h, sqlite3_stmt *st, struct ref_list *out, struct err *e, int keep);

static int read_refs(struct hub *h, sqlite3_stmt *st, struct ref_list *out, struct err *e)
{
	return read_refs_keep(h, st, out, e, 0);
}

/* Reads the rows of st into out; a kept statement (db_cached) is reset instead of finalized. */
static int read_refs_keep(struct hub *h, sqlite3_stmt *st, struct ref_list *out, struct err *e, int keep)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->v = xgrow(out->v, &out->alloc, out->n + 1, sizeof(*out->v));
		struct ref_hit *r = &out->v[out->n++];
		r->passage_id = sqlite3_column_int64(st, 0);
		r->doc_id = sqlite3_column_int64(st, 1);
		r->title = col_dup(st, 2);
		r->key = col_dup(st, 3);
		r->kind = col_dup(st, 4);
		r->number = col_dup(st, 5);
		r->article = sqlite3_column_int(st, 6);
		r->raw = col_dup(st, 7);
		r->page = sqlite3_column_int(st, 8);
		r->article_label = col_dup(st, 9);
	}
	if (keep)
		sqlite3_reset(st);
	else
		sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));
	return 0;
}

#define REF_COLUMNS                                                                                                    \
	"SELECT r.passage_id, r.doc_id, d.title, r.key, r.kind, r.number, r.article, r.raw, p.page, p.article "     \
	"FROM legal_refs r JOIN documents d ON d.id = r.doc_id JOIN passages p ON p.id = r.passage_id "

int hub_refs_to(struct hub *h, const char *input, struct ref_list *out, struct err *e)
{
	char key[64];
	int number_only = 0;
	memset(out, 0, sizeof(*out));
	if (!refs_parse_key(input, key, &number_only))
		return err_set(e, ERR_USAGE,
			       "\"%s\" is not a legal reference; try a number such as 113.14, a key such as "
			       "organic-law:113.14, or words such as \"loi n° 31-13\" or \"المادة 12\"",
			       input);
	sqlite3_stmt *st = db_prepare(h->db, number_only ? REF_COLUMNS "WHERE r.number = ?1 AND r.kind <> 'article' "
								       "ORDER BY r.doc_id, p.seq"
							 : REF_COLUMNS "WHERE r.key = ?1 ORDER BY r.doc_id, p.seq");
	db_bind_text(st, 1, key);
	return read_refs(h, st, out, e);
}

int hub_refs_of(struct hub *h, long long doc_id, struct ref_list *out, struct err *e)
{
	struct doc_info d;
	memset(out, 0, sizeof(*out));
	int r = hub_doc(h, doc_id, &d, e);
	if (r)
		return r;
	doc_info_release(&d);
	static const char sql[] = REF_COLUMNS "WHERE r.doc_id = ?1 ORDER BY p.seq, r.rowid";
	sqlite3_stmt *st = db_cached(h->db, sql);
	sqlite3_bind_int64(st, 1, doc_id);
	return read_refs_keep(h, st, out, e, 1);
}

/* ---- upkeep ---- */

typedef void (*progress_fn)(void *, unsigned long long, unsigned long long, const char *);

int hub_reindex(struct hub *h, progress_fn progress, void *ctx, struct err *e)
{
	struct legal_refs refs = {NULL, 0, 0};
	char num[16];
	long long total = 0, done = 0;
	sqlite3_stmt *st = db_prepare(h->db, "SELECT count(*) FROM passages");
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);

	/* One transaction: a reindex that is stopped leaves the old index as it was. */
	if (db_begin(h->db, e))
		return ERR_DB;
	if (progress)
		progress(ctx, 0, (unsigned long long)total, "index");
	if (db_exec(h->db, "INSERT INTO passage_index(passage_index) VALUES ('rebuild')", e) ||
	    db_exec(h->db, "DELETE FROM legal_refs", e))
		goto fail;
	st = db_prepare(h->db, "SELECT id, doc_id, text, article FROM passages ORDER BY id");
	sqlite3_stmt *ins = db_prepare(h->db, "INSERT INTO legal_refs(passage_id, doc_id, kind, number, article, key, "
					      "raw) VALUES (?1,?2,?3,?4,?5,?6,?7)");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text = db_text(st, 2);
		refs.n = 0;
		refs_extract(text, strlen(text), &refs);
		const char *label = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : db_text(st, 3);
		for (size_t i = 0; i < refs.n; i++) {
			const struct legal_ref *lr = &refs.v[i];
			if (hub_ref_is_label(lr, label, text))
				continue;
			sqlite3_reset(ins);
			sqlite3_bind_int64(ins, 1, sqlite3_column_int64(st, 0));
			sqlite3_bind_int64(ins, 2, sqlite3_column_int64(st, 1));
			db_bind_text(ins, 3, lr->kind);
			db_bind_text(ins, 4, lr->number);
			if (lr->article)
				sqlite3_bind_int(ins, 5, lr->article);
			else
				sqlite3_bind_null(ins, 5);
			db_bind_text(ins, 6, lr->key);
			sqlite3_bind_text(ins, 7, text + lr->start, (int)(lr->end - lr->start), SQLITE_TRANSIENT);
			if (sqlite3_step(ins) != SQLITE_DONE) {
				rc = SQLITE_ERROR;
				break;
			}
		}
		if (rc != SQLITE_ROW)
			break;
		if (progress && (++done & 1023) == 0)
			progress(ctx, (unsigned long long)done, (unsigned long long)total, "references");
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	refs_release(&refs);
	if (rc != SQLITE_DONE) {
		err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));
		goto fail;
	}
	snprintf(num, sizeof(num), "%d", ANALYSER_VERSION);
	if (db_meta_set(h->db, "analyser_version", num, e))
		goto fail;
	if (db_commit(h->db, e))
		return ERR_DB;
	if (progress)
		progress(ctx, (unsigned long long)total, (unsigned long long)total, "done");
	return 0;
fail:
	db_rollback(h->db);
	return e ? e->code : ERR_DB;
}

void check_report_release(struct check_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->problems[i]);
	free(r->problems);
	memset(r, 0, sizeof(*r));
}

static void problem(struct check_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct check_report *r, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vappendf(&b, fmt, ap);
	va_end(ap);
	r->problems = xgrow(r->problems, &r->alloc, r->n + 1, sizeof(*r->problems));
	r->problems[r->n++] = buf_detach(&b);
	r->ok = 0;
}

static long long count_of(struct hub *h, const char *sql)
{
	sqlite3_stmt *st = db_prepare(h->db, sql);
	long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

int hub_check(struct hub *h, struct check_report *r, struct err *e)
{
	(void)e;
	memset(r, 0, sizeof(*r));
	r->ok = 1;
	sqlite3_stmt *st = db_prepare(h->db, "PRAGMA integrity_check");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *msg = db_text(st, 0);
		if (strcmp(msg, "ok"))
			problem(r, "database: %s", msg);
	}
	sqlite3_finalize(st);
	st = db_prepare(h->db, "PRAGMA foreign_key_check");
	if (sqlite3_step(st) == SQLITE_ROW)
		problem(r, "database: rows point to missing rows (table %s)", db_text(st, 0));
	sqlite3_finalize(st);
	char *msg = NULL;
	/* Compares every index entry with the passages it was built from. */
	if (sqlite3_exec(h->db, "INSERT INTO passage_index(passage_index, rank) VALUES ('integrity-check', 1)", NULL,
			 NULL, &msg) != SQLITE_OK) {
		problem(r, "search index: does not match the passages (%s); run: asurif reindex",
			msg ? msg : sqlite3_errmsg(h->db));
	}
	sqlite3_free(msg);
	long long empty = count_of(h, "SELECT count(*) FROM documents d WHERE NOT EXISTS "
				      "(SELECT 1 FROM passages p WHERE p.doc_id = d.id)");
	if (empty > 0)
		problem(r, "documents: %lld without any passage", empty);
	long long gaps = count_of(h, "SELECT count(*) FROM (SELECT doc_id FROM passages GROUP BY doc_id "
				     "HAVING max(seq) <> count(*) OR min(seq) <> 1)");
	if (gaps > 0)
		problem(r, "documents: %lld with missing passages", gaps);
	char *ver = db_meta_get(h->db, "analyser_version");
	if (!ver || atoi(ver) != ANALYSER_VERSION)
		problem(r, "search index: built by analyser version %s, this program has version %d; run: asurif reindex",
			ver ? ver : "(unknown)", ANALYSER_VERSION);
	free(ver);
	st = db_prepare(h->db, "SELECT id, file FROM documents WHERE file IS NOT NULL");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *full = fs_join(h->dir, db_text(st, 1));
		if (!fs_exists(full))
			problem(r, "files: the original of document %lld is missing (%s)", sqlite3_column_int64(st, 0),
				db_text(st, 1));
		free(full);
	}
	sqlite3_finalize(st);
	r->documents = count_of(h, "SELECT count(*) FROM documents");
	r->passages = count_of(h, "SELECT count(*) FROM passages");
	r->refs = count_of(h, "SELECT count(*) FROM legal_refs");
	return 0;
}

int hub_backup(struct hub *h, const char *path, progress_fn progress, void *ctx, struct err *e)
{
	if (fs_exists(path))
		return err_set(e, ERR_EXISTS, "%s: already exists; choose another name", path);
	char *tmp = xasprintf("%s.part", path);
	sqlite3 *dst = NULL;
	int r = 0;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		r = err_set(e, ERR_IO, "%s: cannot create: %s", path, dst ? sqlite3_errmsg(dst) : "out of memory");
		goto done;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", h->db, "main");
	if (!b) {
		r = err_set(e, ERR_DB, "%s: %s", path, sqlite3_errmsg(dst));
		goto done;
	}
	int rc;
	/* Small steps, so writers are held up only briefly; a change restarts the copy. */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (progress)
			progress(ctx, (unsigned long long)(sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b)),
				 (unsigned long long)sqlite3_backup_pagecount(b), path);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		r = err_set(e, ERR_IO, "%s: the copy failed: %s", path, sqlite3_errstr(rc));
		goto done;
	}
	/* A single file is easier to move around than a WAL pair. */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		r = err_set(e, ERR_IO, "%s: %s", path, sqlite3_errmsg(dst));
		goto done;
	}
done:
	sqlite3_close(dst);
	if (!r && rename(tmp, path))
		r = err_set(e, ERR_IO, "%s: cannot save the copy", path);
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}

/* ---- changing a document's details ---- */

/* The index entries of a document's passages: told to forget them ('delete', with the text it
 * was given) or given them again. */
static int index_passages(struct hub *h, long long id, int forget)
{
	sqlite3_stmt *st = db_prepare(h->db, forget ? "INSERT INTO passage_index(passage_index, rowid, body) "
						      "SELECT 'delete', b.id, b.body FROM passage_body b JOIN passages p "
						      "ON p.id = b.id WHERE p.doc_id = ?1"
						    : "INSERT INTO passage_index(rowid, body) SELECT b.id, b.body "
						      "FROM passage_body b JOIN passages p ON p.id = b.id WHERE p.doc_id = ?1");
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ERR_DB;
}

/* "" clears an optional field, NULL keeps it: only the other values are checked. */
static const char *given(const char *s)
{
	return s && *s ? s : NULL;
}

int hub_doc_update(struct hub *h, long long id, const struct doc_meta *m, struct err *e)
{
	struct doc_meta check = *m;
	check.issuer = given(m->issuer);
	check.date = given(m->date);
	check.url = given(m->url);
	check.ext_id = given(m->ext_id);
	int r = hub_meta_validate(&check, e);
	if (r)
		return r;
	if (m->ext_id && utf8_validate(m->ext_id, strlen(m->ext_id), NULL, NULL))
		return err_set(e, ERR_ENCODING, "the external id is not valid UTF-8 text");
	struct doc_info d;
	if ((r = hub_doc(h, id, &d, e)))
		return r;
	int relang = m->lang && strcmp(m->lang, d.lang);
	doc_info_release(&d);
	if (db_begin(h->db, e))
		return ERR_DB;
	if (relang && index_passages(h, id, 1))
		goto dberr;
	sqlite3_stmt *st = db_prepare(
		h->db, "UPDATE documents SET title = coalesce(?2, title), kind = coalesce(?3, kind), "
		       "lang = coalesce(?4, lang), "
		       "issuer = CASE WHEN ?5 IS NULL THEN issuer WHEN ?5 = '' THEN NULL ELSE ?5 END, "
		       "date = CASE WHEN ?6 IS NULL THEN date WHEN ?6 = '' THEN NULL ELSE ?6 END, "
		       "url = CASE WHEN ?7 IS NULL THEN url WHEN ?7 = '' THEN NULL ELSE ?7 END, "
		       "ext_id = CASE WHEN ?8 IS NULL THEN ext_id WHEN ?8 = '' THEN NULL ELSE ?8 END "
		       "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, m->title);
	db_bind_text(st, 3, m->kind);
	db_bind_text(st, 4, m->lang);
	db_bind_text(st, 5, m->issuer);
	db_bind_text(st, 6, m->date);
	db_bind_text(st, 7, m->url);
	db_bind_text(st, 8, m->ext_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dberr;
	if (relang && index_passages(h, id, 0))
		goto dberr;
	if (db_commit(h->db, e))
		return ERR_DB;
	return 0;
dberr:
	err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));
	db_rollback(h->db);
	return ERR_DB;
}

/* ---- what cites a document ---- */

static int names_a_text(const char *kind)
{
	static const char *const kinds[] = {"law", "organic-law", "decree", "dahir", "circular"};
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	return 0;
}

int hub_doc_cited_by(struct hub *h, long long doc_id, struct ref_list *out, struct err *e)
{
	struct doc_info d;
	struct legal_refs refs = {NULL, 0, 0};
	char keys[8][64];
	size_t nkeys = 0;
	memset(out, 0, sizeof(*out));
	int r = hub_doc(h, doc_id, &d, e);
	if (r)
		return r;
	refs_extract(d.title, strlen(d.title), &refs);
	doc_info_release(&d);
	for (size_t i = 0; i < refs.n && nkeys < ARRAY_SIZE(keys); i++) {
		if (!names_a_text(refs.v[i].kind))
			continue;
		if (nkeys && strncmp(keys[0], "dahir:", 6))
			break;
		int seen = 0;
		for (size_t k = 0; k < nkeys; k++)
			seen |= !strcmp(keys[k], refs.v[i].key);
		if (!seen)
			snprintf(keys[nkeys++], sizeof(keys[0]), "%s", refs.v[i].key);
	}
	refs_release(&refs);
	for (size_t k = 0; k < nkeys && !r; k++) {
		sqlite3_stmt *st = db_prepare(h->db, REF_COLUMNS "WHERE r.key = ?1 AND r.doc_id <> ?2 "
								 "ORDER BY r.doc_id, p.seq, r.rowid");
		db_bind_text(st, 1, keys[k]);
		sqlite3_bind_int64(st, 2, doc_id);
		r = read_refs(h, st, out, e);
	}
	if (r)
		ref_list_release(out);
	return r;
}
