// /api/crm/sms/templates: the bodies staff send from, with variables (contract.md §4); every
// send path renders them (common/core/template).
#include "common/core/template.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/messages/template_store.h"

namespace {

using namespace textus;

HttpError no_template(int64_t id) {
    return not_found("No template with id " + std::to_string(id));
}

Response template_response(int status, const templates::Template& t) {
    return Response::json(status, {{"success", true}, {"template", templates::to_json(t)}});
}

Response list(Context& c) {
    const auto all = c.db.transact([](Tx& tx) { return templates::list(tx); });
    nlohmann::json items = nlohmann::json::array();
    for (const auto& t : all) items.push_back(templates::to_json(t));
    return Response::json(200, {{"success", true}, {"templates", items}});
}

Response create(Context& c) {
    const auto t = templates::parse_write(c.json);
    return template_response(201, c.db.transact([&](Tx& tx) { return templates::create(tx, t); }));
}

Response show(Context& c) {
    const auto id = c.params.id("id");
    const auto t = c.db.transact([&](Tx& tx) { return templates::find(tx, id); });
    if (!t) throw no_template(id);
    return template_response(200, *t);
}

Response replace(Context& c) {
    const auto id = c.params.id("id");
    const auto t = templates::parse_write(c.json);
    const auto stored = c.db.transact([&](Tx& tx) { return templates::update(tx, id, t); });
    if (!stored) throw no_template(id);
    return template_response(200, *stored);
}

Response remove(Context& c) {
    const auto id = c.params.id("id");
    if (!c.db.transact([&](Tx& tx) { return templates::remove(tx, id); })) throw no_template(id);
    return Response::json(200, {{"success", true}, {"id", id}});
}

const Route kRoutes[] = {
    {"GET", "/api/crm/sms/templates", list, Auth::staff},
    {"POST", "/api/crm/sms/templates", create, Auth::admin, Body::json},
    {"GET", "/api/crm/sms/templates/{id}", show, Auth::staff},
    {"PUT", "/api/crm/sms/templates/{id}", replace, Auth::admin, Body::json},
    {"DELETE", "/api/crm/sms/templates/{id}", remove, Auth::admin},
};

}  // namespace

int main() {
    return serve({.name = "templates", .routes = kRoutes});
}
