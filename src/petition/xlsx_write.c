/*
 * The signature list as an Excel workbook (libxlsxwriter). libxlsxwriter writes to a file:
 * the workbook is assembled in a private file of the workspace's tmp/ folder (mode 0600,
 * its own part files there too), read back, overwritten with zeros and removed, since it
 * holds personal data.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/alloc.h"
#include "base/fs.h"
#include "petition/petition.h"
#include "petition/vault.h"
#include "base/banned.h"

/* The most rows a sheet holds, the header included. */
#define SHEET_ROWS_MAX 1048576

struct sheet {
	lxw_worksheet *ws;
	lxw_format *head, *text;
};

/* A column's width in characters, by what it holds. */
static double column_width(const char *name)
{
	static const struct {
		const char *name;
		double width;
	} widths[] = {{"first_name", 20},   {"last_name", 22}, {"cin", 14},      {"address", 42},
	              {"commune_code", 15}, {"contact", 26},   {"signature", 24}};
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		if (!strcmp(widths[i].name, name))
			return widths[i].width;
	return 18;
}

static int write_row(void *ctx, long long row, const char *const *values, const size_t *lens, size_t n, struct err *e)
{
	(void)lens;
	struct sheet *s = ctx;
	if (row >= SHEET_ROWS_MAX)
		return err_set(e, ERR_TOO_BIG,
		               "the list has more than %d signatures, more than a sheet holds: export it as CSV",
		               SHEET_ROWS_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		if (row == 0)
			worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, column_width(values[i]), NULL);
		/* every value is text: an ID number or a code never becomes a number */
		lxw_error le = *values[i] ? worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)i, values[i],
		                                                   row ? s->text : s->head)
		                          : worksheet_write_blank(s->ws, (lxw_row_t)row, (lxw_col_t)i, s->text);
		if (le != LXW_NO_ERROR)
			return err_set(e, ERR_FORMAT, "row %lld, column %zu: %s", row + 1, i + 1, lxw_strerror(le));
	}
	return 0;
}

/* The workspace's tmp/ folder (beside the database), else $TMPDIR or /tmp. Caller frees. */
static char *private_dir(sqlite3 *db)
{
	const char *file = sqlite3_db_filename(db, "main");
	const char *slash = file ? strrchr(file, '/') : NULL;
	if (slash) {
		char *dir = xasprintf("%.*s/tmp", (int)(slash - file), file);
		if (!fs_mkdirs(dir, 0700, NULL))
			return dir;
		free(dir);
	}
	const char *t = getenv("TMPDIR");
	return xstrdup(t && *t ? t : "/tmp");
}

/* Reads the file at path into out, then overwrites it with zeros and removes it. */
static int take_and_wipe(const char *path, struct buf *out, struct err *e)
{
	int r = 0;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		r = err_set(e, ERR_IO, "a private file for the workbook cannot be read: %s", strerror(errno));
		goto done;
	}
	size_t size = (size_t)st.st_size, got = 0;
	buf_reset(out);
	char *zeros = xcalloc(1, 65536);
	/* grown once, so no copy of the bytes is left in freed memory */
	for (size_t k = 0; k < size; k += 65536)
		buf_append(out, zeros, size - k < 65536 ? size - k : 65536);
	while (got < size) {
		ssize_t n = read(fd, out->data + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = err_set(e, ERR_IO, "a private file for the workbook cannot be read: %s",
			            n < 0 ? strerror(errno) : "it is shorter than it says");
			break;
		}
		got += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) == 0)
		for (size_t k = 0; k < size;) {
			ssize_t n = write(fd, zeros, size - k < 65536 ? size - k : 65536);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			k += (size_t)n;
		}
	fsync(fd);
	free(zeros);
done:
	if (fd >= 0)
		close(fd);
	unlink(path);
	return r;
}

int petition_export_xlsx(sqlite3 *db, const struct vault *v, const char *overrides_dir, long long petition_id,
                         const char *lang, struct buf *out, long long *count, struct err *e)
{
	*count = 0;
	json_t *p = NULL;
	int r = petition_json_brief(db, petition_id, &p, e);
	if (r)
		return r;
	int ar = lang && !strcmp(lang, "ar");
	char *dir = private_dir(db);
	char *path = xasprintf("%s/petition-XXXXXX.xlsx", dir);
	int fd = mkstemps(path, 5);
	if (fd < 0) {
		r = err_set(e, ERR_IO, "%s: a private file for the workbook cannot be made: %s", dir, strerror(errno));
		goto done;
	}
	fchmod(fd, 0600);
	close(fd);
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = dir, .use_zip64 = LXW_FALSE};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb) {
		r = err_set(e, ERR_IO, "%s: the workbook cannot be written", dir);
		unlink(path);
		goto done;
	}
	char *title = xstrdup(json_string_value(json_object_get(p, "title")));
	lxw_doc_properties props = {0};
	props.title = title;
	props.subject = ar                            ? "قائمة التوقيعات"
	                : lang && !strcmp(lang, "fr") ? "Liste des signatures"
	                                              : "Signature list";
	props.comments = ar                            ? "معطيات شخصية (القانون 09-08)"
	                 : lang && !strcmp(lang, "fr") ? "Données personnelles (loi 09-08)"
	                                               : "Personal data (law 09-08)";
	workbook_set_properties(wb, &props);
	struct sheet s;
	s.ws = workbook_add_worksheet(wb, ar ? "التوقيعات" : "Signatures");
	s.head = workbook_add_format(wb);
	format_set_bold(s.head);
	format_set_num_format(s.head, "@");
	format_set_border(s.head, LXW_BORDER_THIN);
	format_set_bg_color(s.head, 0xE7E6E6);
	format_set_text_wrap(s.head);
	s.text = workbook_add_format(wb);
	format_set_num_format(s.text, "@");
	format_set_border(s.text, LXW_BORDER_THIN);
	format_set_align(s.text, LXW_ALIGN_VERTICAL_TOP);
	format_set_text_wrap(s.text);
	if (ar)
		worksheet_right_to_left(s.ws);
	worksheet_freeze_panes(s.ws, 1, 0);
	worksheet_repeat_rows(s.ws, 0, 0);
	worksheet_set_paper(s.ws, 9); /* A4 */
	worksheet_set_landscape(s.ws);
	worksheet_fit_to_pages(s.ws, 1, 0);
	r = petition_export_rows(db, v, overrides_dir, petition_id, write_row, &s, count, e);
	lxw_error le = workbook_close(wb);
	free(title);
	if (!r && le != LXW_NO_ERROR)
		r = err_set(e, ERR_IO, "%s: the workbook cannot be written: %s", dir, lxw_strerror(le));
	if (r) {
		struct buf junk = BUF_INIT;
		take_and_wipe(path, &junk, NULL);
		vault_buf_wipe(&junk);
	} else {
		r = take_and_wipe(path, out, e);
	}
done:
	json_decref(p);
	free(path);
	free(dir);
	return r;
}
