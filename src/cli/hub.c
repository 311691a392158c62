/* Commands of the knowledge hub: init, add, search, docs, show, rm, refs, reindex, check, backup, analyse. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "text/analyse.h"
#include "base/banned.h"

/* ---- init ---- */

int cmd_init(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("init", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	argc = a.argc;
	if (a.rest + 1 != argc && !(a.rest == argc && a.ws))
		return cli_usage_error("init", "give the folder to create, e.g. asurif init ~/asurif");
	const char *dir = a.rest < argc ? argv[a.rest] : a.ws;
	struct err e = ERR_INIT;
	if (hub_init(dir, &e))
		return cli_error(&e);
	printf("Workspace ready in %s\nAdd documents with: asurif -w %s add FILE-OR-FOLDER\n", dir, dir);
	return EXIT_OK;
}

/* ---- add ---- */

struct add_state {
	int json;
	int added, dup, failed;
	json_t *items;
	struct buf failures;
};

static const char *status_name(enum ingest_status s)
{
	return s == INGEST_ADDED ? "added" : s == INGEST_DUPLICATE ? "duplicate" : "failed";
}

static void on_item(void *ctx, const struct ingest_item *it)
{
	struct add_state *s = ctx;
	if (it->status == INGEST_ADDED)
		s->added++;
	else if (it->status == INGEST_DUPLICATE)
		s->dup++;
	else
		s->failed++;
	if (s->json) {
		json_t *o = json_pack("{s:s, s:s}", "source", it->source, "status", status_name(it->status));
		if (it->doc_id)
			json_object_set_new(o, "doc_id", json_integer(it->doc_id));
		if (it->title)
			json_object_set_new(o, "title", json_string(it->title));
		if (it->status == INGEST_ADDED)
			json_object_set_new(o, "passages", json_integer(it->passages));
		if (it->format)
			json_object_set_new(o, "format", json_string(it->format));
		if (it->message)
			json_object_set_new(o, "error", json_string(it->message));
		json_array_append_new(s->items, o);
		return;
	}
	cli_progress_end();
	if (it->status == INGEST_ADDED)
		printf("added      %-6lld %s (%d passage%s)\n", it->doc_id, it->title ? it->title : it->source,
		       it->passages, it->passages == 1 ? "" : "s");
	else if (it->status == INGEST_DUPLICATE)
		printf("unchanged  %-6lld %s (already in the hub)\n", it->doc_id, it->source);
	else {
		fprintf(stderr, "failed     %s\n", it->message ? it->message : it->source);
		buf_appendf(&s->failures, "  %s\n", it->message ? it->message : it->source);
	}
}

int cmd_add(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("add", argc, argv,
		      ALLOW(O(OPT_JSON), O(OPT_KIND), O(OPT_TITLE), O(OPT_LANG), O(OPT_ISSUER), O(OPT_DATE), O(OPT_URL),
			    O(OPT_MAXSIZE)),
		      &a);
	if (r)
		return r;
	argc = a.argc;
	if (a.rest >= argc)
		return cli_usage_error("add", "name at least one file or folder to add");
	struct err e = ERR_INIT;
	if (hub_meta_validate(&a.meta, &e))
		return cli_usage_error("add", "%s", e.msg);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct add_state s = {a.json, 0, 0, 0, a.json ? json_array() : NULL, BUF_INIT};
	struct ingest_opts o = {a.meta, (size_t)a.max_mb << 20, on_item, cli_progress, &s, NULL};
	long long mark = cli_ai_mark(h);
	r = hub_add_paths(h, argv + a.rest, argc - a.rest, &o, &e);
	cli_progress_end();
	if (s.added)
		cli_ai_embed_added(h, mark, a.json);
	hub_close(h);
	if (a.json) {
		json_t *out = json_pack("{s:i, s:i, s:i, s:o}", "added", s.added, "duplicates", s.dup, "failed", s.failed,
					"documents", s.items);
		cli_print_json(out);
	} else {
		printf("%d added, %d already in the hub, %d failed\n", s.added, s.dup, s.failed);
		if (s.failed)
			fprintf(stderr, "Not added:\n%s", buf_str(&s.failures));
	}
	buf_release(&s.failures);
	if (r && r != ERR_FORMAT)
		return cli_error(&e);
	return s.failed ? EXIT_FAIL : EXIT_OK;
}

/* ---- search ---- */

/* The snippet for JSON: HTML-escaped, matched words in <mark>. */
static char *snippet_html(const char *s)
{
	struct buf b = BUF_INIT;
	buf_append(&b, "", 0);
	for (; *s; s++) {
		switch (*s) {
		case HL_OPEN:
			buf_appends(&b, "<mark>");
			break;
		case HL_CLOSE:
			buf_appends(&b, "</mark>");
			break;
		case '<':
			buf_appends(&b, "&lt;");
			break;
		case '>':
			buf_appends(&b, "&gt;");
			break;
		case '&':
			buf_appends(&b, "&amp;");
			break;
		case '"':
			buf_appends(&b, "&quot;");
			break;
		case '\'':
			buf_appends(&b, "&#39;");
			break;
		default:
			buf_appendc(&b, *s);
		}
	}
	return buf_detach(&b);
}

static json_t *results_json(const char *query, const struct search_results *res, const char *error)
{
	json_t *arr = json_array();
	for (size_t i = 0; res && i < res->n; i++) {
		const struct search_hit *h = &res->v[i];
		char *snip = snippet_html(h->snippet ? h->snippet : "");
		json_array_append_new(
			arr, json_pack("{s:I, s:o, s:s, s:s, s:s, s:i, s:I, s:f, s:s, s:o}", "doc_id", (json_int_t)h->doc_id,
				       "ext_id", cli_json_str(h->ext_id), "title", h->title ? h->title : "", "kind",
				       h->kind ? h->kind : "", "lang", h->lang ? h->lang : "", "page", h->page,
				       "passage_id", (json_int_t)h->passage_id, "score", h->score, "snippet", snip,
				       "article", cli_json_str(h->article)));
		free(snip);
	}
	json_t *o = json_pack("{s:s, s:I, s:o}", "query", query, "total", (json_int_t)(res ? res->total : 0), "results",
			      arr);
	if (error)
		json_object_set_new(o, "error", json_string(error));
	return o;
}

static void print_snippet(const char *s, int tty)
{
	fputs("   ", stdout);
	cli_print_marked(s, tty);
	fputc('\n', stdout);
}

static int search_batch(struct hub *h, struct search_opts *o, const char *file)
{
	FILE *in = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!in) {
		fprintf(stderr, "asurif: %s: cannot open\n", file);
		return EXIT_FAIL;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, in)) >= 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		struct search_results res;
		struct err e = ERR_INIT;
		o->query = line;
		if (hub_search(h, o, &res, &e)) {
			cli_print_json(results_json(utf8_validate(line, (size_t)n, NULL, NULL) ? "" : line, NULL, e.msg));
		} else {
			cli_print_json(results_json(line, &res, NULL));
			search_results_release(&res);
		}
	}
	free(line);
	if (in != stdin)
		fclose(in);
	return EXIT_OK;
}

