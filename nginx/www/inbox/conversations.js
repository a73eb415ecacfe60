/* The conversation list: newest first, searched, paged as it scrolls, refreshed quietly as
   events come. */
import { h } from './shared-with-widget.js';
import { S, E, PAGE } from './state.js';
import { api, errorText, OFFLINE, qs } from './api.js';
import { debounce } from './timing.js';
import { formatPhone, nameOf, iso, named, optState, OPT_LABEL, when } from './format.js';
import { openThread, renderThreadHead } from './thread.js';
import { updateComposer } from './composer.js';
import { maybeOf } from './possible-opt-out.js';

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
  E.listPane = h('section', { class: 'pane list-pane', 'aria-label': 'Conversation list' },
    h('div', { class: 'pane-head' }, h('label', { for: 'conv-search', text: 'Search conversations' }), E.search),
    E.listScroll);
  return E.listPane;
}

// reset: from the top (a search, a refresh); keep: refresh as many as are shown, quietly.
export function loadConversations(reset, keep) {
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
        maybeOf(c.contact) != null ? h('span', { class: 'maybe-label', text: 'Possible opt-out' }) : null));
    E.convList.append(h('li', null, btn));
    if (String(c.contact.id) === focusedId) btn.focus();
  });
}
