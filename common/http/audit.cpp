#include "common/http/audit.h"

#include "common/db/db.h"
#include "common/http/router.h"

namespace textus::audit {

namespace {

const Statement kRecord{"audit_record",
                        "INSERT INTO audit_events (action, actor, subject, detail, ip)"
                        " VALUES ($1, $2, $3, $4, $5)"};
const Statement kList{
    "audit_list",
    "SELECT id, rfc3339(created_at), action, actor, subject, detail, ip FROM audit_events"
    " WHERE $2::bigint IS NULL OR id < $2 ORDER BY id DESC LIMIT $1"};

}  // namespace

Actor actor_of(const Context& context) {
    if (!context.person) return {"staff key " + context.staff, context.request.remote_addr, 0};
    return {"person " + std::to_string(context.person->id), context.request.remote_addr,
            context.person->id};
}

void record(Tx& tx, const Actor& actor, std::string_view action, std::optional<std::string> subject,
            std::optional<std::string> detail) {
    tx.exec(kRecord, action, actor.name, subject, detail,
            actor.ip.empty() ? std::nullopt : Param(actor.ip));
}

std::vector<Event> list(Tx& tx, int64_t limit, std::optional<int64_t> before_id) {
    std::vector<Event> events;
    for (const auto& row : tx.exec(kList, limit, before_id)) {
        events.push_back({row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
                          row[3].as<std::string>(), nullable(row[4]), nullable(row[5]),
                          nullable(row[6])});
    }
    return events;
}

}  // namespace textus::audit
