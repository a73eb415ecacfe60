/* textus SMS segment counter: a port of common/core/segments.cpp (docs/decisions.md, Messages),
   shared by the widget and the staff inbox. A plain script: in a browser it sets
   window.textusSegments (a function); under node it is module.exports = {segments}.
   Non-ASCII characters are written as escapes so the page's charset can never change them. */
(function () {
  'use strict';

  // GSM 03.38's basic set in code order, without 0x1B (ESC). 'Ç' is GSM-7, 'ç' is not.
  var GSM_BASIC = '@\u00A3$\u00A5\u00E8\u00E9\u00F9\u00EC\u00F2\u00C7\n\u00D8\u00F8\r\u00C5\u00E5' +
    '\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E\u00C6\u00E6\u00DF\u00C9' +
    ' !"#\u00A4%&\'()*+,-./0123456789:;<=>?' +
    '\u00A1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00C4\u00D6\u00D1\u00DC\u00A7' +
    '\u00BFabcdefghijklmnopqrstuvwxyz\u00E4\u00F6\u00F1\u00FC\u00E0';
  // The extension table: ESC plus a second septet, so each costs two.
  var GSM_EXT = '\f^{}\\[~]|\u20AC';

  // Septets of one character (a code point); 0 when it is not GSM-7.
  function septets(ch) {
    if (ch.length === 1 && GSM_BASIC.indexOf(ch) >= 0) return 1;
    if (ch.length === 1 && GSM_EXT.indexOf(ch) >= 0) return 2;
    return 0;
  }
  // UTF-16 units: two for a character outside the BMP (most emoji).
  function units(ch) { return ch.length; }

  // Parts of at most `limit` units, filled in order: a character that does not fit whole in
  // what is left of a part (an escape pair, a surrogate pair) starts the next one.
  function split(chars, limit, cost) {
    var parts = 1, used = 0;
    chars.forEach(function (ch) {
      var n = cost(ch);
      if (used + n > limit) { parts++; used = 0; }
      used += n;
    });
    return parts;
  }

  // {encoding: 'GSM-7'|'UCS-2', characters, segments}; the empty body is 0 characters, 1 segment.
  function segments(body) {
    var chars = Array.from(body || ''); // code points
    var gsm = true, sept = 0, u = 0;
    chars.forEach(function (ch) {
      var n = septets(ch);
      if (!n) gsm = false;
      sept += n;
      u += units(ch);
    });
    if (gsm) return { encoding: 'GSM-7', characters: sept, segments: sept > 160 ? split(chars, 153, septets) : 1 };
    return { encoding: 'UCS-2', characters: u, segments: u > 70 ? split(chars, 67, units) : 1 };
  }

  if (typeof window !== 'undefined') window.textusSegments = segments;
  // node's tests load this file; browsers have no `module`.
  if (typeof module !== 'undefined' && module.exports) module.exports = { segments: segments };
})();
