// Long-poll URLs (contract.md §4, §8): nginx's secure_link checks them itself, so no handler runs
// per poll. A handler hands a browser the path of its channel with an expiry `e` and a signature
// `s` = base64url(md5("<e><channel> <TOKEN_SECRET>")), unpadded: nginx answers 403 when it does
// not match and 410 once `e` has passed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace textus::live {

// How long a handed-out URL works; the browser asks for a fresh one when it gets 410. A staff
// URL is short: it outlives a revoked key by at most this.
inline constexpr int64_t kChatSubscribeSeconds = 60 * 60;
inline constexpr int64_t kStaffSubscribeSeconds = 10 * 60;

// The nchan channel of a web chat, from the SHA-256 (hex) of its channel id: the id itself is
// the visitor's secret and is never published or logged.
std::string chat_channel(std::string_view channel_hash);

// base64url(md5("<expires><resource> <secret>")), unpadded: what nginx's secure_link_md5
// computes for a location whose expression is "$secure_link_expires<resource> <secret>". The
// long-poll channels' resource is the channel; a picture's Twilio fetches, "media-<name>".
std::string signature(std::string_view resource, int64_t expires, std::string_view secret);

// The signed path and query for `channel` ("staff" or chat_channel(...)), valid until
// `expires` (Unix seconds): "/api/poll/staff?e=...&s=..." or "/api/poll/chat/<hash>?e=...".
std::string subscribe_url(std::string_view channel, int64_t expires, std::string_view secret);

// A signed URL for `channel` valid for `seconds` from now, and when it expires (RFC 3339 UTC).
struct Subscription {
    std::string url;
    std::string expires_at;
};
Subscription subscribe(std::string_view channel, int64_t seconds, std::string_view secret);

}  // namespace textus::live
