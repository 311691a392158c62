/* Taking documents into the hub: files, folders and JSON-lines collections. */
#include <errno.h>
#include <pthread.h>
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
#include "text/fts5.h"
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

/* Keeps the original under files/ab/abcdef... ; returns 1 when this call created it, -1 on error. */
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

/*
 * Threads share the work. One walks the folders and reads the files and lines;
 * workers (one per core) extract, split, hash, find the legal references and analyse
 * every passage; the caller's thread only writes to the database, replaying the
 * terms the workers analysed to the FTS5 tokenizer. Documents reach the writer
 * in input order (see the pipeline below), and only the writer reports.
 *
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
#define MAX_WORKERS 4

struct prepared_passage {
	char *body; /* the text as indexed (English passages carry the language tag) */
	size_t body_len;
	struct legal_ref *refs;
	size_t nrefs;
	struct fts5_tokens tokens;
};

/* A document read and analysed, ready to be written (or a failure or duplicate to report). */
struct prepared {
	enum ingest_status status; /* INGEST_ADDED here means "to be written" */
	char *source, *message, *format;
	long long doc_id; /* of the document already there, for duplicates */
	char *ext_id, *hash, *file, *title, *kind, *lang, *issuer, *date, *url;
	int pages;
	long long bytes;
	int created_file; /* this run wrote the original: delete it if the document is not written */
	struct passage_drafts p;
	struct prepared_passage *pp;
	unsigned long long done; /* input bytes read when it was prepared */
	size_t job_bytes;
	struct prepared *next; /* the following document of the same job */
};

static void prepared_free(struct prepared *d)
{
	char **s[] = {&d->source, &d->message, &d->format, &d->ext_id, &d->hash, &d->file, &d->title,
		      &d->kind,   &d->lang,    &d->issuer, &d->date,   &d->url};
	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		free(*s[i]);
	for (size_t i = 0; d->pp && i < d->p.n; i++) {
		free(d->pp[i].body);
		free(d->pp[i].refs);
		text_fts5_tokens_release(&d->pp[i].tokens);
	}
	free(d->pp);
	passage_drafts_release(&d->p);
	free(d);
}

static char *dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* ---- the pipeline between the threads ---- */

/*
 * The walking thread turns files and collection lines into numbered jobs; worker
 * threads prepare them in any order; the writer takes the prepared documents back in
 * job order (a ring of RING slots), so reports and ids follow the input. The walker
 * stays at most RING jobs and about INFLIGHT_BYTES of input ahead of the writer.
 */
#define RING 128
#define INFLIGHT_BYTES (256u << 20)

enum job_kind { JOB_FILE, JOB_LINE, JOB_FAIL };

#define LINES_PER_JOB 32

struct job {
	unsigned long long seq, done;
	enum job_kind kind;
	char *path;       /* the file, or the collection */
	char *data;       /* the file's bytes, or the lines one after the other */
	size_t len;
	enum extract_format fmt;
	int nlines;       /* JOB_LINE: lines in data, with their numbers and lengths */
	int lineno[LINES_PER_JOB];
	size_t linelen[LINES_PER_JOB];
	unsigned long long linedone[LINES_PER_JOB];
	char *message;    /* JOB_FAIL */
	const char *format;
	struct job *next;
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t has_job, has_room, has_next;
	struct job *head, *tail; /* waiting for a worker */
	int walked;              /* the walker has made every job */
	unsigned long long made, written;
	size_t inflight;
	struct prepared *slot[RING]; /* a job's documents, chained */
	struct prepared *taking;     /* the writer's current chain */
};

static void job_free(struct job *j)
{
	free(j->path);
	free(j->data);
	free(j->message);
	free(j);
}

static void pipeline_add(struct pipeline *pl, struct job *j)
{
	pthread_mutex_lock(&pl->mu);
	while (pl->made - pl->written >= RING || (pl->inflight > INFLIGHT_BYTES && pl->made > pl->written))
		pthread_cond_wait(&pl->has_room, &pl->mu);
	j->seq = pl->made++;
	pl->inflight += j->len;
	j->next = NULL;
	if (pl->tail)
		pl->tail->next = j;
	else
		pl->head = j;
	pl->tail = j;
	pthread_cond_signal(&pl->has_job);
	pthread_mutex_unlock(&pl->mu);
}

