#include "common/outreach/auto_reply.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using nlohmann::json;
using textus::auto_reply::parse_write;

namespace {

// "code field" of the write's refusal.
std::string refusal(const json& body) {
    const auto said = textus::test::refusal([&] { parse_write(body); });
    return said.substr(0, said.find(':'));
}

}  // namespace

TEST_CASE("auto-reply rules: a keyword rule", "[auto_reply]") {
    const auto rule = parse_write({{"kind", "keyword"}, {"keyword", " Hours "}, {"body", "11-5"}});
    CHECK(rule.kind == "keyword");
    CHECK(rule.keyword == "HOURS");
    CHECK(rule.hours.is_null());
    CHECK(rule.enabled);
    CHECK(refusal({{"kind", "keyword"}, {"keyword", "Unsubscribe"}, {"body", "x"}}) ==
          "reserved_keyword keyword");
    CHECK(refusal({{"kind", "keyword"}, {"keyword", "yes"}, {"body", "x"}}) ==
          "reserved_keyword keyword");
    CHECK(refusal({{"kind", "keyword"}, {"keyword", "OPEN!"}, {"body", "x"}}) ==
          "invalid_field keyword");
    CHECK(refusal({{"kind", "keyword"}, {"keyword", std::string(33, 'A')}, {"body", "x"}}) ==
          "invalid_field keyword");
    CHECK(refusal({{"kind", "keyword"}, {"body", "x"}}) == "missing_field keyword");
}

TEST_CASE("auto-reply rules: the away rule's hours", "[auto_reply]") {
    const auto rule = parse_write({{"kind", "away"},
                                   {"hours", {{"mon", "09:00-17:00"}, {"sat", nullptr}}},
                                   {"body", "Back at 9, {firstName}."},
                                   {"enabled", false}});
    CHECK(rule.hours["mon"] == "09:00-17:00");
    CHECK(rule.hours["sun"].is_null());
    CHECK(rule.hours.size() == 7);
    CHECK_FALSE(rule.enabled);
    CHECK(refusal({{"kind", "away"}, {"body", "x"}}) == "invalid_field hours");
    CHECK(refusal({{"kind", "away"}, {"hours", {{"monday", "09:00-17:00"}}}, {"body", "x"}}) ==
          "invalid_field hours");
    CHECK(refusal({{"kind", "away"}, {"hours", {{"mon", "off"}}}, {"body", "x"}}) ==
          "invalid_field hours");
    CHECK(refusal({{"kind", "away"}, {"hours", {{"mon", "22:00-06:00"}}}, {"body", "x"}}) ==
          "invalid_field hours");
    CHECK(refusal({{"kind", "away"}, {"hours", {{"mon", 9}}}, {"body", "x"}}) ==
          "invalid_field hours");
    CHECK(refusal({{"kind", "away"}, {"hours", json::object()}, {"body", "{nope}"}}) ==
          "unknown_variable body");
    CHECK(refusal({{"kind", "away"}, {"hours", json::object()}, {"body", "x"}, {"enabled", 1}}) ==
          "invalid_field enabled");
}
