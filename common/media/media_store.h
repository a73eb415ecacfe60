// Media in PostgreSQL (sql/032_media.sql): inbound items waiting for the worker, their content
// once fetched, and the copy staff and Twilio read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/media/media.h"

namespace textus {
class Tx;
}

namespace textus::media {

// The channel PostgreSQL's NOTIFY wakes the worker's fetcher on: an inbound item is pending.
inline constexpr std::string_view kChannel = "textus_media";

// "INSERT INTO media ... SELECT ... FROM <messages>": a pending item for each of the media_urls
// of the rows of `messages` (a CTE or table name), in order, named at random, RETURNING the
// columns message_media() shows. For a statement that inserts a message and its media at once.
std::string queue_from(std::string_view messages);

// The media of message `id` (stored with Twilio's media_urls) pending for the worker; wakes it
// on commit.
void queue(Tx& tx, int64_t id);

// An inbound item a worker took: it holds it for kClaimSeconds.
struct Claimed {
    int64_t id = 0;
    int64_t message_id = 0;
    std::string source_url;  // Twilio's
    std::string declared_type;
    int attempts = 0;  // this one included
};

// The pending item due longest ago that no worker holds (or whose holder's time ran out), its
// attempt counted.
std::optional<Claimed> claim_due(Tx& tx);

// The item's content, kept: false when it is no longer pending (deleted with its message).
bool store(Tx& tx, int64_t id, std::string_view content_type, std::string_view bytes);
// Tried again at `retry_in_seconds` from now, `error` kept for staff meanwhile.
void retry_later(Tx& tx, int64_t id, int64_t retry_in_seconds, std::string_view error);
// Failed for good: staff see `error` and may ask for it again (retry).
void fail(Tx& tx, int64_t id, std::string_view error);

// A failed inbound item pending again, at once, its attempts counted afresh; the message it
// belongs to, or nullopt when there is no such failed item. Wakes the fetcher on commit.
std::optional<int64_t> retry(Tx& tx, int64_t id);

// A picture staff uploaded to send, of `content_type` (check_upload): stored, with no message
// yet, under a new unguessable name. `uploaded_by`: the person, if any.
Item save_upload(Tx& tx, std::string_view bytes, std::string_view content_type,
                 std::optional<int64_t> uploaded_by);

// The uploads `ids` made message `message_id`'s media, in that order. 422 invalid_media naming
// mediaIds when one is not an upload that no message has taken (a send took it, it was deleted,
// or it never was), or when they come to more than kMaxBytes together.
std::vector<Item> attach(Tx& tx, int64_t message_id, const std::vector<int64_t>& ids);

// The content Twilio fetches from a signed URL: an upload by its name, stored.
std::optional<std::string> upload_content(Tx& tx, std::string_view name, std::string& bytes);

// Retention: the content of items older than `days` deleted (kept as `deleted`, so that the
// thread says so), and uploads no send took within kAbandonedUploadHours removed; at most
// `batch` of each. How many of each.
struct Expired {
    int64_t deleted = 0;
    int64_t abandoned = 0;
};
Expired expire(Tx& tx, int64_t days, int batch);

// An item's content as staff read it.
struct Content {
    std::string content_type;
    std::string state;
    std::optional<std::string> error;
    std::string bytes;  // empty unless stored
};
std::optional<Content> find(Tx& tx, int64_t id);

}  // namespace textus::media
