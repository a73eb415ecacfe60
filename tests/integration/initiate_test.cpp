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

// The code in the latest code text the simulator took for `phone`.
std::string code_texted_to(const std::string& phone) {
    const auto creates = stack().twilio_creates_to(phone);
    for (auto create = creates.rbegin(); create != creates.rend(); ++create) {
        std::smatch found;
        const std::string body = (*create)["form"]["Body"][0];
        if (std::regex_search(body, found, std::regex("(?:code is|código es) ([0-9]{6})"))) {
            return found[1];
        }
    }
    FAIL("no code texted to " << phone);
    return "";
}

Reply verify(const std::string& channel, const std::string& code, const std::string& ip = "") {
    return visitor("POST", "/api/chat/" + channel + "/verify", {{"code", code}}, ip);
}

// A visitor who started a chat and typed the code the phone got: initiate's answer.
json started(const json& body) {
    const auto reply = initiate(body);
    REQUIRE(reply.status == 201);
    const auto answer = reply.json();
    const auto confirmed = verify(answer["channel"], code_texted_to(answer["phoneNumber"]));
    INFO(confirmed.body);
    REQUIRE(confirmed.status == 200);
    return answer;
}

// Everything chat `url` hears, oldest first, up to and including the first `until` matches.
std::vector<json> heard_until(const std::string& url,
                              const std::function<bool(const json&)>& until) {
    std::vector<json> heard;
    const auto last = poll_until(url, [&](const json& m) {
        heard.push_back(m);
        return until(m);
    });
    REQUIRE(last);
    return heard;
}

bool has_body(const std::vector<json>& heard, const std::string& body) {
    return std::any_of(heard.begin(), heard.end(), [&](const json& m) {
        return m["body"].get<std::string>().find(body) != std::string::npos;
    });
}

}  // namespace

TEST_CASE("the widget gets the business name and the consent text", "[initiate]") {
    const auto reply = visitor("GET", "/api/twilio/initiate");
    REQUIRE(reply.status == 200);
    CHECK(reply.json()["businessName"] == "Textus Demo");
    CHECK(reply.json()["consentText"].get<std::string>().find("Reply STOP") != std::string::npos);
}

TEST_CASE("a new visitor's lead: contact, message, a code by SMS, no consent yet", "[initiate]") {
    const auto phone = new_phone();
    const auto ip = next_ip();
    // As typed on a form: national format.
    auto body = lead("(" + phone.substr(2, 3) + ") " + phone.substr(5, 3) + "-" + phone.substr(8),
                     "URGENT: verify at http://evil.example/login");
    const auto reply = initiate(body, ip);
    REQUIRE(reply.status == 201);
    const auto& answer = reply.json();
    CHECK(answer["success"] == true);
    CHECK(answer["phoneNumber"] == phone);
    CHECK(answer["verified"] == false);
    const auto contact_id = std::to_string(answer["contactId"].get<int64_t>());
    CHECK(std::regex_match(answer["messageSid"].get<std::string>(), std::regex("SM[0-9a-f]{32}")));
    CHECK(std::regex_match(answer["channel"].get<std::string>(), std::regex("[A-Za-z0-9_-]{43}")));
    CHECK(
        std::regex_match(answer["subscribeUrl"].get<std::string>(),
                         std::regex("/api/poll/chat/[0-9a-f]{64}\\?e=[0-9]+&s=[A-Za-z0-9_-]{22}")));
    // The page shows what the visitor wrote, never the code's text.
    REQUIRE(answer["history"].size() == 1);
    const auto& first = answer["history"][0];
    CHECK(first["body"] == "URGENT: verify at http://evil.example/login");
    CHECK(first["direction"] == "inbound");
    CHECK(first["channel"] == "web");

    // The phone got our words and a code, never the visitor's, once.
    const auto creates = stack().twilio_creates_to(phone);
    REQUIRE(creates.size() == 1);
    const std::string sms = creates[0]["form"]["Body"][0];
    CHECK(std::regex_match(sms, std::regex("Hi Ann, thanks for texting Textus Demo\\. Your code is "
                                           "[0-9]{6}\\. We'll reply here\\.\n\nReply STOP to opt "
                                           "out\\.")));
    CHECK(q("SELECT sent_by FROM messages WHERE to_number = '" + phone + "'") == "web");

    // The contact as the form gave it; not opted in until the code comes back.
    CHECK(q("SELECT first_name || ' ' || last_name || ' ' || email || ' ' || birthdate || ' ' ||"
            " source || ' ' || sms_opt_in FROM contacts WHERE id = " +
            contact_id) == "Ann Lee ann@example.com 1990-04-01 web false");
    CHECK(q("SELECT count(*) FROM consent_events WHERE contact_id = " + contact_id) == "0");
    // The channel id and the code are the visitor's secrets: the database keeps hashes.
    const auto code = code_texted_to(phone);
    CHECK(q("SELECT count(*) FROM chats WHERE channel_hash = '" +
            answer["channel"].get<std::string>() + "' OR code_hash LIKE '%" + code + "%'") == "0");
    CHECK(q("SELECT round(extract(epoch FROM code_expires_at - created_at)) FROM chats"
            " WHERE contact_id = " +
            contact_id) == "600");
}

