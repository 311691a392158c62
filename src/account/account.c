#include "account/account.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/utf8.h"
#include "store/db.h"
#include "base/banned.h"

static const char *const role_names[] = {"", "viewer", "member", "coordinator", "admin"};

const char *role_name(enum role r)
{
	return (r >= ROLE_NONE && r <= ROLE_ADMIN) ? role_names[r] : "";
}

enum role role_parse(const char *s)
{
	for (int r = ROLE_VIEWER; s && r <= ROLE_ADMIN; r++)
		if (!strcmp(s, role_names[r]))
			return (enum role)r;
	return ROLE_NONE;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static int db_error(sqlite3 *db, struct err *e)
{
	return err_set(e, ERR_DB, "database: %s", sqlite3_errmsg(db));
}

int account_login_valid(const char *login, struct err *e)
{
	size_t n = login ? strlen(login) : 0;
	if (n < 2 || n > LOGIN_MAX)
		return err_set(e, ERR_USAGE, "a user name has 2 to %d characters", LOGIN_MAX);
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_'))
			return err_set(e, ERR_USAGE, "a user name has only Latin letters, digits, '.', '-' and '_'");
	}
	return 0;
}

int account_password_valid(const char *password, struct err *e)
{
	size_t n = password ? strlen(password) : 0, chars = 0;
	if (n && utf8_validate(password, n, NULL, NULL))
		return err_set(e, ERR_USAGE, "the password is not valid text");
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)password[i] & 0xC0) != 0x80;
	if (chars < PASSWORD_MIN)
		return err_set(e, ERR_USAGE, "a password has at least %d characters", PASSWORD_MIN);
	if (n > 1024)
		return err_set(e, ERR_USAGE, "the password is too long");
	return 0;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], struct err *e)
{
	/* argon2id with libsodium's "interactive" cost: about 64 MB and a tenth of a second. */
	if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
		return err_set(e, ERR_IO, "not enough memory to protect the password");
	return 0;
}

#define USER_COLUMNS                                                                                           \
	"id, login, name, role, lang, disabled, created_at, "                                                  \
	"coalesce((SELECT o.name FROM organisations o WHERE o.id = users.org_id), '') AS org"

static void read_user(sqlite3_stmt *st, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	copy(u->login, sizeof(u->login), db_text(st, 1));
	copy(u->name, sizeof(u->name), db_text(st, 2));
	u->role = role_parse(db_text(st, 3));
	copy(u->lang, sizeof(u->lang), db_text(st, 4));
	u->disabled = sqlite3_column_int(st, 5);
	copy(u->created_at, sizeof(u->created_at), db_text(st, 6));
	if (sqlite3_column_count(st) > 7 && !strcmp(sqlite3_column_name(st, 7), "org"))
		copy(u->org, sizeof(u->org), db_text(st, 7));
}

static int one_user(sqlite3 *db, sqlite3_stmt *st, struct user *out, struct err *e, const char *what)
{
	int rc = sqlite3_step(st);
	int r = 0;
	if (rc == SQLITE_ROW)
		read_user(st, out);
	else if (rc == SQLITE_DONE)
		r = err_set(e, ERR_NOTFOUND, "there is no user %s", what);
	else
		r = db_error(db, e);
	sqlite3_finalize(st);
	return r;
}

int account_user_add(sqlite3 *db, const char *login, const char *name, enum role role, const char *password,
		     struct user *out, struct err *e)
{
	char hash[crypto_pwhash_STRBYTES];
	if (account_login_valid(login, e) || account_password_valid(password, e))
		return ERR_USAGE;
	if (role == ROLE_NONE)
		return err_set(e, ERR_USAGE, "the role must be admin, coordinator, member or viewer");
	if (name && utf8_validate(name, strlen(name), NULL, NULL))
		return err_set(e, ERR_USAGE, "the name is not valid text");
	if (hash_password(password, hash, e))
		return ERR_IO;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO users(login, name, role, password) VALUES (?1, ?2, ?3, ?4)");
	db_bind_text(st, 1, login);
	db_bind_text(st, 2, name ? name : "");
	db_bind_text(st, 3, role_name(role));
	db_bind_text(st, 4, hash);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	sodium_memzero(hash, sizeof(hash));
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return err_set(e, ERR_EXISTS, "the user name \"%s\" is already taken", login);
	if (rc != SQLITE_DONE)
		return db_error(db, e);
	return out ? account_user_get(db, sqlite3_last_insert_rowid(db), out, e) : 0;
}

