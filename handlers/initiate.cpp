// The website visitor's routes (contract.md §4, public): /api/twilio/initiate starts an SMS
// conversation from the widget's form, /api/chat/{channel}/verify takes the code it texted, and
// /api/chat/{channel}/messages keeps it going in the page. No key: the channel id, handed to the
// visitor's browser alone, is the credential. nginx rate-limits these routes per client IP.
#include "common/consent/initiate_policy.h"
#include "common/contacts/commerce7_sync.h"
#include "common/contacts/contact.h"
#include "common/core/config.h"
#include "common/core/initiate_settings.h"
#include "common/core/language.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/live/live.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/sending/chat.h"
#include "common/sending/send.h"
#include "common/twilio/twilio_client.h"

namespace {

using namespace textus;
using nlohmann::json;

std::string subscribe_url(const Config& config, const std::string& hash) {
    return live::subscribe(live::chat_channel(hash), live::kChatSubscribeSeconds,
                           config.token_secret)
        .url;
}

// What the widget shows before anything is sent: in the language the page asks for (?lang=, a
// tag such as es-MX) when we word its consent, else English, said in `language`; and the age
// gate, when there is one, which the widget asks first.
Response consent_text(Context& c) {
    const auto query = c.request.query();  // kept: get() points into it
    const auto* wanted = query.get("lang");
    const auto language =
        language::served(language::requested(wanted ? *wanted : "", "lang"), c.config);
    const auto age_gate = initiate_policy::age_gate_years(c.config);
    return Response::json(200,
                          {{"success", true},
                           {"businessName", c.config.business_name},
                           {"language", language::code(language)},
                           {"consentText", language::consent_text(c.config, language)},
                           {"ageGate", age_gate ? json{{"years", *age_gate}} : json(nullptr)}});
}

Response initiate(Context& c) {
    const auto request = chat::parse_initiate(c.json, c.config.default_region);
    // Built first: a configuration that cannot reach Twilio refuses before anything is stored.
    twilio::Client client(c.config);
    // The lead, its message and its code are committed before any outside call.
    const auto opened = c.db.transact([&](Tx& tx) { return chat::open(tx, request, c.config); });
    publish::message(c.config, staff_events::message(messages::to_json(opened.visitor)),
                     {opened.hash});
    const auto message = send::deliver(c.db, c.config, client, opened.message, opened.message_chats,
                                       send::Unavailable::fails);
    return Response::json(201, {{"success", true},
                                {"language", opened.language},
                                {"phoneNumber", opened.contact.phone},
                                {"contactId", opened.contact.id},
                                {"messageSid", message.sid ? json(*message.sid) : json(nullptr)},
                                {"channel", opened.channel},
                                {"subscribeUrl", subscribe_url(c.config, opened.hash)},
                                {"verified", false},
                                {"codeExpiresAt", opened.code_expires_at},
                                {"history", json::array({messages::to_json(opened.visitor)})}});
}

chat::Channel open_channel(Tx& tx, const Context& c) {
    auto channel = chat::find(tx, c.params.get("channel"));
    if (!channel) throw not_found("No such chat: it may have been replaced by a newer one");
    return std::move(*channel);
}

Response history(Context& c) {
    const auto [channel, messages] = c.db.transact([&](Tx& tx) {
        auto channel = open_channel(tx, c);
        auto messages = chat::history(tx, channel);
        return std::pair(std::move(channel), std::move(messages));
    });
    return Response::json(
        200, chat::history_answer(channel, messages, subscribe_url(c.config, channel.hash)));
}

Response verify(Context& c) {
    const auto code = chat::parse_code(c.json);
    const bool commerce7 = commerce7::enabled(c.config);
    struct Verified {
        chat::Channel channel;
        chat::Verification verification{};
        bool claimed = false;  // the Commerce7 sync of the newly opted-in lead is ours
        std::vector<messages::Message> messages{};
    };
    // A wrong try is committed before the visitor is told.
    const auto verified = c.db.transact([&](Tx& tx) {
        Verified out{.channel = open_channel(tx, c)};
        out.verification = chat::verify(tx, out.channel, code, c.request.remote_addr);
        if (out.verification.outcome != chat::Verification::Outcome::confirmed) return out;
        out.channel.verified = true;
        out.claimed = commerce7 && out.verification.opted_in &&
                      commerce7::mark_pending(tx, out.channel.contact_id, commerce7::kLeadTiming);
        out.messages = chat::history(tx, out.channel);
        return out;
    });
    chat::refuse(verified.verification);
    if (const auto& contact = verified.verification.opted_in) {
        publish::staff(c.config, staff_events::contact(contacts::to_json(*contact)));
        // Commerce7 after the answer's unit of work; its failure leaves the lead to the sync.
        if (verified.claimed) {
            commerce7::sync_lead(c.db, c.config, *contact, commerce7::kLeadTiming);
        }
    }
    return Response::json(200,
                          chat::history_answer(verified.channel, verified.messages,
                                               subscribe_url(c.config, verified.channel.hash)));
}

Response post(Context& c) {
    const auto body = chat::parse_post(c.json);
    const auto [message, chats] = c.db.transact([&](Tx& tx) {
        const auto channel = open_channel(tx, c);
        auto message = chat::post(tx, channel, body, c.config);
        auto chats = chat::audience(tx, message.id);
        return std::pair(std::move(message), std::move(chats));
    });
    publish::message(c.config, staff_events::message(messages::to_json(message)), chats);
    return Response::json(201, {{"success", true}, {"message", messages::to_json(message)}});
}

// /api/health/initiate tells a sysadmin when the hour's budget of web-initiated texts is spent
// (initiate answers 429 until it frees up).
nlohmann::json report(Tx& tx, const Config& config) {
    const auto budget = initiate_policy::budget(tx, config);
    return {{"initiateBudget",
             {{"hourlyLimit", budget.limit},
              {"lastHour", budget.last_hour},
              {"exhausted", budget.exhausted()}}}};
}

const Route kRoutes[] = {
    {"GET", "/api/twilio/initiate", consent_text, Auth::none},
    {"POST", "/api/twilio/initiate", initiate, Auth::none, Body::json},
    {"GET", "/api/chat/{channel}/messages", history, Auth::none},
    {"POST", "/api/chat/{channel}/messages", post, Auth::none, Body::json},
    {"POST", "/api/chat/{channel}/verify", verify, Auth::none, Body::json},
};

}  // namespace

int main() {
    return serve(
        {.name = "initiate",
         .routes = kRoutes,
         .required_config = {"DATABASE_URL", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID",
                             "TWILIO_AUTH_TOKEN", "BUSINESS_NAME", "CONSENT_TEXT", "TOKEN_SECRET"},
         .report = report});
}
