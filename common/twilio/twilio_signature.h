// Twilio's request signature (X-Twilio-Signature), computed as Twilio's helper libraries do:
// base64 of HMAC-SHA1, keyed with the account's auth token, over the full URL Twilio requested
// followed by every form parameter's name and value, names sorted and a repeated name's values
// sorted.
#pragma once

#include <string>
#include <string_view>

#include "common/core/config.h"
#include "common/http/http.h"

namespace textus::twilio {

std::string signature(std::string_view auth_token, std::string_view url, const Form& params);

// True when `given` is the signature of `url` as it is, or of `url` with its port removed or
// with the scheme's default port in its place (Twilio signs either form); compared in constant
// time.
bool valid_signature(std::string_view auth_token, std::string_view url, const Form& params,
                     std::string_view given);

// 403 invalid_signature unless `request` carries Twilio's signature of the URL it requested
// (PUBLIC_BASE_URL and the URI as it reached nginx) and `form`: the check of Auth::twilio
// routes (Service::check_signature).
void authenticate(const Config& config, const Request& request, const Form& form);

}  // namespace textus::twilio
