// Email through the SMTP relay of SMTP_URL, with libcurl (docs/decisions.md, Notifications): one
// plain-text message to one address, from SMTP_FROM. The URL, which may hold the relay's
// password, is never logged nor put in an answer.
#pragma once

#include <string>
#include <string_view>

#include "common/core/config.h"

namespace textus::smtp {

struct Mail {
    std::string to;  // an address that fields::check_email took
    std::string subject;
    std::string body;  // lines with \n
};

enum class Outcome {
    sent,
    unsent,   // surely not taken: no connection, TLS or sign-in refused; may go again later
    unknown,  // refused or cut off on the way: it may have gone, so it does not go again
};
struct Result {
    Outcome outcome = Outcome::sent;
    std::string reason;  // libcurl's words for a failure: no address, URL or secret
};

// Sends `mail`; waits at most 20 seconds.
Result send(const Config& config, const Mail& mail);

// The message as the relay gets it: headers (the subject in RFC 2047 when it is not ASCII, no
// line break from any field), a blank line, the body; CRLF line ends.
std::string message(const Config& config, const Mail& mail, std::string_view date,
                    std::string_view message_id);

}  // namespace textus::smtp
