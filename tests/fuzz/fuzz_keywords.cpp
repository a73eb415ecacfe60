// Inbound keywords on any bytes: a match is exactly one keyword once trimmed, and the result
// does not change with ASCII case or with white space added around the message. Our reading of
// an opt-out in the sender's own words (common/consent/opt_out) likewise: its normalized text is
// clean, case does not change it, and Twilio's opt-out keywords are opt-outs to it too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/consent/keywords.h"
#include "common/consent/opt_out.h"
#include "common/core/text.h"

namespace {

using textus::keywords::Kind;

struct Keyword {
    std::string_view word;
    Kind kind;
};

constexpr Keyword kKeywords[] = {
    {"STOP", Kind::opt_out},   {"STOPALL", Kind::opt_out}, {"UNSUBSCRIBE", Kind::opt_out},
    {"CANCEL", Kind::opt_out}, {"END", Kind::opt_out},     {"QUIT", Kind::opt_out},
    {"OPTOUT", Kind::opt_out}, {"REVOKE", Kind::opt_out},  {"START", Kind::opt_in},
    {"YES", Kind::opt_in},     {"UNSTOP", Kind::opt_in},   {"HELP", Kind::help},
    {"INFO", Kind::help},
};

std::string ascii_case(std::string_view s, bool upper) {
    std::string out(s);
    for (char& c : out) {
        if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool same(textus::keywords::Match a, textus::keywords::Match b) {
    return a.kind == b.kind && a.keyword == b.keyword;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace textus;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto match = keywords::classify(body);
    if ((match.kind == Kind::none) != match.keyword.empty()) std::abort();
    if ((match.kind == Kind::none) != (keywords::name(match.kind) == "none")) std::abort();

    // Case and surrounding white space never change the answer.
    if (!same(keywords::classify(ascii_case(body, false)), match)) std::abort();
    if (!same(keywords::classify(ascii_case(body, true)), match)) std::abort();
    if (!same(keywords::classify(" \r\n\t" + std::string(body) + "\n "), match)) std::abort();

    const auto normalized = opt_out::normalize(body);
    if (!text::valid_utf8(normalized)) std::abort();
    if (!normalized.empty() && (normalized.front() == ' ' || normalized.back() == ' ' ||
                                normalized.find("  ") != std::string::npos)) {
        std::abort();
    }
    const auto reading = opt_out::read(body);
    if (opt_out::read(ascii_case(body, true)) != reading) std::abort();
    if (opt_out::read(" \r\n\t" + std::string(body) + ".!") != reading) std::abort();
    if (match.kind == Kind::opt_out && reading != opt_out::Reading::opt_out) std::abort();
    if (match.kind == Kind::none) return 0;

    // A match: one of the keywords, of its kind, and the whole trimmed message.
    bool listed = false;
    for (const auto& keyword : kKeywords) {
        listed = listed || (keyword.word == match.keyword && keyword.kind == match.kind);
    }
    if (!listed || !text::valid_utf8(body)) std::abort();
    if (ascii_case(text::trim(body), true) != match.keyword) std::abort();
    // Another letter or a full stop next to it makes it a message.
    const std::string trimmed = text::trim(body);
    for (const std::string& longer : {trimmed + "x", "x" + trimmed, trimmed + "."}) {
        if (keywords::classify(longer).kind != Kind::none) std::abort();
    }
    return 0;
}
