/* Static files: the stylesheet and script (data/web/static/) and the fonts of the system. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/embed.h"
#include "base/fs.h"
#include "web/internal.h"
#include "base/banned.h"

static const struct {
	const char *path, *source, *ctype;
	int font;
} known[] = {
	{"/static/app.css", "web/static/app.css", "text/css; charset=utf-8", 0},
	{"/static/app.js", "web/static/app.js", "text/javascript; charset=utf-8", 0},
	{"/static/favicon.svg", "web/static/favicon.svg", "image/svg+xml", 0},
	/* Served from Debian's fonts-noto-core when installed: no font service, works offline. */
	{"/static/fonts/NotoNaskhArabic-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
	 "font/ttf", 1},
	{"/static/fonts/NotoNaskhArabic-Bold.ttf", "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf", "font/ttf",
	 1},
	{"/static/fonts/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "font/ttf", 1},
	{"/static/fonts/NotoSans-Bold.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf", "font/ttf", 1},
	{"/static/fonts/NotoSansTifinagh-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSansTifinagh-Regular.ttf",
	 "font/ttf", 1},
};

int web_assets_load(struct web *w, struct err *e)
{
	(void)e;
	w->assets = xcalloc(sizeof(known) / sizeof(*known), sizeof(*w->assets));
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
		struct buf b = BUF_INIT;
		char *over = NULL;
		if (!known[i].font) {
			/* a workspace may restyle the pages: overrides/web/static/app.css */
			over = fs_join(w->overrides, known[i].source);
			if (!fs_exists(over) || fs_read_file(over, 4u << 20, &b, NULL)) {
				const struct embed_file *f = embed_find(known[i].source);
				buf_reset(&b);
				if (f)
					buf_append(&b, f->data, f->size);
			}
		} else if (fs_read_file(known[i].source, 32u << 20, &b, NULL)) {
			buf_release(&b);
		}
		free(over);
		if (!b.data)
			continue;
		struct asset *a = &w->assets[w->nassets++];
		unsigned char h[crypto_generichash_BYTES];
		crypto_generichash(h, sizeof(h), (const unsigned char *)b.data, b.len, NULL, 0);
		sodium_bin2hex(a->hash, sizeof(a->hash), h, 8);
		a->path = known[i].path;
		a->ctype = known[i].ctype;
		a->size = b.len;
		a->data = buf_detach(&b);
	}
	return 0;
}

void web_assets_free(struct web *w)
{
	for (size_t i = 0; i < w->nassets; i++)
		free(w->assets[i].data);
	free(w->assets);
	w->assets = NULL;
	w->nassets = 0;
}

const struct asset *web_asset(struct web *w, const char *path)
{
	for (size_t i = 0; i < w->nassets; i++)
		if (!strcmp(w->assets[i].path, path))
			return &w->assets[i];
	return NULL;
}
