/*
 * Asking the hub (/ask): the question box; the answer streamed in as the model writes it
 * (/ask/stream, server-sent events written by a thread of their own, see stream.h) or, without
 * script, the whole answer on one page; the checked citations as sources linking to their
 * passages; the "no model" extractive answer and the "nothing found" answer. And what the model
 * wrote, kept: one page per output (prompt, model, time, passages), the proposed barriers of a
 * campaign with their evidence, accepted or rejected by a member.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ai/ai.h"
#include "ai/ask.h"
#include "ai/assist.h"
#include "base/alloc.h"
#include "campaign/campaign.h"
#include "hub/hub.h"
#include "store/db.h"
#include "web/internal.h"
#include "web/pages.h"
#include "web/stream.h"
#include "base/banned.h"

static int load_config(struct req *r, struct ai_config *c)
{
	struct err e = ERR_INIT;
	if (ai_config_load(r->hub->db, r->web->dir, c, &e)) {
		memset(c, 0, sizeof(*c));
		return -1;
	}
	return 0;
}

static char *doc_href(long long doc_id, long long passage_id)
{
	return xasprintf("/documents/%lld#p%lld", doc_id, passage_id);
}

static json_t *passage_json(const struct ask_passage *p)
{
	char *href = doc_href(p->doc_id, p->passage_id);
	json_t *o = json_pack("{s:i, s:I, s:s, s:s?, s:s}", "n", p->n, "passage_id", (json_int_t)p->passage_id, "title",
			      p->title, "article", p->article && *p->article ? p->article : NULL, "href", href);
	if (p->page > 0)
		json_object_set_new(o, "page", json_integer(p->page));
	if (p->doc_lang)
		json_object_set_new(o, "lang", json_string(p->doc_lang));
	if (p->extract) {
		char *html = page_snippet_html(p->extract);
		json_object_set_new(o, "extract_html", json_string(html));
		free(html);
	}
	free(href);
	return o;
}

/* The answer's part of the page: text, sources (valid citations), flagged numbers, passages. */
static void answer_ctx(json_t *ctx, const struct ask_answer *a)
{
	json_object_set_new(ctx, "answered", json_true());
	json_object_set_new(ctx, "answer", json_string(buf_str(&a->text)));
	json_object_set_new(ctx, "answer_lang", json_string(text_lang_code(a->lang ? a->lang : LANG_FR)));
	json_object_set_new(ctx, a->mode == ASK_MODEL ? "mode_model" : a->mode == ASK_NOT_FOUND ? "mode_not_found"
											: "mode_extractive",
			    json_true());
	if (a->mode == ASK_EXTRACTIVE) {
		json_t *ps = json_array();
		for (size_t i = 0; i < a->npassages; i++)
			json_array_append_new(ps, passage_json(&a->passages[i]));
		json_object_set_new(ctx, "passages", ps);
		return;
	}
	if (a->mode != ASK_MODEL)
		return;
	json_t *sources = json_array(), *flagged = json_array();
	for (size_t i = 0; i < a->ncitations; i++) {
		const struct ask_passage *p = ask_passage_n(a, a->citations[i].n);
		if (p)
			json_array_append_new(sources, passage_json(p));
		else
			json_array_append_new(flagged, json_integer(a->citations[i].n));
	}
	json_object_set_new(ctx, "sources", sources);
	if (json_array_size(flagged))
		json_object_set_new(ctx, "flagged", flagged);
	else
		json_decref(flagged);
	json_object_set_new(ctx, "unsupported", json_boolean(!a->supported));
	json_object_set_new(ctx, "model", json_string(a->model));
	if (a->output_id)
		json_object_set_new(ctx, "output_id", json_integer(a->output_id));
}

static void question_opts(struct req *r, struct ask_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->question = req_query(r, "q");
	o->campaign_id = req_int(req_query(r, "campaign"), 0);
	o->user_id = r->user.id;
}

