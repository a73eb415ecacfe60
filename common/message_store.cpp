#include "common/message_store.h"

#include "common/db.h"
#include "common/message_status.h"

namespace textus::messages {

namespace {

using nlohmann::json;

const std::string kColumns =
    "id, sid, contact_id, direction, channel, from_number, to_number, body, media_urls::text,"
    " status, error_code, error_message, segments, price, price_unit, sent_by,"
    " rfc3339(created_at), rfc3339(delivered_at), rfc3339(read_at)";

const Statement kInsertInbound{
    "messages_insert_inbound",
    "INSERT INTO messages (sid, contact_id, direction, channel, from_number, to_number, body,"
    " media_urls, media_types, status, segments)"
    " VALUES ($1, $2, 'inbound', 'sms', $3, $4, $5, $6::jsonb, $7::jsonb, 'received', $8)"
    " ON CONFLICT (sid) DO NOTHING RETURNING " +
        kColumns};
const Statement kLatest{"messages_contact_latest",
                        "UPDATE contacts SET last_message_at = $2::timestamptz,"
                        " last_message_id = $3 WHERE id = $1"};
const Statement kLockById{"messages_lock_by_id",
                          "SELECT id, status FROM messages"
                          " WHERE id = $1 AND (sid IS NULL OR sid = $2) FOR UPDATE"};
const Statement kLockBySid{"messages_lock_by_sid",
                           "SELECT id, status FROM messages WHERE sid = $1 FOR UPDATE"};
const Statement kUpdateStatus{
    "messages_update_status",
    "UPDATE messages SET sid = coalesce(sid, $2), status = $3,"
    " error_code = coalesce($4, error_code), error_message = coalesce($5, error_message),"
    " delivered_at = CASE WHEN $3 = 'delivered' THEN coalesce(delivered_at, now())"
    "                ELSE delivered_at END"
    " WHERE id = $1 RETURNING " +
        kColumns};

std::optional<std::string> text(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return field.as<std::string>();
}

std::optional<int> integer(const pqxx::field& field) {
    if (field.is_null()) return std::nullopt;
    return field.as<int>();
}

Message from_row(const pqxx::row& row) {
    Message m;
    m.id = row[0].as<int64_t>();
    m.sid = text(row[1]);
    if (!row[2].is_null()) m.contact_id = row[2].as<int64_t>();
    m.direction = row[3].as<std::string>();
    m.channel = row[4].as<std::string>();
    m.from = row[5].as<std::string>();
    m.to = row[6].as<std::string>();
    m.body = row[7].as<std::string>();
    m.media_urls = json::parse(row[8].as<std::string>()).get<std::vector<std::string>>();
    m.status = row[9].as<std::string>();
    m.error_code = integer(row[10]);
    m.error_message = text(row[11]);
    m.segments = integer(row[12]);
    m.price = text(row[13]);
    m.price_unit = text(row[14]);
    m.sent_by = text(row[15]);
    m.created_at = row[16].as<std::string>();
    m.delivered_at = text(row[17]);
    m.read_at = text(row[18]);
    return m;
}

}  // namespace

std::optional<Message> insert_inbound(Tx& tx, const Inbound& in,
                                      std::optional<int64_t> contact_id) {
    const auto rows = tx.exec(kInsertInbound, in.sid, contact_id, in.from, in.to, in.body,
                              json(in.media_urls).dump(), json(in.media_types).dump(), in.segments);
    if (rows.empty()) return std::nullopt;
    auto message = from_row(rows[0]);
    if (contact_id) tx.exec(kLatest, *contact_id, message.created_at, message.id);
    return message;
}

std::optional<Message> apply_status(Tx& tx, const StatusUpdate& update) {
    auto rows =
        update.message_id ? tx.exec(kLockById, *update.message_id, update.sid) : pqxx::result();
    if (rows.empty()) rows = tx.exec(kLockBySid, update.sid);
    if (rows.empty()) return std::nullopt;
    const auto id = rows[0][0].as<int64_t>();
    const auto current = rows[0][1].as<std::string>();
    if (!message_status::moves_forward(current, update.status)) {
        // A late or repeated callback: the SID may still be new to us (the send died before
        // storing it), the status stays.
        return from_row(
            tx.exec(kUpdateStatus, id, update.sid, current, std::nullopt, std::nullopt)[0]);
    }
    return from_row(tx.exec(kUpdateStatus, id, update.sid, update.status, update.error_code,
                            update.error_message)[0]);
}

}  // namespace textus::messages
