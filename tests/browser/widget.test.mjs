// The "Text us" widget in a real browser against a real local stack:
//   TEXTUS_BIN_DIR=build/bin node --test tests/browser/
// (ctest's `browser` test sets TEXTUS_BIN_DIR and TEXTUS_ARTIFACTS.) It starts its own stack
// with deploy/up in a fresh state directory on free ports, drives Debian's headless Chromium
// (/usr/bin/chromium) with playwright-core, which never downloads a browser, and stops the
// stack with deploy/down afterwards, failure or not. Controls are found by their labels and
// roles, as a visitor (or a screen reader) finds them, never by CSS classes.
// Screenshots go to $TEXTUS_ARTIFACTS (default: a new temp dir; the path is printed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  run, repo, PHONE_VIEW, artifacts, eventually, startStack, stopStack, openBrowser,
} from './harness.mjs';

// The text of a field's error line (its aria-describedby), whether that line is the element
// right after the field and sits just below it, and the field's aria-invalid.
function fieldError(locator) {
  return locator.evaluate((el) => {
    const err = document.getElementById(el.getAttribute('aria-describedby'));
    const a = el.getBoundingClientRect();
    const b = err ? err.getBoundingClientRect() : null;
    return {
      invalid: el.getAttribute('aria-invalid'),
      message: err ? err.textContent : null,
      adjacent: !!err && el.nextElementSibling === err,
      below: !!b && b.top >= a.bottom - 1 && b.top - a.bottom < 40 && Math.abs(b.left - a.left) < 40,
      focused: document.activeElement === el,
    };
  });
}

// ---- the stack and the browser ----

let stack = null;
let env = null;
let url = null;
let browser = null;
let page = null;
let cspViolations = []; // what the Content-Security-Policy refused (harness.mjs)
let server = null; // GET /api/twilio/initiate as the server answers it

// The visitor: a fresh number each run, so reruns against one database never collide.
const phoneDigits = String(Math.floor(Math.random() * 10000)).padStart(4, '0');
const phone = `+1 619 555 ${phoneDigits}`;
const e164 = `+1619555${phoneDigits}`;
const stamp = Date.now().toString(36);
const firstMessage = `Do you have the 2022 Tempranillo in stock? (${stamp})`;
const smsReply = `Texted from my phone (${stamp})`;
const beforeCode = `Sent before the code (${stamp})`;
const composed = `Typed in the composer (${stamp})`;
const staffReply = `Yes, we have six bottles left (${stamp})`;
let staffKey = null;

before(async () => {
  stack = await startStack('widget');
  ({ env, url, staffKey } = stack);
  server = await (await fetch(new URL('/api/twilio/initiate', url))).json();
  assert.ok(server.success && server.businessName && server.consentText, JSON.stringify(server));
  ({ browser, page, cspViolations } = await openBrowser());
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  await stopStack(stack);
});

// ---- the visitor's path, in order (each step starts where the last one left the page) ----

// The code in the latest code text the local Twilio simulator (deploy/up: port + 2) took for `to`.
async function codeTextedTo(to) {
  const r = await fetch(`http://127.0.0.1:${stack.port + 2}/sim/requests`);
  const { requests } = await r.json();
  const codes = requests
    .filter((q) => q.method === 'POST' && q.path.endsWith('/Messages.json') && q.form.To?.[0] === to)
    .map((q) => /code is (\d{6})/.exec(q.form.Body[0]))
    .filter(Boolean);
  assert.ok(codes.length, `no code texted to ${to}`);
  return codes[codes.length - 1][1];
}

const launcher = () => page.getByRole('button', { name: /^Text us/ });
const thread = () => page.getByRole('list', { name: 'Conversation' });
const bubbles = (text) => thread().getByRole('listitem').filter({ hasText: text });

