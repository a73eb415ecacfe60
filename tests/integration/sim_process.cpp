#include "tests/integration/sim_process.h"

#include <httplib.h>

#include <chrono>
#include <random>
#include <stdexcept>

namespace textus::test {

namespace {

std::vector<std::string> command(const std::string& program,
                                 const std::vector<std::string>& flags) {
    std::vector<std::string> args = {TEXTUS_BIN_DIR "/" + program, "--port", "0"};
    args.insert(args.end(), flags.begin(), flags.end());
    return args;
}

}  // namespace

// Quiet: one log line per request would drown the test's output.
SimProcess::SimProcess(const std::string& program, const std::vector<std::string>& flags)
    : child_(command(program, flags), with_settings(own_environment(), {"LOG_LEVEL=warn"})) {
    // Sanitizer builds start slowly.
    const auto line = child_.first_line(std::chrono::seconds(20));
    const std::string ready = "listening on http://127.0.0.1:";
    if (!line.starts_with(ready)) throw std::runtime_error(program + " did not start: " + line);
    port = std::stoi(line.substr(ready.size()));
    base_url = "http://127.0.0.1:" + std::to_string(port);
}

int SimProcess::stop() {
    return child_.stop();
}

nlohmann::json SimProcess::requests() const {
    return hook("/sim/requests", nullptr, "GET").at("requests");
}

nlohmann::json SimProcess::hook(const std::string& path, const nlohmann::json& body,
                                const std::string& method) const {
    return sim_hook(base_url, method, path, body);
}

nlohmann::json sim_hook(const std::string& base_url, const std::string& method,
                        const std::string& path, const nlohmann::json& body) {
    httplib::Client client(base_url);
    httplib::Request req;
    req.method = method;
    req.path = path;
    if (!body.is_null()) {
        req.body = body.dump();
        req.set_header("Content-Type", "application/json");
    }
    const auto result = client.send(req);
    if (!result || result->status / 100 != 2) {
        throw std::runtime_error(method + " " + path + " failed: " +
                                 (result ? result->body : httplib::to_string(result.error())));
    }
    return result->body.empty() ? nlohmann::json() : nlohmann::json::parse(result->body);
}

std::string random_hex(size_t n) {
    static std::mt19937_64 random{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) out += kHex[random() % 16];
    return out;
}

}  // namespace textus::test
