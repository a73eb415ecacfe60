// Text from outside: UTF-8 validity, length in characters, and trimming that knows Unicode's
// spaces and invisible characters (a name of zero-width spaces is no name).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace textus::text {

// True when `s` is well-formed UTF-8: no stray or truncated sequences, overlong forms,
// surrogates or code points past U+10FFFF.
bool valid_utf8(std::string_view s);

// Characters (code points) in valid UTF-8 `s`.
size_t length(std::string_view s);

// `s` without leading and trailing white space (Unicode's White_Space) and invisible format
// characters (zero-width space and joiners, word joiner, BOM, soft hyphen, direction marks).
// `s` must be valid UTF-8.
std::string trim(std::string_view s);

// True when `s` holds a control character: C0 (but tab, CR and LF when `multiline`), DEL or
// C1. NUL always counts: PostgreSQL text cannot hold one.
bool has_control(std::string_view s, bool multiline);

// `s` as a whole number from `min` to `max` (min >= 0): decimal digits alone, no sign, no
// space. Nothing when it is not one.
std::optional<int64_t> whole_number(std::string_view s, int64_t min, int64_t max);

}  // namespace textus::text
