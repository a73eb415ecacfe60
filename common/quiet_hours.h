// Quiet hours (issue 15): a scheduled send due at night in its recipient's time zone
// (phone::time_zones) waits for the morning. QUIET_HOURS ("21:00-08:00" by default, "off") sets
// the window.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textus {
class Tx;
}

namespace textus::quiet_hours {

// A daily window of local time, in minutes since midnight; start > end spans midnight. "off":
// never (quiet hours; business hours use the same windows).
struct Window {
    bool enabled = true;
    int start = 21 * 60;
    int end = 8 * 60;
};

// QUIET_HOURS: "HH:MM-HH:MM", or "off". Nothing when it is neither.
std::optional<Window> parse(std::string_view text);

// True when `minutes` since midnight fall in `window` (from its start, before its end).
bool inside(const Window& window, int minutes);

// When a send due now must wait until, as an RFC 3339 time: none when the local time of every
// one of `time_zones` (phone::time_zones) is outside `window` (or it is off); else the latest
// end of the window among the zones now in it (then they are all asked again).
std::optional<std::string> hold_until(Tx& tx, const std::vector<std::string>& time_zones,
                                      const Window& window);

}  // namespace textus::quiet_hours
