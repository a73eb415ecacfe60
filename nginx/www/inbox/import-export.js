/* Contacts in and out as CSV, for admins and the owner (docs/decisions.md, Contact import and
   export): the export downloads what the list's filters select; the import previews a file (the
   server runs the import and rolls it back, so its counts are the import's), lets the columns
   be mapped and the fields existing contacts take be chosen, then imports it. */
import { h } from './shared-with-widget.js';
import { S, E } from './state.js';
import { upload, errorText, OFFLINE, qs } from './api.js';
import { loadContacts } from './contacts.js';

var FIELDS = [['firstName', 'First name'], ['lastName', 'Last name'], ['phone', 'Phone'], ['email', 'Email'],
  ['birthdate', 'Birthdate'], ['status', 'Status'], ['tags', 'Tags'], ['notes', 'Notes'],
  ['smsConsent', 'SMS consent'], ['consentDate', 'Consent date'], ['consentSource', 'Consent source']];
var UPDATABLE = FIELDS.filter(function (f) { return f[0] !== 'phone' && f[0] !== 'consentDate' && f[0] !== 'consentSource'; });

// The list's Import and Export buttons; hidden from agents.
export function importExportButtons() {
  E.exportLink = h('a', { class: 'btn-secondary', href: '/api/crm/contacts/export', download: '',
    onclick: function () {
      E.exportLink.href = '/api/crm/contacts/export?' + qs({ search: E.cSearch.value.trim(), status: E.cStatus.value, optIn: E.cOpt.value });
    } }, 'Export CSV');
  E.importBtn = h('button', { type: 'button', class: 'btn-secondary', onclick: openImport }, 'Import CSV');
  E.importExport = h('div', { class: 'row-wrap' }, E.importBtn, E.exportLink);
  return E.importExport;
}
export function showImportExport() {
  if (E.importExport) E.importExport.hidden = S.role === 'agent';
}

var file = null;
var columns = null;  // the file's columns as mapped: a field name or '' each
var P = {};

function openImport() {
  file = null;
  columns = null;
  var ed = E.editor;
  ed.textContent = '';
  ed.classList.add('open');
  E.contactsView.classList.add('show-editor');
  P.input = h('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv', onchange: function () {
    file = P.input.files[0] || null;
    columns = null;
    if (file) preview();
  } });
  P.note = h('p', { class: 'small', role: 'status' });
  P.err = h('p', { class: 'error', role: 'alert' });
  P.body = h('div', { class: 'import-preview' });
  ed.append(h('h2', { id: 'editor-title', text: 'Import contacts' }),
    h('p', { class: 'small muted', text: 'A CSV file (UTF-8, commas or semicolons), up to 100,000 rows. Nobody is opted in unless their row has SMS consent with its date and source; an opt-out in the file is always kept.' }),
    h('div', { class: 'field' }, h('label', { for: 'import-file', text: 'CSV file' }), P.input),
    P.note, P.err, P.body);
  P.input.focus();
}

function query(commit) {
  var update = Array.prototype.filter.call(P.body.querySelectorAll('input[name="update"]'), function (b) { return b.checked; })
    .map(function (b) { return b.value; }).join(',');
  var q = { update: update };
  if (columns) q.columns = columns.join(',');
  if (commit) q.commit = 'true';
  return '/api/crm/contacts/import?' + qs(q);
}

function preview() { send(false); }
function send(commit) {
  P.err.textContent = '';
  P.note.textContent = commit ? 'Importing\u2026' : 'Reading the file\u2026';
  Array.prototype.forEach.call(P.body.querySelectorAll('button, select, input'), function (el) { el.disabled = true; });
  upload(query(commit), file).then(function (r) {
    P.note.textContent = '';
    if (r.status !== 200) {
      P.err.textContent = errorText(r);
      Array.prototype.forEach.call(P.body.querySelectorAll('button, select, input'), function (el) { el.disabled = false; });
      return;
    }
    if (commit) return done(r.data);
    columns = r.data.columns.map(function (c) { return c.field || ''; });
    render(r.data);
  }, function () { P.note.textContent = ''; P.err.textContent = OFFLINE; });
}

