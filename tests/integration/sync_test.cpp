// POST /api/crm/sms/sync through nginx, against the stack's Twilio simulator, whose history the
// tests seed (/sim/messages): what a sync inserts, what it moves forward and never back, what it
// links and claims, and that bad input and a failing Twilio change nothing.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/integration/long_poll.h"
#include "tests/integration/stack.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

const std::string kUs = "+17605550100";  // the stack's TWILIO_PHONE_NUMBER

Stack& stack() {
    return Stack::get();
}

std::string q(const std::string& sql) {
    return stack().query(sql);
}

Reply sync(const json& body) {
    return stack().request("POST", "/api/crm/sms/sync", body.dump());
}

// The stack's Twilio simulator: a hook's answer, null when it has none.
json sim(const std::string& method, const std::string& path, const json& body = nullptr) {
    return stack().twilio_sim(method, path, body);
}

// Twilio's history for a test: the messages as stored, SIDs included, in the order given.
json seed(const std::vector<json>& messages) {
    return sim("POST", "/sim/messages", {{"messages", messages}})["messages"];
}

// Minute `n` of a day in the past, as Twilio writes dates.
std::string at(int n) {
    char date[40];
    std::snprintf(date, sizeof date, "Mon, 02 Mar 2026 %02d:%02d:00 +0000", n / 60, n % 60);
    return date;
}

json inbound(const std::string& from, const std::string& body, int minute) {
    return {{"from", from}, {"to", kUs}, {"body", body}, {"date_created", at(minute)}};
}

json outbound(const std::string& to, const std::string& body, int minute,
              const std::string& status = "delivered") {
    return {{"from", kUs},      {"to", to},
            {"body", body},     {"direction", "outbound-api"},
            {"status", status}, {"date_created", at(minute)}};
}

std::string staff_contact(const std::string& phone) {
    const auto reply =
        stack().request("POST", "/api/crm/contacts",
                        json{{"firstName", "Sy"}, {"lastName", "Ng"}, {"phone", phone}}.dump());
    REQUIRE(reply.status == 201);
    return std::to_string(reply.json()["contact"]["id"].get<int64_t>());
}

// Checks a sync's answer: {success, fetched, inserted, updated}.
void check_counts(const Reply& reply, int fetched, int inserted, int updated) {
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    CHECK(reply.json()["success"] == true);
    CHECK(reply.json()["fetched"] == fetched);
    CHECK(reply.json()["inserted"] == inserted);
    CHECK(reply.json()["updated"] == updated);
}

// The simulator's list requests filtered on `name` (To or From) = `phone`.
int lists_by(const std::string& name, const std::string& phone) {
    int n = 0;
    const auto requests = sim("GET", "/sim/requests");
    for (const auto& r : requests["requests"]) {
        if (r["method"] == "GET" && r["path"].get<std::string>().ends_with("/Messages.json") &&
            r["query"].contains(name) && r["query"][name][0] == phone) {
            ++n;
        }
    }
    return n;
}

int media_lists() {
    int n = 0;
    const auto requests = sim("GET", "/sim/requests");
    for (const auto& r : requests["requests"]) {
        n += r["path"].get<std::string>().ends_with("/Media.json");
    }
    return n;
}

std::string row(const std::string& columns, const std::string& sid) {
    return q("SELECT " + columns + " FROM messages WHERE sid = '" + sid + "'");
}

}  // namespace

