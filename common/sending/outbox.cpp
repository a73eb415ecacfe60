#include "common/sending/outbox.h"

#include "common/db/db.h"
#include "common/messages/message_store.h"
#include "common/sending/chat.h"

namespace textus::outbox {

namespace {

const Statement kWake{"outbox_wake", "SELECT pg_notify('" + std::string(kChannel) + "', '')"};

// The queued rows without a SID: messages_outbox_idx holds exactly these.
const std::string kQueued = "direction = 'outbound' AND status = 'queued' AND sid IS NULL";

// What a claim returns of its row. The number's consent is read again: its last word may be a
// STOP given since the row was written. One written with or after the opt-out was decided
// knowing it (the opt-out's own confirmation).
const std::string kClaimed =
    " RETURNING m.id, m.attempts, extract(epoch FROM now() - m.created_at)::bigint,"
    " rfc3339(m.created_at - make_interval(secs => $2)),"
    " coalesce((SELECT e.kind = 'opt_out' AND e.created_at > m.created_at FROM consent_events e"
    "  WHERE e.phone = m.to_number AND e.kind IN ('opt_in', 'opt_out')"
    "  ORDER BY e.created_at DESC, e.id DESC LIMIT 1), false)";

const Statement kClaimUnowned{
    "outbox_claim_unowned",
    "WITH next AS (SELECT id FROM messages WHERE " + kQueued +
        " AND owner_until IS NULL ORDER BY owner_until NULLS FIRST, id LIMIT 1"
        " FOR UPDATE SKIP LOCKED)"
        " UPDATE messages m SET owner_until = now() + make_interval(secs => $1),"
        " attempts = m.attempts + 1 FROM next WHERE m.id = next.id" +
        kClaimed};
const Statement kClaimUnsettled{
    "outbox_claim_unsettled",
    "WITH next AS (SELECT id FROM messages WHERE " + kQueued +
        " AND owner_until < now() ORDER BY owner_until, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
        " UPDATE messages m SET owner_until = now() + make_interval(secs => $1)"
        " FROM next WHERE m.id = next.id" +
        kClaimed};
const Statement kClaimStale{
    "outbox_claim_stale",
    "WITH next AS (SELECT id FROM messages WHERE direction = 'outbound' AND sid IS NOT NULL"
    " AND status IN ('scheduled', 'accepted', 'queued', 'sending', 'sent', 'partially_delivered')"
    " AND created_at < now() - make_interval(secs => $1)"
    " AND created_at > now() - make_interval(days => $2)"
    " AND (owner_until IS NULL OR owner_until < now())"
    " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " UPDATE messages m SET owner_until = now() + make_interval(secs => $1)"
    " FROM next WHERE m.id = next.id RETURNING m.id, m.sid"};
const Statement kCountAttempt{"outbox_count_attempt",
                              "UPDATE messages SET attempts = attempts + 1 WHERE id = $1"};
const Statement kKnownSids{"outbox_known_sids",
                           "SELECT sid FROM messages WHERE sid = ANY($1::text[])"};
const Statement kClaimPendingReply{
    "outbox_claim_pending_reply",
    "WITH next AS (SELECT id FROM messages WHERE auto_reply_pending ORDER BY id LIMIT 1"
    " FOR UPDATE SKIP LOCKED)"
    " UPDATE messages m SET auto_reply_pending = false FROM next WHERE m.id = next.id"
    " RETURNING m.id, m.contact_id, m.sid, m.body, m.from_number, m.to_number"};
const Statement kDropPendingReply{
    "outbox_drop_pending_reply",
    "UPDATE messages SET auto_reply_pending = false WHERE id = $1 AND auto_reply_pending"
    " RETURNING id"};

std::optional<Claimed> claimed(Tx& tx, const pqxx::result& rows) {
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    const auto id = row[0].as<int64_t>();
    Claimed out{.message = messages::find_many(tx, {id}).at(0),
                .attempts = row[1].as<int>(),
                .age_seconds = row[2].as<int64_t>(),
                .created_after = row[3].as<std::string>(),
                .opted_out = row[4].as<bool>()};
    out.chats = chat::audience(tx, id);
    return out;
}

}  // namespace

void wake(Tx& tx) {
    tx.exec(kWake);
}

std::optional<Claimed> claim_unowned(Tx& tx) {
    return claimed(tx, tx.exec(kClaimUnowned, kLeaseSeconds, kClockSkewSeconds));
}

std::optional<Claimed> claim_unsettled(Tx& tx) {
    return claimed(tx, tx.exec(kClaimUnsettled, kLeaseSeconds, kClockSkewSeconds));
}

std::optional<Stale> claim_stale(Tx& tx) {
    const auto rows = tx.exec(kClaimStale, kStaleSeconds, kStaleDays);
    if (rows.empty()) return std::nullopt;
    return Stale{rows[0][0].as<int64_t>(), rows[0][1].as<std::string>()};
}

void count_attempt(Tx& tx, int64_t id) {
    tx.exec(kCountAttempt, id);
}

std::set<std::string> known_sids(Tx& tx, const std::vector<std::string>& sids) {
    std::set<std::string> out;
    for (const auto& row : tx.exec(kKnownSids, sids)) out.insert(row[0].as<std::string>());
    return out;
}

std::optional<twilio::Message> match(const Claimed& claimed,
                                     const std::vector<twilio::Message>& listed,
                                     const std::set<std::string>& known) {
    const auto& ours = claimed.message;
    for (const auto& theirs : listed) {  // newest first, as Twilio lists them
        if (theirs.inbound() || theirs.to != ours.to || theirs.body != ours.body) continue;
        if (known.contains(theirs.sid)) continue;
        const auto created = twilio::to_rfc3339(theirs.date_created);
        if (!created || *created < claimed.created_after) continue;
        return theirs;
    }
    return std::nullopt;
}

Unsettled settle_decision(const Claimed& claimed) {
    const bool fresh = claimed.age_seconds < kResendWithinSeconds;
    return claimed.attempts < kMaxAttempts && fresh ? Unsettled::resend : Unsettled::fail;
}

HttpError unconfirmed() {
    return HttpError(502, "send_unconfirmed",
                     "Twilio never confirmed this message and does not list it: it was not "
                     "sent; send it again if it is still wanted");
}

std::optional<PendingReply> claim_pending_reply(Tx& tx) {
    const auto rows = tx.exec(kClaimPendingReply);
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    PendingReply out{.message_id = row[0].as<int64_t>()};
    if (row[1].is_null()) return out;  // its contact was deleted since: no reply
    out.contact_id = row[1].as<int64_t>();
    out.text.sid = row[2].as<std::string>();
    out.text.body = row[3].as<std::string>();
    out.text.from = row[4].as<std::string>();
    out.text.to = row[5].as<std::string>();
    return out;
}

bool drop_pending_reply(Tx& tx, int64_t message_id) {
    return !tx.exec(kDropPendingReply, message_id).empty();
}

}  // namespace textus::outbox
