/*
 * Drafting: the document types (forms), drafts with their versions and status, and the
 * assembly of a draft into a finished document (struct doc, see export/doc.h).
 *
 * A document type is data/draft/types/NAME.json: a title, a legal basis and a list of fields
 * (name, kind, required, label and help in each language, and what to pre-fill it from).
 * Its text is data/draft/templates/NAME.LANG.md.mustache: Mustache producing Markdown, where
 * every value is escaped for Markdown and "[n](cite:n)" marks cite the campaign's evidence.
 * A workspace overrides any of these files with a copy under overrides/ (same relative path).
 *
 * A draft belongs to a campaign. Every save is a version (its field values, author and time);
 * the status goes draft -> review -> final -> submitted.
 */
#ifndef DRAFT_DRAFT_H
#define DRAFT_DRAFT_H
#include <jansson.h>
#include <sqlite3.h>

#include "base/err.h"
#include "export/doc.h"

/* The type names, in the order they are offered. */
extern const char *const draft_type_names[];
extern const char *const draft_statuses[]; /* "draft", "review", "final", "submitted", NULL */

/*
 * The definition of type `name` (a new reference), read from overrides_dir (may be NULL)
 * or the built-in files. ERR_NOTFOUND for an unknown type; ERR_FORMAT naming the file and
 * the field when a definition is damaged.
 */
int draft_type(const char *overrides_dir, const char *name, json_t **out, struct err *e);
/* Every type's definition, in draft_type_names order (a new array). */
int draft_types(const char *overrides_dir, json_t **out, struct err *e);
/* The field definition `field` of a type, or NULL (borrowed). */
json_t *draft_type_field(json_t *type, const char *field);
/* A label, help or title object's text in lang, falling back to ar, fr, en (borrowed). */
const char *draft_text(json_t *obj, const char *lang);

/* Who saves: a person's account (user_id 0 for the command line) and the name shown. */
struct draft_author {
	long long user_id;
	const char *name;
};

/*
 * Starts a draft of `type` in `lang` ("ar" or "fr") for a campaign: fields are pre-filled
 * from the campaign, then `values` (an object keyed by field names, may be NULL) replace
 * them. Version 1 is saved. ERR_USAGE naming the field for an unknown field or a value
 * that is not a string or number; ERR_NOTFOUND for an unknown campaign or type.
 */
int draft_new(sqlite3 *db, const char *overrides_dir, long long campaign_id, const char *type, const char *lang,
	      json_t *values, const struct draft_author *who, long long *id, struct err *e);
/*
 * Saves new values for some fields (the others keep theirs; an empty string empties a field)
 * as a new version, and returns its number in *version. Nothing changed: no new version,
 * *version is the current one. Errors as draft_new; ERR_USAGE when the draft is submitted.
 */
int draft_save(sqlite3 *db, const char *overrides_dir, long long id, json_t *values, const struct draft_author *who,
	       int *version, struct err *e);
/*
 * Moves the draft to `status`. Going to final or submitted needs every required field
 * filled (ERR_USAGE naming the first one missing); a submitted draft stays submitted.
 */
int draft_set_status(sqlite3 *db, const char *overrides_dir, long long id, const char *status,
		     const struct draft_author *who, struct err *e);
/* Deletes a draft and its versions. */
int draft_delete(sqlite3 *db, long long id, struct err *e);

/*
 * A draft as JSON: id, campaign (id and title), type, type_title, lang, title, status,
 * created_at, updated_at, version (the latest), values (of `version`, 0 for the latest),
 * missing (required fields still empty) and versions [{n, author, at, status, note}].
 */
int draft_json(sqlite3 *db, const char *overrides_dir, long long id, int version, json_t **out, struct err *e);
/* The drafts of a campaign (0: all), newest first, as a JSON array of short objects. */
int draft_list(sqlite3 *db, long long campaign_id, json_t **out, struct err *e);

/*
 * What changed between versions a and b of a draft: an array of {field, label, before,
 * after, changes: [{op: "=" | "-" | "+", text}]}, only for fields that differ; the changes
 * are word by word.
 */
int draft_diff(sqlite3 *db, const char *overrides_dir, long long id, int a, int b, json_t **out, struct err *e);

/*
 * The finished document of a draft's version (0: the latest): the template rendered with
 * the field values and the campaign's case file, the evidence as numbered sources.
 * ERR_USAGE naming the field when a required one is empty (unless `preview`); ERR_FORMAT
 * naming the template file, line and column when a template is damaged.
 */
int draft_render(sqlite3 *db, const char *overrides_dir, long long id, int version, int preview, struct doc **out,
		 struct err *e);

/* Export formats: "docx", "odt", "pdf", "html", "md". */
extern const char *const draft_formats[];
/* The media type and file extension of a format; NULL for an unknown one. */
const char *draft_format_mime(const char *format);
/* Writes the document in `format` to out. ERR_USAGE for an unknown format. */
int draft_export(const struct doc *d, const char *format, struct buf *out, struct err *e);
#endif
