#include "petition/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/fs.h"
#include "base/banned.h"

#define KEY_BYTES    crypto_kdf_KEYBYTES
#define NONCE_BYTES  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES    crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEAL_VERSION 1

_Static_assert(VAULT_SEAL_OVERHEAD == 1 + NONCE_BYTES + TAG_BYTES, "VAULT_SEAL_OVERHEAD is out of date");

/* crypto_kdf's context is exactly 8 bytes; it and the sub-key ids below must never change. */
static const char kdf_context[crypto_kdf_CONTEXTBYTES + 1] = "asurifpd";
enum { SUBKEY_SEAL = 1, SUBKEY_HASH = 2 };

static const char mismatch[] = "the data does not match its key or place: it is damaged, was moved from another "
                               "field or row, or was sealed with another workspace's key";

struct vault {
	unsigned char seal_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char hash_key[crypto_generichash_KEYBYTES];
};

/* Guarded, locked memory (see sodium_malloc); like xmalloc, aborts when there is none. */
static void *secure_alloc(size_t n)
{
	void *p = sodium_malloc(n);
	if (!p) {
		fprintf(stderr, "asurif: out of memory (asked for %zu bytes of protected memory)\n", n);
		abort();
	}
	return p;
}

/* Reads the key at path into key. ERR_NOTFOUND (message set) when there is no file yet. */
static int read_key(const char *path, unsigned char *key, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int saved = errno;
		return err_set(e, saved == ENOENT ? ERR_NOTFOUND : ERR_IO, "%s: cannot open the personal-data key: %s",
		               path, strerror(saved));
	}
	struct stat st;
	int r = 0;
	if (fstat(fd, &st))
		r = err_set(e, ERR_IO, "%s: cannot read the personal-data key: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = err_set(e, ERR_IO, "%s: the personal-data key is not a regular file", path);
	else if (st.st_mode & 0177)
		r = err_set(e, ERR_IO,
		            "%s: the personal-data key has mode %04o, wider than 0600: only its owner may read and "
		            "write it; fix it with: chmod 600 %s",
		            path, (unsigned)(st.st_mode & 07777), path);
	else if (st.st_size != KEY_BYTES)
		r = err_set(e, ERR_IO,
		            "%s: the personal-data key has %lld bytes instead of %d: the file is damaged; restore it "
		            "from a backup (a new key cannot open the personal data already stored)",
		            path, (long long)st.st_size, (int)KEY_BYTES);
	size_t got = 0;
	while (!r && got < KEY_BYTES) {
		ssize_t n = read(fd, key + got, KEY_BYTES - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = err_set(e, ERR_IO, "%s: cannot read the personal-data key: %s", path, strerror(errno));
		else if (n == 0)
			r = err_set(e, ERR_IO, "%s: the personal-data key was cut short while being read", path);
		else
			got += (size_t)n;
	}
	close(fd);
	if (!r && sodium_is_zero(key, KEY_BYTES))
		r = err_set(e, ERR_IO,
		            "%s: the personal-data key is all zeros: the file is damaged; restore it from a backup",
		            path);
	return r;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Makes a fresh key at path unless one is there. The key is written whole to a private file of
 * our own and then hard-linked to path: link() never replaces a file, so when two processes race
 * the second finds the first's complete key (never a half-written one) and keeps it.
 */
static int create_key(const char *keys_dir, const char *path, struct err *e)
{
	unsigned char key[KEY_BYTES];
	char *tmp = xasprintf("%s.new.%ld.%08x", path, (long)getpid(), (unsigned)randombytes_random());
	int r = 0, made = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		r = err_set(e, ERR_IO, "%s: cannot create the personal-data key: %s", path, strerror(errno));
		goto cleanup;
	}
	made = 1;
	randombytes_buf(key, sizeof(key));
	if (write_all(fd, key, sizeof(key)) || fsync(fd)) {
		r = err_set(e, ERR_IO, "%s: cannot write the personal-data key: %s", path, strerror(errno));
		close(fd);
		goto cleanup;
	}
	if (close(fd)) {
		r = err_set(e, ERR_IO, "%s: cannot write the personal-data key: %s", path, strerror(errno));
		goto cleanup;
	}
	if (link(tmp, path) && errno != EEXIST) {
		r = err_set(e, ERR_IO, "%s: cannot create the personal-data key: %s", path, strerror(errno));
		goto cleanup;
	}
	/* The new name must survive a crash too. */
	int dfd = open(keys_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
cleanup:
	if (made)
		unlink(tmp);
	sodium_memzero(key, sizeof(key));
	free(tmp);
	return r;
}

int vault_open(const char *workspace_dir, struct vault **out, struct err *e)
{
	*out = NULL;
	char *keys = fs_join(workspace_dir, "keys");
	char *path = fs_join(workspace_dir, VAULT_KEY_PATH);
	unsigned char *master = secure_alloc(KEY_BYTES);
	int r = read_key(path, master, e);
	if (r == ERR_NOTFOUND) {
		r = fs_mkdirs(keys, 0700, e);
		if (!r)
			r = create_key(keys, path, e);
		if (!r)
			r = read_key(path, master, e);
		if (r == ERR_NOTFOUND) {
			r = ERR_IO;
			if (e)
				e->code = ERR_IO;
		}
	}
	if (!r) {
		struct vault *v = secure_alloc(sizeof(*v));
		crypto_kdf_derive_from_key(v->seal_key, sizeof(v->seal_key), SUBKEY_SEAL, kdf_context, master);
		crypto_kdf_derive_from_key(v->hash_key, sizeof(v->hash_key), SUBKEY_HASH, kdf_context, master);
		/* Nothing writes the keys again: a stray write now faults instead of changing them. */
		sodium_mprotect_readonly(v);
		*out = v;
	}
	sodium_free(master);
	free(path);
	free(keys);
	return r;
}

void vault_close(struct vault *v)
{
	/* sodium_free makes the memory writable again, wipes it and unlocks it. */
	if (v)
		sodium_free(v);
}

int vault_seal(const struct vault *v, const char *plain, size_t n, const char *context, struct buf *out, struct err *e)
{
	if (!context)
		BUG("vault_seal without a context");
	buf_reset(out);
	if (n > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX || n > SIZE_MAX - VAULT_SEAL_OVERHEAD ||
	    (out->max && n + VAULT_SEAL_OVERHEAD > out->max))
		return err_set(e, ERR_TOO_BIG, "a value of %zu bytes is too large to seal here", n);
	size_t total = n + VAULT_SEAL_OVERHEAD;
	unsigned char *s = xmalloc(total);
	s[0] = SEAL_VERSION;
	randombytes_buf(s + 1, NONCE_BYTES);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	    s + 1 + NONCE_BYTES, &clen, (const unsigned char *)(plain ? plain : ""), n, (const unsigned char *)context,
	    strlen(context), NULL, s + 1, v->seal_key);
	if (clen != n + TAG_BYTES)
		BUG("sealed %llu bytes for %zu", clen, n);
	buf_append(out, s, total);
	free(s);
	return 0;
}

int vault_unseal(const struct vault *v, const void *sealed, size_t n, const char *context, struct buf *out,
                 struct err *e)
{
	if (!context)
		BUG("vault_unseal without a context");
	vault_buf_wipe(out);
	const unsigned char *s = sealed;
	if (n >= 1 && s[0] != SEAL_VERSION)
		return err_set(e, ERR_FORMAT,
		               "the sealed data has an unknown format (version %u): it is damaged or was written by a "
		               "newer version of Asurif",
		               (unsigned)s[0]);
	if (n < VAULT_SEAL_OVERHEAD)
		return err_set(e, ERR_FORMAT, "%s", mismatch);
	size_t mmax = n - VAULT_SEAL_OVERHEAD;
	if (out->max && mmax > out->max)
		return err_set(e, ERR_TOO_BIG, "a sealed value of %zu bytes is too large to open here", n);
	unsigned char *m = xmalloc(mmax + 1);
	unsigned long long mlen = 0;
	int r = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, s + 1 + NONCE_BYTES, n - 1 - NONCE_BYTES,
	                                               (const unsigned char *)context, strlen(context), s + 1,
	                                               v->seal_key))
		r = err_set(e, ERR_FORMAT, "%s", mismatch);
	else
		buf_append(out, m, (size_t)mlen);
	sodium_memzero(m, mmax + 1);
	free(m);
	return r;
}

void vault_buf_wipe(struct buf *b)
{
	if (b->data)
		sodium_memzero(b->data, b->alloc);
	buf_release(b);
}

void vault_keyed_hash(const struct vault *v, const char *s, size_t n, char out_hex[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)(s ? s : ""), n, v->hash_key, sizeof(v->hash_key));
	sodium_bin2hex(out_hex, 65, h, sizeof(h));
}