int page_ask(struct req *r)
{
	json_t *ctx = page_ctx("nav_ask");
	struct ask_opts o;
	question_opts(r, &o);
	struct ai_config c;
	int has_config = load_config(r, &c) == 0;
	json_object_set_new(ctx, "no_model", json_boolean(!has_config || !ai_can_chat(&c)));
	if (o.campaign_id)
		json_object_set_new(ctx, "campaign", json_integer(o.campaign_id));
	if (!o.question || !*o.question)
		return render_page(r, 200, "ask", "ask_title", ctx);
	json_object_set_new(ctx, "q", json_string(o.question));
	struct ask_answer a;
	struct err e = ERR_INIT;
	int rc = ask_prepare(r->hub, &c, &o, &a, &e);
	if (!rc && a.mode == ASK_MODEL && !(rc = ask_generate(&c, &a, NULL, NULL, &e)))
		rc = ask_store(r->hub, &o, &a, &e);
	int status = 200;
	if (rc == ERR_USAGE || rc == ERR_ENCODING) {
		page_add_error(ctx, "q", T(r, "ask_error_question"));
		status = 400;
	} else if (rc) {
		json_object_set_new(ctx, "model_error", json_string(e.msg));
		status = 502;
	} else {
		answer_ctx(ctx, &a);
	}
	ask_answer_release(&a);
	return render_page(r, status, "ask", "ask_title", ctx);
}

/* ---- the streamed answer ---- */

struct ask_job {
	struct web_stream *s;
	struct ai_config c;
	struct ask_answer a;
	struct ask_opts o;
	char *question, *dir;
};

static int on_delta(void *ctx, const char *text, size_t len)
{
	struct ask_job *j = ctx;
	json_t *v = json_stringn(text, len);
	char *data = json_dumps(v, JSON_ENCODE_ANY);
	int rc = web_stream_event(j->s, "delta", data ? data : "\"\"");
	free(data);
	json_decref(v);
	return rc ? 1 : 0; /* the browser went away: stop the model */
}

static void send_json(struct web_stream *s, const char *event, json_t *v)
{
	char *data = json_dumps(v, JSON_COMPACT);
	web_stream_event(s, event, data ? data : "{}");
	free(data);
	json_decref(v);
}

static void *ask_thread(void *arg)
{
	struct ask_job *j = arg;
	struct err e = ERR_INIT;
	int rc = ask_generate(&j->c, &j->a, on_delta, j, &e);
	if (!rc && !j->a.cancelled && !web_stream_cancelled(j->s)) {
		struct hub *h = NULL;
		if (!(rc = hub_open(j->dir, &h, &e)))
			rc = ask_store(h, &j->o, &j->a, &e);
		if (h)
			hub_close(h);
	}
	if (rc)
		send_json(j->s, "error", json_pack("{s:s}", "message", e.msg));
	else if (!j->a.cancelled)
		send_json(j->s, "done", ask_answer_json(&j->a));
	web_stream_end(j->s);
	web_stream_release(j->s);
	ask_answer_release(&j->a);
	free(j->question);
	free(j->dir);
	free(j);
	return NULL;
}

int page_ask_stream(struct req *r)
{
	struct ask_opts o;
	question_opts(r, &o);
	struct ai_config c;
	load_config(r, &c);
	struct ask_job *j = xcalloc(1, sizeof(*j));
	struct err e = ERR_INIT;
	int rc = ask_prepare(r->hub, &c, &o, &j->a, &e);
	if (rc || j->a.mode != ASK_MODEL) {
		/* Nothing to stream: the page itself shows it (or says what is wrong). */
		struct web_stream *s = web_stream_new();
		send_json(s, rc ? "invalid" : "page", json_object());
		web_stream_end(s);
		web_stream_release(s);
		ask_answer_release(&j->a);
		free(j);
		resp_header(r, "X-Accel-Buffering", "no");
		return resp_stream(r, "text/event-stream; charset=utf-8", s);
	}
	j->c = c;
	j->o = o;
	j->question = xstrdup(o.question);
	j->o.question = j->question;
	j->dir = xstrdup(r->web->dir);
	j->s = web_stream_new();
	/* The passages first, so the page can say what the model reads while it writes. */
	json_t *ps = json_array();
	for (size_t i = 0; i < j->a.npassages; i++)
		json_array_append_new(ps, passage_json(&j->a.passages[i]));
	send_json(j->s, "passages", json_pack("{s:o, s:s}", "passages", ps, "lang", text_lang_code(j->a.lang)));
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	struct web_stream *s = j->s;
	if (pthread_create(&t, &attr, ask_thread, j)) {
		send_json(s, "error", json_pack("{s:s}", "message", "could not start"));
		web_stream_end(s);
		web_stream_release(s);
		ask_answer_release(&j->a);
		free(j->question);
		free(j->dir);
		free(j);
	}
	pthread_attr_destroy(&attr);
	resp_header(r, "X-Accel-Buffering", "no");
	return resp_stream(r, "text/event-stream; charset=utf-8", s);
}

