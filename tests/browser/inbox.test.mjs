// The staff inbox (nginx/www/inbox/) in a real browser against a real local stack:
//   TEXTUS_BIN_DIR=build/bin node --test tests/browser/
// Like widget.test.mjs: its own stack (deploy/up, free ports, a temp state directory, torn
// down afterwards), Debian's headless Chromium through playwright-core, controls found by
// label and role. Customers are played by deploy/sim-sms; the Twilio simulator moves sends
// queued -> sent -> delivered and calls back; campaigns are sent by deploy/worker. Screenshots
// go to $TEXTUS_ARTIFACTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  run, repo, DESKTOP, PHONE_VIEW, artifacts, eventually, startStack, stopStack, openBrowser,
} from './harness.mjs';

// ---- the stack and the browser ----

const cases = JSON.parse(fs.readFileSync(path.join(repo, 'tests', 'segments_cases.json'), 'utf8'));
let stack = null;
let env = null;
let port = 0;
let url = null;
let staffKey = null;
let browser = null;
let page = null;
let cspViolations = []; // what the Content-Security-Policy refused (harness.mjs)

// Customers: fresh numbers each run, never the business's own +1 760 555 0100 (ann with "00"
// was; sync then refused her number as ours, one run in a hundred).
const rnd = () => String(10 + Math.floor(Math.random() * 90));
const suffix = rnd();
const ann = {}, bob = {}, cy = {};
ann.e164 = `+176055501${suffix}`;
bob.e164 = `+161955501${suffix}`;
cy.e164 = `+185855501${suffix}`;
const fmt = (e164) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
const stamp = Date.now().toString(36);

async function simSms(from, body, ...media) {
  await run(path.join(repo, 'deploy', 'sim-sms'), [from, body, ...media], { env, cwd: repo, timeout: 20000 });
}
async function staff(method, p, body) {
  const r = await fetch(new URL(p, url), {
    method,
    headers: { Authorization: `Bearer ${staffKey}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, data: await r.json().catch(() => ({})) };
}

before(async () => {
  // Campaigns start within a second (deploy/worker looks that often), at any hour.
  stack = await startStack('inbox', { TEXTUS_WORKER_POLL_SECONDS: '1', QUIET_HOURS: 'off' });
  ({ env, port, url, staffKey } = stack);

  // Two customers texted in: Ann twice (2 unread), Bob once.
  await simSms(ann.e164, `Hi, is the tasting room open Sunday? (${stamp})`);
  await simSms(ann.e164, `Also, do you allow dogs? (${stamp})`);
  await simSms(bob.e164, `Bob here, please call me (${stamp})`);

  ({ browser, page, cspViolations } = await openBrowser());
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  await stopStack(stack);
});


// Every visible control's accessible name, roughly as a screen reader computes it: the
// controls without one.
function unnamed(p) {
  return p.evaluate(() => Array.from(document.querySelectorAll('button, input, select, textarea, a[href]'))
    .filter((el) => el.offsetParent !== null || el.getClientRects().length)
    .filter((el) => {
      const by = el.getAttribute('aria-labelledby');
      const named = (el.getAttribute('aria-label') || '').trim() ||
        (by && by.split(' ').map((id) => document.getElementById(id)?.textContent || '').join('').trim()) ||
        (el.labels && Array.from(el.labels).map((l) => l.textContent).join('').trim()) ||
        (/^(BUTTON|A)$/.test(el.tagName) && (el.textContent.trim() || el.querySelector('img[alt]')?.alt));
      return !named;
    })
    .map((el) => el.outerHTML.slice(0, 120)));
}

// ---- the staff member's path, in order ----

const convList = () => page.getByRole('list', { name: 'Conversations' });
const conv = (who) => convList().getByRole('button', { name: new RegExp(who.replace(/[()]/g, '\\$&')) });
const thread = () => page.getByRole('list', { name: 'Messages' });
const bubble = (text) => thread().getByRole('listitem').filter({ hasText: text });
const composer = () => page.getByRole('textbox', { name: 'Message', exact: true });

// The sign-in form, filled with the local owner's email and `password`, submitted.
async function signInAs(p, password) {
  await p.getByLabel('Email', { exact: true }).fill(stack.owner.email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

test('a wrong password is refused plainly; the right one signs in, with a cookie no script reads', async () => {
  await page.goto(new URL('/inbox/', url).href);
  await signInAs(page, 'not the password at all');
  await page.getByRole('alert').filter({ hasText: 'That email and password do not match' }).waitFor();
  assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Password').inputValue(), '');
  await signInAs(page, stack.owner.password);
  await convList().waitFor();
  assert.match(await page.getByRole('button', { name: 'Sign out' }).textContent(), /Local owner/);
  const session = (await page.context().cookies()).find((c) => c.name === 'textus_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict' && session.path === '/api/');
  assert.equal(await page.evaluate(() => document.cookie.includes('textus_session')), false);
  assert.equal(await page.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage)), '{}{}');
  assert.ok(!page.url().includes(stack.owner.password));
  // A reload keeps the session: the page asks who it is.
  await page.reload();
  await convList().waitFor();
});

test('the list shows the seeded conversations, newest first, with unread counts', async () => {
  await conv(fmt(ann.e164)).waitFor();
  await conv(fmt(bob.e164)).waitFor();
  assert.match(await conv(fmt(ann.e164)).textContent(), /2 unread/);
  assert.match(await conv(fmt(bob.e164)).textContent(), /1 unread/);
  assert.match(await conv(fmt(bob.e164)).textContent(), /please call me/);
  assert.match(await conv(fmt(ann.e164)).textContent(), /Not opted in/);
  const names = await convList().getByRole('button').allTextContents();
  assert.ok(names.findIndex((t) => t.includes(fmt(bob.e164))) < names.findIndex((t) => t.includes(fmt(ann.e164))), 'Bob texted last');
  await page.screenshot({ path: path.join(artifacts, 'inbox-list-desktop.png') });
});

test('opening a thread shows its messages and clears unread', async () => {
  await conv(fmt(ann.e164)).click();
  await bubble('tasting room open Sunday').waitFor();
  await bubble('allow dogs').waitFor();
  assert.match(await bubble('allow dogs').textContent(), /SMS/);
  await eventually('the unread badge to go', async () => !/unread/.test(await conv(fmt(ann.e164)).textContent()));
  const r = await staff('GET', '/api/crm/sms/conversations?search=' + encodeURIComponent(ann.e164));
  assert.equal(r.data.conversations[0].unreadCount, 0);
  // Ann texted us first: she may be texted, though not opted in.
  assert.equal(await composer().isEnabled(), true);
});

test('the segment counter agrees with the shared cases', async () => {
  for (const name of ['GSM-7 one over a single part', 'emoji crossing 70', 'euro sign is an extension character: two septets']) {
    const c = cases.find((x) => x.name === name);
    assert.ok(c, name);
    await composer().fill(c.body);
    const want = `${c.characters} characters \u00B7 ${c.segments} ${c.segments === 1 ? 'segment' : 'segments'} (${c.encoding})`;
    await eventually(`"${want}"`, async () => (await page.locator('#compose-count').textContent()) === want);
    const warn = await page.locator('#compose-warn').textContent();
    if (c.segments > 1) assert.match(warn, new RegExp(`${c.segments} parts`));
    else assert.equal(warn, '');
  }
  // A tracked link is counted as the short link it becomes on this site, not the long one.
  const body = `Our club: {link:https://example.com/${'a'.repeat(300)}}`;
  const sent = `Our club: ${new URL(url).origin}/l/xxxxxxxxxx`;
  await composer().fill(body);
  const want = `${sent.length} characters \u00B7 1 segment (GSM-7)`;
  await eventually(`"${want}"`, async () => (await page.locator('#compose-count').textContent()) === want);
  await composer().fill('');
});

test('a reply goes queued -> delivered as the simulator calls back', async () => {
  const reply = `Yes, open 11 to 5, dogs welcome (${stamp})`;
  await composer().fill(reply);
  await composer().press('Enter');
  await bubble(reply).waitFor();
  assert.equal(await composer().inputValue(), '');
  const first = await bubble(reply).textContent();
  assert.match(first, /Queued|Sending|Sent|Delivered/);
  await eventually('Delivered', async () => /Delivered/.test(await bubble(reply).textContent()), 8000);
  assert.equal(await bubble(reply).count(), 1, 'the send answer and the live events make one bubble');
  await page.screenshot({ path: path.join(artifacts, 'inbox-thread-desktop.png') });
});

test('an inbound SMS appears live in the open thread and in the list', async () => {
  let reloaded = false;
  page.once('load', () => { reloaded = true; });
  const text = `Great, see you Sunday (${stamp})`;
  await simSms(ann.e164, text);
  await bubble(text).waitFor({ timeout: 5000 });
  assert.equal(await bubble(text).count(), 1);
  await eventually('the list preview', async () => (await conv(fmt(ann.e164)).textContent()).includes('see you Sunday'));
  // A new customer's first text makes a new conversation, live.
  await simSms(cy.e164, `New here, do you ship? (${stamp})`);
  await eventually('a new conversation', async () => (await conv(fmt(cy.e164)).count()) === 1, 5000);
  assert.match(await conv(fmt(cy.e164)).textContent(), /1 unread/);
  assert.equal(reloaded, false);
});

test('a picture texted in shows in the open thread from our copy, once the worker has it', async () => {
  const text = `Our table on the terrace (${stamp})`;
  // deploy/sim-sms hands the file to the Twilio simulator, which asks for the account's
  // credentials on its media URL, as Twilio does.
  await run(path.join(repo, 'deploy', 'sim-sms'), [ann.e164, text, path.join(repo, 'docs', 'inbox.png')],
    { env, cwd: repo, timeout: 20000 });
  await bubble(text).waitFor({ timeout: 5000 });
  const img = bubble(text).getByRole('img', { name: /^Picture 1/ });
  await eventually('the picture, loaded', async () => (await img.count()) === 1 &&
    img.evaluate((i) => i.complete && i.naturalWidth > 0), 15000);
  assert.match(await img.getAttribute('src'), /^\/api\/crm\/sms\/media\/\d+$/);
});

test('a picture Twilio did not give says why, and Try again asks once more', async () => {
  const text = `A picture from elsewhere (${stamp})`;
  // A signed post may still name a host that is not Twilio's: the worker never asks it.
  await simSms(ann.e164, text, 'http://127.0.0.1:9/cellar.jpg');
  await bubble(text).waitFor({ timeout: 5000 });
  const failed = bubble(text).getByText(/Picture 1 could not be fetched: Not one of Twilio's media hosts: http:\/\/127\.0\.0\.1:9/);
  await failed.waitFor({ timeout: 15000 });
  await bubble(text).getByRole('button', { name: 'Try again' }).click();
  // Pending again (live), then failed again by the worker, with the button back.
  await eventually('failed again', async () => (await bubble(text).getByRole('button', { name: 'Try again' }).isEnabled()) &&
    (await failed.count()) === 1, 15000);
  assert.equal(await bubble(text).getByRole('img').count(), 0);
});

test('pictures attached by picker, drop and paste are checked, shown from our copy and sent as one MMS', async () => {
  const png = fs.readFileSync(path.join(repo, 'docs', 'inbox.png'));
  // The picker: a file that is no picture is refused here, before any upload.
  await page.locator('#compose-files').setInputFiles([
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') },
    { name: 'table.png', mimeType: 'image/png', buffer: png },
  ]);
  await page.getByText('notes.txt is not a JPEG, PNG or GIF picture.').waitFor({ timeout: 5000 });
  const previews = page.getByRole('list', { name: 'Pictures to send' });
  await eventually('the first preview', async () => (await previews.getByRole('img').count()) === 1, 10000);
  // Drop and paste: the same files as a browser gives them.
  const dropped = (kind) => page.evaluate(async ({ kind, bytes }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], kind + '.png', { type: 'image/png' }));
    if (kind === 'drop') {
      const form = document.querySelector('form.composer');
      form.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    } else {
      document.getElementById('compose').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }
  }, { kind, bytes: Array.from(png) });
  await dropped('drop');
  await dropped('paste');
  await eventually('three previews, from our copies', async () => (await previews.getByRole('img').count()) === 3, 10000);
  for (const src of await previews.getByRole('img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')))) {
    assert.match(src, /^\/api\/crm\/sms\/media\/\d+$/);
  }
  assert.match(await page.locator('#compose-count').textContent(), /Picture message \(MMS\): 3 pictures; billed as one MMS/);
  // One removed; the text and two pictures go as one message.
  await page.getByRole('button', { name: 'Remove picture 2' }).click();
  const text = `The terrace tonight (${stamp})`;
  await composer().fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await bubble(text).waitFor({ timeout: 10000 });
  await eventually('two pictures in the sent message', async () => (await bubble(text).getByRole('img').count()) === 2 &&
    bubble(text).getByRole('img').first().evaluate((i) => i.complete && i.naturalWidth > 0), 10000);
  assert.equal(await previews.getByRole('img').count(), 0);
  await eventually('delivered', async () => /Delivered/i.test(await bubble(text).textContent()), 10000);
  // Twilio was given two signed URLs of ours, and fetched them.
  const sent = await staff('GET', `/api/crm/sms/messages?phoneNumber=${encodeURIComponent(ann.e164)}&limit=5`);
  const mine = sent.data.messages.find((m) => m.body.startsWith(text));
  assert.equal(mine.media.length, 2);
  assert.equal(mine.status, 'delivered');
});

