/* The draft command: document types, drafts, versions, differences, exports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "cli/cli.h"
#include "draft/draft.h"
#include "hub/hub.h"
#include "base/banned.h"

#define FROM_MAX (8u << 20)

/* The workspace, with its overrides folder. */
struct draft_cli {
	struct hub *h;
	char *overrides;
	struct draft_author who;
};

static int open_ws(const struct args *a, struct draft_cli *c)
{
	memset(c, 0, sizeof(*c));
	int r = cli_open_hub(a->ws, &c->h);
	if (r)
		return r;
	c->overrides = fs_join(c->h->dir, "overrides");
	const char *as = cli_opt(a, OPT_AS);
	const char *user = getenv("USER");
	c->who.name = as && *as ? as : user && *user ? user : "command line";
	return 0;
}

static void close_ws(struct draft_cli *c)
{
	free(c->overrides);
	if (c->h)
		hub_close(c->h);
}

static long long id_arg(const char *sub, const struct args *a, char **argv, int k, const char *what)
{
	if (a->rest + k >= a->argc) {
		cli_usage_error("draft", "draft %s needs %s", sub, what);
		return -1;
	}
	long long v = cli_parse_int(argv[a->rest + k]);
	if (v <= 0) {
		cli_usage_error("draft", "%s must be a number, not \"%s\"", what, argv[a->rest + k]);
		return -1;
	}
	return v;
}

/* Field values from --from FILE.json and --field NAME=VALUE (the latter win). */
static int gather_values(const struct args *a, json_t **out)
{
	json_t *v = NULL;
	const char *from = cli_opt(a, OPT_FROM);
	*out = NULL;
	if (from) {
		struct buf b = BUF_INIT;
		struct err e = ERR_INIT;
		if (fs_read_file(from, FROM_MAX, &b, &e)) {
			buf_release(&b);
			return cli_error(&e);
		}
		json_error_t je;
		v = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &je);
		buf_release(&b);
		if (!v) {
			err_set(&e, ERR_FORMAT, "%s, line %d, column %d: %s", from, je.line, je.column, je.text);
			return cli_error(&e);
		}
		if (!json_is_object(v)) {
			json_decref(v);
			err_set(&e, ERR_FORMAT, "%s: expected one JSON object keyed by field names", from);
			return cli_error(&e);
		}
	}
	for (int i = 0; cli_opt_nth(a, OPT_FIELD, i); i++) {
		const char *f = cli_opt_nth(a, OPT_FIELD, i);
		const char *eq = strchr(f, '=');
		if (!eq || eq == f) {
			json_decref(v);
			return cli_usage_error("draft", "--field wants NAME=VALUE, not \"%s\"", f);
		}
		if (!v)
			v = json_object();
		char *name = xstrndup(f, (size_t)(eq - f));
		json_object_set_new(v, name, json_string(eq + 1));
		free(name);
	}
	*out = v;
	return 0;
}

static int sub_types(const struct args *a)
{
	struct err e = ERR_INIT;
	json_t *types = NULL;
	char *over = NULL;
	/* A workspace is optional here: with one, its overrides count. */
	if (a->ws || getenv("ASURIF_WORKSPACE")) {
		char *dir = hub_default_dir(a->ws);
		over = fs_join(dir, "overrides");
		free(dir);
	}
	int r = draft_types(over, &types, &e);
	free(over);
	if (r)
		return cli_error(&e);
	if (a->json) {
		cli_print_json(json_pack("{s:o}", "types", types));
		return EXIT_OK;
	}
	const char *lang = a->meta.lang ? a->meta.lang : "en";
	size_t i;
	json_t *t;
	json_array_foreach(types, i, t) {
		printf("%-20s %s\n", json_string_value(json_object_get(t, "name")),
		       draft_text(json_object_get(t, "title"), lang));
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(t, "fields"), k, f)
			printf("    %-22s %-6s %s%s\n", json_string_value(json_object_get(f, "name")),
			       json_string_value(json_object_get(f, "kind")), draft_text(json_object_get(f, "label"), lang),
			       json_is_true(json_object_get(f, "required")) ? " (required)" : "");
	}
	json_decref(types);
	return EXIT_OK;
}

