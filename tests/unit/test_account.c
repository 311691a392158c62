/* People, passwords, sessions, keys and the first administrator, on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account/account.h"
#include "store/db.h"

static char dir[] = "/tmp/asurif-account-XXXXXX";
static char path[256];

static int setup(void **state)
{
	sqlite3 *db = NULL;
	assert_int_equal(sodium_init() >= 0, 1);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/asurif.db", dir);
	assert_int_equal(db_open(path, 1, &db, NULL), 0);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	db_close(*state);
	unlink(path);
	char wal[300];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	rmdir(dir);
	return 0;
}

static void users_and_passwords(void **state)
{
	sqlite3 *db = *state;
	struct user u, v;
	struct err e = ERR_INIT;
	assert_int_equal(account_user_add(db, "amina", "Amina", ROLE_ADMIN, "short", &u, &e), ERR_USAGE);
	assert_int_equal(account_user_add(db, "a b", "x", ROLE_MEMBER, "long enough password", &u, &e), ERR_USAGE);
	assert_int_equal(account_user_add(db, "amina", "أمينة", ROLE_ADMIN, "a long password", &u, &e), 0);
	assert_string_equal(u.name, "أمينة");
	assert_int_equal(u.role, ROLE_ADMIN);
	assert_int_equal(account_user_add(db, "AMINA", "x", ROLE_MEMBER, "a long password", &v, &e), ERR_EXISTS);
	/* the stored password is an argon2id hash, never the password */
	sqlite3_stmt *st = db_prepare(db, "SELECT password FROM users WHERE login = 'amina'");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_true(strncmp(db_text(st, 0), "$argon2id$", 10) == 0);
	assert_null(strstr(db_text(st, 0), "a long password"));
	sqlite3_finalize(st);
	int retry = 0;
	assert_int_equal(account_signin(db, "amina", "a long password", "10.0.0.1", &v, &retry, &e), 0);
	assert_int_equal(v.id, u.id);
	assert_int_equal(account_signin(db, "amina", "wrong", "10.0.0.1", &v, &retry, &e), ERR_DENIED);
	assert_int_equal(account_signin(db, "nobody", "wrong", "10.0.0.1", &v, &retry, &e), ERR_DENIED);
	assert_int_equal(account_user_passwd(db, u.id, "another long password", &e), 0);
	assert_int_equal(account_signin(db, "amina", "another long password", "10.0.0.1", &v, &retry, &e), 0);
	assert_int_equal(account_user_disable(db, u.id, 1, &e), 0);
	assert_int_equal(account_signin(db, "amina", "another long password", "10.0.0.1", &v, &retry, &e), ERR_DENIED);
	assert_int_equal(account_user_disable(db, u.id, 0, &e), 0);
}

static void throttling(void **state)
{
	sqlite3 *db = *state;
	struct user u;
	struct err e = ERR_INIT;
	int retry = 0;
	assert_int_equal(account_user_add(db, "karim", "", ROLE_MEMBER, "karim's password", &u, &e), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(account_signin(db, "karim", "bad", "10.0.0.2", &u, &retry, &e), ERR_DENIED);
	assert_int_equal(account_signin(db, "karim", "karim's password", "10.0.0.2", &u, &retry, &e), ERR_THROTTLED);
	assert_true(retry > 0 && retry <= 15 * 60);
	/* per address too: 20 failures from one address block every account from it */
	for (int i = 0; i < 20; i++) {
		char who[32];
		snprintf(who, sizeof(who), "someone%d", i);
		account_signin(db, who, "bad", "10.0.0.3", &u, &retry, &e);
	}
	assert_int_equal(account_signin(db, "amina", "another long password", "10.0.0.3", &u, &retry, &e), ERR_THROTTLED);
	int rc = account_signin(db, "amina", "another long password", "10.0.0.4", &u, &retry, &e);
	if (rc)
		fprintf(stderr, "%s\n", e.msg);
	assert_int_equal(rc, 0);
}

static void sessions(void **state)
{
	sqlite3 *db = *state;
	struct user u, v;
	struct err e = ERR_INIT;
	char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1], csrf2[TOKEN_CHARS + 1];
	assert_int_equal(account_user_find(db, "amina", &u, &e), 0);
	assert_int_equal(account_session_new(db, u.id, "10.0.0.1", token, csrf, &e), 0);
	assert_int_equal(strlen(token), TOKEN_CHARS);
	assert_int_equal(account_session_get(db, token, &v, csrf2, &e), 0);
	assert_string_equal(csrf, csrf2);
	assert_int_equal(v.id, u.id);
	/* only a hash is stored */
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM sessions WHERE token_hash = ?1");
	sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	/* idle too long */
	db_exec(db, "UPDATE sessions SET last_seen = last_seen - 3 * 3600", NULL);
	assert_int_equal(account_session_get(db, token, &v, csrf2, &e), ERR_NOTFOUND);
	/* absolute expiry */
	assert_int_equal(account_session_new(db, u.id, "10.0.0.1", token, csrf, &e), 0);
	db_exec(db, "UPDATE sessions SET created_at = created_at - 13 * 3600", NULL);
	assert_int_equal(account_session_get(db, token, &v, csrf2, &e), ERR_NOTFOUND);
	/* sign-out */
	assert_int_equal(account_session_new(db, u.id, "10.0.0.1", token, csrf, &e), 0);
	assert_int_equal(account_session_end(db, token), 0);
	assert_int_equal(account_session_get(db, token, &v, csrf2, &e), ERR_NOTFOUND);
	/* a changed password ends sessions */
	assert_int_equal(account_session_new(db, u.id, "10.0.0.1", token, csrf, &e), 0);
	assert_int_equal(account_user_passwd(db, u.id, "yet another password", &e), 0);
	assert_int_equal(account_session_get(db, token, &v, csrf2, &e), ERR_NOTFOUND);
	assert_int_equal(account_session_get(db, "short", &v, csrf2, &e), ERR_NOTFOUND);
}