test('sync history from Twilio shows fetched, inserted and updated', async () => {
  // An old text Twilio has and we do not.
  const sim = `http://127.0.0.1:${port + 2}/sim/messages`;
  const old = new Date(Date.now() - 86400000 * 30).toUTCString().replace('GMT', '+0000');
  const r = await fetch(sim, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: [{ from: ann.e164, to: '+17605550100', direction: 'inbound', status: 'received',
      body: `An old text from last month (${stamp})`, date_created: old }] }) });
  assert.ok(r.ok, await r.text());
  await page.getByRole('button', { name: 'Sync history from Twilio' }).click();
  const out = page.getByText(/Synced: fetched \d+, inserted \d+, updated \d+/);
  await out.waitFor();
  const [, fetched, inserted] = /fetched (\d+), inserted (\d+)/.exec(await out.textContent()).map(Number);
  assert.ok(fetched >= 2, `fetched ${fetched}`);
  assert.equal(inserted, 1);
  await bubble('An old text from last month').waitFor();
});

test('a sync run elsewhere shows up live, in time order', async () => {
  const sim = `http://127.0.0.1:${port + 2}/sim/messages`;
  const old = new Date(Date.now() - 86400000 * 20).toUTCString().replace('GMT', '+0000');
  const r = await fetch(sim, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: [{ from: ann.e164, to: '+17605550100', direction: 'inbound', status: 'received',
      body: `Synced by a colleague (${stamp})`, date_created: old }] }) });
  assert.ok(r.ok, await r.text());
  const id = (await staff('GET', `/api/crm/contacts?search=${ann.e164.slice(2)}`)).data.contacts[0].id;
  const synced = await staff('POST', '/api/crm/sms/sync', { contactId: id });
  assert.equal(synced.status, 200);
  assert.equal(synced.data.inserted, 1);
  await bubble('Synced by a colleague').waitFor();
  // After last month's text and before today's; by id (it is the newest row) it would come last.
  const order = await thread().getByRole('listitem').allTextContents();
  const at = (text) => order.findIndex((t) => t.includes(text));
  assert.ok(at('An old text from last month') < at('Synced by a colleague'), order.join(' | '));
  assert.ok(at('Synced by a colleague') < at('tasting room open Sunday'), order.join(' | '));
});

test('a search that reached its cap says so at the end of the list', async () => {
  // 501 texts holding one word, straight into the database: a search looks at the newest 500.
  const dee = `+141555501${suffix}`, word = `capword${stamp}`;
  await simSms(dee, 'Hello');
  await run('psql', [`postgresql:///textus?host=${stack.state}/pgsock&user=textus_owner`, '-qc',
    `INSERT INTO messages (contact_id, direction, from_number, to_number, body, status, read_at)
     SELECT c.id, 'inbound', c.phone, '+17605550100', '${word} ' || k, 'received', now()
     FROM contacts c, generate_series(1, 501) k WHERE c.phone = '${dee}'`]);
  const box = page.getByRole('searchbox', { name: 'Search conversations' });
  const hint = page.getByText('These are the newest matches; add a word to find older ones.');
  await box.fill(word);
  await hint.waitFor();
  assert.equal(await convList().getByRole('button').count(), 1);
  await box.fill(`${word} 1`); // 111 of them: no cap
  await conv(fmt(dee)).waitFor();
  await eventually('the hint to go', async () => !(await hint.isVisible()));
  await box.fill('');
  await conv(fmt(ann.e164)).waitFor();
});

test('STOP from the customer disables the composer and says why', async () => {
  await simSms(ann.e164, 'STOP');
  await eventually('the composer to be disabled', async () => !(await composer().isEnabled()), 5000);
  assert.match(await page.locator('#compose-reason').textContent(), /opted out/);
  assert.equal(await page.getByRole('button', { name: 'Send', exact: true }).isEnabled(), false);
  await eventually('the list to say opted out', async () => /Opted out/.test(await conv(fmt(ann.e164)).textContent()));
});

