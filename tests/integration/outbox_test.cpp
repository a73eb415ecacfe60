// The outbox through the real path (docs/decisions.md, The outbox): the webhook only writes the
// text; the worker (textus-admin, the real program) decides its auto-reply, delivers what nobody
// delivered, and settles what is stuck, looking a message up at the Twilio simulator before it
// could ever send it twice.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "common/db/db.h"
#include "common/messages/message_store.h"
#include "tests/integration/api.h"
#include "tests/integration/long_poll.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

size_t creates_to(const std::string& phone) {
    return stack().twilio_creates_to(phone).size();
}

std::string message_of(const std::string& sid, const std::string& columns) {
    return q("SELECT " + columns + " FROM messages WHERE sid = '" + sid + "'");
}

// A contact who texted us (so may be texted back): its id.
std::string texted_us(const std::string& phone) {
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "Hi there")).status == 200);
    return q("SELECT id FROM contacts WHERE phone = '" + phone + "'");
}

// A queued row as a handler writes it before it calls Twilio, `owner_until` and `created_at`
// SQL expressions: its id.
std::string queued_row(const std::string& contact, const std::string& phone,
                       const std::string& body, int attempts, const std::string& owner_until,
                       const std::string& created_at = "now()") {
    return q(
        "INSERT INTO messages (contact_id, direction, channel, from_number, to_number, body,"
        " status, segments, sent_by, owner_until, attempts, created_at) VALUES (" +
        contact + ", 'outbound', 'sms', '+17605550100', '" + phone + "', '" + body +
        "', 'queued', 1, 'test', " + owner_until + ", " + std::to_string(attempts) + ", " +
        created_at + ") RETURNING id");
}

// The worker's summary of its outbox duties, from run-due's last line.
// The outbox's part of run-due's line: from "outbox: " to the next part or the line's end.
std::string outbox_summary(const std::string& output) {
    const auto at = output.find("; outbox: ");
    if (at == std::string::npos) return output;
    const auto end = std::min(output.find("; ", at + 2), output.find('\n', at));
    return output.substr(at + 2, end - at - 2);
}

}  // namespace

TEST_CASE("an inbound text is kept when its auto-reply cannot be written", "[outbox]") {
    const std::string long_body(1585, 'x');
    SECTION("a keyword rule's reply too long with the opt-out notice, to a new number") {
        const AutoReplyRule rule({{"kind", "keyword"}, {"keyword", "LONG"}, {"body", long_body}});
        const auto phone = new_phone(), sid = new_sid();
        const auto answer = post("/api/twilio/webhook", inbound(sid, phone, "long"));
        INFO(answer.body);
        REQUIRE(answer.status == 200);
        CHECK(message_of(sid, "body || '|' || (contact_id IS NOT NULL)") == "long|true");
        const auto output = run_worker_once();
        CHECK(outbox_summary(output) ==
              "outbox: auto-replies decided 1, sent 0, failed 0, found at Twilio 0, refreshed 0");
        CHECK(output.find("body_too_long") != std::string::npos);
        CHECK(creates_to(phone) == 0);
        CHECK(message_of(sid, "auto_reply_pending") == "f");
    }
    SECTION("the away rule's, likewise") {
        const AutoReplyRule rule(
            {{"kind", "away"}, {"hours", kClosedAllWeek}, {"body", long_body}});
        const auto phone = new_phone(), sid = new_sid();
        REQUIRE(post("/api/twilio/webhook", inbound(sid, phone, "Are you open?")).status == 200);
        CHECK(message_of(sid, "body") == "Are you open?");
        run_worker_once();
        CHECK(creates_to(phone) == 0);
    }
    SECTION("a known contact whose names render the reply past 1,600 characters") {
        const auto phone = new_phone();
        const auto created = call("POST", "/api/crm/contacts",
                                  {{"firstName", std::string(50, 'A')},
                                   {"lastName", std::string(50, 'B')},
                                   {"phone", phone},
                                   {"smsOptIn", true}});
        REQUIRE(created.status == 201);
        const AutoReplyRule rule(
            {{"kind", "keyword"},
             {"keyword", "NAMES"},
             {"body", "Hi {firstName} {lastName}, " + std::string(1540, 'x')}});
        const auto sid = new_sid();
        REQUIRE(post("/api/twilio/webhook", inbound(sid, phone, "NAMES")).status == 200);
        CHECK(message_of(sid, "body") == "NAMES");
        run_worker_once();
        CHECK(creates_to(phone) == 0);
    }
    SECTION("a STOP with a rule in place still opts out, and gets no reply of ours") {
        const AutoReplyRule rule({{"kind", "away"}, {"hours", kClosedAllWeek}, {"body", "Away."}});
        const auto phone = new_phone(), sid = new_sid();
        REQUIRE(post("/api/twilio/webhook", inbound(sid, phone, "STOP")).status == 200);
        CHECK(message_of(sid, "auto_reply_pending") == "f");
        CHECK(q("SELECT sms_opt_in FROM contacts WHERE phone = '" + phone + "'") == "f");
        run_worker_once();
        CHECK(creates_to(phone) == 0);
    }
}

