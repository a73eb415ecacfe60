// Scheduled sends through nginx and `textus-admin run-due`, the real program, against the
// stack's Twilio simulator: nothing goes before its time, a due send goes once however many
// workers run, a canceled one never goes, and the send rules are decided again when it goes.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

// An opted-in contact staff created: its id.
int64_t opted_in(const std::string& phone, const std::string& first_name = "Ann") {
    const auto reply = call(
        "POST", "/api/crm/contacts",
        {{"firstName", first_name}, {"lastName", "Lee"}, {"phone", phone}, {"smsOptIn", true}});
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    return reply.json()["contact"]["id"].get<int64_t>();
}

// A send scheduled an hour ahead: its id.
int64_t schedule(const json& send) {
    auto body = send;
    body["sendAt"] =
        q("SELECT to_char(now() AT TIME ZONE 'UTC' + interval '1 hour',"
          " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    const auto reply = call("POST", "/api/crm/sms/send", body);
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    CHECK(reply.json()["scheduled"]["status"] == "scheduled");
    return reply.json()["scheduled"]["id"].get<int64_t>();
}

// Its time has come.
void make_due(int64_t id) {
    q("UPDATE scheduled_sends SET send_at = now() - interval '1 second' WHERE id = " +
      std::to_string(id));
}

std::string status_of(int64_t id) {
    return q("SELECT status FROM scheduled_sends WHERE id = " + std::to_string(id));
}

CommandResult run_due() {
    return run(run_due_command() + " 2>&1");
}

}  // namespace

TEST_CASE("a scheduled send waits for its time, then goes once however many workers run",
          "[scheduled]") {
    const auto phone = new_phone();
    const auto contact = opted_in(phone);
    const auto id = schedule({{"contactId", contact}, {"body", "Your table is ready at 7."}});
    const auto early = run_due();
    INFO(early.output);
    CHECK(early.exit_code == 0);
    CHECK(status_of(id) == "scheduled");
    CHECK(stack().twilio_creates_to(phone).empty());

    make_due(id);
    // Two workers at once, as two hosts' timers would run them.
    const auto both = run("(" + run_due_command() + " >/dev/null 2>&1 & " + run_due_command() +
                          " >/dev/null 2>&1 & wait)");
    CHECK(status_of(id) == "sent");
    const auto creates = stack().twilio_creates_to(phone);
    REQUIRE(creates.size() == 1);
    CHECK(
        creates[0]["form"]["Body"][0].get<std::string>().starts_with("Your table is ready at 7."));
    const auto message =
        q("SELECT message_id FROM scheduled_sends WHERE id = " + std::to_string(id));
    CHECK(q("SELECT sent_by FROM messages WHERE id = " + message) != "");
    CHECK(q("SELECT idempotency_key FROM messages WHERE id = " + message) ==
          "scheduled-" + std::to_string(id));
    // Nothing more is due: a third run sends nothing.
    CHECK(run_due().output.find("sent 0, failed 0") != std::string::npos);
    CHECK(stack().twilio_creates_to(phone).size() == 1);
}

TEST_CASE("a canceled send never goes; only a scheduled one can be canceled", "[scheduled]") {
    const auto phone = new_phone();
    const auto id = schedule({{"contactId", opted_in(phone)}, {"body", "Reminder"}});
    const auto canceled = call("DELETE", "/api/crm/sms/scheduled/" + std::to_string(id));
    REQUIRE(canceled.status == 200);
    CHECK(canceled.json()["scheduled"]["status"] == "canceled");
    make_due(id);
    run_due();
    CHECK(status_of(id) == "canceled");
    CHECK(stack().twilio_creates_to(phone).empty());
    check_error(call("DELETE", "/api/crm/sms/scheduled/" + std::to_string(id)), 409,
                "not_cancelable", "");
    check_error(call("DELETE", "/api/crm/sms/scheduled/999999999"), 404, "not_found", "");

    const auto listed = call("GET", "/api/crm/sms/scheduled?status=canceled");
    bool found = false;
    for (const auto& s : listed.json()["scheduled"]) found = found || s["id"] == id;
    CHECK(found);
    check_error(call("GET", "/api/crm/sms/scheduled?status=later"), 400, "invalid_parameter",
                "status");
}

