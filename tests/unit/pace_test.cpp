#include "common/core/pace.h"

#include <catch2/catch.hpp>

using textus::pace::parse;

TEST_CASE("CAMPAIGN_RATE: messages a second, above 0 and at most 1,000, or unlimited", "[pace]") {
    CHECK(parse("1") == 1.0);
    CHECK(parse("0.5") == 0.5);
    CHECK(parse("30") == 30.0);
    CHECK(parse("1000") == 1000.0);
    CHECK(parse("unlimited") == 0.0);
    for (const auto* bad : {"", "0", "-1", "0.0", "1001", "1e3", "inf", "nan", "1/s", " 1", "1 ",
                            "Unlimited", "0x10", "1,5"}) {
        INFO(bad);
        CHECK_FALSE(parse(bad));
    }
}
