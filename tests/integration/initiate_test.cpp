// Web-to-text through nginx: POST /api/twilio/initiate and the visitor's chat routes, against
// the stack's Twilio simulator; the chat's live messages through nchan behind signed URLs.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "tests/integration/api.h"
#include "tests/integration/long_poll.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

// Each call stands for another visitor behind the stack's trusted proxy (rate limits are per
// client address), unless `ip` names one.
std::string next_ip() {
    static int n = 0;
    ++n;
    return "198.51." + std::to_string(n / 250) + "." + std::to_string(1 + n % 250);
}

Reply visitor(const std::string& method, const std::string& path, const json& body = nullptr,
              std::string ip = "") {
    if (ip.empty()) ip = next_ip();
    return stack().request(method, path, body.is_null() ? "" : body.dump(), "", "application/json",
                           {{"X-Forwarded-For", ip}});
}

json lead(const std::string& phone, const std::string& message = "Do you have a table for four?") {
    return {{"firstName", "Ann"},       {"lastName", "Lee"}, {"phoneNumber", phone},
            {"message", message},       {"consent", true},   {"email", "ann@example.com"},
            {"birthdate", "1990-04-01"}};
}

Reply initiate(const json& body, const std::string& ip = "") {
    return visitor("POST", "/api/twilio/initiate", body, ip);
}

std::string contacts_with(const std::string& phone) {
    return q("SELECT count(*) FROM contacts WHERE phone = '" + phone + "'");
}

std::string chat_path(const std::string& channel) {
    return "/api/chat/" + channel + "/messages";
}

}  // namespace

TEST_CASE("the widget gets the business name and the consent text", "[initiate]") {
    const auto reply = visitor("GET", "/api/twilio/initiate");
    REQUIRE(reply.status == 200);
    CHECK(reply.json()["businessName"] == "Textus Demo");
    CHECK(reply.json()["consentText"].get<std::string>().find("Reply STOP") != std::string::npos);
}

TEST_CASE("a new visitor's lead: contact, consent, first SMS, channel", "[initiate]") {
    const auto phone = new_phone();
    const auto ip = next_ip();
    // As typed on a form: national format.
    auto body = lead("(" + phone.substr(2, 3) + ") " + phone.substr(5, 3) + "-" + phone.substr(8));
    const auto reply = initiate(body, ip);
    REQUIRE(reply.status == 201);
    const auto& answer = reply.json();
    CHECK(answer["success"] == true);
    CHECK(answer["phoneNumber"] == phone);
    const auto contact_id = std::to_string(answer["contactId"].get<int64_t>());
    CHECK(std::regex_match(answer["messageSid"].get<std::string>(), std::regex("SM[0-9a-f]{32}")));
    CHECK(std::regex_match(answer["channel"].get<std::string>(), std::regex("[A-Za-z0-9_-]{43}")));
    CHECK(
        std::regex_match(answer["subscribeUrl"].get<std::string>(),
                         std::regex("/api/poll/chat/[0-9a-f]{64}\\?e=[0-9]+&s=[A-Za-z0-9_-]{22}")));
    REQUIRE(answer["history"].size() == 1);
    const auto& first = answer["history"][0];
    const std::string sms = "Do you have a table for four?\n\n- Ann via Textus Demo Chat";
    CHECK(first["body"] == sms + "\n\nReply STOP to opt out.");
    CHECK(first["direction"] == "outbound");
    CHECK(first["sentBy"] == "web");

    // Twilio got exactly that, once.
    const auto creates = stack().twilio_creates_to(phone);
    REQUIRE(creates.size() == 1);
    CHECK(creates[0]["form"]["Body"][0] == sms + "\n\nReply STOP to opt out.");

    // The contact as the form gave it, opted in, with the consent the widget showed.
    CHECK(q("SELECT first_name || ' ' || last_name || ' ' || email || ' ' || birthdate || ' ' ||"
            " source || ' ' || sms_opt_in FROM contacts WHERE id = " +
            contact_id) == "Ann Lee ann@example.com 1990-04-01 web true");
    CHECK(q("SELECT kind || ' ' || source || ' ' || ip FROM consent_events WHERE contact_id = " +
            contact_id) == "opt_in web " + ip);
    CHECK(q("SELECT detail FROM consent_events WHERE contact_id = " + contact_id) ==
          visitor("GET", "/api/twilio/initiate").json()["consentText"]);
    // The channel id is the visitor's secret: the database keeps its hash.
    CHECK(q("SELECT count(*) FROM contacts WHERE chat_channel = '" +
            answer["channel"].get<std::string>() + "'") == "0");
}