TEST_CASE("a send is scheduled only for a time ahead, to whom it may go, and changes nothing else",
          "[scheduled]") {
    const auto phone = new_phone();
    const auto contact = opted_in(phone);
    const auto before = q("SELECT count(*) FROM scheduled_sends");
    const auto at = [&](const std::string& sql) {
        return q("SELECT to_char((" + sql +
                 ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    };
    const json send{{"contactId", contact}, {"body", "Hello"}};
    auto with = [&](const json& at_value) {
        auto body = send;
        body["sendAt"] = at_value;
        return call("POST", "/api/crm/sms/send", body);
    };
    check_error(with(at("now() - interval '1 minute'")), 400, "invalid_field", "sendAt");
    check_error(with(at("now() + interval '1 year 1 day'")), 400, "invalid_field", "sendAt");
    check_error(with("2026-12-01 10:00"), 400, "invalid_field", "sendAt");
    check_error(with("2026-12-01T10:00:00"), 400, "invalid_field", "sendAt");  // no offset
    check_error(with(5), 400, "invalid_field", "sendAt");
    auto opt_in = send;
    opt_in.erase("body");
    opt_in["optInRequest"] = true;
    opt_in["sendAt"] = at("now() + interval '1 hour'");
    check_error(call("POST", "/api/crm/sms/send", opt_in), 400, "invalid_field", "sendAt");
    // Never opted in: refused now, as a send now would be.
    const auto stranger = call("POST", "/api/crm/contacts",
                               {{"firstName", "Bo"}, {"lastName", "Ek"}, {"phone", new_phone()}});
    REQUIRE(stranger.status == 201);
    auto refused = send;
    refused["contactId"] = stranger.json()["contact"]["id"];
    refused["sendAt"] = at("now() + interval '1 hour'");
    check_error(call("POST", "/api/crm/sms/send", refused), 403, "no_consent", "");
    CHECK(q("SELECT count(*) FROM scheduled_sends") == before);

    // An offset is honoured: 10:00-07:00 is 17:00 UTC.
    const auto tomorrow = q("SELECT to_char(now() + interval '2 days', 'YYYY-MM-DD')");
    const auto offset = with(tomorrow + "T10:00:00-07:00");
    REQUIRE(offset.status == 201);
    CHECK(offset.json()["scheduled"]["sendAt"] == tomorrow + "T17:00:00.000Z");
    call("DELETE", "/api/crm/sms/scheduled/" +
                       std::to_string(offset.json()["scheduled"]["id"].get<int64_t>()));
}

TEST_CASE("the same Idempotency-Key schedules once", "[scheduled]") {
    const auto contact = opted_in(new_phone());
    const auto when =
        q("SELECT to_char(now() AT TIME ZONE 'UTC' + interval '1 hour',"
          " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    const json body{{"contactId", contact}, {"body", "Once"}, {"sendAt", when}};
    const std::vector<std::pair<std::string, std::string>> key{
        {"Idempotency-Key", "sched-" + new_sid("K")}};
    const auto first = call("POST", "/api/crm/sms/send", body, key);
    const auto second = call("POST", "/api/crm/sms/send", body, key);
    REQUIRE(first.status == 201);
    REQUIRE(second.status == 201);
    CHECK(first.json()["scheduled"]["id"] == second.json()["scheduled"]["id"]);
    auto other = body;
    other["body"] = "Twice";
    check_error(call("POST", "/api/crm/sms/send", other, key), 422, "idempotency_key_reused",
                "Idempotency-Key");
}

TEST_CASE("when it goes, a scheduled send is decided again: a STOP since wins, names are current",
          "[scheduled]") {
    const auto phone = new_phone();
    const auto contact = opted_in(phone, "Ann");
    const auto stopped = schedule({{"contactId", contact}, {"body", "Sale this weekend"}});
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "STOP")).status == 200);
    make_due(stopped);
    run_due();
    CHECK(status_of(stopped) == "failed");
    CHECK(q("SELECT error->>'code' FROM scheduled_sends WHERE id = " + std::to_string(stopped)) ==
          "opted_out");
    CHECK(stack().twilio_creates_to(phone).empty());

    // A template renders with the contact's names as they are when it goes.
    const auto other_phone = new_phone();
    const auto other = opted_in(other_phone, "Ann");
    const auto t = call("POST", "/api/crm/sms/templates",
                        {{"name", "Scheduled " + new_sid("T").substr(0, 12)},
                         {"body", "Hi {firstName}, see you soon."}});
    REQUIRE(t.status == 201);
    const auto templated =
        schedule({{"contactId", other}, {"templateId", t.json()["template"]["id"]}});
    REQUIRE(call("PATCH", "/api/crm/contacts/" + std::to_string(other), {{"firstName", "Annie"}})
                .status == 200);
    make_due(templated);
    const auto ran = run_due();
    INFO(ran.output);
    CHECK(status_of(templated) == "sent");
    const auto creates = stack().twilio_creates_to(other_phone);
    REQUIRE(creates.size() == 1);
    CHECK(creates[0]["form"]["Body"][0].get<std::string>().starts_with("Hi Annie, see you soon."));
}