static void pipeline_walked(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->mu);
	pl->walked = 1;
	pthread_cond_broadcast(&pl->has_job);
	pthread_cond_signal(&pl->has_next);
	pthread_mutex_unlock(&pl->mu);
}

/* A worker's next job, or NULL when there will be none. */
static struct job *pipeline_job(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->mu);
	while (!pl->head && !pl->walked)
		pthread_cond_wait(&pl->has_job, &pl->mu);
	struct job *j = pl->head;
	if (j) {
		pl->head = j->next;
		if (!pl->head)
			pl->tail = NULL;
	}
	pthread_mutex_unlock(&pl->mu);
	return j;
}

static void pipeline_done(struct pipeline *pl, unsigned long long seq, struct prepared *d)
{
	pthread_mutex_lock(&pl->mu);
	pl->slot[seq % RING] = d;
	if (seq == pl->written)
		pthread_cond_signal(&pl->has_next);
	pthread_mutex_unlock(&pl->mu);
}

/* The writer's next document in input order, or NULL at the end. */
static struct prepared *pipeline_next(struct pipeline *pl)
{
	struct prepared *d = pl->taking;
	if (d) {
		pl->taking = d->next;
		return d;
	}
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		d = pl->slot[pl->written % RING];
		if (d || (pl->walked && pl->written == pl->made))
			break;
		pthread_cond_wait(&pl->has_next, &pl->mu);
	}
	if (d) {
		pl->slot[pl->written % RING] = NULL;
		pl->written++;
		for (struct prepared *x = d; x; x = x->next)
			pl->inflight -= x->job_bytes;
		pthread_cond_signal(&pl->has_room);
	}
	pthread_mutex_unlock(&pl->mu);
	if (d)
		pl->taking = d->next;
	return d;
}

/* ---- the reading thread ---- */

struct file_list {
	char **v;
	unsigned long long *size;
	size_t n, alloc, size_alloc;
};

/* A worker thread's tools; `out` receives what its current job gives. */
struct reader {
	struct hub *h;
	const struct ingest_opts *o;
	struct pipeline *pl;
	struct analyser *an;
	sqlite3 *ro; /* a read-only connection: is this content already in the hub? */
	sqlite3_stmt *by_hash;
	unsigned long long done; /* of the current job */
	struct prepared *out;
	struct legal_refs refs;
};

static long long reader_find(struct reader *r, const char *hash)
{
	if (!r->by_hash)
		return 0;
	sqlite3_reset(r->by_hash);
	sqlite3_bind_text(r->by_hash, 1, hash, -1, SQLITE_STATIC);
	long long id = sqlite3_step(r->by_hash) == SQLITE_ROW ? sqlite3_column_int64(r->by_hash, 0) : 0;
	sqlite3_reset(r->by_hash);
	return id;
}

/* How a path is recorded and reported (without the folder the caller asked to hide). */
static const char *shown(const struct reader *r, const char *path)
{
	const char *strip = r->o->source_strip;
	size_t k = strip ? strlen(strip) : 0;
	if (k && !strncmp(path, strip, k)) {
		path += k;
		while (*path == '/')
			path++;
	}
	return path;
}

static void push_failure(struct reader *r, const char *source, const char *format, const char *message)
{
	struct prepared *d = xcalloc(1, sizeof(*d));
	d->status = INGEST_FAILED;
	d->source = xstrdup(shown(r, source));
	d->format = dup0(format);
	d->message = xstrdup(message);
	r->out = d;
}

static void push_duplicate(struct reader *r, const char *source, const char *format, long long id)
{
	struct prepared *d = xcalloc(1, sizeof(*d));
	d->status = INGEST_DUPLICATE;
	d->source = xstrdup(shown(r, source));
	d->format = dup0(format);
	d->doc_id = id;
	r->out = d;
}

