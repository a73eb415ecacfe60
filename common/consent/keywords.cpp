#include "common/consent/keywords.h"

#include <string>

#include "common/core/text.h"

namespace textus::keywords {

namespace {

struct Keyword {
    std::string_view word;  // upper case
    Kind kind;
};

constexpr Keyword kKeywords[] = {
    {"STOP", Kind::opt_out},   {"STOPALL", Kind::opt_out}, {"UNSUBSCRIBE", Kind::opt_out},
    {"CANCEL", Kind::opt_out}, {"END", Kind::opt_out},     {"QUIT", Kind::opt_out},
    {"OPTOUT", Kind::opt_out}, {"REVOKE", Kind::opt_out},  {"START", Kind::opt_in},
    {"YES", Kind::opt_in},     {"UNSTOP", Kind::opt_in},   {"HELP", Kind::help},
    {"INFO", Kind::help},
};

// ASCII case folding only: a byte of a multi-byte character never equals an ASCII letter.
bool equal_ignoring_case(std::string_view text, std::string_view upper) {
    if (text.size() != upper.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != upper[i]) return false;
    }
    return true;
}

}  // namespace

Match classify(std::string_view body) {
    if (!text::valid_utf8(body)) return {};
    const std::string word = text::trim(body);
    for (const auto& keyword : kKeywords) {
        if (equal_ignoring_case(word, keyword.word)) return {keyword.kind, keyword.word};
    }
    return {};
}

std::string_view name(Kind kind) {
    switch (kind) {
        case Kind::opt_out:
            return "opt_out";
        case Kind::opt_in:
            return "opt_in";
        case Kind::help:
            return "help";
        case Kind::none:
            break;
    }
    return "none";
}

}  // namespace textus::keywords
