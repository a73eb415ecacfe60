/* The composer under the open thread: the text with its segment count, Send and Retry (one
   Idempotency-Key per text), the opt-in request, and the reason when sending is off. */
import { h, segmentsOf } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api, errorText, OFFLINE, newKey } from './api.js';
import { nameEl, optState, segText } from './format.js';
import { scheduleRefresh } from './conversations.js';
import { upsert, refreshContact } from './thread.js';
import { renderMaybe } from './possible-opt-out.js';

export function buildComposer() {
  E.box = h('textarea', { id: 'compose', rows: 3, 'aria-describedby': 'compose-count compose-warn compose-reason compose-err',
    oninput: composeInput, onkeydown: composeKey });
  E.count = h('p', { class: 'small count', id: 'compose-count', 'aria-live': 'polite' });
  E.warn = h('p', { class: 'small warn', id: 'compose-warn' });
  E.reason = h('p', { class: 'reason', id: 'compose-reason' });
  E.optInBtn = h('button', { type: 'button', class: 'btn-secondary', hidden: true, onclick: sendOptIn }, 'Send opt-in request');
  E.sendErr = h('p', { class: 'error', id: 'compose-err', role: 'alert' });
  E.retry = h('button', { type: 'button', class: 'btn-secondary', hidden: true, onclick: function () { send(true); } }, 'Retry');
  E.sendBtn = h('button', { type: 'submit', class: 'btn' }, 'Send');
  E.composer = h('form', { class: 'composer', novalidate: true, onsubmit: function (e) { e.preventDefault(); send(false); } },
    h('label', { for: 'compose', text: 'Message' }),
    h('div', { class: 'row' }, E.box, E.sendBtn),
    E.count, E.warn, E.reason, h('div', { class: 'row-wrap' }, E.optInBtn, E.retry), E.sendErr);
  return E.composer;
}

export function updateComposer() {
  var c = S.contact;
  if (!c) return;
  var opt = optState(c);
  var reason = null;
  if (opt === 'out') reason = ['Sending is off: ', nameEl(c), ' opted out of texts. They can text START to opt back in.'];
  else if (opt === 'none' && !S.texted) reason = ['Sending is off: ', nameEl(c), ' has not opted in and has not texted us. Send an opt-in request first.'];
  E.reason.textContent = '';
  if (reason) E.reason.append.apply(E.reason, reason);
  E.box.disabled = !!reason;
  E.sendBtn.disabled = !!reason || S.sending;
  E.optInBtn.hidden = opt !== 'none';
  renderMaybe();
}

export function composeInput() {
  var body = E.box.value.trim();
  var c = segmentsOf(body);
  if (!c) { E.count.textContent = ''; return; }
  E.count.textContent = segText(c);
  E.warn.textContent = c.segments > 1 ? 'This message will go out in ' + c.segments + ' parts, billed as ' + c.segments + ' messages.' : '';
  // A different text is a different message: it gets its own Idempotency-Key.
  if (S.pending && S.pending.body !== body) { S.pending = null; E.retry.hidden = true; }
}
function composeKey(e) {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(false); }
}
function send(retry) {
  if (S.sending || !S.contact) return;
  var body = retry && S.pending ? S.pending.body : E.box.value.trim();
  if (!body) { E.sendErr.textContent = 'Please write a message.'; return; }
  if (S.arrivedWhileTyping) {
    S.arrivedWhileTyping = false;
    E.thread.scrollTop = E.thread.scrollHeight;
    E.sendErr.textContent = 'A new message came in while you were writing (shown above). Read it, then press Send again to send yours.';
    return;
  }
  if (!S.pending || S.pending.body !== body) S.pending = { body: body, key: newKey() };
  S.pending.retry = !!retry;
  post({ contactId: S.contact.id, body: body }, S.pending.key, function () {
    S.pending = null;
    E.box.value = '';
    composeInput();
  });
}
function sendOptIn() {
  if (S.sending || !S.contact) return;
  post({ contactId: S.contact.id, optInRequest: true }, newKey(), function () {
    E.threadNote.textContent = 'Opt-in request sent.';
  });
}
function post(payload, key, done) {
  var contactId = S.contact.id;
  S.sending = true;
  E.sendErr.textContent = '';
  E.retry.hidden = true;
  updateComposer();
  E.sendBtn.textContent = 'Sending\u2026';
  api('POST', '/api/crm/sms/send', payload, { 'Idempotency-Key': key }).then(function (r) {
    if (r.status >= 200 && r.status < 300 && r.data.success) {
      if (S.contact && S.contact.id === contactId) upsert(r.data.message);
      done();
      scheduleRefresh();
      return;
    }
    var code = r.data.error && r.data.error.code;
    E.sendErr.textContent = errorText(r);
    if (code === 'opted_out' || code === 'no_consent') refreshContact();
    // The outcome may be unknown: retrying with the same key never sends twice.
    E.retry.hidden = !(payload.body && (r.status >= 500 || code === 'send_in_progress'));
    // The same key gives the same stored answer: say how to send it afresh.
    if (S.pending && S.pending.retry && code !== 'send_in_progress') {
      E.retry.hidden = true;
      E.sendErr.textContent += ' It was not sent. To send it as a new message, change the text and press Send.';
    }
  }, function () {
    E.sendErr.textContent = OFFLINE + ' It may not have been sent: Retry will not send it twice.';
    E.retry.hidden = !payload.body;
  }).then(function () {
    S.sending = false;
    E.sendBtn.textContent = 'Send';
    updateComposer();
    if (!E.box.disabled) E.box.focus();
  });
}
