// Messages in PostgreSQL (contract.md §5): inbound messages stored once per MessageSid, outbound
// messages written before Twilio is called and settled after, and status callbacks that only
// ever move a message forward.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/messages/message.h"

namespace textus {
class Tx;
}

namespace textus::messages {

// Stores an inbound SMS/MMS in one statement: locks its sender's contact by phone, links the
// text to it and makes it the contact's latest message. `may_reply`: the text may get an
// auto-reply (not a keyword, from a number we can text), which the worker decides later: when an
// enabled rule could make one, the statement NOTIFYs channel `wake` (the worker's). With
// `known_sender_only`, a sender who is no contact gets nothing stored (the caller decides whether
// to make one); otherwise such a text is stored without a contact. Nothing is stored when Twilio
// posted this MessageSid before (it retries): a message is stored once.
struct StoredInbound {
    bool sender_known = false;            // From is a contact's phone, locked until commit
    std::optional<Message> message = {};  // when stored now
    std::vector<std::string> chats = {};  // the open web chats that see it
};
StoredInbound insert_inbound(Tx& tx, const Inbound& inbound, bool may_reply, bool known_sender_only,
                             std::string_view wake);

// Links message `id` to the contact of its sender, made after the message proved new, and makes
// it that contact's latest message.
Message link_contact(Tx& tx, int64_t id, int64_t contact_id);

// Stores what a visitor wrote in web chat `chat_id` (contract.md §4: inbound, channel "web",
// received) as the contact's latest message, unread for staff. `from` is the contact's phone,
// `to` ours.
Message insert_web(Tx& tx, int64_t contact_id, int64_t chat_id, const std::string& from,
                   const std::string& to, const std::string& body);

// What web chat `chat_id` shows of the contact's messages with id `first_id` or later, oldest
// first, the latest `limit`: what the chat wrote itself, and with `with_sms` the texts too.
std::vector<Message> since(Tx& tx, int64_t contact_id, int64_t first_id, int limit, int64_t chat_id,
                           bool with_sms);

// A message we are about to hand to Twilio.
struct Outbound {
    int64_t contact_id = 0;
    std::string from;  // TWILIO_PHONE_NUMBER, or the Messaging Service SID until Twilio says
    std::string to;
    std::string body;
    std::vector<std::string> media_urls;
    int segments = 1;
    std::string sent_by;  // the staff key's name
    std::optional<std::string> idempotency_key;
    std::optional<std::string> request_digest;
    bool opt_in_request = false;
    // The writer hands it to Twilio at once and owns it this long (common/sending/outbox); none:
    // the worker delivers it.
    std::optional<int> owner_seconds;
};

// Stores it, queued and without a SID, as the contact's latest message. Nothing when a message
// with its idempotency key exists (find_by_idempotency_key then has it).
std::optional<Message> insert_outbound(Tx& tx, const Outbound& outbound);

// An earlier send with an Idempotency-Key, as it is now.
struct KeyedSend {
    Message message;
    std::string request_digest;
    nlohmann::json send_error;  // our error answer ({status, code, message}), or null
    int64_t age_seconds = 0;
};
std::optional<KeyedSend> find_by_idempotency_key(Tx& tx, const std::string& key);

// Twilio accepted outbound message `id`: its SID, sender, segments and price are stored and its
// status moves forward to Twilio's (the status callbacks may have come first).
struct Accepted {
    std::string sid;
    std::string status;
    std::string from;  // empty: keep ours
    std::optional<int> segments;
    std::optional<std::string> price;
    std::optional<std::string> price_unit;
};
Message record_accepted(Tx& tx, int64_t id, const Accepted& accepted);

// A send that did not succeed: our answer is kept for retries with its key and, when Twilio
// refused the message (`failed`), the row is failed with Twilio's code and words. The row as it
// is now.
struct Refused {
    nlohmann::json send_error;  // {status, code, message}
    bool failed = false;
    std::optional<int> error_code;
    std::optional<std::string> error_message;
};
Message record_refused(Tx& tx, int64_t id, const Refused& refused);

// Applies a status callback to its message, found by our id (when the callback URL has one and
// its SID, if any, agrees) or else by SID: the status moves forward or stays (message_status),
// the SID and error are stored. The message as it is now and whether the callback changed it,
// or nothing when no message matches.
struct AppliedStatus {
    Message message;
    bool changed = false;  // a late or repeated callback changes nothing, and is not news
};
std::optional<AppliedStatus> apply_status(Tx& tx, const StatusUpdate& update);

struct MessagePage {
    std::vector<Message> messages;
    std::optional<int64_t> next_before;  // the `before` of the next page, when there is one
};

// Newest first (by time, then id), keyset-paginated.
MessagePage list(Tx& tx, const MessageQuery& query);

// The messages with these ids, in no particular order.
std::vector<Message> find_many(Tx& tx, const std::vector<int64_t>& ids);

// Makes message `id` its contact's latest, as a new message is made (an inbound one opens the
// conversation), unless a later one is: for messages that history pulled from Twilio wrote.
void make_latest(Tx& tx, int64_t id);

// Marks the contact's unread inbound messages read; how many were unread, or nothing when there
// is no such contact.
std::optional<int64_t> mark_read(Tx& tx, int64_t contact_id);

}  // namespace textus::messages
