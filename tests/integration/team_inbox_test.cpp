// Working the conversations as a team (issue 27) through nginx, textus-send, textus-conversations,
// the webhook and the worker: a reply claims an unassigned conversation (two at once: one wins,
// both see it), the list filters by status and assignee with counts, PATCH assigns, closes and
// snoozes, an inbound text reopens, and a snooze ends on time.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/api.h"
#include "tests/integration/child.h"
#include "tests/integration/long_poll.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

// A person with a key of their own, which acts as them.
struct Member {
    int64_t id = 0;
    std::string name;
    std::string key;
};

Member new_member(const std::string& role = "agent") {
    static int n = 0;
    const auto name = "Member " + std::to_string(++n);
    const auto email =
        "member" + std::to_string(n) + "-" + std::to_string(stack().port) + "@example.com";
    REQUIRE(stack()
                .admin("create-user '" + email + "' --role " + role + " --name '" + name + "'")
                .exit_code == 0);
    const auto key = stack().admin("create-key 'key of " + email + "' --user '" + email + "'");
    REQUIRE(key.exit_code == 0);
    return {std::stoll(q("SELECT id FROM users WHERE email = '" + email + "'")), name,
            key.output.substr(0, key.output.find('\n'))};
}

// A key of nobody (an integration's) named `name`: it acts as the owner, and is no person.
Member key_of_nobody(const std::string& name) {
    const auto key = stack().admin("create-key '" + name + "'");
    REQUIRE(key.exit_code == 0);
    return {0, name, key.output.substr(0, key.output.find('\n'))};
}

Reply as(const Member& member, const std::string& method, const std::string& path,
         const json& body = nullptr) {
    return stack().request(method, path, body.is_null() ? "" : body.dump(), member.key);
}

// An opted-in contact who has texted us: its id.
int64_t texted_us(const std::string& body = "Do you have the 2022 reserve?") {
    const auto phone = new_phone();
    const auto made =
        call("POST", "/api/crm/contacts",
             {{"firstName", "Team"}, {"lastName", "Inbox"}, {"phone", phone}, {"smsOptIn", true}});
    REQUIRE(made.status == 201);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, body)).status == 200);
    return made.json()["contact"]["id"].get<int64_t>();
}

void text_again(int64_t contact) {
    const auto phone = q("SELECT phone FROM contacts WHERE id = " + std::to_string(contact));
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "Hello again")).status == 200);
}

Reply reply_to(const Member& member, int64_t contact, const std::string& body = "Yes, we do.") {
    return as(member, "POST", "/api/crm/sms/send", {{"contactId", contact}, {"body", body}});
}

// The conversation of `contact` as `member`'s list shows it with `filters`; null when absent.
json listed(const Member& member, int64_t contact, const std::string& filters = "") {
    const auto reply = as(member, "GET", "/api/crm/sms/conversations?limit=100" + filters);
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    for (const auto& c : reply.json()["conversations"]) {
        if (c["contact"]["id"] == contact) return c;
    }
    return nullptr;
}

json counts(const Member& member) {
    const auto reply = as(member, "GET", "/api/crm/sms/conversations?limit=1");
    REQUIRE(reply.status == 200);
    return reply.json()["counts"];
}

std::string state_of(int64_t contact) {
    return q(
        "SELECT conversation_status || '|' || coalesce(assignee_id::text, '') || '|' ||"
        " coalesce((snoozed_until > now())::text, '') FROM contacts WHERE id = " +
        std::to_string(contact));
}

Reply change(const Member& member, int64_t contact, const json& body) {
    return as(member, "PATCH", "/api/crm/sms/conversations/" + std::to_string(contact), body);
}

// An RFC 3339 time `interval` from the database's now.
std::string from_now(const std::string& interval) {
    return q("SELECT to_char((now() + interval '" + interval +
             "') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
}

bool heard(int64_t contact, const std::string& status, const std::string& assignee_name = "") {
    return poll_until(
               "/api/poll/staff?" + signed_query(unix_now() + 60, "staff"),
               [&](const json& e) {
                   if (e["type"] != "conversation") return false;
                   const auto& c = e["conversation"];
                   return c["contactId"] == contact && c["status"] == status &&
                          (assignee_name.empty() ||
                           (c["assignee"].is_object() && c["assignee"]["name"] == assignee_name));
               })
        .has_value();
}

}  // namespace

