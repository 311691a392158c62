// Shared by the browser tests: Debian's Chromium driven by playwright-core against the
// real server that tests/web/run.sh started. Every page is watched: no request may leave
// this computer, no dialog may open, no inline script, no script error, no CSP violation.
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

function need(name) {
	const v = process.env[name];
	if (!v) throw new Error(`${name} is not set: run the browser tests with tests/web/run.sh`);
	return v;
}

export const BASE_URL = need('BASE_URL').replace(/\/$/, '');
export const WS = need('WS');
export const CHROMIUM = need('CHROMIUM');
export const FIXTURES = need('FIXTURES');
export const SCREENSHOTS = need('SCREENSHOTS');
export const ASURIF = process.env.ASURIF || 'build/asurif';
export const SRCDIR = process.env.SRCDIR || new URL('../..', import.meta.url).pathname;

// The accounts tests/web/run.sh creates (keep both files in step).
export const USERS = {
	admin: { login: 'admin', password: 'admin password 1' },
	member: { login: 'member', password: 'member password 1' },
	viewer: { login: 'viewer', password: 'viewer password 1' },
	// for the throttling test only: it ends up locked out for a quarter of an hour
	locked: { login: 'locked', password: 'locked password 1' },
	// changes its language: the language test and the screenshots
	polyglot: { login: 'polyglot', password: 'polyglot password 1' },
	shots: { login: 'shots', password: 'shots password 1' },
};

// The title of the document added to try script injection.
export const XSS_TITLE = '<script>alert(1)</script>';

export const LAUNCH_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	// Nothing may leave this computer: every address but the loopback goes to a proxy that is
	// not there (the discard port), so such a request fails here instead of reaching a network.
	'--proxy-server=http://127.0.0.1:9',
	'--proxy-bypass-list=127.0.0.1;localhost;[::1]',
];

// A new browser. playwright-core gives every launch a fresh, temporary profile
// (user data directory), removed when the browser closes.
export async function launch() {
	return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 60_000 });
}

// The browser's language (Accept-Language): a Moroccan reader's. The server negotiates it
// when the person has chosen none; a language it does not have gives Arabic.
export const LOCALE = 'ar-MA';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLocal(url) {
	let u;
	try {
		u = new URL(url);
	} catch {
		return false;
	}
	if (['data:', 'blob:', 'about:'].includes(u.protocol)) return true;
	return (u.protocol === 'http:' || u.protocol === 'https:') && LOCAL_HOSTS.has(u.hostname);
}

// The cookies of a session of one of USERS, signed in once through the form (per test file):
// for the tests that are not about signing in.
const sessions = new Map();
export async function sessionCookies(browser, who) {
	if (!sessions.has(who)) {
		const ctx = await open(browser);
		const resp = await signIn(ctx.page, who);
		assert.equal(resp.status(), 200, `${who} signs in`);
		assert.equal(new URL(ctx.page.url()).pathname, '/', `${who} signs in`);
		sessions.set(who, await ctx.context.cookies());
		await ctx.close();
	}
	return sessions.get(who);
}

/*
 * A browser context with its watchers, signed in as USERS[as] when given. Use `ctx.page`
 * (one page), then `await ctx.close()`, which fails the test if anything went wrong on any
 * page of the context.
 */
export async function open(browser, { viewport = { width: 1280, height: 900 }, locale = LOCALE, js = true, as } = {}) {
	const context = await browser.newContext({ viewport, locale, javaScriptEnabled: js });
	if (as) await context.addCookies(await sessionCookies(browser, as));
	context.setDefaultTimeout(15_000);
	context.setDefaultNavigationTimeout(20_000);
	const problems = {
		offsite: [], // requests that would leave this computer
		dialogs: [], // alert/confirm/prompt that opened
		inlineScripts: [], // pages with a <script> without src
		errors: [], // uncaught exceptions in the page
		csp: [], // Content-Security-Policy violations
	};
	// Every request the pages make must go to this computer. (No request interception with
	// context.route: it would turn the HTTP cache off and fetch the fonts on every page;
	// LAUNCH_ARGS already keep any other request from leaving.)
	context.on('request', (req) => {
		if (!isLocal(req.url())) problems.offsite.push(req.url());
	});
	const watch = (page) => {
		page.on('dialog', (d) => {
			problems.dialogs.push(`${d.type()}: ${d.message()} on ${page.url()}`);
			d.dismiss().catch(() => {});
		});
		page.on('pageerror', (e) => problems.errors.push(`${page.url()}: ${e.message}`));
		page.on('console', (m) => {
			if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
				problems.csp.push(`${page.url()}: ${m.text()}`);
		});
		page.on('load', async () => {
			try {
				const n = await page.evaluate(() => document.querySelectorAll('script:not([src])').length);
				if (n) problems.inlineScripts.push(`${page.url()}: ${n}`);
			} catch {
				/* navigated away already: that page is checked by checkPage or by its own load */
			}
		});
	};
	context.on('page', watch);
	const page = await context.newPage();
	const ctx = {
		context,
		page,
		problems,
		async close() {
			await context.close().catch(() => {});
			assertClean(problems);
		},
	};
	return ctx;
}

