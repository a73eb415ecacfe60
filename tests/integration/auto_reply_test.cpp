// Auto-replies through nginx: the rules' API, and what a text gets in reply: textus-webhook
// stores the text, the worker (textus-admin) decides the reply and sends it through the stack's
// Twilio simulator.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "common/db/db.h"
#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

std::vector<std::string> bodies_to(const std::string& phone) {
    std::vector<std::string> out;
    for (const auto& create : stack().twilio_creates_to(phone)) {
        out.push_back(create["form"]["Body"][0].get<std::string>());
    }
    return out;
}

}  // namespace

TEST_CASE("auto-reply rules: written, listed, refused when they would clash", "[auto_reply]") {
    check_error(call("POST", "/api/crm/sms/auto-replies",
                     {{"kind", "keyword"}, {"keyword", "stop"}, {"body", "x"}}),
                400, "reserved_keyword", "keyword");
    check_error(call("POST", "/api/crm/sms/auto-replies",
                     {{"kind", "keyword"}, {"keyword", "INFO"}, {"body", "x"}}),
                400, "reserved_keyword", "keyword");
    check_error(call("POST", "/api/crm/sms/auto-replies",
                     {{"kind", "keyword"}, {"keyword", "open now"}, {"body", "x"}}),
                400, "invalid_field", "keyword");
    check_error(call("POST", "/api/crm/sms/auto-replies",
                     {{"kind", "away"}, {"hours", {{"mon", "9-5"}}}, {"body", "x"}}),
                400, "invalid_field", "hours");
    check_error(call("POST", "/api/crm/sms/auto-replies",
                     {{"kind", "away"}, {"hours", {{"mon", "18:00-02:00"}}}, {"body", "x"}}),
                400, "invalid_field", "hours");
    check_error(call("POST", "/api/crm/sms/auto-replies",
                     {{"kind", "keyword"}, {"keyword", "HOURS"}, {"body", "Hi {name}"}}),
                400, "unknown_variable", "body");
    check_error(call("POST", "/api/crm/sms/auto-replies", {{"kind", "later"}, {"body", "x"}}), 400,
                "invalid_field", "kind");

    const AutoReplyRule hours(
        {{"kind", "keyword"}, {"keyword", "hours"}, {"body", "Open 11 to 5."}});
    check_error(call("POST", "/api/crm/sms/auto-replies",
                     {{"kind", "keyword"}, {"keyword", "HOURS"}, {"body", "again"}}),
                409, "duplicate_keyword", "keyword");
    const AutoReplyRule away(
        {{"kind", "away"}, {"hours", {{"mon", "09:00-17:00"}}}, {"body", "Away."}});
    check_error(call("POST", "/api/crm/sms/auto-replies",
                     {{"kind", "away"}, {"hours", kClosedAllWeek}, {"body", "Away again."}}),
                409, "away_exists", "kind");
    const auto listed = call("GET", "/api/crm/sms/auto-replies");
    REQUIRE(listed.status == 200);
    const auto& rules = listed.json()["autoReplies"];
    REQUIRE(rules.size() == 2);
    CHECK(rules[0]["keyword"] == "HOURS");
    CHECK(rules[1]["hours"]["mon"] == "09:00-17:00");
    CHECK(rules[1]["hours"]["tue"].is_null());
}

TEST_CASE("a keyword rule answers exactly its keyword, once, rendered, with sentBy auto",
          "[auto_reply]") {
    const AutoReplyRule rule({{"kind", "keyword"},
                              {"keyword", "HOURS"},
                              {"body", "Hi {firstName}, {businessName} is open 11 to 5."}});
    const auto phone = new_phone();
    const auto sid = new_sid();
    REQUIRE(post("/api/twilio/webhook", inbound(sid, phone, "  hours\n")).status == 200);
    // Twilio posts it again: still one reply.
    REQUIRE(post("/api/twilio/webhook", inbound(sid, phone, "  hours\n")).status == 200);
    run_worker_once();
    const auto bodies = bodies_to(phone);
    REQUIRE(bodies.size() == 1);
    // A new sender has no name yet, and this is the first message the number gets from us.
    CHECK(bodies[0] == "Hi, Textus Demo is open 11 to 5.\n\nReply STOP to opt out.");
    CHECK(q("SELECT sent_by FROM messages WHERE to_number = '" + phone + "'") == "auto");

    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "hours please")).status == 200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "HOURS.")).status == 200);
    run_worker_once();
    CHECK(bodies_to(phone).size() == 1);
}

TEST_CASE("the away rule answers outside business hours once in 12 hours, never a keyword",
          "[auto_reply]") {
    const AutoReplyRule rule({{"kind", "away"},
                              {"hours", kClosedAllWeek},
                              {"body", "We're closed now; we'll text you back in the morning."}});
    const auto phone = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "Are you open?")).status == 200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "Hello?")).status == 200);
    run_worker_once();
    const auto bodies = bodies_to(phone);
    REQUIRE(bodies.size() == 1);
    CHECK(bodies[0].starts_with("We're closed now; we'll text you back in the morning."));

    // STOP, START and HELP are Twilio's: no reply of ours, away or not.
    const auto other = new_phone();
    for (const auto* keyword : {"STOP", "START", "HELP"}) {
        REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), other, keyword)).status == 200);
    }
    run_worker_once();
    CHECK(bodies_to(other).empty());
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + other + "'") == "3");
}

TEST_CASE("within business hours, or opted out, a text gets no away reply", "[auto_reply]") {
    // Open every day all day (but the last minute, 23:59 in DEFAULT_TIME_ZONE, America/New_York).
    json all_day = json::object();
    for (const auto* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
        all_day[day] = "00:00-23:59";
    }
    const auto phone = new_phone();
    {
        const AutoReplyRule rule({{"kind", "away"}, {"hours", all_day}, {"body", "Away."}});
        REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "Hi")).status == 200);
        run_worker_once();
        CHECK(bodies_to(phone).empty());
    }
    const AutoReplyRule rule({{"kind", "away"}, {"hours", kClosedAllWeek}, {"body", "Away."}});
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "STOP")).status == 200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "one more thing")).status == 200);
    run_worker_once();
    CHECK(bodies_to(phone).empty());
    CHECK(q("SELECT count(*) FROM messages WHERE to_number = '" + phone + "'") == "0");
}

TEST_CASE("a text awaiting its auto-reply wakes the worker, from a new sender or a known one",
          "[auto_reply]") {
    const AutoReplyRule rule({{"kind", "keyword"}, {"keyword", "MENU"}, {"body", "Our menu."}});
    textus::Db listener(stack().database_url);
    const auto woken = [&] {
        return listener.await_notification("textus_outbox", std::chrono::seconds(2));
    };
    while (listener.await_notification("textus_outbox", std::chrono::milliseconds(0))) {
    }
    const auto phone = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "menu")).status == 200);
    CHECK(woken());
    // Known now: the one-statement path.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "menu")).status == 200);
    CHECK(woken());
    // A text no rule could answer (a keyword of Twilio's) wakes nobody.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "HELP")).status == 200);
    CHECK_FALSE(listener.await_notification("textus_outbox", std::chrono::milliseconds(500)));
}