TEST_CASE(
    "a reply takes an unassigned conversation; the list filters by status and assignee, "
    "with counts",
    "[team]") {
    const auto ann = new_member(), bob = new_member();
    const auto contact = texted_us();
    const auto fresh = listed(ann, contact, "&assignee=none&status=open");
    REQUIRE(fresh.is_object());
    CHECK(fresh["status"] == "open");
    CHECK(fresh["assignee"] == nullptr);
    CHECK(fresh["snoozedUntil"] == nullptr);
    CHECK(counts(ann)["open"]["mine"] == 0);
    const auto unassigned_before = counts(ann)["open"]["unassigned"].get<int64_t>();

    const auto sent = reply_to(ann, contact);
    INFO(sent.body);
    REQUIRE(sent.status == 201);
    CHECK(sent.json()["message"]["sentBy"] == ann.name);
    const auto mine = as(ann, "GET", "/api/crm/sms/conversations?assignee=me");
    REQUIRE(mine.status == 200);
    REQUIRE(mine.json()["conversations"].size() == 1);
    CHECK(mine.json()["conversations"][0]["contact"]["id"] == contact);
    CHECK(mine.json()["conversations"][0]["assignee"] == json{{"id", ann.id}, {"name", ann.name}});
    CHECK(mine.json()["pagination"]["total"] == 1);
    CHECK(mine.json()["counts"]["open"]["mine"] == 1);
    CHECK(mine.json()["counts"]["open"]["unassigned"] == unassigned_before - 1);
    CHECK(listed(ann, contact, "&assignee=none").is_null());

    // Someone else's reply leaves it with Ann.
    REQUIRE(reply_to(bob, contact, "And the 2021.").status == 201);
    CHECK(listed(bob, contact)["assignee"]["id"] == ann.id);
    CHECK(as(bob, "GET", "/api/crm/sms/conversations?assignee=me").json()["conversations"].empty());
    CHECK(listed(bob, contact, "&assignee=" + std::to_string(ann.id)).is_object());
    CHECK(listed(bob, contact, "&assignee=" + std::to_string(bob.id)).is_null());
    CHECK(listed(bob, contact, "&status=closed").is_null());
    // Counts come with a first page, not with a search or a later page.
    CHECK(as(ann, "GET", "/api/crm/sms/conversations?search=reserve").json()["counts"].is_null());
    CHECK(as(ann, "GET", "/api/crm/sms/conversations?skip=1").json()["counts"].is_null());
    // A search keeps to the view.
    CHECK(listed(ann, contact, "&assignee=me&search=reserve").is_object());
    CHECK(listed(ann, contact, "&assignee=none&search=reserve").is_null());

    // A key of nobody (an integration's) replies without taking anything.
    const auto nobody = key_of_nobody("integration " + ann.name);
    const auto other = texted_us();
    REQUIRE(reply_to(nobody, other).status == 201);
    CHECK(state_of(other) == "open||");
    CHECK(counts(nobody)["open"]["mine"] == 0);

    check_error(as(ann, "GET", "/api/crm/sms/conversations?status=resolved"), 400, "invalid_query",
                "status");
    check_error(as(ann, "GET", "/api/crm/sms/conversations?assignee=ann"), 400, "invalid_query",
                "assignee");
}

TEST_CASE("two agents replying at once to an unassigned conversation: one takes it, both see who",
          "[team]") {
    const auto ann = new_member(), bob = new_member();
    for (int round = 0; round < 3; ++round) {
        const auto contact = texted_us();
        Reply a, b;
        std::thread first([&] { a = reply_to(ann, contact, "I can help."); });
        std::thread second([&] { b = reply_to(bob, contact, "Happy to help."); });
        first.join();
        second.join();
        // Both texts go; the conversation is one person's.
        CHECK(a.status == 201);
        CHECK(b.status == 201);
        const auto assignee =
            q("SELECT assignee_id FROM contacts WHERE id = " + std::to_string(contact));
        CHECK((assignee == std::to_string(ann.id) || assignee == std::to_string(bob.id)));
        CHECK(listed(ann, contact)["assignee"]["id"].get<int64_t>() == std::stoll(assignee));
        CHECK(listed(bob, contact)["assignee"]["id"].get<int64_t>() == std::stoll(assignee));
    }
}