export function assertClean(problems) {
	assert.deepEqual(problems.offsite, [], 'requests left 127.0.0.1');
	assert.deepEqual(problems.dialogs, [], 'a dialog opened');
	assert.deepEqual(problems.inlineScripts, [], 'a page has an inline script');
	assert.deepEqual(problems.errors, [], 'a script failed in the page');
	assert.deepEqual(problems.csp, [], 'the page broke its Content-Security-Policy');
}

// Checks of every page: no inline script, and the document says its language and direction.
export async function checkPage(page) {
	const info = await page.evaluate(() => ({
		inline: document.querySelectorAll('script:not([src])').length,
		lang: document.documentElement.lang,
		dir: document.documentElement.dir,
	}));
	assert.equal(info.inline, 0, `inline <script> on ${page.url()}`);
	assert.ok(info.lang, `<html> has no lang on ${page.url()}`);
	assert.ok(info.dir === 'rtl' || info.dir === 'ltr', `<html> has no dir on ${page.url()}`);
	return info;
}

// True for the response that ends a navigation of the main frame (not a redirect).
function finalNav(page) {
	return (r) =>
		r.request().isNavigationRequest() && r.frame() === page.mainFrame() && !(r.status() >= 300 && r.status() < 400);
}

// Opens a path of the server; returns the response (status checked by the caller).
export async function visit(page, path, { check = true } = {}) {
	const resp = await page.goto(BASE_URL + path, { waitUntil: 'load' });
	assert.ok(resp, `no response for ${path}`);
	if (check) await checkPage(page);
	return resp;
}

// Runs an action that navigates (a click, a form submission); returns the last response.
export async function navigating(page, action) {
	const response = page.waitForResponse(finalNav(page));
	const committed = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
	await action();
	const [resp] = await Promise.all([response, committed]);
	await page.waitForLoadState('load');
	await checkPage(page);
	return resp;
}

// Signs in through the form; returns the final response (after the redirect).
export async function signIn(page, who) {
	const u = typeof who === 'string' ? USERS[who] : who;
	await visit(page, '/signin');
	await page.locator('#login').fill(u.login);
	await page.locator('#password').fill(u.password);
	return navigating(page, () => page.locator('main form[action="/signin"] [type="submit"]').click());
}

// Chooses a language in the header's menu (app.js submits it on change).
export async function chooseLanguage(page, code) {
	const resp = await navigating(page, () => page.locator('header select[name="lang"]').selectOption(code));
	assert.equal(await page.evaluate(() => document.documentElement.lang), code);
	return resp;
}

// The interface's texts: msgctxt -> msgstr (msgid when untranslated), from data/i18n/LANG.po.
const poCache = new Map();
export function po(lang) {
	if (poCache.has(lang)) return poCache.get(lang);
	const text = readFileSync(join(SRCDIR, 'data/i18n', `${lang}.po`), 'utf8');
	const map = new Map();
	let ctx = null,
		id = '',
		str = '',
		field = null;
	const flush = () => {
		if (ctx !== null) map.set(ctx, str || id);
		ctx = null;
		id = str = '';
		field = null;
	};
	const unq = (s) => JSON.parse(s);
	for (const line of text.split('\n')) {
		let m;
		if ((m = line.match(/^msgctxt (".*")$/))) {
			flush();
			ctx = unq(m[1]);
		} else if ((m = line.match(/^msgid (".*")$/))) {
			id = unq(m[1]);
			field = 'id';
		} else if ((m = line.match(/^msgstr (".*")$/))) {
			str = unq(m[1]);
			field = 'str';
		} else if ((m = line.match(/^(".*")$/))) {
			if (field === 'id') id += unq(m[1]);
			else if (field === 'str') str += unq(m[1]);
		}
	}
	flush();
	poCache.set(lang, map);
	return map;
}

export function t(lang, key) {
	const s = po(lang).get(key);
	assert.ok(s !== undefined, `no text ${key} in data/i18n/${lang}.po`);
	return s;
}

// Spaces (no-break, narrow no-break...) as plain ones, runs collapsed: for comparing texts.
export function norm(s) {
	return String(s)
		.replace(/[\s\u00a0\u202f\u2007\u200e\u200f\u2066-\u2069]+/g, ' ')
		.trim();
}

// The documents in the workspace, from the command line: [{doc_id, title, lang, ...}].
export function documents() {
	const out = execFileSync(ASURIF, ['-w', WS, 'docs', '--json'], { encoding: 'utf8' });
	return JSON.parse(out).documents;
}

export function screenshotPath(name) {
	mkdirSync(SCREENSHOTS, { recursive: true });
	return join(SCREENSHOTS, `${name}.png`);
}

// Retries fn until it resolves (for a page a test just changed elsewhere), at most ms.
export async function eventually(fn, ms = 5000) {
	const end = Date.now() + ms;
	for (;;) {
		try {
			return await fn();
		} catch (e) {
			if (Date.now() > end) throw e;
			await new Promise((r) => setTimeout(r, 200));
		}
	}
}
