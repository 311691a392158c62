/*
 * The language model's settings: three rows of meta, and the key from the environment
 * or the workspace's keys/ai.key (never the database).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ai/ai.h"
#include "base/alloc.h"
#include "base/fs.h"
#include "store/db.h"
#include "base/banned.h"

#define KEY_ENV "ASURIF_AI_KEY"

static const char *const meta_keys[3] = {"ai.base_url", "ai.chat_model", "ai.embed_model"};

void ai_config_defaults(struct ai_config *c)
{
	memset(c, 0, sizeof(*c));
	c->connect_timeout_ms = 5000;
	c->total_timeout_ms = 120000;
	c->retries = 3;
	c->max_reply = (size_t)4 << 20;
}

static void copy(char *dst, size_t n, const char *s, size_t len)
{
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

int ai_base_url_normalise(const char *in, char *out, size_t n, struct err *e)
{
	while (*in == ' ' || *in == '\t')
		in++;
	size_t len = strlen(in);
	while (len && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '/'))
		len--;
	size_t scheme = 0;
	if (len >= 7 && !strncasecmp(in, "http://", 7))
		scheme = 7;
	else if (len >= 8 && !strncasecmp(in, "https://", 8))
		scheme = 8;
	if (!scheme)
		return err_set(e, ERR_USAGE, "base URL: \"%.200s\" is not a web address starting with http:// or https://",
		               in);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch <= ' ' || ch == 0x7f)
			return err_set(e, ERR_USAGE, "base URL: spaces and control characters cannot be part of the address");
		if (ch == '?' || ch == '#')
			return err_set(e, ERR_USAGE,
			               "base URL: the address cannot have a query (?...) or a fragment (#...): give "
			               "only the service's address, e.g. http://127.0.0.1:8081/v1");
	}
	const char *host = in + scheme;
	size_t hostlen = strcspn(host, "/");
	if (hostlen > len - scheme)
		hostlen = len - scheme;
	if (memchr(host, '@', hostlen))
		return err_set(e, ERR_USAGE,
		               "base URL: the address holds a user name or password; the key goes in the "
		               "environment variable " KEY_ENV " or in the workspace's keys/ai.key, never in the address");
	if (hostlen == 0 || host[0] == ':')
		return err_set(e, ERR_USAGE, "base URL: \"%.200s\" has no host name", in);
	int has_path = scheme + hostlen < len;
	if (len + (has_path ? 0 : 3) >= n)
		return err_set(e, ERR_USAGE, "base URL: the address is longer than %zu characters", n - 4);
	copy(out, n, in, len);
	if (!has_path)
		memcpy(out + len, "/v1", 4);
	return 0;
}

char *ai_key_path(const char *workspace_dir)
{
	return xasprintf("%s/keys/ai.key", workspace_dir ? workspace_dir : ".");
}

/* A key as it may go in a header: printable ASCII, spaces trimmed at both ends. */
static int take_key(const char *s, size_t len, const char *where, struct ai_config *c, struct err *e)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return err_set(e, ERR_FORMAT,
			               "%s: the key holds characters a key cannot have (spaces, line breaks or letters "
			               "outside ASCII); it must be the key alone, on one line",
			               where);
	if (len >= sizeof(c->key))
		return err_set(e, ERR_FORMAT, "%s: the key is longer than %zu characters", where, sizeof(c->key) - 1);
	copy(c->key, sizeof(c->key), s, len);
	return 0;
}

