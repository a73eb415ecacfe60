#include "common/core/quiet_hours.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "common/core/phone_zone.h"

using textus::phone::time_zones;
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

TEST_CASE("a number's time zones: its state or province, else its country's, else none",
          "[quiet_hours]") {
    using Zones = std::vector<std::string>;
    CHECK(time_zones("+17605550142") == Zones{"America/Los_Angeles"});  // California
    CHECK(time_zones("+14155550100") == Zones{"America/Los_Angeles"});  // San Francisco, CA
    CHECK(time_zones("+13035550100") == Zones{"America/Denver"});
    CHECK(time_zones("+15125550100") == Zones{"America/Chicago"});  // Texas
    CHECK(time_zones("+18085550100") == Zones{"Pacific/Honolulu"});
    CHECK(time_zones("+16045550100") == Zones{"America/Vancouver"});
    CHECK(time_zones("+14165550100") == Zones{"America/Toronto"});
    CHECK(time_zones("+442079460958") == Zones{"Europe/London"});
    CHECK(time_zones("+447911123456") == Zones{"Europe/Guernsey"});
    CHECK(time_zones("+33612345678") == Zones{"Europe/Paris"});
    CHECK(time_zones("+2348031234567") == Zones{"Africa/Lagos"});  // in no table of ours
    // A country of several zones: one of each offset, Perth to Sydney.
    const auto australia = time_zones("+61412345678");
    CHECK(australia.size() >= 3);
    CHECK(std::find(australia.begin(), australia.end(), "Australia/Perth") != australia.end());
    // A US number of no state (toll-free): one zone of each US offset, from Hawaii's to the
    // East's (ICU lists them by name: America/Adak stands for Hawaii's offset in winter).
    CHECK(time_zones("+18005550100").size() >= 5);
    // No country, no number: nobody knows the local time.
    CHECK(time_zones("+881631234567").empty());  // satellite
    CHECK(time_zones("TEXTUS").empty());
    CHECK(time_zones("").empty());
}
