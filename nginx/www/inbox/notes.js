/* Internal notes in the open thread (docs/decisions.md, Notes and mentions): written in their
   own form under the composer (open whether or not the contact may be texted), shown among the
   messages in their own style with the author, never sent. Opening a thread marks the notes
   there that mention the signed-in person as seen. */
import { h } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api, errorText, OFFLINE } from './api.js';
import { upsertNote } from './thread.js';
import { mentionSeen } from './notify.js';

export function buildNoteForm() {
  E.noteBox = h('textarea', { id: 'note-box', rows: 2, 'aria-describedby': 'note-hint note-err',
    onkeydown: function (e) { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); addNote(); } } });
  E.noteErr = h('p', { class: 'error', id: 'note-err', role: 'alert' });
  E.noteBtn = h('button', { type: 'submit', class: 'btn-secondary' }, 'Add note');
  return h('form', { class: 'note-form', novalidate: true, onsubmit: function (e) { e.preventDefault(); addNote(); } },
    h('label', { for: 'note-box', text: 'Internal note' }),
    h('div', { class: 'row' }, E.noteBox, E.noteBtn),
    h('p', { class: 'small muted', id: 'note-hint', text: 'Only your team sees notes; @name tells that person.' }),
    E.noteErr);
}

// The thread's notes (the newest 200), among its messages; then its mentions of me are seen.
export function loadNotes(contactId) {
  var seq = S.threadSeq;
  api('GET', '/api/crm/sms/notes?contactId=' + contactId + '&limit=200').then(function (r) {
    if (seq !== S.threadSeq || r.status !== 200 || !r.data.success) return;
    r.data.notes.forEach(upsertNote);
    seen(contactId);
  }, function () {});
}

// A note from a `note` event: into the open thread, if it is this one's.
export function noteArrived(note) {
  if (S.contact && S.contact.id === note.contactId) {
    upsertNote(note);
    if (!document.hidden) seen(note.contactId);
  }
}

function seen(contactId) {
  api('POST', '/api/crm/mentions/read', { contactId: contactId }).then(function (r) {
    if (r.status === 200 && r.data.marked) mentionSeen(contactId);
  }, function () {});
}

function addNote() {
  if (!S.contact || E.noteBtn.disabled) return;
  var body = E.noteBox.value.trim();
  if (!body) { E.noteErr.textContent = 'Please write the note.'; return; }
  var contactId = S.contact.id;
  E.noteBtn.disabled = true;
  E.noteErr.textContent = '';
  api('POST', '/api/crm/sms/notes', { contactId: contactId, body: body }).then(function (r) {
    if (r.status !== 201 || !r.data.success) { E.noteErr.textContent = errorText(r); return; }
    if (S.contact && S.contact.id === contactId) upsertNote(r.data.note);
    E.noteBox.value = '';
  }, function () { E.noteErr.textContent = OFFLINE; }).then(function () { E.noteBtn.disabled = false; });
}
