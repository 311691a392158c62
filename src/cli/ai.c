/*
 * The ai command: one table of sub-commands, each with its own help; `ai config` (the
 * model service's address and models, where the key comes from) and `ai status` (what
 * works) live here, the others in their own files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "ai/ai.h"
#include "base/alloc.h"
#include "cli/ai_assist.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "base/banned.h"

static int cmd_ai_config(int argc, char **argv);
static int cmd_ai_status(int argc, char **argv);

static const struct ai_subcommand {
	const char *name;
	int (*run)(int argc, char **argv); /* argv without the sub-command's name */
	const char *usage;
	const char *summary;
	const char *help; /* the options, one per line */
} subcommands[] = {
	{"config", cmd_ai_config, "asurif ai config [--base-url URL] [--chat-model M] [--embed-model E] [--json]",
	 "Set the model service (an OpenAI-compatible API: llama.cpp's llama-server, Ollama, vLLM or a hosted "
	 "service) and its models; without options, show them and where the key comes from. The key is never "
	 "given here: it is read from the environment variable ASURIF_AI_KEY or the workspace's keys/ai.key "
	 "(mode 0600).",
	 "  --base-url URL      the service's address, e.g. http://127.0.0.1:8081/v1 (\"\" removes it)\n"
	 "  --chat-model M      the model that answers and writes, e.g. qwen2.5:7b-instruct (\"\" removes it)\n"
	 "  --embed-model E     the model that turns passages into vectors, e.g. bge-m3 (\"\" removes it)\n"
	 "  --json              print the settings as JSON\n"},
	{"status", cmd_ai_status, "asurif ai status [--json]",
	 "Check the model service: can it be reached, which models it lists, does the chat model answer, does the "
	 "embedding model give vectors. Exits 0 when everything set up works, 1 otherwise.",
	 "  --json              print the checks as JSON\n"},
	/* The other sub-commands, one line each (their functions declared in cli/cli.h or their
	 * own header), e.g. {"embed", cmd_ai_embed, "asurif ai embed [--json]", "...", "..."}, */
	{"embed", cmd_ai_embed, "asurif ai embed [--json]", "Embed the passages that have no vector yet (for meaning-based search), with progress; stopped, it resumes where it was.", "  --json              print the counts as JSON\n"},
	{"summarise", cmd_ai_summarise, "asurif ai summarise DOC_ID [--lang L] [--json]", "Summarise a document: by the model (kept, marked as written by it), or without one its most central sentences.", "  --lang L            ar, fr or en (default: the document's language)\n  --json              print {text, model, output_id, extractive}\n"},
	{"barriers", cmd_ai_barriers, "asurif ai barriers (--doc D | --campaign C) [--json]", "Ask the model to propose barriers from a document or a campaign's evidence; each proposal cites passages, checked, and waits for a person to accept or reject it.", "  --doc D             read this document\n  --campaign C        read this campaign's evidence (or the campaign to accept into, with --doc)\n  --json              print the proposals and those left out as JSON\n"},
	{"accept", cmd_ai_accept, "asurif ai accept OUTPUT_ID [--items 1,3] [--campaign C] [--text T]", "Approve what the model wrote: proposed barriers enter the campaign with their passages as evidence; a drafted section goes into the draft as a new version.", "  --items 1,3         only these proposals (default: all)\n  --campaign C        the campaign for barriers proposed from a document\n  --text T            the text as a person edited it (marked edited)\n"},
	{"reject", cmd_ai_reject, "asurif ai reject OUTPUT_ID", "Reject what the model wrote: nothing is added.", ""},
	{"section", cmd_ai_section, "asurif ai section --draft D --field F [--evidence E]... [--json]", "Write (or improve) a draft's section from chosen evidence and the campaign's recommendations; kept for a person to approve.", "  --draft D           the draft\n  --field F           the field (section) to write\n  --evidence E        a pinned passage to use (repeat; default: all)\n  --json              print as JSON\n"},
	{"translate", cmd_ai_translate, "asurif ai translate --draft D --field F --to fr|ar [--json]", "Translate a draft's section between Arabic and French; kept for a person to approve.", "  --to L              fr or ar\n  --json              print as JSON\n"},
	{"outputs", cmd_ai_outputs, "asurif ai outputs [--campaign C] [--json]", "What the model wrote, newest first, with its status (generated until a person approves or edits it).", "  --campaign C        only for this campaign\n  --json              print as JSON\n"},
	{"output", cmd_ai_output, "asurif ai output OUTPUT_ID [--json]", "One output of the model with its prompt, model, time and the passages it was given.", "  --json              print as JSON\n"},
	{NULL, NULL, NULL, NULL, NULL},
};

