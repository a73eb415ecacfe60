/* The page after sign-in: its views (conversations, contacts, campaigns, and the owner's people),
   each built by its own module, and the nav between them. */
import { h } from './shared-with-widget.js';
import { S, E } from './state.js';
import { app, navButtons } from './page.js';
import { buildConversationList, loadConversations } from './conversations.js';
import { buildThread } from './thread.js';
import { composeInput } from './composer.js';
import { buildContacts, loadContacts } from './contacts.js';
import { buildCampaigns, loadCampaigns, loadRecipients } from './campaigns.js';
import { buildPeople, loadPeople } from './people.js';
import { buildReports, loadReports } from './reports.js';

export function build() {
  app.textContent = '';
  // Conversations: list pane and thread pane.
  E.convView = h('div', { class: 'conv-view' }, buildConversationList(), buildThread());
  E.contactsView = buildContacts();
  E.campView = buildCampaigns();
  E.peopleView = buildPeople();
  E.reportsView = buildReports();
  app.append(E.convView, E.contactsView, E.campView, E.peopleView, E.reportsView);
  composeInput();
}

// v: 'conversations', 'contacts', 'campaigns', 'people' or 'reports'.
export function showView(v) {
  S.view = v;
  Object.keys(navButtons).forEach(function (name) { navButtons[name].setAttribute('aria-pressed', String(v === name)); });
  E.convView.hidden = v !== 'conversations';
  E.contactsView.hidden = v !== 'contacts';
  E.campView.hidden = v !== 'campaigns';
  E.peopleView.hidden = v !== 'people';
  E.reportsView.hidden = v !== 'reports';
  if (v === 'people') loadPeople();
  if (v === 'reports') loadReports();
  if (v === 'contacts' && !S.contactsLoaded) { S.contactsLoaded = true; loadContacts(true); }
  if (v === 'conversations') loadConversations(true, true);
  // Campaign events are applied while the view is away; the open campaign's recipients and
  // delivery counts are refetched only while it shows: catch up.
  if (v === 'campaigns') { loadCampaigns(); if (S.camp) loadRecipients(true, true); }
}
