#include "common/quiet_hours.h"

#include <catch2/catch.hpp>

#include "common/phone_zone.h"

using textus::phone::time_zone;
using textus::quiet_hours::parse;

TEST_CASE("quiet hours: HH:MM-HH:MM or off", "[quiet_hours]") {
    const auto night = parse("21:00-08:00");
    REQUIRE(night);
    CHECK(night->enabled);
    CHECK(night->start == 21 * 60);
    CHECK(night->end == 8 * 60);
    const auto lunch = parse("12:30-13:15");
    REQUIRE(lunch);
    CHECK(lunch->start == 12 * 60 + 30);
    CHECK(lunch->end == 13 * 60 + 15);
    const auto off = parse("off");
    REQUIRE(off);
    CHECK_FALSE(off->enabled);
    for (const auto* bad : {"", "21-08", "21:00-8:00", "24:00-08:00", "21:60-08:00", "08:00-08:00",
                            "21:00 08:00", "21:00-08:00 ", "Off", "+1:00-08:00"}) {
        INFO(bad);
        CHECK_FALSE(parse(bad));
    }
}

TEST_CASE("a number's time zone: its state or province, its country, or the fallback",
          "[quiet_hours]") {
    const std::string fallback = "America/New_York";
    CHECK(time_zone("+17605550142", fallback) == "America/Los_Angeles");  // California
    CHECK(time_zone("+14155550100", fallback) == "America/Los_Angeles");  // San Francisco, CA
    CHECK(time_zone("+13035550100", fallback) == "America/Denver");
    CHECK(time_zone("+15125550100", fallback) == "America/Chicago");  // Texas
    CHECK(time_zone("+18085550100", fallback) == "Pacific/Honolulu");
    CHECK(time_zone("+16045550100", fallback) == "America/Vancouver");
    CHECK(time_zone("+14165550100", fallback) == "America/Toronto");
    CHECK(time_zone("+442079460958", fallback) == "Europe/London");
    CHECK(time_zone("+447911123456", fallback) == "Europe/Guernsey");
    CHECK(time_zone("+33612345678", fallback) == "Europe/Paris");
    CHECK(time_zone("+61412345678", "Australia/Sydney") == "Australia/Sydney");  // several zones
    CHECK(time_zone("+18005550100", fallback) == fallback);                      // toll-free
    CHECK(time_zone("TEXTUS", fallback) == fallback);
    CHECK(time_zone("", fallback) == fallback);
}
