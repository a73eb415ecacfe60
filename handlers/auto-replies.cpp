// /api/crm/sms/auto-replies: the keyword and away rules staff keep (contract.md §4); the worker
// answers texts with them (common/outreach/auto_reply).
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/outreach/auto_reply_store.h"

namespace {

using namespace textus;

HttpError no_rule(int64_t id) {
    return not_found("No auto-reply with id " + std::to_string(id));
}

Response rule_response(int status, const auto_reply::Rule& rule) {
    return Response::json(status, {{"success", true}, {"autoReply", auto_reply::to_json(rule)}});
}

Response list(Context& c) {
    const auto all = c.db.transact([](Tx& tx) { return auto_reply::list(tx); });
    nlohmann::json items = nlohmann::json::array();
    for (const auto& rule : all) items.push_back(auto_reply::to_json(rule));
    return Response::json(200, {{"success", true}, {"autoReplies", items}});
}

Response create(Context& c) {
    const auto rule = auto_reply::parse_write(c.json);
    return rule_response(201, c.db.transact([&](Tx& tx) { return auto_reply::create(tx, rule); }));
}

Response show(Context& c) {
    const auto id = c.params.id("id");
    const auto rule = c.db.transact([&](Tx& tx) { return auto_reply::find(tx, id); });
    if (!rule) throw no_rule(id);
    return rule_response(200, *rule);
}

Response replace(Context& c) {
    const auto id = c.params.id("id");
    const auto rule = auto_reply::parse_write(c.json);
    const auto stored = c.db.transact([&](Tx& tx) { return auto_reply::update(tx, id, rule); });
    if (!stored) throw no_rule(id);
    return rule_response(200, *stored);
}

Response remove(Context& c) {
    const auto id = c.params.id("id");
    if (!c.db.transact([&](Tx& tx) { return auto_reply::remove(tx, id); })) throw no_rule(id);
    return Response::json(200, {{"success", true}, {"id", id}});
}

const Route kRoutes[] = {
    {"GET", "/api/crm/sms/auto-replies", list, Auth::admin},
    {"POST", "/api/crm/sms/auto-replies", create, Auth::admin, Body::json},
    {"GET", "/api/crm/sms/auto-replies/{id}", show, Auth::admin},
    {"PUT", "/api/crm/sms/auto-replies/{id}", replace, Auth::admin, Body::json},
    {"DELETE", "/api/crm/sms/auto-replies/{id}", remove, Auth::admin},
};

}  // namespace

int main() {
    return serve({.name = "auto-replies", .routes = kRoutes});
}