TEST_CASE("a refused auto-reply is decided once, however many senders race for it", "[outbox]") {
    // A refusal rolls the claim back before the text is cleared: another sender may take it in
    // between, and must not count it or log it a second time.
    const AutoReplyRule rule(
        {{"kind", "keyword"}, {"keyword", "LONGER"}, {"body", std::string(1585, 'x')}});
    constexpr int kTexts = 30;
    for (int i = 0; i < kTexts; ++i) {
        REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), new_phone(), "longer")).status ==
                200);
    }
    const auto command = run_due_command() + " --senders 8 2>&1";
    std::string outputs[2];
    std::thread other([&] { outputs[1] = run(command).output; });
    outputs[0] = run(command).output;
    other.join();
    int decided = 0, refusals = 0;
    for (const auto& output : outputs) {
        INFO(output);
        const auto summary = outbox_summary(output);
        const auto at = summary.find("decided ");
        REQUIRE(at != std::string::npos);
        decided += std::stoi(summary.substr(at + 8));
        for (auto found = output.find("body_too_long"); found != std::string::npos;
             found = output.find("body_too_long", found + 1)) {
            ++refusals;
        }
    }
    CHECK(decided == kTexts);
    CHECK(refusals == kTexts);
    CHECK(q("SELECT count(*) FROM messages WHERE auto_reply_pending") == "0");
}
TEST_CASE("a text whose media fields are malformed is stored, with what was wrong", "[outbox]") {
    const auto phone = new_phone();
    SECTION("NumMedia=3 with one MediaUrl") {
        const auto sid = new_sid("MM");
        auto fields = inbound(sid, phone, "Here is the label");
        fields[6] = {"NumMedia", "3"};
        fields.push_back({"MediaUrl0", "https://api.twilio.com/2010-04-01/Media/ME1"});
        fields.push_back({"MediaContentType0", "image/jpeg"});
        const auto answer = post("/api/twilio/webhook", fields);
        INFO(answer.body);
        REQUIRE(answer.status == 200);
        CHECK(
            message_of(sid, "body || '|' || media_urls::text || '|' || media_types::text") ==
            R"(Here is the label|["https://api.twilio.com/2010-04-01/Media/ME1"]|["image/jpeg"])");
        CHECK(message_of(sid, "error_message") ==
              "Media not stored: MediaUrl1 is missing; MediaUrl2 is missing");
    }
    SECTION("a media URL over 1,000 characters, and a NumMedia that is no number") {
        const auto sid = new_sid("MM");
        auto fields = inbound(sid, phone, "Two pictures");
        fields[6] = {"NumMedia", "1"};
        fields.push_back({"MediaUrl0", "https://example.com/" + std::string(1000, 'a')});
        REQUIRE(post("/api/twilio/webhook", fields).status == 200);
        CHECK(message_of(sid, "body || '|' || media_urls::text") == "Two pictures|[]");
        CHECK(message_of(sid, "error_message") ==
              "Media not stored: MediaUrl0 is not a URL of at most 1000 bytes");

        const auto other = new_sid("MM");
        auto bad_count = inbound(other, phone, "Three?");
        bad_count[6] = {"NumMedia", "many"};
        REQUIRE(post("/api/twilio/webhook", bad_count).status == 200);
        CHECK(message_of(other, "error_message") ==
              "Media not stored: NumMedia must be a number from 0 to 10");
    }
}

TEST_CASE("a MessageSid seen before, from another sender, makes no contact", "[outbox]") {
    const auto sid = new_sid();
    REQUIRE(post("/api/twilio/webhook", inbound(sid, new_phone(), "first")).status == 200);
    const auto other = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(sid, other, "replayed")).status == 200);
    CHECK(q("SELECT count(*) FROM contacts WHERE phone = '" + other + "'") == "0");
    CHECK(q("SELECT count(*) FROM messages WHERE sid = '" + sid + "'") == "1");
}

