// sim-sms: plays the phone side of a conversation. Posts one inbound SMS (or MMS) to a textus
// webhook exactly as Twilio would: form-encoded, with a fresh MessageSid, signed with the
// account's auth token over the webhook's public URL. deploy/sim-sms runs it on the local stack.
// A medium is a URL, posted as it is, or a file: the Twilio simulator is given its bytes
// (POST /sim/media) and the webhook its media URL, which asks for the account's credentials as
// Twilio's do; the message then has the simulator's SID.
//
//   sim-sms WEBHOOK_URL FROM BODY [MEDIA_URL | FILE...]
//   environment: TWILIO_AUTH_TOKEN (required), TWILIO_PHONE_NUMBER (To; +17605550100),
//                TWILIO_SIM_URL (the simulator, http://HOST:PORT: for a FILE)
#include <httplib.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/http/http.h"
#include "common/http/http_client.h"
#include "common/media/media.h"
#include "common/twilio/twilio_client.h"
#include "common/twilio/twilio_signature.h"

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: sim-sms WEBHOOK_URL FROM BODY [MEDIA_URL | FILE...]\n";
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
    std::string message_sid = sid;
    std::vector<std::string> media, types;
    for (int i = 4; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.starts_with("http://") || arg.starts_with("https://")) {
            media.push_back(arg);
            types.push_back("image/jpeg");
            continue;
        }
        std::ifstream file(arg, std::ios::binary);
        const char* sim = std::getenv("TWILIO_SIM_URL");
        if (!file || !sim || !*sim) {
            std::cerr << "sim-sms: " << arg << " is no URL, or no file with TWILIO_SIM_URL set\n";
            return 2;
        }
        std::stringstream bytes;
        bytes << file.rdbuf();
        const auto type =
            textus::media::sniff_picture(bytes.str()).value_or("application/octet-stream");
        httplib::Client simulator(sim);
        auto path =
            "/sim/media?from=" + textus::http_client::form_encode({{"", argv[2]}}).substr(1);
        if (media.size() > 0 && message_sid != sid) path += "&messageSid=" + message_sid;
        const auto held = simulator.Post(path.c_str(), bytes.str(), type.c_str());
        if (!held || held->status != 200) {
            std::cerr << "sim-sms: the Twilio simulator at " << sim << " did not take " << arg
                      << "\n";
            return 1;
        }
        const auto answer = nlohmann::json::parse(held->body);
        message_sid = answer["messageSid"].get<std::string>();
        media.push_back(answer["url"].get<std::string>());
        types.push_back(type);
    }

    std::vector<std::pair<std::string, std::string>> fields = {
        {"MessageSid", message_sid},
        {"SmsSid", message_sid},
        {"AccountSid", "AC00000000000000000000000000000000"},
        {"From", argv[2]},
        {"To", to && *to ? to : "+17605550100"},
        {"Body", argv[3]},
        {"NumMedia", std::to_string(media.size())},
        {"NumSegments", "1"},
        {"ApiVersion", "2010-04-01"}};
    for (size_t i = 0; i < media.size(); ++i) {
        fields.emplace_back("MediaUrl" + std::to_string(i), media[i]);
        fields.emplace_back("MediaContentType" + std::to_string(i), types[i]);
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
    std::cout << message_sid << " " << reply->status << "\n";
    return reply->status == 200 ? 0 : 1;
}
