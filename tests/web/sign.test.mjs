// Signing a petition online without an account (/p/KEY): the consent text of law 09-08 and
// the rule set's fields on a phone, errors a person can fix, the confirmation with a
// withdrawal code, a duplicate said plainly, withdrawing with the code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, open, visit, navigating, t, norm, ASURIF, WS, SCREENSHOTS } from './lib.mjs';

const asurif = (...args) => execFileSync(ASURIF, ['-w', WS, ...args], { encoding: 'utf8' });
const counts = () => JSON.parse(asurif('petition', 'show', String(petition), '--json')).signatures;

let browser, petition, key, commune;
before(async () => {
	browser = await launch();
	const found = JSON.parse(asurif('territory', 'Béni Mellal', '--level', 'commune', '--json'));
	commune = found.territories.find((x) => x.type === 'urban') || found.territories[0];
	const campaign = JSON.parse(asurif('campaign', 'new', '--title', 'سوق أسبوعي منظم', '--goal', 'تنظيم السوق', '--level', 'commune', '--json')).id;
	const draft = asurif('draft', 'new', '--campaign', String(campaign), '--type', 'petition-commune', '--lang', 'ar',
		'--field', 'subject=تنظيم <b>السوق</b> الأسبوعي', '--field', 'requests=إدراج نقطة في جدول الأعمال').match(/\d+/)[0];
	petition = JSON.parse(asurif('petition', 'new', '--campaign', String(campaign), '--rule', 'ma/commune', '--territory', commune.code,
		'--draft', draft, '--json')).id;
	execFileSync('sqlite3', [join(WS, 'asurif.db'), `UPDATE petitions SET signing_open = 1 WHERE id = ${petition}`]);
	key = execFileSync('sqlite3', [join(WS, 'asurif.db'), `SELECT public_key FROM petitions WHERE id = ${petition}`], { encoding: 'utf8' }).trim();
});
after(async () => {
	await browser?.close();
});

async function fill(page, { cin = 'AB123456', consent = true } = {}) {
	await page.locator('#first_name').fill('أمينة');
	await page.locator('#last_name').fill('العلوي');
	await page.locator('#cin').fill(cin);
	await page.locator('#address').fill('زنقة 5، حي الأمل');
	await page.locator('#commune').fill(commune.name_ar);
	if (consent) await page.locator('#consent').check();
	else await page.locator('#consent').uncheck();
}
const submit = (page) => navigating(page, () => page.locator('main form.sign-form button[type="submit"]').click());

