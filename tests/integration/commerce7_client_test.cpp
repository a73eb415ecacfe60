// The Commerce7 client against the simulator, both real programs over HTTP, without the stack:
// find by phone then email, update or create, what it sends, when it retries and when it must
// not, and how Commerce7's refusals come out.
#include "common/commerce7/commerce7_client.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/integration/commerce7_sim.h"

using namespace textus;
using namespace std::chrono_literals;
using nlohmann::json;
using test::Commerce7Sim;

namespace {

const std::string kDate = "2026-11-24";
const commerce7::Lead kLead{.first_name = "Jane",
                            .last_name = "Doe",
                            .phone = "+17605550142",
                            .email = "jane.doe@example.com",
                            .birthdate = "1990-04-01"};

const commerce7::Timing kFast{.connect_timeout = 1000ms,
                              .read_timeout = 1000ms,
                              .attempts = 3,
                              .backoff = 10ms,
                              .max_retry_after = 50ms};

template <typename F>
commerce7::Commerce7Error error_of(F&& call) {
    try {
        call();
    } catch (const commerce7::Commerce7Error& e) {
        return e;
    }
    FAIL("no Commerce7Error");
    return {0, "", ""};
}

size_t count_method(const json& requests, const std::string& method) {
    return static_cast<size_t>(std::count_if(requests.begin(), requests.end(),
                                             [&](const json& r) { return r["method"] == method; }));
}

}  // namespace

TEST_CASE("a new customer is created once, with basic auth, tenant and metaData", "[commerce7]") {
    Commerce7Sim sim;
    commerce7::Client client(sim.config(), kFast);
    const auto id = client.find_or_create(kLead, kDate);
    CHECK_FALSE(id.empty());

    const auto customers = sim.customers();
    REQUIRE(customers.size() == 1);
    const auto& c = customers[0];
    CHECK(c["id"] == id);
    CHECK(c["firstName"] == "Jane");
    CHECK(c["lastName"] == "Doe");
    CHECK(c["birthDate"] == "1990-04-01");
    CHECK(c["phones"] == json::array({{{"phone", "+17605550142"}}}));
    CHECK(c["emails"] == json::array({{{"email", "jane.doe@example.com"}}}));
    CHECK(c["metaData"] ==
          json{{"source", "sms_chatbot"}, {"sms_enrolled", "true"}, {"sms_enrolled_date", kDate}});

    // Searched by phone digits, then by email, then created; every call authenticated.
    const auto requests = sim.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0]["method"] == "GET");
    CHECK(requests[0]["path"] == "/v1/customer");
    CHECK(requests[0]["query"]["q"] == "17605550142");
    CHECK(requests[1]["query"]["q"] == "jane.doe@example.com");
    CHECK(requests[2]["method"] == "POST");
    CHECK(requests[2]["path"] == "/v1/customer");
    for (const auto& r : requests) {
        CHECK(r["authOk"] == true);
        CHECK(r["tenantOk"] == true);
    }
    // Once there, the same lead finds it: still one customer.
    CHECK(client.find_or_create(kLead, kDate) == id);
    CHECK(sim.customers().size() == 1);
}

TEST_CASE("an existing customer by phone; fuzzy decoys sharing digits are not matched",
          "[commerce7]") {
    Commerce7Sim sim;
    sim.hook("/sim/customers", {{"customers",
                                 {{{"id", "decoy-longer"},
                                   {"firstName", "Decoy"},
                                   {"phones", {{{"phone", "+117605550142"}}}}},
                                  {{"id", "decoy-shorter"},
                                   {"firstName", "Decoy"},
                                   {"phones", {{{"phone", "+7605550142"}}}}},
                                  {{"id", "decoy-name"}, {"firstName", "17605550142"}},
                                  {{"id", "jane"},
                                   {"firstName", "Jane"},
                                   {"phones", {{{"phone", "+17605550142"}}}},
                                   {"emails", {{{"email", "jane.doe@example.com"}}}},
                                   {"metaData", {{"club", "gold"}}}}}}});
    commerce7::Client client(sim.config(), kFast);
    CHECK(client.find_or_create(kLead, kDate) == "jane");

    const auto requests = sim.requests();
    REQUIRE(requests.size() == 2);  // the search, then the update: no email search
    CHECK(requests[1]["method"] == "PUT");
    CHECK(requests[1]["path"] == "/v1/customer/jane");
    // Nothing to add: phone and email are there; the metaData keeps what it had.
    CHECK_FALSE(requests[1]["body"].contains("phones"));
    CHECK_FALSE(requests[1]["body"].contains("emails"));
    const auto customers = sim.customers();
    REQUIRE(customers.size() == 4);
    CHECK(customers[3]["metaData"] ==
          json{{"club", "gold"}, {"sms_enrolled", "true"}, {"sms_enrolled_date", kDate}});
    for (int i = 0; i < 3; ++i) CHECK_FALSE(customers[i]["metaData"].contains("sms_enrolled"));

    // Digits that every one of them matches fuzzily, and no one's number.
    CHECK_FALSE(client.find_by_phone("+1760555014"));
}

