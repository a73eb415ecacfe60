#include "common/consent/opt_out.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <sstream>
#include <vector>

#include "common/core/text.h"

namespace textus::opt_out {

namespace {

using Words = std::vector<std::string>;

// Words that revoke consent on their own (the FCC's examples and Twilio's keywords, in English
// and Spanish). Strong ones also mark a longer text as a possible opt-out; the others are
// everyday words ("cancel my reservation", "the end of the month") that count only alone or
// with filler.
struct StopWord {
    std::string_view word;
    bool strong;
};
constexpr std::array kStopWords = {
    StopWord{"stop", true},    StopWord{"stopall", true},     StopWord{"unsubscribe", true},
    StopWord{"unsub", true},   StopWord{"optout", true},      StopWord{"revoke", true},
    StopWord{"cancel", false}, StopWord{"end", false},        StopWord{"quit", false},
    StopWord{"alto", true},    StopWord{"detener", true},     StopWord{"cancelar", false},
    StopWord{"parar", false},  StopWord{"desuscribir", true},
};

// Phrases that revoke consent, as normalized words; all strong.
constexpr std::array<std::string_view, 20> kStopPhrases = {
    "opt out",       "opt me out",    "remove me",        "take me off",     "leave me alone",
    "do not text",   "dont text",     "don t text",       "do not contact",  "dont contact",
    "don t contact", "no more texts", "no more messages", "no more text",    "darme de baja",
    "dame de baja",  "de baja",       "no mas mensajes",  "no más mensajes", "no me escriban",
};

// Words that may stand around a stop word in a request to stop: "please stop texting me now".
constexpr std::array<std::string_view, 78> kFiller = {
    "please",       "pls",       "plz",      "now",        "all",         "me",
    "my",           "i",         "want",     "to",         "be",          "removed",
    "unsubscribed", "texting",   "texts",    "text",       "txt",         "txts",
    "txting",       "messaging", "messages", "message",    "msgs",        "msg",
    "sms",          "this",      "these",    "that",       "from",        "your",
    "you",          "the",       "list",     "number",     "thanks",      "thank",
    "thx",          "ty",        "it",       "just",       "ok",          "okay",
    "kindly",       "sending",   "send",     "contacting", "calling",     "us",
    "them",         "anymore",   "any",      "more",       "immediately", "asap",
    "off",          "of",        "and",      "getting",    "receiving",   "get",
    "receive",      "a",         "por",      "favor",      "porfavor",    "ya",
    "mensajes",     "mensaje",   "textos",   "de",         "los",         "las",
    "gracias",      "mas",       "más",      "no",         "ahora",       "todo",
};

// A stop word followed by one of these is another verb: "stop by", "stop in", "stop over".
constexpr std::array<std::string_view, 4> kNotStopAfter = {"by", "in", "over", "at"};

// A request to stop is short; past this many words a stop word makes only a possible opt-out.
constexpr size_t kMaxPhraseWords = 8;

template <size_t N>
bool in(const std::array<std::string_view, N>& table, std::string_view word) {
    return std::find(table.begin(), table.end(), word) != table.end();
}

Words split(const std::string& text) {
    Words words;
    std::istringstream in(text);
    for (std::string word; in >> word;) words.push_back(word);
    return words;
}

const icu::Normalizer2* nfkc_casefold() {
    static const icu::Normalizer2* normalizer = [] {
        UErrorCode status = U_ZERO_ERROR;
        const auto* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
        return U_SUCCESS(status) ? n : nullptr;
    }();
    return normalizer;
}

}  // namespace

std::string normalize(std::string_view body) {
    if (!text::valid_utf8(body) || !nfkc_casefold()) return {};
    UErrorCode status = U_ZERO_ERROR;
    // NFKC_Casefold also drops default-ignorable characters (zero-width spaces and joiners).
    const auto folded = nfkc_casefold()->normalize(
        icu::UnicodeString::fromUTF8(icu::StringPiece(body.data(), body.size())), status);
    if (U_FAILURE(status)) return {};
    icu::UnicodeString spaced;
    bool space = true;  // no leading space
    for (int32_t i = 0; i < folded.length();) {
        const UChar32 c = folded.char32At(i);
        i += U16_LENGTH(c);
        if (u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_ALPHABETIC)) {
            spaced.append(c);
            space = false;
        } else if (!space && u_charType(c) != U_FORMAT_CHAR) {
            spaced.append(UChar32(' '));
            space = true;
        }
    }
    std::string out;
    spaced.toUTF8String(out);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

Said consent_of(std::string_view body) {
    const auto keyword = keywords::classify(body);
    if (keyword.kind != keywords::Kind::none) return {keyword};
    const auto reading = read(body);
    if (reading != Reading::opt_out)
        return {.keyword = keyword, .possible = reading == Reading::possible};
    return {{keywords::Kind::opt_out, body}, true};
}

Reading read(std::string_view body) {
    const auto words = split(normalize(body));
    std::vector<bool> stop(words.size(), false);
    bool strong = false;
    for (const auto phrase : kStopPhrases) {
        const auto parts = split(std::string(phrase));
        for (size_t i = 0; i + parts.size() <= words.size(); ++i) {
            if (std::equal(parts.begin(), parts.end(), words.begin() + static_cast<long>(i))) {
                std::fill_n(stop.begin() + static_cast<long>(i), parts.size(), true);
                strong = true;
            }
        }
    }
    for (size_t i = 0; i < words.size(); ++i) {
        const auto found = std::find_if(kStopWords.begin(), kStopWords.end(),
                                        [&](const StopWord& s) { return s.word == words[i]; });
        if (found == kStopWords.end()) continue;
        if (i + 1 < words.size() && in(kNotStopAfter, words[i + 1])) continue;
        stop[i] = true;
        strong = strong || found->strong;
    }
    if (std::find(stop.begin(), stop.end(), true) == stop.end()) return Reading::none;
    bool only_filler = words.size() <= kMaxPhraseWords;
    for (size_t i = 0; i < words.size() && only_filler; ++i) {
        only_filler = stop[i] || in(kFiller, words[i]);
    }
    if (only_filler) return Reading::opt_out;
    return strong ? Reading::possible : Reading::none;
}

}  // namespace textus::opt_out
