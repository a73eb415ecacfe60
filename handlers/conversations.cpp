// /api/crm/sms/conversations: the inbox's list, one row per contact with messages (DESIGN §4).
#include "common/conversation.h"
#include "common/db.h"
#include "common/server.h"

namespace {

using namespace textus;
using nlohmann::json;

Response list(Context& c) {
    const auto query = conversations::parse_query(c.request.query());
    const auto page = c.db.transact([&](Tx& tx) { return conversations::list(tx, query); });
    json items = json::array();
    for (const auto& conversation : page.conversations) {
        items.push_back(conversations::to_json(conversation));
    }
    const auto shown = query.skip + static_cast<int64_t>(page.conversations.size());
    return Response::json(200, {{"success", true},
                                {"conversations", items},
                                {"pagination",
                                 {{"total", page.total},
                                  {"limit", query.limit},
                                  {"skip", query.skip},
                                  {"hasMore", shown < page.total}}}});
}

const Route kRoutes[] = {
    {"GET", "/api/crm/sms/conversations", list, Auth::staff},
};

}  // namespace

int main() {
    return serve({.name = "conversations", .routes = kRoutes});
}
