// SMS segment counting on any bytes, checked against a second, deliberately plain count: the
// GSM-7 sets as UTF-8 strings searched character by character, and parts filled one by one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "common/core/segments.h"
#include "common/core/text.h"

namespace {

// GSM 03.38's basic set (without ESC) and extension table, as UTF-8.
constexpr std::string_view kBasic =
    "@\xC2\xA3$\xC2\xA5\xC3\xA8\xC3\xA9\xC3\xB9\xC3\xAC\xC3\xB2\xC3\x87\n\xC3\x98\xC3\xB8\r"
    "\xC3\x85\xC3\xA5\xCE\x94_\xCE\xA6\xCE\x93\xCE\x9B\xCE\xA9\xCE\xA0\xCE\xA8\xCE\xA3\xCE\x98"
    "\xCE\x9E\xC3\x86\xC3\xA6\xC3\x9F\xC3\x89 !\"#\xC2\xA4%&'()*+,-./0123456789:;<=>?\xC2\xA1"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ\xC3\x84\xC3\x96\xC3\x91\xC3\x9C\xC2\xA7\xC2\xBF"
    "abcdefghijklmnopqrstuvwxyz\xC3\xA4\xC3\xB6\xC3\xB1\xC3\xBC\xC3\xA0";
constexpr std::string_view kExtension = "\f^{}\\[~]|\xE2\x82\xAC";

// Bytes of the UTF-8 character led by `lead` (the input is valid UTF-8).
size_t width(unsigned char lead) {
    return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Parts of at most `limit` units, a character never split.
size_t parts(const std::vector<size_t>& units, size_t limit) {
    size_t count = 1, used = 0;
    for (const size_t n : units) {
        if (used + n > limit) ++count, used = 0;
        used += n;
    }
    return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace textus;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto count = segments::count(body);
    if (count.has_value() != text::valid_utf8(body)) std::abort();
    if (!count) return 0;

    // Valid UTF-8 is self-synchronizing: a whole character found in a string of whole
    // characters is one of them.
    bool gsm7 = true;
    std::vector<size_t> septets, units;
    for (size_t i = 0; i < body.size();) {
        const size_t n = width(static_cast<unsigned char>(body[i]));
        const auto character = body.substr(i, n);
        i += n;
        const size_t s = kBasic.find(character) != std::string_view::npos       ? 1
                         : kExtension.find(character) != std::string_view::npos ? 2
                                                                                : 0;
        gsm7 = gsm7 && s > 0;
        septets.push_back(s);
        units.push_back(n == 4 ? 2 : 1);  // four UTF-8 bytes: outside the BMP, a surrogate pair
    }
    const auto& used = gsm7 ? septets : units;
    size_t total = 0;
    for (const size_t n : used) total += n;
    const size_t single = gsm7 ? 160 : 70, multi = gsm7 ? 153 : 67;

    if (count->encoding != (gsm7 ? segments::kGsm7 : segments::kUcs2)) std::abort();
    if (count->characters != total) std::abort();
    if (count->segments < 1) std::abort();
    if (total <= single) {
        if (count->segments != 1 || count->per_segment != single) std::abort();
    } else {
        if (count->per_segment != multi || count->segments != parts(used, multi)) std::abort();
        // A part loses at most one unit to a character that did not fit.
        if (count->segments < (total + multi - 1) / multi ||
            count->segments > (total + multi - 2) / (multi - 1)) {
            std::abort();
        }
    }
    return 0;
}
