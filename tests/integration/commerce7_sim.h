// A commerce7-sim process (tests/fakes/commerce7_sim.cpp) for one test: started on a free port
// with credentials and a tenant of its own, stopped at the end. Tests point a commerce7::Client
// at it with config() and read or steer it through its /sim/ hooks.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/core/config.h"

namespace textus::test {

class Commerce7Sim {
  public:
    // Starts bin/commerce7-sim and waits for its ready line.
    Commerce7Sim();
    ~Commerce7Sim();
    Commerce7Sim(const Commerce7Sim&) = delete;
    Commerce7Sim& operator=(const Commerce7Sim&) = delete;

    // SIGTERM, then its exit status: 0 when it stopped cleanly.
    int stop();

    // Every API request it received (GET /sim/requests).
    nlohmann::json requests() const;
    // Every customer it holds (GET /sim/customers).
    nlohmann::json customers() const;
    // POSTs (or, with `method`, sends) `body` to a hook, e.g. hook("/sim/fail", {...}); throws
    // unless the answer is 2xx. Returns the answer's JSON, null when it has none.
    nlohmann::json hook(const std::string& path, const nlohmann::json& body,
                        const std::string& method = "POST") const;

    // A configuration pointing the Commerce7 client here (COMMERCE7_API_BASE ends in /v1).
    Config config() const;

    std::string base_url;  // http://127.0.0.1:PORT
    std::string app_id;
    std::string secret;
    std::string tenant;

  private:
    pid_t pid_ = -1;
};

}  // namespace textus::test
