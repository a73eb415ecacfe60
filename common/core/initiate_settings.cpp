#include "common/core/initiate_settings.h"

#include <charconv>

#include "common/core/error.h"
#include "common/core/phone.h"
#include "common/core/template.h"

namespace textus::initiate_policy {

namespace {

// A whole decimal number, nothing around it; none otherwise.
std::optional<int64_t> whole_number(const std::string& text) {
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// What is wrong with an INITIATE_TEXT, after its variable's name: none when it is fine.
std::optional<std::string> initiate_text_problem(const std::string& text) {
    if (text.find(kCode) == std::string::npos) {
        return " must hold {code}: the visitor types it in the page";
    }
    bool known = true;
    try {
        for (const auto& name : templates::variables(with_code(text, ""))) {
            known = known && (name == "firstName" || name == "businessName");
        }
    } catch (const HttpError&) {
        known = false;
    }
    if (!known) return " may use only {firstName}, {businessName} and {code}";
    return std::nullopt;
}

}  // namespace

std::optional<int> age_gate_years(const Config& config) {
    const auto years = whole_number(config.age_gate_years);
    if (!years || *years < 1 || *years > kMaxAgeGateYears) return std::nullopt;
    return static_cast<int>(*years);
}

int64_t hourly_limit(const Config& config) {
    return whole_number(config.initiate_hourly_limit).value_or(0);
}

std::string with_code(std::string text, std::string_view code) {
    for (auto at = text.find(kCode); at != std::string::npos; at = text.find(kCode, at)) {
        text.replace(at, kCode.size(), code);
        at += code.size();
    }
    return text;
}

std::vector<std::string> config_problems(const Config& config) {
    std::vector<std::string> problems;
    for (const auto& country : allowed_countries(config)) {
        if (!phone::is_region_code(country)) {
            problems.push_back("ALLOWED_COUNTRIES must be two-letter region codes such as US,CA");
            break;
        }
    }
    for (const auto& [name, text] : {std::pair{"INITIATE_TEXT", &config.initiate_text},
                                     std::pair{"INITIATE_TEXT_ES", &config.initiate_text_es}}) {
        if (const auto problem = initiate_text_problem(*text)) {
            problems.push_back(std::string(name) + *problem);
        }
    }
    const auto limit = hourly_limit(config);
    if (limit < 1 || limit > kMaxHourlyLimit) {
        problems.push_back("INITIATE_HOURLY_LIMIT must be a whole number from 1 to " +
                           std::to_string(kMaxHourlyLimit));
    }
    if (!config.age_gate_years.empty() && !age_gate_years(config)) {
        problems.push_back("AGE_GATE_YEARS must be a whole number of years from 1 to " +
                           std::to_string(kMaxAgeGateYears) + ", or unset for no age gate");
    }
    return problems;
}

std::vector<std::string> allowed_countries(const Config& config) {
    std::vector<std::string> out;
    std::string_view rest = config.allowed_countries;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        auto item = rest.substr(0, comma);
        while (item.starts_with(' ')) item.remove_prefix(1);
        while (item.ends_with(' ')) item.remove_suffix(1);
        out.emplace_back(item);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return out;
}

}  // namespace textus::initiate_policy
