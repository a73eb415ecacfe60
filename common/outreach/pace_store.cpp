#include "common/outreach/pace_store.h"

#include <cmath>

#include "common/db/db.h"

namespace textus::pace {

namespace {

// Granted when the next turn has come; it is then moved on by one message's interval.
const Statement kTakeTurn{
    "pace_take_turn",
    "WITH turn AS (SELECT next_send_at, next_send_at <= clock_timestamp() AS granted"
    "              FROM campaign_pace FOR UPDATE)"
    " UPDATE campaign_pace SET next_send_at = CASE WHEN turn.granted THEN"
    "   greatest(turn.next_send_at, clock_timestamp()) + make_interval(secs => $1::bigint / 1e6)"
    "   ELSE turn.next_send_at END"
    " FROM turn RETURNING turn.granted,"
    "  ceil(extract(epoch FROM turn.next_send_at - clock_timestamp()) * 1000)::bigint"};

}  // namespace

std::optional<std::chrono::milliseconds> take_turn(Tx& tx, double per_second) {
    if (per_second <= 0) return std::nullopt;
    const auto row = tx.exec(kTakeTurn, static_cast<int64_t>(std::llround(1e6 / per_second)))[0];
    if (row[0].as<bool>()) return std::nullopt;
    return std::chrono::milliseconds(std::max<int64_t>(1, row[1].as<int64_t>()));
}

}  // namespace textus::pace
