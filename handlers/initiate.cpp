// The website visitor's routes (DESIGN §4, public): /api/twilio/initiate starts an SMS
// conversation from the widget's form, and /api/chat/{channel}/messages keeps it going in the
// page. No key: the channel id, handed to the visitor's browser alone, is the credential. nginx
// rate-limits these routes per client IP.
#include "common/chat.h"
#include "common/commerce7_sync.h"
#include "common/config.h"
#include "common/db.h"
#include "common/live.h"
#include "common/publish.h"
#include "common/send.h"
#include "common/server.h"
#include "common/twilio_client.h"

namespace {

using namespace textus;
using nlohmann::json;

std::string subscribe_url(const Config& config, const std::string& hash) {
    return live::subscribe(live::chat_channel(hash), live::kChatSubscribeSeconds,
                           config.token_secret)
        .url;
}

Response consent_text(Context& c) {
    return Response::json(200, {{"success", true},
                                {"businessName", c.config.business_name},
                                {"consentText", c.config.consent_text}});
}

Response initiate(Context& c) {
    const auto request = chat::parse_initiate(c.json, c.config.default_region);
    // Built first: a configuration that cannot reach Twilio refuses before anything is stored.
    twilio::Client client(c.config);
    // The lead and its consent are committed before any outside call: nothing after loses them.
    const bool commerce7 = commerce7::enabled(c.config);
    const auto [opened, claimed] = c.db.transact([&](Tx& tx) {
        auto opened = chat::open(tx, request, {"web", c.config.consent_text, c.request.remote_addr},
                                 c.config);
        const bool claimed =
            commerce7 && commerce7::mark_pending(tx, opened.contact.id, commerce7::kLeadTiming);
        return std::pair(std::move(opened), claimed);
    });
    // Commerce7 before the SMS (DESIGN §4); its failure leaves the lead to the sync.
    if (claimed) commerce7::sync_lead(c.db, c.config, opened.contact, commerce7::kLeadTiming);
    const auto message =
        send::deliver(c.db, c.config, client, opened.message, opened.contact.chat_channel);
    return Response::json(201,
                          {{"success", true},
                           {"phoneNumber", opened.contact.phone},
                           {"contactId", opened.contact.id},
                           {"messageSid", message.sid ? json(*message.sid) : json(nullptr)},
                           {"channel", opened.channel},
                           {"subscribeUrl", subscribe_url(c.config, *opened.contact.chat_channel)},
                           {"history", json::array({messages::to_json(message)})}});
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
    return Response::json(200,
                          chat::history_answer(messages, subscribe_url(c.config, channel.hash)));
}

Response post(Context& c) {
    const auto body = chat::parse_post(c.json);
    const auto [channel, message] = c.db.transact([&](Tx& tx) {
        auto channel = open_channel(tx, c);
        auto message = chat::post(tx, channel, body, c.config);
        return std::pair(std::move(channel), std::move(message));
    });
    publish::message(c.config, "message", messages::to_json(message), channel.hash);
    return Response::json(201, {{"success", true}, {"message", messages::to_json(message)}});
}

const Route kRoutes[] = {
    {"GET", "/api/twilio/initiate", consent_text, Auth::none},
    {"POST", "/api/twilio/initiate", initiate, Auth::none, Body::json},
    {"GET", "/api/chat/{channel}/messages", history, Auth::none},
    {"POST", "/api/chat/{channel}/messages", post, Auth::none, Body::json},
};

}  // namespace

int main() {
    return serve({.name = "initiate",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID",
                                      "TWILIO_AUTH_TOKEN", "BUSINESS_NAME", "CONSENT_TEXT",
                                      "TOKEN_SECRET"}});
}
