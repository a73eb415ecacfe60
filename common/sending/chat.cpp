#include "common/sending/chat.h"

#include <cstring>

#include "common/consent/age_gate.h"
#include "common/consent/consent_store.h"
#include "common/consent/initiate_policy.h"
#include "common/core/crypto.h"
#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/db/db.h"
#include "common/messages/message_store.h"
#include "common/sending/outbox.h"
#include "common/sending/send.h"

namespace textus::chat {

namespace {

using nlohmann::json;

constexpr size_t kChannelBytes = 32;
constexpr size_t kChannelCharacters = 43;  // base64url of 32 bytes, unpadded

// A newer initiate closes the number's unconfirmed chats only: a confirmed one stays until
// another chat's code is confirmed.
const Statement kCloseUnconfirmed{"chat_close_unconfirmed",
                                  "UPDATE chats SET closed_at = now() WHERE contact_id = $1"
                                  " AND closed_at IS NULL AND verified_at IS NULL"};
const Statement kInsert{
    "chat_insert",
    "INSERT INTO chats (contact_id, channel_hash, code_hash, code_expires_at, consent_text,"
    " language, birthdate)"
    " VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6, $7::date)"
    " RETURNING id, rfc3339(code_expires_at)"};
const Statement kSetFirst{"chat_set_first", "UPDATE chats SET since_message_id = $2 WHERE id = $1"};
const Statement kFind{"chat_find",
                      "SELECT ch.id, ch.contact_id, ch.since_message_id,"
                      " ch.verified_at IS NOT NULL, c.phone"
                      " FROM chats ch JOIN contacts c ON c.id = ch.contact_id"
                      " WHERE ch.channel_hash = $1 AND ch.closed_at IS NULL"};
const Statement kLockCode{"chat_lock_code",
                          "SELECT code_hash, code_expires_at < now(), code_tries,"
                          " verified_at IS NOT NULL, consent_text, language, birthdate::text"
                          " FROM chats"
                          " WHERE id = $1 AND closed_at IS NULL FOR UPDATE"};
const Statement kWrongTry{"chat_wrong_try",
                          "UPDATE chats SET code_tries = code_tries + 1 WHERE id = $1"};
const Statement kConfirm{"chat_confirm", "UPDATE chats SET verified_at = now() WHERE id = $1"};
const Statement kCloseOthers{"chat_close_others",
                             "UPDATE chats SET closed_at = now() WHERE contact_id = $1"
                             " AND id <> $2 AND closed_at IS NULL"};
// The rule is the database's chat_audience (migration 019), which the webhook's insert shares.
const Statement kAudience{"chat_audience",
                          "SELECT unnest(chat_audience(m.contact_id, m.id, m.chat_id, m.channel))"
                          " FROM messages m WHERE m.id = $1"};

// 6 random digits, each code equally likely (draws at or past the last whole million of 2^32
// are drawn again).
std::string new_code() {
    constexpr uint32_t kRange = 1'000'000;
    constexpr uint32_t kLimit = UINT32_MAX - UINT32_MAX % kRange;
    uint32_t draw = 0;
    do {
        const auto bytes = crypto::random_bytes(sizeof draw);
        std::memcpy(&draw, bytes.data(), sizeof draw);
    } while (draw >= kLimit);
    auto code = std::to_string(draw % kRange);
    return std::string(kCodeDigits - code.size(), '0') + code;
}

// What the database keeps of a chat's code: bound to the chat, so one hash fits one chat.
std::string code_hash(std::string_view chat_hash, std::string_view code) {
    return crypto::sha256_hex(std::string(chat_hash) + ":" + std::string(code));
}

// A visitor's text: required, at most kMaxMessageCharacters, line breaks but no other control
// characters.
std::string message_text(const json& body, const char* field) {
    return fields::required_text(body, field, kMaxMessageCharacters, fields::Lines::many);
}

}  // namespace

Initiate parse_initiate(const json& body, std::string_view default_region) {
    Initiate out{.lead = contacts::parse_web_lead(body, default_region),
                 .message = message_text(body, "message")};
    if (const auto language = body.find("language");
        language != body.end() && !language->is_null()) {
        // Anything but text is refused as a malformed tag is ("-" is one).
        out.language = language::requested(
            language->is_string() ? language->get_ref<const std::string&>() : "-", "language");
    }
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
    return crypto::base64url(crypto::random_bytes(kChannelBytes));
}

bool well_formed(std::string_view channel) {
    return channel.size() == kChannelCharacters &&
           channel.find_first_not_of(
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               std::string_view::npos;
}

std::string channel_hash(std::string_view channel) {
    return crypto::sha256_hex(channel);
}

Opened open(Tx& tx, const Initiate& initiate, const Config& config) {
    const auto& lead = initiate.lead;
    age_gate::check(tx, lead.birthdate, config);
    initiate_policy::check_number(lead.phone, config);
    auto contact = contacts::lock_or_create_by_phone(tx, lead.phone, "web");
    const auto code = new_code();
    const auto language = language::served(initiate.language, config);
    send::Request request;
    request.to = contact.phone;
    request.code = true;
    request.language = language;
    request.body = initiate_policy::first_text(lead.first_name, code, language, config);
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
    if (decision.refusal) throw *decision.refusal;
    initiate_policy::check_allowed(tx, contact.id, config);
    contact = contacts::fill_web_lead(tx, contact, lead);

    tx.exec(kCloseUnconfirmed, contact.id);
    Opened out{.contact = contact, .channel = new_channel()};
    out.hash = channel_hash(out.channel);
    out.language = language::code(language);
    const auto chat = tx.exec(kInsert, contact.id, out.hash, code_hash(out.hash, code),
                              kCodeSeconds, language::consent_text(config, language),
                              language::code(language), lead.birthdate)[0];
    const auto chat_id = chat[0].as<int64_t>();
    out.code_expires_at = chat[1].as<std::string>();
    out.visitor = messages::insert_web(tx, contact.id, chat_id, contact.phone, send::sender(config),
                                       initiate.message);
    tx.exec(kSetFirst, chat_id, out.visitor.id);

    auto row = send::outbound(contact, decision.body, config, "web");
    row.owner_seconds = outbox::kLeaseSeconds;  // initiate delivers it next
    out.message = *messages::insert_outbound(tx, row);
    out.message_chats = audience(tx, out.message.id);
    return out;
}

std::optional<Channel> find(Tx& tx, std::string_view channel) {
    if (!well_formed(channel)) return std::nullopt;
    const auto hash = channel_hash(channel);
    const auto rows = tx.exec(kFind, hash);
    if (rows.empty()) return std::nullopt;
    return Channel{.id = rows[0][0].as<int64_t>(),
                   .contact_id = rows[0][1].as<int64_t>(),
                   .first_message_id = rows[0][2].as<int64_t>(),
                   .hash = hash,
                   .phone = rows[0][4].as<std::string>(),
                   .verified = rows[0][3].as<bool>()};
}

std::vector<messages::Message> history(Tx& tx, const Channel& channel) {
    return messages::since(tx, channel.contact_id, channel.first_message_id, kHistoryLimit,
                           channel.id, channel.verified);
}

messages::Message post(Tx& tx, const Channel& channel, const std::string& body,
                       const Config& config) {
    return messages::insert_web(tx, channel.contact_id, channel.id, channel.phone,
                                send::sender(config), body);
}

std::string parse_code(const json& body) {
    const auto field = body.find("code");
    std::string code;
    if (field != body.end() && field->is_string()) {
        for (const char c : field->get_ref<const std::string&>()) {
            if (c >= '0' && c <= '9') {
                code += c;
            } else if (c != ' ') {
                code.clear();
                break;
            }
        }
    }
    if (code.size() != kCodeDigits) {
        throw bad_request(
            "invalid_code",
            "code must be the " + std::to_string(kCodeDigits) + " digits we texted to your phone",
            "code");
    }
    return code;
}

Verification verify(Tx& tx, const Channel& channel, std::string_view code, const std::string& ip) {
    using Outcome = Verification::Outcome;
    // The contact first, as initiate locks it: the two never wait on each other in turn.
    auto contact = contacts::lock(tx, channel.contact_id);
    const auto rows = tx.exec(kLockCode, channel.id);
    if (!contact || rows.empty()) {
        throw not_found("No such chat: it may have been replaced by a newer one");
    }
    const auto& chat = rows[0];
    if (chat[3].as<bool>()) return {.outcome = Outcome::confirmed};
    const int tries = chat[2].as<int>();
    if (tries >= kCodeTries) return {.outcome = Outcome::exhausted};
    if (chat[1].as<bool>()) return {.outcome = Outcome::expired};
    const auto stored = chat[0].as<std::string>();
    const auto given = code_hash(channel.hash, code);
    if (!crypto::constant_time_equal(stored, given)) {
        tx.exec(kWrongTry, channel.id);
        return {.outcome = Outcome::wrong, .tries_left = kCodeTries - tries - 1};
    }
    if (send::number_record(tx, *contact).last_consent == "opt_out") {
        throw conflict("opted_out",
                       "This number opted out of texts since the code was sent; text START to "
                       "us to text with us again");
    }
    tx.exec(kConfirm, channel.id);
    tx.exec(kCloseOthers, channel.contact_id, channel.id);
    return {.outcome = Outcome::confirmed,
            .opted_in = consent::record_web_consent(tx, *contact,
                                                    {.source = "web",
                                                     .detail = chat[4].as<std::string>(),
                                                     .ip = ip,
                                                     .language = chat[5].as<std::string>(),
                                                     .birthdate = nullable(chat[6]).value_or("")})};
}

void refuse(const Verification& verification) {
    using Outcome = Verification::Outcome;
    switch (verification.outcome) {
        case Outcome::confirmed:
            return;
        case Outcome::wrong:
            if (verification.tries_left > 0) {
                throw bad_request("wrong_code",
                                  "That is not the code we texted; " +
                                      std::to_string(verification.tries_left) +
                                      (verification.tries_left == 1 ? " try" : " tries") + " left",
                                  "code");
            }
            [[fallthrough]];
        case Outcome::exhausted:
            throw HttpError(429, "code_tries_exhausted",
                            "Too many wrong codes: start again from the form for a new one",
                            "code");
        case Outcome::expired:
            throw HttpError(410, "code_expired",
                            "The code has expired: start again from the form for a new one",
                            "code");
    }
}

std::vector<std::string> audience(Tx& tx, int64_t message_id) {
    std::vector<std::string> out;
    for (const auto& row : tx.exec(kAudience, message_id)) out.push_back(row[0].as<std::string>());
    return out;
}

json history_answer(const Channel& channel, const std::vector<messages::Message>& messages,
                    const std::string& subscribe_url) {
    json items = json::array();
    for (const auto& m : messages) items.push_back(messages::to_json(m));
    return {{"success", true},
            {"verified", channel.verified},
            {"messages", items},
            {"subscribeUrl", subscribe_url}};
}

}  // namespace textus::chat