TEST_CASE("PATCH assigns, closes and snoozes; bad input changes nothing; an inbound text reopens",
          "[team]") {
    const auto ann = new_member(), bob = new_member();
    const auto contact = texted_us();
    const auto path = "/api/crm/sms/conversations/" + std::to_string(contact);

    const auto assigned = change(ann, contact, {{"assigneeId", bob.id}});
    INFO(assigned.body);
    REQUIRE(assigned.status == 200);
    CHECK(assigned.json()["conversation"] ==
          json{{"contactId", contact},
               {"status", "open"},
               {"snoozedUntil", nullptr},
               {"assignee", {{"id", bob.id}, {"name", bob.name}}}});
    CHECK(heard(contact, "open", bob.name));
    const auto shown = as(bob, "GET", path);
    REQUIRE(shown.status == 200);
    CHECK(shown.json()["conversation"] == assigned.json()["conversation"]);

    const auto closed = change(bob, contact, {{"status", "closed"}});
    REQUIRE(closed.status == 200);
    CHECK(closed.json()["conversation"]["assignee"]["id"] == bob.id);
    CHECK(heard(contact, "closed"));
    CHECK(listed(bob, contact, "&status=closed&assignee=me").is_object());
    CHECK(listed(bob, contact, "&status=open").is_null());
    const auto before = state_of(contact);
    CHECK(before == "closed|" + std::to_string(bob.id) + "|");

    // Refused, and nothing changed.
    const auto gone = new_member();
    q("UPDATE users SET disabled_at = now() WHERE id = " + std::to_string(gone.id));
    check_error(change(ann, contact, {{"assigneeId", gone.id}}), 400, "invalid_field",
                "assigneeId");
    // Whom one may assign to: everyone who may sign in, by name, without their email.
    const auto team = as(ann, "GET", "/api/crm/team");
    REQUIRE(team.status == 200);
    std::vector<std::string> names;
    for (const auto& person : team.json()["people"]) {
        CHECK_FALSE(person.contains("email"));
        names.push_back(person["name"]);
    }
    CHECK(std::count(names.begin(), names.end(), bob.name) == 1);
    CHECK(std::count(names.begin(), names.end(), gone.name) == 0);
    check_error(change(ann, contact, {{"assigneeId", 999999999}}), 400, "invalid_field",
                "assigneeId");
    check_error(change(ann, contact, {{"assigneeId", "bob"}}), 400, "invalid_field", "assigneeId");
    check_error(change(ann, contact, {{"status", "snoozed"}}), 400, "invalid_field",
                "snoozedUntil");
    check_error(
        change(ann, contact, {{"status", "snoozed"}, {"snoozedUntil", from_now("-1 minute")}}), 400,
        "invalid_field", "snoozedUntil");
    check_error(
        change(ann, contact, {{"status", "snoozed"}, {"snoozedUntil", from_now("400 days")}}), 400,
        "invalid_field", "snoozedUntil");
    check_error(change(ann, contact, {{"status", "done"}}), 400, "invalid_field", "status");
    check_error(change(ann, contact, json::object()), 400, "missing_field", "status");
    check_error(stack().request("PATCH", path, R"({"assigneeId": 18446744073709551615})", ann.key),
                400, "invalid_field", "assigneeId");
    check_error(change(ann, contact,
                       {{"status", "snoozed"}, {"snoozedUntil", "2027-01-02T09:00:00+15:00"}}),
                400, "invalid_field", "snoozedUntil");
    check_error(as(ann, "DELETE", path), 405, "method_not_allowed");
    check_error(as(ann, "PATCH", path + "x", {{"status", "open"}}), 400, "invalid_id", "contactId");
    check_error(stack().request("PATCH", path, "{", ann.key), 400, "invalid_json");
    CHECK(stack().request("PATCH", path, R"({"status":"open"})", "").status == 401);
    CHECK(state_of(contact) == before);
    // A contact with no messages has no conversation.
    const auto quiet = call("POST", "/api/crm/contacts",
                            {{"firstName", "No"}, {"lastName", "Texts"}, {"phone", new_phone()}});
    REQUIRE(quiet.status == 201);
    const auto quiet_id = quiet.json()["contact"]["id"].get<int64_t>();
    check_error(change(ann, quiet_id, {{"status", "closed"}}), 404, "not_found");
    check_error(as(ann, "GET", "/api/crm/sms/conversations/" + std::to_string(quiet_id)), 404,
                "not_found");

    // An inbound text opens a closed conversation, and a snoozed one; its assignee stays.
    text_again(contact);
    CHECK(state_of(contact) == "open|" + std::to_string(bob.id) + "|");
    const auto snoozed =
        change(ann, contact, {{"status", "snoozed"}, {"snoozedUntil", from_now("1 hour")}});
    REQUIRE(snoozed.status == 200);
    CHECK(snoozed.json()["conversation"]["snoozedUntil"].is_string());
    CHECK(state_of(contact) == "snoozed|" + std::to_string(bob.id) + "|true");
    CHECK(listed(ann, contact, "&status=snoozed").is_object());
    CHECK(counts(bob)["snoozed"]["mine"] == 1);
    CHECK(counts(bob)["open"]["mine"] == 0);
    CHECK_FALSE(counts(bob).contains("closed"));
    // Our own reply does not wake it.
    REQUIRE(reply_to(ann, contact, "We will call you tomorrow.").status == 201);
    CHECK(state_of(contact) == "snoozed|" + std::to_string(bob.id) + "|true");
    text_again(contact);
    CHECK(state_of(contact) == "open|" + std::to_string(bob.id) + "|");

    // Unassigned again; an admin's and an owner's key may do all this too.
    const auto unassigned = change(ann, contact, {{"assigneeId", nullptr}});
    REQUIRE(unassigned.status == 200);
    CHECK(unassigned.json()["conversation"]["assignee"] == nullptr);
    CHECK(call("PATCH", path, {{"status", "closed"}}).status == 200);
    CHECK(state_of(contact) == "closed||");
}

