/*
 * Signing a petition online, without an account: the public page /p/KEY (the petition's
 * text, the consent text of law 09-08, the rule set's signature columns), the confirmation
 * with a withdrawal code shown once, withdrawing with that code, and the QR code of the
 * page for members. Signatures are throttled per client address; nothing a signatory types
 * is ever written to the server's log.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "draft/draft.h"
#include "export/doc.h"
#include "hub/hub.h"
#include "petition/cin.h"
#include "petition/online.h"
#include "petition/petition.h"
#include "petition/qr.h"
#include "petition/rules.h"
#include "petition/vault.h"
#include "web/http.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

/* ---- throttling per client address ---- */

/* Signatures one address may make in SIGN_WINDOW seconds (ASURIF_SIGN_LIMIT; 0: no limit). */
#define SIGN_LIMIT_DEFAULT 5
/* Wrong withdrawal codes one address may try in SIGN_WINDOW seconds. */
#define WITHDRAW_LIMIT 10
#define SIGN_WINDOW 600
#define THROTTLE_SLOTS 1024

/* Counts per address in fixed windows of SIGN_WINDOW seconds from the address's first event. */
struct throttle {
	pthread_mutex_t mu;
	struct {
		char ip[64];
		time_t start;
		long count;
	} slot[THROTTLE_SLOTS];
};

static struct throttle sign_throttle = {PTHREAD_MUTEX_INITIALIZER, {{{0}, 0, 0}}};
static struct throttle withdraw_throttle = {PTHREAD_MUTEX_INITIALIZER, {{{0}, 0, 0}}};

static long sign_limit(void)
{
	static long limit = -1;
	long l = __atomic_load_n(&limit, __ATOMIC_RELAXED);
	if (l < 0) {
		const char *s = getenv("ASURIF_SIGN_LIMIT");
		l = s && *s ? (long)req_int(s, SIGN_LIMIT_DEFAULT) : SIGN_LIMIT_DEFAULT;
		__atomic_store_n(&limit, l, __ATOMIC_RELAXED);
	}
	return l;
}

/*
 * With take, counts one event for ip unless it is over limit. Returns 0, or the seconds to
 * wait when ip already reached limit in its current window.
 */
static long throttle(struct throttle *t, const char *ip, long limit, int take)
{
	if (limit <= 0)
		return 0;
	time_t now = time(NULL);
	long wait = 0;
	pthread_mutex_lock(&t->mu);
	size_t use = THROTTLE_SLOTS, oldest = 0;
	for (size_t i = 0; i < THROTTLE_SLOTS; i++) {
		if (t->slot[i].ip[0] && !strcmp(t->slot[i].ip, ip)) {
			use = i;
			break;
		}
		if (t->slot[i].start < t->slot[oldest].start)
			oldest = i;
	}
	if (use == THROTTLE_SLOTS) {
		/* a new address takes the slot whose window started first (an empty one has 0) */
		use = oldest;
		snprintf(t->slot[use].ip, sizeof(t->slot[use].ip), "%s", ip);
		t->slot[use].start = now;
		t->slot[use].count = 0;
	}
	if (now - t->slot[use].start >= SIGN_WINDOW) {
		t->slot[use].start = now;
		t->slot[use].count = 0;
	}
	if (t->slot[use].count >= limit)
		wait = (long)(t->slot[use].start + SIGN_WINDOW - now);
	else if (take)
		t->slot[use].count++;
	pthread_mutex_unlock(&t->mu);
	return wait < 0 ? 0 : wait;
}

/* ---- the vault, opened once for the server ---- */

static pthread_mutex_t vault_mu = PTHREAD_MUTEX_INITIALIZER;

static const struct vault *sign_vault(struct req *r)
{
	struct web *w = r->web;
	pthread_mutex_lock(&vault_mu);
	if (!w->vault) {
		struct err e = ERR_INIT;
		if (vault_open(w->dir, &w->vault, &e))
			fprintf(stderr, "asurif: %s\n", e.msg);
	}
	const struct vault *v = w->vault;
	pthread_mutex_unlock(&vault_mu);
	return v;
}

