// The worker's fetcher of inbound media (issue 28; docs/decisions.md, Media): each item pending
// in media_store is claimed, read from Twilio with the account's credentials, checked, and kept
// or failed, outside any unit of work; the inbox is told its message changed. A fetch that
// fails for a reason that may pass is tried again later (media::retry_delay), up to
// media::kMaxAttempts; a worker that dies mid-fetch leaves a claim that runs out, and the next
// takes the item over.
#pragma once

#include "common/core/config.h"
#include "common/media/media_store.h"
#include "common/twilio/twilio_client.h"

namespace textus {
class Db;
}

namespace textus::media {

enum class Fetched { none, stored, retry_later, failed };

// The next due item, if any.
Fetched fetch_next(Db& db, const Config& config, twilio::Client& client);

struct FetchRun {
    int stored = 0;
    int failed = 0;
    int retry_later = 0;
};
// Every item due now, up to `limit` (run-due).
FetchRun fetch_due(Db& db, const Config& config, int limit);

// How often the resident worker applies the retention.
inline constexpr int kRetentionSeconds = 60 * 60;
// Media older than MEDIA_RETENTION_DAYS lose their content, and uploads no send took within a
// day go, a batch per unit of work until none is left; how many of each.
Expired apply_retention(Db& db, const Config& config);

}  // namespace textus::media
