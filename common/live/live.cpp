#include "common/live/live.h"

#include <ctime>

#include "common/core/crypto.h"
#include "common/core/fields.h"

namespace textus::live {

namespace {

constexpr std::string_view kChatPrefix = "chat-";

}  // namespace

std::string chat_channel(std::string_view channel_hash) {
    return std::string(kChatPrefix) + std::string(channel_hash);
}

std::string subscribe_url(std::string_view channel, int64_t expires, std::string_view secret) {
    // nginx's locations: /api/poll/staff, and /api/poll/chat/<hash> for channel chat-<hash>.
    const auto path = channel.starts_with(kChatPrefix)
                          ? "/api/poll/chat/" + std::string(channel.substr(kChatPrefix.size()))
                          : "/api/poll/" + std::string(channel);
    return path + "?e=" + std::to_string(expires) + "&s=" + signature(channel, expires, secret);
}

std::string signature(std::string_view resource, int64_t expires, std::string_view secret) {
    return crypto::base64url(
        crypto::md5(std::to_string(expires) + std::string(resource) + " " + std::string(secret)));
}

Subscription subscribe(std::string_view channel, int64_t seconds, std::string_view secret) {
    const auto expires = std::time(nullptr) + seconds;
    return {subscribe_url(channel, expires, secret), fields::utc_rfc3339(expires)};
}

}  // namespace textus::live
