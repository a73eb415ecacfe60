// The inbox is written against the staff channel's events (common/live/staff_events): it handles
// every type the server makes, and no type the server never makes.
//   node --test tests/widget/
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const server = fs.readFileSync(path.join(root, 'common', 'live', 'staff_events.cpp'), 'utf8');
const inbox = fs.readFileSync(path.join(root, 'nginx', 'www', 'inbox', 'live.js'), 'utf8');

const made = new Set([...server.matchAll(/\{"type", "([a-z_]+)"\}/g)].map((m) => m[1]));
const handled = new Set([...inbox.matchAll(/ev\.type === '([a-z_]+)'/g)].map((m) => m[1]));

test('the server makes staff events', () => {
  assert.ok(made.size > 0);
});

test('the inbox handles every staff event the server makes', () => {
  assert.deepStrictEqual([...made].filter((type) => !handled.has(type)), []);
});

test('the inbox handles no event the server never makes', () => {
  assert.deepStrictEqual([...handled].filter((type) => !made.has(type)), []);
});
