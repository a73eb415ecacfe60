#include "common/http/router.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;

namespace {

Response ok(Context&) {
    return {};
}

const Route kRoutes[] = {
    {"GET", "/api/crm/contacts", ok, Auth::staff},
    {"POST", "/api/crm/contacts", ok, Auth::staff},
    {"GET", "/api/crm/contacts/{id}", ok, Auth::staff},
    {"DELETE", "/api/crm/contacts/{id}", ok, Auth::staff},
    {"GET", "/api/twilio/initiate", ok, Auth::none},
    {"POST", "/api/twilio/webhook", ok, Auth::twilio},
};

HttpError error_of(std::string_view method, std::string_view path) {
    try {
        match_route(kRoutes, method, path);
    } catch (const HttpError& e) {
        return e;
    }
    FAIL("no error");
    return HttpError(0, "", "");
}

}  // namespace

TEST_CASE("match_route picks the route for the method and captures parameters") {
    auto m = match_route(kRoutes, "GET", "/api/crm/contacts/42");
    CHECK(m.route == &kRoutes[2]);
    CHECK(m.params.get("id") == "42");
    CHECK(m.params.id("id") == 42);
    CHECK(match_route(kRoutes, "POST", "/api/crm/contacts").route == &kRoutes[1]);
    CHECK(match_route(kRoutes, "GET", "/api/crm/contacts/").route == &kRoutes[0]);
    CHECK(match_route(kRoutes, "GET", "/api/twilio/initiate").route->auth == Auth::none);
}

TEST_CASE("match_route answers 404 for unknown paths") {
    CHECK(error_of("GET", "/api/crm/contacts/1/extra").status == 404);
    CHECK(error_of("GET", "/api/crm").status == 404);
    CHECK(error_of("GET", "/api/crm/contacts//").status == 404);
}

TEST_CASE("match_route answers 405 with the allowed methods, HEAD wherever GET") {
    const auto e = error_of("PUT", "/api/crm/contacts");
    CHECK(e.status == 405);
    REQUIRE(e.headers.size() == 1);
    CHECK(e.headers[0] == std::pair<std::string, std::string>{"Allow", "GET, HEAD, POST"});
    CHECK(error_of("PATCH", "/api/crm/contacts/3").headers[0].second == "GET, HEAD, DELETE");
    CHECK(error_of("GET", "/api/twilio/webhook").headers[0].second == "POST");
    CHECK(error_of("HEAD", "/api/twilio/webhook").headers[0].second == "POST");
}

TEST_CASE("match_route answers HEAD with the GET route") {
    auto m = match_route(kRoutes, "HEAD", "/api/crm/contacts/42");
    CHECK(m.route == &kRoutes[2]);
    CHECK(m.params.get("id") == "42");
    CHECK(match_route(kRoutes, "HEAD", "/api/crm/contacts/").route == &kRoutes[0]);
    CHECK(error_of("HEAD", "/api/crm/nothing").status == 404);
    // Only HEAD: no other method borrows a route.
    CHECK(error_of("OPTIONS", "/api/crm/contacts").status == 405);
}

TEST_CASE("RouteParams::id refuses anything but a positive integer") {
    RouteParams params;
    for (const char* bad : {"abc", "12abc", "-1", "0", "1.5", "", "99999999999999999999"}) {
        params.set("id", bad);
        try {
            params.id("id");
            FAIL(bad);
        } catch (const HttpError& e) {
            CHECK(e.status == 400);
            CHECK(e.code == "invalid_id");
            CHECK(e.field == "id");
        }
    }
}