TEST_CASE("the webhook never calls Twilio: a slow Twilio delays no answer", "[outbox]") {
    const AutoReplyRule rule({{"kind", "keyword"}, {"keyword", "SLOW"}, {"body", "Noted."}});
    stack().twilio_sim("DELETE", "/sim/requests");
    stack().twilio_sim("POST", "/sim/fail", {{"count", 5}, {"delayMs", 3000}});
    const auto phone = new_phone();
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "slow")).status == 200);
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(took < std::chrono::milliseconds(1500));
    CHECK(stack().twilio_sim("GET", "/sim/requests")["requests"].empty());
    stack().twilio_sim("DELETE", "/sim/fail");
    run_worker_once();
    CHECK(creates_to(phone) == 1);
}

TEST_CASE("the resident worker, woken by NOTIFY, sends an auto-reply at once", "[outbox]") {
    const AutoReplyRule rule({{"kind", "keyword"}, {"keyword", "WAKE"}, {"body", "Awake."}});
    Worker worker;  // polls once an hour: only a NOTIFY wakes it in this test
    const auto phone = new_phone(), sid = new_sid();
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(post("/api/twilio/webhook", inbound(sid, phone, "wake")).status == 200);
    for (int i = 0; i < 250 && creates_to(phone) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO(worker.log());
    REQUIRE(creates_to(phone) == 1);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    // Its SID is recorded, and nothing is left for anyone.
    for (int i = 0; i < 100 && q("SELECT count(*) FROM messages WHERE to_number = '" + phone +
                                 "' AND sid IS NOT NULL") != "1";
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(q("SELECT sent_by || '|' || (sid IS NOT NULL) FROM messages WHERE to_number = '" + phone +
            "'") == "auto|true");
}

TEST_CASE("a send whose handler died before Twilio answered is found at Twilio, not resent",
          "[outbox]") {
    const auto phone = new_phone();
    texted_us(phone);
    // Twilio takes 2 s to answer the create, and the handler dies meanwhile. No status callback
    // comes (they would record the SID by our id first): only a lookup can tell.
    stack().twilio_sim("POST", "/sim/callbacks", {{"enabled", false}});
    stack().twilio_sim("POST", "/sim/fail", {{"count", 1}, {"delayMs", 2000}});
    std::thread send([&] {
        call("POST", "/api/crm/sms/send", {{"to", phone}, {"body", "Your order is ready"}},
             {{"Idempotency-Key", "outbox-killed-" + phone}});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    for (const auto pid : stack().handler_pids("send")) ::kill(pid, SIGKILL);
    send.join();
    stack().restart_handler("send");
    // The simulator records the request when it comes and acts on it 2 s later.
    std::this_thread::sleep_for(std::chrono::milliseconds(1800));
    REQUIRE(creates_to(phone) == 1);
    const std::string where =
        " FROM messages WHERE to_number = '" + phone + "' AND direction = 'outbound'";
    CHECK(q("SELECT status || '|' || (sid IS NULL)" + where) == "queued|true");
    // Before its owner's lease runs out, the worker leaves it alone.
    CHECK(outbox_summary(run_worker_once()) ==
          "outbox: auto-replies decided 0, sent 0, failed 0, found at Twilio 0, refreshed 0");
    // Then time passes.
    q("UPDATE messages SET owner_until = now() - interval '1 second' WHERE to_number = '" + phone +
      "' AND direction = 'outbound' RETURNING id");
    const auto output = run_worker_once();
    stack().twilio_sim("POST", "/sim/callbacks", {{"enabled", true}});
    CHECK(outbox_summary(output) ==
          "outbox: auto-replies decided 0, sent 0, failed 0, found at Twilio 1, refreshed 0");
    CHECK(creates_to(phone) == 1);
    CHECK(q("SELECT count(*)" + where + " AND sid IS NOT NULL") == "1");
}

TEST_CASE("an unsettled row Twilio never got goes once more, and only once", "[outbox]") {
    const auto phone = new_phone();
    const auto contact = texted_us(phone);
    SECTION("fresh, one attempt made: sent again, once") {
        const auto id =
            queued_row(contact, phone, "Table for four at 7", 1, "now() - interval '1 second'");
        const auto output = run_worker_once();
        CHECK(outbox_summary(output) ==
              "outbox: auto-replies decided 0, sent 1, failed 0, found at Twilio 0, refreshed 0");
        CHECK(creates_to(phone) == 1);
        CHECK(q("SELECT (sid IS NOT NULL) || '|' || attempts FROM messages WHERE id = " + id) ==
              "true|2");
        run_worker_once();
        CHECK(creates_to(phone) == 1);
    }
    SECTION("two attempts made already: failed, never sent") {
        const auto id =
            queued_row(contact, phone, "Table for two", 2, "now() - interval '1 second'");
        run_worker_once();
        CHECK(creates_to(phone) == 0);
        CHECK(q("SELECT status || '|' || (send_error->>'code') FROM messages WHERE id = " + id) ==
              "failed|send_unconfirmed");
    }
    SECTION("older than an hour: failed, never sent") {
        const auto id = queued_row(contact, phone, "Lunch today?", 1, "now() - interval '1 second'",
                                   "now() - interval '2 hours'");
        run_worker_once();
        CHECK(creates_to(phone) == 0);
        CHECK(q("SELECT status FROM messages WHERE id = " + id) == "failed");
    }
    SECTION("still owned: left alone") {
        const auto id = queued_row(contact, phone, "Soon", 1, "now() + interval '1 minute'");
        run_worker_once();
        CHECK(creates_to(phone) == 0);
        CHECK(q("SELECT status FROM messages WHERE id = " + id) == "queued");
        // Not left for later tests' workers to settle.
        q("DELETE FROM messages WHERE id = " + id + " RETURNING id");
    }
    SECTION("nobody owns it, but the number opted out since: failed, never sent") {
        const auto id = queued_row(contact, phone, "Sale today", 0, "NULL");
        REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "STOP")).status == 200);
        run_worker_once();
        CHECK(creates_to(phone) == 0);
        CHECK(q("SELECT status || '|' || (send_error->>'code') FROM messages WHERE id = " + id) ==
              "failed|opted_out");
    }
}

TEST_CASE("a status callback that changes nothing publishes nothing", "[outbox]") {
    const auto sid = new_sid();
    q("INSERT INTO messages (sid, direction, from_number, to_number, body, status) VALUES ('" +
      sid + "', 'outbound', '+17605550100', '" + new_phone() + "', 'x', 'sent') RETURNING id");
    for (int i = 0; i < 3; ++i) {
        REQUIRE(post("/api/twilio/status", {{"MessageSid", sid}, {"MessageStatus", "delivered"}})
                    .status == 204);
    }
    // A late `sent` after `delivered` changes nothing either.
    REQUIRE(post("/api/twilio/status", {{"MessageSid", sid}, {"MessageStatus", "sent"}}).status ==
            204);
    const auto marker = new_sid();
    REQUIRE(post("/api/twilio/webhook", inbound(marker, new_phone(), "marker")).status == 200);
    int events = 0;
    const auto found =
        poll_until("/api/poll/staff?" + signed_query(unix_now() + 60, "staff"), [&](const json& e) {
            if (e["type"] == "status" && e["message"]["sid"] == sid) ++events;
            return e["type"] == "message" && e["message"]["sid"] == marker;
        });
    REQUIRE(found);
    CHECK(events == 1);
}

TEST_CASE("a contact's latest message never moves backwards", "[outbox]") {
    const auto phone = new_phone();
    const auto contact = std::stoll(texted_us(phone));
    const auto chat = std::stoll(
        q("INSERT INTO chats (contact_id, channel_hash, code_hash, code_expires_at, consent_text)"
          " VALUES (" +
          std::to_string(contact) + ", md5(random()::text), '', now(), '') RETURNING id"));
    textus::Db early(stack().database_url), late(stack().database_url);
    // The early unit starts first (its now() is older) and commits last.
    std::promise<void> started, late_done;
    std::thread first([&] {
        early.transact([&](textus::Tx& tx) {
            tx.exec(textus::Statement{"test_now", "SELECT now()"});
            started.set_value();
            late_done.get_future().wait();
            textus::messages::insert_web(tx, contact, chat, phone, "+17605550100", "early");
        });
    });
    started.get_future().wait();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto latest = late.transact([&](textus::Tx& tx) {
        return textus::messages::insert_web(tx, contact, chat, phone, "+17605550100", "late").id;
    });
    late_done.set_value();
    first.join();
    CHECK(q("SELECT last_message_id FROM contacts WHERE id = " + std::to_string(contact)) ==
          std::to_string(latest));
}

TEST_CASE("a worker killed mid-campaign and started again texts each recipient exactly once",
          "[outbox]") {
    const auto tag = "outbox-" + new_sid().substr(26);
    std::vector<std::string> phones;
    for (int i = 0; i < 12; ++i) {
        phones.push_back(new_phone());
        REQUIRE(call("POST", "/api/crm/contacts",
                     {{"firstName", "Guest" + std::to_string(i)},
                      {"lastName", "Lee"},
                      {"phone", phones.back()},
                      {"tags", {tag}},
                      {"smsOptIn", true}})
                    .status == 201);
    }
    // Twilio answers each create in 0.8 s and posts no callbacks: a message in flight when the
    // worker dies is only found by looking it up.
    stack().twilio_sim("POST", "/sim/callbacks", {{"enabled", false}});
    stack().twilio_sim("POST", "/sim/fail", {{"count", 100}, {"delayMs", 800}});
    const auto created = call(
        "POST", "/api/crm/sms/campaigns",
        {{"name", "Harvest"}, {"body", "Harvest party Saturday."}, {"filter", {{"tags", {tag}}}}});
    REQUIRE(created.status == 201);
    const auto campaign = created.json()["campaign"]["id"].dump();
    {
        Worker worker("QUIET_HOURS=off CAMPAIGN_RATE=unlimited");
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));
        worker.kill();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(900));  // creates in flight land
    stack().twilio_sim("DELETE", "/sim/fail");
    const auto sent_before =
        q("SELECT count(*) FROM campaign_recipients WHERE campaign_id = " + campaign +
          " AND status = 'sending'");
    INFO("recipients sending when the worker died: " << sent_before);
    CHECK(sent_before != "0");
    CHECK(sent_before != "12");
    // The dead worker's leases run out (time passes), and a worker starts again.
    q("UPDATE messages SET owner_until = now() - interval '1 second' WHERE status = 'queued'"
      " AND sid IS NULL AND direction = 'outbound' RETURNING id");
    const auto output = run_worker_once("QUIET_HOURS=off CAMPAIGN_RATE=unlimited");
    stack().twilio_sim("POST", "/sim/callbacks", {{"enabled", true}});
    INFO(output);
    // Those in flight were found at Twilio, not sent again.
    CHECK(outbox_summary(output).find("found at Twilio 0,") == std::string::npos);
    for (const auto& phone : phones) {
        INFO(phone);
        CHECK(creates_to(phone) == 1);
        CHECK(q("SELECT count(*) FROM messages WHERE to_number = '" + phone +
                "' AND sid IS NOT NULL") == "1");
    }
    CHECK(q("SELECT count(*) FROM campaign_recipients WHERE campaign_id = " + campaign +
            " AND status = 'sending'") == "12");
}