static void sub_help(const struct ai_subcommand *s)
{
	printf("usage: %s\n\n%s\n", s->usage, s->summary);
	if (s->help && *s->help)
		printf("\nOptions:\n%s", s->help);
	printf("  -w DIR              the workspace (default: $ASURIF_WORKSPACE, else ~/.local/share/asurif)\n"
	       "  -h, --help          this help\n");
}

static void ai_help(FILE *out)
{
	fprintf(out, "usage: asurif ai SUBCOMMAND [options]\n\n"
	             "The language model: its settings, its status, and what it helps with.\n\nSub-commands:\n");
	for (const struct ai_subcommand *s = subcommands; s->name; s++)
		fprintf(out, "  %s\n", s->usage);
	fprintf(out, "\nSee 'asurif ai SUBCOMMAND --help'. How to run a model service: docs/ai.md.\n");
}

int cmd_ai(int argc, char **argv)
{
	const char *peek = NULL;
	int help = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workspace"))
			i++;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			help = 1;
		else if (argv[i][0] != '-' && !peek)
			peek = argv[i];
	}
	if (!peek) {
		ai_help(help ? stdout : stderr);
		return help ? EXIT_OK : EXIT_USAGE;
	}
	for (const struct ai_subcommand *s = subcommands; s->name; s++) {
		if (strcmp(peek, s->name))
			continue;
		if (help) {
			sub_help(s);
			return EXIT_OK;
		}
		int n = argc;
		cli_take_subcommand(&n, argv);
		return s->run(n, argv);
	}
	fprintf(stderr, "asurif ai: \"%s\" is not a sub-command.\n", peek);
	ai_help(stderr);
	return EXIT_USAGE;
}

/* ---- config ---- */

static const char *key_source_name(enum ai_key_source k)
{
	return k == AI_KEY_ENV ? "environment" : k == AI_KEY_FILE ? "file" : "none";
}

static int cmd_ai_config(int argc, char **argv)
{
	/* a key on the command line would stay in the shell's history and the process list */
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--key", 5) || !strncmp(argv[i], "--api-key", 9) || !strncmp(argv[i], "--token", 7))
			return cli_usage_error("ai", "the key is never given on the command line: set the environment "
			                             "variable ASURIF_AI_KEY, or write the key alone into the workspace's "
			                             "keys/ai.key and make it private (chmod 600)");
	struct args a;
	int r = cli_parse("ai", argc, argv,
	                  ALLOW(O(OPT_JSON), O(OPT_BASE_URL), O(OPT_CHAT_MODEL), O(OPT_EMBED_MODEL)), &a);
	if (r)
		return r;
	if (a.rest < a.argc)
		return cli_usage_error("ai", "ai config takes options only, not \"%s\"", argv[a.rest]);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	const char *url = cli_opt(&a, OPT_BASE_URL), *chat = cli_opt(&a, OPT_CHAT_MODEL),
	           *embed = cli_opt(&a, OPT_EMBED_MODEL);
	if (url || chat || embed) {
		if (ai_config_save(h->db, url, chat, embed, &e)) {
			hub_close(h);
			if (e.code == ERR_USAGE)
				return cli_usage_error("ai", "%s", e.msg);
			return cli_error(&e);
		}
		const char *user = getenv("USER");
		struct user u;
		const struct user *who = user && *user && !account_user_find(h->db, user, &u, NULL) ? &u : NULL;
		char *detail = xasprintf("%s%s%s%s%s%s", url ? "base URL " : "", url ? url : "",
		                         chat ? (url ? "; chat model " : "chat model ") : "", chat ? chat : "",
		                         embed ? (url || chat ? "; embedding model " : "embedding model ") : "",
		                         embed ? embed : "");
		account_audit(h->db, who, "command line", "ai-config", "language model", detail);
		free(detail);
	}
	struct ai_config c;
	struct err ke = ERR_INIT;
	int key_problem = ai_config_load(h->db, h->dir, &c, &ke);
	char *key_path = ai_key_path(h->dir);
	enum ai_key_source src = ai_key_source(&c);
	if (a.json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "base_url", c.base_url, "chat_model", c.chat_model,
		                      "embed_model", c.embed_model, "key", key_source_name(src), "key_file", key_path);
		if (key_problem)
			json_object_set_new(j, "key_problem", json_string(ke.msg));
		cli_print_json(j);
	} else {
		printf("Language model settings (workspace %s):\n", h->dir);
		printf("  base URL:         %s\n", c.base_url[0] ? c.base_url : "none (asurif ai config --base-url URL)");
		printf("  chat model:       %s\n", c.chat_model[0] ? c.chat_model : "none (asurif ai config --chat-model NAME)");
		printf("  embedding model:  %s\n",
		       c.embed_model[0] ? c.embed_model : "none (asurif ai config --embed-model NAME)");
		if (key_problem)
			printf("  key:              NOT USED: %s\n", ke.msg);
		else if (src == AI_KEY_ENV)
			printf("  key:              from the environment variable ASURIF_AI_KEY\n");
		else if (src == AI_KEY_FILE)
			printf("  key:              from the file %s\n", key_path);
		else
			printf("  key:              none (a service on this computer usually needs none; otherwise set\n"
			       "                    ASURIF_AI_KEY or write the key into %s, mode 0600)\n",
			       key_path);
		if (c.base_url[0])
			printf("Check it with: asurif ai status\n");
	}
	free(key_path);
	hub_close(h);
	return EXIT_OK;
}