static void keys(void **state)
{
	sqlite3 *db = *state;
	struct user u, v;
	struct err e = ERR_INIT;
	char *plain = NULL;
	assert_int_equal(account_user_find(db, "karim", &u, &e), 0);
	assert_int_equal(account_token_new(db, u.id, "", &plain, &e), ERR_USAGE);
	assert_int_equal(account_token_new(db, u.id, "script de sauvegarde", &plain, &e), 0);
	assert_true(strncmp(plain, "asr_", 4) == 0);
	assert_int_equal(account_token_user(db, plain, &v, &e), 0);
	assert_int_equal(v.id, u.id);
	struct api_token *list = NULL;
	size_t n = 0;
	assert_int_equal(account_token_list(db, u.id, &list, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(account_token_revoke(db, u.id + 1000, list[0].id, &e), ERR_NOTFOUND);
	assert_int_equal(account_token_revoke(db, u.id, list[0].id, &e), 0);
	assert_int_equal(account_token_user(db, plain, &v, &e), ERR_DENIED);
	free(list);
	free(plain);
	assert_int_equal(account_token_user(db, "asr_nonsense", &v, &e), ERR_DENIED);
}

static void first_administrator(void **state)
{
	struct err e = ERR_INIT;
	char *secret = NULL;
	struct user u;
	/* a workspace with an administrator gives no code */
	assert_int_equal(account_setup_secret(*state, &secret, &e), 0);
	assert_null(secret);
	/* a fresh one does, once */
	char p2[300];
	snprintf(p2, sizeof(p2), "%s/fresh.db", dir);
	sqlite3 *db = NULL;
	assert_int_equal(db_open(p2, 1, &db, NULL), 0);
	assert_int_equal(account_setup_secret(db, &secret, &e), 0);
	assert_non_null(secret);
	assert_int_equal(account_setup_claim(db, "wrong-code", "boss", "", "a long password", &u, &e), ERR_DENIED);
	assert_int_equal(account_setup_claim(db, secret, "boss", "Boss", "a long password", &u, &e), 0);
	assert_int_equal(u.role, ROLE_ADMIN);
	assert_int_equal(account_setup_claim(db, secret, "boss2", "", "a long password", &u, &e), ERR_DENIED);
	free(secret);
	struct audit_entry *a = NULL;
	size_t n = 0;
	long long total = 0;
	assert_int_equal(account_audit_list(db, 10, 0, &a, &n, &total, &e), 0);
	assert_true(n >= 1);
	assert_string_equal(a[0].action, "user-add");
	free(a);
	db_close(db);
	unlink(p2);
	snprintf(p2, sizeof(p2), "%s/fresh.db-wal", dir);
	unlink(p2);
	snprintf(p2, sizeof(p2), "%s/fresh.db-shm", dir);
	unlink(p2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(users_and_passwords), cmocka_unit_test(throttling), cmocka_unit_test(sessions),
		cmocka_unit_test(keys), cmocka_unit_test(first_administrator),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
