// /api/crm/sms/messages and /api/crm/sms/conversations through nginx, fed by signed inbound
// posts to the webhook.
#include <catch2/catch.hpp>
#include <set>

#include "tests/integration/stack.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

Stack& stack() {
    return Stack::get();
}

void text_us(const std::string& from, const std::string& body) {
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), from, body)).status == 200);
}

std::string contact_of(const std::string& phone) {
    return stack().query("SELECT id FROM contacts WHERE phone = '" + phone + "'");
}

json get(const std::string& path) {
    const auto reply = stack().request("GET", path);
    INFO(path << ": " << reply.body);
    REQUIRE(reply.status == 200);
    return reply.json();
}

// The phone numbers of a search's conversations (at most 200).
std::set<std::string> phones_found(const std::string& search) {
    std::set<std::string> out;
    const auto page = get("/api/crm/sms/conversations?limit=200&search=" + url_encode(search));
    for (const auto& conversation : page["conversations"]) out.insert(conversation["phoneNumber"]);
    return out;
}

void check_error(const Reply& reply, int status, const std::string& code,
                 const std::string& field = "") {
    INFO(reply.body);
    CHECK(reply.status == status);
    CHECK(reply.json()["error"]["code"] == code);
    if (!field.empty()) CHECK(reply.json()["error"]["field"] == field);
}

}  // namespace

TEST_CASE("messages list newest first with keyset pages and filters", "[inbox]") {
    const auto from = new_phone();
    for (int i = 0; i < 5; ++i) text_us(from, "message " + std::to_string(i));
    const auto contact = contact_of(from);
    stack().query(
        "INSERT INTO messages (contact_id, direction, from_number, to_number, body,"
        " status) VALUES (" +
        contact + ", 'outbound', '+17605550100', '" + from + "', 'our reply', 'delivered')");

    const auto first = get("/api/crm/sms/messages?contactId=" + contact + "&limit=4");
    REQUIRE(first["messages"].size() == 4);
    CHECK(first["messages"][0]["body"] == "our reply");
    CHECK(first["messages"][1]["body"] == "message 4");
    CHECK(first["messages"][0]["contactId"] == std::stoll(contact));
    REQUIRE(first["nextBefore"].is_number());
    const auto second = get("/api/crm/sms/messages?contactId=" + contact + "&limit=4&before=" +
                            std::to_string(first["nextBefore"].get<int64_t>()));
    REQUIRE(second["messages"].size() == 2);
    CHECK(second["messages"][0]["body"] == "message 1");
    CHECK(second["messages"][1]["body"] == "message 0");
    CHECK(second["nextBefore"].is_null());

    const auto inbound_only =
        get("/api/crm/sms/messages?contactId=" + contact + "&direction=inbound&limit=200");
    CHECK(inbound_only["messages"].size() == 5);
    // By phone, written as people write it: "(619) 555-1234".
    const auto by_phone = get("/api/crm/sms/messages?phoneNumber=%28" + from.substr(2, 3) +
                              "%29%20" + from.substr(5, 3) + "-" + from.substr(8) + "&limit=200");
    CHECK(by_phone["messages"].size() == 6);
}

