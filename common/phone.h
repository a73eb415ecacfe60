// Phone numbers: everything is stored and compared as E.164 ("+17605551234").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace textus::phone {

// The number in E.164 when `input` is a valid number, written in any common format; a number
// without a country code is read in `default_region` (ISO 3166 code, e.g. "US").
// libphonenumber's metadata is loaded on first use (it costs ~12 ms), not at start-up.
std::optional<std::string> to_e164(std::string_view input, std::string_view default_region);

// Only the digits of `text`: what staff search compares phone numbers by.
std::string digits(std::string_view text);

}  // namespace textus::phone
