/* Asking the hub: retrieval, the numbered prompt, the reply's citations checked (see ask.h). */
#include "ai/ask.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ai/assist.h"
#include "ai/retrieve.h"
#include "ai/vectors.h"
#include "ai/text.h"
#include "base/alloc.h"
#include "base/embed.h"
#include "base/utf8.h"
#include "hub/hub.h"
#include "base/banned.h"

#define PASSAGE_PROMPT_MAX 2400 /* bytes of each passage in the prompt */
#define EXTRACT_SENTENCES 3

void ask_answer_release(struct ask_answer *a)
{
	for (size_t i = 0; i < a->npassages; i++) {
		struct ask_passage *p = &a->passages[i];
		free(p->title);
		free(p->article);
		free(p->heading);
		free(p->doc_lang);
		free(p->text);
		free(p->extract);
	}
	free(a->passages);
	free(a->citations);
	buf_release(&a->text);
	json_decref(a->prompt);
	memset(a, 0, sizeof(*a));
}

/* ---- the question's language ---- */

/* Whether word (lower case) is a line of the embedded stop word list. */
static int in_list(const char *list, const char *word, size_t n)
{
	for (const char *p = list; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len == n && !memcmp(p, word, n))
			return 1;
		p += len + (eol ? 1 : 0);
	}
	return 0;
}

enum text_lang ask_language(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), arabic = 0, latin = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (k < 0) {
			i++;
			continue;
		}
		i += (size_t)k;
		if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0xFB50 && cp <= 0xFEFC))
			arabic++;
		else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0x24F))
			latin++;
	}
	if (arabic && arabic >= latin)
		return LANG_AR;
	const struct embed_file *fr = embed_find("stopwords/fr.txt"), *en = embed_find("stopwords/en.txt");
	int fr_hits = 0, en_hits = 0, accents = 0;
	char word[64];
	size_t w = 0;
	for (size_t i = 0; i <= n; i++) {
		unsigned char ch = i < n ? s[i] : ' ';
		if (ch >= 0x80) {
			accents += ch >= 0xC3 && ch <= 0xC5; /* é, è, à, ç, œ… start with these bytes */
			if (w < sizeof(word) - 1)
				word[w++] = (char)ch;
			continue;
		}
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
			if (w < sizeof(word) - 1)
				word[w++] = (char)(ch | 0x20);
			continue;
		}
		if (ch == '\'' && w && w < 3) { /* l', d', qu' : French elisions */
			fr_hits++;
			w = 0;
			continue;
		}
		if (w) {
			fr_hits += fr && in_list((const char *)fr->data, word, w);
			en_hits += en && in_list((const char *)en->data, word, w);
			w = 0;
		}
	}
	if (en_hits > fr_hits || (en_hits == fr_hits && !accents && en_hits > 0))
		return LANG_EN;
	return LANG_FR;
}

/* ---- citations ---- */

/* A number at *p (ASCII or Arabic-Indic digits); -1 when none. Advances *p. */
static long number_at(const char **p, const char *end)
{
	long v = -1;
	const unsigned char *s = (const unsigned char *)*p;
	while ((const char *)s < end) {
		uint32_t cp;
		int k = utf8_decode(s, (size_t)(end - (const char *)s), &cp);
		int d = -1;
		if (k == 1 && cp >= '0' && cp <= '9')
			d = (int)(cp - '0');
		else if (k > 1 && cp >= 0x0660 && cp <= 0x0669)
			d = (int)(cp - 0x0660);
		else if (k > 1 && cp >= 0x06F0 && cp <= 0x06F9)
			d = (int)(cp - 0x06F0);
		if (d < 0)
			break;
		v = (v < 0 ? 0 : v) * 10 + d;
		if (v > 100000)
			return -1;
		s += k;
	}
	*p = (const char *)s;
	return v;
}

static void skip_spaces(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* One of the separators at *p: "," "،" ";" (kind 1) or "-" "–" "—" (kind 2); 0 when none. */
static int separator_at(const char **p, const char *end)
{
	static const struct {
		const char *s;
		int kind;
	} seps[] = {{",", 1}, {"\xd8\x8c", 1}, {";", 1}, {"-", 2}, {"\xe2\x80\x93", 2}, {"\xe2\x80\x94", 2}};
	for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
		size_t l = strlen(seps[i].s);
		if ((size_t)(end - *p) >= l && !memcmp(*p, seps[i].s, l)) {
			*p += l;
			return seps[i].kind;
		}
	}
	return 0;
}

static size_t add_unique(int *out, size_t n, size_t max, long v)
{
	if (v <= 0 || v > 100000 || n >= max)
		return n;
	for (size_t i = 0; i < n; i++)
		if (out[i] == (int)v)
			return n;
	out[n] = (int)v;
	return n + 1;
}

