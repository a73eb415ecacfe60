// /api/crm/contacts through nginx, the real handler and PostgreSQL.
#include <catch2/catch.hpp>
#include <string>

#include "tests/integration/stack.h"
#include "tests/integration/twilio_post.h"

using nlohmann::json;
using textus::test::new_phone;
using textus::test::new_phones;
using textus::test::Reply;
using textus::test::Stack;

namespace {

Stack& stack() {
    return Stack::get();
}

// Everything a contacts request may change; equal before and after means nothing changed.
std::string database_state() {
    return stack().query(
        "SELECT md5(coalesce((SELECT string_agg(c::text, '|' ORDER BY id) FROM contacts c), '')"
        " || coalesce((SELECT string_agg(e::text, '|' ORDER BY id) FROM consent_events e), ''))");
}

json new_contact(const std::string& first = "Ann", const std::string& phone = new_phone()) {
    return {{"firstName", first}, {"lastName", "Lee"}, {"phone", phone}};
}

Reply create(const json& body) {
    return stack().request("POST", "/api/crm/contacts", body.dump());
}

int64_t create_id(const json& body) {
    const auto reply = create(body);
    REQUIRE(reply.status == 201);
    return reply.json()["contact"]["id"].get<int64_t>();
}

void check_error(const Reply& reply, int status, const std::string& code,
                 const std::string& field = "") {
    INFO(reply.body);
    CHECK(reply.status == status);
    CHECK(reply.headers.at("Content-Type").starts_with("application/json"));
    const auto body = reply.json();
    CHECK(body["success"] == false);
    CHECK(body["error"]["code"] == code);
    CHECK(body["error"]["message"].is_string());
    if (!field.empty()) CHECK(body["error"]["field"] == field);
}

}  // namespace

TEST_CASE("POST creates a contact and GET reads it back") {
    const auto phone = new_phone();  // typed as a person would: (619) 555-1234
    json body = new_contact(
        "Maria", "(" + phone.substr(2, 3) + ") " + phone.substr(5, 3) + "-" + phone.substr(8));
    body.update({{"email", "maria@example.com"},
                 {"tags", {"wine club"}},
                 {"status", "qualified"},
                 {"birthdate", "1980-02-29"}});
    const auto created = create(body);
    INFO(created.body);
    REQUIRE(created.status == 201);
    const auto contact = created.json()["contact"];
    CHECK(created.json()["success"] == true);
    CHECK(contact["phone"] == phone);
    CHECK(contact["email"] == "maria@example.com");
    CHECK(contact["tags"] == json{"wine club"});
    CHECK(contact["birthdate"] == "1980-02-29");
    CHECK(contact["smsOptIn"] == false);
    CHECK(contact["consent"].is_null());
    CHECK(contact["createdAt"].get<std::string>().ends_with("Z"));

    const auto id = contact["id"].get<int64_t>();
    const auto read = stack().request("GET", "/api/crm/contacts/" + std::to_string(id));
    REQUIRE(read.status == 200);
    CHECK(read.json()["contact"] == contact);
    CHECK(stack().query("SELECT phone FROM contacts WHERE id = " + std::to_string(id)) == phone);
}

