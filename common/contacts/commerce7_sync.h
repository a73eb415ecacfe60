// The later Commerce7 sync of web leads (contract.md §4: a Commerce7 outage must not lose the
// lead). The code's verify records the outcome of its own find_or_create; a contact left pending
// is retried by the resident worker every minute (or `textus-admin commerce7-sync` by hand),
// each contact under a claim with a lease so that two runs never call Commerce7 for it at once
// (docs/decisions.md, Commerce7 lead sync).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/commerce7/commerce7_client.h"
#include "common/contacts/contact.h"
#include "common/core/config.h"

namespace textus {
class Db;
class Tx;
}  // namespace textus

namespace textus::commerce7 {

// After this many failed attempts a contact is 'failed' and no run retries it by itself;
// `textus-admin commerce7-sync --retry-failed` queues it again.
inline constexpr int kMaxAttempts = 10;
inline constexpr int kDefaultSyncLimit = 100;

// initiate's own attempt, with a visitor waiting: one try per call and short timeouts (at most
// about 21 s for its three calls); whatever fails is the sync's to retry.
inline constexpr Timing kLeadTiming{.connect_timeout = std::chrono::seconds(2),
                                    .read_timeout = std::chrono::seconds(5),
                                    .attempts = 1};

// Commerce7 is in use: COMMERCE7_APP_ID, COMMERCE7_SECRET and COMMERCE7_TENANT are all set.
// Otherwise nothing is sent to it and nothing is synced.
bool enabled(const Config& config);

// The lead Commerce7 is given for a stored contact: no email or birthdate is "".
Lead lead_of(const contacts::Contact& contact);

// metaData.sms_enrolled_date for a contact synced later: the UTC day of its latest opt-in, the
// day it enrolled; `today` (YYYY-MM-DD) when it has none.
std::string enrolled_date(const contacts::Contact& contact, std::string_view today);

// How long a claim lasts: longer than one find_or_create with `timing` can take (three calls,
// each every attempt's connect, write and read timeouts plus the waits between), and a minute.
std::chrono::seconds lease_for(const Timing& timing);

// Units of work (a Tx each, no outside call inside).
//
// The contact pending and claimed for lease_for(timing): for initiate, in the unit of work that
// saves the lead, before it calls Commerce7 itself. A crash before Commerce7 answers then leaves
// the lead to the sync, and no sync run calls Commerce7 for it in the meantime. False when a
// sync run holds the contact now: the caller must not call Commerce7 for it (two creates).
bool mark_pending(Tx& tx, int64_t contact_id, const Timing& timing);

// initiate's own attempt for a contact it claimed with mark_pending: find_or_create, then
// record_synced; a Commerce7 failure is logged and recorded (record_failed), never thrown, and
// the sync retries it. A database failure is thrown.
void sync_lead(Db& db, const Config& config, const contacts::Contact& contact,
               const Timing& timing);
// Synced with `customer_id` now; attempts back to 0, claim released.
void record_synced(Tx& tx, int64_t contact_id, const std::string& customer_id);
// One more failed attempt, claim released: pending again, or 'failed' at kMaxAttempts.
void record_failed(Tx& tx, int64_t contact_id);
// Every 'failed' contact pending again with no attempts; how many.
int64_t requeue_failed(Tx& tx);

struct SyncRun {
    int synced = 0;             // contacts given their customer id
    int failed = 0;             // attempts that failed (record_failed)
    int64_t remaining = 0;      // contacts pending after the run
    bool auth_refused = false;  // Commerce7 refused our credentials: the run stopped there
};

// Up to `limit` pending contacts, oldest first, each claimed in a short unit of work (skipping
// those another run holds), given to Client::find_or_create with no transaction open, and its
// outcome recorded. A 503 commerce7_auth releases the contact uncounted and ends the run. Throws
// HttpError for an unusable configuration (before claiming anything) or the database.
SyncRun sync_pending(Db& db, const Config& config, int limit, Timing timing = {});

}  // namespace textus::commerce7
