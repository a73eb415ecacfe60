#include "common/core/phone.h"

#include <catch2/catch.hpp>

using textus::phone::digits;
using textus::phone::is_e164;
using textus::phone::is_region_code;
using textus::phone::parse;

namespace {

std::optional<std::string> e164(const std::string& input, const char* region = "US") {
    return parse(input, region).e164;
}

}  // namespace

TEST_CASE("parse normalizes common US formats with the default region") {
    for (const char* input :
         {"(760) 555-1234", "760-555-1234", "760.555.1234", "7605551234", "+1 760 555 1234",
          "1-760-555-1234", "+17605551234", "760/555-1234"}) {
        CHECK(e164(input) == "+17605551234");
    }
}

TEST_CASE("parse reads international numbers and other default regions") {
    CHECK(e164("+44 20 7946 0958") == "+442079460958");
    CHECK(e164("020 7946 0958", "GB") == "+442079460958");
}

TEST_CASE("parse refuses what is not one valid number, and says why") {
    for (const char* input : {"", "hello", "123", "+1 555 123 4567", "555-1234",
                              "760555123412345678", "'; DROP TABLE contacts; --"}) {
        const auto parsed = parse(input, "US");
        CHECK_FALSE(parsed.e164);
        CHECK_FALSE(parsed.problem.empty());
    }
    CHECK_FALSE(e164(std::string(100, '7')));
    // libphonenumber alone would find a number in these.
    CHECK_FALSE(e164("Call me +1 760 555 1234 ok"));
    CHECK_FALSE(e164("1-800-FLOWERS"));
    CHECK_FALSE(
        e164("\xEF\xBC\x97"
             "605551234"));  // a full-width digit
    const auto extension = parse("+1 760 555 1234 ext. 5", "US");
    CHECK_FALSE(extension.e164);
    CHECK(extension.problem.find("extension") != std::string::npos);
    CHECK(parse("760 555 1234 x5", "US").problem.find("extension") != std::string::npos);
}

TEST_CASE("digits keeps digits only") {
    CHECK(digits("+1 (760) 555-1234") == "17605551234");
    CHECK(digits("abc") == "");
}

TEST_CASE("is_e164 takes only a valid number already in E.164") {
    CHECK(is_e164("+17605550142"));
    CHECK(is_e164("+442071838750"));
    for (const char* not_e164 : {"17605550142", "+1 760 555 0142", "(760) 555-0142", "+1760555014",
                                 "12345", "TEXTUS", "", "+"}) {
        INFO(not_e164);
        CHECK_FALSE(is_e164(not_e164));
    }
}

TEST_CASE("a region code is two capital letters") {
    CHECK(is_region_code("US"));
    CHECK(is_region_code("GB"));
    CHECK_FALSE(is_region_code("us"));
    CHECK_FALSE(is_region_code("USA"));
    CHECK_FALSE(is_region_code("U"));
    CHECK_FALSE(is_region_code(""));
    CHECK_FALSE(is_region_code("U1"));
}
