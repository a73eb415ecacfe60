/* Signing in and out: email and password for a session cookie (textus-auth). The cookie is
   HttpOnly: the page knows only whether it is signed in, and asks /api/auth/me on load. */
import { S, E } from './state.js';
import { signin, emailBox, passwordBox, signinErr, nav, navButtons, signOutBtn, conn, app } from './page.js';
import { api, setSignedIn, errorText, OFFLINE } from './api.js';
import { build, showView } from './views.js';
import { loadConversations } from './conversations.js';
import { startLive, stopLive } from './live.js';
import { loadTeam } from './work.js';
import { startNotify, stopNotify } from './notify.js';
import { stopLooking } from './presence.js';
import { closeEmailAlerts } from './email-alerts.js';
import { openThread } from './thread.js';

// The sign-in form's submit.
export function signIn(e) {
  e.preventDefault();
  var email = emailBox.value.trim(), password = passwordBox.value;
  if (!email) { signinErr.textContent = 'Please enter your email.'; emailBox.focus(); return; }
  if (!password) { signinErr.textContent = 'Please enter your password.'; passwordBox.focus(); return; }
  signinErr.textContent = '';
  api('POST', '/api/auth/login', { email: email, password: password }).then(function (r) {
    if (r.status === 200 && r.data.success) {
      passwordBox.value = '';
      start(r.data.user);
      return;
    }
    signinErr.textContent = r.status === 401 ? 'That email and password do not match. Check them and try again.' : errorText(r);
    passwordBox.value = '';
    passwordBox.setAttribute('aria-invalid', 'true');
    passwordBox.focus();
  }, function () { signinErr.textContent = OFFLINE; });
}
// A session from earlier on this browser signs in again.
export function restoreSession() {
  api('GET', '/api/auth/me').then(function (r) {
    if (r.status === 200 && r.data.user) start(r.data.user); else emailBox.focus();
  }, function () { emailBox.focus(); });
}
export function expired() { signOut('Your session has ended. Please sign in again.', true); }
// `ended`: the server ended the session already; otherwise sign out there too.
export function signOut(message, ended) {
  if (!ended) api('POST', '/api/auth/logout');
  setSignedIn(false);
  stopLive();
  stopNotify();
  stopLooking();
  closeEmailAlerts();
  app.hidden = true;
  app.textContent = '';
  nav.hidden = true;
  signOutBtn.hidden = true;
  conn.textContent = '';
  signin.hidden = false;
  signinErr.textContent = message || '';
  passwordBox.removeAttribute('aria-invalid');
  emailBox.focus();
}

function start(user) {
  // A fresh session: nothing from an earlier sign-in in this tab carries over.
  S.role = user.role;
  S.me = user;
  S.convAssignee = ''; S.convStatus = 'open'; S.convCounts = null; S.conv = null; S.team = null;
  S.convs = []; S.convSearch = ''; S.contact = null; S.contacts = []; S.editing = null; S.contactsLoaded = false;
  S.camps = []; S.camp = null; S.campSeen = {}; S.templates = null; E.camp = null;
  setSignedIn(true);
  passwordBox.removeAttribute('aria-invalid');
  signin.hidden = true;
  app.hidden = false;
  nav.hidden = false;
  // Campaigns are an admin's or the owner's (docs/decisions.md, People and sign-in).
  navButtons.campaigns.hidden = user.role === 'agent';
  navButtons.people.hidden = user.role !== 'owner';
  navButtons.reports.hidden = user.role === 'agent';
  signOutBtn.hidden = false;
  signOutBtn.textContent = 'Sign out ' + user.name;
  build();
  showView('conversations');
  loadConversations(true);
  loadTeam();
  startNotify();
  startLive();
  E.search.focus();
  openLinked();
}

// A link to a conversation (an email alert's, /inbox/#contact=ID) opens it, on loading the
// page or in a page already open.
window.addEventListener('hashchange', function () { if (!app.hidden) openLinked(); });
function openLinked() {
  var linked = /^#contact=(\d+)$/.exec(location.hash);
  if (!linked) return;
  api('GET', '/api/crm/contacts/' + linked[1]).then(function (r) {
    if (r.status === 200 && r.data.contact) openThread(r.data.contact);
  }, function () {});
}
