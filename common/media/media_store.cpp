#include "common/media/media_store.h"

#include "common/core/crypto.h"
#include "common/core/error.h"
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
                       " stored_at = now(), claimed_until = NULL, error = NULL,"
                       " version = nextval('media_versions')"
                       " WHERE id = $1 AND state = 'pending'"};
const Statement kRetryLater{"media_retry_later",
                            "UPDATE media SET claimed_until = NULL, error = $3,"
                            " next_attempt_at = now() + make_interval(secs => $2)"
                            " WHERE id = $1 AND state = 'pending'"};
const Statement kFail{"media_fail",
                      "UPDATE media SET state = 'failed', claimed_until = NULL, error = $2,"
                      " version = nextval('media_versions')"
                      " WHERE id = $1 AND state = 'pending'"};
const Statement kRetry{
    "media_retry",
    "WITH r AS (UPDATE media SET state = 'pending', attempts = 0, next_attempt_at = now(),"
    "  error = NULL, version = nextval('media_versions') WHERE id = $1 AND state = 'failed' AND "
    "source_url IS NOT NULL"
    "  RETURNING message_id)"
    " SELECT r.message_id, pg_notify($2, '') FROM r"};
const Statement kSaveUpload{
    "media_save_upload",
    "INSERT INTO media (name, content_type, state, content, bytes, uploaded_by, stored_at)"
    " VALUES ($1, $2, 'stored', decode($3, 'hex'), length(decode($3, 'hex')), $4, now())"
    " RETURNING id, bytes, version"};
// The uploads in the order given, taken only when every one is free, and their bytes together
// within the limit: else nothing is changed.
const Statement kAttach{
    "media_attach",
    "WITH wanted AS (SELECT u.id, u.ordinality - 1 AS position"
    "  FROM unnest($2::bigint[]) WITH ORDINALITY AS u (id, ordinality)),"
    " free AS (SELECT d.id, w.position, d.bytes FROM media d JOIN wanted w ON w.id = d.id"
    "  WHERE d.message_id IS NULL AND d.source_url IS NULL AND d.state = 'stored' FOR UPDATE OF d),"
    " ok AS (SELECT count(*) = cardinality($2::bigint[]) AND sum(bytes) <= $3 AS ok FROM free)"
    " UPDATE media d SET message_id = $1, position = f.position FROM free f, ok"
    " WHERE d.id = f.id AND ok.ok"
    " RETURNING d.id, d.name, d.content_type, d.bytes, d.position, d.version"};
const Statement kUploadContent{"media_upload_content",
                               "SELECT content_type, content FROM media WHERE name = $1"
                               " AND source_url IS NULL AND state = 'stored'"};
const Statement kExpire{
    "media_expire",
    "UPDATE media SET state = 'deleted', content = NULL, claimed_until = NULL,"
    " version = nextval('media_versions') WHERE id IN ("
    " SELECT id FROM media WHERE state <> 'deleted' AND message_id IS NOT NULL"
    " AND created_at < now() - make_interval(days => $1) ORDER BY created_at LIMIT $2)"};
const Statement kDropAbandoned{
    "media_drop_abandoned",
    "DELETE FROM media WHERE id IN (SELECT id FROM media WHERE message_id IS NULL"
    " AND created_at < now() - make_interval(hours => $1) ORDER BY created_at LIMIT $2)"};
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
           " RETURNING id, position, name, content_type, state, bytes, error, version";
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

Item save_upload(Tx& tx, std::string_view bytes, std::string_view content_type,
                 std::optional<int64_t> uploaded_by) {
    // 128 random bits: the name is what lets Twilio, and nobody else, fetch it.
    const auto name = crypto::hex(crypto::random_bytes(16));
    const auto row = tx.exec(kSaveUpload, name, content_type, crypto::hex(bytes), uploaded_by)[0];
    return {.id = row[0].as<int64_t>(),
            .name = name,
            .content_type = std::string(content_type),
            .state = "stored",
            .bytes = row[1].as<int64_t>(),
            .error = std::nullopt,
            .fetched = false,
            .version = row[2].as<int64_t>()};
}

std::vector<Item> attach(Tx& tx, int64_t message_id, const std::vector<int64_t>& ids) {
    std::vector<Item> items(ids.size());
    const auto rows = tx.exec(kAttach, message_id, ids, static_cast<int64_t>(kMaxBytes));
    if (rows.size() != ids.size()) {
        throw HttpError(422, "invalid_media",
                        "mediaIds must name pictures uploaded for this send, at most 5 MB "
                        "together, that no other send took",
                        "mediaIds");
    }
    for (const auto& row : rows) {
        items[row[4].as<size_t>()] = {.id = row[0].as<int64_t>(),
                                      .name = row[1].as<std::string>(),
                                      .content_type = row[2].as<std::string>(),
                                      .state = "stored",
                                      .bytes = row[3].as<int64_t>(),
                                      .error = std::nullopt,
                                      .fetched = false,
                                      .version = row[5].as<int64_t>()};
    }
    return items;
}

std::optional<std::string> upload_content(Tx& tx, std::string_view name, std::string& bytes) {
    const auto rows = tx.exec(kUploadContent, name);
    if (rows.empty()) return std::nullopt;
    bytes = pqxx::binarystring(rows[0][1]).str();
    return rows[0][0].as<std::string>();
}

Expired expire(Tx& tx, int64_t days, int batch) {
    const auto deleted = tx.exec(kExpire, days, batch).affected_rows();
    const auto abandoned = tx.exec(kDropAbandoned, kAbandonedUploadHours, batch).affected_rows();
    return {static_cast<int64_t>(deleted), static_cast<int64_t>(abandoned)};
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
