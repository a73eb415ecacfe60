#include "common/core/fields.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using nlohmann::json;
using textus::test::refusal;
using namespace textus::fields;

namespace {}  // namespace

TEST_CASE("fields: text is trimmed and checked", "[fields]") {
    CHECK(text(json("  Ann \u200b"), "firstName", 10) == "Ann");
    CHECK(text(json("a\nb\tc"), "notes", 10, Lines::many) == "a\nb\tc");
    CHECK(text(json("\u00e9t\u00e9"), "x", 3) == "\u00e9t\u00e9");  // characters, not bytes
    CHECK(refusal([] { text(json(5), "firstName", 10); }) ==
          "invalid_field firstName: firstName must be a string");
    CHECK(refusal([] { text(json("a\nb"), "firstName", 10); }) ==
          "invalid_field firstName: firstName must not contain control characters");
    CHECK(refusal([] {
              text(json(std::string("a\0b", 3)), "notes", 10, Lines::many);
          }).starts_with("invalid_field notes"));
    CHECK(refusal([] { text(json("abcd"), "code", 3); }) ==
          "invalid_field code: code must be at most 3 characters");
    CHECK(refusal([] { text(json(std::string("\xff")), "x", 3); }) ==
          "invalid_field x: x must be UTF-8 text");
}

TEST_CASE("fields: required_text refuses absent, null and blank values as missing", "[fields]") {
    CHECK(required_text({{"body", " hi "}}, "body", 10) == "hi");
    for (const auto& body : {json::object(), json{{"body", nullptr}}, json{{"body", " \n "}}}) {
        CHECK(refusal([&] { required_text(body, "body", 10, Lines::many); }) ==
              "missing_field body: body is required");
    }
    CHECK(refusal([] {
              required_text({{"body", 1}}, "body", 10);
          }).starts_with("invalid_field body"));
}

TEST_CASE("fields: timestamp normalises RFC 3339 to UTC and refuses what is not one", "[fields]") {
    CHECK(timestamp(json("2026-11-23T09:30:00+02:00"), "at") == "2026-11-23T07:30:00Z");
    CHECK(timestamp(json("2026-11-23t23:30:00.250-01:30"), "at") == "2026-11-24T01:00:00.250Z");
    CHECK(timestamp(json(nullptr), "at") == std::nullopt);
    CHECK(timestamp(json(""), "at") == std::nullopt);
    for (const auto* bad :
         {"2026-11-23 09:30:00Z", "2026-11-23T09:30:00", "2026-02-30T00:00:00Z",
          "2026-11-23T24:00:00Z", "2026-11-23T09:30:00+14:01", "0001-01-01T00:00:00+01:00"}) {
        INFO(bad);
        CHECK(refusal([&] { timestamp(json(bad), "sendAt"); }).starts_with("invalid_field sendAt"));
    }
}

TEST_CASE("fields: id takes a whole number above 0 and nothing else", "[fields]") {
    CHECK(id(json(7), "contactId", "a contact's id") == 7);
    CHECK(id(json(INT64_MAX), "contactId", "a contact's id") == INT64_MAX);
    for (const auto& bad : {json(0), json(-1), json(1.5), json("7"), json(nullptr), json(),
                            json::array({1}), json(true)}) {
        INFO(bad.dump());
        try {
            id(bad, "contactId", "a contact's id");
            FAIL("no error");
        } catch (const textus::HttpError& e) {
            CHECK(e.status == 400);
            CHECK(e.code == "invalid_field");
            CHECK(e.field == "contactId");
            CHECK(std::string(e.what()) == "contactId must be a contact's id");
        }
    }
}
