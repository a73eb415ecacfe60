/* textus staff inbox: conversations, threads, a composer, contacts and campaigns, live over
   the staff long-poll. ES modules, no build step; this one wires the page's controls to them.
   The API is contract.md §4 "Staff" (and docs/decisions.md, Campaigns). What the inbox shares
   with the visitor widget (the element builder, the long-poll loop, the segment counter) is
   plain scripts in nginx/www: shared-with-widget.js.
   A person signs in with email and password for an HttpOnly session cookie the page never
   reads: nothing secret is in a URL, in storage or in a log. */
import { S } from './state.js';
import { signinForm, signOutBtn, navButtons } from './page.js';
import { signIn, signOut, restoreSession } from './session.js';
import { showView } from './views.js';
import { markRead } from './thread.js';

signinForm.addEventListener('submit', signIn);
signOutBtn.addEventListener('click', function () { signOut(''); });
Object.keys(navButtons).forEach(function (view) {
  navButtons[view].addEventListener('click', function () { showView(view); });
});
document.addEventListener('visibilitychange', function () { if (!document.hidden && S.contact) markRead(); });
restoreSession();
