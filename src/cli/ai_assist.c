/* asurif ai summarise|barriers|accept|reject|section|translate|outputs|output: help from the model, checked by a person. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/ai.h"
#include "ai/assist.h"
#include "cli/ai_assist.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "base/banned.h"

/* The workspace and the model's settings. */
static int open_all(const struct args *a, struct hub **h, struct ai_config *c)
{
	int r = cli_open_hub(a->ws, h);
	if (r)
		return r;
	struct err e = ERR_INIT;
	if (ai_config_load((*h)->db, (*h)->dir, c, &e)) {
		hub_close(*h);
		*h = NULL;
		return cli_error(&e);
	}
	return 0;
}

static long long id_arg(const struct args *a, char **argv, const char *what)
{
	if (a->argc - a->rest != 1)
		return cli_usage_error("ai", "%s: give one number", what), -1;
	long long id = cli_parse_int(argv[a->rest]);
	if (id <= 0)
		return cli_usage_error("ai", "%s: \"%s\" is not a number", what, argv[a->rest]), -1;
	return id;
}

static long long id_opt(const struct args *a, int opt, const char *name)
{
	const char *v = cli_opt(a, opt);
	if (!v)
		return 0;
	long long id = cli_parse_int(v);
	if (id <= 0)
		return cli_usage_error("ai", "%s wants a number, not \"%s\"", name, v), -1;
	return id;
}

static const char GENERATED[] = "(written by the model: kept as generated until a person approves or edits it — "
				"asurif ai accept %lld | reject %lld)\n";

/* Prints a text result (summary, section, translation). */
static void print_text(const struct assist_result *r, int json, int streamed)
{
	if (json) {
		cli_print_json(json_pack("{s:O, s:o, s:o, s:b}", "text", r->value,
					 "model", r->extractive ? json_null() : json_string(r->model), "output_id",
					 r->output_id ? json_integer(r->output_id) : json_null(), "extractive", r->extractive));
		return;
	}
	if (!streamed)
		printf("%s", json_string_value(r->value));
	printf("\n");
	if (r->extractive)
		printf("(no model is connected: these are the document's most central sentences)\n");
	else if (r->output_id)
		printf(GENERATED, r->output_id, r->output_id);
}

/* What summarise, section and translate ask the assistant for. */
struct text_ask {
	enum { ASK_SUMMARY, ASK_SECTION, ASK_TRANSLATE } kind;
	long long id;       /* the document (summary) or the draft */
	const char *lang;   /* summary: its language; translation: the language to translate into */
	const char *field;  /* section, translation: the draft's field */
	const long long *evidence;
	size_t nevidence;
};

/*
 * What the text commands share: the workspace and the model's settings, the text written to
 * the terminal as it comes (not with --json; for a summary only when a model can chat, as
 * without one it is the document's own sentences), then printed with its output number.
 */
static int text_command(const struct args *a, const struct text_ask *q)
{
	struct hub *h;
	struct ai_config c;
	int r = open_all(a, &h, &c);
	if (r)
		return r;
	struct err e = ERR_INIT;
	struct assist_result res;
	int streamed = !a->json && (q->kind != ASK_SUMMARY || ai_can_chat(&c));
	ai_delta_fn on_delta = streamed ? cli_print_delta : NULL;
	int failed;
	if (q->kind == ASK_SUMMARY)
		failed = assist_summary(h, &c, q->id, q->lang, 0, on_delta, NULL, &res, &e);
	else if (q->kind == ASK_SECTION)
		failed = assist_section(h, &c, q->id, q->field, q->evidence, q->nevidence, 0, on_delta, NULL, &res, &e);
	else
		failed = assist_translate(h, &c, q->id, q->field, q->lang, 0, on_delta, NULL, &res, &e);
	if (failed)
		r = cli_error(&e);
	else
		print_text(&res, a->json, streamed);
	assist_result_release(&res);
	hub_close(h);
	return r;
}

int cmd_ai_summarise(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("ai", argc, argv, ALLOW(O(OPT_JSON), O(OPT_LANG)), &a);
	if (r)
		return r;
	long long doc = id_arg(&a, argv, "summarise DOC_ID");
	if (doc < 0)
		return EXIT_USAGE;
	return text_command(&a, &(struct text_ask){.kind = ASK_SUMMARY, .id = doc, .lang = a.meta.lang});
}

