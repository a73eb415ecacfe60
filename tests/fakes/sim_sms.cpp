// sim-sms: plays the phone side of a conversation. Posts one inbound SMS (or MMS) to a textus
// webhook exactly as Twilio would: form-encoded, with a fresh MessageSid, signed with the
// account's auth token over the webhook's public URL. deploy/sim-sms runs it on the local stack.
//
//   sim-sms WEBHOOK_URL FROM BODY [MEDIA_URL...]
//   environment: TWILIO_AUTH_TOKEN (required), TWILIO_PHONE_NUMBER (To; +17605550100)
#include <httplib.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/http/http.h"
#include "common/http/http_client.h"
#include "common/twilio/twilio_client.h"
#include "common/twilio/twilio_signature.h"

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: sim-sms WEBHOOK_URL FROM BODY [MEDIA_URL...]\n";
        return 2;
    }
    const char* token = std::getenv("TWILIO_AUTH_TOKEN");
    const char* to = std::getenv("TWILIO_PHONE_NUMBER");
    if (!token || !*token) {
        std::cerr << "sim-sms: TWILIO_AUTH_TOKEN is not set\n";
        return 2;
    }
    const std::string url = argv[1];
    const auto path_start = url.find('/', url.find("://") + 3);
    if (url.find("://") == std::string::npos || path_start == std::string::npos) {
        std::cerr << "sim-sms: WEBHOOK_URL must be like http://127.0.0.1:8080/api/twilio/webhook\n";
        return 2;
    }
    unsigned char random[16];
    RAND_bytes(random, sizeof random);
    char sid[35] = "SM";
    for (size_t i = 0; i < sizeof random; ++i) std::snprintf(sid + 2 + 2 * i, 3, "%02x", random[i]);
    const std::vector<std::string> media(argv + 4, argv + argc);

    std::vector<std::pair<std::string, std::string>> fields = {
        {"MessageSid", sid},
        {"SmsSid", sid},
        {"AccountSid", "AC00000000000000000000000000000000"},
        {"From", argv[2]},
        {"To", to && *to ? to : "+17605550100"},
        {"Body", argv[3]},
        {"NumMedia", std::to_string(media.size())},
        {"NumSegments", "1"},
        {"ApiVersion", "2010-04-01"}};
    for (size_t i = 0; i < media.size(); ++i) {
        fields.emplace_back("MediaUrl" + std::to_string(i), media[i]);
        fields.emplace_back("MediaContentType" + std::to_string(i), "image/jpeg");
    }
    textus::Form form;
    for (const auto& [name, value] : fields) form.add(name, value);

    httplib::Client client(url.substr(0, path_start));
    const auto reply =
        client.Post(url.substr(path_start).c_str(),
                    {{"X-Twilio-Signature", textus::twilio::signature(token, url, form)}},
                    textus::http_client::form_encode(fields), "application/x-www-form-urlencoded");
    if (!reply) {
        std::cerr << "sim-sms: no answer from " << url << "\n";
        return 1;
    }
    std::cout << sid << " " << reply->status << "\n";
    return reply->status == 200 ? 0 : 1;
}
