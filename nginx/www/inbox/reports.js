/* The Reports view, for admins and the owner (docs/decisions.md, Reports): a period and a time
   zone, then texts in and out per day drawn as bars (SVG made here) with the numbers beside
   them, the texts each person sent, and each table as CSV. */
import { h } from './shared-with-widget.js';
import { E } from './state.js';
import { api, errorText, OFFLINE, qs } from './api.js';

var SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs) {
  var el = document.createElementNS(SVG, tag);
  Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
  return el;
}
function day(d) { return d.toISOString().slice(0, 10); }

export function buildReports() {
  var today = new Date();
  var monthAgo = new Date(today.getTime() - 29 * 864e5);
  E.rFrom = h('input', { type: 'date', id: 'report-from', value: day(monthAgo) });
  E.rTo = h('input', { type: 'date', id: 'report-to', value: day(today) });
  var zone = (Intl.DateTimeFormat().resolvedOptions().timeZone) || 'UTC';
  E.rZone = h('input', { type: 'text', id: 'report-zone', value: zone, autocomplete: 'off', spellcheck: false });
  E.rErr = h('p', { class: 'error', role: 'alert' });
  E.rBody = h('div', { class: 'report-body' });
  E.reportsView = h('section', { class: 'reports-view', hidden: true, 'aria-labelledby': 'reports-title' },
    h('h2', { id: 'reports-title', text: 'Reports' }),
    h('form', { class: 'row-wrap report-period', onsubmit: function (e) { e.preventDefault(); loadReports(); } },
      h('div', { class: 'field' }, h('label', { for: 'report-from', text: 'From' }), E.rFrom),
      h('div', { class: 'field' }, h('label', { for: 'report-to', text: 'To' }), E.rTo),
      h('div', { class: 'field' }, h('label', { for: 'report-zone', text: 'Time zone' }), E.rZone),
      h('button', { type: 'submit', class: 'btn' }, 'Show')),
    E.rErr, E.rBody);
  return E.reportsView;
}

function period() {
  return { from: E.rFrom.value, to: E.rTo.value, timeZone: E.rZone.value.trim() };
}

export function loadReports() {
  E.rErr.textContent = '';
  E.rBody.textContent = 'Loading\u2026';
  api('GET', '/api/crm/reports/messages?' + qs(period())).then(function (r) {
    if (r.status !== 200) { E.rBody.textContent = ''; E.rErr.textContent = errorText(r); return; }
    render(r.data);
  }, function () { E.rBody.textContent = ''; E.rErr.textContent = OFFLINE; });
}

function csvLink(table, label) {
  var q = period();
  q.format = 'csv';
  q.table = table;
  return h('a', { href: '/api/crm/reports/messages?' + qs(q), download: '' }, label);
}

// Bars per day: texts in above the line, texts out below it, each split SMS and web.
function chart(days) {
  var width = Math.max(320, days.length * 14), height = 180, mid = height / 2;
  var max = 1;
  days.forEach(function (d) { max = Math.max(max, d.in.sms + d.in.web, d.out.sms + d.out.web); });
  var scale = (mid - 10) / max, w = width / days.length;
  var g = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, class: 'report-chart', role: 'img',
    'aria-label': 'Texts in (above) and out (below) per day, ' + days[0].day + ' to ' + days[days.length - 1].day });
  g.append(svg('line', { x1: 0, x2: width, y1: mid, y2: mid, class: 'axis' }));
  days.forEach(function (d, i) {
    var x = i * w + 1, bw = Math.max(1, w - 2);
    var stacks = [['in-sms', -d.in.sms, 0], ['in-web', -d.in.web, -d.in.sms], ['out-sms', d.out.sms, 0], ['out-web', d.out.web, d.out.sms]];
    stacks.forEach(function (s) {
      if (!s[1]) return;
      var y = s[1] < 0 ? mid + (s[2] + s[1]) * scale : mid + s[2] * scale;
      var rect = svg('rect', { x: x, y: y, width: bw, height: Math.abs(s[1]) * scale, class: 'bar ' + s[0] });
      var title = svg('title');
      title.textContent = d.day + ': ' + Math.abs(s[1]) + ' ' + s[0].replace('-', ' ');
      rect.append(title);
      g.append(rect);
    });
  });
  return g;
}

function render(d) {
  E.rBody.textContent = '';
  var total = function (k, c) { return d.days.reduce(function (n, x) { return n + x[k][c]; }, 0); };
  E.rBody.append(
    h('p', { class: 'report-totals', text: 'Texts in: ' + (total('in', 'sms') + total('in', 'web')) + ' (SMS ' + total('in', 'sms') +
      ', web ' + total('in', 'web') + '). Texts out: ' + (total('out', 'sms') + total('out', 'web')) + ' (SMS ' + total('out', 'sms') +
      ', web ' + total('out', 'web') + ').' }),
    chart(d.days),
    h('p', { class: 'small muted', text: 'Above the line: texts in; below: texts out. Dark: SMS; light: web.' }),
    h('table', { class: 'report-table' }, h('caption', null, 'Texts per day ', csvLink('days', 'CSV')),
      h('thead', null, h('tr', null, ['Day', 'SMS in', 'Web in', 'SMS out', 'Web out'].map(function (t) { return h('th', { scope: 'col', text: t }); }))),
      h('tbody', null, d.days.map(function (x) {
        return h('tr', null, h('th', { scope: 'row', text: x.day }),
          [x.in.sms, x.in.web, x.out.sms, x.out.web].map(function (n) { return h('td', { text: String(n) }); }));
      }))),
    h('table', { class: 'report-table' }, h('caption', null, 'Texts sent by each person ', csvLink('people', 'CSV')),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Sent by' }), h('th', { scope: 'col', text: 'Texts' }))),
      h('tbody', null, d.people.length ? d.people.map(function (p) {
        return h('tr', null, h('th', { scope: 'row', text: p.person || '(nobody named)' }), h('td', { text: String(p.sent) }));
      }) : h('tr', null, h('td', { colspan: 2, text: 'None in this period.' })))));
}
