// /api/crm/sms/send: staff text a contact or a number (contract.md §4). The row is committed before
// Twilio is called and settled after; the Twilio call holds no transaction open. A send with
// sendAt waits in /api/crm/sms/scheduled for the worker (`textus-admin work`), which sends it
// through the same path: a scheduled send is a send.
#include "common/sending/send.h"

#include "common/core/config.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/outreach/schedule_store.h"
#include "common/twilio/twilio_client.h"

namespace {

using namespace textus;

Response send_message(Context& c) {
    auto request =
        send::parse(c.json, c.request.header("idempotency-key"), c.config.default_region);
    if (c.person) request.claimant = c.person->id;
    if (const auto send_at = schedule::parse_send_at(c.json)) {
        const auto scheduled = c.db.transact(
            [&](Tx& tx) { return schedule::create(tx, request, *send_at, c.config, c.staff); });
        return Response::json(201,
                              {{"success", true}, {"scheduled", schedule::to_json(scheduled)}});
    }
    // Built first: a configuration that cannot reach Twilio refuses before a row is written.
    twilio::Client client(c.config);
    const auto prepared =
        c.db.transact([&](Tx& tx) { return send::prepare(tx, request, c.config, c.staff); });
    if (prepared.replay) return Response::json(201, send::answer(prepared.message));
    return Response::json(
        201, send::answer(send::deliver(c.db, c.config, client, prepared.message, prepared.chats,
                                        send::Unavailable::fails)));
}

Response list_scheduled(Context& c) {
    const auto status = schedule::parse_status_filter(c.request.query());
    const auto all = c.db.transact([&](Tx& tx) { return schedule::list(tx, status); });
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : all) items.push_back(schedule::to_json(s));
    return Response::json(200, {{"success", true}, {"scheduled", items}});
}

Response cancel_scheduled(Context& c) {
    const auto id = c.params.id("id");
    const auto canceled = c.db.transact([&](Tx& tx) { return schedule::cancel(tx, id); });
    return Response::json(200, {{"success", true}, {"scheduled", schedule::to_json(canceled)}});
}

const Route kRoutes[] = {
    {"POST", "/api/crm/sms/send", send_message, Auth::staff, Body::json},
    {"GET", "/api/crm/sms/scheduled", list_scheduled, Auth::staff},
    {"DELETE", "/api/crm/sms/scheduled/{id}", cancel_scheduled, Auth::staff},
};

}  // namespace

int main() {
    return serve({.name = "send",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID",
                                      "TWILIO_AUTH_TOKEN"}});
}