TEST_CASE("the code from the phone makes the chat the visitor's: a double opt-in", "[initiate]") {
    const auto phone = new_phone();
    const auto reply = initiate(lead(phone, "A table for four?"));
    REQUIRE(reply.status == 201);
    const auto channel = reply.json()["channel"].get<std::string>();
    const auto contact_id = std::to_string(reply.json()["contactId"].get<int64_t>());
    const auto ip = next_ip();
    const auto code = code_texted_to(phone);
    const auto confirmed = verify(channel, code.substr(0, 3) + " " + code.substr(3), ip);
    INFO(confirmed.body);
    REQUIRE(confirmed.status == 200);
    CHECK(confirmed.json()["verified"] == true);
    CHECK(confirmed.json()["subscribeUrl"].get<std::string>().starts_with("/api/poll/chat/"));
    // Now the chat holds the text the phone got too.
    const auto& messages = confirmed.json()["messages"];
    REQUIRE(messages.size() == 2);
    CHECK(messages[0]["body"] == "A table for four?");
    CHECK(messages[1]["body"].get<std::string>().find(code) != std::string::npos);

    // The consent the form showed, from the address that typed the code, verified by it.
    CHECK(q("SELECT sms_opt_in FROM contacts WHERE id = " + contact_id) == "t");
    CHECK(q("SELECT kind || ' ' || source || ' ' || ip || ' ' || verified_by FROM consent_events"
            " WHERE contact_id = " +
            contact_id) == "opt_in web " + ip + " code");
    CHECK(q("SELECT detail FROM consent_events WHERE contact_id = " + contact_id) ==
          visitor("GET", "/api/twilio/initiate").json()["consentText"]);
    const auto contact = call("GET", "/api/crm/contacts/" + contact_id).json()["contact"];
    CHECK(contact["consent"]["verifiedBy"] == "code");
    CHECK(contact["smsOptIn"] == true);

    // Typed again: still the visitor's, and consent is recorded once.
    CHECK(verify(channel, code).status == 200);
    CHECK(visitor("GET", chat_path(channel)).json()["verified"] == true);
    CHECK(q("SELECT count(*) FROM consent_events WHERE contact_id = " + contact_id) == "1");
}

