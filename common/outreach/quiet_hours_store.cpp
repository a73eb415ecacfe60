#include "common/outreach/quiet_hours_store.h"

#include "common/db/db.h"

namespace textus::quiet_hours {

namespace {

// The local time's minutes since midnight, and the next end of the window as a time.
const Statement kLocalMinutes{"quiet_local_minutes",
                              "SELECT extract(hour FROM now() AT TIME ZONE $1)::int * 60"
                              " + extract(minute FROM now() AT TIME ZONE $1)::int"};
const Statement kNextEnd{"quiet_next_end",
                         "SELECT rfc3339((date_trunc('day', now() AT TIME ZONE $1)"
                         " + make_interval(days => $2, mins => $3)) AT TIME ZONE $1)"};

}  // namespace

std::optional<std::string> hold_until(Tx& tx, const std::vector<std::string>& time_zones,
                                      const Window& window) {
    if (!window.enabled) return std::nullopt;
    const bool spans_midnight = window.start > window.end;
    std::optional<std::string> latest;
    for (const auto& zone : time_zones) {
        const int now = tx.exec(kLocalMinutes, zone)[0][0].as<int>();
        if (!inside(window, now)) continue;
        // The end is tomorrow when the window spans midnight and it is still before midnight.
        const int days = spans_midnight && now >= window.start ? 1 : 0;
        // RFC 3339 in UTC, all of one width: later is greater.
        auto until = tx.exec(kNextEnd, zone, days, window.end)[0][0].as<std::string>();
        if (!latest || until > *latest) latest = std::move(until);
    }
    return latest;
}

}  // namespace textus::quiet_hours
