#include "common/media/media_store.h"

#include "common/core/crypto.h"
#include "common/db/db.h"

namespace textus::media {

namespace {

const Statement kQueue{"media_queue",
                       "WITH m AS (SELECT * FROM messages WHERE id = $1),"
                       " q AS (" +
                           queue_from("m") +
                           ")"
                           " SELECT pg_notify($2, '') FROM (SELECT 1 FROM q LIMIT 1) one"};
const Statement kClaim{
    "media_claim",
    "UPDATE media SET claimed_until = now() + make_interval(secs => $1),"
    " attempts = attempts + 1"
    " WHERE id = (SELECT id FROM media WHERE state = 'pending' AND next_attempt_at <= now()"
    "  AND source_url IS NOT NULL AND (claimed_until IS NULL OR claimed_until < now())"
    "  ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
    " RETURNING id, message_id, source_url, content_type, attempts"};
// The content goes as hex text: the one DB helper sends parameters as text.
const Statement kStore{"media_store",
                       "UPDATE media SET state = 'stored', content = decode($2, 'hex'),"
                       " content_type = $3, bytes = length(decode($2, 'hex')),"
                       " stored_at = now(), claimed_until = NULL, error = NULL"
                       " WHERE id = $1 AND state = 'pending'"};
const Statement kRetryLater{"media_retry_later",
                            "UPDATE media SET claimed_until = NULL, error = $3,"
                            " next_attempt_at = now() + make_interval(secs => $2)"
                            " WHERE id = $1 AND state = 'pending'"};
const Statement kFail{"media_fail",
                      "UPDATE media SET state = 'failed', claimed_until = NULL, error = $2"
                      " WHERE id = $1 AND state = 'pending'"};
const Statement kRetry{
    "media_retry",
    "WITH r AS (UPDATE media SET state = 'pending', attempts = 0, next_attempt_at = now(),"
    "  error = NULL WHERE id = $1 AND state = 'failed' AND source_url IS NOT NULL"
    "  RETURNING message_id)"
    " SELECT r.message_id, pg_notify($2, '') FROM r"};
const Statement kFind{"media_find",
                      "SELECT content_type, state, error, content FROM media WHERE id = $1"};

}  // namespace

std::string queue_from(std::string_view messages) {
    const std::string m(messages);
    return "INSERT INTO media (message_id, position, name, source_url, content_type)"
           " SELECT " +
           m +
           ".id, u.ordinality - 1, replace(gen_random_uuid()::text, '-', ''),"
           " u.value, coalesce(nullif(" +
           m +
           ".media_types ->> (u.ordinality - 1)::int, ''),"
           " 'application/octet-stream') FROM " +
           m + " CROSS JOIN LATERAL jsonb_array_elements_text(" + m +
           ".media_urls)"
           " WITH ORDINALITY AS u (value, ordinality)"
           " RETURNING id, position, name, content_type, state, bytes, error";
}

void queue(Tx& tx, int64_t id) {
    tx.exec(kQueue, id, kChannel);
}

std::optional<Claimed> claim_due(Tx& tx) {
    const auto rows = tx.exec(kClaim, kClaimSeconds);
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    return Claimed{row[0].as<int64_t>(), row[1].is_null() ? 0 : row[1].as<int64_t>(),
                   row[2].as<std::string>(), row[3].as<std::string>(), row[4].as<int>()};
}

bool store(Tx& tx, int64_t id, std::string_view content_type, std::string_view bytes) {
    return tx.exec(kStore, id, crypto::hex(bytes), content_type).affected_rows() == 1;
}

void retry_later(Tx& tx, int64_t id, int64_t retry_in_seconds, std::string_view error) {
    tx.exec(kRetryLater, id, retry_in_seconds, error);
}

void fail(Tx& tx, int64_t id, std::string_view error) {
    tx.exec(kFail, id, error);
}

std::optional<int64_t> retry(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kRetry, id, kChannel);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<int64_t>();
}

std::optional<Content> find(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kFind, id);
    if (rows.empty()) return std::nullopt;
    const auto& row = rows[0];
    Content c{row[0].as<std::string>(), row[1].as<std::string>(), nullable(row[2]), {}};
    if (!row[3].is_null()) c.bytes = pqxx::binarystring(row[3]).str();
    return c;
}

}  // namespace textus::media
