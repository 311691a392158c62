/*
 * QR codes of a petition's signing page, for flyers and posters (libqrencode): as SVG text
 * for print and the web, and as a PNG image drawn with cairo. Error correction level M
 * (15% of the symbol may be damaged), a quiet zone of 4 modules around it.
 */
#ifndef PETITION_QR_H
#define PETITION_QR_H
#include "base/buf.h"
#include "base/err.h"

/* Modules of white around the symbol, as the standard asks. */
#define QR_QUIET 4
/* Pixels per module in qr_png(). */
#define QR_PNG_SCALE 8

/*
 * Appends an SVG image of text's QR code to out: black modules on white, one path, a
 * viewBox in modules (the image scales), and title (escaped; may be NULL) as its <title>
 * for screen readers. ERR_TOO_BIG when text does not fit in a QR code; ERR_USAGE for an
 * empty text.
 */
int qr_svg(const char *text, const char *title, struct buf *out, struct err *e);
/*
 * Appends a PNG image of text's QR code to out (QR_PNG_SCALE pixels per module, the quiet
 * zone included). Errors as qr_svg(); ERR_IO when cairo cannot draw.
 */
int qr_png(const char *text, struct buf *out, struct err *e);
#endif
