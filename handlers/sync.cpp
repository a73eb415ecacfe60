// /api/crm/sms/sync: staff bring a number's history, or one message, in from Twilio
// (contract.md §4; common/messages/message_sync). Open inboxes hear of what changed.
#include "common/core/config.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/messages/message.h"
#include "common/messages/message_sync.h"

namespace {

using namespace textus;
using nlohmann::json;

Response run(Context& c) {
    const auto request = sync::parse_request(c.json, c.config.default_region);
    const auto outcome = sync::run(c.db, c.config, request);
    if (outcome.applied.inserted || outcome.applied.updated) {
        publish::staff(c.config, staff_events::sync(outcome.contact_id, outcome.applied.inserted,
                                                    outcome.applied.updated));
    }
    json body = {{"success", true},
                 {"fetched", outcome.fetched},
                 {"inserted", outcome.applied.inserted},
                 {"updated", outcome.applied.updated}};
    if (outcome.message) body["message"] = messages::to_json(*outcome.message);
    return Response::json(200, body);
}

const Route kRoutes[] = {
    {"POST", "/api/crm/sms/sync", run, Auth::staff, Body::json},
};

}  // namespace

int main() {
    return serve({.name = "sync",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"}});
}
