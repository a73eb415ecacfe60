// A text Twilio posts to the webhook (contract.md §4), stored with what it says about consent.
// A 200 means it is committed: Twilio does not post it again after one, and posts it again
// (same MessageSid) until one, which then changes nothing. Only PostgreSQL is touched: the
// caller publishes what was stored, and the worker decides and sends any auto-reply
// (common/sending/outbox), so nothing about a reply can cost the text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/contacts/contact.h"
#include "common/core/config.h"
#include "common/db/db.h"
#include "common/messages/message.h"

namespace textus::inbound {

// What receiving a text stored, for the caller to publish after commit.
struct Received {
    std::optional<messages::Message> message;       // none when Twilio posted its SID before
    std::vector<std::string> chats = {};            // the open web chats that see it
    std::optional<contacts::Contact> changed = {};  // its opt-in changed, or may have (possible)
    std::optional<messages::Message> confirmation = {};  // of an opt-out in the sender's words
    std::vector<std::string> confirmation_chats = {};
};

// Stores `in` once: linked to its sender's contact (made for a new sender we can text back: a
// phone number, not a short code or a name), its keyword applied, a possible opt-out marked for
// staff. The usual text, from a known sender and with no keyword, is one statement.
Received receive(Db& db, const Config& config, const messages::Inbound& in);

}  // namespace textus::inbound
