// History sync (POST /api/crm/sms/sync, contract.md §4): Twilio's copy of a number's messages, or
// of one message, brought into PostgreSQL. What is missing is inserted, what exists only moves
// forward (common/messages/message_status.h) and gains what Twilio knows and we lack, and a send
// that died before storing its SID gets it back. Twilio is called before the unit of work that
// applies its answer (common/db/db.h: no outside calls inside one).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/messages/message.h"
#include "common/twilio/twilio_client.h"

namespace textus {
class Db;
class Tx;
struct Config;
}  // namespace textus

namespace textus::sync {

inline constexpr int kDefaultLimit = 100;
inline constexpr int kMaxLimit = 1000;

// The body of POST /api/crm/sms/sync: exactly one of contact_id, phone and message_sid.
struct Request {
    std::optional<int64_t> contact_id;
    std::optional<std::string> phone;  // E.164
    std::optional<std::string> message_sid;
    int limit = kDefaultLimit;  // messages in all, newest first; unused with message_sid
};

// `{contactId | phoneNumber | messageSid, limit?}`; 400 naming the field at fault. A null value
// counts as absent.
Request parse_request(const nlohmann::json& body, std::string_view default_region);

// Our direction for Twilio's: "inbound" is inbound, "outbound-api", "outbound-call" and
// "outbound-reply" are outbound; nothing for anything else.
std::optional<std::string> direction_of(std::string_view twilio_direction);

// A Twilio message in our columns.
struct Imported {
    std::string sid{};
    std::string direction{};  // inbound, outbound
    std::string from{};
    std::string to{};
    std::string body{};
    std::string status{};  // Twilio's word, stored as given
    std::optional<int> error_code{};
    std::optional<std::string> error_message{};
    std::optional<int> segments{};
    std::optional<std::string> price{};  // with price_unit, only when Twilio has billed it
    std::optional<std::string> price_unit{};
    std::string created_at{};                   // Twilio's date_created, RFC 3339 UTC
    std::optional<std::string> delivered_at{};  // when delivered: Twilio's date_updated
    int num_media = 0;
    std::vector<std::string> media_urls{};   // filled by run for messages to insert
    std::vector<std::string> media_types{};  // MIME types, in the same order
};

// Nothing when the message cannot be stored: not a message SID, a direction that is neither
// inbound nor outbound, or a date_created that is not a date.
std::optional<Imported> from_twilio(const twilio::Message& message);

struct Merged {
    std::vector<Imported> messages;  // newest first, one per SID
    int skipped = 0;                 // Twilio's messages that from_twilio() refused
};

// The two lists of a number (To it, From it) as one: each SID once (its most advanced status
// when the lists disagree), newest first by date_created, then SID; at most `limit`.
Merged merge(const std::vector<twilio::Message>& to_number,
             const std::vector<twilio::Message>& from_number, int limit);

// The other party of a message, whose contact it belongs to: the sender of an inbound message,
// the recipient of an outbound one; nothing unless it is a phone number in E.164 (short codes
// and alphanumeric senders have no contact).
std::optional<std::string> customer_phone(const Imported& message);

// What we hold of a message that Twilio's copy may change, read under its row lock.
struct Stored {
    int64_t id = 0;
    std::optional<std::string> sid{};  // none: a send that died before storing it
    std::optional<int64_t> contact_id{};
    std::string from{};
    std::string status{};
    std::optional<int> error_code{};
    std::optional<std::string> error_message{};
    std::optional<int> segments{};
    std::optional<std::string> price{};
    std::optional<std::string> price_unit{};
    bool has_twilio_created_at = false;
    bool has_delivered_at = false;

    bool operator==(const Stored&) const = default;
};

// `stored` once Twilio's copy is applied, or nothing when that changes nothing. The SID and the
// contact are taken when missing (a link to another contact stays); the status only moves
// forward, bringing Twilio's error with it; sender, segments, price and unit are Twilio's when
// it gives them (a Messaging Service picks the sender late); an error of the same status,
// Twilio's created time and a delivered time are filled in.
std::optional<Stored> refresh(const Stored& stored, const Imported& twilio,
                              std::optional<int64_t> contact_id);

// The SIDs among `sids` that we have stored.
std::unordered_set<std::string> stored_sids(Tx& tx, const std::vector<std::string>& sids);

struct Applied {
    int inserted = 0;
    int updated = 0;
    std::vector<int64_t> ids;  // every message's row, in the order given
};

// Stores `messages` (from merge or from_twilio), linked to `contact_id`, which the caller has
// locked in this unit of work: each one's row found by SID, else a dead send's row claimed
// (outbound, no SID, status queued or accepted, same recipient and body, the oldest), else
// inserted. An inserted inbound message is unread only when newer than the contact's latest message
// before this unit of work (the webhook missed it); older history is stored read. The contact's
// latest message moves to a newer one.
Applied apply(Tx& tx, const std::vector<Imported>& messages, std::optional<int64_t> contact_id);

struct Outcome {
    std::optional<int64_t> contact_id;  // none when nothing was fetched for a phone number
    size_t fetched = 0;
    Applied applied;
    std::optional<messages::Message> message;  // a message SID's sync: the message as stored
};

// Runs a sync: a number's history, both directions, newest first up to the limit (a contact's
// number, or a phone number, whose contact is made when Twilio has messages), or one message
// with its contact. Twilio first (404 for an unknown contact, 400 for the business's own number,
// Twilio's errors as twilio_client maps them), then one unit of work; a contact whose phone
// changed meanwhile is a 409.
Outcome run(Db& db, const Config& config, const Request& request);

}  // namespace textus::sync