static int read_key_file(const char *path, struct ai_config *c, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, ERR_IO, "%s: cannot open the model service's key: %s", path, strerror(errno));
	}
	struct stat st;
	char data[1024];
	int r = 0;
	if (fstat(fd, &st))
		r = err_set(e, ERR_IO, "%s: cannot read the model service's key: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = err_set(e, ERR_IO, "%s: the model service's key is not a regular file", path);
	else if (st.st_mode & 0177)
		r = err_set(e, ERR_USAGE,
		            "%s: the model service's key has mode %04o, so others than its owner may read it; it was "
		            "not used. Fix it with: chmod 600 %s",
		            path, (unsigned)(st.st_mode & 07777), path);
	else if (st.st_size >= (off_t)sizeof(data))
		r = err_set(e, ERR_FORMAT, "%s: the file is too large to be a key (%lld bytes)", path,
		            (long long)st.st_size);
	size_t got = 0;
	while (!r) {
		ssize_t k = read(fd, data + got, sizeof(data) - 1 - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			r = err_set(e, ERR_IO, "%s: cannot read the model service's key: %s", path, strerror(errno));
		if (k <= 0)
			break;
		got += (size_t)k;
		if (got >= sizeof(data) - 1)
			break;
	}
	close(fd);
	if (!r)
		r = take_key(data, got, path, c, e);
	explicit_bzero(data, sizeof(data));
	return r;
}

int ai_config_load(sqlite3 *db, const char *workspace_dir, struct ai_config *c, struct err *e)
{
	ai_config_defaults(c);
	char *dst[3] = {c->base_url, c->chat_model, c->embed_model};
	size_t cap[3] = {sizeof(c->base_url), sizeof(c->chat_model), sizeof(c->embed_model)};
	for (int i = 0; db && i < 3; i++) {
		char *v = db_meta_get(db, meta_keys[i]);
		if (!v)
			continue;
		if (i == 0) {
			/* stored normalised; an address that is not one is kept, and the calls will say so */
			if (ai_base_url_normalise(v, dst[i], cap[i], NULL))
				copy(dst[i], cap[i], v, strlen(v));
		} else {
			copy(dst[i], cap[i], v, strlen(v));
		}
		free(v);
	}
	const char *env = getenv(KEY_ENV);
	if (env && *env)
		return take_key(env, strlen(env), "the environment variable " KEY_ENV, c, e);
	char *path = ai_key_path(workspace_dir);
	int r = read_key_file(path, c, e);
	free(path);
	if (r)
		c->key[0] = '\0';
	return r;
}

enum ai_key_source ai_key_source(const struct ai_config *c)
{
	if (!c->key[0])
		return AI_KEY_NONE;
	const char *env = getenv(KEY_ENV);
	return env && *env ? AI_KEY_ENV : AI_KEY_FILE;
}

static int model_valid(const char *field, const char *m, size_t cap, struct err *e)
{
	if (strlen(m) >= cap)
		return err_set(e, ERR_USAGE, "%s: the name is longer than %zu characters", field, cap - 1);
	for (const unsigned char *p = (const unsigned char *)m; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_set(e, ERR_USAGE, "%s: the name holds control characters", field);
	if (*m && (m[0] == ' ' || m[strlen(m) - 1] == ' '))
		return err_set(e, ERR_USAGE, "%s: the name starts or ends with a space", field);
	return 0;
}

int ai_config_save(sqlite3 *db, const char *base_url, const char *chat_model, const char *embed_model,
                   struct err *e)
{
	struct ai_config tmp;
	char url[sizeof(tmp.base_url)] = "";
	if (base_url && *base_url && ai_base_url_normalise(base_url, url, sizeof(url), e))
		return ERR_USAGE;
	if (chat_model && model_valid("chat model", chat_model, sizeof(tmp.chat_model), e))
		return ERR_USAGE;
	if (embed_model && model_valid("embedding model", embed_model, sizeof(tmp.embed_model), e))
		return ERR_USAGE;
	const char *values[3] = {base_url ? url : NULL, chat_model, embed_model};
	/* a savepoint: all three or none, inside the caller's transaction or not */
	if (db_exec(db, "SAVEPOINT ai_config", e))
		return ERR_DB;
	for (int i = 0; i < 3; i++) {
		if (!values[i])
			continue;
		if (*values[i]) {
			if (db_meta_set(db, meta_keys[i], values[i], e))
				goto fail;
			continue;
		}
		sqlite3_stmt *st = db_prepare(db, "DELETE FROM meta WHERE key = ?1");
		sqlite3_bind_text(st, 1, meta_keys[i], -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			err_set(e, ERR_DB, "cannot clear the setting %s: %s", meta_keys[i], sqlite3_errmsg(db));
			goto fail;
		}
	}
	if (db_exec(db, "RELEASE ai_config", e))
		goto fail;
	return 0;
fail:
	db_exec(db, "ROLLBACK TO ai_config; RELEASE ai_config", NULL);
	return ERR_DB;
}

int ai_can_chat(const struct ai_config *c)
{
	return c->base_url[0] && c->chat_model[0];
}

int ai_can_embed(const struct ai_config *c)
{
	return c->base_url[0] && c->embed_model[0];
}
