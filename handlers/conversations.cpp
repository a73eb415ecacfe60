// /api/crm/sms/conversations: the inbox's list, one row per contact with messages, filtered by
// status and assignee, with counts; GET and PATCH .../{contactId}: one's status and assignee;
// /api/crm/presence: who looks at which thread; and
// /api/crm/live: where the inbox hears what changes (contract.md §4).
#include "common/core/config.h"
#include "common/core/fields.h"
#include "common/db/db.h"
#include "common/http/server.h"
#include "common/live/live.h"
#include "common/live/publish.h"
#include "common/live/staff_events.h"
#include "common/messages/conversation_store.h"

namespace {

using namespace textus;
using nlohmann::json;

int64_t me(const Context& c) {
    return c.person ? c.person->id : 0;
}

// A page of conversations; the first page of a list (no search, no skip) also says how many
// there are of each status and assignee, which the other pages and searches do not change.
Response list(Context& c) {
    const auto query = conversations::parse_query(c.request.query(), me(c));
    const bool counted = !query.search && query.skip == 0;
    const auto [page, counts] = c.db.transact([&](Tx& tx) {
        return std::pair(conversations::list(tx, query),
                         counted ? std::optional(conversations::counts(tx, me(c))) : std::nullopt);
    });
    json items = json::array();
    for (const auto& conversation : page.conversations) {
        items.push_back(conversations::to_json(conversation));
    }
    const auto shown = query.skip + static_cast<int64_t>(page.conversations.size());
    return Response::json(200,
                          {{"success", true},
                           {"conversations", items},
                           {"pagination",
                            {{"total", page.total},
                             {"limit", query.limit},
                             {"skip", query.skip},
                             {"hasMore", shown < page.total},
                             {"totalCapped", page.total_capped}}},
                           {"counts", counts ? conversations::to_json(*counts) : json(nullptr)}});
}

// One conversation's status and assignee.
Response show(Context& c) {
    const auto contact_id = c.params.id("contactId");
    const auto state = c.db.transact([&](Tx& tx) { return conversations::find(tx, contact_id); });
    if (!state) throw not_found("No conversation with contact " + std::to_string(contact_id));
    return Response::json(200,
                          {{"success", true}, {"conversation", conversations::to_json(*state)}});
}

// Assigns, reassigns or unassigns a conversation, closes, snoozes or opens it.
Response change(Context& c) {
    const auto contact_id = c.params.id("contactId");
    const auto change = conversations::parse_change(c.json);
    const auto state =
        c.db.transact([&](Tx& tx) { return conversations::change(tx, contact_id, change); });
    const auto answer = conversations::to_json(state);
    publish::staff(c.config, staff_events::conversation(answer));
    return Response::json(200, {{"success", true}, {"conversation", answer}});
}

// The caller looks at a thread ({contactId}) or at none ({contactId: null}); every inbox hears
// who looks at it, and at the one they left. A key of nobody looks at nothing.
Response look(Context& c) {
    // Required, and null for none.
    const auto it = c.json.find("contactId");
    std::optional<int64_t> contact_id;
    if (it == c.json.end() || !it->is_null()) {
        contact_id =
            fields::id(it == c.json.end() ? json() : *it, "contactId", "a contact's id or null");
    }
    if (!c.person) return Response::json(200, {{"success", true}, {"viewers", json::array()}});
    const auto looked =
        c.db.transact([&](Tx& tx) { return conversations::look(tx, c.person->id, contact_id); });
    json others = json::array();
    for (const auto& presence : looked) {
        publish::staff(c.config, staff_events::presence(conversations::to_json(presence)));
        if (presence.contact_id != contact_id) continue;
        for (const auto& v : presence.viewers) {
            if (v.id != c.person->id) others.push_back({{"id", v.id}, {"name", v.name}});
        }
    }
    return Response::json(200, {{"success", true}, {"viewers", others}});
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
    {"GET", "/api/crm/sms/conversations/{contactId}", show, Auth::staff},
    {"PATCH", "/api/crm/sms/conversations/{contactId}", change, Auth::staff, Body::json},
    {"POST", "/api/crm/presence", look, Auth::staff, Body::json},
    {"GET", "/api/crm/live", live_url, Auth::staff},
};

}  // namespace

int main() {
    return serve({.name = "conversations",
                  .routes = kRoutes,
                  .required_config = {"DATABASE_URL", "TOKEN_SECRET"}});
}
