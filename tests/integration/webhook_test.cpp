// /api/twilio/webhook and /api/twilio/status through nginx: signed posts as Twilio makes them.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

std::string contact_of(const std::string& phone) {
    return q("SELECT id FROM contacts WHERE phone = '" + phone + "'");
}

std::string events_of(const std::string& phone) {
    return q(
        "SELECT coalesce(string_agg(kind || '/' || source || '/' || coalesce(detail, ''), ','"
        " ORDER BY id), '') FROM consent_events WHERE phone = '" +
        phone + "'");
}

}  // namespace

TEST_CASE("a signed inbound SMS is stored once, with a contact for a new number", "[webhook]") {
    const auto sid = new_sid(), from = new_phone();
    const auto reply = post("/api/twilio/webhook", inbound(sid, from, "Is the tasting room open?"));
    INFO(reply.body);
    CHECK(reply.status == 200);
    CHECK(reply.content_type == "text/xml");
    CHECK(reply.body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
    const auto contact = contact_of(from);
    REQUIRE_FALSE(contact.empty());
    CHECK(q("SELECT source || '|' || first_name || '|' || last_name FROM contacts WHERE id = " +
            contact) == "sms||");
    CHECK(q("SELECT direction || '|' || status || '|' || body || '|' || contact_id FROM messages"
            " WHERE sid = '" +
            sid + "'") == "inbound|received|Is the tasting room open?|" + contact);
    CHECK(q("SELECT last_message_id = (SELECT id FROM messages WHERE sid = '" + sid +
            "') FROM contacts WHERE id = " + contact) == "t");

    // Twilio retries: the same MessageSid again is the same message.
    CHECK(post("/api/twilio/webhook", inbound(sid, from, "Is the tasting room open?")).status ==
          200);
    CHECK(q("SELECT count(*) FROM messages WHERE sid = '" + sid + "'") == "1");

    // Staff can edit the contact without naming it.
    const auto patched = stack().request("PATCH", "/api/crm/contacts/" + contact,
                                         R"({"notes":"asked about the tasting room"})");
    INFO(patched.body);
    CHECK(patched.status == 200);
}

TEST_CASE("a known sender's texts, posted at once and each twice, are each stored once",
          "[webhook]") {
    const auto from = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), from, "first")).status == 200);
    const auto contact = contact_of(from);
    REQUIRE_FALSE(contact.empty());
    std::vector<std::string> sids;
    for (int n = 0; n < 8; ++n) sids.push_back(new_sid());
    std::vector<int> statuses(sids.size() * 2);
    std::vector<std::thread> posts;
    for (size_t n = 0; n < statuses.size(); ++n) {
        posts.emplace_back([&, n] {
            statuses[n] =
                post("/api/twilio/webhook", inbound(sids[n % sids.size()], from,
                                                    "again " + std::to_string(n % sids.size())))
                    .status;
        });
    }
    for (auto& thread : posts) thread.join();
    for (const auto status : statuses) CHECK(status == 200);
    CHECK(q("SELECT count(*) || '/' || count(DISTINCT sid) || '/' ||"
            " count(*) FILTER (WHERE contact_id = " +
            contact + ") FROM messages WHERE from_number = '" + from + "'") == "9/9/9");
    // The contact's latest is its newest message, whatever order the posts committed in.
    CHECK(q("SELECT c.last_message_id = (SELECT id FROM messages WHERE contact_id = c.id"
            " ORDER BY created_at DESC, id DESC LIMIT 1) FROM contacts c WHERE c.id = " +
            contact) == "t");
    CHECK(q("SELECT count(*) FROM contacts WHERE phone = '" + from + "'") == "1");
}

TEST_CASE("an inbound MMS keeps its media URLs and types; a short code gets no contact",
          "[webhook]") {
    const auto sid = new_sid("MM"), from = new_phone();
    auto fields = inbound(sid, from, "");
    fields[6] = {"NumMedia", "2"};
    fields.push_back({"MediaUrl0",
                      "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/"
                      "MM1/Media/ME1"});
    fields.push_back({"MediaContentType0", "image/jpeg"});
    fields.push_back({"MediaUrl1",
                      "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/"
                      "MM1/Media/ME2"});
    fields.push_back({"MediaContentType1", "image/png"});
    REQUIRE(post("/api/twilio/webhook", fields).status == 200);
    CHECK(
        json::parse(q("SELECT media_urls::text FROM messages WHERE sid = '" + sid + "'")).size() ==
        2);
    CHECK(q("SELECT media_types::text FROM messages WHERE sid = '" + sid + "'") ==
          R"(["image/jpeg", "image/png"])");

    const auto short_code = new_sid();
    REQUIRE(post("/api/twilio/webhook", inbound(short_code, "22395", "Your code is 1234")).status ==
            200);
    CHECK(q("SELECT from_number || '|' || coalesce(contact_id::text, 'none') FROM messages"
            " WHERE sid = '" +
            short_code + "'") == "22395|none");
    CHECK(contact_of("22395").empty());
}

