/* Commands of the web application and of people: serve, user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "account/account.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "web/web.h"
#include "base/banned.h"

/* ---- serve ---- */

static void ready(void *ctx, const char *url, const char *secret)
{
	(void)ctx;
	printf("Asurif is running at %s\n", url);
	if (secret)
		printf("To create the first administrator, open %ssetup and give this one-time code: %s\n", url, secret);
	printf("Stop it with Ctrl+C.\n");
	fflush(stdout);
}

int cmd_serve(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("serve", argc, argv, ALLOW(O(OPT_LISTEN), O(OPT_MAXUPLOAD), O(OPT_THREADS)), &a);
	if (r)
		return r;
	if (a.argc > 1)
		return cli_usage_error("serve", "unexpected argument \"%s\"", argv[1]);
	char *dir = hub_default_dir(a.ws);
	struct web_config cfg = {dir, a.listen, (size_t)a.max_upload_mb << 20, (int)a.threads, 0, 0, 0, ready, NULL};
	struct err e = ERR_INIT;
	r = web_serve(&cfg, &e);
	free(dir);
	if (r)
		return cli_error(&e);
	printf("Asurif stopped.\n");
	return EXIT_OK;
}

/* ---- user ---- */

/* Reads a password: twice without echo on a terminal, one line from a pipe otherwise. */
static char *read_password(const char *prompt)
{
	char *line = NULL, *again = NULL;
	size_t cap = 0, cap2 = 0;
	ssize_t n;
	if (!isatty(STDIN_FILENO)) {
		n = getline(&line, &cap, stdin);
		if (n < 0) {
			free(line);
			return NULL;
		}
		line[strcspn(line, "\r\n")] = '\0';
		return line;
	}
	struct termios old, quiet;
	tcgetattr(STDIN_FILENO, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	fprintf(stderr, "%s: ", prompt);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	n = getline(&line, &cap, stdin);
	fprintf(stderr, "\nAgain: ");
	ssize_t m = n >= 0 ? getline(&again, &cap2, stdin) : -1;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fprintf(stderr, "\n");
	if (n < 0 || m < 0) {
		free(line);
		free(again);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	again[strcspn(again, "\r\n")] = '\0';
	int same = !strcmp(line, again);
	free(again);
	if (!same) {
		fprintf(stderr, "asurif: the two passwords are different\n");
		free(line);
		return NULL;
	}
	return line;
}

static int user_usage(void)
{
	return cli_usage_error("user", "say what to do: add LOGIN --role ROLE [--name NAME] [--org ORGANISATION], "
				       "list, passwd LOGIN, disable LOGIN [--enable], role LOGIN ROLE, "
				       "org LOGIN [ORGANISATION]");
}

int cmd_user(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("user", argc, argv, ALLOW(O(OPT_JSON), O(OPT_ROLE), O(OPT_NAME), O(OPT_ENABLE), O(OPT_ORG)), &a);
	if (r)
		return r;
	argc = a.argc;
	if (argc < 2)
		return user_usage();
	const char *what = argv[1];
	struct hub *h = NULL;
	struct err e = ERR_INIT;
	struct user u;
	if ((r = cli_open_hub(a.ws, &h)))
		return r;
	r = EXIT_OK;
	if (!strcmp(what, "list") && argc == 2) {
		struct user *v = NULL;
		size_t n = 0;
		if (account_user_list(h->db, &v, &n, &e)) {
			r = cli_error(&e);
		} else if (a.json) {
			json_t *arr = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "id",
								     (json_int_t)v[i].id, "login", v[i].login, "name",
								     v[i].name, "role", role_name(v[i].role), "lang",
								     v[i].lang, "disabled", v[i].disabled, "created_at",
								     v[i].created_at, "org", v[i].org));
			cli_print_json(json_pack("{s:o}", "users", arr));
		} else {
			if (!n)
				printf("Nobody yet. Add an administrator with: asurif user add LOGIN --role admin\n");
			for (size_t i = 0; i < n; i++)
				printf("%-20s %-12s %-8s %s%s%s%s\n", v[i].login, role_name(v[i].role), v[i].lang,
				       v[i].name, v[i].org[0] ? " — " : "", v[i].org, v[i].disabled ? "  (disabled)" : "");
		}
		free(v);
	} else if (!strcmp(what, "add") && argc == 3) {
		enum role role = role_parse(a.role);
		char *pw = NULL;
		if (role == ROLE_NONE) {
			r = cli_usage_error("user", "--role must be admin, coordinator, member or viewer");
		} else if (account_login_valid(argv[2], &e)) {
			r = cli_usage_error("user", "%s", e.msg);
		} else if (!(pw = read_password("Password"))) {
			r = cli_usage_error("user", "no password was given (type it, or send it on standard input)");
		} else if (account_user_add(h->db, argv[2], a.name, role, pw, &u, &e) ||
			   (a.org && account_user_set_org(h->db, u.id, a.org, &e))) {
			r = cli_error(&e);
		} else {
			account_audit(h->db, NULL, "command line", "user-add", u.login, role_name(role));
			printf("%s can now sign in, as %s.\n", u.login, role_name(role));
		}
		free(pw);
	} else if (!strcmp(what, "passwd") && argc == 3) {
		char *pw = NULL;
		if (account_user_find(h->db, argv[2], &u, &e)) {
			r = cli_error(&e);
		} else if (!(pw = read_password("New password"))) {
			r = cli_usage_error("user", "no password was given");
		} else if (account_user_passwd(h->db, u.id, pw, &e)) {
			r = cli_error(&e);
		} else {
			account_audit(h->db, NULL, "command line", "password", u.login, NULL);
			printf("The password of %s was changed; their sessions were closed.\n", u.login);
		}
		free(pw);
	} else if (!strcmp(what, "disable") && argc == 3) {
		if (account_user_find(h->db, argv[2], &u, &e) || account_user_disable(h->db, u.id, !a.enable, &e)) {
			r = cli_error(&e);
		} else {
			account_audit(h->db, NULL, "command line", a.enable ? "user-enable" : "user-disable", u.login, NULL);
			printf(a.enable ? "%s can sign in again.\n" : "%s can no longer sign in.\n", u.login);
		}
	} else if (!strcmp(what, "org") && (argc == 3 || argc == 4)) {
		if (account_user_find(h->db, argv[2], &u, &e) ||
		    account_user_set_org(h->db, u.id, argc == 4 ? argv[3] : NULL, &e))
			r = cli_error(&e);
		else if (argc == 4)
			printf("%s belongs to %s.\n", u.login, argv[3]);
		else
			printf("%s belongs to no organisation.\n", u.login);
	} else if (!strcmp(what, "role") && argc == 4) {
		enum role role = role_parse(argv[3]);
		if (role == ROLE_NONE)
			r = cli_usage_error("user", "the role must be admin, coordinator, member or viewer");
		else if (account_user_find(h->db, argv[2], &u, &e) || account_user_set_role(h->db, u.id, role, &e))
			r = cli_error(&e);
		else {
			account_audit(h->db, NULL, "command line", "role", u.login, role_name(role));
			printf("%s is now %s.\n", u.login, role_name(role));
		}
	} else {
		r = user_usage();
	}
	hub_close(h);
	return r;
}
