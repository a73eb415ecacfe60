#include "common/sending/send.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "common/consent/consent_store.h"
#include "common/contacts/contact_store.h"
#include "common/core/crypto.h"
#include "common/core/fields.h"
#include "common/core/phone.h"
#include "common/core/segments.h"
#include "common/core/text.h"
#include "common/db/db.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/media/media_store.h"
#include "common/messages/conversation_store.h"
#include "common/messages/message_store.h"
#include "common/messages/template_store.h"
#include "common/sending/chat.h"
#include "common/sending/link_store.h"
#include "common/sending/outbox.h"

namespace textus::send {

namespace {

using nlohmann::json;

// The number's latest opt-in or opt-out under any contact (consent belongs to the number), an
// inbound message from it, a message from us that may have reached it (a send whose fate is
// unknown has no SID: it does not count, so the notice goes again rather than never), and the
// contact's latest opt-in request that Twilio did not refuse.
const Statement kNumberRecord{
    "send_number_record",
    "SELECT (SELECT e.kind FROM consent_events e WHERE e.phone = $1"
    "         AND e.kind IN ('opt_in', 'opt_out') ORDER BY e.created_at DESC, e.id DESC LIMIT 1),"
    " EXISTS (SELECT 1 FROM messages m WHERE m.direction = 'inbound' AND m.from_number = $1),"
    " EXISTS (SELECT 1 FROM messages m WHERE m.direction = 'outbound' AND m.to_number = $1"
    "         AND m.sid IS NOT NULL AND m.status NOT IN ('failed', 'undelivered')),"
    " (SELECT extract(epoch FROM now() - max(m.created_at))::bigint FROM messages m"
    "   WHERE m.contact_id = $2 AND m.opt_in_request AND m.status <> 'failed')"};

std::string media_url(const json& value) {
    if (!value.is_string()) {
        throw bad_request("invalid_field", "mediaUrls must be a list of URLs", "mediaUrls");
    }
    const auto url = value.get<std::string>();
    const bool absolute = url.starts_with("https://") || url.starts_with("http://");
    const bool clean =
        url.find_first_of(" \t\r\n") == std::string::npos && !text::has_control(url, false);
    if (!absolute || !clean || url.size() > kMaxMediaUrlBytes) {
        throw bad_request("invalid_field",
                          "mediaUrls must hold absolute http(s) URLs of at most " +
                              std::to_string(kMaxMediaUrlBytes) + " bytes",
                          "mediaUrls");
    }
    return url;
}

HttpError error_from_json(const json& stored) {
    return HttpError(stored.value("status", 502), stored.value("code", "twilio_error"),
                     stored.value("message", "The send did not succeed"));
}

// What a retry with a known key gets: the send as it is now, or its stored error.
Prepared replay(const messages::KeyedSend& keyed, const Request& request) {
    if (keyed.request_digest != request.digest()) throw idempotency_key_reused();
    if (keyed.message.sid) return {.message = keyed.message, .replay = true};
    if (!keyed.send_error.is_null()) throw error_from_json(keyed.send_error);
    if (keyed.age_seconds < kInFlightSeconds) {
        throw HttpError(409, "send_in_progress",
                        "A send with this Idempotency-Key is in progress; try again shortly");
    }
    throw HttpError(502, "twilio_unavailable",
                    "The send with this Idempotency-Key stopped before Twilio answered: the "
                    "message may or may not have been sent; sync the conversation to see");
}

}  // namespace

std::string Request::digest() const {
    json canonical = {{"to", to ? json(*to) : json(nullptr)},
                      {"contactId", contact_id ? json(*contact_id) : json(nullptr)},
                      {"body", body},
                      {"templateId", template_id ? json(*template_id) : json(nullptr)},
                      {"mediaUrls", media_urls},
                      {"optInRequest", opt_in_request}};
    // Only when set: keys stored before campaigns (pictures) existed keep their digests.
    if (template_body) canonical["templateBody"] = *template_body;
    if (!media_ids.empty()) canonical["mediaIds"] = media_ids;
    return crypto::sha256_hex(canonical.dump());
}

Request parse(const json& body, std::string_view idempotency_key, std::string_view default_region) {
    Request request;
    const auto to = body.find("to");
    const auto contact_id = body.find("contactId");
    const bool has_to = to != body.end() && !to->is_null();
    const bool has_contact = contact_id != body.end() && !contact_id->is_null();
    if (has_to && has_contact) {
        throw bad_request("invalid_field", "Give either to or contactId, not both", "to");
    }
    if (!has_to && !has_contact) {
        throw bad_request("missing_field", "to (a phone number) or contactId is required", "to");
    }
    if (has_to) {
        if (!to->is_string()) throw bad_request("invalid_phone", "to must be a phone number", "to");
        const auto parsed = phone::parse(to->get<std::string>(), default_region);
        if (!parsed.e164) throw bad_request("invalid_phone", parsed.problem, "to");
        request.to = parsed.e164;
    } else {
        request.contact_id = fields::id(*contact_id, "contactId", "a contact's id");
    }

    if (const auto it = body.find("optInRequest"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            throw bad_request("invalid_field", "optInRequest must be true or false",
                              "optInRequest");
        }
        request.opt_in_request = it->get<bool>();
    }
    if (const auto it = body.find("mediaUrls"); it != body.end() && !it->is_null()) {
        if (!it->is_array()) {
            throw bad_request("invalid_field", "mediaUrls must be a list of URLs", "mediaUrls");
        }
        if (it->size() > kMaxMedia) {
            throw bad_request("invalid_field",
                              "mediaUrls holds at most " + std::to_string(kMaxMedia) + " URLs",
                              "mediaUrls");
        }
        for (const auto& url : *it) request.media_urls.push_back(media_url(url));
    }
    if (const auto it = body.find("mediaIds"); it != body.end() && !it->is_null()) {
        if (!it->is_array() || it->empty() || it->size() + request.media_urls.size() > kMaxMedia) {
            throw bad_request("invalid_field",
                              "mediaIds must list 1 to " + std::to_string(kMaxMedia) +
                                  " uploaded pictures, with mediaUrls at most " +
                                  std::to_string(kMaxMedia) + " in all",
                              "mediaIds");
        }
        for (const auto& id : *it) {
            const auto media_id = fields::id(id, "mediaIds", "an uploaded picture's id");
            if (std::find(request.media_ids.begin(), request.media_ids.end(), media_id) !=
                request.media_ids.end()) {
                throw bad_request("invalid_field", "mediaIds names a picture twice", "mediaIds");
            }
            request.media_ids.push_back(media_id);
        }
    }
    if (const auto it = body.find("body"); it != body.end() && !it->is_null()) {
        if (!it->is_string()) throw bad_request("invalid_field", "body must be text", "body");
        request.body = it->get<std::string>();
    }
    if (const auto it = body.find("templateId"); it != body.end() && !it->is_null()) {
        const auto template_id = fields::id(*it, "templateId", "a template's id");
        if (!request.body.empty() || request.opt_in_request) {
            throw bad_request("invalid_field",
                              "Give either body or templateId, and no templateId with an opt-in "
                              "request",
                              "templateId");
        }
        request.template_id = template_id;
    }

    const bool media = !request.media_urls.empty() || !request.media_ids.empty();
    if (request.opt_in_request && (!request.body.empty() || media)) {
        throw bad_request("invalid_field",
                          "An opt-in request sends the configured text: leave body, mediaUrls "
                          "and mediaIds out",
                          !request.body.empty()         ? "body"
                          : !request.media_urls.empty() ? "mediaUrls"
                                                        : "mediaIds");
    }
    if (!request.opt_in_request && !request.template_id && !media &&
        text::trim(request.body).empty()) {
        throw bad_request("missing_field", "body is required (or mediaUrls or mediaIds)", "body");
    }
    if (text::has_control(request.body, true)) {
        throw bad_request("invalid_field", "body must not hold control characters", "body");
    }
    if (text::length(request.body) > kMaxBodyCharacters) {
        throw bad_request(
            "body_too_long",
            "body must be at most " + std::to_string(kMaxBodyCharacters) + " characters", "body");
    }

    request.idempotency_key = parse_idempotency_key(idempotency_key);
    return request;
}

std::optional<std::string> parse_idempotency_key(std::string_view header) {
    if (header.empty()) return std::nullopt;
    const bool visible_ascii =
        std::all_of(header.begin(), header.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (!visible_ascii || header.size() > kMaxIdempotencyKeyBytes) {
        throw bad_request("invalid_header",
                          "Idempotency-Key must be 1 to " +
                              std::to_string(kMaxIdempotencyKeyBytes) + " visible ASCII characters",
                          "Idempotency-Key");
    }
    return std::string(header);
}

NumberRecord number_record(Tx& tx, const contacts::Contact& contact) {
    const auto row = tx.exec(kNumberRecord, contact.phone, contact.id)[0];
    return {.last_consent = nullable(row[0]),
            .texted_us = row[1].as<bool>(),
            .reached = row[2].as<bool>(),
            .seconds_since_opt_in_request = nullable<int64_t>(row[3]),
            .possible_opt_out = contact.possible_opt_out_id.has_value()};
}

std::string sender(const Config& config) {
    return config.twilio_phone_number.empty() ? config.twilio_messaging_service_sid
                                              : config.twilio_phone_number;
}

messages::Outbound outbound(const contacts::Contact& contact, const std::string& body,
                            const Config& config, const std::string& sent_by) {
    messages::Outbound row;
    row.contact_id = contact.id;
    row.from = sender(config);
    row.to = contact.phone;
    row.body = body;
    row.segments = static_cast<int>(segments::count(body).value_or(segments::Count{}).segments);
    row.sent_by = sent_by;
    return row;
}

void check_allowed(const Request& request, const NumberRecord& number) {
    if (number.last_consent == "opt_out") {
        throw conflict("opted_out",
                       "This number opted out of texts (it replied STOP); they can text START to "
                       "opt back in");
    }
    if (request.automated && number.possible_opt_out) {
        throw conflict("possible_opt_out",
                       "This contact's latest text may be an opt-out: confirm or dismiss it in "
                       "the inbox first");
    }
    if (request.opt_in_request) {
        if (number.seconds_since_opt_in_request &&
            *number.seconds_since_opt_in_request < kOptInRequestIntervalSeconds) {
            HttpError error(429, "opt_in_request_limit",
                            "An opt-in request went to this contact in the last 24 hours");
            error.headers.emplace_back("Retry-After",
                                       std::to_string(kOptInRequestIntervalSeconds -
                                                      *number.seconds_since_opt_in_request));
            throw error;
        }
        return;
    }
    if (request.code) return;
    if (number.last_consent != "opt_in" && !number.texted_us) {
        throw HttpError(403, "no_consent",
                        "This contact has not opted in to texts and has not texted you; send an "
                        "opt-in request (optInRequest: true) instead");
    }
}

std::string outgoing_body(const Request& request, const NumberRecord& number,
                          const Config& config) {
    if (request.opt_in_request && config.opt_in_request_text.empty()) {
        throw HttpError(503, "configuration_incomplete",
                        "OPT_IN_REQUEST_TEXT is not set: opt-in requests cannot be sent");
    }
    auto body = request.opt_in_request ? config.opt_in_request_text : request.body;
    const auto& notice =
        language::opt_out_notice(config, request.language.value_or(language::Language::en));
    if ((!number.reached || request.code) && !notice.empty()) {
        body += (body.empty() ? "" : "\n\n") + notice;
    }
    if (text::length(body) > kMaxBodyCharacters) {
        throw bad_request("body_too_long",
                          "With the opt-out notice the first message to a number gets, body "
                          "must be at most " +
                              std::to_string(kMaxBodyCharacters -
                                             (text::length(body) - text::length(request.body))) +
                              " characters",
                          "body");
    }
    return body;
}

json error_json(const HttpError& error) {
    return {{"status", error.status}, {"code", error.code}, {"message", error.what()}};
}

HttpError idempotency_key_reused() {
    return HttpError(422, "idempotency_key_reused",
                     "This Idempotency-Key was used for another request; use a new key",
                     "Idempotency-Key");
}

std::string render(std::string_view body, const contacts::Contact& contact, const Config& config) {
    return templates::render(body, {.first_name = contact.first_name,
                                    .last_name = contact.last_name,
                                    .business_name = config.business_name,
                                    .agent = contact.assigned_agent.value_or("")});
}

std::string template_body(Tx& tx, int64_t template_id) {
    const auto found = templates::find(tx, template_id);
    if (!found) {
        throw HttpError(404, "template_not_found",
                        "No template with id " + std::to_string(template_id), "templateId");
    }
    return found->body;
}

std::string render_template(Tx& tx, int64_t template_id, const contacts::Contact& contact,
                            const Config& config) {
    return render_nonempty(template_body(tx, template_id), contact, config, "templateId");
}

std::string render_nonempty(std::string_view body, const contacts::Contact& contact,
                            const Config& config, std::string_view field) {
    auto rendered = render(body, contact, config);
    if (text::trim(rendered).empty()) {
        throw bad_request("empty_body", "The text renders empty for this contact",
                          std::string(field));
    }
    return rendered;
}

Decision decide(Tx& tx, const Request& request, const contacts::Contact& contact,
                const Config& config) {
    Decision out{.number = number_record(tx, contact)};
    try {
        check_allowed(request, out.number);
    } catch (const HttpError& refusal) {
        out.refusal = refusal;
    }
    auto resolved = request;
    if (!resolved.language) resolved.language = language::of_stored(contact.language);
    if (request.template_id) {
        resolved.body = render_template(tx, *request.template_id, contact, config);
    } else if (request.template_body) {
        resolved.body = render_nonempty(*request.template_body, contact, config, "body");
    }
    out.body = outgoing_body(resolved, out.number, config);
    // Counted as sent: each {link:...} as its short link.
    out.count = segments::count(links::as_counted(out.body, config.public_base_url))
                    .value_or(segments::Count{});
    return out;
}

Prepared prepare(Tx& tx, const Request& request, const Config& config, const std::string& staff) {
    if (request.idempotency_key) {
        if (const auto keyed = messages::find_by_idempotency_key(tx, *request.idempotency_key)) {
            return replay(*keyed, request);
        }
    }
    // The contact stays locked until the row is written: two sends to one contact decide in
    // turn (the opt-out notice goes once, one opt-in request a day).
    std::optional<contacts::Contact> contact;
    if (request.contact_id) {
        contact = contacts::lock(tx, *request.contact_id);
        if (!contact) throw not_found("No contact with id " + std::to_string(*request.contact_id));
    } else {
        contact = contacts::lock_or_create_by_phone(tx, *request.to, "staff");
    }

    const auto decision = decide(tx, request, *contact, config);
    if (decision.refusal) throw *decision.refusal;
    // Twilio fetches our pictures from URLs signed with it: refused before a row is written.
    if (!request.media_ids.empty() && config.token_secret.empty()) {
        throw HttpError(503, "configuration_incomplete", "Missing: TOKEN_SECRET");
    }
    // Each {link:...} a short link of this recipient's, saved with the message.
    const auto shortened = links::shorten(decision.body, config.public_base_url);
    auto row = outbound(*contact, shortened.body, config, staff);
    // Our pictures by their staff URL, the sender's own after them; deliver signs ours.
    for (const auto id : request.media_ids) row.media_urls.push_back(media::staff_url(id));
    row.media_urls.insert(row.media_urls.end(), request.media_urls.begin(),
                          request.media_urls.end());
    // An MMS is one message, however long its text.
    if (!row.media_urls.empty()) row.segments = 1;
    row.idempotency_key = request.idempotency_key;
    row.request_digest = request.idempotency_key ? std::optional(request.digest()) : std::nullopt;
    row.opt_in_request = request.opt_in_request;
    if (request.worker_delivers) {
        outbox::wake(tx);
    } else {
        row.owner_seconds = outbox::kLeaseSeconds;
    }
    if (auto message = messages::insert_outbound(tx, row)) {
        links::save(tx, message->id, contact->id, shortened.links);
        if (!request.media_ids.empty()) {
            message->media = media::attach(tx, message->id, request.media_ids);
        }
        if (request.claimant) conversations::claim(tx, contact->id, *request.claimant);
        return {.message = *message, .chats = chat::audience(tx, message->id)};
    }
    // The same key committed by a parallel request while this one waited on it.
    return replay(*messages::find_by_idempotency_key(tx, *request.idempotency_key), request);
}

messages::Message record_accepted(Tx& tx, int64_t message_id, const twilio::Message& sent) {
    return messages::record_accepted(
        tx, message_id,
        {.sid = sent.sid,
         .status = sent.status,
         .from = sent.from,
         .segments = sent.num_segments > 0 ? std::optional(sent.num_segments) : std::nullopt,
         .price = sent.price.empty() ? std::nullopt : std::optional(sent.price),
         .price_unit = sent.price_unit.empty() ? std::nullopt : std::optional(sent.price_unit)});
}

Refusal record_refused(Tx& tx, int64_t message_id, const twilio::TwilioError& error,
                       Unavailable unavailable) {
    const bool waits = error.outcome_unknown ||
                       (unavailable == Unavailable::waits && error.code == "twilio_unavailable");
    Refusal out;
    out.message = messages::record_refused(
        tx, message_id,
        {.send_error = error_json(error),
         .failed = !waits,
         .error_code = error.twilio_code ? std::optional(error.twilio_code) : std::nullopt,
         .error_message =
             error.twilio_message.empty() ? std::nullopt : std::optional(error.twilio_message)});
    // Twilio knows the recipient replied STOP (perhaps before we had them): so does our log.
    if (error.twilio_code == 21610 && out.message.contact_id) {
        if (const auto contact = contacts::lock(tx, *out.message.contact_id)) {
            out.opted_out = consent::apply_keyword(tx, *contact,
                                                   {keywords::Kind::opt_out, "Twilio error 21610"});
        }
    }
    return out;
}

std::vector<std::string> twilio_media_urls(const messages::Message& message, const Config& config) {
    std::vector<std::string> urls;
    const auto expires = std::time(nullptr) + media::kPublicUrlSeconds;
    for (const auto& url : message.media_urls) {
        const auto ours = std::find_if(
            message.media.begin(), message.media.end(),
            [&](const auto& m) { return !m.fetched && media::staff_url(m.id) == url; });
        if (ours == message.media.end()) {
            urls.push_back(url);
            continue;
        }
        if (config.token_secret.empty()) {
            throw HttpError(503, "configuration_incomplete", "Missing: TOKEN_SECRET");
        }
        urls.push_back(
            media::public_url(config.public_base_url, ours->name, expires, config.token_secret));
    }
    return urls;
}

messages::Message deliver(Db& db, const Config& config, twilio::Client& client,
                          const messages::Message& queued, const std::vector<std::string>& chats,
                          Unavailable unavailable) {
    const auto publish_message = [&](const messages::Message& message) {
        publish::message(config, staff_events::message(messages::to_json(message)), chats);
    };
    const auto id = queued.id;
    twilio::Message sent;
    try {
        sent = client.create_message(
            {.to = queued.to,
             .body = queued.body,
             .media_urls = twilio_media_urls(queued, config),
             .status_callback = twilio::status_callback_url(config.public_base_url) +
                                "?id=" + std::to_string(id)});
    } catch (const twilio::TwilioError& error) {
        // The answer is Twilio's error even when it cannot be stored: the row then stays
        // queued, and a retry with the key is told the outcome is unknown.
        try {
            const auto refusal =
                db.transact([&](Tx& tx) { return record_refused(tx, id, error, unavailable); });
            publish_message(refusal.message);
            // Open inboxes hear of the opt-out as of a STOP (the webhook's contact event).
            if (refusal.opted_out) {
                publish::staff(config,
                               staff_events::contact(contacts::to_json(*refusal.opted_out)));
            }
        } catch (const std::exception& db_error) {
            spdlog::error("send: Twilio's refusal of message {} could not be recorded ({})", id,
                          log_code(db_error));
        }
        throw;
    }
    auto message = queued;
    try {
        message = db.transact([&](Tx& tx) { return record_accepted(tx, id, sent); });
    } catch (const std::exception& error) {
        spdlog::error(
            "send: message {} was accepted by Twilio but could not be recorded ({}); "
            "its status callbacks will record it",
            id, log_code(error));
        message.sid = sent.sid;
        message.status = sent.status;
    }
    publish_message(message);
    return message;
}

void record_status(Db& db, const Config& config, const messages::StatusUpdate& update) {
    const auto [applied, chats] = db.transact([&](Tx& tx) {
        auto applied = messages::apply_status(tx, update);
        auto chats = applied && applied->changed ? chat::audience(tx, applied->message.id)
                                                 : std::vector<std::string>{};
        return std::pair(std::move(applied), std::move(chats));
    });
    // A late or repeated status changed nothing: no event.
    if (applied && applied->changed) {
        publish::message(config, staff_events::status(messages::to_json(applied->message)), chats);
    }
}

messages::Message queue_opt_out_confirmation(Tx& tx, const contacts::Contact& contact,
                                             const Config& config) {
    const auto& confirmation =
        language::opt_out_confirmation(config, language::of_stored(contact.language));
    auto row = outbound(contact, render(confirmation, contact, config), config, "opt-out");
    outbox::wake(tx);
    return *messages::insert_outbound(tx, row);
}

json answer(const messages::Message& message) {
    const auto count = segments::count(message.body);
    return {{"success", true},
            {"message", messages::to_json(message)},
            {"twilioMessageSid", message.sid ? json(*message.sid) : json(nullptr)},
            {"segments", message.segments.value_or(count ? count->segments : 1)},
            {"encoding", count ? count->encoding : segments::kGsm7}};
}

}  // namespace textus::send
