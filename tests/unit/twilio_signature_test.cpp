#include "common/twilio/twilio_signature.h"

#include <catch2/catch.hpp>

using namespace textus;

namespace {

// The vectors of Twilio's helper libraries (twilio-python's test_request_validator.py).
const std::string kToken = "12345";
const std::string kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

Form call_params() {
    return parse_form(
        "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309"
        "&To=%2B18005551212");
}

}  // namespace

TEST_CASE("signature matches Twilio's helper libraries") {
    CHECK(twilio::signature(kToken, kUrl, call_params()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    // Repeated names: sorted by name, then by value.
    const auto repeated = parse_form("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234");
    CHECK(twilio::signature(kToken, kUrl, repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
    // The order in which fields arrive does not matter.
    CHECK(twilio::signature(kToken, kUrl,
                            parse_form("To=%2B18005551212&From=%2B14158675309&Digits=1234"
                                       "&Caller=%2B14158675309&CallSid=CA1234567890ABCDE")) ==
          "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST_CASE("valid_signature accepts the URL with and without its port") {
    CHECK(twilio::valid_signature(kToken, kUrl, call_params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    // Signed without the port, received with one.
    CHECK(twilio::valid_signature(kToken, "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
                                  call_params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    // Signed with the scheme's default port, received without it.
    CHECK(twilio::valid_signature(kToken, kUrl, call_params(), "kvajT1Ptam85bY51eRf/AJRuM3w="));
    CHECK(twilio::valid_signature(kToken, "http://mycompany.com/myapp.php?foo=1&bar=2",
                                  call_params(), "0ZXoZLH/DfblKGATFgpif+LLRf4="));
    // http with an explicit port, signed with it.
    CHECK(twilio::valid_signature(kToken, "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
                                  call_params(), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
}

TEST_CASE("valid_signature accepts the signature of the URL exactly as given, odd or not") {
    for (const char* url : {"https://host:/path", "https://host:#f", "@[:::", "no-scheme"}) {
        INFO(url);
        CHECK(twilio::valid_signature(kToken, url, call_params(),
                                      twilio::signature(kToken, url, call_params())));
    }
}

TEST_CASE("valid_signature refuses forged, truncated, missing and misplaced signatures") {
    const std::string good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    for (const auto& bad : {std::string(), good.substr(0, 27), good.substr(0, 20), good + "=",
                            std::string("rsoydt4t1cutdk1pdd93/vvr8b8="),
                            std::string("RSOYDt4T1cUTdK1PDd93/VVr8B8A")}) {
        CHECK_FALSE(twilio::valid_signature(kToken, kUrl, call_params(), bad));
    }
    CHECK_FALSE(twilio::valid_signature("54321", kUrl, call_params(), good));
    CHECK_FALSE(twilio::valid_signature(kToken, kUrl + "&baz=3", call_params(), good));
    auto changed = call_params();
    changed.add("Body", "hi");
    CHECK_FALSE(twilio::valid_signature(kToken, kUrl, changed, good));
}