TEST_CASE("a sync over pages of both lists inserts what is missing, once", "[sync]") {
    const auto phone = new_phone();
    const auto contact = staff_contact(phone);
    std::vector<json> history;
    for (int i = 0; i < 105; ++i) history.push_back(inbound(phone, "in " + std::to_string(i), i));
    for (int i = 0; i < 15; ++i)
        history.push_back(outbound(phone, "out " + std::to_string(i), 200 + i));
    // A number texting itself is in both lists: once in ours.
    for (int i = 0; i < 2; ++i) {
        history.push_back(
            {{"from", phone}, {"to", phone}, {"body", "self"}, {"date_created", at(300 + i)}});
    }
    const auto seeded = seed(history);
    const auto sent = seeded[105]["sid"].get<std::string>();     // stored as sent: moves
    const auto settled = seeded[106]["sid"].get<std::string>();  // stored as Twilio has it
    q("INSERT INTO messages (sid, contact_id, direction, from_number, to_number, body, status,"
      " segments, created_at) VALUES ('" +
      sent + "', " + contact + ", 'outbound', '" + kUs + "', '" + phone +
      "', 'out 0', 'sent', 1, '" + "2026-03-02T03:20:00Z')");
    q("INSERT INTO messages (sid, contact_id, direction, from_number, to_number, body, status,"
      " segments, created_at, twilio_created_at, delivered_at) VALUES ('" +
      settled + "', " + contact + ", 'outbound', '" + kUs + "', '" + phone +
      "', 'out 1', 'delivered', 1, '2026-03-02T03:21:00Z', '2026-03-02T03:21:00Z', now())");

    // From the number: 107 messages in pages of 50; to it: 17. 122 SIDs in all.
    check_counts(sync({{"contactId", std::stoll(contact)}, {"limit", 150}}), 122, 120, 1);
    CHECK(lists_by("From", phone) == 3);
    CHECK(lists_by("To", phone) == 1);
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + contact) == "122");
    CHECK(q("SELECT count(DISTINCT sid) FROM messages WHERE contact_id = " + contact) == "122");
    CHECK(row("status || '|' || (delivered_at IS NOT NULL)", sent) == "delivered|true");
    // Imported rows carry Twilio's fields; their time is Twilio's date_created.
    const auto first = seeded[0]["sid"].get<std::string>();
    CHECK(row("direction || '|' || channel || '|' || from_number || '|' || to_number || '|' ||"
              " body || '|' || status || '|' || segments || '|' || rfc3339(created_at) || '|' ||"
              " rfc3339(twilio_created_at)",
              first) == "inbound|sms|" + phone + "|" + kUs +
                            "|in 0|received|1|2026-03-02T00:00:00.000Z|2026-03-02T00:00:00.000Z");
    const auto self = seeded[120]["sid"].get<std::string>();
    CHECK(row("direction || '|' || status || '|' || (delivered_at IS NOT NULL)",
              seeded[107]["sid"].get<std::string>()) == "outbound|delivered|true");
    CHECK(row("direction || '|' || body", self) == "inbound|self");
    // History from before the contact existed was not missed: nothing unread.
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + contact +
            " AND direction = 'inbound' AND read_at IS NULL") == "0");
    // The newest message is the contact's latest.
    CHECK(q("SELECT sid FROM messages WHERE id = (SELECT last_message_id FROM contacts"
            " WHERE id = " +
            contact + ")") == seeded[121]["sid"].get<std::string>());
    CHECK(q("SELECT rfc3339(last_message_at) FROM contacts WHERE id = " + contact) ==
          "2026-03-02T05:01:00.000Z");

    // Again: nothing to insert, nothing to update.
    check_counts(sync({{"contactId", std::stoll(contact)}, {"limit", 150}}), 122, 0, 0);
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + contact) == "122");
}

TEST_CASE("open inboxes hear of a sync that changed something, and of no other", "[sync]") {
    const auto phone = new_phone();
    const auto contact = staff_contact(phone);
    seed({inbound(phone, "heard", 1)});
    const auto url = "/api/poll/staff?" + signed_query(unix_now() + 60, "staff");
    check_counts(sync({{"contactId", std::stoll(contact)}}), 1, 1, 0);
    check_counts(sync({{"contactId", std::stoll(contact)}}), 1, 0, 0);
    // A contact made after both syncs: by its event, every event before it has been read.
    const auto marker = new_phone();
    staff_contact(marker);
    std::vector<json> heard;
    const auto end = poll_until(url, [&](const json& e) {
        if (e["type"] == "sync" && e["contactId"] == std::stoll(contact)) heard.push_back(e);
        return e["type"] == "contact" && e["contact"]["phone"] == marker;
    });
    REQUIRE(end);
    REQUIRE(heard.size() == 1);
    CHECK(heard[0] == json{{"type", "sync"},
                           {"contactId", std::stoll(contact)},
                           {"inserted", 1},
                           {"updated", 0}});
}

