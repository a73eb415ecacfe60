/* People (the owner's view): who may sign in, with what role; adding one shows their password
   once, to hand over; a role changes or a person is disabled from their row. */
import { h } from './shared-with-widget.js';
import { E } from './state.js';
import { api, errorText, OFFLINE } from './api.js';
import { iso } from './format.js';

var ROLES = ['agent', 'admin', 'owner'];

export function buildPeople() {
  E.pEmail = h('input', { id: 'person-email', type: 'email', autocomplete: 'off', spellcheck: 'false' });
  E.pName = h('input', { id: 'person-name', type: 'text', autocomplete: 'off' });
  E.pRole = h('select', { id: 'person-role' }, ROLES.map(function (r) { return h('option', { value: r, text: r }); }));
  E.pNote = h('p', { class: 'small', 'aria-live': 'polite' });
  E.pList = h('ul', { class: 'contact-list', 'aria-label': 'People' });
  E.peopleView = h('div', { class: 'people-view', hidden: true },
    h('section', { class: 'pane list-pane', 'aria-label': 'People' },
      h('form', { class: 'pane-head filters', 'aria-label': 'Add a person', onsubmit: addPerson },
        h('div', { class: 'field' }, h('label', { for: 'person-email', text: 'Email' }), E.pEmail),
        h('div', { class: 'field' }, h('label', { for: 'person-name', text: 'Name' }), E.pName),
        h('div', { class: 'field' }, h('label', { for: 'person-role', text: 'Role' }), E.pRole),
        h('button', { type: 'submit', class: 'btn' }, 'Add person')),
      h('div', { class: 'scroll' }, E.pNote, E.pList)));
  return E.peopleView;
}

export function loadPeople() {
  return api('GET', '/api/crm/people').then(function (r) {
    if (r.status !== 200 || !r.data.success) { E.pNote.textContent = errorText(r); return; }
    E.pList.textContent = '';
    r.data.people.forEach(function (p) { E.pList.append(personRow(p)); });
  }, function () { E.pNote.textContent = OFFLINE; });
}

function personRow(p) {
  var role = h('select', { 'aria-label': 'Role of ' + p.name, onchange: function () { change(p, { role: role.value }); } },
    ROLES.map(function (r) { return h('option', { value: r, text: r, selected: r === p.role }); }));
  return h('li', { class: 'conv' },
    h('span', { class: 'conv-top' }, h('span', { class: 'conv-name' }, iso(p.name)), p.disabledAt ? h('span', { class: 'conv-time', text: 'Disabled' }) : null),
    h('span', { class: 'conv-bottom' }, h('span', { class: 'conv-preview' }, iso(p.email))),
    h('span', { class: 'row-wrap' }, role,
      h('button', { type: 'button', class: 'btn-secondary', onclick: function () { change(p, { disabled: !p.disabledAt }); } },
        (p.disabledAt ? 'Enable ' : 'Disable ') + p.name)));
}

function change(p, body) {
  api('PATCH', '/api/crm/people/' + p.id, body).then(function (r) {
    E.pNote.textContent = r.status === 200 ? 'Saved ' + p.name + '.' : errorText(r);
    loadPeople();
  }, function () { E.pNote.textContent = OFFLINE; });
}

function addPerson(e) {
  e.preventDefault();
  var body = { email: E.pEmail.value.trim(), name: E.pName.value.trim(), role: E.pRole.value };
  api('POST', '/api/crm/people', body).then(function (r) {
    if (r.status !== 201) { E.pNote.textContent = errorText(r); return; }
    E.pEmail.value = ''; E.pName.value = '';
    // Shown once: the server keeps only its hash.
    E.pNote.replaceChildren('Added ', iso(r.data.person.name), '. Their password, shown only now: ',
      h('code', { class: 'one-time-password', text: r.data.password }));
    loadPeople();
  }, function () { E.pNote.textContent = OFFLINE; });
}
