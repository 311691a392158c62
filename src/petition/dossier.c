/* The dossier for filing a petition: one PDF, or a ZIP of numbered parts with a manifest (dossier.h). */
#include "petition/dossier.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "campaign/campaign.h"
#include "draft/draft.h"
#include "export/doc.h"
#include "export/office.h"
#include "petition/check.h"
#include "petition/petition.h"
#include "petition/rules.h"
#include "petition/vault.h"
#include "store/db.h"
#include "base/banned.h"

const char *const dossier_parts[] = {"01-petition.pdf",        "01-petition.docx",  "02-memo.pdf",
                                     "03-agent-committee.pdf", "04-signatures.pdf", "04-signatures.csv",
                                     "05-annexes.pdf",         "README.txt",        NULL};

/* What the dossier is made of, read once. */
struct src {
	long long id, draft_id, committee, members; /* committee, members: -1 when not recorded */
	char *title, *association, *association_since, *agent, *deputy, *purged_at;
	json_t *petition; /* petition_json: territory names, signature counts */
	json_t *check;    /* petition_check */
	json_t *campaign; /* campaign_json */
	json_t *draft;    /* draft_json of the latest version (NULL: no draft) */
	json_t *type;     /* the draft's type definition */
	const struct i18n *t;
	const char *lang;
	char today[11];
};

