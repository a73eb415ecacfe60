// A commerce7-sim process (tests/fakes/commerce7_sim.cpp) for one test: started on a free port
// with credentials and a tenant of its own, stopped at the end. Tests point a commerce7::Client
// at it with config() and read or steer it through its /sim/ hooks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/core/config.h"
#include "tests/integration/sim_process.h"

namespace textus::test {

class Commerce7Sim : public SimProcess {
  public:
    // Starts bin/commerce7-sim and waits for its ready line.
    Commerce7Sim();

    // Every customer it holds (GET /sim/customers).
    nlohmann::json customers() const;

    // A configuration pointing the Commerce7 client here (COMMERCE7_API_BASE ends in /v1).
    Config config() const;

    std::string app_id;
    std::string secret;
    std::string tenant;

  private:
    Commerce7Sim(std::string app_id, std::string secret, std::string tenant);
};

}  // namespace textus::test
