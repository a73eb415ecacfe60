/* The new-campaign form. The recipient count and the preview are the server's (it renders
   the names and adds the opt-out notice a first message gets); the count under the message is
   only the text as typed. */
import { h, segmentsOf } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api, errorText, OFFLINE, newKey } from './api.js';
import { debounce } from './timing.js';
import { nameEl, formatPhone, plural, segText } from './format.js';
import { STATUSES } from './contacts.js';
import { byId, loadCampaigns, renderCampaigns, campaignEvent, closeCampaign, openPane, openCampaign } from './campaigns.js';

var SKIP_WHY = {
  opted_out: 'they opted out of texts', not_opted_in: 'they have not opted in and have not texted us',
  invalid_number: 'their number is not a valid one', contact_deleted: 'the contact was deleted',
  possible_opt_out: 'their last text may be an opt-out, which staff have not decided yet'
};

export function newCampaign() {
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
