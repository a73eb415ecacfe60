#include "common/phone.h"

#include <phonenumbers/phonenumberutil.h>

namespace textus::phone {

std::optional<std::string> to_e164(std::string_view input, std::string_view default_region) {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    // Longer than any number in any format: refuse before parsing.
    if (input.empty() || input.size() > 40) return std::nullopt;
    const auto& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(std::string(input), std::string(default_region), &number) !=
        PhoneNumberUtil::NO_PARSING_ERROR) {
        return std::nullopt;
    }
    if (!util.IsValidNumber(number)) return std::nullopt;
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    return e164;
}

std::string digits(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c >= '0' && c <= '9') out += c;
    }
    return out;
}

}  // namespace textus::phone
