/* Reading the first worksheet of an XLSX workbook, row by row (libzip and libxml2's streaming reader). */
#include "petition/xlsx_read.h"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "petition/vault.h"
#include "base/banned.h"

#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
/* Caps for the small parts: relationships and the workbook's list of sheets. */
#define SMALL_MAX (16u << 20)

struct xlsx {
	char *name;
	zip_t *za;
	char *sheet; /* the first sheet's part, "xl/worksheets/sheet1.xml" */
	unsigned long long sheet_size, unpacked, done;

	/* the shared strings, each NUL-terminated in one buffer */
	struct buf sst;
	size_t *sst_off, nsst, sst_alloc;

	/* the part being streamed */
	zip_file_t *zf;
	xmlTextReaderPtr r;
	int xml_line, too_big, damaged;
	const char *part;

	struct xlsx_row row;
	struct buf cells[XLSX_MAX_COLUMNS];
	struct buf val;
	long long last_row;
};

void xlsx_column_name(int col, char out[8])
{
	char rev[8];
	int n = 0;
	for (col++; col > 0 && n < 7; col = (col - 1) / 26)
		rev[n++] = (char)('A' + (col - 1) % 26);
	for (int i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	out[n] = 0;
}

/* Clears b's text and keeps its memory for the next value. */
static void wipe(struct buf *b)
{
	if (b->data)
		sodium_memzero(b->data, b->len);
	buf_reset(b);
}

/* ---- the archive ---- */

#if LIBXML_VERSION >= 21200
static void xml_error(void *ctx, const xmlError *err)
#else
static void xml_error(void *ctx, xmlErrorPtr err)
#endif
{
	struct xlsx *x = ctx;
	if (x && !x->xml_line && err)
		x->xml_line = err->line > 0 ? err->line : -1;
}

static int missing(struct xlsx *x, const char *member, struct err *e)
{
	return err_set(e, ERR_FORMAT,
	               "%s: not an Excel workbook (XLSX), or a damaged one: %s is missing (an OpenDocument .ods "
	               "file? save it as .xlsx or as CSV UTF-8)",
	               x->name, member);
}

static zip_int64_t locate(struct xlsx *x, const char *member)
{
	zip_int64_t idx = zip_name_locate(x->za, member, 0);
	return idx >= 0 ? idx : zip_name_locate(x->za, member, ZIP_FL_NOCASE);
}

/* Opens member for reading; its declared size must fit what is left under the cap. */
static int member_open(struct xlsx *x, const char *member, int required, unsigned long long *size, struct err *e)
{
	zip_int64_t idx = locate(x, member);
	if (idx < 0)
		return required ? missing(x, member, e) : 1;
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) < 0)
		return err_set(e, ERR_FORMAT, "%s: the file is damaged (%s cannot be found in it)", x->name, member);
	if ((st.valid & ZIP_STAT_SIZE) && st.size > XLSX_MAX_UNZIPPED - x->unpacked)
		return err_set(e, ERR_TOO_BIG,
		               "%s: too big to take in: %s would unpack to more than %llu MB (a damaged or hostile "
		               "file?); nothing was imported",
		               x->name, member, XLSX_MAX_UNZIPPED >> 20);
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
		return err_set(e, ERR_ENCRYPTED,
		               "%s: the workbook is protected by a password; save a copy without the password",
		               x->name);
	if (size)
		*size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
	x->zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!x->zf)
		return err_set(e, ERR_FORMAT, "%s: the file is damaged (%s cannot be unpacked)", x->name, member);
	x->part = member;
	x->too_big = x->damaged = 0;
	x->xml_line = 0;
	return 0;
}

static int stream_read(void *ctx, char *out, int len)
{
	struct xlsx *x = ctx;
	zip_int64_t got = zip_fread(x->zf, out, (zip_uint64_t)len);
	if (got < 0) {
		x->damaged = 1;
		return -1;
	}
	x->unpacked += (unsigned long long)got;
	x->done += (unsigned long long)got;
	if (x->unpacked > XLSX_MAX_UNZIPPED) {
		x->too_big = 1;
		return -1;
	}
	return (int)got;
}

static void stream_close(struct xlsx *x)
{
	if (x->r)
		xmlFreeTextReader(x->r);
	x->r = NULL;
	if (x->zf)
		zip_fclose(x->zf);
	x->zf = NULL;
}

