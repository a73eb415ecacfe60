#include "common/core/idle_exit.h"

#include <charconv>

namespace textus::idle_exit {

std::optional<std::chrono::seconds> parse(std::string_view text) {
    long long seconds = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, seconds);
    // from_chars takes a leading '-': digits only.
    if (text.empty() || text.front() == '-' || error != std::errc() || stop != end ||
        seconds > kMax.count()) {
        return std::nullopt;
    }
    return std::chrono::seconds(seconds);
}

}  // namespace textus::idle_exit
