#include "common/sending/links.h"

#include <algorithm>
#include <cctype>

#include "common/core/crypto.h"
#include "common/core/error.h"

namespace textus::links {

namespace {

constexpr std::string_view kOpen = "{link:";
constexpr std::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string new_code() {
    // Bytes below 248 only (4 x 62): every letter equally likely.
    std::string code;
    while (code.size() < kCodeLength) {
        for (const unsigned char b : crypto::random_bytes(kCodeLength * 2)) {
            if (b < 248 && code.size() < kCodeLength) code += kAlphabet[b % 62];
        }
    }
    return code;
}

std::string trimmed_base(std::string_view base) {
    while (base.ends_with('/')) base.remove_suffix(1);
    return std::string(base);
}

// Each {link:URL} of `body` in turn: its start, its length, and the URL.
template <typename Each>
std::string each_link(std::string_view body, const Each& each) {
    std::string out;
    size_t at = 0;
    for (;;) {
        const auto open = body.find(kOpen, at);
        const auto close = open == std::string_view::npos ? open : body.find('}', open);
        if (close == std::string_view::npos) {
            out += body.substr(at);
            return out;
        }
        out += body.substr(at, open - at);
        out += each(body.substr(open + kOpen.size(), close - open - kOpen.size()));
        at = close + 1;
    }
}

}  // namespace

Shortened shorten(std::string_view body, std::string_view base, std::string_view field) {
    Shortened out;
    const auto prefix = trimmed_base(base) + "/l/";
    out.body = each_link(body, [&](std::string_view url) {
        const bool web = url.starts_with("https://") || url.starts_with("http://");
        const bool clean = std::none_of(url.begin(), url.end(), [](char c) {
            return std::isspace(static_cast<unsigned char>(c)) ||
                   std::iscntrl(static_cast<unsigned char>(c));
        });
        if (!web || !clean || url.size() > kMaxUrlBytes || url.size() <= 8) {
            throw bad_request("invalid_link",
                              "{link:...} takes a whole web address without spaces, e.g. "
                              "{link:https://example.com/club}",
                              std::string(field));
        }
        if (base.empty()) {
            throw HttpError(503, "configuration_incomplete",
                            "Missing: PUBLIC_BASE_URL (tracked links live on it)");
        }
        out.links.push_back({new_code(), std::string(url)});
        return prefix + out.links.back().code;
    });
    return out;
}

std::string as_counted(std::string_view body, std::string_view base) {
    const auto short_link = trimmed_base(base) + "/l/" + std::string(kCodeLength, 'x');
    return each_link(body, [&](std::string_view) { return short_link; });
}

bool plausible(std::string_view code) {
    return code.size() == kCodeLength && std::all_of(code.begin(), code.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c));
           });
}

}  // namespace textus::links
