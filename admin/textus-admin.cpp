// textus-admin: the sysadmin's tool. Reads DATABASE_URL from the environment.
//   migrate             apply sql/ migrations not yet applied
//   create-key NAME     create a staff API key and print it (the only time it is shown)
//   revoke-key NAME     revoke the active key called NAME
//   list-keys           list keys (names and times, never keys or hashes)
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "common/auth.h"
#include "common/config.h"
#include "common/db.h"
#include "common/log.h"
#include "common/migrations.h"

namespace {

using namespace textus;

constexpr std::string_view kUsage =
    "usage: textus-admin migrate | create-key NAME | revoke-key NAME | list-keys\n";

int run(Db& db, std::string_view command, const std::string& name) {
    if (command == "migrate") {
        const auto applied = migrate(db, bundled_migrations());
        for (const auto& migration : applied) std::cerr << "applied " << migration << "\n";
        std::cerr << (applied.empty() ? "schema is up to date\n" : "");
        return 0;
    }
    if (command == "create-key") {
        std::cout << db.transact([&](Tx& tx) { return auth::create_key(tx, name); }) << "\n";
        return 0;
    }
    if (command == "revoke-key") {
        if (db.transact([&](Tx& tx) { return auth::revoke_key(tx, name); })) return 0;
        std::cerr << "textus-admin: no active key named '" << name << "'\n";
        return 1;
    }
    if (command == "list-keys") {
        for (const auto& key : db.transact([](Tx& tx) { return auth::list_keys(tx); })) {
            std::cout << key.name << "\tcreated " << key.created_at << "\t"
                      << (key.revoked_at ? "revoked " + *key.revoked_at : "active") << "\n";
        }
        return 0;
    }
    std::cerr << kUsage;
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view command = argc > 1 ? argv[1] : "";
    const bool needs_name = command == "create-key" || command == "revoke-key";
    if (argc != (needs_name ? 3 : 2) || (needs_name && std::string_view(argv[2]).empty())) {
        std::cerr << kUsage;
        return 2;
    }
    log::init("textus-admin", "warn");
    try {
        const std::string_view required[] = {"DATABASE_URL"};
        const auto config = Config::load(std::getenv, required);
        Db db(config.database_url);
        return run(db, command, needs_name ? argv[2] : "");
    } catch (const ConfigError& error) {
        for (const auto& problem : error.problems) std::cerr << "textus-admin: " << problem << "\n";
    } catch (const HttpError& error) {
        std::cerr << "textus-admin: " << error.what() << "\n";
    } catch (const std::exception& error) {
        std::cerr << "textus-admin: " << error.what() << "\n";
    }
    return 1;
}
