#include "common/core/idle_exit.h"

#include <catch2/catch.hpp>

using textus::idle_exit::parse;

TEST_CASE("TEXTUS_IDLE_EXIT: whole seconds, 0 (never) to a day", "[idle_exit]") {
    using std::chrono::seconds;
    CHECK(parse("0") == seconds(0));
    CHECK(parse("1") == seconds(1));
    CHECK(parse("300") == seconds(300));
    CHECK(parse("86400") == seconds(86400));
    CHECK(parse("0300") == seconds(300));
    for (const auto* bad : {"", "-1", "-0", "86401", "1.5", "1s", "5m", " 1", "1 ", "+1", "0x10",
                            "off", "99999999999999999999"}) {
        INFO(bad);
        CHECK_FALSE(parse(bad));
    }
}