TEST_CASE("a sync by phone keeps the newest; missed inbound messages are unread", "[sync]") {
    const auto phone = new_phone();
    // Nothing at Twilio: no contact is made.
    check_counts(sync({{"phoneNumber", phone}}), 0, 0, 0);
    CHECK(q("SELECT count(*) FROM contacts WHERE phone = '" + phone + "'") == "0");

    std::vector<json> history;
    for (int i = 0; i < 5; ++i)
        history.push_back(inbound(phone, "old " + std::to_string(i), 600 + i));
    const auto seeded = seed(history);
    check_counts(sync({{"phoneNumber", phone}, {"limit", 3}}), 3, 3, 0);
    const auto contact = q("SELECT id FROM contacts WHERE phone = '" + phone + "'");
    REQUIRE_FALSE(contact.empty());
    CHECK(q("SELECT source || '|' || first_name || '|' || sms_opt_in FROM contacts WHERE id = " +
            contact) == "sync||false");
    CHECK(row("count(*)", seeded[0]["sid"].get<std::string>()) == "0");
    CHECK(row("contact_id", seeded[4]["sid"].get<std::string>()) == contact);
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + contact +
            " AND read_at IS NULL") == "0");

    // Later, one message the webhook never got; an older one fills a gap in history.
    const auto missed =
        seed({inbound(phone, "did you get this?", 610)})[0]["sid"].get<std::string>();
    const auto digits = phone.substr(2);
    const auto formatted =
        "(" + digits.substr(0, 3) + ") " + digits.substr(3, 3) + "-" + digits.substr(6);
    check_counts(sync({{"phoneNumber", formatted}}), 6, 3, 0);
    CHECK(row("read_at IS NULL", missed) == "t");
    CHECK(row("read_at IS NULL", seeded[0]["sid"].get<std::string>()) == "f");
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + contact +
            " AND read_at IS NULL") == "1");
    CHECK(q("SELECT last_message_id = (SELECT id FROM messages WHERE sid = '" + missed +
            "') FROM contacts WHERE id = " + contact) == "t");
}

TEST_CASE("a sync moves a status forward, never backwards", "[sync]") {
    const auto phone = new_phone();
    const auto contact = staff_contact(phone);
    auto failing = outbound(phone, "c", 702, "undelivered");
    failing["error_code"] = 30003;
    failing["error_message"] = "Unreachable destination handset";
    const auto seeded =
        seed({outbound(phone, "a", 700, "delivered"), outbound(phone, "b", 701, "sent"), failing});
    const std::vector<std::string> stored_as = {"sent", "delivered", "queued"};
    for (size_t i = 0; i < stored_as.size(); ++i) {
        q("INSERT INTO messages (sid, contact_id, direction, from_number, to_number, body,"
          " status, segments, created_at, twilio_created_at) VALUES ('" +
          seeded[i]["sid"].get<std::string>() + "', " + contact + ", 'outbound', '" + kUs + "', '" +
          phone + "', 'x', '" + stored_as[i] + "', 1, now(), now())");
    }
    check_counts(sync({{"contactId", std::stoll(contact)}}), 3, 0, 2);
    CHECK(row("status || '|' || (delivered_at IS NOT NULL)", seeded[0]["sid"].get<std::string>()) ==
          "delivered|true");
    CHECK(row("status", seeded[1]["sid"].get<std::string>()) == "delivered");
    CHECK(row("status || '|' || error_code || '|' || error_message",
              seeded[2]["sid"].get<std::string>()) ==
          "undelivered|30003|Unreachable destination handset");
    check_counts(sync({{"contactId", std::stoll(contact)}}), 3, 0, 0);
}

TEST_CASE("a sync stores an inbound MMS's media, asking Twilio once", "[sync]") {
    const auto phone = new_phone();
    auto mms = inbound(phone, "look", 800);
    mms["media_urls"] = {"https://example.com/cellar.jpg", "https://example.com/label.png"};
    const auto sid = seed({mms, inbound(phone, "plain", 801)})[0]["sid"].get<std::string>();
    CHECK(sid.starts_with("MM"));
    const auto before = media_lists();
    check_counts(sync({{"phoneNumber", phone}}), 2, 2, 0);
    CHECK(media_lists() == before + 1);
    const auto urls = json::parse(row("media_urls::text", sid));
    REQUIRE(urls.size() == 2);
    for (const auto& url : urls) {
        CHECK(url.get<std::string>().starts_with(
            "http://127.0.0.1:" + std::to_string(stack().sim_port) + "/2010-04-01/Accounts/AC"));
        CHECK(url.get<std::string>().find("/Messages/" + sid + "/Media/ME") != std::string::npos);
    }
    CHECK(row("media_types::text", sid) == R"(["image/jpeg", "image/png"])");
    // Stored: no second media call.
    check_counts(sync({{"phoneNumber", phone}}), 2, 0, 0);
    CHECK(media_lists() == before + 1);
}

