// /api/crm/sms/templates through nginx, and a send from a template: each recipient gets the
// body rendered with their own names, and a bad template changes nothing.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/integration/api.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using namespace textus::test;

namespace {

// A name no other test uses.
std::string unique(const std::string& name) {
    return name + " " + new_sid("T").substr(0, 12);
}

int64_t create_template(const std::string& name, const std::string& body) {
    const auto reply = call("POST", "/api/crm/sms/templates", {{"name", name}, {"body", body}});
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    return reply.json()["template"]["id"].get<int64_t>();
}

// An opted-in contact staff created: its id.
int64_t opted_in(const json& names, const std::string& phone) {
    auto body = names;
    body["phone"] = phone;
    body["smsOptIn"] = true;
    const auto reply = call("POST", "/api/crm/contacts", body);
    INFO(reply.body);
    REQUIRE(reply.status == 201);
    return reply.json()["contact"]["id"].get<int64_t>();
}

}  // namespace

TEST_CASE("the local stack starts with the example templates", "[templates]") {
    const auto all = call("GET", "/api/crm/sms/templates");
    std::vector<std::string> names;
    for (const auto& t : all.json()["templates"]) names.push_back(t["name"].get<std::string>());
    for (const auto* example :
         {"New listing alert", "Open house reminder", "Price drop", "Wine club pick-up ready"}) {
        CHECK(std::count(names.begin(), names.end(), example) == 1);
    }
}

TEST_CASE("templates: create, list, read, replace and delete", "[templates]") {
    const auto name = unique("Open house reminder");
    const auto created = call("POST", "/api/crm/sms/templates",
                              {{"name", name}, {"body", "Hi {firstName}, open house Sunday!"}});
    REQUIRE(created.status == 201);
    const auto t = created.json()["template"];
    CHECK(t["name"] == name);
    CHECK(t["variables"] == json::array({"firstName"}));
    const auto id = std::to_string(t["id"].get<int64_t>());

    bool listed = false;
    const auto all = call("GET", "/api/crm/sms/templates");
    for (const auto& item : all.json()["templates"]) {
        listed = listed || item["name"] == name;
    }
    CHECK(listed);
    CHECK(call("GET", "/api/crm/sms/templates/" + id).json()["template"]["body"] ==
          "Hi {firstName}, open house Sunday!");

    const auto replaced = call("PUT", "/api/crm/sms/templates/" + id,
                               {{"name", name}, {"body", "{agent} says: open house Sunday"}});
    CHECK(replaced.status == 200);
    CHECK(replaced.json()["template"]["variables"] == json::array({"agent"}));

    CHECK(call("DELETE", "/api/crm/sms/templates/" + id).status == 200);
    check_error(call("GET", "/api/crm/sms/templates/" + id), 404, "not_found", "");
    check_error(call("DELETE", "/api/crm/sms/templates/" + id), 404, "not_found", "");
}

TEST_CASE("templates: bad writes change nothing", "[templates]") {
    const auto before = q("SELECT count(*) FROM sms_templates");
    check_error(call("POST", "/api/crm/sms/templates",
                     {{"name", unique("Typo")}, {"body", "Hi {first_name}!"}}),
                400, "unknown_variable", "body");
    check_error(call("POST", "/api/crm/sms/templates", {{"body", "Hi"}}), 400, "missing_field",
                "name");
    check_error(call("POST", "/api/crm/sms/templates",
                     {{"name", unique("Nul")}, {"body", std::string("a\0b", 3)}}),
                400, "invalid_field", "body");
    check_error(call("POST", "/api/crm/sms/templates",
                     {{"name", unique("Long")}, {"body", std::string(1601, 'x')}}),
                400, "invalid_field", "body");
    CHECK(q("SELECT count(*) FROM sms_templates") == before);

    const auto name = unique("Price drop");
    const auto id = std::to_string(create_template(name, "New price!"));
    // Names are unique whatever their case, on create and on rename.
    check_error(call("POST", "/api/crm/sms/templates", {{"name", name}, {"body", "x"}}), 409,
                "duplicate_name", "name");
    const auto other = std::to_string(create_template(unique("Other"), "x"));
    std::string shouted = name;
    for (auto& ch : shouted) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    check_error(call("PUT", "/api/crm/sms/templates/" + other, {{"name", shouted}, {"body", "y"}}),
                409, "duplicate_name", "name");
    check_error(call("PUT", "/api/crm/sms/templates/" + id, {{"name", name}, {"body", "{nope}"}}),
                400, "unknown_variable", "body");
    CHECK(q("SELECT body FROM sms_templates WHERE id = " + id) == "New price!");
    CHECK(q("SELECT body FROM sms_templates WHERE id = " + other) == "x");
    CHECK(stack().request("GET", "/api/crm/sms/templates", "", "").status == 401);
}

