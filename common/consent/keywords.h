// Twilio's default opt-out, opt-in and help keywords, matched as Twilio's Advanced Opt-Out
// matches them, so our consent log agrees with what Twilio itself blocks and unblocks: the whole
// message, trimmed, in any case. "Stop please" or "STOP." is a message, not a keyword.
#pragma once

#include <string_view>

namespace textus::keywords {

enum class Kind { none, opt_out, opt_in, help };

struct Match {
    Kind kind = Kind::none;
    std::string_view keyword;  // the canonical keyword ("STOP"), empty for none; static string
};

// Classifies an inbound SMS body. Opt-out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT,
// REVOKE; opt-in: START, YES, UNSTOP; help: HELP, INFO. The body matches when, with leading and
// trailing white space and invisible characters removed (text::trim: spaces, tabs, line breaks,
// no-break and zero-width spaces, BOM), it is exactly one keyword in ASCII letters of any case.
// Anything else is none: other words or punctuation around it, a look-alike letter (full-width
// "ＳＴＯＰ", Cyrillic "С"), or a body that is not valid UTF-8.
Match classify(std::string_view body);

// "opt_out", "opt_in", "help" or "none": the consent log's kinds (contract.md §5).
std::string_view name(Kind kind);

}  // namespace textus::keywords
