/* Signing in and out, creating the first administrator, choosing the language, static files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "hub/hub.h"
#include "store/db.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

/* Where to go after signing in: a path of this site given by the sign-in form, else home. */
static const char *next_path(struct req *r)
{
	const char *n = req_field(r, "next");
	if (!n)
		n = req_query(r, "next");
	return (n && n[0] == '/' && n[1] != '/' && strncmp(n, "/signin", 7) && strncmp(n, "/signout", 8)) ? n : "/";
}

static int signin_form(struct req *r, int status, const char *error, const char *login)
{
	json_t *ctx = json_pack("{s:s, s:s}", "next", next_path(r), "login", login ? login : "");
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	char *secret_needed = db_meta_get(r->hub->db, "setup_secret");
	json_object_set_new(ctx, "setup", json_boolean(secret_needed != NULL));
	free(secret_needed);
	return render_page(r, status, "signin", "signin_title", ctx);
}

int page_signin(struct req *r)
{
	if (r->user.role != ROLE_NONE)
		return resp_redirect(r, "/");
	return signin_form(r, 200, NULL, NULL);
}

static void start_session(struct req *r, const struct user *u)
{
	char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
	struct err e = ERR_INIT;
	if (account_session_new(r->hub->db, u->id, r->ip, token, csrf, &e) == 0)
		resp_cookie(r, "asurif_session", token, SESSION_ABSOLUTE);
	resp_cookie(r, "asurif_lang", u->lang, 365L * 24 * 3600);
}

int page_signin_post(struct req *r)
{
	const char *login = req_field(r, "login"), *password = req_field(r, "password");
	struct user u;
	struct err e = ERR_INIT;
	int retry = 0;
	int rc = account_signin(r->hub->db, login, password, r->ip, &u, &retry, &e);
	if (rc == ERR_THROTTLED) {
		char minutes[16];
		snprintf(minutes, sizeof(minutes), "%d", (retry + 59) / 60);
		struct buf msg = BUF_INIT;
		const char *names[] = {"minutes"}, *values[] = {minutes};
		i18n_format(T(r, "signin_throttled"), names, values, 1, &msg);
		char retry_s[16];
		snprintf(retry_s, sizeof(retry_s), "%d", retry);
		resp_header(r, "Retry-After", retry_s);
		int out = signin_form(r, 429, buf_str(&msg), login);
		buf_release(&msg);
		return out;
	}
	if (rc)
		return signin_form(r, 401, T(r, "signin_failed"), login);
	start_session(r, &u);
	return resp_redirect(r, next_path(r));
}

int page_signout(struct req *r)
{
	account_session_end(r->hub->db, r->session);
	account_audit(r->hub->db, &r->user, r->ip, "signout", NULL, NULL);
	resp_cookie(r, "asurif_session", "", 0);
	return resp_redirect(r, "/signin");
}

static int setup_open(struct req *r)
{
	char *s = db_meta_get(r->hub->db, "setup_secret");
	int open = s != NULL && account_admin_count(r->hub->db) == 0;
	free(s);
	return open;
}

static int setup_form(struct req *r, int status, const char *error, const char *login, const char *name)
{
	json_t *ctx = json_pack("{s:s, s:s, s:i}", "login", login ? login : "", "name", name ? name : "", "min",
				PASSWORD_MIN);
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	return render_page(r, status, "setup", "setup_title", ctx);
}

int page_setup(struct req *r)
{
	if (!setup_open(r))
		return resp_redirect(r, "/signin");
	return setup_form(r, 200, NULL, NULL, NULL);
}

int page_setup_post(struct req *r)
{
	if (!setup_open(r))
		return resp_redirect(r, "/signin");
	const char *secret = req_field(r, "secret"), *login = req_field(r, "login"), *name = req_field(r, "name");
	const char *p1 = req_field(r, "password"), *p2 = req_field(r, "password2");
	struct err e = ERR_INIT;
	struct user u;
	if (!p1 || !p2 || strcmp(p1, p2))
		return setup_form(r, 400, T(r, "password_mismatch"), login, name);
	if (account_password_valid(p1, &e)) {
		char n[16];
		snprintf(n, sizeof(n), "%d", PASSWORD_MIN);
		struct buf msg = BUF_INIT;
		const char *names[] = {"n"}, *values[] = {n};
		i18n_format(T(r, "password_too_short"), names, values, 1, &msg);
		int out = setup_form(r, 400, buf_str(&msg), login, name);
		buf_release(&msg);
		return out;
	}
	if (account_login_valid(login, &e))
		return setup_form(r, 400, e.msg, login, name);
	if (account_setup_claim(r->hub->db, secret, login, name, p1, &u, &e))
		return setup_form(r, 403, e.code == ERR_DENIED ? T(r, "setup_secret_wrong") : e.msg, login, name);
	u.lang[0] = '\0';
	snprintf(u.lang, sizeof(u.lang), "%s", r->lang);
	account_user_set_lang(r->hub->db, u.id, r->lang, &e);
	start_session(r, &u);
	return resp_redirect(r, "/");
}

int page_language(struct req *r)
{
	const char *lang = req_field(r, "lang");
	if (!lang || !i18n_language_name(lang))
		return resp_error(r, 400, "error_bad_request");
	resp_cookie(r, "asurif_lang", lang, 365L * 24 * 3600);
	if (r->user.role != ROLE_NONE) {
		struct err e = ERR_INIT;
		account_user_set_lang(r->hub->db, r->user.id, lang, &e);
	}
	const char *back = req_field(r, "back");
	return resp_redirect(r, back ? back : "/");
}

int page_static(struct req *r)
{
	const struct asset *a = web_asset(r->web, r->path);
	if (!a)
		return resp_error(r, 404, "error_not_found");
	r->cacheable = 1;
	return resp_text(r, 200, a->ctype, a->data, a->size);
}

int page_health(struct req *r)
{
	return resp_json(r, 200, json_pack("{s:s}", "status", "ok"));
}
