/* QR codes as SVG and PNG: libqrencode makes the modules, we draw them. */
#include "petition/qr.h"

#include <cairo.h>
#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "base/escape.h"
#include "base/banned.h"

static int encode(const char *text, QRcode **out, struct err *e)
{
	*out = NULL;
	if (!text || !*text)
		return err_set(e, ERR_USAGE, "nothing to put in a QR code");
	errno = 0;
	*out = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!*out)
		return err_set(e, errno == ERANGE ? ERR_TOO_BIG : ERR_USAGE, "%zu bytes do not fit in a QR code",
		               strlen(text));
	return 0;
}

static void xml_text(struct buf *b, const char *s)
{
	escape_markup(b, s);
}

int qr_svg(const char *text, const char *title, struct buf *out, struct err *e)
{
	QRcode *q;
	int r = encode(text, &q, e);
	if (r)
		return r;
	int size = q->width + 2 * QR_QUIET;
	buf_appendf(out,
	            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	            "role=\"img\" shape-rendering=\"crispEdges\">",
	            size, size, size * QR_PNG_SCALE, size * QR_PNG_SCALE);
	if (title && *title) {
		buf_appends(out, "<title>");
		xml_text(out, title);
		buf_appends(out, "</title>");
	}
	buf_appendf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size);
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width; x++) {
			if (!(q->data[y * q->width + x] & 1))
				continue;
			/* a run of dark modules on the row is one rectangle */
			int run = 1;
			while (x + run < q->width && (q->data[y * q->width + x + run] & 1))
				run++;
			buf_appendf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run - 1;
		}
	}
	buf_appends(out, "\"/></svg>\n");
	QRcode_free(q);
	return 0;
}

static cairo_status_t write_png(void *closure, const unsigned char *data, unsigned int length)
{
	return buf_append(closure, data, length) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int qr_png(const char *text, struct buf *out, struct err *e)
{
	QRcode *q;
	int r = encode(text, &q, e);
	if (r)
		return r;
	int px = (q->width + 2 * QR_QUIET) * QR_PNG_SCALE;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, px, px);
	cairo_t *cr = cairo_create(s);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				cairo_rectangle(cr, (x + QR_QUIET) * QR_PNG_SCALE, (y + QR_QUIET) * QR_PNG_SCALE,
				                QR_PNG_SCALE, QR_PNG_SCALE);
	cairo_fill(cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	cairo_status_t st = cairo_surface_status(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(s, write_png, out);
	cairo_surface_destroy(s);
	QRcode_free(q);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(e, ERR_IO, "drawing the QR code: %s", cairo_status_to_string(st));
	return 0;
}
