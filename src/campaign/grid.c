/*
 * The stakeholders' power-interest grid as SVG text: power up, interest towards the end of
 * the line (to the left on a right-to-left page), the four quadrants named, each stakeholder
 * a shape by position with its name beside it, and the whole list in <desc> as the text
 * alternative. Everything a person wrote is escaped for XML here: the result goes into
 * pages as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/escape.h"
#include "campaign/campaign.h"
#include "campaign/internal.h"
#include "store/db.h"
#include "base/banned.h"

/* The drawing's geometry, in viewBox units. */
#define W          480
#define PLOT_H     320
#define TOP        8
#define AXIS       34 /* room for the power axis, on the start side */
#define END_PAD    8
#define PLOT_W     (W - AXIS - END_PAD)
#define NAME_CHARS 16

static void xml_text(struct buf *b, const char *s)
{
	escape_markup(b, s);
}

/* The first max characters of s, with "…" when cut. */
static void xml_clipped(struct buf *b, const char *s, size_t max)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max)
			break;
	}
	if (!s[i]) {
		xml_text(b, s);
		return;
	}
	char *cut = xstrndup(s, i);
	xml_text(b, cut);
	buf_appends(b, "…");
	free(cut);
}

/* The x of a point at fraction f (0 to 1) of the plot's width, from the start side. */
static double px(const struct campaign_grid_labels *l, double f)
{
	return l->rtl ? W - AXIS - f * PLOT_W : AXIS + f * PLOT_W;
}

struct sh {
	char *name, *type, *position;
	int power, interest;
};

static void shape(struct buf *b, const char *position, double x, double y)
{
	if (!strcmp(position, "ally"))
		buf_appendf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"#1b7f3b\" stroke=\"#fff\"/>", x, y);
	else if (!strcmp(position, "opponent"))
		buf_appendf(b, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"#b3261e\" stroke=\"#fff\"/>", x,
		            y - 8, x + 8, y + 6, x - 8, y + 6);
	else
		buf_appendf(b,
		            "<rect x=\"%.1f\" y=\"%.1f\" width=\"13\" height=\"13\" fill=\"#4f5b62\" stroke=\"#fff\"/>",
		            x - 6.5, y - 6.5);
}

/* Whether a text reads right to left: its first letter of a strong direction is Arabic or Hebrew. */
static int text_rtl(const char *s, int fallback)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= 0xC3 && *p <= 0xD5))
			return 0; /* Latin (with accents), Greek, Cyrillic */
		if (*p >= 0xD6 && *p <= 0xDF)
			return 1; /* Hebrew, Arabic, Syriac, Thaana, N'Ko */
		if (*p == 0xEF && p[1] >= 0xAC && p[1] <= 0xBB)
			return 1; /* Arabic presentation forms */
	}
	return fallback;
}

static const char *position_label(const struct campaign_grid_labels *l, const char *position)
{
	return !strcmp(position, "ally") ? l->ally : !strcmp(position, "opponent") ? l->opponent : l->neutral;
}

int campaign_grid_svg(sqlite3 *db, long long campaign_id, const struct campaign_grid_labels *l, char **svg,
                      struct err *e)
{
	*svg = NULL;
	if (campaign_exists(db, campaign_id, e))
		return ERR_NOTFOUND;
	struct sh *v = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *st = db_prepare(db, "SELECT name, type, position, power, interest FROM stakeholders "
	                                  "WHERE campaign_id = ?1 ORDER BY id");
	sqlite3_bind_int64(st, 1, campaign_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = xgrow(v, &alloc, n + 1, sizeof(*v));
		v[n].name = xstrdup(db_text(st, 0));
		v[n].type = xstrdup(db_text(st, 1));
		v[n].position = xstrdup(db_text(st, 2));
		v[n].power = sqlite3_column_int(st, 3);
		v[n].interest = sqlite3_column_int(st, 4);
		n++;
	}
	sqlite3_finalize(st);

	const int legend_y = TOP + PLOT_H + 62, height = legend_y + 22;
	const char *anchor_end = "end"; /* with direction set, "end" is the line's end on either page */
	const char *comma = l->rtl ? "، " : ", ";
	struct buf b = BUF_INIT;
	buf_appendf(
	    &b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"grid-svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-labelledby=\"grid-title-%lld grid-desc-%lld\" direction=\"%s\" font-family=\"Noto Naskh Arabic, "
	    "Noto Sans, sans-serif\" font-size=\"13\"",
	    W, height, campaign_id, campaign_id, l->rtl ? "rtl" : "ltr");
	if (l->lang) {
		buf_appends(&b, " xml:lang=\"");
		xml_text(&b, l->lang);
		buf_appendc(&b, '"');
	}
	buf_appendf(&b, "><title id=\"grid-title-%lld\">", campaign_id);
	xml_text(&b, l->title);
	buf_appendf(&b, "</title><desc id=\"grid-desc-%lld\">", campaign_id);
	xml_text(&b, l->desc);
	if (!n) {
		buf_appendc(&b, ' ');
		xml_text(&b, l->none);
	}
	for (size_t i = 0; i < n; i++) {
		buf_appendc(&b, ' ');
		xml_text(&b, v[i].name);
		buf_appends(&b, " (");
		xml_text(&b, l->power);
		buf_appendf(&b, " %d/5%s", v[i].power, comma);
		xml_text(&b, l->interest);
		buf_appendf(&b, " %d/5%s", v[i].interest, comma);
		xml_text(&b, position_label(l, v[i].position));
		buf_appends(&b, ").");
	}
	buf_appends(&b, "</desc>");

