// POST /api/crm/sms/send through nginx, against the stack's Twilio simulator: who may be texted,
// what goes out, and nothing lost or sent twice when Twilio or the client misbehaves.
#include "common/sending/send.h"

#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/integration/api.h"
#include "tests/integration/long_poll.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

Reply send(const json& body, const std::string& idempotency_key = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
    return stack().request("POST", "/api/crm/sms/send", body.dump(), "<staff>", "application/json",
                           headers);
}

// The stack's Twilio simulator: its hooks, and the creates it got for a number.
json sim(const std::string& method, const std::string& path, const json& body = nullptr) {
    return stack().twilio_sim(method, path, body);
}

std::vector<json> creates_to(const std::string& phone) {
    return stack().twilio_creates_to(phone);
}

// A contact who texted us first (the webhook made it): its id.
std::string texted_first(const std::string& phone, const std::string& body = "Hello?") {
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, body)).status == 200);
    return q("SELECT id FROM contacts WHERE phone = '" + phone + "'");
}

std::string staff_contact(const std::string& phone, bool opted_in) {
    const auto reply = stack().request(
        "POST", "/api/crm/contacts",
        json{{"firstName", "Rae"}, {"lastName", "Ng"}, {"phone", phone}, {"smsOptIn", opted_in}}
            .dump());
    REQUIRE(reply.status == 201);
    return std::to_string(reply.json()["contact"]["id"].get<int64_t>());
}

// Waits until the message's status is `status` (the simulator calls back every 500 ms).
std::string wait_for_status(const std::string& id, const std::string& status) {
    std::string now;
    for (int i = 0; i < 100; ++i) {
        now = q("SELECT status FROM messages WHERE id = " + id);
        if (now == status) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return now;
}

int64_t id_of(const Reply& reply) {
    return reply.json()["message"]["id"].get<int64_t>();
}

const std::string kNotice = "\n\nReply STOP to opt out.";

}  // namespace

TEST_CASE("a send to a contact who texted first goes to Twilio, with the opt-out notice once",
          "[send]") {
    const auto phone = new_phone();
    const auto contact = texted_first(phone);
    const auto reply = send({{"contactId", std::stoll(contact)}, {"body", "Yes, open till 5."}});
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    const auto& answer = reply.json();
    CHECK(answer["success"] == true);
    CHECK(answer["segments"] == 1);
    CHECK(answer["encoding"] == "GSM-7");
    const auto sid = answer["twilioMessageSid"].get<std::string>();
    CHECK(sid.starts_with("SM"));
    CHECK(answer["message"]["direction"] == "outbound");
    CHECK(answer["message"]["to"] == phone);
    CHECK(answer["message"]["body"] == "Yes, open till 5." + kNotice);
    const auto id = std::to_string(id_of(reply));

    // Twilio got the text, from our number, with a status callback naming our row.
    const auto creates = creates_to(phone);
    REQUIRE(creates.size() == 1);
    CHECK(creates[0]["form"]["Body"][0] == "Yes, open till 5." + kNotice);
    CHECK(creates[0]["form"]["From"][0] == "+17605550100");
    CHECK(creates[0]["form"]["StatusCallback"][0] ==
          "http://127.0.0.1:" + std::to_string(stack().port) + "/api/twilio/status?id=" + id);

    // The simulator's callbacks move it to delivered; the row keeps Twilio's SID.
    CHECK(wait_for_status(id, "delivered") == "delivered");
    CHECK(q("SELECT sid || '|' || contact_id || '|' || (delivered_at IS NOT NULL) || '|' ||"
            " (sent_by = 'Local owner') FROM messages WHERE id = " +
            id) == sid + "|" + contact + "|true|true");
    CHECK(q("SELECT last_message_id FROM contacts WHERE id = " + contact) == id);

    // The second message has no notice.
    const auto second = send({{"to", phone}, {"body", "See you then."}});
    REQUIRE(second.status == 201);
    CHECK(second.json()["message"]["body"] == "See you then.");
    CHECK(creates_to(phone).size() == 2);
}

