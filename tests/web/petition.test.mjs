// Petitions in the browser, for members: starting one from a campaign, the admissibility
// checklist with the source of every figure, progress as signatures come in, filing and
// decision with their errors, what viewers may not do, the coordinators' signature
// download (logged), the rule sets and an override.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, open, visit, navigating, chooseLanguage, t, norm, ASURIF, WS, SCREENSHOTS, BASE_URL } from './lib.mjs';

let browser, campaign, draft, commune, petition;
const cli = (...args) => execFileSync(ASURIF, ['-w', WS, ...args], { encoding: 'utf8' });
const sql = (q) => execFileSync('sqlite3', [join(WS, 'asurif.db'), q], { encoding: 'utf8' }).trim();
const path = (page) => new URL(page.url()).pathname;
const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.replaceAll(`{${k}}`, String(v)), s);

// A date n days before today (local time), as YYYY-MM-DD.
function daysAgo(n) {
	const d = new Date();
	d.setDate(d.getDate() - n);
	const p = (x) => String(x).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function sign(n) {
	for (let i = 0; i < n; i++)
		cli('petition', 'sign', String(petition), '--first-name', 'فاطمة', '--last-name', `الزهراء ${i}`, '--cin',
			`JB${100200 + i}`, '--address', 'حي السلام، زنقة 4', '--commune', commune);
}

before(async () => {
	browser = await launch();
	campaign = JSON.parse(cli('campaign', 'new', '--title', 'ماء الشرب في الدواوير', '--goal', 'ربط الدواوير بشبكة الماء',
		'--level', 'commune', '--json')).id;
	draft = JSON.parse(cli('draft', 'new', '--campaign', String(campaign), '--type', 'petition-commune', '--lang', 'ar', '--json')).id;
	// A commune of fewer than 35,000 inhabitants: the law asks 100 signatures.
	const found = JSON.parse(cli('territory', 'Agadir Melloul', '--level', 'commune', '--json')).territories;
	commune = found.find((x) => x.population_2024 < 35000).code;
});
after(async () => {
	await browser?.close();
});

test('a member starts a petition and sees the checklist, the threshold failing with its source', async () => {
	const ctx = await open(browser, { as: 'member', viewport: { width: 360, height: 780 } });
	const { page } = ctx;
	await visit(page, `/campaigns/${campaign}`);
	await navigating(page, () => page.locator(`a[href="/campaigns/${campaign}/petitions/new"]`).click());
	assert.equal(norm(await page.locator('main h1').textContent()), norm(t('ar', 'petition_new_title')));
	// The campaign's level chose the commune council; no place yet: an error next to the field.
	assert.ok(await page.locator('#rule-ma\\/commune').isChecked(), 'the campaign suggests the rule set');
	let resp = await navigating(page, () => page.locator('main form button[type="submit"]').click());
	assert.equal(resp.status(), 400);
	assert.equal(await page.locator('.error-summary a[href="#territory"]').count(), 1);
	assert.equal(await page.locator('#territory[aria-invalid="true"]').count(), 1);

	await page.locator('#territory').fill(commune);
	await page.locator('#draft').selectOption(String(draft));
	await page.locator('#association').fill('جمعية الأمل للتنمية');
	resp = await navigating(page, () => page.locator('main form button[type="submit"]').click());
	assert.equal(resp.status(), 200);
	assert.match(path(page), /^\/petitions\/\d+$/);
	petition = Number(path(page).split('/')[2]);

	const threshold = page.locator('#cond-threshold');
	assert.ok((await threshold.getAttribute('class')).includes('cond-fail'), 'the threshold fails');
	assert.equal(norm(await threshold.locator('.cond-mark').textContent()), '✗');
	assert.match(await threshold.locator('.source-line').textContent(), /113\.14/, 'its source is shown');
	assert.ok(norm(await threshold.locator('.rule-status').textContent()) === norm(t('ar', 'petition_figure_confirmed')));
	assert.equal(norm(await page.locator('#signatures ~ .progress-text').first().textContent()),
		norm(fill(t('ar', 'petition_progress'), { count: 0, required: 100 })));
	assert.equal(await page.locator('progress.petition-progress').first().getAttribute('max'), '100');
	assert.equal(await page.locator(`a[href="/petitions/${petition}/signatures.csv"]`).count(), 0, 'no personal data for members');

	// Signatures typed in from paper: the progress follows.
	sign(3);
	await visit(page, `/petitions/${petition}`);
	assert.equal(norm(await page.locator('#signatures ~ .progress-text').first().textContent()),
		norm(fill(t('ar', 'petition_progress'), { count: 3, required: 100 })));
	assert.equal(await page.locator('progress.petition-progress').first().getAttribute('value'), '3');
	const html = await page.content();
	assert.ok(!html.includes('JB100200') && !html.includes('الزهراء 0'), 'nothing personal on the page');
	await page.screenshot({ path: join(SCREENSHOTS, 'petition-ar-360.png'), fullPage: true });
	assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling at 360 px');

	// The campaign and the list show it.
	await visit(page, `/campaigns/${campaign}`);
	assert.equal(await page.locator(`#petitions ~ ul a[href="/petitions/${petition}"]`).count(), 1);
	await visit(page, '/petitions');
	assert.equal(await page.locator(`a[href="/petitions/${petition}"]`).count(), 1);
	await ctx.close();
});

test('filing and decision: errors a person can fix, then the legal dates', async () => {
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	await visit(page, `/petitions/${petition}`);
	await page.locator('#filed_on').fill('2026-13-45');
	await page.locator('#receipt').fill('R-77');
	let resp = await navigating(page, () => page.locator('form[action$="/filing"] button').click());
	assert.equal(resp.status(), 400);
	assert.equal(await page.locator('.error-summary a[href="#filed_on"]').count(), 1);
	assert.equal(await page.locator('#filed_on').inputValue(), '2026-13-45', 'the value is kept');
	assert.equal(await page.locator('#receipt').inputValue(), 'R-77');

	const filed = daysAgo(120);
	await page.locator('#filed_on').fill(filed);
	resp = await navigating(page, () => page.locator('form[action$="/filing"] button').click());
	assert.equal(resp.status(), 200);
	assert.equal(path(page), `/petitions/${petition}`);
	assert.ok(norm(await page.locator('#dates ~ dl.facts').first().textContent()).includes(filed));
	assert.ok((await page.locator('.legal-date').count()) >= 1, 'the legal dates are shown');
	assert.equal(await page.locator('.legal-date.overdue').count(), 1, '3 months after a filing 120 days ago: overdue');
	assert.equal(await page.locator('form[action$="/filing"]').count(), 0, 'filed once');
	// The home page lists the date, overdue.
	await visit(page, '/');
	assert.equal(await page.locator(`.petition-dates-home li.overdue a[href="/petitions/${petition}#dates"]`).count(), 1);
	await visit(page, `/petitions/${petition}`);

	// The same page in French on a laptop (the 'shots' account changes its language, then back).
	const fr = await open(browser, { as: 'shots' });
	try {
		await visit(fr.page, `/petitions/${petition}`);
		await chooseLanguage(fr.page, 'fr');
		await fr.page.evaluate(() => document.fonts.ready);
		await fr.page.screenshot({ path: join(SCREENSHOTS, 'petition-fr-1280.png'), fullPage: true });
	} finally {
		await chooseLanguage(fr.page, 'ar').catch(() => {});
	}
	await fr.close();

	// A refusal without its reasons.
	await page.locator('#decision-refused').check();
	resp = await navigating(page, () => page.locator('form[action$="/decision"] button').click());
	assert.equal(resp.status(), 400);
	assert.equal(await page.locator('.error-summary a[href="#reasons"]').count(), 1);
	assert.ok(await page.locator('#decision-refused').isChecked(), 'the choice is kept');
	await ctx.close();
});

test('a viewer reads the petition but sees no form and cannot act or download', async () => {
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	const resp = await visit(page, `/petitions/${petition}`);
	assert.equal(resp.status(), 200);
	assert.equal(await page.locator('main form').count(), 0, 'no form for a viewer');
	assert.equal(await page.locator('a[href$="/signatures.csv"]').count(), 0);
	const req = page.context().request;
	let r = await req.post(`${BASE_URL}/petitions/${petition}/decision`, { form: { decision: 'accepted' } });
	assert.equal(r.status(), 403, 'a viewer cannot record a decision');
	r = await req.post(`${BASE_URL}/campaigns/${campaign}/petitions/new`, { form: { rule: 'ma/commune', territory: commune } });
	assert.equal(r.status(), 403, 'a viewer cannot start a petition');
	r = await req.get(`${BASE_URL}/petitions/${petition}/signatures.csv`);
	assert.equal(r.status(), 403, 'personal data is for coordinators');
	await ctx.close();
});

test('a coordinator downloads the signatures (logged) and changes a figure with a note', async () => {
	const before = Number(sql("SELECT count(*) FROM audit WHERE action LIKE '%export%'"));
	const ctx = await open(browser, { as: 'admin', locale: 'fr-FR' });
	const { page } = ctx;
	await visit(page, `/petitions/${petition}`);
	const link = page.locator(`a[href="/petitions/${petition}/signatures.csv"]`);
	assert.equal(await link.count(), 1);
	const r = await page.context().request.get(`${BASE_URL}/petitions/${petition}/signatures.csv`);
	assert.equal(r.status(), 200);
	assert.match(r.headers()['content-type'], /^text\/csv/);
	assert.match(r.headers()['content-disposition'], /attachment/);
	assert.match(r.headers()['cache-control'] || '', /no-store/);
	const body = (await r.body()).toString('utf8');
	assert.ok(body.includes('JB100200') && body.includes('الزهراء 2'), 'the list holds the signatures');
	assert.equal(Number(sql("SELECT count(*) FROM audit WHERE action LIKE '%export%'")), before + 1, 'the download is logged');

	// Online signing (on a petition still collecting): opened by the coordinator, its link and QR
	// code shown, then closed again.
	const fresh = JSON.parse(cli('petition', 'new', '--campaign', String(campaign), '--rule', 'ma/commune', '--territory',
		commune, '--json')).id;
	await visit(page, `/petitions/${fresh}`);
	let nav = await navigating(page, () => page.locator(`form[action="/petitions/${fresh}/signing"] button`).click());
	assert.equal(nav.status(), 200);
	const href = await page.locator('.sign-link a').getAttribute('href');
	assert.match(href, /\/p\/[0-9a-f]{32}$/, 'the public address');
	const qr = await page.context().request.get(`${BASE_URL}/petitions/${fresh}/qr.svg`);
	assert.equal(qr.status(), 200);
	assert.ok((await qr.body()).toString().includes('<svg'), 'the QR code');
	assert.ok(await page.locator('img.qr').evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code shows');
	const pub = await page.context().request.get(new URL(href).pathname.replace(/^/, BASE_URL));
	assert.equal(pub.status(), 200, 'the signing page answers');
	nav = await navigating(page, () => page.locator(`form[action="/petitions/${fresh}/signing"] button`).click());
	assert.equal(nav.status(), 200);
	assert.equal(await page.locator('.sign-link').count(), 0, 'closed: no link');
	const gone = await page.context().request.get(new URL(href).pathname.replace(/^/, BASE_URL));
	assert.equal(gone.status(), 404, 'the signing page is closed');
	await visit(page, `/petitions/${petition}`);

	// The rule sets: every figure with its source; an override needs a note.
	await visit(page, '/petitions/rules');
	assert.equal(await page.locator('section.rule-set').count(), 5);
	assert.ok((await page.locator('#commune-threshold .source').textContent()).includes('113.14'));
	await page.locator('#commune ~ details.add-form summary').click();
	await page.locator('#figure-commune').selectOption('threshold');
	await page.locator('#value-commune').fill('3');
	let resp = await navigating(page, () => page.locator('#commune ~ details form button[type="submit"]').click());
	assert.equal(resp.status(), 400);
	assert.equal(await page.locator('.error-summary a[href="#note-commune"]').count(), 1);
	assert.equal(await page.locator('#value-commune').inputValue(), '3', 'the value is kept');
	await page.locator('#note-commune').fill('Le seuil publié par le conseil');
	resp = await navigating(page, () => page.locator('#commune ~ details form button[type="submit"]').click());
	assert.equal(resp.status(), 200);
	assert.equal(await page.locator('#commune-threshold .badge.overridden').count(), 1);
	assert.ok(Number(sql("SELECT count(*) FROM audit WHERE action = 'rule-override'")) >= 1);
	// The petition's checklist now rests on the override, and says so.
	await visit(page, `/petitions/${petition}`);
	assert.ok((await page.locator('#cond-threshold').getAttribute('class')).includes('cond-pass'));
	assert.ok(norm(await page.locator('#cond-threshold').textContent()).includes('Le seuil publié par le conseil'));
	// Back to the law's figure.
	await visit(page, '/petitions/rules');
	resp = await navigating(page, () => page.locator('#commune-threshold form[action="/petitions/rules/reset"] button').click());
	assert.equal(resp.status(), 200);
	assert.equal(await page.locator('#commune-threshold .badge.overridden').count(), 0);
	await ctx.close();
});
