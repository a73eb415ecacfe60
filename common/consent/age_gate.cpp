#include "common/consent/age_gate.h"

#include <charconv>
#include <chrono>

#include "common/core/error.h"
#include "common/core/initiate_settings.h"
#include "common/db/db.h"

namespace textus::age_gate {

namespace {

using namespace std::chrono;

const Statement kToday{"age_gate_today", "SELECT (now() AT TIME ZONE $1)::date::text"};

int number(std::string_view digits) {
    int value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return value;
}

// A valid YYYY-MM-DD.
year_month_day date(std::string_view text) {
    return year{number(text.substr(0, 4))} / month(number(text.substr(5, 2))) /
           day(number(text.substr(8, 2)));
}

}  // namespace

bool of_age(std::string_view birthdate, std::string_view today, int years_of_age) {
    const auto born = date(birthdate);
    auto birthday = born + std::chrono::years(years_of_age);
    // 29 February in a year without one: the day after 28 February.
    if (!birthday.ok())
        birthday = year_month_day{sys_days(birthday.year() / February / 28) + days(1)};
    return date(today) >= birthday;
}

void check(const std::optional<std::string>& birthdate, std::string_view today,
           std::optional<int> years) {
    if (!years) return;
    const auto age = std::to_string(*years);
    if (!birthdate) {
        throw bad_request("missing_field",
                          "birthdate is required: you must be " + age + " or older to text with us",
                          "birthdate");
    }
    if (!of_age(*birthdate, today, *years)) {
        throw HttpError(403, "under_age", "You must be " + age + " or older to text with us",
                        "birthdate");
    }
}

void check(Tx& tx, const std::optional<std::string>& birthdate, const Config& config) {
    const auto years = initiate_policy::age_gate_years(config);
    if (!years) return;
    check(birthdate, tx.exec(kToday, config.default_time_zone)[0][0].as<std::string>(), years);
}

}  // namespace textus::age_gate
