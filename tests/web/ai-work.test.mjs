// Working with the assistant in the browser: a document's summary without a model (the most
// central sentences, marked, nothing kept) and with one (kept, marked as written by the model,
// approved by a member); a draft's section written from the evidence a member ticks and used
// (a new version holding the text); a translation rejected (no new version) and another edited
// then used; a model that cannot be reached said plainly; a viewer refused (403).
// The model is tests/ai/server.mjs, started here with a log of every request it gets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, open, visit, navigating, documents, t, norm, ASURIF, WS, SRCDIR, BASE_URL, screenshotPath } from './lib.mjs';

let browser, server, modelUrl, tmp, log;
const asurif = (...args) => execFileSync(ASURIF, ['-w', WS, ...args], { encoding: 'utf8' });
const json = (...args) => JSON.parse(asurif(...args, '--json'));
const outputs = () => json('ai', 'outputs');
const output = (id) => json('ai', 'output', String(id));
const draftShow = (id) => json('draft', 'show', String(id));
const requests = () =>
	readFileSync(log, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l))
		.filter((r) => r.path === '/v1/chat/completions');
const PHONE = { width: 360, height: 780 };
const PROBLEMS = 'Les coopératives attendent leurs paiements trop longtemps.';

let doc, campaign, draft, evChosen, evOther, textChosen, textOther;

async function script(text) {
	const r = await fetch(`${modelUrl}/__next`, { method: 'POST', body: text });
	assert.equal(r.status, 200);
}
const useModel = () => asurif('ai', 'config', '--base-url', `${modelUrl}/v1`, '--chat-model', 'chat');
const noModel = () => asurif('ai', 'config', '--base-url', '', '--chat-model', '');

