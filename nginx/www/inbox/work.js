/* Working a conversation as a team (docs/decisions.md, Working the conversations): who has the
   open one, closing, snoozing and opening it, from the thread's head. A reply takes an
   unassigned conversation on the server; the list's reload brings that here. */
import { h } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api, errorText, OFFLINE } from './api.js';
import { when } from './format.js';
import { renderConversations, scheduleRefresh } from './conversations.js';

// The thread head's row of controls.
export function buildWork() {
  E.assign = h('select', { id: 'conv-assignee', onchange: function () {
    change({ assigneeId: E.assign.value ? Number(E.assign.value) : null });
  } });
  E.closeBtn = h('button', { type: 'button', class: 'btn-secondary', onclick: function () {
    change({ status: S.conv && S.conv.status === 'open' ? 'closed' : 'open' });
  } });
  E.snooze = h('select', { id: 'conv-snooze', 'aria-label': 'Snooze', onchange: function () {
    var until = snoozeEnd(E.snooze.value);
    E.snooze.value = '';
    if (until) change({ status: 'snoozed', snoozedUntil: until.toISOString() });
  } }, [['', 'Snooze\u2026'], ['1h', 'For an hour'], ['3h', 'For 3 hours'], ['tomorrow', 'Until tomorrow, 9:00'],
    ['week', 'Until Monday, 9:00']].map(function (o) { return h('option', { value: o[0], text: o[1] }); }));
  E.workState = h('span', { class: 'small muted', 'aria-live': 'polite' });
  E.workErr = h('p', { class: 'error small', role: 'alert' });
  E.work = h('div', { class: 'row-wrap work', hidden: true },
    h('label', { for: 'conv-assignee', class: 'small', text: 'Assigned to' }), E.assign, E.closeBtn, E.snooze, E.workState);
  return [E.work, E.workErr];
}

// A snooze's end, in the browser's time zone.
function snoozeEnd(choice) {
  var d = new Date();
  if (choice === '1h') return new Date(d.getTime() + 3600e3);
  if (choice === '3h') return new Date(d.getTime() + 3 * 3600e3);
  if (choice === 'tomorrow') { d.setDate(d.getDate() + 1); d.setHours(9, 0, 0, 0); return d; }
  if (choice === 'week') { d.setDate(d.getDate() + ((8 - d.getDay()) % 7 || 7)); d.setHours(9, 0, 0, 0); return d; }
  return null;
}

// Everyone who may sign in, once per sign-in: the assignee's choices.
export function loadTeam() {
  if (S.team) return Promise.resolve();
  return api('GET', '/api/crm/team').then(function (r) {
    if (r.status === 200 && r.data.success) { S.team = r.data.people; renderWork(); }
  }, function () {});
}

// The open thread's conversation, from the server (a thread opened from Contacts may be in no
// list that shows); again when a message in it may have changed it (a reply takes it, a text
// reopens it), which may also have moved it out of the list shown.
export function loadWork(contactId) {
  S.conv = null;
  renderWork();
  refreshWork(contactId);
}
// Resolves to the conversation's state (null when it cannot be read), shown if it is open.
export function refreshWork(contactId) {
  return api('GET', '/api/crm/sms/conversations/' + contactId).then(function (r) {
    if (r.status !== 200 || !r.data.success) return null;
    if (S.contact && S.contact.id === contactId) { S.conv = r.data.conversation; renderWork(); }
    return r.data.conversation;
  }, function () { return null; });
}

export function renderWork() {
  var c = S.conv;
  E.work.hidden = !c || !S.contact || c.contactId !== S.contact.id;
  if (E.work.hidden) return;
  E.assign.textContent = '';
  E.assign.append(h('option', { value: '', text: 'Nobody' }));
  var people = (S.team || []).slice();
  // Someone disabled since keeps their conversations until reassigned: still named.
  if (c.assignee && !people.some(function (p) { return p.id === c.assignee.id; })) people.push(c.assignee);
  people.forEach(function (p) {
    E.assign.append(h('option', { value: String(p.id), text: p.name + (S.me && p.id === S.me.id ? ' (you)' : '') }));
  });
  E.assign.value = c.assignee ? String(c.assignee.id) : '';
  E.closeBtn.textContent = c.status === 'open' ? 'Close' : 'Reopen';
  E.workState.textContent = '';
  if (c.status === 'closed') E.workState.append('Closed');
  if (c.status === 'snoozed') E.workState.append('Snoozed until ', when(c.snoozedUntil, true));
}

function change(body) {
  if (!S.contact) return;
  var id = S.contact.id;
  E.workErr.textContent = '';
  api('PATCH', '/api/crm/sms/conversations/' + id, body).then(function (r) {
    if (r.status !== 200 || !r.data.success) { E.workErr.textContent = errorText(r); renderWork(); return; }
    applyConversation(r.data.conversation);
  }, function () { E.workErr.textContent = OFFLINE; renderWork(); });
}

// A conversation's new state (a change here, or a `conversation` event): in the thread and the
// list at once; the list reloads, for it may have left the view or moved a count.
export function applyConversation(state) {
  S.convs.forEach(function (x) {
    if (x.contact.id !== state.contactId) return;
    x.status = state.status; x.snoozedUntil = state.snoozedUntil; x.assignee = state.assignee;
  });
  if (S.contact && S.contact.id === state.contactId) { S.conv = state; renderWork(); }
  renderConversations();
  scheduleRefresh();
}