TEST_CASE("GET lists with search by name, email and phone digits, filters and pagination") {
    const auto tag = "Zebulon" + std::to_string(std::rand());
    const auto phones = new_phones(2);  // alone in sharing their first nine digits
    const auto a =
        create_id(new_contact(tag, "+1 (" + phones[0].substr(2, 3) + ") " + phones[0].substr(5, 3) +
                                       "-" + phones[0].substr(8)));
    json b = new_contact(tag, phones[1]);
    b.update({{"email", "z.b@vineyard.example"}, {"status", "client"}, {"smsOptIn", true}});
    const auto b_id = create_id(b);

    const auto by_name = stack().request("GET", "/api/crm/contacts?search=" + tag);
    REQUIRE(by_name.status == 200);
    const auto page = by_name.json();
    CHECK(page["pagination"] == json{{"total", 2}, {"limit", 50}, {"skip", 0}, {"hasMore", false}});
    CHECK(page["contacts"][0]["id"] == b_id);  // newest first
    CHECK(page["contacts"][1]["id"] == a);

    const auto by_digits =
        stack().request("GET", "/api/crm/contacts?search=" + phones[0].substr(2, 3) + "-" +
                                   phones[0].substr(5, 3) + "-" + phones[0].substr(8, 3));
    CHECK(by_digits.json()["pagination"]["total"] == 2);
    const auto by_email = stack().request("GET", "/api/crm/contacts?search=VINEYARD.example");
    CHECK(by_email.json()["contacts"][0]["id"] == b_id);
    const auto by_status =
        stack().request("GET", "/api/crm/contacts?search=" + tag + "&status=client");
    CHECK(by_status.json()["pagination"]["total"] == 1);
    const auto opted_in = stack().request("GET", "/api/crm/contacts?search=" + tag + "&optIn=true");
    CHECK(opted_in.json()["contacts"][0]["id"] == b_id);
    const auto opted_out =
        stack().request("GET", "/api/crm/contacts?search=" + tag + "&optIn=false");
    CHECK(opted_out.json()["contacts"][0]["id"] == a);

    const auto first = stack().request("GET", "/api/crm/contacts?search=" + tag + "&limit=1");
    CHECK(first.json()["pagination"]["hasMore"] == true);
    CHECK(first.json()["contacts"].size() == 1);
    const auto second =
        stack().request("GET", "/api/crm/contacts?search=" + tag + "&limit=1&skip=1");
    CHECK(second.json()["pagination"]["hasMore"] == false);
    CHECK(second.json()["contacts"][0]["id"] == a);
    const auto none = stack().request("GET", "/api/crm/contacts?search=nobody-matches-this");
    CHECK(none.json()["contacts"] == json::array());
    CHECK(none.json()["pagination"]["total"] == 0);
}

TEST_CASE("PUT replaces, PATCH changes named fields, DELETE removes") {
    json body = new_contact("Pat");
    body.update({{"notes", "first note"}, {"email", "pat@example.com"}});
    const auto id = std::to_string(create_id(body));
    const auto path = "/api/crm/contacts/" + id;
    const auto other_phone = new_phone();

    const auto patched = stack().request("PATCH", path, R"({"status":"contacted"})");
    REQUIRE(patched.status == 200);
    CHECK(patched.json()["contact"]["status"] == "contacted");
    CHECK(patched.json()["contact"]["notes"] == "first note");

    const auto replaced = stack().request(
        "PUT", path,
        json{{"firstName", "Patricia"}, {"lastName", "Lee"}, {"phone", other_phone}}.dump());
    REQUIRE(replaced.status == 200);
    const auto contact = replaced.json()["contact"];
    CHECK(contact["firstName"] == "Patricia");
    CHECK(contact["phone"] == other_phone);
    CHECK(contact["notes"] == "");
    CHECK(contact["email"].is_null());
    CHECK(contact["status"] == "new");

    const auto deleted = stack().request("DELETE", path);
    REQUIRE(deleted.status == 200);
    CHECK(deleted.json() == json{{"success", true}, {"id", std::stoll(id)}});
    check_error(stack().request("GET", path), 404, "not_found");
    CHECK(stack().query("SELECT count(*) FROM contacts WHERE id = " + id) == "0");
}

