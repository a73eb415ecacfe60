#include "common/http/health.h"

#include <spdlog/spdlog.h>

#include "common/db/db.h"
#include "common/db/migrations.h"

namespace textus::health {

namespace {

const Statement kAppliedVersion{"health_applied_version",
                                "SELECT coalesce(max(version), 0) FROM schema_migrations"};

}  // namespace

bool is_health_path(std::string_view handler, std::string_view path) {
    if (path.ends_with('/')) path.remove_suffix(1);
    constexpr std::string_view prefix = "/api/health";
    if (!path.starts_with(prefix)) return false;
    path.remove_prefix(prefix.size());
    return path.empty() || (path.starts_with('/') && path.substr(1) == handler);
}

Response check(std::string_view handler, const std::vector<std::string>& config_problems, Db* db,
               const std::function<nlohmann::json(Tx&)>& report) {
    std::vector<std::string> failures;
    nlohmann::json configuration{{"ok", config_problems.empty()}, {"problems", config_problems}};
    if (!config_problems.empty()) failures.push_back("configuration incomplete");

    // A database newer than this build is current for it: during an upgrade the migrations
    // run before every handler has been replaced, and each migration keeps older handlers
    // working (docs/decisions.md, Deploy).
    const int expected = bundled_migrations().empty() ? 0 : bundled_migrations().back().version;
    nlohmann::json database{{"ok", false}};
    nlohmann::json migrations{{"ok", false}, {"expected", expected}, {"applied", nullptr}};
    nlohmann::json facts;
    if (db) {
        try {
            const auto applied =
                db->transact([](Tx& tx) { return tx.exec(kAppliedVersion)[0][0].as<int>(); });
            database["ok"] = true;
            migrations["applied"] = applied;
            migrations["ok"] = applied >= expected;
            if (applied < expected) failures.push_back("migrations not applied");
            if (report && applied >= expected) facts = db->transact(report);
        } catch (const pqxx::undefined_table&) {
            database["ok"] = true;  // reachable, but never migrated
            migrations["applied"] = 0;
            failures.push_back("migrations not applied");
        } catch (const std::exception& error) {
            // Db's own errors say unreachable or too slow, and quote no value.
            spdlog::warn("health: database check failed: {}", error.what());
            failures.push_back("database unreachable");
        }
    } else {
        failures.push_back("database not configured");
    }

    nlohmann::json body{
        {"success", failures.empty()},
        {"handler", handler},
        {"checks",
         {{"configuration", configuration}, {"database", database}, {"migrations", migrations}}}};
    if (!facts.is_null()) body["report"] = facts;
    if (!failures.empty()) {
        std::string message = "Not ready:";
        for (size_t i = 0; i < failures.size(); ++i) message += (i ? ", " : " ") + failures[i];
        body["error"] = {{"code", "unhealthy"}, {"message", message}};
    }
    return Response::json(failures.empty() ? 200 : 503, body);
}

}  // namespace textus::health
