// The inbox's conversations in PostgreSQL.
#pragma once

#include "common/messages/conversation.h"

namespace textus {
class Tx;
}

namespace textus::conversations {

// Newest conversation first, of the status and assignee asked; a search matches a contact's
// name, email or phone digits, or the body of one of its newest matching messages (the newest
// kSearchCap of each, then the status and assignee).
Page list(Tx& tx, const Query& query);

// The open and snoozed conversations, `me`'s (a person's id; 0: none), unassigned and all, each
// up to kCountCap.
Counts counts(Tx& tx, int64_t me);

// The state of the conversation of contact `contact_id`; none when it has no messages.
std::optional<State> find(Tx& tx, int64_t contact_id);

// Applies `change` to the conversation of contact `contact_id` and returns its state. 404 when
// the contact has no messages; 400 invalid_field when the assignee is nobody who may sign in,
// or a snooze ends in the past or over kMaxSnoozeDays ahead.
State change(Tx& tx, int64_t contact_id, const Change& change);

// A reply takes an unassigned conversation: `person` becomes its assignee, unless someone is
// already (the contact row is locked by the send, so two replies at once claim it in turn: the
// first wins). The state when it was claimed; none when it was someone's already.
std::optional<State> claim(Tx& tx, int64_t contact_id, int64_t person);

// How long a look at a thread counts (the inbox says it looks every kPresenceBeatSeconds).
inline constexpr int kPresenceSeconds = 45;
inline constexpr int kPresenceBeatSeconds = 20;

// Who looks at the conversation of contact `contact_id` now.
struct Presence {
    int64_t contact_id = 0;
    std::vector<Assignee> viewers;
};
nlohmann::json to_json(const Presence& presence);  // {contactId, viewers: [{id, name}]}

// Person `person` looks at the conversation of contact `contact_id` now (none: at no thread):
// who looks at it now, and at the one they left, if another. 404 for no such contact.
std::vector<Presence> look(Tx& tx, int64_t person, std::optional<int64_t> contact_id);

// Opens every conversation whose snooze has ended; their states (the worker publishes them).
std::vector<State> end_snoozes(Tx& tx);

}  // namespace textus::conversations
