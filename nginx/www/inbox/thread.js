/* The open conversation: its head, its messages in time order (older ones as it scrolls up),
   reading, history sync. The composer and the possible opt-out banner below the messages
   have modules of their own. */
import { h } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api, errorText, OFFLINE, qs } from './api.js';
import { formatPhone, nameOf, iso, optState, OPT_LABEL, when } from './format.js';
import { showView } from './views.js';
import { renderConversations, scheduleRefresh } from './conversations.js';
import { buildComposer, clearAttachments, composeInput, updateComposer } from './composer.js';
import { buildPossibleOptOut, maybeOf } from './possible-opt-out.js';
import { editContact } from './contacts.js';
import { buildWork, loadWork } from './work.js';
import { buildNoteForm, loadNotes } from './notes.js';
import { buildViewers, lookAt } from './presence.js';
import { mediaRow } from './media.js';

var RANK = { accepted: 0, scheduled: 0, queued: 1, sending: 2, sent: 3, delivered: 4, undelivered: 4, failed: 4, received: 4, read: 5 };
var STATUS = {
  accepted: ['Queued', '\u25F7'], scheduled: ['Queued', '\u25F7'], queued: ['Queued', '\u25F7'],
  sending: ['Sending', '\u25F7'], sent: ['Sent', '\u2713'], delivered: ['Delivered', '\u2713\u2713'],
  read: ['Read', '\u2713\u2713'], undelivered: ['Not delivered', '\u26A0'], failed: ['Failed', '\u26A0']
};
function rank(s) { return s in RANK ? RANK[s] : -1; }

// The thread pane, and the one that shows while no thread is open.
export function buildThread() {
  E.back = h('button', { type: 'button', class: 'back-btn', onclick: closeThread }, '\u2190 Back to conversations');
  E.threadTitle = h('h2', { class: 'thread-title iso name-line', id: 'thread-title', tabindex: '-1', dir: 'auto' });
  E.threadInfo = h('p', { class: 'small muted' });
  E.syncBtn = h('button', { type: 'button', class: 'btn-secondary', onclick: syncHistory }, 'Sync history from Twilio');
  E.syncOut = h('p', { class: 'small', 'aria-live': 'polite' });
  E.contactBtn = h('button', { type: 'button', class: 'btn-secondary', onclick: function () { if (S.contact) { showView('contacts'); editContact(S.contact); } } }, 'Contact details');
  E.thread = h('ol', { class: 'thread', 'aria-label': 'Messages', tabindex: '0', onscroll: function () {
    if (E.thread.scrollTop < 60) loadOlder();
  } });
  E.threadNote = h('p', { class: 'small muted center', 'aria-live': 'polite' });
  E.threadPane = h('section', { class: 'pane thread-pane', 'aria-labelledby': 'thread-title', onkeydown: function (e) {
    // On a phone, Escape is the back button.
    if (e.key === 'Escape' && E.back.offsetParent !== null) { e.preventDefault(); closeThread(); }
  } },
    h('div', { class: 'pane-head thread-head' }, E.back,
      h('div', { class: 'thread-who' }, E.threadTitle, E.threadInfo, buildViewers()),
      h('div', { class: 'row-wrap' }, E.contactBtn, E.syncBtn), E.syncOut, buildWork()),
    E.thread, E.threadNote, buildPossibleOptOut(), buildComposer(), buildNoteForm());
  E.empty = h('section', { class: 'pane empty-pane' }, h('p', { class: 'muted', text: 'Choose a conversation.' }));
  E.threadPane.hidden = true;
  return [E.empty, E.threadPane];
}

