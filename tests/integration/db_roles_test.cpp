// The local cluster's roles and socket (docs/decisions.md, Database): the handlers' role can
// add to the consent log but never change or empty it, and only the stack's users reach the
// socket, each as the roles pg_ident.conf allows.
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>

#include "tests/integration/stack.h"

using textus::test::run;
using textus::test::Stack;

namespace {

Stack& stack() {
    return Stack::get();
}

// Runs one statement on its own connection as `url`'s role: "ok", "denied" (SQLSTATE 42501,
// which libpqxx 6 reports by type only), or the error.
std::string outcome(const std::string& url, const std::string& sql) {
    pqxx::connection connection(url);
    pqxx::nontransaction tx(connection);
    try {
        tx.exec(sql);
        return "ok";
    } catch (const pqxx::insufficient_privilege&) {
        return "denied";
    } catch (const pqxx::sql_error& e) {
        return e.what();
    }
}

const std::string kDenied = "denied";

std::string as_app(const std::string& sql) {
    return outcome(stack().app_database_url, sql);
}

}  // namespace

TEST_CASE("the handlers' role cannot change or empty the consent log") {
    const auto& app = stack().app_database_url;
    pqxx::connection connection(app);
    pqxx::nontransaction tx(connection);
    CHECK(tx.exec1("SELECT current_user")[0].as<std::string>() == "textus");
    CHECK_FALSE(
        tx.exec1("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0].as<bool>());
    // INSERT works without any privilege on the identity column's sequence.
    const auto id = tx.exec1(
                          "INSERT INTO consent_events (phone, kind, source, detail)"
                          " VALUES ('+17605550111', 'help', 'keyword', 'HELP') RETURNING id")[0]
                        .as<std::string>();
    CHECK(tx.exec1("SELECT kind FROM consent_events WHERE id = " + id)[0].as<std::string>() ==
          "help");

    CHECK(as_app("UPDATE consent_events SET detail = 'changed' WHERE id = " + id) == kDenied);
    CHECK(as_app("DELETE FROM consent_events WHERE id = " + id) == kDenied);
    CHECK(as_app("TRUNCATE consent_events") == kDenied);
    CHECK(as_app("ALTER TABLE consent_events DISABLE TRIGGER USER") == kDenied);
    CHECK(as_app("DROP TABLE consent_events") == kDenied);
    CHECK(stack().query("SELECT detail FROM consent_events WHERE id = " + id) == "HELP");

    // The owner cannot empty it either; only the foreign key's SET NULL changes a row.
    CHECK(outcome(stack().owner_database_url, "TRUNCATE consent_events")
              .starts_with("ERROR:  consent_events is append-only"));
    CHECK(stack().query("SELECT count(*) FROM consent_events WHERE id = " + id) == "1");
}

TEST_CASE("the handlers' role has what the handlers need and no more") {
    const auto phone = "'+17605550112'";
    CHECK(as_app("INSERT INTO contacts (first_name, last_name, phone) VALUES ('R', 'Ole', " +
                 std::string(phone) + ")") == "ok");
    CHECK(as_app("UPDATE contacts SET notes = 'n' WHERE phone = " + std::string(phone)) == "ok");
    CHECK(as_app("INSERT INTO messages (direction, from_number, to_number, status)"
                 " VALUES ('inbound', " +
                 std::string(phone) + ", '+17605550113', 'received')") == "ok");
    CHECK(as_app("UPDATE messages SET read_at = now() WHERE from_number = " + std::string(phone)) ==
          "ok");
    CHECK(as_app("DELETE FROM contacts WHERE phone = " + std::string(phone)) == "ok");
    CHECK(as_app("SELECT count(*) FROM api_keys, schema_migrations") == "ok");

    CHECK(as_app("DELETE FROM messages WHERE from_number = " + std::string(phone)) == kDenied);
    CHECK(as_app("TRUNCATE messages") == kDenied);
    // Keys: the owner makes and revokes them over HTTP (migration 027), but nobody un-revokes
    // one or changes what it is, and the handlers never delete one.
    CHECK(as_app("UPDATE api_keys SET key_hash = 'z'") == kDenied);
    CHECK(as_app("DELETE FROM api_keys") == kDenied);
    const std::string revoked = "db-roles-revoked";
    CHECK(outcome(stack().owner_database_url,
                  "INSERT INTO api_keys (name, lookup_id, key_hash, revoked_at) VALUES ('" +
                      revoked + "', '" + revoked + "', 'h', now())") == "ok");
    CHECK(outcome(stack().owner_database_url,
                  "UPDATE api_keys SET revoked_at = NULL WHERE name = '" + revoked + "'")
              .find("a staff key is only ever revoked") != std::string::npos);
    CHECK(as_app("DELETE FROM schema_migrations") == kDenied);
    CHECK(as_app("CREATE TABLE intruder (x int)") == kDenied);
    CHECK(as_app("CREATE ROLE intruder") == kDenied);
}

TEST_CASE("the handlers connect as their role, migrations ran as the owner") {
    // Drop every other connection; the next request makes the handler connect again.
    stack().query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = 'textus' AND pid <> pg_backend_pid() AND backend_type = 'client "
        "backend'");
    REQUIRE(stack().request("GET", "/api/crm/contacts?limit=1").status == 200);
    CHECK(stack().query("SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity"
                        " WHERE datname = 'textus' AND pid <> pg_backend_pid()"
                        " AND backend_type = 'client backend'") == "textus");

    CHECK(stack().query("SELECT pg_get_userbyid(datdba) FROM pg_database"
                        " WHERE datname = 'textus'") == "textus_owner");
    CHECK(stack().query("SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables"
                        " WHERE schemaname = 'public'") == "textus_owner");
    CHECK(stack().query("SELECT name FROM schema_migrations WHERE version = 2") == "002_roles.sql");
    // UTF-8 with a UTF-8 ctype: lower() folds non-ASCII letters.
    CHECK(stack().query("SELECT lower('ÉMILE ÇA')") == "émile ça");
}

TEST_CASE("only the stack's users reach the database socket, as their roles") {
    const auto socket = stack().state_dir + "/pgsock/.s.PGSQL.5432";
    struct stat info {};
    REQUIRE(stat(socket.c_str(), &info) == 0);
    if (getuid() != 0) {
        // Everything runs as the invoking user.
        CHECK((info.st_mode & 0777) == 0700);
        return;
    }
    CHECK((info.st_mode & 0777) == 0770);
    const auto* group = getgrgid(info.st_gid);
    REQUIRE(group != nullptr);
    CHECK(std::string(group->gr_name) == "textus-db");
    // The group holds postgres and the handlers' user, and nobody else.
    std::string members;
    for (auto** member = group->gr_mem; *member; ++member) members += std::string(*member) + " ";
    CHECK(members.find("postgres ") != std::string::npos);
    CHECK(members.find("textus ") != std::string::npos);
    CHECK(std::count(members.begin(), members.end(), ' ') == 2);

    // psql as OS user USER, role ROLE: the first line of what it prints.
    const auto connect = [&](const std::string& user, const std::string& role) {
        const auto url = "postgresql:///textus?host=" + stack().state_dir + "/pgsock&user=" + role;
        return run("runuser -u " + user + " -- psql '" + url +
                   "' -XAtc 'SELECT current_user' 2>&1 | head -n1")
            .output;
    };
    CHECK(connect("textus", "textus") == "textus\n");
    CHECK(connect("textus", "textus_owner").find("Peer authentication failed") !=
          std::string::npos);
    CHECK(connect("textus", "postgres").find("Peer authentication failed") != std::string::npos);
    // nginx's workers run as www-data: the socket refuses them.
    CHECK(connect("www-data", "textus").find("Permission denied") != std::string::npos);
    CHECK(connect("postgres", "textus_owner") == "textus_owner\n");
}
