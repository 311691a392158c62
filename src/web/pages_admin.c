/*
 * A person's own settings (language, keys for other programs, password) and the
 * administration: people and their roles, the activity log. The rules are the account
 * module's (account/account.h); one more is kept here: the hub never loses its last
 * administrator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "hub/hub.h"
#include "store/db.h"
#include "web/internal.h"
#include "web/pages.h"
#include "base/banned.h"

#define AUDIT_PER_PAGE 50

static char *password_too_short(struct req *r)
{
	char n[16];
	snprintf(n, sizeof(n), "%d", PASSWORD_MIN);
	return page_format(r, "password_too_short", "n", n);
}

static const char *role_label(struct req *r, enum role role)
{
	char key[32];
	snprintf(key, sizeof(key), "role_%s", role_name(role));
	return T(r, key);
}

static json_t *role_options(struct req *r, enum role current)
{
	json_t *a = json_array();
	for (enum role x = ROLE_VIEWER; x <= ROLE_ADMIN; x++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", role_name(x), "label", role_label(r, x),
		                                   "selected", x == current));
	return a;
}

/* ---- settings ---- */

static int settings_page(struct req *r, int status, json_t *ctx)
{
	struct api_token *tokens = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;
	account_token_list(r->hub->db, r->user.id, &tokens, &n, &e);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		if (tokens[i].revoked)
			continue;
		json_array_append_new(list, json_pack("{s:I, s:s, s:s%, s:s%}", "id", (json_int_t)tokens[i].id, "name",
		                                      tokens[i].name, "created", tokens[i].created_at,
		                                      strnlen(tokens[i].created_at, 10), "last_used",
		                                      tokens[i].last_used, strnlen(tokens[i].last_used, 10)));
	}
	free(tokens);
	json_object_set_new(ctx, "tokens", list);
	json_object_set_new(ctx, "role", json_string(role_label(r, r->user.role)));
	json_object_set_new(ctx, "min", json_integer(PASSWORD_MIN));
	return render_page(r, status, "settings", "settings_title", ctx);
}

int page_settings(struct req *r)
{
	return settings_page(r, 200, page_ctx("nav_settings"));
}

int page_settings_token_new(struct req *r)
{
	const char *name = req_field(r, "name");
	json_t *ctx = page_ctx("nav_settings");
	struct err e = ERR_INIT;
	char *plain = NULL;
	if (!name || !*name || account_token_new(r->hub->db, r->user.id, name, &plain, &e)) {
		page_add_error(ctx, "token_name", T(r, "settings_token_name_error"));
		json_object_set_new(ctx, "token_name", json_string(name ? name : ""));
		return settings_page(r, 400, ctx);
	}
	account_audit(r->hub->db, &r->user, r->ip, "token-new", r->user.login, name);
	/* shown once, on this page only; the database keeps its hash */
	json_object_set_new(ctx, "new_token", json_string(plain));
	free(plain);
	return settings_page(r, 200, ctx);
}

int page_settings_token_revoke(struct req *r)
{
	long long id = page_id(r);
	struct err e = ERR_INIT;
	if (!id || account_token_revoke(r->hub->db, r->user.id, id, &e))
		return resp_error(r, 404, "error_not_found");
	char target[32];
	snprintf(target, sizeof(target), "key %lld", id);
	account_audit(r->hub->db, &r->user, r->ip, "token-revoke", target, NULL);
	r->flash = xstrdup("settings_token_revoked");
	return resp_redirect(r, "/settings");
}