TEST_CASE("a snooze ends on time: the worker opens the conversation and tells the inboxes",
          "[team]") {
    const auto ann = new_member();
    const auto contact = texted_us();
    REQUIRE(
        change(
            ann, contact,
            {{"assigneeId", ann.id}, {"status", "snoozed"}, {"snoozedUntil", from_now("1 hour")}})
            .status == 200);
    // Not yet: the worker leaves it.
    REQUIRE(run(run_due_command() + " >/dev/null 2>&1").exit_code == 0);
    CHECK(state_of(contact) == "snoozed|" + std::to_string(ann.id) + "|true");
    // Its time has come.
    q("UPDATE contacts SET snoozed_until = now() - interval '1 second' WHERE id = " +
      std::to_string(contact));
    REQUIRE(run(run_due_command() + " >/dev/null 2>&1").exit_code == 0);
    CHECK(state_of(contact) == "open|" + std::to_string(ann.id) + "|");
    CHECK(heard(contact, "open", ann.name));
    CHECK(listed(ann, contact, "&status=open&assignee=me").is_object());
}

TEST_CASE("a count stops at 1000, which then means that many or more; so does a view's total",
          "[team]") {
    const auto ann = new_member();
    texted_us();
    // 1101 snoozed conversations of long ago, as SQL makes them, gone again at the end.
    q("INSERT INTO contacts (first_name, last_name, phone, status, source, last_message_at,"
      " last_message_id, conversation_status, snoozed_until, assignee_id)"
      " SELECT 'Count', 'Cap', '+1858' || (2000000 + i), 'new', 'staff', '2001-01-01',"
      " (SELECT max(id) FROM messages),"
      " 'snoozed', now() + interval '300 days', CASE WHEN i <= 3 THEN " +
      std::to_string(ann.id) + " END FROM generate_series(1, 1101) i");
    const auto counted = counts(ann)["snoozed"];
    const auto first = as(ann, "GET", "/api/crm/sms/conversations?status=snoozed&limit=10");
    const auto last =
        as(ann, "GET", "/api/crm/sms/conversations?status=snoozed&limit=10&skip=1095");
    const auto mine = as(ann, "GET", "/api/crm/sms/conversations?status=snoozed&assignee=me");
    q("DELETE FROM contacts WHERE first_name = 'Count' AND last_message_at = '2001-01-01'");
    CHECK(counted["mine"] == 3);
    CHECK(counted["unassigned"] == 1000);
    CHECK(counted["all"] == 1000);
    // The view's total: counted to 1000 past the page, and said to be so.
    INFO(first.body.substr(0, 300));
    REQUIRE(first.status == 200);
    CHECK(first.json()["pagination"]["total"] == 1010);
    CHECK(first.json()["pagination"]["totalCapped"] == true);
    CHECK(first.json()["pagination"]["hasMore"] == true);
    // The last page tells the whole.
    CHECK(last.json()["conversations"].size() == 6);
    CHECK(last.json()["pagination"]["total"] == 1101);
    CHECK(last.json()["pagination"]["totalCapped"] == false);
    CHECK(last.json()["pagination"]["hasMore"] == false);
    CHECK(mine.json()["pagination"]["total"] == 3);
}

