// Signing in, choosing the language, signing out: as a person does it, in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, signIn, visit, navigating, chooseLanguage, t, norm, LOCALE } from './lib.mjs';

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

const path = (page) => new URL(page.url()).pathname;
const htmlLangDir = (page) =>
	page.evaluate(() => `${document.documentElement.lang} ${document.documentElement.dir}`);
const NAV_KEYS = {
	'/': 'nav_home',
	'/search': 'nav_search',
	'/documents': 'nav_documents',
	'/upload': 'nav_upload',
	'/admin/users': 'nav_admin',
	'/settings': 'nav_settings',
};
// The header's navigation: {href: label}
const navLabels = (page) =>
	page.$$eval('header nav a', (as) => Object.fromEntries(as.map((a) => [a.getAttribute('href'), a.textContent])));

test('an administrator signs in through the form, in Arabic by default, and lands on the dashboard', async () => {
	// a browser asking for a language the program does not have: Arabic, the default
	const ctx = await open(browser, { locale: 'de-DE' });
	const { page } = ctx;
	await visit(page, '/');
	assert.equal(path(page), '/signin', 'a visitor is sent to the sign-in page');
	assert.equal(await htmlLangDir(page), 'ar rtl');
	assert.equal(norm(await page.locator('main h1').textContent()), norm(t('ar', 'signin_title')));
	// the fields are found by their visible labels, as a person finds them
	assert.equal(await page.getByLabel(norm(t('ar', 'signin_login'))).count(), 1);
	assert.equal(await page.getByLabel(norm(t('ar', 'signin_password'))).count(), 1);

	const resp = await signIn(page, 'admin');
	assert.equal(resp.status(), 200, `the dashboard opens (status ${resp.status()})`);
	assert.equal(path(page), '/');
	assert.equal(await htmlLangDir(page), 'ar rtl');
	assert.equal(await page.locator('header nav a[href="/"][aria-current="page"]').count(), 1, 'home is the current page');
	assert.ok(await page.locator('main h1').isVisible(), 'the dashboard has a heading');
	const labels = await navLabels(page);
	for (const [href, key] of Object.entries(NAV_KEYS))
		assert.equal(norm(labels[href] ?? ''), norm(t('ar', key)), `the link to ${href} reads in Arabic`);
	await ctx.close();
});

test('the language menu switches to French, left to right, and back to Arabic', async () => {
	const ctx = await open(browser, { as: 'polyglot' });
	const { page } = ctx;
	await visit(page, '/');
	assert.equal(await htmlLangDir(page), 'ar rtl');

	await chooseLanguage(page, 'fr');
	assert.equal(await htmlLangDir(page), 'fr ltr');
	assert.equal(path(page), '/', 'the same page comes back');
	let labels = await navLabels(page);
	for (const [href, key] of Object.entries(NAV_KEYS))
		assert.equal(norm(labels[href] ?? ''), norm(t('fr', key)), `the link to ${href} reads in French`);
	assert.equal(await page.locator('header select[name="lang"]').inputValue(), 'fr');
	assert.equal(await page.locator('main').evaluate((m) => getComputedStyle(m).direction), 'ltr');

	// the choice stays on other pages
	await visit(page, '/search');
	assert.equal(await htmlLangDir(page), 'fr ltr');

	await chooseLanguage(page, 'ar');
	assert.equal(await htmlLangDir(page), 'ar rtl');
	assert.equal(path(page), '/search', 'the same page comes back');
	labels = await navLabels(page);
	for (const [href, key] of Object.entries(NAV_KEYS))
		assert.equal(norm(labels[href] ?? ''), norm(t('ar', key)), `the link to ${href} reads in Arabic again`);
	await ctx.close();
});

test('without JavaScript, the language button does the same', async () => {
	const context = await browser.newContext({ javaScriptEnabled: false, locale: LOCALE });
	try {
		const page = await context.newPage();
		await visit(page, '/signin');
		assert.equal(await htmlLangDir(page), 'ar rtl');
		const form = page.locator('header form.lang');
		await form.locator('select[name="lang"]').selectOption('fr');
		assert.equal(await htmlLangDir(page), 'ar rtl', 'nothing happens before the button');
		await navigating(page, () => form.locator('button[type="submit"]').click());
		assert.equal(await htmlLangDir(page), 'fr ltr');
		assert.equal(path(page), '/signin');
		assert.equal(norm(await page.locator('main h1').textContent()), norm(t('fr', 'signin_title')));
	} finally {
		await context.close();
	}
});

test('signing out ends the session: its cookie no longer opens the dashboard', async () => {
	const ctx = await open(browser);
	const { page, context } = ctx;
	await signIn(page, 'member');
	assert.equal(path(page), '/');
	const cookies = await context.cookies();
	assert.ok(cookies.some((c) => c.name === 'asurif_session' && c.value), 'a session cookie was set');

	await navigating(page, () => page.locator('header form.signout [type="submit"]').click());
	assert.equal(path(page), '/signin', 'signing out leads to the sign-in page');
	await visit(page, '/');
	assert.equal(path(page), '/signin', 'the dashboard is closed in this browser');

	// the old cookie, put back as a thief would, opens nothing either
	const other = await open(browser);
	await other.context.addCookies(cookies);
	const resp = await visit(other.page, '/');
	assert.equal(path(other.page), '/signin', 'the old session cookie is refused by the server');
	assert.equal(resp.status(), 200);
	assert.equal(await other.page.locator('header form.signout').count(), 0, 'no one is signed in');
	await other.close();
	await ctx.close();
});