int account_user_get(sqlite3 *db, long long id, struct user *out, struct err *e)
{
	char what[32];
	snprintf(what, sizeof(what), "number %lld", id);
	sqlite3_stmt *st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	return one_user(db, st, out, e, what);
}

int account_user_find(sqlite3 *db, const char *login, struct user *out, struct err *e)
{
	char what[96];
	snprintf(what, sizeof(what), "\"%.80s\"", login);
	sqlite3_stmt *st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE login = ?1");
	db_bind_text(st, 1, login);
	return one_user(db, st, out, e, what);
}

int account_user_list(sqlite3 *db, struct user **out, size_t *n, struct err *e)
{
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users ORDER BY login");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, &alloc, *n + 1, sizeof(**out));
		read_user(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(db, e);
}

static int exec_user(sqlite3 *db, const char *sql, long long id, const char *text, long long num, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	sqlite3_bind_int64(st, 1, id);
	if (text)
		db_bind_text(st, 2, text);
	else
		sqlite3_bind_int64(st, 2, num);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db, e);
	if (sqlite3_changes(db) == 0 && strncmp(sql, "DELETE", 6))
		return err_set(e, ERR_NOTFOUND, "there is no user number %lld", id);
	return 0;
}

int account_user_passwd(sqlite3 *db, long long id, const char *password, struct err *e)
{
	char hash[crypto_pwhash_STRBYTES];
	if (account_password_valid(password, e))
		return ERR_USAGE;
	if (hash_password(password, hash, e))
		return ERR_IO;
	int r = exec_user(db, "UPDATE users SET password = ?2 WHERE id = ?1", id, hash, 0, e);
	sodium_memzero(hash, sizeof(hash));
	/* A new password ends the sessions opened with the old one. */
	if (!r)
		r = exec_user(db, "DELETE FROM sessions WHERE user_id = ?1 AND ?2 = 0", id, NULL, 0, e);
	return r;
}

int account_user_disable(sqlite3 *db, long long id, int disabled, struct err *e)
{
	int r = exec_user(db, "UPDATE users SET disabled = ?2 WHERE id = ?1", id, NULL, disabled ? 1 : 0, e);
	if (!r && disabled) {
		r = exec_user(db, "DELETE FROM sessions WHERE user_id = ?1 AND ?2 = 0", id, NULL, 0, e);
		if (!r)
			r = exec_user(db, "UPDATE api_tokens SET revoked = 1 WHERE user_id = ?1 AND ?2 = 1", id, NULL, 1, e);
		if (r == ERR_NOTFOUND)
			r = 0; /* no key to revoke */
	}
	return r;
}

int account_user_set_role(sqlite3 *db, long long id, enum role role, struct err *e)
{
	if (role == ROLE_NONE)
		return err_set(e, ERR_USAGE, "the role must be admin, coordinator, member or viewer");
	return exec_user(db, "UPDATE users SET role = ?2 WHERE id = ?1", id, role_name(role), 0, e);
}

int account_user_set_lang(sqlite3 *db, long long id, const char *lang, struct err *e)
{
	return exec_user(db, "UPDATE users SET lang = ?2 WHERE id = ?1", id, lang, 0, e);
}

int account_user_set_org(sqlite3 *db, long long id, const char *name, struct err *e)
{
	if (name && *name) {
		if (strlen(name) > 120 || utf8_validate(name, strlen(name), NULL, NULL))
			return err_set(e, ERR_USAGE, "an organisation's name has 1 to 120 characters");
		sqlite3_stmt *st = db_prepare(db, "INSERT INTO organisations(name) VALUES (?1) ON CONFLICT(name) DO NOTHING");
		db_bind_text(st, 1, name);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_error(db, e);
	}
	sqlite3_stmt *st = db_prepare(db, "UPDATE users SET org_id = (SELECT id FROM organisations WHERE name = ?2) "
					  "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, name && *name ? name : NULL);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db, e);
	return sqlite3_changes(db) ? 0 : err_set(e, ERR_NOTFOUND, "there is no user number %lld", id);
}

long long account_admin_count(sqlite3 *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0");
	long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return n;
}

/* ---- signing in ---- */

#define FAIL_WINDOW (15 * 60)
#define FAIL_PER_LOGIN 5
#define FAIL_PER_IP 20

static long long failures(sqlite3 *db, const char *sql, const char *key, long long since, long long *oldest)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	db_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, since);
	long long n = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		*oldest = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return n;
}