TEST_CASE("conversations: one row per contact, newest first, unread counts cleared by read",
          "[inbox]") {
    const auto tag = std::to_string(std::rand() % 100000);
    const auto quiet = new_phone(), busy = new_phone();
    text_us(quiet, "first conversation " + tag);
    text_us(busy, "hello " + tag);
    text_us(busy, "are you there? " + tag);
    const auto busy_id = contact_of(busy), quiet_id = contact_of(quiet);

    const auto page = get("/api/crm/sms/conversations?limit=2");
    REQUIRE(page["conversations"].size() == 2);
    const auto& top = page["conversations"][0];
    CHECK(top["contact"]["id"] == std::stoll(busy_id));
    CHECK(top["phoneNumber"] == busy);
    CHECK(top["lastMessage"]["body"] == "are you there? " + tag);
    CHECK(top["unreadCount"] == 2);
    CHECK(top["messageCount"] == 2);
    CHECK(top["lastMessageAt"] == top["lastMessage"]["createdAt"]);
    CHECK(page["conversations"][1]["contact"]["id"] == std::stoll(quiet_id));
    CHECK(page["pagination"]["limit"] == 2);
    CHECK(page["pagination"]["hasMore"] == (page["pagination"]["total"].get<int>() > 2));

    const auto read = stack().request("POST", "/api/crm/sms/messages/read",
                                      json{{"contactId", std::stoll(busy_id)}}.dump());
    INFO(read.body);
    REQUIRE(read.status == 200);
    CHECK(read.json()["marked"] == 2);
    CHECK(get("/api/crm/sms/conversations?limit=1")["conversations"][0]["unreadCount"] == 0);
    CHECK(stack()
              .request("POST", "/api/crm/sms/messages/read",
                       json{{"contactId", std::stoll(busy_id)}}.dump())
              .json()["marked"] == 0);

    // Search covers name, phone and message bodies.
    REQUIRE(stack()
                .request("PATCH", "/api/crm/contacts/" + quiet_id,
                         json{{"firstName", "Quentin" + tag}, {"lastName", "Quiet"}}.dump())
                .status == 200);
    const auto by_name = get("/api/crm/sms/conversations?search=quentin" + tag);
    REQUIRE(by_name["conversations"].size() == 1);
    CHECK(by_name["conversations"][0]["contact"]["id"] == std::stoll(quiet_id));
    const auto by_body = get("/api/crm/sms/conversations?search=ARE%20YOU%20THERE%3F%20" + tag);
    REQUIRE(by_body["conversations"].size() == 1);
    CHECK(by_body["conversations"][0]["contact"]["id"] == std::stoll(busy_id));
    CHECK(by_body["pagination"]["total"] == 1);
    const auto by_digits = get("/api/crm/sms/conversations?search=" + busy.substr(5));
    CHECK(by_digits["conversations"][0]["contact"]["id"] == std::stoll(busy_id));
}

TEST_CASE("a conversation search pages one union of name and body matches", "[inbox]") {
    const auto tag = "zq" + std::to_string(std::rand() % 100000);
    const auto by_name = new_phone(), by_body = new_phone(), both = new_phone();
    text_us(by_name, "nothing to see");
    text_us(by_body, "the " + tag + " vintage, please");
    text_us(both, "and " + tag + " too");
    for (const auto& [phone, name] : {std::pair{by_name, "Ann"}, std::pair{both, "Bo"}}) {
        REQUIRE(stack()
                    .request("PATCH", "/api/crm/contacts/" + contact_of(phone),
                             json{{"firstName", name + tag}, {"lastName", "Search"}}.dump())
                    .status == 200);
    }
    const auto path = "/api/crm/sms/conversations?search=" + tag;
    const auto all = get(path);
    REQUIRE(all["conversations"].size() == 3);  // `both` once
    CHECK(all["pagination"]["total"] == 3);
    CHECK(all["conversations"][0]["phoneNumber"] == both);  // newest first
    CHECK(all["conversations"][0]["messageCount"] == 1);
    CHECK(all["conversations"][2]["phoneNumber"] == by_name);

    // Pages: full ones count, the last one tells the total, past the end still counts.
    const auto first = get(path + "&limit=2");
    CHECK(first["conversations"].size() == 2);
    CHECK(first["pagination"]["total"] == 3);
    CHECK(first["pagination"]["hasMore"] == true);
    const auto last = get(path + "&limit=2&skip=2");
    REQUIRE(last["conversations"].size() == 1);
    CHECK(last["conversations"][0]["phoneNumber"] == by_name);
    CHECK(last["pagination"]["total"] == 3);
    CHECK(last["pagination"]["hasMore"] == false);
    const auto past = get(path + "&limit=2&skip=5");
    CHECK(past["conversations"].empty());
    CHECK(past["pagination"]["total"] == 3);
    CHECK(get(path + "&limit=3")["pagination"]["total"] == 3);

    // A phrase matches as written, not as its words anywhere; quotes and % are plain text.
    const auto phrase = new_phone(), words = new_phone();
    text_us(phrase, "yes " + tag + " 50% \"off\" today");
    text_us(words, "today: 50% off, yes, " + tag);
    const auto found =
        get("/api/crm/sms/conversations?search=yes%20" + tag + "%2050%25%20%22off%22");
    REQUIRE(found["conversations"].size() == 1);
    CHECK(found["conversations"][0]["phoneNumber"] == phrase);

    // By number: the customer's side of the conversation, both directions.
    REQUIRE(stack()
                .request("POST", "/api/crm/sms/send", json{{"to", both}, {"body", "Yes"}}.dump())
                .status == 201);
    const auto thread = get("/api/crm/sms/messages?phoneNumber=" + both.substr(1));
    REQUIRE(thread["messages"].size() == 2);
    CHECK(thread["messages"][0]["direction"] == "outbound");
    CHECK(thread["messages"][1]["direction"] == "inbound");
}

