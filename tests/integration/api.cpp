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

}  // namespace textus::test
