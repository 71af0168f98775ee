// The care inbox: an agent takes a new case, answers and resolves it from
// the keyboard (the first response is measured and met); then a customer
// who wrote an e-mail and a tweet is linked from the tweet's case by
// accepting the suggested link, and the customer's timeline shows both;
// "Breaching soon" is the server's filter (an overdue case is listed, with
// its customer from the case itself, and leaves once pending); the
// online / away switch reads the server's presence.
// Each message is new (a run id in its ids, texts and identifiers), so the
// spec does not depend on the demo's own cases nor on an earlier run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, login, screenshot, ingest, assertNoPageErrors } from './harness.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

const run = Date.now().toString().slice(-8);
const WAIT = { timeout: 40000 }; // the list refreshes every 10 s

// A digit-only order number of this run (its own search word).
const orderNumber = (n) => String(4000000000 + Number(run) * 10 + n);
// A surname of this run (letters), so that "same name" links only this
// run's contacts.
const surname = 'Martin' + run.replace(/\d/g, (d) => 'abcdefghij'[d]);

test('an agent takes a new case, replies, resolves it, and the first response is met', async () => {
  const page = await newPage(browser);
  await login(page, 'agent1');
  const order = orderNumber(1);
  // The demo's open cases, most urgent first.
  await page.goto('/inbox?view=open');
  await page.locator('.case-row .sla').first().waitFor(WAIT);
  await screenshot(page, 'inbox');
  // The list of all open cases, searched for this run's order number.
  await page.goto('/inbox?view=open&q=' + order);
  await page.locator('.list-count', { hasText: 'Aucun dossier' }).waitFor();

  // A customer complains on Twitter about a lost parcel: the model says it
  // needs a reply, which opens a case; the list shows it at its refresh.
  await ingest({
    channel: 'twitter',
    native_id: 'e2e-inbox-' + run,
    created_at: new Date().toISOString(),
    direction: 'inbound',
    author: { handle: 'lea_e2e_' + run, name: 'Léa Fontaine' },
    text: `@ColibriExpress mon colis est perdu depuis 10 jours, commande ${order}, personne ne me répond. Vous pouvez m'aider ?`,
  });
  const row = page.locator('.case-row', { hasText: order });
  await row.waitFor(WAIT);
  await page.locator('.case-row .sla').first().waitFor();
  await screenshot(page, 'inbox-search');

  // The shortcuts help lists the keys.
  await page.keyboard.press('?');
  await page.locator('dialog[open] table.shortcuts').waitFor();
  assert.match(await page.locator('dialog[open]').innerText(), /M’attribuer le dossier/);
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({ state: 'detached' });

  // j selects the row, o opens the case beside the list.
  await page.keyboard.press('j');
  await page.keyboard.press('o');
  const view = page.locator('article.case-view');
  await view.waitFor();
  await page.waitForURL(/\/inbox\/\d+/);
  assert.match(await view.locator('.msg[data-kind=customer]').innerText(), new RegExp(order));
  assert.match(await page.locator('#case-sla').innerText(), /Première réponse/);

  // a: the agent takes the case.
  await page.keyboard.press('a');
  await view.locator('[data-assignee=agent1]').waitFor();

  // r: the composer; the reply is stored on the case (no Twitter
  // connector in the demo: it is kept and marked not sent).
  await page.keyboard.press('r');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'composer-text');
  await page.keyboard.type('Bonjour Léa, nous retrouvons votre colis tout de suite et revenons vers vous.');
  await view.locator('button[data-action=send]').click();
  await view.locator('.msg[data-kind=brand]', { hasText: 'nous retrouvons votre colis' }).waitFor();
  await view.locator('.msg[data-kind=brand] [data-reply-state]').waitFor();

  // The first response is measured and met.
  await view.locator('.sla-item[data-target=first_response][data-state=met]').waitFor(WAIT);
  assert.match(await view.locator('.sla-item[data-target=first_response]').innerText(), /Respecté/);

  // e: resolved.
  await page.locator('#page-title').focus();
  await page.keyboard.press('e');
  await page.locator('article.case-view[data-status=resolved]').waitFor();
  assert.equal(await view.locator('#case-status').inputValue(), 'resolved');
  await view.locator('.history-toggle').click();
  await view.locator('.hist[data-event=sla_met]', { hasText: 'Première réponse' }).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'case');

  // Escape: back to the list.
  await page.keyboard.press('Escape');
  await page.waitForURL((u) => u.pathname === '/inbox');
  assertNoPageErrors(page);
  await page.context().close();
});

