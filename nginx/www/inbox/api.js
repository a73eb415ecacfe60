/* The staff API (contract.md §4 "Staff"): requests with the session cookie (the browser sends
   it; the page never sees it), their errors in words, query strings and Idempotency-Keys. */
import { expired } from './session.js';

var signedIn = false;
export function setSignedIn(yes) { signedIn = yes; }

// {status, data, date}; rejects only on a network error. A 401 signs the page out.
export function api(method, path, body, headers) {
  var opts = { method: method, headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' };
  Object.keys(headers || {}).forEach(function (k) { opts.headers[k] = headers[k]; });
  if (body) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
  return fetch(path, opts).then(function (res) {
    return res.json().catch(function () { return {}; }).then(function (data) {
      var r = { status: res.status, data: data || {}, date: res.headers.get('Date') };
      if (res.status === 401 && signedIn) expired();
      return r;
    });
  });
}
// A file as the body, with its own type ({status, data} as api()).
export function upload(path, file) {
  return fetch(path, { method: 'POST', body: file, cache: 'no-store', credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' } })
    .then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.status === 401 && signedIn) expired();
        return { status: res.status, data: data || {} };
      });
    });
}
export function errorText(r) {
  var err = (r.data && r.data.error) || {};
  return err.message || 'Something went wrong (' + r.status + ').';
}
export var OFFLINE = 'Could not reach the server. Check the connection and try again.';
export function qs(o) {
  return Object.keys(o).filter(function (k) { return o[k] !== '' && o[k] != null; })
    .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(o[k]); }).join('&');
}
export function newKey() {
  if (window.crypto && crypto.randomUUID) return 'inbox-' + crypto.randomUUID();
  return 'inbox-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
}
