#include "common/live.h"

#include <catch2/catch.hpp>
#include <chrono>

using namespace textus;

// Expected signatures from openssl(1): printf '%s' "<e><channel> <secret>" | openssl md5
// -binary | base64 | tr '+/' '-_' | tr -d '=' (what nginx's secure_link_md5 compares).
TEST_CASE("subscribe URLs carry nginx's secure_link signature", "[live]") {
    CHECK(live::subscribe_url("staff", 1700000000, "secretsecretsecret1") ==
          "/api/poll/staff?e=1700000000&s=2qRPkHCPeZYR2wd-YwZdIg");
    CHECK(live::subscribe_url(live::chat_channel("abc"), 1700000000, "secretsecretsecret1") ==
          "/api/poll/chat/abc?e=1700000000&s=0zDRTZVFDNtraVuxYRrZKg");
}

TEST_CASE("a chat's channel is named by its hash, and URLs expire an hour on", "[live]") {
    CHECK(live::chat_channel("ff00") == "chat-ff00");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    CHECK(live::expiry_from_now() >= now + live::kSubscribeSeconds);
    CHECK(live::expiry_from_now() <= now + live::kSubscribeSeconds + 2);
}
