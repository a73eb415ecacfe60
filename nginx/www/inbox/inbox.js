/* textus staff inbox: conversations, threads, a composer, contacts and campaigns, live over
   the staff long-poll. Plain JavaScript, no build step. The API is contract.md §4 "Staff" (and
   docs/decisions.md, Campaigns); the segment counter is ../segments.js (window.textusSegments),
   the same one the visitor widget uses.
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
    threadLoaded: false, maybeText: null, maybeFetch: null, maybeShown: null, maybeNote: null, deciding: false,
    live: { gen: 0, abort: null, timer: 0, renew: 0, failures: 0, headers: null },
    refreshTimer: 0,
    contacts: [], contactsMore: false, editing: null,
    camps: [], camp: null, campEvents: 0, campSeen: {}, recips: [], recipNext: null, recipSeq: 0
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
  // A name as shown: without explicit bidi controls (embeddings, overrides and isolates,
  // U+202A-U+202E and U+2066-U+2069), which a name never needs and which could make it show
  // other text than it holds ("invoice\u202Egnp.exe" as "invoiceexe.png"); docs/decisions.md.
  var BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
  function cleanName(s) { return String(s == null ? '' : s).replace(BIDI_CONTROLS, '').trim(); }
  function nameOf(c) {
    if (!c) return '';
    var n = [cleanName(c.firstName), cleanName(c.lastName)].filter(Boolean).join(' ');
    return n || formatPhone(c.phone);
  }
  // Someone's text (a name, a body, an email) in an element of its own: its direction is its
  // own (dir=auto) and it cannot reorder what is around it (unicode-bidi: isolate, inbox.css).
  function iso(text, cls, tag) {
    return h(tag || 'span', { class: 'iso' + (cls ? ' ' + cls : ''), dir: 'auto', text: text });
  }
  // The same with the whole text in its title: where it is cut to one line (conv-name,
  // name-line in inbox.css), the title still shows it all.
  function named(text, cls, tag) {
    var el = iso(text, cls, tag);
    el.title = text;
    return el;
  }
  function nameEl(c, cls) { return named(nameOf(c), cls); }
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
  function plural(n, one) { return n + ' ' + one + (n === 1 ? '' : 's'); }
  // "12 characters · 1 segment (GSM-7)", of a textusSegments count or the server's.
  function segText(c) {
    return plural(c.characters, 'character') + ' \u00B7 ' + plural(c.segments, 'segment') + ' (' + c.encoding + ')';
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
    E.threadTitle = h('h2', { class: 'thread-title iso name-line', id: 'thread-title', tabindex: '-1', dir: 'auto' });
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
    E.threadPane = h('section', { class: 'pane thread-pane', 'aria-labelledby': 'thread-title', onkeydown: function (e) {
      // On a phone, Escape is the back button.
      if (e.key === 'Escape' && E.back.offsetParent !== null) { e.preventDefault(); closeThread(); }
    } },
      h('div', { class: 'pane-head thread-head' }, E.back,
        h('div', { class: 'thread-who' }, E.threadTitle, E.threadInfo),
        h('div', { class: 'row-wrap' }, E.contactBtn, E.syncBtn), E.syncOut),
      E.thread, E.threadNote, E.maybeArea, E.composer);
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

    // Campaigns: the list, and a pane for one campaign or the new-campaign form.
    E.campList = h('ul', { class: 'camp-list', 'aria-label': 'Campaigns' });
    E.campNote = h('p', { class: 'small muted camp-note', 'aria-live': 'polite' });
    E.campPane = h('section', { class: 'pane editor-pane camp-pane', 'aria-labelledby': 'camp-title' });
    E.campView = h('div', { class: 'campaigns-view', hidden: true },
      h('section', { class: 'pane list-pane', 'aria-label': 'Campaign list' },
        h('div', { class: 'pane-head filters' },
          h('button', { type: 'button', class: 'btn', onclick: newCampaign }, 'New campaign')),
        h('div', { class: 'scroll' }, E.campList, E.campNote)),
      E.campPane);
    app.append(E.convView, E.contactsView, E.campView);
    composeInput();
  }

  function debounce(fn, ms) {
    var t = 0;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  function start() {
    // A fresh session: nothing from an earlier sign-in in this tab carries over.
    S.convs = []; S.convSearch = ''; S.contact = null; S.contacts = []; S.editing = null; S.contactsLoaded = false;
    S.camps = []; S.camp = null; S.campSeen = {}; S.templates = null; E.camp = null;
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
  $('nav-campaigns').addEventListener('click', function () { showView('campaigns'); });
  function showView(v) {
    S.view = v;
    $('nav-conversations').setAttribute('aria-pressed', String(v === 'conversations'));
    $('nav-contacts').setAttribute('aria-pressed', String(v === 'contacts'));
    $('nav-campaigns').setAttribute('aria-pressed', String(v === 'campaigns'));
    E.convView.hidden = v !== 'conversations';
    E.contactsView.hidden = v !== 'contacts';
    E.campView.hidden = v !== 'campaigns';
    if (v === 'contacts' && !S.contactsLoaded) { S.contactsLoaded = true; loadContacts(true); }
    if (v === 'conversations') loadConversations(true, true);
    // Campaign events are applied while the view is away; the open campaign's recipients and
    // delivery counts are refetched only while it shows: catch up.
    if (v === 'campaigns') { loadCampaigns(); if (S.camp) loadRecipients(true, true); }
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
      // A search looks at the newest 500 matches of a kind (docs/decisions.md): say so at its end.
      var capped = !S.convMore && !!(r.data.pagination && r.data.pagination.totalCapped);
      E.convStatus.textContent = S.convs.length ? (capped ? 'These are the newest matches; add a word to find older ones.' : '')
        : (S.convSearch ? 'No conversations match.' : 'No conversations yet.');
      renderConversations();
      // The open thread's contact, as the list knows it now (opt-in may have changed).
      if (S.contact) {
        var mine = S.convs.filter(function (c) { return c.contact.id === S.contact.id; })[0];
        // (Marking a possible opt-out, or settling one, leaves updatedAt as it was.)
        if (mine && (mine.contact.updatedAt !== S.contact.updatedAt ||
            mine.contact.possibleOptOutMessageId !== S.contact.possibleOptOutMessageId)) {
          S.contact = mine.contact; renderThreadHead(); updateComposer();
        }
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
    var you = m.direction === 'outbound' && m.sentBy !== 'web' ? 'You: ' : '';
    if (m.body) return [you, iso(m.body)];
    return you + ((m.mediaUrls || []).length ? '[picture]' : '');
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
          named(nameOf(c.contact) || formatPhone(c.phoneNumber), 'conv-name'),
          h('span', { class: 'conv-time' }, when(c.lastMessageAt))),
        h('span', { class: 'conv-bottom' },
          h('span', { class: 'conv-preview' }, preview(c.lastMessage)),
          c.unreadCount ? h('span', { class: 'badge', text: c.unreadCount + ' unread' }) : null),
        h('span', { class: 'conv-flags' }, h('span', { class: 'opt opt-' + opt, text: OPT_LABEL[opt] }),
          maybeOf(c.contact) != null ? h('span', { class: 'maybe-label', text: 'Possible opt-out' }) : null));
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
    E.threadTitle.textContent = E.threadTitle.title = nameOf(c);
    var opt = optState(c);
    E.threadInfo.textContent = '';
    if (nameOf(c) !== formatPhone(c.phone)) E.threadInfo.append(formatPhone(c.phone), ' \u00B7 ');
    E.threadInfo.append(h('span', { class: 'opt opt-' + opt, text: OPT_LABEL[opt] }));
  }
  function updateComposer() {
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

  // ---- A possible opt-out: a longer text with a stop word in it, for staff to decide. ----
  function maybeOf(c) { return c ? c.possibleOptOutMessageId : null; }
  function renderMaybe() {
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
  // The contact as the server has it now, in the thread and in the list at once.
  function applyContact(contact) {
    S.convSeq++; // a list asked for before this answer is older than it
    S.convs.forEach(function (x) { if (x.contact.id === contact.id) x.contact = contact; });
    if (S.contact && S.contact.id === contact.id) { S.contact = contact; renderThreadHead(); updateComposer(); }
    renderConversations();
    scheduleRefresh();
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
    // In time order, as the API lists them: a synced old text has a new id but an old time.
    var li = bubble(m), prev = null, next = null;
    Array.prototype.forEach.call(E.thread.children, function (el) {
      var id = el.getAttribute('data-id');
      if (id === key) prev = el;
      else if (id && !next && newer(S.msgs.get(id), m)) next = el;
    });
    if (prev) { prev.replaceWith(li); return false; }
    E.thread.insertBefore(li, next);
    if (!next && (atEnd || mine(m))) E.thread.scrollTop = E.thread.scrollHeight;
    return !old;
  }
  function newer(a, b) {
    return !!a && (a.createdAt > b.createdAt || (a.createdAt === b.createdAt && Number(a.id) > Number(b.id)));
  }
  // What a sync changed in the open thread: as many of its newest messages as are shown, again.
  function reloadThread() {
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

  // ---- The composer. ----
  function composeInput() {
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
        // Its `sync` event does the same, unless the live connection is down.
        if (S.contact && S.contact.id === id && (r.data.inserted || r.data.updated)) reloadThread();
        scheduleRefresh();
      } else {
        E.syncOut.textContent = 'Sync failed: ' + errorText(r);
      }
    }, function () { E.syncOut.textContent = OFFLINE; }).then(function () { E.syncBtn.disabled = false; });
  }

  // ---- Live events: the staff long-poll (contract.md §8), like the widget's. ----
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
      // Delivery callbacks publish the message, not its campaign: refetch the open one.
      if (S.camp && S.view === 'campaigns') refetchCampaign();
    } else if (ev.type === 'sync') {
      if (S.contact && S.contact.id === ev.contactId) reloadThread();
      scheduleRefresh();
    } else if (ev.type === 'campaign' && ev.campaign) {
      campaignEvent(ev.campaign);
    } else if (ev.type === 'contact' && ev.contact) {
      applyContact(ev.contact);
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
  function closeEditor() {
    S.editing = null;
    E.editor.textContent = '';
    E.editor.classList.remove('open');
    E.contactsView.classList.remove('show-editor');
    renderContacts();
    E.cSearch.focus();
  }

  // ---- Campaigns: one text to the contacts a filter picks, sent by the worker (textus-admin
  // run-due) at CAMPAIGN_RATE. The server renders, counts and decides who is skipped; this
  // view shows what it says, live from the staff channel. ----
  var CAMP_STATUS = { scheduled: 'Scheduled', sending: 'Sending', paused: 'Paused', completed: 'Completed' };
  var BUCKETS = [['queued', 'Queued'], ['sending', 'Sending'], ['sent', 'Sent'], ['delivered', 'Delivered'],
    ['failed', 'Failed'], ['skipped', 'Skipped']];
  var BUCKET = {};
  BUCKETS.forEach(function (b) { BUCKET[b[0]] = b[1]; });
  var SKIP = { opted_out: 'Opted out', not_opted_in: 'Not opted in', invalid_number: 'Invalid number', contact_deleted: 'Contact deleted',
    possible_opt_out: 'Possible opt-out' };
  var SKIP_COUNTS = [['optedOut', 'opted_out'], ['notOptedIn', 'not_opted_in'], ['invalidNumber', 'invalid_number'], ['contactDeleted', 'contact_deleted'],
    ['possibleOptOut', 'possible_opt_out']];
  var SKIP_WHY = {
    opted_out: 'they opted out of texts', not_opted_in: 'they have not opted in and have not texted us',
    invalid_number: 'their number is not a valid one', contact_deleted: 'the contact was deleted',
    possible_opt_out: 'their last text may be an opt-out, which staff have not decided yet'
  };

  function byId(list, id) { return list.filter(function (x) { return x.id === id; })[0]; }
  // Recipients who have had their turn: sent on, failed or skipped.
  function doneOf(p) { return p.recipients - p.queued - p.sending; }
  function campStatus(c) {
    if (c.status === 'scheduled') {
      return 'Scheduled for ' + new Date(c.sendAt).toLocaleString([], { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
    }
    if (c.status === 'paused' && c.pausedError) return 'Paused: a send failed';
    return CAMP_STATUS[c.status] || c.status;
  }
  function campCounts(p) {
    return plural(p.recipients, 'recipient') + ' \u00B7 ' + (p.sent + p.delivered) + ' sent' +
      (p.failed ? ' \u00B7 ' + p.failed + ' failed' : '') + ' \u00B7 ' + p.skipped + ' skipped';
  }
  function campSummary(c) {
    var p = c.progress;
    return doneOf(p) + ' of ' + plural(p.recipients, 'recipient') + ' done: ' + (p.sent + p.delivered) + ' sent (' +
      p.delivered + ' delivered), ' + p.failed + ' failed, ' + p.skipped + ' skipped.' +
      (p.held ? ' ' + p.held + ' wait for the end of their quiet hours (from ' +
        new Date(p.heldUntil).toLocaleString([], { hour: 'numeric', minute: '2-digit' }) + ').' : '');
  }
  // fn at most once per `ms`: a call within that runs it when the time is up, once.
  function throttle(fn, ms) {
    var last = 0, timer = 0;
    return function () {
      if (timer) return;
      timer = setTimeout(function () { timer = 0; last = Date.now(); fn(); }, Math.max(0, last + ms - Date.now()));
    };
  }

  function loadCampaigns() {
    var seq = S.campSeq = (S.campSeq || 0) + 1, events = S.campEvents;
    if (!S.camps.length) E.campNote.textContent = 'Loading\u2026';
    return api('GET', '/api/crm/sms/campaigns').then(function (r) {
      if (seq !== S.campSeq) return;
      if (r.status !== 200 || !r.data.success) { E.campNote.textContent = errorText(r); return; }
      // A campaign event that came while the list was out may be newer than the list's copy.
      S.camps = (r.data.campaigns || []).map(function (c) {
        var had = byId(S.camps, c.id);
        return had && (S.campSeen[c.id] || 0) > events ? had : c;
      });
      E.campNote.textContent = S.camps.length ? '' : 'No campaigns yet.';
      renderCampaigns();
      var open = S.camp && byId(S.camps, S.camp.id);
      if (open && E.camp) showCampaign(open);
    }, function () { if (seq === S.campSeq) E.campNote.textContent = OFFLINE; });
  }
  function renderCampaigns() {
    E.campList.textContent = '';
    S.camps.forEach(function (c) {
      var p = c.progress, open = S.camp && S.camp.id === c.id;
      E.campList.append(h('li', null, h('button', { type: 'button', class: 'conv' + (open ? ' open' : ''),
        'aria-current': open ? 'true' : null, onclick: function () { openCampaign(c); } },
        h('span', { class: 'conv-top' }, named(c.name, 'conv-name'), h('span', { class: 'conv-time' }, when(c.createdAt))),
        h('span', { class: 'camp-state camp-' + c.status, text: campStatus(c) }),
        // The counts below say the same in words.
        h('progress', { max: Math.max(1, p.recipients), value: doneOf(p), 'aria-hidden': 'true' }),
        h('span', { class: 'conv-preview', text: campCounts(p) }))));
    });
  }
  // A newer copy of a campaign (an event, or an answer to pause, resume or create).
  function campaignEvent(c) {
    S.campSeen[c.id] = ++S.campEvents;
    updateCampaign(c);
  }
  function updateCampaign(c) {
    var i = S.camps.indexOf(byId(S.camps, c.id));
    if (i >= 0) S.camps[i] = c; else S.camps.unshift(c);
    E.campNote.textContent = '';
    renderCampaigns();
    if (S.camp && S.camp.id === c.id && E.camp) showCampaign(c);
  }
  // The open campaign, fetched again. Delivery callbacks publish their messages, not the
  // campaign, so the counts of sent -> delivered move only this way (throttled: 2 s). An event
  // that arrives while the fetch is out may be newer than its answer: then the event stands
  // and it asks again later.
  function fetchCampaign() {
    if (!S.camp) return;
    var id = S.camp.id, events = S.campEvents;
    api('GET', '/api/crm/sms/campaigns/' + id).then(function (r) {
      if (!S.camp || S.camp.id !== id || r.status !== 200 || !r.data.campaign) return;
      if ((S.campSeen[id] || 0) > events) { refetchCampaign(); return; }
      updateCampaign(r.data.campaign);
    }, function () {});
  }
  var refetchCampaign = throttle(fetchCampaign, 2000);
  var refreshRecipients = throttle(function () { loadRecipients(true, true); }, 2000);

  function closeCampaign() {
    S.camp = null;
    E.camp = null;
    S.recipSeq++;
    E.campPane.textContent = '';
    E.campPane.classList.remove('open');
    E.campView.classList.remove('show-detail');
    renderCampaigns();
    var first = E.campList.querySelector('button');
    if (first) first.focus();
  }
  function openPane() {
    E.campPane.textContent = '';
    E.campPane.classList.add('open');
    E.campView.classList.add('show-detail');
    return h('button', { type: 'button', class: 'back-btn', onclick: closeCampaign }, '\u2190 Back to campaigns');
  }

  // One campaign: status, counts, pause or resume, its recipients.
  function openCampaign(c) {
    S.camp = c;
    S.recips = [];
    S.recipNext = null;
    renderCampaigns();
    var back = openPane();
    var D = E.camp = {};
    D.title = h('h2', { id: 'camp-title', class: 'iso', dir: 'auto', tabindex: '-1', text: c.name });
    D.state = h('p', { class: 'camp-state' });
    D.meta = h('p', { class: 'small muted' });
    D.summary = h('p', { id: 'camp-summary', role: 'status', 'aria-live': 'polite' });
    D.bar = h('progress', { 'aria-labelledby': 'camp-summary' });
    D.paused = h('p', { class: 'reason', role: 'alert' });
    D.toggle = h('button', { type: 'button', class: 'btn-secondary', onclick: toggleCampaign });
    D.err = h('p', { class: 'error', role: 'alert' });
    D.counts = h('dl', { class: 'counts', 'aria-label': 'Counts' });
    D.reasons = h('dl', { class: 'counts', 'aria-label': 'Skipped because' });
    D.filter = h('select', { id: 'recip-status', onchange: function () { loadRecipients(true); } },
      h('option', { value: '', text: 'Every recipient' }), BUCKETS.map(function (b) { return h('option', { value: b[0], text: b[1] }); }));
    D.list = h('ul', { class: 'recip-list', 'aria-label': 'Recipients' });
    D.more = h('button', { type: 'button', class: 'link-btn', hidden: true, onclick: function () { loadRecipients(false); } }, 'More recipients');
    D.note = h('p', { class: 'small muted', 'aria-live': 'polite' });
    E.campPane.append(back, D.title, D.state, D.meta,
      h('h3', { text: 'Message' }), iso(c.body, 'camp-body body', 'p'),
      h('h3', { text: 'Progress' }), D.summary, D.bar, D.paused, D.err, h('div', { class: 'row-wrap camp-actions' }, D.toggle),
      h('div', { class: 'count-groups' },
        h('div', null, h('h3', { text: 'Counts' }), D.counts),
        h('div', null, h('h3', { text: 'Skipped because' }), D.reasons)),
      h('h3', { text: 'Recipients' }),
      h('div', { class: 'field recip-filter' }, h('label', { for: 'recip-status', text: 'Show' }), D.filter),
      D.list, D.note, D.more);
    showCampaign(c);
    loadRecipients(true);
    D.title.focus();
  }
  function showCampaign(c) {
    var D = E.camp, was = S.camp, p = c.progress;
    S.camp = c;
    D.title.textContent = c.name;
    D.state.textContent = campStatus(c);
    D.state.className = 'camp-state camp-' + c.status;
    D.meta.textContent = '';
    D.meta.append(h('span', null, 'Created ', when(c.createdAt, true), c.createdBy ? [' by ', iso(c.createdBy)] : null,
      c.status !== 'scheduled' ? [' \u00B7 started ', when(c.sendAt, true)] : null,
      c.completedAt ? [' \u00B7 completed ', when(c.completedAt, true)] : null));
    // Live regions speak on every change: only a different text is one.
    if (D.summary.textContent !== campSummary(c)) D.summary.textContent = campSummary(c);
    D.bar.max = Math.max(1, p.recipients);
    D.bar.value = doneOf(p);
    var pe = c.pausedError;
    var why = pe ? 'Paused because a send failed: ' + (pe.message || 'no reason given') +
      (pe.code ? ' (' + pe.code + ')' : '') + '. Resume to try again.' : '';
    if (D.paused.textContent !== why) D.paused.textContent = why;
    D.toggle.hidden = c.status === 'completed';
    D.toggle.textContent = c.status === 'paused' ? 'Resume campaign' : 'Pause campaign';
    D.counts.textContent = '';
    [['Recipients', p.recipients]].concat(BUCKETS.map(function (b) { return [b[1], p[b[0]]]; }),
      [['Replies', p.replies], ['Opt-outs', p.optOuts]]).forEach(function (row) {
      D.counts.append(h('dt', { text: row[0] }), h('dd', { text: String(row[1]) }));
    });
    D.reasons.textContent = '';
    SKIP_COUNTS.forEach(function (k) {
      D.reasons.append(h('dt', { text: SKIP[k[1]] }), h('dd', { text: String((p.skippedReasons || {})[k[0]] || 0) }));
    });
    if (was && was.id === c.id && JSON.stringify(was.progress) !== JSON.stringify(p)) refreshRecipients();
  }
  function toggleCampaign() {
    var c = S.camp, D = E.camp;
    if (!c) return;
    D.toggle.disabled = true;
    D.err.textContent = '';
    api('POST', '/api/crm/sms/campaigns/' + c.id + (c.status === 'paused' ? '/resume' : '/pause')).then(function (r) {
      if (r.status === 200 && r.data.campaign) { campaignEvent(r.data.campaign); return; }
      D.err.textContent = errorText(r);
      if (r.status === 409) fetchCampaign(); // completed meanwhile
    }, function () { D.err.textContent = OFFLINE; }).then(function () { D.toggle.disabled = false; });
  }

  // reset: from the top; keep: refresh as many as are shown, quietly.
  function loadRecipients(reset, keep) {
    var c = S.camp, D = E.camp;
    if (!c || !D) return;
    var seq = ++S.recipSeq;
    var q = { status: D.filter.value, after: reset ? null : S.recipNext,
      limit: reset && keep ? Math.min(500, Math.max(50, S.recips.length)) : 50 };
    if (!keep) D.note.textContent = 'Loading\u2026';
    api('GET', '/api/crm/sms/campaigns/' + c.id + '/recipients?' + qs(q)).then(function (r) {
      if (seq !== S.recipSeq) return;
      if (r.status !== 200 || !r.data.success) { D.note.textContent = errorText(r); return; }
      var rows = r.data.recipients || [];
      S.recips = reset ? rows : S.recips.concat(rows);
      S.recipNext = r.data.next;
      D.more.hidden = S.recipNext == null;
      D.note.textContent = S.recips.length ? '' : 'No recipients here.';
      D.list.textContent = '';
      S.recips.forEach(function (x) {
        var why = x.skipReason ? SKIP[x.skipReason] || x.skipReason : (x.error && (x.error.message || x.error.code)) || '';
        D.list.append(h('li', { class: 'recip' },
          nameOf(x) ? nameEl(x, 'conv-name') : h('span', { class: 'conv-name', text: 'Deleted contact' }),
          h('span', { class: 'small muted', text: x.firstName || x.lastName ? formatPhone(x.phone) : '' }),
          h('span', { class: 'recip-status recip-' + x.status, text: BUCKET[x.status] || x.status }),
          why ? h('span', { class: 'small recip-why', text: why }) : null));
      });
    }, function () { if (seq === S.recipSeq) D.note.textContent = OFFLINE; });
  }

  // The new-campaign form. The recipient count and the preview are the server's (it renders
  // the names and adds the opt-out notice a first message gets); the count under the message
  // is only the text as typed.
  function newCampaign() {
    S.camp = null;
    E.camp = null;
    S.recipSeq++;
    renderCampaigns();
    var back = openPane();
    // One key per opened form: a double click, or Start again after a lost answer, starts one.
    var key = newKey(), busy = false, templateId = null, templateBody = null, previewSeq = 0;
    var schedulePreview = debounce(preview, 400);
    var F = {};
    function field(name, label, el, hint) {
      el.id = 'camp-' + name;
      var err = h('p', { class: 'error', id: el.id + '-err' });
      el.setAttribute('aria-describedby', (hint ? hint.id + ' ' : '') + err.id);
      F[name] = { el: el, err: err };
      return h('div', { class: 'field' }, h('label', { for: el.id, text: label }), el, hint || null, err);
    }
    var title = h('h2', { id: 'camp-title', tabindex: '-1', text: 'New campaign' });
    var template = h('select', { onchange: pickTemplate }, h('option', { value: '', text: 'None: type the message' }));
    var count = h('p', { class: 'small count', id: 'camp-body-count', 'aria-live': 'polite' });
    var body = h('textarea', { rows: 4, oninput: bodyInput });
    var tags = h('input', { type: 'text', autocomplete: 'off', oninput: schedulePreview });
    var status = h('select', { onchange: preview }, h('option', { value: '', text: 'Any status' }),
      STATUSES.map(function (s) { return h('option', { value: s, text: s }); }));
    var optIn = h('select', { onchange: preview }, h('option', { value: '', text: 'Any' }),
      h('option', { value: 'true', text: 'Opted in' }), h('option', { value: 'false', text: 'Not opted in' }));
    var recipients = h('p', { class: 'camp-recipients', id: 'camp-recipients', role: 'status' });
    var audienceErr = h('p', { class: 'error', id: 'camp-filter-err' });
    F.filter = { el: status, err: audienceErr };
    var sendAt = h('input', { type: 'datetime-local', min: localNow(), oninput: function () { startBtn.textContent = startLabel(); } });
    var P = {
      who: h('p', { class: 'small' }), body: h('p', { class: 'camp-body body iso', dir: 'auto', hidden: true }),
      count: h('p', { class: 'small count' }), warn: h('p', { class: 'warn' }), skip: h('p', { class: 'reason' })
    };
    var formErr = h('p', { class: 'error', role: 'alert' });
    var startBtn = h('button', { type: 'submit', class: 'btn' }, 'Start campaign');
    var form = h('form', { class: 'editor', novalidate: true, 'aria-labelledby': 'camp-title', onsubmit: submit },
      field('name', 'Name', h('input', { type: 'text', maxlength: 100, autocomplete: 'off' })),
      h('fieldset', null, h('legend', { text: 'Message' }),
        field('template', 'Template', template),
        field('body', 'Text', body, h('p', { class: 'small muted', id: 'camp-body-hint',
          text: '{firstName}, {lastName}, {businessName} and {agent} are filled in for each recipient.' })),
        count),
      h('fieldset', { 'aria-describedby': 'camp-recipients camp-filter-err' }, h('legend', { text: 'Recipients' }),
        h('div', { class: 'row-wrap' },
          field('status', 'Contact status', status),
          field('optIn', 'SMS opt-in', optIn)),
        field('tags', 'Tags', tags, h('p', { class: 'small muted', id: 'camp-tags-hint', text: 'Comma-separated; a contact needs every one.' })),
        recipients, audienceErr),
      h('section', { class: 'camp-preview', 'aria-labelledby': 'camp-preview-title' },
        h('div', { class: 'row-wrap' }, h('h3', { id: 'camp-preview-title', text: 'Preview' }),
          h('button', { type: 'button', class: 'btn-secondary', onclick: preview }, 'Preview')),
        P.who, P.body, P.count, P.warn, P.skip),
      field('sendAt', 'Send at (optional)', sendAt, h('p', { class: 'small muted', id: 'camp-sendAt-hint', text: 'Your local time. Leave it empty to start now.' })),
      formErr,
      h('div', { class: 'row-wrap' }, startBtn, h('button', { type: 'button', class: 'link-btn', onclick: closeCampaign }, 'Cancel')));
    E.campPane.append(back, title, form);
    bodyInput();
    loadTemplates(template);
    title.focus();

    function localNow() {
      var d = new Date();
      d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
      return d.toISOString().slice(0, 16);
    }
    function startLabel() { return sendAt.value ? 'Schedule campaign' : 'Start campaign'; }
    function pickTemplate() {
      var t = S.templates && byId(S.templates, Number(template.value));
      templateId = t ? t.id : null;
      templateBody = t ? t.body : null;
      if (t) body.value = t.body;
      bodyInput();
    }
    function bodyInput() {
      // Edited away from its template, the text is sent as typed.
      if (templateId && body.value !== templateBody) { templateId = null; template.value = ''; }
      var c = segmentsOf(body.value.trim());
      count.textContent = c && body.value.trim() ? 'As typed: ' + segText(c) + '. The preview counts a recipient\u2019s text.' : '';
      schedulePreview();
    }
    function text() { return templateId ? { templateId: templateId } : { body: body.value.trim() }; }
    function filter() {
      var f = {};
      var t = tags.value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
      if (status.value) f.status = status.value;
      if (t.length) f.tags = t;
      if (optIn.value) f.optIn = optIn.value === 'true';
      return f;
    }
    function preview() {
      var seq = ++previewSeq, t = text();
      F.body.err.textContent = F.template.err.textContent = audienceErr.textContent = '';
      if (!t.templateId && !t.body) {
        recipients.textContent = '';
        P.who.textContent = 'Write the message to see it as a recipient gets it.';
        P.body.hidden = true;
        P.count.textContent = P.warn.textContent = P.skip.textContent = '';
        return;
      }
      var f = filter();
      api('POST', '/api/crm/sms/campaigns/preview', Object.assign(t, { filter: f })).then(function (r) {
        if (seq !== previewSeq) return;
        P.body.hidden = true;
        P.count.textContent = P.warn.textContent = P.skip.textContent = '';
        if (r.status !== 200 || !r.data.success) {
          var field = (r.data.error && r.data.error.field) || '';
          P.who.textContent = '';
          var at = field === 'body' ? F.body.err : field === 'templateId' ? F.template.err : field.indexOf('filter') === 0 ? audienceErr : P.who;
          at.textContent = errorText(r);
          return;
        }
        var n = r.data.recipients, pv = r.data.preview;
        recipients.textContent = plural(n, 'recipient') + (Object.keys(f).length ? '' : ' (every contact)');
        if (!pv) { P.who.textContent = 'No contact matches: nobody would get it.'; return; }
        P.who.replaceChildren(nameEl(pv), ' (' + formatPhone(pv.phone) + ') gets:');
        P.body.textContent = pv.body;
        P.body.hidden = false;
        P.count.textContent = segText(pv);
        P.warn.textContent = pv.segments > 1 ? 'Each text goes out in ' + pv.segments + ' parts, billed as ' + pv.segments + ' messages.' : '';
        if (pv.skipReason) P.skip.append(nameEl(pv), ' will be skipped: ' + (SKIP_WHY[pv.skipReason] || pv.skipReason) + '.');
      }, function () { if (seq === previewSeq) P.who.textContent = OFFLINE; });
    }
    function setErr(field, message) {
      Object.keys(F).forEach(function (k) { F[k].err.textContent = ''; F[k].el.removeAttribute('aria-invalid'); });
      formErr.textContent = '';
      if (!message) return;
      var top = (field || '').split('.')[0];
      var f = F[top] || (top === 'templateId' && F.template) || (top === 'contactIds' && F.filter);
      if (f) { f.err.textContent = message; f.el.setAttribute('aria-invalid', 'true'); f.el.focus(); }
      else formErr.textContent = message;
    }
    function submit(e) {
      e.preventDefault();
      if (busy) return;
      setErr(null, null);
      var b = { name: F.name.el.value.trim() }, t = text();
      if (!b.name) { setErr('name', 'Please name the campaign.'); return; }
      if (!t.templateId && !t.body) { setErr('body', 'Please write the message.'); return; }
      Object.assign(b, t, { filter: filter() });
      if (sendAt.value) {
        var at = new Date(sendAt.value); // datetime-local has no zone: it is the browser's
        if (isNaN(at)) { setErr('sendAt', 'Please give a date and a time.'); return; }
        b.sendAt = at.toISOString();
      }
      busy = true;
      startBtn.disabled = true;
      startBtn.textContent = 'Starting\u2026';
      api('POST', '/api/crm/sms/campaigns', b, { 'Idempotency-Key': key }).then(function (r) {
        if (r.status === 201 && r.data.campaign) { campaignEvent(r.data.campaign); openCampaign(r.data.campaign); return; }
        if (r.data.error && r.data.error.code === 'idempotency_key_reused') {
          formErr.textContent = 'A campaign was already started from this form with other settings: it is in the list. Open New campaign to start another.';
          loadCampaigns();
        } else {
          setErr(r.data.error && r.data.error.field, errorText(r));
        }
      }, function () {
        formErr.textContent = OFFLINE + ' It may have started: pressing Start again will not start it twice.';
      }).then(function () {
        busy = false;
        startBtn.disabled = false;
        startBtn.textContent = startLabel();
      });
    }
  }
  function loadTemplates(select) {
    function fill() {
      (S.templates || []).forEach(function (t) { select.append(h('option', { value: t.id, text: t.name })); });
    }
    if (S.templates) { fill(); return; }
    api('GET', '/api/crm/sms/templates').then(function (r) {
      if (r.status !== 200) return;
      S.templates = r.data.templates || [];
      fill();
    }, function () {});
  }

  // ---- Start: a key kept from earlier in this tab signs in again. ----
  var kept = null;
  try { kept = sessionStorage.getItem(KEY_STORE); } catch (_) { /* storage off */ }
  if (kept) tryKey(kept, false); else keyBox.focus();
  // segments.js may load after this script: count once it is there.
  window.addEventListener('load', function () { if (E.box) composeInput(); });
})();
