// Staff live events: the webhook publishes to nchan's loopback publisher, and a staff browser
// long-polls /api/poll/staff behind a URL signed with TOKEN_SECRET that nginx checks itself.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <regex>

#include "tests/integration/long_poll.h"
#include "tests/integration/stack.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

const auto now = unix_now;

std::optional<json> poll_until(const std::function<bool(const json&)>& match) {
    return textus::test::poll_until("/api/poll/staff?" + signed_query(now() + 60, "staff"), match);
}

}  // namespace

TEST_CASE("an inbound SMS and its status reach the staff long-poll", "[live]") {
    const auto sid = new_sid();
    const auto body = "live event " + std::to_string(now()) + "-" + sid.substr(26);
    REQUIRE(post("/api/twilio/webhook", inbound(sid, new_phone(), body)).status == 200);
    const auto event = poll_until(
        [&](const json& e) { return e["type"] == "message" && e["message"]["body"] == body; });
    REQUIRE(event);
    CHECK((*event)["message"]["sid"] == sid);
    CHECK((*event)["message"]["direction"] == "inbound");

    const auto outbound_sid = new_sid();
    Stack::get().query(
        "INSERT INTO messages (sid, direction, from_number, to_number, body, status) VALUES ('" +
        outbound_sid + "', 'outbound', '+17605550100', '+16195550177', 'x', 'sent')");
    REQUIRE(
        post("/api/twilio/status", {{"MessageSid", outbound_sid}, {"MessageStatus", "delivered"}})
            .status == 204);
    const auto status = poll_until([&](const json& e) {
        return e["type"] == "status" && e["message"]["sid"] == outbound_sid;
    });
    REQUIRE(status);
    CHECK((*status)["message"]["status"] == "delivered");
}

TEST_CASE("the staff long-poll wants a valid, unexpired signature", "[live]") {
    httplib::Client client("127.0.0.1", Stack::get().port);
    const auto check = [&](const std::string& query, int status, const std::string& code) {
        const auto reply = client.Get(("/api/poll/staff?" + query).c_str());
        REQUIRE(reply);
        INFO(query << ": " << reply->body);
        CHECK(reply->status == status);
        CHECK(json::parse(reply->body)["error"]["code"] == code);
        CHECK(reply->get_header_value("Cache-Control") == "no-store");
    };
    check("", 403, "forbidden");
    check("e=" + std::to_string(now() + 60) + "&s=AAAAAAAAAAAAAAAAAAAAAA", 403, "forbidden");
    // A signature for another channel does not open this one.
    check(signed_query(now() + 60, "chat-x"), 403, "forbidden");
    check(signed_query(now() - 5, "staff"), 410, "link_expired");
}

TEST_CASE("the publisher is not reachable through the site", "[live]") {
    httplib::Client client("127.0.0.1", Stack::get().port);
    const auto reply = client.Post("/pub/staff", R"({"type":"forged"})", "application/json");
    REQUIRE(reply);
    CHECK(reply->status == 404);
    const auto api = client.Post("/api/pub/staff", R"({"type":"forged"})", "application/json");
    REQUIRE(api);
    CHECK(api->status == 404);
}

TEST_CASE("staff get a short-lived signed URL for their channel, with their key only", "[live]") {
    CHECK(Stack::get().request("GET", "/api/crm/live", "", "").status == 401);
    const auto reply = Stack::get().request("GET", "/api/crm/live");
    REQUIRE(reply.status == 200);
    const auto url = reply.json()["subscribeUrl"].get<std::string>();
    REQUIRE(url.starts_with("/api/poll/staff?e="));
    const auto e = std::stoll(url.substr(url.find("e=") + 2));
    CHECK(e > now() + 9 * 60);
    CHECK(e <= now() + 10 * 60);
    CHECK(url.find(Stack::get().staff_key) == std::string::npos);
    const auto expires_at = reply.json()["expiresAt"].get<std::string>();
    CHECK(std::regex_match(expires_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));

    // The URL it gave opens the channel: a contact created now is heard on it.
    const auto created = Stack::get().request(
        "POST", "/api/crm/contacts",
        json{{"firstName", "Live"}, {"lastName", "Contact"}, {"phone", new_phone()}}.dump());
    REQUIRE(created.status == 201);
    const auto id = created.json()["contact"]["id"];
    const auto event = textus::test::poll_until(
        url, [&](const json& e) { return e["type"] == "contact" && e["contact"]["id"] == id; });
    REQUIRE(event);
    CHECK((*event)["contact"]["firstName"] == "Live");
    REQUIRE(Stack::get().request("DELETE", "/api/crm/contacts/" + id.dump()).status == 200);
    CHECK(textus::test::poll_until(
        url, [&](const json& e) { return e["type"] == "contact_deleted" && e["id"] == id; }));
}

TEST_CASE("a STOP or START is heard as a change of the contact", "[live]") {
    const auto phone = new_phone();
    const auto url = "/api/poll/staff?" + signed_query(now() + 60, "staff");
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "START")).status == 200);
    const auto opted_in = textus::test::poll_until(url, [&](const json& e) {
        return e["type"] == "contact" && e["contact"]["phone"] == phone &&
               e["contact"]["smsOptIn"] == true;
    });
    REQUIRE(opted_in);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "stop")).status == 200);
    const auto opted_out = textus::test::poll_until(url, [&](const json& e) {
        return e["type"] == "contact" && e["contact"]["phone"] == phone &&
               e["contact"]["smsOptIn"] == false;
    });
    REQUIRE(opted_out);
    CHECK_FALSE((*opted_out)["contact"]["optedOutAt"].is_null());
}
