// Tracked links (issue 29; docs/decisions.md, Tracked links): a {link:https://...} in a template,
// a campaign or a staff text becomes, per recipient, a short link on the business's own domain,
// PUBLIC_BASE_URL + "/l/" + a random code (public shorteners get campaigns refused by carriers,
// Twilio error 30963). link_store keeps them and counts their clicks.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textus::links {

inline constexpr size_t kCodeLength = 10;  // base62: about 59 random bits
inline constexpr size_t kMaxUrlBytes = 2000;
inline constexpr int kValidDays = 400;  // a link stops working after this

struct Link {
    std::string code;
    std::string url;
};
struct Shortened {
    std::string body;  // each {link:URL} as its short link
    std::vector<Link> links;
};

// `body` with each {link:URL} replaced by base + "/l/" + a new code. 400 invalid_link naming
// `field` for a URL that is not http(s), holds a space or is longer than kMaxUrlBytes; 503
// configuration_incomplete when there is a link and no base (PUBLIC_BASE_URL).
Shortened shorten(std::string_view body, std::string_view base, std::string_view field = "body");

// `body` as long as it will be sent: each {link:URL} as a short link's length (the segment
// count of a preview).
std::string as_counted(std::string_view body, std::string_view base);

// Whether `code` could be one of ours: kCodeLength letters and digits.
bool plausible(std::string_view code);

}  // namespace textus::links
