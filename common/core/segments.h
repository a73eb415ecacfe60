// SMS segments: how many parts a body goes out (and is billed) as, GSM-7 or UCS-2, counted as
// carriers split it, so the composer and the send route can say what Twilio will charge.
// Twilio's "smart encoding" is off by default, so nothing is transliterated: one curly quote
// makes the whole message UCS-2.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace textus::segments {

inline constexpr std::string_view kGsm7 = "GSM-7";
inline constexpr std::string_view kUcs2 = "UCS-2";

struct Count {
    std::string_view encoding = kGsm7;  // kGsm7 or kUcs2 (static strings)
    // Units as the encoding counts them: septets for GSM-7 (an extension character such as
    // '€' or '{' takes two), UTF-16 code units for UCS-2 (a character outside the BMP, such
    // as most emoji, takes two).
    size_t characters = 0;
    size_t segments = 1;
    // Capacity of one part: 160 (GSM-7) or 70 (UCS-2) for a single part, 153 or 67 when the
    // message is split (each part then carries a 6-byte concatenation header).
    size_t per_segment = 160;
};

// Septets `c` takes in GSM-7: 1 in GSM 03.38's basic set, 2 in its extension table (form
// feed and ^ { } \ [ ~ ] | €), 0 when GSM-7 cannot carry it (the message is then UCS-2).
// ESC itself is no character a user types: it counts 0.
size_t gsm7_septets(char32_t c);

// The count for a UTF-8 `body`; nullopt when `body` is not valid UTF-8 (a caller refuses such a
// body as bad input rather than guess what it would become). GSM-7 when every character is in
// the GSM 03.38 basic set or extension table, UCS-2 otherwise. A body of up to 160 septets
// (70 units) is one part; a longer one is split into parts of at most 153 septets (67 units),
// and a part never ends with half a character: an extension character's escape pair and a
// surrogate pair move whole to the next part, which may leave a part one unit short. The empty
// body (a media-only message) is 0 characters in one GSM-7 segment, as Twilio bills it.
std::optional<Count> count(std::string_view body);

}  // namespace textus::segments