test('a send that fails is shown; Retry reuses its Idempotency-Key', async () => {
  await conv(fmt(bob.e164)).click();
  await bubble('please call me').waitFor();
  // The first try gets a 503 before it reaches the server; Retry goes through.
  const keys = [];
  await page.route('**/api/crm/sms/send', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) {
      await route.fulfill({ status: 503, contentType: 'application/json',
        body: JSON.stringify({ success: false, error: { code: 'twilio_unavailable', message: 'Twilio is unavailable.' } }) });
    } else {
      await route.continue();
    }
  });
  const text = `Calling you at 3 (${stamp})`;
  await composer().fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Twilio is unavailable.' }).waitFor();
  await page.getByRole('button', { name: 'Retry' }).click();
  await bubble(text).waitFor();
  await page.unroute('**/api/crm/sms/send');
  assert.equal(keys.length, 2);
  assert.ok(keys[0] && keys[0] === keys[1], JSON.stringify(keys));
  assert.equal(await page.getByRole('button', { name: 'Retry' }).isVisible(), false);

  // Twilio refuses the next one: the bubble says Failed, and Twilio's words show on a tap.
  const fail = await fetch(`http://127.0.0.1:${port + 2}/sim/fail`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ count: 1, status: 400, code: 21614, message: 'To number is not a mobile number' }) });
  assert.ok(fail.ok, await fail.text());
  const doomed = `This one will fail (${stamp})`;
  await composer().fill(doomed);
  await composer().press('Enter');
  await page.locator('#compose-err').filter({ hasText: /./ }).waitFor();
  const failed = bubble(doomed).getByRole('button', { name: /Failed/ });
  await failed.waitFor({ timeout: 5000 });
  const why = await failed.getAttribute('title');
  assert.match(why, /21614/);
  await failed.click();
  await bubble(doomed).getByText(why).waitFor();
});

test('the live connection survives a drop: nothing missed, nothing twice', async () => {
  const text = `Sent while you were offline (${stamp})`;
  await page.context().setOffline(true);
  await page.waitForTimeout(300);
  await simSms(bob.e164, text);
  await page.waitForTimeout(700);
  await page.context().setOffline(false);
  await bubble(text).waitFor({ timeout: 10000 });
  await page.waitForTimeout(500);
  assert.equal(await bubble(text).count(), 1);
  assert.equal(await bubble('please call me').count(), 1);
});

test('contacts: add, edit, start a conversation, delete', async () => {
  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByRole('list', { name: 'Contacts' }).waitFor();
  await page.getByRole('button', { name: 'Add contact' }).first().click();
  const phone = `+1 442 555 01${suffix}`;
  await page.getByLabel('First name').fill('Dana');
  await page.getByLabel('Last name').fill(`Reyes${stamp}`);
  await page.getByLabel('Phone').fill(phone);
  await page.getByLabel('City').fill('Temecula');
  await page.getByLabel('Interests (JSON)').fill('{"buying": true, "locations": ["Temecula"]}');
  await page.getByRole('form', { name: 'New contact' }).getByRole('button', { name: 'Add contact' }).click();
  const row = page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: new RegExp(`Dana Reyes${stamp}`) });
  await row.waitFor();
  await page.getByRole('heading', { name: `Added Dana Reyes${stamp}` }).waitFor();

  // Edit: status and notes, PATCHed.
  await page.getByLabel('Status', { exact: true }).last().selectOption('qualified');
  await page.getByLabel('Notes').fill('Prefers reds');
  await page.getByLabel('Tags').fill('vip, club');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: `Saved Dana Reyes${stamp}` }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'inbox-contact-desktop.png') });
  const found = await staff('GET', `/api/crm/contacts?search=Reyes${stamp}`);
  const c = found.data.contacts[0];
  assert.deepEqual([c.status, c.notes, c.tags, c.address.city, c.interests.buying], ['qualified', 'Prefers reds', ['vip', 'club'], 'Temecula', true]);

  // Not opted in and never texted: the thread says why sending is off and offers the request.
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await page.getByRole('heading', { name: `Dana Reyes${stamp}` }).waitFor();
  assert.equal(await composer().isEnabled(), false);
  assert.match(await page.locator('#compose-reason').textContent(), /has not opted in/);
  await page.getByRole('button', { name: 'Send opt-in request' }).waitFor();

  // Delete, with confirmation.
  await page.getByRole('button', { name: 'Contacts' }).click();
  await row.click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await eventually('the contact to go', async () => (await row.count()) === 0);
  assert.equal((await staff('GET', `/api/crm/contacts/${c.id}`)).status, 404);
  await page.getByRole('button', { name: 'Conversations' }).click();
});

test('the owner imports a CSV: columns guessed and changed, problems by line, then imported and exported', async () => {
  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const last = `Import${stamp}`;
  const iris = `+185855602${suffix}`, ida = `+185855603${suffix}`;
  const csv = '\uFEFFFirst Name;Last Name;Mobile;E-mail;Favourite\r\n' +
    `Iris;${last};${iris};iris@example.com;Zin\r\n` +
    `Ivo;${last};not a phone;;\r\n` +
    `Ida;${last};${ida};=cmd|' /C calc'!A0;\r\n` +
    `Iris again;${last};${iris};;\r\n`;
  await page.locator('#import-file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByText('4 rows: 1 new contact,').waitFor();
  assert.equal(await page.getByLabel('Mobile').inputValue(), 'phone');
  assert.equal(await page.getByLabel('Favourite').inputValue(), '');
  await page.getByText(/^Line 3: /).waitFor();                          // no phone
  await page.getByText(/^Line 4: email must be an address/).waitFor();   // Ida's email
  await page.getByText(`Line 5: the same phone as line 2 (${iris})`).waitFor();
  // Emails left out: asked again, Ida has nothing wrong now.
  await page.getByLabel('E-mail').selectOption('');
  await page.getByText('4 rows: 2 new contacts,').waitFor();
  await page.getByRole('button', { name: 'Import 2 contacts' }).click();
  await page.getByText('Imported: 2 new contacts, 0 contacts updated').waitFor();
  const found = await staff('GET', `/api/crm/contacts?search=${last}`);
  assert.deepEqual(found.data.contacts.map((c) => [c.firstName, c.email, c.smsOptIn]).sort(),
    [['Ida', null, false], ['Iris', null, false]]);
  // The export of what the list shows, as a download.
  await page.getByLabel('Search contacts').fill(last);
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click()]);
  const exported = fs.readFileSync(await download.path(), 'utf8');
  assert.match(exported, /^\uFEFFfirstName,lastName,phone,/);
  assert.equal(exported.trim().split('\r\n').length, 3);
  assert.ok(exported.includes(`Iris,${last},'${iris},`));
  await page.getByLabel('Search contacts').fill('');
  await page.getByRole('button', { name: 'Conversations' }).click();
});

test('Reports: texts per day and per person for a period in a time zone, as counted by hand', async () => {
  // Seven texts in March 2021, around midnight in Los Angeles and its change to summer time.
  const sql = `INSERT INTO messages (direction, channel, from_number, to_number, body, status, sent_by, created_at) VALUES
    ('inbound', 'sms', '+16195550001', '+17605550100', 'a', 'received', NULL, '2021-03-13T07:30:00Z'),
    ('inbound', 'sms', '+16195550001', '+17605550100', 'b', 'received', NULL, '2021-03-13T08:30:00Z'),
    ('inbound', 'web', '+16195550001', '+17605550100', 'c', 'received', NULL, '2021-03-14T09:30:00Z'),
    ('outbound', 'sms', '+17605550100', '+16195550001', 'd', 'delivered', 'Ann Owner', '2021-03-14T12:00:00Z'),
    ('outbound', 'sms', '+17605550100', '+16195550001', 'e', 'delivered', 'Ann Owner', '2021-03-15T06:59:59Z'),
    ('outbound', 'sms', '+17605550100', '+16195550001', 'f', 'delivered', 'auto', '2021-03-15T07:00:00Z'),
    ('outbound', 'sms', '+17605550100', '+16195550001', 'g', 'delivered', 'auto', '2021-03-16T07:00:00Z')`;
  await run('psql', [`postgresql:///textus?host=${stack.state}/pgsock&user=textus_owner`, '-qc', sql]);
  await page.getByRole('button', { name: 'Reports' }).click();
  await page.getByLabel('From').fill('2021-03-12');
  await page.getByLabel('To', { exact: true }).fill('2021-03-15');
  await page.getByLabel('Time zone').fill('America/Los_Angeles');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText('Texts in: 3 (SMS 2, web 1). Texts out: 3 (SMS 3, web 0).').waitFor();
  const days = page.getByRole('table', { name: /Texts per day/ });
  const rows = await days.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
  assert.deepEqual(rows, [['2021-03-12', '1', '0', '0', '0'], ['2021-03-13', '1', '0', '0', '0'],
    ['2021-03-14', '0', '1', '2', '0'], ['2021-03-15', '0', '0', '1', '0']]);
  const people = await page.getByRole('table', { name: /sent by each person/ }).locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
  assert.deepEqual(people, [['Ann Owner', '2'], ['auto', '1']]);
  // The chart: a bar for each day's kind of text, drawn by the page.
  assert.equal(await page.locator('svg.report-chart rect.bar').count(), 5);
  const csv = await days.getByRole('link', { name: 'CSV' }).getAttribute('href');
  const got = await page.evaluate((href) => fetch(href).then((r) => r.text()), csv);
  assert.equal(got, 'day,sms in,web in,sms out,web out\r\n2021-03-12,1,0,0,0\r\n2021-03-13,1,0,0,0\r\n' +
    '2021-03-14,0,1,2,0\r\n2021-03-15,0,0,1,0\r\n');
  // A zone nobody has is said so.
  await page.getByLabel('Time zone').fill('Mars/Olympus');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText('timeZone must be an IANA time zone').waitFor();
  await page.getByRole('button', { name: 'Conversations' }).click();
});

