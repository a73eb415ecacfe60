/* Calls put off: a search as typing pauses, a refetch at most so often. */

// fn once calls have stopped for `ms`.
export function debounce(fn, ms) {
  var t = 0;
  return function () { clearTimeout(t); t = setTimeout(fn, ms); };
}
// fn at most once per `ms`: a call within that runs it when the time is up, once.
export function throttle(fn, ms) {
  var last = 0, timer = 0;
  return function () {
    if (timer) return;
    timer = setTimeout(function () { timer = 0; last = Date.now(); fn(); }, Math.max(0, last + ms - Date.now()));
  };
}
