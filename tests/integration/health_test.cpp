// GET /api/health through nginx: every handler's own answer, and each way it says "not ready"
// (configuration, database, migrations) without a value in it.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/api.h"

using namespace textus::test;

namespace {

Reply health(const std::string& path = "/api/health") {
    return stack().request("GET", path, "", "");
}

// Every handler the build makes (handlers/*.cpp, through CMake).
std::vector<std::string> handlers() {
    std::vector<std::string> names;
    std::istringstream list(TEXTUS_HANDLERS);
    for (std::string name; list >> name;) names.push_back(name);
    return names;
}

}  // namespace

TEST_CASE("every handler answers /api/health/NAME itself, without a key") {
    const auto names = handlers();
    REQUIRE_FALSE(names.empty());
    for (const auto& name : names) {
        const auto reply = health("/api/health/" + name);
        INFO(name << ": " << reply.body);
        REQUIRE(reply.status == 200);
        const auto& body = reply.json();
        CHECK(body["success"] == true);
        CHECK(body["handler"] == name);
        CHECK(body["checks"]["configuration"]["ok"] == true);
        CHECK(body["checks"]["database"]["ok"] == true);
        CHECK(body["checks"]["migrations"]["ok"] == true);
        CHECK(body["checks"]["migrations"]["applied"] == body["checks"]["migrations"]["expected"]);
        CHECK(reply.headers.at("Cache-Control") == "no-store");
    }
    const auto plain = health();
    CHECK(plain.status == 200);
    CHECK(plain.json()["handler"] == "contacts");
    CHECK(health("/api/health/").status == 200);
}

TEST_CASE("/api/health refuses other methods and unknown handlers") {
    const auto post = stack().request("POST", "/api/health", "{}", "");
    CHECK(post.status == 405);
    CHECK(post.headers.at("Allow") == "GET, HEAD");
    CHECK(post.json()["error"]["code"] == "method_not_allowed");
    const auto unknown = health("/api/health/admin");
    CHECK(unknown.status == 404);
    CHECK(unknown.json()["error"]["code"] == "not_found");
}

TEST_CASE("a handler without part of its configuration is unhealthy and names it, not its value") {
    stack().restart_handler("webhook", "-u TWILIO_AUTH_TOKEN LOG_LEVEL=loud TEXTUS_IDLE_EXIT=5m");
    const auto reply = health("/api/health/webhook");
    const auto others = health("/api/health/contacts");
    stack().restart_handler("webhook");
    INFO(reply.body);
    REQUIRE(reply.status == 503);
    const auto& body = reply.json();
    CHECK(body["success"] == false);
    CHECK(body["error"]["code"] == "unhealthy");
    const auto problems = body["checks"]["configuration"]["problems"].dump();
    CHECK(problems.find("TWILIO_AUTH_TOKEN is not set") != std::string::npos);
    CHECK(problems.find("LOG_LEVEL must be one of") != std::string::npos);
    CHECK(problems.find("TEXTUS_IDLE_EXIT must be whole seconds") != std::string::npos);
    CHECK(reply.body.find("loud") == std::string::npos);
    CHECK(reply.body.find(stack().state_dir) == std::string::npos);  // DATABASE_URL's value
    CHECK(others.status == 200);
    CHECK(health("/api/health/webhook").status == 200);
}

TEST_CASE("/api/health says when the database is down and when migrations are behind") {
    stack().stop_postgres();
    const auto down = health();
    stack().start_postgres();
    INFO(down.body);
    CHECK(down.status == 503);
    CHECK(down.json()["checks"]["database"]["ok"] == false);
    CHECK(down.json()["error"]["message"].get<std::string>().find("database unreachable") !=
          std::string::npos);

    // A database one migration behind this build (an upgrade whose migrate step was missed).
    const auto latest = stack().query("SELECT max(version) FROM schema_migrations");
    const auto name = stack().query("SELECT name FROM schema_migrations WHERE version = " + latest);
    stack().query("DELETE FROM schema_migrations WHERE version = " + latest);
    // The one before it, which need not be latest - 1: numbers are taken in parallel branches.
    const auto previous = stack().query("SELECT max(version) FROM schema_migrations");
    const auto behind = health();
    stack().query("INSERT INTO schema_migrations (version, name) VALUES (" + latest + ", '" + name +
                  "')");
    INFO(behind.body);
    CHECK(behind.status == 503);
    CHECK(behind.json()["checks"]["database"]["ok"] == true);
    CHECK(behind.json()["checks"]["migrations"]["ok"] == false);
    CHECK(behind.json()["checks"]["migrations"]["applied"] == std::stoi(previous));
    CHECK(behind.json()["checks"]["migrations"]["expected"] == std::stoi(latest));
    CHECK(health().status == 200);
}

TEST_CASE("as plain CGI without any configuration, /api/health answers 503 naming it") {
    const auto out = run("env -i REQUEST_METHOD=GET REQUEST_URI=/api/health/sync " +
                         stack().bin_dir + "/textus-sync 2>/dev/null")
                         .output;
    INFO(out);
    REQUIRE(out.starts_with("Status: 503 Service Unavailable\r\n"));
    const auto body = nlohmann::json::parse(out.substr(out.find("\r\n\r\n") + 4));
    CHECK(body["handler"] == "sync");
    CHECK(body["checks"]["database"]["ok"] == false);
    const auto problems = body["checks"]["configuration"]["problems"].dump();
    CHECK(problems.find("DATABASE_URL is not set") != std::string::npos);
    CHECK(problems.find("TWILIO_AUTH_TOKEN is not set") != std::string::npos);
}
