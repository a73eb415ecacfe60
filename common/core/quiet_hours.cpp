#include "common/core/quiet_hours.h"

#include <charconv>

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

}  // namespace textus::quiet_hours