static void src_release(struct src *s)
{
	free(s->title);
	free(s->association);
	free(s->association_since);
	free(s->agent);
	free(s->deputy);
	free(s->purged_at);
	json_decref(s->petition);
	json_decref(s->check);
	json_decref(s->campaign);
	json_decref(s->draft);
	json_decref(s->type);
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long long jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static int filled(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

/* A field of the draft's latest version, "" when empty or when there is no draft. */
static const char *field(const struct src *s, const char *name)
{
	const char *v = json_string_value(json_object_get(json_object_get(s->draft, "values"), name));
	return filled(v) ? v : "";
}

/* What the petition records, else the draft's field. */
static const char *recorded(const char *own, const struct src *s, const char *name)
{
	return filled(own) ? own : field(s, name);
}

#define W(key) i18n_get(s->t, s->lang, key)

/* The text of key with {name} filled in. Caller frees. */
static char *fill(const struct src *s, const char *key, const char *name, const char *value)
{
	struct buf b = BUF_INIT;
	const char *names[] = {name}, *values[] = {value};
	i18n_format(W(key), names, values, 1, &b);
	return buf_detach(&b);
}

static int load(sqlite3 *db, const char *overrides, long long id, struct src *s, struct err *e)
{
	sqlite3_stmt *st =
	    db_prepare(db, "SELECT title, draft_id, association, association_since, association_members, "
	                   "agent_name, deputy_name, committee_size, purged_at FROM petitions WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	int r = petition_row_step(db, st, id, e);
	if (r)
		return r;
	s->id = id;
	s->title = petition_col_dup(st, 0);
	s->draft_id = petition_col_int(st, 1) > 0 ? petition_col_int(st, 1) : 0;
	s->association = petition_col_dup(st, 2);
	s->association_since = petition_col_dup(st, 3);
	s->members = petition_col_int(st, 4);
	s->agent = petition_col_dup(st, 5);
	s->deputy = petition_col_dup(st, 6);
	s->committee = petition_col_int(st, 7);
	s->purged_at = petition_col_dup(st, 8);
	sqlite3_finalize(st);
	if (s->purged_at)
		return err_set(e, ERR_USAGE,
		               "the personal data of petition %lld was deleted on %s: without its list of signatories "
		               "there is no dossier to file",
		               id, s->purged_at);
	if ((r = petition_json(db, id, &s->petition, e)) || (r = petition_check(db, overrides, id, &s->check, e)) ||
	    (r = campaign_json(db, jint(s->petition, "campaign_id"), &s->campaign, e)))
		return r;
	if (s->draft_id && !draft_json(db, overrides, s->draft_id, 0, &s->draft, NULL))
		draft_type(overrides, jstr(s->draft, "type"), &s->type, NULL);
	return 0;
}

/* Every part that is missing, as the admissibility check sees them; ERR_USAGE naming them. */
static int check_parts(const struct src *s, struct err *e)
{
	struct buf why = BUF_INIT;
	if (!s->draft) {
		buf_appends(&why, "the petition's text (no draft holds it: start one with asurif draft new --type "
		                  "petition-... and give it with --draft when starting the petition)");
	} else {
		size_t i;
		json_t *m;
		struct buf names = BUF_INIT;
		json_array_foreach(json_object_get(s->draft, "missing"), i, m)
		{
			const char *name =
			    json_is_string(m) ? json_string_value(m) : json_string_value(json_object_get(m, "name"));
			buf_appendf(&names, "%s%s", i ? ", " : "", name ? name : "?");
		}
		if (names.len)
			buf_appendf(&why, "required fields of draft %lld still empty: %s", s->draft_id,
			            buf_str(&names));
		buf_release(&names);
		if (!filled(field(s, "reasons")) && !filled(field(s, "objectives")))
			buf_appendf(&why,
			            "%sthe memo of reasons and objectives (the draft's fields reasons and objectives "
			            "are empty)",
			            why.len ? "; " : "");
	}
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(s->check, "conditions"), i, c)
	{
		const char *id = jstr(c, "id");
		if ((!strcmp(id, "agent") || !strcmp(id, "committee")) && !strcmp(jstr(c, "status"), "fail"))
			buf_appendf(&why, "%sthe %s: %s", why.len ? "; " : "", id, jstr(c, "reason"));
	}
	if (jint(json_object_get(s->petition, "signatures"), "valid") <= 0)
		buf_appendf(&why, "%sthe list of signatories (no signature is recorded)", why.len ? "; " : "");
	int r = 0;
	if (why.len)
		r = err_set(e, ERR_USAGE, "the dossier of petition %lld cannot be made, parts are missing: %s", s->id,
		            buf_str(&why));
	buf_release(&why);
	return r;
}

/* ---- building documents ---- */

static void text_block(struct doc *d, enum doc_block_type type, int level, const char *text, unsigned style)
{
	struct doc_block *b = doc_add_block(d, type, level);
	doc_add_text(b, text, strlen(text), style);
}

/* A label and its value on one line: "label: value". */
static void labelled(struct doc *d, const char *label, const char *value)
{
	if (!filled(value))
		return;
	struct doc_block *b = doc_add_block(d, DOC_PARAGRAPH, 0);
	doc_add_text(b, label, strlen(label), DOC_BOLD);
	doc_add_text(b, " ", 1, 0);
	doc_add_text(b, value, strlen(value), 0);
}

/* Text typed in a form: paragraphs at blank lines, the lines of a paragraph kept. */
static void paragraphs(struct doc *d, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *one = xstrndup(p, n);
		if (filled(one))
			text_block(d, DOC_PARAGRAPH, 0, one, 0);
		free(one);
		p += n;
		while (*p == '\n' || *p == '\r')
			p++;
	}
}

/* One item per line. */
static void items(struct doc *d, enum doc_block_type type, const char *list)
{
	int n = 0;
	for (const char *p = list; *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *one = xstrndup(p, len);
		if (filled(one)) {
			struct doc_block *b = doc_add_block(d, type, 1);
			b->number = ++n;
			doc_add_text(b, one, strlen(one), 0);
		}
		free(one);
		p += len + (end != NULL);
	}
}

static struct doc *part_doc(const struct src *s, const char *title_key)
{
	struct doc *d = doc_new(s->lang);
	doc_set(&d->title, W(title_key));
	doc_set(&d->date, s->title);
	const char *org = recorded(s->association, s, "association_name");
	doc_set(&d->organisation, filled(org) ? org : NULL);
	return d;
}

static struct doc *memo_doc(const struct src *s)
{
	struct doc *d = part_doc(s, "dossier_part_memo");
	if (filled(field(s, "reasons"))) {
		text_block(d, DOC_HEADING, 1, W("dossier_reasons"), 0);
		paragraphs(d, field(s, "reasons"));
	}
	if (filled(field(s, "objectives"))) {
		text_block(d, DOC_HEADING, 1, W("dossier_objectives"), 0);
		paragraphs(d, field(s, "objectives"));
	}
	if (filled(field(s, "requests"))) {
		text_block(d, DOC_HEADING, 1, W("dossier_requests"), 0);
		items(d, DOC_NUMBERED, field(s, "requests"));
	}
	return d;
}

static struct doc *agent_doc(const struct src *s)
{
	struct doc *d = part_doc(s, "dossier_part_agent");
	text_block(d, DOC_HEADING, 1, W("dossier_agent"), 0);
	labelled(d, W("dossier_name"), recorded(s->agent, s, "agent_name"));
	labelled(d, W("dossier_address"), field(s, "agent_address"));
	const char *deputy = recorded(s->deputy, s, "deputy_name");
	if (filled(deputy)) {
		text_block(d, DOC_HEADING, 1, W("dossier_deputy"), 0);
		labelled(d, W("dossier_name"), deputy);
		labelled(d, W("dossier_address"), field(s, "deputy_address"));
	}
	char num[32];
	if (s->committee >= 0 || filled(field(s, "committee"))) {
		text_block(d, DOC_HEADING, 1, W("dossier_committee"), 0);
		if (s->committee >= 0) {
			snprintf(num, sizeof(num), "%lld", s->committee);
			labelled(d, W("dossier_committee_size"), num);
		}
		labelled(d, W("dossier_committee_meeting"), field(s, "committee_meeting_date"));
		items(d, DOC_NUMBERED, field(s, "committee"));
	}
	if (filled(field(s, "initiators"))) {
		text_block(d, DOC_HEADING, 1, W("dossier_initiators"), 0);
		items(d, DOC_BULLET, field(s, "initiators"));
	}
	const char *assoc = recorded(s->association, s, "association_name");
	if (filled(assoc)) {
		text_block(d, DOC_HEADING, 1, W("dossier_association"), 0);
		labelled(d, W("dossier_name"), assoc);
		labelled(d, W("dossier_assoc_since"), recorded(s->association_since, s, "association_since"));
		labelled(d, W("dossier_assoc_seat"), field(s, "association_seat"));
		if (s->members >= 0)
			snprintf(num, sizeof(num), "%lld", s->members);
		labelled(d, W("dossier_assoc_members"), s->members >= 0 ? num : field(s, "association_members"));
	}
	return d;
}

static struct doc *annexes_doc(const struct src *s, const struct doc *text)
{
	struct doc *d = part_doc(s, "dossier_part_annexes");
	text_block(d, DOC_HEADING, 1, W("dossier_checklist"), 0);
	char *intro = fill(s, "dossier_checklist_intro", "date", jstr(s->check, "today"));
	text_block(d, DOC_PARAGRAPH, 0, intro, 0);
	free(intro);
	char counted[32], required[32];
	snprintf(counted, sizeof(counted), "%lld", jint(s->check, "counted"));
	snprintf(required, sizeof(required), "%lld", jint(s->check, "required"));
	struct buf b = BUF_INIT;
	const char *names[] = {"counted", "required"}, *values[] = {counted, required};
	i18n_format(W("dossier_counted"), names, values, 2, &b);
	text_block(d, DOC_PARAGRAPH, 0, buf_str(&b), DOC_BOLD);
	buf_release(&b);
	const char *head[] = {W("dossier_col_condition"), W("dossier_col_status"), W("dossier_col_source")};
	doc_add_row(d, 1, head, 3);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(s->check, "conditions"), i, c)
	{
		char key[96], skey[48], fkey[64];
		snprintf(key, sizeof(key), "petition_cond_%s", jstr(c, "id"));
		for (char *k = key; *k; k++)
			if (*k == '.')
				*k = '_';
		snprintf(skey, sizeof(skey), "petition_check_%s", jstr(c, "status"));
		snprintf(fkey, sizeof(fkey), "petition_figure_%s", jstr(c, "rule_status"));
		struct buf src = BUF_INIT;
		if (*jstr(c, "rule_source"))
			buf_appendf(&src, "%s (%s%s%s)", jstr(c, "rule_source"), W(fkey),
			            json_is_true(json_object_get(c, "overridden")) ? ", " : "",
			            json_is_true(json_object_get(c, "overridden")) ? W("petition_overridden") : "");
		const char *label = W(key);
		const char *mark = !strcmp(jstr(c, "status"), "pass")   ? "✓ "
		                   : !strcmp(jstr(c, "status"), "fail") ? "✗ "
		                                                        : "? ";
		struct buf st = BUF_INIT;
		buf_appendf(&st, "%s%s", mark, W(skey));
		const char *cells[] = {strcmp(label, key) ? label : jstr(c, "id"), buf_str(&st), buf_str(&src)};
		doc_add_row(d, 0, cells, 3);
		buf_release(&src);
		buf_release(&st);
	}
	/* the sources themselves are the document's annex, which every exporter prints last */
	if (text->nsources) {
		text_block(d, DOC_PARAGRAPH, 0, W("dossier_sources_note"), 0);
		for (size_t k = 0; k < text->nsources; k++)
			doc_add_source(d, &text->sources[k]);
	} else {
		text_block(d, DOC_PARAGRAPH, 0, W("dossier_no_sources"), 0);
	}
	return d;
}

