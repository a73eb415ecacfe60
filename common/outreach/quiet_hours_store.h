// Where quiet hours meet the clock: PostgreSQL converts the times, so it knows every zone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/core/quiet_hours.h"

namespace textus {
class Tx;
}

namespace textus::quiet_hours {

// When a send due now must wait until, as an RFC 3339 time: none when the local time of every
// one of `time_zones` (phone::time_zones) is outside `window` (or it is off); else the latest
// end of the window among the zones now in it (then they are all asked again).
std::optional<std::string> hold_until(Tx& tx, const std::vector<std::string>& time_zones,
                                      const Window& window);

}  // namespace textus::quiet_hours