/* Opens member as a stream of XML nodes. 1 when it is missing and not required. */
static int stream_open(struct xlsx *x, const char *member, int required, unsigned long long *size, struct err *e)
{
	int r = member_open(x, member, required, size, e);
	if (r)
		return r;
	xmlInitParser();
	x->r = xmlReaderForIO(stream_read, NULL, x, member, NULL, XML_OPTS);
	if (!x->r) {
		stream_close(x);
		return err_set(e, ERR_FORMAT, "%s: the file is damaged (%s cannot be read)", x->name, member);
	}
	xmlTextReaderSetStructuredErrorHandler(x->r, xml_error, x);
	return 0;
}

/* Why the reader stopped with an error. */
static int stream_fail(struct xlsx *x, struct err *e)
{
	if (x->too_big)
		return err_set(e, ERR_TOO_BIG,
		               "%s: too big to take in: it unpacks to more than %llu MB (a damaged or hostile file?); "
		               "nothing was imported",
		               x->name, XLSX_MAX_UNZIPPED >> 20);
	if (x->damaged)
		return err_set(e, ERR_FORMAT, "%s: the file is damaged or incomplete (%s cannot be unpacked)", x->name,
		               x->part);
	if (x->xml_line > 0)
		return err_set(e, ERR_FORMAT, "%s: the file is damaged (%s is broken at line %d)", x->name, x->part,
		               x->xml_line);
	return err_set(e, ERR_FORMAT, "%s: the file is damaged (%s is broken)", x->name, x->part);
}

/* One step of the reader: 1 a node, 0 the end; a DTD is refused (no workbook part has one). */
static int step(struct xlsx *x, struct err *e)
{
	int rc = xmlTextReaderRead(x->r);
	if (rc < 0)
		return stream_fail(x, e);
	if (rc == 1 && xmlTextReaderNodeType(x->r) == XML_READER_TYPE_DOCUMENT_TYPE)
		return err_set(e, ERR_FORMAT, "%s: the file is damaged (%s declares a DTD)", x->name, x->part);
	if (rc == 0 && x->damaged)
		return stream_fail(x, e);
	return rc;
}

static int is_element(struct xlsx *x, const char *local)
{
	return xmlTextReaderNodeType(x->r) == XML_READER_TYPE_ELEMENT &&
	       !strcmp((const char *)xmlTextReaderConstLocalName(x->r), local);
}

static int is_end(struct xlsx *x, const char *local)
{
	return xmlTextReaderNodeType(x->r) == XML_READER_TYPE_END_ELEMENT &&
	       !strcmp((const char *)xmlTextReaderConstLocalName(x->r), local);
}

