/* asurif ai embed: the passages' vectors for the assistant's search; and the notice after `asurif add`. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ai/ai.h"
#include "ai/vectors.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "base/banned.h"

int cmd_ai_embed(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("ai", argc, argv, ALLOW(O(OPT_JSON)), &a);
	if (r)
		return r;
	if (a.rest < a.argc)
		return cli_usage_error("ai", "ai embed takes no argument (it embeds every passage that has no vector)");
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	struct err e = ERR_INIT;
	struct ai_config c;
	if ((r = ai_config_load(h->db, h->dir, &c, &e))) {
		hub_close(h);
		return cli_error(&e);
	}
	if (!ai_can_embed(&c)) {
		hub_close(h);
		if (a.json) {
			cli_print_json(json_pack("{s:b, s:s}", "configured", 0, "error", "no embedding model is set up"));
		} else {
			fprintf(stderr, "asurif: no embedding model is set up, so there is nothing to embed.\n"
					"Search keeps working with words alone. To add meaning-based search, name a model "
					"service and its embedding model:\n"
					"  asurif ai config --base-url http://127.0.0.1:8081/v1 --embed-model NAME\n");
		}
		return EXIT_FAIL;
	}
	struct ai_embed_report rep;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = ai_embed_backlog(h, &c, NULL, 0, a.json ? NULL : cli_progress_count, "passages", &rep, &e);
	cli_progress_end();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	struct ai_vector_counts vc;
	struct err e2 = ERR_INIT;
	ai_vector_counts(h, c.embed_model, &vc, &e2);
	hub_close(h);
	if (a.json) {
		json_t *o = json_pack("{s:b, s:s, s:I, s:I, s:I, s:i, s:I, s:I, s:I, s:f}", "configured", 1, "model",
				      c.embed_model, "embedded", (json_int_t)rep.embedded, "backlog", (json_int_t)rep.total,
				      "dropped", (json_int_t)rep.dropped, "requests", rep.requests, "passages",
				      (json_int_t)vc.passages, "vectors", (json_int_t)vc.embedded, "dim", (json_int_t)vc.dim,
				      "seconds", secs);
		if (r)
			json_object_set_new(o, "error", json_string(e.msg));
		cli_print_json(o);
		return r ? EXIT_FAIL : EXIT_OK;
	}
	if (rep.dropped)
		printf("Removed %lld vectors made by another model (the model is now %s).\n", rep.dropped, c.embed_model);
	if (rep.total == 0)
		printf("Nothing to embed: every passage already has a vector from %s.\n", c.embed_model);
	else
		printf("Embedded %lld of %lld passages with %s in %d request%s (%.1f s).\n", rep.embedded, rep.total,
		       c.embed_model, rep.requests, rep.requests == 1 ? "" : "s", secs);
	printf("%lld of %lld passages have a vector.\n", vc.embedded, vc.passages);
	if (r) {
		cli_error(&e);
		fprintf(stderr, "What was embedded is kept; run asurif ai embed again to continue.\n");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

long long cli_ai_mark(struct hub *h)
{
	return ai_docs_mark(h);
}

void cli_ai_embed_added(struct hub *h, long long mark, int json)
{
	struct ai_embed_report rep;
	struct err e = ERR_INIT;
	int configured = 0;
	int r = ai_embed_added(h, mark, &configured, &rep, &e);
	if (!configured && !r)
		return;
	if (r) {
		long long left = rep.total - rep.embedded;
		fprintf(stderr,
			"asurif: the documents are added, but %lld passage%s could not be embedded for meaning-based "
			"search (%s); run asurif ai embed when the model service is back.\n",
			left, left == 1 ? "" : "s", e.msg);
	} else if (rep.embedded && !json) {
		printf("embedded   %lld passage%s for meaning-based search\n", rep.embedded, rep.embedded == 1 ? "" : "s");
	}
}
