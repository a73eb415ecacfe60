#include "common/live/live.h"

#include <catch2/catch.hpp>
#include <ctime>
#include <string>

using namespace textus;

// Expected signatures from openssl(1): printf '%s' "<e><channel> <secret>" | openssl md5
// -binary | base64 | tr '+/' '-_' | tr -d '=' (what nginx's secure_link_md5 compares).
TEST_CASE("subscribe URLs carry nginx's secure_link signature", "[live]") {
    CHECK(live::subscribe_url("staff", 1700000000, "secretsecretsecret1") ==
          "/api/poll/staff?e=1700000000&s=2qRPkHCPeZYR2wd-YwZdIg");
    CHECK(live::subscribe_url(live::chat_channel("abc"), 1700000000, "secretsecretsecret1") ==
          "/api/poll/chat/abc?e=1700000000&s=0zDRTZVFDNtraVuxYRrZKg");
}

TEST_CASE("a subscription is signed until its expiry, given in RFC 3339", "[live]") {
    CHECK(live::chat_channel("ff00") == "chat-ff00");
    const auto before = std::time(nullptr);
    const auto sub = live::subscribe("staff", live::kStaffSubscribeSeconds, "secretsecretsecret1");
    const auto after = std::time(nullptr);
    const auto e = std::stoll(sub.url.substr(sub.url.find("e=") + 2));
    CHECK(e >= before + live::kStaffSubscribeSeconds);
    CHECK(e <= after + live::kStaffSubscribeSeconds);
    CHECK(sub.url == live::subscribe_url("staff", e, "secretsecretsecret1"));
    std::tm utc{};
    const time_t at = e;
    gmtime_r(&at, &utc);
    char expected[21];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%SZ", &utc);
    CHECK(sub.expires_at == expected);
}
