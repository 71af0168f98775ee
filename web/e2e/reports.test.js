// Reports: the lead reads the SLA report (per team, then per channel), the
// incident typology and the channel split of the demo's data, and
// downloads the messages of the period as CSV with the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, screenshot, assertNoPageErrors } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

const number = (s) => Number(String(s).replace(/[^\d]/g, ''));

test('the lead reads the SLA report, the typology and the channel split, and exports CSV', async () => {
  const page = await newPage(browser);
  await login(page, 'lead');
  await page.locator('nav#nav a[href="/reports"]').click();
  await page.locator('h1', { hasText: 'Rapports' }).waitFor();

  // SLA per team: the demo's "care" team, and the total, with cases.
  const sla = page.locator('table.sla-table');
  await sla.locator('tbody tr[data-group=care]').waitFor();
  const totalCases = number(await sla.locator('tfoot tr td').first().innerText());
  assert.ok(totalCases > 0, 'the report counts the demo cases');
  assert.match(await sla.locator('tfoot').innerText(), /%/);
  await page.locator('#report-sla .chart canvas').waitFor();
  assert.ok(number(await page.locator('[data-kpi=cases] .kpi-value').innerText()) > 0);

  // Per channel (kept in the URL).
  await page.locator('#rep-group').selectOption('channel');
  await page.waitForURL(/group_by=channel/);
  await sla.locator('tbody tr[data-group=twitter]').waitFor();
  assert.match(await sla.locator('thead').innerText(), /CANAL|Canal/);

  // Incident typology: categories with their shares, stacked bars.
  const typology = page.locator('#typology-table');
  await typology.locator('tbody tr').first().waitFor();
  assert.ok((await typology.locator('tbody tr').count()) >= 3, 'several categories');
  assert.equal(await typology.locator('tbody tr[data-group=none]').count(), 0, 'messages needing no reply are not incidents');
  assert.match(await typology.innerText(), /Livraison/);
  await page.locator('#report-typology .chart canvas').waitFor();
  // Channel split.
  await page.locator('#channels-table tbody tr[data-group=twitter]').waitFor();
  await page.locator('#report-channels .chart canvas').waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await screenshot(page, 'reports');

  // The exports are links of the period's range.
  const mentionsHref = await page.locator('#export-mentions').getAttribute('href');
  const casesHref = await page.locator('#export-cases').getAttribute('href');
  assert.match(mentionsHref, /^\/api\/v1\/export\/mentions\.csv\?from=[^&]+&to=[^&]+$/);
  assert.match(casesHref, /^\/api\/v1\/export\/cases\.csv\?from=[^&]+&to=[^&]+$/);
  assert.notEqual(await page.locator('#export-mentions').getAttribute('download'), null, 'a download link');
  const from = new URL(mentionsHref, 'http://x').searchParams.get('from');
  assert.ok(Date.now() - Date.parse(from) > 6.9 * 86400000, 'the last 7 days by default');

  // Downloaded with the page's session cookie: a header row and messages.
  const res = await page.request.get(mentionsHref);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /text\/csv/);
  const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n').filter((l) => l !== '');
  assert.match(lines[0], /^id,created_at,channel,/);
  assert.ok(lines.length >= 2, 'at least one message row');
  assert.match(lines[1], /^\d+,\d{4}-\d\d-\d\dT/);

  // Another period changes the links.
  await page.locator('#rep-range').selectOption('30d');
  await page.waitForURL(/range=30d/);
  const from30 = new URL(await page.locator('#export-cases').getAttribute('href'), 'http://x').searchParams.get('from');
  assert.ok(Date.now() - Date.parse(from30) > 29.9 * 86400000);
  assertNoPageErrors(page);
  await page.context().close();
});
