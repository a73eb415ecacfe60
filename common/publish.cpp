#include "common/publish.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "common/config.h"
#include "common/live.h"

namespace textus::publish {

namespace {

// nchan answers at once; a publisher slower than this is broken, and the request must not wait.
constexpr time_t kConnectTimeoutSeconds = 1;
constexpr time_t kReadTimeoutSeconds = 2;

// One connection per thread (a handler has one; run-due's senders one each), kept open: a
// handler publishes on most requests it serves, and a new connection each time cost more than
// the publish. A connection nginx has closed is noticed before the next publish and opened
// again.
httplib::Client& client_for(const std::string& origin) {
    thread_local std::string client_origin;
    thread_local std::unique_ptr<httplib::Client> client;
    if (!client || client_origin != origin) {
        client = std::make_unique<httplib::Client>(origin);
        client->set_keep_alive(true);
        // Headers and body go in separate writes: without this, Nagle holds the body back
        // until the server's delayed acknowledgement, 40 ms on every publish.
        client->set_tcp_nodelay(true);
        client->set_connection_timeout(kConnectTimeoutSeconds, 0);
        client->set_read_timeout(kReadTimeoutSeconds, 0);
        client_origin = origin;
    }
    return *client;
}

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
    const auto result = client_for(origin).Post(path.c_str(), event.dump(), "application/json");
    if (!result || result->status / 100 != 2) {
        // The channel of a chat is a bearer secret: log only its kind.
        spdlog::warn("publish to {} failed: {}",
                     channel == kStaffChannel ? "the staff channel" : "a chat channel",
                     result ? "status " + std::to_string(result->status)
                            : httplib::to_string(result.error()));
        return false;
    }
    return true;
}

void message(const Config& config, std::string_view type, const nlohmann::json& message,
             const std::optional<std::string>& chat_hash) {
    to(config, kStaffChannel, {{"type", type}, {"message", message}});
    if (chat_hash) to(config, live::chat_channel(*chat_hash), message);
}

}  // namespace textus::publish
