// A simulator of tests/fakes (twilio-sim, commerce7-sim) as one test's child: started on a free
// port with credentials of the test's own, quiet, stopped at the end. Tests read and steer it
// through its /sim/ hooks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/child.h"

namespace textus::test {

class SimProcess {
  public:
    // SIGTERM, then its exit status: 0 when it stopped cleanly (under the sanitizers, with no
    // leak and no report).
    int stop();

    // Every API request it received (GET /sim/requests).
    nlohmann::json requests() const;
    // POSTs (or, with `method`, sends) `body` to a hook, e.g. hook("/sim/fail", {...}); throws
    // unless the answer is 2xx. Returns the answer's JSON, null when it has none.
    nlohmann::json hook(const std::string& path, const nlohmann::json& body,
                        const std::string& method = "POST") const;

    std::string base_url;  // http://127.0.0.1:PORT
    int port = 0;

  protected:
    // Starts bin/`program` with `flags` on any free port and waits for its ready line.
    SimProcess(const std::string& program, const std::vector<std::string>& flags);

  private:
    Child child_;
};

// A request to the hook `path` of the simulator at `base_url`, as SimProcess::hook.
nlohmann::json sim_hook(const std::string& base_url, const std::string& method,
                        const std::string& path, const nlohmann::json& body);

// `n` random hex digits, for credentials of a test's own.
std::string random_hex(size_t n);

}  // namespace textus::test
