#include "common/messages/message_store.h"

#include <algorithm>

#include "common/contacts/contact_store.h"
#include "common/db/db.h"
#include "common/media/media_store.h"
#include "common/messages/message_status.h"

namespace textus::messages {

namespace {

using nlohmann::json;

// The message's columns, its media (message_media(), as JSON text; NULL for none) last.
std::string columns(const std::string& media) {
    return "id, sid, contact_id, direction, channel, from_number, to_number, body,"
           " media_urls::text, status, error_code, error_message, segments, price, price_unit,"
           " sent_by, rfc3339(created_at), rfc3339(delivered_at), rfc3339(read_at), " +
           media;
}
const std::string kColumns =
    columns("CASE WHEN media_urls = '[]' THEN NULL ELSE message_media(id)::text END");
constexpr int kColumnCount = 20;  // from_row reads these

// Makes the message `m` (a CTE) its contact's latest, unless a later one is there already: two
// units on one contact may commit out of order, and the latest must never move backwards. An
// inbound one opens the conversation if it was closed or snoozed (sql/028), in the same write.
const std::string kLatest =
    "latest AS (UPDATE contacts c SET last_message_at = m.created_at, last_message_id = m.id,"
    " conversation_status = CASE WHEN m.direction = 'inbound' THEN 'open'"
    "  ELSE c.conversation_status END,"
    " snoozed_until = CASE WHEN m.direction = 'inbound' THEN NULL ELSE c.snoozed_until END"
    " FROM m WHERE c.id = m.contact_id AND (c.last_message_at IS NULL"
    " OR (c.last_message_at, coalesce(c.last_message_id, 0)) < (m.created_at, m.id)))";

// A new message is its contact's latest: the insert sets that in the same statement.
std::string inserting(const std::string& insert, const std::string& extra_columns = "") {
    return "WITH m AS (" + insert + " RETURNING *), " + kLatest + " SELECT " + kColumns +
           extra_columns + " FROM m";
}
// An inbound text, in one statement, so that the webhook's usual text (a known sender, no
// keyword) is one round trip in its own transaction (Db::single): lock the sender's contact by
// phone, insert the text linked to it, make it the contact's latest, NOTIFY the worker when an
// auto-reply is pending, and name the chats that see it. An auto-reply is pending only while
// there is an enabled rule that could make one: without rules, the worker is not bothered with
// every text. Always one row: the message's columns (NULL when nothing was inserted), whether
// the sender is a contact, the wakes sent (read so that the NOTIFY runs: a CTE that only
// reads runs when something reads it), and the chats.
const Statement kInsertInbound{
    "messages_insert_inbound",
    "WITH sender AS (SELECT id FROM contacts WHERE phone = $2 FOR UPDATE),"
    " m AS (INSERT INTO messages (sid, contact_id, direction, channel, from_number, to_number,"
    "  body, media_urls, media_types, status, segments, error_message, auto_reply_pending)"
    "  SELECT $1, sender.id, 'inbound', 'sms', $2, $3, $4, $5::jsonb, $6::jsonb, 'received', $7,"
    "  $8, $9::boolean AND EXISTS (SELECT 1 FROM auto_replies WHERE enabled)"
    "  FROM (VALUES (1)) one LEFT JOIN sender ON true"
    "  WHERE sender.id IS NOT NULL OR NOT $10::boolean"
    "  ON CONFLICT (sid) DO NOTHING RETURNING *), " +
        kLatest +
        ", woken AS (SELECT pg_notify($11::text, '') FROM m WHERE m.auto_reply_pending),"
        // Its media, pending for the worker's fetcher (common/media), which is woken too.
        " md AS (" +
        media::queue_from("m") +
        "), fetching AS (SELECT pg_notify($12::text, '') FROM (SELECT FROM md LIMIT 1) one)"
        " SELECT " +
        columns("(SELECT jsonb_agg(jsonb_build_object('id', id, 'name', name, 'contentType',"
                " content_type, 'state', state, 'bytes', bytes, 'error', error, 'fetched', true,"
                " 'version', version)"
                " ORDER BY position) FROM md)::text") +
        ", EXISTS (SELECT FROM sender), (SELECT count(*) FROM woken) + (SELECT count(*) FROM "
        "fetching),"
        " chat_audience(m.contact_id, m.id, m.chat_id, m.channel)"
        " FROM (VALUES (1)) one LEFT JOIN m ON true"};
const Statement kMakeLatest{
    "messages_make_latest",
    "WITH m AS (SELECT * FROM messages WHERE id = $1), " + kLatest + " SELECT 1"};
// A new sender's contact, made once its text proved new.
const Statement kLinkContact{
    "messages_link_contact",
    "WITH m AS (UPDATE messages SET contact_id = $2 WHERE id = $1 RETURNING *), " + kLatest +
        " SELECT " + kColumns + " FROM m"};
// A visitor's message written in the web chat: no SID, and nothing goes to Twilio.
const Statement kInsertWeb{
    "messages_insert_web",
    inserting("INSERT INTO messages (contact_id, chat_id, direction, channel, from_number,"
              " to_number, body, status, segments)"
              " VALUES ($1, $2, 'inbound', 'web', $3, $4, $5, 'received', NULL)")};
// A chat's history: the contact's messages from the chat's first on, the latest `limit`.
const Statement kSince{"messages_since", "SELECT " + kColumns +
                                             " FROM messages WHERE contact_id = $1 AND id >= $2"
                                             " AND (chat_id = $4 OR ($5 AND channel = 'sms'))"
                                             " ORDER BY created_at DESC, id DESC LIMIT $3"};
const Statement kInsertOutbound{
    "messages_insert_outbound",
    inserting(
        "INSERT INTO messages (contact_id, direction, channel, from_number, to_number, body,"
        " media_urls, status, segments, sent_by, idempotency_key, request_digest,"
        " opt_in_request, owner_until, attempts)"
        " VALUES ($1, 'outbound', 'sms', $2, $3, $4, $5::jsonb, 'queued', $6, $7, $8, $9, $10,"
        " now() + make_interval(secs => $11), CASE WHEN $11 IS NULL THEN 0 ELSE 1 END)"
        " ON CONFLICT (idempotency_key) DO NOTHING")};
const Statement kFindByKey{"messages_find_by_idempotency_key",
                           "SELECT " + kColumns +
                               ", request_digest, send_error::text,"
                               " extract(epoch FROM now() - created_at)::bigint"
                               " FROM messages WHERE idempotency_key = $1"};
const Statement kLockStatus{"messages_lock_status",
                            "SELECT status FROM messages WHERE id = $1 FOR UPDATE"};
const Statement kRecordAccepted{
    "messages_record_accepted",
    "UPDATE messages SET sid = coalesce(sid, $2), status = $3,"
    " from_number = coalesce(nullif($4, ''), from_number), segments = coalesce($5, segments),"
    " price = coalesce($6, price), price_unit = coalesce($7, price_unit), send_error = NULL"
    " WHERE id = $1 RETURNING " +
        kColumns};
const Statement kRecordRefused{"messages_record_refused",
                               "UPDATE messages SET send_error = $2::jsonb,"
                               " status = CASE WHEN $3 THEN 'failed' ELSE status END,"
                               " error_code = CASE WHEN $3 THEN $4 ELSE error_code END,"
                               " error_message = CASE WHEN $3 THEN $5 ELSE error_message END"
                               " WHERE id = $1 RETURNING " +
                                   kColumns};
const Statement kLockById{"messages_lock_by_id",
                          "SELECT id, status, sid FROM messages"
                          " WHERE id = $1 AND (sid IS NULL OR sid = $2) FOR UPDATE"};
const Statement kLockBySid{"messages_lock_by_sid",
                           "SELECT id, status, sid FROM messages WHERE sid = $1 FOR UPDATE"};
const Statement kUpdateStatus{
    "messages_update_status",
    "UPDATE messages SET sid = coalesce(sid, $2), status = $3,"
    " error_code = coalesce($4, error_code), error_message = coalesce($5, error_message),"
    " delivered_at = CASE WHEN $3 = 'delivered' THEN coalesce(delivered_at, now())"
    "                ELSE delivered_at END"
    " WHERE id = $1 RETURNING " +
        kColumns};

const Statement kList{"messages_list",
                      "SELECT " + kColumns +
                          " FROM messages m WHERE ($1::bigint IS NULL OR m.contact_id = $1)"
                          // The customer's number: each side has its own index.
                          " AND ($2::text IS NULL"
                          "      OR (m.direction = 'inbound' AND m.from_number = $2)"
                          "      OR (m.direction = 'outbound' AND m.to_number = $2))"
                          " AND ($3::text IS NULL OR m.direction = $3)"
                          " AND ($4::bigint IS NULL OR (m.created_at, m.id) <"
                          "      (SELECT b.created_at, b.id FROM messages b WHERE b.id = $4))"
                          " ORDER BY m.created_at DESC, m.id DESC LIMIT $5"};
const Statement kFindMany{"messages_find_many",
                          "SELECT " + kColumns + " FROM messages WHERE id = ANY($1::bigint[])"};
const Statement kMarkRead{"messages_mark_read",
                          "UPDATE messages SET read_at = now() WHERE contact_id = $1"
                          " AND direction = 'inbound' AND read_at IS NULL"};

Message from_row(const pqxx::row& row) {
    Message m;
    m.id = row[0].as<int64_t>();
    m.sid = nullable(row[1]);
    if (!row[2].is_null()) m.contact_id = row[2].as<int64_t>();
    m.direction = row[3].as<std::string>();
    m.channel = row[4].as<std::string>();
    m.from = row[5].as<std::string>();
    m.to = row[6].as<std::string>();
    m.body = row[7].as<std::string>();
    m.media_urls = json::parse(row[8].as<std::string>()).get<std::vector<std::string>>();
    m.status = row[9].as<std::string>();
    m.error_code = nullable<int>(row[10]);
    m.error_message = nullable(row[11]);
    m.segments = nullable<int>(row[12]);
    m.price = nullable(row[13]);
    m.price_unit = nullable(row[14]);
    m.sent_by = nullable(row[15]);
    m.created_at = row[16].as<std::string>();
    m.delivered_at = nullable(row[17]);
    m.read_at = nullable(row[18]);
    if (!row[19].is_null())
        m.media = media::items_from_json(json::parse(row[19].as<std::string>()));
    return m;
}

}  // namespace

StoredInbound insert_inbound(Tx& tx, const Inbound& in, bool may_reply, bool known_sender_only,
                             std::string_view wake) {
    const auto row =
        tx.exec(kInsertInbound, in.sid, in.from, in.to, in.body, json(in.media_urls).dump(),
                json(in.media_types).dump(), in.segments, in.media_problem, may_reply,
                known_sender_only, wake, media::kChannel)[0];
    const auto at = kColumnCount;
    StoredInbound out{.sender_known = row[at].as<bool>()};
    if (row[0].is_null()) return out;
    out.message = from_row(row);
    out.chats = array_of(row[at + 2]);
    return out;
}

Message link_contact(Tx& tx, int64_t id, int64_t contact_id) {
    return from_row(tx.exec(kLinkContact, id, contact_id)[0]);
}

Message insert_web(Tx& tx, int64_t contact_id, int64_t chat_id, const std::string& from,
                   const std::string& to, const std::string& body) {
    return from_row(tx.exec(kInsertWeb, contact_id, chat_id, from, to, body)[0]);
}

std::vector<Message> since(Tx& tx, int64_t contact_id, int64_t first_id, int limit, int64_t chat_id,
                           bool with_sms) {
    std::vector<Message> out;
    for (const auto& row : tx.exec(kSince, contact_id, first_id, limit, chat_id, with_sms)) {
        out.push_back(from_row(row));
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::optional<Message> insert_outbound(Tx& tx, const Outbound& out) {
    const auto rows =
        tx.exec(kInsertOutbound, out.contact_id, out.from, out.to, out.body,
                json(out.media_urls).dump(), out.segments, out.sent_by, out.idempotency_key,
                out.request_digest, out.opt_in_request, out.owner_seconds);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

std::optional<KeyedSend> find_by_idempotency_key(Tx& tx, const std::string& key) {
    const auto rows = tx.exec(kFindByKey, key);
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    const auto columns = row.size();
    const auto send_error = nullable(row[columns - 2]);
    return KeyedSend{.message = from_row(row),
                     .request_digest = nullable(row[columns - 3]).value_or(""),
                     .send_error = send_error ? json::parse(*send_error) : json(nullptr),
                     .age_seconds = row[columns - 1].as<int64_t>()};
}

Message record_accepted(Tx& tx, int64_t id, const Accepted& accepted) {
    const auto current = tx.exec(kLockStatus, id)[0][0].as<std::string>();
    const auto status = std::string(message_status::advance(current, accepted.status));
    return from_row(tx.exec(kRecordAccepted, id, accepted.sid, status, accepted.from,
                            accepted.segments, accepted.price, accepted.price_unit)[0]);
}

Message record_refused(Tx& tx, int64_t id, const Refused& refused) {
    return from_row(tx.exec(kRecordRefused, id, refused.send_error.dump(), refused.failed,
                            refused.error_code, refused.error_message)[0]);
}

std::optional<AppliedStatus> apply_status(Tx& tx, const StatusUpdate& update) {
    auto rows =
        update.message_id ? tx.exec(kLockById, *update.message_id, update.sid) : pqxx::result();
    if (rows.empty()) rows = tx.exec(kLockBySid, update.sid);
    if (rows.empty()) return std::nullopt;
    const auto id = rows[0][0].as<int64_t>();
    const auto current = rows[0][1].as<std::string>();
    const bool new_sid = rows[0][2].is_null();
    if (!message_status::moves_forward(current, update.status)) {
        // A late or repeated callback: the SID may still be new to us (the send died before
        // storing it), the status stays.
        if (!new_sid) return AppliedStatus{from_row(tx.exec(kFindMany, std::vector{id})[0]), false};
        return AppliedStatus{from_row(tx.exec(kUpdateStatus, id, update.sid, current, std::nullopt,
                                              std::nullopt)[0]),
                             true};
    }
    return AppliedStatus{from_row(tx.exec(kUpdateStatus, id, update.sid, update.status,
                                          update.error_code, update.error_message)[0]),
                         true};
}

MessagePage list(Tx& tx, const MessageQuery& q) {
    tx.plan_for_values();
    // One more than the page: whether there is a next one.
    const auto rows = tx.exec(kList, q.contact_id, q.phone, q.direction, q.before, q.limit + 1);
    MessagePage page;
    for (const auto& row : rows) {
        if (static_cast<int>(page.messages.size()) == q.limit) {
            page.next_before = page.messages.back().id;
            break;
        }
        page.messages.push_back(from_row(row));
    }
    return page;
}

void make_latest(Tx& tx, int64_t id) {
    tx.exec(kMakeLatest, id);
}

std::vector<Message> find_many(Tx& tx, const std::vector<int64_t>& ids) {
    std::vector<Message> out;
    for (const auto& row : tx.exec(kFindMany, ids)) out.push_back(from_row(row));
    return out;
}

std::optional<int64_t> mark_read(Tx& tx, int64_t contact_id) {
    if (!contacts::exists(tx, contact_id)) return std::nullopt;
    return tx.exec(kMarkRead, contact_id).affected_rows();
}

}  // namespace textus::messages