test('"Text us" opens the form with the business name and the consent text', async () => {
  await page.goto(new URL('demo.html', url).href);
  await launcher().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: `Text ${server.businessName}` }).waitFor();
  // The consent text is the checkbox's label, exactly as the server serves it.
  await page.getByRole('checkbox', { name: server.consentText, exact: true }).waitFor();
  await page.getByRole('textbox', { name: 'First name' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send' }).isEnabled(), true);
});

test('errors show next to their fields: the browser\'s checks and the server\'s', async () => {
  await page.getByRole('textbox', { name: 'First name' }).fill('Ann');
  await page.getByRole('textbox', { name: 'Last name' }).fill('Lee');
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(firstMessage);
  await page.getByRole('checkbox', { name: server.consentText, exact: true }).check();

  // The browser's check: a bad email.
  const email = page.getByRole('textbox', { name: 'Email' });
  const phoneBox = page.getByRole('textbox', { name: 'Mobile phone' });
  await phoneBox.fill(phone);
  await email.fill('ann@example');
  await page.getByRole('button', { name: 'Send' }).click();
  let e = await fieldError(email);
  assert.match(e.message, /email address/);
  assert.deepEqual([e.invalid, e.adjacent, e.below, e.focused], ['true', true, true, true]);
  assert.equal((await fieldError(phoneBox)).invalid, null);

  // The server's check: +1 555 010 0000 has enough digits for the browser, but no US number
  // has area code 555, and libphonenumber (common/core/phone.cpp) refuses it.
  await email.fill('');
  await phoneBox.fill('+1 555 0100 000');
  await page.getByRole('button', { name: 'Send' }).click();
  e = await eventually('the server\'s phone error', async () => {
    const r = await fieldError(phoneBox);
    return r.message ? r : null;
  });
  assert.match(e.message, /Phone number must be a valid number/);
  assert.deepEqual([e.invalid, e.adjacent, e.below, e.focused], ['true', true, true, true]);
  assert.equal((await fieldError(email)).invalid, null, 'the email error cleared');
});

const codeBox = () => page.getByRole('textbox', { name: 'Code from our text' });

test('a complete form opens the thread with the visitor\'s first message and asks for the code', async () => {
  await page.getByRole('textbox', { name: 'Mobile phone' }).fill(phone);
  await page.getByRole('button', { name: 'Send' }).click();
  await bubbles(firstMessage).waitFor();
  assert.equal(await bubbles(firstMessage).count(), 1);
  await codeBox().waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'textus-code');
  // The text with the code went to the phone, not to the page.
  const code = await codeTextedTo(e164);
  assert.equal(await bubbles(code).count(), 0);
  // Only the channel is kept in the browser, never the phone number.
  const kept = await page.evaluate(() => localStorage.getItem('textus.chat'));
  assert.match(kept, /"channel":"[A-Za-z0-9_-]{43}"/);
  assert.ok(!kept.includes(phoneDigits), kept);
});

test('until the code is typed, the phone\'s texts stay out of the page', async () => {
  await run(path.join(repo, 'deploy', 'sim-sms'), [e164, beforeCode], { env, cwd: repo, timeout: 20000 });
  await page.waitForTimeout(1500);
  assert.equal(await bubbles(beforeCode).count(), 0);
});

test('a wrong code is refused beside the field; the right one opens the phone\'s side', async () => {
  const code = await codeTextedTo(e164);
  await codeBox().fill(code === '000000' ? '000001' : '000000');
  await page.getByRole('button', { name: 'Confirm' }).click();
  const e = await eventually('the wrong code\'s error', async () => {
    const r = await fieldError(codeBox());
    return r.message ? r : null;
  });
  assert.match(e.message, /not the code we texted; 4 tries left/);
  assert.equal(e.invalid, 'true');
  await codeBox().fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await bubbles(beforeCode).waitFor({ timeout: 5000 });
  // Our text with the code is the business's, not the visitor's.
  await bubbles(`${server.businessName}: Hi Ann`).waitFor();
  assert.equal(await codeBox().count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'textus-compose');
});

