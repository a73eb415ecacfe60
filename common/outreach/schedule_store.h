// Scheduled sends in PostgreSQL: kept, listed, canceled, and the worker's steps through them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/core/config.h"
#include "common/outreach/schedule.h"
#include "common/sending/send.h"

namespace textus {
class Tx;
}

namespace textus::schedule {

// One unit of work: `request` decided as a send now would be (the recipient found, the consent
// rules, a template that renders) and kept for `send_at`; 400 invalid_field (sendAt) unless it
// is in the future and at most a year ahead, or for an opt-in request. The same Idempotency-Key
// answers the same scheduled send (422 when it was used for another request).
Scheduled create(Tx& tx, const send::Request& request, const std::string& send_at,
                 const Config& config, const std::string& staff);

// Soonest first (at most 1,000); only those of `status` when it is given.
std::vector<Scheduled> list(Tx& tx, const std::optional<std::string>& status);

// The scheduled send, canceled: 404 when there is none, 409 not_cancelable once it is being
// sent, sent, failed or canceled.
Scheduled cancel(Tx& tx, int64_t id);

// The worker's steps (common/outreach/worker), each inside the caller's unit of work: the next
// due send (or one whose worker's claim ran out), marked sending and claimed for
// `claim_seconds`, skipping those another worker holds; its recipient's phone; back to
// scheduled for `until` (quiet hours); its outcome, sent or failed, with its message and error.
std::optional<Scheduled> claim_due(Tx& tx, int claim_seconds);
std::string recipient_phone(Tx& tx, const Scheduled& s);
void hold(Tx& tx, int64_t id, const std::string& until);
void finish(Tx& tx, int64_t id, const std::string& status, std::optional<int64_t> message_id,
            const nlohmann::json& error);

}  // namespace textus::schedule