TEST_CASE("a send from a template renders each recipient's names, without doubled spaces",
          "[templates]") {
    const auto id = create_template(unique("Wine club"),
                                    "Hi {firstName} {lastName}, your {businessName} pick-up is "
                                    "ready. {agent}");
    const auto ann_phone = new_phone();
    const auto ann = opted_in(
        {{"firstName", "Ann"}, {"lastName", "Lee"}, {"assignedAgent", "Maria"}}, ann_phone);
    const auto sent = call("POST", "/api/crm/sms/send", {{"contactId", ann}, {"templateId", id}});
    INFO(sent.body);
    REQUIRE(sent.status == 201);
    const auto creates = stack().twilio_creates_to(ann_phone);
    REQUIRE(creates.size() == 1);
    const auto body = creates[0]["form"]["Body"][0].get<std::string>();
    CHECK(body.starts_with("Hi Ann Lee, your Textus Demo pick-up is ready. Maria"));

    // A contact made by texting in has no names: "Hi, your ... ready." and nothing after it.
    const auto bare_phone = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), bare_phone, "hello")).status == 200);
    const auto bare = q("SELECT id FROM contacts WHERE phone = '" + bare_phone + "'");
    REQUIRE(call("POST", "/api/crm/sms/send", {{"contactId", std::stoll(bare)}, {"templateId", id}})
                .status == 201);
    const auto bare_creates = stack().twilio_creates_to(bare_phone);
    REQUIRE(bare_creates.size() == 1);
    CHECK(bare_creates[0]["form"]["Body"][0].get<std::string>().starts_with(
        "Hi, your Textus Demo pick-up is ready.\n\n"));
}

TEST_CASE("a send from a template follows the send rules, and refuses what it cannot render",
          "[templates]") {
    const auto id = create_template(unique("Only a name"), "{firstName}");
    // Not opted in: 403 before anything goes, as for any send.
    const auto phone = new_phone();
    const auto reply = call("POST", "/api/crm/contacts",
                            {{"firstName", "Bo"}, {"lastName", "Ek"}, {"phone", phone}});
    REQUIRE(reply.status == 201);
    const auto contact = reply.json()["contact"]["id"].get<int64_t>();
    check_error(call("POST", "/api/crm/sms/send", {{"contactId", contact}, {"templateId", id}}),
                403, "no_consent", "");

    // Renders empty for a contact without a first name.
    const auto nameless_phone = new_phone();
    REQUIRE(post("/api/twilio/webhook", inbound(new_sid(), nameless_phone, "hi")).status == 200);
    const auto nameless =
        std::stoll(q("SELECT id FROM contacts WHERE phone = '" + nameless_phone + "'"));
    const auto messages = q("SELECT count(*) FROM messages");
    check_error(call("POST", "/api/crm/sms/send", {{"contactId", nameless}, {"templateId", id}}),
                400, "empty_body", "templateId");
    check_error(
        call("POST", "/api/crm/sms/send", {{"contactId", nameless}, {"templateId", 999999999}}),
        404, "template_not_found", "templateId");
    check_error(call("POST", "/api/crm/sms/send",
                     {{"contactId", nameless}, {"templateId", id}, {"body", "x"}}),
                400, "invalid_field", "templateId");
    check_error(call("POST", "/api/crm/sms/send", {{"contactId", nameless}, {"templateId", "1"}}),
                400, "invalid_field", "templateId");
    CHECK(q("SELECT count(*) FROM messages") == messages);
    CHECK(stack().twilio_creates_to(nameless_phone).empty());
}
