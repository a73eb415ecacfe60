// /api/crm/sms/campaigns: one text to many contacts (contract.md §4, issue 15), sent by the
// worker at CAMPAIGN_RATE (common/outreach/worker). Staff create, preview, watch, pause and
// resume them; no route here calls Twilio, so no Twilio setting is required.
#include "common/core/config.h"
#include "common/db/db.h"
#include "common/http/audit.h"
#include "common/http/server.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/outreach/campaign.h"
#include "common/outreach/campaign_store.h"

namespace {

using namespace textus;
using nlohmann::json;

// Open inboxes hear of every change (contract.md §4, the staff channel), after it committed.
Response changed(const Context& c, int status, const campaign::Campaign& campaign) {
    publish::staff(c.config, staff_events::campaign(campaign::to_json(campaign)));
    return Response::json(status, {{"success", true}, {"campaign", campaign::to_json(campaign)}});
}

Response list(Context& c) {
    const auto all = c.db.transact([](Tx& tx) { return campaign::list(tx); });
    json items = json::array();
    for (const auto& one : all) items.push_back(campaign::to_json(one));
    return Response::json(200, {{"success", true}, {"campaigns", items}});
}

Response create(Context& c) {
    const auto write = campaign::parse_write(c.json, c.request.header("idempotency-key"));
    const auto created = c.db.transact(
        [&](Tx& tx) { return campaign::create(tx, write, c.staff, audit::actor_of(c)); });
    return changed(c, 201, created);
}

Response preview(Context& c) {
    const auto request = campaign::parse_preview(c.json);
    const auto previewed =
        c.db.transact([&](Tx& tx) { return campaign::preview(tx, request, c.config); });
    const auto& recipient = previewed.recipient;
    return Response::json(200,
                          {{"success", true},
                           {"recipients", previewed.recipients},
                           {"preview", recipient ? campaign::to_json(*recipient) : json(nullptr)}});
}

Response show(Context& c) {
    const auto id = c.params.id("id");
    const auto found = c.db.transact([&](Tx& tx) { return campaign::find(tx, id); });
    if (!found) throw not_found("No campaign with id " + std::to_string(id));
    return Response::json(200, {{"success", true}, {"campaign", campaign::to_json(*found)}});
}

Response recipients(Context& c) {
    const auto id = c.params.id("id");
    const auto query = campaign::parse_recipients_query(c.request.query());
    const auto page = c.db.transact([&](Tx& tx) { return campaign::recipients(tx, id, query); });
    json items = json::array();
    for (const auto& recipient : page.recipients) items.push_back(campaign::to_json(recipient));
    return Response::json(200, {{"success", true},
                                {"recipients", items},
                                {"next", page.next ? json(*page.next) : json(nullptr)}});
}

Response pause(Context& c) {
    const auto id = c.params.id("id");
    return changed(
        c, 200, c.db.transact([&](Tx& tx) { return campaign::pause(tx, id, audit::actor_of(c)); }));
}

Response resume(Context& c) {
    const auto id = c.params.id("id");
    return changed(c, 200, c.db.transact([&](Tx& tx) {
        return campaign::resume(tx, id, audit::actor_of(c));
    }));
}

const Route kRoutes[] = {
    {"GET", "/api/crm/sms/campaigns", list, Auth::admin},
    {"POST", "/api/crm/sms/campaigns", create, Auth::admin, Body::json},
    {"POST", "/api/crm/sms/campaigns/preview", preview, Auth::admin, Body::json},
    {"GET", "/api/crm/sms/campaigns/{id}", show, Auth::admin},
    {"GET", "/api/crm/sms/campaigns/{id}/recipients", recipients, Auth::admin},
    {"POST", "/api/crm/sms/campaigns/{id}/pause", pause, Auth::admin},
    {"POST", "/api/crm/sms/campaigns/{id}/resume", resume, Auth::admin},
};

}  // namespace

int main() {
    return serve({.name = "campaigns", .routes = kRoutes});
}
