/*
 * Glyph runs drawn for PDF readers (pdf_draw.h). Pango's renderer hands cairo right-to-left
 * runs with backward clusters, and cairo then writes Arabic glyphs from right to left:
 * poppler (pdftotext, and our own ingest) reads such files with words cut apart and lines
 * mixed. Written left to right, like LibreOffice writes them, they come back in reading order.
 *
 * Threads: fontconfig is initialised once (pthread_once); each thread uses its own pango
 * font map (pango_cairo_font_map_get_default() is per thread and kept for the thread's
 * life, so fonts are loaded once per thread).
 */
#include "export/pdf_draw.h"

#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "export/doc.h"
#include "base/banned.h"

#define PT(v) ((double)(v) / PANGO_SCALE)

static pthread_once_t pdf_once = PTHREAD_ONCE_INIT;

static int pdf_initialised;

static void pdf_init_once(void)
{
	/* Loading fontconfig's configuration and caches is the slow, shared part. */
	FcInit();
	__atomic_store_n(&pdf_initialised, 1, __ATOMIC_RELEASE);
}

void pdf_draw_init(void)
{
	pthread_once(&pdf_once, pdf_init_once);
}

void export_release(void)
{
	if (!__atomic_load_n(&pdf_initialised, __ATOMIC_ACQUIRE))
		return;
	/* This thread's font map, then fontconfig's configuration. Not cairo's static caches
	   (cairo_debug_reset_static_data): that asserts no font is referenced any more, which
	   pango does not promise right after the last layout is gone, and it aborted at exit. */
	pango_cairo_font_map_set_default(NULL);
	FcFini();
}

PangoContext *pdf_draw_context(int rtl, const char *lang)
{
	PangoContext *ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
	cairo_font_options_t *fo = cairo_font_options_create();
	/* Points on paper: no hinting, no rounding of advances to device pixels. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(ctx, 72);
	pango_context_set_round_glyph_positions(ctx, FALSE);
	pango_context_set_base_dir(ctx, rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
	pango_context_set_language(ctx, pango_language_from_string(lang));
	return ctx;
}

PangoLayout *pdf_draw_layout_new(PangoContext *ctx, const PangoFontDescription *font, double size, int bold,
                                 double width)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_copy_static(font);
	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	return l;
}

cairo_status_t pdf_draw_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdf_draw_out *o = closure;
	if (buf_append(o->out, data, len)) {
		o->failed = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

void pdf_draw_scratch_release(struct pdf_draw_scratch *s)
{
	free(s->glyphs);
	free(s->clusters);
	buf_release(&s->runtext);
}

/*
 * Draws one glyph run with its left edge at x on the baseline y: glyphs left to right,
 * each cluster with the text it stands for (in logical order inside the cluster).
 */
static double run_draw(cairo_t *cr, const char *text, const PangoGlyphItem *run, double x, double y,
                       struct pdf_draw_scratch *s)
{
	const PangoGlyphString *gs = run->glyphs;
	const PangoItem *item = run->item;
	int rtl = item->analysis.level & 1;
	size_t ng = 0, nc = 0;
	double gx = x;
	cairo_scaled_font_t *font = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(item->analysis.font));

	s->glyphs = xgrow(s->glyphs, &s->aglyphs, (size_t)gs->num_glyphs + 1, sizeof(*s->glyphs));
	s->clusters = xgrow(s->clusters, &s->aclusters, (size_t)gs->num_glyphs + 1, sizeof(*s->clusters));
	buf_reset(&s->runtext);
#if PANGO_VERSION_CHECK(1, 50, 0)
	y -= PT(run->y_offset); /* a raised run: the citation marks */
#endif
	for (int i = 0; i < gs->num_glyphs;) {
		int start = gs->log_clusters[i], end = i;
		int drawn = 0;
		while (end < gs->num_glyphs && gs->log_clusters[end] == start)
			end++;
		/* The cluster's text ends where the next cluster in logical order starts. */
		int text_end = item->length;
		if (rtl && i > 0)
			text_end = gs->log_clusters[i - 1];
		else if (!rtl && end < gs->num_glyphs)
			text_end = gs->log_clusters[end];
		for (int k = i; k < end; k++) {
			const PangoGlyphInfo *g = &gs->glyphs[k];
			if (g->glyph != PANGO_GLYPH_EMPTY && !(g->glyph & PANGO_GLYPH_UNKNOWN_FLAG)) {
				s->glyphs[ng].index = g->glyph;
				s->glyphs[ng].x = gx + PT(g->geometry.x_offset);
				s->glyphs[ng].y = y + PT(g->geometry.y_offset);
				ng++;
				drawn++;
			}
			gx += PT(g->geometry.width);
		}
		if (drawn && text_end > start) {
			buf_append(&s->runtext, text + item->offset + start, (size_t)(text_end - start));
			s->clusters[nc].num_bytes = text_end - start;
			s->clusters[nc].num_glyphs = drawn;
			nc++;
		} else if (drawn && nc) {
			s->clusters[nc - 1].num_glyphs += drawn;
		} else if (drawn) {
			ng -= (size_t)drawn; /* glyphs with no text at the start of a run: none in practice */
		}
		i = end;
	}
	if (font && ng && cairo_scaled_font_status(font) == CAIRO_STATUS_SUCCESS) {
		cairo_set_scaled_font(cr, font);
		cairo_show_text_glyphs(cr, buf_str(&s->runtext), (int)s->runtext.len, s->glyphs, (int)ng, s->clusters,
		                       (int)nc, 0);
	}
	return gx;
}

void pdf_draw_line(cairo_t *cr, PangoLayout *layout, PangoLayoutLine *line, double x, double baseline,
                   struct pdf_draw_scratch *s)
{
	const char *text = pango_layout_get_text(layout);
	for (GSList *r = line->runs; r; r = r->next)
		x = run_draw(cr, text, r->data, x, baseline, s);
}

void pdf_draw_layout(cairo_t *cr, PangoLayout *layout, double x, double top, struct pdf_draw_scratch *s)
{
	PangoLayoutIter *it = pango_layout_get_iter(layout);
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		pdf_draw_line(cr, layout, pango_layout_iter_get_line_readonly(it), x + PT(r.x),
		              top + PT(pango_layout_iter_get_baseline(it)), s);
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}
