#include "tests/integration/api.h"

#include <catch2/catch.hpp>

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

std::string run_due_command(const std::string& settings) {
    const auto pids = stack().handler_pids("send");
    REQUIRE_FALSE(pids.empty());
    const auto environ = read_file("/proc/" + std::to_string(pids[0]) + "/environ");
    std::string environment;
    size_t start = 0;
    for (size_t end; (end = environ.find('\0', start)) != std::string::npos; start = end + 1) {
        environment += " '" + environ.substr(start, end - start) + "'";
    }
    return "env -i" + environment + " " + settings + " " + stack().bin_dir +
           "/textus-admin run-due";
}

}  // namespace textus::test
