// The widget's languages and its age check, without a browser:
//   node --test tests/widget/
// One table per language with the same words (nginx/www/widget.js STRINGS), the page's lang
// or the script's data-lang choosing it, and the age gate counted as the server counts it
// (common/consent/age_gate.cpp).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');

const { validate, ofAge, pickLanguage, STRINGS } = require(path.join(__dirname, '..', '..', 'nginx', 'www', 'widget.js'));

test('every language has every word English has, and no other', () => {
  const keys = (table) => Object.keys(table).sort();
  for (const lang of Object.keys(STRINGS)) {
    assert.deepStrictEqual(keys(STRINGS[lang]), keys(STRINGS.en), lang);
    assert.deepStrictEqual(keys(STRINGS[lang].status), keys(STRINGS.en.status), lang);
    for (const [key, word] of Object.entries(STRINGS[lang])) {
      assert.ok(typeof word === 'function' || (typeof word === 'object' ? Object.values(word).every(Boolean) : word), `${lang}.${key}`);
    }
  }
});

test('the language: data-lang wins over the page\'s lang; a language without a table is English', () => {
  assert.strictEqual(pickLanguage(null, 'es'), 'es');
  assert.strictEqual(pickLanguage('', 'es-MX'), 'es');
  assert.strictEqual(pickLanguage(null, 'ES_mx'), 'es');
  assert.strictEqual(pickLanguage('es', 'en'), 'es');
  assert.strictEqual(pickLanguage('en', 'es'), 'en');
  assert.strictEqual(pickLanguage('fr', 'es'), 'en');
  assert.strictEqual(pickLanguage(null, 'fr-CA'), 'en');
  assert.strictEqual(pickLanguage(null, ''), 'en');
  assert.strictEqual(pickLanguage(null, undefined), 'en');
  assert.strictEqual(pickLanguage('es<script>', ''), 'en');
  assert.strictEqual(pickLanguage(null, 'constructor'), 'en');
  assert.strictEqual(pickLanguage(null, '__proto__'), 'en');
});

test('the form\'s checks speak the table\'s language', () => {
  const empty = { firstName: '', lastName: '', phoneNumber: '', email: '', birthdate: '', message: '', consent: false };
  const es = validate(empty, '2026-11-24', STRINGS.es);
  assert.strictEqual(es.firstName, 'Escribe tu nombre.');
  assert.strictEqual(es.consent, STRINGS.es.noConsent);
  assert.strictEqual(validate(empty, '2026-11-24').firstName, 'Please enter your first name.');
});

test('of age from the birthday on, 29 February in a common year counting from 1 March', () => {
  assert.strictEqual(ofAge('2005-06-15', '2026-06-15', 21), true);
  assert.strictEqual(ofAge('2005-06-16', '2026-06-15', 21), false);
  assert.strictEqual(ofAge('2005-01-01', '2025-12-31', 21), false);
  assert.strictEqual(ofAge('2004-02-29', '2025-02-28', 21), false);
  assert.strictEqual(ofAge('2004-02-29', '2025-03-01', 21), true);
  assert.strictEqual(ofAge('2000-02-29', '2024-02-29', 24), true);
  assert.strictEqual(ofAge('2005-02-30', '2026-06-15', 21), false, 'no such day');
  assert.strictEqual(ofAge('tomorrow', '2026-06-15', 21), false);
  assert.strictEqual(ofAge('', '2026-06-15', 21), false);
});
