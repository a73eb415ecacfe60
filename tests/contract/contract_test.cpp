// The contract test: the Twilio client (the real code) talks to twilio-sim through Prism, which
// checks every request and every answer against Twilio's OpenAPI description
// (../shared/twilio-oai), so that passing against the simulator means passing against Twilio.
// Every call the client makes, and the simulator's error answers; the last test case shows that
// a break is caught. One simulator and one Prism for all test cases (Prism takes seconds to
// start): each test case uses numbers of its own.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "common/twilio/twilio_client.h"
#include "tests/contract/prism.h"
#include "tests/integration/sim.h"

using namespace textus;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;
using test::PrismProxy;
using test::TwilioSim;

namespace {

const std::string kOwn = TwilioSim::kPhoneNumber;
const std::string kUnknownSid = "SM00000000000000000000000000000000";
const std::vector<std::string> kNone;

// Prism's first check of a large schema takes a moment: the default read timeout; no waiting
// between attempts.
const twilio::Timing kTiming{.backoff = 10ms, .max_retry_after = 50ms};

struct Contract {
    Contract() { sim.hook("/sim/callbacks", {{"enabled", false}}); }

    // The simulator's account, reached through Prism.
    Config config() const {
        auto config = sim.config();
        config.twilio_api_base = prism.base_url;
        return config;
    }

    TwilioSim sim;
    PrismProxy prism{sim.base_url};
};

// Started by the first test case; what an earlier test case left unread is dropped.
Contract& contract() {
    static Contract contract;
    contract.prism.violations();
    contract.sim.hook("/sim/requests", nullptr, "DELETE");
    return contract;
}

template <typename F>
twilio::TwilioError error_of(F&& call) {
    try {
        call();
    } catch (const twilio::TwilioError& e) {
        return e;
    }
    FAIL("no TwilioError");
    return {0, "", ""};
}

// Runs `calls`, then checks that Prism found nothing. A call Prism refused throws in the client
// (Prism's 422 or 500): that fails the test case here, so that what Prism said still shows.
template <typename F>
void conforming(Contract& c, F&& calls) {
    try {
        calls();
    } catch (const std::exception& e) {
        FAIL_CHECK("the client threw: " << e.what());
    }
    CHECK(c.prism.violations() == kNone);
}

}  // namespace

TEST_CASE("create: To, From, Body and StatusCallback; MediaUrl; a Messaging Service",
          "[contract]") {
    auto& c = contract();
    const std::string to = "+17605550201";
    conforming(c, [&] {
        twilio::Client client(c.config(), kTiming);
        const auto text = client.create_message({.to = to,
                                                 .body = "Hello through Prism",
                                                 .status_callback = "https://textus.test/api/"
                                                                    "twilio/status?id=42"});
        CHECK(text.status == "queued");
        const auto mms = client.create_message(
            {.to = to,
             .body = "two pictures",
             .media_urls = {"https://example.com/a.jpg", "https://example.com/b.png?x=1&y=2"}});
        CHECK(mms.num_media == 2);
        // No Body, and the default StatusCallback (PUBLIC_BASE_URL's).
        const auto media_only =
            client.create_message({.to = to, .media_urls = {"https://example.com/c.gif"}});
        CHECK(media_only.sid.starts_with("MM"));

        auto service = c.config();
        service.twilio_phone_number.clear();
        service.twilio_messaging_service_sid = "MG0123456789abcdef0123456789abcdef";
        const auto via_service =
            twilio::Client(service, kTiming).create_message({.to = to, .body = "from the service"});
        CHECK(via_service.status == "accepted");
    });
    // Prism passed the forms on whole.
    const auto requests = c.sim.requests();
    REQUIRE(requests.size() == 4);
    CHECK(requests[0]["form"]["StatusCallback"] ==
          json{"https://textus.test/api/twilio/status?id=42"});
    CHECK(requests[1]["form"]["MediaUrl"] ==
          json{"https://example.com/a.jpg", "https://example.com/b.png?x=1&y=2"});
    CHECK(requests[3]["form"]["MessagingServiceSid"] == json{"MG0123456789abcdef0123456789abcdef"});
}

TEST_CASE("fetch a message and list its media", "[contract]") {
    auto& c = contract();
    conforming(c, [&] {
        twilio::Client client(c.config(), kTiming);
        const auto created = client.create_message(
            {.to = "+17605550202",
             .body = "€ and two media",
             .media_urls = {"https://example.com/a.jpg", "https://example.com/b.mp4"}});
        const auto fetched = client.fetch_message(created.sid);
        CHECK(fetched.body == "€ and two media");
        const auto media = client.media(fetched);
        REQUIRE(media.size() == 2);
        CHECK(media[1].content_type == "video/mp4");
    });
}