/* Appends src's blocks to dst, headings shift levels down (at most 3); citations follow sources moved by offset. */
static void append_doc(struct doc *dst, const struct doc *src, int shift, int offset)
{
	for (size_t i = 0; i < src->nblocks; i++) {
		const struct doc_block *b = &src->blocks[i];
		if (b->type == DOC_ROW) {
			const char **cells = xcalloc(b->nspans + 1, sizeof(*cells));
			for (size_t k = 0; k < b->nspans; k++)
				cells[k] = b->spans[k].text ? b->spans[k].text : "";
			doc_add_row(dst, b->level, cells, b->nspans);
			free(cells);
			continue;
		}
		int level = b->type == DOC_HEADING ? (b->level + shift > 3 ? 3 : b->level + shift) : b->level;
		struct doc_block *nb = doc_add_block(dst, b->type, level);
		nb->number = b->number;
		for (size_t k = 0; k < b->nspans; k++) {
			const struct doc_span *sp = &b->spans[k];
			if (sp->text)
				doc_add_text(nb, sp->text, strlen(sp->text), sp->style);
			else
				doc_add_cite(nb, sp->cite + offset);
		}
	}
	if (src->personal)
		dst->personal = 1;
}

/* The council addressed: the draft's field, else the campaign's target, else the rule set's title. */
static const char *council(const struct src *s)
{
	static const char *const fields[] = {"commune_council", "province_council", "region_council", "house"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (filled(field(s, fields[i])))
			return field(s, fields[i]);
	if (filled(jstr(s->campaign, "target")))
		return jstr(s->campaign, "target");
	return draft_text(json_object_get(s->type, "title"), s->lang);
}

static struct doc *whole_doc(const struct src *s, struct doc *const parts[5])
{
	static const char *const part_keys[] = {"dossier_part_petition", "dossier_part_memo", "dossier_part_agent",
	                                        "dossier_part_signatures", "dossier_part_annexes"};
	struct doc *d = doc_new(s->lang);
	doc_set(&d->title, W("dossier_title"));
	doc_set(&d->date, s->today);
	const char *org = recorded(s->association, s, "association_name");
	doc_set(&d->organisation, filled(org) ? org : NULL);
	/* the cover */
	text_block(d, DOC_PARAGRAPH, 0, s->title ? s->title : "", DOC_BOLD);
	labelled(d, W("dossier_addressed_to"), council(s));
	json_t *terr = json_object_get(s->petition, "territory");
	struct buf place = BUF_INIT;
	if (json_is_object(terr))
		buf_appendf(&place, "%s (%s)", jstr(terr, !strcmp(s->lang, "ar") ? "name_ar" : "name_fr"),
		            jstr(terr, "code"));
	else
		buf_appends(&place, W("level_national"));
	labelled(d, W("dossier_territory"), buf_str(&place));
	buf_release(&place);
	labelled(d, W("dossier_filed_by"), org);
	labelled(d, W("dossier_agent_line"), recorded(s->agent, s, "agent_name"));
	labelled(d, W("dossier_legal_basis"), draft_text(json_object_get(s->type, "legal_basis"), s->lang));
	labelled(d, W("dossier_date"), s->today);
	text_block(d, DOC_HEADING, 1, W("dossier_contents"), 0);
	for (int i = 0; i < 5; i++) {
		struct doc_block *b = doc_add_block(d, DOC_NUMBERED, 1);
		b->number = i + 1;
		doc_add_text(b, W(part_keys[i]), strlen(W(part_keys[i])), 0);
	}
	/* the parts; the petition's text keeps its citations, whose sources end the document */
	for (int i = 0; i < 5; i++) {
		char head[256];
		snprintf(head, sizeof(head), "%d. %s", i + 1, W(part_keys[i]));
		doc_add_block(d, DOC_PAGEBREAK, 0); /* the cover, then each part, on pages of their own */
		text_block(d, DOC_HEADING, 1, head, 0);
		if (i == 0 && parts[0]->title)
			text_block(d, DOC_HEADING, 2, parts[0]->title, 0);
		int offset = (int)d->nsources;
		if (i == 0)
			for (size_t k = 0; k < parts[0]->nsources; k++)
				doc_add_source(d, &parts[0]->sources[k]);
		/* the annexes' own copy of the sources is the document's annex, printed last */
		append_doc(d, parts[i], 1, i == 0 ? offset : 0);
	}
	return d;
}

/* ---- the ZIP ---- */

static void sha256_hex(const struct buf *b, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)(b->data ? b->data : ""), b->len);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

