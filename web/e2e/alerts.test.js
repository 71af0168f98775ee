// The alerts feed: an alert opened by a new message appears live (SSE),
// without a reload, then is acknowledged and resolved from the feed; the
// open count comes from GET /api/v1/alerts/counts; the rule's editor then
// shows the alert in its backtest on history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, screenshot, api, ingest, assertNoPageErrors } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

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

test('a new alert appears live, is acknowledged, then resolved', async () => {
  // A word no demo message contains, a query for it and a mention rule on it.
  const word = 'zorblax' + Date.now().toString(36);
  const queryName = 'e2e_' + word;
  const ruleName = 'e2e-' + word;
  const q = await api('POST', '/api/v1/queries', { name: queryName, query: word, kind: 'topic' });
  await until(async () => (await api('GET', `/api/v1/queries/${q.id}`)).live, 'the query to be live');
  await api('POST', '/api/v1/alert-rules', { name: ruleName, kind: 'mention', queries: [queryName], level: 'warning' });

  const page = await newPage(browser);
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));
  await login(page, 'admin');
  await page.goto(`/alerts?status=all&rule=${encodeURIComponent(ruleName)}`);
  // The open count: a COUNT of the alert store, not a listing of 1,000 alerts.
  await page.locator('[data-testid=open-count] .badge').waitFor();
  assert.match(await page.locator('[data-testid=open-count]').getAttribute('data-count'), /^\d+$/);
  assert.ok(requested.some((u) => new URL(u).pathname === '/api/v1/alerts/counts'), 'the page asks for the counts');
  assert.ok(!requested.some((u) => /\/api\/v1\/alerts\?.*limit=1000/.test(u)), 'no listing of 1,000 alerts');
  // The feed is empty and the live stream is connected.
  await page.locator('[data-testid=stream-state][data-state=open]').waitFor();
  await page.locator('#alerts-feed >> text=Aucune alerte ne correspond à ces filtres.').waitFor();

  const res = await ingest({
    channel: 'twitter',
    native_id: 'e2e-' + word,
    created_at: new Date().toISOString(),
    lang: 'fr',
    author: { handle: 'e2e_client', followers: 12 },
    text: `Mon colis ${word} n'est jamais arrivé, c'est inadmissible !`,
  });
  assert.equal(res.accepted, 1);

  // Pushed by the stream: no reload, no new page.
  const item = page.locator(`.alert-item[data-rule="${ruleName}"]`);
  await item.waitFor({ timeout: 20000 });
  assert.equal(await item.getAttribute('data-status'), 'open');
  assert.match(await item.getAttribute('class'), /is-new/);
  await page.locator('[data-testid=announce]', { hasText: 'Nouvelle alerte' }).waitFor();
  const id = Number(await item.getAttribute('data-alert-id'));

  // The detail says what triggered it: the message, its queries.
  await item.locator('.alert-title').click();
  const detail = page.locator(`[data-testid=alert-detail][data-alert-id="${id}"]`);
  await detail.waitFor();
  await detail.locator('.mention-text', { hasText: word }).waitFor();
  assert.match(await detail.innerText(), new RegExp(queryName));
  const drill = await detail.locator('[data-testid=drill-search]').getAttribute('href');
  assert.match(decodeURIComponent(drill), new RegExp('@' + queryName));

  // An acknowledgement the API refuses is rolled back, with a message.
  const failAck = (route) => route.fulfill({
    status: 503, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'unavailable', message: 'alerts are disabled' } }),
  });
  await page.route(`**/api/v1/alerts/${id}/ack`, failAck);
  await item.locator('[data-action=ack]').click();
  await page.locator('.toast-error', { hasText: 'Impossible d’acquitter' }).waitFor();
  await page.locator(`.alert-item[data-alert-id="${id}"][data-status=open] [data-action=ack]:not([disabled])`).waitFor();
  await page.unroute(`**/api/v1/alerts/${id}/ack`, failAck);

  // Acknowledge from the feed.
  await item.locator('[data-action=ack]').click();
  await page.locator(`.alert-item[data-alert-id="${id}"][data-status=acknowledged]`).waitFor();
  assert.match(await item.locator('.badge[data-status]').innerText(), /Acquittée/);
  await until(async () => (await api('GET', `/api/v1/alerts/${id}`)).status === 'acknowledged', 'the API to say acknowledged');
  await detail.locator('text=par admin').waitFor();

  // Then resolve it.
  await item.locator('[data-action=resolve]').click();
  await page.locator(`.alert-item[data-alert-id="${id}"][data-status=resolved]`).waitFor();
  assert.match(await item.locator('.badge[data-status]').innerText(), /Résolue/);
  const resolved = await api('GET', `/api/v1/alerts/${id}`);
  assert.equal(resolved.status, 'resolved');
  assert.equal(resolved.resolved_by, 'admin');
  assert.ok(resolved.history.some((h) => h.type === 'acknowledged'));
  // The history in the detail shows both steps.
  await detail.locator('.al-history li.h-resolved').waitFor();
  await detail.locator('.al-history li.h-acknowledged').waitFor();

  // The whole feed, with the resolved alert selected.
  await page.goto(`/alerts?status=all&id=${id}`);
  await page.locator(`[data-testid=alert-detail][data-alert-id="${id}"] .al-history li.h-resolved`).waitFor();
  await page.locator('[data-testid=stream-state][data-state=open]').waitFor();
  await screenshot(page, 'alerts');

  // The rule's editor: its backtest on the last 7 days finds the message
  // ingested above, as the alert's sample.
  const mentionId = resolved.sample_ids[0];
  await page.goto(`/rules?edit=${encodeURIComponent(ruleName)}`);
  const preview = page.locator('#rule-preview');
  await preview.locator('[data-testid=preview-state][data-state=valid]').waitFor();
  const backtest = preview.locator('[data-testid=backtest-result][data-opened="1"]');
  await backtest.waitFor();
  const sample = backtest.locator(`[data-testid=preview-alerts] a[data-mention-id="${mentionId}"]`);
  await sample.waitFor();
  assert.equal(await sample.getAttribute('href'), `/search?m=${mentionId}`);
  assert.match(await sample.innerText(), new RegExp(word));
  // Opening the sample goes to the message.
  await sample.click();
  await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('m') === String(mentionId));
  assertNoPageErrors(page);
  await page.context().close();
});