TEST_CASE("a messageSid sync refreshes one message, or stores it", "[sync]") {
    const auto phone = new_phone();
    const auto contact = staff_contact(phone);
    const auto seeded = seed({outbound(phone, "your table is ready", 900, "delivered"),
                              inbound(phone, "on my way", 901)});
    const auto known = seeded[0]["sid"].get<std::string>();
    const auto id =
        q("INSERT INTO messages (sid, contact_id, direction, from_number, to_number, body, status)"
          " VALUES ('" +
          known + "', " + contact + ", 'outbound', '" + kUs + "', '" + phone +
          "', 'your table is ready', 'queued') RETURNING id");
    auto reply = sync({{"messageSid", known}});
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    CHECK(reply.json()["fetched"] == 1);
    CHECK(reply.json()["inserted"] == 0);
    CHECK(reply.json()["updated"] == 1);
    const auto& message = reply.json()["message"];
    CHECK(message["id"] == std::stoll(id));
    CHECK(message["sid"] == known);
    CHECK(message["status"] == "delivered");
    CHECK(message["contactId"] == std::stoll(contact));
    CHECK_FALSE(message["deliveredAt"].is_null());
    check_counts(sync({{"messageSid", known}}), 1, 0, 0);

    const auto unknown = seeded[1]["sid"].get<std::string>();
    reply = sync({{"messageSid", unknown}});
    REQUIRE(reply.status == 200);
    CHECK(reply.json()["inserted"] == 1);
    CHECK(reply.json()["message"]["direction"] == "inbound");
    CHECK(reply.json()["message"]["body"] == "on my way");
    CHECK(reply.json()["message"]["contactId"] == std::stoll(contact));
    CHECK(reply.json()["message"]["createdAt"] == "2026-03-02T15:01:00.000Z");

    // A SID Twilio does not have: its 404, and nothing stored.
    const auto before = q("SELECT count(*) FROM messages");
    const auto missing = sync({{"messageSid", "SM" + std::string(32, 'f')}});
    CHECK(missing.status == 404);
    CHECK(missing.json()["error"]["code"] == "not_found");
    CHECK(q("SELECT count(*) FROM messages") == before);
}

TEST_CASE("a sync gives a send that died before storing its SID that SID", "[sync]") {
    const auto phone = new_phone();
    const auto contact = staff_contact(phone);
    const auto insert_unsent = [&](const std::string& body, const std::string& status) {
        return q(
            "INSERT INTO messages (contact_id, direction, from_number, to_number, body,"
            " status, segments, send_error) VALUES (" +
            contact + ", 'outbound', '" + kUs + "', '" + phone + "', '" + body + "', '" + status +
            "', 1, '{\"status\": 502}') RETURNING id");
    };
    const auto dead = insert_unsent("Your order is ready", "queued");
    const auto other = insert_unsent("Something else", "accepted");
    const auto sid =
        seed({outbound(phone, "Your order is ready", 1000)})[0]["sid"].get<std::string>();
    check_counts(sync({{"contactId", std::stoll(contact)}}), 1, 0, 1);
    CHECK(q("SELECT count(*) FROM messages WHERE to_number = '" + phone +
            "' AND body = 'Your order is ready'") == "1");
    CHECK(q("SELECT sid || '|' || status || '|' || (send_error IS NULL) FROM messages WHERE id = " +
            dead) == sid + "|delivered|true");
    CHECK(q("SELECT coalesce(sid, 'none') FROM messages WHERE id = " + other) == "none");
    check_counts(sync({{"contactId", std::stoll(contact)}}), 1, 0, 0);
}

TEST_CASE("a sync for an unknown contact is 404", "[sync]") {
    const auto reply = sync({{"contactId", 999999999}});
    CHECK(reply.status == 404);
    CHECK(reply.json()["error"]["code"] == "not_found");
    const auto phone = new_phone();
    const auto contact = staff_contact(phone);
    REQUIRE(stack().request("DELETE", "/api/crm/contacts/" + contact).status == 200);
    CHECK(sync({{"contactId", std::stoll(contact)}}).status == 404);
}

