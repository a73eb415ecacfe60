// Campaign pacing's one row (campaign_pace): whose turn it is, across workers and hosts.
#pragma once

#include <chrono>
#include <optional>

namespace textus {
class Tx;
}

namespace textus::pace {

// One message's turn at `per_second` (0: unlimited, always granted without touching the row):
// granted (nothing), or how long until the next turn. A granted turn moves the next one on by
// 1/per_second from now or from the last turn, whichever is later, and is only taken when the
// caller's unit of work commits; the row stays locked until then, so workers take turns.
std::optional<std::chrono::milliseconds> take_turn(Tx& tx, double per_second);

}  // namespace textus::pace
