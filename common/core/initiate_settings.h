// The web form's settings (ALLOWED_COUNTRIES, INITIATE_TEXT, INITIATE_HOURLY_LIMIT) as
// values, and what is wrong with them: Config::load checks them at start-up, and
// common/consent/initiate_policy applies them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config.h"

namespace textus::initiate_policy {

inline constexpr std::string_view kCode = "{code}";
inline constexpr int kMaxHourlyLimit = 100000;

// What is wrong with ALLOWED_COUNTRIES, INITIATE_TEXT (it must hold {code}; otherwise the
// template variables) and INITIATE_HOURLY_LIMIT, for Config::load.
std::vector<std::string> config_problems(const Config& config);

// ALLOWED_COUNTRIES as region codes.
std::vector<std::string> allowed_countries(const Config& config);

// INITIATE_HOURLY_LIMIT as a number; 0 when it is not one.
int64_t hourly_limit(const Config& config);

// `text` with every {code} replaced by `code`.
std::string with_code(std::string text, std::string_view code);

}  // namespace textus::initiate_policy