TEST_CASE("codes: five tries, ten minutes, six digits", "[initiate]") {
    const auto phone = new_phone();
    const auto reply = initiate(lead(phone));
    REQUIRE(reply.status == 201);
    const auto channel = reply.json()["channel"].get<std::string>();
    const auto code = code_texted_to(phone);
    const auto wrong = code == "000000" ? std::string("000001") : std::string("000000");

    check_error(verify(channel, "12345"), 400, "invalid_code", "code");
    check_error(verify(channel, "12345a"), 400, "invalid_code", "code");
    for (int left = 4; left >= 1; --left) {
        const auto refused = verify(channel, wrong);
        check_error(refused, 400, "wrong_code", "code");
        CHECK(refused.json()["error"]["message"].get<std::string>().find(std::to_string(left)) !=
              std::string::npos);
    }
    check_error(verify(channel, wrong), 429, "code_tries_exhausted", "code");
    // The right code after five wrong ones is too late as well.
    check_error(verify(channel, code), 429, "code_tries_exhausted", "code");
    CHECK(q("SELECT sms_opt_in FROM contacts WHERE phone = '" + phone + "'") == "f");
    CHECK(visitor("GET", chat_path(channel)).json()["verified"] == false);

    // Ten minutes later the right code has expired.
    const auto late_phone = new_phone();
    const auto late = initiate(lead(late_phone));
    REQUIRE(late.status == 201);
    q("UPDATE chats SET code_expires_at = now() - interval '1 second' WHERE contact_id = " +
      std::to_string(late.json()["contactId"].get<int64_t>()) + " RETURNING 1");
    check_error(verify(late.json()["channel"], code_texted_to(late_phone)), 410, "code_expired",
                "code");
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone IN ('" + phone + "', '" + late_phone +
            "')") == "0");
    CHECK(verify(std::string(43, 'A'), code).status == 404);
}

TEST_CASE("until the code, a chat sees only what it wrote; no chat sees what came before it",
          "[initiate]") {
    const auto phone = new_phone();
    // Staff texted the number before the visitor came (it had texted us).
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "private earlier text")).status ==
            200);
    const auto earlier =
        call("POST", "/api/crm/sms/send", {{"to", phone}, {"body", "earlier reply"}});
    REQUIRE(earlier.status == 201);
    const auto earlier_sid = earlier.json()["twilioMessageSid"].get<std::string>();

    const auto reply = initiate(lead(phone, "Someone typed this number"));
    REQUIRE(reply.status == 201);
    const auto channel = reply.json()["channel"].get<std::string>();
    const auto url = reply.json()["subscribeUrl"].get<std::string>();
    const auto contact_id = reply.json()["contactId"];

    // The phone's holder writes, staff answer by SMS, an older message's status arrives.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "my gate code is 4321")).status ==
            200);
    REQUIRE(call("POST", "/api/crm/sms/send", {{"contactId", contact_id}, {"body", "Noted: 4321"}})
                .status == 201);
    REQUIRE(post("/api/twilio/status", {{"MessageSid", earlier_sid}, {"MessageStatus", "read"}})
                .status < 300);
    REQUIRE(visitor("POST", chat_path(channel), {{"body", "marker one"}}).status == 201);
    auto heard = heard_until(url, [](const json& m) { return m["body"] == "marker one"; });
    CHECK_FALSE(has_body(heard, "4321"));
    CHECK_FALSE(has_body(heard, "earlier"));
    CHECK_FALSE(has_body(heard, "Your code is"));
    auto history = visitor("GET", chat_path(channel)).json()["messages"];
    REQUIRE(history.size() == 2);
    CHECK(history[0]["body"] == "Someone typed this number");
    CHECK(history[1]["body"] == "marker one");

    // With the code, the chat sees the texts since it began, and still nothing from before.
    REQUIRE(verify(channel, code_texted_to(phone)).status == 200);
    history = visitor("GET", chat_path(channel)).json()["messages"];
    std::vector<json> all(history.begin(), history.end());
    CHECK(has_body(all, "my gate code is 4321"));
    CHECK(has_body(all, "Noted: 4321"));
    CHECK_FALSE(has_body(all, "earlier"));
    REQUIRE(post("/api/twilio/status", {{"MessageSid", earlier_sid}, {"MessageStatus", "read"}})
                .status < 300);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "marker two")).status == 200);
    heard = heard_until(url, [](const json& m) { return m["body"] == "marker two"; });
    CHECK_FALSE(has_body(heard, "earlier"));
}

