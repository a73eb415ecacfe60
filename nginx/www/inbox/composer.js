/* The composer under the open thread: the text with its segment count, pictures (picker, drag
   and drop, paste; uploaded at once, shown from our copy, sent as one MMS), Send and Retry (one
   Idempotency-Key per message), the opt-in request, and the reason when sending is off. */
import { h, segmentsOf } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api, upload, errorText, OFFLINE, newKey } from './api.js';
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
  E.files = h('input', { type: 'file', id: 'compose-files', accept: TYPES.join(','), multiple: true, hidden: true,
    onchange: function () { attach(E.files.files); E.files.value = ''; } });
  E.attachBtn = h('button', { type: 'button', class: 'btn-secondary', onclick: function () { E.files.click(); } }, 'Attach picture');
  E.attachments = h('ul', { class: 'attachments', 'aria-label': 'Pictures to send' });
  E.composer = h('form', { class: 'composer', novalidate: true, onsubmit: function (e) { e.preventDefault(); send(false); },
    ondragover: function (e) { if (hasFiles(e)) { e.preventDefault(); E.composer.classList.add('dropping'); } },
    ondragleave: function () { E.composer.classList.remove('dropping'); },
    ondrop: function (e) {
      E.composer.classList.remove('dropping');
      if (!hasFiles(e)) return;
      e.preventDefault();
      attach(e.dataTransfer.files);
    } },
    h('label', { for: 'compose', text: 'Message' }),
    h('div', { class: 'row' }, E.box, E.sendBtn),
    E.attachments,
    E.count, E.warn, E.reason, h('div', { class: 'row-wrap' }, E.attachBtn, E.files, E.optInBtn, E.retry), E.sendErr);
  E.box.addEventListener('paste', function (e) {
    var files = e.clipboardData && e.clipboardData.files;
    if (files && files.length) { e.preventDefault(); attach(files); }
  });
  return E.composer;
}

// Twilio's limits for an MMS, which the server checks again by the pictures' bytes.
var TYPES = ['image/jpeg', 'image/png', 'image/gif'];
var MAX_BYTES = 5 * 1024 * 1024;
var MAX_ITEMS = 10;
var attachments = []; // {file, id, error, li}: id once uploaded

function hasFiles(e) {
  return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], 'Files') >= 0;
}
function uploading() { return attachments.some(function (a) { return a.id == null && !a.error; }); }
function ready() { return attachments.filter(function (a) { return a.id != null; }); }

// Each file checked here first (type, size, count), then uploaded; shown from our copy.
function attach(files) {
  E.sendErr.textContent = '';
  var problems = [];
  Array.prototype.forEach.call(files, function (file) {
    var total = attachments.reduce(function (n, a) { return n + a.file.size; }, 0);
    if (TYPES.indexOf(file.type) < 0) problems.push(file.name + ' is not a JPEG, PNG or GIF picture.');
    else if (attachments.length >= MAX_ITEMS) problems.push('A message holds at most ' + MAX_ITEMS + ' pictures.');
    else if (total + file.size > MAX_BYTES) problems.push(file.name + ' would take the pictures past 5 MB, the most one message holds.');
    else add(file);
  });
  E.sendErr.textContent = problems.join(' ');
  composeInput();
}
function add(file) {
  var a = { file: file, id: null, error: null };
  a.li = h('li', { class: 'attachment' });
  attachments.push(a);
  renderAttachment(a);
  E.attachments.append(a.li);
  upload('/api/crm/sms/media', file).then(function (r) {
    if (r.status === 201) a.id = r.data.media.id;
    else a.error = errorText(r);
  }, function () { a.error = OFFLINE; }).then(function () {
    renderAttachment(a);
    composeInput();
  });
}
function renderAttachment(a) {
  var n = attachments.indexOf(a) + 1;
  a.li.textContent = '';
  if (a.id != null) a.li.append(h('img', { src: '/api/crm/sms/media/' + a.id, alt: 'Picture ' + n + ' to send: ' + a.file.name }));
  else a.li.append(h('span', { class: 'media-note', role: 'status', text: a.error ? a.file.name + ': ' + a.error : 'Uploading ' + a.file.name + '\u2026' }));
  a.li.append(h('button', { type: 'button', class: 'media-retry', 'aria-label': 'Remove picture ' + n, onclick: function () {
    attachments.splice(attachments.indexOf(a), 1);
    a.li.remove();
    attachments.forEach(renderAttachment);
    composeInput();
  } }, 'Remove'));
}
export function clearAttachments() {
  attachments = [];
  E.attachments.textContent = '';
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
  E.attachBtn.disabled = !!reason;
  E.sendBtn.disabled = !!reason || S.sending || uploading();
  E.optInBtn.hidden = opt !== 'none';
  renderMaybe();
}

