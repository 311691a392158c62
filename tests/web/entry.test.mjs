// Paper signatures in the browser: typing signed sheets in with the keyboard only (Enter saves,
// the row number advances, the focus comes back to the first field), a bad ID number refused
// with the values kept and the reason given, a duplicate flagged and kept, the petition's count
// of paper signatures going up, nobody's personal data shown back, the activity log, viewers
// refused, no sideways scrolling on a phone, the form without JavaScript, and the printable
// sheets downloaded from the petition's page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, open, visit, navigating, signIn, t, norm, ASURIF, WS, SCREENSHOTS, BASE_URL } from './lib.mjs';

const cli = (...args) => execFileSync(ASURIF, ['-w', WS, ...args], { encoding: 'utf8' });
const sql = (q) => execFileSync('sqlite3', [join(WS, 'asurif.db'), q], { encoding: 'utf8' }).trim();
const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.replaceAll(`{${k}}`, String(v)), s);
const paper = () => JSON.parse(cli('petition', 'show', String(petition), '--json')).signatures.by_channel.paper;
const active = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

let browser, petition, province, communes;
const TYPIST = { login: 'typist', password: 'typist password 1' };
// What the typist types: none of it may ever come back on a page once saved.
const people = [
	{ first: 'أمينة', last: 'الورزازي', cin: 'AB123456', address: 'دوار آيت علي' },
	{ first: 'يوسف', last: 'البوزيدي', cin: 'K998877', address: 'حي النهضة، زنقة 3' },
	{ first: 'Fatima', last: 'Oulhaj', cin: 'BE45012', address: 'Douar Tizi' },
];

before(async () => {
	browser = await launch();
	province = JSON.parse(cli('territory', 'Azilal', '--level', 'province', '--json')).territories[0].code;
	communes = sql(`SELECT code FROM communes WHERE province_code = '${province}' ORDER BY code`).split('\n');
	const campaign = JSON.parse(cli('campaign', 'new', '--title', 'طرق الدواوير بأزيلال', '--level', 'province', '--territory', province, '--json')).id;
	petition = JSON.parse(cli('petition', 'new', '--campaign', String(campaign), '--rule', 'ma/province', '--territory', province, '--json')).id;
	// A member of this file's own, who works in French (signing in keeps the language in the account).
	execFileSync(ASURIF, ['-w', WS, 'user', 'add', TYPIST.login, '--role', 'member'], { input: `${TYPIST.password}\n` });
});
after(async () => {
	await browser?.close();
});

// Types one row with the keyboard, starting in the first field, and presses Enter.
async function typeRow(page, p, commune) {
	for (const [i, v] of [p.first, p.last, p.cin, p.address, commune].entries()) {
		if (i) await page.keyboard.press('Tab');
		await page.keyboard.type(v);
	}
	return navigating(page, () => page.keyboard.press('Enter'));
}