TEST_CASE("a newer initiate for the number does not take over a confirmed chat", "[initiate]") {
    const auto phone = new_phone();
    const auto owner = started(lead(phone, "I hold this phone"));
    const auto owner_channel = owner["channel"].get<std::string>();
    const auto owner_url = owner["subscribeUrl"].get<std::string>();

    // Someone else types the number.
    auto other_lead = lead(phone, "Me too");
    other_lead["firstName"] = "Mallory";
    other_lead["email"] = "mallory@example.com";
    const auto other = initiate(other_lead);
    REQUIRE(other.status == 201);
    CHECK(other.json()["contactId"] == owner["contactId"]);
    const auto other_channel = other.json()["channel"].get<std::string>();
    const auto other_url = other.json()["subscribeUrl"].get<std::string>();
    // Whoever types a number does not rename its contact.
    CHECK(q("SELECT first_name || ' ' || email FROM contacts WHERE phone = '" + phone + "'") ==
          "Ann ann@example.com");

    // The owner's chat stays; the phone's texts reach it, not the newcomer's.
    REQUIRE(visitor("GET", chat_path(owner_channel)).status == 200);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "gate code 4321")).status == 200);
    REQUIRE(visitor("POST", chat_path(other_channel), {{"body", "newcomer writes"}}).status == 201);
    auto heard =
        heard_until(owner_url, [](const json& m) { return m["body"] == "gate code 4321"; });
    CHECK_FALSE(has_body(heard, "newcomer writes"));
    REQUIRE(visitor("POST", chat_path(other_channel), {{"body", "newcomer again"}}).status == 201);
    heard = heard_until(other_url, [](const json& m) { return m["body"] == "newcomer again"; });
    CHECK_FALSE(has_body(heard, "gate code"));
    const auto owner_history = visitor("GET", chat_path(owner_channel)).json()["messages"];
    std::vector<json> owner_all(owner_history.begin(), owner_history.end());
    CHECK_FALSE(has_body(owner_all, "newcomer"));

    // Only the code, which went to the phone, hands the number to the newer chat.
    REQUIRE(verify(other_channel, code_texted_to(phone)).status == 200);
    CHECK(visitor("GET", chat_path(owner_channel)).status == 404);
    CHECK(visitor("POST", chat_path(owner_channel), {{"body", "hello?"}}).status == 404);
    CHECK(visitor("GET", chat_path(other_channel)).json()["verified"] == true);
}

TEST_CASE("a newer initiate closes the number's unconfirmed chat", "[initiate]") {
    const auto phone = new_phone();
    const auto first = initiate(lead(phone, "First visit"));
    REQUIRE(first.status == 201);
    const auto second = initiate(lead(phone, "Second visit"));
    REQUIRE(second.status == 201);
    CHECK(contacts_with(phone) == "1");
    CHECK(visitor("GET", chat_path(first.json()["channel"])).status == 404);
    // The first chat's code belonged to it: it confirms nothing now.
    CHECK(verify(first.json()["channel"], code_texted_to(phone)).status == 404);
    const auto history = visitor("GET", chat_path(second.json()["channel"]));
    REQUIRE(history.status == 200);
    REQUIRE(history.json()["messages"].size() == 1);
    CHECK(history.json()["messages"][0]["body"] == "Second visit");
}

TEST_CASE("the form is not a relay: numbers that cannot or must not be texted", "[initiate]") {
    const auto refused = [](const std::string& phone, const std::string& code) {
        const auto reply = initiate(lead(phone, "URGENT: your account is locked"));
        INFO(phone << " -> " << reply.body);
        check_error(reply, 400, code, "phoneNumber");
        CHECK(contacts_with(phone) == "0");
        CHECK(stack().twilio_creates_to(phone).empty());
    };
    refused("+2348031234567", "country_not_allowed");  // Nigeria
    refused("+881631234567", "country_not_allowed");   // satellite
    refused("+18765550123", "country_not_allowed");    // Jamaica, behind +1
    refused("+447700900123", "invalid_phone");         // not a number libphonenumber knows
    refused("+19005550123", "number_cannot_text");     // premium rate
    refused("+18005550123", "number_cannot_text");     // toll free
    refused("+15005550123", "number_cannot_text");     // personal number service
    refused("+17605550100", "own_number");             // the business's own (TWILIO_PHONE_NUMBER)
}

