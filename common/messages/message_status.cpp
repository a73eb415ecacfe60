#include "common/messages/message_status.h"

#include <array>

namespace textus::message_status {

namespace {

enum class Direction { outbound, inbound };

struct Status {
    std::string_view name;
    Direction direction;
    int rank;
    bool final;
};

// The order of the API's enum; the ranks are ours.
constexpr std::array<Status, 13> kStatuses = {{
    {"queued", Direction::outbound, 3, false},
    {"sending", Direction::outbound, 4, false},
    {"sent", Direction::outbound, 5, false},
    {"failed", Direction::outbound, 7, true},
    {"delivered", Direction::outbound, 7, true},
    {"undelivered", Direction::outbound, 7, true},
    {"receiving", Direction::inbound, 1, false},
    {"received", Direction::inbound, 2, true},
    {"accepted", Direction::outbound, 2, false},
    {"scheduled", Direction::outbound, 1, false},
    {"read", Direction::outbound, 8, true},
    // Not final: a later full verdict (delivered, undelivered, failed) replaces it.
    {"partially_delivered", Direction::outbound, 6, false},
    {"canceled", Direction::outbound, 7, true},
}};

constexpr std::array<std::string_view, kStatuses.size()> kNames = [] {
    std::array<std::string_view, kStatuses.size()> names{};
    for (size_t i = 0; i < kStatuses.size(); ++i) names[i] = kStatuses[i].name;
    return names;
}();

const Status* find(std::string_view name) {
    for (const auto& status : kStatuses) {
        if (status.name == name) return &status;
    }
    return nullptr;
}

}  // namespace

std::span<const std::string_view> all() {
    return kNames;
}

bool known(std::string_view status) {
    return find(status) != nullptr;
}

int rank(std::string_view status) {
    const Status* found = find(status);
    return found ? found->rank : 0;
}

bool is_final(std::string_view status) {
    const Status* found = find(status);
    return found && found->final;
}

bool moves_forward(std::string_view from, std::string_view to) {
    const Status* next = find(to);
    if (!next) return false;
    const Status* now = find(from);
    if (!now) return true;
    if (now->direction != next->direction) return false;
    if (now->final) return now->name == "delivered" && next->name == "read";
    return next->rank > now->rank;
}

std::string_view advance(std::string_view from, std::string_view to) {
    return moves_forward(from, to) ? to : from;
}

}  // namespace textus::message_status
