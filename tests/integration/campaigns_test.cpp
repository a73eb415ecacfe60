// Campaigns through nginx and `textus-admin run-due`, the real program, against the stack's
// Twilio simulator: recipients resolved once, each sent through the send rules or skipped with
// the reason, paced, paused and resumed, and bad input changing nothing.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

json sim(const std::string& method, const std::string& path, const json& body = nullptr) {
    return stack().twilio_sim(method, path, body);
}

// A contact with `tag`: its id. Opted in unless `opt_in` is false.
int64_t contact(const std::string& phone, const std::string& tag, const std::string& first_name,
                bool opt_in = true) {
    const auto reply = call("POST", "/api/crm/contacts",
                            {{"firstName", first_name},
                             {"lastName", "Lee"},
                             {"phone", phone},
                             {"tags", {tag}},
                             {"smsOptIn", opt_in}});
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    return reply.json()["contact"]["id"].get<int64_t>();
}

// A tag no other test's contacts have.
std::string new_tag() {
    return "campaign-" + new_sid().substr(26);
}

json create(const json& body,
            const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    const auto reply = call("POST", "/api/crm/sms/campaigns", body, headers);
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    return reply.json()["campaign"];
}

json show(int64_t id) {
    const auto reply = call("GET", "/api/crm/sms/campaigns/" + std::to_string(id));
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    return reply.json()["campaign"];
}

CommandResult run_due(const std::string& settings = "QUIET_HOURS=off CAMPAIGN_RATE=unlimited",
                      const std::string& flags = "") {
    const auto result = run(run_due_command(settings) + flags + " 2>&1");
    INFO(result.output);
    CHECK(result.exit_code == 0);
    return result;
}

std::string count(const std::string& sql) {
    return q("SELECT count(*) FROM " + sql);
}

}  // namespace

TEST_CASE("a campaign to 50 contacts, 5 opted out and 3 never opted in, sends 42 and skips 8",
          "[campaigns]") {
    const auto tag = new_tag();
    std::vector<std::string> sendable, opted_out, not_opted_in;
    for (int i = 0; i < 50; ++i) {
        const auto phone = new_phone();
        const auto name = "Guest" + std::to_string(i);
        if (i < 5) {
            contact(phone, tag, name);
            REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "STOP")).status == 200);
            opted_out.push_back(phone);
        } else if (i < 8) {
            contact(phone, tag, name, false);
            not_opted_in.push_back(phone);
        } else {
            contact(phone, tag, name);
            sendable.push_back(phone);
        }
    }
    const auto campaign = create({{"name", "Wine club pick-up"},
                                  {"body", "Hi {firstName}, your wine club pick-up is ready."},
                                  {"filter", {{"tags", {tag}}}}});
    const auto id = campaign["id"].get<int64_t>();
    CHECK(campaign["status"] == "sending");
    CHECK(campaign["progress"]["recipients"] == 50);
    CHECK(campaign["progress"]["queued"] == 50);

    // Resolved once: a contact tagged after the campaign was created is not in it.
    const auto late = new_phone();
    contact(late, tag, "Late");

    const auto result = run_due();
    CHECK(result.output.find("campaigns: sent 42, failed 0, skipped 8") != std::string::npos);
    for (size_t i = 0; i < sendable.size(); ++i) {
        const auto creates = stack().twilio_creates_to(sendable[i]);
        REQUIRE(creates.size() == 1);
        CHECK(creates[0]["form"]["Body"][0].get<std::string>().starts_with(
            "Hi Guest" + std::to_string(i + 8) + ", your wine club pick-up is ready."));
    }
    for (const auto& phone : opted_out) CHECK(stack().twilio_creates_to(phone).empty());
    for (const auto& phone : not_opted_in) CHECK(stack().twilio_creates_to(phone).empty());
    CHECK(stack().twilio_creates_to(late).empty());

    const auto done = show(id);
    INFO(done.dump());
    const auto& progress = done["progress"];
    CHECK(done["status"] == "completed");
    CHECK(progress["queued"] == 0);
    CHECK(progress["skipped"] == 8);
    CHECK(progress["skippedReasons"]["optedOut"] == 5);
    CHECK(progress["skippedReasons"]["notOptedIn"] == 3);
    CHECK(progress["failed"] == 0);
    CHECK(progress["sending"].get<int>() + progress["sent"].get<int>() +
              progress["delivered"].get<int>() ==
          42);
    // Sent as by the person whose key created the campaign (deploy/up's local owner).
    CHECK(q("SELECT count(DISTINCT sent_by) = 1 AND min(sent_by) = 'Local owner' FROM messages m"
            " JOIN campaign_recipients r ON r.message_id = m.id WHERE r.campaign_id = " +
            std::to_string(id)) == "t");

    const auto skipped =
        call("GET", "/api/crm/sms/campaigns/" + std::to_string(id) + "/recipients?status=skipped");
    REQUIRE(skipped.status == 200);
    const auto rows = skipped.json()["recipients"];
    REQUIRE(rows.size() == 8);
    for (const auto& row : rows) {
        const auto phone = row["phone"].get<std::string>();
        const bool out = std::find(opted_out.begin(), opted_out.end(), phone) != opted_out.end();
        CHECK(row["skipReason"] == (out ? "opted_out" : "not_opted_in"));
    }

    // Everything had its turn: another run sends nothing more.
    CHECK(run_due().output.find("campaigns: sent 0, failed 0, skipped 0") != std::string::npos);

    // A reply and a STOP after the campaign are counted.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), sendable[0], "See you Friday")).status ==
            200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), sendable[1], "STOP")).status == 200);
    CHECK(show(id)["progress"]["replies"] == 2);
    CHECK(show(id)["progress"]["optOuts"] == 1);
}

