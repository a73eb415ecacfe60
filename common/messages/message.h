// The message resource (contract.md §4) and what Twilio posts about messages: an inbound SMS/MMS
// and a delivery status callback, read from their form fields with every check.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/http/http.h"
#include "common/media/media.h"

namespace textus::messages {

// Twilio's media URLs are short; one longer than this is not one of theirs.
inline constexpr size_t kMaxInboundMediaUrlBytes = 1000;

struct Message {
    int64_t id = 0;
    std::optional<std::string> sid;
    std::optional<int64_t> contact_id;
    std::string direction;  // inbound, outbound
    std::string channel;    // sms, web
    std::string from;
    std::string to;
    std::string body;
    // As stored: Twilio's URLs for a message from Twilio, the sender's for one we send. A page
    // is shown `media`, our copies, when there are any (to_json).
    std::vector<std::string> media_urls;
    std::vector<media::Item> media;
    std::string status;
    std::optional<int> error_code;
    std::optional<std::string> error_message;
    std::optional<int> segments;
    std::optional<std::string> price;
    std::optional<std::string> price_unit;
    std::optional<std::string> sent_by;
    std::string created_at;
    std::optional<std::string> delivered_at;
    std::optional<std::string> read_at;
};

nlohmann::json to_json(const Message& message);

// An inbound SMS or MMS as Twilio posts it to the webhook.
struct Inbound {
    std::string sid;   // MessageSid: SM or MM + 32 hex digits
    std::string from;  // E.164, a short code or an alphanumeric sender: stored as given
    std::string to;
    std::string body;
    std::vector<std::string> media_urls;   // MediaUrl0..N-1
    std::vector<std::string> media_types;  // MediaContentType0..N-1
    std::optional<int> segments;           // NumSegments
    // What was wrong with its media fields, kept on the message (errorMessage); the text is
    // stored whatever its media.
    std::optional<std::string> media_problem;
};

// 400 naming the field when a required one (MessageSid, From, To) is missing or malformed. A
// medium that is missing, not a URL or too long is left out and named in media_problem.
Inbound parse_inbound(const Form& form);

// A delivery status callback: our message id from the callback URL's query (we put it there
// when sending, and the signature covers it), and Twilio's fields.
struct StatusUpdate {
    std::optional<int64_t> message_id;  // ?id= of the StatusCallback URL
    std::string sid;                    // MessageSid
    std::string status;                 // MessageStatus
    std::optional<int> error_code;      // ErrorCode
    std::optional<std::string> error_message;
};

StatusUpdate parse_status(const Form& form, const Form& query);

inline constexpr int kDefaultPage = 50;
inline constexpr int kMaxPage = 200;

// GET /api/crm/sms/messages: newest first, a page of `limit` before the message `before`.
struct MessageQuery {
    std::optional<int64_t> contact_id;
    std::optional<std::string>
        phone;  // the customer's: inbound from, outbound to; E.164 if a number
    std::optional<std::string> direction;  // inbound, outbound
    int limit = kDefaultPage;
    std::optional<int64_t> before;  // a message id: the page starts after it
};

// ?contactId=&phoneNumber=&direction=&limit=&before=; 400 invalid_query naming a bad value.
MessageQuery parse_message_query(const Form& query, std::string_view default_region);

}  // namespace textus::messages