static int sub_new(const struct args *a)
{
	const char *campaign = cli_opt(a, OPT_CAMPAIGN), *type = cli_opt(a, OPT_TYPE);
	long long cid = campaign ? cli_parse_int(campaign) : -1;
	if (cid <= 0)
		return cli_usage_error("draft", "draft new needs --campaign ID (a number)");
	if (!type)
		return cli_usage_error("draft", "draft new needs --type TYPE (asurif draft types lists them)");
	int known = 0;
	for (size_t i = 0; draft_type_names[i]; i++)
		known |= !strcmp(draft_type_names[i], type);
	if (!known)
		return cli_usage_error("draft", "no document type \"%s\" (asurif draft types lists them)", type);
	const char *lang = a->meta.lang ? a->meta.lang : "ar";
	json_t *values = NULL;
	int r = gather_values(a, &values);
	if (r)
		return r;
	struct draft_cli c;
	if ((r = open_ws(a, &c))) {
		json_decref(values);
		return r;
	}
	struct err e = ERR_INIT;
	long long id = 0;
	r = draft_new(c.h->db, c.overrides, cid, type, lang, values, &c.who, &id, &e);
	json_decref(values);
	close_ws(&c);
	if (r)
		return cli_error(&e);
	if (a->json)
		cli_print_json(json_pack("{s:I}", "id", (json_int_t)id));
	else
		printf("Draft %lld started (version 1).\n", id);
	return EXIT_OK;
}