int page_settings_password(struct req *r)
{
	const char *current = req_field(r, "current"), *p1 = req_field(r, "password"), *p2 = req_field(r, "password2");
	json_t *ctx = page_ctx("nav_settings");
	struct err e = ERR_INIT;
	if (!current || !*current)
		page_add_error(ctx, "current", T(r, "field_required"));
	if (!p1 || account_password_valid(p1, &e)) {
		char *msg = password_too_short(r);
		page_add_error(ctx, "password", msg);
		free(msg);
	} else if (!p2 || strcmp(p1, p2)) {
		page_add_error(ctx, "password2", T(r, "password_mismatch"));
	}
	if (json_object_get(ctx, "errors"))
		return settings_page(r, 400, ctx);
	/* The current password is checked as a sign-in is, so guessing it is slowed down the same way. */
	struct user u;
	int retry = 0;
	int rc = account_signin(r->hub->db, r->user.login, current, r->ip, &u, &retry, &e);
	if (rc == ERR_THROTTLED) {
		char minutes[16];
		snprintf(minutes, sizeof(minutes), "%d", (retry + 59) / 60);
		char *msg = page_format(r, "signin_throttled", "minutes", minutes);
		page_add_error(ctx, "current", msg);
		free(msg);
		return settings_page(r, 429, ctx);
	}
	if (rc) {
		page_add_error(ctx, "current", T(r, "password_wrong"));
		return settings_page(r, 400, ctx);
	}
	if (account_user_passwd(r->hub->db, r->user.id, p1, &e)) {
		json_decref(ctx);
		fprintf(stderr, "asurif: password: %s\n", e.msg);
		return -1;
	}
	json_decref(ctx);
	account_audit(r->hub->db, &r->user, r->ip, "password", r->user.login, NULL);
	/* A new password ends every session, this one too: open a fresh one for the person here. */
	char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
	if (account_session_new(r->hub->db, r->user.id, r->ip, token, csrf, &e) == 0)
		resp_cookie(r, "asurif_session", token, SESSION_ABSOLUTE);
	r->flash = xstrdup("password_changed");
	return resp_redirect(r, "/settings");
}

/* ---- people and roles ---- */

static int users_page(struct req *r, int status, json_t *ctx)
{
	json_object_set_new(ctx, "nav_users", json_true());
	struct user *users = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;
	if (account_user_list(r->hub->db, &users, &n, &e)) {
		json_decref(ctx);
		return -1;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct user *u = &users[i];
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:b, s:s%}", "id",
		                                      (json_int_t)u->id, "login", u->login, "name", u->name, "role",
		                                      role_label(r, u->role), "roles", role_options(r, u->role),
		                                      "disabled", u->disabled, "self", u->id == r->user.id, "created",
		                                      u->created_at, strnlen(u->created_at, 10)));
		if (u->org[0])
			json_object_set_new(json_array_get(list, json_array_size(list) - 1), "org", json_string(u->org));
	}
	free(users);
	json_object_set_new(ctx, "users", list);
	if (!json_object_get(ctx, "roles"))
		json_object_set_new(ctx, "roles", role_options(r, ROLE_MEMBER));
	json_object_set_new(ctx, "min", json_integer(PASSWORD_MIN));
	return render_page(r, status, "admin_users", "users_title", ctx);
}

int page_admin_users(struct req *r)
{
	return users_page(r, 200, page_ctx("nav_admin"));
}

int page_admin_user_add(struct req *r)
{
	const char *login = req_field(r, "login"), *name = req_field(r, "name"), *role = req_field(r, "role");
	const char *password = req_field(r, "password"), *org = req_field(r, "org");
	json_t *ctx = page_ctx("nav_admin");
	struct err e = ERR_INIT;
	enum role ro = role_parse(role ? role : "");
	if (!login || account_login_valid(login, &e))
		page_add_error(ctx, "login", T(r, "users_error_login"));
	if (ro == ROLE_NONE)
		page_add_error(ctx, "role", T(r, "users_error_role"));
	if (!password || account_password_valid(password, &e)) {
		char *msg = password_too_short(r);
		page_add_error(ctx, "password", msg);
		free(msg);
	}
	struct user u;
	if (org && (strlen(org) > 120 || (*org && !org[strspn(org, " ")])))
		page_add_error(ctx, "org", T(r, "users_error_org"));
	if (!json_object_get(ctx, "errors") && account_user_add(r->hub->db, login, name, ro, password, &u, &e)) {
		if (e.code == ERR_EXISTS)
			page_add_error(ctx, "login", T(r, "users_error_taken"));
		else if (e.code == ERR_USAGE)
			page_add_error(ctx, "name", T(r, "users_error_name"));
		else {
			json_decref(ctx);
			fprintf(stderr, "asurif: add user: %s\n", e.msg);
			return -1;
		}
	}
	if (json_object_get(ctx, "errors")) {
		json_object_set_new(ctx, "form", json_pack("{s:s, s:s, s:s}", "login", login ? login : "", "name",
		                                           name ? name : "", "org", org ? org : ""));
		json_object_set_new(ctx, "roles", role_options(r, ro == ROLE_NONE ? ROLE_MEMBER : ro));
		json_object_set_new(ctx, "add_open", json_true());
		return users_page(r, 400, ctx);
	}
	json_decref(ctx);
	if (org && *org)
		account_user_set_org(r->hub->db, u.id, org, &e);
	account_audit(r->hub->db, &r->user, r->ip, "user-add", u.login, role_name(u.role));
	r->flash = xstrdup("users_added");
	return resp_redirect(r, "/admin/users");
}

