/*
 * The dossier for filing a petition: everything the council's office or the state portal
 * (eparticipation.ma) asks for, in the order of filing.
 *
 *   1. the petition's text (its draft, rendered as drafting renders it)
 *   2. the memo of reasons and objectives (the draft's fields reasons, objectives, requests)
 *   3. the agent, the deputy and the committee (the petition's record, else the draft's
 *      fields agent_name, agent_address, deputy_name, deputy_address, committee,
 *      committee_meeting_date, initiators) and the filing association
 *   4. the list of signatories (the rule set's signature_columns; personal data)
 *   5. the annexes: the admissibility checklist (petition_check: each condition with its
 *      status and the source of its figure) and the campaign's evidence as the annex of sources
 *
 * as one PDF (a cover page with the council addressed, the territory, the association, the
 * date and the list of parts, then the parts), or as a ZIP of numbered files with a manifest
 * (README.txt in the dossier's language: every part with its SHA-256, in sha256sum's format).
 *
 * Both hold personal data: the caller wipes the bytes (vault_buf_wipe) once written and
 * records the export in the activity log. Knows petitions, drafts and tables; never prints.
 */
#ifndef PETITION_DOSSIER_H
#define PETITION_DOSSIER_H
#include <sqlite3.h>

#include "base/buf.h"
#include "base/err.h"

struct i18n;
struct vault;

enum dossier_format { DOSSIER_PDF, DOSSIER_ZIP };

/* The files of the ZIP, in order (README.txt comes last). */
extern const char *const dossier_parts[];

/* What a dossier holds, for the activity log and the messages. */
struct dossier_info {
	long long signatures; /* rows of the list of signatories */
	int files;            /* files in the ZIP, README.txt included (0 for the PDF) */
	char lang[4];         /* the dossier's language */
};

/*
 * Builds the dossier of petition id and appends it to out (binary: use out->len). lang is
 * "ar" or "fr" (NULL: the language of the petition's draft); the words of the cover,
 * headings and manifest come from t. The petition's text is rendered from its draft in the
 * draft's own language.
 *
 * Refused, nothing appended: ERR_NOTFOUND for an unknown petition; ERR_USAGE when the
 * personal data was deleted (purged: there is no list of signatories any more), or naming
 * every part that is missing (as the admissibility check sees them: no draft holding the
 * text, required fields of the draft still empty, no agent, a committee short of members or
 * without its agent and deputy, no signature), or for a language other than ar and fr;
 * ERR_FORMAT when a sealed value does not open (another workspace's key); exporters' errors.
 */
int petition_dossier(sqlite3 *db, const struct vault *v, const struct i18n *t, const char *overrides_dir, long long id,
                     const char *lang, enum dossier_format format, struct buf *out, struct dossier_info *info,
                     struct err *e);
#endif