	/* The quadrants: the one to manage closely (power and interest) stands out. */
	const double half_w = PLOT_W / 2.0, half_h = PLOT_H / 2.0;
	const struct {
		double fx, fy; /* the quadrant's start corner, as fractions */
		const char *fill, *label;
	} quads[] = {
	    {0, 0, "#f3f1ea", l->keep_satisfied},
	    {0.5, 0, "#e3efe9", l->manage_closely},
	    {0, 0.5, "#f7f7f7", l->monitor},
	    {0.5, 0.5, "#eef2f6", l->keep_informed},
	};
	for (size_t q = 0; q < ARRAY_SIZE(quads); q++) {
		double x0 = px(l, quads[q].fx), x1 = px(l, quads[q].fx + 0.5);
		double y0 = TOP + quads[q].fy * PLOT_H;
		buf_appendf(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
		            x0 < x1 ? x0 : x1, y0, half_w, half_h, quads[q].fill);
		/* the quadrant's name in its outer corner, away from the middle where stakeholders crowd */
		double tx = (quads[q].fx == 0 ? px(l, 0.02) : px(l, 0.98));
		double ty = quads[q].fy == 0 ? y0 + 16 : y0 + half_h - 8;
		buf_appendf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"#4a5560\" font-size=\"12\">", tx,
		            ty, quads[q].fx == 0 ? "start" : anchor_end);
		xml_text(&b, quads[q].label);
		buf_appends(&b, "</text>");
	}
	buf_appendf(&b,
	            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#8a949c\"/>"
	            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#8a949c\" stroke-dasharray=\"4 3\"/>"
	            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#8a949c\" stroke-dasharray=\"4 3\"/>",
	            l->rtl ? END_PAD : AXIS, TOP, PLOT_W, PLOT_H, px(l, 0.5), TOP, px(l, 0.5), TOP + PLOT_H,
	            l->rtl ? END_PAD : AXIS, TOP + half_h, l->rtl ? W - AXIS : W - END_PAD, TOP + half_h);

	/* The axes: power on the start side, read upwards; interest under the plot. */
	double ax = l->rtl ? W - AXIS / 2.0 + 4 : AXIS / 2.0 - 4;
	buf_appendf(&b,
	            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-weight=\"bold\" "
	            "transform=\"rotate(-90 %.1f %d)\">",
	            ax, TOP + PLOT_H / 2, ax, TOP + PLOT_H / 2);
	xml_text(&b, l->power);
	buf_appends(&b, "</text>");
	buf_appendf(&b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a5560\">", ax,
	            TOP + 12);
	xml_text(&b, l->high);
	buf_appendf(&b, "</text><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#4a5560\">",
	            ax, TOP + PLOT_H - 4);
	xml_text(&b, l->low);
	buf_appends(&b, "</text>");
	int ay = TOP + PLOT_H + 20;
	buf_appendf(&b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"start\" font-size=\"11\" fill=\"#4a5560\">", px(l, 0),
	            ay);
	xml_text(&b, l->low);
	buf_appendf(&b, "</text><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-weight=\"bold\">", px(l, 0.5),
	            ay);
	xml_text(&b, l->interest);
	buf_appendf(&b, " %s</text>", l->rtl ? "←" : "→");
	buf_appendf(&b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" fill=\"#4a5560\">", px(l, 1),
	            ay);
	xml_text(&b, l->high);
	buf_appends(&b, "</text>");

	/* The stakeholders: those of one cell stacked around its centre. */
	for (size_t i = 0; i < n; i++) {
		int in_cell = 0, k = 0;
		for (size_t j = 0; j < n; j++) {
			if (v[j].power == v[i].power && v[j].interest == v[i].interest) {
				if (j < i)
					k++;
				in_cell++;
			}
		}
		double cell_h = PLOT_H / 5.0, step = in_cell > 1 ? (cell_h - 8) / in_cell : 0;
		if (step > 16)
			step = 16;
		double x = px(l, (v[i].interest - 0.5) / 5.0 - 0.07);
		double y = TOP + (5 - v[i].power + 0.5) * cell_h + (k - (in_cell - 1) / 2.0) * step;
		buf_appends(&b, "<g class=\"stakeholder\"><title>");
		xml_text(&b, v[i].name);
		buf_appends(&b, " — ");
		xml_text(&b, l->power);
		buf_appendf(&b, " %d/5%s", v[i].power, comma);
		xml_text(&b, l->interest);
		buf_appendf(&b, " %d/5%s", v[i].interest, comma);
		xml_text(&b, position_label(l, v[i].position));
		buf_appends(&b, "</title>");
		shape(&b, v[i].position, x, y);
		/* the name on the line's end side of its mark, in its own direction */
		int name_rtl = text_rtl(v[i].name, l->rtl);
		buf_appendf(&b,
		            "<text x=\"%.1f\" y=\"%.1f\" direction=\"%s\" text-anchor=\"%s\" font-size=\"12\" "
		            "fill=\"#1f2a30\">",
		            l->rtl ? x - 10 : x + 10, y + 4, name_rtl ? "rtl" : "ltr",
		            name_rtl == l->rtl ? "start" : "end");
		xml_clipped(&b, v[i].name, NAME_CHARS);
		buf_appends(&b, "</text></g>");
	}

	/* The legend. */
	const char *positions[] = {"ally", "neutral", "opponent"};
	for (int i = 0; i < 3; i++) {
		double x = px(l, 0.02 + i * 0.33);
		shape(&b, positions[i], x + (l->rtl ? -7 : 7), legend_y - 4);
		buf_appendf(&b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"start\">", l->rtl ? x - 20 : x + 20, legend_y);
		xml_text(&b, position_label(l, positions[i]));
		buf_appends(&b, "</text>");
	}
	buf_appends(&b, "</svg>");
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].type);
		free(v[i].position);
	}
	free(v);
	*svg = buf_detach(&b);
	return 0;
}