int cmd_search(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("search", argc, argv,
		      ALLOW(O(OPT_JSON), O(OPT_KIND), O(OPT_LANG), O(OPT_ISSUER), O(OPT_LIMIT), O(OPT_OFFSET),
			    O(OPT_SINCE), O(OPT_UNTIL), O(OPT_BATCH), O(OPT_ALL), O(OPT_EXHAUSTIVE)),
		      &a);
	if (r)
		return r;
	argc = a.argc;
	struct doc_meta check = {a.meta.kind, NULL, a.meta.lang, NULL, NULL, NULL, NULL};
	struct err e = ERR_INIT;
	if (hub_meta_validate(&check, &e))
		return cli_usage_error("search", "%s", e.msg);
	struct doc_meta dates[2] = {{NULL, NULL, NULL, NULL, a.since, NULL, NULL}, {NULL, NULL, NULL, NULL, a.until, NULL, NULL}};
	for (int i = 0; i < 2; i++)
		if (hub_meta_validate(&dates[i], &e))
			return cli_usage_error("search", "%s %s", i ? "--until:" : "--since:", e.msg);
	if (!a.batch && a.rest >= argc)
		return cli_usage_error("search", "what should I look for? e.g. asurif search \"تمويل المقاولات الصغيرة\"");
	struct buf q = BUF_INIT;
	cli_join_args(argc, argv, a.rest, &q);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h))) {
		buf_release(&q);
		return r;
	}
	struct search_opts o = {buf_str(&q), (int)a.limit, (int)a.offset, a.meta.kind, a.meta.lang, a.meta.issuer,
				a.since, a.until, a.all, a.exhaustive};
	if (a.batch) {
		r = search_batch(h, &o, a.batch);
		hub_close(h);
		buf_release(&q);
		return r;
	}
	struct search_results res;
	if (hub_search(h, &o, &res, &e)) {
		hub_close(h);
		buf_release(&q);
		return cli_error(&e);
	}
	if (res.stale_index)
		fprintf(stderr, "asurif: the search index was built by another version; run 'asurif reindex' for "
				"complete results\n");
	if (a.json) {
		cli_print_json(results_json(buf_str(&q), &res, NULL));
	} else {
		int tty = isatty(STDOUT_FILENO);
		if (!res.total)
			printf("No passage matches \"%s\".\n", buf_str(&q));
		for (size_t i = 0; i < res.n; i++) {
			const struct search_hit *hit = &res.v[i];
			printf("%zu. %s  [%s, %s] document %lld", (size_t)a.offset + i + 1, hit->title, hit->kind,
			       hit->lang, hit->doc_id);
			if (hit->page)
				printf(", page %d", hit->page);
			if (hit->article)
				printf(", %s", hit->article);
			printf(", passage %lld\n", hit->passage_id);
			print_snippet(hit->snippet, tty);
		}
		if (res.total)
			printf("%zu of %lld passages shown (from %lld).\n", res.n, res.total, a.offset + 1);
	}
	search_results_release(&res);
	hub_close(h);
	buf_release(&q);
	return EXIT_OK;
}

