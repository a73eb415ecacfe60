// Scale to zero (issue 26): a socket-activated handler's processes exit after TEXTUS_IDLE_EXIT
// seconds without a connection, and systemd, which holds the socket, starts them again on the
// next one. The serve loop (common/http/server.cpp) waits and exits; this is the setting.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace textus::idle_exit {

// A day: more saves nothing worth the setting, and a typo of many digits is refused.
inline constexpr std::chrono::seconds kMax{86400};

// TEXTUS_IDLE_EXIT: whole seconds, 0 (never exit) to a day. Nothing when it is not.
std::optional<std::chrono::seconds> parse(std::string_view text);

}  // namespace textus::idle_exit