TEST_CASE("a note is written in the thread and never sent; a mention tells the person named",
          "[team]") {
    const auto ann = new_member(), bob = new_member();
    const auto contact = texted_us();
    const auto id = std::to_string(contact);
    const auto phone = q("SELECT phone FROM contacts WHERE id = " + id);
    const auto messages_before = q("SELECT count(*) FROM messages WHERE contact_id = " + id);
    const auto latest_before = q("SELECT last_message_id FROM contacts WHERE id = " + id);
    const auto creates_before = stack().twilio_creates_to(phone).size();

    const auto body = "@" + bob.name + " can you call them about the zinfandelnote" +
                      std::to_string(stack().port) + "?";
    const auto written =
        as(ann, "POST", "/api/crm/sms/notes", {{"contactId", contact}, {"body", body}});
    INFO(written.body);
    REQUIRE(written.status == 201);
    const auto note = written.json()["note"];
    CHECK(note["author"] == json{{"id", ann.id}, {"name", ann.name}});
    CHECK(note["body"] == body);
    CHECK(note["mentions"] == json::array({{{"id", bob.id}, {"name", bob.name}}}));
    CHECK(
        poll_until("/api/poll/staff?" + signed_query(unix_now() + 60, "staff"), [&](const json& e) {
            return e["type"] == "note" && e["note"]["id"] == note["id"];
        }).has_value());
    const auto listed_notes = as(bob, "GET", "/api/crm/sms/notes?contactId=" + id);
    REQUIRE(listed_notes.status == 200);
    REQUIRE(listed_notes.json()["notes"].size() == 1);
    CHECK(listed_notes.json()["notes"][0] == note);

    // Never sent, never a message, never the conversation's latest.
    CHECK(stack().twilio_creates_to(phone).size() == creates_before);
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + id) == messages_before);
    CHECK(q("SELECT last_message_id FROM contacts WHERE id = " + id) == latest_before);

    // Bob is told until he has seen it; Ann is not.
    const auto mentions_of = [](const Member& m) {
        return as(m, "GET", "/api/crm/mentions").json()["mentions"];
    };
    REQUIRE(mentions_of(bob).size() == 1);
    CHECK(mentions_of(bob)[0]["id"] == note["id"]);
    CHECK(mentions_of(ann).empty());
    const auto read = as(bob, "POST", "/api/crm/mentions/read", {{"contactId", contact}});
    REQUIRE(read.status == 200);
    CHECK(read.json()["marked"] == 1);
    CHECK(mentions_of(bob).empty());

    // Refused, and nothing written.
    const auto notes_before = q("SELECT count(*) FROM notes");
    check_error(as(ann, "POST", "/api/crm/sms/notes", {{"contactId", contact}, {"body", "  "}}),
                400, "missing_field", "body");
    check_error(as(ann, "POST", "/api/crm/sms/notes",
                   {{"contactId", contact}, {"body", std::string(2001, 'x')}}),
                400, "invalid_field", "body");
    check_error(as(ann, "POST", "/api/crm/sms/notes", {{"contactId", 999999999}, {"body", "x"}}),
                404, "not_found");
    check_error(stack().request("POST", "/api/crm/sms/notes", "{", ann.key), 400, "invalid_json");
    CHECK(stack()
              .request("POST", "/api/crm/sms/notes",
                       json{{"contactId", contact}, {"body", "x"}}.dump(), "")
              .status == 401);
    check_error(as(ann, "GET", "/api/crm/sms/notes"), 400, "invalid_query", "contactId");
    // A body that is not UTF-8, a NUL, an id past 64 bits, and a method the route lacks.
    check_error(stack().request("POST", "/api/crm/sms/notes",
                                "{\"contactId\": " + id + ", \"body\": \"caf\xe9\"}", ann.key),
                400, "invalid_json");
    check_error(as(ann, "POST", "/api/crm/sms/notes",
                   {{"contactId", contact}, {"body", std::string("a\0b", 3)}}),
                400, "invalid_field", "body");
    check_error(stack().request("POST", "/api/crm/sms/notes",
                                R"({"contactId": 18446744073709551615, "body": "x"})", ann.key),
                400, "invalid_field", "contactId");
    check_error(as(ann, "DELETE", "/api/crm/sms/notes"), 405, "method_not_allowed");
    CHECK(q("SELECT count(*) FROM notes") == notes_before);

    // A key of nobody writes as its name.
    const auto nobody = key_of_nobody("notes " + ann.name);
    const auto keyed =
        as(nobody, "POST", "/api/crm/sms/notes", {{"contactId", contact}, {"body", "Synced"}});
    REQUIRE(keyed.status == 201);
    CHECK(keyed.json()["note"]["author"] == nullptr);
    CHECK(keyed.json()["note"]["authorName"] == nobody.name);

    // A search finds the conversation by its note.
    CHECK(listed(ann, contact, "&search=zinfandelnote" + std::to_string(stack().port)).is_object());

    // What staff write to each other is not in the logs.
    CHECK(run("cat " + stack().state_dir + "/log/*.log").output.find("can you call them about") ==
          std::string::npos);

    // Deleting the contact deletes its notes.
    REQUIRE(call("DELETE", "/api/crm/contacts/" + id).status == 200);
    CHECK(q("SELECT count(*) FROM notes WHERE contact_id = " + id) == "0");
}