TEST_CASE("a conversation search finds the start of words in bodies, in the order typed",
          "[inbox]") {
    const auto tag = "zw" + std::to_string(std::rand() % 100000);
    const auto first = new_phone(), inside = new_phone(), apart = new_phone(), in_row = new_phone(),
               scattered = new_phone();
    text_us(first, "Yes: " + tag + " Reserve, please");
    text_us(inside, "un" + tag + "ned");
    text_us(apart, tag + " and reserve");
    text_us(in_row, "red " + tag + " green");
    text_us(scattered, "red " + tag + " blue, then " + tag + " green");

    // A word's start, in any case; not the middle of a word (a substring matched until issue 26).
    CHECK(phones_found(tag) == std::set{first, apart, in_row, scattered});
    CHECK(phones_found("UN" + tag) == std::set{inside});
    CHECK(phones_found(tag + "ned").empty());
    // Words in a row, the last one a word's start; punctuation between them is no word.
    CHECK(phones_found(tag + " RES") == std::set{first});
    CHECK(phones_found("yes " + tag) == std::set{first});
    CHECK(phones_found(tag + "res").empty());
    CHECK(phones_found("red " + tag + " green") == std::set{in_row});
    CHECK(phones_found("red " + tag + " g") == std::set{in_row});
}

TEST_CASE("one or two letters find the start of a word in names and bodies", "[inbox]") {
    // Greek, which no other test writes: "ωψ" is one or two letters nobody else's words start
    // with.
    const auto named = new_phone(), mid_name = new_phone(), body = new_phone(),
               mid_body = new_phone();
    for (const auto& phone : {named, mid_name, body, mid_body}) text_us(phone, "hello");
    for (const auto& [phone, name] : {std::pair{named, "Ωψlon"}, std::pair{mid_name, "Aωψlon"}}) {
        REQUIRE(stack()
                    .request("PATCH", "/api/crm/contacts/" + contact_of(phone),
                             json{{"firstName", name}, {"lastName", "Short"}}.dump())
                    .status == 200);
    }
    text_us(body, "ωψα is on the menu");
    text_us(mid_body, "αωψ is not");
    CHECK(phones_found("ΩΨ") == std::set{named, body});
    CHECK(phones_found("ω") == std::set{named, body});
    CHECK(phones_found("ψ").empty());
    // Three letters or more: names as the contact list finds them, anywhere.
    CHECK(phones_found("ωψl") == std::set{named, mid_name});
}

TEST_CASE("a conversation search takes any text: operators, quotes and symbols are plain text",
          "[inbox]") {
    const auto tag = "zo" + std::to_string(std::rand() % 100000);
    const auto phone = new_phone();
    text_us(phone, "it's " + tag + " 50% \"off\" (today) & tomorrow! \\o/ 🍷");
    for (const auto& search :
         {"it's " + tag, tag + " 50% \"off\"", tag + " 50 off (today) & tom", "🍷 " + tag,
          tag + ":*", "!" + tag, "(" + tag + ")", "'" + tag + "'", tag + " 50% & \"off\""}) {
        INFO(search);
        CHECK(phones_found(search) == std::set{phone});
    }
    for (const std::string& search :
         std::vector<std::string>{"'", "&", ":*", "!", "(", "\\", "\\'", "🍷", "!!! ???",
                                  "' OR 1=1 --", "a <-> b:*", "a & b | !c", std::string(200, 'x'),
                                  std::string(100, '\'') + std::string(100, '\\')}) {
        INFO(search);
        const auto reply =
            stack().request("GET", "/api/crm/sms/conversations?search=" + url_encode(search));
        CHECK(reply.status == 200);
    }
    check_error(
        stack().request("GET", "/api/crm/sms/conversations?search=" + std::string(201, 'x')), 400,
        "invalid_query", "search");
}

// Stores `count` inbound texts "BODY 1".."BODY count" from `phone`, the first at `first` (SQL)
// and a millisecond apart, and keeps the contact's latest message as the handlers do.
void add_texts(const std::string& phone, const std::string& body, int count,
               const std::string& first) {
    stack().query(
        "INSERT INTO messages (contact_id, direction, from_number, to_number, body,"
        " status, created_at, read_at) SELECT c.id, 'inbound', c.phone, '+17605550100', '" +
        body + " ' || k, 'received', " + first +
        " + k * interval '1 ms', now() FROM contacts c, generate_series(1, " +
        std::to_string(count) + ") k WHERE c.phone = '" + phone + "'");
    stack().query(
        "UPDATE contacts c SET (last_message_at, last_message_id) = (SELECT m.created_at,"
        " m.id FROM messages m WHERE m.contact_id = c.id ORDER BY m.created_at DESC, m.id"
        " DESC LIMIT 1) WHERE c.phone = '" +
        phone + "'");
}

