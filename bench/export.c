/*
 * Export speed: a 10-page Arabic memorandum with 30 citations, written in every format,
 * against LibreOffice converting the same DOCX to PDF (the way an association would
 * otherwise make its PDF), measured in the same run.
 *
 *   export TEXT_FILE... [--runs N] [--soffice]
 *
 * The text files give the paragraphs (one per non-empty line, repeated as needed); the
 * document grows until our PDF has 10 pages. Prints one JSON object.
 */
#include <poppler.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "base/buf.h"
#include "base/fs.h"
#include "export/doc.h"

struct para {
	char **v;
	size_t n, alloc;
};

static void read_paragraphs(const char *path, struct para *p)
{
	struct buf b = BUF_INIT;
	if (fs_read_file(path, 16u << 20, &b, NULL)) {
		fprintf(stderr, "export: cannot read %s\n", path);
		exit(1);
	}
	for (char *s = b.data; s && *s;) {
		char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n > 80) {
			p->v = xgrow(p->v, &p->alloc, p->n + 1, sizeof(*p->v));
			p->v[p->n++] = xstrndup(s, n);
		}
		s = nl ? nl + 1 : s + n;
	}
	buf_release(&b);
}

static struct doc *memorandum(const struct para *p, size_t paragraphs)
{
	struct doc *d = doc_new("ar");
	doc_set(&d->title, "مذكرة ترافعية حول ولوج المقاولات الصغيرة جدا إلى الصفقات العمومية");
	doc_set(&d->organisation, "شبكة جمعيات إقليم أزيلال للتنمية");
	doc_set(&d->date, "2026-11-22");
	struct doc_block *b = doc_add_block(d, DOC_HEADING, 1);
	doc_add_text(b, d->title, strlen(d->title), 0);
	for (int i = 0; i < 30; i++) {
		char title[128], where[32];
		snprintf(title, sizeof(title), "المرسوم رقم 2-22-431 المتعلق بالصفقات العمومية، نص %d", i + 1);
		snprintf(where, sizeof(where), "المادة %d", 100 + i);
		struct doc_source s = {title, "رئيس الحكومة", "2023-03-08", where, "يخصص صاحب المشروع نسبة من المبلغ", NULL};
		doc_add_source(d, &s);
	}
	for (size_t i = 0; i < paragraphs; i++) {
		if (i % 8 == 0) {
			b = doc_add_block(d, DOC_HEADING, 2);
			char h[64];
			snprintf(h, sizeof(h), "المحور %zu", i / 8 + 1);
			doc_add_text(b, h, strlen(h), 0);
		}
		b = doc_add_block(d, i % 5 == 4 ? DOC_BULLET : DOC_PARAGRAPH, i % 5 == 4);
		const char *t = p->v[i % p->n];
		doc_add_text(b, t, strlen(t), 0);
		doc_add_cite(b, (int)(i % 30) + 1);
	}
	return d;
}

static int pdf_pages(const struct buf *pdf)
{
	GBytes *bytes = g_bytes_new(pdf->data, pdf->len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, NULL);
	int n = doc ? poppler_document_get_n_pages(doc) : 0;
	if (doc)
		g_object_unref(doc);
	g_bytes_unref(bytes);
	return n;
}

typedef int (*export_fn)(const struct doc *, struct buf *, struct err *);

/* Median milliseconds of `runs` exports. */
static double time_export(export_fn fn, const struct doc *d, int runs, size_t *bytes)
{
	double *t = xcalloc((size_t)runs, sizeof(*t));
	for (int i = 0; i < runs; i++) {
		struct buf out = BUF_INIT;
		struct err e = ERR_INIT;
		double t0 = bench_now();
		if (fn(d, &out, &e)) {
			fprintf(stderr, "export: %s\n", e.msg);
			exit(1);
		}
		t[i] = (bench_now() - t0) * 1000;
		*bytes = out.len;
		buf_release(&out);
	}
	qsort(t, (size_t)runs, sizeof(*t), bench_cmp_double);
	double m = t[runs / 2];
	free(t);
	return m;
}