TEST_CASE("list with To, From and PageSize, following next_page_uri over pages", "[contract]") {
    auto& c = contract();
    const std::string customer = "+17605550203";
    json seeded = json::array();
    for (int i = 0; i < 7; ++i) {
        char date[64];  // room for any int: -O1 cannot see i < 7
        std::snprintf(date, sizeof date, "Tue, 03 Mar 2026 09:%02d:00 +0000", i);
        seeded.push_back({{"from", customer},
                          {"to", kOwn},
                          {"body", "inbound " + std::to_string(i)},
                          {"date_created", date}});
    }
    seeded[0]["media_urls"] = {"https://example.com/in.jpg"};
    for (int i = 0; i < 2; ++i) {
        seeded.push_back({{"from", kOwn},
                          {"to", customer},
                          {"direction", "outbound-api"},
                          {"body", "reply " + std::to_string(i)}});
    }
    c.sim.hook("/sim/messages", {{"messages", seeded}});
    twilio::Client client(c.config(), kTiming);

    conforming(c, [&] {
        const auto inbound = client.list_messages({.from = customer, .page_size = 3});
        REQUIRE(inbound.size() == 7);
        CHECK(inbound.back().body == "inbound 0");
        CHECK(client.media(inbound.back()).size() == 1);
        const auto replies = client.list_messages({.to = customer, .from = kOwn, .page_size = 1});
        CHECK(replies.size() == 2);
        CHECK(client.list_messages({.to = "+17605550299"}).empty());
    });
    // 3 + 2 pages, the media list and the empty list: the later pages by next_page_uri.
    const auto requests = c.sim.requests();
    REQUIRE(requests.size() == 7);
    for (const auto i : {1, 2, 5}) {
        INFO(i);
        CHECK(requests[i]["query"].contains("PageToken"));
    }
}

TEST_CASE("Twilio's error answers pass through; the spec describes no error body", "[contract]") {
    auto& c = contract();
    twilio::Client client(c.config(), kTiming);
    auto wrong_token = c.config();
    wrong_token.twilio_auth_token = "wrong";
    CHECK(error_of([&] {
              twilio::Client(wrong_token, kTiming).fetch_message(kUnknownSid);
          }).twilio_code == 20003);
    CHECK(error_of([&] { client.fetch_message(kUnknownSid); }).twilio_code == 20404);
    const auto invalid = error_of([&] { client.create_message({.to = "+1555", .body = "x"}); });
    CHECK(invalid.twilio_code == 21211);
    CHECK(invalid.twilio_message.find("+1555") != std::string::npos);
    CHECK(error_of([&] { client.create_message({.to = "", .body = "x"}); }).twilio_code == 21604);
    c.sim.hook("/sim/fail", {{"count", 1}, {"status", 429}, {"retryAfter", 0}});
    CHECK(twilio::valid_message_sid(
        client.create_message({.to = "+17605550204", .body = "after a 429"}).sid));

    // The spec lists only each call's success, so Prism can check no error body: it notes
    // each error status, and nothing else.
    const auto violations = c.prism.violations();
    CHECK(violations.size() == 5);
    for (const auto& violation : violations) {
        CHECK_THAT(violation, StartsWith("response Unable to match the returned status code"));
    }
}

TEST_CASE("a request or an answer that breaks the contract fails", "[contract]") {
    auto& c = contract();
    const std::string customer = "+17605550205";
    auto config = c.config();
    config.twilio_phone_number.clear();
    config.twilio_messaging_service_sid = "MG-not-a-sid";
    const auto refused = error_of(
        [&] { twilio::Client(config, kTiming).create_message({.to = customer, .body = "x"}); });
    CHECK(refused.code == "twilio_error");  // Prism's 422, never passed on
    CHECK(c.sim.requests().empty());

    const auto seeded = c.sim.hook(
        "/sim/messages",
        {{"messages", {{{"from", customer}, {"to", kOwn}, {"body", "x"}, {"status", "lost"}}}}});
    const auto sid = seeded["messages"][0]["sid"].get<std::string>();
    twilio::Client client(c.config(), kTiming);
    CHECK(error_of([&] { client.fetch_message(sid); }).code == "twilio_unavailable");

    const auto violations = c.prism.violations();
    REQUIRE(violations.size() == 4);  // the create, then Prism's 500 to each of 3 attempts
    CHECK_THAT(violations[0], StartsWith("422 Invalid request") && Contains("MessagingServiceSid"));
    for (size_t i = 1; i < violations.size(); ++i) {
        CHECK_THAT(violations[i],
                   StartsWith("500") && Contains("Response body property status must be equal to "
                                                 "one of the allowed values"));
    }
}
