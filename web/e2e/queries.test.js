// The queries screen (live lint at the right column, preview with
// highlights, save) and the alert rules screen (structured form checked by
// the API as it is typed, errors on their field, the backtest of the rule
// on a message ingested for it, save).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, screenshot, api, ingest, assertNoPageErrors } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

// Unique names: the spec can run again on the same server.
const RUN = Date.now().toString(36);
const QUERY_NAME = 'e2e_colis_' + RUN;
const BAD = 'colis OR (livraison AND';
const GOOD = 'colis OR livraison';

test('a query is written with live lint and preview, then saved', async () => {
  const page = await newPage(browser);
  await login(page, 'admin');
  await page.goto('/queries');
  await page.locator('[data-testid=queries-table]').waitFor();
  await page.locator('button', { hasText: 'Nouvelle requête' }).click();
  const form = page.locator('#query-form');
  await form.locator('input[name=name]').fill(QUERY_NAME);

  // An error: shown at the column the API's lint gives for the same text.
  const textarea = form.locator('textarea[name=query]');
  await textarea.fill(BAD);
  const lint = await api('POST', '/api/v1/queries/lint', { query: BAD });
  assert.equal(lint.valid, false);
  const error = form.locator('.lint-error');
  await error.waitFor();
  assert.equal(Number(await error.getAttribute('data-column')), lint.error.column);
  assert.match(await error.innerText(), new RegExp(`colonne ${lint.error.column}`));
  // The caret sits under that column of the line.
  const caret = await error.locator('.lint-caret').nth(1).textContent();
  assert.equal(caret.indexOf('^') + 1, lint.error.column);
  assert.equal(await textarea.getAttribute('aria-invalid'), 'true');
  await page.locator('#query-preview >> text=Corrigez la requête pour voir ce qu’elle trouve.').waitFor();

  // Fixed: valid, and the preview lists demo messages with highlights.
  await textarea.fill(GOOD);
  await form.locator('.lint-ok', { hasText: 'Requête valide' }).waitFor();
  const preview = page.locator('[data-testid=preview]');
  await preview.locator('.mention mark').first().waitFor();
  const marks = await preview.locator('.mention mark').allTextContents();
  assert.ok(marks.length > 0);
  for (const m of marks) assert.match(m, /^(colis|livraison)$/i);
  assert.ok((await preview.locator('.mention').count()) >= 1);
  await screenshot(page, 'queries');

  await form.locator('button[type=submit]').click();
  const row = page.locator(`tr[data-query="${QUERY_NAME}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Thème/);
  assert.equal(await page.locator('#query-form').count(), 0);
  const saved = (await api('GET', '/api/v1/queries')).items.find((q) => q.name === QUERY_NAME);
  assert.equal(saved.query, GOOD);

  // A name already taken is refused by the API, on the name field.
  await page.locator('button', { hasText: 'Nouvelle requête' }).click();
  await form.locator('input[name=name]').fill(QUERY_NAME);
  await form.locator('textarea[name=query]').fill('retard');
  await form.locator('.lint-ok').waitFor();
  await form.locator('button[type=submit]').click();
  await form.locator('input[name=name][aria-invalid=true]').waitFor();
  assert.match(await form.locator('.field-error').first().innerText(), new RegExp(QUERY_NAME));
  assertNoPageErrors(page);
  await page.context().close();
});

// Waits until `check()` returns a truthy value (polling the API).
async function until(check, what, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('an alert rule is checked by the API as it is typed, backtested on history, then created', async () => {
  // A word no demo message contains, a live query for it and a stored
  // negative message with it: what the rule's backtest must find.
  const word = 'brumel' + RUN;
  const queryName = 'e2e_rule_' + word;
  const q = await api('POST', '/api/v1/queries', { name: queryName, query: word, kind: 'topic' });
  await until(async () => (await api('GET', `/api/v1/queries/${q.id}`)).live, 'the query to be live');
  const res = await ingest({
    channel: 'twitter',
    native_id: 'e2e-rule-' + word,
    created_at: new Date(Date.now() - 3600000).toISOString(),
    lang: 'fr',
    author: { handle: 'e2e_regle', followers: 40 },
    text: `Colis ${word} perdu, service client injoignable, c'est honteux !`,
  });
  assert.equal(res.accepted, 1);
  const stored = await until(async () => {
    const page = await api('GET', `/api/v1/mentions?query=${encodeURIComponent('@' + queryName)}`);
    return page.items.length ? page.items[0] : null;
  }, 'the message to be stored and matched');
  const ruleName = 'e2e-brumel-' + RUN;

  const page = await newPage(browser);
  await login(page, 'admin');
  await page.goto('/rules');
  await page.locator('[data-testid=rules-table]').waitFor();
  await page.locator('button', { hasText: 'Nouvelle règle' }).click();
  const form = page.locator('#rule-form');
  const preview = page.locator('#rule-preview');
  const state = (st, field) => preview.locator(`[data-testid=preview-state][data-state=${st}]` + (field ? `[data-field="${field}"]` : ''));

  // Checked by the API as it is typed: its error lands on the field it names.
  await form.locator('input[name=name]').fill('pas valide !');
  await form.locator('[data-field=name][aria-invalid=true]').waitFor();
  await state('invalid', 'name').waitFor();
  assert.match(await form.locator('.field-error').first().innerText(), /De 1 à 64 lettres/);
  await form.locator('input[name=name]').fill(ruleName);
  await form.locator('input[name=min_followers]').fill('-3');
  await form.locator('[data-field=min_followers][aria-invalid=true]').waitFor();
  await state('invalid', 'min_followers').waitFor();
  assert.equal(await form.locator('[data-field=name][aria-invalid=true]').count(), 0);
  const lint = await api('POST', '/api/v1/alert-rules/preview', { rule: { name: ruleName, kind: 'mention', min_followers: -3 } });
  assert.equal(lint.valid, false);
  assert.equal(lint.error.field, 'min_followers');
  await form.locator('input[name=min_followers]').fill('0');

  await form.locator('select[name=kind]').selectOption('mention');
  await form.locator(`input[name=queries][value="${queryName}"]`).check();
  await form.locator('input[name=sentiments][value=negative]').check();
  await form.locator('select[name=level]').selectOption('warning');

  // The backtest: the alert the rule would have opened on the stored
  // message, with the message as its sample.
  await state('valid').waitFor();
  const result = preview.locator('[data-testid=backtest-result][data-opened="1"]');
  await result.waitFor();
  await preview.locator('[data-testid=backtest][data-stale=false]').waitFor();
  const sample = result.locator(`[data-testid=preview-alerts] a[data-mention-id="${stored.id}"]`);
  await sample.waitFor();
  assert.equal(await sample.getAttribute('href'), `/search?m=${stored.id}`);
  assert.match(await sample.innerText(), new RegExp(word));
  assert.match(await result.locator('[data-testid=preview-alerts] tbody tr').first().innerText(), new RegExp(queryName));
  assert.match(await result.locator('[data-testid=backtest-scanned]').innerText(), /Rejouée sur 1 message/);
  await result.locator('canvas').first().waitFor();
  assert.equal(await result.getAttribute('data-truncated'), 'false');
  // The same as the API's own answer.
  const api7 = await api('POST', '/api/v1/alert-rules/preview', {
    rule: { name: ruleName, kind: 'mention', queries: [queryName], sentiments: ['negative'], level: 'warning' },
  });
  assert.equal(api7.valid, true);
  assert.equal(api7.counts.opened, 1);
  assert.deepEqual(api7.alerts[0].sample_ids, [stored.id]);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'rules');

  // A value out of the API's range is flagged as it is typed.
  await form.locator('input[name=cooldown_minutes]').fill('20000');
  await form.locator('[data-field=cooldown_minutes][aria-invalid=true]').waitFor();
  assert.match(await form.locator('.field-error', { has: page.locator('[data-field=cooldown_minutes]') }).innerText(),
    /Un nombre entier de 0 à 10/);
  await form.locator('input[name=cooldown_minutes]').fill('30');
  await state('valid').waitFor();
  await preview.locator('[data-testid=backtest][data-stale=false]').waitFor();

  // Nothing was saved by the previews.
  assert.equal((await api('GET', '/api/v1/alert-rules')).rules.some((r) => r.name === ruleName), false);

  await form.locator('button[type=submit]').click();
  const row = page.locator(`tr[data-rule="${ruleName}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Mention/);
  assert.match(await row.innerText(), new RegExp(queryName));
  const rule = await api('GET', `/api/v1/alert-rules/${ruleName}`);
  assert.deepEqual(rule.queries, [queryName]);
  assert.deepEqual(rule.sentiments, ['negative']);
  assert.equal(rule.level, 'warning');

  // Creating it again: the API's "already exists" is shown on the name
  // (a preview accepts a taken name; the save does not).
  await page.locator('button', { hasText: 'Nouvelle règle' }).click();
  await form.locator('input[name=name]').fill(ruleName);
  await state('valid').waitFor();
  await form.locator('button[type=submit]').click();
  await form.locator('[data-field=name][aria-invalid=true]').waitFor();
  assert.match(await form.locator('.field-error').first().innerText(), /already exists/);
  assertNoPageErrors(page);
  await page.context().close();
});