/* Analyses the passages of d (refs, index terms) and hands it to the writer. */
static void push_document(struct reader *r, struct prepared *d)
{
	int en = !strcmp(d->lang, "en");
	d->pp = xcalloc(d->p.n + 1, sizeof(*d->pp));
	for (size_t i = 0; i < d->p.n; i++) {
		struct prepared_passage *pp = &d->pp[i];
		const struct passage_draft *pd = &d->p.v[i];
		pp->body = en ? xasprintf("%s%s", TEXT_LANG_TAG_EN, pd->text) : xstrdup(pd->text);
		pp->body_len = strlen(pp->body);
		r->refs.n = 0;
		refs_extract(pd->text, strlen(pd->text), &r->refs);
		size_t k = 0;
		pp->refs = xcalloc(r->refs.n + 1, sizeof(*pp->refs));
		for (size_t j = 0; j < r->refs.n; j++)
			if (!hub_ref_is_label(&r->refs.v[j], pd->article, pd->text))
				pp->refs[k++] = r->refs.v[j];
		pp->nrefs = k;
		text_fts5_tokens_build(&pp->tokens, r->an, pp->body, pp->body_len);
	}
	d->status = INGEST_ADDED;
	r->out = d;
}

static char *sample_lang(const struct passage_drafts *p)
{
	struct buf sample = BUF_INIT;
	for (size_t i = 0; i < p->n && sample.len < 100000; i++)
		buf_appends(&sample, p->v[i].text);
	char *l = xstrdup(text_lang_code(text_guess_lang(buf_str(&sample), sample.len)));
	buf_release(&sample);
	return l;
}

static void read_file(struct reader *r, const char *path, const struct buf *data, enum extract_format fmt)
{
	const struct doc_meta *m = &r->o->meta;
	struct extract x;
	struct err e = ERR_INIT;
	char hash[65];
	const char *fname = extract_format_name(fmt);

	hash_hex(data->data, data->len, hash);
	long long existing = reader_find(r, hash);
	if (existing) {
		push_duplicate(r, path, fname, existing);
		return;
	}
	extract_init(&x);
	if (extract_run(path, (const unsigned char *)data->data, data->len, fmt, &x, &e)) {
		extract_release(&x);
		push_failure(r, path, fname, e.msg);
		return;
	}
	struct prepared *d = xcalloc(1, sizeof(*d));
	passages_split(&x, &d->p);
	if (!d->p.n) {
		extract_release(&x);
		prepared_free(d);
		err_set(&e, ERR_EMPTY, "%s: no text to take in", path);
		push_failure(r, path, fname, e.msg);
		return;
	}
	if (m->title)
		d->title = xstrdup(m->title);
	else if (x.title && *x.title)
		d->title = xstrdup(x.title);
	else if (x.n && x.blocks[0].type == BLOCK_HEADING && strlen(x.blocks[0].text) < 300)
		d->title = xstrdup(x.blocks[0].text);
	else
		d->title = title_from_name(path);
	d->lang = m->lang ? xstrdup(m->lang) : sample_lang(&d->p);
	d->pages = x.pages;
	extract_release(&x);
	d->created_file = keep_original(r->h, hash, data->data, data->len, &d->file, &e);
	if (d->created_file < 0) {
		prepared_free(d);
		push_failure(r, path, fname, e.msg);
		return;
	}
	d->source = xstrdup(shown(r, path));
	d->format = xstrdup(fname);
	d->hash = xstrdup(hash);
	d->ext_id = dup0(m->ext_id);
	d->kind = xstrdup(m->kind ? m->kind : guess_kind(d->title));
	d->issuer = dup0(m->issuer);
	d->date = dup0(m->date);
	d->url = dup0(m->url);
	d->bytes = (long long)data->len;
	push_document(r, d);
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

static void read_collection_line(struct reader *r, const char *path, int line, const char *s, size_t n)
{
	const struct doc_meta *m = &r->o->meta;
	char source[4096];
	snprintf(source, sizeof(source), "%s:%d", path, line);
	struct err e = ERR_INIT;
	json_error_t jerr;
	struct extract x;
	struct prepared *d = NULL;
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
	long long existing = reader_find(r, hash);
	if (existing) {
		push_duplicate(r, source, "jsonl", existing);
		goto done;
	}
	if (extract_run(source, (const unsigned char *)text, strlen(text), FMT_TXT, &x, &e))
		goto fail;
	d = xcalloc(1, sizeof(*d));
	passages_split(&x, &d->p);
	if (!d->p.n) {
		err_set(&e, ERR_EMPTY, "%s: no text to take in", source);
		goto fail;
	}
	d->source = xstrdup(source);
	d->format = xstrdup("jsonl");
	d->hash = xstrdup(hash);
	d->ext_id = id_copy;
	id_copy = NULL;
	d->title = xstrdup(title);
	d->kind = xstrdup(lm.kind ? lm.kind : guess_kind(title));
	d->lang = xstrdup(lm.lang ? lm.lang : text_lang_code(text_guess_lang(text, strlen(text))));
	d->issuer = dup0(lm.issuer);
	d->date = dup0(lm.date);
	d->url = dup0(lm.url);
	d->bytes = (long long)strlen(text);
	push_document(r, d);
	d = NULL;
	goto done;
fail:
	push_failure(r, source, "jsonl", e.msg);
done:
	if (d)
		prepared_free(d);
	free(id_copy);
	json_decref(o);
	extract_release(&x);
}

#define MAX_LINE (64u << 20)

struct walker {
	struct pipeline *pl;
	struct file_list *files;
	size_t max;
	unsigned long long done;
};

static void walk_fail(struct walker *wk, const char *source, const char *format, const char *message)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->kind = JOB_FAIL;
	j->path = xstrdup(source);
	j->format = format;
	j->message = xstrdup(message);
	j->done = wk->done;
	pipeline_add(wk->pl, j);
}

