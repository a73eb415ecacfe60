// Phone numbers: everything is stored and compared as E.164 ("+17605551234").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace textus::phone {

struct Parsed {
    std::optional<std::string> e164;  // set when the input is one valid number
    std::string problem;              // otherwise why not, in words for the person who typed it
};

// A number written in any common format ("(760) 555-0142", "+1 760 555 0142"); one without a
// country code is read in `default_region` (ISO 3166 code, e.g. "US"). Refused: anything but
// digits, spaces and + - ( ) . / (libphonenumber would find a number inside "call me at ...",
// or read letters as keypad digits), an extension (it cannot receive SMS), and numbers
// libphonenumber does not consider valid. Its metadata loads on first use (~12 ms).
Parsed parse(std::string_view input, std::string_view default_region);

// Whether `text` is already one valid number in E.164, as Twilio writes a phone number (a short
// code or an alphanumeric sender is not).
bool is_e164(std::string_view text);

// What libphonenumber's metadata says of a valid E.164 number's line.
struct Line {
    std::string region;  // ISO 3166 code ("US"), or "001" for global services (satellite)
    std::string type;    // "mobile", "fixed_line_or_mobile", "toll_free", "premium_rate", ...
    // Only mobile lines take texts for certain; "fixed_line_or_mobile" is how libphonenumber
    // reads the US and Canada, where the two share number ranges.
    bool takes_texts = false;
};
Line line(std::string_view e164);

// Whether `code` is written as an ISO 3166 region code: two capital letters ("US"), as
// DEFAULT_REGION and ALLOWED_COUNTRIES are.
bool is_region_code(std::string_view code);

// Only the digits of `text`: what staff search compares phone numbers by.
std::string digits(std::string_view text);

}  // namespace textus::phone
