// Campaigns in the browser: starting one through the form (and the error summary when the
// title is missing), adding a barrier and a stakeholder, the power-interest grid with its text
// alternative, pinning a search result, what a viewer sees, a form sent without JavaScript,
// and screenshots of the list and of a case file in Arabic and French at 360 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, visit, navigating, chooseLanguage, sessionCookies, screenshotPath, t, norm } from './lib.mjs';

let browser;
let campaignPath = null; // the campaign the first test makes, used by the others
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

const TITLE = 'ولوج التعاونيات إلى الصفقات العمومية بأزيلال';

// Opens an "add" panel (a <details>) by its summary's words, as a person taps it.
async function openPanel(page, summaryText) {
	const summary = page.locator('main details > summary').filter({ hasText: summaryText }).first();
	await summary.click();
	return summary.locator('xpath=..');
}

// Creates the campaign of these tests through /campaigns, once.
async function ensureCampaign(page) {
	if (campaignPath) return campaignPath;
	await visit(page, '/campaigns');
	const panel = await openPanel(page, t('ar', 'campaign_new'));
	await panel.locator('#title').fill(TITLE);
	await panel.locator('#goal').fill('تخصيص حصة من صفقات الجماعة للتعاونيات');
	await panel.locator('input[name="theme"][value="procurement"]').check();
	await panel.locator('#level').selectOption('commune');
	await panel.locator('#territory').fill('أزيلال');
	await panel.locator('#target').fill('مجلس جماعة أزيلال');
	await panel.locator('#start').fill('2026-01-15');
	const resp = await navigating(page, () => panel.locator('button[type="submit"]').click());
	assert.equal(resp.status(), 200, 'the campaign page opens after creating it');
	assert.match(new URL(page.url()).pathname, /^\/campaigns\/\d+$/);
	campaignPath = new URL(page.url()).pathname;
	return campaignPath;
}

test('a member starts a campaign: its page shows the goal, the territory and its population with the source', async () => {
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	await ensureCampaign(page);
	assert.equal(norm(await page.locator('main h1').textContent()), TITLE);
	assert.equal(norm(await page.locator('main .notice').textContent()), norm(t('ar', 'campaign_created')), 'says it was made');
	const facts = norm(await page.locator('main dl.facts').textContent());
	assert.ok(facts.includes('أزيلال') && facts.includes('Azilal'), `the territory in Arabic and French: ${facts}`);
	assert.ok(facts.includes('48,138'), `its 2024 population: ${facts}`);
	assert.ok(facts.includes('HCP, RGPH 2024'), `with its source: ${facts}`);
	assert.ok(facts.includes('مجلس جماعة أزيلال'), 'the authority addressed');
	assert.ok(norm(await page.locator('main').textContent()).includes(t('ar', 'level_commune')), 'the level, in words');
	// the list has it
	await visit(page, '/campaigns');
	assert.equal(await page.locator(`main a[href="${campaignPath}"]`).count(), 1, 'the list links to it');
	// and so does "my campaigns", since who starts a campaign leads it
	await visit(page, '/campaigns?mine=1');
	assert.equal(await page.locator(`main a[href="${campaignPath}"]`).count(), 1, 'my campaigns has it');
	await ctx.close();
});

test('an empty title gives an error summary that links to the field, and keeps what was typed', async () => {
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	await visit(page, '/campaigns');
	const panel = await openPanel(page, t('ar', 'campaign_new'));
	await panel.locator('#goal').fill('هدف بدون عنوان');
	await panel.locator('#start').fill('2026-02-30');
	const resp = await navigating(page, () => panel.locator('button[type="submit"]').click());
	assert.equal(resp.status(), 400);
	const summary = page.locator('.error-summary');
	assert.ok(await summary.isVisible(), 'an error summary at the top');
	const links = await summary.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent.trim()]));
	assert.deepEqual(
		links.map((l) => l[0]),
		['#title', '#start'],
		`one link per field: ${JSON.stringify(links)}`,
	);
	assert.equal(links[0][1], t('ar', 'cerr_campaign_title'));
	assert.equal(await page.locator('#title').getAttribute('aria-invalid'), 'true', 'the field is marked');
	assert.equal(await page.locator('#goal').inputValue(), 'هدف بدون عنوان', 'the goal is kept');
	assert.equal(await page.locator('#start').inputValue(), '2026-02-30', 'the date is kept');
	assert.ok(await page.locator('#title').isVisible(), 'the form is open');
	// following the link reaches the field
	await summary.locator('a[href="#title"]').click();
	assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'title');
	await ctx.close();
});

