#include "common/outreach/campaign_queue.h"

#include "common/db/db.h"

namespace textus::campaign {

namespace {

using nlohmann::json;

// The first pending recipient of the soonest due active campaign, not held for quiet hours
// and not claimed by another worker.
const Statement kClaim{
    "campaign_claim",
    "SELECT r.id, r.campaign_id, r.contact_id, ct.phone, c.body, c.created_by"
    " FROM campaigns c CROSS JOIN LATERAL (SELECT r.id, r.campaign_id, r.contact_id"
    "  FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status = 'pending'"
    "  AND (r.not_before IS NULL OR r.not_before <= now())"
    "  ORDER BY r.id LIMIT 1 FOR UPDATE SKIP LOCKED) r"
    " LEFT JOIN contacts ct ON ct.id = r.contact_id"
    " WHERE c.status = 'active' AND c.send_at <= now() ORDER BY c.send_at, c.id LIMIT 1"};
const Statement kHold{"campaign_hold",
                      "UPDATE campaign_recipients SET not_before = $2, updated_at = now()"
                      " WHERE id = $1"};
const Statement kMarkSending{"campaign_mark_sending",
                             "UPDATE campaign_recipients SET status = 'sending', message_id = $2,"
                             " updated_at = now() WHERE id = $1"};
const Statement kSkip{"campaign_skip",
                      "UPDATE campaign_recipients SET status = 'skipped', skip_reason = $2,"
                      " updated_at = now() WHERE id = $1 AND status = 'pending'"};
const Statement kFail{"campaign_fail",
                      "UPDATE campaign_recipients SET status = 'failed', error = $2::jsonb,"
                      " updated_at = now() WHERE id = $1 AND status = 'pending'"};
const Statement kPauseForError{"campaign_pause_for_error",
                               "UPDATE campaigns SET status = 'paused', paused_error = $2::jsonb,"
                               " updated_at = now() WHERE id = $1 AND status = 'active'"};
const Statement kCompleteFinished{
    "campaign_complete_finished",
    "UPDATE campaigns c SET status = 'completed', completed_at = now(), updated_at = now()"
    " WHERE c.status = 'active' AND c.send_at <= now() AND NOT EXISTS (SELECT 1"
    "  FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status = 'pending')"
    " RETURNING c.id"};

}  // namespace

std::optional<Turn> claim(Tx& tx) {
    const auto rows = tx.exec(kClaim);
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    return Turn{.recipient_id = row[0].as<int64_t>(),
                .campaign_id = row[1].as<int64_t>(),
                .contact_id = nullable<int64_t>(row[2]),
                .phone = row[3].is_null() ? "" : row[3].as<std::string>(),
                .body = row[4].as<std::string>(),
                .created_by = row[5].as<std::string>()};
}

void hold(Tx& tx, int64_t recipient_id, const std::string& until) {
    tx.exec(kHold, recipient_id, until);
}

void mark_sending(Tx& tx, int64_t recipient_id, int64_t message_id) {
    tx.exec(kMarkSending, recipient_id, message_id);
}

bool skip(Tx& tx, int64_t recipient_id, std::string_view reason) {
    return tx.exec(kSkip, recipient_id, reason).affected_rows() == 1;
}

bool fail(Tx& tx, int64_t recipient_id, const json& error) {
    return tx.exec(kFail, recipient_id, error.dump()).affected_rows() == 1;
}

void pause_for_error(Tx& tx, int64_t campaign_id, const json& error) {
    tx.exec(kPauseForError, campaign_id, error.dump());
}

std::vector<int64_t> complete_finished(Tx& tx) {
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec(kCompleteFinished)) ids.push_back(row[0].as<int64_t>());
    return ids;
}

}  // namespace textus::campaign