test('older messages load on scrolling up', async () => {
  // 45 old texts Twilio has for a new number; a sync stores them (and the contact).
  const dee = `+194955501${suffix}`;
  const t0 = Date.now() - 86400000 * 60;
  const messages = Array.from({ length: 45 }, (_, i) => ({
    from: dee, to: '+17605550100', direction: 'inbound', status: 'received', body: `Old note ${i + 1} (${stamp})`,
    date_created: new Date(t0 + i * 60000).toUTCString().replace('GMT', '+0000'),
  }));
  const seeded = await fetch(`http://127.0.0.1:${port + 2}/sim/messages`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ messages }) });
  assert.ok(seeded.ok, await seeded.text());
  const r = await staff('POST', '/api/crm/sms/sync', { phoneNumber: dee });
  assert.equal(r.data.inserted, 45, JSON.stringify(r.data));
  await page.getByLabel('Search conversations').fill(dee.slice(-4));
  await conv(fmt(dee)).click();
  await bubble(`Old note 45 (`).waitFor();
  assert.equal(await bubble(`Old note 1 (`).count(), 0, 'the first page is the newest 30');
  await eventually('the oldest message', async () => {
    await thread().evaluate((el) => { el.scrollTop = 0; });
    return (await bubble(`Old note 1 (`).count()) === 1;
  });
  assert.equal(await thread().getByRole('listitem').filter({ hasText: 'Old note' }).count(), 45);
  await page.getByLabel('Search conversations').fill('');
  await conv(fmt(bob.e164)).waitFor();
});

test('more conversations load on scrolling down the list', async () => {
  // 26 more customers, each with one old text, stored by a sync per number.
  const numbers = Array.from({ length: 26 }, (_, i) => `+1213555${String(100 + i).padStart(4, '0')}`.slice(0, 12));
  const old = new Date(Date.now() - 86400000 * 90).toUTCString().replace('GMT', '+0000');
  const seeded = await fetch(`http://127.0.0.1:${port + 2}/sim/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages: numbers.map((n) => ({ from: n, to: '+17605550100', direction: 'inbound', status: 'received',
      body: `Archive ${n} (${stamp})`, date_created: old })) }) });
  assert.ok(seeded.ok, await seeded.text());
  for (const n of numbers) {
    const r = await staff('POST', '/api/crm/sms/sync', { phoneNumber: n });
    assert.equal(r.status, 200, JSON.stringify(r.data));
  }
  // A reload signs in again with the key kept in this tab.
  await page.reload();
  await conv(fmt(bob.e164)).waitFor();
  const rows = convList().getByRole('button');
  assert.equal(await rows.count(), 25, 'the first page');
  await eventually('the next page', async () => {
    await page.locator('.list-pane .scroll').first().evaluate((el) => { el.scrollTop = el.scrollHeight; });
    return (await rows.count()) > 25;
  });
  await conv(fmt(numbers[0])).waitFor();
  assert.deepEqual(await unnamed(page), [], 'every control has a name');
});

test('at 360 px: one pane at a time with a back button, no horizontal scroll', async () => {
  await page.setViewportSize(PHONE_VIEW);
  await conv(fmt(bob.e164)).click();
  await bubble('please call me').waitFor();
  assert.equal(await convList().isVisible(), false);
  let width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: path.join(artifacts, 'inbox-thread-360.png') });
  assert.ok(width <= PHONE_VIEW.width, `thread scrollWidth ${width}`);
  await composer().press('Escape'); // Escape is the back button on a phone
  await convList().waitFor();
  width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: path.join(artifacts, 'inbox-list-360.png') });
  assert.ok(width <= PHONE_VIEW.width, `list scrollWidth ${width}`);
  // The contact editor, alone on the screen.
  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByLabel('Search contacts').fill(bob.e164.slice(2));
  await page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: new RegExp(fmt(bob.e164).replace(/[()]/g, '\\$&')) }).click();
  await page.getByRole('form', { name: /^Edit/ }).waitFor();
  width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: path.join(artifacts, 'inbox-contact-360.png') });
  assert.ok(width <= PHONE_VIEW.width, `editor scrollWidth ${width}`);
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Conversations' }).click();
});

test('the live URL is renewed before it expires, and the first poll does not replay the buffer', async () => {
  // A second tab whose signed URLs "expire" in 6 s: it must ask again at 80% of that.
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    const tab = await context.newPage();
    tab.setDefaultTimeout(10000);
    let lives = 0;
    const polls = [];
    await tab.route('**/api/crm/live', async (route) => {
      lives++;
      const res = await route.fetch();
      const data = await res.json();
      data.expiresAt = new Date(Date.now() + 6000).toISOString();
      await route.fulfill({ response: res, json: data });
    });
    tab.on('request', (req) => { if (req.url().includes('/api/poll/staff')) polls.push(req.headers()); });
    await tab.goto(new URL('/inbox/', url).href);
    await signInAs(tab, stack.owner.password);
    await tab.getByRole('list', { name: 'Conversations' }).waitFor();
    // The first poll asks for the last few seconds only, not the channel's whole buffer.
    await eventually('a poll', async () => polls.length > 0);
    const since = Date.parse(polls[0]['if-modified-since']);
    assert.ok(since > Date.now() - 20000 && since < Date.now(), JSON.stringify(polls[0]));
    // No key on the poll: its signed URL is the credential.
    assert.equal(polls[0].authorization, undefined);
    await eventually('a renewed URL', async () => lives >= 2, 8000);
    const text = `After the renewal (${stamp})`;
    await simSms(bob.e164, text);
    await tab.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /after the renewal/i }).waitFor({ timeout: 5000 });
  } finally {
    await context.close();
  }
});

// ---- campaigns (the worker runs every second in this stack, quiet hours off: see before()) ----

const campTag = `fall-${stamp}`;
const campPeople = [
  // The first (lowest id) is the one the preview renders for.
  { firstName: 'Avery', lastName: `Camp${stamp}`, phone: `+190955501${suffix}`, smsOptIn: true },
  { firstName: 'Blake', lastName: `Camp${stamp}`, phone: `+195155501${suffix}`, smsOptIn: true },
  { firstName: 'Casey', lastName: `Camp${stamp}`, phone: `+162655501${suffix}`, smsOptIn: false },
];
const campPane = (name) => page.getByRole('region', { name });
const segText = (p) => `${p.characters} characters \u00B7 ${p.segments} ${p.segments === 1 ? 'segment' : 'segments'} (${p.encoding})`;

test('a campaign: the preview renders a recipient, Start sends it, progress is live to completed', async () => {
  await page.setViewportSize(DESKTOP);
  for (const p of campPeople) {
    const r = await staff('POST', '/api/crm/contacts', { ...p, tags: [campTag] });
    assert.equal(r.status, 201, JSON.stringify(r.data));
  }
  let reloaded = false;
  page.once('load', () => { reloaded = true; });
  const text = `Hi {firstName}, the fall release is in! (${stamp})`;
  const want = (await staff('POST', '/api/crm/sms/campaigns/preview', { body: text, filter: { tags: [campTag] } })).data;
  assert.equal(want.recipients, 3, JSON.stringify(want));
  assert.match(want.preview.body, new RegExp(`^Hi Avery, the fall release is in!`));

  await page.getByRole('button', { name: 'Campaigns' }).click();
  await page.getByRole('button', { name: 'New campaign' }).click();
  const form = page.getByRole('form', { name: 'New campaign' });
  const name = `Fall release ${stamp}`;
  await form.getByLabel('Name').fill(name);
  // The server names a variable it does not know, under the text.
  await form.getByLabel('Text', { exact: true }).fill('Hi {nickname}');
  await page.locator('#camp-body-err').filter({ hasText: 'nickname' }).waitFor();
  await form.getByLabel('Text', { exact: true }).fill(text);
  await form.getByLabel('Tags').fill(campTag);
  // The server's count and its rendering for the first recipient, opt-out notice and all.
  await form.getByRole('status').filter({ hasText: /^3 recipients$/ }).waitFor();
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.getByText(`Avery Camp${stamp} (${fmt(campPeople[0].phone)}) gets:`).waitFor();
  assert.equal(await preview.locator('.camp-body').textContent(), want.preview.body);
  await preview.getByText(segText(want.preview), { exact: true }).waitFor();
  assert.match(await page.locator('#camp-body-count').textContent(), /^As typed: \d+ characters/);
  await page.screenshot({ path: path.join(artifacts, 'inbox-campaign-form-desktop.png') });

  await form.getByRole('button', { name: 'Start campaign' }).click();
  const pane = campPane(name);
  await pane.getByRole('heading', { name }).waitFor();
  const summary = pane.getByRole('status');
  // Live: the worker's events and, for delivery, refetches; no reload.
  await eventually('the campaign to complete and its texts to be delivered', async () =>
    (await pane.locator('.camp-state').textContent()) === 'Completed' &&
    (await summary.textContent()) === '3 of 3 recipients done: 2 sent (2 delivered), 0 failed, 1 skipped.', 20000);
  assert.equal(await pane.locator('dl[aria-label="Skipped because"] dt:text-is("Not opted in") + dd').textContent(), '1');
  const row = (who) => pane.getByRole('list', { name: 'Recipients' }).getByRole('listitem').filter({ hasText: who });
  await eventually('the recipients list to be current', async () =>
    /Delivered/.test(await row('Avery').textContent()) && /Delivered/.test(await row('Blake').textContent()), 5000);
  assert.match(await row('Casey').textContent(), /Skipped.*Not opted in/);
  assert.equal(await pane.getByRole('button', { name: 'Pause campaign' }).count(), 0, 'nothing to pause once completed');
  assert.match(await page.getByRole('list', { name: 'Campaigns' }).getByRole('button', { name: new RegExp(name) }).textContent(),
    /Completed.*3 recipients · 2 sent · 1 skipped/);
  await page.screenshot({ path: path.join(artifacts, 'inbox-campaign-desktop.png') });
  assert.equal(reloaded, false);

  // The texts themselves went out through the send path, names filled in.
  const sent = await staff('GET', '/api/crm/sms/messages?' + new URLSearchParams({ phoneNumber: campPeople[1].phone, limit: '1' }));
  assert.match(sent.data.messages[0].body, /^Hi Blake, the fall release is in!/);
});

test('a scheduled campaign from a template, started once however often Start is pressed, paused and resumed', async () => {
  await page.getByRole('button', { name: 'New campaign' }).click();
  const form = page.getByRole('form', { name: 'New campaign' });
  const name = `Club pick-up ${stamp}`;
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Template').selectOption({ label: 'Wine club pick-up ready' });
  assert.match(await form.getByLabel('Text', { exact: true }).inputValue(), /^Hi \{firstName\}, your \{businessName\} wine club/);
  await form.getByLabel('Tags').fill(campTag);
  await form.getByLabel('SMS opt-in').selectOption({ label: 'Opted in' });
  await form.getByRole('status').filter({ hasText: /^2 recipients$/ }).waitFor();
  await page.getByRole('region', { name: 'Preview' }).getByText(/^Hi Avery, your Textus Demo wine club pick-up is ready!/).waitFor();
  // Tomorrow at 10:30, the browser's time; sent as UTC.
  const at = new Date(Date.now() + 86400000);
  at.setHours(10, 30, 0, 0);
  const local = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}T10:30`;
  await form.getByLabel('Send at (optional)').fill(local);
  // The first answer is lost on the way back (the server did create it); Start again, twice.
  const keys = [];
  await page.route('**/api/crm/sms/campaigns', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length > 1) return route.continue();
    await route.fetch();
    await route.abort('failed');
  });
  await form.getByRole('button', { name: 'Schedule campaign' }).click();
  await form.getByRole('alert').filter({ hasText: 'will not start it twice' }).waitFor();
  await form.getByRole('button', { name: 'Schedule campaign' }).dblclick();
  const pane = campPane(name);
  await pane.getByText(/^Scheduled for /).waitFor();
  await page.unroute('**/api/crm/sms/campaigns');
  assert.ok(keys.length >= 2 && keys.every((k) => k && k === keys[0]), JSON.stringify(keys));
  const all = (await staff('GET', '/api/crm/sms/campaigns')).data.campaigns.filter((c) => c.name === name);
  assert.equal(all.length, 1, `one campaign for ${keys.length} POSTs`);
  const c = all[0];
  assert.ok(c.templateId, JSON.stringify(c));
  assert.deepEqual([c.filter.tags, c.filter.optIn, c.progress.recipients], [[campTag], true, 2]);
  assert.equal(Date.parse(c.sendAt), at.getTime());

  await pane.getByRole('button', { name: 'Pause campaign' }).click();
  await pane.getByText('Paused', { exact: true }).waitFor();
  assert.equal((await staff('GET', `/api/crm/sms/campaigns/${c.id}`)).data.campaign.status, 'paused');
  await pane.getByRole('button', { name: 'Resume campaign' }).click();
  await pane.getByText(/^Scheduled for /).waitFor();
  assert.equal((await staff('GET', `/api/crm/sms/campaigns/${c.id}`)).data.campaign.status, 'scheduled');
  // Paused elsewhere (another tab, the API): the staff channel's campaign event shows it here.
  assert.equal((await staff('POST', `/api/crm/sms/campaigns/${c.id}/pause`)).status, 200);
  await pane.getByRole('button', { name: 'Resume campaign' }).waitFor();
  assert.match(await page.getByRole('list', { name: 'Campaigns' }).getByRole('button', { name: new RegExp(name) }).textContent(), /Paused/);
  await pane.getByRole('button', { name: 'Resume campaign' }).click();
  await pane.getByText(/^Scheduled for /).waitFor();
  assert.deepEqual(await unnamed(page), [], 'every control has a name');
  await page.screenshot({ path: path.join(artifacts, 'inbox-campaign-scheduled-desktop.png') });

  // At 360 px: the campaign alone, with a way back to the list.
  await page.setViewportSize(PHONE_VIEW);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: path.join(artifacts, 'inbox-campaign-360.png') });
  assert.ok(width <= PHONE_VIEW.width, `campaign scrollWidth ${width}`);
  await page.getByRole('button', { name: 'Back to campaigns' }).click();
  await page.getByRole('list', { name: 'Campaigns' }).getByRole('button', { name: new RegExp(name) }).waitFor();
  await page.setViewportSize(DESKTOP);
  await page.getByRole('button', { name: 'Conversations' }).click();
});