TEST_CASE("ten due sends and two workers: each goes exactly once", "[scheduled]") {
    std::vector<std::string> phones;
    for (int i = 0; i < 10; ++i) {
        phones.push_back(new_phone());
        make_due(schedule({{"contactId", opted_in(phones.back())}, {"body", "Batch"}}));
    }
    run("(" + run_due_command() + " >/dev/null 2>&1 & " + run_due_command() +
        " >/dev/null 2>&1 & wait)");
    for (const auto& phone : phones) {
        INFO(phone);
        CHECK(stack().twilio_creates_to(phone).size() == 1);
    }
}

TEST_CASE("a worker that died mid-send is taken over without a second send", "[scheduled]") {
    // Died after Twilio accepted the message, before it marked the send: the next worker finds
    // the message by its Idempotency-Key and only records it.
    const auto phone = new_phone();
    const auto id = schedule({{"contactId", opted_in(phone)}, {"body", "Once only"}});
    make_due(id);
    run_due();
    REQUIRE(status_of(id) == "sent");
    q("UPDATE scheduled_sends SET status = 'sending', message_id = NULL,"
      " claimed_until = now() - interval '1 second' WHERE id = " +
      std::to_string(id));
    run_due();
    CHECK(status_of(id) == "sent");
    CHECK(q("SELECT message_id IS NOT NULL FROM scheduled_sends WHERE id = " +
            std::to_string(id)) == "t");
    CHECK(stack().twilio_creates_to(phone).size() == 1);

    // Died before it called Twilio: the claim runs out and the send goes, once.
    const auto other_phone = new_phone();
    const auto other = schedule({{"contactId", opted_in(other_phone)}, {"body", "Late but sent"}});
    q("UPDATE scheduled_sends SET status = 'sending', claimed_until = now() + interval '1 hour'"
      " WHERE id = " +
      std::to_string(other));
    run_due();  // still claimed by the dead worker: left alone
    CHECK(stack().twilio_creates_to(other_phone).empty());
    q("UPDATE scheduled_sends SET claimed_until = now() - interval '1 second' WHERE id = " +
      std::to_string(other));
    run_due();
    CHECK(status_of(other) == "sent");
    CHECK(stack().twilio_creates_to(other_phone).size() == 1);
}

TEST_CASE("a send due in its recipient's quiet hours waits until they end", "[scheduled]") {
    // A window from an hour ago to an hour ahead in the recipient's zone (a 760 number:
    // California), so that now is inside it whatever the time of the test.
    const auto phone = new_phone();
    const auto id = schedule({{"contactId", opted_in(phone)}, {"body", "Not at night"}});
    make_due(id);
    const auto window =
        q("SELECT to_char(now() AT TIME ZONE 'America/Los_Angeles'"
          " - interval '1 hour', 'HH24:MI') || '-' ||"
          " to_char(now() AT TIME ZONE 'America/Los_Angeles'"
          " + interval '1 hour', 'HH24:MI')");
    const auto held = run(run_due_command("QUIET_HOURS=" + window) + " 2>&1");
    INFO(window << ": " << held.output);
    CHECK(held.output.find("held for quiet hours 1") != std::string::npos);
    CHECK(status_of(id) == "scheduled");
    CHECK(stack().twilio_creates_to(phone).empty());
    // It waits for the window's end: an hour from now, to the minute.
    const auto wait =
        q("SELECT extract(epoch FROM send_at - now())::int FROM scheduled_sends"
          " WHERE id = " +
          std::to_string(id));
    CHECK(std::stoi(wait) > 58 * 60);
    CHECK(std::stoi(wait) <= 60 * 60);

    make_due(id);
    const auto sent = run(run_due_command("QUIET_HOURS=off") + " 2>&1");
    INFO(sent.output);
    CHECK(status_of(id) == "sent");
    CHECK(stack().twilio_creates_to(phone).size() == 1);
}

TEST_CASE("a scheduled send to a number of no country is left to a person while quiet hours hold",
          "[scheduled]") {
    const auto satellite = "+88163" + new_phone().substr(8) + "567";
    const auto id = schedule({{"contactId", opted_in(satellite)}, {"body", "Your order shipped."}});
    make_due(id);
    const auto ran = run(run_due_command("QUIET_HOURS=21:00-08:00") + " 2>&1");
    INFO(ran.output);
    CHECK(status_of(id) == "failed");
    CHECK(q("SELECT error->>'code' FROM scheduled_sends WHERE id = " + std::to_string(id)) ==
          "no_time_zone");
    CHECK(stack().twilio_creates_to(satellite).empty());
}
