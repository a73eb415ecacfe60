#include "tests/integration/sim.h"

#include <utility>

namespace textus::test {

TwilioSim::TwilioSim(int callback_delay_ms)
    : TwilioSim("AC" + random_hex(32), random_hex(32), callback_delay_ms) {}

TwilioSim::TwilioSim(std::string account_sid, std::string auth_token, int callback_delay_ms)
    : SimProcess("twilio-sim",
                 {"--account-sid", account_sid, "--auth-token", auth_token, "--phone-number",
                  kPhoneNumber, "--callback-delay-ms", std::to_string(callback_delay_ms)}),
      account_sid(std::move(account_sid)),
      auth_token(std::move(auth_token)) {}

Config TwilioSim::config() const {
    Config config;
    config.twilio_api_base = base_url;
    config.twilio_account_sid = account_sid;
    config.twilio_auth_token = auth_token;
    config.twilio_phone_number = kPhoneNumber;
    config.public_base_url = "http://127.0.0.1:9";
    return config;
}

}  // namespace textus::test
