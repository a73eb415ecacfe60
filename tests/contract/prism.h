// Stoplight Prism (tests/package.json) as a validating proxy between the Twilio client and
// twilio-sim: `prism proxy --errors` checks each request and each of the simulator's answers
// against Twilio's OpenAPI description (../shared/twilio-oai, with the few changes prism.cpp
// explains), and answers a break itself (422 for a request, 500 for a response) instead of
// passing it on.
#pragma once

#include <httplib.h>

#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/child.h"

namespace textus::test {

class PrismProxy {
  public:
    // Starts Prism in front of `upstream` (http://127.0.0.1:PORT) and waits until it listens.
    // Throws, saying how to install it, when Prism is missing: the test fails, it never skips.
    explicit PrismProxy(const std::string& upstream);
    ~PrismProxy();
    PrismProxy(const PrismProxy&) = delete;
    PrismProxy& operator=(const PrismProxy&) = delete;

    // What Prism objected to since the last call: the problem answers it made itself ("422
    // Invalid request: Request body property To must be string") and the violations it only
    // logged ("response Unable to match the returned status code ...").
    std::vector<std::string> violations();

    // Where a client sends its requests: a relay in this process that passes them to Prism
    // and keeps Prism's own answers, whose bodies say what broke (its log does not).
    std::string base_url;

  private:
    void relay(const httplib::Request& req, httplib::Response& res);

    std::string dir_;  // the adjusted spec and Prism's log
    std::string prism_url_;
    std::optional<Child> prism_;  // its output goes to the log under dir_
    size_t log_read_ = 0;         // bytes of the log already looked at
    int syncs_ = 0;
    std::mutex mu_;
    std::vector<std::string> problems_;  // Prism's own answers, summed up
    httplib::Server server_;
    std::thread thread_;
};

}  // namespace textus::test