static void walk_collection(struct walker *wk, const char *path)
{
	FILE *f = fopen(path, "rb");
	char msg[8192];
	if (!f) {
		snprintf(msg, sizeof(msg), "%s: cannot open: %s", path, strerror(errno));
		walk_fail(wk, path, "jsonl", msg);
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;
	struct job *lines = NULL; /* lines gathered into one job */
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		wk->done += (unsigned long long)len;
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
			if (lines) { /* keep the order of the lines */
				pipeline_add(wk->pl, lines);
				lines = NULL;
			}
			snprintf(src, sizeof(src), "%s:%d", path, lineno);
			snprintf(msg, sizeof(msg), "%s: the line is too long (%.1f MB; the limit is %u MB)", src,
				 (double)n / 1e6, MAX_LINE >> 20);
			walk_fail(wk, src, "jsonl", msg);
			continue;
		}
		if (!lines) {
			lines = xcalloc(1, sizeof(*lines));
			lines->kind = JOB_LINE;
			lines->path = xstrdup(path);
		}
		lines->data = xrealloc(lines->data, lines->len + n + 1);
		memcpy(lines->data + lines->len, line, n);
		lines->data[lines->len + n] = '\0';
		lines->len += n + 1;
		lines->lineno[lines->nlines] = lineno;
		lines->linelen[lines->nlines] = n;
		lines->linedone[lines->nlines] = wk->done;
		lines->done = wk->done;
		if (++lines->nlines == LINES_PER_JOB || lines->len > (1u << 20)) {
			pipeline_add(wk->pl, lines);
			lines = NULL;
		}
	}
	if (lines)
		pipeline_add(wk->pl, lines);
	if (ferror(f)) {
		snprintf(msg, sizeof(msg), "%s: cannot read: %s", path, strerror(errno));
		walk_fail(wk, path, "jsonl", msg);
	}
	free(line);
	fclose(f);
}

/* The walking thread: files and lines into jobs. */
static void *walker_main(void *arg)
{
	struct walker *wk = arg;
	for (size_t i = 0; i < wk->files->n; i++) {
		const char *path = wk->files->v[i];
		unsigned long long size = wk->files->size[i];
		struct err fe = ERR_INIT;
		struct buf data = BUF_INIT;
		size_t name_len = strlen(path);
		if (name_len > 6 && !strcmp(path + name_len - 6, ".jsonl")) {
			walk_collection(wk, path);
			continue;
		}
		if (size > wk->max) {
			wk->done += size;
			err_set(&fe, ERR_TOO_BIG, "%s: too large (%.1f MB; the limit is %.1f MB)", path, (double)size / 1e6,
				(double)wk->max / 1e6);
			walk_fail(wk, path, NULL, fe.msg);
			continue;
		}
		if (fs_read_file(path, wk->max, &data, &fe)) {
			wk->done += size;
			buf_release(&data);
			walk_fail(wk, path, NULL, fe.msg);
			continue;
		}
		enum extract_format fmt = extract_detect(path, (const unsigned char *)data.data, data.len);
		if (fmt == FMT_JSONL) {
			buf_release(&data);
			walk_collection(wk, path);
			continue;
		}
		wk->done += size;
		struct job *j = xcalloc(1, sizeof(*j));
		j->kind = JOB_FILE;
		j->path = xstrdup(path);
		j->len = data.len;
		j->data = buf_detach(&data);
		j->fmt = fmt;
		j->done = wk->done;
		pipeline_add(wk->pl, j);
	}
	pipeline_walked(wk->pl);
	return NULL;
}