/* ---- what the model wrote ---- */

/* An output's page values: the proposals with their evidence passages, the prompt, the passages. */
static json_t *output_ctx(struct req *r, json_t *o)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *status = json_string_value(json_object_get(o, "status"));
	json_t *x = json_deep_copy(o);
	char key[48];
	snprintf(key, sizeof(key), "ai_kind_%s", kind);
	json_object_set_new(x, "kind_label", json_string(T(r, key)));
	snprintf(key, sizeof(key), "ai_status_%s", status);
	json_object_set_new(x, "status_label", json_string(T(r, key)));
	json_object_set_new(x, "generated", json_boolean(!strcmp(status, "generated")));
	json_object_set_new(x, "is_barriers", json_boolean(!strcmp(kind, "barriers")));
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(x, "passages"), i, p)
	{
		json_t *doc = json_object_get(p, "doc_id");
		if (json_is_integer(doc)) {
			char *href = doc_href(json_integer_value(doc), json_integer_value(json_object_get(p, "passage_id")));
			json_object_set_new(p, "href", json_string(href));
			free(href);
		}
	}
	if (!strcmp(kind, "barriers")) {
		json_t *props = json_object_get(json_object_get(x, "output"), "barriers");
		sqlite3_stmt *st = NULL;
		json_array_foreach(props, i, p)
		{
			json_object_set_new(p, "item", json_integer((json_int_t)i + 1));
			json_t *ev = json_array(), *pid;
			size_t k;
			json_array_foreach(json_object_get(p, "passages"), k, pid)
			{
				if (!st)
					st = db_prepare(r->hub->db, "SELECT p.doc_id, d.title, p.text FROM passages p "
								     "JOIN documents d ON d.id = p.doc_id WHERE p.id = ?1");
				sqlite3_reset(st);
				sqlite3_bind_int64(st, 1, json_integer_value(pid));
				if (sqlite3_step(st) == SQLITE_ROW) {
					char *href = doc_href(sqlite3_column_int64(st, 0), json_integer_value(pid));
					json_array_append_new(ev, json_pack("{s:s, s:s, s:s}", "title",
									    (const char *)sqlite3_column_text(st, 1), "text",
									    (const char *)sqlite3_column_text(st, 2), "href", href));
					free(href);
				}
			}
			json_object_set_new(p, "evidence", ev);
			const char *sev = json_string_value(json_object_get(p, "severity"));
			snprintf(key, sizeof(key), "severity_%s", sev ? sev : "medium");
			json_object_set_new(p, "severity_label", json_string(T(r, key)));
		}
		if (st)
			sqlite3_finalize(st);
		json_object_set_new(x, "proposals", props ? json_incref(props) : json_array());
		json_object_set(x, "rejected_items", json_object_get(json_object_get(x, "output"), "rejected"));
		json_object_del(x, "output");
	}
	return x;
}

int page_ai_output(struct req *r)
{
	json_t *o = NULL;
	struct err e = ERR_INIT;
	if (assist_output_json(r->hub->db, page_id(r), &o, &e))
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx(NULL);
	json_object_set_new(ctx, "o", output_ctx(r, o));
	json_decref(o);
	return render_page(r, 200, "ai_output", "ai_output_title", ctx);
}