TEST_CASE("the same visitor twice: one contact, and the older chat is closed", "[initiate]") {
    const auto phone = new_phone();
    // What the number said before the visitor came: never shown to a chat.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "private earlier text")).status ==
            200);
    const auto first = initiate(lead(phone, "First visit"));
    REQUIRE(first.status == 201);
    REQUIRE(first.json()["history"].size() == 1);
    CHECK(first.json()["history"][0]["body"].get<std::string>().starts_with("First visit"));
    const auto first_channel = first.json()["channel"].get<std::string>();

    auto renamed = lead(phone, "Second visit");
    renamed["firstName"] = "Someone";
    renamed["email"] = "other@example.com";
    const auto second = initiate(renamed);
    REQUIRE(second.status == 201);
    CHECK(second.json()["contactId"] == first.json()["contactId"]);
    CHECK(contacts_with(phone) == "1");
    // Whoever types a number does not rename its contact.
    CHECK(q("SELECT first_name || ' ' || email FROM contacts WHERE phone = '" + phone + "'") ==
          "Ann ann@example.com");
    // The number has had a message from us: no second opt-out notice.
    CHECK(second.json()["history"][0]["body"] == "Second visit\n\n- Someone via Textus Demo Chat");
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + phone +
            "' AND kind = 'opt_in' AND source = 'web'") == "2");

    CHECK(visitor("GET", chat_path(first_channel)).status == 404);
    CHECK(visitor("POST", chat_path(first_channel), {{"body", "hello?"}}).status == 404);
    const auto history = visitor("GET", chat_path(second.json()["channel"]));
    REQUIRE(history.status == 200);
    REQUIRE(history.json()["messages"].size() == 1);
    CHECK(history.json()["messages"][0]["body"].get<std::string>().starts_with("Second visit"));
}

TEST_CASE("initiate refuses bad input and changes nothing", "[initiate]") {
    const auto phone = new_phone();
    const auto refused = [&](json body, int status, const std::string& code,
                             const std::string& field) {
        const auto reply = initiate(body);
        INFO(body.dump() << " -> " << reply.body);
        CHECK(reply.status == status);
        CHECK(reply.json()["success"] == false);
        CHECK(reply.json()["error"]["code"] == code);
        CHECK(reply.json()["error"]["field"] == field);
    };
    auto body = lead(phone);
    body.erase("consent");
    refused(body, 400, "consent_required", "consent");
    body["consent"] = "true";
    refused(body, 400, "consent_required", "consent");
    body["consent"] = false;
    refused(body, 400, "consent_required", "consent");
    body = lead(phone);
    body.erase("firstName");
    refused(body, 400, "missing_field", "firstName");
    refused(lead("555"), 400, "invalid_phone", "phoneNumber");
    body = lead(phone);
    body["email"] = "not an email";
    refused(body, 400, "invalid_email", "email");
    body = lead(phone);
    body["birthdate"] = "1990-02-30";
    refused(body, 400, "invalid_birthdate", "birthdate");
    refused(lead(phone, std::string(1001, 'a')), 400, "invalid_field", "message");
    refused(lead(phone, "   "), 400, "missing_field", "message");
    refused(lead(phone, std::string("tab\tok but NUL ") + '\0' + " is not"), 400, "invalid_field",
            "message");
    CHECK(stack()
              .request("POST", "/api/twilio/initiate", "{\"firstName\":", "", "application/json",
                       {{"X-Forwarded-For", next_ip()}})
              .status == 400);

    CHECK(contacts_with(phone) == "0");
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + phone + "'") == "0");
    CHECK(stack().twilio_creates_to(phone).empty());
}