/* Median milliseconds of LibreOffice converting the DOCX to PDF (a fresh profile, warmed once). */
static double time_soffice(const struct doc *d, int runs)
{
	char dir[] = "/tmp/asurif-bench-XXXXXX";
	if (!mkdtemp(dir))
		return -1;
	char *docx = xasprintf("%s/memo.docx", dir), *profile = xasprintf("-env:UserInstallation=file://%s/lo", dir);
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	export_docx(d, &out, &e);
	fs_write_atomic(docx, out.data, out.len, &e);
	buf_release(&out);
	double *t = xcalloc((size_t)runs + 1, sizeof(*t));
	for (int i = 0; i <= runs; i++) {
		double t0 = bench_now();
		pid_t pid = fork();
		if (pid == 0) {
			if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
				_exit(127);
			execlp("soffice", "soffice", "--headless", "--norestore", profile, "--convert-to", "pdf", "--outdir",
			       dir, docx, (char *)NULL);
			_exit(127);
		}
		int st = 0;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			free(t);
			return -1;
		}
		t[i] = (bench_now() - t0) * 1000;
	}
	/* The first run builds LibreOffice's profile: left out. */
	qsort(t + 1, (size_t)runs, sizeof(*t), bench_cmp_double);
	double m = t[1 + runs / 2];
	free(t);
	char *rm = xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		fprintf(stderr, "export: could not remove %s\n", dir);
	free(rm);
	free(docx);
	free(profile);
	return m;
}

int main(int argc, char **argv)
{
	struct para p = {0};
	int runs = 21, soffice = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--soffice"))
			soffice = 1;
		else
			read_paragraphs(argv[i], &p);
	}
	if (!p.n || runs < 1) {
		fprintf(stderr, "usage: export TEXT_FILE... [--runs N] [--soffice]\n");
		return 2;
	}
	/* Grow the text until the PDF has 10 pages. */
	size_t paragraphs = 10;
	struct doc *d = NULL;
	int pages = 0;
	for (;;) {
		d = memorandum(&p, paragraphs);
		struct buf pdf = BUF_INIT;
		struct err e = ERR_INIT;
		if (export_pdf(d, &pdf, &e)) {
			fprintf(stderr, "export: %s\n", e.msg);
			return 1;
		}
		pages = pdf_pages(&pdf);
		buf_release(&pdf);
		if (pages >= 10)
			break;
		doc_free(d);
		paragraphs += paragraphs / 4 + 1;
	}
	size_t words = 0;
	for (size_t i = 0; i < d->nblocks; i++)
		for (size_t j = 0; j < d->blocks[i].nspans; j++)
			for (const char *s = d->blocks[i].spans[j].text; s && *s; s++)
				words += *s == ' ';
	size_t b_pdf = 0, b_docx = 0, b_odt = 0, b_html = 0, b_md = 0;
	double pdf = time_export(export_pdf, d, runs, &b_pdf);
	double docx = time_export(export_docx, d, runs, &b_docx);
	double odt = time_export(export_odt, d, runs, &b_odt);
	double html = time_export(export_html, d, runs, &b_html);
	double md = time_export(export_md, d, runs, &b_md);
	double lo = soffice ? time_soffice(d, 3) : -1;
	json_t *o = json_pack("{s:i, s:I, s:i, s:i, s:{s:f, s:f, s:f, s:f, s:f}, s:{s:I, s:I, s:I, s:I, s:I}}", "pages",
			      pages, "words", (json_int_t)words, "citations", 30, "runs", runs, "median_ms", "pdf", pdf,
			      "docx", docx, "odt", odt, "html", html, "md", md, "bytes", "pdf", (json_int_t)b_pdf, "docx",
			      (json_int_t)b_docx, "odt", (json_int_t)b_odt, "html", (json_int_t)b_html, "md",
			      (json_int_t)b_md);
	if (lo > 0)
		json_object_set_new(o, "libreoffice_docx_to_pdf_ms", json_real(lo));
	char *s = json_dumps(o, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(o);
	doc_free(d);
	for (size_t i = 0; i < p.n; i++)
		free(p.v[i]);
	free(p.v);
	return 0;
}
