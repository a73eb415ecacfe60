/* Contacts: the list with its search and filters, and the editor, which adds one, changes
   one (sending only what changed) or deletes one. */
import { h } from './shared-with-widget.js';
import { S, E, PAGE } from './state.js';
import { api, errorText, OFFLINE, qs } from './api.js';
import { debounce } from './timing.js';
import { formatPhone, iso, nameEl, optState, OPT_LABEL, when } from './format.js';
import { openThread, closeThread, renderThreadHead } from './thread.js';
import { updateComposer } from './composer.js';
import { importExportButtons, showImportExport } from './import-export.js';

export var STATUSES = ['new', 'contacted', 'qualified', 'nurturing', 'client', 'inactive'];

// The contacts view: the list pane and the editor's.
export function buildContacts() {
  E.cSearch = h('input', { id: 'contact-search', type: 'search', autocomplete: 'off', oninput: debounce(function () { loadContacts(true); }, 250) });
  E.cStatus = h('select', { id: 'contact-status', onchange: function () { loadContacts(true); } },
    h('option', { value: '', text: 'Any status' }), STATUSES.map(function (s) { return h('option', { value: s, text: s }); }));
  E.cOpt = h('select', { id: 'contact-optin', onchange: function () { loadContacts(true); } },
    h('option', { value: '', text: 'Any' }), h('option', { value: 'true', text: 'Opted in' }), h('option', { value: 'false', text: 'Not opted in' }));
  E.cList = h('ul', { class: 'contact-list', 'aria-label': 'Contacts' });
  E.cMore = h('button', { type: 'button', class: 'link-btn', hidden: true, onclick: function () { loadContacts(false); } }, 'More contacts');
  E.cNote = h('p', { class: 'small muted', 'aria-live': 'polite' });
  E.editor = h('section', { class: 'pane editor-pane', 'aria-labelledby': 'editor-title' });
  E.contactsView = h('div', { class: 'contacts-view', hidden: true },
    h('section', { class: 'pane list-pane', 'aria-label': 'Contact list' },
      h('div', { class: 'pane-head filters' },
        h('div', { class: 'field' }, h('label', { for: 'contact-search', text: 'Search contacts' }), E.cSearch),
        h('div', { class: 'row-wrap' },
          h('div', { class: 'field' }, h('label', { for: 'contact-status', text: 'Status' }), E.cStatus),
          h('div', { class: 'field' }, h('label', { for: 'contact-optin', text: 'SMS opt-in' }), E.cOpt)),
        h('div', { class: 'row-wrap' },
          h('button', { type: 'button', class: 'btn', onclick: function () { editContact(null); } }, 'Add contact'),
          importExportButtons())),
      h('div', { class: 'scroll' }, E.cList, E.cNote, E.cMore)),
    E.editor);
  return E.contactsView;
}

export function loadContacts(reset, keep) {
  showImportExport();
  var seq = S.cSeq = (S.cSeq || 0) + 1;
  var limit = reset ? (keep ? Math.min(200, Math.max(PAGE, S.contacts.length)) : PAGE) : PAGE;
  var q = { search: E.cSearch.value.trim(), status: E.cStatus.value, optIn: E.cOpt.value, limit: limit, skip: reset ? 0 : S.contacts.length };
  if (!keep) E.cNote.textContent = 'Loading\u2026';
  return api('GET', '/api/crm/contacts?' + qs(q)).then(function (r) {
    if (seq !== S.cSeq) return;
    if (r.status !== 200 || !r.data.success) { E.cNote.textContent = errorText(r); return; }
    var rows = r.data.contacts || [];
    S.contacts = reset ? rows : S.contacts.concat(rows);
    S.contactsMore = !!(r.data.pagination && r.data.pagination.hasMore);
    E.cMore.hidden = !S.contactsMore;
    E.cNote.textContent = S.contacts.length ? '' : 'No contacts match.';
    renderContacts();
  }, function () { if (seq === S.cSeq) E.cNote.textContent = OFFLINE; });
}
function renderContacts() {
  E.cList.textContent = '';
  S.contacts.forEach(function (c) {
    var opt = optState(c);
    E.cList.append(h('li', null, h('button', { type: 'button', class: 'conv' + (S.editing && S.editing.id === c.id ? ' open' : ''),
      onclick: function () { editContact(c); } },
      h('span', { class: 'conv-top' }, nameEl(c, 'conv-name'), h('span', { class: 'conv-time', text: c.status })),
      h('span', { class: 'conv-bottom' }, h('span', { class: 'conv-preview' }, formatPhone(c.phone), c.email ? [' \u00B7 ', iso(c.email)] : null)),
      h('span', { class: 'opt opt-' + opt, text: OPT_LABEL[opt] }))));
  });
}