/* ---- docs, show, rm ---- */

static json_t *doc_json(const struct doc_info *d)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:i, s:o, s:s, s:i, s:s, s:o}", "doc_id", (json_int_t)d->id,
			 "ext_id", cli_json_str(d->ext_id), "title", d->title, "kind", d->kind, "lang", d->lang, "issuer",
			 cli_json_str(d->issuer), "date", cli_json_str(d->date), "passages", d->passages, "url",
			 cli_json_str(d->url), "format", d->format, "pages", d->pages, "added_at", d->added_at, "source",
			 cli_json_str(d->source));
}

int cmd_docs(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("docs", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	argc = a.argc;
	if (a.rest < argc)
		return cli_usage_error("docs", "unexpected argument \"%s\"", argv[a.rest]);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct doc_list l;
	struct err e = ERR_INIT;
	if (hub_docs(h, &l, &e)) {
		hub_close(h);
		return cli_error(&e);
	}
	if (a.json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(arr, doc_json(&l.v[i]));
		cli_print_json(json_pack("{s:o}", "documents", arr));
	} else {
		if (!l.n)
			printf("The hub is empty. Add documents with: asurif add FILE-OR-FOLDER\n");
		for (size_t i = 0; i < l.n; i++) {
			const struct doc_info *d = &l.v[i];
			printf("%-6lld %-11s %s  %-10s %4d passage%s  %s\n", d->id, d->kind, d->lang, d->date ? d->date : "-",
			       d->passages, d->passages == 1 ? " " : "s", d->title);
		}
	}
	doc_list_release(&l);
	hub_close(h);
	return EXIT_OK;
}

static long long doc_arg(const char *cmd, const char *s)
{
	long long id = cli_parse_int(s);
	if (id <= 0)
		cli_usage_error(cmd, "\"%s\" is not a document number (see: asurif docs)", s);
	return id;
}

int cmd_show(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("show", argc, argv, ALLOW(O(OPT_JSON), O(OPT_PASSAGES)), &a);
	if (r)
		return r;
	argc = a.argc;
	if (a.rest + 1 != argc)
		return cli_usage_error("show", "give one document number");
	long long id = doc_arg("show", argv[a.rest]);
	if (id <= 0)
		return EXIT_USAGE;
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct doc_info d;
	struct passage_list pl = {NULL, 0, 0};
	struct ref_list refs = {NULL, 0, 0};
	struct err e = ERR_INIT;
	if (hub_doc(h, id, &d, &e) || (a.passages && hub_passages(h, id, &pl, &e)) || hub_refs_of(h, id, &refs, &e)) {
		hub_close(h);
		return cli_error(&e);
	}
	if (a.json) {
		json_t *o = doc_json(&d);
		json_object_set_new(o, "hash", json_string(d.hash));
		json_object_set_new(o, "bytes", json_integer(d.bytes));
		json_t *cites = json_array();
		for (size_t i = 0; i < refs.n; i++)
			json_array_append_new(cites, json_pack("{s:s, s:I, s:s}", "key", refs.v[i].key, "passage_id",
							       (json_int_t)refs.v[i].passage_id, "raw", refs.v[i].raw));
		json_object_set_new(o, "cites", cites);
		if (a.passages) {
			json_t *arr = json_array();
			for (size_t i = 0; i < pl.n; i++)
				json_array_append_new(arr, json_pack("{s:I, s:i, s:i, s:o, s:o, s:s}", "passage_id",
								     (json_int_t)pl.v[i].id, "seq", pl.v[i].seq, "page",
								     pl.v[i].page, "heading", cli_json_str(pl.v[i].heading),
								     "article", cli_json_str(pl.v[i].article), "text",
								     pl.v[i].text));
			json_object_set_new(o, "passages_text", arr);
		}
		cli_print_json(o);
	} else {
		printf("Document %lld: %s\n", d.id, d.title);
		printf("  kind      %s\n  language  %s\n", d.kind, d.lang);
		if (d.issuer)
			printf("  issuer    %s\n", d.issuer);
		if (d.date)
			printf("  date      %s\n", d.date);
		if (d.url)
			printf("  address   %s\n", d.url);
		if (d.ext_id)
			printf("  id        %s\n", d.ext_id);
		printf("  format    %s%s", d.format, d.pages ? "" : "\n");
		if (d.pages)
			printf(", %d pages\n", d.pages);
		printf("  passages  %d\n  added     %s from %s\n", d.passages, d.added_at, d.source);
		if (refs.n) {
			printf("  cites    ");
			for (size_t i = 0; i < refs.n; i++) {
				if (i && !strcmp(refs.v[i].key, refs.v[i - 1].key))
					continue;
				printf(" %s", refs.v[i].key);
			}
			printf("\n");
		}
		for (size_t i = 0; i < pl.n; i++) {
			printf("\n--- passage %lld", pl.v[i].id);
			if (pl.v[i].page)
				printf(", page %d", pl.v[i].page);
			if (pl.v[i].article)
				printf(", %s", pl.v[i].article);
			printf(" ---\n%s\n", pl.v[i].text);
		}
	}
	doc_info_release(&d);
	passage_list_release(&pl);
	ref_list_release(&refs);
	hub_close(h);
	return EXIT_OK;
}

int cmd_rm(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("rm", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	argc = a.argc;
	if (a.rest >= argc)
		return cli_usage_error("rm", "give the number of the document to remove (see: asurif docs)");
	for (int i = a.rest; i < argc; i++)
		if (doc_arg("rm", argv[i]) <= 0)
			return EXIT_USAGE;
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	int failed = 0;
	for (int i = a.rest; i < argc; i++) {
		struct err e = ERR_INIT;
		long long id = cli_parse_int(argv[i]);
		if (hub_rm(h, id, &e)) {
			cli_error(&e);
			failed = 1;
		} else {
			printf("removed %lld\n", id);
		}
	}
	hub_close(h);
	return failed ? EXIT_FAIL : EXIT_OK;
}

/* ---- refs ---- */

int cmd_refs(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("refs", argc, argv, ALLOW(O(OPT_JSON), O(OPT_OF)), &a);
	if (r)
		return r;
	argc = a.argc;
	if ((a.of > 0) == (a.rest < argc))
		return cli_usage_error("refs", "give either a reference (e.g. 113.14) or --of DOC_ID");
	struct buf q = BUF_INIT;
	cli_join_args(argc, argv, a.rest, &q);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h))) {
		buf_release(&q);
		return r;
	}
	struct ref_list l;
	struct err e = ERR_INIT;
	r = a.of > 0 ? hub_refs_of(h, a.of, &l, &e) : hub_refs_to(h, buf_str(&q), &l, &e);
	hub_close(h);
	if (r) {
		buf_release(&q);
		return cli_error(&e);
	}
	if (a.json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < l.n; i++) {
			const struct ref_hit *x = &l.v[i];
			json_t *o = json_pack("{s:I, s:I, s:s, s:i, s:o, s:s, s:s, s:s, s:s}", "passage_id",
					      (json_int_t)x->passage_id, "doc_id", (json_int_t)x->doc_id, "title", x->title,
					      "page", x->page, "passage_article", cli_json_str(x->article_label), "key",
					      x->key, "kind", x->kind, "number", x->number, "raw", x->raw);
			json_object_set_new(o, "article", x->article ? json_integer(x->article) : json_null());
			json_array_append_new(arr, o);
		}
		json_t *o = json_pack("{s:o}", "refs", arr);
		if (a.of > 0)
			json_object_set_new(o, "doc_id", json_integer(a.of));
		else
			json_object_set_new(o, "query", json_string(buf_str(&q)));
		cli_print_json(o);
	} else {
		if (!l.n)
			printf(a.of > 0 ? "This document cites no law, decree or article that was recognised.\n"
					: "No passage cites it.\n");
		for (size_t i = 0; i < l.n; i++) {
			const struct ref_hit *x = &l.v[i];
			printf("%-22s", x->key);
			if (x->article)
				printf(" art. %-4d", x->article);
			printf("  document %lld, passage %lld", x->doc_id, x->passage_id);
			if (x->page)
				printf(", page %d", x->page);
			if (x->article_label)
				printf(", %s", x->article_label);
			printf("  %s\n      \"%s\"\n", x->title, x->raw);
		}
	}
	ref_list_release(&l);
	buf_release(&q);
	return EXIT_OK;
}