test('an SMS from the visitor\'s phone shows in the thread without a reload', async () => {
  let reloaded = false;
  page.once('load', () => { reloaded = true; });
  await run(path.join(repo, 'deploy', 'sim-sms'), [e164, smsReply], { env, cwd: repo, timeout: 20000 });
  await bubbles(smsReply).waitFor({ timeout: 5000 });
  assert.equal(reloaded, false);
  assert.equal(await bubbles(smsReply).count(), 1);
});

test('a staff reply shows in the thread as the business\'s', async () => {
  const r = await fetch(new URL('/api/crm/sms/send', url), {
    method: 'POST',
    headers: { Authorization: `Bearer ${staffKey}`, 'Content-Type': 'application/json', 'Idempotency-Key': `browser-${stamp}` },
    body: JSON.stringify({ to: e164, body: staffReply }),
  });
  assert.equal(r.status, 201, await r.text());
  // Screen readers hear who wrote each message: the business's name, not "You".
  await bubbles(`${server.businessName}: ${staffReply}`).waitFor({ timeout: 5000 });
  assert.equal(await bubbles(staffReply).count(), 1);
});

test('Enter in the composer sends once, and the message is stored', async () => {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(composed);
  // The counter is segments.js, which widget.js loads next to itself.
  const n = Array.from(composed).length;
  await eventually('the segment counter', async () =>
    (await page.locator('#textus-count').textContent()) === `${n} characters \u00B7 1 segment (GSM-7)`);
  await box.press('Enter');
  await bubbles(composed).waitFor();
  // The post's answer and the live event both carry it: still one bubble after the event.
  await page.waitForTimeout(1500);
  assert.equal(await bubbles(composed).count(), 1);
  assert.equal(await box.inputValue(), '');

  const stored = await page.evaluate(async () => {
    const { channel } = JSON.parse(localStorage.getItem('textus.chat'));
    const r = await fetch(`/api/chat/${encodeURIComponent(channel)}/messages`, { cache: 'no-store' });
    return { status: r.status, data: await r.json() };
  });
  assert.equal(stored.status, 200);
  const mine = stored.data.messages.filter((m) => m.body === composed);
  assert.equal(mine.length, 1, JSON.stringify(stored.data.messages));
  assert.equal(mine[0].direction, 'inbound');
  await page.screenshot({ path: path.join(artifacts, 'widget-thread-desktop.png') });
});

test('a reload shows the thread again', async () => {
  await page.reload();
  // The panel is closed: wait for the reloaded history inside it.
  await page.getByRole('list', { name: 'Conversation', includeHidden: true })
    .getByRole('listitem', { includeHidden: true }).filter({ hasText: composed }).waitFor({ state: 'attached' });
  await page.waitForTimeout(500); // the first long-poll may replay nchan's buffer: nothing is new
  assert.equal(await launcher().textContent(), 'Text us', 'no "new messages" badge for old ones');
  await launcher().click();
  for (const text of [firstMessage, smsReply, staffReply, composed]) {
    await bubbles(text).waitFor();
    assert.equal(await bubbles(text).count(), 1, text);
  }
  await page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
});

test('at 360 px wide the open panel causes no horizontal scroll', async () => {
  await page.setViewportSize(PHONE_VIEW);
  await thread().waitFor();
  await page.waitForTimeout(200); // one layout after the resize
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: path.join(artifacts, 'widget-thread-360.png') });
  assert.ok(width <= PHONE_VIEW.width, `scrollWidth ${width} > ${PHONE_VIEW.width}`);
});