TEST_CASE("an opted-out number is told how to opt back in", "[initiate]") {
    const auto phone = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "STOP")).status == 200);
    const auto reply = initiate(lead(phone));
    CHECK(reply.status == 409);
    CHECK(reply.json()["error"]["code"] == "opted_out");
    CHECK(reply.json()["error"]["message"].get<std::string>().find("START") != std::string::npos);
    CHECK(stack().twilio_creates_to(phone).empty());
    CHECK(q("SELECT sms_opt_in FROM contacts WHERE phone = '" + phone + "'") == "f");
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + phone +
            "' AND kind = 'opt_in'") == "0");
}

TEST_CASE("Twilio refusing: 502, the lead kept, the message failed", "[initiate]") {
    const auto phone = new_phone();
    // A rate limit, every time: refused before acting, so known to be unsent (a 5xx would leave
    // the message's fate unknown).
    stack().twilio_sim("POST", "/sim/fail", {{"to", phone}, {"status", 429}, {"code", 20429}});
    const auto reply = initiate(lead(phone));
    stack().twilio_sim("DELETE", "/sim/fail");
    CHECK(reply.status == 502);
    CHECK(reply.json()["error"]["code"] == "twilio_unavailable");
    CHECK(contacts_with(phone) == "1");
    CHECK(q("SELECT sms_opt_in FROM contacts WHERE phone = '" + phone + "'") == "t");
    CHECK(q("SELECT status FROM messages WHERE to_number = '" + phone + "'") == "failed");
}

TEST_CASE("the visitor writes in the page; each chat holds its own conversation", "[initiate]") {
    const auto ann = initiate(lead(new_phone(), "Ann's question"));
    const auto bob = initiate(lead(new_phone(), "Bob's question"));
    REQUIRE(ann.status == 201);
    REQUIRE(bob.status == 201);
    const auto ann_chat = chat_path(ann.json()["channel"]);

    const auto posted = visitor("POST", ann_chat, {{"body", "  Also: is the patio open?  "}});
    REQUIRE(posted.status == 201);
    const auto& message = posted.json()["message"];
    CHECK(message["body"] == "Also: is the patio open?");
    CHECK(message["direction"] == "inbound");
    CHECK(message["channel"] == "web");
    CHECK(message["from"] == ann.json()["phoneNumber"]);
    CHECK(message["sid"].is_null());
    // Nothing went to Twilio for it, and staff see it unread.
    CHECK(stack().twilio_creates_to(ann.json()["phoneNumber"]).size() == 1);
    const auto id = std::to_string(ann.json()["contactId"].get<int64_t>());
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + id +
            " AND direction = 'inbound' AND read_at IS NULL") == "1");

    const auto history = visitor("GET", ann_chat);
    REQUIRE(history.status == 200);
    const auto& messages = history.json()["messages"];
    REQUIRE(messages.size() == 2);  // oldest first, Bob's not among them
    CHECK(messages[0]["body"].get<std::string>().starts_with("Ann's question"));
    CHECK(messages[1]["body"] == "Also: is the patio open?");
    CHECK(history.json()["subscribeUrl"].get<std::string>().starts_with("/api/poll/chat/"));
    const auto bob_history = visitor("GET", chat_path(bob.json()["channel"]));
    REQUIRE(bob_history.json()["messages"].size() == 1);

    // Unknown, malformed and hostile channel ids are all simply unknown.
    CHECK(visitor("GET", chat_path(std::string(43, 'A'))).status == 404);
    CHECK(visitor("GET", chat_path("short")).status == 404);
    CHECK(visitor("GET", chat_path("%27%20OR%201%3D1--")).status == 404);
    CHECK(visitor("POST", chat_path(std::string(43, 'A')), {{"body", "hi"}}).status == 404);
    // Bad bodies.
    CHECK(visitor("POST", ann_chat, {{"body", ""}}).status == 400);
    CHECK(visitor("POST", ann_chat, {{"body", std::string(1001, 'x')}}).status == 400);
    CHECK(visitor("POST", ann_chat, json::object()).json()["error"]["field"] == "body");
    CHECK(visitor("GET", ann_chat).json()["messages"].size() == 2);
}