/* ---- status ---- */

static const char *state_label(enum ai_check_state st)
{
	switch (st) {
	case AI_CHECK_OK:
		return "works";
	case AI_CHECK_FAILED:
		return "FAILS";
	case AI_CHECK_NOT_SET_UP:
		return "not set up";
	case AI_CHECK_SKIPPED:
		return "not tried";
	}
	return "?";
}

static json_t *check_json(const struct ai_check *k)
{
	json_t *j = json_pack("{s:s, s:s, s:I}", "state", ai_check_state_name(k->state), "detail", k->detail, "ms",
	                      (json_int_t)k->ms);
	if (k->state == AI_CHECK_FAILED || k->state == AI_CHECK_SKIPPED)
		json_object_set_new(j, "failure", json_string(ai_failure_name(k->failure)));
	return j;
}

static int cmd_ai_status(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("ai", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	if (a.rest < a.argc)
		return cli_usage_error("ai", "ai status takes no argument, not \"%s\"", argv[a.rest]);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct ai_config c;
	struct err ke = ERR_INIT;
	int key_problem = ai_config_load(h->db, h->dir, &c, &ke);
	enum ai_key_source src = ai_key_source(&c);
	struct ai_status s;
	ai_status_run(&c, &s);
	int ok = s.ok && !key_problem;
	if (a.json) {
		json_t *j = json_pack("{s:b, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "ok", ok, "base_url", c.base_url,
		                      "chat_model", c.chat_model, "embed_model", c.embed_model, "key",
		                      key_source_name(src), "service", check_json(&s.service), "chat", check_json(&s.chat),
		                      "embeddings", check_json(&s.embed));
		if (key_problem)
			json_object_set_new(j, "key_problem", json_string(ke.msg));
		if (s.service.state == AI_CHECK_OK)
			json_object_set_new(j, "models", json_integer((json_int_t)s.nmodels));
		if (s.embed.state == AI_CHECK_OK)
			json_object_set_new(j, "dimension", json_integer((json_int_t)s.dim));
		cli_print_json(j);
	} else {
		if (key_problem)
			printf("%-12s %-11s %s\n", "key", "FAILS", ke.msg);
		printf("%-12s %-11s %s\n", "service", state_label(s.service.state), s.service.detail);
		printf("%-12s %-11s %s\n", "chat", state_label(s.chat.state), s.chat.detail);
		printf("%-12s %-11s %s\n", "embeddings", state_label(s.embed.state), s.embed.detail);
		if (ok)
			printf("Everything set up works.\n");
		else if (!c.base_url[0])
			printf("Nothing is set up yet: see docs/ai.md, then asurif ai config --base-url URL --chat-model M "
			       "--embed-model E.\nEverything else in Asurif works without a model.\n");
		else
			printf("Not everything works (see above). Everything else in Asurif works without the model.\n");
	}
	hub_close(h);
	return ok ? EXIT_OK : EXIT_FAIL;
}
