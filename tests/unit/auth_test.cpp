#include "common/http/auth.h"

#include <catch2/catch.hpp>
#include <regex>

using namespace textus::auth;

TEST_CASE("generate_key makes distinct tx_ keys of 256 random bits") {
    const auto a = generate_key();
    const auto b = generate_key();
    CHECK(std::regex_match(a, std::regex("^tx_[0-9a-f]{64}$")));
    CHECK(a != b);
}

TEST_CASE("bearer_token reads the Bearer scheme only") {
    CHECK(bearer_token("Bearer tx_abc") == "tx_abc");
    CHECK(bearer_token("bearer   tx_abc  ") == "tx_abc");
    CHECK_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
    CHECK_FALSE(bearer_token("Bearer "));
    CHECK_FALSE(bearer_token(""));
    CHECK_FALSE(bearer_token("tx_abc"));
}
