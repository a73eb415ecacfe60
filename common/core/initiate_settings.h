// The web form's settings (ALLOWED_COUNTRIES, INITIATE_TEXT and INITIATE_TEXT_ES,
// INITIATE_HOURLY_LIMIT, AGE_GATE_YEARS) as values, and what is wrong with them: Config::load
// checks them at start-up, and common/consent/initiate_policy and common/consent/age_gate apply
// them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config.h"

namespace textus::initiate_policy {

inline constexpr std::string_view kCode = "{code}";
inline constexpr int kMaxHourlyLimit = 100000;
inline constexpr int kMaxAgeGateYears = 150;

// What is wrong with ALLOWED_COUNTRIES, INITIATE_TEXT and INITIATE_TEXT_ES (each must hold
// {code}; otherwise the template variables), INITIATE_HOURLY_LIMIT and AGE_GATE_YEARS, for
// Config::load.
std::vector<std::string> config_problems(const Config& config);

// ALLOWED_COUNTRIES as region codes.
std::vector<std::string> allowed_countries(const Config& config);

// INITIATE_HOURLY_LIMIT as a number; 0 when it is not one.
int64_t hourly_limit(const Config& config);

// AGE_GATE_YEARS: the age a visitor must be to use the form, 1 to kMaxAgeGateYears; none when
// it is unset (no age gate) or not such a number.
std::optional<int> age_gate_years(const Config& config);

// `text` with every {code} replaced by `code`.
std::string with_code(std::string text, std::string_view code);

}  // namespace textus::initiate_policy