TEST_CASE("a message not final a day after it was sent is refreshed from Twilio, once a day",
          "[outbox]") {
    const auto phone = new_phone();
    const auto contact = texted_us(phone);
    // Twilio delivered it; the callback that said so was lost.
    const auto sid = stack()
                         .twilio_sim("POST", "/sim/messages",
                                     {{"messages",
                                       {{{"from", "+17605550100"},
                                         {"to", phone},
                                         {"body", "See you Friday"},
                                         {"direction", "outbound-api"},
                                         {"status", "delivered"}}}}})["messages"][0]["sid"]
                         .get<std::string>();
    const auto id =
        q("INSERT INTO messages (sid, contact_id, direction, from_number, to_number, body, status,"
          " created_at) VALUES ('" +
          sid + "', " + contact + ", 'outbound', '+17605550100', '" + phone +
          "', 'See you Friday', 'sent', now() - interval '25 hours') RETURNING id");
    stack().twilio_sim("DELETE", "/sim/requests");
    CHECK(outbox_summary(run_worker_once()) ==
          "outbox: auto-replies decided 0, sent 0, failed 0, found at Twilio 0, refreshed 1");
    CHECK(q("SELECT status || '|' || (delivered_at IS NOT NULL) FROM messages WHERE id = " + id) ==
          "delivered|true");
    // Final now: never fetched again.
    run_worker_once();
    CHECK(stack().twilio_sim("GET", "/sim/requests")["requests"].size() == 1);
    // One still `sent` is looked at again a day after the last look, not before.
    q("UPDATE messages SET status = 'sent' WHERE id = " + id + " RETURNING id");
    run_worker_once();
    CHECK(stack().twilio_sim("GET", "/sim/requests")["requests"].size() == 1);
    // A week old: left as it is.
    q("UPDATE messages SET owner_until = NULL, created_at = now() - interval '8 days' WHERE id = " +
      id + " RETURNING id");
    run_worker_once();
    CHECK(stack().twilio_sim("GET", "/sim/requests")["requests"].size() == 1);
}