/* ---- the page ---- */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The columns of the rule set a signatory fills in online (the "signature" column is their hand on paper). */
static const struct column {
	const char *column, *field, *autocomplete;
	int ltr, optional;
} columns[] = {
	{"first_name", "first_name", "given-name", 0, 0},
	{"last_name", "last_name", "family-name", 0, 0},
	{"cin", "cin", "off", 1, 0},
	{"address", "address", "street-address", 0, 0},
	{"commune_code", "commune", "off", 0, 0},
	{"contact", "contact", "email", 1, 1},
};

static const struct column *column_named(const char *name)
{
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		if (!strcmp(columns[i].column, name))
			return &columns[i];
	return NULL;
}

/* The petition behind the page's key (open_only: taking signatures), with its JSON; 0, or the 404 made. */
static int load(struct req *r, int open_only, long long *id, json_t **p, int *rc)
{
	struct err e = ERR_INIT;
	*p = NULL;
	if (online_petition(r->hub->db, req_param(r, 0), open_only, id, &e) ||
	    petition_json_brief(r->hub->db, *id, p, &e)) {
		*rc = resp_error(r, 404, "error_not_found");
		return -1;
	}
	return 0;
}

/* The rule set's signature columns, overrides applied (a new reference, or NULL). */
static json_t *signature_columns(struct req *r, const char *rule)
{
	json_t *set = NULL, *cols = NULL;
	if (!rules_load(r->web->overrides, rule, &set, NULL) && !rules_apply_overrides(r->hub->db, set, NULL))
		cols = json_incref(json_object_get(rules_figure(set, "signature_columns"), "value"));
	json_decref(set);
	return cols;
}

/* The petition's text: its draft rendered (preview: fields still empty are left out) as blocks. */
static void petition_text(struct req *r, json_t *ctx, json_t *p)
{
	long long draft = json_integer_value(json_object_get(p, "draft_id"));
	struct doc *d = NULL;
	struct err e = ERR_INIT;
	if (!draft || draft_render(r->hub->db, r->web->overrides, draft, 0, 1, &d, &e))
		return;
	json_t *blocks = json_array();
	struct buf text = BUF_INIT;
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct doc_block *b = &d->blocks[i];
		buf_reset(&text);
		doc_block_text(b, &text);
		if (!text.len)
			continue;
		const char *kind = b->type == DOC_HEADING ? "heading" : b->type == DOC_QUOTE ? "quote"
		                 : b->type == DOC_BULLET || b->type == DOC_NUMBERED ? "item"
		                                                                      : "paragraph";
		json_array_append_new(blocks, json_pack("{s:s%, s:b}", "text", text.data, text.len, kind, 1));
	}
	buf_release(&text);
	json_object_set_new(ctx, "doc", json_pack("{s:s, s:s, s:o}", "lang", d->lang, "dir", d->rtl ? "rtl" : "ltr",
	                                          "blocks", blocks));
	doc_free(d);
}

/* Adds an error to the summary and remembers it for its field (errs: field -> message). */
static void add_error(json_t *ctx, json_t *errs, const char *field, const char *message)
{
	json_t *a = json_object_get(ctx, "errors");
	if (!a) {
		a = json_array();
		json_object_set_new(ctx, "errors", a);
	}
	json_array_append_new(a, json_pack("{s:s, s:s}", "field", field, "message", message));
	if (!json_object_get(errs, field))
		json_object_set_new(errs, field, json_string(message));
}

