#include "common/http/health.h"

#include <catch2/catch.hpp>

#include "common/db/migrations.h"

using textus::health::check;
using textus::health::is_health_path;

TEST_CASE("health paths: /api/health and the handler's own name", "[health]") {
    CHECK(is_health_path("contacts", "/api/health"));
    CHECK(is_health_path("contacts", "/api/health/"));
    CHECK(is_health_path("contacts", "/api/health/contacts"));
    CHECK(is_health_path("contacts", "/api/health/contacts/"));
    CHECK_FALSE(is_health_path("contacts", "/api/health/webhook"));
    CHECK_FALSE(is_health_path("contacts", "/api/healthz"));
    CHECK_FALSE(is_health_path("contacts", "/api/health/contacts/x"));
    CHECK_FALSE(is_health_path("contacts", "/api/healthcontacts"));
    CHECK_FALSE(is_health_path("contacts", "/api/crm/contacts"));
}

TEST_CASE("health without configuration: 503 naming the problems, no database check", "[health]") {
    const auto response = check("sync", {"DATABASE_URL is not set"}, nullptr);
    CHECK(response.status == 503);
    const auto body = nlohmann::json::parse(response.body);
    CHECK(body["success"] == false);
    CHECK(body["handler"] == "sync");
    CHECK(body["error"]["code"] == "unhealthy");
    CHECK(body["error"]["message"] ==
          "Not ready: configuration incomplete, database not configured");
    CHECK(body["checks"]["configuration"]["problems"][0] == "DATABASE_URL is not set");
    CHECK(body["checks"]["migrations"]["expected"] == textus::bundled_migrations().back().version);
    CHECK(body["checks"]["migrations"]["applied"].is_null());
}