TEST_CASE("three initiates a number a day, and an hourly budget health reports", "[initiate]") {
    const auto phone = new_phone();
    for (int i = 0; i < 3; ++i) REQUIRE(initiate(lead(phone)).status == 201);
    const auto fourth = initiate(lead(phone));
    check_error(fourth, 429, "initiate_limit", "phoneNumber");
    const auto retry = std::stoll(fourth.headers.at("Retry-After"));
    CHECK(retry > 86000);
    CHECK(retry <= 86400);
    CHECK(stack().twilio_creates_to(phone).size() == 3);

    // The hour's budget: initiate with room for exactly two more.
    const auto used =
        std::stoll(q("SELECT count(*) FROM chats WHERE created_at > now() - interval '1 hour'"));
    stack().restart_handler("initiate", "INITIATE_HOURLY_LIMIT=" + std::to_string(used + 2));
    auto health = stack().request("GET", "/api/health/initiate");
    REQUIRE(health.status == 200);
    CHECK(health.json()["report"]["initiateBudget"] ==
          json{{"hourlyLimit", used + 2}, {"lastHour", used}, {"exhausted", false}});
    // Parallel visitors: exactly the budget gets through.
    std::vector<std::string> phones;
    for (int i = 0; i < 5; ++i) phones.push_back(new_phone());
    std::vector<std::thread> visitors;
    std::vector<int> statuses(phones.size());
    for (size_t i = 0; i < phones.size(); ++i) {
        visitors.emplace_back([&, i] { statuses[i] = initiate(lead(phones[i])).status; });
    }
    for (auto& t : visitors) t.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 201) == 2);
    CHECK(std::count(statuses.begin(), statuses.end(), 429) == 3);
    const auto spent = initiate(lead(new_phone()));
    check_error(spent, 429, "initiate_budget", "phoneNumber");
    CHECK(std::stoll(spent.headers.at("Retry-After")) <= 3600);
    health = stack().request("GET", "/api/health/initiate");
    CHECK(health.status == 200);
    CHECK(health.json()["report"]["initiateBudget"]["exhausted"] == true);
    stack().restart_handler("initiate");
    CHECK(initiate(lead(new_phone())).status == 201);
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

TEST_CASE("the widget in Spanish: consent, first text and consent event in the visitor's language",
          "[initiate][language]") {
    const auto english = visitor("GET", "/api/twilio/initiate").json();
    CHECK(english["language"] == "en");
    CHECK(english["ageGate"].is_null());
    for (const auto* lang : {"es", "es-MX", "ES_mx"}) {
        INFO(lang);
        const auto reply = visitor("GET", std::string("/api/twilio/initiate?lang=") + lang);
        REQUIRE(reply.status == 200);
        CHECK(reply.json()["language"] == "es");
        CHECK(reply.json()["consentText"].get<std::string>().starts_with("Acepto recibir"));
    }
    // A language we have no texts in is English; something that is no language tag, a 400.
    CHECK(visitor("GET", "/api/twilio/initiate?lang=fr-CA").json()["consentText"] ==
          english["consentText"]);
    check_error(visitor("GET", "/api/twilio/initiate?lang=es%3Cscript%3E"), 400, "invalid_language",
                "lang");
    const auto spanish = visitor("GET", "/api/twilio/initiate?lang=es").json();

    const auto phone = new_phone();
    auto body = lead(phone, "¿Tienen mesa para cuatro?");
    body["firstName"] = "Ana";
    body["language"] = "es";
    const auto reply = initiate(body);
    REQUIRE(reply.status == 201);
    CHECK(reply.json()["language"] == "es");
    const auto creates = stack().twilio_creates_to(phone);
    REQUIRE(creates.size() == 1);
    CHECK(
        std::regex_match(creates[0]["form"]["Body"][0].get<std::string>(),
                         std::regex("Hola Ana, gracias por escribir a Textus Demo\\. Tu código es "
                                    "[0-9]{6}\\. Te responderemos aquí\\.\n\nResponde STOP para "
                                    "darte de baja\\.")));
    const auto contact_id = std::to_string(reply.json()["contactId"].get<int64_t>());
    // Not the contact's language until the phone's holder confirms the code.
    CHECK(q("SELECT coalesce(language, 'none') FROM contacts WHERE id = " + contact_id) == "none");
    const auto ip = next_ip();
    REQUIRE(verify(reply.json()["channel"], code_texted_to(phone), ip).status == 200);
    CHECK(q("SELECT detail FROM consent_events WHERE contact_id = " + contact_id) ==
          spanish["consentText"]);
    CHECK(q("SELECT language || ' ' || birthdate || ' ' || verified_by FROM consent_events"
            " WHERE contact_id = " +
            contact_id) == "es 1990-04-01 code");
    const auto contact = call("GET", "/api/crm/contacts/" + contact_id).json()["contact"];
    CHECK(contact["language"] == "es");
    CHECK(contact["consent"]["language"] == "es");
    CHECK(contact["consent"]["text"] == spanish["consentText"]);

    // Her opt-out in her own words is confirmed in Spanish, STOP's keyword kept in English.
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "alto por favor")).status == 200);
    CHECK(q("SELECT sms_opt_in FROM contacts WHERE id = " + contact_id) == "f");
    run_worker_once();
    const auto after = stack().twilio_creates_to(phone);
    REQUIRE(after.size() == 2);
    CHECK(after[1]["form"]["Body"][0] ==
          "Te diste de baja de los mensajes de Textus Demo y no recibirás más. Responde START "
          "para volver a escribirnos.");
}