static int zip_dossier(const struct src *s, struct doc *const parts[5], const struct buf *csv, struct buf *out,
                       int *files, struct err *e)
{
	static const char *const labels[] = {
	    "dossier_file_petition_pdf", "dossier_file_petition_docx",  "dossier_file_memo",   "dossier_file_agent",
	    "dossier_file_signatures",   "dossier_file_signatures_csv", "dossier_file_annexes"};
	struct office_zip z = OFFICE_ZIP_INIT;
	struct buf part = BUF_INIT, readme = BUF_INIT, sums = BUF_INIT;
	int r = office_zip_open(&z, e);
	if (r)
		return r;
	buf_appendf(&readme, "%s\n%s\n%s — %s\n\n%s\n\n", W("dossier_title"), s->title ? s->title : "", council(s),
	            s->today, W("dossier_readme_intro"));
	for (int i = 0; i < 7 && !r; i++) {
		buf_reset(&part);
		switch (i) {
		case 0:
			r = export_pdf(parts[0], &part, e);
			break;
		case 1:
			r = export_docx(parts[0], &part, e);
			break;
		case 2:
			r = export_pdf(parts[1], &part, e);
			break;
		case 3:
			r = export_pdf(parts[2], &part, e);
			break;
		case 4:
			r = export_pdf(parts[3], &part, e);
			break;
		case 5:
			buf_append(&part, csv->data ? csv->data : "", csv->len);
			break;
		case 6:
			r = export_pdf(parts[4], &part, e);
			break;
		}
		if (r) {
			err_prefix(e, "%s", dossier_parts[i]);
			break;
		}
		char hex[65];
		sha256_hex(&part, hex);
		buf_appendf(&readme, "%s  %s\n", dossier_parts[i], W(labels[i]));
		buf_appendf(&sums, "%s  %s\n", hex, dossier_parts[i]);
		r = office_zip_add(&z, dossier_parts[i], &part, 0, e);
	}
	if (!r) {
		buf_appendf(&readme, "\n%s\n\n%s", W("dossier_readme_check"), buf_str(&sums));
		r = office_zip_add(&z, "README.txt", &readme, 0, e);
	}
	if (!r)
		r = office_zip_finish(&z, out, e);
	office_zip_discard(&z);
	vault_buf_wipe(&part);
	buf_release(&readme);
	buf_release(&sums);
	*files = 8;
	return r;
}

