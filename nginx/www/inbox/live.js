/* Live events: the staff channel, long-polled (contract.md §8) with the widget's loop
   (../longpoll.js). Here: getting and renewing the signed URL, and what each event changes; the
   events are common/live/staff_events.h (tests/widget/staff_events.test.js holds the two to one
   list). */
import { longPoll } from './shared-with-widget.js';
import { S, E } from './state.js';
import { conn } from './page.js';
import { api } from './api.js';
import { scheduleRefresh } from './conversations.js';
import { closeThread, markRead, upsert, reloadThread, refreshContact, applyContact } from './thread.js';
import { updateComposer } from './composer.js';
import { loadContacts, closeEditor } from './contacts.js';
import { campaignEvent, refetchCampaign } from './campaigns.js';
import { applyConversation, refreshWork } from './work.js';
import { noteArrived } from './notes.js';
import { textArrived, noteMentions } from './notify.js';
import { presenceEvent } from './presence.js';

var staffPoll = longPoll({
  status: conn,
  connectedText: 'Live',
  onEvent: function (ev) {
    try { apply(ev); } catch (e) { /* one bad event must not stop the loop */ }
  },
  onRefused: function () { staffPoll.later(staffPoll.gen, renew); } // expired or refused: a fresh URL
});
var renewTimer = 0;

// After sign-in: nothing to resume from, so the first poll starts a little before now (renew).
export function startLive() {
  staffPoll.headers = null;
  renew();
}
export function stopLive() {
  staffPoll.stop();
  clearTimeout(renewTimer);
}
// A fresh signed URL; the resume headers carry over (same channel), so nothing repeats.
function renew() {
  stopLive();
  var gen = staffPoll.gen;
  api('GET', '/api/crm/live').then(function (r) {
    if (gen !== staffPoll.gen) return;
    if (r.status !== 200 || !r.data.subscribeUrl) { staffPoll.later(gen, renew); return; }
    // The first poll asks only for the last 10 s of events (by the server's clock): enough to
    // cover the list loaded alongside, without walking the channel's 15-minute buffer
    // (up to 200 events, one poll each). Replayed events are applied by id: harmless.
    var headers = staffPoll.headers, date = Date.parse(r.date || '');
    if (!headers && date) headers = { 'If-Modified-Since': new Date(date - 10000).toUTCString(), 'If-None-Match': '0' };
    var life = Date.parse(r.data.expiresAt) - Date.now();
    if (!(life > 0)) life = 600000;
    staffPoll.start(new URL(r.data.subscribeUrl, location.href).href, headers);
    var started = staffPoll.gen;
    renewTimer = setTimeout(function () { if (started === staffPoll.gen) renew(); }, Math.max(5000, life * 0.8));
  }, function () { if (gen === staffPoll.gen) staffPoll.later(gen, renew); });
}

// Events are applied by id, so a replayed one changes nothing.
function apply(ev) {
  if (!ev || !ev.type) return;
  if (ev.type === 'message' || ev.type === 'status') {
    var m = ev.message;
    if (!m) return;
    // A new message may have changed its conversation (a reply takes it, a text reopens it):
    // one read of its state serves the open thread's head and the notification.
    var open = S.contact && m.contactId === S.contact.id;
    if (ev.type === 'message' && m.contactId && (open || m.direction === 'inbound')) {
      refreshWork(m.contactId).then(function (conversation) { if (conversation) textArrived(m, conversation); });
    }
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
  } else if (ev.type === 'presence' && ev.presence) {
    presenceEvent(ev.presence);
  } else if (ev.type === 'note' && ev.note) {
    noteArrived(ev.note);
    noteMentions(ev.note);
  } else if (ev.type === 'conversation' && ev.conversation) {
    applyConversation(ev.conversation);
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
