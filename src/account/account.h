/*
 * People and what they may do: users with roles, passwords (argon2id), sessions,
 * keys for other programs (API tokens), the one-time code that creates the first
 * administrator, slowing down password guessing, and the activity log.
 * Knows tables and rules, not screens: used by the web pages and the command line.
 */
#ifndef ACCOUNT_ACCOUNT_H
#define ACCOUNT_ACCOUNT_H
#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"

enum role { ROLE_NONE = 0, ROLE_VIEWER = 1, ROLE_MEMBER = 2, ROLE_COORDINATOR = 3, ROLE_ADMIN = 4 };

const char *role_name(enum role r); /* "admin"... ; "" for ROLE_NONE */
enum role role_parse(const char *s); /* ROLE_NONE if unknown */

struct user {
	long long id;
	char login[64];
	char name[128];
	enum role role;
	char lang[8];
	int disabled;
	char created_at[24];
	char org[128]; /* the person's organisation, "" when none */
};

#define PASSWORD_MIN 10
#define LOGIN_MAX 63

enum {
	ERR_THROTTLED = -40, /* too many failed attempts: wait */
	ERR_DENIED = -41,    /* wrong password, unknown or disabled account */
};

/* Checks a login: 2 to 63 letters, digits, '.', '-', '_' (ERR_USAGE with a message). */
int account_login_valid(const char *login, struct err *e);
/* Checks a password: at least PASSWORD_MIN characters, valid UTF-8. */
int account_password_valid(const char *password, struct err *e);

int account_user_add(sqlite3 *db, const char *login, const char *name, enum role role, const char *password,
		     struct user *out, struct err *e);
int account_user_get(sqlite3 *db, long long id, struct user *out, struct err *e);
int account_user_find(sqlite3 *db, const char *login, struct user *out, struct err *e);
/* Every user, by login. Caller frees *out. */
int account_user_list(sqlite3 *db, struct user **out, size_t *n, struct err *e);
int account_user_passwd(sqlite3 *db, long long id, const char *password, struct err *e);
/* Disabling also ends the user's sessions and keys. */
int account_user_disable(sqlite3 *db, long long id, int disabled, struct err *e);
int account_user_set_role(sqlite3 *db, long long id, enum role role, struct err *e);
int account_user_set_lang(sqlite3 *db, long long id, const char *lang, struct err *e);
/* Puts the person in the organisation called name (made if new); NULL or "" takes them out. */
int account_user_set_org(sqlite3 *db, long long id, const char *name, struct err *e);
/* Number of active administrators. */
long long account_admin_count(sqlite3 *db);

/*
 * Checks a login and password from address ip. ERR_THROTTLED (with *retry_after
 * seconds) after 5 failures for the account or 20 for the address within 15
 * minutes; ERR_DENIED for a wrong password or an unknown or disabled account
 * (the same message for all three). Failures and successes go to the activity log.
 */
int account_signin(sqlite3 *db, const char *login, const char *password, const char *ip, struct user *out,
		   int *retry_after, struct err *e);

/* ---- sessions ---- */

#define SESSION_IDLE (2 * 3600)      /* seconds without a request */
#define SESSION_ABSOLUTE (12 * 3600) /* seconds since sign-in */
#define TOKEN_CHARS 44               /* length of a session token or CSRF token as text */

/* A new session for the user; token and csrf receive fresh random text. */
int account_session_new(sqlite3 *db, long long user_id, const char *ip, char token[TOKEN_CHARS + 1],
			char csrf[TOKEN_CHARS + 1], struct err *e);
/* The user and CSRF token of a live session; ERR_NOTFOUND when unknown or expired. */
int account_session_get(sqlite3 *db, const char *token, struct user *out, char csrf[TOKEN_CHARS + 1], struct err *e);
int account_session_end(sqlite3 *db, const char *token);

/* ---- keys for other programs ---- */

struct api_token {
	long long id;
	char name[128];
	char created_at[24];
	char last_used[24];
	int revoked;
};

/* A new key; *plain receives it (shown once; caller frees). */
int account_token_new(sqlite3 *db, long long user_id, const char *name, char **plain, struct err *e);
int account_token_user(sqlite3 *db, const char *plain, struct user *out, struct err *e);
int account_token_list(sqlite3 *db, long long user_id, struct api_token **out, size_t *n, struct err *e);
int account_token_revoke(sqlite3 *db, long long user_id, long long token_id, struct err *e);

/* ---- the first administrator ---- */

/*
 * When there is no administrator yet: makes a new one-time code (caller frees) and
 * keeps only its hash. Returns 0 with *secret NULL when an administrator exists.
 */
int account_setup_secret(sqlite3 *db, char **secret, struct err *e);
/* Creates the first administrator if secret is the current one-time code. */
int account_setup_claim(sqlite3 *db, const char *secret, const char *login, const char *name, const char *password,
			struct user *out, struct err *e);

/* ---- the activity log ---- */

struct audit_entry {
	long long id;
	char at[24];
	char login[64];
	char ip[64];
	char action[32];
	char target[256];
	char detail[256];
};

void account_audit(sqlite3 *db, const struct user *who, const char *ip, const char *action, const char *target,
		   const char *detail);
int account_audit_list(sqlite3 *db, int limit, int offset, struct audit_entry **out, size_t *n, long long *total,
		       struct err *e);
#endif
