// The staff channel's events (publish::kStaffChannel): every signed-in inbox holds one long-poll
// on it and applies what arrives by its "type". This is the list: the inbox's
// nginx/www/inbox/live.js handles each type made here (tests/widget/staff_events.test.js checks
// it), and the staff channel hears nothing else. A payload is the API's own JSON for the same
// thing, so an inbox that missed events catches up by reloading; each event is published after
// the commit it reports.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

namespace textus::staff_events {

// A message is new, either direction: {"type": "message", "message": M}.
nlohmann::json message(const nlohmann::json& message);

// A message's status changed: {"type": "status", "message": M}.
nlohmann::json status(const nlohmann::json& message);

// A contact was created or changed, its consent included: {"type": "contact", "contact": C}.
nlohmann::json contact(const nlohmann::json& contact);

// A conversation was assigned, closed, snoozed or opened: {"type": "conversation",
// "conversation": {contactId, status, snoozedUntil, assignee}}. (A message's event stands for
// what the message itself changes: a reply's claim, an inbound text's reopening.)
nlohmann::json conversation(const nlohmann::json& state);

// A note was written in a conversation: {"type": "note", "note": N}. An inbox whose person
// it mentions tells them.
nlohmann::json note(const nlohmann::json& note);

// Who looks at a conversation now, everyone: {"type": "presence", "presence": {contactId,
// viewers: [{id, name}]}}; sent at each inbox's look (every kPresenceBeatSeconds), so an inbox
// forgets one not heard of again within kPresenceSeconds.
nlohmann::json presence(const nlohmann::json& presence);

// A contact was deleted: {"type": "contact_deleted", "id": N}.
nlohmann::json contact_deleted(int64_t id);

// A campaign was created, paused, resumed or moved on: {"type": "campaign", "campaign": C}.
nlohmann::json campaign(const nlohmann::json& campaign);

// History pulled from Twilio changed messages: {"type": "sync", "contactId": N or null,
// "inserted": I, "updated": U}. The inbox reloads what it shows of that contact.
nlohmann::json sync(std::optional<int64_t> contact_id, int inserted, int updated);

}  // namespace textus::staff_events