// ---- someone else's writing: isolated for display, long names cut (docs/decisions.md, Names
// and bodies on screen) ----

const RLO = '\u202E';
// The element's own direction and its isolation from its neighbours.
async function isolation(loc) {
  return loc.evaluate((el) => ({ dir: el.getAttribute('dir'), bidi: getComputedStyle(el).unicodeBidi }));
}
// True when `word`, in the first text node under the locator's element that holds it, is drawn
// left to right: its first letter left of its last (an override draws it backwards).
async function drawnInOrder(loc, word) {
  return loc.evaluate((root, w) => {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const i = n.data.indexOf(w);
      if (i < 0) continue;
      const box = (k) => { const r = document.createRange(); r.setStart(n, k); r.setEnd(n, k + 1); return r.getBoundingClientRect(); };
      return box(i).left < box(i + w.length - 1).left;
    }
    throw new Error(`no "${w}" under ${root.outerHTML.slice(0, 200)}`);
  }, word);
}
const box = async (loc) => {
  const b = await loc.boundingBox();
  assert.ok(b, 'shown');
  return b;
};
// No horizontal scrolling of the page.
async function noSideScroll(what) {
  const { page: w, client } = await page.evaluate(() => ({
    page: document.scrollingElement.scrollWidth, client: document.scrollingElement.clientWidth }));
  assert.ok(w <= client, `${what}: the page is ${w} px wide in ${client}`);
}
// Inside the viewport, left and right.
async function onScreen(loc, what) {
  const b = await box(loc);
  const width = page.viewportSize().width;
  assert.ok(b.x >= 0 && b.x + b.width <= width + 0.5, `${what} at ${b.x}..${b.x + b.width} in ${width} px`);
}

const bidiTag = `Bidi${stamp}`;
const plainOne = { firstName: 'Plain', lastName: bidiTag, phone: `+131055501${suffix}` };
const spoofer = { firstName: `invoice${RLO}gnp.exe`, lastName: bidiTag, phone: `+132355501${suffix}` };
const spoofShown = `invoicegnp.exe ${bidiTag}`;
const spoofBody = `Pay invoice${RLO}gnp.exe today (${stamp})`;

