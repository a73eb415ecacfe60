// Messages in PostgreSQL (DESIGN §5): inbound messages stored once per MessageSid, and status
// callbacks that only ever move a message forward.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/message.h"

namespace textus {
class Tx;
}

namespace textus::messages {

// Stores an inbound SMS/MMS, linked to `contact_id` (none for a sender that is not a phone
// number), and makes it the contact's latest message. Nothing when Twilio posted this
// MessageSid before (it retries): the message is stored once.
std::optional<Message> insert_inbound(Tx& tx, const Inbound& inbound,
                                      std::optional<int64_t> contact_id);

// Applies a status callback to its message, found by our id (when the callback URL has one and
// its SID, if any, agrees) or else by SID: the status moves forward or stays (message_status),
// the SID and error are stored. The message as it is now, or nothing when no message matches.
std::optional<Message> apply_status(Tx& tx, const StatusUpdate& update);

struct MessagePage {
    std::vector<Message> messages;
    std::optional<int64_t> next_before;  // the `before` of the next page, when there is one
};

// Newest first (by time, then id), keyset-paginated.
MessagePage list(Tx& tx, const MessageQuery& query);

// The messages with these ids, in no particular order.
std::vector<Message> find_many(Tx& tx, const std::vector<int64_t>& ids);

// Marks the contact's unread inbound messages read; how many were unread, or nothing when there
// is no such contact.
std::optional<int64_t> mark_read(Tx& tx, int64_t contact_id);

}  // namespace textus::messages
