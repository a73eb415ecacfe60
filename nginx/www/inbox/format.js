/* How things read on screen: phone numbers, names, someone's text, times, opt-in states and
   counts. */
import { h } from './shared-with-widget.js';

export function formatPhone(p) {
  var m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(p || '');
  return m ? '(' + m[1] + ') ' + m[2] + '-' + m[3] : (p || '');
}
// A name as shown: without explicit bidi controls (embeddings, overrides and isolates,
// U+202A-U+202E and U+2066-U+2069), which a name never needs and which could make it show
// other text than it holds ("invoice\u202Egnp.exe" as "invoiceexe.png"); docs/decisions.md.
var BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
function cleanName(s) { return String(s == null ? '' : s).replace(BIDI_CONTROLS, '').trim(); }
export function nameOf(c) {
  if (!c) return '';
  var n = [cleanName(c.firstName), cleanName(c.lastName)].filter(Boolean).join(' ');
  return n || formatPhone(c.phone);
}
// Someone's text (a name, a body, an email) in an element of its own: its direction is its
// own (dir=auto) and it cannot reorder what is around it (unicode-bidi: isolate, inbox.css).
export function iso(text, cls, tag) {
  return h(tag || 'span', { class: 'iso' + (cls ? ' ' + cls : ''), dir: 'auto', text: text });
}
// The same with the whole text in its title: where it is cut to one line (conv-name,
// name-line in inbox.css), the title still shows it all.
export function named(text, cls, tag) {
  var el = iso(text, cls, tag);
  el.title = text;
  return el;
}
export function nameEl(c, cls) { return named(nameOf(c), cls); }
export function optState(c) {
  if (!c) return 'none';
  if (!c.smsOptIn && c.optedOutAt) return 'out';
  return c.smsOptIn ? 'in' : 'none';
}
export var OPT_LABEL = { 'in': 'Opted in', none: 'Not opted in', out: 'Opted out' };
export function when(iso, long) {
  var d = new Date(iso);
  if (!iso || isNaN(d)) return null;
  var sameDay = d.toDateString() === new Date().toDateString();
  var text = sameDay && !long ? d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })
    : d.toLocaleString([], { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  return h('time', { datetime: iso, title: d.toLocaleString(), text: text });
}
export function plural(n, one) { return n + ' ' + one + (n === 1 ? '' : 's'); }
// "12 characters · 1 segment (GSM-7)", of a segmentsOf count or the server's.
export function segText(c) {
  return plural(c.characters, 'character') + ' \u00B7 ' + plural(c.segments, 'segment') + ' (' + c.encoding + ')';
}