test('at 360 px wide the open form causes no horizontal scroll either', async () => {
  // A new visitor (nothing in localStorage) on a phone-sized screen.
  const context = await browser.newContext({ viewport: PHONE_VIEW });
  try {
    const fresh = await context.newPage();
    await fresh.goto(new URL('demo.html', url).href);
    await fresh.getByRole('button', { name: /^Text us/ }).click();
    await fresh.getByRole('checkbox', { name: server.consentText, exact: true }).waitFor();
    await fresh.getByRole('button', { name: 'Send' }).click(); // every error line showing
    assert.equal(await fresh.getByRole('textbox', { name: 'First name' }).getAttribute('aria-invalid'), 'true');
    const width = await fresh.evaluate(() => document.documentElement.scrollWidth);
    await fresh.screenshot({ path: path.join(artifacts, 'widget-form-360.png') });
    assert.ok(width <= PHONE_VIEW.width, `scrollWidth ${width} > ${PHONE_VIEW.width}`);
  } finally {
    await context.close();
  }
});

test('at 360 px wide the code step causes no horizontal scroll, and a reload asks again', async () => {
  const context = await browser.newContext({ viewport: PHONE_VIEW });
  try {
    const fresh = await context.newPage();
    const digits = String(Math.floor(Math.random() * 10000)).padStart(4, '0');
    await fresh.goto(new URL('demo.html', url).href);
    await fresh.getByRole('button', { name: /^Text us/ }).click();
    await fresh.getByRole('textbox', { name: 'First name' }).fill('Bea');
    await fresh.getByRole('textbox', { name: 'Last name' }).fill('Ortiz');
    await fresh.getByRole('textbox', { name: 'Mobile phone' }).fill(`+1 619 555 ${digits}`);
    await fresh.getByRole('textbox', { name: 'Message', exact: true }).fill(`A phone-sized question (${stamp})`);
    await fresh.getByRole('checkbox', { name: server.consentText, exact: true }).check();
    await fresh.getByRole('button', { name: 'Send' }).click();
    const box = fresh.getByRole('textbox', { name: 'Code from our text' });
    await box.waitFor();
    const width = await fresh.evaluate(() => document.documentElement.scrollWidth);
    await fresh.screenshot({ path: path.join(artifacts, 'widget-code-360.png') });
    assert.ok(width <= PHONE_VIEW.width, `scrollWidth ${width} > ${PHONE_VIEW.width}`);
    const inView = await box.evaluate((el) => el.getBoundingClientRect().right <= window.innerWidth);
    assert.ok(inView, 'the code field fits the screen');
    // A reload before the code: the page still asks for it.
    await fresh.reload();
    await fresh.getByRole('button', { name: /^Text us/ }).click();
    await fresh.getByRole('textbox', { name: 'Code from our text' }).waitFor();
  } finally {
    await context.close();
  }
});

// ---- the widget in Spanish, and the age gate ----

