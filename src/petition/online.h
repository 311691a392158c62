/*
 * Online signing (the public page /p/KEY of a petition): finding the petition by its public
 * key, resolving the commune a signatory typed, and the withdrawal code given once to an
 * online signatory. The code itself is never stored: only its keyed hash (vault.h), in
 * signatures.withdrawal_hash, bound to the petition.
 *
 * Knows tables, never prints; messages never repeat personal data.
 */
#ifndef PETITION_ONLINE_H
#define PETITION_ONLINE_H
#include <sqlite3.h>
#include <stddef.h>

#include "base/err.h"
#include "territory/territory.h"

struct vault;

/* A withdrawal code as shown: 12 characters of Crockford's base32 in groups of 4 ("K7QM-4XZ2-9HBD"). */
#define ONLINE_CODE_CHARS 12
#define ONLINE_CODE_MAX 16 /* with the two dashes and the NUL */

/*
 * The petition whose public key is key, into *id. With open_only, only a petition that
 * takes signatures online (signing_open = 1, status collecting, personal data not deleted);
 * without it, any petition still collecting whose data was not deleted (a signatory may
 * withdraw after the page stopped taking signatures). ERR_NOTFOUND otherwise.
 */
int online_petition(sqlite3 *db, const char *key, int open_only, long long *id, struct err *e);

/*
 * The commune a signatory typed (an HCP code, or a name in Arabic or French) as a code for
 * petition_sign(). Several communes may share a name: one whose name is exactly the text
 * wins, preferring the petition's territory, else a single commune containing the text.
 * Returns 0 with code set; ERR_NOTFOUND when nothing matches; ERR_EXISTS when several do,
 * with *choices (caller frees, at most 10) and *nchoices set.
 */
int online_commune(sqlite3 *db, long long petition_id, const char *typed, char code[24], struct territory **choices,
                   size_t *nchoices, struct err *e);

/*
 * Gives signature sig_id of petition_id a fresh random withdrawal code, written to code
 * ("XXXX-XXXX-XXXX"), and stores its keyed hash. ERR_DB; ERR_NOTFOUND.
 */
int online_set_withdrawal(sqlite3 *db, const struct vault *v, long long petition_id, long long sig_id,
                          char code[ONLINE_CODE_MAX], struct err *e);

/*
 * Withdraws the signature of petition_id whose withdrawal code is code (letter case, spaces
 * and dashes do not matter; O reads as 0, I and L as 1), as the signatory
 * (petition_withdraw, by "signatory"). ERR_NOTFOUND when no signature still counted has
 * this code; the errors of petition_withdraw().
 */
int online_withdraw(sqlite3 *db, const struct vault *v, long long petition_id, const char *code, struct err *e);
#endif
