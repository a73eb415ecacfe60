// What most integration tests say to the stack: its database, its staff API in JSON, and the
// check of DESIGN §4's error answer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

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

}  // namespace textus::test
