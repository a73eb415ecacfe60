// What a hostile or unlucky client finds: parallel writes to one contact, consent when a phone
// changes, input that looks valid but is not, a database that breaks or stalls mid-request, a
// client that hangs up, and the runtime each shipped program links.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <regex>
#include <thread>
#include <vector>

#include "tests/integration/stack.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using textus::test::new_phone;
using textus::test::read_file;
using textus::test::Reply;
using textus::test::run;
using textus::test::Stack;

namespace {

Stack& stack() {
    return Stack::get();
}

std::string create(json body) {
    if (!body.contains("firstName")) body["firstName"] = "Hana";
    if (!body.contains("lastName")) body["lastName"] = "Ng";
    if (!body.contains("phone")) body["phone"] = new_phone();
    const auto reply = stack().request("POST", "/api/crm/contacts", body.dump());
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    return std::to_string(reply.json()["contact"]["id"].get<int64_t>());
}

Reply patch(const std::string& id, const json& body) {
    return stack().request("PATCH", "/api/crm/contacts/" + id, body.dump());
}

json contact(const std::string& id) {
    return stack().request("GET", "/api/crm/contacts/" + id).json()["contact"];
}

std::string events(const std::string& id) {
    return stack().query(
        "SELECT coalesce(string_agg(kind || ' ' || phone, ', ' ORDER BY id), '')"
        " FROM consent_events WHERE contact_id = " +
        id);
}

void check_error(const Reply& reply, int status, const std::string& code,
                 const std::string& field = "") {
    INFO(reply.body);
    CHECK(reply.status == status);
    const auto body = reply.json();
    CHECK(body["error"]["code"] == code);
    if (!field.empty()) CHECK(body["error"]["field"] == field);
}

// Holds a contact's row lock from outside the stack, as a slow writer would.
class RowLock {
  public:
    explicit RowLock(const std::string& id)
        : connection_(stack().database_url), work_(connection_) {
        work_.exec("SELECT 1 FROM contacts WHERE id = " + id + " FOR UPDATE");
    }
    void release() { work_.abort(); }

