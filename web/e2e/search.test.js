// The search: a bad query is pointed at where the API says, a good one
// lists highlighted messages, the detail shows why the labels were given,
// and an analyst's correction is saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, screenshot, api, assertNoPageErrors } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

test('a query error is shown at the column the API gives', async () => {
  const page = await newPage(browser);
  await login(page, 'viewer');
  await page.goto('/search');
  const editor = page.locator('.search-form textarea');
  await editor.waitFor();
  const bad = 'livraison AND (colis';
  const lint = await api('POST', '/api/v1/queries/lint', { query: bad });
  assert.equal(lint.valid, false);
  const column = lint.error.column;
  assert.ok(Number.isInteger(column) && column > 1);

  // "/" focuses the query.
  await page.locator('body').press('/');
  assert.equal(await editor.evaluate((el) => el === document.activeElement), true);
  await editor.fill(bad);
  const error = page.locator('.lint-error');
  await error.waitFor();
  assert.equal(await error.getAttribute('data-column'), String(column));
  assert.match(await error.locator('.lint-message').innerText(), new RegExp(lint.error.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // The caret line puts "^" under that column of the query line.
  const carets = await error.locator('.lint-caret').allTextContents();
  assert.equal(carets[0], bad);
  assert.equal(carets[1].indexOf('^'), column - 1);
  // Searching anyway says the query is wrong, without a result list.
  await editor.press('Enter');
  await page.waitForURL(/query=/);
  await page.locator('.search-results .error-box').waitFor();
  assert.equal(await page.locator('[data-testid=results]').count(), 0);
  assertNoPageErrors(page);
  await page.context().close();
});

test('results are highlighted, the detail explains the labels, a correction is saved', async () => {
  const page = await newPage(browser);
  await login(page, 'analyst');
  await page.goto('/search');
  const editor = page.locator('.search-form textarea');
  await editor.fill('colis OR livraison');
  await page.locator('.lint-ok').waitFor();
  await editor.press('Enter');
  await page.waitForURL(/query=colis/);
  await page.locator('[data-testid=results][data-fresh=true]').waitFor();
  const cards = page.locator('[data-testid=results] .mention');
  const marks = page.locator('[data-testid=results] mark');
  assert.ok((await marks.count()) > 0, 'highlights');
  assert.match((await marks.first().innerText()).toLowerCase(), /colis|livraison/);

  // Cursor pagination.
  const before = await cards.count();
  await page.locator('[data-testid=load-more]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=results] .mention').length > n, before);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'search');

  // The CSV link carries the search.
  const href = await page.locator('[data-testid=export-csv]').getAttribute('href');
  const csv = new URL(href, 'http://x');
  assert.equal(csv.pathname, '/api/v1/export/mentions.csv');
  assert.equal(csv.searchParams.get('query'), 'colis OR livraison');

  // j selects the first result, Enter opens it (the id goes to the URL).
  await page.locator('h1').click();
  await page.keyboard.press('j');
  const firstId = await cards.first().getAttribute('data-id');
  assert.equal(await cards.first().evaluate((el) => el === document.activeElement), true);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`m=${firstId}`));
  const detail = page.locator('dialog [data-testid=mention-detail]');
  await detail.waitFor();
  // Explanations: contributing features per label.
  await detail.locator('[data-testid=explanations] .contrib-row').first().waitFor();
  assert.ok((await detail.locator('[data-label=sentiment] .contrib-row').count()) > 0);

  // Correct the sentiment to another value.
  const current = await api('GET', '/api/v1/mentions/' + firstId);
  const target = current.sentiment === 'positive' ? 'negative' : 'positive';
  await detail.locator('select[name=sentiment]').selectOption(target);
  await detail.locator('[data-testid=corrector] button[type=submit]').click();
  await detail.locator('[data-corrected=sentiment]').waitFor();
  await detail.locator('[data-testid=corrected-fields]').waitFor();
  const stored = await api('GET', '/api/v1/mentions/' + firstId);
  assert.equal(stored.sentiment, target);
  assert.ok(stored.corrected.includes('sentiment'));
  await screenshot(page, 'message');

  // Escape closes the detail; the card shows the correction.
  await page.keyboard.press('Escape');
  await page.waitForURL((u) => !u.searchParams.has('m'));
  await page.locator(`[data-testid=results] .mention[data-id="${firstId}"]:has-text("corrigé")`).waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

test('a link with ?m= opens the message; a viewer cannot correct', async () => {
  const page = await newPage(browser);
  await login(page, 'viewer');
  const page1 = await api('GET', '/api/v1/mentions?limit=1');
  const id = page1.items[0].id;
  await page.goto('/search?m=' + id);
  const detail = page.locator('dialog [data-testid=mention-detail]');
  await detail.waitFor();
  await detail.locator('text=Votre rôle ne permet pas de corriger les étiquettes.').waitFor();
  assert.equal(await detail.locator('[data-testid=corrector]').count(), 0);
  assertNoPageErrors(page);
  await page.context().close();
});
