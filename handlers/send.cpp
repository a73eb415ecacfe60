// /api/crm/sms/send: staff text a contact or a number (DESIGN §4). The row is committed before
// Twilio is called and settled after; the Twilio call holds no transaction open.
#include "common/send.h"

#include <spdlog/spdlog.h>

#include "common/config.h"
#include "common/db.h"
#include "common/publish.h"
#include "common/server.h"
#include "common/twilio_client.h"

namespace {

using namespace textus;

void publish_message(const Config& config, const messages::Message& message) {
    publish::to(config, publish::kStaffChannel,
                {{"type", "message"}, {"message", messages::to_json(message)}});
}

Response send_message(Context& c) {
    const auto request =
        send::parse(c.json, c.request.header("idempotency-key"), c.config.default_region);
    // Built first: a configuration that cannot reach Twilio refuses before a row is written.
    twilio::Client client(c.config);
    const auto prepared =
        c.db.transact([&](Tx& tx) { return send::prepare(tx, request, c.config, c.staff_key); });
    if (prepared.replay) return Response::json(201, send::answer(prepared.message));

    const auto id = prepared.message.id;
    twilio::Message sent;
    try {
        sent = client.create_message(
            {.to = prepared.message.to,
             .body = prepared.message.body,
             .media_urls = prepared.message.media_urls,
             .status_callback = twilio::status_callback_url(c.config.public_base_url) +
                                "?id=" + std::to_string(id)});
    } catch (const twilio::TwilioError& error) {
        // The answer is Twilio's error even when it cannot be stored: the row then stays
        // queued, and a retry with the key is told the outcome is unknown.
        try {
            const auto refused =
                c.db.transact([&](Tx& tx) { return send::record_refused(tx, id, error); });
            publish_message(c.config, refused);
        } catch (const HttpError& db_error) {
            spdlog::error("send: Twilio's refusal of message {} could not be recorded ({})", id,
                          db_error.code);
        }
        throw;
    }

    // Twilio has the message: a database failure now must not turn into an error the staff
    // member answers by sending again. The status callbacks carry our id and store the SID.
    auto message = prepared.message;
    try {
        message = c.db.transact([&](Tx& tx) { return send::record_accepted(tx, id, sent); });
    } catch (const HttpError& error) {
        spdlog::error(
            "send: message {} was accepted by Twilio but could not be recorded ({}); "
            "its status callbacks will record it",
            id, error.code);
        message.sid = sent.sid;
        message.status = sent.status;
    }
    publish_message(c.config, message);
    return Response::json(201, send::answer(message));
}

const Route kRoutes[] = {
    {"POST", "/api/crm/sms/send", send_message, Auth::staff, Body::json},
};

}  // namespace

int main() {
    return serve({.name = "send",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID",
                                      "TWILIO_AUTH_TOKEN"}});
}
