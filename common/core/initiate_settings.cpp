#include "common/core/initiate_settings.h"

#include <charconv>

#include "common/core/error.h"
#include "common/core/phone.h"
#include "common/core/template.h"

namespace textus::initiate_policy {

int64_t hourly_limit(const Config& config) {
    int64_t limit = 0;
    const auto& text = config.initiate_hourly_limit;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (error != std::errc() || end != text.data() + text.size()) return 0;
    return limit;
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
    if (config.initiate_text.find(kCode) == std::string::npos) {
        problems.push_back("INITIATE_TEXT must hold {code}: the visitor types it in the page");
    } else {
        bool known = true;
        try {
            for (const auto& name : templates::variables(with_code(config.initiate_text, ""))) {
                known = known && (name == "firstName" || name == "businessName");
            }
        } catch (const HttpError&) {
            known = false;
        }
        if (!known) {
            problems.push_back("INITIATE_TEXT may use only {firstName}, {businessName} and {code}");
        }
    }
    const auto limit = hourly_limit(config);
    if (limit < 1 || limit > kMaxHourlyLimit) {
        problems.push_back("INITIATE_HOURLY_LIMIT must be a whole number from 1 to " +
                           std::to_string(kMaxHourlyLimit));
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
