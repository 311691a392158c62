/*
 * The Moroccan national ID number (CIN / CNIE personal number), as signatories write it on
 * petition sheets and forms.
 *
 * The check is a FORMAT CHECK FOR CATCHING TYPOS, NEVER PROOF OF IDENTITY: a well-formed number
 * may belong to nobody, or to someone else. No official published format was found
 * (../shared/brief/morocco-law.md §3, and public code disagrees), so the accepted form is the
 * brief's `^[A-Z]{1,2}[0-9]{1,7}$` after normalisation, and every one- or two-letter prefix is
 * accepted: there is deliberately no list of "valid" prefixes (regions, issuing offices), since
 * any such list would be invented and would refuse real people.
 *
 * Error messages name what is wrong (a character, a count) but never repeat the number itself,
 * so they can be shown or logged without leaking personal data.
 */
#ifndef PETITION_CIN_H
#define PETITION_CIN_H

#include "base/err.h"

/* Room for a normalised number: at most 2 letters and 7 digits, and the NUL. */
#define CIN_MAX 16

/*
 * Normalises the UTF-8 text in into out: Latin letters upper-cased; spaces (including no-break
 * and thin spaces), dashes, dots and invisible direction marks removed; Arabic-Indic (٠-٩) and
 * Eastern Arabic-Indic (۰-۹) digits turned into ASCII. Then checks one or two letters followed
 * by one to seven digits: "be 123-456" and "BE١٢٣٤٥٦" both give "BE123456".
 * Returns 0, or ERR_FORMAT with a message a person can act on (empty, letters missing, too many
 * letters or digits, a letter among the digits, a character that is not allowed, named);
 * out is "" on error. in may be NULL (empty).
 */
int cin_normalise(const char *in, char out[CIN_MAX], struct err *e);
#endif