/* The signing page; values (may be NULL) are what was typed, errs the messages per field. */
static int sign_page(struct req *r, int status, json_t *ctx, json_t *p, json_t *errs)
{
	char key[48];
	json_t *fields = json_array();
	json_t *cols = signature_columns(r, jstr(p, "rule"));
	size_t i;
	json_t *c;
	json_array_foreach(cols, i, c) {
		const struct column *col = column_named(json_string_value(c) ? json_string_value(c) : "");
		if (!col)
			continue;
		json_t *f = json_pack("{s:s, s:s, s:b, s:b, s:b}", "name", col->field, "autocomplete", col->autocomplete,
		                      "ltr", col->ltr, "optional", col->optional, "cin", !strcmp(col->field, "cin"));
		snprintf(key, sizeof(key), "sign_%s", col->field);
		json_object_set_new(f, "label", json_string(T(r, key)));
		snprintf(key, sizeof(key), "sign_%s_hint", col->field);
		json_object_set_new(f, "hint", json_string(T(r, key)));
		const char *v = req_field(r, col->field);
		json_object_set_new(f, "value", json_string(v && strcmp(r->method, "GET") ? v : ""));
		json_t *err = json_object_get(errs, col->field);
		if (err)
			json_object_set(f, "error", err);
		if (!strcmp(col->field, "commune") && json_object_get(ctx, "choices"))
			json_object_set(f, "choices", json_object_get(ctx, "choices"));
		json_array_append_new(fields, f);
	}
	json_decref(cols);
	json_object_set_new(ctx, "fields", fields);
	json_object_set(ctx, "consent_error", json_object_get(errs, "consent"));
	json_object_set_new(ctx, "consent_checked", json_boolean(req_field(r, "consent") != NULL));
	json_object_set_new(ctx, "key", json_string(req_param(r, 0)));
	json_object_set_new(ctx, "petition_title", json_string(jstr(p, "title")));
	json_t *terr = json_object_get(p, "territory");
	if (terr) {
		char *to = page_format(r, "sign_to_council", "name",
		                       jstr(terr, strcmp(r->lang, "ar") ? "name_fr" : "name_ar"));
		json_object_set_new(ctx, "council", json_string(to));
		free(to);
	}
	if (json_is_string(json_object_get(p, "association")))
		json_object_set(ctx, "association", json_object_get(p, "association"));
	petition_text(r, ctx, p);
	json_object_set_new(ctx, "title", json_string(jstr(p, "title")));
	json_decref(errs);
	return render_page(r, status, "sign", NULL, ctx);
}

int page_sign(struct req *r)
{
	long long id;
	json_t *p;
	int rc = 0;
	if (load(r, 1, &id, &p, &rc))
		return rc;
	rc = sign_page(r, 200, json_object(), p, json_object());
	json_decref(p);
	return rc;
}

/* A 429 with the minutes to wait, as a page carrying the signing form or the withdrawal form. */
static char *wait_message(struct req *r, const char *key, long wait, int *status)
{
	char minutes[24], retry[24];
	snprintf(minutes, sizeof(minutes), "%ld", (wait + 59) / 60);
	snprintf(retry, sizeof(retry), "%ld", wait);
	resp_header(r, "Retry-After", retry);
	*status = 429;
	return page_format(r, key, "minutes", minutes);
}

/* Maps petition_sign()'s refusals to the field they name; messages never hold personal data. */
static const char *refused_field(const struct err *e)
{
	if (!strncmp(e->msg, "cin", 3))
		return "cin";
	if (!strncmp(e->msg, "commune_code", 12))
		return "commune";
	if (!strncmp(e->msg, "first_name", 10))
		return "first_name";
	if (!strncmp(e->msg, "last_name", 9))
		return "last_name";
	if (!strncmp(e->msg, "address", 7))
		return "address";
	if (!strncmp(e->msg, "contact", 7))
		return "contact";
	return NULL;
}