static char *attr(struct xlsx *x, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(x->r, BAD_CAST name);
	char *s = v ? xstrdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

/* The value of an attribute whose local name is local and that has a namespace (r:id). */
static char *attr_ns_local(struct xlsx *x, const char *local)
{
	char *out = NULL;
	if (xmlTextReaderMoveToFirstAttribute(x->r) != 1)
		return NULL;
	do {
		const char *ln = (const char *)xmlTextReaderConstLocalName(x->r);
		if (xmlTextReaderConstNamespaceUri(x->r) && ln && !strcmp(ln, local)) {
			out = xstrdup((const char *)xmlTextReaderConstValue(x->r));
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(x->r) == 1);
	xmlTextReaderMoveToElement(x->r);
	return out;
}

/* A part named by a relationship's Target, relative to the folder of the part that names it. */
static char *resolve(const char *from, const char *target)
{
	if (*target == '/')
		return xstrdup(target + 1);
	const char *slash = strrchr(from, '/');
	struct buf b = BUF_INIT;
	buf_append(&b, from, slash ? (size_t)(slash - from) + 1 : 0);
	while (!strncmp(target, "../", 3)) {
		target += 3;
		if (b.len)
			b.len--; /* the trailing slash */
		while (b.len && b.data[b.len - 1] != '/')
			b.len--;
	}
	buf_appends(&b, target);
	return buf_detach(&b);
}

/* Finds in the relationships part rels the target of the relationship with this Id, or whose Type ends with type. */
static int find_rel(struct xlsx *x, const char *rels, const char *from, const char *id, const char *type, char **out,
                    struct err *e)
{
	*out = NULL;
	int r = stream_open(x, rels, 1, NULL, e);
	if (r)
		return r;
	while (!*out && (r = step(x, e)) == 1) {
		if (!is_element(x, "Relationship"))
			continue;
		char *rid = attr(x, "Id"), *rtype = attr(x, "Type"), *target = attr(x, "Target");
		size_t tl = rtype ? strlen(rtype) : 0, wl = type ? strlen(type) : 0;
		if (target && ((id && rid && !strcmp(rid, id)) || (type && tl >= wl && !strcmp(rtype + tl - wl, type))))
			*out = resolve(from, target);
		free(rid);
		free(rtype);
		free(target);
	}
	stream_close(x);
	return r < 0 ? r : 0;
}

/* ---- shared strings ---- */

static void sst_push(struct xlsx *x, const struct buf *text)
{
	x->sst_off = xgrow(x->sst_off, &x->sst_alloc, x->nsst + 1, sizeof(*x->sst_off));
	x->sst_off[x->nsst++] = x->sst.len;
	buf_append(&x->sst, text->data ? text->data : "", text->len);
	buf_append(&x->sst, "", 1);
}

/* Appends the text node's value to b, keeping at most XLSX_CELL_MAX + 1 bytes (more marks a cell too long). */
static void take_text(struct xlsx *x, struct buf *b)
{
	const char *v = (const char *)xmlTextReaderConstValue(x->r);
	if (!v || b->len > XLSX_CELL_MAX)
		return;
	size_t n = strlen(v), room = XLSX_CELL_MAX + 1 - b->len;
	buf_append(b, v, n < room ? n : room);
}

static int is_text_node(struct xlsx *x)
{
	int t = xmlTextReaderNodeType(x->r);
	return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA || t == XML_READER_TYPE_WHITESPACE ||
	       t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

static int read_shared_strings(struct xlsx *x, const char *part, struct err *e)
{
	int r = stream_open(x, part, 1, NULL, e);
	int in_si = 0, in_t = 0, in_rph = 0;
	if (r)
		return r;
	while ((r = step(x, e)) == 1) {
		if (is_element(x, "si")) {
			wipe(&x->val);
			if (xmlTextReaderIsEmptyElement(x->r))
				sst_push(x, &x->val);
			else
				in_si = 1;
		} else if (in_si && is_element(x, "rPh")) {
			in_rph = !xmlTextReaderIsEmptyElement(x->r);
		} else if (in_si && !in_rph && is_element(x, "t")) {
			in_t = !xmlTextReaderIsEmptyElement(x->r);
		} else if (in_t && is_text_node(x)) {
			take_text(x, &x->val);
		} else if (is_end(x, "t")) {
			in_t = 0;
		} else if (is_end(x, "rPh")) {
			in_rph = 0;
		} else if (in_si && is_end(x, "si")) {
			sst_push(x, &x->val);
			in_si = 0;
		}
	}
	stream_close(x);
	wipe(&x->val);
	return r < 0 ? r : 0;
}

/* ---- the sheet ---- */

/* A cell reference ("C7") as its 0-based column; -1 when it is not one. */
static int ref_column(const char *ref)
{
	int col = 0, letters = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++, letters++)
		col = col * 26 + (*ref - 'A' + 1);
	if (!letters || letters > 3 || *ref < '1' || *ref > '9')
		return -1;
	return col - 1;
}

/* A number as its digits: 5081, not 5081.0 or 5.081E3; other numbers in their shortest exact form. */
static void number_text(const char *s, struct buf *out)
{
	char *end = NULL;
	double d = strtod(s, &end);
	while (end && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (end == s || !end || *end || !isfinite(d)) {
		buf_appends(out, s);
		return;
	}
	char text[64];
	if (d == floor(d) && fabs(d) < 1e15)
		snprintf(text, sizeof(text), "%.0f", d == 0 ? 0.0 : d);
	else
		snprintf(text, sizeof(text), "%.15g", d);
	buf_appends(out, text);
}

/* The cell just read (type t, text in x->val) into its column. */
static int end_cell(struct xlsx *x, int col, const char *t, struct err *e)
{
	struct buf *out = col < XLSX_MAX_COLUMNS ? &x->cells[col] : &x->val;
	char cname[8];
	xlsx_column_name(col, cname);
	const char *v = x->val.data ? x->val.data : "";
	int too_long = x->val.len > XLSX_CELL_MAX;
	if (col < XLSX_MAX_COLUMNS)
		wipe(out);
	if (t && !strcmp(t, "s")) {
		char *end = NULL;
		unsigned long long i = strtoull(v, &end, 10);
		if (!*v || end == v || *end || i >= x->nsst)
			return err_set(
			    e, ERR_FORMAT,
			    "%s: the file is damaged (%s, cell %s%lld refers to shared text %s, which is not "
			    "there)",
			    x->name, x->part, cname, x->row.number, *v ? v : "(none)");
		const char *s = x->sst.data + x->sst_off[i];
		size_t n = strlen(s);
		too_long = n > XLSX_CELL_MAX;
		if (col < XLSX_MAX_COLUMNS)
			buf_append(out, s, too_long ? XLSX_CELL_MAX : n);
	} else if (t && !strcmp(t, "b")) {
		if (*v && col < XLSX_MAX_COLUMNS)
			buf_appends(out, strcmp(v, "0") ? "TRUE" : "FALSE");
	} else if (t && !strcmp(t, "e")) {
		if (!x->row.bad[0])
			snprintf(x->row.bad, sizeof(x->row.bad),
			         "column %s: the cell shows an error (%.32s), not a value", cname, v);
	} else if (t && strcmp(t, "n")) { /* inlineStr, str (a formula's text), d (a date as text) */
		if (col < XLSX_MAX_COLUMNS)
			buf_append(out, v, too_long ? XLSX_CELL_MAX : x->val.len);
	} else if (*v && col < XLSX_MAX_COLUMNS) {
		number_text(v, out);
	}
	if (too_long && !x->row.bad[0])
		snprintf(x->row.bad, sizeof(x->row.bad), "column %s: longer than %d bytes", cname, XLSX_CELL_MAX);
	int empty = col < XLSX_MAX_COLUMNS ? out->len == 0 : (!*v && (!t || strcmp(t, "s")));
	if (!empty && col + 1 > x->row.ncells)
		x->row.ncells = col + 1;
	if (col >= XLSX_MAX_COLUMNS)
		wipe(&x->val);
	return 0;
}

/* Reads the sheet up to the next row that holds a cell. 1: a row; 0: the end. */
static int sheet_next(struct xlsx *x, struct err *e)
{
	int r, in_row = 0, in_cell = 0, in_is = 0, in_rph = 0, collect = 0, col = -1;
	char *t = NULL;
	while ((r = step(x, e)) == 1) {
		if (is_element(x, "row")) {
			char *num = attr(x, "r");
			long long n = num ? strtoll(num, NULL, 10) : 0;
			free(num);
			x->row.number = n > 0 ? n : x->last_row + 1;
			x->last_row = x->row.number;
			x->row.ncells = 0;
			x->row.bad[0] = 0;
			for (int i = 0; i < XLSX_MAX_COLUMNS; i++)
				wipe(&x->cells[i]);
			col = -1;
			in_row = !xmlTextReaderIsEmptyElement(x->r);
		} else if (in_row && is_element(x, "c")) {
			char *ref = attr(x, "r");
			int c = ref ? ref_column(ref) : col + 1;
			free(ref);
			if (c < 0) {
				r = err_set(e, ERR_FORMAT,
				            "%s: the file is damaged (%s, row %lld: a cell without a place)", x->name,
				            x->part, x->row.number);
				break;
			}
			col = c;
			free(t);
			t = attr(x, "t");
			wipe(&x->val);
			in_cell = 1;
			if (xmlTextReaderIsEmptyElement(x->r)) {
				in_cell = 0;
				if ((r = end_cell(x, col, t, e)))
					break;
			}
		} else if (in_cell && is_element(x, "v")) {
			collect = !xmlTextReaderIsEmptyElement(x->r);
		} else if (in_cell && is_element(x, "is")) {
			in_is = !xmlTextReaderIsEmptyElement(x->r);
		} else if (in_is && is_element(x, "rPh")) {
			in_rph = !xmlTextReaderIsEmptyElement(x->r);
		} else if (in_is && !in_rph && is_element(x, "t")) {
			collect = !xmlTextReaderIsEmptyElement(x->r);
		} else if (collect && is_text_node(x)) {
			take_text(x, &x->val);
		} else if (is_end(x, "v") || is_end(x, "t")) {
			collect = 0;
		} else if (is_end(x, "rPh")) {
			in_rph = 0;
		} else if (is_end(x, "is")) {
			in_is = 0;
		} else if (in_cell && is_end(x, "c")) {
			in_cell = 0;
			if ((r = end_cell(x, col, t, e)))
				break;
		} else if (in_row && is_end(x, "row")) {
			in_row = 0;
			if (x->row.ncells || x->row.bad[0]) {
				r = 1;
				break;
			}
		}
	}
	free(t);
	wipe(&x->val);
	if (r == 1)
		for (int i = 0; i < XLSX_MAX_COLUMNS; i++) {
			x->row.cell[i] = x->cells[i].data ? x->cells[i].data : "";
			x->row.len[i] = x->cells[i].len;
		}
	return r;
}

static int sheet_start(struct xlsx *x, struct err *e)
{
	x->done = 0;
	x->last_row = 0;
	return stream_open(x, x->sheet, 1, &x->sheet_size, e);
}

/* ---- opening ---- */

int xlsx_open(const char *path, const char *name, struct xlsx **out, struct err *e)
{
	*out = NULL;
	struct xlsx *x = xcalloc(1, sizeof(*x));
	x->name = xstrdup(name ? name : path);
	buf_init(&x->sst, 0);
	buf_init(&x->val, 0);
	for (int i = 0; i < XLSX_MAX_COLUMNS; i++)
		buf_init(&x->cells[i], 0);
	char *workbook = NULL, *wrels = NULL, *rid = NULL, *sst = NULL;
	int r = 0, zerr = 0;
	x->za = zip_open(path, ZIP_RDONLY, &zerr);
	if (!x->za) {
		if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ || zerr == ZIP_ER_NOENT)
			r = err_set(e, ERR_IO, "%s: cannot read the file", x->name);
		else
			r = err_set(
			    e, ERR_FORMAT,
			    "%s: not a complete Excel workbook (XLSX): the archive is damaged or cut short (was "
			    "the download or copy finished?); nothing was imported",
			    x->name);
		goto done;
	}
	/* the package's relationships name the workbook part; most files use the usual place */
	r = find_rel(x, "_rels/.rels", "", NULL, "/officeDocument", &workbook, e);
	if (r == ERR_FORMAT && locate(x, "_rels/.rels") < 0) {
		err_clear(e);
		r = 0;
	}
	if (r)
		goto done;
	if (!workbook)
		workbook = xstrdup("xl/workbook.xml");
	if ((r = stream_open(x, workbook, 1, NULL, e)))
		goto done;
	while (!rid && (r = step(x, e)) == 1)
		if (is_element(x, "sheet"))
			rid = attr_ns_local(x, "id");
	stream_close(x);
	if (r < 0)
		goto done;
	if (!rid) {
		r = err_set(e, ERR_FORMAT, "%s: the workbook has no sheet (%s lists none)", x->name, workbook);
		goto done;
	}
	{
		const char *slash = strrchr(workbook, '/');
		wrels = slash ? xasprintf("%.*s_rels/%s.rels", (int)(slash - workbook + 1), workbook, slash + 1)
		              : xasprintf("_rels/%s.rels", workbook);
	}
	if ((r = find_rel(x, wrels, workbook, rid, NULL, &x->sheet, e)))
		goto done;
	if (!x->sheet) {
		r = err_set(e, ERR_FORMAT, "%s: the file is damaged (%s does not say where the first sheet is)",
		            x->name, wrels);
		goto done;
	}
	if ((r = find_rel(x, wrels, workbook, NULL, "/sharedStrings", &sst, e)))
		goto done;
	if (sst && locate(x, sst) >= 0 && (r = read_shared_strings(x, sst, e)))
		goto done;
	/* the whole sheet once: a damaged or oversized file is refused before any row is used */
	unsigned long long before = x->unpacked;
	if ((r = sheet_start(x, e)))
		goto done;
	while ((r = sheet_next(x, e)) == 1)
		;
	stream_close(x);
	if (r < 0)
		goto done;
	x->unpacked = before;
	r = sheet_start(x, e);
done:
	free(workbook);
	free(wrels);
	free(rid);
	free(sst);
	if (r) {
		xlsx_close(x);
		return r;
	}
	*out = x;
	return 0;
}

int xlsx_next(struct xlsx *x, const struct xlsx_row **row, struct err *e)
{
	*row = NULL;
	if (!x->r)
		return 0;
	int r = sheet_next(x, e);
	if (r == 1)
		*row = &x->row;
	else
		stream_close(x);
	return r;
}

void xlsx_progress(const struct xlsx *x, unsigned long long *done, unsigned long long *total)
{
	*total = x->sheet_size > x->done ? x->sheet_size : x->done;
	*done = x->done;
}

void xlsx_close(struct xlsx *x)
{
	if (!x)
		return;
	stream_close(x);
	if (x->za)
		zip_discard(x->za);
	vault_buf_wipe(&x->sst);
	vault_buf_wipe(&x->val);
	for (int i = 0; i < XLSX_MAX_COLUMNS; i++)
		vault_buf_wipe(&x->cells[i]);
	free(x->sst_off);
	free(x->sheet);
	free(x->name);
	free(x);
}
