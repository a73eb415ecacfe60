// /api/twilio/webhook and /api/twilio/status: what Twilio posts, signed (DESIGN §4). A 200 means
// the message is committed: Twilio does not post it again after one. A text may get an
// auto-reply (common/auto_reply), written with it and sent after.
#include <spdlog/spdlog.h>

#include "common/auto_reply.h"
#include "common/chat.h"
#include "common/config.h"
#include "common/contact.h"
#include "common/contact_store.h"
#include "common/db.h"
#include "common/keywords.h"
#include "common/message.h"
#include "common/message_store.h"
#include "common/phone.h"
#include "common/publish.h"
#include "common/send.h"
#include "common/server.h"
#include "common/twilio_client.h"

namespace {

using namespace textus;

// Twilio's own auto-replies answer STOP and HELP; we add nothing.
Response empty_twiml() {
    return Response::text(200, "text/xml",
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
}

// The contact of a sender we can text back: a phone number in E.164, not a short code or a
// name. A known contact's phone was validated when it was stored, so only a new sender costs
// libphonenumber's metadata (most of a plain CGI request's time: tests/bench/cgi-cost).
std::optional<contacts::Contact> lock_sender(Tx& tx, const std::string& from) {
    if (!from.starts_with('+')) return std::nullopt;
    if (auto known = contacts::lock_by_phone(tx, from)) return known;
    if (!phone::is_e164(from)) return std::nullopt;
    return contacts::lock_or_create_by_phone(tx, from, "sms");
}

Response inbound(Context& c) {
    const auto in = messages::parse_inbound(c.form);
    // Auto-replies need Twilio's settings, which the webhook alone does not.
    std::optional<twilio::Client> client;
    try {
        client.emplace(c.config);
    } catch (const HttpError&) {
    }
    struct Stored {
        std::optional<messages::Message> message;
        std::optional<std::string> chat_channel;
        std::optional<contacts::Contact> changed;  // a STOP or START changed its opt-in
        std::optional<send::Prepared> reply;       // an auto-reply, written, to deliver
    };
    const auto stored = c.db.transact([&](Tx& tx) -> Stored {
        const auto contact = lock_sender(tx, in.from);
        auto message =
            messages::insert_inbound(tx, in, contact ? std::optional(contact->id) : std::nullopt);
        // A keyword counts once, when its message is new: Twilio retries the same post.
        std::optional<contacts::Contact> changed;
        std::optional<send::Prepared> reply;
        if (message && contact) {
            changed = contacts::apply_keyword(tx, *contact, keywords::classify(in.body));
            if (client) reply = auto_reply::queue(tx, *contact, in, c.config);
        }
        return {message, contact ? contact->chat_channel : std::nullopt, changed, reply};
    });
    if (stored.message) {
        publish::message(c.config, "message", messages::to_json(*stored.message),
                         stored.chat_channel);
    }
    if (stored.changed) {
        publish::to(c.config, publish::kStaffChannel,
                    {{"type", "contact"}, {"contact", contacts::to_json(*stored.changed)}});
    }
    // The text is committed whatever comes of its reply: a failed one is recorded on its row.
    if (stored.reply && !stored.reply->replay) {
        try {
            send::deliver(c.db, c.config, *client, stored.reply->message,
                          stored.reply->chat_channel);
        } catch (const HttpError& error) {
            spdlog::warn("auto-reply {} not sent: {}", stored.reply->message.id, error.code);
        }
    }
    return empty_twiml();
}

Response status(Context& c) {
    const auto update = messages::parse_status(c.form, c.request.query());
    const auto [message, chat_channel] = c.db.transact([&](Tx& tx) {
        auto message = messages::apply_status(tx, update);
        const auto chat = message && message->contact_id
                              ? chat::channel_of(tx, *message->contact_id)
                              : std::nullopt;
        return std::pair(std::move(message), chat);
    });
    if (message) publish::message(c.config, "status", messages::to_json(*message), chat_channel);
    return Response::no_content();
}

const Route kRoutes[] = {
    {"POST", "/api/twilio/webhook", inbound, Auth::twilio, Body::form},
    {"POST", "/api/twilio/status", status, Auth::twilio, Body::form},
};

}  // namespace

int main() {
    return serve({.name = "webhook",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN"}});
}