// The editor: every writable field. An edit PATCHes only what changed (docs/decisions.md).
var FIELDS = [
  ['firstName', 'First name'], ['lastName', 'Last name'], ['phone', 'Phone', 'tel'], ['email', 'Email', 'email'],
  ['birthdate', 'Birthdate', 'date']
];
export function editContact(c) {
  S.editing = c;
  renderContacts();
  var ed = E.editor;
  ed.textContent = '';
  ed.classList.add('open');
  E.contactsView.classList.add('show-editor');
  var F = {};
  function input(name, label, el, hint) {
    el.id = 'cf-' + name;
    el.name = name;
    var err = h('p', { class: 'error', id: el.id + '-err' });
    el.setAttribute('aria-describedby', err.id);
    F[name] = { el: el, err: err };
    return h('div', { class: 'field' }, h('label', { for: el.id, text: label }), hint || null, el, err);
  }
  function val(v) { return v == null ? '' : String(v); }
  var addr = (c && c.address) || {}, pref = (c && c.preferences) || {};
  var title = h('h2', { id: 'editor-title', tabindex: '-1' }, c ? ['Edit ', nameEl(c)] : 'New contact');
  var form = h('form', { class: 'editor', novalidate: true, 'aria-labelledby': 'editor-title', onsubmit: save });
  FIELDS.forEach(function (f) {
    form.append(input(f[0], f[1], h('input', { type: f[2] || 'text', value: val(c && c[f[0]]) })));
  });
  var status = h('select', null, STATUSES.map(function (s) { return h('option', { value: s, text: s, selected: (c ? c.status : 'new') === s }); }));
  form.append(input('status', 'Status', status));
  form.append(input('tags', 'Tags', h('input', { type: 'text', value: c ? (c.tags || []).join(', ') : '' }),
    h('span', { class: 'small muted', text: ' (comma-separated)' })));
  form.append(input('notes', 'Notes', h('textarea', { rows: 3 }, c ? c.notes || '' : '')));

  // Opt-in, with the consent on record.
  var optBox = h('input', { type: 'checkbox', id: 'cf-smsOptIn', checked: !!(c && c.smsOptIn) });
  F.smsOptIn = { el: optBox, err: h('p', { class: 'error' }) };
  var consent = h('div', { class: 'consent small' });
  if (c) {
    var opt = optState(c);
    consent.append(h('p', null, h('span', { class: 'opt opt-' + opt, text: OPT_LABEL[opt] }),
      c.optedOutAt && opt === 'out' ? h('span', null, ' since ', when(c.optedOutAt, true)) : null));
    if (c.consent) {
      consent.append(h('dl', null,
        h('dt', { text: 'Consent given' }), h('dd', null, when(c.consent.at, true)),
        h('dt', { text: 'Source' }), h('dd', { text: c.consent.source || '' }),
        c.consent.ip ? h('dt', { text: 'IP address' }) : null, c.consent.ip ? h('dd', { text: c.consent.ip }) : null,
        c.consent.text ? h('dt', { text: 'Text agreed to' }) : null, c.consent.text ? h('dd', { text: c.consent.text }) : null));
    } else {
      consent.append(h('p', { class: 'muted', text: 'No consent on record.' }));
    }
  }
  form.append(h('fieldset', null, h('legend', { text: 'SMS consent' }),
    h('div', { class: 'check' }, optBox, h('label', { for: 'cf-smsOptIn', text: 'Opted in to SMS (consent given)' })), consent, F.smsOptIn.err));

  form.append(h('fieldset', null, h('legend', { text: 'Address' }),
    input('street', 'Street', h('input', { type: 'text', value: val(addr.street), autocomplete: 'off' })),
    h('div', { class: 'row-wrap' },
      input('city', 'City', h('input', { type: 'text', value: val(addr.city) })),
      input('state', 'State', h('input', { type: 'text', value: val(addr.state), size: 6 })),
      input('zip', 'ZIP', h('input', { type: 'text', value: val(addr.zip), size: 8 })))));
  var emailOpt = h('input', { type: 'checkbox', id: 'cf-emailOptIn', checked: !!pref.emailOptIn });
  var callOpt = h('input', { type: 'checkbox', id: 'cf-callOptIn', checked: !!pref.callOptIn });
  var method = h('select', null, h('option', { value: '', text: 'None' }), ['sms', 'email', 'phone'].map(function (m) {
    return h('option', { value: m, text: m, selected: pref.preferredContactMethod === m });
  }));
  form.append(h('fieldset', null, h('legend', { text: 'Preferences' }),
    h('div', { class: 'check' }, emailOpt, h('label', { for: 'cf-emailOptIn', text: 'Email OK' })),
    h('div', { class: 'check' }, callOpt, h('label', { for: 'cf-callOptIn', text: 'Calls OK' })),
    input('preferredContactMethod', 'Preferred contact method', method)));
  form.append(input('interests', 'Interests (JSON)', h('textarea', { rows: 4, class: 'mono' },
    c && c.interests ? JSON.stringify(c.interests, null, 2) : '')));
  form.append(input('assignedAgent', 'Assigned agent', h('input', { type: 'text', value: val(c && c.assignedAgent) })));
  if (c) {
    form.append(h('p', { class: 'small muted' }, 'Source: ' + (c.source || '\u2014') +
      (c.commerce7CustomerId ? ' \u00B7 Commerce7 customer ' + c.commerce7CustomerId : '') + ' \u00B7 created ', when(c.createdAt, true),
      c.lastContactAt ? h('span', null, ' \u00B7 last contact ', when(c.lastContactAt, true), c.lastContactMethod ? ' (' + c.lastContactMethod + ')' : '') : null));
  }
  var formErr = h('p', { class: 'error', role: 'alert' });
  var confirmBox = h('div', { class: 'confirm', hidden: true, role: 'group', 'aria-label': 'Confirm delete' },
    h('p', null, 'Delete ', c ? nameEl(c) : null, '? Their messages stay, without a contact. This cannot be undone.'),
    h('button', { type: 'button', class: 'btn danger', onclick: del }, 'Yes, delete'),
    h('button', { type: 'button', class: 'btn-secondary', onclick: function () { confirmBox.hidden = true; } }, 'Keep'));
  form.append(formErr, h('div', { class: 'row-wrap' },
    h('button', { type: 'submit', class: 'btn' }, c ? 'Save' : 'Add contact'),
    c ? h('button', { type: 'button', class: 'btn-secondary', onclick: function () { openThread(c); } }, 'Start conversation') : null,
    c && S.role !== 'agent' ? h('button', { type: 'button', class: 'btn-secondary danger-text', onclick: function () { confirmBox.hidden = false; confirmBox.querySelector('button').focus(); } }, 'Delete') : null,
    h('button', { type: 'button', class: 'link-btn', onclick: closeEditor }, 'Close')), confirmBox);
  ed.append(h('button', { type: 'button', class: 'back-btn', onclick: closeEditor }, '\u2190 Back to contacts'), title, form);
  title.focus();

  function body() {
    var b = {};
    ['firstName', 'lastName', 'phone'].forEach(function (k) { b[k] = F[k].el.value.trim(); });
    ['email', 'birthdate', 'assignedAgent'].forEach(function (k) { var v = F[k].el.value.trim(); b[k] = v || null; });
    b.status = F.status.el.value;
    b.tags = F.tags.el.value.split(',').map(function (t) { return t.trim(); }).filter(Boolean);
    b.notes = F.notes.el.value;
    b.smsOptIn = optBox.checked;
    var a = {};
    ['street', 'city', 'state', 'zip'].forEach(function (k) { a[k] = F[k].el.value.trim() || null; });
    b.address = (a.street || a.city || a.state || a.zip) ? a : null;
    b.preferences = { emailOptIn: emailOpt.checked, callOptIn: callOpt.checked, preferredContactMethod: method.value || null };
    var it = F.interests.el.value.trim();
    if (it) {
      try { b.interests = JSON.parse(it); } catch (_) { throw { field: 'interests', message: 'Interests must be JSON, e.g. {"buying": true, "locations": ["Temecula"]}.' }; }
    } else b.interests = null;
    return b;
  }
  function same(a, b) { return JSON.stringify(a == null ? null : a) === JSON.stringify(b == null ? null : b); }
  function setErr(field, message) {
    Object.keys(F).forEach(function (k) { F[k].err.textContent = ''; F[k].el.removeAttribute('aria-invalid'); });
    formErr.textContent = '';
    if (!message) return;
    var top = field && field.split('.')[0];
    var f = F[top] || (top === 'address' && F.street) || (top === 'preferences' && F.preferredContactMethod);
    if (f) { f.err.textContent = message; f.el.setAttribute('aria-invalid', 'true'); f.el.focus(); }
    else formErr.textContent = message;
  }
  function save(e) {
    e.preventDefault();
    var b;
    try { b = body(); } catch (err) { setErr(err.field, err.message); return; }
    setErr(null, null);
    var method = 'POST', path = '/api/crm/contacts';
    if (c) {
      method = 'PATCH';
      path += '/' + c.id;
      Object.keys(b).forEach(function (k) {
        var was = c[k];
        if (k === 'tags') was = c.tags || [];
        if (k === 'notes') was = c.notes || '';
        if (k === 'preferences') was = { emailOptIn: !!pref.emailOptIn, callOptIn: !!pref.callOptIn, preferredContactMethod: pref.preferredContactMethod || null };
        if (k === 'address' && was) was = { street: was.street || null, city: was.city || null, state: was.state || null, zip: was.zip || null };
        if (same(b[k], was)) delete b[k];
      });
      if (!Object.keys(b).length) { formErr.textContent = 'Nothing changed.'; return; }
    } else {
      if (!b.firstName) { setErr('firstName', 'Please enter a first name.'); return; }
      if (!b.lastName) { setErr('lastName', 'Please enter a last name.'); return; }
      if (!b.phone) { setErr('phone', 'Please enter a phone number.'); return; }
      b.source = 'staff';
    }
    api(method, path, b).then(function (r) {
      if (r.status >= 200 && r.status < 300 && r.data.contact) {
        var saved = r.data.contact;
        loadContacts(true, true);
        if (S.contact && S.contact.id === saved.id) { S.contact = saved; renderThreadHead(); updateComposer(); }
        editContact(saved);
        E.editor.querySelector('#editor-title').replaceChildren(c ? 'Saved ' : 'Added ', nameEl(saved));
      } else {
        setErr(r.data.error && r.data.error.field, errorText(r));
      }
    }, function () { formErr.textContent = OFFLINE; });
  }
  function del() {
    api('DELETE', '/api/crm/contacts/' + c.id).then(function (r) {
      if (r.status >= 200 && r.status < 300) {
        closeEditor();
        E.cNote.replaceChildren('Deleted ', nameEl(c), '.');
        S.contacts = S.contacts.filter(function (o) { return o.id !== c.id; });
        renderContacts();
        loadContacts(true, true).then(function () { E.cNote.replaceChildren('Deleted ', nameEl(c), '.'); });
        if (S.contact && S.contact.id === c.id) closeThread();
      } else {
        confirmBox.hidden = true;
        formErr.textContent = errorText(r);
      }
    }, function () { formErr.textContent = OFFLINE; });
  }
}
export function closeEditor() {
  S.editing = null;
  E.editor.textContent = '';
  E.editor.classList.remove('open');
  E.contactsView.classList.remove('show-editor');
  renderContacts();
  E.cSearch.focus();
}
