#include "common/core/segments.h"

#include <string_view>

#include "common/core/text.h"

namespace textus::segments {

namespace {

// GSM 03.38's basic character set in code order, 0x00-0x7F without 0x1B (ESC). 0x09 is 'Ç'
// (U+00C7), as 3GPP TS 23.038 prints it and Twilio maps it; 'ç' is not GSM-7.
constexpr std::u32string_view kBasic =
    U"@\u00A3$\u00A5\u00E8\u00E9\u00F9\u00EC\u00F2\u00C7\n\u00D8\u00F8\r\u00C5\u00E5"
    U"\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E\u00C6\u00E6\u00DF\u00C9"
    U" !\"#\u00A4%&'()*+,-./0123456789:;<=>?"
    U"\u00A1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00C4\u00D6\u00D1\u00DC\u00A7"
    U"\u00BFabcdefghijklmnopqrstuvwxyz\u00E4\u00F6\u00F1\u00FC\u00E0";
static_assert(kBasic.size() == 127);

// The extension table: each is ESC followed by a second septet.
constexpr std::u32string_view kExtension = U"\f^{}\\[~]|\u20AC";
static_assert(kExtension.size() == 10);

constexpr size_t kGsm7Single = 160;
constexpr size_t kGsm7Multi = 153;
constexpr size_t kUcs2Single = 70;
constexpr size_t kUcs2Multi = 67;

// The code point at s[i] of valid UTF-8 `s`; advances i past it.
char32_t next(std::string_view s, size_t& i) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    size_t size;
    char32_t code;
    if (lead < 0x80) {
        size = 1, code = lead;
    } else if (lead < 0xE0) {
        size = 2, code = lead & 0x1F;
    } else if (lead < 0xF0) {
        size = 3, code = lead & 0x0F;
    } else {
        size = 4, code = lead & 0x07;
    }
    for (size_t k = 1; k < size; ++k) code = (code << 6) | (byte(i + k) & 0x3F);
    i += size;
    return code;
}

size_t ucs2_units(char32_t c) {
    return c > 0xFFFF ? 2 : 1;
}

// Parts of at most `limit` units each, filled in order; a character that does not fit whole
// in what is left of a part starts the next one.
template <typename Units>
size_t split(std::string_view body, size_t limit, Units units) {
    size_t parts = 1;
    size_t used = 0;
    for (size_t i = 0; i < body.size();) {
        const size_t n = units(next(body, i));
        if (used + n > limit) ++parts, used = 0;
        used += n;
    }
    return parts;
}

}  // namespace

size_t gsm7_septets(char32_t c) {
    if (kBasic.find(c) != std::u32string_view::npos) return 1;
    if (kExtension.find(c) != std::u32string_view::npos) return 2;
    return 0;
}

std::optional<Count> count(std::string_view body) {
    if (!text::valid_utf8(body)) return std::nullopt;
    bool gsm7 = true;
    size_t septets = 0;
    size_t units = 0;
    for (size_t i = 0; i < body.size();) {
        const char32_t c = next(body, i);
        const size_t n = gsm7_septets(c);
        gsm7 = gsm7 && n > 0;
        septets += n;
        units += ucs2_units(c);
    }
    Count result;
    if (gsm7) {
        result = {kGsm7, septets, 1, kGsm7Single};
        if (septets > kGsm7Single) {
            result.per_segment = kGsm7Multi;
            result.segments = split(body, kGsm7Multi, gsm7_septets);
        }
    } else {
        result = {kUcs2, units, 1, kUcs2Single};
        if (units > kUcs2Single) {
            result.per_segment = kUcs2Multi;
            result.segments = split(body, kUcs2Multi, ucs2_units);
        }
    }
    return result;
}

}  // namespace textus::segments