TEST_CASE("forged, missing and misplaced signatures get 403 and change nothing", "[webhook]") {
    const auto sid = new_sid(), from = new_phone();
    const auto fields = inbound(sid, from, "hello");
    const auto base = "http://127.0.0.1:" + std::to_string(stack().port);
    const std::vector<Post> refused = {
        post("/api/twilio/webhook", fields, ""),
        post("/api/twilio/webhook", fields, "bm90IGEgc2lnbmF0dXJl"),
        post("/api/twilio/webhook", fields, "<sign>", base + "/api/twilio/status"),
        post("/api/twilio/webhook", fields, "<sign>",
             "https://elsewhere.example/api/twilio/webhook"),
        post("/api/twilio/webhook", fields, "<sign>", "", "0123456789abcdef0123456789abcdef"),
        post("/api/twilio/webhook?x=1", fields, "<sign>", base + "/api/twilio/webhook"),
    };
    for (const auto& reply : refused) {
        INFO(reply.body);
        CHECK(reply.status == 403);
        CHECK(json::parse(reply.body)["error"]["code"] == "invalid_signature");
    }
    CHECK(q("SELECT count(*) FROM messages WHERE sid = '" + sid + "'") == "0");
    CHECK(contact_of(from).empty());
}

TEST_CASE("bad webhook input is a 400 or 415 and changes nothing", "[webhook]") {
    const auto from = new_phone();
    auto no_sid = inbound(new_sid(), from, "x");
    no_sid.erase(no_sid.begin());
    CHECK(post("/api/twilio/webhook", no_sid).status == 400);
    CHECK(post("/api/twilio/webhook", inbound("SMnot-a-sid", from, "x")).status == 400);
    httplib::Client client("127.0.0.1", stack().port);
    const auto json_body = client.Post("/api/twilio/webhook", "{}", "application/json");
    REQUIRE(json_body);
    CHECK(json_body->status == 415);
    CHECK(contact_of(from).empty());

    // A bad medium costs the medium, never the text (Twilio would not post it again).
    const auto sid = new_sid();
    auto bad_media = inbound(sid, from, "x");
    bad_media[6] = {"NumMedia", "1"};
    bad_media.push_back({"MediaUrl0", "javascript:alert(1)"});
    CHECK(post("/api/twilio/webhook", bad_media).status == 200);
    CHECK(q("SELECT body || '|' || media_urls::text FROM messages WHERE sid = '" + sid + "'") ==
          "x|[]");
}

TEST_CASE("STOP opts out and START opts back in, once each, as the consent log says", "[webhook]") {
    const auto from = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), from, "hi")).status == 200);
    const auto contact = contact_of(from);
    const auto stop_sid = new_sid();
    REQUIRE(post("/api/twilio/webhook", inbound(stop_sid, from, "  Stop\n")).status == 200);
    CHECK(q("SELECT sms_opt_in::text || '|' || (opted_out_at IS NOT NULL)::text FROM contacts"
            " WHERE id = " +
            contact) == "false|true");
    CHECK(events_of(from) == "opt_out/keyword/STOP");
    // Twilio's retry of the same STOP, and a second STOP, record nothing new.
    REQUIRE(post("/api/twilio/webhook", inbound(stop_sid, from, "  Stop\n")).status == 200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), from, "UNSUBSCRIBE")).status == 200);
    CHECK(events_of(from) == "opt_out/keyword/STOP");
    // "stop please" is a message, not a keyword.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), from, "stop please")).status == 200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), from, "HELP")).status == 200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), from, "start")).status == 200);
    CHECK(events_of(from) == "opt_out/keyword/STOP,help/keyword/HELP,opt_in/keyword/START");
    CHECK(q("SELECT sms_opt_in::text || '|' || (opted_out_at IS NULL)::text FROM contacts"
            " WHERE id = " +
            contact) == "true|true");
    CHECK(q("SELECT count(*) FROM messages WHERE from_number = '" + from + "'") == "6");
}

