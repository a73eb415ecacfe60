#include "common/quiet_hours.h"

#include <charconv>

#include "common/db.h"

namespace textus::quiet_hours {

namespace {

std::optional<int> clock_minutes(std::string_view hh_mm) {
    int hours = 0, minutes = 0;
    if (hh_mm.size() != 5 || hh_mm[2] != ':') return std::nullopt;
    const auto h = std::from_chars(hh_mm.data(), hh_mm.data() + 2, hours);
    const auto m = std::from_chars(hh_mm.data() + 3, hh_mm.data() + 5, minutes);
    if (h.ptr != hh_mm.data() + 2 || m.ptr != hh_mm.data() + 5 || hours > 23 || minutes > 59) {
        return std::nullopt;
    }
    return hours * 60 + minutes;
}

// The local time's minutes since midnight, and the next end of the window as a time.
const Statement kLocalMinutes{"quiet_local_minutes",
                              "SELECT extract(hour FROM now() AT TIME ZONE $1)::int * 60"
                              " + extract(minute FROM now() AT TIME ZONE $1)::int"};
const Statement kNextEnd{"quiet_next_end",
                         "SELECT rfc3339((date_trunc('day', now() AT TIME ZONE $1)"
                         " + make_interval(days => $2, mins => $3)) AT TIME ZONE $1)"};

}  // namespace

std::optional<Window> parse(std::string_view text) {
    if (text == "off") return Window{.enabled = false};
    if (text.size() != 11 || text[5] != '-') return std::nullopt;
    const auto start = clock_minutes(text.substr(0, 5));
    const auto end = clock_minutes(text.substr(6, 5));
    if (!start || !end || *start == *end) return std::nullopt;
    return Window{.start = *start, .end = *end};
}

bool inside(const Window& window, int minutes) {
    if (!window.enabled) return false;
    if (window.start > window.end) return minutes >= window.start || minutes < window.end;
    return minutes >= window.start && minutes < window.end;
}

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