size_t ask_citations_parse(const char *text, int *out, size_t max)
{
	size_t n = 0;
	for (const char *p = strchr(text, '['); p; p = strchr(p, '[')) {
		const char *close = strchr(p + 1, ']');
		if (!close || close - p > 120) {
			p++;
			continue;
		}
		const char *q = p + 1;
		long nums[64];
		size_t k = 0;
		int ok = 1;
		skip_spaces(&q, close);
		while (q < close && ok) {
			long a = number_at(&q, close);
			if (a < 0) {
				ok = 0;
				break;
			}
			skip_spaces(&q, close);
			const char *before = q;
			int sep = separator_at(&q, close);
			if (sep == 2) {
				skip_spaces(&q, close);
				long b = number_at(&q, close);
				if (b < a || b - a > 50) {
					ok = 0;
					break;
				}
				for (long v = a; v <= b && k < 64; v++)
					nums[k++] = v;
				skip_spaces(&q, close);
				before = q;
				sep = separator_at(&q, close);
			} else if (k < 64) {
				nums[k++] = a;
			}
			if (!sep && q != close) {
				ok = before == close;
				break;
			}
			skip_spaces(&q, close);
			if (sep && q == close)
				ok = 0;
		}
		if (ok && k)
			for (size_t i = 0; i < k; i++)
				n = add_unique(out, n, max, nums[i]);
		p = close + 1;
	}
	return n;
}

const struct ask_passage *ask_passage_n(const struct ask_answer *a, int n)
{
	for (size_t i = 0; i < a->npassages; i++)
		if (a->passages[i].n == n)
			return &a->passages[i];
	return NULL;
}

void ask_check(struct ask_answer *a)
{
	int nums[256];
	size_t n = ask_citations_parse(buf_str(&a->text), nums, 256);
	a->ncitations = 0;
	a->supported = 0;
	for (size_t i = 0; i < n; i++) {
		a->citations = xgrow(a->citations, &a->citations_alloc, a->ncitations + 1, sizeof(*a->citations));
		struct ask_citation *c = &a->citations[a->ncitations++];
		c->n = nums[i];
		c->valid = ask_passage_n(a, nums[i]) != NULL;
		if (c->valid)
			a->supported = 1;
	}
}

/* ---- retrieval ---- */

/*
 * The passages for a question: BM25 and, when an embedding model works, vectors, fused
 * (ai_retrieve). Relevant: at least one BM25 hit (a passage holding one of the question's
 * words); without any, the vector hits count only when the closest is similar enough.
 */
static int retrieve(struct hub *h, const struct ai_config *c, const char *question, int k, long long campaign_id,
                    struct ask_answer *a, struct err *e)
{
	/* Nothing a person asks is search syntax: quotes, stars and leading dashes become spaces. */
	char *q = xstrdup(question);
	for (char *p = q; *p; p++)
		if (*p == '"' || *p == '*' || (*p == '-' && (p == q || p[-1] == ' ')))
			*p = ' ';
	struct ai_hits hits = {0};
	int rc = ai_retrieve(h, c, q, k, campaign_id, &hits, e);
	if (rc == ERR_USAGE) { /* only stop words: nothing to look for */
		err_clear(e);
		rc = 0;
	}
	/* relevant: a passage holds the question's words, or one is close enough in meaning */
	int relevant = 0;
	for (size_t i = 0; i < hits.n; i++)
		relevant |= hits.v[i].bm25_rank > 0 || (hits.v[i].vector_rank > 0 && hits.v[i].vector_score >= ASK_MIN_COSINE);
	free(q);
	for (size_t i = 0; !rc && relevant && i < hits.n && (int)a->npassages < k; i++) {
		const struct ai_hit *x = &hits.v[i];
		a->passages = xgrow(a->passages, &a->passages_alloc, a->npassages + 1, sizeof(*a->passages));
		struct ask_passage *p = &a->passages[a->npassages++];
		memset(p, 0, sizeof(*p));
		p->n = (int)a->npassages;
		p->passage_id = x->passage_id;
		p->doc_id = x->doc_id;
		p->page = x->page;
		p->heading = x->heading ? xstrdup(x->heading) : NULL;
		p->article = x->article ? xstrdup(x->article) : NULL;
		p->text = xstrdup(x->text ? x->text : "");
		p->title = xstrdup(x->title ? x->title : "");
		p->doc_lang = xstrdup(x->lang ? x->lang : "");
	}
	ai_hits_release(&hits);
	return rc;
}

/* ---- the prompt ---- */