int cmd_ai_barriers(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("ai", argc, argv, ALLOW(O(OPT_JSON), O(OPT_DOC), O(OPT_CAMPAIGN)), &a);
	if (r)
		return r;
	long long doc = id_opt(&a, OPT_DOC, "--doc"), campaign = id_opt(&a, OPT_CAMPAIGN, "--campaign");
	if (doc < 0 || campaign < 0)
		return EXIT_USAGE;
	if (!doc && !campaign)
		return cli_usage_error("ai", "barriers: give --doc D (a document) or --campaign C (its evidence)");
	struct hub *h;
	struct ai_config c;
	if ((r = open_all(&a, &h, &c)))
		return r;
	struct err e = ERR_INIT;
	struct assist_result res;
	if (assist_barriers(h, &c, doc, campaign, 0, &res, &e)) {
		r = cli_error(&e);
	} else if (a.json) {
		json_t *o = json_deep_copy(res.value);
		json_object_set_new(o, "output_id", json_integer(res.output_id));
		json_object_set_new(o, "model", json_string(res.model));
		cli_print_json(o);
	} else {
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(res.value, "barriers"), i, p)
		{
			printf("%zu. %s [%s]\n", i + 1, json_string_value(json_object_get(p, "title")),
			       json_string_value(json_object_get(p, "severity")));
			const char *d = json_string_value(json_object_get(p, "description"));
			if (d && *d)
				printf("   %s\n", d);
			printf("   passages:");
			size_t k;
			json_t *pid;
			json_array_foreach(json_object_get(p, "passages"), k, pid)
				printf(" %lld", (long long)json_integer_value(pid));
			printf("\n");
		}
		json_array_foreach(json_object_get(res.value, "rejected"), i, p)
			printf("Left out proposal %lld: %s\n", (long long)json_integer_value(json_object_get(p, "index")),
			       json_string_value(json_object_get(p, "reason")));
		printf("Proposed by the model, not yet in the campaign: asurif ai accept %lld [--items 1,3] | reject %lld\n",
		       res.output_id, res.output_id);
	}
	assist_result_release(&res);
	hub_close(h);
	return r;
}

/* "1,3" -> {1, 3}; -1 when it is not a list of numbers. */
static int parse_items(const char *s, int *out, int max)
{
	int n = 0;
	while (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || v <= 0 || v > 1000 || n >= max)
			return -1;
		out[n++] = (int)v;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return n;
}

int cmd_ai_accept(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("ai", argc, argv, ALLOW(O(OPT_JSON), O(OPT_ITEMS), O(OPT_CAMPAIGN), O(OPT_TEXT)), &a);
	if (r)
		return r;
	long long id = id_arg(&a, argv, "accept OUTPUT_ID"), campaign = id_opt(&a, OPT_CAMPAIGN, "--campaign");
	if (id < 0 || campaign < 0)
		return EXIT_USAGE;
	int items[64];
	int n = parse_items(cli_opt(&a, OPT_ITEMS), items, 64);
	if (n < 0)
		return cli_usage_error("ai", "--items wants proposal numbers like 1,3, not \"%s\"", cli_opt(&a, OPT_ITEMS));
	struct hub *h;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	json_t *added = NULL;
	if (assist_output_approve(h, id, items, (size_t)n, campaign, cli_opt(&a, OPT_TEXT), cli_who(), &added, &e)) {
		r = cli_error(&e);
	} else if (a.json) {
		cli_print_json(json_pack("{s:I, s:o}", "output_id", (json_int_t)id, "barriers", added ? added : json_array()));
		added = NULL;
	} else if (added) {
		printf("Barriers added to the campaign:");
		size_t i;
		json_t *b;
		json_array_foreach(added, i, b) printf(" %lld", (long long)json_integer_value(b));
		printf("\n");
	} else {
		printf("Output %lld %s.\n", id, cli_opt(&a, OPT_TEXT) ? "edited and approved" : "approved");
	}
	json_decref(added);
	hub_close(h);
	return r;
}

/* What reject and output share: the one output number (usage), then the workspace. */
static int output_command(int argc, char **argv, const char *usage, struct args *a, long long *id, struct hub **h)
{
	int r = cli_parse("ai", argc, argv, ALLOW(O(OPT_JSON)), a);
	if (r)
		return r;
	*id = id_arg(a, argv, usage);
	if (*id < 0)
		return EXIT_USAGE;
	return cli_open_hub(a->ws, h);
}

int cmd_ai_reject(int argc, char **argv)
{
	struct args a;
	long long id;
	struct hub *h;
	int r = output_command(argc, argv, "reject OUTPUT_ID", &a, &id, &h);
	if (r)
		return r;
	struct err e = ERR_INIT;
	if (assist_output_reject(h->db, id, cli_who(), &e))
		r = cli_error(&e);
	else if (!a.json)
		printf("Output %lld rejected.\n", id);
	else
		cli_print_json(json_pack("{s:I, s:s}", "output_id", (json_int_t)id, "status", "rejected"));
	hub_close(h);
	return r;
}

/* The options of section (extra: --evidence) and translate (--to), then --draft D --field F
   (the field given once, by name). */
static int draft_field(int argc, char **argv, int extra, struct args *a, long long *draft, const char **field)
{
	int r = cli_parse("ai", argc, argv, ALLOW(O(OPT_JSON), O(OPT_DRAFT), O(OPT_FIELD), O(extra)), a);
	if (r)
		return r;
	*draft = id_opt(a, OPT_DRAFT, "--draft");
	*field = cli_opt(a, OPT_FIELD);
	if (*draft < 0)
		return EXIT_USAGE;
	if (!*draft || !*field || !**field || strchr(*field, '='))
		return cli_usage_error("ai", "give --draft D and --field NAME (a field of the draft's type)");
	return 0;
}

