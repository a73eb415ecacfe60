// Campaign pacing (issue 15): campaign messages leave at CAMPAIGN_RATE messages a second at
// most, across every campaign and every worker, since Twilio's rate belongs to the sending
// number (1 a second for a long code). The next free moment is one database row
// (campaign_pace, common/outreach/pace_store), so workers on several hosts share it.
#pragma once

#include <optional>
#include <string_view>

namespace textus::pace {

inline constexpr double kMaxRate = 1000;

// CAMPAIGN_RATE: messages a second, more than 0 and at most 1,000, decimals allowed ("0.5": one
// every 2 seconds); "unlimited" is 0. Nothing when it is neither.
std::optional<double> parse(std::string_view text);

}  // namespace textus::pace
