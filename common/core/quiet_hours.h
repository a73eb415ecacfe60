// Quiet hours (issue 15): a scheduled send due at night in its recipient's time zone
// (phone::time_zones) waits for the morning. QUIET_HOURS ("21:00-08:00" by default, "off") sets
// the window; common/outreach/quiet_hours_store applies it.
#pragma once

#include <optional>
#include <string_view>

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

}  // namespace textus::quiet_hours