test('a barrier and a stakeholder: listed, drawn on the grid with its text alternative, and in the table', async () => {
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	const where = await ensureCampaign(page);
	await visit(page, where);
	let panel = await openPanel(page, t('ar', 'barrier_add'));
	await panel.locator('#barrier_title').fill('لا تعلم التعاونيات بطلبات العروض');
	await panel.locator('#barrier_affected').fill('التعاونيات النسائية');
	await panel.locator('#barrier_severity').selectOption('high');
	await panel.locator('#barrier_theme').selectOption('procurement');
	let resp = await navigating(page, () => panel.locator('button[type="submit"]').click());
	assert.equal(resp.status(), 200);
	assert.match(page.url(), /#barrier-\d+$/, 'back at the barrier');
	const barrier = page.locator('main li.barrier').first();
	assert.ok(norm(await barrier.textContent()).includes('لا تعلم التعاونيات بطلبات العروض'), 'the barrier is listed');
	assert.ok(norm(await barrier.textContent()).includes(t('ar', 'severity_high')), 'with its severity in words');

	// a stakeholder whose name is markup: text everywhere
	panel = await openPanel(page, t('ar', 'sh_add'));
	await panel.locator('#sh_name').fill('<b>مجلس</b> الجماعة');
	await panel.locator('#sh_type').selectOption('council');
	await panel.locator('#sh_power').selectOption('5');
	await panel.locator('#sh_interest').selectOption('4');
	await panel.locator('#sh_position').selectOption('ally');
	resp = await navigating(page, () => panel.locator('button[type="submit"]').click());
	assert.equal(resp.status(), 200);

	const svg = page.locator('main svg.grid-svg');
	assert.equal(await svg.count(), 1, 'the grid is drawn in the page');
	const grid = await svg.evaluate((s) => ({
		role: s.getAttribute('role'),
		labelledby: (s.getAttribute('aria-labelledby') || '').split(/\s+/),
		title: s.querySelector('title')?.textContent,
		desc: s.querySelector('desc')?.textContent,
		dir: getComputedStyle(s).direction,
		bold: s.querySelectorAll('b').length,
		width: s.getBoundingClientRect().width,
	}));
	assert.equal(grid.role, 'img');
	assert.equal(grid.title, t('ar', 'grid_title'), 'a title');
	assert.ok(grid.desc.includes('<b>مجلس</b> الجماعة'), `the text alternative names the stakeholder: ${grid.desc}`);
	assert.ok(grid.desc.includes(t('ar', 'position_ally')), 'and says where it stands');
	assert.equal(grid.bold, 0, 'the name is not markup');
	for (const id of grid.labelledby) assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `#${id} labels the grid`);
	assert.equal(grid.dir, 'rtl');
	assert.ok(grid.width > 200, 'it has room');
	const row = page.locator('main table.stakeholders tbody tr').first();
	assert.ok(norm(await row.textContent()).includes('<b>مجلس</b> الجماعة'), 'the table names it as text');
	assert.ok(norm(await row.textContent()).includes('5/5'), 'with its power');
	// the grid as a file
	const file = await page.request.get(new URL(`${where}/grid.svg`, page.url()).href);
	assert.equal(file.status(), 200);
	assert.match(file.headers()['content-type'], /^image\/svg\+xml/);
	assert.ok((await file.text()).includes('&lt;b&gt;مجلس&lt;/b&gt;'), 'escaped in the file too');
	await ctx.close();
});

