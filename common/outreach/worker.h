// The worker (`textus-admin run-due`): scheduled sends and campaign messages go out through the
// send path, a few senders at once, each send claimed so that senders and runs on several
// hosts never take one together.
// Its own file: quiet hours need the phone geocoder, which only the worker links.
#pragma once

#include <atomic>
#include <chrono>

#include "common/core/config.h"

namespace textus::worker {

// A worker holds a due send this long; past it, another worker takes it over (the send's
// Idempotency-Key keeps it from going twice). Longer than a send's worst Twilio retries.
inline constexpr int kClaimSeconds = 300;
inline constexpr int kDefaultRunLimit = 1000;
inline constexpr int kDefaultSenders = 4;
inline constexpr int kMaxSenders = 32;
// The resident worker tries the Commerce7 sync of leads whose own attempt failed this often, this
// many at a time (commerce7::sync_pending).
inline constexpr int kCommerce7RetrySeconds = 60;
inline constexpr int kCommerce7Batch = 50;
// The resident worker looks for texts that have waited long enough to email about this often.
inline constexpr int kWaitAlertSeconds = 30;

struct RunResult {
    int sent = 0;
    int failed = 0;
    int held = 0;  // due in quiet hours: moved to the end of them
    // Campaign messages (common/outreach/campaign): sent or failed as above; skipped, as the send
    // rules refused them.
    int campaign_sent = 0;
    int campaign_failed = 0;
    int campaign_skipped = 0;
    // The outbox (common/outreach/outbox_worker): auto-replies decided, rows sent or failed, rows
    // whose fate was unknown found at Twilio, and messages refreshed from it.
    int auto_replies_decided = 0;
    int outbox_sent = 0;
    int outbox_failed = 0;
    int outbox_settled = 0;
    int outbox_refreshed = 0;  // not final a day on: fetched from Twilio
    // Email for texts that wait (common/outreach/wait_alert), with SMTP_URL.
    int emails_sent = 0;
    int emails_failed = 0;
    // Inbound media fetched from Twilio (common/outreach/media_fetch): kept, or failed for good.
    int media_stored = 0;
    int media_failed = 0;
    int64_t media_deleted = 0;  // past MEDIA_RETENTION_DAYS
};

// Sends what is due, up to `limit` sends, each through the send path: scheduled sends first,
// soonest first, then campaign messages at CAMPAIGN_RATE, waiting for each one's turn while a
// campaign has recipients left. `senders` send at once, each on its own database connection
// and Twilio connection, as runs on several hosts would (Twilio takes 100-200 ms to answer a
// create: one sender alone manages 5-10 a second). One due in quiet hours in its recipient's
// time zones (QUIET_HOURS, phone::time_zones) waits for when they end. Campaign progress is
// published to the staff channel at most once a second per campaign, and when one pauses or
// completes. A sender's failure (the database unreachable) is thrown once all have stopped.
RunResult run_due(const Config& config, int limit, int senders);

// The resident worker (`textus-admin work`): run_due's duties for ever, the outbox first.
// Inbound media are fetched by a thread of their own, woken by NOTIFY on media::kChannel. Idle
// senders wait for PostgreSQL's NOTIFY on outbox::kChannel (an auto-reply to decide, a row to
// deliver) or `poll` (scheduled sends come due, leases run out), whichever is first. Returns
// once `stopping` is set and every sender has finished its step. The database failing restarts
// the senders after a second; it never ends the worker. With Commerce7 configured it also owns
// the leads whose Commerce7 sync failed (Commerce7 down when the lead's code was confirmed):
// at start and every kCommerce7RetrySeconds it syncs the pending ones.
void work(const Config& config, int senders, std::chrono::seconds poll,
          const std::atomic<bool>& stopping);

}  // namespace textus::worker
