// Long-poll subscribers for tests: signed URLs made the way nginx checks them, and a poller
// that walks a channel's events with nchan's resumption headers.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace textus::test {

long long unix_now();

// "e=<expires>&s=<signature>" for `channel` ("staff", "chat-<hash>") with the stack's
// TOKEN_SECRET: nginx's secure_link_md5 "$secure_link_expires$1 <secret>", base64url, unpadded.
std::string signed_query(long long expires, const std::string& channel);

// Long-polls `path` (a signed path and query) from its oldest buffered event until `match` says
// yes, following Last-Modified and Etag; nothing when an answer is not a 200 or after `limit`
// events.
std::optional<nlohmann::json> poll_until(const std::string& path,
                                         const std::function<bool(const nlohmann::json&)>& match,
                                         int limit = 400);

}  // namespace textus::test
