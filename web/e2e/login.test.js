// Sign-in, the role's menu, and the interface language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, screenshot, assertNoPageErrors, PASSWORD } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

test('a wrong password is refused with a message, the right one signs in', async () => {
  const page = await newPage(browser);
  await page.goto('/');
  await screenshot(page, 'login');
  await page.locator('#login-name').fill('agent1');
  await page.locator('#login-password').fill('not-the-password');
  await page.locator('form.login-card button[type=submit]').click();
  await page.locator('.error-box').waitFor();
  assert.match(await page.locator('.error-box').innerText(), /Échec de la connexion/);
  await login(page, 'agent1', PASSWORD);
  // An agent works the inbox; queries are readable but not editable by
  // their role: no button to create one.
  const menu = await page.locator('nav#nav').innerText();
  assert.match(menu, /Boîte de réception/);
  await page.locator('nav#nav a[href="/queries"]').click();
  await page.locator('h1:has-text("Requêtes")').waitFor();
  await page.locator('.spinner').waitFor({ state: 'detached' });
  assert.equal(await page.locator('button:has-text("Nouvelle requête")').count(), 0);
  assertNoPageErrors(page);
  await page.context().close();
});

test('a viewer gets no inbox, and a page outside the role says so', async () => {
  const page = await newPage(browser);
  await login(page, 'viewer');
  assert.doesNotMatch(await page.locator('nav#nav').innerText(), /Boîte de réception/);
  await page.goto('/inbox');
  await page.locator('text=Votre rôle ne donne pas accès à cette page.').waitFor();
  await page.context().close();
});

test('switching to English changes the interface and is remembered', async () => {
  const page = await newPage(browser);
  await login(page, 'analyst');
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  await page.locator('.topbar [data-lang=en]').click();
  await page.locator('nav#nav >> text=Dashboard').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('.topbar').innerText(), /Sign out/);
  // Stored in the user's profile: a new session starts in English.
  const second = await newPage(browser);
  await login(second, 'analyst');
  await second.locator('nav#nav >> text=Dashboard').waitFor();
  await second.goto('/settings');
  await second.locator('h1:has-text("Settings")').waitFor();
  await screenshot(second, 'settings');
  // Back to French for the other tests.
  await second.locator('.topbar [data-lang=fr]').click();
  await second.locator('nav#nav >> text=Tableau de bord').waitFor();
  assertNoPageErrors(page);
  await page.context().close();
  await second.context().close();
});