TEST_CASE("run-due takes 1 to 32 senders", "[campaigns]") {
    for (const auto* flags :
         {" --senders 0", " --senders 33", " --senders", " --senders x", " --retry-failed"}) {
        const auto result = run(run_due_command() + flags + " 2>&1");
        INFO(flags << ": " << result.output);
        CHECK(result.exit_code == 2);
        CHECK(result.output.find("usage:") != std::string::npos);
    }
    CHECK(run(run_due_command() + " --senders 32 --limit 1 2>&1").exit_code == 0);
}

TEST_CASE("campaign messages keep to CAMPAIGN_RATE across workers, and each goes once",
          "[campaigns]") {
    const auto tag = new_tag();
    std::vector<std::string> phones;
    for (int i = 0; i < 6; ++i) {
        phones.push_back(new_phone());
        contact(phones.back(), tag, "Pace");
    }
    create({{"name", "Open house"},
            {"body", "Open house Sunday 1-4."},
            {"filter", {{"tags", {tag}}}}});
    // Five a second: the first goes at once, the other five at least 0.2 s apart, whichever of
    // the two workers sends them.
    const auto command = run_due_command("QUIET_HOURS=off CAMPAIGN_RATE=5") + " >/dev/null 2>&1";
    const auto start = std::chrono::steady_clock::now();
    run("(" + command + " & " + command + " & wait)");
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(seconds >= 0.95);
    for (const auto& phone : phones) CHECK(stack().twilio_creates_to(phone).size() == 1);
}

