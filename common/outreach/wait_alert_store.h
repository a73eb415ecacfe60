// Email alerts for texts that wait, in PostgreSQL (sql/031_email_alerts.sql).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/outreach/wait_alert.h"

namespace textus {
class Tx;
}

namespace textus::wait_alert {

// Claims at most this many at a time.
inline constexpr int kBatch = 20;
// A claim this old, neither sent nor failed, was left by a worker that stopped mid-send.
inline constexpr int kStaleMinutes = 5;
// Waits that began longer ago than this are not emailed about (a person who turns email on
// is not sent the history).
inline constexpr int kLookBackHours = 48;

// Writes a claim for each wait now due (one per person, conversation and wait, whatever other
// workers do) and returns them: open conversations whose first text since our last answer (an
// auto-reply is no answer) has waited the person's minutes, theirs, or nobody's when they asked.
std::vector<Due> claim_due(Tx& tx, int limit);

void sent(Tx& tx, int64_t alert_id);
void failed(Tx& tx, int64_t alert_id, std::string_view reason);
// Surely not sent: the claim goes, so that a later run tries again.
void release(Tx& tx, int64_t alert_id);
// Marks the stale claims failed; how many.
int64_t abandon_stale(Tx& tx);

}  // namespace textus::wait_alert
