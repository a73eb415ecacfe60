#include "common/core/pace.h"

#include <charconv>
#include <cmath>

namespace textus::pace {

std::optional<double> parse(std::string_view text) {
    if (text == "unlimited") return 0.0;
    double rate = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, rate, std::chars_format::fixed);
    if (error != std::errc() || stop != end || !std::isfinite(rate) || rate <= 0 ||
        rate > kMaxRate) {
        return std::nullopt;
    }
    return rate;
}

}  // namespace textus::pace
