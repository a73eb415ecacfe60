/* Campaigns: one text to the contacts a filter picks, sent by the worker (textus-admin
   run-due) at CAMPAIGN_RATE. The server renders, counts and decides who is skipped; this view
   shows what it says, live from the staff channel: the list, and one campaign with its counts
   and recipients. The new-campaign form is campaign-form.js. */
import { h } from './shared-with-widget.js';
import { S, E } from './state.js';
import { api, errorText, OFFLINE, qs } from './api.js';
import { throttle } from './timing.js';
import { nameOf, iso, named, nameEl, formatPhone, when, plural } from './format.js';
import { newCampaign } from './campaign-form.js';

var CAMP_STATUS = { scheduled: 'Scheduled', sending: 'Sending', paused: 'Paused', completed: 'Completed' };
var BUCKETS = [['queued', 'Queued'], ['sending', 'Sending'], ['sent', 'Sent'], ['delivered', 'Delivered'],
  ['failed', 'Failed'], ['skipped', 'Skipped']];
var BUCKET = {};
BUCKETS.forEach(function (b) { BUCKET[b[0]] = b[1]; });
var SKIP = { opted_out: 'Opted out', not_opted_in: 'Not opted in', invalid_number: 'Invalid number', contact_deleted: 'Contact deleted',
  possible_opt_out: 'Possible opt-out' };
var SKIP_COUNTS = [['optedOut', 'opted_out'], ['notOptedIn', 'not_opted_in'], ['invalidNumber', 'invalid_number'], ['contactDeleted', 'contact_deleted'],
  ['possibleOptOut', 'possible_opt_out']];

// The campaigns view: the list, and a pane for one campaign or the new-campaign form.
export function buildCampaigns() {
  E.campList = h('ul', { class: 'camp-list', 'aria-label': 'Campaigns' });
  E.campNote = h('p', { class: 'small muted camp-note', 'aria-live': 'polite' });
  E.campPane = h('section', { class: 'pane editor-pane camp-pane', 'aria-labelledby': 'camp-title' });
  E.campView = h('div', { class: 'campaigns-view', hidden: true },
    h('section', { class: 'pane list-pane', 'aria-label': 'Campaign list' },
      h('div', { class: 'pane-head filters' },
        h('button', { type: 'button', class: 'btn', onclick: newCampaign }, 'New campaign')),
      h('div', { class: 'scroll' }, E.campList, E.campNote)),
    E.campPane);
  return E.campView;
}

export function byId(list, id) { return list.filter(function (x) { return x.id === id; })[0]; }
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

export function loadCampaigns() {
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
export function renderCampaigns() {
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
export function campaignEvent(c) {
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
export var refetchCampaign = throttle(fetchCampaign, 2000);
var refreshRecipients = throttle(function () { loadRecipients(true, true); }, 2000);

export function closeCampaign() {
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
export function openPane() {
  E.campPane.textContent = '';
  E.campPane.classList.add('open');
  E.campView.classList.add('show-detail');
  return h('button', { type: 'button', class: 'back-btn', onclick: closeCampaign }, '\u2190 Back to campaigns');
}

// One campaign: status, counts, pause or resume, its recipients.
export function openCampaign(c) {
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
export function loadRecipients(reset, keep) {
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