TEST_CASE("a conversation search looks at the newest 500 matches of each kind", "[inbox]") {
    const auto tag = "zc" + std::to_string(std::rand() % 100000);
    // Bodies, a word among the newest messages (walked): an older conversation's match is past
    // the newest 500 matching messages.
    const auto old = new_phone(), busy = new_phone();
    text_us(old, "an old " + tag + " note");
    text_us(busy, "hello");
    add_texts(busy, "busy " + tag, 500, "now()");
    const auto bodies = get("/api/crm/sms/conversations?search=" + tag);
    REQUIRE(bodies["conversations"].size() == 1);
    CHECK(bodies["conversations"][0]["phoneNumber"] == busy);
    CHECK(bodies["pagination"]["total"] == 1);
    CHECK(bodies["pagination"]["totalCapped"] == true);
    CHECK(get("/api/crm/sms/conversations?search=an%20old%20" + tag)["pagination"]["total"] == 1);

    // The same for a word none of the newest messages has (found by the trigram index).
    const auto older = new_phone(), archived = new_phone();
    text_us(older, "hello");
    text_us(archived, "hello");
    add_texts(older, "archived " + tag, 1, "now() - interval '2 years'");
    add_texts(archived, "archived " + tag, 500, "now() - interval '1 year'");
    const auto rare = get("/api/crm/sms/conversations?search=archived%20" + tag);
    REQUIRE(rare["conversations"].size() == 1);
    CHECK(rare["conversations"][0]["phoneNumber"] == archived);
    CHECK(rare["pagination"]["totalCapped"] == true);

    // A word in 5% of the newest 2,000 messages is walked back ten times the time they span
    // (walk_spans), through 20,000 others of a day ago, and past that the index takes over:
    // the 500 are the 100 walked and 400 of six months ago, not the one of a year ago.
    const auto recent = new_phone(), earlier = new_phone(), earliest = new_phone(),
               filler = new_phone();
    for (const auto& phone : {recent, earlier, earliest, filler}) text_us(phone, "hello");
    add_texts(earliest, "mixed " + tag, 1, "now() - interval '1 year'");
    add_texts(earlier, "mixed " + tag, 500, "now() - interval '6 months'");
    add_texts(filler, "filler", 20'000, "now() - interval '1 day'");
    add_texts(recent, "mixed " + tag, 100, "now()");
    CHECK(phones_found("mixed " + tag) == std::set{recent, earlier});
    CHECK(get("/api/crm/sms/conversations?search=mixed%20" + tag)["pagination"]["totalCapped"] ==
          true);

    // Names: the oldest of 501 matching conversations is past the cap.
    const auto oldest = new_phone();
    text_us(oldest, "hello");
    REQUIRE(stack()
                .request("PATCH", "/api/crm/contacts/" + contact_of(oldest),
                         json{{"firstName", tag + "n"}, {"lastName", "Cap"}}.dump())
                .status == 200);
    // Two statements: an UPDATE does not see the rows its own WITH inserted.
    stack().query(
        "WITH c AS (INSERT INTO contacts (first_name, last_name, phone, source)"
        " SELECT '" +
        tag +
        "n', 'Cap', '+1917' || (7000000 + k), 'sms' FROM generate_series(1, 500) k"
        " RETURNING id, phone) INSERT INTO messages (contact_id, direction, from_number,"
        " to_number, body, status, read_at) SELECT id, 'inbound', phone, '+17605550100',"
        " 'hello', 'received', now() FROM c");
    stack().query(
        "UPDATE contacts c SET last_message_at = m.created_at, last_message_id = m.id"
        " FROM messages m WHERE m.contact_id = c.id AND c.last_name = 'Cap'"
        " AND c.phone LIKE '+19177%'");
    const auto path = "/api/crm/sms/conversations?search=" + tag + "n";
    const auto first = get(path);
    CHECK(first["pagination"]["total"] == 500);
    CHECK(first["pagination"]["totalCapped"] == true);
    CHECK(first["pagination"]["hasMore"] == true);
    const auto last = get(path + "&skip=490");
    CHECK(last["conversations"].size() == 10);
    CHECK(last["pagination"]["hasMore"] == false);
    for (const auto& conversation : last["conversations"]) {
        CHECK(conversation["phoneNumber"] != oldest);
    }
    CHECK(get(path + "&skip=1000")["pagination"] == json{{"total", 500},
                                                         {"limit", 50},
                                                         {"skip", 1000},
                                                         {"hasMore", false},
                                                         {"totalCapped", true}});
    // Under the cap, a search is exact and says so.
    CHECK(get("/api/crm/sms/conversations?search=" +
              oldest.substr(2))["pagination"]["totalCapped"] == false);

    // Other tests' campaigns and lists should not meet these 509 contacts and 22,100 texts.
    std::string ours;
    for (const auto& phone :
         {old, busy, older, archived, recent, earlier, earliest, filler, oldest}) {
        ours += (ours.empty() ? "'" : ", '") + phone + "'";
    }
    stack().query(
        "DELETE FROM contacts WHERE (phone LIKE '+19177%' AND last_name = 'Cap')"
        " OR phone IN (" +
        ours + ")");
    stack().query(
        "DELETE FROM messages WHERE contact_id IS NULL AND (from_number LIKE '+19177%'"
        " OR from_number IN (" +
        ours + "))");
}

TEST_CASE("inbox routes refuse bad input and need a staff key", "[inbox]") {
    check_error(stack().request("GET", "/api/crm/sms/messages?limit=0"), 400, "invalid_query",
                "limit");
    check_error(stack().request("GET", "/api/crm/sms/messages?contactId=abc"), 400, "invalid_query",
                "contactId");
    check_error(stack().request("GET", "/api/crm/sms/messages?before=-1"), 400, "invalid_query",
                "before");
    check_error(stack().request("GET", "/api/crm/sms/messages?direction=sideways"), 400,
                "invalid_query", "direction");
    check_error(stack().request("GET", "/api/crm/sms/messages?phoneNumber=%ff"), 400,
                "invalid_query");
    check_error(stack().request("GET", "/api/crm/sms/conversations?skip=-1"), 400, "invalid_query",
                "skip");
    check_error(stack().request("GET", "/api/crm/sms/conversations?search=%00"), 400,
                "invalid_query");
    check_error(stack().request("POST", "/api/crm/sms/messages/read", R"({"contactId":"7"})"), 400,
                "invalid_field", "contactId");
    check_error(stack().request("POST", "/api/crm/sms/messages/read", R"({"contactId":999999999})"),
                404, "not_found");
    check_error(stack().request("POST", "/api/crm/sms/messages/read", "{", "<staff>"), 400,
                "invalid_json");
    check_error(stack().request("DELETE", "/api/crm/sms/conversations"), 405, "method_not_allowed");
    for (const auto& path : {"/api/crm/sms/messages", "/api/crm/sms/conversations"}) {
        check_error(stack().request("GET", path, "", ""), 401, "unauthorized");
    }
    check_error(stack().request("POST", "/api/crm/sms/messages/read", R"({"contactId":1})", ""),
                401, "unauthorized");
}

TEST_CASE("deploy/sim-sms plays the customer: its text shows up as a conversation", "[inbox]") {
    const auto from = new_phone();
    const auto out =
        run("TEXTUS_STATE='" + stack().state_dir + "' TEXTUS_PORT=" + std::to_string(stack().port) +
            " TEXTUS_BIN_DIR='" + stack().bin_dir + "' " TEXTUS_SOURCE_DIR "/deploy/sim-sms '" +
            from + "' 'Do you have the 2019 Zinfandel?' " TEXTUS_SOURCE_DIR "/docs/inbox.png");
    INFO(out.output);
    REQUIRE(out.exit_code == 0);
    CHECK(out.output.ends_with(" 200\n"));
    const auto found = get("/api/crm/sms/conversations?search=2019%20Zinfandel");
    REQUIRE(found["conversations"].size() == 1);
    const auto& conversation = found["conversations"][0];
    CHECK(conversation["phoneNumber"] == from);
    CHECK(conversation["unreadCount"] == 1);
    // The picture went to the Twilio simulator, which holds it behind the account's
    // credentials: the page is given our copy's URL, never the simulator's.
    const auto& picture = conversation["lastMessage"]["media"][0];
    CHECK(picture["contentType"] == "image/png");
    CHECK(conversation["lastMessage"]["mediaUrls"] ==
          json{"/api/crm/sms/media/" + picture["id"].dump()});
    // Without the stack's token it is refused.
    const auto forged = run("TWILIO_AUTH_TOKEN=wrong " + stack().bin_dir +
                            "/sim-sms http://127.0.0.1:" + std::to_string(stack().port) +
                            "/api/twilio/webhook '" + from + "' hi");
    CHECK(forged.exit_code == 1);
    CHECK(forged.output.ends_with(" 403\n"));
}