export function composeInput() {
  var body = E.box.value.trim();
  var pictures = ready().length;
  // A different text or set of pictures is a different message: it gets its own Idempotency-Key.
  if (S.pending && (S.pending.body !== body || S.pending.media !== mediaKey())) { S.pending = null; E.retry.hidden = true; }
  if (S.contact) E.sendBtn.disabled = E.box.disabled || S.sending || uploading();
  if (attachments.length) {
    E.count.textContent = 'Picture message (MMS): ' + pictures + (pictures === 1 ? ' picture' : ' pictures') +
      (uploading() ? ', uploading\u2026' : '') + '; billed as one MMS, whatever the length of the text.';
    E.warn.textContent = '';
    return;
  }
  var c = segmentsOf(asSent(body));
  if (!c) { E.count.textContent = ''; E.warn.textContent = ''; return; }
  E.count.textContent = segText(c);
  E.warn.textContent = c.segments > 1 ? 'This message will go out in ' + c.segments + ' parts, billed as ' + c.segments + ' messages.' : '';
}
// Counted as sent: each {link:...} as long as its short link on this site (common/sending/links).
function asSent(body) { return body.replace(/\{link:[^}]*\}/g, location.origin + '/l/' + 'x'.repeat(10)); }
function mediaKey() { return ready().map(function (a) { return a.id; }).join(','); }
function composeKey(e) {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(false); }
}
function send(retry) {
  if (S.sending || !S.contact) return;
  var body = retry && S.pending ? S.pending.body : E.box.value.trim();
  var media = retry && S.pending ? S.pending.media : mediaKey();
  if (uploading()) { E.sendErr.textContent = 'Wait for the pictures to upload, then send.'; return; }
  if (!body && !media) { E.sendErr.textContent = 'Please write a message or attach a picture.'; return; }
  if (S.arrivedWhileTyping) {
    S.arrivedWhileTyping = false;
    E.thread.scrollTop = E.thread.scrollHeight;
    E.sendErr.textContent = 'A new message came in while you were writing (shown above). Read it, then press Send again to send yours.';
    return;
  }
  if (!S.pending || S.pending.body !== body || S.pending.media !== media) S.pending = { body: body, media: media, key: newKey() };
  S.pending.retry = !!retry;
  var payload = { contactId: S.contact.id, body: body };
  if (media) payload.mediaIds = media.split(',').map(Number);
  post(payload, S.pending.key, function () {
    S.pending = null;
    E.box.value = '';
    clearAttachments();
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
    E.retry.hidden = !((payload.body || payload.mediaIds) && (r.status >= 500 || code === 'send_in_progress'));
    // The same key gives the same stored answer: say how to send it afresh.
    if (S.pending && S.pending.retry && code !== 'send_in_progress') {
      E.retry.hidden = true;
      E.sendErr.textContent += ' It was not sent. To send it as a new message, change the text and press Send.';
    }
  }, function () {
    E.sendErr.textContent = OFFLINE + ' It may not have been sent: Retry will not send it twice.';
    E.retry.hidden = !(payload.body || payload.mediaIds);
  }).then(function () {
    S.sending = false;
    E.sendBtn.textContent = 'Send';
    updateComposer();
    if (!E.box.disabled) E.box.focus();
  });
}