// A page of the stack's site that embeds the widget as `head` says (served by the browser's
// router: the widget loads from nginx as on any page).
async function pageWith(context, name, htmlAttrs, scriptAttrs = '') {
  const fresh = await context.newPage();
  fresh.setDefaultTimeout(10000);
  fresh.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  const address = new URL(name, url).href;
  await fresh.route(address, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html ${htmlAttrs}><head><meta charset="utf-8"><title>${name}</title>` +
      `<script src="/widget.js" ${scriptAttrs} defer></script></head><body><p>Bodega</p></body></html>`,
  }));
  await fresh.goto(address);
  return fresh;
}

// Everything the Twilio simulator was asked to text `to`, oldest first.
async function textsTo(to) {
  const r = await fetch(`http://127.0.0.1:${stack.port + 2}/sim/requests`);
  const { requests } = await r.json();
  return requests.filter((q) => q.method === 'POST' && q.path.endsWith('/Messages.json') && q.form.To?.[0] === to)
    .map((q) => q.form.Body[0]);
}

// The contact with this E.164 phone, as staff read it.
async function contactOf(e164Phone) {
  const r = await fetch(new URL(`/api/crm/contacts?search=${encodeURIComponent(e164Phone)}`, url),
    { headers: { Authorization: `Bearer ${staffKey}` } });
  const { contacts } = await r.json();
  return contacts.find((c) => c.phone === e164Phone);
}

// deploy/handler restarts textus-initiate with these settings (none: the stack's own).
async function restartInitiate(...settings) {
  await run(path.join(repo, 'deploy', 'handler'), ['start', 'initiate', ...settings], { env, cwd: repo, timeout: 30000 });
  await eventually('textus-initiate back', async () =>
    (await fetch(new URL('/api/health/initiate', url))).status === 200, 15000);
}

test('a page in Spanish gets the widget, its consent and its first text in Spanish', async () => {
  const spanish = await (await fetch(new URL('/api/twilio/initiate?lang=es', url))).json();
  assert.equal(spanish.language, 'es');
  assert.notEqual(spanish.consentText, server.consentText);
  const context = await browser.newContext({ viewport: PHONE_VIEW });
  try {
    const es = await pageWith(context, 'pagina.html', 'lang="es-MX"');
    await es.getByRole('button', { name: /^Escríbenos/ }).click();
    await es.getByRole('heading', { name: `Escribe a ${server.businessName}` }).waitFor();
    await es.getByRole('checkbox', { name: spanish.consentText, exact: true }).waitFor();
    // The browser's own checks speak Spanish too.
    await es.getByRole('button', { name: 'Enviar' }).click();
    assert.equal(await fieldError(es.getByRole('textbox', { name: 'Nombre' })).then((e) => e.message), 'Escribe tu nombre.');
    const digits = String(Math.floor(Math.random() * 10000)).padStart(4, '0');
    const ana = `+1619555${digits}`;
    await es.getByRole('textbox', { name: 'Nombre' }).fill('Ana');
    await es.getByRole('textbox', { name: 'Apellido' }).fill('Ruiz');
    await es.getByRole('textbox', { name: 'Teléfono móvil' }).fill(`+1 619 555 ${digits}`);
    await es.getByRole('textbox', { name: 'Mensaje', exact: true }).fill(`¿Abren el domingo? (${stamp})`);
    await es.getByRole('checkbox', { name: spanish.consentText, exact: true }).check();
    await es.getByRole('button', { name: 'Enviar' }).click();
    const code = es.getByRole('textbox', { name: 'Código de nuestro mensaje' });
    await code.waitFor();
    await es.screenshot({ path: path.join(artifacts, 'widget-es-code-360.png') });
    const [sms] = await textsTo(ana);
    assert.match(sms, /^Hola Ana, gracias por escribir a .+\. Tu código es (\d{6})\. Te responderemos aquí\.\n\nResponde STOP para darte de baja\.$/);
    await code.fill(/código es (\d{6})/.exec(sms)[1]);
    await es.getByRole('button', { name: 'Confirmar' }).click();
    await es.getByRole('list', { name: 'Conversación' }).getByRole('listitem').filter({ hasText: 'Hola Ana' }).waitFor();
    // The consent event holds the Spanish text the page showed, and its language.
    const contact = await contactOf(ana);
    assert.equal(contact.language, 'es');
    assert.equal(contact.consent.text, spanish.consentText);
    assert.equal(contact.consent.language, 'es');
  } finally {
    await context.close();
  }
});

test('data-lang on the script tag wins over the page\'s lang', async () => {
  const context = await browser.newContext();
  try {
    const es = await pageWith(context, 'data-lang-es.html', 'lang="en"', 'data-lang="es"');
    await es.getByRole('button', { name: /^Escríbenos/ }).waitFor({ state: 'attached' });
    const en = await pageWith(context, 'data-lang-en.html', 'lang="es"', 'data-lang="en"');
    await en.getByRole('button', { name: /^Text us/ }).waitFor({ state: 'attached' });
    const unknown = await pageWith(context, 'lang-fr.html', 'lang="fr"');
    await unknown.getByRole('button', { name: /^Text us/ }).waitFor({ state: 'attached' });
  } finally {
    await context.close();
  }
});

test('the age gate: the date of birth first; under 21 refused, exactly 21 today let through', async () => {
  // A consent text with markup: the widget shows it as text, never as HTML.
  const marked = 'I agree <b>to texts</b><img src=x onerror="window.pwned=1">. Reply STOP to opt out.';
  await restartInitiate('AGE_GATE_YEARS=21', `CONSENT_TEXT=${marked}`);
  // The gate counts in the business's time zone (DEFAULT_TIME_ZONE, the stack's default), and
  // so does this browser.
  const timezoneId = 'America/New_York';
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezoneId }).format(new Date());
  const shift = (days) => {
    const d = new Date(`${today}T12:00:00Z`);
    d.setUTCFullYear(d.getUTCFullYear() - 21);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };
  const context = await browser.newContext({ viewport: PHONE_VIEW, timezoneId });
  try {
    const before = (await (await fetch(`http://127.0.0.1:${stack.port + 2}/sim/requests`)).json()).requests.length;
    const minor = await context.newPage();
    await minor.goto(new URL('demo.html', url).href);
    await minor.getByRole('button', { name: /^Text us/ }).click();
    const dob = minor.getByLabel('Date of birth');
    await dob.waitFor();
    assert.equal(await minor.getByRole('textbox', { name: 'First name' }).isVisible(), false);
    await minor.getByText('You must be 21 or older to text with us.').waitFor();
    await minor.getByRole('button', { name: 'Continue' }).click();
    assert.equal(await minor.locator('#textus-dob-err').textContent(), 'Please enter your full date of birth.');
    await dob.fill(shift(1)); // 21 tomorrow
    await minor.getByRole('button', { name: 'Continue' }).click();
    await minor.getByRole('alert').filter({ hasText: 'Sorry, you must be 21 or older to text with us.' }).waitFor();
    assert.equal(await minor.getByRole('textbox', { name: 'First name' }).isVisible(), false);
    await minor.screenshot({ path: path.join(artifacts, 'widget-age-refused-360.png') });
    const after = (await (await fetch(`http://127.0.0.1:${stack.port + 2}/sim/requests`)).json()).requests.length;
    assert.equal(after, before, 'nothing went to Twilio');

    const adult = await context.newPage();
    await adult.goto(new URL('demo.html', url).href);
    await adult.getByRole('button', { name: /^Text us/ }).click();
    await adult.getByLabel('Date of birth').fill(shift(0)); // 21 today
    await adult.getByRole('button', { name: 'Continue' }).click();
    await adult.getByRole('textbox', { name: 'First name' }).fill('Cam');
    // Asked once: the form's own birthdate field is not shown.
    assert.equal(await adult.getByLabel('Birthdate').isVisible(), false);
    const consent = adult.getByRole('checkbox', { name: marked, exact: true });
    await consent.waitFor();
    const markup = await adult.locator('label[for="textus-f-consent"]').evaluate((el) => ({
      elements: el.children.length, pwned: window.pwned === 1,
    }));
    assert.deepEqual(markup, { elements: 0, pwned: false });
    const digits = String(Math.floor(Math.random() * 10000)).padStart(4, '0');
    const cam = `+1619555${digits}`;
    await adult.getByRole('textbox', { name: 'Last name' }).fill('Diaz');
    await adult.getByRole('textbox', { name: 'Mobile phone' }).fill(`+1 619 555 ${digits}`);
    await adult.getByRole('textbox', { name: 'Message', exact: true }).fill(`A case of the Zinfandel? (${stamp})`);
    await consent.check();
    await adult.getByRole('button', { name: 'Send' }).click();
    await adult.getByRole('textbox', { name: 'Code from our text' }).waitFor();
    assert.equal((await textsTo(cam)).length, 1);
    assert.equal((await contactOf(cam)).birthdate, shift(0));
  } finally {
    await context.close();
    await restartInitiate();
  }
});

test('the pages keep to the Content-Security-Policy', () => {
  assert.deepEqual(cspViolations, []);
});
