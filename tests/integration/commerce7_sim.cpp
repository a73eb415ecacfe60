#include "tests/integration/commerce7_sim.h"

#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace textus::test {

namespace {

std::string random_hex(size_t n) {
    static std::mt19937_64 random{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) out += kHex[random() % 16];
    return out;
}

// The first line the child writes to `fd`, waiting at most `timeout`.
std::string read_line(int fd, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    char c;
    while (line.empty() || line.back() != '\n') {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0 ||
            read(fd, &c, 1) != 1) {
            break;
        }
        line += c;
    }
    return line;
}

}  // namespace

Commerce7Sim::Commerce7Sim()
    : app_id("app-" + random_hex(8)), secret(random_hex(32)), tenant("winery-" + random_hex(6)) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    const std::string program = TEXTUS_BIN_DIR "/commerce7-sim";
    std::vector<std::string> args = {program,    "--port", "0",        "--app-id", app_id,
                                     "--secret", secret,   "--tenant", tenant};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Its environment, but quiet: one log line per request would drown the test's output.
    std::vector<std::string> env_strings{"LOG_LEVEL=warn"};
    for (char** e = environ; *e; ++e) {
        if (!std::string_view(*e).starts_with("LOG_LEVEL=")) env_strings.emplace_back(*e);
    }
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const int spawned =
        posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (spawned != 0) {
        close(out[0]);
        throw std::runtime_error("cannot start " + program);
    }
    // Sanitizer builds start slowly.
    const auto line = read_line(out[0], std::chrono::seconds(20));
    close(out[0]);
    const std::string ready = "listening on http://127.0.0.1:";
    if (!line.starts_with(ready)) {
        stop();
        throw std::runtime_error("commerce7-sim did not start: " + line);
    }
    base_url = "http://127.0.0.1:" + std::to_string(std::stoi(line.substr(ready.size())));
}

Commerce7Sim::~Commerce7Sim() {
    stop();
}

int Commerce7Sim::stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

nlohmann::json Commerce7Sim::requests() const {
    return hook("/sim/requests", nullptr, "GET").at("requests");
}

nlohmann::json Commerce7Sim::customers() const {
    return hook("/sim/customers", nullptr, "GET").at("customers");
}

nlohmann::json Commerce7Sim::hook(const std::string& path, const nlohmann::json& body,
                                  const std::string& method) const {
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

Config Commerce7Sim::config() const {
    Config config;
    config.commerce7_api_base = base_url + "/v1";
    config.commerce7_app_id = app_id;
    config.commerce7_secret = secret;
    config.commerce7_tenant = tenant;
    return config;
}

}  // namespace textus::test
