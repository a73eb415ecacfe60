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

  // ---- Every word the widget shows, one table per language (docs/decisions.md, Languages). ----
  // The page's lang (or the script tag's data-lang) picks the table; the server then says which
  // language it words the consent in, and the whole widget speaks that one.

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  var STRINGS = {
    en: {
      textUs: 'Text us', textBusiness: function (b) { return 'Text ' + b; }, close: 'Close',
      firstName: 'First name', lastName: 'Last name', phone: 'Mobile phone', email: 'Email',
      birthdate: 'Birthdate', message: 'Message', optional: ' (optional)', loading: 'Loading\u2026',
      send: 'Send', sending: 'Sending\u2026', terms: 'Terms', privacy: 'Privacy Policy',
      newTab: ' (opens in a new tab)', conversation: 'Conversation', confirm: 'Confirm',
      codeLabel: 'Code from our text', startOver: 'Start over', reconnecting: 'Reconnecting\u2026',
      newMessages: function (n) { return plural(n, 'new message', 'new messages'); },
      offline: 'We could not reach the server. Check your connection and try again.',
      noForm: 'We could not load the form. Please close it and try again later.',
      tooMany: 'Too many requests; try again in a minute.',
      failed: function (status) { return 'Something went wrong (' + status + '). Please try again.'; },
      codeHelp: function (phone) { return 'We texted a six-digit code to ' + (phone || 'your phone') + '. Type it here to see our replies in this chat.'; },
      codeDigits: 'Please type the six digits from our text.', codeConfirmed: 'Code confirmed.',
      ended: 'That conversation has ended. Send us a new message to start again.',
      alsoTexted: function (phone) { return 'We also text this conversation to ' + phone + '; reply here or from your phone.'; },
      replyAnywhere: 'Reply here or from your phone.', you: 'You: ', business: 'Business', us: 'us',
      attachment: function (i) { return 'Attachment ' + i; },
      newMessageFrom: function (who) { return 'New message from ' + who + ': '; },
      status: { queued: 'Queued', sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Not delivered' },
      count: function (c) { return plural(c.characters, 'character', 'characters') + ' \u00B7 ' + plural(c.segments, 'segment', 'segments') + ' (' + c.encoding + ')'; },
      noMessage: 'Please write a message.', messageLong: 'Message must be at most 1000 characters.',
      messageControl: 'Message must not contain control characters.',
      noFirstName: 'Please enter your first name.', firstNameLong: 'First name must be at most 100 characters.',
      noLastName: 'Please enter your last name.', lastNameLong: 'Last name must be at most 100 characters.',
      noPhone: 'Please enter your mobile number.', phoneShort: 'Please enter a full mobile number, e.g. +1 760 555 0142.',
      badEmail: 'Please enter an email address like name@example.com, or leave it empty.',
      badBirthdate: 'Please enter a date as YYYY-MM-DD, or leave it empty.',
      futureBirthdate: 'Birthdate cannot be in the future.', halfDate: 'Please enter a complete date, or clear it.',
      noConsent: 'Please check the box to agree to receive text messages.',
      dateOfBirth: 'Date of birth', continueButton: 'Continue',
      gateHelp: function (years) { return 'You must be ' + years + ' or older to text with us.'; },
      badDateOfBirth: 'Please enter your full date of birth.',
      underAge: function (years) { return 'Sorry, you must be ' + years + ' or older to text with us.'; }
    },
    es: {
      textUs: 'Escr\u00EDbenos', textBusiness: function (b) { return 'Escribe a ' + b; }, close: 'Cerrar',
      firstName: 'Nombre', lastName: 'Apellido', phone: 'Tel\u00E9fono m\u00F3vil', email: 'Correo electr\u00F3nico',
      birthdate: 'Fecha de nacimiento', message: 'Mensaje', optional: ' (opcional)', loading: 'Cargando\u2026',
      send: 'Enviar', sending: 'Enviando\u2026', terms: 'T\u00E9rminos', privacy: 'Pol\u00EDtica de privacidad',
      newTab: ' (se abre en una pesta\u00F1a nueva)', conversation: 'Conversaci\u00F3n', confirm: 'Confirmar',
      codeLabel: 'C\u00F3digo de nuestro mensaje', startOver: 'Empezar de nuevo', reconnecting: 'Reconectando\u2026',
      newMessages: function (n) { return plural(n, 'mensaje nuevo', 'mensajes nuevos'); },
      offline: 'No pudimos conectar con el servidor. Revisa tu conexi\u00F3n e int\u00E9ntalo de nuevo.',
      noForm: 'No pudimos cargar el formulario. Ci\u00E9rralo e int\u00E9ntalo m\u00E1s tarde.',
      tooMany: 'Demasiadas solicitudes; int\u00E9ntalo de nuevo en un minuto.',
      failed: function (status) { return 'Algo sali\u00F3 mal (' + status + '). Int\u00E9ntalo de nuevo.'; },
      codeHelp: function (phone) { return 'Enviamos un c\u00F3digo de seis d\u00EDgitos a ' + (phone || 'tu tel\u00E9fono') + '. Escr\u00EDbelo aqu\u00ED para ver nuestras respuestas en este chat.'; },
      codeDigits: 'Escribe los seis d\u00EDgitos de nuestro mensaje.', codeConfirmed: 'C\u00F3digo confirmado.',
      ended: 'Esa conversaci\u00F3n termin\u00F3. Env\u00EDanos un mensaje nuevo para empezar otra vez.',
      alsoTexted: function (phone) { return 'Tambi\u00E9n enviamos esta conversaci\u00F3n por SMS al ' + phone + '; responde aqu\u00ED o desde tu tel\u00E9fono.'; },
      replyAnywhere: 'Responde aqu\u00ED o desde tu tel\u00E9fono.', you: 'T\u00FA: ', business: 'Negocio', us: 'nosotros',
      attachment: function (i) { return 'Adjunto ' + i; },
      newMessageFrom: function (who) { return 'Mensaje nuevo de ' + who + ': '; },
      status: { queued: 'En cola', sending: 'Enviando', sent: 'Enviado', delivered: 'Entregado', read: 'Le\u00EDdo', failed: 'No entregado' },
      count: function (c) { return plural(c.characters, 'car\u00E1cter', 'caracteres') + ' \u00B7 ' + plural(c.segments, 'segmento', 'segmentos') + ' (' + c.encoding + ')'; },
      noMessage: 'Escribe un mensaje.', messageLong: 'El mensaje puede tener como m\u00E1ximo 1000 caracteres.',
      messageControl: 'El mensaje no puede contener caracteres de control.',
      noFirstName: 'Escribe tu nombre.', firstNameLong: 'El nombre puede tener como m\u00E1ximo 100 caracteres.',
      noLastName: 'Escribe tu apellido.', lastNameLong: 'El apellido puede tener como m\u00E1ximo 100 caracteres.',
      noPhone: 'Escribe tu n\u00FAmero de m\u00F3vil.', phoneShort: 'Escribe el n\u00FAmero de m\u00F3vil completo, p. ej. +1 760 555 0142.',
      badEmail: 'Escribe un correo como nombre@ejemplo.com, o d\u00E9jalo vac\u00EDo.',
      badBirthdate: 'Escribe una fecha como AAAA-MM-DD, o d\u00E9jala vac\u00EDa.',
      futureBirthdate: 'La fecha de nacimiento no puede ser futura.', halfDate: 'Escribe la fecha completa, o b\u00F3rrala.',
      noConsent: 'Marca la casilla para aceptar recibir mensajes de texto.',
      dateOfBirth: 'Fecha de nacimiento', continueButton: 'Continuar',
      gateHelp: function (years) { return 'Debes tener ' + years + ' a\u00F1os o m\u00E1s para escribirnos.'; },
      badDateOfBirth: 'Escribe tu fecha de nacimiento completa.',
      underAge: function (years) { return 'Lo sentimos: debes tener ' + years + ' a\u00F1os o m\u00E1s para escribirnos.'; }
    }
  };

  // The table for a language tag ("es", "es-MX"): the script tag's data-lang wins over the
  // page's lang; a language without a table is English.
  function pickLanguage(dataLang, pageLang) {
    var primary = String(dataLang || pageLang || '').toLowerCase().split(/[-_]/)[0];
    return Object.prototype.hasOwnProperty.call(STRINGS, primary) ? primary : 'en';
  }

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
  function messageProblem(text, T) {
    if (!text) return T.noMessage;
    if (length(text) > MESSAGE_MAX) return T.messageLong;
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(text)) return T.messageControl;
    return null;
  }

  // A YYYY-MM-DD that names a real day, as [year, month, day]; null otherwise.
  function dateParts(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
    var d = m && new Date(Date.UTC(+m[1], m[2] - 1, +m[3]));
    if (!d || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== m[2] - 1 || d.getUTCDate() !== +m[3]) return null;
    return [+m[1], +m[2], +m[3]];
  }

  // Whether someone born on `birthdate` is `years` old on `today` (both YYYY-MM-DD), as the
  // server counts (common/consent/age_gate): born 29 February, of age on 1 March in a year
  // without one. The server decides, in the business's time zone; this spares a round trip.
  function ofAge(birthdate, today, years) {
    var b = dateParts(birthdate), t = dateParts(today);
    if (!b || !t) return false;
    var due = new Date(Date.UTC(b[0] + years, b[1] - 1, b[2])); // 29 Feb of a common year: 1 Mar
    return Date.UTC(t[0], t[1] - 1, t[2]) >= due.getTime();
  }

  // v: trimmed strings plus consent (boolean); T: a table of STRINGS (default English).
  // Returns {field: message} for each problem.
  function validate(v, today, T) {
    T = T || STRINGS.en;
    var e = {};
    if (!v.firstName) e.firstName = T.noFirstName;
    else if (length(v.firstName) > NAME_MAX) e.firstName = T.firstNameLong;
    if (!v.lastName) e.lastName = T.noLastName;
    else if (length(v.lastName) > NAME_MAX) e.lastName = T.lastNameLong;
    var digits = v.phoneNumber.replace(/[\s.()-]/g, '').replace(/^\+/, '');
    if (!v.phoneNumber) e.phoneNumber = T.noPhone;
    else if (!/^\d{10,}$/.test(digits)) e.phoneNumber = T.phoneShort;
    if (v.email && (v.email.length > EMAIL_MAX || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v.email))) {
      e.email = T.badEmail;
    }
    if (v.birthdate) {
      if (!dateParts(v.birthdate)) e.birthdate = T.badBirthdate;
      else if (v.birthdate > (today || localToday())) e.birthdate = T.futureBirthdate;
    }
    var problem = messageProblem(v.message, T);
    if (problem) e.message = problem;
    if (!v.consent) e.consent = T.noConsent;
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
    var STATUS_KEY = { accepted: 'queued', scheduled: 'queued', queued: 'queued', sending: 'sending', sent: 'sent',
      delivered: 'delivered', read: 'read', undelivered: 'failed', failed: 'failed' };
    var S = {
      open: false, business: '', config: null, channel: null, phone: '',
      msgs: new Map(), unread: 0, sending: false,
      lang: pickLanguage(script && script.getAttribute('data-lang'), document.documentElement.lang),
      gate: null, birthdate: null // the age gate's years (null: none), and the date it was given
    };
    var T = STRINGS[S.lang];

    // Words that stay on the page are text nodes kept here, so that they can change language
    // when the server words the consent in another (setLanguage).
    var words = [];
    function t(key) {
      var node = document.createTextNode(T[key]);
      words.push([node, key]);
      return node;
    }
    function setLanguage(lang) {
      if (lang === S.lang || !STRINGS[lang]) return;
      S.lang = lang;
      T = STRINGS[lang];
      words.forEach(function (w) { w[0].data = T[w[1]]; });
      closeBtn.setAttribute('aria-label', T.close);
      thread.setAttribute('aria-label', T.conversation);
      pollOptions.reconnectingText = T.reconnecting;
      showBadge();
      count();
    }

    // ---- Build the DOM. ----
    var root = h('div', { class: 'textus-root', hidden: true, lang: S.lang });
    var badge = h('span', { class: 'textus-badge', hidden: true });
    var launch = h('button', { type: 'button', class: 'textus-launch', 'aria-expanded': 'false',
      'aria-controls': 'textus-panel', onclick: function () { S.open ? close() : open(); } }, t('textUs'), badge);
    var title = h('h2', { class: 'textus-title', id: 'textus-title' }, t('textUs'));
    var closeBtn = h('button', { type: 'button', class: 'textus-close', 'aria-label': T.close, onclick: close }, '\u00D7');
    var alertBox = h('div', { class: 'textus-alert', role: 'alert' });
    var live = h('div', { class: 'textus-sr', 'aria-live': 'polite' });

    // The age gate, when the business has one: the full date of birth before anything else.
    var gateBox = h('input', { type: 'date', id: 'textus-dob', class: 'textus-input', autocomplete: 'bday',
      max: localToday(), 'aria-describedby': 'textus-dob-err' });
    var gateHelp = h('p', { class: 'textus-small' });
    var gateErr = h('p', { class: 'textus-error', id: 'textus-dob-err' });
    var gate = h('form', { class: 'textus-main textus-form', hidden: true, novalidate: true, onsubmit: passGate },
      gateHelp,
      h('div', { class: 'textus-field' }, h('label', { for: 'textus-dob' }, t('dateOfBirth')), gateBox, gateErr),
      h('button', { type: 'submit', class: 'textus-btn' }, t('continueButton')));

    // The lead form: every field with a visible label and its own error line.
    var F = {};
    function field(name, label, input, optional) {
      input.id = 'textus-f-' + name;
      input.name = name;
      input.className = 'textus-input';
      var err = h('p', { class: 'textus-error', id: input.id + '-err' });
      input.setAttribute('aria-describedby', err.id);
      var wrap = h('div', { class: 'textus-field' },
        h('label', { for: input.id }, t(label), optional ? h('span', { class: 'textus-opt' }, t('optional')) : null),
        input, err);
      F[name] = { input: input, err: err, wrap: wrap };
      return wrap;
    }
    var consentBox = h('input', { type: 'checkbox', id: 'textus-f-consent', name: 'consent', 'aria-describedby': 'textus-f-consent-err' });
    // The server's words, as text: never markup.
    var consentText = h('label', { for: 'textus-f-consent' }, t('loading'));
    var consentErr = h('p', { class: 'textus-error', id: 'textus-f-consent-err' });
    var submitLabel = t('send');
    var submitBtn = h('button', { type: 'submit', class: 'textus-btn', disabled: true }, submitLabel);
    function newTab(key, href) {
      return h('a', { href: asset(href), target: '_blank', rel: 'noopener' }, t(key), h('span', { class: 'textus-sr' }, t('newTab')));
    }
    var form = h('form', { class: 'textus-main textus-form', novalidate: true, onsubmit: submitForm },
      field('firstName', 'firstName', h('input', { type: 'text', autocomplete: 'given-name', maxlength: 200 })),
      field('lastName', 'lastName', h('input', { type: 'text', autocomplete: 'family-name', maxlength: 200 })),
      field('phoneNumber', 'phone', h('input', { type: 'tel', autocomplete: 'tel', inputmode: 'tel' })),
      field('email', 'email', h('input', { type: 'email', autocomplete: 'email' }), true),
      field('birthdate', 'birthdate', h('input', { type: 'date', max: localToday() }), true),
      field('message', 'message', h('textarea', { rows: 4 })),
      h('div', { class: 'textus-field' },
        h('div', { class: 'textus-check' }, consentBox, consentText), consentErr,
        h('p', { class: 'textus-small' }, newTab('terms', 'terms.html'), ' \u00B7 ', newTab('privacy', 'privacy.html'))),
      submitBtn);
    F.consent = { input: consentBox, err: consentErr }; // last in F, as on the page: errors focus the first

    // The conversation: thread, connection line, composer.
    var note = h('p', { class: 'textus-small textus-note' });
    var thread = h('ol', { class: 'textus-thread', 'aria-label': T.conversation, tabindex: '0' });
    var conn = h('p', { class: 'textus-small textus-conn', 'aria-live': 'polite' });
    var box = h('textarea', { id: 'textus-compose', class: 'textus-input', rows: 2,
      'aria-describedby': 'textus-count textus-compose-err', oninput: count, onkeydown: composeKey });
    var counter = h('p', { class: 'textus-count', id: 'textus-count' });
    var sendErr = h('p', { class: 'textus-error', id: 'textus-compose-err' });
    var sendBtn = h('button', { type: 'submit', class: 'textus-btn' }, t('send'));
    // The code step: the chat is the visitor's once they type the code we texted to the phone.
    var codeBox = h('input', { type: 'text', id: 'textus-code', class: 'textus-input', inputmode: 'numeric',
      autocomplete: 'one-time-code', maxlength: 7, 'aria-describedby': 'textus-code-err' });
    var codeHelp = h('p', { class: 'textus-small', id: 'textus-code-help' });
    var codeErr = h('p', { class: 'textus-error', id: 'textus-code-err' });
    var codeBtn = h('button', { type: 'submit', class: 'textus-btn' }, t('confirm'));
    var codeStep = h('form', { class: 'textus-code', hidden: true, novalidate: true, onsubmit: confirmCode },
      h('label', { for: 'textus-code', class: 'textus-label' }, t('codeLabel')), codeHelp,
      h('div', { class: 'textus-row' }, codeBox, codeBtn), codeErr);
    var chat = h('div', { class: 'textus-chat', hidden: true },
      note, codeStep, thread, conn,
      h('form', { class: 'textus-composer', onsubmit: send },
        h('label', { for: 'textus-compose', class: 'textus-label' }, t('message')),
        h('div', { class: 'textus-row' }, box, sendBtn), counter, sendErr,
        h('button', { type: 'button', class: 'textus-link', onclick: startOver }, t('startOver'))));

    var panel = h('div', { class: 'textus-panel', id: 'textus-panel', role: 'dialog', 'aria-labelledby': 'textus-title',
      hidden: true, onkeydown: function (e) { if (e.key === 'Escape') { e.preventDefault(); close(); } } },
      h('div', { class: 'textus-head' }, title, closeBtn), alertBox, gate, form, chat);
    root.append(launch, panel, live);

    // The stylesheet goes next to the script; the widget shows once it is styled.
    var css = h('link', { rel: 'stylesheet', href: asset('widget.css') });
    css.onload = css.onerror = function () { root.hidden = false; };
    if (script && script.parentNode) script.parentNode.insertBefore(css, script.nextSibling);
    else document.head.append(css);
    document.body.append(root);
    if (!segmentsFn()) addScript(script, src, 'segments.js', count);

    // Replies as they come: the chat's channel, long-polled (Live updates, below).
    var pollOptions = { status: conn, connectedText: '', reconnectingText: T.reconnecting,
      onEvent: showEvent, onRefused: renewPoll };
    var chatPoll = window.textusLongPoll(pollOptions);
    count();

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
      if (S.channel) { thread.scrollTop = thread.scrollHeight; box.focus(); } else if (!gate.hidden) gateBox.focus(); else F.firstName.input.focus();
    }
    function close() {
      S.open = false;
      panel.hidden = true;
      launch.setAttribute('aria-expanded', 'false');
      launch.focus();
    }
    function showBadge() {
      badge.hidden = !S.unread;
      badge.textContent = S.unread ? T.newMessages(S.unread) : '';
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
      if (r.status === 429 && !err.message) return { message: T.tooMany };
      // The server words this one in English; the page says it in the visitor's language.
      if (err.code === 'under_age' && S.gate) return { message: T.underAge(S.gate), field: err.field };
      return { message: err.message || T.failed(r.status), field: err.field };
    }
    function chatPath(what) { return '/api/chat/' + encodeURIComponent(S.channel) + '/' + (what || 'messages'); }

    // Business name, consent text and age gate, in the page's language when the server words
    // it, once per page (again after a failure).
    function loadConfig() {
      if (S.config) return;
      S.config = api('GET', '/api/twilio/initiate?lang=' + S.lang).then(function (r) {
        if (r.status !== 200 || !r.data.success) throw new Error('config');
        var failedBefore = alertBox.textContent === T.noForm;
        setLanguage(r.data.language);
        root.setAttribute('lang', S.lang);
        S.business = r.data.businessName || '';
        title.textContent = S.business ? T.textBusiness(S.business) : T.textUs;
        consentText.textContent = r.data.consentText || '';
        S.gate = r.data.ageGate ? r.data.ageGate.years : null;
        // The gate's date is the form's birthdate: not asked twice.
        F.birthdate.wrap.hidden = !!S.gate;
        gateHelp.textContent = S.gate ? T.gateHelp(S.gate) : '';
        if (!S.channel && S.gate && !S.birthdate) showGate();
        submitBtn.disabled = false;
        if (failedBefore) alertBox.textContent = ''; // keep any other notice
      }).catch(function () {
        S.config = null;
        if (!S.channel) alertBox.textContent = T.noForm;
      });
    }

    // ---- The age gate. ----
    function showGate() {
      form.hidden = true;
      chat.hidden = true;
      gate.hidden = false;
      if (S.open) gateBox.focus();
    }
    function passGate(e) {
      e.preventDefault();
      var value = gateBox.value;
      var problem = !dateParts(value) || (gateBox.validity && gateBox.validity.badInput) || value > localToday()
        ? T.badDateOfBirth : null;
      gateErr.textContent = problem || '';
      if (problem) { gateBox.setAttribute('aria-invalid', 'true'); gateBox.focus(); return; }
      gateBox.removeAttribute('aria-invalid');
      if (!ofAge(value, localToday(), S.gate)) {
        // Nothing is sent, and the page keeps nothing: the refusal stands until a reload.
        gate.hidden = true;
        alertBox.className = 'textus-alert textus-strong';
        alertBox.textContent = T.underAge(S.gate);
        return;
      }
      S.birthdate = value;
      gate.hidden = true;
      showForm();
      F.firstName.input.focus();
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
      if (S.gate) v.birthdate = S.birthdate;
      var errors = validate(v, null, T);
      // A half-typed date leaves the input's value empty: say so rather than send nothing.
      if (!S.gate && F.birthdate.input.validity && F.birthdate.input.validity.badInput) errors.birthdate = T.halfDate;
      var first = null;
      Object.keys(F).forEach(function (k) {
        setError(F[k], errors[k]);
        if (errors[k] && !first) first = F[k].input;
      });
      if (first) { first.focus(); return; }

      var body = { firstName: v.firstName, lastName: v.lastName, phoneNumber: v.phoneNumber, message: v.message,
        consent: true, language: S.lang };
      if (v.email) body.email = v.email;
      if (v.birthdate) body.birthdate = v.birthdate;
      submitBtn.disabled = true;
      submitLabel.data = T.sending;
      api('POST', '/api/twilio/initiate', body).then(function (r) {
        if (r.status >= 200 && r.status < 300 && r.data.success) return started(r.data);
        var err = errorOf(r);
        // The server names JSON fields; contract.md's example says "phone" for phoneNumber.
        var f = F[err.field === 'phone' ? 'phoneNumber' : err.field];
        if (r.status === 409 || r.status === 403 || !f || f.wrap.hidden) {
          // 409: the number opted out; the message says how to text START. 403: under age.
          // Make it stand out.
          alertBox.className = 'textus-alert' + (r.status === 409 || r.status === 403 ? ' textus-strong' : '');
          alertBox.textContent = err.message;
        } else {
          setError(f, err.message);
          f.input.focus();
        }
      }, function () {
        alertBox.textContent = T.offline;
      }).then(function () {
        submitBtn.disabled = false;
        submitLabel.data = T.send;
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
      codeHelp.textContent = needed ? T.codeHelp(S.phone) : '';
      if (!needed) { codeBox.value = ''; codeErr.textContent = ''; codeBox.removeAttribute('aria-invalid'); }
    }
    function confirmCode(e) {
      e.preventDefault();
      var code = codeBox.value.replace(/\s/g, '');
      if (!/^\d{6}$/.test(code)) {
        codeErr.textContent = T.codeDigits;
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
          live.textContent = T.codeConfirmed;
          box.focus();
        } else if (r.status === 404) {
          forget();
          showForm(T.ended);
        } else {
          codeErr.textContent = errorOf(r).message;
          codeBox.setAttribute('aria-invalid', 'true');
          codeBox.focus();
        }
      }, function () {
        codeErr.textContent = T.offline;
      }).then(function () { codeBtn.disabled = false; });
    }

    function showChat() {
      alertBox.textContent = '';
      gate.hidden = true;
      form.hidden = true;
      chat.hidden = false;
      note.textContent = S.phone ? T.alsoTexted(S.phone) : T.replyAnywhere;
    }
    function showForm(message) {
      chat.hidden = true;
      alertBox.className = 'textus-alert';
      alertBox.textContent = message || '';
      if (S.gate && !S.birthdate) showGate(); else form.hidden = false;
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
      if (form.hidden) gateBox.focus(); else F.firstName.input.focus();
    }

    // ---- The thread. ----
    function mine(m) { return m.direction === 'inbound'; }
    function rank(s) { return s in RANK ? RANK[s] : -1; }
    function when(iso) {
      var d = new Date(iso);
      if (!iso || isNaN(d)) return null;
      var sameDay = d.toDateString() === new Date().toDateString();
      var text = sameDay ? d.toLocaleTimeString(S.lang, { hour: 'numeric', minute: '2-digit' })
        : d.toLocaleString(S.lang, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
      return h('time', { datetime: iso, text: text });
    }
    function bubble(m) {
      var me = mine(m);
      var meta = h('p', { class: 'textus-meta' }, when(m.createdAt));
      if (!me && STATUS_KEY[m.status]) {
        var bad = m.status === 'failed' || m.status === 'undelivered';
        meta.append(' \u00B7 ', h('span', { class: bad ? 'textus-failed' : null, text: T.status[STATUS_KEY[m.status]] }));
      }
      var li = h('li', { class: 'textus-msg ' + (me ? 'textus-me' : 'textus-them'), 'data-id': m.id },
        h('span', { class: 'textus-sr', text: me ? T.you : (S.business || T.business) + ': ' }),
        h('p', { class: 'textus-body', dir: 'auto', text: m.body || '' }));
      (m.mediaUrls || []).forEach(function (url, i) {
        if (/^https?:/i.test(url)) li.append(h('a', { class: 'textus-media', href: url, target: '_blank', rel: 'noopener noreferrer', text: T.attachment(i + 1) }));
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
        setTimeout(function () { live.textContent = T.newMessageFrom(S.business || T.us) + (m.body || ''); }, 50);
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
          showForm(T.ended);
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
      counter.textContent = T.count(c);
    }
    function composeKey(e) {
      // Enter sends, Shift+Enter is a new line; never while an input method is composing.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
    }
    function send(e) {
      if (e) e.preventDefault();
      if (S.sending || !S.channel) return;
      var body = box.value.trim();
      sendErr.textContent = messageProblem(body, T) || '';
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
          showForm(T.ended);
        } else {
          sendErr.textContent = errorOf(r).message;
        }
      }, function () {
        sendErr.textContent = T.offline;
      }).then(function () {
        S.sending = false;
        sendBtn.disabled = false;
        if (!chat.hidden) box.focus();
      });
    }
  }

  // node's tests load this file for the form checks; browsers have no `module`.
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { validate: validate, ofAge: ofAge, pickLanguage: pickLanguage, STRINGS: STRINGS };
  }
})();