before(async () => {
	browser = await launch();
	tmp = mkdtempSync(join(tmpdir(), 'asurif-ai-work-'));
	log = join(tmp, 'requests.jsonl');
	server = spawn(process.execPath, [join(SRCDIR, 'tests/ai/server.mjs'), '--log', log], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const port = await new Promise((resolve, reject) => {
		server.stdout.once('data', (d) => resolve(String(d).trim()));
		server.once('exit', () => reject(new Error('the test model server stopped')));
	});
	modelUrl = `http://127.0.0.1:${port}`;
	// A French document, a campaign with two of its passages pinned and a recommendation, a memorandum.
	doc = documents().find((d) => d.lang === 'fr' && /Circulaire/.test(d.title));
	assert.ok(doc, 'the demo circular is in the workspace');
	const passages = json('show', String(doc.doc_id), '--passages').passages_text;
	assert.ok(passages.length >= 3, 'the circular has passages');
	campaign = json('campaign', 'new', '--title', 'Assistant : délais de paiement').id;
	asurif('evidence', 'pin', String(passages[0].passage_id), '--campaign', String(campaign));
	asurif('evidence', 'pin', String(passages[passages.length - 1].passage_id), '--campaign', String(campaign));
	const evidence = json('evidence', 'list', '--campaign', String(campaign)).evidence;
	[evChosen, evOther] = evidence.map((e) => e.id);
	[textChosen, textOther] = evidence.map((e) => e.text);
	asurif('recommend', 'add', '--campaign', String(campaign), '--text', 'Payer les coopératives dans les soixante jours');
	draft = json('draft', 'new', '--campaign', String(campaign), '--type', 'memorandum', '--lang', 'fr', '--field', `problems=${PROBLEMS}`).id;
});
after(async () => {
	noModel();
	server?.kill();
	await browser?.close();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('without a model: the central sentences, marked, nothing kept', async () => {
	noModel();
	const before = outputs().length;
	const ctx = await open(browser, { as: 'member', viewport: PHONE });
	const { page } = ctx;
	await visit(page, `/documents/${doc.doc_id}`);
	assert.equal(norm(await page.locator('#summarise-form .hint').textContent()), norm(t('ar', 'ai_work_summarise_no_model')));
	const resp = await navigating(page, () => page.locator('#summarise-form button').click());
	assert.equal(resp.status(), 200);
	assert.ok(await page.locator('#ai-extract-mark.ai-mark').isVisible(), 'marked as picked out by the program');
	assert.equal(norm(await page.locator('#ai-no-model').textContent()), norm(t('ar', 'ai_work_extractive')));
	const text = norm(await page.locator('#ai-text').textContent());
	assert.ok(text.length > 80, `sentences of the document (${text.length} characters)`);
	const body = norm(json('show', String(doc.doc_id), '--passages').passages_text.map((p) => p.text).join(' '));
	const end = text.slice(-60);
	assert.ok(body.includes(end), `the document's own words: ${end}`);
	assert.ok(text.length < body.length / 2, 'a few sentences, not the whole text');
	assert.equal(await page.locator('#ai-failure').count(), 0, 'no error');
	assert.equal(outputs().length, before, 'nothing kept');
	await page.screenshot({ path: screenshotPath('ai-summary-extractive-ar-360'), fullPage: true });
	await ctx.close();
});

test('with a model: the summary is kept, marked, and a member approves it', async () => {
	useModel();
	const reply = 'Les coopératives doivent être payées dans les soixante jours, selon la circulaire.';
	await script(reply);
	const ctx = await open(browser, { as: 'member', viewport: PHONE });
	const { page } = ctx;
	await visit(page, `/documents/${doc.doc_id}`);
	const resp = await navigating(page, () => page.locator('#summarise-form button').click());
	assert.equal(resp.status(), 200);
	const m = new URL(page.url()).pathname.match(/^\/ai\/outputs\/(\d+)$/);
	assert.ok(m, `on the output's page: ${page.url()}`);
	const id = Number(m[1]);
	assert.equal(norm(await page.locator('.ask-text').textContent()), reply);
	assert.equal(norm(await page.locator('.ai-mark').first().textContent()), norm(t('ar', 'ai_generated')));
	assert.ok(await page.locator('details.ai-prompt pre').count() >= 2, 'the prompt is shown');
	const kept = output(id);
	assert.equal(kept.kind, 'summary');
	assert.equal(kept.status, 'generated');
	assert.equal(kept.doc_id, doc.doc_id);
	assert.equal(kept.model, 'chat');
	assert.match(requests().at(-1).body.messages[1].content, /Circulaire/, 'the document was sent');
	await page.screenshot({ path: screenshotPath('ai-summary-generated-ar-360'), fullPage: true });
	// The document lists its summaries.
	await visit(page, `/documents/${doc.doc_id}`);
	assert.ok(await page.locator(`.ai-summaries a[href="/ai/outputs/${id}"]`).count(), 'listed on the document');
	await visit(page, `/ai/outputs/${id}`);
	await navigating(page, () => page.locator(`form[action="/ai/outputs/${id}/approve"] button`).first().click());
	assert.equal(output(id).status, 'approved');
	assert.equal(output(id).reviewed_by, 'member');
	assert.equal(await page.locator(`form[action="/ai/outputs/${id}/approve"]`).count(), 0, 'no more buttons');
	await visit(page, `/documents/${doc.doc_id}`);
	assert.equal(
		norm(await page.locator(`.ai-summaries li:has(a[href="/ai/outputs/${id}"])`).textContent()).includes(t('ar', 'ai_status_approved')),
		true,
		'the list shows it approved'
	);
	await ctx.close();
});

test('a section drafted from the chosen evidence, then used: a new version', async () => {
	useModel();
	const version = draftShow(draft).version;
	const reply = 'Les coopératives attendent cent vingt jours [1]. Nous demandons un paiement sous soixante jours.';
	await script(reply);
	const ctx = await open(browser, { as: 'member', viewport: PHONE });
	const { page } = ctx;
	await visit(page, `/drafts/${draft}`);
	const link = page.locator(`a[href="/drafts/${draft}/assist?field=problems"]`);
	assert.equal(await link.count(), 1, 'the problems field offers the assistant');
	await navigating(page, () => link.click());
	assert.equal(norm(await page.locator('#ai-current').textContent()), PROBLEMS);
	assert.equal(await page.locator('#ai-section-form input[name=evidence]').count(), 2, 'the campaign\'s evidence to choose');
	assert.ok((await page.locator('#ai-section-form').textContent()).includes('soixante jours'), 'the recommendation is shown');
	await page.screenshot({ path: screenshotPath('ai-section-form-ar-360'), fullPage: true });
	await page.locator(`#ev-${evChosen}`).check();
	const resp = await navigating(page, () => page.locator('#ai-write').click());
	assert.equal(resp.status(), 200);
	const m = new URL(page.url()).pathname.match(new RegExp(`^/drafts/${draft}/assist/(\\d+)$`));
	assert.ok(m, `on the review page: ${page.url()}`);
	const id = Number(m[1]);
	// What was sent: the ticked evidence, the recommendation and the current text; not the other evidence.
	const sent = requests().at(-1).body.messages[1].content;
	assert.ok(sent.includes(textChosen.slice(0, 40)), 'the chosen evidence was sent');
	assert.ok(!sent.includes(textOther.slice(0, 40)), 'the evidence not chosen was not sent');
	assert.ok(sent.includes('soixante jours') && sent.includes(PROBLEMS), 'the recommendation and the current text were sent');
	assert.equal(norm(await page.locator('#ai-proposed').textContent()), reply);
	assert.equal(norm(await page.locator('#ai-current').textContent()), PROBLEMS, 'beside the current text');
	assert.equal(norm(await page.locator('#ai-status').textContent()), norm(t('ar', 'ai_generated')));
	assert.equal(draftShow(draft).version, version, 'the draft is unchanged until the text is used');
	await page.screenshot({ path: screenshotPath('ai-section-review-ar-360'), fullPage: true });
	await navigating(page, () => page.locator('#ai-use').click());
	assert.equal(new URL(page.url()).pathname, `/drafts/${draft}`);
	assert.equal(norm(await page.locator('main .notice[role=status]').first().textContent()), norm(t('ar', 'ai_work_used')));
	const d = draftShow(draft);
	assert.equal(d.version, version + 1, 'a new version');
	assert.equal(d.values.problems, reply);
	assert.equal(output(id).status, 'approved');
	await ctx.close();
});

test('a translation rejected: no new version; another edited then used', async () => {
	useModel();
	const version = draftShow(draft).version;
	const current = draftShow(draft).values.problems;
	await script('تنتظر التعاونيات مائة وعشرين يوما [1].');
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	await visit(page, `/drafts/${draft}/assist?field=problems`);
	assert.equal(await page.locator('#ai-to-fr').count(), 0, 'a French text is not offered French');
	await navigating(page, () => page.locator('#ai-to-ar').click());
	const id = Number(new URL(page.url()).pathname.split('/').pop());
	assert.match(requests().at(-1).body.messages[0].content, /إلى العربية/, 'asked for Arabic');
	assert.equal(await page.locator('#ai-proposed').getAttribute('dir'), 'rtl');
	assert.equal(norm(await page.locator('#ai-proposed').textContent()), 'تنتظر التعاونيات مائة وعشرين يوما [1].');
	await navigating(page, () => page.locator('#ai-reject').click());
	assert.equal(new URL(page.url()).pathname, `/drafts/${draft}/assist`, 'back to the section');
	assert.equal(output(id).status, 'rejected');
	let d = draftShow(draft);
	assert.equal(d.version, version, 'no new version');
	assert.equal(d.values.problems, current, 'the text is unchanged');
	assert.ok(await page.locator(`.ai-earlier a[href="/drafts/${draft}/assist/${id}"]`).count(), 'listed as an earlier proposal');

	await script('تنتظر التعاونيات 120 يوما.');
	await navigating(page, () => page.locator('#ai-to-ar').click());
	const id2 = Number(new URL(page.url()).pathname.split('/').pop());
	await page.locator('details.ai-edit summary').click();
	await page.locator('#ai-edit-text').fill('تنتظر التعاونيات مائة وعشرين يوما، والمطلوب ستون يوما [1].');
	await navigating(page, () => page.locator('#ai-use-edited').click());
	d = draftShow(draft);
	assert.equal(d.version, version + 1, 'a new version');
	assert.equal(d.values.problems, 'تنتظر التعاونيات مائة وعشرين يوما، والمطلوب ستون يوما [1].');
	const o = output(id2);
	assert.equal(o.status, 'edited');
	assert.equal(o.output, d.values.problems, 'the person\'s text is kept');
	await ctx.close();
});

test('the model cannot be reached: a plain message, nothing kept or changed', async () => {
	asurif('ai', 'config', '--base-url', 'http://127.0.0.1:9/v1', '--chat-model', 'chat');
	const before = outputs().length;
	const version = draftShow(draft).version;
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	await visit(page, `/documents/${doc.doc_id}`);
	let resp = await navigating(page, () => page.locator('#summarise-form button').click());
	assert.equal(resp.status(), 502);
	assert.equal(
		norm(await page.locator('#ai-failure').textContent()),
		norm(`${t('ar', 'ai_work_failed')} ${t('ar', 'ai_fail_unreachable')}`)
	);
	await visit(page, `/drafts/${draft}/assist?field=problems`);
	resp = await navigating(page, () => page.locator('#ai-write').click());
	assert.equal(resp.status(), 502);
	assert.ok(norm(await page.locator('#ai-failure').textContent()).includes(t('ar', 'ai_fail_unreachable')));
	assert.equal(outputs().length, before, 'nothing kept');
	assert.equal(draftShow(draft).version, version, 'the draft is unchanged');
	// Not set up at all: the forms are replaced by the plain notice.
	noModel();
	await visit(page, `/drafts/${draft}/assist?field=problems`);
	assert.equal(norm(await page.locator('#ai-no-model').textContent()), norm(t('ar', 'ai_work_no_model')));
	assert.equal(await page.locator('#ai-write').count(), 0);
	await ctx.close();
});

test('a viewer cannot ask the model to write, nor a form without its token (403)', async () => {
	noModel();
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	await visit(page, `/documents/${doc.doc_id}`);
	assert.equal(await page.locator('#summarise-form').count(), 0, 'no form for a viewer');
	await visit(page, `/drafts/${draft}`);
	assert.equal(await page.locator(`a[href^="/drafts/${draft}/assist"]`).count(), 0, 'no assistant link for a viewer');
	const csrf = '0'.repeat(10);
	for (const path of [`/documents/${doc.doc_id}/summarise`, `/drafts/${draft}/assist/section`, `/drafts/${draft}/assist/translate`]) {
		const r = await ctx.context.request.post(BASE_URL + path, { form: { csrf, field: 'problems', to: 'ar' }, maxRedirects: 0 });
		assert.equal(r.status(), 403, `${path} refused`);
	}
	const r = await ctx.context.request.get(`${BASE_URL}/drafts/${draft}/assist?field=problems`, { maxRedirects: 0 });
	assert.equal(r.status(), 403);
	await ctx.close();
	// A member's form without the session's CSRF token is refused too.
	const m = await open(browser, { as: 'member' });
	const before = outputs().length;
	const f = await m.context.request.post(`${BASE_URL}/documents/${doc.doc_id}/summarise`, { form: { csrf }, maxRedirects: 0 });
	assert.equal(f.status(), 403, 'no CSRF token: refused');
	assert.equal(outputs().length, before);
	await m.close();
});
