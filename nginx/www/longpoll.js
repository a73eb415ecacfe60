/* textus long-poll loop on one nchan channel (contract.md §8), shared by the widget (a chat's channel)
   and the staff inbox (the staff channel); docs/decisions.md, Staff inbox. A plain script, like
   segments.js: it sets window.textusLongPoll, which the widget loads next to itself and the
   inbox's modules read (inbox/shared-with-widget.js). Getting a signed URL, and a fresh one
   when it expires, is the caller's: the two pages get theirs from different routes. */
(function () {
  'use strict';

  // options: status, the element that says options.reconnectingText (default 'Reconnecting…')
  // while the loop waits after a failure and options.connectedText once polls are answered again; onEvent(event), for each
  // event (null when it is not JSON); onRefused(), when nchan refuses the signed URL (403, or
  // 410 once it expired): the caller gets a fresh one and starts again.
  // Returns the loop: start(url, headers), stop(), later(gen, fn), and what the caller may read:
  // gen, which each start and stop moves on (a poll or timer of an older one does nothing);
  // failures in a row; headers, where the next poll resumes (the last event's Last-Modified and
  // Etag, sent back as If-Modified-Since and If-None-Match, so nothing is missed or repeated).
  function longPoll(options) {
    var loop = { gen: 0, failures: 0, headers: null, start: start, stop: stop, later: later };
    var abort = null, timer = 0;

    function stop() {
      loop.gen++;
      if (abort) abort.abort();
      abort = null;
      clearTimeout(timer);
    }
    // Polls url, resuming from `headers` (none: nchan answers from the oldest event it holds).
    function start(url, headers) {
      stop();
      loop.headers = headers || null;
      poll(loop.gen, url);
    }
    // fn after a failure, unless the loop started or stopped meanwhile: 1 s, 2 s, 4 s ... at
    // most 30 s.
    function later(gen, fn) {
      var ms = Math.min(30000, 1000 * Math.pow(2, Math.min(loop.failures++, 5)));
      options.status.textContent = options.reconnectingText || 'Reconnecting\u2026';
      clearTimeout(timer);
      timer = setTimeout(function () { if (gen === loop.gen) fn(); }, ms);
    }
    function connected() {
      loop.failures = 0;
      options.status.textContent = options.connectedText;
    }
    function poll(gen, url) {
      if (gen !== loop.gen) return;
      abort = new AbortController();
      var t0 = Date.now();
      fetch(url, { headers: loop.headers || {}, cache: 'no-store', signal: abort.signal }).then(function (res) {
        if (gen !== loop.gen) return;
        if (res.status === 200) {
          var next = {}, lm = res.headers.get('Last-Modified'), tag = res.headers.get('Etag');
          if (lm) next['If-Modified-Since'] = lm;
          if (tag) next['If-None-Match'] = tag;
          return res.json().catch(function () { return null; }).then(function (ev) {
            if (gen !== loop.gen) return;
            loop.headers = next;
            connected();
            options.onEvent(ev);
            poll(gen, url);
          });
        }
        if (res.status === 304 || res.status === 408) {
          // Nothing new in time: ask again (not in a tight loop if it answered at once).
          connected();
          timer = setTimeout(function () { poll(gen, url); }, Date.now() - t0 < 1000 ? 1000 : 0);
        } else if (res.status === 403 || res.status === 410) {
          options.onRefused();
        } else {
          later(gen, function () { poll(gen, url); });
        }
      }, function () {
        if (gen === loop.gen) later(gen, function () { poll(gen, url); });
      });
    }
    return loop;
  }

  window.textusLongPoll = longPoll;
})();