TEST_CASE("PostgreSQL restarted under webhook load: 503s, never 500s, and each 200 stored once",
          "[outbox]") {
    const AutoReplyRule rule({{"kind", "keyword"}, {"keyword", "AGAIN"}, {"body", "Back."}});
    Worker worker;
    std::mutex mutex;
    std::vector<std::pair<std::string, int>> answers;  // MessageSid, status
    std::atomic<bool> stop{false};
    const auto phone = new_phone();
    std::vector<std::thread> posters;
    for (int t = 0; t < 3; ++t) {
        posters.emplace_back([&] {
            while (!stop) {
                const auto sid = new_sid();
                const auto status =
                    post("/api/twilio/webhook", inbound(sid, phone, "hello")).status;
                {
                    std::lock_guard lock(mutex);
                    answers.emplace_back(sid, status);
                }
                // A steady load, not a flood of instant 503s.
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    stack().stop_postgres();
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    stack().start_postgres();
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    stop = true;
    for (auto& poster : posters) poster.join();

    std::vector<std::string> stored_ok, unavailable;
    for (const auto& [sid, status] : answers) {
        INFO(sid << " " << status);
        CHECK((status == 200 || status == 503));
        (status == 200 ? stored_ok : unavailable).push_back(sid);
    }
    INFO(stored_ok.size() << " answered 200, " << unavailable.size() << " 503");
    CHECK_FALSE(stored_ok.empty());
    CHECK_FALSE(unavailable.empty());
    // Twilio posts each 503 again.
    for (const auto& sid : unavailable) {
        CHECK(post("/api/twilio/webhook", inbound(sid, phone, "hello")).status == 200);
    }
    // Every post stored exactly once (the SID is unique: no second row can exist).
    const auto stored = [](const std::vector<std::string>& sids) {
        std::string list;
        for (const auto& sid : sids) list += (list.empty() ? "'" : ",'") + sid + "'";
        return q("SELECT count(*) FROM messages WHERE sid IN (" + list + ")");
    };
    CHECK(stored(stored_ok) == std::to_string(stored_ok.size()));
    CHECK(stored(unavailable) == std::to_string(unavailable.size()));

    // The worker's listener came back with the database: a NOTIFY wakes it again.
    const auto asker = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), asker, "again")).status == 200);
    for (int i = 0; i < 250 && creates_to(asker) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO(worker.log());
    CHECK(creates_to(asker) == 1);
}

TEST_CASE("a number that opts out in its own words is opted out and gets one confirmation",
          "[outbox][opt_out]") {
    for (const std::string words :
         {"Stop.", "stop please", "\xef\xbc\xb3\xef\xbc\xb4\xef\xbc\xaf\xef\xbc\xb0", "opt out",
          "remove me", "please stop texting me", "STOP STOP", "unsubscribe me", "Stop!"}) {
        INFO(words);
        const auto phone = new_phone();
        const auto contact = texted_us(phone);
        REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, words)).status == 200);
        CHECK(q("SELECT sms_opt_in FROM contacts WHERE id = " + contact) == "f");
        CHECK(
            q("SELECT kind || '|' || source || '|' || detail FROM consent_events WHERE phone = '" +
              phone + "' ORDER BY id DESC LIMIT 1") == "opt_out|keyword|" + words);
        // Said again: nothing changes, and no second confirmation.
        REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, words)).status == 200);
        run_worker_once();
        const auto creates = stack().twilio_creates_to(phone);
        REQUIRE(creates.size() == 1);
        CHECK(creates[0]["form"]["Body"][0] ==
              "You're unsubscribed from Textus Demo texts and will get no more. Reply START to "
              "text with us again.");
        // Nobody texts it after that.
        check_error(call("POST", "/api/crm/sms/send", {{"to", phone}, {"body", "One more offer"}}),
                    409, "opted_out");
        run_worker_once();
        CHECK(creates_to(phone) == 1);
    }
}

