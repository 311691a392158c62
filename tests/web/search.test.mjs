// Searching in Arabic and adding a document through the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, open, visit, navigating, t, norm, documents, FIXTURES } from './lib.mjs';

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

// Types words in the search form of /search and sends it with Enter, as a person does.
async function search(page, words) {
	const resp = await visit(page, '/search');
	assert.equal(resp.status(), 200, '/search opens');
	const box = page.locator('main form input[name="q"]');
	await box.fill(words);
	const r = await navigating(page, () => box.press('Enter'));
	assert.equal(new URL(page.url()).searchParams.get('q'), words, 'the words are in the address');
	assert.equal(await box.inputValue(), words, 'the words stay in the box');
	return r;
}

const markTexts = (page) => page.$$eval('main mark', (ms) => ms.map((m) => m.textContent.trim()));

test('an Arabic search finds passages, highlights the words and lays the results out right to left', async () => {
	const ctx = await open(browser, { as: 'admin' });
	const { page } = ctx;
	const resp = await search(page, 'مقاولة');
	assert.equal(resp.status(), 200);

	const marks = await markTexts(page);
	assert.ok(marks.length >= 3, `words are highlighted (${marks.length} <mark>)`);
	assert.ok(
		marks.some((m) => m === 'المقاولات' || m === 'للمقاولات'),
		`the forms of the word are highlighted, found: ${[...new Set(marks)].join(' ')}`,
	);
	assert.ok(marks.every((m) => /مقاول/.test(m)), `only the searched word is marked: ${marks}`);

	// The list of results and its first result, found from the first highlight.
	const box = await page.evaluate(() => {
		const mark = document.querySelector('main mark');
		const item = mark.closest('li') || mark.closest('article');
		const list = item.parentElement;
		const r = (el) => {
			const b = el.getBoundingClientRect();
			return { left: b.left, right: b.right, width: b.width };
		};
		const link = item.querySelector('a[href]');
		return {
			listTag: list.tagName,
			listDir: getComputedStyle(list).direction,
			itemDir: getComputedStyle(item).direction,
			list: r(list),
			item: r(item),
			link: link && r(link),
			count: list.children.length,
		};
	});
	assert.equal(box.listDir, 'rtl', 'the result list is right to left');
	assert.equal(box.itemDir, 'rtl', 'a result is right to left');
	assert.ok(box.count >= 3, `several results (${box.count})`);
	assert.ok(
		Math.abs(box.list.right - box.item.right) <= 24,
		`a result starts at the list's right edge (list ${JSON.stringify(box.list)}, result ${JSON.stringify(box.item)})`,
	);
	if (box.link)
		assert.ok(
			box.item.right - box.link.right <= 48,
			`the result's link starts on the right (result ${JSON.stringify(box.item)}, link ${JSON.stringify(box.link)})`,
		);
	await ctx.close();
});

test('a member adds a Word document through /upload, then finds it by a word in it', async () => {
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	await visit(page, '/');
	const nav = page.locator('header nav a[href="/upload"]');
	assert.equal(await nav.count(), 1, 'a member sees the link to add documents');
	const opened = await navigating(page, () => nav.click());
	assert.equal(opened.status(), 200, '/upload opens');
	const lang = await page.evaluate(() => document.documentElement.lang);

	// With JavaScript (app.js): each file is sent on its own, with a progress bar, and its
	// outcome shows on the same page.
	await page.getByLabel(norm(t(lang, 'upload_choose'))).setInputFiles(join(FIXTURES, 'sample.docx'));
	await page.locator('main form:has(input[type="file"]) [type="submit"]').click();
	const item = page.locator('main .upload-item').filter({ hasText: 'sample.docx' });
	const link = item.locator('a[href^="/documents/"]');
	await link.waitFor();
	const state = norm(await item.innerText());
	assert.ok(state.includes(norm(t(lang, 'upload_added'))), `the file is reported as added: ${state}`);
	const title = "Note sur l'accès des TPE à la commande publique";
	assert.equal(norm(await link.innerText()), title, 'with a link to the new document, by its title');
	assert.equal(await page.locator('main [role="status"]').count(), 1, 'and a summary');
	assert.ok(documents().some((d) => d.title === title && d.format === 'docx'), 'the document is in the hub');

	await search(page, 'acheteurs');
	const marks = await markTexts(page);
	assert.ok(marks.some((m) => m.toLowerCase() === 'acheteurs'), `the word is highlighted: ${marks}`);
	const found = norm(await page.locator('main').innerText());
	assert.ok(found.includes(title), `the new document is among the results: ${found.slice(0, 400)}`);
	await ctx.close();
});

test('without JavaScript, the upload form still adds a document and says so', async () => {
	const ctx = await open(browser, { as: 'member', js: false });
	const { page } = ctx;
	await visit(page, '/upload');
	const lang = await page.evaluate(() => document.documentElement.lang);
	await page.locator('main input[type="file"]').setInputFiles(join(FIXTURES, 'sample.odt'));
	const resp = await navigating(page, () => page.locator('main form:has(input[type="file"]) [type="submit"]').click());
	assert.equal(resp.status(), 200, `the form is answered (status ${resp.status()})`);
	const item = page.locator('main .upload-item').filter({ hasText: 'sample.odt' });
	const state = norm(await item.innerText());
	assert.ok(state.includes(norm(t(lang, 'upload_added'))), `the file is reported as added: ${state}`);
	assert.equal(norm(await item.locator('a[href^="/documents/"]').innerText()), 'Formation des auto-entrepreneurs');

	await visit(page, '/search?q=chambres');
	assert.ok(norm(await page.locator('main').innerText()).includes('Formation des auto-entrepreneurs'), 'it is found');
	await ctx.close();
});