static int sub_list(const struct args *a)
{
	const char *campaign = cli_opt(a, OPT_CAMPAIGN);
	long long cid = campaign ? cli_parse_int(campaign) : 0;
	if (cid < 0)
		return cli_usage_error("draft", "--campaign wants a number, not \"%s\"", campaign);
	struct draft_cli c;
	int r = open_ws(a, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	json_t *list = NULL;
	r = draft_list(c.h->db, cid, &list, &e);
	close_ws(&c);
	if (r)
		return cli_error(&e);
	if (a->json) {
		cli_print_json(json_pack("{s:o}", "drafts", list));
		return EXIT_OK;
	}
	if (!json_array_size(list))
		printf("No drafts yet.\n");
	size_t i;
	json_t *d;
	json_array_foreach(list, i, d)
		printf("%4lld  %-10s %-20s %s  v%lld  %s\n", (long long)json_integer_value(json_object_get(d, "id")),
		       json_string_value(json_object_get(d, "status")), json_string_value(json_object_get(d, "type")),
		       json_string_value(json_object_get(d, "lang")),
		       (long long)json_integer_value(json_object_get(d, "version")),
		       json_string_value(json_object_get(d, "title")));
	json_decref(list);
	return EXIT_OK;
}

static int version_opt(const struct args *a)
{
	const char *v = cli_opt(a, OPT_VERSION);
	if (!v)
		return 0;
	long long n = cli_parse_int(v);
	if (n <= 0 || n > 1000000) {
		cli_usage_error("draft", "--version wants a version number, not \"%s\"", v);
		return -1;
	}
	return (int)n;
}

static int sub_show(const struct args *a, char **argv)
{
	long long id = id_arg("show", a, argv, 1, "a draft number");
	int version = version_opt(a);
	if (id < 0 || version < 0)
		return EXIT_USAGE;
	struct draft_cli c;
	int r = open_ws(a, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	json_t *d = NULL, *type = NULL;
	r = draft_json(c.h->db, c.overrides, id, version, &d, &e);
	if (!r)
		r = draft_type(c.overrides, json_string_value(json_object_get(d, "type")), &type, &e);
	close_ws(&c);
	if (r) {
		json_decref(d);
		return cli_error(&e);
	}
	if (a->json) {
		json_decref(type);
		cli_print_json(d);
		return EXIT_OK;
	}
	const char *lang = json_string_value(json_object_get(d, "lang"));
	printf("Draft %lld: %s\n", id, json_string_value(json_object_get(d, "title")));
	printf("%s, %s, status %s, version %lld of %lld, campaign %lld (%s)\n",
	       json_string_value(json_object_get(d, "type")), lang, json_string_value(json_object_get(d, "status")),
	       (long long)json_integer_value(json_object_get(d, "version")),
	       (long long)json_integer_value(json_object_get(d, "latest")),
	       (long long)json_integer_value(json_object_get(json_object_get(d, "campaign"), "id")),
	       json_string_value(json_object_get(json_object_get(d, "campaign"), "title")));
	json_t *values = json_object_get(d, "values");
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(type, "fields"), i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *v = json_string_value(json_object_get(values, name));
		printf("\n%s (%s)%s:\n  %s\n", draft_text(json_object_get(f, "label"), lang), name,
		       json_is_true(json_object_get(f, "required")) ? ", required" : "", v && *v ? v : "—");
	}
	if (json_array_size(json_object_get(d, "missing")))
		printf("\nStill to fill in before the draft is final: %zu required field(s).\n",
		       json_array_size(json_object_get(d, "missing")));
	json_decref(type);
	json_decref(d);
	return EXIT_OK;
}

static int sub_edit(const struct args *a, char **argv)
{
	long long id = id_arg("edit", a, argv, 1, "a draft number");
	if (id < 0)
		return EXIT_USAGE;
	json_t *values = NULL;
	int r = gather_values(a, &values);
	if (r)
		return r;
	if (!values)
		return cli_usage_error("draft", "draft edit needs --field NAME=VALUE or --from FILE.json");
	struct draft_cli c;
	if ((r = open_ws(a, &c))) {
		json_decref(values);
		return r;
	}
	struct err e = ERR_INIT;
	int version = 0;
	r = draft_save(c.h->db, c.overrides, id, values, &c.who, &version, &e);
	json_decref(values);
	close_ws(&c);
	if (r)
		return cli_error(&e);
	if (a->json)
		cli_print_json(json_pack("{s:I, s:i}", "id", (json_int_t)id, "version", version));
	else
		printf("Draft %lld saved: version %d.\n", id, version);
	return EXIT_OK;
}

static int sub_status(const struct args *a, char **argv)
{
	long long id = id_arg("status", a, argv, 1, "a draft number");
	if (id < 0)
		return EXIT_USAGE;
	if (a->rest + 2 >= a->argc)
		return cli_usage_error("draft", "draft status needs the new status: draft, review, final or submitted");
	struct draft_cli c;
	int r = open_ws(a, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	r = draft_set_status(c.h->db, c.overrides, id, argv[a->rest + 2], &c.who, &e);
	close_ws(&c);
	if (r)
		return cli_error(&e);
	printf("Draft %lld is now %s.\n", id, argv[a->rest + 2]);
	return EXIT_OK;
}

static int sub_diff(const struct args *a, char **argv)
{
	long long id = id_arg("diff", a, argv, 1, "a draft number");
	if (id < 0)
		return EXIT_USAGE;
	long long va = id_arg("diff", a, argv, 2, "two version numbers");
	if (va < 0)
		return EXIT_USAGE;
	long long vb = id_arg("diff", a, argv, 3, "two version numbers");
	if (vb < 0)
		return EXIT_USAGE;
	struct draft_cli c;
	int r = open_ws(a, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	json_t *d = NULL;
	r = draft_diff(c.h->db, c.overrides, id, (int)va, (int)vb, &d, &e);
	close_ws(&c);
	if (r)
		return cli_error(&e);
	if (a->json) {
		cli_print_json(json_pack("{s:I, s:I, s:I, s:o}", "id", (json_int_t)id, "from", (json_int_t)va, "to",
					 (json_int_t)vb, "fields", d));
		return EXIT_OK;
	}
	if (!json_array_size(d))
		printf("Versions %lld and %lld have the same text.\n", va, vb);
	size_t i;
	json_t *f;
	json_array_foreach(d, i, f) {
		printf("%s (%s):\n  ", json_string_value(json_object_get(f, "label")),
		       json_string_value(json_object_get(f, "field")));
		size_t k;
		json_t *ch;
		json_array_foreach(json_object_get(f, "changes"), k, ch) {
			const char *op = json_string_value(json_object_get(ch, "op"));
			const char *t = json_string_value(json_object_get(ch, "text"));
			if (*op == '=')
				printf("%s", t);
			else
				printf("%s%s%s", *op == '-' ? "[-" : "{+", t, *op == '-' ? "-]" : "+}");
		}
		printf("\n");
	}
	json_decref(d);
	return EXIT_OK;
}

static int sub_export(const struct args *a, char **argv)
{
	long long id = id_arg("export", a, argv, 1, "a draft number");
	int version = version_opt(a);
	if (id < 0 || version < 0)
		return EXIT_USAGE;
	const char *format = cli_opt(a, OPT_FORMAT), *path = cli_opt(a, OPT_OUTPUT);
	if (!format && path) {
		const char *dot = strrchr(path, '.');
		format = dot ? dot + 1 : NULL;
	}
	if (!draft_format_mime(format))
		return cli_usage_error("draft", "--format must be docx, odt, pdf, html or md");
	if (!path && isatty(STDOUT_FILENO) && (!strcmp(format, "docx") || !strcmp(format, "odt") || !strcmp(format, "pdf")))
		return cli_usage_error("draft", "give -o FILE: a %s file is not for the terminal", format);
	struct draft_cli c;
	int r = open_ws(a, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	struct doc *d = NULL;
	struct buf out = BUF_INIT;
	r = draft_render(c.h->db, c.overrides, id, version, 0, &d, &e);
	close_ws(&c);
	if (!r)
		r = draft_export(d, format, &out, &e);
	doc_free(d);
	if (!r && path)
		r = fs_write_atomic(path, out.data ? out.data : "", out.len, &e);
	else if (!r && fwrite(out.data ? out.data : "", 1, out.len, stdout) != out.len)
		r = err_set(&e, ERR_IO, "could not write to the standard output");
	buf_release(&out);
	if (r)
		return cli_error(&e);
	if (path && !a->json)
		fprintf(stderr, "Written: %s\n", path);
	return EXIT_OK;
}

static int sub_rm(const struct args *a, char **argv)
{
	long long id = id_arg("rm", a, argv, 1, "a draft number");
	if (id < 0)
		return EXIT_USAGE;
	struct draft_cli c;
	int r = open_ws(a, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	r = draft_delete(c.h->db, id, &e);
	close_ws(&c);
	if (r)
		return cli_error(&e);
	printf("Draft %lld deleted.\n", id);
	return EXIT_OK;
}

int cmd_draft(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("draft", argc, argv,
			  ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN), O(OPT_TYPE), O(OPT_LANG), O(OPT_FROM), O(OPT_FIELD),
				O(OPT_FORMAT), O(OPT_OUTPUT), O(OPT_VERSION), O(OPT_AS)),
			  &a);
	if (r)
		return r;
	if (a.rest >= a.argc)
		return cli_usage_error("draft", "what to do? types, new, list, show, edit, status, diff, export or rm");
	const char *sub = argv[a.rest];
	if (!strcmp(sub, "types"))
		return sub_types(&a);
	if (!strcmp(sub, "new"))
		return sub_new(&a);
	if (!strcmp(sub, "list"))
		return sub_list(&a);
	if (!strcmp(sub, "show"))
		return sub_show(&a, argv);
	if (!strcmp(sub, "edit"))
		return sub_edit(&a, argv);
	if (!strcmp(sub, "status"))
		return sub_status(&a, argv);
	if (!strcmp(sub, "diff"))
		return sub_diff(&a, argv);
	if (!strcmp(sub, "export"))
		return sub_export(&a, argv);
	if (!strcmp(sub, "rm"))
		return sub_rm(&a, argv);
	return cli_usage_error("draft", "unknown \"%s\": types, new, list, show, edit, status, diff, export or rm", sub);
}