TEST_CASE("smsOptIn changes are recorded as consent events") {
    json body = new_contact("Olive");
    body["smsOptIn"] = true;
    const auto created = create(body);
    REQUIRE(created.status == 201);
    const auto contact = created.json()["contact"];
    const auto id = std::to_string(contact["id"].get<int64_t>());
    CHECK(contact["smsOptIn"] == true);
    CHECK(contact["consent"]["source"] == "staff");
    CHECK(stack().query("SELECT string_agg(kind || '/' || source, ',' ORDER BY id)"
                        " FROM consent_events WHERE contact_id = " +
                        id) == "opt_in/staff");

    const auto out = stack().request("PATCH", "/api/crm/contacts/" + id, R"({"smsOptIn":false})");
    REQUIRE(out.status == 200);
    CHECK(out.json()["contact"]["smsOptIn"] == false);
    CHECK(out.json()["contact"]["optedOutAt"].is_string());
    // PATCH without smsOptIn and PUT without it leave opt-in alone and write no event.
    stack().request("PATCH", "/api/crm/contacts/" + id, R"({"notes":"x"})");
    CHECK(stack().query("SELECT string_agg(kind, ',' ORDER BY id) FROM consent_events"
                        " WHERE contact_id = " +
                        id) == "opt_in,opt_out");

    // The consent log is append-only and outlives the contact, keyed by phone.
    CHECK_THROWS(
        stack().query("UPDATE consent_events SET kind = 'opt_in' WHERE contact_id = " + id));
    CHECK_THROWS(stack().query("DELETE FROM consent_events WHERE contact_id = " + id));
    REQUIRE(stack().request("DELETE", "/api/crm/contacts/" + id).status == 200);
    CHECK(stack().query("SELECT string_agg(kind || '/' || coalesce(contact_id::text, 'null'), ','"
                        " ORDER BY id) FROM consent_events WHERE phone = '" +
                        contact["phone"].get<std::string>() + "'") == "opt_in/null,opt_out/null");
}

TEST_CASE("SQL in strings is stored verbatim and harms nothing") {
    const std::string evil = "Robert'); DROP TABLE contacts; --";
    json body = new_contact(evil);
    body["notes"] = "' OR 1=1; --";
    const auto id = std::to_string(create_id(body));
    const auto read = stack().request("GET", "/api/crm/contacts/" + id).json()["contact"];
    CHECK(read["firstName"] == evil);
    CHECK(read["notes"] == "' OR 1=1; --");
    const auto search = stack().request("GET", "/api/crm/contacts?search=%27%29%3B%20DROP");
    CHECK(search.status == 200);
    CHECK(search.json()["pagination"]["total"].get<int>() >= 1);
    CHECK(stack().query("SELECT to_regclass('contacts')::text") == "contacts");
}

