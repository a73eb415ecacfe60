/* Signing in and out. A key that works is kept in sessionStorage, for this tab only: a reload
   signs in again, closing the tab or signing out forgets it. */
import { S, E } from './state.js';
import { signin, keyBox, signinErr, nav, signOutBtn, conn, app } from './page.js';
import { api, setStaffKey, errorText, OFFLINE } from './api.js';
import { build, showView } from './views.js';
import { loadConversations } from './conversations.js';
import { startLive, stopLive } from './live.js';

var KEY_STORE = 'textus.staffKey';

// The sign-in form's submit.
export function signIn(e) {
  e.preventDefault();
  var key = keyBox.value.trim();
  if (!key) { signinErr.textContent = 'Please enter your staff key.'; keyBox.focus(); return; }
  signinErr.textContent = '';
  tryKey(key, true);
}
// A key kept from earlier in this tab signs in again.
export function restoreSession() {
  var kept = null;
  try { kept = sessionStorage.getItem(KEY_STORE); } catch (_) { /* storage off */ }
  if (kept) tryKey(kept, false); else keyBox.focus();
}

function tryKey(key, typed) {
  setStaffKey(key);
  api('GET', '/api/crm/sms/conversations?limit=1').then(function (r) {
    if (r.status === 200 && r.data.success) {
      try { sessionStorage.setItem(KEY_STORE, key); } catch (_) { /* this page only */ }
      keyBox.value = '';
      start();
    } else {
      setStaffKey(null);
      signinErr.textContent = r.status === 401 ? 'That key was not accepted. Check it and try again.' : errorText(r);
      if (typed) keyBox.focus();
      keyBox.setAttribute('aria-invalid', 'true');
    }
  }, function () {
    setStaffKey(null);
    signinErr.textContent = OFFLINE;
  });
}
export function expired() { signOut('Your key is no longer accepted. Please sign in again.'); }
export function signOut(message) {
  try { sessionStorage.removeItem(KEY_STORE); } catch (_) { /* nothing kept */ }
  setStaffKey(null);
  stopLive();
  app.hidden = true;
  app.textContent = '';
  nav.hidden = true;
  signOutBtn.hidden = true;
  conn.textContent = '';
  signin.hidden = false;
  signinErr.textContent = message || '';
  keyBox.removeAttribute('aria-invalid');
  keyBox.focus();
}

function start() {
  // A fresh session: nothing from an earlier sign-in in this tab carries over.
  S.convs = []; S.convSearch = ''; S.contact = null; S.contacts = []; S.editing = null; S.contactsLoaded = false;
  S.camps = []; S.camp = null; S.campSeen = {}; S.templates = null; E.camp = null;
  signin.hidden = true;
  app.hidden = false;
  nav.hidden = false;
  signOutBtn.hidden = false;
  build();
  showView('conversations');
  loadConversations(true);
  startLive();
  E.search.focus();
}
