#include "common/core/idle_exit.h"

#include "common/core/text.h"

namespace textus::idle_exit {

std::optional<std::chrono::seconds> parse(std::string_view value) {
    const auto seconds = text::whole_number(value, 0, kMax.count());
    if (!seconds) return std::nullopt;
    return std::chrono::seconds(*seconds);
}

}  // namespace textus::idle_exit
