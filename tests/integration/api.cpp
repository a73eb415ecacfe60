#include "tests/integration/api.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <sstream>
#include <thread>

namespace textus::test {

Reply call(const std::string& method, const std::string& path, const nlohmann::json& body,
           const std::vector<std::pair<std::string, std::string>>& headers) {
    return Stack::get().request(method, path, body.is_null() ? "" : body.dump(), "<staff>",
                                "application/json", headers);
}

void check_error(const Reply& reply, int status, const std::string& code,
                 const std::string& field) {
    INFO(reply.status << " " << reply.body);
    CHECK(reply.status == status);
    CHECK(reply.json()["error"]["code"] == code);
    if (field.empty()) {
        CHECK_FALSE(reply.json()["error"].contains("field"));
    } else {
        CHECK(reply.json()["error"]["field"] == field);
    }
}

namespace {

// The send handler's environment (NAME=VALUE each), as textus-admin is run in.
std::vector<std::string> send_handler_environment() {
    const auto pids = stack().handler_pids("send");
    REQUIRE_FALSE(pids.empty());
    const auto environ = read_file("/proc/" + std::to_string(pids[0]) + "/environ");
    std::vector<std::string> environment;
    size_t start = 0;
    for (size_t end; (end = environ.find('\0', start)) != std::string::npos; start = end + 1) {
        environment.push_back(environ.substr(start, end - start));
    }
    return environment;
}

// `textus-admin ARGS` in the send handler's environment, changed by `settings`.
std::string admin_command(const std::string& settings, const std::string& args) {
    std::string environment;
    for (const auto& setting : send_handler_environment()) environment += " '" + setting + "'";
    return "env -i" + environment + " " + settings + " " + stack().bin_dir + "/textus-admin " +
           args;
}

// "A=1 B=2" -> {"A=1", "B=2"}.
std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

std::string worker_log_path(const void* worker) {
    return stack().state_dir + "/log/test-worker-" + std::to_string(::getpid()) + "-" +
           std::to_string(reinterpret_cast<uintptr_t>(worker)) + ".log";
}

}  // namespace

AutoReplyRule::AutoReplyRule(const nlohmann::json& body) {
    const auto reply = call("POST", "/api/crm/sms/auto-replies", body);
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    id_ = std::to_string(reply.json()["autoReply"]["id"].get<int64_t>());
}

AutoReplyRule::~AutoReplyRule() {
    call("DELETE", "/api/crm/sms/auto-replies/" + id_);
}

const nlohmann::json kClosedAllWeek = {{"mon", nullptr}, {"tue", nullptr}, {"wed", nullptr},
                                       {"thu", nullptr}, {"fri", nullptr}, {"sat", nullptr},
                                       {"sun", nullptr}};

std::string run_due_command(const std::string& settings) {
    return admin_command(settings, "run-due");
}

std::string run_worker_once(const std::string& settings) {
    const auto result = run(run_due_command(settings) + " 2>&1");
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    return result.output;
}

Worker::Worker(const std::string& settings)
    : log_path_(worker_log_path(this)),
      child_({stack().bin_dir + "/textus-admin", "work", "--poll-seconds", "3600"},
             with_settings(send_handler_environment(), words(settings)), log_path_) {
    // Ready once it logs that it works: its LISTEN follows within milliseconds.
    for (int i = 0; i < 100 && log().find("working") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

void Worker::kill() {
    child_.kill();
}

std::string Worker::log() const {
    return read_file(log_path_);
}

}  // namespace textus::test