test('a barrier is changed through its own page; a coordinator adds a theme that new campaigns offer', async () => {
	const ctx = await open(browser, { as: 'admin' });
	const { page } = ctx;
	const where = await ensureCampaign(page);
	await visit(page, where);
	const edit = page.locator('main li.barrier a[href$="/edit"]').first();
	let resp = await navigating(page, () => edit.click());
	assert.equal(resp.status(), 200);
	assert.equal(norm(await page.locator('main h1').textContent()), t('ar', 'campaign_edit_barrier'));
	assert.equal(await page.locator('#barrier_severity').inputValue(), 'high', 'the form shows the barrier as it is');
	await page.locator('#barrier_title').fill('');
	resp = await navigating(page, () => page.locator('main form button[type="submit"]').click());
	assert.equal(resp.status(), 400, 'an empty title is refused');
	assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#barrier_title');
	await page.locator('#barrier_title').fill('لا تصل طلبات العروض إلى التعاونيات');
	await page.locator('#barrier_severity').selectOption('medium');
	resp = await navigating(page, () => page.locator('main form button[type="submit"]').click());
	assert.equal(resp.status(), 200);
	assert.equal(new URL(page.url()).pathname, where, 'back on the campaign');
	const barrier = norm(await page.locator('main li.barrier').first().textContent());
	assert.ok(barrier.includes('لا تصل طلبات العروض إلى التعاونيات') && barrier.includes(t('ar', 'severity_medium')), barrier);

	await visit(page, '/campaigns');
	const panel = await openPanel(page, t('ar', 'theme_add'));
	await panel.locator('#theme_key').fill('digital-skills');
	await panel.locator('#theme_name').fill('المهارات الرقمية');
	resp = await navigating(page, () => panel.locator('button[type="submit"]').click());
	assert.equal(resp.status(), 200);
	await openPanel(page, t('ar', 'campaign_new'));
	assert.equal(norm(await page.locator('label[for="theme_digital-skills"]').textContent()), 'المهارات الرقمية', 'offered to new campaigns');
	// the same code again is refused, with the name kept
	const again = await openPanel(page, t('ar', 'theme_add'));
	await again.locator('#theme_key').fill('digital-skills');
	await again.locator('#theme_name').fill('autre');
	resp = await navigating(page, () => again.locator('button[type="submit"]').click());
	assert.equal(resp.status(), 400);
	assert.equal(norm(await page.locator('.error-summary a[href="#theme_key"]').textContent()), t('ar', 'cerr_theme_exists'));
	assert.equal(await page.locator('#theme_name').inputValue(), 'autre');
	await ctx.close();
});

test('a passage of the search results is pinned to the campaign, and shows on its evidence board', async () => {
	const ctx = await open(browser, { as: 'member' });
	const { page } = ctx;
	const where = await ensureCampaign(page);
	await visit(page, '/search?q=' + encodeURIComponent('الصفقات العمومية'));
	const form = page.locator('main form.pin-form').first();
	assert.equal(await form.count(), 1, 'a "pin" form under the results');
	const passage = await form.locator('input[name="passage"]').inputValue();
	await form.locator('select').selectOption({ label: TITLE });
	const resp = await navigating(page, () => form.locator('button').click());
	assert.equal(resp.status(), 200);
	assert.equal(new URL(page.url()).pathname, '/search', 'back on the results');
	assert.equal(norm(await page.locator('main .notice').textContent()), norm(t('ar', 'campaign_pinned')));
	await visit(page, where);
	const ev = page.locator('main li.evidence').first();
	assert.equal(await ev.count(), 1, 'on the board');
	assert.match(await ev.locator('a[href^="/documents/"]').getAttribute('href'), new RegExp(`#p${passage}$`), 'linked to its passage');
	assert.ok((await ev.locator('blockquote').textContent()).length > 20, 'with its text');
	// the barrier form now offers it as evidence
	await openPanel(page, t('ar', 'barrier_add'));
	assert.equal(await page.locator('input[name="barrier_evidence"]').count(), 1, 'the evidence can back a barrier');
	await ctx.close();
});

test('a viewer reads a campaign but has no forms, and cannot post one', async () => {
	const ctx = await open(browser, { as: 'viewer' });
	const { page } = ctx;
	const where = campaignPath || '/campaigns/1';
	const resp = await visit(page, where);
	assert.equal(resp.status(), 200);
	assert.equal(await page.locator('main form[method="post"]').count(), 0, 'no form');
	assert.equal(await page.locator(`main a[href="${where}/edit"]`).count(), 0, 'no link to change it');
	const post = await page.request.post(new URL(`${where}/barriers`, page.url()).href, {
		form: { barrier_title: 'x' },
	});
	assert.equal(post.status(), 403, 'refused');
	await ctx.close();
});