/* ---- upkeep ---- */

/* Parses the options of a command that takes no argument but --json, and opens the hub. */
static int open_plain(const char *cmd, int argc, char **argv, struct args *a, struct hub **h)
{
	int r = cli_parse(cmd, argc, argv, ALLOW(O(OPT_JSON)), a);
	if (r)
		return r;
	if (a->argc > 1)
		return cli_usage_error(cmd, "unexpected argument \"%s\"", argv[1]);
	return cli_open_hub(a->ws, h);
}

int cmd_reindex(int argc, char **argv)
{
	struct args a;
	struct hub *h = NULL;
	int r = open_plain("reindex", argc, argv, &a, &h);
	if (r)
		return r;
	struct err e = ERR_INIT;
	r = hub_reindex(h, cli_progress, NULL, &e);
	cli_progress_end();
	hub_close(h);
	if (r)
		return cli_error(&e);
	printf("The search index and the references were rebuilt.\n");
	return EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	struct args a;
	struct hub *h = NULL;
	int r = open_plain("check", argc, argv, &a, &h);
	if (r)
		return r;
	struct check_report rep;
	struct err e = ERR_INIT;
	r = hub_check(h, &rep, &e);
	hub_close(h);
	if (r)
		return cli_error(&e);
	if (a.json) {
		json_t *p = json_array();
		for (size_t i = 0; i < rep.n; i++)
			json_array_append_new(p, json_string(rep.problems[i]));
		cli_print_json(json_pack("{s:b, s:I, s:I, s:I, s:o}", "ok", rep.ok, "documents", (json_int_t)rep.documents,
					 "passages", (json_int_t)rep.passages, "refs", (json_int_t)rep.refs, "problems", p));
	} else {
		for (size_t i = 0; i < rep.n; i++)
			printf("problem: %s\n", rep.problems[i]);
		printf("%s: %lld documents, %lld passages, %lld legal references\n", rep.ok ? "ok" : "NOT OK",
		       rep.documents, rep.passages, rep.refs);
	}
	int ok = rep.ok;
	check_report_release(&rep);
	return ok ? EXIT_OK : EXIT_FAIL;
}

