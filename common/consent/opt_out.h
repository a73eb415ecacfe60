// Opt-out by any reasonable means (issue 24; docs/decisions.md, Opt-out). Twilio blocks only its
// own exact keywords (common/consent/keywords); since the FCC's 2024 revocation rule a person may
// revoke consent in any reasonable words ("Stop.", "stop please", "opt out", "remove me"), so
// the product reads those itself. The phrase table lives here, and only here.
#pragma once

#include <string>
#include <string_view>

#include "common/consent/keywords.h"

namespace textus::opt_out {

enum class Reading {
    none,      // no stop word, or one used otherwise ("Can I stop by at 5?")
    opt_out,   // a stop word alone, or a short phrase of one with filler ("stop texting me pls")
    possible,  // a longer text with a stop word in it: for staff to confirm or dismiss
};

// `body` as the table compares it: Unicode NFKC with case folding (full-width "ＳＴＯＰ" is
// "stop"), every character that is not a letter or a digit a space (punctuation, emoji,
// symbols), zero-width and format characters dropped, runs of spaces one. "" for a body that is
// not valid UTF-8.
std::string normalize(std::string_view body);

// What `body` says about consent, in English or Spanish.
Reading read(std::string_view body);

// How an inbound text speaks to consent, the one reading the webhook and the worker share:
// Twilio's exact keyword (keywords::classify), else an opt-out in the sender's own words
// (read), whose keyword is then the text itself (a view of `body`: the consent event's detail).
struct Said {
    keywords::Match keyword;
    bool own_words = false;  // an opt-out Twilio does not see: we confirm it ourselves
    bool possible = false;   // neither, but it may be an opt-out: for staff (Reading::possible)
};
Said consent_of(std::string_view body);

}  // namespace textus::opt_out
