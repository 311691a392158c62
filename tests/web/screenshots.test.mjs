// Screenshots of every page type, in Arabic and French, on a phone (360 px) and a laptop
// (1280 px), saved as $SCREENSHOTS/LANG-WIDTH-PAGE.png to look at; and on each: no horizontal
// scrolling, the brand on the reading side, every field labelled, touch targets >= 44 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, sessionCookies, visit, chooseLanguage, documents, screenshotPath } from './lib.mjs';

let browser, docs;
before(async () => {
	browser = await launch();
	docs = documents();
});
after(async () => {
	await browser?.close();
});

const VIEWPORTS = [
	{ width: 360, height: 800 },
	{ width: 1280, height: 900 },
];
// What each language is shown: a search in its own words and a document in its language.
const CASES = {
	ar: { q: 'مقاولة', doc: (d) => d.lang === 'ar' && d.kind === 'law' },
	fr: { q: 'coopératives', doc: (d) => d.lang === 'fr' && d.kind === 'circular' },
};

// Measures the page as displayed; returns a list of problems (empty when all is well).
async function layoutProblems(page, lang, viewport) {
	return page.evaluate(
		({ lang, width }) => {
			const problems = [];
			const de = document.documentElement;
			if (de.scrollWidth > window.innerWidth)
				problems.push(`horizontal scrolling: ${de.scrollWidth}px wide for ${window.innerWidth}px`);
			const brand = document.querySelector('header .brand') || document.querySelector('header a[href="/"]');
			if (!brand) problems.push('no brand in the header');
			else {
				const b = brand.getBoundingClientRect();
				if (lang === 'ar' && !(b.right > window.innerWidth / 2))
					problems.push(`Arabic: the brand is not on the right (${b.left}-${b.right})`);
				if (lang !== 'ar' && !(b.left < window.innerWidth / 2))
					problems.push(`French: the brand is not on the left (${b.left}-${b.right})`);
			}
			const describe = (el) =>
				`<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.name ? ' name=' + el.name : ''}${
					el.type ? ' type=' + el.type : ''
				}>`;
			for (const el of document.querySelectorAll('input, select, textarea')) {
				if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
				const labelled =
					(el.labels && el.labels.length > 0) ||
					(el.getAttribute('aria-label') || '').trim() ||
					(el.getAttribute('aria-labelledby') || '')
						.split(/\s+/)
						.some((id) => id && document.getElementById(id)?.textContent.trim());
				if (!labelled) problems.push(`no label for ${describe(el)}`);
			}
			if (width <= 360) {
				const shown = (el) => {
					const r = el.getBoundingClientRect();
					const s = getComputedStyle(el);
					// visually hidden helpers (1 px, clipped) and hidden elements are not targets
					return r.width > 2 && r.height > 2 && s.visibility !== 'hidden' && s.display !== 'none';
				};
				const targets = document.querySelectorAll(
					'button, input[type="submit"], input[type="button"], input[type="file"], select, summary, nav a, a.button, [role="button"]',
				);
				for (const el of targets) {
					if (!shown(el)) continue;
					const h = el.getBoundingClientRect().height;
					if (h < 44)
						problems.push(
							`touch target ${Math.round(h)}px tall: ${describe(el)} "${el.textContent.trim().slice(0, 30)}"`,
						);
				}
			}
			return problems;
		},
		{ lang, width: viewport.width },
	);
}

async function shoot(page, lang, viewport, name, where, status = 200) {
	if (where) {
		const resp = await visit(page, where);
		assert.equal(resp.status(), status, `${where} opens (status ${resp.status()})`);
	}
	assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${name} is in ${lang}`);
	await page.evaluate(() => document.fonts.ready);
	await page.screenshot({ path: screenshotPath(`${lang}-${viewport.width}-${name}`), fullPage: true });
	return (await layoutProblems(page, lang, viewport)).map((p) => `${lang}-${viewport.width}-${name}: ${p}`);
}

for (const viewport of VIEWPORTS) {
	for (const lang of ['ar', 'fr']) {
		test(`screenshots in ${lang === 'ar' ? 'Arabic' : 'French'} at ${viewport.width}×${viewport.height}`, async () => {
			const ctx = await open(browser, { viewport });
			const { page } = ctx;
			const c = CASES[lang];
			const doc = docs.find(c.doc);
			assert.ok(doc, `a ${lang} document to show`);
			const problems = [];
			try {
				await visit(page, '/signin');
				if (lang !== 'ar') await chooseLanguage(page, lang);
				problems.push(...(await shoot(page, lang, viewport, 'signin')));
				await ctx.context.addCookies(await sessionCookies(browser, 'shots'));
				await visit(page, '/');
				if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await chooseLanguage(page, lang);
				problems.push(...(await shoot(page, lang, viewport, 'dashboard', '/')));
				problems.push(...(await shoot(page, lang, viewport, 'search', '/search?q=' + encodeURIComponent(c.q))));
				problems.push(...(await shoot(page, lang, viewport, 'document', `/documents/${doc.doc_id}`)));
				problems.push(...(await shoot(page, lang, viewport, 'upload', '/upload')));
				problems.push(...(await shoot(page, lang, viewport, 'report', '/report')));
			} finally {
				// the account goes back to Arabic for the next test
				if ((await page.evaluate(() => document.documentElement.lang).catch(() => 'ar')) !== 'ar')
					await chooseLanguage(page, 'ar').catch(() => {});
			}
			assert.deepEqual(problems, [], 'layout problems');
			await ctx.close();
		});
	}
}