TEST_CASE("Twilio's own keyword gets no confirmation of ours; a question is no opt-out",
          "[outbox][opt_out]") {
    const auto keyword = new_phone();
    texted_us(keyword);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), keyword, "STOP")).status == 200);
    const auto question = new_phone();
    const auto contact = texted_us(question);
    REQUIRE(
        post("/api/twilio/webhook", inbound(new_sid(), question, "Can I stop by at 5?")).status ==
        200);
    run_worker_once();
    CHECK(creates_to(keyword) == 0);  // Twilio confirms STOP itself
    CHECK(q("SELECT sms_opt_in FROM contacts WHERE phone = '" + keyword + "'") == "f");
    CHECK(creates_to(question) == 0);
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + question +
            "' AND kind = 'opt_out'") == "0");
    const auto sent =
        call("POST", "/api/crm/sms/send", {{"to", question}, {"body", "Sure, see you"}});
    INFO(sent.body);
    CHECK(sent.status == 201);
}

TEST_CASE("a campaign skips a number that wrote \"Stop.\"", "[outbox][opt_out]") {
    const auto tag = "optout-" + new_sid().substr(26);
    const auto phone = new_phone();
    REQUIRE(call("POST", "/api/crm/contacts",
                 {{"firstName", "Ola"},
                  {"lastName", "Lee"},
                  {"phone", phone},
                  {"tags", {tag}},
                  {"smsOptIn", true}})
                .status == 201);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "Stop.")).status == 200);
    const auto created =
        call("POST", "/api/crm/sms/campaigns",
             {{"name", "Release"}, {"body", "New release Friday."}, {"filter", {{"tags", {tag}}}}});
    REQUIRE(created.status == 201);
    run_worker_once("QUIET_HOURS=off CAMPAIGN_RATE=unlimited");
    // The confirmation only.
    CHECK(creates_to(phone) == 1);
    CHECK(q("SELECT skip_reason FROM campaign_recipients WHERE campaign_id = " +
            created.json()["campaign"]["id"].dump()) == "opted_out");
}