TEST_CASE("only an opt-in request goes to a contact without consent, once a day", "[send]") {
    const auto phone = new_phone();
    const auto contact = staff_contact(phone, false);
    const auto refused = send({{"contactId", std::stoll(contact)}, {"body", "Hi!"}});
    INFO(refused.body);
    CHECK(refused.status == 403);
    CHECK(refused.json()["error"]["code"] == "no_consent");
    CHECK(q("SELECT count(*) FROM messages WHERE to_number = '" + phone + "'") == "0");
    CHECK(creates_to(phone).empty());

    const auto request = send({{"contactId", std::stoll(contact)}, {"optInRequest", true}});
    INFO(request.body);
    REQUIRE(request.status == 201);
    CHECK(request.json()["message"]["body"] ==
          "Textus Demo: may we text you about your inquiry? Reply START to opt in." + kNotice);
    const auto again = send({{"contactId", std::stoll(contact)}, {"optInRequest", true}});
    CHECK(again.status == 429);
    CHECK(again.json()["error"]["code"] == "opt_in_request_limit");
    const auto retry_after = std::stoi(again.headers.at("Retry-After"));
    CHECK(retry_after > 86000);
    CHECK(retry_after <= 86400);
    CHECK(creates_to(phone).size() == 1);

    // START makes the contact sendable.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "start")).status == 200);
    CHECK(send({{"contactId", std::stoll(contact)}, {"body", "Welcome!"}}).status == 201);
}

TEST_CASE("staff-recorded consent makes a contact sendable", "[send]") {
    const auto phone = new_phone();
    const auto contact = staff_contact(phone, true);
    const auto reply = send({{"contactId", std::stoll(contact)}, {"body", "Thanks for joining."}});
    INFO(reply.body);
    CHECK(reply.status == 201);
}

TEST_CASE("an opted-out number gets 409 and Twilio hears nothing, until START", "[send]") {
    const auto phone = new_phone();
    const auto contact = texted_first(phone);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "STOP")).status == 200);
    const auto refused = send({{"contactId", std::stoll(contact)}, {"body", "Still there?"}});
    INFO(refused.body);
    CHECK(refused.status == 409);
    CHECK(refused.json()["error"]["code"] == "opted_out");
    CHECK(refused.json()["error"]["message"].get<std::string>().find("START") != std::string::npos);
    CHECK(send({{"contactId", std::stoll(contact)}, {"optInRequest", true}}).status == 409);

    // Deleted and re-created, the number is still opted out: consent belongs to the number.
    REQUIRE(stack().request("DELETE", "/api/crm/contacts/" + contact).status == 200);
    const auto recreated = staff_contact(phone, false);
    CHECK(send({{"contactId", std::stoll(recreated)}, {"body", "Hello again"}}).status == 409);
    CHECK(send({{"to", phone}, {"body", "Hello again"}}).status == 409);
    CHECK(creates_to(phone).empty());

    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "START")).status == 200);
    const auto sent = send({{"to", phone}, {"body", "Welcome back"}});
    INFO(sent.body);
    CHECK(sent.status == 201);
    CHECK(creates_to(phone).size() == 1);
}

TEST_CASE("a number nobody consented for is refused and no contact is made", "[send]") {
    const auto phone = new_phone();
    const auto reply = send({{"to", phone}, {"body", "Hi"}});
    CHECK(reply.status == 403);
    CHECK(q("SELECT count(*) FROM contacts WHERE phone = '" + phone + "'") == "0");
    // An opt-in request to a new number makes its contact, from staff.
    const auto request = send({{"to", phone}, {"optInRequest", true}});
    INFO(request.body);
    REQUIRE(request.status == 201);
    CHECK(q("SELECT source FROM contacts WHERE phone = '" + phone + "'") == "staff");
}

