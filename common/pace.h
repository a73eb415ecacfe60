// Campaign pacing (issue 15): campaign messages leave at CAMPAIGN_RATE messages a second at
// most, across every campaign and every worker, since Twilio's rate belongs to the sending
// number (1 a second for a long code). The next free moment is one database row
// (campaign_pace), so workers on several hosts share it.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace textus {
class Tx;
}

namespace textus::pace {

inline constexpr double kMaxRate = 1000;

// CAMPAIGN_RATE: messages a second, more than 0 and at most 1,000, decimals allowed ("0.5": one
// every 2 seconds); "unlimited" is 0. Nothing when it is neither.
std::optional<double> parse(std::string_view text);

// One message's turn at `per_second` (0: unlimited, always granted without touching the row):
// granted (nothing), or how long until the next turn. A granted turn moves the next one on by
// 1/per_second from now or from the last turn, whichever is later, and is only taken when the
// caller's unit of work commits; the row stays locked until then, so workers take turns.
std::optional<std::chrono::milliseconds> take_turn(Tx& tx, double per_second);

}  // namespace textus::pace
