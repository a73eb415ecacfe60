#include "common/consent/age_gate.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using namespace textus;
using textus::test::refusal;

TEST_CASE("of age from the birthday itself, in the years the gate asks", "[age_gate]") {
    // Born exactly 21 years ago today: of age; a day later: not yet.
    CHECK(age_gate::of_age("2005-06-15", "2026-06-15", 21));
    CHECK_FALSE(age_gate::of_age("2005-06-16", "2026-06-15", 21));
    CHECK(age_gate::of_age("2005-06-14", "2026-06-15", 21));
    // The month counts before the day: a later month this year is not yet a birthday.
    CHECK_FALSE(age_gate::of_age("2005-07-01", "2026-06-30", 21));
    CHECK(age_gate::of_age("2005-05-31", "2026-06-01", 21));
    // Across the turn of the year.
    CHECK_FALSE(age_gate::of_age("2005-01-01", "2025-12-31", 21));
    CHECK(age_gate::of_age("2005-01-01", "2026-01-01", 21));
    CHECK(age_gate::of_age("1900-01-01", "2026-01-01", 21));
    CHECK_FALSE(age_gate::of_age("2026-01-01", "2026-01-01", 1));
    CHECK(age_gate::of_age("2025-01-01", "2026-01-01", 1));
    CHECK(age_gate::of_age("1876-01-01", "2026-01-01", 150));
    CHECK_FALSE(age_gate::of_age("1876-01-02", "2026-01-01", 150));
}

TEST_CASE("born on 29 February: of age on 1 March in a year without one", "[age_gate]") {
    // 2004 + 21 = 2025, not a leap year.
    CHECK_FALSE(age_gate::of_age("2004-02-29", "2025-02-28", 21));
    CHECK(age_gate::of_age("2004-02-29", "2025-03-01", 21));
    // 2000 + 24 = 2024, a leap year: the day itself.
    CHECK_FALSE(age_gate::of_age("2000-02-29", "2024-02-28", 24));
    CHECK(age_gate::of_age("2000-02-29", "2024-02-29", 24));
    // Born 28 February or 1 March: their own days, leap year or not.
    CHECK(age_gate::of_age("2004-02-28", "2025-02-28", 21));
    CHECK_FALSE(age_gate::of_age("2004-03-01", "2025-02-28", 21));
    CHECK(age_gate::of_age("2004-03-01", "2025-03-01", 21));
}

TEST_CASE("the gate requires a birthdate and refuses the under-age with 403", "[age_gate]") {
    const std::optional<int> gate = 21;
    CHECK(refusal([&] { age_gate::check("2005-06-15", "2026-06-15", gate); }) == "no error");
    CHECK(refusal([&] { age_gate::check("2005-06-16", "2026-06-15", gate); }) ==
          "under_age birthdate: You must be 21 or older to text with us");
    CHECK(refusal([&] { age_gate::check(std::nullopt, "2026-06-15", gate); }) ==
          "missing_field birthdate: birthdate is required: you must be 21 or older to text with "
          "us");
    try {
        age_gate::check("2010-01-01", "2026-06-15", gate);
        FAIL("no refusal");
    } catch (const HttpError& e) {
        CHECK(e.status == 403);
    }
    // No gate: a birthdate is optional and any age is fine.
    CHECK(refusal([] { age_gate::check(std::nullopt, "2026-06-15", std::nullopt); }) == "no error");
    CHECK(refusal([] { age_gate::check("2026-06-15", "2026-06-15", std::nullopt); }) == "no error");
}
