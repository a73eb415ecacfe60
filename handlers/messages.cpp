// /api/crm/sms/messages: staff read a conversation's messages and mark them read (contract.md §4).
#include "common/core/config.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/messages/message.h"
#include "common/messages/message_store.h"

namespace {

using namespace textus;
using nlohmann::json;

Response list(Context& c) {
    const auto query = messages::parse_message_query(c.request.query(), c.config.default_region);
    const auto page = c.db.transact([&](Tx& tx) { return messages::list(tx, query); });
    json items = json::array();
    for (const auto& message : page.messages) items.push_back(messages::to_json(message));
    return Response::json(
        200, {{"success", true},
              {"messages", items},
              {"nextBefore", page.next_before ? json(*page.next_before) : json(nullptr)}});
}

Response mark_read(Context& c) {
    const auto it = c.json.find("contactId");
    if (it == c.json.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
        throw bad_request("invalid_field", "contactId must be a contact's id", "contactId");
    }
    const auto id = it->get<int64_t>();
    const auto updated = c.db.transact([&](Tx& tx) { return messages::mark_read(tx, id); });
    if (!updated) throw not_found("No contact with id " + std::to_string(id));
    return Response::json(200, {{"success", true}, {"contactId", id}, {"marked", *updated}});
}

const Route kRoutes[] = {
    {"GET", "/api/crm/sms/messages", list, Auth::staff},
    {"POST", "/api/crm/sms/messages/read", mark_read, Auth::staff, Body::json},
};

}  // namespace

int main() {
    return serve({.name = "messages", .routes = kRoutes});
}
