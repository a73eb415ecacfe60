// Web-to-text (DESIGN §4, public routes): a website visitor starts an SMS conversation from a
// form (initiate) and keeps it in the page through a chat channel. The channel id is a random
// bearer secret handed to that browser only; the database keeps its SHA-256. A chat shows what
// happened since its initiate and nothing earlier, and a newer initiate for the number closes
// it: typing a phone number never reveals that number's texts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/contact.h"
#include "common/contact_store.h"
#include "common/message.h"

namespace textus {
class Tx;
}

namespace textus::chat {

inline constexpr size_t kMaxMessageCharacters = 1000;
inline constexpr int kHistoryLimit = 200;

// POST /api/twilio/initiate's body.
struct Initiate {
    contacts::WebLead lead;
    std::string message;
};

// 400 naming the field: the lead's fields (contacts::parse_web_lead), message required (at most
// kMaxMessageCharacters, no control characters but line breaks), consent exactly true.
Initiate parse_initiate(const nlohmann::json& body, std::string_view default_region);

// POST /api/chat/{channel}/messages's body: {body}, as initiate's message.
std::string parse_post(const nlohmann::json& body);

// A fresh channel id: 256 random bits, base64url (43 characters).
std::string new_channel();
// True when `channel` has a channel id's shape; anything else is unknown without a lookup.
bool well_formed(std::string_view channel);
// What the database keeps of a channel id.
std::string channel_hash(std::string_view channel);

// The first SMS: the visitor's message signed "- {firstName} via {BUSINESS_NAME} Chat".
std::string first_sms_body(const Initiate& initiate, const Config& config);

struct Opened {
    contacts::Contact contact;
    messages::Message message;  // the first SMS, queued, not yet handed to Twilio
    std::string channel;        // the new channel id, for the visitor only
};

// The unit of work before any outside call: the number's contact locked or created (source
// "web"), 409 opted_out when the number's last word was STOP, the lead and its consent recorded
// (`actor`: source web, the consent text shown, the client's IP), the first SMS written as
// queued (sent by "web", with OPT_OUT_NOTICE when the number was never reached), and a new
// channel opened from that message on, closing the contact's older one.
Opened open(Tx& tx, const Initiate& initiate, const contacts::Actor& actor, const Config& config);

// An open channel.
struct Channel {
    int64_t contact_id = 0;
    int64_t first_message_id = 0;
    std::string hash;
    std::string phone;  // the contact's
};

// The open channel with this id, if any: 404 for the caller otherwise.
std::optional<Channel> find(Tx& tx, std::string_view channel);

// The chat's messages, oldest first (the latest kHistoryLimit).
std::vector<messages::Message> history(Tx& tx, const Channel& channel);

// Stores what the visitor wrote (inbound, channel web) as the contact's latest message.
messages::Message post(Tx& tx, const Channel& channel, const std::string& body,
                       const Config& config);

// The SHA-256 of contact `contact_id`'s open channel, if any: where its messages go live.
std::optional<std::string> channel_of(Tx& tx, int64_t contact_id);

// {success, messages, subscribeUrl}: GET /api/chat/{channel}/messages.
nlohmann::json history_answer(const std::vector<messages::Message>& messages,
                              const std::string& subscribe_url);

}  // namespace textus::chat