test('a member types three rows with the keyboard only, on a phone, in Arabic', async () => {
	const ctx = await open(browser, { as: 'member', viewport: { width: 360, height: 780 } });
	const { page } = ctx;
	const before = paper();
	let resp = await visit(page, `/petitions/${petition}/entry`);
	assert.equal(resp.status(), 200);
	assert.equal(norm(await page.locator('main h1').textContent()), norm(t('ar', 'entry_title')));
	assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
	for (const f of ['sheet', 'row', 'first_name', 'last_name', 'cin', 'address', 'commune'])
		assert.equal(await page.locator(`label[for="${f}"]`).count(), 1, `a labelled field ${f}`);
	// The communes offered are those of the province, with their codes, and only those.
	const offered = await page.locator('datalist#communes option').evaluateAll((os) => os.map((o) => o.value));
	assert.deepEqual([...offered].sort(), communes, 'the communes inside the province');
	assert.equal(await page.locator('#commune').getAttribute('list'), 'communes');
	assert.equal(await active(page), 'first_name', 'the first field has the focus');
	assert.equal(await page.locator('#row').inputValue(), '1');
	assert.ok(await noSideScroll(page), 'no horizontal scrolling at 360 px');

	// Sheet 7: back from the first field to the sheet number, with the keyboard.
	await page.keyboard.press('Shift+Tab');
	await page.keyboard.press('Shift+Tab');
	assert.equal(await active(page), 'sheet');
	await page.keyboard.press('Control+A');
	await page.keyboard.type('7');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Tab');
	assert.equal(await active(page), 'first_name');

	for (let i = 0; i < 3; i++) {
		resp = await typeRow(page, people[i], communes[i]);
		assert.equal(resp.status(), 200, `row ${i + 1} saved`);
		assert.equal(norm(await page.locator('.notice[role="status"]').textContent()), norm(t('ar', 'entry_saved')));
		assert.equal(await page.locator('#sheet').inputValue(), '7', 'the sheet number is kept');
		assert.equal(await page.locator('#row').inputValue(), String(i + 2), 'the next row is proposed');
		assert.equal(await active(page), 'first_name', 'the focus is back on the first field');
		assert.equal(await page.locator('#first_name').inputValue(), '', 'the form is empty again');
	}
	const count = norm(await page.locator('#entry-count').textContent());
	assert.ok(count.includes(norm(fill(t('ar', 'entry_typed'), { count: 3 }))), `three rows this session: ${count}`);
	assert.ok(count.includes(norm(fill(t('ar', 'entry_sheet_rows'), { sheet: 7, rows: '1–3' }))), `sheet 7: rows 1–3: ${count}`);
	// The last rows: sheet, row, commune and status; never a name or an ID number.
	const rows = await page.locator('table.entry-recent tbody tr').evaluateAll((trs) =>
		trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
	assert.deepEqual(rows.map((r) => r.slice(0, 2)), [['7', '3'], ['7', '2'], ['7', '1']]);
	assert.ok(rows.every((r) => r[3] === t('ar', 'entry_status_counted')));
	const html = await page.content();
	for (const p of people)
		for (const v of [p.first, p.last, p.cin, p.address]) assert.ok(!html.includes(v), `the page never shows ${v}`);
	assert.equal(paper(), before + 3, 'three paper signatures stored');
	const stored = sql(`SELECT group_concat(sheet || '/' || row_number || '/' || channel, ' ') FROM signatures WHERE petition_id = ${petition} ORDER BY id`);
	assert.equal(stored, '7/1/paper 7/2/paper 7/3/paper');
	await page.screenshot({ path: join(SCREENSHOTS, 'entry-ar-360.png'), fullPage: true });
	await ctx.close();
});

test('a bad ID number is refused with the values kept, a duplicate is flagged, the petition counts them', async () => {
	const ctx = await open(browser, { as: 'member', viewport: { width: 360, height: 780 } });
	const { page } = ctx;
	await visit(page, `/petitions/${petition}`);
	const paperLabel = t('ar', 'petition_channel_paper');
	const shown = async () => Number(norm(await page.locator('dl.counts div', { hasText: paperLabel }).locator('dd').textContent()));
	const before = await shown();
	assert.equal(before, paper());
	assert.ok(await noSideScroll(page), 'the petition page with the sheets form: no horizontal scrolling at 360 px');
	await page.locator('form.sheets-form').screenshot({ path: join(SCREENSHOTS, 'petition-sheets-form-ar-360.png') });
	await navigating(page, () => page.locator(`a[href="/petitions/${petition}/entry"]`).click());
	await page.locator('#sheet').fill('7');
	await navigating(page, () => page.locator('#sheet').press('Enter')); // an empty row: refused, nothing stored
	assert.equal(paper(), before);
	await visit(page, `/petitions/${petition}/entry?sheet=7`);
	assert.equal(await page.locator('#row').inputValue(), '4', 'the row after the last one typed on sheet 7');

	// A bad ID number: the reason in the summary and next to the field, the values kept.
	const bad = { first: 'سعاد', last: 'أيت باها', cin: '12AB', address: 'تبانت' };
	let resp = await typeRow(page, bad, communes[3]);
	assert.equal(resp.status(), 400);
	const reason = t('ar', 'entry_cin_no_letters');
	assert.equal(norm(await page.locator('.error-summary a[href="#cin"]').textContent()), norm(reason));
	assert.equal(norm(await page.locator('#cin-error').textContent()), norm(reason));
	assert.equal(await page.locator('#cin[aria-invalid="true"]').count(), 1);
	assert.equal(await page.locator('#first_name').inputValue(), bad.first, 'the values are kept');
	assert.equal(await page.locator('#address').inputValue(), bad.address);
	assert.equal(await page.locator('#commune').inputValue(), communes[3]);
	assert.equal(await page.locator('#row').inputValue(), '4');
	assert.equal(await active(page), 'cin', 'the focus is on the field to correct');
	assert.ok(await noSideScroll(page), 'no horizontal scrolling with the errors');
	await page.screenshot({ path: join(SCREENSHOTS, 'entry-error-ar-360.png'), fullPage: true });
	assert.equal(paper(), before, 'nothing stored');
	// Corrected at the keyboard: the wrong number is selected, typing replaces it.
	await page.keyboard.type('CD654321');
	resp = await navigating(page, () => page.keyboard.press('Enter'));
	assert.equal(resp.status(), 200);
	assert.equal(norm(await page.locator('.notice[role="status"]').textContent()), norm(t('ar', 'entry_saved')));
	assert.ok(!(await page.content()).includes('CD654321'), 'the corrected number is not shown back');

	// The first person's ID number again, written differently: kept, flagged, counted once.
	resp = await typeRow(page, { ...people[0], cin: 'ab 123 456' }, communes[0]);
	assert.equal(resp.status(), 200);
	assert.equal(norm(await page.locator('.notice[role="status"]').textContent()), norm(t('ar', 'entry_saved_duplicate')));
	const top = await page.locator('table.entry-recent tbody tr').first().locator('td').allTextContents();
	assert.deepEqual(top.map((s) => s.trim()), ['7', '5', top[2].trim(), t('ar', 'entry_status_duplicate')]);
	const c = JSON.parse(cli('petition', 'show', String(petition), '--json')).signatures;
	assert.equal(c.duplicates, 1, 'stored as a duplicate');

	// The petition's page: paper signatures counted once each.
	await navigating(page, () => page.locator(`main a[href="/petitions/${petition}"]`).first().click());
	assert.equal(await shown(), before + 1, 'the paper count went up by the one new signatory');
	assert.equal(await shown(), paper());

	// The activity log: who typed which row, never what.
	const audit = sql(`SELECT login || ' ' || detail FROM audit WHERE action = 'type paper signature' ORDER BY id`).split('\n');
	assert.equal(audit.length, 5, 'one entry per row saved');
	assert.ok(audit.every((a) => a.startsWith('member sheet 7, row ')), audit.join(' | '));
	assert.ok(audit[4].includes('duplicate'));
	const all = sql(`SELECT group_concat(coalesce(detail, ''), ' ') FROM audit`);
	for (const v of [...people.flatMap((p) => [p.first, p.last, p.cin]), 'CD654321', bad.first])
		assert.ok(!all.includes(v), `the activity log never holds ${v}`);
	await ctx.close();
});

test('a viewer cannot type in or print sheets', async () => {
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	await visit(page, `/petitions/${petition}`);
	assert.equal(await page.locator(`a[href="/petitions/${petition}/entry"]`).count(), 0, 'no link for a viewer');
	assert.equal(await page.locator('form.sheets-form').count(), 0, 'no sheets form for a viewer');
	assert.equal((await visit(page, `/petitions/${petition}/entry`, { check: false })).status(), 403);
	assert.equal((await page.request.get(`${BASE_URL}/petitions/${petition}/sheets.pdf`)).status(), 403);
	const resp = await page.request.post(`${BASE_URL}/petitions/${petition}/entry`, {
		form: { sheet: '1', row: '1', first_name: 'x', last_name: 'y', cin: 'AB1', address: 'z', commune: communes[0] },
	});
	assert.equal(resp.status(), 403);
	await ctx.close();
});

test('without JavaScript, in French on a laptop: a plain form, then a redirect with a message', async () => {
	const ctx = await open(browser, { js: false, locale: 'fr-FR' });
	const { page } = ctx;
	assert.equal((await signIn(page, TYPIST)).status(), 200);
	const before = paper();
	await visit(page, `/petitions/${petition}/entry`);
	// The language menu without JavaScript: choose, then its button (this account's own language).
	await page.locator('header form.lang select').selectOption('fr');
	await navigating(page, () => page.locator('header form.lang button[type="submit"]').click());
	assert.equal(new URL(page.url()).pathname, `/petitions/${petition}/entry`);
	assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
	assert.equal(norm(await page.locator('main h1').textContent()), norm(t('fr', 'entry_title')));
	await page.locator('#sheet').fill('8');
	await page.locator('#row').fill('1');
	await page.locator('#first_name').fill('Hassan');
	await page.locator('#last_name').fill('Amrani');
	await page.locator('#cin').fill('EE 11 22 33');
	await page.locator('#address').fill('Rue 2');
	await page.locator('#commune').fill(communes[5]);
	const resp = await navigating(page, () => page.locator('#commune').press('Enter'));
	assert.equal(resp.status(), 200);
	assert.equal(new URL(page.url()).pathname, `/petitions/${petition}/entry`, 'redirected back to the form');
	assert.equal(new URL(page.url()).searchParams.get('sheet'), '8');
	assert.equal(await page.locator('#row').inputValue(), '2');
	assert.equal(paper(), before + 1);
	assert.equal(await page.locator('#first_name[autofocus]').count(), 1, 'the first field asks for the focus');
	assert.equal(norm(await page.locator('.notice[role="status"]').textContent()), norm(t('fr', 'entry_saved')));
	assert.ok(norm(await page.locator('#entry-count').textContent()).includes(norm(fill(t('fr', 'entry_sheet_rows'), { sheet: 8, rows: '1' }))));
	await page.screenshot({ path: join(SCREENSHOTS, 'entry-fr-1280.png'), fullPage: true });
	await ctx.close();
});

test('the petition page prints signature sheets; a bad count is refused with its field named', async () => {
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	await visit(page, `/petitions/${petition}`);
	const form = page.locator('form.sheets-form');
	assert.equal(await form.count(), 1);
	for (const f of ['sheets-first', 'sheets-count', 'sheets-rows', 'sheets-lang'])
		assert.equal(await page.locator(`label[for="${f}"]`).count(), 1, `a labelled field ${f}`);
	await page.locator('#sheets-first').fill('21');
	await page.locator('#sheets-count').fill('3');
	await page.locator('#sheets-rows').fill('12');
	await page.locator('#sheets-lang').selectOption('fr');
	const [download] = await Promise.all([page.waitForEvent('download'), form.locator('button[type="submit"]').click()]);
	const file = join(SCREENSHOTS, '..', `entry-sheets-${process.pid}.pdf`);
	await download.saveAs(file);
	assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
	const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
	assert.match(info, /Pages:\s+3\n/);
	const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
	for (const n of [21, 22, 23]) assert.ok(text.includes(`Feuille ${n}`), `sheet ${n} is printed`);
	execFileSync('rm', ['-f', file]);
	const resp = await visit(page, `/petitions/${petition}/sheets.pdf?count=0`);
	assert.equal(resp.status(), 400);
	assert.equal(norm(await page.locator('main .lead').textContent()), norm(t('ar', 'sheets_error_count')));
	await ctx.close();
});
