// Writing a document in the browser: choosing its kind, the guided form (one question per
// page, saved at each step), checking the answers, the versions, the downloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, open, visit, navigating, t, norm, ASURIF, WS, SCREENSHOTS } from './lib.mjs';

let browser, campaign;
before(async () => {
	browser = await launch();
	const out = execFileSync(ASURIF, ['-w', WS, 'campaign', 'new', '--title', 'الصفقات العمومية للمقاولات الصغيرة جدا',
		'--goal', 'تطبيق نسبة 30% المخصصة للمقاولات الصغيرة', '--level', 'commune', '--json']);
	campaign = JSON.parse(out.toString()).id;
	execFileSync(ASURIF, ['-w', WS, 'barrier', 'add', '--campaign', String(campaign), '--title', 'تأخر الأداء أكثر من ستين يوما']);
});
after(async () => {
	await browser?.close();
});

const path = (page) => new URL(page.url()).pathname;

// Answers every question of the guided form from the current step to the end.
async function answerAll(page, value) {
	for (let guard = 0; guard < 30; guard++) {
		const m = path(page).match(/^\/drafts\/(\d+)\/step\/(\d+)$/);
		if (!m) return;
		const box = page.locator('#value');
		if (!(await box.inputValue())) {
			const date = (await box.getAttribute('placeholder')) === 'YYYY-MM-DD';
			const number = (await box.getAttribute('inputmode')) === 'numeric';
			await box.fill(date ? '2026-11-20' : number ? '120' : value);
		}
		const resp = await navigating(page, () => page.locator('main form button[type="submit"]').first().click());
		if (resp.status() !== 200)
			assert.fail(`question ${m[2]} was not saved: ${await page.locator('.error-summary').textContent()}`);
	}
	throw new Error('the guided form never ended');
}

test('a member writes a petition to a commune, question by question, and downloads it', async () => {
	const ctx = await open(browser, { as: 'member', viewport: { width: 360, height: 780 } });
	const { page } = ctx;
	await visit(page, `/campaigns/${campaign}/drafts/new`);
	assert.equal(norm(await page.locator('main h1').textContent()), norm(t('ar', 'draft_new_title')));
	// Nothing chosen: the error summary links to the question, nothing is created.
	await page.locator('#lang-ar').uncheck().catch(() => {});
	let resp = await navigating(page, () => page.locator('main form button[type="submit"]').click());
	assert.equal(resp.status(), 400);
	assert.equal(await page.locator('.error-summary a[href="#type"]').count(), 1, 'the summary links to the question');

	await page.locator('#type-petition-commune').check();
	await page.locator('#lang-ar').check();
	resp = await navigating(page, () => page.locator('main form button[type="submit"]').click());
	assert.equal(resp.status(), 200);
	assert.match(path(page), /^\/drafts\/\d+\/step\/1$/);
	const draft = path(page).split('/')[2];
	assert.equal(await page.locator('main h1 label[for="value"]').count(), 1, 'one question, as the page heading');
	assert.equal(await page.locator('progress.steps').count(), 1);
	await page.screenshot({ path: join(SCREENSHOTS, 'draft-step-ar-360.png'), fullPage: true });
	const noScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
	assert.ok(noScroll, 'no horizontal scrolling at 360 px');

	// A required question left empty: the error is next to it and in the summary.
	const required = await page.evaluate(() => !document.querySelector('label[for="value"] .optional'));
	if (required) {
		await page.locator('#value').fill('');
		resp = await navigating(page, () => page.locator('main form button[type="submit"]').first().click());
		assert.equal(resp.status(), 400);
		assert.equal(await page.locator('.error-summary a[href="#value"]').count(), 1);
		assert.equal(await page.locator('#value[aria-invalid="true"]').count(), 1);
	}
	await page.locator('#value').fill('عريضة من أجل <b>برنامج</b> توقعي للصفقات');
	await navigating(page, () => page.locator('main form button[type="submit"]').first().click());
	assert.match(path(page), /\/step\/2$/, 'saved and on to the next question');
	await answerAll(page, 'نص تجريبي للعريضة يذكر المرسوم 2-22-431 والنسبة 30%');
	assert.equal(path(page), `/drafts/${draft}`, 'the last answer leads to the summary');
	await page.screenshot({ path: join(SCREENSHOTS, 'draft-summary-ar-360.png'), fullPage: true });

	// Check your answers: every question with its answer and a link to change it.
	const answers = await page.locator('dl.answers .answer').count();
	assert.ok(answers >= 6, `the answers are listed (${answers})`);
	assert.equal(await page.locator('dl.answers .answer.missing').count(), 0, 'nothing required is missing');
	const first = await page.locator('dl.answers .answer-text').first().textContent();
	assert.ok(first.includes('<b>برنامج</b>'), 'the answer shows as text, markup and all');
	assert.equal(await page.locator('dl.answers b').count(), 0, 'no markup from an answer');

	// Downloads: each format answers with its own type.
	const types = { pdf: 'application/pdf', docx: 'wordprocessingml', odt: 'opendocument.text', html: 'text/html', md: 'text/markdown' };
	for (const [format, type] of Object.entries(types)) {
		const link = page.locator(`a[href="/drafts/${draft}/export/${format}"]`);
		assert.equal(await link.count(), 1, `a download link for ${format}`);
		const r = await page.context().request.get(new URL(`/drafts/${draft}/export/${format}`, page.url()).href);
		assert.equal(r.status(), 200, `${format} downloads`);
		assert.ok(r.headers()['content-type'].includes(type), `${format} is ${r.headers()['content-type']}`);
		assert.match(r.headers()['content-disposition'], /attachment/);
		const body = await r.body();
		if (format === 'pdf') assert.equal(body.subarray(0, 5).toString(), '%PDF-');
		if (format === 'docx' || format === 'odt') assert.equal(body.subarray(0, 2).toString(), 'PK');
		if (format === 'html') assert.ok(!body.toString().includes('<b>برنامج</b>'), 'escaped in the HTML file');
	}

	// Change an answer: a new version, and what changed is shown.
	await navigating(page, () => page.locator('dl.answers .answer-change a').first().click());
	await page.locator('#value').fill('عريضة من أجل برنامج توقعي منشور للصفقات');
	await navigating(page, () => page.locator('button[name="summary"]').click());
	assert.equal(path(page), `/drafts/${draft}`);
	await page.locator('details.versions summary').click();
	await navigating(page, () => page.locator('a[href*="/diff?"]').first().click());
	assert.ok((await page.locator('.diff ins').count()) > 0, 'added words are marked');
	assert.ok((await page.locator('.diff del').count()) > 0, 'removed words are marked');

	// The stage: to review.
	await visit(page, `/drafts/${draft}`);
	await page.locator('#status').selectOption('review');
	await navigating(page, () => page.locator('form[action$="/status"] button').click());
	assert.equal(norm(await page.locator('.notice[role="status"]').textContent()), norm(t('ar', 'draft_status_saved')));
	assert.equal(norm(await page.locator('dl.facts .badge').textContent()), norm(t('ar', 'draft_status_review')));

	// The campaign's page lists its documents and offers to write another.
	await visit(page, `/campaigns/${campaign}`);
	assert.equal(await page.locator(`#drafts ~ ul a[href="/drafts/${draft}"]`).count(), 1, 'the document is listed');
	assert.equal(await page.locator(`a[href="/campaigns/${campaign}/drafts/new"]`).count(), 1);
	await ctx.close();
});

