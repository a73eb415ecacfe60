/* textus "Text us" widget. Embed with one tag: <script src="/widget.js" defer></script>
   Plain JavaScript, no build step. Everything it adds lives under one .textus-root element;
   it defines no globals (the scripts it shares with the staff inbox set one each: below).
   The API is contract.md §4 "Public (website visitor)". */
(function () {
  'use strict';

  // The segment counter is nginx/www/segments.js, shared with the staff inbox: the widget
  // loads it next to itself (sites still embed one tag) and counts once it is there.
  function segmentsFn() { return typeof window !== 'undefined' ? window.textusSegments : null; }
  // So are the element builder and the long-poll loop (element.js, longpoll.js): the widget
  // loads them the same way and is built once both have run.
  var BUILD_NEEDS = [['textusElement', 'element.js'], ['textusLongPoll', 'longpoll.js']];

  // ---- Form checks: the server's rules, so most mistakes are caught before a round trip. ----

  var NAME_MAX = 100, MESSAGE_MAX = 1000, EMAIL_MAX = 254;

  function length(s) { return Array.from(s).length; }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function localToday() {
    var d = new Date();
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  // A message's problem, as the server sees it: required, at most 1000 characters, and no
  // control characters other than tab and line breaks. Null when it is fine.
  function messageProblem(text) {
    if (!text) return 'Please write a message.';
    if (length(text) > MESSAGE_MAX) return 'Message must be at most 1000 characters.';
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(text)) return 'Message must not contain control characters.';
    return null;
  }

  // v: trimmed strings plus consent (boolean). Returns {field: message} for each problem.
  function validate(v, today) {
    var e = {};
    if (!v.firstName) e.firstName = 'Please enter your first name.';
    else if (length(v.firstName) > NAME_MAX) e.firstName = 'First name must be at most 100 characters.';
    if (!v.lastName) e.lastName = 'Please enter your last name.';
    else if (length(v.lastName) > NAME_MAX) e.lastName = 'Last name must be at most 100 characters.';
    var digits = v.phoneNumber.replace(/[\s.()-]/g, '').replace(/^\+/, '');
    if (!v.phoneNumber) e.phoneNumber = 'Please enter your mobile number.';
    else if (!/^\d{10,}$/.test(digits)) e.phoneNumber = 'Please enter a full mobile number, e.g. +1 760 555 0142.';
    if (v.email && (v.email.length > EMAIL_MAX || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v.email))) {
      e.email = 'Please enter an email address like name@example.com, or leave it empty.';
    }
    if (v.birthdate) {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.birthdate);
      var d = m && new Date(Date.UTC(+m[1], m[2] - 1, +m[3]));
      if (!d || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== m[2] - 1 || d.getUTCDate() !== +m[3]) {
        e.birthdate = 'Please enter a date as YYYY-MM-DD, or leave it empty.';
      } else if (v.birthdate > (today || localToday())) {
        e.birthdate = 'Birthdate cannot be in the future.';
      }
    }
    var problem = messageProblem(v.message);
    if (problem) e.message = problem;
    if (!v.consent) e.consent = 'Please check the box to agree to receive text messages.';
    return e;
  }

  if (typeof document !== 'undefined' && !document.querySelector('.textus-root')) load();

  // ---- The widget (browser only). ----

  // Loads what building needs, then builds: at once when the page has it all already.
  function load() {
    var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
    var src = (script && script.src) || location.href;
    var missing = BUILD_NEEDS.filter(function (need) { return !window[need[0]]; });
    var waiting = missing.length;
    function ready() {
      // A second copy of this script on the page may have built it meanwhile.
      if (!document.querySelector('.textus-root')) widget(script, src);
    }
    missing.forEach(function (need) {
      addScript(script, src, need[1], function () { if (!--waiting) ready(); });
    });
    if (!waiting) ready();
  }
  // A script next to widget.js, in the page after it (or in <head>); onload once it has run.
  function addScript(script, src, name, onload) {
    var el = document.createElement('script');
    el.src = new URL(name, src).href;
    el.onload = onload;
    if (script && script.parentNode) script.parentNode.insertBefore(el, script.nextSibling);
    else document.head.append(el);
  }

  // script: the widget's <script> element, if found; src: its URL.
  function widget(script, src) {
    var h = window.textusElement;
    function asset(name) { return new URL(name, src).href; } // next to widget.js
    function apiUrl(path) { return new URL(path, src).href; } // absolute paths: the script's site

    var STORE = 'textus.chat';
    var RANK = { accepted: 0, scheduled: 0, queued: 1, sending: 2, sent: 3, delivered: 4, undelivered: 4, failed: 4, read: 5 };
    var STATUS = { accepted: 'Queued', scheduled: 'Queued', queued: 'Queued', sending: 'Sending', sent: 'Sent',
      delivered: 'Delivered', read: 'Read', undelivered: 'Not delivered', failed: 'Not delivered' };
    var S = {
      open: false, business: '', config: null, channel: null, phone: '',
      msgs: new Map(), unread: 0, sending: false
    };

    // ---- Build the DOM. ----
    var root = h('div', { class: 'textus-root', hidden: true });
    var badge = h('span', { class: 'textus-badge', hidden: true });
    var launch = h('button', { type: 'button', class: 'textus-launch', 'aria-expanded': 'false',
      'aria-controls': 'textus-panel', onclick: function () { S.open ? close() : open(); } }, 'Text us', badge);
    var title = h('h2', { class: 'textus-title', id: 'textus-title', text: 'Text us' });
    var closeBtn = h('button', { type: 'button', class: 'textus-close', 'aria-label': 'Close', onclick: close }, '\u00D7');
    var alertBox = h('div', { class: 'textus-alert', role: 'alert' });
    var live = h('div', { class: 'textus-sr', 'aria-live': 'polite' });

    // The lead form: every field with a visible label and its own error line.
    var F = {};
    function field(name, label, input, optional) {
      input.id = 'textus-f-' + name;
      input.name = name;
      input.className = 'textus-input';
      var err = h('p', { class: 'textus-error', id: input.id + '-err' });
      input.setAttribute('aria-describedby', err.id);
      F[name] = { input: input, err: err };
      return h('div', { class: 'textus-field' },
        h('label', { for: input.id }, label, optional ? h('span', { class: 'textus-opt', text: ' (optional)' }) : null),
        input, err);
    }
    var consentBox = h('input', { type: 'checkbox', id: 'textus-f-consent', name: 'consent', 'aria-describedby': 'textus-f-consent-err' });
    var consentText = h('label', { for: 'textus-f-consent', text: 'Loading\u2026' });
    var consentErr = h('p', { class: 'textus-error', id: 'textus-f-consent-err' });
    var submitBtn = h('button', { type: 'submit', class: 'textus-btn', disabled: true }, 'Send');
    function newTab(text, href) {
      return h('a', { href: asset(href), target: '_blank', rel: 'noopener' }, text, h('span', { class: 'textus-sr', text: ' (opens in a new tab)' }));
    }
    var form = h('form', { class: 'textus-main textus-form', novalidate: true, onsubmit: submitForm },
      field('firstName', 'First name', h('input', { type: 'text', autocomplete: 'given-name', maxlength: 200 })),
      field('lastName', 'Last name', h('input', { type: 'text', autocomplete: 'family-name', maxlength: 200 })),
      field('phoneNumber', 'Mobile phone', h('input', { type: 'tel', autocomplete: 'tel', inputmode: 'tel' })),
      field('email', 'Email', h('input', { type: 'email', autocomplete: 'email' }), true),
      field('birthdate', 'Birthdate', h('input', { type: 'date', max: localToday() }), true),
      field('message', 'Message', h('textarea', { rows: 4 })),
      h('div', { class: 'textus-field' },
        h('div', { class: 'textus-check' }, consentBox, consentText), consentErr,
        h('p', { class: 'textus-small' }, newTab('Terms', 'terms.html'), ' \u00B7 ', newTab('Privacy Policy', 'privacy.html'))),
      submitBtn);
    F.consent = { input: consentBox, err: consentErr }; // last in F, as on the page: errors focus the first

    // The conversation: thread, connection line, composer.
    var note = h('p', { class: 'textus-small textus-note' });
    var thread = h('ol', { class: 'textus-thread', 'aria-label': 'Conversation', tabindex: '0' });
    var conn = h('p', { class: 'textus-small textus-conn', 'aria-live': 'polite' });
    var box = h('textarea', { id: 'textus-compose', class: 'textus-input', rows: 2,
      'aria-describedby': 'textus-count textus-compose-err', oninput: count, onkeydown: composeKey });
    var counter = h('p', { class: 'textus-count', id: 'textus-count' });
    var sendErr = h('p', { class: 'textus-error', id: 'textus-compose-err' });
    var sendBtn = h('button', { type: 'submit', class: 'textus-btn' }, 'Send');
    // The code step: the chat is the visitor's once they type the code we texted to the phone.
    var codeBox = h('input', { type: 'text', id: 'textus-code', class: 'textus-input', inputmode: 'numeric',
      autocomplete: 'one-time-code', maxlength: 7, 'aria-describedby': 'textus-code-err' });
    var codeHelp = h('p', { class: 'textus-small', id: 'textus-code-help' });
    var codeErr = h('p', { class: 'textus-error', id: 'textus-code-err' });
    var codeBtn = h('button', { type: 'submit', class: 'textus-btn' }, 'Confirm');
    var codeStep = h('form', { class: 'textus-code', hidden: true, novalidate: true, onsubmit: confirmCode },
      h('label', { for: 'textus-code', class: 'textus-label', text: 'Code from our text' }), codeHelp,
      h('div', { class: 'textus-row' }, codeBox, codeBtn), codeErr);
    var chat = h('div', { class: 'textus-chat', hidden: true },
      note, codeStep, thread, conn,
      h('form', { class: 'textus-composer', onsubmit: send },
        h('label', { for: 'textus-compose', class: 'textus-label', text: 'Message' }),
        h('div', { class: 'textus-row' }, box, sendBtn), counter, sendErr,
        h('button', { type: 'button', class: 'textus-link', onclick: startOver }, 'Start over')));

    var panel = h('div', { class: 'textus-panel', id: 'textus-panel', role: 'dialog', 'aria-labelledby': 'textus-title',
      hidden: true, onkeydown: function (e) { if (e.key === 'Escape') { e.preventDefault(); close(); } } },
      h('div', { class: 'textus-head' }, title, closeBtn), alertBox, form, chat);
    root.append(launch, panel, live);

    // The stylesheet goes next to the script; the widget shows once it is styled.
    var css = h('link', { rel: 'stylesheet', href: asset('widget.css') });
    css.onload = css.onerror = function () { root.hidden = false; };
    if (script && script.parentNode) script.parentNode.insertBefore(css, script.nextSibling);
    else document.head.append(css);
    document.body.append(root);
    if (!segmentsFn()) addScript(script, src, 'segments.js', count);
    count();

    // Replies as they come: the chat's channel, long-polled (Live updates, below).
    var chatPoll = window.textusLongPoll({ status: conn, connectedText: '', onEvent: showEvent, onRefused: renewPoll });

    // A conversation kept from an earlier page: show it again.
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(STORE)); } catch (_) { /* storage off: start fresh */ }
    if (kept && kept.channel) {
      S.channel = kept.channel;
      showChat();
      loadConfig();
      resume(false);
    }

    // ---- Open and close. ----
    function open() {
      S.open = true;
      S.unread = 0;
      showBadge();
      panel.hidden = false;
      launch.setAttribute('aria-expanded', 'true');
      loadConfig();
      if (S.channel) { thread.scrollTop = thread.scrollHeight; box.focus(); } else F.firstName.input.focus();
    }
    function close() {
      S.open = false;
      panel.hidden = true;
      launch.setAttribute('aria-expanded', 'false');
      launch.focus();
    }
    function showBadge() {
      badge.hidden = !S.unread;
      badge.textContent = S.unread ? S.unread + (S.unread === 1 ? ' new message' : ' new messages') : '';
    }

    // ---- Talking to the server. ----

    // {status, data}; data is {} when the answer is not JSON (e.g. a proxy's error page).
    // Rejects only on a network error.
    function api(method, path, body) {
      var opts = { method: method, headers: { Accept: 'application/json' }, cache: 'no-store' };
      if (body) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
      return fetch(apiUrl(path), opts).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          return { status: res.status, data: data || {} };
        });
      });
    }
    function errorOf(r) {
      var err = r.data.error || {};
      if (r.status === 429 && !err.message) return { message: 'Too many requests; try again in a minute.' };
      return { message: err.message || 'Something went wrong (' + r.status + '). Please try again.', field: err.field };
    }
    var OFFLINE = 'We could not reach the server. Check your connection and try again.';
    var NO_FORM = 'We could not load the form. Please close it and try again later.';
    function chatPath(what) { return '/api/chat/' + encodeURIComponent(S.channel) + '/' + (what || 'messages'); }

    // Business name and consent text, once per page (again after a failure).
    function loadConfig() {
      if (S.config) return;
      S.config = api('GET', '/api/twilio/initiate').then(function (r) {
        if (r.status !== 200 || !r.data.success) throw new Error('config');
        S.business = r.data.businessName || '';
        title.textContent = S.business ? 'Text ' + S.business : 'Text us';
        consentText.textContent = r.data.consentText || '';
        submitBtn.disabled = false;
        if (alertBox.textContent === NO_FORM) alertBox.textContent = ''; // keep any other notice
      }).catch(function () {
        S.config = null;
        if (!S.channel) alertBox.textContent = NO_FORM;
      });
    }

    // ---- The lead form. ----
    function setError(f, msg) {
      f.err.textContent = msg || '';
      if (msg) f.input.setAttribute('aria-invalid', 'true'); else f.input.removeAttribute('aria-invalid');
    }
    function submitForm(e) {
      e.preventDefault();
      alertBox.textContent = '';
      alertBox.className = 'textus-alert';
      var v = { consent: consentBox.checked };
      ['firstName', 'lastName', 'phoneNumber', 'email', 'birthdate', 'message'].forEach(function (k) {
        v[k] = F[k].input.value.trim();
      });
      var errors = validate(v);
      // A half-typed date leaves the input's value empty: say so rather than send nothing.
      if (F.birthdate.input.validity && F.birthdate.input.validity.badInput) errors.birthdate = 'Please enter a complete date, or clear it.';
      var first = null;
      Object.keys(F).forEach(function (k) {
        setError(F[k], errors[k]);
        if (errors[k] && !first) first = F[k].input;
      });
      if (first) { first.focus(); return; }

      var body = { firstName: v.firstName, lastName: v.lastName, phoneNumber: v.phoneNumber, message: v.message, consent: true };
      if (v.email) body.email = v.email;
      if (v.birthdate) body.birthdate = v.birthdate;
      submitBtn.disabled = true;
      submitBtn.textContent = 'Sending\u2026';
      api('POST', '/api/twilio/initiate', body).then(function (r) {
        if (r.status >= 200 && r.status < 300 && r.data.success) return started(r.data);
        var err = errorOf(r);
        // The server names JSON fields; contract.md's example says "phone" for phoneNumber.
        var f = F[err.field === 'phone' ? 'phoneNumber' : err.field];
        if (r.status === 409 || !f) {
          // 409: the number opted out; the message says how to text START. Make it stand out.
          alertBox.className = 'textus-alert' + (r.status === 409 ? ' textus-strong' : '');
          alertBox.textContent = err.message;
        } else {
          setError(f, err.message);
          f.input.focus();
        }
      }, function () {
        alertBox.textContent = OFFLINE;
      }).then(function () {
        submitBtn.disabled = false;
        submitBtn.textContent = 'Send';
      });
    }

    // The lead went through: keep the channel, show the thread, listen for replies.
    function started(d) {
      S.channel = d.channel;
      S.phone = d.phoneNumber || '';
      // Only the channel id is kept (privacy.html says so): no phone number in the browser.
      try { localStorage.setItem(STORE, JSON.stringify({ channel: S.channel })); } catch (_) { /* this page only */ }
      F.message.input.value = '';
      consentBox.checked = false;
      showChat();
      showCode(!d.verified);
      (d.history || []).forEach(function (m) { upsert(m, false); });
      startPolling(d.subscribeUrl);
      if (d.verified) box.focus(); else codeBox.focus();
    }

    // Until the code is typed the chat shows only what the visitor wrote here.
    function showCode(needed) {
      codeStep.hidden = !needed;
      codeHelp.textContent = needed
        ? 'We texted a six-digit code to ' + (S.phone || 'your phone') + '. Type it here to see our replies in this chat.'
        : '';
      if (!needed) { codeBox.value = ''; codeErr.textContent = ''; codeBox.removeAttribute('aria-invalid'); }
    }
    function confirmCode(e) {
      e.preventDefault();
      var code = codeBox.value.replace(/\s/g, '');
      if (!/^\d{6}$/.test(code)) {
        codeErr.textContent = 'Please type the six digits from our text.';
        codeBox.setAttribute('aria-invalid', 'true');
        codeBox.focus();
        return;
      }
      codeBtn.disabled = true;
      api('POST', chatPath('verify'), { code: code }).then(function (r) {
        if (r.status === 200 && r.data.success) {
          showCode(false);
          (r.data.messages || []).forEach(function (m) { upsert(m, false); });
          startPolling(r.data.subscribeUrl);
          live.textContent = 'Code confirmed.';
          box.focus();
        } else if (r.status === 404) {
          forget();
          showForm('That conversation has ended. Send us a new message to start again.');
        } else {
          codeErr.textContent = errorOf(r).message;
          codeBox.setAttribute('aria-invalid', 'true');
          codeBox.focus();
        }
      }, function () {
        codeErr.textContent = OFFLINE;
      }).then(function () { codeBtn.disabled = false; });
    }

    function showChat() {
      alertBox.textContent = '';
      form.hidden = true;
      chat.hidden = false;
      note.textContent = S.phone
        ? 'We also text this conversation to ' + S.phone + '; reply here or from your phone.'
        : 'Reply here or from your phone.';
    }
    function showForm(message) {
      chat.hidden = true;
      form.hidden = false;
      alertBox.className = 'textus-alert';
      alertBox.textContent = message || '';
    }
    function forget() {
      chatPoll.stop();
      try { localStorage.removeItem(STORE); } catch (_) { /* nothing kept */ }
      S.channel = null;
      S.phone = '';
      S.msgs.clear();
      showCode(false);
      thread.textContent = '';
      sendErr.textContent = '';
      conn.textContent = '';
    }
    function startOver() {
      forget();
      showForm();
      loadConfig();
      F.firstName.input.focus();
    }

    // ---- The thread. ----
    function mine(m) { return m.direction === 'inbound'; }
    function rank(s) { return s in RANK ? RANK[s] : -1; }
    function when(iso) {
      var d = new Date(iso);
      if (!iso || isNaN(d)) return null;
      var sameDay = d.toDateString() === new Date().toDateString();
      var text = sameDay ? d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })
        : d.toLocaleString([], { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
      return h('time', { datetime: iso, text: text });
    }
    function bubble(m) {
      var me = mine(m);
      var meta = h('p', { class: 'textus-meta' }, when(m.createdAt));
      if (!me && STATUS[m.status]) {
        var bad = m.status === 'failed' || m.status === 'undelivered';
        meta.append(' \u00B7 ', h('span', { class: bad ? 'textus-failed' : null, text: STATUS[m.status] }));
      }
      var li = h('li', { class: 'textus-msg ' + (me ? 'textus-me' : 'textus-them'), 'data-id': m.id },
        h('span', { class: 'textus-sr', text: me ? 'You: ' : (S.business || 'Business') + ': ' }),
        h('p', { class: 'textus-body', dir: 'auto', text: m.body || '' }));
      (m.mediaUrls || []).forEach(function (url, i) {
        if (/^https?:/i.test(url)) li.append(h('a', { class: 'textus-media', href: url, target: '_blank', rel: 'noopener noreferrer', text: 'Attachment ' + (i + 1) }));
      });
      li.append(meta);
      return li;
    }

    // Add a message or update the one with its id: never a duplicate, and a status never moves
    // back (a replayed event or a late poll can carry an older one).
    function upsert(m, announce) {
      if (!m || m.id == null) return;
      var key = String(m.id); // ids are numbers; compare them the same way wherever they come from
      var old = S.msgs.get(key);
      if (old && rank(m.status) < rank(old.status)) {
        m = Object.assign({}, m, { status: old.status, deliveredAt: old.deliveredAt, readAt: old.readAt });
      }
      S.msgs.set(key, m);
      var atEnd = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
      var li = bubble(m), prev = null, next = null;
      Array.prototype.forEach.call(thread.children, function (el) {
        var id = el.getAttribute('data-id');
        if (id === key) prev = el;
        else if (Number(id) > Number(key) && !next) next = el;
      });
      if (prev) { prev.replaceWith(li); return; }
      thread.insertBefore(li, next); // ids grow as messages are stored: id order is thread order
      if (atEnd || mine(m)) thread.scrollTop = thread.scrollHeight;
      if (announce && !mine(m)) {
        live.textContent = '';
        setTimeout(function () { live.textContent = 'New message from ' + (S.business || 'us') + ': ' + (m.body || ''); }, 50);
        if (!S.open) { S.unread++; showBadge(); }
      }
    }

    // ---- Live updates: nchan long-poll (contract.md §8), the loop in longpoll.js. ----

    // A new URL (a new chat, a fresh signature) makes the loop on the old one stop. The first
    // poll sends no resume headers: nchan answers it from the oldest event it still holds for
    // the chat (a few, for a chat's few minutes), which the thread already shows and skips by
    // id; nothing published after the history was read can be missed.
    function startPolling(url) {
      chatPoll.start(new URL(url, src).href);
    }
    function showEvent(ev) {
      // One message per event; an event may also wrap it as {type, message}.
      upsert(ev && ev.id == null ? ev.message : ev, true);
    }
    // The signed URL expired or was refused: the history route hands out a fresh one, at once
    // unless polls are failing already (then after the loop's wait).
    function renewPoll() {
      if (chatPoll.failures) chatPoll.later(chatPoll.gen, function () { resume(true); });
      else { chatPoll.failures++; resume(true); }
    }

    // Reload the thread (after a reload of the page or an expired poll URL), then poll again.
    function resume(announce) {
      var gen = chatPoll.gen;
      api('GET', chatPath()).then(function (r) {
        if (gen !== chatPoll.gen) return;
        if (r.status === 200 && r.data.success) {
          showCode(r.data.verified === false);
          (r.data.messages || []).forEach(function (m) { upsert(m, announce); });
          startPolling(r.data.subscribeUrl);
        } else if (r.status === 404) {
          forget();
          showForm('That conversation has ended. Send us a new message to start again.');
        } else {
          chatPoll.later(gen, function () { resume(announce); });
        }
      }, function () {
        if (gen === chatPoll.gen) chatPoll.later(gen, function () { resume(announce); });
      });
    }

    // ---- The composer. ----
    function count() {
      var segments = segmentsFn();
      if (!segments) { counter.textContent = ''; return; } // segments.js still loading
      var c = segments(box.value.trim());
      counter.textContent = c.characters + (c.characters === 1 ? ' character' : ' characters') + ' \u00B7 ' +
        c.segments + (c.segments === 1 ? ' segment' : ' segments') + ' (' + c.encoding + ')';
    }
    function composeKey(e) {
      // Enter sends, Shift+Enter is a new line; never while an input method is composing.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
    }
    function send(e) {
      if (e) e.preventDefault();
      if (S.sending || !S.channel) return;
      var body = box.value.trim();
      sendErr.textContent = messageProblem(body) || '';
      if (sendErr.textContent) return;
      S.sending = true;
      sendBtn.disabled = true;
      api('POST', chatPath(), { body: body }).then(function (r) {
        if (r.status >= 200 && r.status < 300 && r.data.success) {
          box.value = '';
          count();
          upsert(r.data.message, false); // the poll may bring it too: upsert dedupes by id
        } else if (r.status === 404) {
          forget();
          showForm('That conversation has ended. Send us a new message to start again.');
        } else {
          sendErr.textContent = errorOf(r).message;
        }
      }, function () {
        sendErr.textContent = OFFLINE;
      }).then(function () {
        S.sending = false;
        sendBtn.disabled = false;
        if (!chat.hidden) box.focus();
      });
    }
  }

  // node's tests load this file for the form checks; browsers have no `module`.
  if (typeof module !== 'undefined' && module.exports) module.exports = { validate: validate };
})();