static const struct {
	const char *system, *passages, *question, *not_found, *no_model, *article, *page;
} words[] = {
    [LANG_AR] = {"أنت تجيب عن أسئلة أعضاء جمعية بالاعتماد فقط على المقاطع المرقمة التي تأتيك مع السؤال. "
                 "اذكر كل مقطع تعتمد عليه بالشكل [n] مباشرة بعد الجملة التي يدعمها. "
                 "إذا كانت المقاطع لا تجيب عن السؤال فقل ذلك بوضوح ولا تخمّن. أجب باللغة العربية.",
                 "المقاطع:", "السؤال:", "لم أجد في وثائق المكتبة ما يجيب عن هذا السؤال.",
                 "لا يوجد نموذج لغوي متصل. هذه أقرب المقاطع إلى سؤالك، مع الجمل المطابقة مبرزة.", "", "صفحة"},
    [LANG_FR] = {"Vous répondez aux questions des membres d'une association en vous appuyant uniquement sur les "
                 "extraits numérotés joints à la question. Citez chaque extrait utilisé sous la forme [n], juste "
                 "après la phrase qu'il appuie. Si les extraits ne répondent pas à la question, dites-le "
                 "simplement, sans deviner. Répondez en français.",
                 "Extraits :", "Question :", "Rien dans les documents du fonds ne répond à cette question.",
                 "Aucun modèle n'est connecté. Voici les extraits les plus proches de votre question, les phrases "
                 "qui correspondent en évidence.",
                 "", "page"},
    [LANG_EN] = {"You answer the questions of an association's members using only the numbered passages given with "
                 "the question. Cite each passage you rely on as [n], right after the sentence it supports. If the "
                 "passages do not answer the question, say so plainly and do not guess. Answer in English.",
                 "Passages:", "Question:", "Nothing in the hub's documents answers this question.",
                 "No model is connected. Here are the passages closest to your question, with the matching "
                 "sentences highlighted.",
                 "", "page"},
};

static enum text_lang lang_or_fr(enum text_lang l)
{
	return l == LANG_AR || l == LANG_EN ? l : LANG_FR;
}

static json_t *build_prompt(const struct ask_answer *a, const char *question)
{
	enum text_lang l = lang_or_fr(a->lang);
	struct buf u = {0};
	buf_appendf(&u, "%s\n\n", words[l].passages);
	for (size_t i = 0; i < a->npassages; i++) {
		const struct ask_passage *p = &a->passages[i];
		buf_appendf(&u, "[%d] %s", p->n, p->title);
		if (p->article && *p->article)
			buf_appendf(&u, " — %s", p->article);
		if (p->page > 0)
			buf_appendf(&u, " (%s %d)", words[l].page, p->page);
		size_t len = strlen(p->text);
		size_t cut = utf8_clip(p->text, len, PASSAGE_PROMPT_MAX);
		buf_appendf(&u, "\n%.*s%s\n\n", (int)cut, p->text, cut < len ? " …" : "");
	}
	buf_appendf(&u, "%s %s", words[l].question, question);
	json_t *m = json_pack("[{s:s, s:s}, {s:s, s:s}]", "role", "system", "content", words[l].system, "role", "user",
	                      "content", buf_str(&u));
	buf_release(&u);
	return m;
}

/* ---- extractive answer ---- */

static void make_extracts(struct hub *h, const char *question, struct ask_answer *a)
{
	struct ai_terms qt = {0};
	ai_terms_of(h->an, question, LANG_NONE, 1, &qt);
	for (size_t i = 0; i < a->npassages; i++) {
		struct ask_passage *p = &a->passages[i];
		p->extract = ai_text_matching_sentences(h->an, p->text, text_lang_parse(p->doc_lang), &qt,
		                                        EXTRACT_SENTENCES);
	}
	ai_terms_release(&qt);
}

/* ---- the steps ---- */

int ask_prepare(struct hub *h, const struct ai_config *c, const struct ask_opts *o, struct ask_answer *a,
                struct err *e)
{
	memset(a, 0, sizeof(*a));
	const char *q = o->question ? o->question : "";
	while (*q == ' ' || *q == '\n' || *q == '\t')
		q++;
	if (!*q)
		return err_set(e, ERR_USAGE, "question: empty; ask something");
	if (strlen(q) > ASK_MAX_QUESTION)
		return err_set(e, ERR_USAGE, "question: longer than %d bytes", ASK_MAX_QUESTION);
	if (utf8_validate(q, strlen(q), &(size_t){0}, &(size_t){0}))
		return err_set(e, ERR_ENCODING, "question: not valid UTF-8");
	a->lang = ask_language(q);
	enum text_lang l = lang_or_fr(a->lang);
	int k = o->k > 0 ? o->k : ASK_DEFAULT_K;
	if (k > 20)
		k = 20;
	int rc = retrieve(h, c, q, k, o->campaign_id, a, e);
	if (rc)
		return rc;
	if (!a->npassages) {
		a->mode = ASK_NOT_FOUND;
		buf_appends(&a->text, words[l].not_found);
		return 0;
	}
	if (!ai_can_chat(c)) {
		a->mode = ASK_EXTRACTIVE;
		buf_appends(&a->text, words[l].no_model);
		make_extracts(h, q, a);
		return 0;
	}
	a->mode = ASK_MODEL;
	snprintf(a->model, sizeof(a->model), "%s", c->chat_model);
	a->prompt = build_prompt(a, q);
	return 0;
}