test('a suggested link between an e-mail and a tweet is accepted from the case: one timeline', async () => {
  const page = await newPage(browser);
  await login(page, 'agent1');
  const order = orderNumber(2);
  const email = `alice.${run}@example.com`;
  const handle = 'alice_e2e_' + run;
  // Monday the e-mail, then the tweet quoting the same address and order.
  await ingest({
    channel: 'email',
    native_id: `<e2e-${run}@example.com>`,
    created_at: new Date(Date.now() - 60000).toISOString(),
    direction: 'inbound',
    author: { handle: email, name: 'Alice ' + surname },
    title: 'Colis jamais arrivé',
    text: `Bonjour, mon colis n'est jamais arrivé, commande ${order}. Pouvez-vous m'aider ? Je veux être remboursée.`,
  });
  await ingest({
    channel: 'twitter',
    native_id: 'e2e-contact-' + run,
    created_at: new Date().toISOString(),
    direction: 'inbound',
    author: { handle, name: 'Alice ' + surname },
    text: `@ColibriExpress toujours pas de colis, commande ${order}, écrivez-moi à ${email} ! Vous pouvez m'aider ?`,
  });

  // The tweet's case.
  await page.goto('/inbox?view=open&channel=twitter&q=' + order);
  const row = page.locator('.case-row', { hasText: order });
  await row.waitFor(WAIT);
  await row.locator('a').click();
  const customer = page.locator('#case-customer');
  await customer.waitFor();

  // The customer panel suggests the e-mail's contact, with the evidence.
  const suggestion = customer.locator('.suggestion', { hasText: email });
  await suggestion.waitFor(WAIT);
  const evidence = await suggestion.innerText();
  assert.match(evidence, /Adresse e-mail citée/);
  assert.ok(evidence.includes(email), 'the evidence names the quoted address');
  assert.ok(evidence.includes(order), 'and the order number');
  // Before: only the tweet in the timeline.
  await customer.locator('.tl-item[data-channel=twitter]').waitFor();
  assert.equal(await customer.locator('.tl-item[data-channel=email]').count(), 0);

  await suggestion.locator('button.btn-primary').click();
  // After: one customer, the e-mail and the tweet in one timeline.
  await customer.locator('.tl-item[data-channel=email]').waitFor();
  await customer.locator('.tl-item[data-channel=twitter]').waitFor();
  assert.equal(await customer.locator('.suggestion').count(), 0);
  assert.match(await customer.locator('.ident-list').innerText(), new RegExp(email.replace(/\./g, '\\.')));

  // The contact page has the merge in its audit, with an undo.
  await customer.locator('a', { hasText: 'Fiche contact' }).click();
  await page.locator('#contact-merges .merge').waitFor();
  await page.locator('#contact-audit tr[data-action=suggestion_accepted]').first().waitFor();
  assertNoPageErrors(page);
  await page.context().close();
});

test('"Breaching soon" lists an overdue case from the server filter, with its customer, until it waits for the customer', async () => {
  const page = await newPage(browser);
  await login(page, 'agent1');
  const order = orderNumber(3);
  const email = `jules.${run}@example.org`;
  // Ten days ago: whatever the calendar, its first response is overdue.
  await ingest({
    channel: 'email',
    native_id: `<e2e-late-${run}@example.org>`,
    created_at: new Date(Date.now() - 10 * 86400000).toISOString(),
    direction: 'inbound',
    author: { handle: email, name: 'Jules ' + surname },
    title: 'Remboursement toujours pas reçu',
    text: `Bonjour, j'attends toujours le remboursement de la commande ${order}, c'est inadmissible. Pouvez-vous m'aider ?`,
  });
  const lists = [];
  const contactReads = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/v1/cases') lists.push(u.searchParams);
    if (/^\/api\/v1\/contacts\/\d+$/.test(u.pathname)) contactReads.push(u.pathname);
  });
  await page.goto('/inbox?view=breaching&q=' + order);
  // (The row shows the e-mail's subject, not the order number.)
  const row = page.locator('.case-row', { hasText: email });
  await row.waitFor(WAIT);
  // The server filtered: new and open cases due within the hour or overdue.
  const p = lists[lists.length - 1];
  assert.equal(p.get('status'), 'new,open');
  const due = Date.parse(p.get('due_before'));
  assert.ok(due > Date.now() + 55 * 60000 && due < Date.now() + 65 * 60000, 'due_before is about an hour ahead: ' + p.get('due_before'));
  // The row names the customer and the address they wrote from, with no
  // request per contact.
  assert.equal(await row.locator('.case-customer-name').innerText(), 'Jules ' + surname);
  assert.equal(await row.locator('.case-ident').innerText(), email);
  await row.locator('.sla[data-sla-state=breached]').waitFor();
  assert.deepEqual(contactReads, []);
  await screenshot(page, 'inbox-breaching');

  // Waiting for the customer (pending): its clocks stop, it leaves the view.
  await row.locator('a').click();
  await page.locator('article.case-view').waitFor();
  await page.locator('#page-title').focus();
  await page.keyboard.press('p');
  await page.locator('article.case-view[data-status=pending]').waitFor();
  await page.keyboard.press('Escape');
  await page.waitForURL((u) => u.pathname === '/inbox');
  await page.locator('.list-count', { hasText: 'Aucun dossier' }).waitFor(WAIT);
  assert.equal(await page.locator('.case-row', { hasText: email }).count(), 0);
  assertNoPageErrors(page);
  await page.context().close();
});

test('the online / away switch shows the presence the server has, from any browser', async () => {
  const page = await newPage(browser);
  await login(page, 'agent2');
  await page.goto('/inbox?view=open');
  // Offline on the server: opening the inbox puts the agent online.
  await page.locator('.presence[data-status=online] button[data-presence=online][aria-pressed=true]').waitFor();
  await page.locator('.presence-since', { hasText: 'depuis' }).waitFor();
  await page.locator('button[data-presence=away]').click();
  await page.locator('.presence[data-status=away] button[data-presence=away][aria-pressed=true]').waitFor();
  const presence = await page.evaluate(() => fetch('/api/v1/presence').then((r) => r.json()));
  assert.equal(presence.status, 'away');
  assert.ok(presence.since, 'since when');
  await page.context().close();

  // Another browser (nothing kept in the page): still away, not put online.
  const other = await newPage(browser);
  await login(other, 'agent2');
  await other.goto('/inbox?view=open');
  await other.locator('.presence[data-status=away] button[data-presence=away][aria-pressed=true]').waitFor();
  assert.equal(await other.locator('button[data-presence=online]').getAttribute('aria-pressed'), 'false');
  await other.locator('button[data-presence=online]').click();
  await other.locator('.presence[data-status=online]').waitFor();
  assertNoPageErrors(other);
  await other.context().close();
});