TEST_CASE("initiate's language: absent or unknown is English, a non-tag changes nothing",
          "[initiate][language]") {
    const auto english = new_phone();
    auto body = lead(english);
    body["language"] = "fr";
    const auto reply = initiate(body);
    REQUIRE(reply.status == 201);
    CHECK(reply.json()["language"] == "en");
    const std::string sms = stack().twilio_creates_to(english)[0]["form"]["Body"][0];
    CHECK(sms.starts_with("Hi Ann, thanks for texting"));
    CHECK(sms.ends_with("\n\nReply STOP to opt out."));

    const auto phone = new_phone();
    for (const json& language : {json("es<script>"), json(5), json(true), json("-"),
                                 json(std::string(40, 'e')), json::array({"es"})}) {
        body = lead(phone);
        body["language"] = language;
        const auto refused = initiate(body);
        INFO(language.dump() << " -> " << refused.body);
        check_error(refused, 400, "invalid_language", "language");
    }
    CHECK(contacts_with(phone) == "0");
    CHECK(stack().twilio_creates_to(phone).empty());
}

TEST_CASE("the age gate: a date of birth required, the under-age refused with nothing kept",
          "[initiate][age_gate]") {
    stack().restart_handler("initiate", "AGE_GATE_YEARS=21");
    const auto form = visitor("GET", "/api/twilio/initiate").json();
    CHECK(form["ageGate"] == json{{"years", 21}});
    // Today in the business's time zone (DEFAULT_TIME_ZONE, the stack's default).
    const auto years_ago = [](const std::string& shift) {
        return q("SELECT ((now() AT TIME ZONE 'America/New_York')::date - interval '21 years' " +
                 shift + ")::date::text");
    };
    const auto exactly = years_ago("");
    const auto a_day_short = years_ago("+ interval '1 day'");

    const auto minor = new_phone();
    auto body = lead(minor);
    body["birthdate"] = a_day_short;
    const auto refused = initiate(body);
    INFO(refused.body);
    check_error(refused, 403, "under_age", "birthdate");
    CHECK(refused.json()["error"]["message"] == "You must be 21 or older to text with us");
    body.erase("birthdate");
    check_error(initiate(body), 400, "missing_field", "birthdate");
    body["birthdate"] = nullptr;
    check_error(initiate(body), 400, "missing_field", "birthdate");
    for (const auto* bad : {"2005-02-30", "tomorrow", "2999-01-01", "20050101", ""}) {
        INFO(bad);
        body["birthdate"] = bad;
        const auto reply = initiate(body);
        CHECK(reply.status == 400);
        CHECK(reply.json()["error"]["field"] == "birthdate");
    }
    // A refused minor leaves nothing behind: no contact, no chat, no consent, no text.
    CHECK(contacts_with(minor) == "0");
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + minor + "'") == "0");
    CHECK(stack().twilio_creates_to(minor).empty());

    // Born exactly 21 years ago today: of age.
    const auto adult = new_phone();
    body = lead(adult);
    body["birthdate"] = exactly;
    const auto accepted = initiate(body);
    INFO(accepted.body);
    REQUIRE(accepted.status == 201);
    CHECK(stack().twilio_creates_to(adult).size() == 1);
    const auto contact_id = std::to_string(accepted.json()["contactId"].get<int64_t>());
    REQUIRE(verify(accepted.json()["channel"], code_texted_to(adult)).status == 200);
    CHECK(q("SELECT birthdate FROM consent_events WHERE contact_id = " + contact_id) == exactly);

    stack().restart_handler("initiate");
    CHECK(visitor("GET", "/api/twilio/initiate").json()["ageGate"].is_null());
    body = lead(new_phone());
    body.erase("birthdate");
    CHECK(initiate(body).status == 201);
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

    // A STOP between the code and its confirmation stands: the code opts nothing back in.
    const auto later = new_phone();
    const auto reply_later = initiate(lead(later));
    REQUIRE(reply_later.status == 201);
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), later, "STOP")).status == 200);
    check_error(verify(reply_later.json()["channel"], code_texted_to(later)), 409, "opted_out", "");
    CHECK(q("SELECT sms_opt_in FROM contacts WHERE phone = '" + later + "'") == "f");
    CHECK(q("SELECT count(*) FROM consent_events WHERE phone = '" + later +
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
    CHECK(q("SELECT count(*) FROM chats c JOIN contacts ON contacts.id = c.contact_id"
            " WHERE phone = '" +
            phone + "'") == "1");
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
    // Nothing went to Twilio for it (only the code did), and staff see both unread.
    CHECK(stack().twilio_creates_to(ann.json()["phoneNumber"]).size() == 1);
    const auto id = std::to_string(ann.json()["contactId"].get<int64_t>());
    CHECK(q("SELECT count(*) FROM messages WHERE contact_id = " + id +
            " AND direction = 'inbound' AND read_at IS NULL") == "2");

    const auto history = visitor("GET", ann_chat);
    REQUIRE(history.status == 200);
    const auto& messages = history.json()["messages"];
    REQUIRE(messages.size() == 2);  // oldest first, Bob's not among them
    CHECK(messages[0]["body"] == "Ann's question");
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

TEST_CASE("a confirmed chat sees SMS replies, staff replies and statuses live", "[initiate]") {
    const auto live = started(lead(new_phone(), "Live please"));
    const auto other = started(lead(new_phone(), "Quiet"));
    const auto phone = live["phoneNumber"].get<std::string>();
    const auto url = live["subscribeUrl"].get<std::string>();

    const auto sent_at = std::chrono::steady_clock::now();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), phone, "And by SMS")).status == 200);
    const auto sms = poll_until(url, [](const json& m) { return m["body"] == "And by SMS"; });
    REQUIRE(sms);
    CHECK(std::chrono::steady_clock::now() - sent_at < std::chrono::seconds(1));
    CHECK((*sms)["direction"] == "inbound");

    REQUIRE(stack()
                .request("POST", "/api/crm/sms/send",
                         json{{"contactId", live["contactId"]}, {"body", "Yes: 6 pm"}}.dump())
                .status == 201);
    // The simulator calls back queued, sent, delivered: the chat sees the reply delivered.
    const auto delivered = poll_until(
        url, [](const json& m) { return m["body"] == "Yes: 6 pm" && m["status"] == "delivered"; });
    REQUIRE(delivered);
    CHECK((*delivered)["direction"] == "outbound");

    // Another chat hears only its own conversation.
    const auto quiet = other["channel"].get<std::string>();
    REQUIRE(visitor("POST", chat_path(quiet), {{"body", "quiet marker"}}).status == 201);
    const auto heard = heard_until(other["subscribeUrl"],
                                   [](const json& m) { return m["body"] == "quiet marker"; });
    CHECK_FALSE(has_body(heard, "Live please"));
    CHECK_FALSE(has_body(heard, "And by SMS"));
    CHECK_FALSE(has_body(heard, "Yes: 6 pm"));
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
    const auto reply = started(lead(phone, "Secret anniversary plans"));
    const auto channel = reply["channel"].get<std::string>();
    const auto code = code_texted_to(phone);
    REQUIRE(visitor("POST", chat_path(channel), {{"body", "More secret plans"}}).status == 201);
    for (const auto* file : {"/log/initiate.log", "/log/nginx-access.log"}) {
        // Without the request ids: 32 random hex digits, where six digits turn up by chance.
        const auto log = std::regex_replace(read_file(stack().state_dir + file),
                                            std::regex("rid=[0-9a-f]{32}"), "rid=");
        INFO(file);
        CHECK(log.find(phone) == std::string::npos);
        CHECK(log.find(phone.substr(2)) == std::string::npos);
        CHECK(log.find("Secret anniversary") == std::string::npos);
        CHECK(log.find("More secret") == std::string::npos);
        CHECK(log.find("ann@example.com") == std::string::npos);
        CHECK(log.find(channel) == std::string::npos);
        CHECK(log.find(code) == std::string::npos);
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
    // Not before the code: whoever typed the number may not hold it.
    const auto unconfirmed = initiate(lead(phone));
    REQUIRE(unconfirmed.status == 201);
    CHECK(customers_with(phone).empty());
    REQUIRE(verify(unconfirmed.json()["channel"], code_texted_to(phone)).status == 200);
    auto found = customers_with(phone);
    REQUIRE(found.size() == 1);
    CHECK(found[0]["metaData"]["source"] == "sms_chatbot");
    CHECK(found[0]["metaData"]["sms_enrolled"] == "true");
    CHECK(commerce7_state(phone) == "synced " + found[0]["id"].get<std::string>());
    // The same visitor again: the customer is found, not made twice.
    started(lead(phone, "Again"));
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
    started(body);
    found = customers_with(by_email);
    REQUIRE(found.size() == 1);
    CHECK(found[0]["firstName"] == "Kim");
}

