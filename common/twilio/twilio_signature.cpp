#include "common/twilio/twilio_signature.h"

#include <algorithm>
#include <vector>

#include "common/core/crypto.h"
#include "common/core/error.h"

namespace textus::twilio {

namespace {

struct UrlParts {
    std::string_view scheme_and_host;  // "https://example.com"
    std::string_view port;             // "8443", or empty
    std::string_view rest;             // "/path?query"
};

UrlParts split(std::string_view url) {
    const auto authority = url.find("://");
    if (authority == std::string_view::npos) return {url, {}, {}};
    const auto path = url.find_first_of("/?#", authority + 3);
    const auto host_port = url.substr(0, path);
    const auto rest = path == std::string_view::npos ? std::string_view() : url.substr(path);
    const auto colon = host_port.rfind(':');
    // A colon inside "[...]" is part of an IPv6 address, not a port.
    if (colon <= authority + 2 || host_port.find(']', colon) != std::string_view::npos) {
        return {host_port, {}, rest};
    }
    return {host_port.substr(0, colon), host_port.substr(colon + 1), rest};
}

}  // namespace

std::string signature(std::string_view auth_token, std::string_view url, const Form& params) {
    auto pairs = params.pairs();
    std::sort(pairs.begin(), pairs.end());
    std::string data(url);
    for (const auto& [name, value] : pairs) data += name + value;
    return crypto::base64(crypto::hmac_sha1(auth_token, data));
}

bool valid_signature(std::string_view auth_token, std::string_view url, const Form& params,
                     std::string_view given) {
    const auto parts = split(url);
    const auto default_port = parts.scheme_and_host.starts_with("https://") ? ":443" : ":80";
    const std::string candidates[] = {
        std::string(url),
        std::string(parts.scheme_and_host) + std::string(parts.rest),
        std::string(parts.scheme_and_host) + default_port + std::string(parts.rest),
    };
    // Every form is computed and compared, so the time taken does not tell which one matched.
    bool valid = false;
    for (const auto& candidate : candidates) {
        valid |= crypto::constant_time_equal(signature(auth_token, candidate, params), given);
    }
    return valid;
}

// Twilio signs the URL it requested: our public base URL and the URI as it reached nginx.
void authenticate(const Config& config, const Request& request, const Form& form) {
    std::string_view base = config.public_base_url;
    while (base.ends_with('/')) base.remove_suffix(1);
    const auto& given = request.header("x-twilio-signature");
    if (given.empty() || !twilio::valid_signature(config.twilio_auth_token,
                                                  std::string(base) + request.uri, form, given)) {
        throw HttpError(403, "invalid_signature",
                        "X-Twilio-Signature is missing or does not match this request");
    }
}

}  // namespace textus::twilio