TEST_CASE("a longer text with a stop word waits for staff; automated sends skip it meanwhile",
          "[outbox][opt_out]") {
    const auto tag = "maybe-" + new_sid().substr(26);
    const auto phone = new_phone();
    const auto created_contact = call("POST", "/api/crm/contacts",
                                      {{"firstName", "Mae"},
                                       {"lastName", "Lee"},
                                       {"phone", phone},
                                       {"tags", {tag}},
                                       {"smsOptIn", true}});
    REQUIRE(created_contact.status == 201);
    const auto id = created_contact.json()["contact"]["id"].dump();
    const auto contact_path = "/api/crm/contacts/" + id;
    const auto review_path = contact_path + "/possible-opt-out";
    const auto text_maybe = [&](const std::string& words) {
        const auto sid = new_sid();
        REQUIRE(post("/api/twilio/webhook", inbound(sid, phone, words)).status == 200);
        return std::stoll(q("SELECT id FROM messages WHERE sid = '" + sid + "'"));
    };
    const auto first =
        text_maybe("Love the Malbec, but please stop the texts after Friday's event");
    auto contact = call("GET", contact_path).json()["contact"];
    CHECK(contact["possibleOptOutMessageId"] == first);
    CHECK(contact["smsOptIn"] == true);  // neither obeyed nor ignored: staff decide
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + phone +
            "' AND kind = 'opt_out'") == "0");

    // A campaign and a scheduled send skip the contact; staff writing to them themselves may.
    const auto campaign = call(
        "POST", "/api/crm/sms/campaigns",
        {{"name", "Friday"}, {"body", "Friday's event: 6 pm."}, {"filter", {{"tags", {tag}}}}});
    REQUIRE(campaign.status == 201);
    const auto scheduled = call("POST", "/api/crm/sms/send",
                                {{"contactId", std::stoll(id)},
                                 {"body", "Reminder: Friday"},
                                 {"sendAt", q("SELECT to_char(now() AT TIME ZONE 'UTC' + interval"
                                              " '1 hour', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")}});
    REQUIRE(scheduled.status == 201);
    const auto scheduled_id = scheduled.json()["scheduled"]["id"].dump();
    q("UPDATE scheduled_sends SET send_at = now() - interval '1 second' WHERE id = " +
      scheduled_id + " RETURNING 1");
    run_worker_once("QUIET_HOURS=off CAMPAIGN_RATE=unlimited");
    CHECK(creates_to(phone) == 0);
    const auto campaign_id = campaign.json()["campaign"]["id"].dump();
    CHECK(q("SELECT skip_reason FROM campaign_recipients WHERE campaign_id = " + campaign_id) ==
          "possible_opt_out");
    CHECK(call("GET", "/api/crm/sms/campaigns/" + campaign_id)
              .json()["campaign"]["progress"]["skippedReasons"]["possibleOptOut"] == 1);
    CHECK(q("SELECT status || ' ' || (error->>'code') FROM scheduled_sends WHERE id = " +
            scheduled_id) == "failed possible_opt_out");
    REQUIRE(call("POST", "/api/crm/sms/send", {{"contactId", std::stoll(id)}, {"body", "Noted!"}})
                .status == 201);

    // Staff decide on the text they saw, and only while it waits.
    check_error(call("POST", review_path, {{"messageId", first}, {"decision", "maybe"}}), 400,
                "invalid_field", "decision");
    check_error(call("POST", review_path, {{"decision", "dismiss"}}), 400, "invalid_field",
                "messageId");
    check_error(call("POST", review_path, {{"messageId", first + 1}, {"decision", "opt_out"}}), 409,
                "not_pending", "messageId");
    const auto dismissed =
        call("POST", review_path, {{"messageId", first}, {"decision", "dismiss"}});
    REQUIRE(dismissed.status == 200);
    CHECK(dismissed.json()["contact"]["possibleOptOutMessageId"].is_null());
    CHECK(dismissed.json()["contact"]["smsOptIn"] == true);
    check_error(call("POST", review_path, {{"messageId", first}, {"decision", "opt_out"}}), 409,
                "not_pending", "messageId");

    // A second such text, confirmed: opted out, in the log with the text, one confirmation.
    const auto second = text_maybe("I said please stop sending these, I moved to Ohio anyway");
    const auto confirmed =
        call("POST", review_path, {{"messageId", second}, {"decision", "opt_out"}});
    REQUIRE(confirmed.status == 200);
    CHECK(confirmed.json()["contact"]["smsOptIn"] == false);
    CHECK(confirmed.json()["contact"]["possibleOptOutMessageId"].is_null());
    CHECK(q("SELECT kind || '|' || source || '|' || detail FROM consent_events WHERE phone = '" +
            phone + "' ORDER BY id DESC LIMIT 1") ==
          "opt_out|staff|I said please stop sending these, I moved to Ohio anyway");
    const auto before = creates_to(phone);
    run_worker_once();
    const auto creates = stack().twilio_creates_to(phone);
    REQUIRE(creates.size() == before + 1);
    CHECK(creates.back()["form"]["Body"][0].get<std::string>().starts_with("You're unsubscribed"));
    check_error(call("POST", "/api/crm/sms/send", {{"contactId", std::stoll(id)}, {"body", "Hi"}}),
                409, "opted_out");

    // START settles a waiting text as well.
    text_maybe("start");
    text_maybe("Never mind, please don't stop, just fewer texts after the holidays please");
    CHECK(call("GET", contact_path).json()["contact"]["possibleOptOutMessageId"].is_number());
    text_maybe("START");
    CHECK(call("GET", contact_path).json()["contact"]["possibleOptOutMessageId"].is_null());
}