test('anyone signs on a phone, in Arabic, and can withdraw with the code', async () => {
	const ctx = await open(browser, { viewport: { width: 360, height: 780 } });
	const { page } = ctx;
	let resp = await visit(page, `/p/${key}`);
	assert.equal(resp.status(), 200);
	assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
	// The consent text: purpose, who sees the data, how long, withdrawal, the sensitive nature.
	const consent = norm(await page.locator('.consent').textContent());
	for (const k of ['sign_consent_purpose', 'sign_consent_who', 'sign_consent_keep', 'sign_consent_withdraw', 'sign_consent_sensitive'])
		assert.ok(consent.includes(norm(t('ar', k))), `the consent text says ${k}`);
	for (const f of ['first_name', 'last_name', 'cin', 'address', 'commune'])
		assert.equal(await page.locator(`label[for="${f}"]`).count(), 1, `a labelled field ${f}`);
	assert.equal(await page.locator('#consent[type="checkbox"]').count(), 1);
	// The petition's text is shown, escaped.
	assert.ok((await page.locator('.sign .doc').textContent()).includes('<b>السوق</b>'), 'the text shows markup as text');
	assert.equal(await page.locator('.sign .doc b').count(), 0);
	assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling');
	await page.screenshot({ path: join(SCREENSHOTS, 'sign-ar-360.png'), fullPage: true });

	// No consent: the summary links to the box, nothing is stored.
	await fill(page, { consent: false });
	resp = await submit(page);
	assert.equal(resp.status(), 400);
	assert.equal(await page.locator('.error-summary a[href="#consent"]').count(), 1);
	assert.equal(counts().total, 0);
	// A bad ID number: the message next to the field, the values kept.
	await fill(page, { cin: '12AB' });
	resp = await submit(page);
	assert.equal(resp.status(), 400);
	assert.equal(await page.locator('#cin[aria-invalid="true"]').count(), 1);
	assert.equal(norm(await page.locator('#cin-error').textContent()), norm(t('ar', 'sign_error_cin')));
	assert.equal(await page.locator('#first_name').inputValue(), 'أمينة', 'the values are kept');
	assert.equal(await page.locator('#cin').inputValue(), '12AB');
	assert.equal(counts().total, 0);

	// A good signature: the confirmation with a code, and it counts.
	await fill(page);
	resp = await submit(page);
	assert.equal(resp.status(), 200);
	assert.equal(norm(await page.locator('main h1').textContent()), norm(t('ar', 'sign_done_title')));
	const code = (await page.locator('#withdrawal-code').textContent()).trim();
	assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
	assert.equal(counts().valid, 1);

	// The same ID number again (written differently): stored, marked, and said plainly.
	await visit(page, `/p/${key}`);
	await fill(page, { cin: 'ab 123-456' });
	resp = await submit(page);
	assert.equal(resp.status(), 200);
	assert.equal(norm(await page.locator('.sign-duplicate').textContent()), norm(t('ar', 'sign_done_duplicate')));
	let c = counts();
	assert.equal(c.valid, 1);
	assert.equal(c.duplicates, 1);

	// Withdrawing: a wrong code is refused, the right one (any letter case) withdraws.
	await visit(page, `/p/${key}/withdraw`);
	await page.locator('#code').fill('0000-0000-0000');
	resp = await navigating(page, () => page.locator('main form button[type="submit"]').click());
	assert.equal(resp.status(), 400);
	assert.equal(await page.locator('.error-summary a[href="#code"]').count(), 1);
	await page.locator('#code').fill(code.toLowerCase());
	resp = await navigating(page, () => page.locator('main form button[type="submit"]').click());
	assert.equal(resp.status(), 200);
	assert.equal(norm(await page.locator('main [role="status"]').textContent()), norm(t('ar', 'sign_withdraw_done')));
	c = counts();
	assert.equal(c.withdrawn, 1);
	// the duplicate now stands in for it: the number counts once, as before
	assert.equal(c.valid, 1);
	assert.equal(c.duplicates, 0);
	const by = execFileSync('sqlite3', [join(WS, 'asurif.db'), `SELECT withdrawn_by FROM signatures WHERE petition_id = ${petition} AND withdrawn_at IS NOT NULL`], { encoding: 'utf8' }).trim();
	assert.equal(by, 'signatory');
	await ctx.close();
});

test('an unknown key, or a petition not open for signing, is a 404', async () => {
	const ctx = await open(browser);
	const { page } = ctx;
	assert.equal((await visit(page, '/p/0123456789abcdef')).status(), 404);
	execFileSync('sqlite3', [join(WS, 'asurif.db'), `UPDATE petitions SET signing_open = 0 WHERE id = ${petition}`]);
	assert.equal((await visit(page, `/p/${key}`)).status(), 404);
	execFileSync('sqlite3', [join(WS, 'asurif.db'), `UPDATE petitions SET signing_open = 1 WHERE id = ${petition}`]);
	await ctx.close();
});

test('the signing page in French on a laptop', async () => {
	const ctx = await open(browser, { locale: 'fr-FR' });
	const { page } = ctx;
	await visit(page, `/p/${key}`);
	await navigating(page, () => page.locator('header select[name="lang"]').selectOption('fr'));
	assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
	assert.equal(new URL(page.url()).pathname, `/p/${key}`, 'the language menu comes back to the page');
	assert.equal(norm(await page.locator('#consent-title').textContent()), norm(t('fr', 'sign_consent_title')));
	await page.screenshot({ path: join(SCREENSHOTS, 'sign-fr-1280.png'), fullPage: true });
	await ctx.close();
});