test('a viewer reads a draft but cannot change it', async () => {
	const out = execFileSync(ASURIF, ['-w', WS, 'draft', 'new', '--campaign', String(campaign), '--type', 'policy-brief', '--lang', 'fr', '--json']);
	const id = JSON.parse(out.toString()).id;
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	let resp = await visit(page, `/drafts/${id}`);
	assert.equal(resp.status(), 200);
	assert.equal(await page.locator('form[action$="/status"]').count(), 0, 'no stage form for a viewer');
	resp = await visit(page, `/drafts/${id}/step/1`, { check: false });
	assert.equal(resp.status(), 403, 'the form is for members');
	resp = await page.context().request.post(new URL(`/drafts/${id}/step/1`, page.url()).href, { form: { value: 'x' } });
	assert.ok([403, 400].includes(resp.status()), `a viewer cannot save (${resp.status()})`);
	await ctx.close();
});

test('a French document: its questions and answers at 1280 px', async () => {
	const out = execFileSync(ASURIF, ['-w', WS, 'draft', 'new', '--campaign', String(campaign), '--type', 'memorandum', '--lang', 'fr', '--json']);
	const id = JSON.parse(out.toString()).id;
	const ctx = await open(browser, { as: 'member', locale: 'fr-FR' });
	const { page } = ctx;
	await visit(page, `/drafts/${id}/step/1`);
	await page.screenshot({ path: join(SCREENSHOTS, 'draft-step-1280.png'), fullPage: true });
	await visit(page, `/drafts/${id}`);
	await page.screenshot({ path: join(SCREENSHOTS, 'draft-summary-1280.png'), fullPage: true });
	assert.ok((await page.locator('dl.answers .answer.missing').count()) > 0, 'missing answers are flagged');
	assert.equal(await page.locator('a[href$="/export/pdf"]').count(), 0, 'no download before the required answers');
	const r = await page.context().request.get(new URL(`/drafts/${id}/export/pdf`, page.url()).href);
	assert.equal(r.status(), 400, 'the export names what is missing instead');
	await ctx.close();
});
