#include "common/outreach/auto_reply.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using nlohmann::json;
using textus::auto_reply::parse_write;
namespace auto_reply = textus::auto_reply;

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

TEST_CASE("a text's keyword is the whole text, trimmed, in capitals") {
    CHECK(auto_reply::keyword_in("  hours\n") == "HOURS");
    CHECK(auto_reply::keyword_in("Hours please") == "HOURS PLEASE");
    CHECK(auto_reply::keyword_in("\xff\xfe") == "");
}

TEST_CASE("the away rule's hours are open within a day's window, from its start") {
    const json hours{{"mon", "09:00-17:00"}, {"tue", nullptr}, {"wed", nullptr},
                     {"thu", nullptr},       {"fri", nullptr}, {"sat", nullptr},
                     {"sun", "10:00-12:00"}};
    CHECK(auto_reply::open_at(hours, 1, 9 * 60));
    CHECK(auto_reply::open_at(hours, 1, 17 * 60 - 1));
    CHECK_FALSE(auto_reply::open_at(hours, 1, 17 * 60));
    CHECK_FALSE(auto_reply::open_at(hours, 1, 8 * 60 + 59));
    CHECK_FALSE(auto_reply::open_at(hours, 2, 12 * 60));  // closed all day
    CHECK(auto_reply::open_at(hours, 7, 11 * 60));
}