TEST_CASE("the same Idempotency-Key gives the same answer and one Twilio call", "[send]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_first(phone));
    const auto key = "key-" + new_sid();
    const json body = {{"contactId", contact}, {"body", "Your table is ready."}};
    const auto first = send(body, key);
    REQUIRE(first.status == 201);
    const auto second = send(body, key);
    INFO(second.body);
    REQUIRE(second.status == 201);
    CHECK(second.json()["twilioMessageSid"] == first.json()["twilioMessageSid"]);
    CHECK(second.json()["message"]["id"] == first.json()["message"]["id"]);
    CHECK(creates_to(phone).size() == 1);

    // The key for another request is refused.
    const auto other = send({{"contactId", contact}, {"body", "Something else"}}, key);
    CHECK(other.status == 422);
    CHECK(other.json()["error"]["code"] == "idempotency_key_reused");

    // Parallel retries of one new key: one Twilio call; the others replay it or are told it is
    // in progress.
    const auto parallel_key = "key-" + new_sid();
    const json parallel_body = {{"contactId", contact}, {"body", "Parallel"}};
    std::vector<int> statuses(6);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < statuses.size(); ++i) {
        threads.emplace_back([&, i] { statuses[i] = send(parallel_body, parallel_key).status; });
    }
    for (auto& t : threads) t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 201) >= 1);
    for (const auto status : statuses) CHECK((status == 201 || status == 409));
    CHECK(creates_to(phone).size() == 2);
    CHECK(q("SELECT count(*) FROM messages WHERE idempotency_key = '" + parallel_key + "'") == "1");
}

TEST_CASE("Twilio busy once, then accepting, is one message", "[send]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_first(phone));
    sim("POST", "/sim/fail", {{"count", 1}, {"status", 429}});
    const auto reply = send({{"contactId", contact}, {"body", "Retry me"}});
    INFO(reply.body);
    CHECK(reply.status == 201);
    CHECK(creates_to(phone).size() == 2);  // the 429, then the one that was accepted
    CHECK(q("SELECT count(*) FROM messages WHERE to_number = '" + phone + "'") == "1");
}

TEST_CASE("Twilio refusing every time is 502, the row failed, and a retry sends nothing",
          "[send]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_first(phone));
    // A rate limit refuses before acting: the one failure a create is retried on, and known.
    sim("POST", "/sim/fail", {{"count", 3}, {"status", 429}, {"retryAfter", 0}});
    const auto key = "key-" + new_sid();
    const json body = {{"contactId", contact}, {"body", "Will fail"}};
    const auto reply = send(body, key);
    INFO(reply.body);
    CHECK(reply.status == 502);
    CHECK(reply.json()["error"]["code"] == "twilio_unavailable");
    CHECK(q("SELECT status || '|' || coalesce(error_code::text, '') || '|' || (sid IS NULL)"
            " FROM messages WHERE to_number = '" +
            phone + "'") == "failed|20429|true");
    CHECK(creates_to(phone).size() == 3);

    // The same key: the same answer, and Twilio is not asked again.
    const auto retry = send(body, key);
    CHECK(retry.status == 502);
    CHECK(retry.json()["error"] == reply.json()["error"]);
    CHECK(creates_to(phone).size() == 3);

    // Its failure does not count as a first message: the next one carries the notice.
    const auto next = send({{"contactId", contact}, {"body", "Works now"}});
    REQUIRE(next.status == 201);
    CHECK(next.json()["message"]["body"] == "Works now" + kNotice);
}

TEST_CASE("a send whose fate Twilio left unknown stays queued and is never sent twice", "[send]") {
    // Any 5xx may follow a create that went through (issue 23).
    const auto status = GENERATE(500, 503, 504);
    INFO(status);
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_first(phone));
    sim("POST", "/sim/fail", {{"count", 1}, {"status", status}, {"after", "create"}});
    const auto key = "key-" + new_sid();
    const json body = {{"contactId", contact}, {"body", "Did it go?"}};
    const auto reply = send(body, key);
    INFO(reply.body);
    CHECK(reply.status == 502);
    CHECK(reply.json()["error"]["code"] == "twilio_unavailable");
    CHECK(q("SELECT status FROM messages WHERE idempotency_key = '" + key + "'") == "queued");
    CHECK(send(body, key).status == 502);
    CHECK(creates_to(phone).size() == 1);
    // Once the handler's lease runs out (time passes), the worker finds it at Twilio and records
    // it: the handset still got it once.
    q("UPDATE messages SET owner_until = now() - interval '1 second' WHERE idempotency_key = '" +
      key + "' RETURNING id");
    run_worker_once();
    CHECK(creates_to(phone).size() == 1);
    CHECK(q("SELECT sid IS NOT NULL FROM messages WHERE idempotency_key = '" + key + "'") == "t");
}

