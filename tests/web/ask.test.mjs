// Asking the hub in the browser: the answer streams in (its first words are on the page while
// the model is still writing), the Stop button ends it (nothing kept), the sources link to their
// passages, the whole answer without script, and without a model the extractive answer.
// The model is tests/ai/server.mjs, started here; the workspace's settings are put back after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, open, visit, navigating, ASURIF, WS, SRCDIR, screenshotPath } from './lib.mjs';

let browser, server, modelUrl;
const asurif = (...args) => execFileSync(ASURIF, ['-w', WS, ...args], { encoding: 'utf8' });
const outputs = () => JSON.parse(asurif('ai', 'outputs', '--json'));
const QUESTION = 'ما هي الصفقات العمومية المحجوزة للمقاولات الصغيرة جدا والتعاونيات؟';

async function script(text) {
	const r = await fetch(`${modelUrl}/__next`, { method: 'POST', body: text });
	assert.equal(r.status, 200);
}

before(async () => {
	browser = await launch();
	server = spawn(process.execPath, [join(SRCDIR, 'tests/ai/server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
	const port = await new Promise((resolve, reject) => {
		server.stdout.once('data', (d) => resolve(String(d).trim()));
		server.once('exit', () => reject(new Error('the test model server stopped')));
	});
	modelUrl = `http://127.0.0.1:${port}`;
});
after(async () => {
	asurif('ai', 'config', '--base-url', '', '--chat-model', '');
	server?.kill();
	await browser?.close();
});

test('without a model: the passages with the matching sentences highlighted, and a notice', async () => {
	asurif('ai', 'config', '--base-url', '', '--chat-model', '');
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	await visit(page, '/ask');
	assert.ok(await page.locator('nav a[href="/ask"]').count(), 'Ask is in the navigation');
	await page.locator('#q').fill(QUESTION);
	const resp = await navigating(page, () => page.locator('#ask-form button[type=submit]').click());
	assert.equal(resp.status(), 200);
	assert.ok(await page.locator('#ask-no-model').isVisible(), 'says no model is connected');
	const marks = await page.locator('.ask-passages mark').count();
	assert.ok(marks >= 2, `matching words highlighted (${marks})`);
	const links = await page.locator('.ask-passages a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
	assert.ok(links.length >= 1 && links.every((h) => /^\/documents\/\d+#p\d+$/.test(h)), `links to passages: ${links}`);
	await page.screenshot({ path: screenshotPath('ask-extractive-ar'), fullPage: true });
	await ctx.close();
});

test('with a model: the answer streams in, the sources link to their passages', async () => {
	asurif('ai', 'config', '--base-url', `${modelUrl}/v1`, '--chat-model', 'chat');
	// A long answer: the test server sends it three characters at a time.
	const words = 'تستفيد المقاولات الصغيرة جدا والتعاونيات من حصة محجوزة من الصفقات العمومية [1]. '.repeat(25);
	await script(words + 'انظر أيضا [9].');
	const before = outputs().length;
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	await visit(page, '/ask');
	await page.locator('#q').fill(QUESTION);
	await page.locator('#ask-form button[type=submit]').click();
	// Some words while the Stop button is still there: the answer is arriving, not finished.
	await page.waitForFunction(() => (document.getElementById('ask-text')?.textContent || '').length > 20);
	const partial = await page.evaluate(() => ({
		text: document.getElementById('ask-text').textContent.length,
		writing: !!document.getElementById('ask-cancel'),
	}));
	assert.ok(partial.writing, 'first words are shown before the end');
	assert.ok(partial.text < words.length, `only part of the answer so far (${partial.text} of ${words.length})`);
	await page.locator('.ask-sources a').first().waitFor({ timeout: 30_000 });
	assert.equal(await page.locator('#ask-cancel').count(), 0, 'the Stop button goes at the end');
	const text = await page.locator('#ask-text').textContent();
	assert.ok(text.endsWith('[9].'), 'the whole answer arrived');
	const hrefs = await page.locator('.ask-sources a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
	assert.equal(hrefs.length, 1, `one source: [1], never [9] (${hrefs})`);
	assert.match(hrefs[0], /^\/documents\/\d+#p\d+$/);
	assert.ok(await page.locator('.notice.warning').filter({ hasText: '[9]' }).count(), '[9] is flagged');
	assert.ok(await page.locator('.ai-mark').count(), 'marked as written by the model');
	assert.equal(outputs().length, before + 1, 'the answer is kept');
	await page.screenshot({ path: screenshotPath('ask-streamed-ar'), fullPage: true });
	const target = hrefs[0].split('#')[1];
	await navigating(page, () => page.locator('.ask-sources a').first().click());
	assert.ok(await page.locator(`#${target}`).count(), `the document page has the passage ${target}`);
	// The output's page: prompt, model, time and passages.
	await visit(page, `/ai/outputs/${outputs()[0].id}`);
	assert.ok(await page.locator('details.ai-prompt pre').count() >= 2, 'the prompt is shown');
	assert.ok((await page.locator('main').textContent()).includes('chat'), 'the model is named');
	await ctx.close();
});

test('Stop ends the answer and nothing is kept', async () => {
	asurif('ai', 'config', '--base-url', `${modelUrl}/v1`, '--chat-model', 'chat');
	await script('جملة طويلة عن الصفقات العمومية [1]. '.repeat(120));
	const before = outputs().length;
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	await visit(page, '/ask');
	await page.locator('#q').fill(QUESTION);
	await page.locator('#ask-form button[type=submit]').click();
	await page.waitForFunction(() => (document.getElementById('ask-text')?.textContent || '').length > 10);
	await page.locator('#ask-cancel').click();
	const at = (await page.locator('#ask-text').textContent()).length;
	await page.waitForTimeout(600);
	const later = (await page.locator('#ask-text').textContent()).length;
	assert.equal(later, at, 'no more words after Stop');
	assert.ok((await page.locator('.ask-status').textContent()).length > 0, 'says it was stopped');
	await page.waitForTimeout(300);
	assert.equal(outputs().length, before, 'a stopped answer is not kept');
	await ctx.close();
});

test('without script: the whole answer on one page, with its sources', async () => {
	asurif('ai', 'config', '--base-url', `${modelUrl}/v1`, '--chat-model', 'chat');
	await script('الجواب [2].');
	const ctx = await open(browser, { as: 'viewer', js: false });
	const { page } = ctx;
	const resp = await visit(page, `/ask?q=${encodeURIComponent(QUESTION)}`);
	assert.equal(resp.status(), 200);
	assert.equal((await page.locator('#ask-text').textContent()).trim(), 'الجواب [2].');
	assert.equal(await page.locator('.ask-sources a').count(), 1);
	await ctx.close();
});

test('nothing relevant: says so without calling the model', async () => {
	asurif('ai', 'config', '--base-url', `${modelUrl}/v1`, '--chat-model', 'chat');
	const before = outputs().length;
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	await visit(page, '/ask');
	await page.locator('#q').fill('zeppelins xylophoniques quantiques');
	await page.locator('#ask-form button[type=submit]').click();
	await page.locator('#ask-not-found').waitFor();
	assert.equal(outputs().length, before, 'nothing kept: the model was not asked');
	await ctx.close();
});
