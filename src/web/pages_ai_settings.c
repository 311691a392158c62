/*
 * The language model's settings for administrators (/admin/ai): the service's address, the
 * chat and embedding models, where the key comes from (never the key), and a test of the
 * connection that says in plain words what works.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/ai.h"
#include "base/alloc.h"
#include "hub/hub.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

/* ctx.key: where the key comes from, in the reader's language. */
static void key_ctx(struct req *r, json_t *ctx, const struct ai_config *c, int problem, const char *problem_msg)
{
	char *path = ai_key_path(r->hub->dir);
	char *text;
	if (problem)
		text = page_format(r, "ai_key_problem", "path", path);
	else if (ai_key_source(c) == AI_KEY_ENV)
		text = xstrdup(T(r, "ai_key_env"));
	else if (ai_key_source(c) == AI_KEY_FILE)
		text = page_format(r, "ai_key_file", "path", path);
	else
		text = page_format(r, "ai_key_none", "path", path);
	json_object_set_new(ctx, "key_text", json_string(text));
	if (problem)
		json_object_set_new(ctx, "key_detail", json_string(problem_msg));
	free(text);
	free(path);
}

static json_t *check_ctx(struct req *r, const char *title_key, const struct ai_check *k, const char *ok_key,
                         const char *ok_value)
{
	/* both flags always set: a section must not find them in an enclosing context */
	json_t *j = json_pack("{s:s, s:s, s:b, s:b}", "title", T(r, title_key), "detail", k->detail, "check_ok",
	                      k->state == AI_CHECK_OK, "check_failed", k->state == AI_CHECK_FAILED);
	char key[48];
	switch (k->state) {
	case AI_CHECK_OK: {
		json_object_set_new(j, "state", json_string(T(r, "ai_state_ok")));
		char *s = page_format(r, ok_key, "count", ok_value);
		json_object_set_new(j, "advice", json_string(s));
		free(s);
		break;
	}
	case AI_CHECK_FAILED:
	case AI_CHECK_SKIPPED:
		json_object_set_new(j, "state",
		                    json_string(T(r, k->state == AI_CHECK_FAILED ? "ai_state_failed" : "ai_state_skipped")));
		snprintf(key, sizeof(key), "ai_fail_%s", ai_failure_name(k->failure));
		json_object_set_new(j, "advice", json_string(T(r, k->state == AI_CHECK_SKIPPED ? "ai_skipped" : key)));
		break;
	case AI_CHECK_NOT_SET_UP:
		json_object_set_new(j, "state", json_string(T(r, "ai_state_not_set_up")));
		json_object_set_new(j, "advice", json_string(T(r, "ai_not_set_up")));
		break;
	}
	return j;
}

static int ai_page(struct req *r, int status, json_t *ctx, int test)
{
	struct ai_config c;
	struct err e = ERR_INIT;
	int problem = ai_config_load(r->hub->db, r->hub->dir, &c, &e);
	json_object_set_new(ctx, "nav_ai", json_true());
	if (!json_object_get(ctx, "form"))
		json_object_set_new(ctx, "form", json_pack("{s:s, s:s, s:s}", "base_url", c.base_url, "chat_model",
		                                           c.chat_model, "embed_model", c.embed_model));
	key_ctx(r, ctx, &c, problem, e.msg);
	json_object_set_new(ctx, "configured", json_boolean(c.base_url[0] != '\0'));
	if (test) {
		/* the test blocks this request only; every bound (timeouts, one retry) is the client's */
		struct ai_status s;
		ai_status_run(&c, &s);
		char models[32], dim[32];
		snprintf(models, sizeof(models), "%zu", s.nmodels);
		snprintf(dim, sizeof(dim), "%zu", s.dim);
		json_t *checks = json_array();
		json_array_append_new(checks, check_ctx(r, "ai_check_service", &s.service, "ai_ok_service", models));
		json_array_append_new(checks, check_ctx(r, "ai_check_chat", &s.chat, "ai_ok_chat", ""));
		json_array_append_new(checks, check_ctx(r, "ai_check_embed", &s.embed, "ai_ok_embed", dim));
		json_object_set_new(ctx, "checks", checks);
		json_object_set_new(ctx, "all_ok", json_boolean(s.ok && !problem));
	}
	return render_page(r, status, "admin_ai", "ai_title", ctx);
}

int page_admin_ai(struct req *r)
{
	return ai_page(r, 200, page_ctx("nav_admin"), 0);
}

int page_admin_ai_post(struct req *r)
{
	const char *what = req_field(r, "do");
	if (what && !strcmp(what, "test"))
		return ai_page(r, 200, page_ctx("nav_admin"), 1);
	const char *url = req_field(r, "base_url"), *chat = req_field(r, "chat_model"),
	           *embed = req_field(r, "embed_model");
	if (!url || !chat || !embed)
		return resp_error(r, 400, "error_bad_request");
	json_t *ctx = page_ctx("nav_admin");
	struct err e = ERR_INIT;
	if (ai_config_save(r->hub->db, url, chat, embed, &e)) {
		if (e.code != ERR_USAGE) {
			json_decref(ctx);
			fprintf(stderr, "asurif: language model settings: %s\n", e.msg);
			return -1;
		}
		if (!strncmp(e.msg, "base URL", 8))
			page_add_error(ctx, "base_url", T(r, "ai_error_base_url"));
		else if (!strncmp(e.msg, "chat model", 10))
			page_add_error(ctx, "chat_model", T(r, "ai_error_model"));
		else
			page_add_error(ctx, "embed_model", T(r, "ai_error_model"));
		json_object_set_new(ctx, "form",
		                    json_pack("{s:s, s:s, s:s}", "base_url", url, "chat_model", chat, "embed_model", embed));
		return ai_page(r, 400, ctx, 0);
	}
	json_decref(ctx);
	char *detail = xasprintf("%s | %s | %s", url, chat, embed);
	account_audit(r->hub->db, &r->user, r->ip, "ai-config", "language model", detail);
	free(detail);
	r->flash = xstrdup("ai_saved");
	return resp_redirect(r, "/admin/ai");
}
