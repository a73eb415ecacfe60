#include "common/outreach/wait_alert_store.h"

#include "common/db/db.h"

namespace textus::wait_alert {

namespace {

// Open conversations with a message in the look-back (contacts_working_idx), each with its
// first inbound text since our last answer; then the people it is due for, not yet claimed.
const Statement kClaim{
    "wait_alert_claim",
    "WITH waits AS ("
    "  SELECT c.id AS contact_id, c.assignee_id,"
    "   (SELECT i.id FROM messages i WHERE i.contact_id = c.id AND i.direction = 'inbound'"
    "    AND i.created_at > coalesce((SELECT max(o.created_at) FROM messages o"
    "     WHERE o.contact_id = c.id AND o.direction = 'outbound'"
    "     AND o.sent_by IS DISTINCT FROM 'auto'), '-infinity')"
    "    ORDER BY i.created_at, i.id LIMIT 1) AS since_id"
    "  FROM contacts c WHERE c.conversation_status = 'open' AND c.last_message_at IS NOT NULL"
    "  AND c.last_message_at > now() - make_interval(hours => $2)),"
    " due AS ("
    "  SELECT u.id AS user_id, w.contact_id, w.since_id FROM waits w"
    "  JOIN messages s ON s.id = w.since_id"
    "  JOIN users u ON u.email_after_minutes IS NOT NULL AND u.disabled_at IS NULL"
    "   AND (u.id = w.assignee_id OR (w.assignee_id IS NULL"
    "    AND u.email_scope = 'mine_and_unassigned'))"
    "  WHERE s.created_at <= now() - make_interval(mins => u.email_after_minutes)"
    "  AND s.created_at > now() - make_interval(hours => $2)"
    "  AND NOT EXISTS (SELECT FROM email_alerts a WHERE a.user_id = u.id"
    "   AND a.contact_id = w.contact_id AND a.waiting_since = w.since_id)"
    "  LIMIT $1)"
    " INSERT INTO email_alerts (user_id, contact_id, waiting_since)"
    " SELECT user_id, contact_id, since_id FROM due ON CONFLICT DO NOTHING RETURNING id"};
const Statement kDetails{
    "wait_alert_details",
    "SELECT a.id, u.email, u.email_after_minutes, c.assignee_id IS NULL, u.email_with_body,"
    " c.id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), c.phone,"
    " rfc3339(s.created_at), s.body"
    " FROM email_alerts a JOIN users u ON u.id = a.user_id JOIN contacts c ON c.id = a.contact_id"
    " JOIN messages s ON s.id = a.waiting_since WHERE a.id = ANY($1::bigint[]) ORDER BY a.id"};
const Statement kSent{"wait_alert_sent", "UPDATE email_alerts SET sent_at = now() WHERE id = $1"};
const Statement kFailed{"wait_alert_failed", "UPDATE email_alerts SET failed = $2 WHERE id = $1"};
const Statement kRelease{"wait_alert_release", "DELETE FROM email_alerts WHERE id = $1"};
const Statement kAbandon{"wait_alert_abandon",
                         "UPDATE email_alerts SET failed = 'left unfinished by a stopped worker'"
                         " WHERE sent_at IS NULL AND failed IS NULL"
                         " AND created_at < now() - make_interval(mins => $1)"};

}  // namespace

std::vector<Due> claim_due(Tx& tx, int limit) {
    std::vector<int64_t> ids;
    for (const auto& row : tx.exec(kClaim, limit, kLookBackHours))
        ids.push_back(row[0].as<int64_t>());
    std::vector<Due> out;
    if (ids.empty()) return out;
    for (const auto& row : tx.exec(kDetails, ids)) {
        out.push_back({row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<int>(),
                       row[3].as<bool>(), row[4].as<bool>(), row[5].as<int64_t>(),
                       row[6].as<std::string>(), row[7].as<std::string>(), row[8].as<std::string>(),
                       row[9].is_null() ? "" : row[9].as<std::string>()});
    }
    return out;
}

void sent(Tx& tx, int64_t alert_id) {
    tx.exec(kSent, alert_id);
}

void failed(Tx& tx, int64_t alert_id, std::string_view reason) {
    tx.exec(kFailed, alert_id, reason);
}

void release(Tx& tx, int64_t alert_id) {
    tx.exec(kRelease, alert_id);
}

int64_t abandon_stale(Tx& tx) {
    return tx.exec(kAbandon, kStaleMinutes).affected_rows();
}

}  // namespace textus::wait_alert