export function openThread(contact) {
  showView('conversations');
  var seq = ++S.threadSeq;
  S.contact = contact;
  S.msgs.clear();
  S.nextBefore = null;
  S.texted = false;
  S.pending = null;
  S.arrivedWhileTyping = false;
  S.threadLoaded = false;
  S.maybeText = null;
  S.maybeFetch = null;
  S.maybeShown = null;
  S.maybeNote = null;
  E.maybeNote.textContent = '';
  E.maybeErr.textContent = '';
  E.thread.textContent = '';
  E.syncOut.textContent = '';
  E.sendErr.textContent = '';
  E.retry.hidden = true;
  E.box.value = '';
  clearAttachments();
  composeInput();
  E.threadNote.textContent = 'Loading\u2026';
  E.empty.hidden = true;
  E.threadPane.hidden = false;
  E.convView.classList.add('show-thread');
  renderThreadHead();
  loadWork(contact.id);
  loadNotes(contact.id);
  lookAt(contact.id);
  updateComposer();
  renderConversations();
  E.threadTitle.focus();
  api('GET', '/api/crm/sms/messages?' + qs({ contactId: contact.id, limit: 30 })).then(function (r) {
    if (seq !== S.threadSeq) return;
    if (r.status !== 200 || !r.data.success) { E.threadNote.textContent = errorText(r); return; }
    E.threadNote.textContent = '';
    S.nextBefore = r.data.nextBefore;
    S.threadLoaded = true;
    (r.data.messages || []).forEach(function (m) { upsert(m); });
    E.thread.scrollTop = E.thread.scrollHeight;
    updateComposer();
    markRead();
  }, function () { if (seq === S.threadSeq) E.threadNote.textContent = OFFLINE; });
  // Did they ever text us? Then they may be texted (not only the newest page counts).
  api('GET', '/api/crm/sms/messages?' + qs({ contactId: contact.id, direction: 'inbound', limit: 1 })).then(function (r) {
    if (seq !== S.threadSeq || r.status !== 200) return;
    if ((r.data.messages || []).length) { S.texted = true; updateComposer(); }
  }, function () {});
}
export function closeThread() {
  S.threadSeq++;
  S.contact = null;
  lookAt(null);
  E.threadPane.hidden = true;
  E.empty.hidden = false;
  E.convView.classList.remove('show-thread');
  renderConversations();
  var first = E.convList.querySelector('button');
  if (first) first.focus(); else E.search.focus();
}
export function markRead() {
  if (!S.contact) return;
  var id = S.contact.id;
  api('POST', '/api/crm/sms/messages/read', { contactId: id }).then(function (r) {
    if (r.status !== 200) return;
    S.convs.forEach(function (c) { if (c.contact.id === id) c.unreadCount = 0; });
    renderConversations();
  }, function () {});
}
export function renderThreadHead() {
  var c = S.contact;
  if (!c) return;
  E.threadTitle.textContent = E.threadTitle.title = nameOf(c);
  var opt = optState(c);
  E.threadInfo.textContent = '';
  if (nameOf(c) !== formatPhone(c.phone)) E.threadInfo.append(formatPhone(c.phone), ' \u00B7 ');
  E.threadInfo.append(h('span', { class: 'opt opt-' + opt, text: OPT_LABEL[opt] }));
}
// The contact as the server has it now, in the thread and in the list at once.
export function applyContact(contact) {
  S.convSeq++; // a list asked for before this answer is older than it
  S.convs.forEach(function (x) { if (x.contact.id === contact.id) x.contact = contact; });
  if (S.contact && S.contact.id === contact.id) { S.contact = contact; renderThreadHead(); updateComposer(); }
  renderConversations();
  scheduleRefresh();
}