TEST_CASE("an existing customer by email only, in another case, gets the phone", "[commerce7]") {
    Commerce7Sim sim;
    sim.hook("/sim/customers", {{"customers",
                                 {{{"id", "decoy"},
                                   {"firstName", "X"},
                                   {"emails", {{{"email", "xjane.doe@example.com.au"}}}}},
                                  {{"id", "jane"},
                                   {"firstName", "Jane"},
                                   {"emails", {{{"email", "Jane.Doe@Example.COM"}}}},
                                   {"phones", {{{"phone", "+17605550100"}}}}}}}});
    commerce7::Client client(sim.config(), kFast);
    CHECK(client.find_or_create(kLead, kDate) == "jane");

    const auto customers = sim.customers();
    REQUIRE(customers.size() == 2);
    const auto& jane = customers[1];
    CHECK(jane["phones"] ==
          json::array({{{"phone", "+17605550100"}}, {{"phone", "+17605550142"}}}));
    CHECK(jane["emails"] == json::array({{{"email", "Jane.Doe@Example.COM"}}}));
    CHECK(jane["metaData"]["sms_enrolled"] == "true");
    CHECK(jane["metaData"]["sms_enrolled_date"] == kDate);
    CHECK_FALSE(customers[0]["metaData"].contains("sms_enrolled"));
    CHECK(count_method(sim.requests(), "POST") == 0);
}

TEST_CASE("wrong credentials or tenant: a configuration error, not retried", "[commerce7]") {
    Commerce7Sim sim;
    auto config = sim.config();
    config.commerce7_secret = "wrong";
    const auto auth =
        error_of([&] { commerce7::Client(config, kFast).find_or_create(kLead, kDate); });
    CHECK(auth.status == 503);
    CHECK(auth.code == "commerce7_auth");
    CHECK(auth.commerce7_status == 401);
    CHECK(std::string(auth.what()).find("COMMERCE7_SECRET") != std::string::npos);
    CHECK(std::string(auth.what()).find("wrong") == std::string::npos);

    config = sim.config();
    config.commerce7_tenant = "another-winery";
    const auto tenant =
        error_of([&] { commerce7::Client(config, kFast).find_or_create(kLead, kDate); });
    CHECK(tenant.code == "commerce7_auth");
    CHECK(tenant.commerce7_status == 403);

    const auto requests = sim.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0]["authOk"] == false);
    CHECK(requests[1]["tenantOk"] == false);
    CHECK(sim.customers().empty());
}

TEST_CASE("429 with Retry-After, then success: one create", "[commerce7]") {
    Commerce7Sim sim;
    sim.hook("/sim/fail", {{"count", 1}, {"status", 429}, {"retryAfter", 1}, {"method", "POST"}});
    commerce7::Client client(sim.config(), kFast);
    const auto started = std::chrono::steady_clock::now();
    const auto id = client.find_or_create(kLead, kDate);
    // Retry-After: 1 waited no longer than the cap.
    CHECK(std::chrono::steady_clock::now() - started < 900ms);
    CHECK(count_method(sim.requests(), "POST") == 2);
    const auto customers = sim.customers();
    REQUIRE(customers.size() == 1);
    CHECK(customers[0]["id"] == id);
}

