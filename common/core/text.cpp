#include "common/core/text.h"

#include <charconv>
#include <cstdint>

namespace textus::text {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point at s[i] and its length in bytes; kInvalid for a malformed sequence.
char32_t decode(std::string_view s, size_t i, size_t& size) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        size = 1;
        return lead;
    }
    char32_t code;
    char32_t min;
    if (lead >= 0xC2 && lead <= 0xDF) {
        size = 2, code = lead & 0x1F, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        size = 3, code = lead & 0x0F, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        size = 4, code = lead & 0x07, min = 0x10000;
    } else {
        size = 1;
        return kInvalid;
    }
    if (i + size > s.size()) {
        size = 1;
        return kInvalid;
    }
    for (size_t k = 1; k < size; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) {
            size = 1;
            return kInvalid;
        }
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return kInvalid;
    return code;
}

bool invisible(char32_t c) {
    switch (c) {
        case 0x09:
        case 0x0A:
        case 0x0B:
        case 0x0C:
        case 0x0D:
        case 0x20:
        case 0x85:
        case 0xA0:
        case 0xAD:
        case 0x034F:
        case 0x061C:
        case 0x1680:
        case 0x180E:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
        case 0xFEFF:
            return true;
        default:
            return (c >= 0x2000 && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
                   (c >= 0x2060 && c <= 0x206F);
    }
}

}  // namespace

bool valid_utf8(std::string_view s) {
    for (size_t i = 0, size = 0; i < s.size(); i += size) {
        if (decode(s, i, size) == kInvalid) return false;
    }
    return true;
}

size_t length(std::string_view s) {
    size_t count = 0;
    for (const char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

std::string trim(std::string_view s) {
    size_t begin = 0;
    size_t end = s.size();
    for (size_t size = 0; begin < end; begin += size) {
        if (!invisible(decode(s, begin, size))) break;
    }
    // Walk forward to find where the trailing run of invisible characters starts.
    size_t tail = begin;
    for (size_t i = begin, size = 0; i < end; i += size) {
        if (!invisible(decode(s, i, size))) tail = i + size;
    }
    return std::string(s.substr(begin, tail - begin));
}

bool has_control(std::string_view s, bool multiline) {
    for (size_t i = 0, size = 0; i < s.size(); i += size) {
        const char32_t c = decode(s, i, size);
        if (multiline && (c == '\t' || c == '\n' || c == '\r')) continue;
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) return true;
    }
    return false;
}

}  // namespace textus::text

namespace textus::text {

std::optional<int64_t> whole_number(std::string_view s, int64_t min, int64_t max) {
    int64_t value = 0;
    const auto* end = s.data() + s.size();
    const auto [stop, error] = std::from_chars(s.data(), end, value);
    // from_chars takes a leading '-': digits only.
    if (s.empty() || s.front() == '-' || error != std::errc() || stop != end || value < min ||
        value > max) {
        return std::nullopt;
    }
    return value;
}

}  // namespace textus::text
