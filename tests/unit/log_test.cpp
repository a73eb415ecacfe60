#include "common/core/log.h"

#include <catch2/catch.hpp>

using textus::log::mask_email;
using textus::log::mask_phone;

TEST_CASE("mask_phone keeps the country and area code and the last four digits") {
    CHECK(mask_phone("+17605551234") == "+1760***1234");
    CHECK(mask_phone("+447911123456") == "+4479***3456");
}

TEST_CASE("mask_phone hides short input entirely") {
    CHECK(mask_phone("+1234") == "*****");
    CHECK(mask_phone("") == "");
}

TEST_CASE("mask_email keeps the first letter and the domain") {
    CHECK(mask_email("jane.doe@example.com") == "j***@example.com");
    CHECK(mask_email("not-an-email") == "***");
    CHECK(mask_email("@example.com") == "***");
}
