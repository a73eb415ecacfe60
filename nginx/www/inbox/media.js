/* A message's pictures and other media (docs/decisions.md, Media): our copies, read with the
   session like any staff route; Twilio's own URLs never reach the page. An item still being
   fetched says so, one Twilio did not give says why and can be asked for again, and a sender's
   own URLs (sent through the API) are links, as the page shows no picture from elsewhere. */
import { h } from './shared-with-widget.js';
import { api, errorText, OFFLINE } from './api.js';

function item(it, i) {
  var what = it.contentType.indexOf('image/') === 0 ? 'Picture ' + (i + 1) : 'Attachment ' + (i + 1);
  if (it.state === 'stored' && /^image\/(jpeg|png|gif|webp)$/.test(it.contentType)) {
    return h('a', { href: it.url, target: '_blank', rel: 'noopener' },
      h('img', { src: it.url, alt: what + ' (opens in a new tab)', loading: 'lazy' }));
  }
  if (it.state === 'stored') {
    return h('a', { class: 'media-file', href: it.url, download: '' }, 'Download ' + what.toLowerCase() + ' (' + it.contentType + ')');
  }
  if (it.state === 'pending') return h('span', { class: 'media-note', role: 'status', text: what + ': fetching from Twilio\u2026' });
  if (it.state === 'deleted') return h('span', { class: 'media-note', text: what + ': deleted after the retention period' });
  var note = h('span', { class: 'media-note media-failed', text: what + ' could not be fetched: ' + (it.error || 'no reason given') + ' ' });
  var retry = h('button', { type: 'button', class: 'media-retry', text: 'Try again', onclick: function () {
    retry.disabled = true;
    api('POST', it.url + '/retry').then(function (r) {
      // The new state comes as a status event; only a refusal is shown here.
      if (r.status !== 202) { retry.disabled = false; note.append(errorText(r)); }
    }, function () { retry.disabled = false; note.append(OFFLINE); });
  } });
  note.append(retry);
  return note;
}

// The row of a message's media, or null for none.
export function mediaRow(m) {
  var items = m.media || [];
  var links = items.length ? [] : (m.mediaUrls || []).filter(function (u) { return /^https?:/i.test(u); });
  if (!items.length && !links.length) return null;
  var row = h('div', { class: 'media' });
  items.forEach(function (it, i) { row.append(item(it, i)); });
  links.forEach(function (url, i) {
    row.append(h('a', { class: 'media-file', href: url, target: '_blank', rel: 'noopener noreferrer' }, 'Picture ' + (i + 1) + ' (sent by link)'));
  });
  return row;
}
