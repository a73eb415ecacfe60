// Live events for the browsers (contract.md §2, §8): a handler POSTs one JSON event to nchan's
// publisher location (PUBLISH_URL, reachable from loopback only) and nginx holds it for the
// long-poll subscribers. The database stays the source of truth: a failed publish is logged and
// never fails the request, and a browser that missed events reloads from the API.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textus {

struct Config;

namespace publish {

// Every staff inbox listens here, to common/live/staff_events.
inline constexpr std::string_view kStaffChannel = "staff";

// Publishes `event` to `channel` at PUBLISH_URL + "/" + channel, after the unit of work that it
// reports has committed. False, and a warning in the log, when the publisher did not take it or
// PUBLISH_URL is not set.
bool to(const Config& config, std::string_view channel, const nlohmann::json& event);

// A staff event (common/live/staff_events) to the staff channel.
bool staff(const Config& config, const nlohmann::json& event);

// A message's new state, `event` (staff_events::message or ::status): to the staff channel, and
// its message alone to each open web chat that sees it (`chats`: chat::audience, the SHA-256s of
// their channel ids; contract.md §4).
void message(const Config& config, const nlohmann::json& event,
             const std::vector<std::string>& chats);

}  // namespace publish
}  // namespace textus