test('a name or a body with a right-to-left override is isolated: it spoofs nothing, moves nothing', async () => {
  await page.setViewportSize(DESKTOP);
  for (const p of [plainOne, spoofer]) {
    const r = await staff('POST', '/api/crm/contacts', p);
    assert.equal(r.status, 201, JSON.stringify(r.data));
  }
  await simSms(plainOne.phone, `Plain text here today (${stamp})`);
  await simSms(spoofer.phone, spoofBody);
  await page.getByLabel('Search conversations').fill(bidiTag);
  const plainRow = conv(`Plain ${bidiTag}`);
  const spoofRow = convList().getByRole('button').filter({ hasText: 'invoice' });
  await plainRow.waitFor();
  await spoofRow.waitFor();
  await eventually('the search to list just the two', async () => (await convList().getByRole('button').count()) === 2);

  // The list row: the name in its own isolated element, shown without the override, in order.
  const name = spoofRow.locator('.conv-name');
  assert.deepEqual(await isolation(name), { dir: 'auto', bidi: 'isolate' });
  assert.equal(await name.textContent(), spoofShown);
  assert.equal(await name.getAttribute('title'), spoofShown);
  assert.ok(await drawnInOrder(name, 'gnp.exe'), 'the name reads as stored, not "exe.png"');
  // The body in the preview: isolated, its own override kept (the customer's words).
  const preview = spoofRow.locator('.conv-preview [dir="auto"]');
  assert.deepEqual(await isolation(preview), { dir: 'auto', bidi: 'isolate' });
  assert.equal(await preview.textContent(), spoofBody);
  // Its neighbours sit where they sit in a plain row: the time, the unread count, the opt-in.
  // (The name's and the time's widths are their text's: compare the edge they keep.)
  const edges = { '.conv-name': (b) => [b.x, b.y], '.conv-time': (b) => [b.x + b.width, b.y],
    '.badge': (b) => [b.x, b.y, b.width], '.opt': (b) => [b.x, b.y, b.width] };
  for (const [sel, edge] of Object.entries(edges)) {
    const plainBox = await box(plainRow.locator(sel)), spoofBox = await box(spoofRow.locator(sel));
    const rowDy = (await box(spoofRow)).y - (await box(plainRow)).y;
    const [a, b] = [edge(plainBox), edge({ ...spoofBox, y: spoofBox.y - rowDy })];
    assert.ok(a.every((v, i) => Math.abs(v - b[i]) < 1), `${sel}: ${JSON.stringify(plainBox)} vs ${JSON.stringify(spoofBox)}`);
  }

  // The thread: the header's name, the bubble's body.
  await plainRow.click();
  await bubble('Plain text here today').waitFor();
  const heads = {};
  for (const [k, loc] of Object.entries({ title: page.locator('#thread-title'),
    details: page.getByRole('button', { name: 'Contact details' }), sync: page.getByRole('button', { name: 'Sync history from Twilio' }) })) {
    heads[k] = await box(loc);
  }
  await spoofRow.click();
  await bubble('Pay invoice').waitFor();
  const title = page.locator('#thread-title');
  assert.deepEqual(await isolation(title), { dir: 'auto', bidi: 'isolate' });
  assert.equal(await title.textContent(), spoofShown);
  assert.ok(await drawnInOrder(title, 'gnp.exe'));
  assert.equal((await box(title)).x, heads.title.x);
  assert.deepEqual(await box(page.getByRole('button', { name: 'Contact details' })), heads.details);
  assert.deepEqual(await box(page.getByRole('button', { name: 'Sync history from Twilio' })), heads.sync);
  const body = bubble('Pay invoice').locator('.body');
  const iso = await isolation(body);
  assert.equal(iso.dir, 'auto');
  assert.match(iso.bidi, /^(isolate|plaintext)$/, 'a body is isolated (plaintext: line by line)');
  assert.equal(await body.textContent(), spoofBody);
  await page.screenshot({ path: path.join(artifacts, 'inbox-bidi-desktop.png') });

  // A name inside a sentence: the words after it still read left to right.
  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByLabel('Search contacts').fill(bidiTag);
  await page.getByRole('list', { name: 'Contacts' }).getByRole('button').filter({ hasText: 'invoice' }).click();
  const heading = page.getByRole('heading', { name: `Edit ${spoofShown}` });
  await heading.waitFor();
  assert.ok(await drawnInOrder(heading, 'gnp.exe'));
  await page.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('group', { name: 'Confirm delete' });
  await confirm.waitFor();
  assert.deepEqual(await isolation(confirm.locator('[dir="auto"]')), { dir: 'auto', bidi: 'isolate' });
  assert.ok(await drawnInOrder(confirm, 'Their messages stay'), 'the sentence after the name is not reversed');
  await confirm.getByRole('button', { name: 'Keep' }).click();
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Conversations' }).click();
  await page.getByLabel('Search conversations').fill('');
});

test('a 100-letter name is cut to one line, whole in its title, at desktop and at 360 px', async () => {
  const long = 'Wolfeschlegelsteinhausenbergerdorff'.repeat(3).slice(0, 100);
  const last = `Long${stamp}`;
  const full = `${long} ${last}`;
  const phone = `+140855501${suffix}`;
  const r = await staff('POST', '/api/crm/contacts', { firstName: long, lastName: last, phone });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  await simSms(phone, `A long name, a short text (${stamp})`);
  const row = conv(last);
  // One line, cut with an ellipsis, the whole in its title.
  async function cut(loc, what) {
    const c = await loc.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth,
      lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)),
      overflow: getComputedStyle(el).textOverflow, title: el.getAttribute('title') }));
    assert.ok(c.scroll > c.client, `${what} is cut (${c.scroll} in ${c.client})`);
    assert.equal(c.overflow, 'ellipsis', what);
    assert.equal(c.lines, 1, `${what} on one line`);
    assert.equal(c.title, full, what);
    assert.equal(await loc.textContent(), full, what);
  }
  async function listChecks(view) {
    await row.waitFor();
    await cut(row.locator('.conv-name'), `the list's name (${view})`);
    const list = await box(convList());
    const b = await box(row);
    assert.ok(b.x + b.width <= list.x + list.width + 0.5, `the row fits its list (${view})`);
    // The unread count is there until the thread is opened.
    for (const sel of ['.conv-time', '.badge']) {
      if (!(await row.locator(sel).count())) continue;
      const el = await box(row.locator(sel));
      assert.ok(el.x >= b.x && el.x + el.width <= b.x + b.width + 0.5, `${sel} inside its row (${view})`);
    }
    await onScreen(row.locator('.conv-time'), `the time (${view})`);
    await noSideScroll(`the list (${view})`);
  }
  async function threadChecks(view) {
    await bubble('a short text').waitFor();
    await cut(page.locator('#thread-title'), `the thread's header (${view})`);
    for (const name of ['Contact details', 'Sync history from Twilio', 'Send']) {
      await onScreen(page.getByRole('button', { name, exact: true }), `${name} (${view})`);
    }
    await noSideScroll(`the thread (${view})`);
  }

  await page.setViewportSize(DESKTOP);
  await page.getByLabel('Search conversations').fill(last);
  await row.locator('.badge').waitFor();
  await listChecks('desktop');
  await row.click();
  await threadChecks('desktop');
  await page.screenshot({ path: path.join(artifacts, 'inbox-long-name-desktop.png') });

  await page.setViewportSize(PHONE_VIEW);
  await threadChecks('360 px');
  await onScreen(page.getByRole('button', { name: 'Back to conversations' }), 'the back button (360 px)');
  await page.screenshot({ path: path.join(artifacts, 'inbox-long-name-thread-360.png') });
  await page.getByRole('button', { name: 'Back to conversations' }).click();
  await listChecks('360 px');
  await page.screenshot({ path: path.join(artifacts, 'inbox-long-name-list-360.png') });
  // The contact editor at 360 px: the name wraps in its heading; nothing scrolls sideways.
  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByLabel('Search contacts').fill(last);
  const contact = page.getByRole('list', { name: 'Contacts' }).getByRole('button').filter({ hasText: last });
  await cut(contact.locator('.conv-name'), 'the contact list\'s name (360 px)');
  await contact.click();
  await page.getByRole('heading', { name: `Edit ${full}` }).waitFor();
  await noSideScroll('the contact editor (360 px)');
  const editor = await page.locator('.contacts-view .editor-pane').evaluate((el) => [el.scrollWidth, el.clientWidth]);
  assert.ok(editor[0] <= editor[1], `the editor pane is ${editor[0]} px wide in ${editor[1]}`);
  await page.screenshot({ path: path.join(artifacts, 'inbox-long-name-contact-360.png') });
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Conversations' }).click();
  await page.getByLabel('Search conversations').fill('');
  await page.setViewportSize(DESKTOP);
});

// ---- a text that may be an opt-out (issue 24): the list labels it, the thread quotes it
// above the composer, staff answer it there ----

const mae = { e164: `+170755501${suffix}` };
const maybeTexts = [
  `Love the Malbec, but please stop the texts after Friday's event (${stamp})`,
  `I said please stop sending these, I moved to Ohio anyway (${stamp})`,
  `Honestly just stop, the wine club emails are plenty for me (${stamp})`,
  `Please stop, I moved away and I am not buying a house (${stamp})`,
];
const maybeBanner = () => page.getByRole('region', { name: 'Possible opt-out' });
const maybeButton = (name) => maybeBanner().getByRole('button', { name, exact: true });
const maeRow = () => conv(fmt(mae.e164));
const maeContact = async () => (await staff('GET', `/api/crm/contacts?search=${mae.e164.slice(2)}`)).data.contacts[0];
// The banner quotes exactly this text, isolated like every body.
async function quotes(text) {
  const q = maybeBanner().locator('.maybe-quote [dir="auto"]');
  return (await q.count()) === 1 && (await q.textContent()) === text;
}

test('a longer text with a stop word is labelled in the list and quoted above the composer with two answers', async () => {
  await page.setViewportSize(DESKTOP);
  await simSms(mae.e164, maybeTexts[0]);
  await maeRow().waitFor();
  const label = maeRow().getByText('Possible opt-out', { exact: true });
  await label.waitFor();
  assert.ok(await label.isVisible());
  await maeRow().click();
  await bubble(maybeTexts[0]).waitFor();
  await maybeBanner().waitFor();
  await eventually('the banner to quote the text', () => quotes(maybeTexts[0]));
  const quoteIso = await isolation(maybeBanner().locator('.maybe-quote [dir="auto"]'));
  assert.equal(quoteIso.dir, 'auto');
  assert.match(quoteIso.bidi, /^(isolate|plaintext)$/, 'the quote is isolated like a body');
  await maybeButton('Opt them out').waitFor();
  await maybeButton('Not an opt-out').waitFor();
  // The bubble of that text is marked too; the banner sits above the composer.
  assert.match(await bubble(maybeTexts[0]).getAttribute('class'), /\bmaybe\b/);
  assert.ok((await box(maybeBanner())).y < (await box(composer())).y, 'the banner is above the composer');
  // Nothing is decided yet: they texted us, so staff may still answer them.
  assert.equal(await composer().isEnabled(), true);
  assert.deepEqual(await unnamed(page), [], 'every control has a name');
  await page.screenshot({ path: path.join(artifacts, 'inbox-possible-opt-out-desktop.png') });
});