int page_sign_post(struct req *r)
{
	long long id;
	json_t *p;
	int rc = 0;
	if (load(r, 1, &id, &p, &rc))
		return rc;
	json_t *ctx = json_object(), *errs = json_object();
	int status = 400;
	long wait = throttle(&sign_throttle, r->ip, sign_limit(), 0);
	if (wait) {
		char *m = wait_message(r, "sign_throttled", wait, &status);
		json_object_set_new(ctx, "notice", json_string(m));
		free(m);
		rc = sign_page(r, status, ctx, p, errs);
		goto done;
	}

	/* The form: consent first, then each column the rule set asks for. */
	if (!req_field(r, "consent"))
		add_error(ctx, errs, "consent", T(r, "sign_error_consent"));
	json_t *cols = signature_columns(r, jstr(p, "rule"));
	const char *value[sizeof(columns) / sizeof(columns[0])] = {0};
	size_t i;
	json_t *c;
	json_array_foreach(cols, i, c) {
		const struct column *col = column_named(json_string_value(c) ? json_string_value(c) : "");
		if (!col)
			continue;
		const char *v = req_field(r, col->field);
		while (v && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n'))
			v++;
		value[col - columns] = v && *v ? v : NULL;
		if (!value[col - columns] && !col->optional) {
			add_error(ctx, errs, col->field, T(r, "sign_error_required"));
			continue;
		}
		char cin[CIN_MAX];
		if (!strcmp(col->field, "cin") && cin_normalise(v, cin, NULL))
			add_error(ctx, errs, "cin", T(r, "sign_error_cin"));
	}
	json_decref(cols);
	/* The commune: a choice among namesakes, else what was typed. */
	char code[24] = "";
	const char *commune = value[4];
	const char *chosen = req_field(r, "commune_code");
	if (commune && !json_object_get(errs, "commune")) {
		struct territory *t = NULL;
		size_t n = 0;
		struct err e = ERR_INIT;
		int cr = online_commune(r->hub->db, id, chosen && *chosen ? chosen : commune, code, &t, &n, &e);
		if (cr == ERR_EXISTS) {
			add_error(ctx, errs, "commune", T(r, "sign_error_commune_many"));
			json_t *choices = json_array();
			for (size_t k = 0; k < n; k++) {
				int ar = !strcmp(r->lang, "ar");
				char *label = xasprintf("%s (%s)", ar ? t[k].name_ar : t[k].name_fr,
				                        ar ? t[k].province_ar : t[k].province_fr);
				json_array_append_new(choices, json_pack("{s:s, s:s, s:s}", "code", t[k].code, "label",
				                                         label, "id", t[k].code));
				free(label);
			}
			json_object_set_new(ctx, "choices", choices);
		} else if (cr) {
			add_error(ctx, errs, "commune", T(r, "sign_error_commune"));
		}
		free(t);
	}
	if (json_object_get(ctx, "errors")) {
		rc = sign_page(r, 400, ctx, p, errs);
		goto done;
	}
	const struct vault *v = sign_vault(r);
	if (!v) {
		rc = -1;
		json_decref(ctx);
		json_decref(errs);
		goto done;
	}
	wait = throttle(&sign_throttle, r->ip, sign_limit(), 1);
	if (wait) {
		char *m = wait_message(r, "sign_throttled", wait, &status);
		json_object_set_new(ctx, "notice", json_string(m));
		free(m);
		rc = sign_page(r, status, ctx, p, errs);
		goto done;
	}
	struct petition_signer s = {value[0], value[1], value[2], value[3], code, value[5]};
	long long sig = 0, dup = 0;
	struct err e = ERR_INIT;
	int sr = petition_sign(r->hub->db, v, id, &s, "online", 0, 0, &sig, &dup, NULL, &e);
	const char *field = sr == ERR_USAGE ? refused_field(&e) : NULL;
	if (field) {
		add_error(ctx, errs, field,
		          T(r, !strcmp(field, "cin")       ? "sign_error_cin"
		               : !strcmp(field, "commune") ? "sign_error_commune_outside"
		                                           : "sign_error_required"));
		rc = sign_page(r, 400, ctx, p, errs);
		goto done;
	}
	if (sr) {
		json_decref(ctx);
		json_decref(errs);
		if (sr == ERR_USAGE || sr == ERR_NOTFOUND) {
			rc = resp_error(r, 404, "error_not_found"); /* it stopped taking signatures meanwhile */
			goto done;
		}
		/* the core's messages never repeat what the signatory typed */
		fprintf(stderr, "asurif: an online signature of petition %lld: %s\n", id, e.msg);
		rc = -1;
		goto done;
	}
	/* The signature is committed: now, and only now, the confirmation. */
	char wcode[ONLINE_CODE_MAX];
	if (online_set_withdrawal(r->hub->db, v, id, sig, wcode, &e)) {
		fprintf(stderr, "asurif: signature %lld of petition %lld: %s\n", sig, id, e.msg);
		json_decref(ctx);
		json_decref(errs);
		rc = -1;
		goto done;
	}
	json_decref(errs);
	json_object_set_new(ctx, "code", json_string(wcode));
	json_object_set_new(ctx, "duplicate", json_boolean(dup != 0));
	json_object_set_new(ctx, "key", json_string(req_param(r, 0)));
	json_object_set_new(ctx, "petition_title", json_string(jstr(p, "title")));
	rc = render_page(r, 200, "sign_done", "sign_done_title", ctx);
done:
	json_decref(p);
	return rc;
}

/* ---- withdrawing ---- */

static int withdraw_page(struct req *r, int status, json_t *ctx, json_t *p)
{
	json_object_set_new(ctx, "key", json_string(req_param(r, 0)));
	json_object_set_new(ctx, "petition_title", json_string(jstr(p, "title")));
	return render_page(r, status, "sign_withdraw", "sign_withdraw_title", ctx);
}

int page_sign_withdraw(struct req *r)
{
	long long id;
	json_t *p;
	int rc = 0;
	if (load(r, 0, &id, &p, &rc))
		return rc;
	rc = withdraw_page(r, 200, json_object(), p);
	json_decref(p);
	return rc;
}

int page_sign_withdraw_post(struct req *r)
{
	long long id;
	json_t *p;
	int rc = 0;
	if (load(r, 0, &id, &p, &rc))
		return rc;
	json_t *ctx = json_object();
	int status = 400;
	long wait = throttle(&withdraw_throttle, r->ip, WITHDRAW_LIMIT, 0);
	if (wait) {
		char *m = wait_message(r, "sign_withdraw_throttled", wait, &status);
		page_add_error(ctx, "code", m);
		free(m);
		rc = withdraw_page(r, status, ctx, p);
		goto done;
	}
	const struct vault *v = sign_vault(r);
	if (!v) {
		json_decref(ctx);
		rc = -1;
		goto done;
	}
	struct err e = ERR_INIT;
	int wr = online_withdraw(r->hub->db, v, id, req_field(r, "code"), &e);
	if (wr == ERR_NOTFOUND || wr == ERR_EXISTS || wr == ERR_USAGE) {
		throttle(&withdraw_throttle, r->ip, WITHDRAW_LIMIT, 1);
		page_add_error(ctx, "code", T(r, "sign_withdraw_wrong"));
		rc = withdraw_page(r, 400, ctx, p);
		goto done;
	}
	if (wr) {
		fprintf(stderr, "asurif: withdrawing an online signature of petition %lld: %s\n", id, e.msg);
		json_decref(ctx);
		rc = -1;
		goto done;
	}
	json_object_set_new(ctx, "withdrawn", json_true());
	rc = withdraw_page(r, 200, ctx, p);
done:
	json_decref(p);
	return rc;
}

/* ---- the QR code of the page, for flyers ---- */

char *page_sign_url(struct req *r, const char *key)
{
	const char *host = req_header(r, "Host");
	int ok = host && *host && strlen(host) < 256;
	for (const char *h = host; ok && *h; h++)
		ok = (*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') || (*h >= '0' && *h <= '9') || strchr(".-:[]", *h);
	return xasprintf("%s://%s/p/%s", r->web->secure_cookies ? "https" : "http", ok ? host : "127.0.0.1:8080", key);
}

static int qr(struct req *r, int png)
{
	json_t *p = NULL;
	struct err e = ERR_INIT;
	long long id = page_id(r);
	if (!id || petition_json_brief(r->hub->db, id, &p, &e))
		return resp_error(r, 404, "error_not_found");
	char *url = page_sign_url(r, jstr(p, "public_key"));
	struct buf out = BUF_INIT;
	int rc;
	if (png) {
		rc = qr_png(url, &out, &e);
	} else {
		char *title = page_format(r, "sign_qr_title", "title", jstr(p, "title"));
		rc = qr_svg(url, title, &out, &e);
		free(title);
	}
	if (rc) {
		fprintf(stderr, "asurif: QR code of petition %lld: %s\n", id, e.msg);
		rc = -1;
	} else {
		char *disp = xasprintf("inline; filename=\"petition-%lld-qr.%s\"", id, png ? "png" : "svg");
		resp_header(r, "Content-Disposition", disp);
		free(disp);
		rc = resp_text(r, 200, png ? "image/png" : "image/svg+xml; charset=utf-8", out.data ? out.data : "",
		               out.len);
	}
	buf_release(&out);
	free(url);
	json_decref(p);
	return rc;
}

int page_petition_qr_svg(struct req *r)
{
	return qr(r, 0);
}

int page_petition_qr_png(struct req *r)
{
	return qr(r, 1);
}
