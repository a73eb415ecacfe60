// A twilio-sim process (tests/fakes/twilio_sim.cpp) for one test: started on a free port with an
// account of its own, stopped at the end. Tests point a twilio::Client at it with config() and
// read or steer it through its /sim/ hooks.
#pragma once

#include <string>

#include "common/core/config.h"
#include "tests/integration/sim_process.h"

namespace textus::test {

class TwilioSim : public SimProcess {
  public:
    // Starts bin/twilio-sim and waits for its ready line; status callbacks `callback_delay_ms`
    // apart.
    explicit TwilioSim(int callback_delay_ms = 20);

    // A configuration pointing the Twilio client here, with TWILIO_PHONE_NUMBER set.
    Config config() const;

    std::string account_sid;
    std::string auth_token;
    static constexpr const char* kPhoneNumber = "+17605550100";

  private:
    TwilioSim(std::string account_sid, std::string auth_token, int callback_delay_ms);
};

}  // namespace textus::test