test('"Not an opt-out" (from the keyboard) clears the banner and the label; the composer stays open', async () => {
  const before = await maeContact();
  assert.equal(before.possibleOptOutMessageId, Number(await bubble(maybeTexts[0]).getAttribute('data-id')));
  await maybeButton('Not an opt-out').focus();
  await page.keyboard.press('Enter');
  await maybeBanner().waitFor({ state: 'hidden' });
  await page.getByRole('status').filter({ hasText: 'Marked as not an opt-out.' }).waitFor();
  assert.equal(await composer().isEnabled(), true);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'compose', 'focus moves to the composer');
  await eventually('the list label to go', async () => !/Possible opt-out/.test(await maeRow().textContent()));
  assert.equal(await bubble(maybeTexts[0]).getAttribute('class').then((c) => /\bmaybe\b/.test(c)), false);
  const after = await maeContact();
  assert.equal(after.possibleOptOutMessageId, null);
  assert.equal(after.smsOptIn, before.smsOptIn, 'consent unchanged');
  assert.equal(after.optedOutAt, null);
});

test('a second such text brings the banner back live; a colleague\'s decision takes it away live', async () => {
  let reloaded = false;
  page.once('load', () => { reloaded = true; });
  await simSms(mae.e164, maybeTexts[1]);
  await bubble(maybeTexts[1]).waitFor();
  await maybeBanner().waitFor();
  await eventually('the banner to quote the newer text', () => quotes(maybeTexts[1]));
  // What was said of the first text does not stay under the second.
  assert.equal(await page.getByText('Marked as not an opt-out.').count(), 0);
  await eventually('the list label', async () => /Possible opt-out/.test(await maeRow().textContent()));
  // Another staff member dismisses it (the API, as their inbox does): this one follows.
  const c = await maeContact();
  const r = await staff('POST', `/api/crm/contacts/${c.id}/possible-opt-out`, { messageId: c.possibleOptOutMessageId, decision: 'dismiss' });
  assert.equal(r.status, 200, JSON.stringify(r.data));
  await maybeBanner().waitFor({ state: 'hidden' });
  await eventually('the list label to go', async () => !/Possible opt-out/.test(await maeRow().textContent()));
  assert.equal(await composer().isEnabled(), true);
  assert.equal(reloaded, false);
});

test('a failed decision is shown; one overtaken by a newer text says it was already decided and shows the newer', async () => {
  await simSms(mae.e164, maybeTexts[2]);
  await maybeBanner().waitFor();
  await eventually('the banner to quote the third text', () => quotes(maybeTexts[2]));
  // The server fails: the error is said, the banner stays for another try.
  await page.route('**/possible-opt-out', (route) => route.fulfill({ status: 503, contentType: 'application/json',
    body: JSON.stringify({ success: false, error: { code: 'unavailable', message: 'The database is not reachable.' } }) }));
  await maybeButton('Opt them out').click();
  await page.getByRole('alert').filter({ hasText: 'The database is not reachable.' }).waitFor();
  assert.ok(await maybeBanner().isVisible());
  assert.equal(await maybeButton('Opt them out').isEnabled(), true);
  await page.unroute('**/possible-opt-out');
  // The customer texts again while staff decide: the decision names the text staff saw, which
  // no longer waits (409 not_pending).
  let answered = null;
  await page.route('**/possible-opt-out', async (route) => {
    await simSms(mae.e164, maybeTexts[3]);
    await eventually('the newer text to be marked', async () => (await maeContact()).possibleOptOutMessageId !== JSON.parse(route.request().postData()).messageId);
    const res = await route.fetch();
    answered = res.status();
    await route.fulfill({ response: res });
  });
  await maybeButton('Not an opt-out').click();
  await page.getByRole('status').filter({ hasText: 'That text was already decided.' }).waitFor();
  await page.unroute('**/possible-opt-out');
  assert.equal(answered, 409);
  await eventually('the banner to quote the newest text', () => quotes(maybeTexts[3]));
  assert.equal(await page.getByRole('alert').filter({ hasText: 'The database is not reachable.' }).count(), 0, 'the old error is gone');
  const c = await maeContact();
  assert.equal(c.possibleOptOutMessageId, Number(await bubble(maybeTexts[3]).getAttribute('data-id')), 'nothing was decided');
});

test('at 360 px the banner\'s buttons are on screen, nothing scrolls sideways', async () => {
  await page.setViewportSize(PHONE_VIEW);
  await maybeBanner().waitFor();
  for (const name of ['Opt them out', 'Not an opt-out']) await onScreen(maybeButton(name), `${name} (360 px)`);
  await onScreen(maybeBanner(), 'the banner (360 px)');
  await noSideScroll('the thread with the banner (360 px)');
  assert.ok(await composer().isVisible(), 'the composer is still on screen');
  await page.screenshot({ path: path.join(artifacts, 'inbox-possible-opt-out-360.png') });
  await page.setViewportSize(DESKTOP);
});

test('"Opt them out" closes the composer with the opted-out reason; the list says Opted out', async () => {
  await maybeButton('Opt them out').click();
  await maybeBanner().waitFor({ state: 'hidden' });
  await eventually('the composer to close', async () => !(await composer().isEnabled()));
  assert.match(await page.locator('#compose-reason').textContent(), /opted out of texts/);
  assert.equal(await page.getByRole('button', { name: 'Send', exact: true }).isEnabled(), false);
  await eventually('the list to say opted out', async () => {
    const t = await maeRow().textContent();
    return /Opted out/.test(t) && !/Possible opt-out/.test(t);
  });
  const c = await maeContact();
  assert.deepEqual([c.smsOptIn, c.possibleOptOutMessageId, !!c.optedOutAt], [false, null, true]);
  // The one confirmation goes out (deploy/worker) and shows in the thread.
  await thread().getByRole('listitem').filter({ hasText: /unsubscribed/i }).waitFor({ timeout: 10000 });
  await page.screenshot({ path: path.join(artifacts, 'inbox-possible-opt-out-confirmed-desktop.png') });
});

test('a campaign names the possible opt-out it skipped', async () => {
  const tag = `maybe-${stamp}`;
  const phone = `+170855501${suffix}`;
  const made = await staff('POST', '/api/crm/contacts', { firstName: 'Mia', lastName: `Maybe${stamp}`, phone, smsOptIn: true, tags: [tag] });
  assert.equal(made.status, 201, JSON.stringify(made.data));
  await simSms(phone, `Thanks but stop with the promos, I only want the club ones (${stamp})`);
  await eventually('the text to be marked', async () =>
    (await staff('GET', `/api/crm/contacts/${made.data.contact.id}`)).data.contact.possibleOptOutMessageId != null);
  const name = `Maybe skipped ${stamp}`;
  const r = await staff('POST', '/api/crm/sms/campaigns', { name, body: `Friday's event: 6 pm (${stamp})`, filter: { tags: [tag] } });
  assert.equal(r.status, 201, JSON.stringify(r.data));
  await page.getByRole('button', { name: 'Campaigns' }).click();
  await page.getByRole('list', { name: 'Campaigns' }).getByRole('button', { name: new RegExp(name) }).click();
  const pane = campPane(name);
  await eventually('the campaign to complete', async () => (await pane.locator('.camp-state').textContent()) === 'Completed', 15000);
  await eventually('the count of possible opt-outs', async () =>
    (await pane.locator('dl[aria-label="Skipped because"] dt:text-is("Possible opt-out") + dd').textContent()) === '1');
  await eventually('the recipient\'s reason', async () =>
    /Skipped.*Possible opt-out/.test(await pane.getByRole('list', { name: 'Recipients' }).getByRole('listitem').filter({ hasText: 'Mia' }).textContent()));
  await page.getByRole('button', { name: 'Conversations' }).click();
});

