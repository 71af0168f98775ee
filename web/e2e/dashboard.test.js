// The dashboard: KPIs and charts show the demo data, a message ingested
// now appears in the live stream panel, and a click on a chart opens the
// search with the clicked value and the dashboard's filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, screenshot, ingest, api, assertNoPageErrors } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

const number = (s) => Number(String(s).replace(/[^\d]/g, ''));

test('KPIs, charts, the live stream and a drill-down into the search', async () => {
  const page = await newPage(browser);
  await login(page, 'analyst');
  await page.goto('/');
  await page.locator('h1:has-text("Tableau de bord")').waitFor();

  // KPIs from the demo's volume.
  const mentions = page.locator('[data-testid=kpi-mentions]');
  await mentions.waitFor();
  assert.ok(number(await mentions.innerText()) > 0, 'mentions KPI is zero');
  await page.locator('[data-testid=kpi-negative]').waitFor();
  assert.match(await page.locator('[data-testid=kpi-negative]').innerText(), /\d.*%/);
  await page.locator('[data-testid=kpi-severe]').waitFor();

  // Charts drawn (ECharts canvases), no panel in error.
  for (const id of ['dash-volume', 'dash-sov', 'dash-categories', 'dash-channel', 'dash-lang', 'dash-severity']) {
    await page.locator(`#${id} canvas`).first().waitFor({ timeout: 15000 });
  }
  assert.equal(await page.locator('#dash-volume .error-box, #dash-sov .error-box').count(), 0);
  // The live panel fills (stream, or the polling fallback).
  await page.locator('#dash-live .mention').first().waitFor({ timeout: 20000 });
  await screenshot(page, 'dashboard');

  // Narrow to the demo's Telemax brand query: the filter goes to the URL.
  const telemax = (await api('GET', '/api/v1/queries')).items.find((q) => q.name === 'brand_telemax');
  assert.ok(telemax, 'demo query brand_telemax');
  await page.getByLabel('Requête', { exact: true }).selectOption(String(telemax.id));
  await page.waitForURL(new RegExp(`query_id=${telemax.id}`));
  await page.locator('#dash-live [data-testid=live-status]:not([data-mode=connecting])').waitFor();

  // A new negative complaint about the brand shows up in the live panel.
  const ref = String(Math.floor(Math.random() * 1e9));
  const result = await ingest({
    channel: 'twitter',
    native_id: 'e2e-neg-' + ref,
    created_at: new Date().toISOString(),
    author: { handle: 'e2e_client' },
    text: `@Telemax_FR franchement c'est une honte : trois semaines sans internet, le service client raccroche et personne ne rappelle. Je suis furieux, je vais résilier ! (dossier ${ref})`,
  });
  assert.equal(result.accepted, 1);
  const card = page.locator(`#dash-live .mention:has-text("dossier ${ref}")`);
  await card.waitFor({ timeout: 30000 });
  assert.match(await card.innerText(), /Négatif/);

  // Pause freezes the list; resume releases it.
  await page.locator('[data-testid=live-pause]').click();
  assert.equal(await page.locator('[data-testid=live-pause]').getAttribute('aria-pressed'), 'true');
  await page.locator('[data-testid=live-pause]').click();
  assert.equal(await page.locator('[data-testid=live-pause]').getAttribute('aria-pressed'), 'false');

  // A click at the foot of the volume chart's last bar (today, negative
  // at the bottom of the stack) opens the search. Bars are drawn on a
  // canvas: probe from the right edge until a click lands on one.
  const chart = page.locator('#dash-volume .chart');
  await chart.locator('canvas').waitFor();
  const box = await chart.boundingBox();
  for (let x = box.width - 14; x > box.width / 2 && !page.url().includes('/search'); x -= 4) {
    await chart.click({ position: { x, y: box.height - 36 } });
  }
  await page.waitForURL(/\/search\?/);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('query_id'), String(telemax.id), 'the dashboard filter is kept');
  assert.equal(url.searchParams.get('sentiment'), 'negative', 'the clicked series is the filter');
  assert.ok(url.searchParams.get('from') && url.searchParams.get('to'), 'the bucket is the time range');
  assert.ok(Date.parse(url.searchParams.get('to')) > Date.parse(url.searchParams.get('from')));
  // The search applies them.
  assert.equal(await page.locator('select[name=sentiment]').inputValue(), 'negative');
  assert.equal(await page.locator('select[name=query_id]').inputValue(), String(telemax.id));
  const first = page.locator('[data-testid=results] .mention').first();
  await first.waitFor();
  assert.match(await first.innerText(), /Négatif/);
  assert.match(await first.innerText(), /brand_telemax/);
  assertNoPageErrors(page);
  await page.context().close();
});
