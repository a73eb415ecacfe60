// A twilio-sim process (tests/fakes/twilio_sim.cpp) for one test: started on a free port with an
// account of its own, stopped at the end. Tests point a twilio::Client at it with config() and
// read or steer it through its /sim/ hooks.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/core/config.h"

namespace textus::test {

class TwilioSim {
  public:
    // Starts bin/twilio-sim and waits for its ready line; status callbacks `callback_delay_ms`
    // apart.
    explicit TwilioSim(int callback_delay_ms = 20);
    ~TwilioSim();
    TwilioSim(const TwilioSim&) = delete;
    TwilioSim& operator=(const TwilioSim&) = delete;

    // SIGTERM, then its exit status: 0 when it stopped cleanly (under the sanitizers, with no
    // leak and no report).
    int stop();

    // Every API request it received (GET /sim/requests).
    nlohmann::json requests() const;
    // POSTs (or, with `method`, sends) `body` to a hook, e.g. hook("/sim/fail", {...}); throws
    // unless the answer is 2xx. Returns the answer's JSON, null when it has none.
    nlohmann::json hook(const std::string& path, const nlohmann::json& body,
                        const std::string& method = "POST") const;

    // A configuration pointing the Twilio client here, with TWILIO_PHONE_NUMBER set.
    Config config() const;

    std::string base_url;  // http://127.0.0.1:PORT
    int port = 0;
    std::string account_sid;
    std::string auth_token;
    static constexpr const char* kPhoneNumber = "+17605550100";

  private:
    pid_t pid_ = -1;
};

}  // namespace textus::test
