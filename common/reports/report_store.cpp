#include "common/reports/report_store.h"

#include "common/core/error.h"
#include "common/db/db.h"

namespace textus::reports {

namespace {

// The period's bounds as instants: its first day's midnight and the midnight after its last,
// in its zone. Every day of the period is a row, zeros included (generate_series).
const std::string kBounds =
    "bounds AS (SELECT ($1::date::timestamp AT TIME ZONE $3) AS start,"
    " (($2::date + 1)::timestamp AT TIME ZONE $3) AS stop)";
const Statement kByDay{
    "reports_messages_by_day",
    "WITH " + kBounds +
        ", counted AS (SELECT (m.created_at AT TIME ZONE $3)::date AS day,"
        "  count(*) FILTER (WHERE m.direction = 'inbound' AND m.channel = 'sms') AS sms_in,"
        "  count(*) FILTER (WHERE m.direction = 'inbound' AND m.channel = 'web') AS web_in,"
        "  count(*) FILTER (WHERE m.direction = 'outbound' AND m.channel = 'sms') AS sms_out,"
        "  count(*) FILTER (WHERE m.direction = 'outbound' AND m.channel = 'web') AS web_out"
        "  FROM messages m, bounds WHERE m.created_at >= bounds.start"
        "  AND m.created_at < bounds.stop GROUP BY 1)"
        " SELECT d::date::text, coalesce(c.sms_in, 0), coalesce(c.web_in, 0),"
        " coalesce(c.sms_out, 0), coalesce(c.web_out, 0)"
        " FROM generate_series($1::date, $2::date, interval '1 day') d"
        " LEFT JOIN counted c ON c.day = d::date ORDER BY 1"};
const Statement kByPerson{"reports_messages_by_person",
                          "WITH " + kBounds +
                              " SELECT coalesce(m.sent_by, ''), count(*) FROM messages m, bounds"
                              " WHERE m.direction = 'outbound' AND m.created_at >= bounds.start"
                              " AND m.created_at < bounds.stop GROUP BY 1 ORDER BY 2 DESC, 1"};

}  // namespace

Messages messages(Tx& tx, const Period& period) {
    Messages out;
    try {
        for (const auto& row : tx.exec(kByDay, period.from, period.to, period.time_zone)) {
            out.days.push_back({row[0].as<std::string>(), row[1].as<int64_t>(),
                                row[2].as<int64_t>(), row[3].as<int64_t>(), row[4].as<int64_t>()});
        }
        for (const auto& row : tx.exec(kByPerson, period.from, period.to, period.time_zone)) {
            out.people.push_back({row[0].as<std::string>(), row[1].as<int64_t>()});
        }
    } catch (const pqxx::data_exception&) {
        // 22023: a zone PostgreSQL does not know; the days were checked already.
        throw bad_request("invalid_time_zone",
                          "timeZone must be an IANA time zone such as America/Los_Angeles",
                          "timeZone");
    }
    return out;
}

}  // namespace textus::reports