TEST_CASE("Commerce7 down: the lead is kept, and the sync later makes one customer", "[initiate]") {
    const auto phone = new_phone();
    commerce7("POST", "/sim/fail", {{"count", 100}, {"status", 503}});
    started(lead(phone));  // the code confirmed all the same
    commerce7("DELETE", "/sim/fail");
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

TEST_CASE("Commerce7 down at the code: the resident worker syncs the lead once it is back",
          "[initiate]") {
    const auto phone = new_phone();
    commerce7("POST", "/sim/fail", {{"count", 100}, {"status", 503}});
    started(lead(phone));
    commerce7("DELETE", "/sim/fail");
    REQUIRE(commerce7_state(phone) == "pending -");
    // Nobody runs commerce7-sync by hand: the worker owns the waiting lead.
    Worker worker;
    for (int i = 0; i < 250 && commerce7_state(phone) == "pending -"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO(worker.log());
    const auto found = customers_with(phone);
    REQUIRE(found.size() == 1);
    CHECK(commerce7_state(phone) == "synced " + found[0]["id"].get<std::string>());
    CHECK(worker.log().find(phone.substr(2)) == std::string::npos);
}

TEST_CASE("the database refusing the Commerce7 outcome still confirms the visitor's code",
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
    const auto confirmed = verify(reply.json()["channel"], code_texted_to(phone));
    q("DROP TRIGGER test_refuse_c7 ON contacts; DROP FUNCTION test_refuse_c7(); SELECT 1");
    INFO(confirmed.body);
    CHECK(reply.status == 201);
    CHECK(confirmed.status == 200);
    CHECK(stack().twilio_creates_to(phone).size() == 1);
    CHECK(q("SELECT status || '|' || (sid IS NOT NULL) FROM messages WHERE to_number = '" + phone +
            "'") != "queued|false");
    CHECK(commerce7_state(phone) == "pending -");
}

TEST_CASE("a chat subscriber that comes back gets exactly what it missed", "[initiate]") {
    // No status callbacks: the chat hears only the texts below.
    stack().twilio_sim("POST", "/sim/callbacks", {{"enabled", false}});
    const auto resumed = started(lead(new_phone(), "Resume me"));
    const auto phone = resumed["phoneNumber"].get<std::string>();
    const auto url = resumed["subscribeUrl"].get<std::string>();
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