/* Where to go after a decision: the page the form came from, if it is ours, else the output's. */
static int back(struct req *r, long long id)
{
	const char *to = req_field(r, "back");
	if (to && to[0] == '/' && to[1] != '/')
		return resp_redirect(r, to);
	char *path = xasprintf("/ai/outputs/%lld", id);
	resp_redirect(r, path);
	free(path);
	return 0;
}

int page_ai_output_approve(struct req *r)
{
	long long id = page_id(r);
	int items[64];
	size_t n = 0;
	for (size_t i = 0; i < r->nfields && n < 64; i++)
		if (!strcmp(r->fields[i].name, "item") && req_int(r->fields[i].value, 0) > 0)
			items[n++] = (int)req_int(r->fields[i].value, 0);
	struct err e = ERR_INIT;
	json_t *added = NULL;
	const char *edited = req_field(r, "text");
	json_t *o = NULL;
	if (assist_output_json(r->hub->db, id, &o, &e))
		return resp_error(r, 404, "error_not_found");
	int barriers = !strcmp(json_string_value(json_object_get(o, "kind")), "barriers");
	json_decref(o);
	if (barriers && !n) {
		r->flash = xstrdup("ai_choose_items");
		return back(r, id);
	}
	if (assist_output_approve(r->hub, id, items, n, req_int(req_field(r, "campaign"), 0),
				  edited && *edited ? edited : NULL, r->user.login, &added, &e)) {
		r->flash = xstrdup("ai_review_failed");
		return back(r, id);
	}
	json_decref(added);
	char target[32];
	snprintf(target, sizeof(target), "output %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "ai-approve", target, edited && *edited ? "edited" : "");
	r->flash = xstrdup(barriers ? "ai_barriers_added" : "ai_approved");
	return back(r, id);
}

int page_ai_output_reject(struct req *r)
{
	long long id = page_id(r);
	struct err e = ERR_INIT;
	if (assist_output_reject(r->hub->db, id, r->user.login, &e)) {
		r->flash = xstrdup("ai_review_failed");
	} else {
		char target[32];
		snprintf(target, sizeof(target), "output %lld", id);
		account_audit(r->hub->db, &r->user, r->ip, "ai-reject", target, "");
		r->flash = xstrdup("ai_rejected");
	}
	return back(r, id);
}

/* ---- a campaign's proposals ---- */

int page_campaign_ai(struct req *r)
{
	long long cid = page_id(r);
	char *title = campaign_title(r->hub->db, cid);
	if (!title)
		return resp_error(r, 404, "error_not_found");
	json_t *ctx = page_ctx("nav_campaigns");
	json_object_set_new(ctx, "c", json_pack("{s:I, s:s}", "id", (json_int_t)cid, "title", title));
	free(title);
	struct ai_config c;
	json_object_set_new(ctx, "no_model", json_boolean(load_config(r, &c) || !ai_can_chat(&c)));
	json_t *list = NULL, *outs = json_array();
	struct err e = ERR_INIT;
	assist_outputs_json(r->hub->db, cid, &list, &e);
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
	{
		json_t *o = NULL;
		if (assist_output_json(r->hub->db, json_integer_value(json_object_get(x, "id")), &o, &e) == 0) {
			json_t *oc = output_ctx(r, o);
			char *to = xasprintf("/campaigns/%lld/ai", cid);
			json_object_set_new(oc, "back", json_string(to));
			free(to);
			json_array_append_new(outs, oc);
			json_decref(o);
		}
	}
	json_decref(list);
	json_object_set_new(ctx, "outputs", outs);
	return render_page(r, 200, "campaign_ai", "ai_campaign_title", ctx);
}

int page_campaign_ai_barriers(struct req *r)
{
	long long cid = page_id(r);
	struct ai_config c;
	struct err e = ERR_INIT;
	struct assist_result res;
	char *path = xasprintf("/campaigns/%lld/ai", cid);
	if (load_config(r, &c) || assist_barriers(r->hub, &c, 0, cid, r->user.id, &res, &e))
		r->flash = xstrdup(e.code == ERR_FORMAT ? "ai_barriers_invalid" : "ai_barriers_failed");
	else
		assist_result_release(&res);
	resp_redirect(r, path);
	free(path);
	return 0;
}
