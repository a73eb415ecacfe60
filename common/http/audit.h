// The audit log (issue 27): one row per thing done that an owner may need to answer for later,
// written in the unit of work that does it, and never changed. Actors and subjects are named by
// id ("person 3", "contact 12") or a key's name: no email, password, token or typed text.
// Consent changed by staff is one of them (contact_store writes it beside its consent event).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textus {

class Tx;
struct Context;

namespace audit {

struct Actor {
    std::string name;       // "person 3", "staff key NAME", "textus-admin", "anonymous"
    std::string ip;         // "" when none (textus-admin)
    int64_t person_id = 0;  // the person acting; 0 for a key of nobody, textus-admin, anonymous
};

// Who is calling on a staff route: the person (by id) or, for a key of nobody, the key.
Actor actor_of(const Context& context);
inline const Actor kAdminTool{"textus-admin", "", 0};

void record(Tx& tx, const Actor& actor, std::string_view action,
            std::optional<std::string> subject = std::nullopt,
            std::optional<std::string> detail = std::nullopt);

struct Event {
    int64_t id = 0;
    std::string at;  // RFC 3339
    std::string action;
    std::string actor;
    std::optional<std::string> subject;
    std::optional<std::string> detail;
    std::optional<std::string> ip;
};

// The newest `limit` events older than event `before_id` (none: from the newest).
std::vector<Event> list(Tx& tx, int64_t limit, std::optional<int64_t> before_id);

}  // namespace audit
}  // namespace textus