/* Prepares one job and hands the result (a chain, for lines) to the writer. */
static void process_job(struct reader *r, struct job *j)
{
	struct prepared *first = NULL, **link = &first;
	if (j->kind == JOB_LINE) {
		size_t off = 0;
		for (int i = 0; i < j->nlines; i++) {
			r->out = NULL;
			read_collection_line(r, j->path, j->lineno[i], j->data + off, j->linelen[i]);
			if (!r->out)
				BUG("a line gave nothing");
			r->out->done = j->linedone[i];
			r->out->job_bytes = j->linelen[i] + 1;
			*link = r->out;
			link = &r->out->next;
			off += j->linelen[i] + 1;
		}
	} else {
		r->out = NULL;
		if (j->kind == JOB_FAIL) {
			push_failure(r, j->path, j->format, j->message);
		} else {
			struct buf data = {j->data, j->len, j->len + 1, 0};
			read_file(r, j->path, &data, j->fmt);
		}
		if (!r->out)
			BUG("a job gave nothing");
		r->out->done = j->done;
		r->out->job_bytes = j->len;
		first = r->out;
	}
	unsigned long long seq = j->seq;
	job_free(j);
	pipeline_done(r->pl, seq, first);
}

/* A worker thread: jobs into prepared documents. */
static void *worker_main(void *arg)
{
	struct reader *r = arg;
	struct job *j;
	while ((j = pipeline_job(r->pl)))
		process_job(r, j);
	return NULL;
}