int petition_dossier(sqlite3 *db, const struct vault *v, const struct i18n *t, const char *overrides_dir, long long id,
                     const char *lang, enum dossier_format format, struct buf *out, struct dossier_info *info,
                     struct err *e)
{
	struct src s;
	memset(&s, 0, sizeof(s));
	memset(info, 0, sizeof(*info));
	s.t = t;
	petition_today(s.today);
	struct doc *parts[5] = {NULL, NULL, NULL, NULL, NULL};
	struct doc *whole = NULL;
	struct buf csv = BUF_INIT;
	long long count = 0;
	if (lang && strcmp(lang, "ar") && strcmp(lang, "fr"))
		return err_set(e, ERR_USAGE, "the dossier is written in ar or fr, not \"%s\"", lang);
	int r = load(db, overrides_dir, id, &s, e);
	if (r)
		goto done;
	if ((r = check_parts(&s, e)))
		goto done;
	s.lang = lang ? lang : (!strcmp(jstr(s.draft, "lang"), "fr") ? "fr" : "ar");
	snprintf(info->lang, sizeof(info->lang), "%s", s.lang);
	if ((r = draft_render(db, overrides_dir, s.draft_id, 0, 0, &parts[0], e)))
		goto done;
	/* the list as a document (list_doc.c) and as CSV: the same columns and rows */
	if ((r = petition_export_doc(db, v, overrides_dir, id, s.lang, &parts[3], &count, e)) ||
	    (r = petition_export_csv(db, v, overrides_dir, id, &csv, &count, e)))
		goto done;
	info->signatures = count;
	doc_set(&parts[3]->title, i18n_get(t, s.lang, "dossier_part_signatures"));
	doc_set(&parts[3]->date, s.title);
	parts[1] = memo_doc(&s);
	parts[2] = agent_doc(&s);
	parts[4] = annexes_doc(&s, parts[0]);
	if (format == DOSSIER_PDF) {
		whole = whole_doc(&s, parts);
		r = export_pdf(whole, out, e);
	} else {
		r = zip_dossier(&s, parts, &csv, out, &info->files, e);
	}
	if (r)
		err_prefix(e, "the dossier of petition %lld", id);
done:
	vault_buf_wipe(&csv);
	doc_free(whole);
	for (int i = 0; i < 5; i++)
		doc_free(parts[i]);
	src_release(&s);
	return r;
}
