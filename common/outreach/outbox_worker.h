// The worker's outbox duties (common/sending/outbox), one at a time, each its own units of work
// around at most one Twilio call: decide an inbound text's auto-reply, deliver a row nobody owns,
// settle a row whose owner stopped without an answer, and refresh a message whose status is not
// final a day after it was sent.
#pragma once

#include "common/core/config.h"
#include "common/twilio/twilio_client.h"

namespace textus {
class Db;
}

namespace textus::outbox {

enum class Duty {
    none,       // nothing waits
    decided,    // an inbound text's auto-reply was decided: none, refused, or not sent
    replied,    // ... and its reply handed to Twilio
    sent,       // Twilio took a row: one nobody owned, or an unsettled one sent again
    failed,     // a row was refused (by Twilio, an opt-out since, or its fate never confirmed)
    settled,    // Twilio's list held an unsettled row: its SID is recorded, nothing went again
    waiting,    // an unsettled row could not be looked up (Twilio unreachable): later
    refreshed,  // a message not final a day on was fetched from Twilio
};

// The next duty done, in that order: the first two, which a NOTIFY announces, always; settling
// and refreshing only when `everything` (on the worker's poll). A refusal is recorded on its
// row and published; the database unreachable is thrown (503).
Duty next_duty(Db& db, const Config& config, twilio::Client& client, bool everything);

}  // namespace textus::outbox