TEST_CASE("two people in one thread each hear that the other looks at it, until they leave",
          "[team]") {
    const auto ann = new_member(), bob = new_member();
    const auto contact = texted_us();
    const auto look = [&](const Member& m, const json& at) {
        return as(m, "POST", "/api/crm/presence", {{"contactId", at}});
    };
    const auto heard_viewers = [&](const std::vector<std::string>& names) {
        return poll_until("/api/poll/staff?" + signed_query(unix_now() + 60, "staff"),
                          [&](const json& e) {
                              if (e["type"] != "presence") return false;
                              if (e["presence"]["contactId"] != contact) return false;
                              std::vector<std::string> seen;
                              for (const auto& v : e["presence"]["viewers"])
                                  seen.push_back(v["name"]);
                              return seen == names;
                          })
            .has_value();
    };
    const auto first = look(ann, contact);
    INFO(first.body);
    REQUIRE(first.status == 200);
    CHECK(first.json()["viewers"].empty());
    const auto second = look(bob, contact);
    REQUIRE(second.status == 200);
    CHECK(second.json()["viewers"] == json::array({{{"id", ann.id}, {"name", ann.name}}}));
    CHECK(heard_viewers({ann.name, bob.name}));
    // Ann leaves: the thread she left hears it.
    REQUIRE(look(ann, nullptr).status == 200);
    CHECK(heard_viewers({bob.name}));
    CHECK(look(bob, contact).json()["viewers"].empty());
    // A look half a minute old no longer counts.
    REQUIRE(look(ann, contact).status == 200);
    q("UPDATE presence SET seen_at = now() - interval '46 seconds' WHERE user_id = " +
      std::to_string(ann.id));
    CHECK(look(bob, contact).json()["viewers"].empty());

    check_error(look(ann, "x"), 400, "invalid_field", "contactId");
    check_error(look(ann, 0), 400, "invalid_field", "contactId");
    check_error(as(ann, "POST", "/api/crm/presence", json::object()), 400, "invalid_field",
                "contactId");
    check_error(look(ann, 999999999), 404, "not_found");
    // A key of nobody is nobody to see.
    const auto nobody = key_of_nobody("presence " + ann.name);
    const auto before = q("SELECT count(*) FROM presence");
    CHECK(look(nobody, contact).status == 200);
    CHECK(q("SELECT count(*) FROM presence") == before);
}