TEST_CASE("a campaign message is committed as sending before Twilio is called", "[campaigns]") {
    const auto tag = new_tag();
    const auto phone = new_phone();
    const auto id = contact(phone, tag, "Cal");
    const auto campaign =
        create({{"name", "Slow Twilio"}, {"body", "Harvest party."}, {"contactIds", {id}}});
    const auto recipient = "campaign_recipients WHERE campaign_id = " + campaign["id"].dump();
    // Twilio takes 2 s to answer: meanwhile the database already holds the send.
    sim("POST", "/sim/fail", {{"count", 1}, {"delayMs", 2000}});
    run("(" + run_due_command("QUIET_HOURS=off") + " >/dev/null 2>&1 &)");
    for (int i = 0; i < 50 && count(recipient + " AND status = 'sending'") == "0"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(q("SELECT r.status || ' ' || m.status || ' ' || (m.sid IS NULL) FROM " +
            std::string("campaign_recipients r JOIN messages m ON m.id = r.message_id") +
            " WHERE r.campaign_id = " + campaign["id"].dump()) == "sending queued true");
    CHECK(show(campaign["id"])["progress"]["sending"] == 1);
    // Completed means no recipient waits; the one in flight is counted as sending until Twilio
    // answers (another sender may complete the campaign meanwhile).
    for (int i = 0; i < 300; ++i) {
        const auto now = show(campaign["id"]);
        if (now["status"] == "completed" && now["progress"]["sending"] == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(stack().twilio_creates_to(phone).size() == 1);
    CHECK(show(campaign["id"])["progress"]["sending"] == 0);
}

TEST_CASE("a number's own country keeps its quiet hours; one of no country is left to a person",
          "[campaigns]") {
    const auto tag = new_tag();
    const auto digits = new_phone().substr(8);      // four, unique in this run
    const auto lagos = "+234803" + digits + "123";  // Nigeria: in no zone table of ours
    const auto satellite = "+88163" + digits + "567";
    const auto california = new_phone();
    contact(lagos, tag, "Ade");
    contact(satellite, tag, "Sat");
    contact(california, tag, "Cal");
    const auto campaign =
        create({{"name", "Worldwide"}, {"body", "Harvest news."}, {"filter", {{"tags", {tag}}}}});
    // Quiet now in Lagos (UTC+1), not in California: New York's hours would not hold Lagos.
    const auto window =
        q("SELECT to_char(now() AT TIME ZONE 'Africa/Lagos' - interval '1 hour', 'HH24:MI') ||"
          " '-' || to_char(now() AT TIME ZONE 'Africa/Lagos' + interval '1 hour', 'HH24:MI')");
    const auto ran = run_due("QUIET_HOURS=" + window + " CAMPAIGN_RATE=unlimited");
    INFO(window << ": " << ran.output);
    CHECK(stack().twilio_creates_to(lagos).empty());
    CHECK(stack().twilio_creates_to(satellite).empty());
    CHECK(stack().twilio_creates_to(california).size() == 1);
    const auto progress = show(campaign["id"])["progress"];
    CHECK(progress["held"] == 1);
    CHECK(progress["skippedReasons"]["noTimeZone"] == 1);
    CHECK(q("SELECT skip_reason FROM campaign_recipients r JOIN contacts c ON c.id = r.contact_id"
            " WHERE c.phone = '" +
            satellite + "'") == "no_time_zone");
    // Without quiet hours there is no local time to keep: a person's own send goes.
    CHECK(
        call("POST", "/api/crm/sms/send", {{"to", satellite}, {"body", "Harvest news."}}).status ==
        201);
}

TEST_CASE("quiet hours hold a campaign's recipients in them, and the others go on", "[campaigns]") {
    const auto tag = new_tag();
    const auto california = new_phone();                  // San Diego's area code
    const auto hawaii = "+1808" + new_phone().substr(5);  // two hours behind
    contact(california, tag, "Cora");
    contact(hawaii, tag, "Hana");
    const auto campaign =
        create({{"name", "Evening"}, {"body", "Sunset tasting."}, {"filter", {{"tags", {tag}}}}});
    const auto id = campaign["id"].dump();
    // Quiet now in California, and not yet in Hawaii.
    const auto window =
        q("SELECT to_char(now() AT TIME ZONE 'America/Los_Angeles' - interval '1 hour',"
          " 'HH24:MI') || '-' || to_char(now() AT TIME ZONE 'America/Los_Angeles'"
          " + interval '1 hour', 'HH24:MI')");
    const auto held = run_due("QUIET_HOURS=" + window + " CAMPAIGN_RATE=unlimited");
    INFO(window << ": " << held.output);
    CHECK(stack().twilio_creates_to(california).empty());
    CHECK(stack().twilio_creates_to(hawaii).size() == 1);
    auto progress = show(campaign["id"])["progress"];
    CHECK(progress["queued"] == 1);
    CHECK(progress["held"] == 1);
    CHECK(q("SELECT extract(epoch FROM '" + progress["heldUntil"].get<std::string>() +
            "'::timestamptz - now())::int BETWEEN 58 * 60 AND 60 * 60") == "t");
    CHECK(show(campaign["id"])["status"] == "sending");
    // Without quiet hours it still waits for the time it was given.
    run_due();
    CHECK(stack().twilio_creates_to(california).empty());
    q("UPDATE campaign_recipients SET not_before = now() WHERE campaign_id = " + id);
    run_due();
    CHECK(stack().twilio_creates_to(california).size() == 1);
    const auto done = show(campaign["id"]);
    CHECK(done["status"] == "completed");
    CHECK(done["progress"]["held"] == 0);
    CHECK(done["progress"]["heldUntil"].is_null());

    // Its recipients, a page at a time: `next` only while there is more.
    const auto page = [&](const std::string& query) {
        const auto reply = call("GET", "/api/crm/sms/campaigns/" + id + "/recipients" + query);
        INFO(reply.body);
        REQUIRE(reply.status == 200);
        return reply.json();
    };
    const auto first = page("?limit=1");
    REQUIRE(first["recipients"].size() == 1);
    REQUIRE(first["next"].is_number());
    const auto second = page("?limit=1&after=" + first["next"].dump());
    REQUIRE(second["recipients"].size() == 1);
    CHECK(second["recipients"][0]["id"] != first["recipients"][0]["id"]);
    CHECK(second["next"].is_null());
    CHECK(page("?status=queued")["recipients"].empty());
    check_error(call("GET", "/api/crm/sms/campaigns/" + id + "/recipients?limit=501"), 400,
                "invalid_query", "limit");
    check_error(call("GET", "/api/crm/sms/campaigns/999999999/recipients"), 404, "not_found");
}

TEST_CASE("a paused campaign sends nothing until it is resumed; a completed one stays so",
          "[campaigns]") {
    const auto tag = new_tag();
    const auto phone = new_phone();
    const auto id = contact(phone, tag, "Pat");
    const auto campaign = create(
        {{"name", "Price drop"}, {"body", "Price drop on 12 Elm St."}, {"contactIds", {id}}});
    const auto cid = std::to_string(campaign["id"].get<int64_t>());
    const auto paused = call("POST", "/api/crm/sms/campaigns/" + cid + "/pause");
    REQUIRE(paused.status == 200);
    CHECK(paused.json()["campaign"]["status"] == "paused");
    // Pausing again changes nothing.
    CHECK(call("POST", "/api/crm/sms/campaigns/" + cid + "/pause").status == 200);
    run_due();
    CHECK(stack().twilio_creates_to(phone).empty());
    CHECK(show(campaign["id"])["progress"]["queued"] == 1);

    const auto resumed = call("POST", "/api/crm/sms/campaigns/" + cid + "/resume");
    REQUIRE(resumed.status == 200);
    CHECK(resumed.json()["campaign"]["status"] == "sending");
    run_due();
    CHECK(stack().twilio_creates_to(phone).size() == 1);
    CHECK(show(campaign["id"])["status"] == "completed");
    check_error(call("POST", "/api/crm/sms/campaigns/" + cid + "/pause"), 409,
                "campaign_completed");
    check_error(call("POST", "/api/crm/sms/campaigns/999999999/resume"), 404, "not_found");
    check_error(call("GET", "/api/crm/sms/campaigns/999999999"), 404, "not_found");
}

TEST_CASE("a campaign scheduled ahead waits for its time", "[campaigns]") {
    const auto tag = new_tag();
    const auto phone = new_phone();
    const auto id = contact(phone, tag, "Sam");
    const auto at =
        q("SELECT to_char(now() AT TIME ZONE 'UTC' + interval '1 hour',"
          " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    const auto campaign = create(
        {{"name", "Later"}, {"body", "Tomorrow's tasting."}, {"contactIds", {id}}, {"sendAt", at}});
    CHECK(campaign["status"] == "scheduled");
    run_due();
    CHECK(stack().twilio_creates_to(phone).empty());
    q("UPDATE campaigns SET send_at = now() WHERE id = " + campaign["id"].dump());
    run_due();
    CHECK(stack().twilio_creates_to(phone).size() == 1);
}

TEST_CASE(
    "Twilio failing pauses a campaign with the error; resumed, it sends the rest, and the "
    "text Twilio refused goes once the outbox tries it again",
    "[campaigns]") {
    const auto tag = new_tag();
    std::vector<std::string> phones;
    for (int i = 0; i < 3; ++i) {
        phones.push_back(new_phone());
        contact(phones.back(), tag, "Fay");
    }
    const auto campaign =
        create({{"name", "Outage"}, {"body", "Tasting room news."}, {"filter", {{"tags", {tag}}}}});
    // A 429 for each of the first recipient's three attempts (one sender: the first): refused,
    // so known to be unsent.
    sim("POST", "/sim/fail", {{"count", 3}, {"status", 429}, {"retryAfter", 0}});
    const auto result = run_due("QUIET_HOURS=off CAMPAIGN_RATE=unlimited", " --senders 1");
    sim("DELETE", "/sim/fail");
    CHECK(result.output.find("campaigns: sent 0, failed 1, skipped 0") != std::string::npos);
    auto paused = show(campaign["id"]);
    INFO(paused.dump());
    CHECK(paused["status"] == "paused");
    CHECK(paused["pausedError"]["code"] == "twilio_unavailable");
    // Its text is not lost: it waits, queued, for the outbox.
    CHECK(paused["progress"]["failed"] == 0);
    CHECK(paused["progress"]["sending"] == 1);
    CHECK(paused["progress"]["queued"] == 2);

    REQUIRE(call("POST", "/api/crm/sms/campaigns/" + campaign["id"].dump() + "/resume").status ==
            200);
    CHECK(run_due().output.find("campaigns: sent 2") != std::string::npos);
    auto done = show(campaign["id"]);
    CHECK(done["status"] == "completed");
    CHECK(done["pausedError"].is_null());
    CHECK(done["progress"]["sending"] == 1);
    // Once its lease runs out, the outbox finds it is not at Twilio and sends it: once.
    const auto waiting = "messages WHERE to_number = '" + phones[0] + "'";
    q("UPDATE messages SET owner_until = now() - interval '1 second' WHERE id = (SELECT id FROM " +
      waiting + ") RETURNING 1");
    run_due();
    done = show(campaign["id"]);
    CHECK(done["progress"]["failed"] == 0);
    CHECK(done["progress"]["sending"] == 0);
    CHECK(q("SELECT count(*) || ' ' || bool_and(sid IS NOT NULL) FROM " + waiting) == "1 true");
}

TEST_CASE("a campaign's text and recipients are those of its creation", "[campaigns]") {
    const auto tag = new_tag();
    const auto kept = new_phone();
    const auto gone = new_phone();
    contact(kept, tag, "Kim");
    const auto gone_id = contact(gone, tag, "Gil");
    const auto tmpl = call("POST", "/api/crm/sms/templates",
                           {{"name", "Campaign " + tag}, {"body", "New listing for {firstName}."}});
    REQUIRE(tmpl.status == 201);
    const auto template_id = tmpl.json()["template"]["id"].get<int64_t>();
    const auto campaign =
        create({{"name", "Listing"}, {"templateId", template_id}, {"filter", {{"tags", {tag}}}}});
    CHECK(campaign["body"] == "New listing for {firstName}.");
    // The template goes and a recipient's contact goes: the copy is sent, the contact skipped.
    REQUIRE(call("DELETE", "/api/crm/sms/templates/" + std::to_string(template_id)).status == 200);
    REQUIRE(call("DELETE", "/api/crm/contacts/" + std::to_string(gone_id)).status == 200);
    run_due();
    const auto creates = stack().twilio_creates_to(kept);
    REQUIRE(creates.size() == 1);
    CHECK(creates[0]["form"]["Body"][0].get<std::string>().starts_with("New listing for Kim."));
    const auto progress = show(campaign["id"])["progress"];
    CHECK(progress["skippedReasons"]["contactDeleted"] == 1);
}

TEST_CASE("a campaign with the same Idempotency-Key is created once", "[campaigns]") {
    const auto tag = new_tag();
    const auto id = contact(new_phone(), tag, "Ida");
    const json body{{"name", "Once"}, {"body", "Only once."}, {"contactIds", {id}}};
    const std::vector<std::pair<std::string, std::string>> key{{"Idempotency-Key", tag}};
    const auto first = create(body, key);
    const auto second = create(body, key);
    CHECK(first["id"] == second["id"]);
    CHECK(count("campaigns WHERE idempotency_key = '" + tag + "'") == "1");
    auto other = body;
    other["name"] = "Twice";
    check_error(call("POST", "/api/crm/sms/campaigns", other, key), 422, "idempotency_key_reused",
                "Idempotency-Key");
    REQUIRE(call("POST", "/api/crm/sms/campaigns/" + first["id"].dump() + "/pause").status == 200);

    // Parallel retries of one new key (a double click, a retrying proxy): one campaign.
    const std::vector<std::pair<std::string, std::string>> parallel_key{
        {"Idempotency-Key", tag + "-parallel"}};
    std::vector<json> answers(6);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < answers.size(); ++i) {
        threads.emplace_back([&, i] {
            const auto reply = call("POST", "/api/crm/sms/campaigns", body, parallel_key);
            answers[i] = {reply.status, reply.json()["campaign"]["id"]};
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& answer : answers) CHECK(answer == answers[0]);
    CHECK(answers[0][0] == 201);
    CHECK(count("campaigns WHERE idempotency_key = '" + tag + "-parallel'") == "1");
    CHECK(count("campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id WHERE"
                " c.idempotency_key = '" +
                tag + "-parallel'") == "1");
    REQUIRE(call("POST", "/api/crm/sms/campaigns/" + answers[0][1].dump() + "/pause").status ==
            200);
}

TEST_CASE("a preview renders the text one recipient would get, and why one would be skipped",
          "[campaigns]") {
    const auto tag = new_tag();
    const auto first = contact(new_phone(), tag, "Zoé");
    const auto out_phone = new_phone();
    const auto out = contact(out_phone, tag, "Otto");
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), out_phone, "STOP")).status == 200);
    const auto preview =
        call("POST", "/api/crm/sms/campaigns/preview",
             {{"body", "Hi {firstName}, the 2024 Syrah is in."}, {"filter", {{"tags", {tag}}}}});
    INFO(preview.body);
    REQUIRE(preview.status == 200);
    const auto p = preview.json();
    CHECK(p["recipients"] == 2);
    CHECK(p["preview"]["contactId"] == first);
    // The first text a number gets ends with the opt-out notice; "é" is GSM-7.
    CHECK(p["preview"]["body"].get<std::string>().starts_with("Hi Zoé, the 2024 Syrah is in."));
    CHECK(p["preview"]["body"].get<std::string>().find("STOP") != std::string::npos);
    CHECK(p["preview"]["encoding"] == "GSM-7");
    CHECK(p["preview"]["segments"] == 1);
    CHECK(p["preview"]["skipReason"].is_null());

    const auto other =
        call("POST", "/api/crm/sms/campaigns/preview",
             {{"body", "Hi {firstName} 🍷"}, {"filter", {{"tags", {tag}}}}, {"contactId", out}});
    REQUIRE(other.status == 200);
    CHECK(other.json()["preview"]["skipReason"] == "opted_out");
    CHECK(other.json()["preview"]["encoding"] == "UCS-2");
    check_error(call("POST", "/api/crm/sms/campaigns/preview",
                     {{"body", "Hi"}, {"filter", {{"tags", {tag}}}}, {"contactId", 999999999}}),
                400, "invalid_field", "contactId");
    CHECK(count("campaigns WHERE name = 'x'") == "0");
}

