#include "common/server.h"

#include <catch2/catch.hpp>

#include "common/error.h"

using namespace textus;
using nlohmann::json;

namespace {

Response response_for(const std::function<void()>& thrower) {
    try {
        thrower();
    } catch (...) {
        return error_response();
    }
    FAIL("nothing thrown");
    return {};
}

}  // namespace

TEST_CASE("error_response renders an HttpError as DESIGN's error body") {
    const auto r = response_for(
        [] { throw bad_request("invalid_phone", "Phone number must be valid", "phone"); });
    CHECK(r.status == 400);
    CHECK(r.content_type == "application/json; charset=utf-8");
    CHECK(json::parse(r.body) == json{{"success", false},
                                      {"error",
                                       {{"code", "invalid_phone"},
                                        {"message", "Phone number must be valid"},
                                        {"field", "phone"}}}});
}

TEST_CASE("error_response keeps the error's headers and omits an empty field") {
    const auto r = response_for([] {
        HttpError e(405, "method_not_allowed", "nope");
        e.headers.emplace_back("Allow", "GET");
        throw e;
    });
    CHECK(r.status == 405);
    CHECK(r.headers == std::vector<std::pair<std::string, std::string>>{{"Allow", "GET"}});
    CHECK_FALSE(json::parse(r.body)["error"].contains("field"));
}

TEST_CASE("error_response hides internal errors behind a 500") {
    const auto r = response_for([] { throw std::runtime_error("secret detail at 0xdeadbeef"); });
    CHECK(r.status == 500);
    CHECK(json::parse(r.body)["error"]["code"] == "internal_error");
    CHECK(r.body.find("secret") == std::string::npos);
}

TEST_CASE("error_response maps a lost database to 503") {
    const auto r = response_for([] { throw database_unavailable(); });
    CHECK(r.status == 503);
    CHECK(json::parse(r.body)["error"]["code"] == "database_unavailable");
}
