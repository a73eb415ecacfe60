/* The conversation list: newest first, in a view (mine, unassigned, all) and a status, with
   counts; searched, paged as it scrolls, refreshed quietly as events come. */
import { h } from './shared-with-widget.js';
import { S, E, PAGE } from './state.js';
import { api, errorText, OFFLINE, qs } from './api.js';
import { debounce } from './timing.js';
import { formatPhone, nameOf, iso, named, optState, OPT_LABEL, when } from './format.js';
import { openThread, renderThreadHead } from './thread.js';
import { updateComposer } from './composer.js';
import { maybeOf } from './possible-opt-out.js';
import { renderWork } from './work.js';
import { renderTitle } from './notify.js';

var VIEWS = [['me', 'Mine', 'mine'], ['none', 'Unassigned', 'unassigned'], ['', 'All', 'all']];
var STATUSES = [['open', 'Open'], ['snoozed', 'Snoozed'], ['closed', 'Closed']];

// The list pane, with its search.
export function buildConversationList() {
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
  E.viewBtns = VIEWS.map(function (v) {
    return h('button', { type: 'button', 'data-view': v[0], 'aria-pressed': String(S.convAssignee === v[0]), onclick: function () {
      S.convAssignee = v[0]; renderViews(); loadConversations(true);
    } });
  });
  E.statusSel = h('select', { id: 'conv-status', onchange: function () {
    S.convStatus = E.statusSel.value; renderViews(); loadConversations(true);
  } }, STATUSES.map(function (s) { return h('option', { value: s[0], text: s[1] }); }));
  E.statusSel.value = S.convStatus;
  E.listPane = h('section', { class: 'pane list-pane', 'aria-label': 'Conversation list' },
    h('div', { class: 'pane-head' },
      h('div', { class: 'views', role: 'group', 'aria-label': 'Whose conversations' }, E.viewBtns),
      h('div', { class: 'row' }, h('label', { for: 'conv-status', class: 'small', text: 'Status' }), E.statusSel),
      h('label', { for: 'conv-search', text: 'Search conversations' }), E.search),
    E.listScroll);
  renderViews();
  return E.listPane;
}

// The view buttons, each with its count in the status shown ("Mine 3"); closed ones are not
// counted, and a count stops at 1000 (docs/decisions.md, Working the conversations).
function renderViews() {
  var counts = S.convCounts && S.convCounts[S.convStatus];
  E.viewBtns.forEach(function (btn, i) {
    var v = VIEWS[i];
    btn.setAttribute('aria-pressed', String(S.convAssignee === v[0]));
    btn.textContent = v[1];
    var n = counts && counts[v[2]];
    if (n != null) btn.append(' ', h('span', { class: 'count', text: n >= 1000 ? '999+' : String(n) }));
  });
}

// reset: from the top (a search, a refresh); keep: refresh as many as are shown, quietly.
export function loadConversations(reset, keep) {
  var seq = ++S.convSeq;
  var limit = reset ? (keep ? Math.min(200, Math.max(PAGE, S.convs.length)) : PAGE) : PAGE;
  var skip = reset ? 0 : S.convs.length;
  S.convLoading = true;
  if (!keep) E.convStatus.textContent = 'Loading\u2026';
  return api('GET', '/api/crm/sms/conversations?' + qs({ search: S.convSearch, status: S.convStatus,
    assignee: S.convAssignee, limit: limit, skip: skip })).then(function (r) {
    if (seq !== S.convSeq) return;
    S.convLoading = false;
    if (r.status !== 200 || !r.data.success) { E.convStatus.textContent = errorText(r); return; }
    var rows = r.data.conversations || [];
    if (r.data.counts) { S.convCounts = r.data.counts; renderViews(); }
    S.convs = reset ? rows : S.convs.concat(rows.filter(function (c) {
      return !S.convs.some(function (o) { return o.contact.id === c.contact.id; });
    }));
    S.convMore = !!(r.data.pagination && r.data.pagination.hasMore);
    E.convMore.hidden = !S.convMore;
    // A search looks at the newest 500 matches of a kind (docs/decisions.md): say so at its end.
    var capped = !S.convMore && !!(r.data.pagination && r.data.pagination.totalCapped);
    E.convStatus.textContent = S.convs.length ? (capped ? 'These are the newest matches; add a word to find older ones.' : '')
      : (S.convSearch ? 'No conversations match.' : 'No conversations here.');
    renderConversations();
    renderTitle();
    // The open thread's contact, as the list knows it now (opt-in may have changed).
    if (S.contact) {
      var mine = S.convs.filter(function (c) { return c.contact.id === S.contact.id; })[0];
      // (Marking a possible opt-out, or settling one, leaves updatedAt as it was.)
      if (mine && (mine.contact.updatedAt !== S.contact.updatedAt ||
          mine.contact.possibleOptOutMessageId !== S.contact.possibleOptOutMessageId)) {
        S.contact = mine.contact; renderThreadHead(); updateComposer();
      }
      // Taken by a reply, reopened by a text: the thread's head follows.
      var was = S.conv;
      if (mine && was && was.contactId === mine.contact.id && (was.status !== mine.status ||
          was.snoozedUntil !== mine.snoozedUntil || (was.assignee && was.assignee.id) !== (mine.assignee && mine.assignee.id))) {
        S.conv = { contactId: mine.contact.id, status: mine.status, snoozedUntil: mine.snoozedUntil, assignee: mine.assignee };
        renderWork();
      }
    }
  }, function () {
    if (seq !== S.convSeq) return;
    S.convLoading = false;
    E.convStatus.textContent = OFFLINE;
  });
}
export function scheduleRefresh() {
  clearTimeout(S.refreshTimer);
  S.refreshTimer = setTimeout(function () { loadConversations(true, true); }, 250);
}
function preview(m) {
  if (!m) return '';
  var you = m.direction === 'outbound' && m.sentBy !== 'web' ? 'You: ' : '';
  if (m.body) return [you, iso(m.body)];
  return you + ((m.mediaUrls || []).length ? '[picture]' : '');
}
export function renderConversations() {
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
        maybeOf(c.contact) != null ? h('span', { class: 'maybe-label', text: 'Possible opt-out' }) : null,
        c.assignee ? h('span', { class: 'assignee' }, '\u2192 ', iso(c.assignee.name)) : null,
        c.status === 'snoozed' ? h('span', { class: 'snoozed' }, 'Snoozed until ', when(c.snoozedUntil)) : null,
        c.status === 'closed' ? h('span', { class: 'snoozed', text: 'Closed' }) : null));
    E.convList.append(h('li', null, btn));
    if (String(c.contact.id) === focusedId) btn.focus();
  });
}