TEST_CASE("a chat sees SMS replies, staff replies and statuses live", "[initiate]") {
    const auto started = initiate(lead(new_phone(), "Live please"));
    const auto other = initiate(lead(new_phone(), "Quiet"));
    REQUIRE(started.status == 201);
    REQUIRE(other.status == 201);
    const auto phone = started.json()["phoneNumber"].get<std::string>();
    const auto url = started.json()["subscribeUrl"].get<std::string>();

    const auto sent_at = std::chrono::steady_clock::now();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "And by SMS")).status == 200);
    const auto sms = poll_until(url, [](const json& m) { return m["body"] == "And by SMS"; });
    REQUIRE(sms);
    CHECK(std::chrono::steady_clock::now() - sent_at < std::chrono::seconds(1));
    CHECK((*sms)["direction"] == "inbound");

    REQUIRE(
        stack()
            .request("POST", "/api/crm/sms/send",
                     json{{"contactId", started.json()["contactId"]}, {"body", "Yes: 6 pm"}}.dump())
            .status == 201);
    // The simulator calls back queued, sent, delivered: the chat sees the reply delivered.
    const auto delivered = poll_until(
        url, [](const json& m) { return m["body"] == "Yes: 6 pm" && m["status"] == "delivered"; });
    REQUIRE(delivered);
    CHECK((*delivered)["direction"] == "outbound");

    // Another chat hears only its own first message (and that message's statuses).
    std::vector<std::string> heard;
    poll_until(
        other.json()["subscribeUrl"],
        [&](const json& m) {
            heard.push_back(m["body"]);
            return false;
        },
        10);
    for (const auto& body : heard) CHECK(body.starts_with("Quiet"));
}

TEST_CASE("chat long-poll URLs are checked by nginx", "[initiate]") {
    const auto started = initiate(lead(new_phone()));
    REQUIRE(started.status == 201);
    const auto url = started.json()["subscribeUrl"].get<std::string>();
    const auto hash = url.substr(15, 64);
    httplib::Client client("127.0.0.1", stack().port);
    const auto status_of = [&](const std::string& path) {
        const auto reply = client.Get(path.c_str());
        return reply ? reply->status : 0;
    };
    const auto expires = url.substr(url.find("e=") + 2, url.find("&s=") - url.find("e=") - 2);
    // The signature's first character: all six of its bits count (the last one's low four are
    // padding, which a decoder may ignore).
    auto forged = url;
    const auto first = url.find("&s=") + 3;
    forged[first] = url[first] == 'A' ? 'B' : 'A';
    CHECK(status_of(forged) == 403);
    CHECK(status_of("/api/poll/chat/" + hash) == 403);
    // Another expiry, or another chat, under the same signature.
    CHECK(status_of("/api/poll/chat/" + hash + "?e=" + std::to_string(std::stoll(expires) + 1) +
                    url.substr(url.find("&s="))) == 403);
    std::string other_hash = hash;
    other_hash[0] = hash[0] == 'a' ? 'b' : 'a';
    CHECK(status_of("/api/poll/chat/" + other_hash + url.substr(url.find('?'))) == 403);
    CHECK(status_of("/api/poll/chat/" + hash + "?" +
                    signed_query(unix_now() - 5, "chat-" + hash)) == 410);
    // A staff signature does not open a chat, nor a chat's the staff channel.
    CHECK(status_of("/api/poll/staff" + url.substr(url.find('?'))) == 403);
}

TEST_CASE("initiate is rate-limited per client address, with a JSON 429", "[initiate]") {
    const auto ip = next_ip();
    int limited = 0, created = 0;
    for (int i = 0; i < 10; ++i) {
        const auto reply = initiate(lead("+1555", "x"), ip);  // refused by the handler: 400
        if (reply.status == 429) {
            ++limited;
            CHECK(reply.json()["error"]["code"] == "rate_limited");
        } else {
            ++created;
        }
    }
    // A burst of 5 after the first, then 10 a minute.
    CHECK(created == 6);
    CHECK(limited == 4);
    // Other visitors, and the widget's GET, are not held back by this one.
    CHECK(initiate(lead(new_phone())).status == 201);
    CHECK(visitor("GET", "/api/twilio/initiate", nullptr, ip).status == 200);
}