int account_signin(sqlite3 *db, const char *login, const char *password, const char *ip, struct user *out,
		   int *retry_after, struct err *e)
{
	long long now = (long long)time(NULL), since = now - FAIL_WINDOW, oldest = now;
	const char *who = login ? login : "";
	*retry_after = 0;
	long long by_login =
		failures(db, "SELECT count(*), min(at) FROM login_failures WHERE login = ?1 AND at > ?2", who, since, &oldest);
	long long oldest_ip = now;
	long long by_ip = failures(db, "SELECT count(*), min(at) FROM login_failures WHERE ip = ?1 AND at > ?2",
				   ip ? ip : "", since, &oldest_ip);
	if (by_login >= FAIL_PER_LOGIN || by_ip >= FAIL_PER_IP) {
		long long first = by_login >= FAIL_PER_LOGIN ? oldest : oldest_ip;
		*retry_after = (int)(first + FAIL_WINDOW - now);
		if (*retry_after < 1)
			*retry_after = 1;
		account_audit(db, NULL, ip, "signin-throttled", who, NULL);
		return err_set(e, ERR_THROTTLED, "too many attempts; try again in %d minutes", (*retry_after + 59) / 60);
	}
	struct user u;
	char hash[crypto_pwhash_STRBYTES] = {0};
	int found = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT " USER_COLUMNS ", password FROM users WHERE login = ?1");
	db_bind_text(st, 1, who);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_user(st, &u);
		copy(hash, sizeof(hash), db_text(st, 8));
		found = 1;
	}
	sqlite3_finalize(st);
	/* An unknown name costs the same time as a wrong password, so names cannot be probed. */
	static char dummy[crypto_pwhash_STRBYTES];
	if (!found && !dummy[0])
		hash_password("not a password of anybody", dummy, NULL);
	int ok = crypto_pwhash_str_verify(found ? hash : dummy, password ? password : "",
					  password ? strlen(password) : 0) == 0;
	sodium_memzero(hash, sizeof(hash));
	if (!found || !ok || u.disabled) {
		st = db_prepare(db, "INSERT INTO login_failures(login, ip, at) VALUES (?1, ?2, ?3)");
		db_bind_text(st, 1, who);
		db_bind_text(st, 2, ip ? ip : "");
		sqlite3_bind_int64(st, 3, now);
		sqlite3_step(st);
		sqlite3_finalize(st);
		account_audit(db, found ? &u : NULL, ip, "signin-failed", who, NULL);
		return err_set(e, ERR_DENIED, "the user name or password is not right");
	}
	st = db_prepare(db, "DELETE FROM login_failures WHERE login = ?1 OR at < ?2");
	db_bind_text(st, 1, who);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_step(st);
	sqlite3_finalize(st);
	account_audit(db, &u, ip, "signin", NULL, NULL);
	*out = u;
	return 0;
}

/* ---- sessions ---- */

static void random_token(char out[TOKEN_CHARS + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, TOKEN_CHARS + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE);
	sodium_memzero(raw, sizeof(raw));
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int account_session_new(sqlite3 *db, long long user_id, const char *ip, char token[TOKEN_CHARS + 1],
			char csrf[TOKEN_CHARS + 1], struct err *e)
{
	char h[65];
	long long now = (long long)time(NULL);
	random_token(token);
	random_token(csrf);
	token_hash(token, h);
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO sessions(token_hash, user_id, csrf, created_at, last_seen, ip) "
					  "VALUES (?1, ?2, ?3, ?4, ?4, ?5)");
	db_bind_text(st, 1, h);
	sqlite3_bind_int64(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, now);
	db_bind_text(st, 5, ip);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	/* Old sessions go away as new ones come. */
	st = db_prepare(db, "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2");
	sqlite3_bind_int64(st, 1, now - SESSION_IDLE);
	sqlite3_bind_int64(st, 2, now - SESSION_ABSOLUTE);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(db, e);
}