TEST_CASE("bad input gets the exact error and changes nothing") {
    const auto existing_phone = new_phone();
    const auto existing = std::to_string(create_id(new_contact("Dup", existing_phone)));
    const auto before = database_state();
    const auto path = "/api/crm/contacts/" + existing;

    check_error(stack().request("POST", "/api/crm/contacts", "{\"firstName\": "), 400,
                "invalid_json");
    check_error(stack().request("POST", "/api/crm/contacts", "[1,2,3]"), 400, "invalid_json");
    check_error(create({{"firstName", 42}, {"lastName", "Lee"}, {"phone", new_phone()}}), 400,
                "invalid_field", "firstName");
    check_error(create({{"firstName", "A"}, {"lastName", "Lee"}, {"phone", 7605551234}}), 400,
                "invalid_field", "phone");
    check_error(create(json{{"lastName", "Lee"}, {"phone", new_phone()}}), 400, "missing_field",
                "firstName");
    check_error(create(json{{"firstName", "A"}, {"lastName", "Lee"}}), 400, "missing_field",
                "phone");
    check_error(create(new_contact("A", "555-1234")), 400, "invalid_phone", "phone");
    auto bad_email = new_contact();
    bad_email["email"] = "not-an-email";
    check_error(create(bad_email), 400, "invalid_email", "email");
    auto bad_status = new_contact();
    bad_status["status"] = "vip";
    check_error(create(bad_status), 400, "invalid_status", "status");
    auto bad_tags = new_contact();
    bad_tags["tags"] = "vip";
    check_error(create(bad_tags), 400, "invalid_tags", "tags");
    auto bad_birthdate = new_contact();
    bad_birthdate["birthdate"] = "1990-02-30";
    check_error(create(bad_birthdate), 400, "invalid_birthdate", "birthdate");
    check_error(create(new_contact("Again", existing_phone)), 409, "duplicate_phone", "phone");

    auto huge = new_contact();
    huge["notes"] = std::string(70 * 1024, 'x');
    check_error(create(huge), 413, "payload_too_large");
    check_error(
        stack().request("POST", "/api/crm/contacts", new_contact().dump(), "<staff>", "text/plain"),
        415, "unsupported_media_type");
    const auto wrong_method = stack().request("PUT", "/api/crm/contacts", new_contact().dump());
    check_error(wrong_method, 405, "method_not_allowed");
    CHECK(wrong_method.headers.at("Allow") == "GET, HEAD, POST");
    CHECK(stack().request("POST", path, "{}").headers.at("Allow") ==
          "GET, HEAD, PUT, PATCH, DELETE");

    check_error(stack().request("PATCH", path, R"({"phone":"bad"})"), 400, "invalid_phone");
    check_error(stack().request("PUT", path, R"({"firstName":"OnlyName"})"), 400, "missing_field");
    check_error(stack().request("PATCH", "/api/crm/contacts/999999999", R"({"notes":"x"})"), 404,
                "not_found");
    check_error(stack().request("DELETE", "/api/crm/contacts/999999999"), 404, "not_found");
    check_error(stack().request("GET", "/api/crm/contacts/abc"), 400, "invalid_id", "id");
    check_error(stack().request("GET", "/api/crm/contacts/1;DROP"), 400, "invalid_id", "id");
    check_error(stack().request("GET", "/api/crm/contacts?limit=0"), 400, "invalid_query", "limit");
    check_error(stack().request("GET", "/api/crm/contacts?status=vip"), 400, "invalid_status");

    const auto other = create_id(new_contact("Other"));
    const auto after_other = database_state();
    check_error(stack().request("PATCH", "/api/crm/contacts/" + std::to_string(other),
                                json{{"phone", existing_phone}}.dump()),
                409, "duplicate_phone", "phone");
    CHECK(database_state() == after_other);
    stack().request("DELETE", "/api/crm/contacts/" + std::to_string(other));
    CHECK(database_state() == before);
}

TEST_CASE("every contacts route needs a valid, unrevoked staff key") {
    const auto id = std::to_string(create_id(new_contact("Keyed")));
    const auto before = database_state();
    const std::pair<std::string, std::string> routes[] = {
        {"GET", "/api/crm/contacts"},         {"POST", "/api/crm/contacts"},
        {"GET", "/api/crm/contacts/" + id},   {"PUT", "/api/crm/contacts/" + id},
        {"PATCH", "/api/crm/contacts/" + id}, {"DELETE", "/api/crm/contacts/" + id}};
    const auto revoked = stack().admin("create-key revoked-for-test");
    REQUIRE(revoked.exit_code == 0);
    const auto revoked_key = revoked.output.substr(0, revoked.output.find('\n'));
    REQUIRE(stack().request("GET", "/api/crm/contacts", "", revoked_key).status == 200);
    REQUIRE(stack().admin("revoke-key revoked-for-test").exit_code == 0);

    const auto forged = "tx_" + std::string(64, 'a');
    for (const auto& [method, path] : routes) {
        for (const auto& key :
             {std::string(), std::string("wrong"), forged, revoked_key, stack().staff_key + "0"}) {
            INFO(method << " " << path << " key=" << key.size());
            const auto reply = stack().request(method, path, new_contact().dump(), key);
            check_error(reply, 401, "unauthorized");
            CHECK(reply.headers.at("WWW-Authenticate") == "Bearer");
        }
    }
    CHECK(database_state() == before);
}

TEST_CASE("nginx answers unknown API routes with a JSON 404") {
    const auto reply = stack().request("GET", "/api/no/such/thing");
    CHECK(reply.status == 404);
    CHECK(reply.json()["error"]["code"] == "not_found");
}