test('the owner adds an agent in People; the agent signs in, sees no campaigns and deletes no contact', async () => {
  const email = `agent-${stamp}@example.com`;
  await page.getByRole('button', { name: 'People' }).click();
  const form = page.getByRole('form', { name: 'Add a person' });
  await form.getByLabel('Email', { exact: true }).fill(email);
  await form.getByLabel('Name').fill('Agnes Agent');
  await form.getByLabel('Role').selectOption('agent');
  await form.getByRole('button', { name: 'Add person' }).click();
  const password = await page.locator('.one-time-password').textContent();
  assert.equal(password.length, 20);
  await page.getByRole('list', { name: 'People' }).getByText(email).waitFor();
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    const tab = await context.newPage();
    tab.setDefaultTimeout(10000);
    await tab.goto(new URL('/inbox/', url).href);
    await tab.getByLabel('Email', { exact: true }).fill(email);
    await tab.getByLabel('Password').fill(password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('list', { name: 'Conversations' }).waitFor();
    assert.match(await tab.getByRole('button', { name: 'Sign out' }).textContent(), /Agnes Agent/);
    assert.equal(await tab.getByRole('button', { name: 'Campaigns' }).isVisible(), false);
    assert.equal(await tab.getByRole('button', { name: 'People' }).isVisible(), false);
    assert.equal(await tab.getByRole('button', { name: 'Reports' }).isVisible(), false);
    await tab.getByRole('button', { name: 'Contacts' }).click();
    await tab.getByRole('list', { name: 'Contacts' }).getByRole('button').first().click();
    await tab.getByRole('button', { name: 'Save' }).waitFor();
    assert.equal(await tab.getByRole('button', { name: 'Delete' }).count(), 0);
    assert.equal(await tab.getByRole('button', { name: 'Import CSV' }).isVisible(), false);
    assert.equal(await tab.getByRole('link', { name: 'Export CSV' }).isVisible(), false);
  } finally {
    await context.close();
  }
  // The owner disables them from their row.
  await page.getByRole('button', { name: 'Disable Agnes Agent' }).click();
  await page.getByRole('button', { name: 'Enable Agnes Agent' }).waitFor();
  const people = await staff('GET', '/api/crm/people');
  assert.ok(people.data.people.find((p) => p.email === email).disabledAt);
  await page.getByRole('button', { name: 'Conversations' }).click();
});

test('an agent takes a conversation by replying; everyone sees it live; closing and a new text move it between views', async () => {
  const eve = { e164: `+120655501${suffix}` };
  // The owner's browser has allowed notifications; what it would show is recorded.
  await page.addInitScript(() => {
    window.told = [];
    window.Notification = class {
      constructor(title) { window.told.push(title); }
      static get permission() { return 'granted'; }
      static requestPermission() { return Promise.resolve('granted'); }
    };
  });
  await page.reload();
  await convList().waitFor();
  const added = await staff('POST', '/api/crm/people', { email: `abe-${stamp}@example.com`, name: 'Abe Agent', role: 'agent' });
  assert.equal(added.status, 201);
  await simSms(eve.e164, `Can someone help with my order? (${stamp})`);
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    const tab = await context.newPage();
    tab.setDefaultTimeout(10000);
    await tab.goto(new URL('/inbox/', url).href);
    await tab.getByLabel('Email', { exact: true }).fill(`abe-${stamp}@example.com`);
    await tab.getByLabel('Password').fill(added.data.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    const list = tab.getByRole('list', { name: 'Conversations' });
    const row = () => list.getByRole('button', { name: new RegExp(fmt(eve.e164).replace(/[()]/g, '\\$&')) });
    const views = tab.getByRole('group', { name: 'Whose conversations' });
    await list.waitFor();
    await views.getByRole('button', { name: /^Mine 0$/ }).waitFor();
    // Unassigned: the new text is there; the agent replies, and it is theirs.
    await views.getByRole('button', { name: /^Unassigned/ }).click();
    await row().click();
    const box = tab.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill(`I can help, Abe here (${stamp})`);
    await box.press('Enter');
    await tab.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'Abe here' }).filter({ hasText: 'by Abe Agent' }).waitFor();
    await eventually('the thread to say whose it is', async () =>
      (await tab.getByLabel('Assigned to').locator('option:checked').textContent()) === 'Abe Agent (you)');
    await eventually('it to leave Unassigned', async () => (await row().count()) === 0);
    await views.getByRole('button', { name: /^Mine 1$/ }).click();
    await row().waitFor();
    // The owner's inbox hears of it without a reload.
    await eventually('the owner to see the assignee', async () =>
      /Abe Agent/.test(await conv(fmt(eve.e164)).textContent()), 8000);
    // A note that mentions the owner: in the thread in its own style, never sent; the owner is
    // told, and the tab's title counts it until they open the conversation.
    await tab.getByLabel('Internal note').fill(`@local owner can you check their order? (${stamp})`);
    await tab.getByRole('button', { name: 'Add note' }).click();
    const note = tab.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'check their order' });
    await note.waitFor();
    assert.equal(await note.getAttribute('class'), 'note');
    assert.match(await note.textContent(), /Note.*by Abe Agent/);
    await tab.screenshot({ path: path.join(artifacts, 'inbox-team.png') });
    await eventually('the owner to be told', async () =>
      (await page.evaluate(() => window.told)).includes('Abe Agent mentioned you in a note'), 8000);
    await eventually('the owner\'s title to count it', async () => /^\(\d+\) Inbox/.test(await page.title()));
    const sent = await staff('GET', `/api/crm/sms/messages?phoneNumber=${encodeURIComponent(eve.e164)}`);
    assert.ok(!sent.data.messages.some((m) => m.body.includes('check their order')), 'a note is never sent');
    await conv(fmt(eve.e164)).click();
    await bubble('check their order').waitFor();
    await eventually('the mention to be seen', async () =>
      (await staff('GET', '/api/crm/mentions')).data.mentions.length === 0);
    // Both look at it now: each sees the other there.
    await tab.getByText('Local owner is also looking at this conversation').waitFor({ timeout: 8000 });
    await page.getByText('Abe Agent is also looking at this conversation').waitFor({ timeout: 8000 });
    // A reply that lands while Abe writes his is shown to him before his goes.
    const abeThread = tab.getByRole('list', { name: 'Messages' }).getByRole('listitem');
    await box.fill(`We will ship it Monday (${stamp})`);
    await composer().fill(`Owner here: it shipped today (${stamp})`);
    await composer().press('Enter');
    await abeThread.filter({ hasText: 'it shipped today' }).waitFor();
    await box.press('Enter');
    await tab.getByRole('alert').filter({ hasText: 'A new message came in while you were writing' }).waitFor();
    assert.equal(await box.inputValue(), `We will ship it Monday (${stamp})`);
    assert.equal(await abeThread.filter({ hasText: 'ship it Monday' }).count(), 0);
    await box.press('Enter');
    await abeThread.filter({ hasText: 'ship it Monday' }).waitFor();
    // Closed: out of the open lists, in both inboxes.
    await tab.getByRole('button', { name: 'Close', exact: true }).click();
    await tab.getByRole('button', { name: 'Reopen' }).waitFor();
    await eventually('it to leave Mine', async () => (await row().count()) === 0);
    await eventually('the owner to see it closed', async () => (await conv(fmt(eve.e164)).count()) === 0, 8000);
    const status = tab.getByRole('region', { name: 'Conversation list' }).getByLabel('Status');
    await status.selectOption('closed');
    await row().waitFor();
    // Their next text opens it again, still Abe's.
    await status.selectOption('open');
    await simSms(eve.e164, `Thanks! One more thing (${stamp})`);
    await row().waitFor({ timeout: 8000 });
    assert.match(await row().textContent(), /Abe Agent/);
    await conv(fmt(eve.e164)).waitFor({ timeout: 8000 });
    assert.deepEqual(await unnamed(tab), []);
  } finally {
    await context.close();
  }
});

test('email alerts are chosen in the bar; an alert\'s link opens its conversation', async () => {
  await page.getByRole('button', { name: 'Email alerts', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Email alerts' });
  await panel.getByLabel('Email me when a text has waited').selectOption('10');
  await panel.getByLabel('Which texts').selectOption('mine_and_unassigned');
  await panel.getByLabel('Put the text in the email').check();
  await panel.getByRole('button', { name: 'Save email alerts' }).click();
  await panel.getByText('Saved.').waitFor();
  const saved = await staff('GET', '/api/auth/notifications');
  assert.deepEqual(saved.data.notifications, { emailAfterMinutes: 10, scope: 'mine_and_unassigned', includeBody: true });
  await panel.getByLabel('Email me when a text has waited').selectOption('');
  await panel.getByRole('button', { name: 'Save email alerts' }).click();
  await eventually('email alerts off', async () =>
    (await staff('GET', '/api/auth/notifications')).data.notifications.emailAfterMinutes === null);
  await page.getByRole('button', { name: 'Email alerts', exact: true }).click();
  assert.equal(await panel.isVisible(), false);
  // /inbox/#contact=ID, as an alert links it, opened afresh.
  const bobs = (await staff('GET', `/api/crm/sms/messages?phoneNumber=${encodeURIComponent(bob.e164)}&limit=1`)).data.messages[0];
  await page.goto('about:blank');
  await page.goto(new URL(`/inbox/#contact=${bobs.contactId}`, url).href);
  await bubble('please call me').waitFor();
  assert.equal(await page.locator('#thread-title').textContent(), fmt(bob.e164));
});

test('sign out ends the session; signing in again starts afresh', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Password').waitFor();
  // Ended on the server: a reload does not sign in again.
  await eventually('the session to end', async () =>
    !(await page.context().cookies()).some((c) => c.name === 'textus_session'));
  await page.reload();
  await page.getByLabel('Password').waitFor();
  await signInAs(page, stack.owner.password);
  await conv(fmt(bob.e164)).waitFor();
  await page.getByRole('button', { name: 'Contacts' }).click();
  await page.getByRole('list', { name: 'Contacts' }).getByRole('button').first().waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Password').waitFor();
});

test('the pages keep to the Content-Security-Policy', () => {
  assert.deepEqual(cspViolations, []);
});
