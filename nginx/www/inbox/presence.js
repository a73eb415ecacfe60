/* Two people in one thread (docs/decisions.md, Two people in one thread): while a thread is
   open and the tab shows, the inbox says so every 20 s; the thread's head names the others who
   look at it, forgotten 45 s after they were last heard of. */
import { h } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api } from './api.js';

var BEAT_MS = 20000, FORGET_MS = 45000;
var beat = 0, looking = null;
var others = []; // [{id, name, at}] of the open thread

export function buildViewers() {
  E.viewers = h('p', { class: 'small viewers', 'aria-live': 'polite' });
  return E.viewers;
}

// The open thread is `contactId` (null: none).
export function lookAt(contactId) {
  clearInterval(beat);
  others = [];
  render();
  if (contactId == null && looking == null) return;
  looking = contactId;
  send();
  if (contactId != null) beat = setInterval(function () { if (!document.hidden) send(); }, BEAT_MS);
}
// Signed out: no more looks (the server forgets the last one on its own).
export function stopLooking() {
  clearInterval(beat);
  looking = null;
  others = [];
}
document.addEventListener('visibilitychange', function () { if (!document.hidden && looking != null) send(); });

function send() {
  var at = looking;
  api('POST', '/api/crm/presence', { contactId: at }).then(function (r) {
    if (at !== looking || at == null || r.status !== 200 || !r.data.success) return;
    heard(r.data.viewers);
  }, function () {});
}

// A `presence` event: who looks at a thread now.
export function presenceEvent(p) {
  if (!S.contact || p.contactId !== S.contact.id) return;
  heard(p.viewers.filter(function (v) { return !S.me || v.id !== S.me.id; }));
}

function heard(viewers) {
  var now = Date.now();
  others = viewers.map(function (v) { return { id: v.id, name: v.name, at: now }; });
  render();
}

function render() {
  if (!E.viewers) return;
  var now = Date.now();
  others = others.filter(function (v) { return now - v.at < FORGET_MS; });
  var names = others.map(function (v) { return v.name; });
  E.viewers.textContent = !names.length ? '' : names.length === 1 ? names[0] + ' is also looking at this conversation'
    : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1] + ' are also looking at this conversation';
}
setInterval(render, 5000);