int ask_generate(const struct ai_config *c, struct ask_answer *a, ai_delta_fn on_delta, void *ctx, struct err *e)
{
	if (a->mode != ASK_MODEL)
		return 0;
	size_t n = json_array_size(a->prompt);
	struct ai_message msgs[4];
	for (size_t i = 0; i < n && i < 4; i++) {
		json_t *m = json_array_get(a->prompt, i);
		msgs[i].role = json_string_value(json_object_get(m, "role"));
		msgs[i].content = json_string_value(json_object_get(m, "content"));
	}
	struct ai_reply r = {0};
	int rc = ai_chat(c, msgs, n < 4 ? n : 4, 0.2, 0, on_delta, ctx, &r, e);
	if (!rc) {
		buf_reset(&a->text);
		buf_append(&a->text, r.text.data ? r.text.data : "", r.text.len);
		if (r.model[0])
			snprintf(a->model, sizeof(a->model), "%s", r.model);
		a->cancelled = r.cancelled;
		ask_check(a);
	}
	ai_reply_release(&r);
	return rc;
}

int ask_store(struct hub *h, const struct ask_opts *o, struct ask_answer *a, struct err *e)
{
	if (a->mode != ASK_MODEL || a->cancelled)
		return 0;
	json_t *passages = json_array();
	for (size_t i = 0; i < a->npassages; i++)
		json_array_append_new(passages,
		                      json_pack("{s:i, s:I}", "n", a->passages[i].n, "passage_id", (json_int_t)a->passages[i].passage_id));
	json_t *prompt = json_pack("{s:O, s:s, s:s}", "messages", a->prompt, "question", o->question,
	                           "lang", text_lang_code(a->lang));
	struct assist_output out = {.kind = "answer",
	                            .campaign_id = o->campaign_id,
	                            .user_id = o->user_id,
	                            .model = a->model,
	                            .prompt = prompt,
	                            .passages = passages,
	                            .output = buf_str(&a->text)};
	int rc = assist_output_store(h->db, &out, &a->output_id, e);
	json_decref(prompt);
	json_decref(passages);
	return rc;
}

int ask_run(struct hub *h, const struct ai_config *c, const struct ask_opts *o, ai_delta_fn on_delta, void *ctx,
            struct ask_answer *a, struct err *e)
{
	int rc = ask_prepare(h, c, o, a, e);
	if (!rc)
		rc = ask_generate(c, a, on_delta, ctx, e);
	if (!rc)
		rc = ask_store(h, o, a, e);
	return rc;
}

json_t *ask_answer_json(const struct ask_answer *a)
{
	static const char *modes[] = {"model", "not_found", "extractive"};
	json_t *cites = json_array(), *passages = json_array();
	for (size_t i = 0; i < a->ncitations; i++) {
		const struct ask_citation *c = &a->citations[i];
		const struct ask_passage *p = ask_passage_n(a, c->n);
		json_array_append_new(cites, json_pack("{s:i, s:o, s:o, s:o, s:b}", "n", c->n, "passage_id",
		                                       p ? json_integer(p->passage_id) : json_null(), "doc_id",
		                                       p ? json_integer(p->doc_id) : json_null(), "title",
		                                       p ? json_string(p->title) : json_null(), "valid", c->valid));
	}
	for (size_t i = 0; i < a->npassages; i++) {
		const struct ask_passage *p = &a->passages[i];
		json_t *o = json_pack("{s:i, s:I, s:I, s:s, s:o, s:i}", "n", p->n, "passage_id", (json_int_t)p->passage_id,
		                      "doc_id", (json_int_t)p->doc_id, "title", p->title, "article",
		                      p->article ? json_string(p->article) : json_null(), "page", p->page);
		if (p->extract)
			json_object_set_new(o, "extract", json_string(p->extract));
		json_array_append_new(passages, o);
	}
	return json_pack("{s:s, s:s, s:o, s:b, s:s, s:o, s:o, s:o}", "answer", buf_str(&a->text) ? buf_str(&a->text) : "",
	                 "language", text_lang_code(lang_or_fr(a->lang)), "model",
	                 a->mode == ASK_MODEL ? json_string(a->model) : json_null(), "supported", a->supported, "mode",
	                 modes[a->mode], "output_id", a->output_id ? json_integer(a->output_id) : json_null(),
	                 "citations", cites, "passages", passages);
}
