// Shared helpers of the browser tests (run by tests/web_test.sh, which
// starts `ecoute serve --demo` and sets ECOUTE_URL, ECOUTE_TOKEN (the demo
// admin's API token), ECOUTE_PASSWORD (the demo accounts' password) and
// SCREENSHOT_DIR).
// Chromium is Debian's (/usr/bin/chromium), driven by playwright-core; it
// starts with the background-networking features off, since the machine
// has no outside network.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';

export const BASE = process.env.ECOUTE_URL || 'http://127.0.0.1:8080';
export const TOKEN = process.env.ECOUTE_TOKEN || '';
export const PASSWORD = process.env.ECOUTE_PASSWORD || '';
export const SHOTS = process.env.SCREENSHOT_DIR || path.resolve('screenshots');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

// A new browser context (own cookies) at a laptop size, in `locale`
// (the login page's language follows the browser until a user's setting).
export async function newPage(browser, { locale = 'fr-FR', timezoneId = 'Europe/Paris', width = 1440, height = 900 } = {}) {
  const context = await browser.newContext({ locale, timezoneId, viewport: { width, height }, baseURL: BASE });
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    console.error('page error:', e.message);
    page.__errors = (page.__errors || []).concat(e.message);
  });
  return page;
}

// Signs in through the login form as a demo account (admin, lead, agent1,
// agent2, analyst, viewer) and waits for the frame.
export async function login(page, user = 'admin', password = PASSWORD) {
  await page.goto('/');
  await page.locator('#login-name').fill(user);
  await page.locator('#login-password').fill(password);
  await page.locator('form.login-card button[type=submit]').click();
  await page.locator('nav#nav').waitFor({ state: 'visible' });
}

export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: false });
}

// Calls the API as the demo admin (Bearer token), for set-up steps and
// checks that the browser does not show.
export async function api(method, route, body) {
  const res = await fetch(BASE + route, {
    method,
    headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return data;
}

// Posts raw mentions through the ingest API (one JSON record per line,
// fields as in docs/formats.md) and returns the API's answer.
export async function ingest(...records) {
  const res = await fetch(BASE + '/api/v1/mentions', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/x-ndjson' },
    body: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /api/v1/mentions: ${res.status} ${text}`);
  return JSON.parse(text);
}

// Fails the test when the page threw.
export function assertNoPageErrors(page) {
  assert.deepEqual(page.__errors || [], [], 'the page threw JavaScript errors');
}
