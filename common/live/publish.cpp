#include "common/live/publish.h"

#include <spdlog/spdlog.h>

#include "common/core/config.h"
#include "common/http/http_client.h"
#include "common/live/live.h"

namespace textus::publish {

namespace {

// nchan answers at once; a publisher slower than this is broken, and the request must not wait.
// One attempt: a publish is fire and forget, and a browser that missed it reloads from the API.
// The connection is the outbound client's, kept per thread: a handler publishes on most
// requests it serves, and a new connection each time cost more than the publish.
constexpr http_client::Timing kTiming{.connect_timeout = std::chrono::seconds(1),
                                      .read_timeout = std::chrono::seconds(2),
                                      .attempts = 1};

}  // namespace

bool to(const Config& config, std::string_view channel, const nlohmann::json& event) {
    const std::string_view url = config.publish_url;
    const auto path_start =
        url.find('/', url.find("://") == std::string_view::npos ? 0 : url.find("://") + 3);
    if (url.empty()) {
        spdlog::warn("publish skipped: PUBLISH_URL is not set");
        return false;
    }
    const std::string origin(url.substr(0, path_start));
    const std::string path =
        std::string(path_start == std::string_view::npos ? "" : url.substr(path_start)) + "/" +
        std::string(channel);
    // The channel of a chat is a bearer secret: log only its kind.
    const std::string what =
        channel == kStaffChannel ? "publish to the staff channel" : "publish to a chat channel";
    // Unsafe, as a second copy would show the event twice; with one attempt that only keeps it
    // off a connection nginx may be closing.
    const auto result = http_client::send(origin,
                                          {.method = "POST",
                                           .path = path,
                                           .safety = http_client::Safety::unsafe,
                                           .body = event.dump(),
                                           .content_type = "application/json",
                                           .what = what},
                                          kTiming);
    if (result.outcome != http_client::Outcome::answered || result.status / 100 != 2) {
        spdlog::warn("{} failed: {}", what,
                     result.status ? "status " + std::to_string(result.status) : result.error);
        return false;
    }
    return true;
}

bool staff(const Config& config, const nlohmann::json& event) {
    return to(config, kStaffChannel, event);
}

void message(const Config& config, const nlohmann::json& event,
             const std::vector<std::string>& chats) {
    staff(config, event);
    for (const auto& chat : chats) to(config, live::chat_channel(chat), event.at("message"));
}

}  // namespace textus::publish
