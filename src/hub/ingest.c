/* Taking documents into the hub: files, folders and JSON-lines collections. */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/utf8.h"
#include "hub/extract.h"
#include "hub/hub.h"
#include "hub/passages.h"
#include "hub/refs.h"
#include "store/db.h"
#include "text/analyse.h"
#include "base/banned.h"

const char *const hub_kinds[] = {"law",    "organic-law", "decree",  "circular", "budget", "plan",
				 "report", "study",       "minutes", "petition", "other",  NULL};

int hub_ref_is_label(const struct legal_ref *r, const char *article, const char *text)
{
	/* "المادة 12" heading its own passage names the article; it does not cite it. */
	if (!article || strcmp(r->kind, "article"))
		return 0;
	if (r->start && text[r->start - 1] != '\n')
		return 0;
	return !strncmp(text + r->start, article, strlen(article));
}

int hub_kind_valid(const char *kind)
{
	for (size_t i = 0; hub_kinds[i]; i++)
		if (!strcmp(kind, hub_kinds[i]))
			return 1;
	return 0;
}

static int date_valid(const char *d)
{
	int y, m, day;
	char tail;
	if (strlen(d) != 10 || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 || d[4] != '-' || d[7] != '-')
		return 0;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1000 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return 0;
	if (m == 2 && day == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

int hub_meta_validate(const struct doc_meta *m, struct err *e)
{
	if (m->kind && !hub_kind_valid(m->kind)) {
		struct buf b = BUF_INIT;
		for (size_t i = 0; hub_kinds[i]; i++)
			buf_appendf(&b, "%s%s", i ? ", " : "", hub_kinds[i]);
		err_set(e, ERR_USAGE, "kind \"%s\" is not one of: %s", m->kind, buf_str(&b));
		buf_release(&b);
		return ERR_USAGE;
	}
	if (m->lang && text_lang_parse(m->lang) == LANG_NONE)
		return err_set(e, ERR_USAGE, "language \"%s\" is not one of: ar, fr, en", m->lang);
	if (m->date && !date_valid(m->date))
		return err_set(e, ERR_USAGE, "date \"%s\" is not a real date written YYYY-MM-DD", m->date);
	if (m->url && strncmp(m->url, "http://", 7) && strncmp(m->url, "https://", 8))
		return err_set(e, ERR_USAGE, "address \"%s\" does not start with http:// or https://", m->url);
	if (m->title && !*m->title)
		return err_set(e, ERR_USAGE, "the title is empty");
	if (m->title && utf8_validate(m->title, strlen(m->title), NULL, NULL))
		return err_set(e, ERR_ENCODING, "the title is not valid UTF-8 text");
	if (m->issuer && utf8_validate(m->issuer, strlen(m->issuer), NULL, NULL))
		return err_set(e, ERR_ENCODING, "the issuer is not valid UTF-8 text");
	return 0;
}

/* A kind from the words of a title, when nobody said: "القانون التنظيمي" is an organic law... */
static const char *guess_kind(const char *title)
{
	static const struct {
		const char *word, *kind;
	} rules[] = {
		{"القانون التنظيمي", "organic-law"}, {"قانون تنظيمي", "organic-law"}, {"loi organique", "organic-law"},
		{"Loi organique", "organic-law"},     {"مرسوم", "decree"},              {"décret", "decree"},
		{"Décret", "decree"},                 {"دورية", "circular"},            {"منشور", "circular"},
		{"circulaire", "circular"},           {"Circulaire", "circular"},       {"ميزانية", "budget"},
		{"budget", "budget"},                 {"Budget", "budget"},             {"برنامج عمل", "plan"},
		{"مخطط", "plan"},                     {"Plan ", "plan"},                {"plan d'action", "plan"},
		{"محضر", "minutes"},                  {"procès-verbal", "minutes"},     {"Procès-verbal", "minutes"},
		{"عريضة", "petition"},                {"pétition", "petition"},         {"Pétition", "petition"},
		{"دراسة", "study"},                   {"étude", "study"},               {"Étude", "study"},
		{"تقرير", "report"},                  {"rapport", "report"},            {"Rapport", "report"},
		{"قانون", "law"},                     {"ظهير", "law"},                  {"Loi ", "law"},
		{"loi n", "law"},                     {"Dahir", "law"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (strstr(title, rules[i].word))
			return rules[i].kind;
	return "other";
}

static void hash_hex(const void *data, size_t n, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, n);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/*
 * Documents are written in batches committed every BATCH_MS or BATCH_DOCS documents,
 * so a collection of small documents is not one disk commit (and one index segment)
 * per line, and the write lock is never held for long. Each document is still whole
 * or absent: a batch commits only whole documents, and if the database refuses one
 * (disk full...) the whole batch is rolled back and reported as not added. (No
 * savepoint per document: FTS5 writes its pending index at every savepoint, which
 * would undo the batching.) What a batch added is reported once it is committed, so
 * "added" always means "in the hub".
 */
#define BATCH_MS 250
#define BATCH_DOCS 2000

struct pending {
	struct ingest_item item;
	char *source, *title, *format;
	char *created_file; /* original written for this document, to delete if the batch fails */
};

struct ingest {
	struct hub *h;
	const struct ingest_opts *o;
	unsigned long long total, done;
	int failed;
	struct legal_refs refs;
	int in_batch, batch_docs;
	struct timespec batch_start;
	struct pending *pend;
	size_t npend, pend_alloc;
	char commit_error[1200];
	sqlite3_stmt *st_doc, *st_pas, *st_idx, *st_ref, *st_hash;
};

static void report(struct ingest *in, const struct ingest_item *item)
{
	if (item->status == INGEST_FAILED)
		in->failed++;
	if (in->o->on_item)
		in->o->on_item(in->o->ctx, item);
}

static void defer_report(struct ingest *in, const struct ingest_item *item, const char *created_file)
{
	in->pend = xgrow(in->pend, &in->pend_alloc, in->npend + 1, sizeof(*in->pend));
	struct pending *p = &in->pend[in->npend++];
	p->item = *item;
	p->source = xstrdup(item->source);
	p->title = item->title ? xstrdup(item->title) : NULL;
	p->format = item->format ? xstrdup(item->format) : NULL;
	p->item.source = p->source;
	p->item.title = p->title;
	p->item.format = p->format;
	p->item.message = NULL;
	p->created_file = created_file ? xstrdup(created_file) : NULL;
}

static void forget_original(struct hub *h, const char *rel);

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* Ends the open batch, committing it (or rolling it back when `error` is given), and reports its documents. */
static void batch_end(struct ingest *in, const char *error)
{
	struct err e = ERR_INIT;
	int failed = 0;
	if (error) {
		db_rollback(in->h->db);
		failed = 1;
		snprintf(in->commit_error, sizeof(in->commit_error), "not saved, the database refused: %s", error);
	} else if (in->in_batch && db_commit(in->h->db, &e)) {
		failed = 1;
		snprintf(in->commit_error, sizeof(in->commit_error), "not saved: %s", e.msg);
	}
	in->in_batch = 0;
	in->batch_docs = 0;
	for (size_t i = 0; i < in->npend; i++) {
		struct pending *p = &in->pend[i];
		if (failed) {
			p->item.status = INGEST_FAILED;
			p->item.message = in->commit_error;
			p->item.doc_id = 0;
			if (p->created_file)
				forget_original(in->h, p->created_file);
		}
		report(in, &p->item);
		free(p->created_file);
		free(p->source);
		free(p->title);
		free(p->format);
	}
	in->npend = 0;
}

static void batch_commit(struct ingest *in)
{
	batch_end(in, NULL);
}

static void batch_maybe_commit(struct ingest *in)
{
	if (in->in_batch && (in->batch_docs >= BATCH_DOCS || elapsed_ms(&in->batch_start) >= BATCH_MS))
		batch_commit(in);
}

static sqlite3_stmt *stmt(struct ingest *in, sqlite3_stmt **slot, const char *sql)
{
	if (!*slot)
		*slot = db_prepare(in->h->db, sql);
	sqlite3_reset(*slot);
	sqlite3_clear_bindings(*slot);
	return *slot;
}

static void progress(struct ingest *in, const char *current)
{
	if (in->o->on_progress)
		in->o->on_progress(in->o->ctx, in->done, in->total, current);
}

static sqlite3_stmt *stmt(struct ingest *in, sqlite3_stmt **slot, const char *sql);

static long long find_by_hash(struct ingest *in, const char *hash)
{
	sqlite3_stmt *st = stmt(in, &in->st_hash, "SELECT id FROM documents WHERE hash = ?1");
	db_bind_text(st, 1, hash);
	long long id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

struct newdoc {
	const char *ext_id, *hash, *file, *source, *format, *title, *kind, *lang, *issuer, *date, *url;
	int pages;
	long long bytes;
};

#define SQLCHECK(expr)                                                                                                 \
	do {                                                                                                           \
		if ((expr) != SQLITE_DONE) {                                                                           \
			err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(h->db));                                    \
			goto fail;                                                                                     \
		}                                                                                                      \
	} while (0)

/*
 * Writes one document with its passages, index entries and references into the open
 * batch. On a database error the batch is rolled back (see batch_end).
 */
static int store_document(struct ingest *in, const struct newdoc *d, const struct passage_drafts *p, long long *id_out,
			  struct err *e)
{
	struct hub *h = in->h;
	struct buf body = BUF_INIT;
	int en = !strcmp(d->lang, "en");

	if (!in->in_batch) {
		if (db_begin(h->db, e))
			return ERR_DB;
		in->in_batch = 1;
		clock_gettime(CLOCK_MONOTONIC, &in->batch_start);
	}
	sqlite3_stmt *doc = stmt(in, &in->st_doc,
				 "INSERT INTO documents(ext_id, hash, file, source, format, title, kind, lang, issuer, "
				 "date, url, pages, bytes) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
	db_bind_text(doc, 1, d->ext_id);
	db_bind_text(doc, 2, d->hash);
	db_bind_text(doc, 3, d->file);
	db_bind_text(doc, 4, d->source);
	db_bind_text(doc, 5, d->format);
	db_bind_text(doc, 6, d->title);
	db_bind_text(doc, 7, d->kind);
	db_bind_text(doc, 8, d->lang);
	db_bind_text(doc, 9, d->issuer);
	db_bind_text(doc, 10, d->date);
	db_bind_text(doc, 11, d->url);
	sqlite3_bind_int(doc, 12, d->pages);
	sqlite3_bind_int64(doc, 13, d->bytes);
	SQLCHECK(sqlite3_step(doc));
	long long doc_id = sqlite3_last_insert_rowid(h->db);

	for (size_t i = 0; i < p->n; i++) {
		const struct passage_draft *pd = &p->v[i];
		sqlite3_stmt *pas = stmt(in, &in->st_pas,
					 "INSERT INTO passages(doc_id, seq, page, heading, article, text) "
					 "VALUES (?1,?2,?3,?4,?5,?6)");
		sqlite3_bind_int64(pas, 1, doc_id);
		sqlite3_bind_int(pas, 2, (int)i + 1);
		sqlite3_bind_int(pas, 3, pd->page);
		db_bind_text(pas, 4, pd->heading);
		db_bind_text(pas, 5, pd->article);
		sqlite3_bind_text(pas, 6, pd->text, -1, SQLITE_STATIC);
		SQLCHECK(sqlite3_step(pas));
		long long pid = sqlite3_last_insert_rowid(h->db);

		buf_reset(&body);
		if (en)
			buf_appends(&body, TEXT_LANG_TAG_EN);
		buf_appends(&body, pd->text);
		sqlite3_stmt *idx = stmt(in, &in->st_idx, "INSERT INTO passage_index(rowid, body) VALUES (?1, ?2)");
		sqlite3_bind_int64(idx, 1, pid);
		sqlite3_bind_text(idx, 2, body.data, (int)body.len, SQLITE_STATIC);
		SQLCHECK(sqlite3_step(idx));

		in->refs.n = 0;
		refs_extract(pd->text, strlen(pd->text), &in->refs);
		for (size_t r = 0; r < in->refs.n; r++) {
			const struct legal_ref *lr = &in->refs.v[r];
			if (hub_ref_is_label(lr, pd->article, pd->text))
				continue;
			sqlite3_stmt *ref = stmt(in, &in->st_ref,
						 "INSERT INTO legal_refs(passage_id, doc_id, kind, number, article, key, "
						 "raw) VALUES (?1,?2,?3,?4,?5,?6,?7)");
			sqlite3_bind_int64(ref, 1, pid);
			sqlite3_bind_int64(ref, 2, doc_id);
			db_bind_text(ref, 3, lr->kind);
			db_bind_text(ref, 4, lr->number);
			if (lr->article)
				sqlite3_bind_int(ref, 5, lr->article);
			db_bind_text(ref, 6, lr->key);
			sqlite3_bind_text(ref, 7, pd->text + lr->start, (int)(lr->end - lr->start), SQLITE_STATIC);
			SQLCHECK(sqlite3_step(ref));
		}
	}
	buf_release(&body);
	in->batch_docs++;
	*id_out = doc_id;
	return 0;
fail:
	buf_release(&body);
	batch_end(in, e->msg);
	return ERR_DB;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static char *title_from_name(const char *path)
{
	const char *b = base_name(path);
	const char *dot = strrchr(b, '.');
	char *t = xstrndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
	for (char *c = t; *c; c++)
		if (*c == '_')
			*c = ' ';
	if (utf8_validate(t, strlen(t), NULL, NULL)) {
		free(t);
		t = xstrdup("document");
	}
	return t;
}

/* Keeps the original under files/ab/abcdef... ; returns 1 when this call created it. */
static int keep_original(struct hub *h, const char *hash, const void *data, size_t n, char **rel, struct err *e)
{
	char *dir_rel = xasprintf("files/%.2s", hash);
	char *dir = fs_join(h->dir, dir_rel);
	*rel = xasprintf("%s/%s", dir_rel, hash);
	char *full = fs_join(h->dir, *rel);
	int created = 0;
	if (!fs_exists(full)) {
		if (fs_mkdirs(dir, 0755, e) || fs_write_atomic(full, data, n, e))
			created = -1;
		else
			created = 1;
	}
	free(dir_rel);
	free(dir);
	free(full);
	return created;
}

static void forget_original(struct hub *h, const char *rel)
{
	char *full = fs_join(h->dir, rel);
	unlink(full);
	free(full);
}

static void add_file(struct ingest *in, const char *path, const struct buf *data, enum extract_format fmt)
{
	struct hub *h = in->h;
	const struct doc_meta *m = &in->o->meta;
	struct ingest_item item = {path, INGEST_FAILED, 0, 0, NULL, extract_format_name(fmt), NULL};
	struct extract x;
	struct passage_drafts p = {NULL, 0, 0};
	struct err e = ERR_INIT;
	char hash[65], *rel = NULL, *title = NULL;
	int created = 0;

	extract_init(&x);
	hash_hex(data->data, data->len, hash);
	long long existing = find_by_hash(in, hash);
	if (existing) {
		item.status = INGEST_DUPLICATE;
		item.doc_id = existing;
		report(in, &item);
		return;
	}
	if (extract_run(path, (const unsigned char *)data->data, data->len, fmt, &x, &e))
		goto fail;
	passages_split(&x, &p);
	if (!p.n) {
		err_set(&e, ERR_EMPTY, "%s: no text to take in", path);
		goto fail;
	}
	if (m->title)
		title = xstrdup(m->title);
	else if (x.title && *x.title)
		title = xstrdup(x.title);
	else if (x.n && x.blocks[0].type == BLOCK_HEADING && strlen(x.blocks[0].text) < 300)
		title = xstrdup(x.blocks[0].text);
	else
		title = title_from_name(path);
	const char *lang = m->lang;
	if (!lang) {
		struct buf sample = BUF_INIT;
		for (size_t i = 0; i < p.n && sample.len < 100000; i++)
			buf_appends(&sample, p.v[i].text);
		lang = text_lang_code(text_guess_lang(buf_str(&sample), sample.len));
		buf_release(&sample);
	}
	created = keep_original(h, hash, data->data, data->len, &rel, &e);
	if (created < 0)
		goto fail;
	struct newdoc d = {m->ext_id, hash, rel, path, extract_format_name(fmt), title,
			   m->kind ? m->kind : guess_kind(title), lang, m->issuer, m->date, m->url, x.pages,
			   (long long)data->len};
	long long id = 0;
	if (store_document(in, &d, &p, &id, &e)) {
		err_prefix(&e, "%s", path);
		if (created == 1)
			forget_original(h, rel);
		goto fail;
	}
	item.status = INGEST_ADDED;
	item.doc_id = id;
	item.passages = (int)p.n;
	item.title = title;
	defer_report(in, &item, created == 1 ? rel : NULL);
	batch_maybe_commit(in);
	goto done;
fail:
	item.message = e.msg;
	report(in, &item);
done:
	free(rel);
	free(title);
	passage_drafts_release(&p);
	extract_release(&x);
}

/* ---- JSON-lines collections: one document per line ---- */

static const char *json_str(json_t *o, const char *field, int line, const char *path, struct err *e, int required)
{
	json_t *v = json_object_get(o, field);
	if (!v || json_is_null(v)) {
		if (required)
			err_set(e, ERR_FORMAT, "%s:%d: the field \"%s\" is missing", path, line, field);
		return NULL;
	}
	if (!json_is_string(v)) {
		err_set(e, ERR_FORMAT, "%s:%d: the field \"%s\" should be text", path, line, field);
		return NULL;
	}
	return json_string_value(v);
}

static void add_collection_line(struct ingest *in, const char *path, int line, const char *s, size_t n)
{
	const struct doc_meta *m = &in->o->meta;
	char source[4096];
	snprintf(source, sizeof(source), "%s:%d", path, line);
	struct ingest_item item = {source, INGEST_FAILED, 0, 0, NULL, "jsonl", NULL};
	struct err e = ERR_INIT;
	json_error_t jerr;
	struct extract x;
	struct passage_drafts p = {NULL, 0, 0};
	char *id_copy = NULL;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES, &jerr);

	extract_init(&x);
	if (!o || !json_is_object(o)) {
		err_set(&e, ERR_FORMAT, "%s:%d: not a JSON object (%s)", path, line, o ? "another JSON value" : jerr.text);
		goto fail;
	}
	json_t *idv = json_object_get(o, "id");
	if (json_is_integer(idv))
		id_copy = xasprintf("%lld", (long long)json_integer_value(idv));
	else if (json_is_string(idv) && *json_string_value(idv))
		id_copy = xstrdup(json_string_value(idv));
	else {
		err_set(&e, ERR_FORMAT, "%s:%d: the field \"id\" is missing", path, line);
		goto fail;
	}
	const char *title = json_str(o, "title", line, path, &e, 1);
	if (!title)
		goto fail;
	const char *text = json_str(o, "text", line, path, &e, 1);
	if (!text)
		goto fail;
	struct doc_meta lm = {
		json_object_get(o, "kind") ? json_str(o, "kind", line, path, &e, 0) : m->kind,
		title,
		json_object_get(o, "lang") ? json_str(o, "lang", line, path, &e, 0) : m->lang,
		json_object_get(o, "issuer") ? json_str(o, "issuer", line, path, &e, 0) : m->issuer,
		json_object_get(o, "date") ? json_str(o, "date", line, path, &e, 0) : m->date,
		json_object_get(o, "url") ? json_str(o, "url", line, path, &e, 0) : m->url,
		id_copy,
	};
	if (e.code)
		goto fail;
	if (!*title) {
		err_set(&e, ERR_FORMAT, "%s:%d: the title is empty", path, line);
		goto fail;
	}
	if (hub_meta_validate(&lm, &e)) {
		err_prefix(&e, "%s:%d", path, line);
		goto fail;
	}
	struct buf key = BUF_INIT;
	buf_appendf(&key, "jsonl%c%s%c%s%c", 0, id_copy, 0, title, 0);
	buf_appends(&key, text);
	char hash[65];
	hash_hex(key.data, key.len, hash);
	buf_release(&key);
	long long existing = find_by_hash(in, hash);
	if (existing) {
		item.status = INGEST_DUPLICATE;
		item.doc_id = existing;
		item.title = title;
		report(in, &item);
		goto done;
	}
	if (extract_run(source, (const unsigned char *)text, strlen(text), FMT_TXT, &x, &e))
		goto fail;
	passages_split(&x, &p);
	if (!p.n) {
		err_set(&e, ERR_EMPTY, "%s: no text to take in", source);
		goto fail;
	}
	const char *lang = lm.lang ? lm.lang : text_lang_code(text_guess_lang(text, strlen(text)));
	struct newdoc d = {id_copy, hash, NULL, source, "jsonl", title, lm.kind ? lm.kind : guess_kind(title),
			   lang, lm.issuer, lm.date, lm.url, 0, (long long)strlen(text)};
	long long doc_id = 0;
	if (store_document(in, &d, &p, &doc_id, &e)) {
		err_prefix(&e, "%s", source);
		goto fail;
	}
	item.status = INGEST_ADDED;
	item.doc_id = doc_id;
	item.passages = (int)p.n;
	item.title = title;
	defer_report(in, &item, NULL);
	batch_maybe_commit(in);
	goto done;
fail:
	item.message = e.msg;
	report(in, &item);
done:
	free(id_copy);
	json_decref(o);
	passage_drafts_release(&p);
	extract_release(&x);
}

#define MAX_LINE (64u << 20)

static void add_collection(struct ingest *in, const char *path)
{
	FILE *f = fopen(path, "rb");
	struct ingest_item item = {path, INGEST_FAILED, 0, 0, NULL, "jsonl", NULL};
	char msg[8192];
	if (!f) {
		snprintf(msg, sizeof(msg), "%s: cannot open: %s", path, strerror(errno));
		item.message = msg;
		report(in, &item);
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		in->done += (unsigned long long)len;
		size_t n = (size_t)len;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		size_t sp = 0;
		while (sp < n && (line[sp] == ' ' || line[sp] == '\t'))
			sp++;
		if (sp == n)
			continue; /* blank lines are allowed */
		if (n > MAX_LINE) {
			char src[4096];
			snprintf(src, sizeof(src), "%s:%d", path, lineno);
			snprintf(msg, sizeof(msg), "%s: the line is too long (%.1f MB; the limit is %u MB)", src,
				 (double)n / 1e6, MAX_LINE >> 20);
			struct ingest_item big = {src, INGEST_FAILED, 0, 0, NULL, "jsonl", msg};
			report(in, &big);
			continue;
		}
		add_collection_line(in, path, lineno, line, n);
		if ((lineno & 63) == 0)
			progress(in, path);
	}
	if (ferror(f)) {
		snprintf(msg, sizeof(msg), "%s: cannot read: %s", path, strerror(errno));
		item.message = msg;
		report(in, &item);
	}
	free(line);
	fclose(f);
}

/* ---- files and folders ---- */

struct file_list {
	char **v;
	unsigned long long *size;
	size_t n, alloc, size_alloc;
};

static int collect(const char *file, void *ctx)
{
	struct file_list *l = ctx;
	struct stat st;
	l->v = xgrow(l->v, &l->alloc, l->n + 1, sizeof(*l->v));
	l->size = xgrow(l->size, &l->size_alloc, l->n + 1, sizeof(*l->size));
	l->v[l->n] = xstrdup(file);
	l->size[l->n] = stat(file, &st) == 0 ? (unsigned long long)st.st_size : 0;
	l->n++;
	return 0;
}

int hub_add_paths(struct hub *h, char *const *paths, int n, const struct ingest_opts *o, struct err *e)
{
	struct ingest in;
	struct ingest *in_ptr = &in;
	memset(&in, 0, sizeof(in));
	in.h = h;
	in.o = o;
	struct file_list files = {NULL, NULL, 0, 0, 0};
	struct buf data = BUF_INIT;
	size_t max = o->max_file_bytes ? o->max_file_bytes : HUB_MAX_FILE;

	if (hub_meta_validate(&o->meta, e))
		return e->code;
	db_exec(h->db, "PRAGMA wal_autocheckpoint = 16384", NULL);
	for (int i = 0; i < n; i++) {
		struct err we = ERR_INIT;
		if (fs_walk(paths[i], collect, &files, &we)) {
			struct ingest_item item = {paths[i], INGEST_FAILED, 0, 0, NULL, NULL, we.msg};
			report(&in, &item);
		}
	}
	for (size_t i = 0; i < files.n; i++)
		in.total += files.size[i];
	progress(&in, "");
	for (size_t i = 0; i < files.n; i++) {
		const char *path = files.v[i];
		struct err fe = ERR_INIT;
		size_t name_len = strlen(path);
		progress(&in, path);
		if (name_len > 6 && !strcmp(path + name_len - 6, ".jsonl")) {
			add_collection(&in, path);
		} else if (files.size[i] > max) {
			err_set(&fe, ERR_TOO_BIG, "%s: too large (%.1f MB; the limit is %.1f MB)", path,
				(double)files.size[i] / 1e6, (double)max / 1e6);
			struct ingest_item item = {path, INGEST_FAILED, 0, 0, NULL, NULL, fe.msg};
			report(&in, &item);
			in.done += files.size[i];
		} else if (fs_read_file(path, max, &data, &fe)) {
			struct ingest_item item = {path, INGEST_FAILED, 0, 0, NULL, NULL, fe.msg};
			report(&in, &item);
			in.done += files.size[i];
		} else {
			enum extract_format fmt = extract_detect(path, (const unsigned char *)data.data, data.len);
			if (fmt == FMT_JSONL) {
				add_collection(&in, path);
			} else {
				add_file(&in, path, &data, fmt);
				in.done += files.size[i];
			}
		}
		progress(&in, path);
	}
	batch_commit(in_ptr);
	free(in.pend);
	sqlite3_finalize(in.st_doc);
	sqlite3_finalize(in.st_pas);
	sqlite3_finalize(in.st_idx);
	sqlite3_finalize(in.st_ref);
	sqlite3_finalize(in.st_hash);
	/* The log of changes was let grow during the import; fold it into the database now. */
	sqlite3_wal_checkpoint_v2(h->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	db_exec(h->db, "PRAGMA wal_autocheckpoint = 1000", NULL);
	buf_release(&data);
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	free(files.size);
	refs_release(&in.refs);
	if (in.failed)
		return err_set(e, ERR_FORMAT, "%d document%s could not be taken in", in.failed, in.failed == 1 ? "" : "s");
	return 0;
}
