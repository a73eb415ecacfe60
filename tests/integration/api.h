// What most integration tests say to the stack: its database, its staff API in JSON, and the
// check of contract.md §4's error answer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/child.h"
#include "tests/integration/stack.h"

namespace textus::test {

inline Stack& stack() {
    return Stack::get();
}

// One value of a query on the stack's database, as text (Stack::query).
inline std::string q(const std::string& sql) {
    return Stack::get().query(sql);
}

// A request with the staff key and a JSON body (none when `body` is null).
Reply call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr,
           const std::vector<std::pair<std::string, std::string>>& headers = {});

// An error answer: `status`, `code`, and the `field` it names ("": none).
void check_error(const Reply& reply, int status, const std::string& code,
                 const std::string& field = "");

// `textus-admin run-due` in the send handler's own environment (what a timer gives the
// worker), changed by `settings`; by default without quiet hours, which would hold sends at
// night in California (new_phone's numbers). A shell command, for run().
std::string run_due_command(const std::string& settings = "QUIET_HOURS=off");

// An auto-reply rule (POST /api/crm/sms/auto-replies `body`) for a test case's length: deleted
// when it goes, failed or not, so that no other test's texts get replies.
class AutoReplyRule {
  public:
    explicit AutoReplyRule(const nlohmann::json& body);
    ~AutoReplyRule();
    AutoReplyRule(const AutoReplyRule&) = delete;
    AutoReplyRule& operator=(const AutoReplyRule&) = delete;

  private:
    std::string id_;
};

// An away rule's hours: closed every day, so every text is outside them.
extern const nlohmann::json kClosedAllWeek;

// The worker's duties done once (run_due_command, its output and stderr): what the webhook left
// to it (auto-replies) goes to Twilio. REQUIREs that it succeeded.
std::string run_worker_once(const std::string& settings = "QUIET_HOURS=off");

// `textus-admin work` in the send handler's environment for a test's length, woken by NOTIFY
// (its poll an hour, so that nothing but a NOTIFY wakes it): SIGTERM when it goes. `settings`:
// NAME=VALUE words over that environment.
class Worker {
  public:
    explicit Worker(const std::string& settings = "QUIET_HOURS=off");
    // SIGKILL: the worker stops wherever it is, as a machine that dies would.
    void kill();
    // What it logged so far.
    std::string log() const;

  private:
    std::string log_path_;
    Child child_;
};

}  // namespace textus::test
