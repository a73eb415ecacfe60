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

TEST_CASE("sha256_hex matches the known vector") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("constant_time_equal compares whole strings") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK(constant_time_equal("", ""));
}

TEST_CASE("bearer_token reads the Bearer scheme only") {
    CHECK(bearer_token("Bearer tx_abc") == "tx_abc");
    CHECK(bearer_token("bearer   tx_abc  ") == "tx_abc");
    CHECK_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
    CHECK_FALSE(bearer_token("Bearer "));
    CHECK_FALSE(bearer_token(""));
    CHECK_FALSE(bearer_token("tx_abc"));
}