int cmd_backup(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("backup", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	argc = a.argc;
	if (a.rest + 1 != argc)
		return cli_usage_error("backup", "give the file to write, e.g. asurif backup hub-2026-11-22.db");
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	r = hub_backup(h, argv[a.rest], cli_progress, NULL, &e);
	cli_progress_end();
	hub_close(h);
	if (r)
		return cli_error(&e);
	printf("Database copied to %s (the original files stay in the workspace's files/ folder).\n", argv[a.rest]);
	return EXIT_OK;
}

/* ---- analyse ---- */

struct terms {
	json_t *arr;
	const char *text;
};

static int print_term(void *ctx, int flags, const char *t, size_t n, size_t s, size_t e)
{
	struct terms *tm = ctx;
	if (tm->arr) {
		json_array_append_new(tm->arr, json_pack("{s:s%, s:s%, s:b}", "term", t, n, "from", tm->text + s, e - s,
							 "alternative", flags & ANALYSER_COLOCATED));
	} else {
		printf("%s%.*s\t%.*s\n", (flags & ANALYSER_COLOCATED) ? "  | " : "", (int)n, t, (int)(e - s), tm->text + s);
	}
	return 0;
}

int cmd_analyse(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("analyse", argc, argv, ALLOW(O(OPT_JSON), O(OPT_QUERY), O(OPT_LANG)), &a);
	if (r)
		return r;
	argc = a.argc;
	if (a.rest >= argc)
		return cli_usage_error("analyse", "give a text, e.g. asurif analyse \"للمقاولات الصغيرة\"");
	struct buf q = BUF_INIT;
	cli_join_args(argc, argv, a.rest, &q);
	if (utf8_validate(q.data, q.len, NULL, NULL)) {
		buf_release(&q);
		return cli_usage_error("analyse", "the text is not valid UTF-8");
	}
	enum text_lang l = text_lang_parse(a.meta.lang);
	struct analyser *an = analyser_new();
	struct terms tm = {a.json ? json_array() : NULL, q.data};
	analyser_run(an, q.data, q.len, l, a.query ? ANALYSE_QUERY : ANALYSE_DOCUMENT, print_term, &tm);
	if (a.json)
		cli_print_json(json_pack("{s:s, s:o}", "text", q.data, "terms", tm.arr));
	analyser_free(an);
	buf_release(&q);
	return EXIT_OK;
}
