// The web form's age gate (issue 28; docs/decisions.md, Age gate): with AGE_GATE_YEARS set (21
// for a winery: Twilio refuses alcohol campaigns without a 21+ gate that takes the full date of
// birth, errors 30875 and 30956), initiate requires the visitor's date of birth and refuses
// anyone younger, before anything is stored or sent. Ages count in the business's time zone
// (DEFAULT_TIME_ZONE).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/core/config.h"

namespace textus {
class Tx;
}

namespace textus::age_gate {

// Whether someone born on `birthdate` is `years` old or older on `today` (both valid YYYY-MM-DD
// dates): from their birthday `years` years on, that day included. Born on 29 February, the
// birthday in a year without one is 1 March (never a day early).
bool of_age(std::string_view birthdate, std::string_view today, int years);

// The gate's rule for a form that gave `birthdate` (already a valid past date, or none) on
// `today`, with the gate at `years` (none: no gate, nothing to check). 400 missing_field
// without a birthdate; 403 under_age when younger than `years`. Both name birthdate.
void check(const std::optional<std::string>& birthdate, std::string_view today,
           std::optional<int> years);

// check() with today's date in DEFAULT_TIME_ZONE (PostgreSQL, which knows every zone, tells
// it) and AGE_GATE_YEARS; with no gate it asks the database nothing.
void check(Tx& tx, const std::optional<std::string>& birthdate, const Config& config);

}  // namespace textus::age_gate