test('without JavaScript, an event goes on the timeline in date order', async () => {
	const ctx = await open(browser, { as: 'member', js: false });
	const { page } = ctx;
	const where = await ensureCampaign(page);
	for (const [date, title] of [
		['2026-03-10', 'إيداع المذكرة'],
		['2026-02-01', 'لقاء مع رئيس الجماعة'],
	]) {
		await visit(page, where);
		await page.locator('main details > summary').filter({ hasText: t('ar', 'ev_add') }).click();
		await page.locator('#ev_date').fill(date);
		await page.locator('#ev_title').fill(title);
		const resp = await navigating(page, () => page.locator('#ev_title').press('Enter'));
		assert.equal(resp.status(), 200);
	}
	const dates = await page.locator('main ol.timeline > li .when bdi').allTextContents();
	assert.deepEqual(dates, ['2026-02-01', '2026-03-10'], 'sorted by date');
	await ctx.close();
});

// ---- screenshots

const VIEWPORTS = [
	{ width: 360, height: 800 },
	{ width: 1280, height: 900 },
];

async function layoutProblems(page, width) {
	return page.evaluate((w) => {
		const problems = [];
		const de = document.documentElement;
		if (de.scrollWidth > window.innerWidth) problems.push(`horizontal scrolling: ${de.scrollWidth}px for ${window.innerWidth}px`);
		for (const el of document.querySelectorAll('input, select, textarea')) {
			if (['hidden', 'submit', 'button'].includes(el.type)) continue;
			if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push(`no label for ${el.name || el.id}`);
		}
		if (w <= 360) {
			for (const el of document.querySelectorAll('button, select, summary, nav a, a.button')) {
				const r = el.getBoundingClientRect();
				const s = getComputedStyle(el);
				if (r.width <= 2 || r.height <= 2 || s.visibility === 'hidden' || s.display === 'none') continue;
				if (r.height < 44) problems.push(`touch target ${Math.round(r.height)}px: ${el.tagName} "${el.textContent.trim().slice(0, 30)}"`);
			}
		}
		return problems;
	}, width);
}

for (const viewport of VIEWPORTS) {
	for (const lang of ['ar', 'fr']) {
		test(`campaign screenshots in ${lang === 'ar' ? 'Arabic' : 'French'} at ${viewport.width} px`, async () => {
			const setup = await open(browser, { as: 'member' });
			const where = await ensureCampaign(setup.page);
			await setup.close();
			const ctx = await open(browser, { viewport });
			const { page } = ctx;
			await ctx.context.addCookies(await sessionCookies(browser, 'shots'));
			const problems = [];
			try {
				await visit(page, '/campaigns');
				if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await chooseLanguage(page, lang);
				for (const [name, path] of [
					['campaigns', '/campaigns'],
					['campaign', where],
				]) {
					const resp = await visit(page, path);
					assert.equal(resp.status(), 200, `${path} opens`);
					assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
					if (name === 'campaign') {
						// the add panels open, to see the forms too
						for (const s of await page.locator('main details.add-form > summary').all()) await s.click();
						const dir = await page.locator('main svg.grid-svg').evaluate((s) => getComputedStyle(s).direction);
						assert.equal(dir, lang === 'ar' ? 'rtl' : 'ltr', 'the grid follows the page direction');
					} else {
						await page.locator('main details.add-form > summary').first().click();
					}
					await page.evaluate(() => document.fonts.ready);
					await page.screenshot({ path: screenshotPath(`${lang}-${viewport.width}-${name}`), fullPage: true });
					problems.push(...(await layoutProblems(page, viewport.width)).map((p) => `${lang}-${viewport.width}-${name}: ${p}`));
				}
			} finally {
				if ((await page.evaluate(() => document.documentElement.lang).catch(() => 'ar')) !== 'ar')
					await chooseLanguage(page, 'ar').catch(() => {});
			}
			assert.deepEqual(problems, [], 'layout problems');
			await ctx.close();
		});
	}
}