TEST_CASE("bad sync requests are 400 and change nothing", "[sync]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(staff_contact(phone));
    seed({inbound(phone, "hello", 1100)});
    const auto messages = q("SELECT count(*) FROM messages");
    const auto contacts = q("SELECT count(*) FROM contacts");
    const auto requests = sim("GET", "/sim/requests")["requests"].size();
    const std::vector<std::pair<json, std::string>> refused = {
        {json::object(), "contactId"},
        {{{"limit", 10}}, "contactId"},
        {{{"contactId", contact}, {"phoneNumber", phone}}, "phoneNumber"},
        {{{"contactId", contact}, {"limit", 0}}, "limit"},
        {{{"contactId", contact}, {"limit", 1001}}, "limit"},
        {{{"contactId", contact}, {"limit", "x"}}, "limit"},
        {{{"contactId", "1"}}, "contactId"},
        {{{"contactId", -4}}, "contactId"},
        {{{"messageSid", "SM123"}}, "messageSid"},
        {{{"messageSid", "SM" + std::string(32, 'z')}}, "messageSid"},
        {{{"phoneNumber", "not a phone"}}, "phoneNumber"},
        {{{"phoneNumber", "+1 555 123 4567"}}, "phoneNumber"},
        {{{"phoneNumber", "'; DROP TABLE messages; --"}}, "phoneNumber"},
        {{{"phoneNumber", kUs}}, "phoneNumber"},
    };
    for (const auto& [body, field] : refused) {
        const auto reply = sync(body);
        INFO(body.dump() << " -> " << reply.body);
        CHECK(reply.status == 400);
        CHECK(reply.json()["success"] == false);
        CHECK(reply.json()["error"]["field"] == field);
    }
    CHECK(stack().request("POST", "/api/crm/sms/sync", "{not json").status == 400);
    CHECK(stack()
              .request("POST", "/api/crm/sms/sync", "contactId=1", "<staff>",
                       "application/x-www-form-urlencoded")
              .status == 415);
    CHECK(stack()
              .request("POST", "/api/crm/sms/sync", json{{"contactId", contact}}.dump(), "")
              .status == 401);
    CHECK(stack().request("GET", "/api/crm/sms/sync").status == 405);
    CHECK(q("SELECT count(*) FROM messages") == messages);
    CHECK(q("SELECT count(*) FROM contacts") == contacts);
    CHECK(sim("GET", "/sim/requests")["requests"].size() == requests);
}

TEST_CASE("Twilio failing is 502 and a sync stores nothing", "[sync]") {
    const auto phone = new_phone();
    seed({inbound(phone, "hello", 1200), outbound(phone, "hi", 1201)});
    sim("POST", "/sim/fail", {{"count", 100}, {"status", 500}});
    const auto reply = sync({{"phoneNumber", phone}});
    const auto by_sid = sync({{"messageSid", "SM" + std::string(32, 'e')}});
    sim("DELETE", "/sim/fail");
    INFO(reply.body);
    CHECK(reply.status == 502);
    CHECK(reply.json()["error"]["code"] == "twilio_unavailable");
    CHECK(by_sid.status == 502);
    CHECK(q("SELECT count(*) FROM messages WHERE from_number = '" + phone + "' OR to_number = '" +
            phone + "'") == "0");
    CHECK(q("SELECT count(*) FROM contacts WHERE phone = '" + phone + "'") == "0");
    // Twilio back: the same sync goes through.
    check_counts(sync({{"phoneNumber", phone}}), 2, 2, 0);
}

TEST_CASE("no log line holds a synced phone number or body", "[sync]") {
    const auto phone = new_phone();
    const auto sid =
        seed({inbound(phone, "private words 7d1e", 1300)})[0]["sid"].get<std::string>();
    const auto reply = sync({{"phoneNumber", phone}});
    REQUIRE(reply.status == 200);
    REQUIRE(sync({{"messageSid", sid}}).status == 200);
    sim("POST", "/sim/fail", {{"count", 100}, {"status", 500}});
    const auto failed = sync({{"phoneNumber", phone}});
    sim("DELETE", "/sim/fail");
    CHECK(failed.status == 502);
    // The handler logs after it has answered: wait for the last request's line.
    const auto rid = failed.headers.at("X-Request-Id");
    const auto log_dir = stack().state_dir + "/log";
    for (int i = 0;
         i < 50 && read_file(log_dir + "/sync.log").find("rid=" + rid) == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    const auto log = read_file(log_dir + "/sync.log");
    CHECK(log.find("POST /api/crm/sms/sync 200") != std::string::npos);
    CHECK(log.find("POST /api/crm/sms/sync 502") != std::string::npos);
    CHECK(log.find("sync: contact ") != std::string::npos);
    for (const auto& entry : std::filesystem::directory_iterator(log_dir)) {
        const auto text = read_file(entry.path());
        INFO(entry.path());
        CHECK(text.find(phone.substr(2)) == std::string::npos);
        CHECK(text.find("private words") == std::string::npos);
        CHECK(text.find(auth_token()) == std::string::npos);
        CHECK(text.find(stack().staff_key) == std::string::npos);
    }
}