int cmd_ai_section(int argc, char **argv)
{
	struct args a;
	long long draft;
	const char *field;
	int r = draft_field(argc, argv, OPT_EVIDENCE, &a, &draft, &field);
	if (r)
		return r;
	long long ev[64];
	size_t nev = 0;
	for (const char *v; (v = cli_opt_nth(&a, OPT_EVIDENCE, (int)nev)) && nev < 64; nev++)
		if ((ev[nev] = cli_parse_int(v)) <= 0)
			return cli_usage_error("ai", "--evidence wants an evidence number, not \"%s\"", v);
	return text_command(&a, &(struct text_ask){.kind = ASK_SECTION, .id = draft, .field = field, .evidence = ev,
	                                            .nevidence = nev});
}

int cmd_ai_translate(int argc, char **argv)
{
	struct args a;
	long long draft;
	const char *field;
	int r = draft_field(argc, argv, OPT_TO, &a, &draft, &field);
	if (r)
		return r;
	if (!cli_opt(&a, OPT_TO))
		return cli_usage_error("ai", "translate: give --to fr or --to ar");
	return text_command(&a, &(struct text_ask){.kind = ASK_TRANSLATE, .id = draft, .field = field,
	                                            .lang = cli_opt(&a, OPT_TO)});
}

int cmd_ai_outputs(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("ai", argc, argv, ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN)), &a);
	if (r)
		return r;
	long long campaign = id_opt(&a, OPT_CAMPAIGN, "--campaign");
	if (campaign < 0)
		return EXIT_USAGE;
	struct hub *h;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	json_t *list = NULL;
	if (assist_outputs_json(h->db, campaign, &list, &e)) {
		r = cli_error(&e);
	} else if (a.json) {
		cli_print_json(list);
		list = NULL;
	} else {
		size_t i;
		json_t *o;
		json_array_foreach(list, i, o)
		{
			char start[64];
			const char *s = json_string_value(json_object_get(o, "start"));
			snprintf(start, sizeof(start), "%s", s ? s : "");
			for (char *p = start; *p; p++)
				if (*p == '\n')
					*p = ' ';
			printf("%-5lld %-11s %-9s %s %s  %s…\n", (long long)json_integer_value(json_object_get(o, "id")),
			       json_string_value(json_object_get(o, "kind")), json_string_value(json_object_get(o, "status")),
			       json_string_value(json_object_get(o, "at")), json_string_value(json_object_get(o, "model")),
			       start);
		}
		if (!json_array_size(list))
			printf("The model has written nothing yet.\n");
	}
	json_decref(list);
	hub_close(h);
	return r;
}

int cmd_ai_output(int argc, char **argv)
{
	struct args a;
	long long id;
	struct hub *h;
	int r = output_command(argc, argv, "output OUTPUT_ID", &a, &id, &h);
	if (r)
		return r;
	struct err e = ERR_INIT;
	json_t *o = NULL;
	if (assist_output_json(h->db, id, &o, &e)) {
		r = cli_error(&e);
	} else if (a.json) {
		cli_print_json(o);
		o = NULL;
	} else {
		printf("Output %lld: %s, %s by the model %s at %s\n", id, json_string_value(json_object_get(o, "kind")),
		       !strcmp(json_string_value(json_object_get(o, "status")), "generated") ? "generated (not yet reviewed)"
		                                                                          : json_string_value(json_object_get(o, "status")),
		       json_string_value(json_object_get(o, "model")), json_string_value(json_object_get(o, "at")));
		const char *by = json_string_value(json_object_get(o, "reviewed_by"));
		if (by)
			printf("Reviewed by %s at %s\n", by, json_string_value(json_object_get(o, "reviewed_at")));
		size_t i;
		json_t *m;
		printf("\nPassages used:\n");
		json_array_foreach(json_object_get(o, "passages"), i, m)
		{
			const char *title = json_string_value(json_object_get(m, "title"));
			printf("  [%lld] passage %lld — %s\n", (long long)json_integer_value(json_object_get(m, "n")),
			       (long long)json_integer_value(json_object_get(m, "passage_id")), title ? title : "(removed)");
		}
		printf("\nPrompt:\n");
		json_array_foreach(json_object_get(o, "prompt"), i, m)
			printf("--- %s\n%s\n", json_string_value(json_object_get(m, "role")),
			       json_string_value(json_object_get(m, "content")));
		json_t *out = json_object_get(o, "output");
		char *text = json_is_string(out) ? NULL : json_dumps(out, JSON_INDENT(2));
		printf("\nOutput:\n%s\n", text ? text : json_string_value(out));
		free(text);
	}
	json_decref(o);
	hub_close(h);
	return r;
}
