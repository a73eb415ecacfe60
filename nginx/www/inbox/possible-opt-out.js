/* A possible opt-out: a longer text with a stop word in it, for staff to decide
   (docs/decisions.md, Staff inbox): a banner above the composer, a mark on its bubble. */
import { h } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api, errorText, OFFLINE, qs } from './api.js';
import { iso } from './format.js';
import { applyContact, refreshContact, reloadThread } from './thread.js';

export function buildPossibleOptOut() {
  // A text that may be an opt-out (docs/decisions.md, Staff inbox): the text, quoted, and
  // staff's two answers. The note and the error stay when the banner goes.
  E.maybeWhy = h('p', { class: 'small', text: 'Their text may ask us to stop texting them. Campaigns and scheduled texts skip them until you decide.' });
  E.maybeQuote = h('blockquote', { class: 'maybe-quote', tabindex: '0', 'aria-label': 'Their text' });
  E.maybeOut = h('button', { type: 'button', class: 'btn-secondary danger-text', onclick: function () { decideMaybe('opt_out'); } }, 'Opt them out');
  E.maybeKeep = h('button', { type: 'button', class: 'btn-secondary', onclick: function () { decideMaybe('dismiss'); } }, 'Not an opt-out');
  E.maybe = h('section', { class: 'maybe', 'aria-labelledby': 'maybe-title', hidden: true },
    h('h3', { class: 'maybe-title', id: 'maybe-title', text: 'Possible opt-out' }),
    E.maybeWhy, E.maybeQuote, h('div', { class: 'row-wrap' }, E.maybeOut, E.maybeKeep));
  E.maybeNote = h('p', { class: 'small maybe-note', role: 'status' });
  E.maybeErr = h('p', { class: 'error', role: 'alert' });
  E.maybeArea = h('div', { class: 'maybe-area' }, E.maybe, E.maybeNote, E.maybeErr);
  return E.maybeArea;
}

export function maybeOf(c) { return c ? c.possibleOptOutMessageId : null; }
export function renderMaybe() {
  var c = S.contact, id = maybeOf(c);
  if (!c) return;
  // The bubble of that text is marked too.
  Array.prototype.forEach.call(E.thread.querySelectorAll('.msg.maybe'), function (el) {
    if (el.getAttribute('data-id') !== String(id)) el.classList.remove('maybe');
  });
  var li = id != null && E.thread.querySelector('li[data-id="' + id + '"]');
  if (li) li.classList.add('maybe');
  // What was said about an earlier text no longer applies to a newer one.
  if (id != null && S.maybeNote && !S.maybeNote.conflict && S.maybeNote.id !== id) {
    S.maybeNote = null;
    E.maybeNote.textContent = '';
  }
  if (id == null) {
    S.maybeShown = null;
    if (!E.maybe.hidden) {
      var had = E.maybe.contains(document.activeElement);
      E.maybe.hidden = true;
      if (had) (E.box.disabled ? E.threadTitle : E.box).focus();
    }
    return;
  }
  var m = S.msgs.get(String(id)) || (S.maybeText && S.maybeText.id === id ? S.maybeText : null);
  var key = [c.id, id, m ? (m.missing ? 'x' : 'm') : '-'].join('|');
  if (key === S.maybeShown && !E.maybe.hidden) return; // as shown: keep focus where it is
  S.maybeShown = key;
  E.maybeQuote.textContent = '';
  if (m && m.missing) E.maybeQuote.append(h('p', { class: 'muted', text: 'It is older than their latest texts: scroll up in the conversation to read it.' }));
  else if (m) E.maybeQuote.append(m.body ? iso(m.body, 'body', 'p') : h('p', { text: (m.mediaUrls || []).length ? '[picture]' : '' }));
  else {
    E.maybeQuote.append(h('p', { class: 'muted', text: 'Loading the text\u2026' }));
    if (S.threadLoaded) fetchMaybe(c.id, id);
  }
  E.maybe.hidden = false;
}
// The text when the thread's first page does not hold it: among their latest inbound ones.
function fetchMaybe(contactId, id) {
  if (S.maybeFetch === id) return;
  S.maybeFetch = id;
  var seq = S.threadSeq;
  api('GET', '/api/crm/sms/messages?' + qs({ contactId: contactId, direction: 'inbound', limit: 100 })).then(function (r) {
    if (S.maybeFetch === id) S.maybeFetch = null;
    if (seq !== S.threadSeq || r.status !== 200) return;
    var m = (r.data.messages || []).filter(function (x) { return x.id === id; })[0];
    S.maybeText = m || { id: id, missing: true };
    renderMaybe();
  }, function () { if (S.maybeFetch === id) S.maybeFetch = null; });
}
function decideMaybe(decision) {
  var c = S.contact, id = maybeOf(c);
  if (!c || id == null || S.deciding) return;
  S.deciding = true;
  // Disabled while it is out, the button may lose focus: it is given back at the end.
  var btn = decision === 'opt_out' ? E.maybeOut : E.maybeKeep, focused = E.maybe.contains(document.activeElement);
  E.maybeOut.disabled = E.maybeKeep.disabled = true;
  S.maybeNote = null;
  E.maybeNote.textContent = E.maybeErr.textContent = '';
  var mineNow = function () { return S.contact && S.contact.id === c.id; };
  api('POST', '/api/crm/contacts/' + c.id + '/possible-opt-out', { messageId: id, decision: decision }).then(function (r) {
    if (r.status === 200 && r.data.contact) {
      if (mineNow()) {
        S.maybeNote = { id: id };
        E.maybeNote.textContent = decision === 'opt_out' ? 'Opted out: they get one text confirming it.' : 'Marked as not an opt-out.';
      }
      applyContact(r.data.contact);
      return;
    }
    if (!mineNow()) return;
    if (r.status === 409 && r.data.error && r.data.error.code === 'not_pending') {
      // Decided in another tab, or a newer text took its place: show what is true now.
      S.maybeNote = { id: id, conflict: true };
      E.maybeNote.textContent = 'That text was already decided.';
      refreshContact();
      reloadThread();
      return;
    }
    E.maybeErr.textContent = errorText(r);
  }, function () {
    if (mineNow()) E.maybeErr.textContent = OFFLINE;
  }).then(function () {
    S.deciding = false;
    E.maybeOut.disabled = E.maybeKeep.disabled = false;
    var at = document.activeElement;
    if (focused && mineNow() && (!at || at === document.body || E.maybe.contains(at))) {
      if (!E.maybe.hidden) btn.focus(); else (E.box.disabled ? E.threadTitle : E.box).focus();
    }
  });
}