TEST_CASE("a staff edit racing an inbound STOP never undoes it", "[webhook]") {
    for (int round = 0; round < 6; ++round) {
        const auto from = new_phone();
        const auto created = stack().request(
            "POST", "/api/crm/contacts",
            json{{"firstName", "Race"}, {"lastName", "Stop"}, {"phone", from}, {"smsOptIn", true}}
                .dump());
        REQUIRE(created.status == 201);
        const auto id = std::to_string(created.json()["contact"]["id"].get<int64_t>());
        std::vector<std::thread> writers;
        writers.emplace_back([&] {
            CHECK(post("/api/twilio/webhook", inbound(new_sid(), from, "STOP")).status == 200);
        });
        for (int i = 0; i < 3; ++i) {
            writers.emplace_back([&, i] {
                CHECK(stack()
                          .request("PATCH", "/api/crm/contacts/" + id,
                                   json{{"notes", "edit " + std::to_string(i)}}.dump())
                          .status == 200);
            });
        }
        for (auto& writer : writers) writer.join();
        INFO("round " << round);
        CHECK(q("SELECT sms_opt_in::text FROM contacts WHERE id = " + id) == "false");
        // The staff key is deploy/up's local owner's: the change is theirs.
        CHECK(events_of(from) == "opt_in/staff/person " +
                                     q("SELECT id FROM users WHERE email = 'owner@textus.test'") +
                                     ",opt_out/keyword/STOP");
    }
}

TEST_CASE("status callbacks only move a message forward and find it by id, then SID", "[webhook]") {
    const auto sid = new_sid();
    const auto id =
        q("INSERT INTO messages (direction, from_number, to_number, body, status)"
          " VALUES ('outbound', '+17605550100', '+16195550199', 'hello', 'queued')"
          " RETURNING id");
    const auto status_of = [&] {
        return q(
            "SELECT status || '|' || coalesce(sid, '-') || '|' ||"
            " (delivered_at IS NOT NULL)::text FROM messages WHERE id = " +
            id);
    };
    const auto callback = [&](const std::string& status, const std::string& path) {
        return post(path, {{"MessageSid", sid},
                           {"MessageStatus", status},
                           {"AccountSid", "AC" + std::string(32, '1')},
                           {"To", "+16195550199"},
                           {"From", "+17605550100"}});
    };
    // The send died before it stored the SID: our id in the callback URL finds the row.
    const auto sent = callback("sent", "/api/twilio/status?id=" + id);
    CHECK(sent.status == 204);
    CHECK(status_of() == "sent|" + sid + "|false");
    CHECK(callback("delivered", "/api/twilio/status?id=" + id).status == 204);
    CHECK(status_of() == "delivered|" + sid + "|true");
    // Late and out of order, and without our id: found by SID, and it stays delivered.
    CHECK(callback("sent", "/api/twilio/status").status == 204);
    CHECK(callback("queued", "/api/twilio/status?id=" + id).status == 204);
    CHECK(status_of() == "delivered|" + sid + "|true");
    // A callback for a message we never stored changes nothing.
    const auto before = q("SELECT count(*) FROM messages");
    CHECK(
        post("/api/twilio/status", {{"MessageSid", new_sid()}, {"MessageStatus", "sent"}}).status ==
        204);
    CHECK(q("SELECT count(*) FROM messages") == before);
    // A failure keeps Twilio's error.
    const auto failing_sid = new_sid();
    q("INSERT INTO messages (sid, direction, from_number, to_number, body, status) VALUES ('" +
      failing_sid + "', 'outbound', '+17605550100', '+16195550198', 'x', 'sent')");
    CHECK(post("/api/twilio/status", {{"MessageSid", failing_sid},
                                      {"MessageStatus", "undelivered"},
                                      {"ErrorCode", "30003"}})
              .status == 204);
    CHECK(q("SELECT status || '|' || error_code FROM messages WHERE sid = '" + failing_sid + "'") ==
          "undelivered|30003");
    CHECK(post("/api/twilio/status", {{"MessageSid", failing_sid}, {"MessageStatus", "sent"}},
               "forged")
              .status == 403);
}

TEST_CASE("the webhook's log holds no phone number or body", "[webhook]") {
    const auto from = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), from, "secret words here")).status ==
            200);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (const auto* name :
         {"webhook.log", "nginx-access.log", "nginx-error.log", "postgres.log"}) {
        const auto log = read_file(stack().state_dir + "/log/" + name);
        INFO(name);
        CHECK(log.find(from.substr(2)) == std::string::npos);
        CHECK(log.find("secret words") == std::string::npos);
        CHECK(log.find(auth_token()) == std::string::npos);
    }
    CHECK(read_file(stack().state_dir + "/log/webhook.log").find("POST /api/twilio/webhook 200") !=
          std::string::npos);
}