  private:
    pqxx::connection connection_;
    pqxx::work work_;
};

// The pid of the handler's backend once it waits for a lock.
std::string waiting_backend() {
    for (int i = 0; i < 100; ++i) {
        const auto pid = stack().query(
            "SELECT pid FROM pg_stat_activity WHERE datname = 'textus' AND wait_event_type = "
            "'Lock' LIMIT 1");
        if (!pid.empty()) return pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
}

}  // namespace

TEST_CASE("parallel PATCHes of different fields all land") {
    for (int round = 0; round < 8; ++round) {
        const auto id = create({});
        const json bodies[] = {{{"notes", "note " + std::to_string(round)}},
                               {{"tags", {"tag" + std::to_string(round)}}},
                               {{"assignedAgent", "Agent " + std::to_string(round)}},
                               {{"source", "fair" + std::to_string(round)}},
                               {{"status", "qualified"}}};
        std::vector<std::thread> writers;
        std::vector<int> statuses(std::size(bodies));
        for (size_t i = 0; i < std::size(bodies); ++i) {
            writers.emplace_back([&, i] { statuses[i] = patch(id, bodies[i]).status; });
        }
        for (auto& writer : writers) writer.join();
        for (const auto status : statuses) CHECK(status == 200);
        const auto stored = contact(id);
        INFO("round " << round << ": " << stored.dump());
        for (const auto& body : bodies) {
            for (const auto& [field, value] : body.items()) CHECK(stored[field] == value);
        }
    }
}

TEST_CASE("a staff opt-out racing edits that do not name smsOptIn stays an opt-out") {
    for (int round = 0; round < 8; ++round) {
        const auto id = create({{"smsOptIn", true}});
        std::vector<std::thread> writers;
        writers.emplace_back([&] { CHECK(patch(id, {{"smsOptIn", false}}).status == 200); });
        for (int i = 0; i < 3; ++i) {
            writers.emplace_back([&, i] {
                CHECK(patch(id, {{"notes", "edit " + std::to_string(i)}}).status == 200);
            });
        }
        writers.emplace_back([&] {
            auto replacement = contact(id);  // what GET returned, without smsOptIn, PUT back
            replacement.erase("smsOptIn");
            CHECK(stack().request("PUT", "/api/crm/contacts/" + id, replacement.dump()).status ==
                  200);
        });
        for (auto& writer : writers) writer.join();
        const auto stored = contact(id);
        INFO("round " << round);
        CHECK(stored["smsOptIn"] == false);
        CHECK(stored["optedOutAt"].is_string());
        const auto phone = stored["phone"].get<std::string>();
        CHECK(events(id) == "opt_in " + phone + ", opt_out " + phone);
    }
}

TEST_CASE("consent belongs to a number: a new phone starts without the old one's opt-in") {
    const auto first = new_phone(), second = new_phone(), third = new_phone();
    const auto id = create({{"phone", first}, {"smsOptIn", true}});
    CHECK(contact(id)["consent"]["source"] == "staff");

    const auto moved = patch(id, {{"phone", second}});
    REQUIRE(moved.status == 200);
    CHECK(moved.json()["contact"]["smsOptIn"] == false);
    CHECK(moved.json()["contact"]["consent"].is_null());
    CHECK(events(id) == "opt_in " + first + ", phone_changed " + second);
    CHECK(stack()
              .query("SELECT detail FROM consent_events WHERE contact_id = " + id +
                     " AND kind = 'phone_changed'")
              .find("phone changed from " + first) != std::string::npos);

    // Consent recorded in the same request is consent for the new number.
    const auto consented = patch(id, {{"phone", third}, {"smsOptIn", true}});
    REQUIRE(consented.status == 200);
    CHECK(consented.json()["contact"]["smsOptIn"] == true);
    CHECK(events(id) == "opt_in " + first + ", phone_changed " + second + ", opt_in " + third);

    // A PUT of the same number written differently changes nothing about consent.
    auto same = contact(id);
    same["phone"] = "(" + third.substr(2, 3) + ") " + third.substr(5, 3) + "-" + third.substr(8);
    REQUIRE(stack().request("PUT", "/api/crm/contacts/" + id, same.dump()).status == 200);
    CHECK(contact(id)["smsOptIn"] == true);
    CHECK(events(id) == "opt_in " + first + ", phone_changed " + second + ", opt_in " + third);

    // A number whose last word on record is an opt-out starts opted out, whoever had it.
    REQUIRE(patch(id, {{"smsOptIn", false}}).status == 200);
    REQUIRE(stack().request("DELETE", "/api/crm/contacts/" + id).status == 200);
    const auto again = create({{"phone", third}});
    CHECK(contact(again)["smsOptIn"] == false);
    CHECK(contact(again)["optedOutAt"].is_string());
    const auto other = create({});
    const auto taken = patch(other, {{"phone", third}});
    check_error(taken, 409, "duplicate_phone", "phone");
}

TEST_CASE("times: offsets past 14:00 and years outside 0001-9999 are refused; GET PUTs back") {
    const auto id = create({});
    const auto before = contact(id);
    for (const char* bad :
         {"2026-01-01T00:00:00+16:00", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00",
          "9999-12-31T23:00:00-02:00", "2026-01-01T00:00:00+05:60"}) {
        INFO(bad);
        check_error(patch(id, {{"lastContactAt", bad}}), 400, "invalid_field", "lastContactAt");
    }
    CHECK(contact(id) == before);

    const auto east = patch(id, {{"lastContactAt", "2026-01-01T09:30:00.5+14:00"}});
    REQUIRE(east.status == 200);
    CHECK(east.json()["contact"]["lastContactAt"] == "2025-12-31T19:30:00.500Z");
    for (const char* edge : {"0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"}) {
        INFO(edge);
        const auto stored = patch(id, {{"lastContactAt", edge}});
        REQUIRE(stored.status == 200);
        CHECK(stored.json()["contact"]["lastContactAt"] == edge);
        const auto read = contact(id);
        const auto put = stack().request("PUT", "/api/crm/contacts/" + id, read.dump());
        INFO(put.body);
        REQUIRE(put.status == 200);
        auto after = put.json()["contact"];
        after.erase("updatedAt");
        auto expected = read;
        expected.erase("updatedAt");
        CHECK(after == expected);
    }
}

TEST_CASE("query strings: invalid UTF-8 and NUL are refused; search folds case in any alphabet") {
    for (const char* query : {"search=%ff", "search=%00", "search=ann%00lee", "search=%c3%28",
                              "status=%ff", "optIn=true%00"}) {
        INFO(query);
        check_error(stack().request("GET", std::string("/api/crm/contacts?") + query), 400,
                    "invalid_query");
    }
    const auto tag = std::to_string(std::rand());
    const auto id =
        create({{"firstName", "\xC3\x89mile"}, {"lastName", "\xC3\x85ngstr\xC3\xB6m" + tag}});
    for (const auto& search :
         {std::string("%C3%A9mile"), std::string("%C3%89MILE"), "%C3%A5ngstr%C3%B6m" + tag,
          "%C3%85NGSTR%C3%96M" + tag, "%C3%A9MILE%20%C3%A5NGSTR%C3%B6M" + tag}) {
        INFO(search);
        const auto found = stack().request("GET", "/api/crm/contacts?limit=200&search=" + search);
        REQUIRE(found.status == 200);
        bool listed = false;
        for (const auto& c : found.json()["contacts"]) {
            listed = listed || std::to_string(c["id"].get<int64_t>()) == id;
        }
        CHECK(listed);
    }
}

TEST_CASE("input that looks valid but is not is refused, and what is valid is kept") {
    const auto id = create({{"source", "web"}});
    const auto before = contact(id);
    check_error(patch(id, {{"phone", "Call me +1 760 555 0142 ok"}}), 400, "invalid_phone",
                "phone");
    const auto extension = patch(id, {{"phone", "+1 760 555 0142 ext. 12"}});
    check_error(extension, 400, "invalid_phone", "phone");
    CHECK(extension.json()["error"]["message"].get<std::string>().find("extension") !=
          std::string::npos);
    for (const char* blank : {"   ", "\xE2\x80\x8B", "\xC2\xA0\xE2\x80\x8B\xEF\xBB\xBF"}) {
        check_error(patch(id, {{"firstName", blank}}), 400, "missing_field", "firstName");
    }
    check_error(patch(id, {{"interests", {{"priceRange", {{"min", 900000}, {"max", 100000}}}}}}),
                400, "invalid_field", "interests.priceRange");
    CHECK(contact(id) == before);

    std::string hundred;
    for (int i = 0; i < 100; ++i) hundred += "\xC3\x89";
    const auto long_name = patch(id, {{"firstName", hundred}});
    REQUIRE(long_name.status == 200);
    CHECK(long_name.json()["contact"]["firstName"] == hundred);
    const auto too_long = patch(id, {{"firstName", hundred + "x"}});
    check_error(too_long, 400, "invalid_field", "firstName");
    CHECK(too_long.json()["error"]["message"] == "firstName must be at most 100 characters");

    const auto spaced = stack().request("PATCH", "/api/crm/contacts/" + id, R"({"notes":"ok"})",
                                        "<staff>", "application/json ; charset=utf-8");
    CHECK(spaced.status == 200);

    // PUT replaces what staff edit, but a web lead keeps its origin.
    const auto put = stack().request(
        "PUT", "/api/crm/contacts/" + id,
        json{{"firstName", "Hana"}, {"lastName", "Ng"}, {"phone", before["phone"]}}.dump());
    REQUIRE(put.status == 200);
    CHECK(put.json()["contact"]["source"] == "web");
    CHECK(put.json()["contact"]["notes"] == "");
}

TEST_CASE("every answer of a handler says Cache-Control: no-store") {
    for (const auto& [method, path] :
         {std::pair<std::string, std::string>{"GET", "/api/crm/contacts?limit=1"},
          {"GET", "/api/crm/contacts/999999999"},
          {"GET", "/api/crm/contacts/abc"}}) {
        const auto reply = stack().request(method, path);
        INFO(method << " " << path);
        CHECK(reply.headers.at("Cache-Control") == "no-store");
    }
    CHECK(stack().request("GET", "/api/crm/contacts", "", "").headers.at("Cache-Control") ==
          "no-store");
}

TEST_CASE("a unit of work broken midway is not re-run: 503, and nothing changed") {
    const auto id = create({});
    REQUIRE(patch(id, {{"notes", "warm the connection"}}).status == 200);
    const auto before = contact(id);
    RowLock lock(id);
    std::optional<Reply> reply;
    std::thread writer([&] { reply = patch(id, {{"notes", "written once?"}}); });
    const auto backend = waiting_backend();
    REQUIRE_FALSE(backend.empty());
    stack().query("SELECT pg_terminate_backend(" + backend + ")");
    lock.release();
    writer.join();
    REQUIRE(reply);
    check_error(*reply, 503, "database_unavailable");
    CHECK(contact(id) == before);
}

TEST_CASE("a client that hangs up is logged as an answer not delivered") {
    const auto id = create({});
    RowLock lock(id);
    const auto log_path = stack().state_dir + "/log/contacts.log";
    // The client gives up after a second, while the handler waits for the lock.
    std::thread impatient([&] {
        httplib::Client client("127.0.0.1", stack().port);
        client.set_read_timeout(1, 0);
        client.Patch(("/api/crm/contacts/" + id).c_str(),
                     {{"Authorization", "Bearer " + stack().staff_key}},
                     R"({"notes":"never seen"})", "application/json");
    });
    REQUIRE_FALSE(waiting_backend().empty());
    impatient.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nginx closes upstream
    lock.release();
    std::string log;
    for (int i = 0; i < 50 && log.find("answer not delivered") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        log = read_file(log_path);
    }
    CHECK(std::regex_search(
        log, std::regex(
                 R"(PATCH /api/crm/contacts/\{id\} 200 [0-9.]+ms rid=\S+ answer not delivered)")));
}

TEST_CASE("plain CGI refuses a CONTENT_LENGTH that is not a number") {
    for (const char* length : {"12abc", "99999999999999999999999", "-5"}) {
        const auto out =
            run("printf '{}' | env -i REQUEST_METHOD=POST REQUEST_URI=/api/crm/contacts"
                " CONTENT_TYPE=application/json CONTENT_LENGTH=" +
                std::string(length) + " HTTP_AUTHORIZATION='Bearer " + stack().staff_key +
                "' DATABASE_URL='" + stack().app_database_url + "' " + stack().bin_dir +
                "/textus-contacts 2>/dev/null")
                .output;
        INFO(length << ": " << out);
        CHECK((out.starts_with("Status: 400") || out.starts_with("Status: 413")));
        CHECK(out.find("Cache-Control: no-store\r\n") != std::string::npos);
    }
}

TEST_CASE("shipped programs use the one shared C++ runtime (libstdc++.so.6)") {
    for (const char* program : {"textus-admin", "textus-contacts"}) {
        const auto needed =
            run("readelf -d " + stack().bin_dir + "/" + program + " | grep NEEDED").output;
        INFO(program << ":\n" << needed);
        CHECK(needed.find("[libstdc++.so.6]") != std::string::npos);
    }
}

TEST_CASE("a statement that waits too long is a 503 within seconds, not a stalled handler") {
    const auto id = create({});
    const auto before = contact(id);
    RowLock lock(id);
    const auto start = std::chrono::steady_clock::now();
    const auto reply = patch(id, {{"notes", "waits for the lock"}});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    lock.release();
    check_error(reply, 503, "database_timeout");
    CHECK(took.count() < 10);
    CHECK(contact(id) == before);
}

TEST_CASE("a database server that accepts no connection is a 503 within seconds") {
    REQUIRE(stack().request("GET", "/api/crm/contacts?limit=1").status == 200);
    // The handlers' connections go, and the server stops answering new ones.
    stack().query(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'textus'"
        " AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
    const auto postmaster = read_file(stack().state_dir + "/pg/postmaster.pid");
    const auto pid = postmaster.substr(0, postmaster.find('\n'));
    REQUIRE(run("kill -STOP " + pid).exit_code == 0);
    const auto start = std::chrono::steady_clock::now();
    const auto reply = stack().request("GET", "/api/crm/contacts?limit=1");
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    run("kill -CONT " + pid);
    check_error(reply, 503, "database_unavailable");
    CHECK(took.count() < 10);
    for (int i = 0; i < 4; ++i) {
        CHECK(stack().request("GET", "/api/crm/contacts?limit=1").status == 200);
    }
}

TEST_CASE("a handler without its configuration answers 503 naming what is missing") {
    const auto out = run("env -i REQUEST_METHOD=GET REQUEST_URI=/api/crm/contacts LOG_LEVEL=loud " +
                         stack().bin_dir + "/textus-contacts 2>/dev/null")
                         .output;
    INFO(out);
    REQUIRE(out.starts_with("Status: 503 Service Unavailable\r\n"));
    const auto body = json::parse(out.substr(out.find("\r\n\r\n") + 4));
    CHECK(body["error"]["code"] == "configuration_incomplete");
    const auto message = body["error"]["message"].get<std::string>();
    CHECK(message.find("DATABASE_URL is not set") != std::string::npos);
    CHECK(message.find("LOG_LEVEL must be one of") != std::string::npos);
    CHECK(message.find("loud") == std::string::npos);
}

TEST_CASE("through nginx, a handler started without its configuration answers 503 and says why") {
    stack().restart_handler("contacts", "-u DATABASE_URL");
    const auto reply = stack().request("GET", "/api/crm/contacts?limit=1");
    const auto second = stack().request("POST", "/api/crm/contacts", R"({"firstName":"A"})");
    stack().restart_handler("contacts");
    check_error(reply, 503, "configuration_incomplete");
    CHECK(reply.json()["error"]["message"].get<std::string>().find("DATABASE_URL is not set") !=
          std::string::npos);
    CHECK(reply.headers.at("Cache-Control") == "no-store");
    check_error(second, 503, "configuration_incomplete");
    CHECK(stack().request("GET", "/api/crm/contacts?limit=1").status == 200);
}