TEST_CASE("bad campaigns are refused naming the field and change nothing", "[campaigns]") {
    const auto tag = new_tag();
    const auto id = contact(new_phone(), tag, "Bo");
    const auto before = count("campaigns");
    const auto recipients_before = count("campaign_recipients");
    const json ok{{"name", "Fine"}, {"body", "Hello"}, {"contactIds", {id}}};
    const auto with = [&](const std::string& key, const json& value) {
        auto body = ok;
        if (value.is_null()) {
            body.erase(key);
        } else {
            body[key] = value;
        }
        return call("POST", "/api/crm/sms/campaigns", body);
    };
    check_error(with("name", nullptr), 400, "missing_field", "name");
    check_error(with("name", std::string(101, 'n')), 400, "invalid_field", "name");
    check_error(with("body", nullptr), 400, "missing_field", "body");
    check_error(with("body", "Hi {nickname}"), 400, "unknown_variable", "body");
    check_error(with("body", std::string("Hi\0there", 8)), 400, "invalid_field", "body");
    check_error(with("templateId", 1), 400, "invalid_field", "templateId");
    check_error(with("contactIds", nullptr), 400, "missing_field", "contactIds");
    check_error(with("contactIds", json::array()), 400, "invalid_field", "contactIds");
    check_error(with("contactIds", {id, "7"}), 400, "invalid_field", "contactIds");
    check_error(with("contactIds", {id, 999999999}), 400, "invalid_field", "contactIds");
    check_error(with("filter", {{"tags", {tag}}}), 400, "invalid_field", "filter");
    check_error(with("sendAt", "2020-01-01T00:00:00Z"), 400, "invalid_field", "sendAt");
    check_error(with("sendAt", "tomorrow"), 400, "invalid_field", "sendAt");
    check_error(with("sendAt", "2026-13-01T00:00:00+25:00"), 400, "invalid_field", "sendAt");

    const auto by_filter = [&](const json& filter) {
        return call("POST", "/api/crm/sms/campaigns",
                    {{"name", "Filter"}, {"body", "Hello"}, {"filter", filter}});
    };
    check_error(by_filter({{"status", "vip"}}), 400, "invalid_status", "filter.status");
    check_error(by_filter({{"optIn", "yes"}}), 400, "invalid_field", "filter.optIn");
    check_error(by_filter({{"city", "Napa"}}), 400, "invalid_field", "filter.city");
    check_error(by_filter({{"tags", {"no-such-tag-" + tag}}}), 400, "no_recipients", "filter");
    check_error(by_filter("tags"), 400, "invalid_field", "filter");
    check_error(call("POST", "/api/crm/sms/campaigns",
                     {{"name", "T"}, {"templateId", 999999999}, {"contactIds", {id}}}),
                404, "template_not_found", "templateId");
    check_error(call("GET", "/api/crm/sms/campaigns/1/recipients?status=lost"), 400,
                "invalid_parameter", "status");
    check_error(stack().request("POST", "/api/crm/sms/campaigns", "{\"name\": \"Cut"), 400,
                "invalid_json");
    check_error(stack().request("POST", "/api/crm/sms/campaigns", "[1, 2]"), 400, "invalid_json");
    check_error(stack().request("POST", "/api/crm/sms/campaigns", "name=x", "<staff>",
                                "application/x-www-form-urlencoded"),
                415, "unsupported_media_type");
    check_error(call("PUT", "/api/crm/sms/campaigns/1", ok), 405, "method_not_allowed");
    check_error(call("DELETE", "/api/crm/sms/campaigns"), 405, "method_not_allowed");
    CHECK(count("campaigns") == before);
    CHECK(count("campaign_recipients") == recipients_before);

    // Staff only: no key, or a wrong one, on every campaign route changes nothing.
    const auto campaign = create({{"name", "Keyed"}, {"body", "Hi"}, {"contactIds", {id}}});
    const auto cid = campaign["id"].dump();
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/api/crm/sms/campaigns"},
             {"POST", "/api/crm/sms/campaigns"},
             {"POST", "/api/crm/sms/campaigns/preview"},
             {"GET", "/api/crm/sms/campaigns/" + cid},
             {"GET", "/api/crm/sms/campaigns/" + cid + "/recipients"},
             {"POST", "/api/crm/sms/campaigns/" + cid + "/pause"},
             {"POST", "/api/crm/sms/campaigns/" + cid + "/resume"}}) {
        INFO(method << " " << path);
        for (const auto* key : {"", "tx_wrong"}) {
            check_error(stack().request(method, path, method == "POST" ? ok.dump() : "", key), 401,
                        "unauthorized");
        }
    }
    CHECK(show(campaign["id"])["status"] == "sending");
    CHECK(count("campaigns") == std::to_string(std::stoll(before) + 1));
    REQUIRE(call("POST", "/api/crm/sms/campaigns/" + cid + "/pause").status == 200);
}