TEST_CASE("the initiate handler's log holds no phone, name, message or channel", "[initiate]") {
    const auto phone = new_phone();
    const auto reply = initiate(lead(phone, "Secret anniversary plans"));
    REQUIRE(reply.status == 201);
    const auto channel = reply.json()["channel"].get<std::string>();
    REQUIRE(visitor("POST", chat_path(channel), {{"body", "More secret plans"}}).status == 201);
    for (const auto* file : {"/log/initiate.log", "/log/nginx-access.log"}) {
        const auto log = read_file(stack().state_dir + file);
        INFO(file);
        CHECK(log.find(phone) == std::string::npos);
        CHECK(log.find(phone.substr(2)) == std::string::npos);
        CHECK(log.find("Secret anniversary") == std::string::npos);
        CHECK(log.find("More secret") == std::string::npos);
        CHECK(log.find("ann@example.com") == std::string::npos);
        CHECK(log.find(channel) == std::string::npos);
    }
    CHECK(
        read_file(stack().state_dir + "/log/initiate.log").find("POST /api/twilio/initiate 201") !=
        std::string::npos);
}

namespace {

// The stack's Commerce7 simulator (deploy/up's): a hook's answer.
json commerce7(const std::string& method, const std::string& path, const json& body = nullptr) {
    httplib::Client client("127.0.0.1", stack().c7_sim_port);
    const auto result = method == "GET" ? client.Get(path.c_str())
                        : method == "DELETE"
                            ? client.Delete(path.c_str())
                            : client.Post(path.c_str(), body.dump(), "application/json");
    REQUIRE(result);
    REQUIRE(result->status < 300);
    return result->body.empty() ? json(nullptr) : json::parse(result->body);
}

// The simulator's customers with this phone.
std::vector<json> customers_with(const std::string& phone) {
    std::vector<json> out;
    const auto all = commerce7("GET", "/sim/customers");
    for (const auto& customer : all["customers"]) {
        for (const auto& p : customer["phones"]) {
            if (p["phone"] == phone) out.push_back(customer);
        }
    }
    return out;
}

std::string commerce7_state(const std::string& phone) {
    return q(
        "SELECT commerce7_sync_state || ' ' || coalesce(commerce7_customer_id, '-')"
        " FROM contacts WHERE phone = '" +
        phone + "'");
}

}  // namespace

TEST_CASE("initiate finds or creates the lead's Commerce7 customer", "[initiate]") {
    const auto phone = new_phone();
    REQUIRE(initiate(lead(phone)).status == 201);
    auto found = customers_with(phone);
    REQUIRE(found.size() == 1);
    CHECK(found[0]["metaData"]["source"] == "sms_chatbot");
    CHECK(found[0]["metaData"]["sms_enrolled"] == "true");
    CHECK(commerce7_state(phone) == "synced " + found[0]["id"].get<std::string>());
    // The same visitor again: the customer is found, not made twice.
    REQUIRE(initiate(lead(phone, "Again")).status == 201);
    CHECK(customers_with(phone).size() == 1);

    // A customer Commerce7 knows by email only gets the phone added.
    const auto by_email = new_phone();
    const auto email = "known" + by_email.substr(8) + "@example.com";
    commerce7("POST", "/sim/customers",
              {{"customers",
                {{{"firstName", "Kim"},
                  {"lastName", "Known"},
                  {"emails", {{{"email", email}}}},
                  {"phones", json::array()}}}}});
    auto body = lead(by_email);
    body["email"] = email;
    REQUIRE(initiate(body).status == 201);
    found = customers_with(by_email);
    REQUIRE(found.size() == 1);
    CHECK(found[0]["firstName"] == "Kim");
}

