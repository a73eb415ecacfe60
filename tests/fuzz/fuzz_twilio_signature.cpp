// Twilio's request signature over what a request brings: the URI as it reached nginx and the
// form body. The input is the URI, a newline, then the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/core/error.h"
#include "common/http/http.h"
#include "common/twilio/twilio_signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace textus;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const auto uri = input.substr(0, newline);
    constexpr std::string_view kToken = "0123456789abcdef0123456789abcdef";
    try {
        Request request;
        request.content_type = "application/x-www-form-urlencoded";
        request.body = newline == std::string_view::npos ? "" : input.substr(newline + 1);
        const auto form = form_body(request);
        // As the server builds it: the public base URL, then the URI.
        const auto url = "https://textus.example.com" + std::string(uri);
        // What Twilio computed over this very URL passes; that signature with one bit changed,
        // shortened or lengthened does not.
        const auto expected = twilio::signature(kToken, url, form);
        auto altered = expected;
        altered[size % altered.size()] ^= 1;
        if (!twilio::valid_signature(kToken, url, form, expected) ||
            twilio::valid_signature(kToken, url, form, altered) ||
            twilio::valid_signature(kToken, url, form, expected.substr(1)) ||
            twilio::valid_signature(kToken, url, form, expected + "=")) {
            std::abort();
        }
    } catch (const HttpError&) {
        // Refusing bad input is the expected outcome; any other exception is a finding.
    }
    return 0;
}