TEST_CASE("a keyed send whose handler died is in progress, then of unknown fate", "[send]") {
    const auto phone = new_phone();
    const auto contact = texted_first(phone);
    const auto key = "key-" + new_sid();
    const json body = {{"contactId", std::stoll(contact)}, {"body", "Lost in flight"}};
    const auto digest = textus::send::parse(body, key, "US").digest();
    // What a handler killed between its insert and Twilio's answer leaves behind.
    q("INSERT INTO messages (contact_id, direction, from_number, to_number, body, status,"
      " idempotency_key, request_digest, owner_until, attempts) VALUES (" +
      contact + ", 'outbound', '+17605550100', '" + phone + "', 'Lost in flight', 'queued', '" +
      key + "', '" + digest + "', now() + interval '2 minutes', 1)");
    const auto fresh = send(body, key);
    INFO(fresh.body);
    CHECK(fresh.status == 409);
    CHECK(fresh.json()["error"]["code"] == "send_in_progress");
    q("UPDATE messages SET created_at = now() - interval '3 minutes' WHERE idempotency_key = '" +
      key + "'");
    const auto stale = send(body, key);
    INFO(stale.body);
    CHECK(stale.status == 502);
    CHECK(stale.json()["error"]["message"].get<std::string>().find("may or may not") !=
          std::string::npos);
    CHECK(creates_to(phone).empty());

    // Its status callback arrives after all (Twilio had it): the key now answers 201.
    const auto id = q("SELECT id FROM messages WHERE idempotency_key = '" + key + "'");
    const auto sid = new_sid();
    REQUIRE(post("/api/twilio/status?id=" + id,
                 {{"MessageSid", sid}, {"MessageStatus", "sent"}, {"To", phone}})
                .status == 204);
    const auto settled = send(body, key);
    INFO(settled.body);
    CHECK(settled.status == 201);
    CHECK(settled.json()["twilioMessageSid"] == sid);
    CHECK(settled.json()["message"]["status"] == "sent");
}

TEST_CASE("Twilio's 21610 opts the number out; 21211 is an invalid phone", "[send]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_first(phone));
    sim("POST", "/sim/fail", {{"to", phone}, {"code", 21610}});
    const auto reply = send({{"contactId", contact}, {"body", "Hello"}});
    INFO(reply.body);
    CHECK(reply.status == 409);
    CHECK(reply.json()["error"]["code"] == "opted_out");
    CHECK(q("SELECT status || '|' || error_code FROM messages WHERE to_number = '" + phone + "'") ==
          "failed|21610");
    CHECK(q("SELECT kind || '/' || source || '/' || detail FROM consent_events WHERE phone = '" +
            phone + "' ORDER BY id DESC LIMIT 1") == "opt_out/keyword/Twilio error 21610");
    CHECK(q("SELECT opted_out_at IS NOT NULL FROM contacts WHERE id = " +
            std::to_string(contact)) == "t");
    // Open inboxes hear of it, as of a STOP.
    const auto event =
        poll_until("/api/poll/staff?" + signed_query(unix_now() + 60, "staff"), [&](const json& e) {
            return e["type"] == "contact" && e["contact"]["id"] == contact &&
                   e["contact"]["smsOptIn"] == false && !e["contact"]["optedOutAt"].is_null();
        });
    CHECK(event.has_value());
    // Now we know: no second call.
    CHECK(send({{"contactId", contact}, {"body", "Hello?"}}).status == 409);
    CHECK(creates_to(phone).size() == 1);

    const auto landline = new_phone();
    const auto landline_contact = std::stoll(texted_first(landline));
    sim("POST", "/sim/fail", {{"to", landline}, {"code", 21211}});
    const auto invalid = send({{"contactId", landline_contact}, {"body", "Hello"}});
    CHECK(invalid.status == 422);
    CHECK(invalid.json()["error"]["code"] == "invalid_phone");
    sim("DELETE", "/sim/fail");
}

TEST_CASE("MMS media go to Twilio and are stored; UCS-2 bodies are counted as such", "[send]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_first(phone));
    const json media = {"https://example.com/a.jpg", "https://example.com/b.png"};
    const auto reply = send({{"contactId", contact}, {"body", "Menu ☕"}, {"mediaUrls", media}});
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    CHECK(reply.json()["encoding"] == "UCS-2");
    CHECK(reply.json()["message"]["mediaUrls"] == media);
    const auto creates = creates_to(phone);
    REQUIRE(creates.size() == 1);
    CHECK(creates[0]["form"]["MediaUrl"] == media);
    CHECK(reply.json()["twilioMessageSid"].get<std::string>().starts_with("MM"));
}

