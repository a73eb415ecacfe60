// The segment counter (nginx/www/segments.js, shared by the widget and the inbox) and the
// widget's form checks, without a browser:
//   node --test tests/widget/
// The counter must agree with the server's (common/core/segments.cpp) on every shared case.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');

const www = path.join(__dirname, '..', '..', 'nginx', 'www');
const { segments } = require(path.join(www, 'segments.js'));
const { validate } = require(path.join(www, 'widget.js'));
const cases = require(path.join(__dirname, '..', 'segments_cases.json'));

test('the shared cases are there', () => {
  assert.ok(cases.length > 0);
});

for (const c of cases) {
  test(`segments: ${c.name}`, () => {
    assert.deepStrictEqual(segments(c.body),
      { encoding: c.encoding, characters: c.characters, segments: c.segments });
  });
}

const good = {
  firstName: 'Ann', lastName: 'Lee', phoneNumber: '(760) 555-0142', email: '', birthdate: '',
  message: 'Are you open today?', consent: true,
};
const check = (changes) => validate(Object.assign({}, good, changes), '2026-11-24');

test('validate: a complete form passes', () => {
  assert.deepStrictEqual(check({}), {});
  assert.deepStrictEqual(check({ email: 'ann@example.com', birthdate: '1990-02-28', phoneNumber: '+1 760.555.0142' }), {});
  assert.deepStrictEqual(check({ birthdate: '2026-11-24', firstName: 'a'.repeat(100), message: 'm'.repeat(1000) }), {});
});

test('validate: each rule names its field', () => {
  assert.deepStrictEqual(Object.keys(check({ firstName: '', lastName: '', message: '', consent: false, phoneNumber: '' })),
    ['firstName', 'lastName', 'phoneNumber', 'message', 'consent']);
  assert.ok(check({ firstName: 'a'.repeat(101) }).firstName);
  assert.ok(check({ lastName: 'a'.repeat(101) }).lastName);
  assert.ok(check({ message: 'm'.repeat(1001) }).message);
  assert.ok(check({ phoneNumber: '555-0142' }).phoneNumber, 'fewer than 10 digits');
  assert.ok(check({ phoneNumber: '760 555 O142' }).phoneNumber, 'a letter');
  for (const email of ['ann', 'ann@example', 'a@b@c.com', 'ann @example.com', `${'a'.repeat(250)}@b.co`]) {
    assert.ok(check({ email }).email, email);
  }
  for (const birthdate of ['2026-11-25', '1990-02-30', '1990-2-3', '02/03/1990']) {
    assert.ok(check({ birthdate }).birthdate, birthdate);
  }
});

test('validate: a message may hold tabs and line breaks, no other control character', () => {
  assert.deepStrictEqual(check({ message: 'a\tb\r\nc' }), {});
  for (const message of ['a\u0000b', 'a\u000Cb', 'a\u007Fb', 'a\u0085b']) {
    assert.ok(check({ message }).message, JSON.stringify(message));
  }
});