TEST_CASE("Commerce7 down: the lead is kept, and the sync later makes one customer", "[initiate]") {
    const auto phone = new_phone();
    commerce7("POST", "/sim/fail", {{"count", 100}, {"status", 503}});
    const auto reply = initiate(lead(phone));
    commerce7("DELETE", "/sim/fail");
    REQUIRE(reply.status == 201);  // the visitor's SMS went all the same
    CHECK(stack().twilio_creates_to(phone).size() == 1);
    CHECK(commerce7_state(phone) == "pending -");
    CHECK(customers_with(phone).empty());

    const auto secret = [](const char* name) { return read_file(stack().state_dir + "/" + name); };
    const auto sync =
        run("env DATABASE_URL='" + stack().app_database_url +
            "' COMMERCE7_API_BASE=http://127.0.0.1:" + std::to_string(stack().c7_sim_port) +
            "/v1 COMMERCE7_APP_ID=" + secret("commerce7-app-id") +
            " COMMERCE7_SECRET=" + secret("commerce7-secret") + " COMMERCE7_TENANT=textus-demo " +
            stack().bin_dir + "/textus-admin commerce7-sync 2>&1");
    INFO(sync.output);
    CHECK(sync.exit_code == 0);
    const auto found = customers_with(phone);
    REQUIRE(found.size() == 1);
    CHECK(commerce7_state(phone) == "synced " + found[0]["id"].get<std::string>());
    CHECK(sync.output.find(phone.substr(2)) == std::string::npos);
}

TEST_CASE("the database refusing the Commerce7 outcome still sends the visitor's SMS",
          "[initiate]") {
    const auto phone = new_phone();
    // Recording this number's customer fails, as a database fault between the two calls would.
    q("CREATE FUNCTION test_refuse_c7() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " IF NEW.phone = '" +
      phone +
      "' AND NEW.commerce7_customer_id IS NOT NULL THEN RAISE EXCEPTION 'refused'; END IF;"
      " RETURN NEW; END $$; CREATE TRIGGER test_refuse_c7 BEFORE UPDATE ON contacts FOR EACH ROW"
      " EXECUTE FUNCTION test_refuse_c7(); SELECT 1");
    const auto reply = initiate(lead(phone));
    q("DROP TRIGGER test_refuse_c7 ON contacts; DROP FUNCTION test_refuse_c7(); SELECT 1");
    INFO(reply.body);
    CHECK(reply.status == 201);
    CHECK(stack().twilio_creates_to(phone).size() == 1);
    CHECK(q("SELECT status || '|' || (sid IS NOT NULL) FROM messages WHERE to_number = '" + phone +
            "'") != "queued|false");
    CHECK(commerce7_state(phone) == "pending -");
}

TEST_CASE("a chat subscriber that comes back gets exactly what it missed", "[initiate]") {
    // No status callbacks: the chat hears only the texts below.
    stack().twilio_sim("POST", "/sim/callbacks", {{"enabled", false}});
    const auto started = initiate(lead(new_phone(), "Resume me"));
    REQUIRE(started.status == 201);
    const auto phone = started.json()["phoneNumber"].get<std::string>();
    const auto url = started.json()["subscribeUrl"].get<std::string>();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "one")).status == 200);

    // The page reads up to "one", then is away while two more arrive.
    httplib::Client client("127.0.0.1", stack().port);
    client.set_read_timeout(3, 0);
    std::string since = "Thu, 01 Jan 1970 00:00:00 GMT", tag = "0";
    for (;;) {
        const auto reply =
            client.Get(url.c_str(), {{"If-Modified-Since", since}, {"If-None-Match", tag}});
        REQUIRE(reply);
        REQUIRE(reply->status == 200);
        since = reply->get_header_value("Last-Modified");
        tag = reply->get_header_value("Etag");
        if (json::parse(reply->body)["body"] == "one") break;
    }
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "two")).status == 200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "three")).status == 200);
    std::vector<std::string> got;
    for (int i = 0; i < 3; ++i) {
        const auto reply =
            client.Get(url.c_str(), {{"If-Modified-Since", since}, {"If-None-Match", tag}});
        if (!reply) break;  // nothing more: the long-poll waited until the client gave up
        REQUIRE(reply->status == 200);
        got.push_back(json::parse(reply->body)["body"]);
        since = reply->get_header_value("Last-Modified");
        tag = reply->get_header_value("Etag");
    }
    stack().twilio_sim("POST", "/sim/callbacks", {{"enabled", true}});
    CHECK(got == std::vector<std::string>{"two", "three"});
}
