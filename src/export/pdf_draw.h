/*
 * What the PDF writers share (export/pdf.c, petition/sheets.c): fontconfig initialised once,
 * a pango context for points on paper, and pango layouts drawn glyph run by glyph run with
 * cairo_show_text_glyphs, glyphs left to right and each cluster with the text it stands for.
 * Pango's own renderer writes Arabic runs right to left, and PDF readers (pdftotext, poppler,
 * our own ingest) then read the words back broken.
 */
#ifndef EXPORT_PDF_DRAW_H
#define EXPORT_PDF_DRAW_H
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stddef.h>

#include "base/buf.h"

/* Reused between runs; starts as PDF_DRAW_SCRATCH_INIT, freed by pdf_draw_scratch_release. */
struct pdf_draw_scratch {
	cairo_glyph_t *glyphs;
	size_t aglyphs;
	cairo_text_cluster_t *clusters;
	size_t aclusters;
	struct buf runtext;
};

#define PDF_DRAW_SCRATCH_INIT {.runtext = BUF_INIT}

void pdf_draw_scratch_release(struct pdf_draw_scratch *s);

/* Loads fontconfig's configuration and caches once for the process (any thread). */
void pdf_draw_init(void);

/* A pango context for the calling thread's font map: 72 units an inch, no hinting, no rounding
   of glyph positions, the page's base direction and language. Free with g_object_unref. */
PangoContext *pdf_draw_context(int rtl, const char *lang);

/* A layout in font at size points (bold or not), wrapped at width points between words (inside
   a word too long for a line). Free with g_object_unref. */
PangoLayout *pdf_draw_layout_new(PangoContext *ctx, const PangoFontDescription *font, double size, int bold,
                                 double width);

/* Where a cairo PDF surface writes (pdf_draw_write): appended to out; failed set when it could
   not grow. */
struct pdf_draw_out {
	struct buf *out;
	int failed;
};

cairo_status_t pdf_draw_write(void *closure, const unsigned char *data, unsigned int len);

/* Draws one line of layout whose left edge is x (alignment included) on the baseline. */
void pdf_draw_line(cairo_t *cr, PangoLayout *layout, PangoLayoutLine *line, double x, double baseline,
                   struct pdf_draw_scratch *s);

/* Draws layout with its box's top left corner at (x, top). */
void pdf_draw_layout(cairo_t *cr, PangoLayout *layout, double x, double top, struct pdf_draw_scratch *s);

#endif