static void reader_init(struct reader *r, struct hub *h, const struct ingest_opts *o, struct pipeline *pl)
{
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->o = o;
	r->pl = pl;
	r->an = analyser_new();
	if (sqlite3_open_v2(h->db_path, &r->ro, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(r->ro, 10000);
		if (sqlite3_prepare_v2(r->ro, "SELECT id FROM documents WHERE hash = ?1", -1, &r->by_hash, NULL) != SQLITE_OK)
			r->by_hash = NULL;
	}
}

static void reader_release(struct reader *r)
{
	sqlite3_finalize(r->by_hash);
	sqlite3_close(r->ro);
	analyser_free(r->an);
	refs_release(&r->refs);
}

/* ---- the writing thread ---- */

struct pending {
	struct ingest_item item;
	struct prepared *d;
};

struct writer {
	struct hub *h;
	const struct ingest_opts *o;
	unsigned long long total;
	int failed;
	int in_batch, batch_docs;
	struct timespec batch_start;
	struct pending *pend;
	size_t npend, pend_alloc;
	char commit_error[1200];
	sqlite3_stmt *st_doc, *st_pas, *st_idx, *st_ref, *st_hash;
};

static void report(struct writer *w, const struct ingest_item *item)
{
	if (item->status == INGEST_FAILED)
		w->failed++;
	if (w->o->on_item)
		w->o->on_item(w->o->ctx, item);
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* Ends the open batch, committing it (or rolling it back when `error` is given), and reports its documents. */
static void batch_end(struct writer *w, const char *error)
{
	struct err e = ERR_INIT;
	int failed = 0;
	if (error) {
		db_rollback(w->h->db);
		failed = 1;
		snprintf(w->commit_error, sizeof(w->commit_error), "not saved, the database refused: %s", error);
	} else if (w->in_batch && db_commit(w->h->db, &e)) {
		failed = 1;
		snprintf(w->commit_error, sizeof(w->commit_error), "not saved: %s", e.msg);
	}
	w->in_batch = 0;
	w->batch_docs = 0;
	for (size_t i = 0; i < w->npend; i++) {
		struct pending *p = &w->pend[i];
		if (failed) {
			p->item.status = INGEST_FAILED;
			p->item.message = w->commit_error;
			p->item.doc_id = 0;
			if (p->d->created_file == 1)
				forget_original(w->h, p->d->file);
		}
		report(w, &p->item);
		prepared_free(p->d);
	}
	w->npend = 0;
}

static void batch_maybe_commit(struct writer *w)
{
	if (w->in_batch && (w->batch_docs >= BATCH_DOCS || elapsed_ms(&w->batch_start) >= BATCH_MS))
		batch_end(w, NULL);
}

static sqlite3_stmt *stmt(struct writer *w, sqlite3_stmt **slot, const char *sql)
{
	if (!*slot)
		*slot = db_prepare(w->h->db, sql);
	sqlite3_reset(*slot);
	sqlite3_clear_bindings(*slot);
	return *slot;
}

static long long writer_find(struct writer *w, const char *hash)
{
	sqlite3_stmt *st = stmt(w, &w->st_hash, "SELECT id FROM documents WHERE hash = ?1");
	db_bind_text(st, 1, hash);
	long long id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

#define SQLCHECK(expr)                                                                                                 \
	do {                                                                                                           \
		if ((expr) != SQLITE_DONE) {                                                                           \
			err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(w->h->db));                                 \
			goto fail;                                                                                     \
		}                                                                                                      \
	} while (0)

/*
 * Writes one document with its passages, index entries and references into the open
 * batch. On a database error the batch is rolled back (see batch_end).
 */
static int write_document(struct writer *w, const struct prepared *d, long long *id_out, struct err *e)
{
	sqlite3 *db = w->h->db;
	if (!w->in_batch) {
		if (db_begin(db, e))
			return ERR_DB;
		w->in_batch = 1;
		clock_gettime(CLOCK_MONOTONIC, &w->batch_start);
	}
	sqlite3_stmt *doc = stmt(w, &w->st_doc,
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
	long long doc_id = sqlite3_last_insert_rowid(db);

	for (size_t i = 0; i < d->p.n; i++) {
		const struct passage_draft *pd = &d->p.v[i];
		const struct prepared_passage *pp = &d->pp[i];
		sqlite3_stmt *pas = stmt(w, &w->st_pas,
					 "INSERT INTO passages(doc_id, seq, page, heading, article, text) "
					 "VALUES (?1,?2,?3,?4,?5,?6)");
		sqlite3_bind_int64(pas, 1, doc_id);
		sqlite3_bind_int(pas, 2, (int)i + 1);
		sqlite3_bind_int(pas, 3, pd->page);
		db_bind_text(pas, 4, pd->heading);
		db_bind_text(pas, 5, pd->article);
		sqlite3_bind_text(pas, 6, pd->text, -1, SQLITE_STATIC);
		SQLCHECK(sqlite3_step(pas));
		long long pid = sqlite3_last_insert_rowid(db);

		sqlite3_stmt *idx = stmt(w, &w->st_idx, "INSERT INTO passage_index(rowid, body) VALUES (?1, ?2)");
		sqlite3_bind_int64(idx, 1, pid);
		sqlite3_bind_text(idx, 2, pp->body, (int)pp->body_len, SQLITE_STATIC);
		text_fts5_replay(&pp->tokens);
		int rc = sqlite3_step(idx);
		text_fts5_replay(NULL);
		SQLCHECK(rc);

		for (size_t r = 0; r < pp->nrefs; r++) {
			const struct legal_ref *lr = &pp->refs[r];
			sqlite3_stmt *ref = stmt(w, &w->st_ref,
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
	w->batch_docs++;
	*id_out = doc_id;
	return 0;
fail:
	batch_end(w, e->msg);
	return ERR_DB;
}

/* Writes or reports one prepared document; takes ownership of d. */
static void writer_take(struct writer *w, struct prepared *d)
{
	struct ingest_item item = {d->source, d->status, d->doc_id, 0, d->title, d->format, d->message};
	if (w->o->on_progress)
		w->o->on_progress(w->o->ctx, d->done, w->total, d->source);
	if (d->status != INGEST_ADDED) {
		report(w, &item);
		prepared_free(d);
		return;
	}
	long long existing = writer_find(w, d->hash); /* the same content twice in this run */
	if (existing) {
		item.status = INGEST_DUPLICATE;
		item.doc_id = existing;
		item.title = NULL;
		report(w, &item);
		prepared_free(d);
		return;
	}
	struct err e = ERR_INIT;
	long long id = 0;
	if (write_document(w, d, &id, &e)) {
		err_prefix(&e, "%s", d->source);
		item.status = INGEST_FAILED;
		item.message = e.msg;
		if (d->created_file == 1)
			forget_original(w->h, d->file);
		report(w, &item);
		prepared_free(d);
		return;
	}
	item.doc_id = id;
	item.passages = (int)d->p.n;
	w->pend = xgrow(w->pend, &w->pend_alloc, w->npend + 1, sizeof(*w->pend));
	w->pend[w->npend].item = item;
	w->pend[w->npend].d = d;
	w->npend++;
	batch_maybe_commit(w);
}

/* ---- files and folders ---- */

static void file_list_release(struct file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->size);
}

static void pipeline_release(struct pipeline *pl)
{
	pthread_mutex_destroy(&pl->mu);
	pthread_cond_destroy(&pl->has_job);
	pthread_cond_destroy(&pl->has_room);
	pthread_cond_destroy(&pl->has_next);
}

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
	struct file_list files = {NULL, NULL, 0, 0, 0};
	struct writer w;

	if (hub_meta_validate(&o->meta, e))
		return e->code;
	memset(&w, 0, sizeof(w));
	w.h = h;
	w.o = o;
	for (int i = 0; i < n; i++) {
		struct err we = ERR_INIT;
		if (fs_walk(paths[i], collect, &files, &we)) {
			struct ingest_item item = {paths[i], INGEST_FAILED, 0, 0, NULL, NULL, we.msg};
			report(&w, &item);
		}
	}
	for (size_t i = 0; i < files.n; i++)
		w.total += files.size[i];
	if (o->on_progress)
		o->on_progress(o->ctx, 0, w.total, "");

	struct pipeline pl;
	memset(&pl, 0, sizeof(pl));
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.has_job, NULL);
	pthread_cond_init(&pl.has_room, NULL);
	pthread_cond_init(&pl.has_next, NULL);
	struct walker wk = {&pl, &files, o->max_file_bytes ? o->max_file_bytes : HUB_MAX_FILE, 0};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nworkers = cpus < 1 ? 1 : cpus > MAX_WORKERS ? MAX_WORKERS : (int)cpus;
	struct reader readers[MAX_WORKERS];
	pthread_t threads[MAX_WORKERS + 1];
	int started = 0;
	db_exec(h->db, "PRAGMA wal_autocheckpoint = 16384", NULL);

	if (pthread_create(&threads[0], NULL, walker_main, &wk)) {
		pipeline_release(&pl);
		file_list_release(&files);
		return err_set(e, ERR_IO, "cannot start a thread to read the files");
	}
	for (int i = 0; i < nworkers; i++) {
		reader_init(&readers[i], h, o, &pl);
		if (pthread_create(&threads[1 + i], NULL, worker_main, &readers[i])) {
			reader_release(&readers[i]);
			break;
		}
		started++;
	}
	struct prepared *d;
	if (!started) {
		/* No worker thread to be had: prepare here, one document at a time. */
		struct reader one;
		struct job *j;
		reader_init(&one, h, o, &pl);
		while ((j = pipeline_job(&pl))) {
			process_job(&one, j);
			if ((d = pipeline_next(&pl)))
				writer_take(&w, d);
		}
		reader_release(&one);
	}
	while ((d = pipeline_next(&pl)))
		writer_take(&w, d);
	pthread_join(threads[0], NULL);
	for (int i = 0; i < started; i++) {
		pthread_join(threads[1 + i], NULL);
		reader_release(&readers[i]);
	}
	batch_end(&w, NULL);

	free(w.pend);
	sqlite3_finalize(w.st_doc);
	sqlite3_finalize(w.st_pas);
	sqlite3_finalize(w.st_idx);
	sqlite3_finalize(w.st_ref);
	sqlite3_finalize(w.st_hash);
	/* The log of changes was let grow during the import; fold it into the database now. */
	sqlite3_wal_checkpoint_v2(h->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	db_exec(h->db, "PRAGMA wal_autocheckpoint = 1000", NULL);
	pipeline_release(&pl);
	file_list_release(&files);
	if (w.failed)
		return err_set(e, ERR_FORMAT, "%d document%s could not be taken in", w.failed, w.failed == 1 ? "" : "s");
	return 0;
}
