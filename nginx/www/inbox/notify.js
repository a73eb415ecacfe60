/* Telling the signed-in person what waits (docs/decisions.md, Notifications): the tab's title
   counts the unread conversations in the list shown and the notes that mention them unseen; a
   browser notification (once they allow it) for a new text in a conversation that is theirs or
   nobody's, and for a mention; and, if they turn it on, a short sound. Nothing is kept in the
   browser: each sign-in starts with sound off. Notifications name the contact, never the text. */
import { S } from './state.js';
import { api } from './api.js';
import { nameOf } from './format.js';
import { notifyBar, allowBtn, soundBox } from './page.js';

var TITLE = 'Inbox \u00B7 textus';
var mentions = new Map(); // note id -> contact id, unseen

allowBtn.addEventListener('click', function () {
  Notification.requestPermission().then(renderAllow, renderAllow);
});
function renderAllow() {
  allowBtn.hidden = !('Notification' in window) || Notification.permission !== 'default';
}

// After sign-in: the header's controls, the unseen mentions, and the title.
export function startNotify() {
  mentions.clear();
  soundBox.checked = false;
  notifyBar.hidden = false;
  renderAllow();
  api('GET', '/api/crm/mentions').then(function (r) {
    if (r.status !== 200 || !r.data.success) return;
    r.data.mentions.forEach(function (n) { mentions.set(n.id, n.contactId); });
    renderTitle();
  }, function () {});
  renderTitle();
}
export function stopNotify() {
  mentions.clear();
  notifyBar.hidden = true;
  document.title = TITLE;
}

export function renderTitle() {
  var unread = S.convs.filter(function (c) { return c.unreadCount > 0; }).length + mentions.size;
  document.title = (unread ? '(' + unread + ') ' : '') + TITLE;
}

export function mentionSeen(contactId) {
  mentions.forEach(function (c, id) { if (c === contactId) mentions.delete(id); });
  renderTitle();
}

// A new inbound text, and its conversation's state: told when the conversation is the
// person's or nobody's.
export function textArrived(m, conversation) {
  if (m.direction !== 'inbound') return;
  var a = conversation.assignee;
  if (a && (!S.me || a.id !== S.me.id)) return;
  var row = S.convs.filter(function (c) { return c.contact.id === m.contactId; })[0];
  tell('New text from ' + (row ? nameOf(row.contact) : 'a contact'), 'text-' + m.id);
}

// A note: told when it mentions the person (and someone else wrote it).
export function noteMentions(note) {
  if (!S.me || (note.author && note.author.id === S.me.id)) return;
  if (!note.mentions.some(function (p) { return p.id === S.me.id; })) return;
  var looking = !document.hidden && S.contact && S.contact.id === note.contactId;
  if (!looking) { mentions.set(note.id, note.contactId); renderTitle(); }
  tell(note.authorName + ' mentioned you in a note', 'note-' + note.id);
}

function tell(title, tag) {
  if (soundBox.checked) beep();
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try { new Notification(title, { tag: tag }); } catch (e) { /* some browsers allow it only from a service worker */ }
}

var audio = null;
function beep() {
  try {
    audio = audio || new AudioContext();
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  } catch (e) { /* no audio here */ }
}
