/* What the inbox shares with the visitor widget (docs/decisions.md, Staff inbox): plain
   scripts in nginx/www that set a window global each, so the widget, a classic script on other
   sites, can load them next to itself. index.html runs them before the inbox's modules
   (deferred and module scripts run in document order); here they are read once for the rest. */

// The element builder (../element.js).
export var h = window.textusElement;
// The long-poll loop (../longpoll.js).
export var longPoll = window.textusLongPoll;
// The segment counter (../segments.js): {encoding, characters, segments} of a body, or null
// if the counter did not load (the composer then counts nothing).
export function segmentsOf(body) {
  var f = window.textusSegments;
  return f ? f(body) : null;
}
