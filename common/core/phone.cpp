#include "common/core/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>

namespace textus::phone {

Parsed parse(std::string_view input, std::string_view default_region) {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const Parsed invalid{std::nullopt, "Phone number must be a valid number, e.g. +17605550142"};
    // Longer than any number in any format: refuse before parsing.
    if (input.empty() || input.size() > 40) return invalid;
    constexpr std::string_view kAllowed = "0123456789 +-()./";
    const Parsed not_phone_characters{
        std::nullopt,
        "Phone number may hold only digits, spaces and + - ( ) . /, e.g. +17605550142"};
    // ASCII without a digit holds no number to parse, nor an extension: say so before loading
    // libphonenumber's metadata, most of a plain CGI request's time (tests/bench/cgi-cost).
    // Digits of other scripts are libphonenumber's to read.
    const bool ascii = std::all_of(input.begin(), input.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii && input.find_first_of("0123456789") == std::string_view::npos &&
        input.find_first_not_of(kAllowed) != std::string_view::npos) {
        return not_phone_characters;
    }
    const auto& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    const bool parsed = util.Parse(std::string(input), std::string(default_region), &number) ==
                        PhoneNumberUtil::NO_PARSING_ERROR;
    if (parsed && number.has_extension()) {
        return {std::nullopt, "Phone number must not have an extension: it cannot receive SMS"};
    }
    if (input.find_first_not_of(kAllowed) != std::string_view::npos) return not_phone_characters;
    if (!parsed || !util.IsValidNumber(number)) return invalid;
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    return {e164, {}};
}

bool is_e164(std::string_view text) {
    // With its + the region is never used.
    return text.starts_with('+') && parse(text, "US").e164 == text;
}

Line line(std::string_view e164) {
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const auto& util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    Line out{.region = "ZZ", .type = "unknown"};
    if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
        return out;
    }
    util.GetRegionCodeForNumber(number, &out.region);
    switch (util.GetNumberType(number)) {
        case PhoneNumberUtil::MOBILE:
            out.type = "mobile";
            break;
        case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
            out.type = "fixed_line_or_mobile";
            break;
        case PhoneNumberUtil::FIXED_LINE:
            out.type = "fixed_line";
            break;
        case PhoneNumberUtil::TOLL_FREE:
            out.type = "toll_free";
            break;
        case PhoneNumberUtil::PREMIUM_RATE:
            out.type = "premium_rate";
            break;
        case PhoneNumberUtil::SHARED_COST:
            out.type = "shared_cost";
            break;
        case PhoneNumberUtil::VOIP:
            out.type = "voip";
            break;
        case PhoneNumberUtil::PERSONAL_NUMBER:
            out.type = "personal_number";
            break;
        case PhoneNumberUtil::PAGER:
            out.type = "pager";
            break;
        case PhoneNumberUtil::UAN:
            out.type = "uan";
            break;
        case PhoneNumberUtil::VOICEMAIL:
            out.type = "voicemail";
            break;
        case PhoneNumberUtil::UNKNOWN:
            break;
    }
    out.takes_texts = out.type == "mobile" || out.type == "fixed_line_or_mobile";
    return out;
}

bool is_region_code(std::string_view code) {
    return code.size() == 2 &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string digits(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c >= '0' && c <= '9') out += c;
    }
    return out;
}

}  // namespace textus::phone
