/* asurif ask: a question to the hub, answered from its passages with checked citations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ai/ai.h"
#include "ai/ask.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "base/banned.h"

static void print_place(const struct ask_passage *p)
{
	printf("%s", p->title);
	if (p->article && *p->article)
		printf(", %s", p->article);
	if (p->page > 0)
		printf(", p. %d", p->page);
	printf(" (document %lld, passage %lld)", p->doc_id, p->passage_id);
}

static void print_answer(const struct ask_answer *a, int streamed)
{
	int tty = isatty(STDOUT_FILENO);
	if (!streamed)
		printf("%s", buf_str(&a->text));
	printf("\n");
	if (a->mode == ASK_EXTRACTIVE) {
		for (size_t i = 0; i < a->npassages; i++) {
			const struct ask_passage *p = &a->passages[i];
			printf("\n[%d] ", p->n);
			print_place(p);
			printf("\n    ");
			cli_print_marked(p->extract ? p->extract : "", tty);
			printf("\n");
		}
		return;
	}
	if (a->mode != ASK_MODEL)
		return;
	int any = 0;
	for (size_t i = 0; i < a->ncitations; i++) {
		const struct ask_passage *p = ask_passage_n(a, a->citations[i].n);
		if (!p)
			continue;
		if (!any++)
			printf("\nSources:\n");
		printf("  [%d] ", p->n);
		print_place(p);
		printf("\n");
	}
	for (size_t i = 0; i < a->ncitations; i++)
		if (!a->citations[i].valid)
			printf("Warning: [%d] is not one of the %zu passages given to the model; it is not a source.\n",
			       a->citations[i].n, a->npassages);
	if (!a->supported)
		printf("Warning: this answer cites none of the passages; it is not supported by the documents.\n");
}

int cmd_ask(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("ask", argc, argv, ALLOW(O(OPT_JSON), O(OPT_CAMPAIGN), O(OPT_LIMIT)), &a);
	if (r)
		return r;
	struct buf q = {0};
	cli_join_args(a.argc, argv, a.rest, &q);
	if (!q.len) {
		buf_release(&q);
		return cli_usage_error("ask", "what is the question?");
	}
	long long campaign = 0;
	if (cli_opt(&a, OPT_CAMPAIGN) && (campaign = cli_parse_int(cli_opt(&a, OPT_CAMPAIGN))) <= 0) {
		buf_release(&q);
		return cli_usage_error("ask", "--campaign wants a campaign's number, not \"%s\"", cli_opt(&a, OPT_CAMPAIGN));
	}
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h))) {
		buf_release(&q);
		return r;
	}
	struct err e = ERR_INIT;
	struct ai_config c;
	struct ask_answer ans = {0};
	struct ask_opts o = {.question = buf_str(&q), .k = a.limit != 10 ? (int)a.limit : 0, .campaign_id = campaign};
	int rc = ai_config_load(h->db, h->dir, &c, &e);
	if (!rc)
		rc = ask_prepare(h, &c, &o, &ans, &e);
	int streamed = 0;
	if (!rc && ans.mode == ASK_MODEL) {
		streamed = !a.json;
		rc = ask_generate(&c, &ans, a.json ? NULL : cli_print_delta, NULL, &e);
		if (!rc)
			rc = ask_store(h, &o, &ans, &e);
		else if (streamed)
			printf("\n");
	}
	if (rc) {
		r = cli_error(&e);
	} else if (a.json) {
		cli_print_json(ask_answer_json(&ans));
	} else {
		print_answer(&ans, streamed);
	}
	ask_answer_release(&ans);
	hub_close(h);
	buf_release(&q);
	return r;
}