function mine(m) { return m.direction === 'outbound' && m.sentBy !== 'web'; }
function bubble(m) {
  var me = mine(m);
  var meta = h('p', { class: 'meta' },
    h('span', { class: 'chan chan-' + (m.channel === 'web' ? 'web' : 'sms'), text: m.channel === 'web' ? 'Web' : 'SMS' }),
    ' ', when(m.createdAt, true));
  if (m.sentBy === 'web') meta.append(' \u00B7 from the web form');
  else if (me && m.sentBy) meta.append(' \u00B7 by ', iso(m.sentBy));
  if (m.direction === 'outbound' && STATUS[m.status]) {
    var st = STATUS[m.status];
    var bad = m.status === 'failed' || m.status === 'undelivered';
    if (bad) {
      var why = (m.errorMessage || 'No reason given') + (m.errorCode ? ' (error ' + m.errorCode + ')' : '');
      var detail = h('span', { class: 'fail-detail', hidden: true, text: why });
      meta.append(' \u00B7 ', h('button', { type: 'button', class: 'status status-failed', title: why, 'aria-expanded': 'false',
        onclick: function (e) {
          detail.hidden = !detail.hidden;
          e.currentTarget.setAttribute('aria-expanded', String(!detail.hidden));
        } }, h('span', { 'aria-hidden': 'true', text: st[1] + ' ' }), st[0]), ' ', detail);
    } else {
      meta.append(' \u00B7 ', h('span', { class: 'status status-' + m.status },
        h('span', { 'aria-hidden': 'true', text: st[1] + ' ' }), st[0]));
    }
  }
  var li = h('li', { class: 'msg ' + (me ? 'out' : 'in') + (m.channel === 'web' ? ' web' : '') +
    (S.contact && maybeOf(S.contact) === m.id ? ' maybe' : ''), 'data-id': m.id },
    h('span', { class: 'sr', text: me ? 'Sent: ' : 'Received: ' }),
    m.body ? iso(m.body, 'body', 'p') : null);
  var media = mediaRow(m);
  if (media) li.append(media);
  li.append(meta);
  return li;
}
// Add a message or update the one with its id; a status never moves back.
export function upsert(m) {
  if (!m || m.id == null) return false;
  var key = String(m.id);
  var old = S.msgs.get(key);
  if (old && rank(m.status) < rank(old.status)) {
    m = Object.assign({}, m, { status: old.status, deliveredAt: old.deliveredAt, readAt: old.readAt,
      errorCode: old.errorCode, errorMessage: old.errorMessage });
  }
  // Each picture as its newest report says (the worker's and a retry's may cross).
  if (old && old.media && m.media) {
    m = Object.assign({}, m, { media: m.media.map(function (it) {
      var was = old.media.find(function (o) { return o.id === it.id; });
      return was && was.version > it.version ? was : it;
    }) });
  }
  if (m.direction === 'inbound') S.texted = true;
  var fresh = place(key, m, bubble(m), mine(m)) && !old;
  // Someone else's message while a reply is being written: it is shown before that reply goes.
  if (fresh && S.threadLoaded && E.box.value.trim() && (m.direction === 'inbound' || !S.me || m.sentBy !== S.me.name)) {
    S.arrivedWhileTyping = true;
  }
  return fresh;
}
// A note (notes.js) among the messages, by its time; keyed apart from the messages' ids.
export function upsertNote(n) {
  if (!n || n.id == null) return false;
  var key = 'n' + n.id;
  var fresh = !S.msgs.has(key);
  return place(key, n, noteItem(n), n.author && S.me && n.author.id === S.me.id) && fresh;
}
function noteItem(n) {
  return h('li', { class: 'note', 'data-id': 'n' + n.id },
    h('span', { class: 'sr', text: 'Internal note: ' }),
    iso(n.body, 'body', 'p'),
    h('p', { class: 'meta' }, h('span', { class: 'chan chan-note', text: 'Note' }), ' ', when(n.createdAt, true),
      ' \u00B7 by ', iso(n.authorName), ' \u00B7 only your team sees it'));
}
// Puts `li` for `item` (stored under `key`) in time order: false when it replaced one shown.
function place(key, item, li, ours) {
  S.msgs.set(key, item);
  var atEnd = E.thread.scrollHeight - E.thread.scrollTop - E.thread.clientHeight < 60;
  // In time order, as the API lists them: a synced old text has a new id but an old time.
  var prev = null, next = null;
  Array.prototype.forEach.call(E.thread.children, function (el) {
    var id = el.getAttribute('data-id');
    if (id === key) prev = el;
    else if (id && !next && newer(S.msgs.get(id), item)) next = el;
  });
  if (prev) { prev.replaceWith(li); return false; }
  E.thread.insertBefore(li, next);
  if (!next && (atEnd || ours)) E.thread.scrollTop = E.thread.scrollHeight;
  return true;
}
function newer(a, b) {
  return !!a && (a.createdAt > b.createdAt || (a.createdAt === b.createdAt && Number(a.id) > Number(b.id)));
}
// What a sync changed in the open thread: as many of its newest messages as are shown, again.
export function reloadThread() {
  if (!S.contact) return;
  var seq = S.threadSeq;
  api('GET', '/api/crm/sms/messages?' + qs({ contactId: S.contact.id, limit: Math.min(200, Math.max(30, S.msgs.size)) })).then(function (r) {
    if (seq !== S.threadSeq || r.status !== 200 || !r.data.success) return;
    if (!S.nextBefore) S.nextBefore = r.data.nextBefore;
    (r.data.messages || []).forEach(function (m) { upsert(m); });
    updateComposer();
  }, function () {});
}
function loadOlder() {
  if (!S.contact || !S.nextBefore || S.olderLoading) return;
  var seq = S.threadSeq;
  S.olderLoading = true;
  E.threadNote.textContent = '';
  var top = h('li', { class: 'small muted center loading', text: 'Loading older messages\u2026' });
  E.thread.prepend(top);
  api('GET', '/api/crm/sms/messages?' + qs({ contactId: S.contact.id, limit: 30, before: S.nextBefore })).then(function (r) {
    top.remove();
    S.olderLoading = false;
    if (seq !== S.threadSeq || r.status !== 200) return;
    var before = E.thread.scrollHeight;
    (r.data.messages || []).forEach(function (m) { upsert(m); });
    E.thread.scrollTop += E.thread.scrollHeight - before; // keep the reader's place
    S.nextBefore = r.data.nextBefore;
  }, function () { top.remove(); S.olderLoading = false; });
}
export function refreshContact() {
  if (!S.contact) return;
  var id = S.contact.id;
  api('GET', '/api/crm/contacts/' + id).then(function (r) {
    if (r.status === 200 && r.data.contact && S.contact && S.contact.id === id) {
      S.contact = r.data.contact;
      renderThreadHead();
      updateComposer();
    }
  }, function () {});
}

// History sync.
function syncHistory() {
  if (!S.contact) return;
  var id = S.contact.id;
  E.syncBtn.disabled = true;
  E.syncOut.textContent = 'Syncing\u2026';
  api('POST', '/api/crm/sms/sync', { contactId: id }).then(function (r) {
    if (r.status === 200 && r.data.success) {
      E.syncOut.textContent = 'Synced: fetched ' + r.data.fetched + ', inserted ' + r.data.inserted + ', updated ' + r.data.updated + '.';
      // Its `sync` event does the same, unless the live connection is down.
      if (S.contact && S.contact.id === id && (r.data.inserted || r.data.updated)) reloadThread();
      scheduleRefresh();
    } else {
      E.syncOut.textContent = 'Sync failed: ' + errorText(r);
    }
  }, function () { E.syncOut.textContent = OFFLINE; }).then(function () { E.syncBtn.disabled = false; });
}