TEST_CASE(
    "the campaign list reuses progress counted in the last seconds; one campaign counts afresh",
    "[campaigns]") {
    const auto tag = new_tag();
    std::vector<std::string> phones = {new_phone(), new_phone()};
    for (const auto& phone : phones) contact(phone, tag, "Lia");
    const auto campaign =
        create({{"name", "Counted"}, {"body", "Pick-up day."}, {"filter", {{"tags", {tag}}}}});
    const auto id = campaign["id"].get<int64_t>();
    const auto listed = [&] {
        const auto reply = call("GET", "/api/crm/sms/campaigns");
        REQUIRE(reply.status == 200);
        for (const auto& c : reply.json()["campaigns"]) {
            if (c["id"] == id) return c["progress"];
        }
        FAIL("campaign not listed");
        return json();
    };
    CHECK(listed()["queued"] == 2);
    run_due();
    // Counted a moment ago: the list gives those counts; the campaign's own page counts now.
    CHECK(listed()["queued"] == 2);
    CHECK(show(id)["progress"]["queued"] == 0);
    // A completed campaign's counts are kept for minutes; once older, the list counts again.
    CHECK(show(id)["status"] == "completed");
    const auto age = [&](const std::string& interval) {
        q("UPDATE campaign_progress SET computed_at = now() - interval '" + interval +
          "' WHERE campaign_id = " + std::to_string(id) + " RETURNING campaign_id");
    };
    age("1 minute");
    CHECK(listed()["queued"] == 2);
    age("6 minutes");
    const auto recounted = listed();
    CHECK(recounted["queued"] == 0);
    CHECK(recounted["recipients"] == 2);
    CHECK(recounted["sent"].get<int64_t>() + recounted["sending"].get<int64_t>() +
              recounted["delivered"].get<int64_t>() ==
          2);
}
