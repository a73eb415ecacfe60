#include "common/phone.h"

#include <catch2/catch.hpp>

using textus::phone::digits;
using textus::phone::to_e164;

TEST_CASE("to_e164 normalizes common US formats with the default region") {
    for (const char* input : {"(760) 555-1234", "760-555-1234", "760.555.1234", "7605551234",
                              "+1 760 555 1234", "1-760-555-1234", "+17605551234"}) {
        CHECK(to_e164(input, "US") == "+17605551234");
    }
}

TEST_CASE("to_e164 reads international numbers and other default regions") {
    CHECK(to_e164("+44 20 7946 0958", "US") == "+442079460958");
    CHECK(to_e164("020 7946 0958", "GB") == "+442079460958");
}

TEST_CASE("to_e164 refuses what is not a valid number") {
    for (const char* input : {"", "hello", "123", "+1 555 123 4567", "555-1234",
                              "760555123412345678", "'; DROP TABLE contacts; --"}) {
        CHECK_FALSE(to_e164(input, "US"));
    }
    CHECK_FALSE(to_e164(std::string(100, '7'), "US"));
}

TEST_CASE("digits keeps digits only") {
    CHECK(digits("+1 (760) 555-1234") == "17605551234");
    CHECK(digits("abc") == "");
}
