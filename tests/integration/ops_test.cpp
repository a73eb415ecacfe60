// What a sysadmin relies on: the database going away and coming back, a handler run as plain
// CGI, the admin CLI, migrations, and logs free of personal data.
#include <httplib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/integration/stack.h"

using nlohmann::json;
using textus::test::read_file;
using textus::test::run;
using textus::test::Stack;

namespace {

Stack& stack() {
    return Stack::get();
}

// Runs the contacts handler as a CGI program: the request in the environment and on stdin.
std::string run_cgi(const std::string& method, const std::string& uri, const std::string& body,
                    const std::string& key) {
    const auto body_file = stack().state_dir + "/cgi-body";
    std::ofstream(body_file) << body;
    return run("env -i REQUEST_METHOD=" + method + " REQUEST_URI='" + uri + "'" +
               " CONTENT_TYPE=application/json CONTENT_LENGTH=" + std::to_string(body.size()) +
               " HTTP_AUTHORIZATION='Bearer " + key + "' DATABASE_URL='" +
               stack().app_database_url + "' " + stack().bin_dir + "/textus-contacts < " +
               body_file + " 2>/dev/null")
        .output;
}

}  // namespace

TEST_CASE("a handler answers 503 while PostgreSQL is down and recovers when it is back") {
    REQUIRE(stack().request("GET", "/api/crm/contacts?limit=1").status == 200);
    stack().stop_postgres();
    // Both processes under multiwatch lose their connection; each request gets a clean 503.
    for (int i = 0; i < 4; ++i) {
        const auto reply = stack().request("GET", "/api/crm/contacts?limit=1");
        INFO(reply.body);
        CHECK(reply.status == 503);
        CHECK(reply.json()["error"]["code"] == "database_unavailable");
    }
    stack().start_postgres();
    for (int i = 0; i < 4; ++i) {
        const auto reply = stack().request("GET", "/api/crm/contacts?limit=1");
        INFO(reply.body);
        CHECK(reply.status == 200);
    }
}

TEST_CASE("the same handler binary serves a single request as plain CGI") {
    const auto created = run_cgi(
        "POST", "/api/crm/contacts",
        R"({"firstName":"Cgi","lastName":"Caller","phone":"+1 858 555 0199"})", stack().staff_key);
    INFO(created);
    REQUIRE(created.starts_with("Status: 201 Created\r\n"));
    CHECK(created.find("Content-Type: application/json; charset=utf-8\r\n") != std::string::npos);
    const auto body = json::parse(created.substr(created.find("\r\n\r\n") + 4));
    CHECK(body["contact"]["phone"] == "+18585550199");

    const auto id = std::to_string(body["contact"]["id"].get<int64_t>());
    const auto read = run_cgi("GET", "/api/crm/contacts/" + id + "?x=1", "", stack().staff_key);
    CHECK(read.starts_with("Status: 200 OK\r\n"));
    CHECK(run_cgi("GET", "/api/crm/contacts", "", "wrong").starts_with("Status: 401"));
}

TEST_CASE("textus-admin manages keys and migrations") {
    const auto created = stack().admin("create-key ops-test");
    REQUIRE(created.exit_code == 0);
    const auto key = created.output.substr(0, created.output.find('\n'));
    CHECK(std::regex_match(key, std::regex("tx_[0-9a-f]{64}")));
    CHECK(stack().admin("create-key ops-test").exit_code == 1);  // an active key has the name

    const auto listed = stack().admin("list-keys");
    CHECK(listed.exit_code == 0);
    CHECK(listed.output.find("ops-test\tcreated ") != std::string::npos);
    CHECK(listed.output.find(key) == std::string::npos);
    CHECK(listed.output.find(key.substr(3, 12)) == std::string::npos);
    CHECK(stack().query("SELECT count(*) FROM api_keys WHERE key_hash LIKE '%" + key.substr(3) +
                        "%'") == "0");

    CHECK(stack().admin("revoke-key ops-test").exit_code == 0);
    CHECK(stack().admin("revoke-key ops-test").exit_code == 1);
    CHECK(stack().admin("list-keys").output.find("ops-test\tcreated ") != std::string::npos);
    CHECK(stack().admin("create-key ops-test").exit_code == 0);  // the name is free again
    CHECK(stack().admin("").exit_code == 2);
    CHECK(stack().admin("create-key").exit_code == 2);
    CHECK(stack().admin("frobnicate").exit_code == 2);
    CHECK(run("env -i " + stack().bin_dir + "/textus-admin list-keys 2>&1")
              .output.find("DATABASE_URL is not set") != std::string::npos);
}

TEST_CASE("migrations are recorded and applying them again changes nothing") {
    const auto count = stack().query("SELECT count(*) FROM schema_migrations");
    CHECK(count != "0");
    const auto again = run("DATABASE_URL='" + stack().database_url + "' " + stack().bin_dir +
                           "/textus-admin migrate 2>&1");
    CHECK(again.exit_code == 0);
    CHECK(again.output.find("schema is up to date") != std::string::npos);
    CHECK(stack().query("SELECT count(*) FROM schema_migrations") == count);
    CHECK(stack().query("SELECT name FROM schema_migrations WHERE version = 1") ==
          "001_schema.sql");
}

TEST_CASE("handler logs carry request ids and no personal data or keys") {
    const auto phone = "+17605550777";
    const auto reply = stack().request("POST", "/api/crm/contacts",
                                       json{{"firstName", "Logged"},
                                            {"lastName", "Person"},
                                            {"phone", phone},
                                            {"email", "logged.person@example.com"}}
                                           .dump());
    REQUIRE(reply.status == 201);
    const auto request_id = reply.headers.at("X-Request-Id");
    // The handler logs after it has answered: wait for its line.
    std::string log;
    for (int i = 0; i < 50 && log.find("rid=" + request_id) == std::string::npos; ++i) {
        if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(40));
        log = read_file(stack().state_dir + "/log/contacts.log");
    }
    CHECK(log.find("POST /api/crm/contacts 201") != std::string::npos);
    CHECK(log.find("rid=" + request_id) != std::string::npos);
    CHECK(log.find(phone) == std::string::npos);
    CHECK(log.find("7605550777") == std::string::npos);
    CHECK(log.find("logged.person") == std::string::npos);
    CHECK(log.find(stack().staff_key) == std::string::npos);
    CHECK(log.find("Logged") == std::string::npos);
}

TEST_CASE("deploy/up runs the Twilio simulator and points the handlers at it") {
    httplib::Client sim("127.0.0.1", stack().sim_port);
    const auto requests = sim.Get("/sim/requests");
    REQUIRE(requests);
    CHECK(requests->status == 200);
    const auto pids = stack().handler_pids("webhook");
    REQUIRE_FALSE(pids.empty());
    std::string environ = read_file("/proc/" + std::to_string(pids[0]) + "/environ");
    std::replace(environ.begin(), environ.end(), '\0', '\n');
    CHECK(environ.find("\nTWILIO_API_BASE=http://127.0.0.1:" + std::to_string(stack().sim_port) +
                       "\n") != std::string::npos);
    CHECK(environ.find("\nTWILIO_ACCOUNT_SID=AC") != std::string::npos);
    // The account is the simulator's: it takes the handlers' credentials.
    const auto token = read_file(stack().state_dir + "/twilio-auth-token");
    const auto account = "AC" + read_file(stack().state_dir + "/twilio-account");
    sim.set_basic_auth(account, token);
    const auto list = sim.Get(("/2010-04-01/Accounts/" + account + "/Messages.json").c_str());
    REQUIRE(list);
    INFO(list->body);
    CHECK(list->status == 200);
}