/*
 * Changes a person's role or state in one transaction with the count of administrators,
 * so two administrators removing each other at once cannot leave the hub without one.
 */
static int change_user(struct req *r, enum role role, int disable)
{
	long long id = page_id(r);
	struct user u;
	struct err e = ERR_INIT;
	if (!id)
		return resp_error(r, 404, "error_not_found");
	if (db_begin(r->hub->db, &e))
		return -1;
	if (account_user_get(r->hub->db, id, &u, &e)) {
		db_rollback(r->hub->db);
		return resp_error(r, 404, "error_not_found");
	}
	int loses_admin =
	    u.role == ROLE_ADMIN && !u.disabled && ((role != ROLE_NONE && role != ROLE_ADMIN) || disable > 0);
	if (loses_admin && account_admin_count(r->hub->db) <= 1) {
		db_rollback(r->hub->db);
		json_t *ctx = page_ctx("nav_admin");
		page_add_error(ctx, "users", T(r, "users_last_admin"));
		return users_page(r, 409, ctx);
	}
	int rc = role != ROLE_NONE ? account_user_set_role(r->hub->db, id, role, &e)
	                           : account_user_disable(r->hub->db, id, disable, &e);
	if (rc || db_commit(r->hub->db, &e)) {
		db_rollback(r->hub->db);
		fprintf(stderr, "asurif: user %lld: %s\n", id, e.msg);
		return -1;
	}
	if (role != ROLE_NONE)
		account_audit(r->hub->db, &r->user, r->ip, "role", u.login, role_name(role));
	else
		account_audit(r->hub->db, &r->user, r->ip, disable ? "user-disable" : "user-enable", u.login, NULL);
	r->flash = xstrdup("users_saved");
	return resp_redirect(r, "/admin/users");
}

int page_admin_user_role(struct req *r)
{
	enum role role = role_parse(req_field(r, "role") ? req_field(r, "role") : "");
	if (role == ROLE_NONE)
		return resp_error(r, 400, "error_bad_request");
	return change_user(r, role, 0);
}

int page_admin_user_disable(struct req *r)
{
	return change_user(r, ROLE_NONE, 1);
}

int page_admin_user_enable(struct req *r)
{
	return change_user(r, ROLE_NONE, 0);
}

/* ---- the activity log ---- */

/* What an action is called in the interface ("audit_action_user_add"), or the action itself. */
static const char *action_label(struct req *r, const char *action)
{
	char key[64];
	size_t k = (size_t)snprintf(key, sizeof(key), "audit_action_");
	for (const char *p = action; *p && k + 1 < sizeof(key); p++)
		key[k++] = *p == '-' ? '_' : *p;
	key[k] = '\0';
	const char *t = T(r, key);
	return strcmp(t, key) ? t : action;
}

int page_admin_audit(struct req *r)
{
	long long page = req_int(req_query(r, "page"), 1);
	if (page < 1)
		page = 1;
	if (page > 100000)
		page = 100000;
	struct audit_entry *v = NULL;
	size_t n = 0;
	long long total = 0;
	struct err e = ERR_INIT;
	if (account_audit_list(r->hub->db, AUDIT_PER_PAGE, (int)((page - 1) * AUDIT_PER_PAGE), &v, &n, &total, &e))
		return -1;
	json_t *ctx = page_ctx("nav_admin"), *list = json_array();
	json_object_set_new(ctx, "nav_audit", json_true());
	for (size_t i = 0; i < n; i++) {
		/* "2025-11-22T10:00:00Z" → "2025-11-22 10:00" */
		char at[24];
		snprintf(at, sizeof(at), "%.10s %.5s", v[i].at, strlen(v[i].at) > 11 ? v[i].at + 11 : "");
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "at", at, "who", v[i].login,
		                                      "what", action_label(r, v[i].action), "target", v[i].target,
		                                      "detail", v[i].detail, "ip", v[i].ip));
	}
	free(v);
	json_object_set_new(ctx, "entries", list);
	json_object_set_new(ctx, "empty", json_boolean(total == 0));
	page_pager(r, ctx, "/admin/audit?", page, (total + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE);
	return render_page(r, 200, "admin_audit", "audit_title", ctx);
}
