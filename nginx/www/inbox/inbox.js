/* textus staff inbox: conversations, threads, a composer and contacts, live over the staff
   long-poll. Plain JavaScript, no build step. The API is DESIGN.md §4 "Staff"; the segment
   counter is ../segments.js (window.textusSegments), the same one the visitor widget uses.
   The staff key lives in sessionStorage only: never in a URL, never logged. */
(function () {
  'use strict';

  var KEY_STORE = 'textus.staffKey';
  var PAGE = 25;
  var RANK = { accepted: 0, scheduled: 0, queued: 1, sending: 2, sent: 3, delivered: 4, undelivered: 4, failed: 4, received: 4, read: 5 };
  var STATUS = {
    accepted: ['Queued', '\u25F7'], scheduled: ['Queued', '\u25F7'], queued: ['Queued', '\u25F7'],
    sending: ['Sending', '\u25F7'], sent: ['Sent', '\u2713'], delivered: ['Delivered', '\u2713\u2713'],
    read: ['Read', '\u2713\u2713'], undelivered: ['Not delivered', '\u26A0'], failed: ['Failed', '\u26A0']
  };
  var STATUSES = ['new', 'contacted', 'qualified', 'nurturing', 'client', 'inactive'];

  var S = {
    key: null, view: 'conversations',
    convs: [], convTotal: 0, convMore: false, convSearch: '', convLoading: false, convSeq: 0,
    contact: null, msgs: new Map(), nextBefore: null, olderLoading: false, texted: false, threadSeq: 0,
    pending: null, sending: false,
    live: { gen: 0, abort: null, timer: 0, renew: 0, failures: 0, headers: null },
    refreshTimer: 0,
    contacts: [], contactsMore: false, editing: null
  };

  // ---- Small helpers. ----
  function $(id) { return document.getElementById(id); }
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    });
    (function add(list) {
      list.forEach(function (c) {
        if (Array.isArray(c)) add(c);
        else if (c != null && c !== false) el.append(c);
      });
    })(Array.prototype.slice.call(arguments, 2));
    return el;
  }
  function formatPhone(p) {
    var m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(p || '');
    return m ? '(' + m[1] + ') ' + m[2] + '-' + m[3] : (p || '');
  }
  function nameOf(c) {
    if (!c) return '';
    var n = [c.firstName, c.lastName].filter(Boolean).join(' ');
    return n || formatPhone(c.phone);
  }
  function optState(c) {
    if (!c) return 'none';
    if (!c.smsOptIn && c.optedOutAt) return 'out';
    return c.smsOptIn ? 'in' : 'none';
  }
  var OPT_LABEL = { 'in': 'Opted in', none: 'Not opted in', out: 'Opted out' };
  function when(iso, long) {
    var d = new Date(iso);
    if (!iso || isNaN(d)) return null;
    var sameDay = d.toDateString() === new Date().toDateString();
    var text = sameDay && !long ? d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })
      : d.toLocaleString([], { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
    return h('time', { datetime: iso, title: d.toLocaleString(), text: text });
  }
  function rank(s) { return s in RANK ? RANK[s] : -1; }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return 'inbox-' + crypto.randomUUID();
    return 'inbox-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }
  function segmentsOf(body) {
    var f = window.textusSegments;
    return f ? f(body) : null;
  }

  // ---- The API. {status, data}; rejects only on a network error. ----
  function api(method, path, body, headers) {
    var opts = { method: method, headers: { Accept: 'application/json', Authorization: 'Bearer ' + S.key }, cache: 'no-store' };
    Object.keys(headers || {}).forEach(function (k) { opts.headers[k] = headers[k]; });
    if (body) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    return fetch(path, opts).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        var r = { status: res.status, data: data || {}, date: res.headers.get('Date') };
        if (res.status === 401 && S.key) expired();
        return r;
      });
    });
  }
  function errorText(r) {
    var err = (r.data && r.data.error) || {};
    return err.message || 'Something went wrong (' + r.status + ').';
  }
  var OFFLINE = 'Could not reach the server. Check the connection and try again.';
  function qs(o) {
    return Object.keys(o).filter(function (k) { return o[k] !== '' && o[k] != null; })
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(o[k]); }).join('&');
  }

  // ---- Sign-in. ----
  var signin = $('signin'), app = $('app'), keyBox = $('staff-key'), signinErr = $('signin-error');
  var nav = document.querySelector('.nav'), signOutBtn = $('sign-out'), conn = $('conn');

  $('signin-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var key = keyBox.value.trim();
    if (!key) { signinErr.textContent = 'Please enter your staff key.'; keyBox.focus(); return; }
    signinErr.textContent = '';
    tryKey(key, true);
  });
  signOutBtn.addEventListener('click', function () { signOut(''); });

  function tryKey(key, typed) {
    S.key = key;
    api('GET', '/api/crm/sms/conversations?limit=1').then(function (r) {
      if (r.status === 200 && r.data.success) {
        try { sessionStorage.setItem(KEY_STORE, key); } catch (_) { /* this page only */ }
        keyBox.value = '';
        start();
      } else {
        S.key = null;
        signinErr.textContent = r.status === 401 ? 'That key was not accepted. Check it and try again.' : errorText(r);
        if (typed) keyBox.focus();
        keyBox.setAttribute('aria-invalid', 'true');
      }
    }, function () {
      S.key = null;
      signinErr.textContent = OFFLINE;
    });
  }
  function expired() { signOut('Your key is no longer accepted. Please sign in again.'); }
  function signOut(message) {
    try { sessionStorage.removeItem(KEY_STORE); } catch (_) { /* nothing kept */ }
    S.key = null;
    stopLive();
    S.live.headers = null;
    app.hidden = true;
    app.textContent = '';
    nav.hidden = true;
    signOutBtn.hidden = true;
    conn.textContent = '';
    signin.hidden = false;
    signinErr.textContent = message || '';
    keyBox.removeAttribute('aria-invalid');
    keyBox.focus();
  }

  // ---- The app's DOM (built after sign-in). ----
  var E = {};
  function build() {
    app.textContent = '';
    // Conversations: list pane and thread pane.
    E.search = h('input', { id: 'conv-search', type: 'search', autocomplete: 'off', oninput: debounce(function () {
      S.convSearch = E.search.value.trim(); loadConversations(true);
    }, 250) });
    E.convList = h('ul', { class: 'conv-list', 'aria-label': 'Conversations' });
    E.convMore = h('button', { type: 'button', class: 'link-btn', hidden: true, onclick: function () { loadConversations(false); } }, 'More conversations');
    E.convStatus = h('p', { class: 'small muted', 'aria-live': 'polite' });
    E.listScroll = h('div', { class: 'scroll', onscroll: function () {
      var el = E.listScroll;
      if (S.convMore && !S.convLoading && el.scrollHeight - el.scrollTop - el.clientHeight < 80) loadConversations(false);
    } }, E.convList, E.convStatus, E.convMore);
    E.listPane = h('section', { class: 'pane list-pane', 'aria-label': 'Conversation list' },
      h('div', { class: 'pane-head' }, h('label', { for: 'conv-search', text: 'Search conversations' }), E.search),
      E.listScroll);

    E.back = h('button', { type: 'button', class: 'back-btn', onclick: closeThread }, '\u2190 Back to conversations');
    E.threadTitle = h('h2', { class: 'thread-title', id: 'thread-title', tabindex: '-1' });
    E.threadInfo = h('p', { class: 'small muted' });
    E.syncBtn = h('button', { type: 'button', class: 'btn-secondary', onclick: syncHistory }, 'Sync history from Twilio');
    E.syncOut = h('p', { class: 'small', 'aria-live': 'polite' });
    E.contactBtn = h('button', { type: 'button', class: 'btn-secondary', onclick: function () { if (S.contact) { showView('contacts'); editContact(S.contact); } } }, 'Contact details');
    E.thread = h('ol', { class: 'thread', 'aria-label': 'Messages', tabindex: '0', onscroll: function () {
      if (E.thread.scrollTop < 60) loadOlder();
    } });
    E.threadNote = h('p', { class: 'small muted center', 'aria-live': 'polite' });
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
    E.threadPane = h('section', { class: 'pane thread-pane', 'aria-labelledby': 'thread-title', onkeydown: function (e) {
      // On a phone, Escape is the back button.
      if (e.key === 'Escape' && E.back.offsetParent !== null) { e.preventDefault(); closeThread(); }
    } },
      h('div', { class: 'pane-head thread-head' }, E.back,
        h('div', { class: 'thread-who' }, E.threadTitle, E.threadInfo),
        h('div', { class: 'row-wrap' }, E.contactBtn, E.syncBtn), E.syncOut),
      E.thread, E.threadNote, E.composer);
    E.empty = h('section', { class: 'pane empty-pane' }, h('p', { class: 'muted', text: 'Choose a conversation.' }));
    E.convView = h('div', { class: 'conv-view' }, E.listPane, E.empty, E.threadPane);
    E.threadPane.hidden = true;

    // Contacts.
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
          h('button', { type: 'button', class: 'btn', onclick: function () { editContact(null); } }, 'Add contact')),
        h('div', { class: 'scroll' }, E.cList, E.cNote, E.cMore)),
      E.editor);
    app.append(E.convView, E.contactsView);
    composeInput();
  }

  function debounce(fn, ms) {
    var t = 0;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  function start() {
    // A fresh session: nothing from an earlier sign-in in this tab carries over.
    S.convs = []; S.convSearch = ''; S.contact = null; S.contacts = []; S.editing = null; S.contactsLoaded = false;
    S.live.headers = null;
    signin.hidden = true;
    app.hidden = false;
    nav.hidden = false;
    signOutBtn.hidden = false;
    build();
    showView('conversations');
    loadConversations(true);
    startLive();
    E.search.focus();
  }

  $('nav-conversations').addEventListener('click', function () { showView('conversations'); });
  $('nav-contacts').addEventListener('click', function () { showView('contacts'); });
  function showView(v) {
    S.view = v;
    $('nav-conversations').setAttribute('aria-pressed', String(v === 'conversations'));
    $('nav-contacts').setAttribute('aria-pressed', String(v === 'contacts'));
    E.convView.hidden = v !== 'conversations';
    E.contactsView.hidden = v !== 'contacts';
    if (v === 'contacts' && !S.contactsLoaded) { S.contactsLoaded = true; loadContacts(true); }
    if (v === 'conversations') loadConversations(true, true);
  }

  // ---- Conversation list. ----
  // reset: from the top (a search, a refresh); keep: refresh as many as are shown, quietly.
  function loadConversations(reset, keep) {
    var seq = ++S.convSeq;
    var limit = reset ? (keep ? Math.min(200, Math.max(PAGE, S.convs.length)) : PAGE) : PAGE;
    var skip = reset ? 0 : S.convs.length;
    S.convLoading = true;
    if (!keep) E.convStatus.textContent = 'Loading\u2026';
    return api('GET', '/api/crm/sms/conversations?' + qs({ search: S.convSearch, limit: limit, skip: skip })).then(function (r) {
      if (seq !== S.convSeq) return;
      S.convLoading = false;
      if (r.status !== 200 || !r.data.success) { E.convStatus.textContent = errorText(r); return; }
      var rows = r.data.conversations || [];
      S.convs = reset ? rows : S.convs.concat(rows.filter(function (c) {
        return !S.convs.some(function (o) { return o.contact.id === c.contact.id; });
      }));
      S.convMore = !!(r.data.pagination && r.data.pagination.hasMore);
      E.convMore.hidden = !S.convMore;
      E.convStatus.textContent = S.convs.length ? '' : (S.convSearch ? 'No conversations match.' : 'No conversations yet.');
      renderConversations();
      // The open thread's contact, as the list knows it now (opt-in may have changed).
      if (S.contact) {
        var mine = S.convs.filter(function (c) { return c.contact.id === S.contact.id; })[0];
        if (mine && mine.contact.updatedAt !== S.contact.updatedAt) { S.contact = mine.contact; renderThreadHead(); updateComposer(); }
      }
    }, function () {
      if (seq !== S.convSeq) return;
      S.convLoading = false;
      E.convStatus.textContent = OFFLINE;
    });
  }
  function scheduleRefresh() {
    clearTimeout(S.refreshTimer);
    S.refreshTimer = setTimeout(function () { loadConversations(true, true); }, 250);
  }
  function preview(m) {
    if (!m) return '';
    var text = m.body || ((m.mediaUrls || []).length ? '[picture]' : '');
    return (m.direction === 'outbound' && m.sentBy !== 'web' ? 'You: ' : '') + text;
  }
  function renderConversations() {
    var focusedId = document.activeElement && document.activeElement.getAttribute('data-contact');
    E.convList.textContent = '';
    S.convs.forEach(function (c) {
      var opt = optState(c.contact);
      var open = S.contact && S.contact.id === c.contact.id;
      var btn = h('button', { type: 'button', class: 'conv' + (open ? ' open' : '') + (c.unreadCount ? ' unread' : ''),
        'data-contact': c.contact.id, 'aria-current': open ? 'true' : null, onclick: function () { openThread(c.contact); } },
        h('span', { class: 'conv-top' },
          h('span', { class: 'conv-name', text: nameOf(c.contact) || formatPhone(c.phoneNumber) }),
          h('span', { class: 'conv-time' }, when(c.lastMessageAt))),
        h('span', { class: 'conv-bottom' },
          h('span', { class: 'conv-preview', text: preview(c.lastMessage) }),
          c.unreadCount ? h('span', { class: 'badge', text: c.unreadCount + ' unread' }) : null),
        h('span', { class: 'opt opt-' + opt, text: OPT_LABEL[opt] }));
      E.convList.append(h('li', null, btn));
      if (String(c.contact.id) === focusedId) btn.focus();
    });
  }

  // ---- The thread. ----
  function openThread(contact) {
    showView('conversations');
    var seq = ++S.threadSeq;
    S.contact = contact;
    S.msgs.clear();
    S.nextBefore = null;
    S.texted = false;
    S.pending = null;
    E.thread.textContent = '';
    E.syncOut.textContent = '';
    E.sendErr.textContent = '';
    E.retry.hidden = true;
    E.box.value = '';
    composeInput();
    E.threadNote.textContent = 'Loading\u2026';
    E.empty.hidden = true;
    E.threadPane.hidden = false;
    E.convView.classList.add('show-thread');
    renderThreadHead();
    updateComposer();
    renderConversations();
    E.threadTitle.focus();
    api('GET', '/api/crm/sms/messages?' + qs({ contactId: contact.id, limit: 30 })).then(function (r) {
      if (seq !== S.threadSeq) return;
      if (r.status !== 200 || !r.data.success) { E.threadNote.textContent = errorText(r); return; }
      E.threadNote.textContent = '';
      S.nextBefore = r.data.nextBefore;
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
  function closeThread() {
    S.threadSeq++;
    S.contact = null;
    E.threadPane.hidden = true;
    E.empty.hidden = false;
    E.convView.classList.remove('show-thread');
    renderConversations();
    var first = E.convList.querySelector('button');
    if (first) first.focus(); else E.search.focus();
  }
  function markRead() {
    if (!S.contact) return;
    var id = S.contact.id;
    api('POST', '/api/crm/sms/messages/read', { contactId: id }).then(function (r) {
      if (r.status !== 200) return;
      S.convs.forEach(function (c) { if (c.contact.id === id) c.unreadCount = 0; });
      renderConversations();
    }, function () {});
  }
  function renderThreadHead() {
    var c = S.contact;
    if (!c) return;
    E.threadTitle.textContent = nameOf(c);
    var opt = optState(c);
    E.threadInfo.textContent = '';
    if (nameOf(c) !== formatPhone(c.phone)) E.threadInfo.append(formatPhone(c.phone), ' \u00B7 ');
    E.threadInfo.append(h('span', { class: 'opt opt-' + opt, text: OPT_LABEL[opt] }));
  }
  function updateComposer() {
    var c = S.contact;
    if (!c) return;
    var opt = optState(c);
    var reason = '';
    if (opt === 'out') reason = 'Sending is off: ' + nameOf(c) + ' opted out of texts. They can text START to opt back in.';
    else if (opt === 'none' && !S.texted) reason = 'Sending is off: ' + nameOf(c) + ' has not opted in and has not texted us. Send an opt-in request first.';
    E.reason.textContent = reason;
    E.box.disabled = !!reason;
    E.sendBtn.disabled = !!reason || S.sending;
    E.optInBtn.hidden = opt !== 'none';
  }

  function mine(m) { return m.direction === 'outbound' && m.sentBy !== 'web'; }
  function bubble(m) {
    var me = mine(m);
    var meta = h('p', { class: 'meta' },
      h('span', { class: 'chan chan-' + (m.channel === 'web' ? 'web' : 'sms'), text: m.channel === 'web' ? 'Web' : 'SMS' }),
      ' ', when(m.createdAt, true));
    if (m.sentBy === 'web') meta.append(' \u00B7 from the web form');
    else if (me && m.sentBy) meta.append(' \u00B7 by ' + m.sentBy);
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
    var li = h('li', { class: 'msg ' + (me ? 'out' : 'in') + (m.channel === 'web' ? ' web' : ''), 'data-id': m.id },
      h('span', { class: 'sr', text: me ? 'Sent: ' : 'Received: ' }),
      m.body ? h('p', { class: 'body', text: m.body }) : null);
    var media = (m.mediaUrls || []).filter(function (u) { return /^https?:/i.test(u); });
    if (media.length) {
      var row = h('div', { class: 'media' });
      media.forEach(function (url, i) {
        row.append(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' },
          h('img', { src: url, alt: 'Picture ' + (i + 1) + ' (opens in a new tab)', loading: 'lazy', referrerpolicy: 'no-referrer' })));
      });
      li.append(row);
    }
    li.append(meta);
    return li;
  }
  // Add a message or update the one with its id; a status never moves back.
  function upsert(m) {
    if (!m || m.id == null) return false;
    var key = String(m.id);
    var old = S.msgs.get(key);
    if (old && rank(m.status) < rank(old.status)) {
      m = Object.assign({}, m, { status: old.status, deliveredAt: old.deliveredAt, readAt: old.readAt,
        errorCode: old.errorCode, errorMessage: old.errorMessage });
    }
    S.msgs.set(key, m);
    if (m.direction === 'inbound') S.texted = true;
    var atEnd = E.thread.scrollHeight - E.thread.scrollTop - E.thread.clientHeight < 60;
    var li = bubble(m), prev = null, next = null;
    Array.prototype.forEach.call(E.thread.children, function (el) {
      var id = el.getAttribute('data-id');
      if (id === key) prev = el;
      else if (Number(id) > Number(key) && !next) next = el;
    });
    if (prev) { prev.replaceWith(li); return false; }
    E.thread.insertBefore(li, next);
    if (!next && (atEnd || mine(m))) E.thread.scrollTop = E.thread.scrollHeight;
    return !old;
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

  // ---- The composer. ----
  function composeInput() {
    var body = E.box.value.trim();
    var c = segmentsOf(body);
    if (!c) { E.count.textContent = ''; return; }
    E.count.textContent = c.characters + (c.characters === 1 ? ' character' : ' characters') + ' \u00B7 ' +
      c.segments + (c.segments === 1 ? ' segment' : ' segments') + ' (' + c.encoding + ')';
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
  function refreshContact() {
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

  // ---- History sync. ----
  function syncHistory() {
    if (!S.contact) return;
    var id = S.contact.id;
    E.syncBtn.disabled = true;
    E.syncOut.textContent = 'Syncing\u2026';
    api('POST', '/api/crm/sms/sync', { contactId: id }).then(function (r) {
      if (r.status === 200 && r.data.success) {
        E.syncOut.textContent = 'Synced: fetched ' + r.data.fetched + ', inserted ' + r.data.inserted + ', updated ' + r.data.updated + '.';
        if (S.contact && S.contact.id === id && (r.data.inserted || r.data.updated)) {
          var out = E.syncOut.textContent;
          openThread(S.contact); // a sync publishes nothing: reload what it changed
          E.syncOut.textContent = out;
        }
        scheduleRefresh();
      } else {
        E.syncOut.textContent = 'Sync failed: ' + errorText(r);
      }
    }, function () { E.syncOut.textContent = OFFLINE; }).then(function () { E.syncBtn.disabled = false; });
  }

  // ---- Live events: the staff long-poll (DESIGN §8), like the widget's. ----
  function stopLive() {
    var L = S.live;
    L.gen++;
    if (L.abort) L.abort.abort();
    L.abort = null;
    clearTimeout(L.timer);
    clearTimeout(L.renew);
  }
  // A fresh signed URL; the resume headers carry over (same channel), so nothing repeats.
  function startLive() {
    stopLive();
    var L = S.live, gen = L.gen;
    api('GET', '/api/crm/live').then(function (r) {
      if (gen !== L.gen) return;
      if (r.status !== 200 || !r.data.subscribeUrl) { later(gen, startLive); return; }
      // The first poll asks only for the last 10 s of events (by the server's clock): enough to
      // cover the list loaded alongside, without walking the channel's 15-minute buffer
      // (up to 200 events, one poll each). Replayed events are applied by id: harmless.
      var date = Date.parse(r.date || '');
      if (!L.headers && date) L.headers = { 'If-Modified-Since': new Date(date - 10000).toUTCString(), 'If-None-Match': '0' };
      var life = Date.parse(r.data.expiresAt) - Date.now();
      if (!(life > 0)) life = 600000;
      L.renew = setTimeout(function () { if (gen === L.gen) startLive(); }, Math.max(5000, life * 0.8));
      poll(gen, new URL(r.data.subscribeUrl, location.href).href);
    }, function () { if (gen === L.gen) later(gen, startLive); });
  }
  function later(gen, fn) {
    var L = S.live;
    var ms = Math.min(30000, 1000 * Math.pow(2, Math.min(L.failures++, 5)));
    conn.textContent = 'Reconnecting\u2026';
    clearTimeout(L.timer);
    L.timer = setTimeout(function () { if (gen === L.gen) fn(); }, ms);
  }
  function connected() {
    S.live.failures = 0;
    conn.textContent = 'Live';
  }
  function poll(gen, url) {
    var L = S.live;
    if (gen !== L.gen) return;
    var abort = L.abort = new AbortController();
    var t0 = Date.now();
    fetch(url, { headers: L.headers || {}, cache: 'no-store', signal: abort.signal }).then(function (res) {
      if (gen !== L.gen) return;
      if (res.status === 200) {
        var next = {}, lm = res.headers.get('Last-Modified'), tag = res.headers.get('Etag');
        if (lm) next['If-Modified-Since'] = lm;
        if (tag) next['If-None-Match'] = tag;
        return res.json().catch(function () { return null; }).then(function (ev) {
          if (gen !== L.gen) return;
          L.headers = next;
          connected();
          try { apply(ev); } catch (e) { /* one bad event must not stop the loop */ }
          poll(gen, url);
        });
      }
      if (res.status === 304 || res.status === 408) {
        connected();
        L.timer = setTimeout(function () { poll(gen, url); }, Date.now() - t0 < 1000 ? 1000 : 0);
      } else if (res.status === 403 || res.status === 410) {
        later(gen, startLive); // expired or refused: a fresh URL
      } else {
        later(gen, function () { poll(gen, url); });
      }
    }, function () {
      if (gen === L.gen) later(gen, function () { poll(gen, url); });
    });
  }
  // Events are applied by id, so a replayed one changes nothing.
  function apply(ev) {
    if (!ev || !ev.type) return;
    if (ev.type === 'message' || ev.type === 'status') {
      var m = ev.message;
      if (!m) return;
      if (S.contact && m.contactId === S.contact.id) {
        var fresh = upsert(m);
        if (fresh && m.direction === 'inbound') {
          updateComposer();
          refreshContact(); // STOP / START change who may be texted
          if (!document.hidden) markRead();
        }
      }
      scheduleRefresh();
    } else if (ev.type === 'contact' && ev.contact) {
      if (S.contact && S.contact.id === ev.contact.id) { S.contact = ev.contact; renderThreadHead(); updateComposer(); }
      scheduleRefresh();
      if (S.contactsLoaded && !E.contactsView.hidden) loadContacts(true, true);
    } else if (ev.type === 'contact_deleted') {
      if (S.contact && S.contact.id === ev.id) {
        closeThread();
        E.convStatus.textContent = 'That contact was deleted.';
      }
      scheduleRefresh();
      if (S.editing && S.editing.id === ev.id) { closeEditor(); E.cNote.textContent = 'That contact was deleted.'; }
      if (S.contactsLoaded) loadContacts(true, true);
    }
  }
  document.addEventListener('visibilitychange', function () { if (!document.hidden && S.contact) markRead(); });

  // ---- Contacts. ----
  function loadContacts(reset, keep) {
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
        h('span', { class: 'conv-top' }, h('span', { class: 'conv-name', text: nameOf(c) }), h('span', { class: 'conv-time', text: c.status })),
        h('span', { class: 'conv-bottom' }, h('span', { class: 'conv-preview', text: formatPhone(c.phone) + (c.email ? ' \u00B7 ' + c.email : '') })),
        h('span', { class: 'opt opt-' + opt, text: OPT_LABEL[opt] }))));
    });
  }

  // The editor: every writable field. An edit PATCHes only what changed (docs/decisions.md).
  var FIELDS = [
    ['firstName', 'First name'], ['lastName', 'Last name'], ['phone', 'Phone', 'tel'], ['email', 'Email', 'email'],
    ['birthdate', 'Birthdate', 'date']
  ];
  function editContact(c) {
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
    var title = h('h2', { id: 'editor-title', tabindex: '-1', text: c ? 'Edit ' + nameOf(c) : 'New contact' });
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
      h('p', { text: 'Delete ' + (c ? nameOf(c) : '') + '? Their messages stay, without a contact. This cannot be undone.' }),
      h('button', { type: 'button', class: 'btn danger', onclick: del }, 'Yes, delete'),
      h('button', { type: 'button', class: 'btn-secondary', onclick: function () { confirmBox.hidden = true; } }, 'Keep'));
    form.append(formErr, h('div', { class: 'row-wrap' },
      h('button', { type: 'submit', class: 'btn' }, c ? 'Save' : 'Add contact'),
      c ? h('button', { type: 'button', class: 'btn-secondary', onclick: function () { openThread(c); } }, 'Start conversation') : null,
      c ? h('button', { type: 'button', class: 'btn-secondary danger-text', onclick: function () { confirmBox.hidden = false; confirmBox.querySelector('button').focus(); } }, 'Delete') : null,
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
          E.editor.querySelector('#editor-title').textContent = (c ? 'Saved ' : 'Added ') + nameOf(saved);
        } else {
          setErr(r.data.error && r.data.error.field, errorText(r));
        }
      }, function () { formErr.textContent = OFFLINE; });
    }
    function del() {
      api('DELETE', '/api/crm/contacts/' + c.id).then(function (r) {
        if (r.status >= 200 && r.status < 300) {
          closeEditor();
          E.cNote.textContent = 'Deleted ' + nameOf(c) + '.';
          S.contacts = S.contacts.filter(function (o) { return o.id !== c.id; });
          renderContacts();
          loadContacts(true, true).then(function () { E.cNote.textContent = 'Deleted ' + nameOf(c) + '.'; });
          if (S.contact && S.contact.id === c.id) closeThread();
        } else {
          confirmBox.hidden = true;
          formErr.textContent = errorText(r);
        }
      }, function () { formErr.textContent = OFFLINE; });
    }
  }
  function closeEditor() {
    S.editing = null;
    E.editor.textContent = '';
    E.editor.classList.remove('open');
    E.contactsView.classList.remove('show-editor');
    renderContacts();
    E.cSearch.focus();
  }

  // ---- Start: a key kept from earlier in this tab signs in again. ----
  var kept = null;
  try { kept = sessionStorage.getItem(KEY_STORE); } catch (_) { /* storage off */ }
  if (kept) tryKey(kept, false); else keyBox.focus();
  // segments.js may load after this script: count once it is there.
  window.addEventListener('load', function () { if (E.box) composeInput(); });
})();
