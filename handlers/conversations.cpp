// /api/crm/sms/conversations: the inbox's list, one row per contact with messages, and
// /api/crm/live: where the inbox hears what changes (contract.md §4).
#include "common/core/config.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/live/live.h"
#include "common/live/publish.h"
#include "common/messages/conversation_store.h"

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
                                  {"hasMore", shown < page.total},
                                  {"totalCapped", page.total_capped}}}});
}

// A short-lived signed URL for the staff channel: a browser cannot put the key on each poll, and
// the key must never be in a URL (contract.md §4, §8). The page asks again before it expires.
Response live_url(Context& c) {
    const auto subscription = live::subscribe(publish::kStaffChannel, live::kStaffSubscribeSeconds,
                                              c.config.token_secret);
    return Response::json(200, {{"success", true},
                                {"subscribeUrl", subscription.url},
                                {"expiresAt", subscription.expires_at}});
}

const Route kRoutes[] = {
    {"GET", "/api/crm/sms/conversations", list, Auth::staff},
    {"GET", "/api/crm/live", live_url, Auth::staff},
};

}  // namespace

int main() {
    return serve({.name = "conversations",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "TOKEN_SECRET"}});
}