TEST_CASE("Commerce7 500 every time: bounded attempts, then 502 commerce7_unavailable",
          "[commerce7]") {
    Commerce7Sim sim;
    sim.hook("/sim/fail", {{"count", 100}, {"status", 500}});
    commerce7::Client client(sim.config(), kFast);
    const auto e = error_of([&] { client.find_or_create(kLead, kDate); });
    CHECK(e.status == 502);
    CHECK(e.code == "commerce7_unavailable");
    CHECK(e.commerce7_status == 500);
    CHECK_FALSE(e.outcome_unknown);
    CHECK(sim.requests().size() == 3);  // the phone search, three times
    CHECK(sim.customers().empty());
}

TEST_CASE("errors[] on a 200 is an error", "[commerce7]") {
    Commerce7Sim sim;
    sim.hook("/sim/fail",
             {{"status", 200},
              {"method", "POST"},
              {"errors", {{{"field", "emails"}, {"message", "jane.doe@example.com is taken"}}}}});
    commerce7::Client client(sim.config(), kFast);
    const auto e = error_of([&] { client.find_or_create(kLead, kDate); });
    CHECK(e.status == 502);
    CHECK(e.code == "commerce7_error");
    CHECK(e.commerce7_status == 200);
    CHECK(e.commerce7_message.find("is taken") != std::string::npos);
    // Commerce7's words may quote the address: they stay out of what() (logged).
    CHECK(std::string(e.what()).find("jane.doe") == std::string::npos);
    CHECK(count_method(sim.requests(), "POST") == 1);
}

TEST_CASE("a customer create without an answer is not retried: its outcome is unknown",
          "[commerce7]") {
    Commerce7Sim sim;
    auto timing = kFast;
    timing.read_timeout = 200ms;
    commerce7::Client client(sim.config(), timing);
    sim.hook("/sim/fail", {{"delayMs", 700}, {"method", "POST"}});
    const auto e = error_of([&] { client.find_or_create(kLead, kDate); });
    CHECK(e.status == 502);
    CHECK(e.code == "commerce7_unavailable");
    CHECK(e.outcome_unknown);
    CHECK(std::string(e.what()).find("may or may not have been created") != std::string::npos);
    CHECK(count_method(sim.requests(), "POST") == 1);
    // Commerce7 went on and created it: the caller's later find_or_create finds it.
    std::this_thread::sleep_for(700ms);
    REQUIRE(sim.customers().size() == 1);
    CHECK(client.find_or_create(kLead, kDate) == sim.customers()[0]["id"]);
    CHECK(sim.customers().size() == 1);
    CHECK(count_method(sim.requests(), "POST") == 1);

    // A 5xx to a create likewise: Commerce7 may have acted before failing.
    sim.hook("/sim/fail", {{"status", 503}, {"method", "POST"}});
    const auto other = commerce7::Lead{.first_name = "Ann", .phone = "+17605550143"};
    const auto unavailable = error_of([&] { client.find_or_create(other, kDate); });
    CHECK(unavailable.outcome_unknown);
    CHECK(count_method(sim.requests(), "POST") == 2);
}

TEST_CASE("a search without an answer in time is not retried, and nothing was made",
          "[commerce7]") {
    Commerce7Sim sim;
    auto timing = kFast;
    timing.read_timeout = 200ms;
    commerce7::Client client(sim.config(), timing);
    sim.hook("/sim/fail", {{"delayMs", 700}, {"method", "GET"}});
    const auto e = error_of([&] { client.find_or_create(kLead, kDate); });
    CHECK(e.status == 502);
    CHECK(e.code == "commerce7_unavailable");
    CHECK_FALSE(e.outcome_unknown);
    // One wait for the visitor, not three: the later sync asks again.
    CHECK(sim.requests().size() == 1);
    CHECK(sim.customers().empty());
}

TEST_CASE("a commerce7-sim stopped as soon as it is ready stops", "[commerce7]") {
    for (int i = 0; i < 20; ++i) {
        INFO(i);
        Commerce7Sim sim;
        CHECK(sim.stop() == 0);
    }
}
