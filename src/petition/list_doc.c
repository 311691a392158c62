/*
 * The signature list as a document (PDF, DOCX, ODT through src/export/): a landscape page
 * with the petition's title, a short header (to whom it is addressed, the territory, the
 * procedure, the date printed, the number of signatures) and the table of signatures.
 *
 * The rows are read from petition_export_csv's own output, so the document and the CSV
 * always hold the same columns in the same order and the same rows (no withdrawn
 * signature, no duplicate). The unsealed text is wiped from memory after use: the CSV
 * buffer and the cell scratch here, the document's text by doc_free (d->personal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "export/doc.h"
#include "petition/petition.h"
#include "petition/rules.h"
#include "petition/vault.h"
#include "base/banned.h"

/*
 * Reads one CSV field at *pos of csv (RFC 4180, as petition_export_csv writes it) into
 * field; *end_of_row is set when the field ends its row. Returns 0 at the end of the text.
 */
static int csv_field(const struct buf *csv, size_t *pos, struct buf *field, int *end_of_row)
{
	const char *s = csv->data;
	size_t i = *pos, n = csv->len;
	buf_reset(field);
	*end_of_row = 0;
	if (i >= n)
		return 0;
	if (s[i] == '"') {
		for (i++; i < n; i++) {
			if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
				buf_appendc(field, s[i++]);
			else if (s[i] == '"')
				break;
			else
				buf_appendc(field, s[i]);
		}
		i++; /* the closing quote */
	} else {
		size_t start = i;
		while (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
			i++;
		buf_append(field, s + start, i - start);
	}
	if (i < n && s[i] == ',') {
		i++;
	} else {
		*end_of_row = 1;
		if (i < n && s[i] == '\r')
			i++;
		if (i < n && s[i] == '\n')
			i++;
	}
	*pos = i;
	return 1;
}

/* A paragraph "label: value", the label in bold. */
static void header_line(struct doc *d, const char *label, const char *value)
{
	struct doc_block *b = doc_add_block(d, DOC_PARAGRAPH, 0);
	char colon[8];
	snprintf(colon, sizeof(colon), "%s", !strcmp(d->lang, "fr") ? " : " : ": ");
	doc_add_text(b, label, strlen(label), DOC_BOLD);
	doc_add_text(b, colon, strlen(colon), DOC_BOLD);
	doc_add_text(b, value, strlen(value), 0);
}

/* The text of key, or NULL when no catalog knows it (i18n_get then gives the key itself). */
static const char *word(const struct i18n *t, const char *lang, const char *key)
{
	const char *s = i18n_get(t, lang, key);
	return strcmp(s, key) ? s : NULL;
}

/* The petition's header: addressee, territory, procedure, date printed, number of signatures. */
static void list_header(struct doc *d, const struct i18n *t, json_t *p, json_t *rule, long long count)
{
	const char *lang = d->lang;
	const char *rid = json_string_value(json_object_get(p, "rule"));
	const char *base = rid && strchr(rid, '/') ? strchr(rid, '/') + 1 : rid ? rid : "";
	char key[96], date[32], number[32];

	snprintf(key, sizeof(key), "petition_list_to_%s", base);
	const char *to = word(t, lang, key);
	if (!to)
		to = json_string_value(json_object_get(rule, "authority"));
	if (to)
		header_line(d, i18n_get(t, lang, "petition_list_addressed_to"), to);

	json_t *terr = json_object_get(p, "territory");
	const char *place = json_string_value(json_object_get(terr, !strcmp(lang, "ar") ? "name_ar" : "name_fr"));
	header_line(d, i18n_get(t, lang, "petition_list_territory"),
	            place ? place : i18n_get(t, lang, "petition_list_national"));

	json_t *titles = json_object_get(rule, "title");
	const char *procedure = json_string_value(json_object_get(titles, lang));
	if (!procedure)
		procedure = json_string_value(json_object_get(titles, "en"));
	if (procedure)
		header_line(d, i18n_get(t, lang, "petition_list_procedure"), procedure);

	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	header_line(d, i18n_get(t, lang, "petition_list_printed"), date);
	snprintf(number, sizeof(number), "%lld", count);
	header_line(d, i18n_get(t, lang, "petition_list_count"), number);
}

/* The table: a header row of the columns' names in the document's language, then the rows. */
static void list_table(struct doc *d, const struct i18n *t, const struct buf *csv)
{
	struct buf field = BUF_INIT;
	const char **cells = NULL;
	char **owned = NULL;
	size_t ncols = 0, acells = 0, aowned = 0, pos = 3; /* past the byte-order mark */
	int end = 0;
	long long row = 0;
	char key[96], number[32];

	if (csv->len < 3 || memcmp(csv->data, "\xEF\xBB\xBF", 3))
		pos = 0;
	/* The header: the number column, then one per rule column. */
	cells = xgrow(cells, &acells, 1, sizeof(*cells));
	cells[ncols++] = i18n_get(t, d->lang, "petition_list_col_number");
	while (!end && csv_field(csv, &pos, &field, &end)) {
		snprintf(key, sizeof(key), "petition_list_col_%s", buf_str(&field));
		const char *name = word(t, d->lang, key);
		owned = xgrow(owned, &aowned, ncols, sizeof(*owned));
		owned[ncols - 1] = xstrdup(name ? name : buf_str(&field));
		cells = xgrow(cells, &acells, ncols + 1, sizeof(*cells));
		cells[ncols] = owned[ncols - 1];
		ncols++;
	}
	doc_add_row(d, 1, cells, ncols);

	/* The rows: each field copied by doc_add_row, the scratch wiped. */
	struct buf line = BUF_INIT;
	size_t *start = xcalloc(ncols + 1, sizeof(*start));
	while (pos < csv->len) {
		size_t k = 1;
		buf_reset(&line);
		snprintf(number, sizeof(number), "%lld", ++row);
		end = 0;
		while (!end && csv_field(csv, &pos, &field, &end)) {
			if (k < ncols) {
				start[k++] = line.len;
				buf_append(&line, field.data ? field.data : "", field.len);
				buf_appendc(&line, '\0');
			}
			vault_buf_wipe(&field);
		}
		cells[0] = number;
		for (size_t c = 1; c < ncols; c++)
			cells[c] = c < k ? line.data + start[c] : "";
		doc_add_row(d, 0, cells, ncols);
		vault_buf_wipe(&line);
	}
	vault_buf_wipe(&line);
	vault_buf_wipe(&field);
	free(start);
	for (size_t c = 0; c + 1 < ncols; c++)
		free(owned[c]);
	free(owned);
	free(cells);
}

int petition_export_doc(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                        const char *lang, struct doc **out, long long *count, struct err *e)
{
	struct buf csv;
	json_t *p = NULL, *rule = NULL;
	struct i18n *t = NULL;
	struct doc *d = NULL;
	int r;

	*out = NULL;
	*count = 0;
	if (!lang || (strcmp(lang, "fr") && strcmp(lang, "en")))
		lang = "ar";
	buf_init(&csv, 0);
	if ((r = petition_export_csv(db, v, overrides_dir, petition_id, &csv, count, e)) ||
	    (r = petition_json_brief(db, petition_id, &p, e)) ||
	    (r = rules_load(overrides_dir, json_string_value(json_object_get(p, "rule")), &rule, e)))
		goto cleanup;
	/* A damaged override of the strings keeps the built-in ones (the load says so in e). */
	i18n_load(&t, overrides_dir, NULL);
	if (!t) {
		r = err_set(e, ERR_FORMAT, "the interface strings could not be read");
		goto cleanup;
	}

	d = doc_new(lang);
	d->landscape = 1;
	d->personal = 1;
	const char *title = json_string_value(json_object_get(p, "title"));
	doc_set(&d->title, title && *title ? title : i18n_get(t, lang, "petition_list_title"));
	const char *association = json_string_value(json_object_get(p, "association"));
	if (association && *association)
		doc_set(&d->organisation, association);
	list_header(d, t, p, rule, *count);
	list_table(d, t, &csv);
	*out = d;
cleanup:
	vault_buf_wipe(&csv);
	i18n_free(t);
	json_decref(p);
	json_decref(rule);
	return r;
}