namespace {

// The fake SMTP relay (tests/fakes/smtp-sink.mjs), for one test case.
class SmtpSink {
  public:
    SmtpSink()
        : record_(stack().state_dir + "/smtp-" + std::to_string(++made_) + ".jsonl"),
          child_({"/usr/bin/env", "node", TEXTUS_SOURCE_DIR "/tests/fakes/smtp-sink.mjs", record_},
                 own_environment()) {
        const auto line = child_.first_line(std::chrono::seconds(10));
        REQUIRE(line.starts_with("port "));
        port_ = line.substr(5);
    }
    const std::string& record() const { return record_; }
    void stop() { child_.stop(); }
    // `textus-admin run-due` with this relay; its output.
    std::string run_due() const {
        return run_worker_once("QUIET_HOURS=off SMTP_URL=smtp://127.0.0.1:" + port_ +
                               " SMTP_FROM=inbox@textus.test");
    }
    // The messages taken about contact `contact`.
    std::vector<json> about(int64_t contact) const {
        std::vector<json> out;
        std::istringstream lines(read(record_));
        for (std::string line; std::getline(lines, line);) {
            auto mail = json::parse(line);
            if (mail["data"].get<std::string>().find("/inbox/#contact=" + std::to_string(contact) +
                                                     "\r\n") != std::string::npos) {
                out.push_back(std::move(mail));
            }
        }
        return out;
    }

