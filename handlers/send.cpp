// /api/crm/sms/send: staff text a contact or a number (DESIGN §4). The row is committed before
// Twilio is called and settled after; the Twilio call holds no transaction open.
#include "common/send.h"

#include "common/config.h"
#include "common/db.h"
#include "common/server.h"
#include "common/twilio_client.h"

namespace {

using namespace textus;

Response send_message(Context& c) {
    const auto request =
        send::parse(c.json, c.request.header("idempotency-key"), c.config.default_region);
    // Built first: a configuration that cannot reach Twilio refuses before a row is written.
    twilio::Client client(c.config);
    const auto prepared =
        c.db.transact([&](Tx& tx) { return send::prepare(tx, request, c.config, c.staff_key); });
    if (prepared.replay) return Response::json(201, send::answer(prepared.message));
    return Response::json(201, send::answer(send::deliver(c.db, c.config, client, prepared.message,
                                                          prepared.chat_channel)));
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
