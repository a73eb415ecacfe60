#include "common/contacts/commerce7_sync.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <optional>

#include "common/contacts/contact_store.h"
#include "common/db/db.h"

namespace textus::commerce7 {

namespace {

// The oldest pending contact after `$1` that no live claim holds, claimed for `$2` seconds.
// SKIP LOCKED: a run claiming at the same instant takes the next one instead of waiting.
const Statement kClaim{
    "commerce7_sync_claim",
    "UPDATE contacts SET commerce7_sync_claimed_until = now() + $2::int * interval '1 second'"
    " WHERE id = (SELECT id FROM contacts WHERE commerce7_sync_state = 'pending' AND id > $1"
    "  AND (commerce7_sync_claimed_until IS NULL OR commerce7_sync_claimed_until < now())"
    "  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " RETURNING id, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')"};
// A claim another holds (a sync run mid-call) stays theirs: the contact is pending either way.
const Statement kMarkPending{
    "commerce7_sync_mark_pending",
    "UPDATE contacts SET commerce7_sync_state = 'pending',"
    " commerce7_sync_claimed_until = CASE WHEN commerce7_sync_claimed_until > now()"
    "  THEN commerce7_sync_claimed_until ELSE now() + $2::int * interval '1 second' END"
    " WHERE id = $1"
    " RETURNING commerce7_sync_claimed_until = now() + $2::int * interval '1 second'"};
const Statement kSynced{
    "commerce7_sync_synced",
    "UPDATE contacts SET commerce7_sync_state = 'synced', commerce7_customer_id = $2,"
    " commerce7_synced_at = now(), commerce7_sync_attempts = 0,"
    " commerce7_sync_claimed_until = NULL,"
    " updated_at = CASE WHEN commerce7_customer_id IS DISTINCT FROM $2 THEN now()"
    "  ELSE updated_at END"
    " WHERE id = $1"};
const Statement kFailed{
    "commerce7_sync_failed",
    "UPDATE contacts SET commerce7_sync_attempts = commerce7_sync_attempts + 1,"
    " commerce7_sync_state = CASE WHEN commerce7_sync_attempts + 1 >= $2 THEN 'failed'"
    "  ELSE 'pending' END,"
    " commerce7_sync_claimed_until = NULL WHERE id = $1"
    " RETURNING commerce7_sync_state = 'failed'"};
const Statement kRelease{"commerce7_sync_release",
                         "UPDATE contacts SET commerce7_sync_claimed_until = NULL WHERE id = $1"};
const Statement kRequeue{"commerce7_sync_requeue",
                         "UPDATE contacts SET commerce7_sync_state = 'pending',"
                         " commerce7_sync_attempts = 0 WHERE commerce7_sync_state = 'failed'"};
const Statement kPending{"commerce7_sync_pending",
                         "SELECT count(*) FROM contacts WHERE commerce7_sync_state = 'pending'"};

struct Claim {
    contacts::Contact contact;
    std::string today;  // the database's UTC day
};

std::string utc_today() {
    const auto now = std::time(nullptr);
    std::tm day{};
    gmtime_r(&now, &day);
    char text[11];
    std::strftime(text, sizeof text, "%Y-%m-%d", &day);
    return text;
}

}  // namespace

bool enabled(const Config& config) {
    return !config.commerce7_app_id.empty() && !config.commerce7_secret.empty() &&
           !config.commerce7_tenant.empty();
}

Lead lead_of(const contacts::Contact& contact) {
    return {.first_name = contact.first_name,
            .last_name = contact.last_name,
            .phone = contact.phone,
            .email = contact.email.value_or(""),
            .birthdate = contact.birthdate.value_or("")};
}

std::string enrolled_date(const contacts::Contact& contact, std::string_view today) {
    // consent.at is RFC 3339 UTC: its first ten characters are the day.
    if (contact.consent && contact.consent->at.size() >= 10) {
        return contact.consent->at.substr(0, 10);
    }
    return std::string(today);
}

std::chrono::seconds lease_for(const Timing& timing) {
    const int attempts = std::max(timing.attempts, 1);
    auto call = attempts * (timing.connect_timeout + 2 * timing.read_timeout);
    for (int attempt = 1; attempt < attempts; ++attempt) {
        call += std::max(http_client::retry_delay(attempt, {}, timing), timing.max_retry_after);
    }
    return std::chrono::ceil<std::chrono::seconds>(3 * call) + std::chrono::minutes(1);
}

bool mark_pending(Tx& tx, int64_t contact_id, const Timing& timing) {
    const auto rows =
        tx.exec(kMarkPending, contact_id, static_cast<int64_t>(lease_for(timing).count()));
    return !rows.empty() && rows[0][0].as<bool>();
}

void sync_lead(Db& db, const Config& config, const contacts::Contact& contact,
               const Timing& timing) {
    try {
        try {
            const auto customer_id =
                Client(config, timing)
                    .find_or_create(lead_of(contact), enrolled_date(contact, utc_today()));
            db.transact([&](Tx& tx) { record_synced(tx, contact.id, customer_id); });
        } catch (const Commerce7Error& error) {
            spdlog::warn("commerce7: contact {} left for the sync: {}", contact.id, error.code);
            db.transact([&](Tx& tx) { record_failed(tx, contact.id); });
        }
    } catch (const std::exception& error) {
        // Anything else (the database failing to record the outcome) must not stop the
        // caller's next step, the visitor's first SMS: the lead stays pending, and the sync
        // takes it up when its claim runs out.
        spdlog::warn("commerce7: contact {} left for the sync: {}", contact.id, log_code(error));
    }
}

void record_synced(Tx& tx, int64_t contact_id, const std::string& customer_id) {
    tx.exec(kSynced, contact_id, customer_id);
}

void record_failed(Tx& tx, int64_t contact_id) {
    const auto rows = tx.exec(kFailed, contact_id, kMaxAttempts);
    if (!rows.empty() && rows[0][0].as<bool>()) {
        spdlog::warn(
            "commerce7 sync: contact {} failed {} times; not retried until "
            "`textus-admin commerce7-sync --retry-failed`",
            contact_id, kMaxAttempts);
    }
}

int64_t requeue_failed(Tx& tx) {
    return tx.exec(kRequeue).affected_rows();
}

SyncRun sync_pending(Db& db, const Config& config, int limit, Timing timing) {
    // A configuration the client cannot use fails here, before any contact is claimed.
    Client client(config, timing);
    const auto lease = static_cast<int64_t>(lease_for(timing).count());
    SyncRun run;
    // Each contact once per run: one that fails stays pending, unclaimed, for the next run.
    int64_t after = 0;
    for (int i = 0; i < limit; ++i) {
        const auto claim = db.transact([&](Tx& tx) -> std::optional<Claim> {
            const auto rows = tx.exec(kClaim, after, lease);
            if (rows.empty()) return std::nullopt;
            // Found: the claim holds its row locked until this unit of work ends.
            return Claim{contacts::find(tx, rows[0][0].as<int64_t>()).value(),
                         rows[0][1].as<std::string>()};
        });
        if (!claim) break;
        const auto id = claim->contact.id;
        after = id;
        try {
            const auto customer_id = client.find_or_create(
                lead_of(claim->contact), enrolled_date(claim->contact, claim->today));
            db.transact([&](Tx& tx) { record_synced(tx, id, customer_id); });
            spdlog::info("commerce7 sync: contact {} synced", id);
            ++run.synced;
        } catch (const Commerce7Error& error) {
            if (error.code == "commerce7_auth") {
                // Not the contact's fault: no attempt counted, and every other would fail too.
                db.transact([&](Tx& tx) { tx.exec(kRelease, id); });
                spdlog::error("commerce7 sync: {}; run stopped", error.what());
                run.auth_refused = true;
                break;
            }
            // outcome_unknown too: the next attempt searches by phone before it would create.
            spdlog::warn("commerce7 sync: contact {}: {}: {}", id, error.code, error.what());
            db.transact([&](Tx& tx) { record_failed(tx, id); });
            ++run.failed;
        }
    }
    run.remaining = db.transact([](Tx& tx) { return tx.exec(kPending)[0][0].as<int64_t>(); });
    return run;
}

}  // namespace textus::commerce7
