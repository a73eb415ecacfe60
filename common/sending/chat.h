// Web-to-text (contract.md §4, public routes): a website visitor starts an SMS conversation from a
// form (initiate) and keeps it in the page through a chat channel. The channel id is a random
// bearer secret handed to that browser only; the database keeps its SHA-256. The chat belongs
// to whoever holds the phone: the first SMS carries a code, and until the page is given it the
// chat sees only what it wrote itself. A chat never sees what happened before its initiate:
// typing a phone number never reveals that number's texts.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/contacts/contact.h"
#include "common/contacts/contact_store.h"
#include "common/core/config.h"
#include "common/core/language.h"
#include "common/messages/message.h"

namespace textus {
class Tx;
}

namespace textus::chat {

inline constexpr size_t kMaxMessageCharacters = 1000;
inline constexpr int kHistoryLimit = 200;
// The code in the first SMS that proves the visitor holds the phone (contract.md §4).
inline constexpr size_t kCodeDigits = 6;
inline constexpr int kCodeSeconds = 10 * 60;
inline constexpr int kCodeTries = 5;

// POST /api/twilio/initiate's body.
struct Initiate {
    contacts::WebLead lead;
    std::string message;
    language::Language language = language::Language::en;  // as asked; open() serves it
};

// 400 naming the field: the lead's fields (contacts::parse_web_lead), message required (at most
// kMaxMessageCharacters, no control characters but line breaks), consent exactly true, and
// language optional (language::requested: absent or one we have no texts in is English; not a
// language tag, 400 invalid_language).
Initiate parse_initiate(const nlohmann::json& body, std::string_view default_region);

// POST /api/chat/{channel}/messages's body: {body}, as initiate's message.
std::string parse_post(const nlohmann::json& body);

// A fresh channel id: 256 random bits, base64url (43 characters).
std::string new_channel();
// True when `channel` has a channel id's shape; anything else is unknown without a lookup.
bool well_formed(std::string_view channel);
// What the database keeps of a channel id.
std::string channel_hash(std::string_view channel);

struct Opened {
    contacts::Contact contact;
    std::string channel;          // the new channel id, for the visitor only
    std::string hash{};           // what the database keeps of it
    messages::Message visitor{};  // what the visitor wrote on the form: the chat's first message
    messages::Message message{};  // the first SMS with the code, queued, not yet sent to Twilio
    std::vector<std::string> message_chats{};  // the open chats that see the first SMS
    std::string code_expires_at{};             // RFC 3339
    std::string language{};                    // the served language: its texts went ("en", "es")
};

// The unit of work before any outside call: the age gate (age_gate::check: 400 without a
// birthdate, 403 under_age, before anything is written), the number checked
// (initiate_policy::check_number), its contact locked or created (source "web"), 409 opted_out
// when the number's last word was STOP, 429 past the initiate limits
// (initiate_policy::check_allowed), the lead's fields filled, the number's older unconfirmed
// chats closed, a new chat opened with a fresh code and what its form showed (the served
// language's consent text, the language, the birthdate given), the visitor's message stored in
// it, and the first SMS (initiate_policy::first_text and the opt-out notice, in the served
// language) written as queued, sent by "web". The opt-in waits for the code (verify).
Opened open(Tx& tx, const Initiate& initiate, const Config& config);

// An open chat.
struct Channel {
    int64_t id = 0;
    int64_t contact_id = 0;
    int64_t first_message_id = 0;
    std::string hash;
    std::string phone;      // the contact's
    bool verified = false;  // its code was confirmed: it sees the number's texts too
};

// The open chat with this channel id, if any: 404 for the caller otherwise.
std::optional<Channel> find(Tx& tx, std::string_view channel);

// What the chat shows, oldest first (the latest kHistoryLimit): its own messages and, once
// verified, the number's texts both ways, all from its first message on.
std::vector<messages::Message> history(Tx& tx, const Channel& channel);

// Stores what the visitor wrote (inbound, channel web, this chat's) as the contact's latest
// message.
messages::Message post(Tx& tx, const Channel& channel, const std::string& body,
                       const Config& config);

// POST /api/chat/{channel}/verify's body: {code}, kCodeDigits digits (spaces allowed between);
// 400 invalid_code otherwise.
std::string parse_code(const nlohmann::json& body);

// What came of a code.
struct Verification {
    enum class Outcome { confirmed, wrong, expired, exhausted } outcome = Outcome::wrong;
    int tries_left = 0;
    // Confirmed now (not before): the contact, opted in; the caller syncs it to Commerce7.
    std::optional<contacts::Contact> opted_in{};
};

// One try of `code` for `channel` (locks its contact, then the chat; a wrong try counts, so the
// caller commits before it throws: refuse()). Right and in time: the chat is verified, the
// number's other open chats close, the form's consent is recorded as an opt_in verified by
// "code" from `ip`, with the chat's consent text, language and birthdate, and the contact takes
// the chat's language (409 opted_out when the number opted out meanwhile). Codes are compared in
// constant time, as hashes; a chat confirmed already is confirmed again.
Verification verify(Tx& tx, const Channel& channel, std::string_view code, const std::string& ip);

// Throws what the visitor is told of a code that did not confirm: 400 wrong_code with the tries
// left, 410 code_expired, 429 code_tries_exhausted (both: start again from the form).
void refuse(const Verification& verification);

// The open chats that see message `message_id`, as their hashes: a chat sees what it wrote
// itself, and once verified the number's texts both ways; never a message older than its first.
std::vector<std::string> audience(Tx& tx, int64_t message_id);

// {success, verified, messages, subscribeUrl}: GET /api/chat/{channel}/messages.
nlohmann::json history_answer(const Channel& channel,
                              const std::vector<messages::Message>& messages,
                              const std::string& subscribe_url);

}  // namespace textus::chat
