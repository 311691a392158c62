/*
 * PDF through poppler-glib. Each page's text (poppler gives it in reading order,
 * right-to-left lines in logical order) is split into paragraphs on blank lines;
 * every block carries its 1-based page.
 *
 * Poppler's own diagnostics for damaged files ("Syntax Error ...") go through the
 * callback poppler-glib installs, which hands them to g_log at INFO level in the
 * "Poppler" domain; glib's default handler prints INFO only when G_MESSAGES_DEBUG
 * asks for it, so nothing reaches stderr by default.
 */
#include <poppler.h>
#include <string.h>

#include "hub/extract.h"
#include "hub/extract_priv.h"
#include "base/banned.h"

/*
 * Where to look for the end-of-file marker. Writers put it last, though some
 * servers append a little junk; a file cut short (an interrupted download) has
 * none near its end.
 */
#define EOF_WINDOW 8192

static int has_eof_marker(const unsigned char *data, size_t n)
{
	size_t from = n > EOF_WINDOW ? n - EOF_WINDOW : 0;
	return extract_find(data + from, n - from, "%%EOF", 5) != NULL;
}

int extract_pdf(const char *name, const unsigned char *data, size_t n, struct extract *x, struct err *e)
{
	GBytes *bytes = NULL;
	GError *gerr = NULL;
	PopplerDocument *doc = NULL;
	int rc = 0;

	/*
	 * Poppler repairs what it can of a cut-off file and would hand back only the
	 * pages it found; silently taking in half a document is worse than refusing it.
	 */
	if (!has_eof_marker(data, n)) {
		rc = err_set(e, ERR_FORMAT, "%s: the file is damaged or incomplete (truncated PDF)", name);
		goto cleanup;
	}
	/* Static: the document is freed before this function returns, so data outlives it. */
	bytes = g_bytes_new_static(data, n);
	doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	if (!doc) {
		if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
			rc = err_set(e, ERR_ENCRYPTED,
				     "%s: the PDF is protected by a password; save a copy without the password (or ask "
				     "for one) and add that instead",
				     name);
		else
			rc = err_set(e, ERR_FORMAT, "%s: the file is damaged or incomplete (not a readable PDF)", name);
		goto cleanup;
	}
	int pages = poppler_document_get_n_pages(doc);
	x->pages = pages > 0 ? pages : 0;
	for (int i = 0; i < pages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (!page) {
			rc = err_set(e, ERR_FORMAT, "%s: the file is damaged (page %d cannot be read)", name, i + 1);
			goto cleanup;
		}
		char *text = poppler_page_get_text(page);
		g_object_unref(page);
		if (text)
			rc = extract_paragraphs(x, text, strlen(text), i + 1, name, e);
		g_free(text);
		if (rc < 0)
			goto cleanup;
	}
	if (pages <= 0) {
		rc = err_set(e, ERR_EMPTY, "%s: the PDF has no pages", name);
		goto cleanup;
	}
	if (!x->n) {
		rc = err_set(e, ERR_EMPTY,
			     "%s: the PDF has no text layer (it looks like a scanned image); run text recognition "
			     "(OCR) on it first, for example with ocrmypdf, then add the result",
			     name);
		goto cleanup;
	}
	char *title = poppler_document_get_title(doc);
	if (title)
		extract_set_title(x, title, strlen(title));
	g_free(title);
cleanup:
	if (doc)
		g_object_unref(doc);
	if (bytes)
		g_bytes_unref(bytes);
	if (gerr)
		g_error_free(gerr);
	return rc;
}
