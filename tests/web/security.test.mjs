// Security as the browser sees it: escaping, roles, cookies, cross-site requests, throttling.
// Every page opened through lib.mjs is also checked for inline scripts, dialogs, script errors,
// CSP violations and requests leaving 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, open, signIn, visit, navigating, checkPage, t, norm, USERS, XSS_TITLE, BASE_URL } from './lib.mjs';

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

const path = (page) => new URL(page.url()).pathname;

// The scripts of the page: all from this server's /static/, none written in the page.
async function onlyStaticScripts(page) {
	const s = await page.$$eval('script', (ss) => ss.map((x) => x.getAttribute('src')));
	assert.ok(s.every((src) => src && src.startsWith('/static/')), `scripts on ${page.url()}: ${JSON.stringify(s)}`);
}

test('a document titled <script>alert(1)</script> shows as text on the dashboard, the list and its page', async () => {
	const ctx = await open(browser, { as: 'admin' });
	const { page } = ctx;

	for (const where of ['/', '/documents']) {
		const resp = await visit(page, where);
		assert.equal(resp.status(), 200, `${where} opens`);
		const shown = page.locator('main').getByText(XSS_TITLE, { exact: true });
		assert.ok((await shown.count()) >= 1, `the title shows as text on ${where}`);
		await onlyStaticScripts(page);
	}
	// its own page, through its link in the list
	const link = page.locator('main a[href^="/documents/"]').filter({ hasText: XSS_TITLE }).first();
	const resp = await navigating(page, () => link.click());
	assert.equal(resp.status(), 200);
	assert.match(path(page), /^\/documents\/\d+$/);
	assert.equal(norm(await page.locator('main h1').textContent()), XSS_TITLE, 'the title is the heading, as text');
	assert.ok((await page.title()).includes(XSS_TITLE), 'and the window title, as text');
	await onlyStaticScripts(page);
	// a search that finds it shows it as text too
	await visit(page, '/search?q=' + encodeURIComponent('injecter'));
	assert.ok((await page.locator('main').getByText(XSS_TITLE).count()) >= 1, 'the title shows as text in results');
	await onlyStaticScripts(page);
	await ctx.close(); // fails if a dialog opened or an inline script ran anywhere
});

test('a viewer sees no link to add documents and is refused /upload', async () => {
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	for (const where of ['/', '/documents', '/search']) {
		await visit(page, where);
		assert.equal(await page.locator('a[href="/upload"]').count(), 0, `no link to /upload on ${where}`);
		assert.equal(await page.locator('form[action="/upload"]').count(), 0, `no upload form on ${where}`);
	}
	const resp = await visit(page, '/upload');
	assert.equal(resp.status(), 403, 'a viewer gets 403 on /upload');
	assert.ok(await page.locator('main h1').isVisible(), 'with a readable page');
	assert.equal(await page.locator('main input[type="file"]').count(), 0);
	await ctx.close();
});

test('the session cookie is HttpOnly and SameSite=Strict, out of reach of scripts', async () => {
	const ctx = await open(browser);
	const { page, context } = ctx;
	await signIn(page, 'admin');
	const session = (await context.cookies()).find((c) => c.name === 'asurif_session');
	assert.ok(session && session.value, 'a session cookie was set');
	assert.equal(session.httpOnly, true, 'HttpOnly');
	assert.equal(session.sameSite, 'Strict', 'SameSite=Strict');
	assert.equal(session.path, '/');
	assert.ok(!(await page.evaluate(() => document.cookie)).includes('asurif_session'), 'scripts cannot read it');
	await ctx.close();
});

test('a form on another site cannot change the language of a signed-in person (CSRF: 403)', async () => {
	// The other site: a page on another port whose form posts itself to /language.
	const evil = createServer((req, res) => {
		if (req.url === '/auto.js') {
			res.writeHead(200, { 'Content-Type': 'text/javascript' });
			res.end('document.forms[0].submit();');
			return;
		}
		res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
		res.end(`<!doctype html><html><body><h1>Prize!</h1>
<form method="post" action="${BASE_URL}/language">
<input type="hidden" name="lang" value="fr"><input type="hidden" name="back" value="/">
<input type="hidden" name="csrf" value="forged-token-forged-token-forged-token">
</form><script src="/auto.js"></script></body></html>`);
	});
	await new Promise((r) => evil.listen(0, '127.0.0.1', r));
	const evilUrl = `http://127.0.0.1:${evil.address().port}/`;
	const ctx = await open(browser, { as: 'admin' });
	const { page } = ctx;
	try {
		await visit(page, '/');
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
		const [posted] = await Promise.all([
			page.waitForResponse((r) => r.url() === `${BASE_URL}/language` && r.request().method() === 'POST'),
			page.goto(evilUrl),
		]);
		assert.equal(posted.status(), 403, `the cross-site POST is refused (status ${posted.status()})`);
		await page.waitForLoadState('load');
		await checkPage(page);
		// nothing changed: still signed in, still in Arabic
		await visit(page, '/');
		assert.equal(path(page), '/');
		assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar', 'the language did not change');
	} finally {
		evil.close();
	}
	await ctx.close();
});

test('five wrong passwords for an account, then even the right one is refused with the throttling message', async () => {
	const ctx = await open(browser);
	const { page, context } = ctx;
	const failed = norm(t('ar', 'signin_failed'));
	for (let i = 1; i <= 5; i++) {
		const resp = await signIn(page, { login: USERS.locked.login, password: `wrong password ${i}` });
		assert.equal(resp.status(), 401, `wrong password ${i} is refused`);
		assert.ok(norm(await page.locator('main .error-summary').innerText()).includes(failed), 'with the message');
		assert.equal(await page.locator('#login').inputValue(), USERS.locked.login, 'the login is kept');
	}
	const resp = await signIn(page, 'locked');
	assert.equal(resp.status(), 429, `the right password waits too (status ${resp.status()})`);
	assert.equal(path(page), '/signin');
	const escaped = norm(t('ar', 'signin_throttled'))
		.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
		.replace('\\{minutes\\}', '[0-9\u0660-\u0669]+');
	const message = norm(await page.locator('main .error-summary').innerText());
	assert.match(message, new RegExp(escaped), 'the throttling message is shown');
	assert.ok(!(await context.cookies()).some((c) => c.name === 'asurif_session' && c.value), 'no session');
	await ctx.close();
});
