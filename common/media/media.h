// Media of a message (issue 28; docs/decisions.md, Media): what is kept, how it is checked and
// how it is shown. Twilio's media URLs ask for the account's credentials, so nothing of theirs
// reaches a page: the worker fetches each inbound item into PostgreSQL (media_fetch), staff read
// the copy through /api/crm/sms/media/{id}, and Twilio reads a picture staff send from a signed,
// expiring URL that nginx checks. media_store holds the SQL.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textus::media {

// Twilio's limits for an MMS: 5 MB of media in all, 10 items. An inbound item larger than the
// whole is not kept.
inline constexpr size_t kMaxBytes = 5 * 1024 * 1024;
inline constexpr size_t kMaxItems = 10;
// A fetch that failed for a reason that may pass (Twilio unreachable, our credentials refused)
// is tried again this many times in all, waiting longer each time (retry_delay).
inline constexpr int kMaxAttempts = 5;
// A worker fetching an item holds it this long; past it, another takes it over.
inline constexpr int kClaimSeconds = 120;
// How long the URL Twilio fetches a picture we send from works: Twilio may hold a message in
// its queue for hours before it fetches.
inline constexpr int64_t kPublicUrlSeconds = 24 * 60 * 60;
// An upload no send took within this long is deleted.
inline constexpr int kAbandonedUploadHours = 24;

// A message's item as its JSON shows it (message_media() in sql/032_media.sql).
struct Item {
    int64_t id = 0;
    std::string name;  // unguessable; an upload's signed URL is /media/{name}
    std::string content_type;
    std::string state;  // pending, stored, failed, deleted
    std::optional<int64_t> bytes;
    std::optional<std::string> error;
    bool fetched = false;  // from Twilio (inbound, or history); else an upload of ours
    int64_t version = 0;   // higher for each change of state: the newer of two reports
};
std::vector<Item> items_from_json(const nlohmann::json& array);

// "/api/crm/sms/media/{id}": where staff read an item (relative: the inbox's own origin).
std::string staff_url(int64_t id);
// {id, url, contentType, state, bytes, error, version}: the item in a message's JSON, without its
// name (the name is the capability of the public URL).
nlohmann::json to_json(const Item& item);

// PUBLIC_BASE_URL + "/media/{name}?e={expires}&s={signature}": where Twilio fetches a picture
// we send, until `expires` (Unix seconds); nginx checks the signature (live::signature of
// "media-{name}" with TOKEN_SECRET) and answers 403 or 410 itself.
std::string public_url(std::string_view base, std::string_view name, int64_t expires,
                       std::string_view secret);

// A picture's type found from its first bytes: image/jpeg, image/png, image/gif or image/webp;
// nullopt for anything else.
std::optional<std::string> sniff_picture(std::string_view bytes);

// What an inbound item is kept as: its type, or why it is not kept.
struct Checked {
    std::string content_type;
    std::optional<std::string> refused;  // for staff: "not a picture", "type not kept: ..."
};
// A declared picture must be one by its bytes (kept as the type they show); audio, video,
// vCards, calendars, PDF and plain text are kept as declared, and served as downloads; any
// other type (HTML, SVG, scripts: what a browser would run) is not kept.
Checked check_inbound(std::string_view declared, std::string_view bytes);

// What a picture staff upload to send is, by its bytes: JPEG, PNG or GIF (what Twilio formats
// for every phone); 415 unsupported_media for anything else, 400 for none, 413 past kMaxBytes.
std::string check_upload(std::string_view bytes);

// Whether staff see the type in the page (a picture) rather than as a download.
bool shown_inline(std::string_view content_type);

// How long after failed attempt `attempts` (1 = the first) the next one waits: 1 minute, then
// 5, 30 and 120.
std::chrono::seconds retry_delay(int attempts);

// Whether a failed fetch's error may pass (try again) or will not (the item fails now): Twilio
// unreachable or refusing our credentials passes; a host not Twilio's, an item too large or
// gone, a type not kept does not.
bool passing(std::string_view code);

}  // namespace textus::media