TEST_CASE("Twilio unavailable to the worker: its text waits and goes once Twilio is back",
          "[outbox][opt_out]") {
    const auto phone = new_phone();
    texted_us(phone);
    // Twilio rate-limits every create to the number, past the client's retries: known unsent.
    stack().twilio_sim("POST", "/sim/fail", {{"to", phone}, {"status", 429}, {"code", 20429}});
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "remove me")).status == 200);
    run_worker_once();
    const auto row = "messages WHERE to_number = '" + phone + "' AND sent_by = 'opt-out'";
    // Not failed: the opt-out's confirmation must go, and nobody is there to press Retry.
    CHECK(q("SELECT status || ' ' || (sid IS NULL) || ' ' || (send_error->>'code') FROM " + row) ==
          "queued true twilio_unavailable");
    stack().twilio_sim("DELETE", "/sim/fail");
    // Once the lease runs out the worker finds no such message at Twilio and sends it again.
    q("UPDATE messages SET owner_until = now() - interval '1 second' WHERE id = (SELECT id FROM " +
      row + ") RETURNING 1");
    run_worker_once();
    CHECK(q("SELECT status <> 'failed' AND sid IS NOT NULL FROM " + row) == "t");
    CHECK(q("SELECT count(*) FROM " + row) == "1");
}