  private:
    static std::string read(const std::string& path) {
        std::ifstream in(path);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    static inline int made_ = 0;
    std::string record_;
    Child child_;
    std::string port_;
};

// Every message of `contact` as if it came `minutes` earlier, in the same order.
void backdate(int64_t contact, int minutes) {
    q("UPDATE messages SET created_at = created_at - interval '" + std::to_string(minutes) +
      " minutes' WHERE contact_id = " + std::to_string(contact));
}

}  // namespace

TEST_CASE("a text that waits is emailed once per wait to whoever asked, through SMTP_URL",
          "[team]") {
    const auto ann = new_member(), bob = new_member();
    const auto ann_email = q("SELECT email FROM users WHERE id = " + std::to_string(ann.id));
    const auto bob_email = q("SELECT email FROM users WHERE id = " + std::to_string(bob.id));
    const auto set = [](const Member& m, const json& body) {
        return as(m, "PUT", "/api/auth/notifications", body);
    };
    const auto mine =
        set(ann, {{"emailAfterMinutes", 10}, {"scope", "mine"}, {"includeBody", false}});
    INFO(mine.body);
    REQUIRE(mine.status == 200);
    REQUIRE(set(bob,
                {{"emailAfterMinutes", 5}, {"scope", "mine_and_unassigned"}, {"includeBody", true}})
                .status == 200);
    CHECK(as(bob, "GET", "/api/auth/notifications").json()["notifications"] ==
          json{{"emailAfterMinutes", 5}, {"scope", "mine_and_unassigned"}, {"includeBody", true}});
    check_error(set(ann, {{"emailAfterMinutes", 0}}), 400, "invalid_field", "emailAfterMinutes");
    check_error(set(ann, {{"emailAfterMinutes", 721}}), 400, "invalid_field", "emailAfterMinutes");
    check_error(set(ann, {{"emailAfterMinutes", "10"}}), 400, "invalid_field", "emailAfterMinutes");
    check_error(set(ann, {{"scope", "all"}}), 400, "invalid_field", "scope");
    const auto nobody = key_of_nobody("alerts " + ann.name);
    check_error(set(nobody, {{"emailAfterMinutes", 5}}), 400, "not_a_person");
    CHECK(as(ann, "GET", "/api/auth/notifications").json()["notifications"]["emailAfterMinutes"] ==
          10);

    SmtpSink sink;
    const auto ann_s = texted_us("Is my order ready?");
    REQUIRE(change(ann, ann_s, {{"assigneeId", ann.id}}).status == 200);
    const auto nobodys = texted_us("Is the 2019 reserve in stock?");
    // Not yet waited long enough.
    sink.run_due();
    CHECK(sink.about(ann_s).empty());
    CHECK(sink.about(nobodys).empty());

    backdate(ann_s, 11);
    backdate(nobodys, 11);
    const auto output = sink.run_due();
    CHECK(output.find("email alerts: sent ") != std::string::npos);
    const auto to_ann = sink.about(ann_s);
    REQUIRE(to_ann.size() == 1);
    CHECK(to_ann[0]["to"] == json::array({"<" + ann_email + ">"}));
    CHECK(to_ann[0]["from"] == "<inbox@textus.test>");
    const std::string text = to_ann[0]["data"];
    CHECK(text.find("Subject: A text has waited 10 minutes: Team Inbox\r\n") != std::string::npos);
    CHECK(text.find("Is my order ready?") == std::string::npos);  // she did not ask for bodies
    CHECK(text.find("\r\n\r\nTeam Inbox (+1") != std::string::npos);
    const auto to_bob = sink.about(nobodys);
    REQUIRE(to_bob.size() == 1);
    CHECK(to_bob[0]["to"] == json::array({"<" + bob_email + ">"}));
    CHECK(to_bob[0]["data"].get<std::string>().find(
              "They wrote:\r\nIs the 2019 reserve in stock?") != std::string::npos);
    CHECK(to_bob[0]["data"].get<std::string>().find("nobody has the conversation yet") !=
          std::string::npos);

    // One email a wait, however often the worker looks.
    sink.run_due();
    CHECK(sink.about(ann_s).size() == 1);
    CHECK(sink.about(nobodys).size() == 1);
    // An answer ends the wait; the next text begins another.
    REQUIRE(reply_to(ann, ann_s, "Yes, ready at noon.").status == 201);
    text_again(ann_s);
    backdate(ann_s, 20);
    sink.run_due();
    CHECK(sink.about(ann_s).size() == 2);

    // The relay unreachable: nothing is claimed, and it goes once the relay is back.
    const auto later = texted_us("Do you deliver?");
    REQUIRE(change(ann, later, {{"assigneeId", ann.id}}).status == 200);
    backdate(later, 11);
    const auto down = run_worker_once(
        "QUIET_HOURS=off SMTP_URL=smtp://127.0.0.1:9"
        " SMTP_FROM=inbox@textus.test");
    CHECK(down.find("email alerts: sent 0, failed 0") != std::string::npos);
    CHECK(q("SELECT count(*) FROM email_alerts WHERE contact_id = " + std::to_string(later)) ==
          "0");
    sink.run_due();
    CHECK(sink.about(later).size() == 1);

    // The relay refuses: it failed, and does not go again.
    const auto refused = texted_us("Any tastings on Friday?");
    REQUIRE(change(ann, refused, {{"assigneeId", ann.id}}).status == 200);
    backdate(refused, 11);
    { std::ofstream(sink.record() + ".refuse") << "451"; }
    sink.run_due();
    CHECK(q("SELECT failed IS NOT NULL AND sent_at IS NULL FROM email_alerts WHERE contact_id = " +
            std::to_string(refused)) == "t");
    std::filesystem::remove(sink.record() + ".refuse");
    sink.run_due();
    CHECK(sink.about(refused).empty());

    // The logs hold neither the text nor where it was emailed.
    const auto logs = run("cat " + stack().state_dir + "/log/*.log").output;
    CHECK(logs.find("2019 reserve") == std::string::npos);
    CHECK(logs.find(ann_email) == std::string::npos);
    // Emails off again, for the test cases after this one.
    REQUIRE(set(bob, {{"emailAfterMinutes", nullptr}}).status == 200);
    REQUIRE(set(ann, {{"emailAfterMinutes", nullptr}}).status == 200);
}
