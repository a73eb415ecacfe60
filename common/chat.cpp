#include "common/chat.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "common/auth.h"
#include "common/db.h"
#include "common/error.h"
#include "common/fields.h"
#include "common/message_store.h"
#include "common/outbox.h"
#include "common/send.h"

namespace textus::chat {

namespace {

using nlohmann::json;

constexpr size_t kChannelBytes = 32;
constexpr size_t kChannelCharacters = 43;  // base64url of 32 bytes, unpadded

// Replacing the hash closes the contact's older channel: its id no longer finds anything.
const Statement kOpen{"chat_open",
                      "UPDATE contacts SET chat_channel = $2, chat_since_id = $3 WHERE id = $1"};
const Statement kFind{"chat_find",
                      "SELECT id, chat_since_id, phone FROM contacts WHERE chat_channel = $1"};
const Statement kChannelOf{"chat_channel_of", "SELECT chat_channel FROM contacts WHERE id = $1"};

// A visitor's text: required, at most kMaxMessageCharacters, line breaks but no other control
// characters.
std::string message_text(const json& body, const char* field) {
    return fields::required_text(body, field, kMaxMessageCharacters, fields::Lines::many);
}

}  // namespace

Initiate parse_initiate(const json& body, std::string_view default_region) {
    Initiate out{.lead = contacts::parse_web_lead(body, default_region),
                 .message = message_text(body, "message")};
    const auto consent = body.find("consent");
    if (consent == body.end() || *consent != true) {
        throw bad_request("consent_required",
                          "consent must be true: the visitor agrees to receive texts", "consent");
    }
    return out;
}

std::string parse_post(const json& body) {
    return message_text(body, "body");
}

std::string new_channel() {
    unsigned char bytes[kChannelBytes];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t bits = 0;
    int count = 0;
    for (const auto byte : bytes) {
        bits = (bits << 8) | byte;
        count += 8;
        while (count >= 6) {
            count -= 6;
            out += kAlphabet[(bits >> count) & 63];
        }
    }
    if (count > 0) out += kAlphabet[(bits << (6 - count)) & 63];
    return out;
}

bool well_formed(std::string_view channel) {
    return channel.size() == kChannelCharacters &&
           channel.find_first_not_of(
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               std::string_view::npos;
}

std::string channel_hash(std::string_view channel) {
    return auth::sha256_hex(channel);
}

std::string first_sms_body(const Initiate& initiate, const Config& config) {
    return initiate.message + "\n\n- " + initiate.lead.first_name + " via " + config.business_name +
           " Chat";
}

Opened open(Tx& tx, const Initiate& initiate, const contacts::Actor& actor, const Config& config) {
    auto contact = contacts::lock_or_create_by_phone(tx, initiate.lead.phone, "web");
    send::Request request;
    request.to = contact.phone;
    request.body = first_sms_body(initiate, config);
    // Decided before the form's consent is recorded: a number that said STOP must text START
    // itself. Any other refusal (no consent yet) is answered by the consent given now, in this
    // unit of work; the notice goes with the number's first message.
    const auto decision = send::decide(tx, request, contact, config);
    if (decision.refusal && decision.refusal->code == "opted_out") {
        throw conflict("opted_out",
                       "This number opted out of texts (it replied STOP). To text with us again, "
                       "text START to " +
                           (config.twilio_phone_number.empty() ? std::string("our number")
                                                               : config.twilio_phone_number) +
                           " first.",
                       "phoneNumber");
    }
    contact = contacts::record_web_lead(tx, contact, initiate.lead, actor);
    auto row = send::outbound(contact, decision.body, config, "web");
    row.owner_seconds = outbox::kLeaseSeconds;  // initiate delivers it next
    auto queued = messages::insert_outbound(tx, row);
    const auto channel = new_channel();
    contact.chat_channel = channel_hash(channel);
    tx.exec(kOpen, contact.id, *contact.chat_channel, queued->id);
    return {.contact = std::move(contact), .message = std::move(*queued), .channel = channel};
}

std::optional<Channel> find(Tx& tx, std::string_view channel) {
    if (!well_formed(channel)) return std::nullopt;
    const auto hash = channel_hash(channel);
    const auto rows = tx.exec(kFind, hash);
    if (rows.empty()) return std::nullopt;
    return Channel{.contact_id = rows[0][0].as<int64_t>(),
                   .first_message_id = rows[0][1].as<int64_t>(),
                   .hash = hash,
                   .phone = rows[0][2].as<std::string>()};
}

std::vector<messages::Message> history(Tx& tx, const Channel& channel) {
    return messages::since(tx, channel.contact_id, channel.first_message_id, kHistoryLimit);
}

messages::Message post(Tx& tx, const Channel& channel, const std::string& body,
                       const Config& config) {
    return messages::insert_web(tx, channel.contact_id, channel.phone, send::sender(config), body);
}

std::optional<std::string> channel_of(Tx& tx, int64_t contact_id) {
    const auto rows = tx.exec(kChannelOf, contact_id);
    if (rows.empty()) return std::nullopt;
    return nullable(rows[0][0]);
}

json history_answer(const std::vector<messages::Message>& messages,
                    const std::string& subscribe_url) {
    json items = json::array();
    for (const auto& m : messages) items.push_back(messages::to_json(m));
    return {{"success", true}, {"messages", items}, {"subscribeUrl", subscribe_url}};
}

}  // namespace textus::chat
