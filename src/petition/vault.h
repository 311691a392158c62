/*
 * The workspace's key for personal data (law 09-08): names, ID numbers, addresses and contact
 * details of signatories are sealed with it before they reach the database, so the SQLite file
 * never holds them in clear.
 *
 * The key is 32 random bytes in `keys/personal.key` (mode 0600), made on first use. Losing the
 * file loses every sealed value: it belongs in the workspace's backups, kept apart from the
 * database. Two sub-keys are derived from it (libsodium's crypto_kdf): one encrypts
 * (XChaCha20-Poly1305), one hashes (keyed BLAKE2b). They live in libsodium's guarded memory,
 * locked in RAM where the system allows it, read-only once made, and wiped by vault_close().
 *
 * A struct vault is read-only after vault_open(): threads may share one. sodium_init() must have
 * been called first.
 */
#ifndef PETITION_VAULT_H
#define PETITION_VAULT_H
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

struct vault;

/* Where the key lives, relative to the workspace folder. */
#define VAULT_KEY_PATH "keys/personal.key"
/* A sealed value is this many bytes longer than its plaintext: version, nonce, tag. */
#define VAULT_SEAL_OVERHEAD (1 + 24 + 16)

/*
 * Opens the key of the workspace at workspace_dir, creating it with a fresh random key on first
 * use (keys/ is created with mode 0700 if missing). Creation is atomic: two processes starting at
 * once end with the same key. On success *out is the caller's, to free with vault_close().
 * Errors: ERR_IO naming the path when the file cannot be read or created, is not a regular file,
 * has the wrong size or is all zeros (damaged: restore it from a backup), or can be read or
 * written by anyone but its owner (the message says to run chmod 600). *out is NULL on error.
 */
int vault_open(const char *workspace_dir, struct vault **out, struct err *e);
/* Wipes the keys and frees v (NULL is fine). */
void vault_close(struct vault *v);

/*
 * Seals n bytes of plain into out (replacing its contents): a version byte, a random 24-byte
 * nonce, then the ciphertext and its tag; binary, for a SQLite BLOB; n + VAULT_SEAL_OVERHEAD
 * bytes. `context` says where the value belongs ("signature.cin:petition 12 signature 7"): it is
 * authenticated with the value, so a sealed value copied to another field or row does not open
 * there. Use the same context to unseal. context must not be NULL (a BUG otherwise).
 * Errors: ERR_TOO_BIG when out's cap is too small.
 */
int vault_seal(const struct vault *v, const char *plain, size_t n, const char *context, struct buf *out, struct err *e);
/*
 * Checks and opens n bytes sealed by vault_seal() with the same key and context; the plaintext
 * goes to out (its previous contents are wiped first; out->len is the plaintext's length, and it
 * is NUL-terminated). Errors: ERR_FORMAT "the data does not match its key or place" for a damaged,
 * truncated or moved value or another workspace's key, ERR_FORMAT for a format version this
 * program does not know, ERR_TOO_BIG when out's cap is too small. out is left empty on error.
 * The caller wipes the plaintext with vault_buf_wipe() once done.
 */
int vault_unseal(const struct vault *v, const void *sealed, size_t n, const char *context, struct buf *out,
                 struct err *e);
/* Zeroes all of b's memory (not only its length) and releases it; b keeps its cap. */
void vault_buf_wipe(struct buf *b);

/*
 * Keyed BLAKE2b-256 of s as 64 lowercase hex digits and a NUL: the same value for the same text
 * in one workspace, unrelated values in another, and not reversible without the key even for
 * values as guessable as ID numbers. For finding duplicates (hash the normalised ID number, see
 * cin_normalise()) without storing them in clear.
 */
void vault_keyed_hash(const struct vault *v, const char *s, size_t n, char out_hex[65]);
#endif
