/* textus element builder, shared by the widget and the staff inbox (docs/decisions.md, Staff
   inbox). A plain script, like segments.js: it sets window.textusElement, which the widget
   loads next to itself and the inbox's modules read (inbox/shared-with-widget.js).
   h('p', {class: 'x', text: 'y', onclick: fn}, child...): an attribute that is null or false is
   left out, true sets it empty; `text` is the text, `on...` a listener. Children are strings or
   nodes; arrays of them are flattened, null and false skipped. */
(function () {
  'use strict';

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    });
    (function add(list) {
      list.forEach(function (c) {
        if (Array.isArray(c)) add(c);
        else if (c != null && c !== false) el.append(c);
      });
    })(Array.prototype.slice.call(arguments, 2));
    return el;
  }

  window.textusElement = h;
})();
