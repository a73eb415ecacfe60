#include "common/live/publish.h"

#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/core/config.h"

using namespace textus;

namespace {

// A publisher on loopback that records what it was sent, on a port kept across restarts.
class Publisher {
  public:
    explicit Publisher(int port = 0) {
        server_.Post(R"(/pub/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
            received.push_back(req.path + " " + req.body);
            res.status = 201;
        });
        // Stopping waits for an idle kept-alive connection to time out: a second, not five.
        server_.set_keep_alive_timeout(1);
        port_ = port ? (server_.bind_to_port("127.0.0.1", port), port)
                     : server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~Publisher() {
        server_.stop();
        thread_.join();
    }
    int port() const { return port_; }
    std::vector<std::string> received;

  private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
};

Config config_for(int port) {
    Config config;
    config.publish_url = "http://127.0.0.1:" + std::to_string(port) + "/pub";
    return config;
}

}  // namespace

TEST_CASE("publish posts the event to PUBLISH_URL/channel", "[publish]") {
    Publisher publisher;
    const auto config = config_for(publisher.port());
    CHECK(publish::to(config, publish::kStaffChannel, {{"type", "message"}}));
    CHECK(publish::to(config, "chat-1", {{"type", "status"}}));
    REQUIRE(publisher.received.size() == 2);
    CHECK(publisher.received[0] == R"(/pub/staff {"type":"message"})");
    CHECK(publisher.received[1] == R"(/pub/chat-1 {"type":"status"})");
}

TEST_CASE("publish opens the kept connection again after the publisher restarts", "[publish]") {
    int port = 0;
    {
        Publisher first;
        port = first.port();
        CHECK(publish::to(config_for(port), publish::kStaffChannel, {{"n", 1}}));
    }
    Publisher second(port);
    CHECK(publish::to(config_for(port), publish::kStaffChannel, {{"n", 2}}));
    REQUIRE(second.received.size() == 1);
    CHECK(second.received[0] == R"(/pub/staff {"n":2})");
}

TEST_CASE("a failed publish answers false and does not throw", "[publish]") {
    int port = 0;
    { port = Publisher().port(); }  // a port nothing listens on now
    CHECK_FALSE(publish::to(config_for(port), publish::kStaffChannel, {{"n", 1}}));
    CHECK_FALSE(publish::to(Config{}, publish::kStaffChannel, {{"n", 1}}));
}