int account_session_get(sqlite3 *db, const char *token, struct user *out, char csrf[TOKEN_CHARS + 1], struct err *e)
{
	char h[65];
	long long now = (long long)time(NULL);
	if (!token || strlen(token) != TOKEN_CHARS)
		return err_set(e, ERR_NOTFOUND, "no session");
	token_hash(token, h);
	static const char sql[] = "SELECT u.id, u.login, u.name, u.role, u.lang, u.disabled, u.created_at, "
				  "s.csrf, s.last_seen, s.created_at FROM sessions s JOIN users u ON "
				  "u.id = s.user_id WHERE s.token_hash = ?1";
	sqlite3_stmt *st = db_cached(db, sql);
	db_bind_text(st, 1, h);
	int r = err_set(e, ERR_NOTFOUND, "no session");
	long long last = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		last = sqlite3_column_int64(st, 8);
		long long created = sqlite3_column_int64(st, 9);
		if (now - last <= SESSION_IDLE && now - created <= SESSION_ABSOLUTE && !sqlite3_column_int(st, 5)) {
			read_user(st, out);
			copy(csrf, TOKEN_CHARS + 1, db_text(st, 7));
			r = 0;
		}
	}
	sqlite3_reset(st);
	/* Writing at every request would serialise readers: the last-seen time moves once a minute. */
	if (!r && now - last >= 60) {
		st = db_prepare(db, "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1");
		db_bind_text(st, 1, h);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return r;
}

int account_session_end(sqlite3 *db, const char *token)
{
	char h[65];
	if (!token)
		return 0;
	token_hash(token, h);
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?1");
	db_bind_text(st, 1, h);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ERR_DB;
}

/* ---- keys for other programs ---- */

int account_token_new(sqlite3 *db, long long user_id, const char *name, char **plain, struct err *e)
{
	char tok[TOKEN_CHARS + 1], h[65];
	if (!name || !*name || strlen(name) > 100 || utf8_validate(name, strlen(name), NULL, NULL))
		return err_set(e, ERR_USAGE, "give the key a name of 1 to 100 characters");
	random_token(tok);
	char *full = xasprintf("asr_%s", tok);
	token_hash(full, h);
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO api_tokens(user_id, name, token_hash) VALUES (?1, ?2, ?3)");
	sqlite3_bind_int64(st, 1, user_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, h);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(full);
		return db_error(db, e);
	}
	*plain = full;
	return 0;
}

int account_token_user(sqlite3 *db, const char *plain, struct user *out, struct err *e)
{
	char h[65];
	if (!plain || strncmp(plain, "asr_", 4) || strlen(plain) != TOKEN_CHARS + 4)
		return err_set(e, ERR_DENIED, "this key is not valid");
	token_hash(plain, h);
	sqlite3_stmt *st = db_prepare(db, "SELECT u.id, u.login, u.name, u.role, u.lang, u.disabled, u.created_at, t.id "
					  "FROM api_tokens t JOIN users u ON u.id = t.user_id "
					  "WHERE t.token_hash = ?1 AND t.revoked = 0 AND u.disabled = 0");
	db_bind_text(st, 1, h);
	int r = err_set(e, ERR_DENIED, "this key is not valid");
	long long tid = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_user(st, out);
		tid = sqlite3_column_int64(st, 7);
		r = 0;
	}
	sqlite3_finalize(st);
	if (!r) {
		st = db_prepare(db, "UPDATE api_tokens SET last_used = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
				    "WHERE id = ?1 AND (last_used IS NULL OR last_used < strftime('%Y-%m-%dT%H:%M:%SZ', "
				    "'now', '-1 minute'))");
		sqlite3_bind_int64(st, 1, tid);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return r;
}