function count(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

function problems(title, list, total) {
  if (!total) return null;
  return h('details', { open: true }, h('summary', { text: title + ' (' + total + ')' }),
    h('ul', { class: 'import-problems' }, list.map(function (p) {
      return h('li', { text: (p.line ? 'Line ' + p.line + ': ' : '') + (p.message || ('the same phone as line ' + p.firstLine + ' (' + p.phone + ')')) });
    })), total > list.length ? h('p', { class: 'small muted', text: 'And ' + (total - list.length) + ' more.' }) : null);
}

function render(d) {
  var chosen = {};
  Array.prototype.forEach.call(P.body.querySelectorAll('input[name="update"]'), function (b) { chosen[b.value] = b.checked; });
  P.body.textContent = '';
  var map = h('table', { class: 'import-columns' }, h('caption', { text: 'Columns' }),
    h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'In the file' }), h('th', { scope: 'col', text: 'Contact field' }))),
    h('tbody', null, d.columns.map(function (c, i) {
      var id = 'import-col-' + i;
      return h('tr', null, h('th', { scope: 'row' }, h('label', { for: id, text: c.header })),
        h('td', null, h('select', { id: id, onchange: function (e) { columns[i] = e.target.value; preview(); } },
          h('option', { value: '', text: 'Leave out', selected: !c.field }),
          FIELDS.map(function (f) { return h('option', { value: f[0], text: f[1], selected: c.field === f[0] }); }))));
    })));
  var update = h('fieldset', { class: 'import-update' }, h('legend', { text: 'Existing contacts (same phone) take from the file' }),
    UPDATABLE.map(function (f) {
      return h('label', null, h('input', { type: 'checkbox', name: 'update', value: f[0], checked: !!chosen[f[0]], onchange: preview }), ' ' + f[1]);
    }), h('p', { class: 'small muted', text: 'Only where the file has a value; nothing else of theirs changes.' }));
  var summary = h('p', { class: 'import-summary', role: 'status', text: count(d.rows, 'row', 'rows') + ': ' +
    count(d.created, 'new contact', 'new contacts') + ', ' + count(d.updated, 'existing contact updated', 'existing contacts updated') + ', ' +
    d.unchanged + ' unchanged; ' + count(d.optedIn, 'opt-in', 'opt-ins') + ', ' + count(d.optedOut, 'opt-out', 'opt-outs') + '.' });
  var go = h('button', { type: 'button', class: 'btn', disabled: d.created + d.updated === 0, onclick: function () { send(true); } },
    'Import ' + count(d.created + d.updated, 'contact', 'contacts'));
  P.body.append(map, update, summary,
    problems('Rows that will not be imported', d.errors, d.errorCount),
    problems('Duplicates in the file (the first row counts)', d.duplicates, d.duplicateCount),
    problems('Already contacts (the same phone)', d.existing.map(function (e) {
      return { line: e.line, message: 'contact ' + e.contactId + ' has this phone' };
    }), d.existingCount),
    problems('Imported, but not opted in', d.warnings, d.warningCount), go);
}

function done(d) {
  P.body.textContent = '';
  P.body.append(h('p', { class: 'import-summary', role: 'status', text: 'Imported: ' + count(d.created, 'new contact', 'new contacts') + ', ' +
    count(d.updated, 'contact updated', 'contacts updated') + ', ' + d.unchanged + ' unchanged; ' +
    count(d.optedIn, 'opt-in', 'opt-ins') + ', ' + count(d.optedOut, 'opt-out', 'opt-outs') + '.' }),
    problems('Rows not imported', d.errors, d.errorCount));
  loadContacts(true);
}
