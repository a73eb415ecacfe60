// Email for a text that waits (issue 27; docs/decisions.md, Notifications): a person who asked
// for it is emailed once when a text in their conversation (or an unassigned one, if they said
// so) has waited their number of minutes without an answer. The worker runs it; wait_alert_store
// holds the SQL. A wait is named by its first unanswered inbound text: the next answer ends it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/core/config.h"
#include "common/http/smtp_client.h"

namespace textus {
class Db;
}

namespace textus::wait_alert {

// A wait to email a person about, as claimed.
struct Due {
    int64_t alert_id = 0;
    std::string to;  // the person's email
    int minutes = 0;
    bool unassigned = false;  // the conversation is nobody's
    bool with_body = false;
    int64_t contact_id = 0;
    std::string contact_name;  // the contact's name, or "" for none
    std::string phone;
    std::string since;  // RFC 3339: when the first unanswered text came
    std::string body;   // that text
};

// The email: the contact, how long, a link to the conversation; the text only when asked for.
smtp::Mail mail(const Config& config, const Due& due);

struct Run {
    int sent = 0;
    int failed = 0;       // refused or cut off: not sent again
    int retry_later = 0;  // surely unsent (the relay unreachable): tried again on a later run
};

// One batch: what is due is claimed (one unit), each email sent, and its row finished. Without
// SMTP_URL, nothing.
Run email_waiting(Db& db, const Config& config);

}  // namespace textus::wait_alert
