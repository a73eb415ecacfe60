/* Email alerts (docs/decisions.md, Notifications): the signed-in person chooses to be emailed
   when a text in their conversations, or unassigned ones too, has waited so many minutes
   unanswered, and whether the email holds the text. The server's worker sends them. */
import { h } from './shared-with-widget.js';
import { api, errorText, OFFLINE } from './api.js';
import { emailBtn, emailPanel } from './page.js';

var MINUTES = [['', 'Never'], ['5', 'After 5 minutes'], ['10', 'After 10 minutes'], ['15', 'After 15 minutes'],
  ['30', 'After 30 minutes'], ['60', 'After an hour'], ['120', 'After 2 hours']];
var minutes, scope, withBody, note;

emailBtn.addEventListener('click', function () {
  var open = emailPanel.hidden;
  emailPanel.hidden = !open;
  emailBtn.setAttribute('aria-expanded', String(open));
  if (open) load();
});

function build() {
  minutes = h('select', { id: 'alert-minutes' }, MINUTES.map(function (m) { return h('option', { value: m[0], text: m[1] }); }));
  scope = h('select', { id: 'alert-scope' },
    h('option', { value: 'mine', text: 'in my conversations' }),
    h('option', { value: 'mine_and_unassigned', text: 'in mine and unassigned ones' }));
  withBody = h('input', { type: 'checkbox', id: 'alert-body' });
  note = h('p', { class: 'small', 'aria-live': 'polite' });
  emailPanel.textContent = '';
  emailPanel.append(h('form', { class: 'row-wrap', onsubmit: save },
    h('div', { class: 'field' }, h('label', { for: 'alert-minutes', text: 'Email me when a text has waited' }), minutes),
    h('div', { class: 'field' }, h('label', { for: 'alert-scope', text: 'Which texts' }), scope),
    h('label', { for: 'alert-body', class: 'check' }, withBody, ' Put the text in the email'),
    h('button', { type: 'submit', class: 'btn-secondary' }, 'Save email alerts'), note));
}

function show(n) {
  minutes.value = n.emailAfterMinutes == null ? '' : String(n.emailAfterMinutes);
  if (minutes.value !== String(n.emailAfterMinutes == null ? '' : n.emailAfterMinutes)) {
    minutes.append(h('option', { value: String(n.emailAfterMinutes), text: 'After ' + n.emailAfterMinutes + ' minutes' }));
    minutes.value = String(n.emailAfterMinutes);
  }
  scope.value = n.scope;
  withBody.checked = !!n.includeBody;
}

function load() {
  build();
  api('GET', '/api/auth/notifications').then(function (r) {
    if (r.status !== 200 || !r.data.success) { note.textContent = errorText(r); return; }
    show(r.data.notifications);
  }, function () { note.textContent = OFFLINE; });
}

function save(e) {
  e.preventDefault();
  note.textContent = '';
  api('PUT', '/api/auth/notifications', {
    emailAfterMinutes: minutes.value ? Number(minutes.value) : null,
    scope: scope.value,
    includeBody: withBody.checked
  }).then(function (r) {
    if (r.status !== 200 || !r.data.success) { note.textContent = errorText(r); return; }
    show(r.data.notifications);
    note.textContent = 'Saved.';
  }, function () { note.textContent = OFFLINE; });
}

// Signed out: the panel closes.
export function closeEmailAlerts() {
  emailPanel.hidden = true;
  emailPanel.textContent = '';
  emailBtn.setAttribute('aria-expanded', 'false');
}