TEST_CASE("bad send requests are refused and change nothing", "[send]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_first(phone));
    const auto messages_before = q("SELECT count(*) FROM messages");
    const auto contacts_before = q("SELECT count(*) FROM contacts");
    const std::vector<std::pair<json, std::string>> cases = {
        {{{"body", "no recipient"}}, "to"},
        {{{"to", phone}, {"contactId", contact}, {"body", "both"}}, "to"},
        {{{"to", "call me"}, {"body", "x"}}, "to"},
        {{{"to", 17605550123}, {"body", "x"}}, "to"},
        {{{"contactId", "12"}, {"body", "x"}}, "contactId"},
        {{{"contactId", 0}, {"body", "x"}}, "contactId"},
        {{{"contactId", contact}}, "body"},
        {{{"contactId", contact}, {"body", " \u200b "}}, "body"},
        {{{"contactId", contact}, {"body", std::string(1601, 'a')}}, "body"},
        {{{"contactId", contact}, {"body", std::string("a\0b", 3)}}, "body"},
        {{{"contactId", contact}, {"body", 5}}, "body"},
        {{{"contactId", contact}, {"body", "x"}, {"mediaUrls", "https://e.com/a.jpg"}},
         "mediaUrls"},
        {{{"contactId", contact}, {"body", "x"}, {"mediaUrls", {"ftp://e.com/a.jpg"}}},
         "mediaUrls"},
        {{{"contactId", contact}, {"body", "x"}, {"mediaUrls", json::array({"https://e.com/ a"})}},
         "mediaUrls"},
        {{{"contactId", contact},
          {"body", "x"},
          {"mediaUrls", json(std::vector<std::string>(11, "https://e.com/a"))}},
         "mediaUrls"},
        {{{"contactId", contact}, {"optInRequest", "yes"}}, "optInRequest"},
        {{{"contactId", contact}, {"optInRequest", true}, {"body", "custom"}}, "body"},
    };
    for (const auto& [body, field] : cases) {
        const auto reply = send(body);
        INFO(body.dump() << " -> " << reply.body);
        CHECK(reply.status == 400);
        CHECK(reply.json()["error"]["field"] == field);
    }
    for (const auto& key : {std::string("has space"), std::string(256, 'k'), std::string("é")}) {
        const auto reply = send({{"contactId", contact}, {"body", "x"}}, key);
        INFO(reply.body);
        CHECK(reply.status == 400);
        CHECK(reply.json()["error"]["field"] == "Idempotency-Key");
    }
    CHECK(send({{"contactId", 99999999}, {"body", "x"}}).status == 404);
    CHECK(stack()
              .request("POST", "/api/crm/sms/send", "body=x", "<staff>",
                       "application/x-www-form-urlencoded")
              .status == 415);
    CHECK(stack().request("POST", "/api/crm/sms/send", "{\"to\":", "<staff>").status == 400);
    CHECK(stack()
              .request("POST", "/api/crm/sms/send", json{{"to", phone}, {"body", "x"}}.dump(), "")
              .status == 401);
    CHECK(stack().request("GET", "/api/crm/sms/send").status == 405);
    CHECK(q("SELECT count(*) FROM messages") == messages_before);
    CHECK(q("SELECT count(*) FROM contacts") == contacts_before);
    CHECK(creates_to(phone).empty());
}

TEST_CASE("the send handler's log holds no phone, body or key", "[send]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_first(phone));
    // One 500: a create is not sent again after it, and its warning is logged.
    sim("POST", "/sim/fail", {{"count", 1}, {"status", 500}});
    CHECK(send({{"contactId", contact}, {"body", "Secret wine club code"}}).status == 502);
    CHECK(send({{"to", phone}, {"body", "Secret wine club code"}}).status == 201);
    const auto log = read_file(stack().state_dir + "/log/send.log");
    CHECK(log.find("POST /api/crm/sms/send 201") != std::string::npos);
    CHECK(log.find(phone) == std::string::npos);
    CHECK(log.find(phone.substr(2)) == std::string::npos);
    CHECK(log.find("Secret wine") == std::string::npos);
    CHECK(log.find(stack().staff_key) == std::string::npos);
    CHECK(log.find(auth_token()) == std::string::npos);
}