int account_token_list(sqlite3 *db, long long user_id, struct api_token **out, size_t *n, struct err *e)
{
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT id, name, created_at, coalesce(last_used, ''), revoked FROM api_tokens "
					  "WHERE user_id = ?1 ORDER BY id");
	sqlite3_bind_int64(st, 1, user_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, &alloc, *n + 1, sizeof(**out));
		struct api_token *t = &(*out)[(*n)++];
		t->id = sqlite3_column_int64(st, 0);
		copy(t->name, sizeof(t->name), db_text(st, 1));
		copy(t->created_at, sizeof(t->created_at), db_text(st, 2));
		copy(t->last_used, sizeof(t->last_used), db_text(st, 3));
		t->revoked = sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(db, e);
}

int account_token_revoke(sqlite3 *db, long long user_id, long long token_id, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE api_tokens SET revoked = 1 WHERE id = ?1 AND user_id = ?2");
	sqlite3_bind_int64(st, 1, token_id);
	sqlite3_bind_int64(st, 2, user_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db, e);
	return sqlite3_changes(db) ? 0 : err_set(e, ERR_NOTFOUND, "there is no such key");
}

/* ---- the first administrator ---- */

int account_setup_secret(sqlite3 *db, char **secret, struct err *e)
{
	*secret = NULL;
	if (account_admin_count(db) > 0) {
		db_exec(db, "DELETE FROM meta WHERE key = 'setup_secret'", NULL);
		return 0;
	}
	/* Easy to type from a terminal: 4 groups of 4 letters and digits, no look-alikes. */
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	char s[20];
	size_t k = 0;
	for (int i = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			s[k++] = '-';
		s[k++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	s[k] = '\0';
	char h[65];
	token_hash(s, h);
	if (db_meta_set(db, "setup_secret", h, e))
		return ERR_DB;
	*secret = xstrdup(s);
	return 0;
}

int account_setup_claim(sqlite3 *db, const char *secret, const char *login, const char *name, const char *password,
			struct user *out, struct err *e)
{
	char h[65];
	char *want = db_meta_get(db, "setup_secret");
	token_hash(secret ? secret : "", h);
	int ok = want && account_admin_count(db) == 0 && sodium_memcmp(want, h, 64) == 0 && strlen(want) == 64;
	free(want);
	if (!ok)
		return err_set(e, ERR_DENIED, "this one-time code is not right, or an administrator already exists");
	if (db_begin(db, e))
		return ERR_DB;
	int r = account_user_add(db, login, name, ROLE_ADMIN, password, out, e);
	if (!r)
		r = db_exec(db, "DELETE FROM meta WHERE key = 'setup_secret'", e);
	if (r) {
		db_rollback(db);
		return r;
	}
	if (db_commit(db, e))
		return ERR_DB;
	account_audit(db, out, NULL, "user-add", out->login, "first administrator");
	return 0;
}

/* ---- the activity log ---- */

void account_audit(sqlite3 *db, const struct user *who, const char *ip, const char *action, const char *target,
		   const char *detail)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO audit(user_id, login, ip, action, target, detail) "
					  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (who)
		sqlite3_bind_int64(st, 1, who->id);
	db_bind_text(st, 2, who ? who->login : NULL);
	db_bind_text(st, 3, ip);
	db_bind_text(st, 4, action);
	db_bind_text(st, 5, target);
	db_bind_text(st, 6, detail);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

int account_audit_list(sqlite3 *db, int limit, int offset, struct audit_entry **out, size_t *n, long long *total,
		       struct err *e)
{
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM audit");
	*total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	st = db_prepare(db, "SELECT id, at, coalesce(login, ''), coalesce(ip, ''), action, coalesce(target, ''), "
			    "coalesce(detail, '') FROM audit ORDER BY id DESC LIMIT ?1 OFFSET ?2");
	sqlite3_bind_int(st, 1, limit);
	sqlite3_bind_int(st, 2, offset);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, &alloc, *n + 1, sizeof(**out));
		struct audit_entry *a = &(*out)[(*n)++];
		a->id = sqlite3_column_int64(st, 0);
		copy(a->at, sizeof(a->at), db_text(st, 1));
		copy(a->login, sizeof(a->login), db_text(st, 2));
		copy(a->ip, sizeof(a->ip), db_text(st, 3));
		copy(a->action, sizeof(a->action), db_text(st, 4));
		copy(a->target, sizeof(a->target), db_text(st, 5));
		copy(a->detail, sizeof(a->detail), db_text(st, 6));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(db, e);
}
