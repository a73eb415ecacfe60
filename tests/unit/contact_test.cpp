#include "common/contacts/contact.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;
using namespace textus::contacts;
using nlohmann::json;

namespace {

const json kValid = {{"firstName", "Ann"}, {"lastName", "Lee"}, {"phone", "(760) 555-1234"}};

json with(json body, const std::string& key, json value) {
    body[key] = std::move(value);
    return body;
}

HttpError error_of(const json& body, Contact base = {}) {
    try {
        apply_json(body, std::move(base), "US");
    } catch (const HttpError& e) {
        return e;
    }
    FAIL("accepted " << body.dump());
    return HttpError(0, "", "");
}

HttpError write_error_of(const json& body, const Contact* stored = nullptr) {
    try {
        apply_write(body, stored, false, "US");
    } catch (const HttpError& e) {
        return e;
    }
    FAIL("accepted " << body.dump());
    return HttpError(0, "", "");
}

}  // namespace

TEST_CASE("apply_json builds a contact with defaults and an E.164 phone") {
    const auto c = apply_json(kValid, {}, "US");
    CHECK(c.first_name == "Ann");
    CHECK(c.phone == "+17605551234");
    CHECK(c.status == "new");
    CHECK(c.source == "staff");
    CHECK_FALSE(c.sms_opt_in);
    CHECK_FALSE(c.email);
}

TEST_CASE("apply_json accepts every writable field") {
    json body = kValid;
    body.update({{"email", " ann@example.com "},
                 {"birthdate", "1985-04-23"},
                 {"status", "qualified"},
                 {"tags", {"vip", " wine club ", "vip", ""}},
                 {"notes", "Robert'); DROP TABLE contacts;--"},
                 {"smsOptIn", true},
                 {"address", {{"street", "1 Vine St"}, {"city", "Napa"}}},
                 {"preferences", {{"emailOptIn", true}, {"preferredContactMethod", "sms"}}},
                 {"interests", {{"buying", true}, {"priceRange", {{"min", 100000}}}}},
                 {"assignedAgent", "Dana"},
                 {"lastContactAt", "2026-11-20T10:00:00Z"},
                 {"lastContactMethod", "in-person"},
                 {"id", 999},
                 {"createdAt", "ignored"}});
    const auto c = apply_json(body, {}, "US");
    CHECK(c.email == "ann@example.com");
    CHECK(c.birthdate == "1985-04-23");
    CHECK(c.status == "qualified");
    CHECK(c.tags == std::vector<std::string>{"vip", "wine club"});
    CHECK(c.notes == "Robert'); DROP TABLE contacts;--");
    CHECK(c.sms_opt_in);
    CHECK(c.address ==
          json{{"street", "1 Vine St"}, {"city", "Napa"}, {"state", nullptr}, {"zip", nullptr}});
    CHECK(c.email_opt_in);
    CHECK_FALSE(c.call_opt_in);
    CHECK(c.preferred_contact_method == "sms");
    CHECK(c.interests["buying"] == true);
    CHECK(c.interests["selling"] == false);
    CHECK(c.interests["priceRange"] == json{{"min", 100000}, {"max", nullptr}});
    CHECK(c.assigned_agent == "Dana");
    CHECK(c.last_contact_method == "in-person");
    CHECK(c.id == 0);
    CHECK(c.created_at.empty());
}

TEST_CASE("apply_json changes only the named fields of the base (PATCH)") {
    auto base = apply_json(with(kValid, "notes", "keep"), {}, "US");
    const auto c = apply_json({{"status", "client"}}, base, "US");
    CHECK(c.status == "client");
    CHECK(c.notes == "keep");
    CHECK(c.phone == "+17605551234");
    base.email = "ann@example.com";
    CHECK(apply_json({{"email", nullptr}}, base, "US").email == std::nullopt);
    CHECK(apply_json({{"email", ""}}, base, "US").email == std::nullopt);
}

TEST_CASE("apply_write: PUT clears what staff edit but keeps SMS opt-in and source") {
    auto stored = apply_json(with(with(kValid, "smsOptIn", true), "notes", "old"), {}, "US");
    stored.id = 5;
    stored.source = "web";
    const auto put = apply_write(kValid, &stored, true, "US");
    CHECK(put.sms_opt_in);
    CHECK(put.source == "web");
    CHECK(put.notes.empty());
    CHECK(consent_change(&stored, put) == ConsentChange::none);
    const auto out = apply_write(with(kValid, "smsOptIn", false), &stored, true, "US");
    CHECK_FALSE(out.sms_opt_in);
    CHECK(consent_change(&stored, out) == ConsentChange::opt_out);
    CHECK(apply_write(with(kValid, "source", "import"), &stored, true, "US").source == "import");
    const auto patched = apply_write({{"notes", "new"}}, &stored, false, "US");
    CHECK(patched.notes == "new");
    CHECK(patched.source == "web");
    CHECK(consent_change(&stored, patched) == ConsentChange::none);
}

TEST_CASE("apply_write: consent belongs to a number") {
    auto stored = apply_json(with(kValid, "smsOptIn", true), {}, "US");
    stored.id = 5;
    const auto moved = apply_write({{"phone", "+1 619 555 0100"}}, &stored, false, "US");
    CHECK(moved.phone == "+16195550100");
    CHECK_FALSE(moved.sms_opt_in);
    CHECK(consent_change(&stored, moved) == ConsentChange::phone_changed);
    const auto consented =
        apply_write({{"phone", "+1 619 555 0100"}, {"smsOptIn", true}}, &stored, false, "US");
    CHECK(consented.sms_opt_in);
    CHECK(consent_change(&stored, consented) == ConsentChange::opt_in);
    // The same number written differently is no change.
    const auto same = apply_write({{"phone", "(760) 555-1234"}}, &stored, false, "US");
    CHECK(same.sms_opt_in);
    CHECK(consent_change(&stored, same) == ConsentChange::none);
    const auto created = apply_write(with(kValid, "smsOptIn", true), nullptr, false, "US");
    CHECK(consent_change(nullptr, created) == ConsentChange::opt_in);
    CHECK(consent_change(nullptr, apply_write(kValid, nullptr, false, "US")) ==
          ConsentChange::none);
}

TEST_CASE("apply_write names the missing required field") {
    for (const char* field : {"firstName", "lastName", "phone"}) {
        json body = kValid;
        body.erase(field);
        const auto e = write_error_of(body);
        CHECK(e.code == "missing_field");
        CHECK(e.field == field);
        CHECK(write_error_of(with(kValid, field, "  ")).field == field);
    }
}

TEST_CASE("apply_write lets a contact without names (from an inbound SMS) keep none") {
    Contact from_sms;
    from_sms.id = 9;
    from_sms.phone = "+17605551234";
    from_sms.source = "sms";
    CHECK(apply_write({{"notes", "called back"}}, &from_sms, false, "US").notes == "called back");
    CHECK(apply_write({{"phone", "+17605551234"}}, &from_sms, true, "US").first_name.empty());
    const auto named = apply_write({{"firstName", "Ann"}}, &from_sms, false, "US");
    CHECK(named.first_name == "Ann");
    CHECK(write_error_of({{"firstName", " "}}, &named).field == "firstName");
}

TEST_CASE("apply_json refuses wrong JSON types with the field's name") {
    const std::pair<const char*, json> cases[] = {
        {"firstName", 5},         {"lastName", nullptr},        {"phone", 7605551234},
        {"email", true},          {"smsOptIn", "yes"},          {"notes", json::array()},
        {"address", "1 Vine St"}, {"preferences", nullptr},     {"interests", 3},
        {"birthdate", 19850423},  {"lastContactAt", 1700000000}};
    for (const auto& [field, value] : cases) {
        const auto e = error_of(with(kValid, field, value));
        CHECK(e.status == 400);
        CHECK(e.field == field);
    }
}

TEST_CASE("apply_json refuses invalid values with specific codes") {
    CHECK(error_of(with(kValid, "phone", "555-1234")).code == "invalid_phone");
    CHECK(error_of(with(kValid, "phone", "not a phone")).code == "invalid_phone");
    for (const char* email : {"ann", "ann@", "@example.com", "ann@example", "a b@example.com"}) {
        CHECK(error_of(with(kValid, "email", email)).code == "invalid_email");
    }
    CHECK(error_of(with(kValid, "status", "vip")).code == "invalid_status");
    for (const char* date :
         {"1985-13-01", "1985-02-30", "85-04-23", "1985/04/23", "2999-01-01", "1850-01-01"}) {
        CHECK(error_of(with(kValid, "birthdate", date)).code == "invalid_birthdate");
    }
    CHECK(error_of(with(kValid, "tags", "vip")).code == "invalid_tags");
    CHECK(error_of(with(kValid, "tags", json{"vip", 3})).code == "invalid_tags");
    CHECK(error_of(with(kValid, "lastContactAt", "yesterday")).field == "lastContactAt");
    CHECK(error_of(with(kValid, "lastContactMethod", "fax")).field == "lastContactMethod");
    CHECK(error_of(with(kValid, "firstName", std::string(101, 'a'))).field == "firstName");
    CHECK(error_of(with(kValid, "firstName", std::string("a\0b", 3))).field == "firstName");
    CHECK(error_of(with(kValid, "preferences", {{"preferredContactMethod", "fax"}})).field ==
          "preferences.preferredContactMethod");
    CHECK(error_of(with(kValid, "interests", {{"priceRange", {{"min", -1}}}})).field ==
          "interests.priceRange.min");
    CHECK(
        error_of(with(kValid, "interests", {{"priceRange", {{"min", 500}, {"max", 100}}}})).field ==
        "interests.priceRange");
    CHECK(error_of(with(kValid, "firstName", "Ann\x01")).field == "firstName");
}

TEST_CASE("apply_json refuses a phone with words, letters or an extension around the number") {
    for (const char* phone :
         {"Call me +1 760 555 0142 ok", "+1 760 555 0142 ext. 12", "+1 760 555 0142 x12",
          "760-555-0142;ext=12", "1-800-FLOWERS", "+1 760 555 0142#"}) {
        const auto e = error_of(with(kValid, "phone", phone));
        CHECK(e.code == "invalid_phone");
        CHECK(e.field == "phone");
    }
    CHECK(error_of(with(kValid, "phone", "+1 760 555 0142 ext. 12")).what() ==
          std::string("Phone number must not have an extension: it cannot receive SMS"));
}

TEST_CASE("apply_json: a required name of only white space or invisible characters is missing") {
    for (const char* blank : {"   ", "\xE2\x80\x8B", "\xC2\xA0\xE2\x80\x8B\xEF\xBB\xBF",
                              "\xE3\x80\x80", "\t\xE2\x81\xA0"}) {
        const auto e = write_error_of(with(kValid, "firstName", blank));
        CHECK(e.code == "missing_field");
        CHECK(e.field == "firstName");
    }
    CHECK(apply_json(with(kValid, "firstName", "\xE2\x80\x8B Zo\xC3\xAB "), {}, "US").first_name ==
          "Zo\xC3\xAB");
}

TEST_CASE("apply_json counts length limits in characters, not bytes") {
    std::string hundred;
    for (int i = 0; i < 100; ++i) hundred += "\xC3\x89";  // É
    CHECK(apply_json(with(kValid, "firstName", hundred), {}, "US").first_name == hundred);
    const auto e = error_of(with(kValid, "firstName", hundred + "a"));
    CHECK(e.field == "firstName");
    CHECK(std::string(e.what()) == "firstName must be at most 100 characters");
}

TEST_CASE("apply_json reads RFC 3339 times and stores them in UTC") {
    const auto at = [](const char* given) {
        return apply_json(with(kValid, "lastContactAt", given), {}, "US").last_contact_at;
    };
    CHECK(at("2026-11-20T10:00:00Z") == "2026-11-20T10:00:00Z");
    CHECK(at("2026-11-20T10:00:00.25+02:00") == "2026-11-20T08:00:00.25Z");
    CHECK(at("2026-01-01T00:30:00-14:00") == "2026-01-01T14:30:00Z");
    CHECK(at("2026-01-01t00:00:00z") == "2026-01-01T00:00:00Z");
    CHECK(at("0001-01-01T12:00:00+11:00") == "0001-01-01T01:00:00Z");
    CHECK(at("9999-12-31T23:59:59Z") == "9999-12-31T23:59:59Z");
    // What GET returns (milliseconds, Z) reads back unchanged.
    CHECK(at("2026-11-20T10:00:00.123Z") == "2026-11-20T10:00:00.123Z");
    for (const char* bad :
         {"2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00+14:01", "2026-01-01T00:00:00-15:00",
          "2026-01-01T00:00:00+05:60", "0000-06-01T00:00:00Z", "0001-01-01T00:00:00+01:00",
          "9999-12-31T23:00:00-02:00", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z",
          "2026-01-01 00:00:00Z", "2026-01-01T00:00:00"}) {
        const auto e = error_of(with(kValid, "lastContactAt", bad));
        CHECK(e.field == "lastContactAt");
    }
}

TEST_CASE("to_json renders every field of contract.md's contact") {
    auto c = apply_json(kValid, {}, "US");
    c.id = 7;
    c.created_at = c.updated_at = "2026-11-23T09:00:00.000Z";
    c.consent = Consent{"2026-11-23T09:00:00.000Z", "203.0.113.9", "I agree", "web"};
    const auto j = to_json(c);
    for (const char* key : {"id",
                            "firstName",
                            "lastName",
                            "email",
                            "phone",
                            "birthdate",
                            "language",
                            "status",
                            "tags",
                            "notes",
                            "source",
                            "smsOptIn",
                            "optedOutAt",
                            "consent",
                            "commerce7CustomerId",
                            "address",
                            "preferences",
                            "interests",
                            "assignedAgent",
                            "lastContactAt",
                            "lastContactMethod",
                            "createdAt",
                            "updatedAt"}) {
        CHECK(j.contains(key));
    }
    CHECK(j["id"] == 7);
    CHECK(j["email"].is_null());
    CHECK(j["tags"] == json::array());
    CHECK(j["consent"] == json{{"at", "2026-11-23T09:00:00.000Z"},
                               {"ip", "203.0.113.9"},
                               {"text", "I agree"},
                               {"source", "web"},
                               {"verifiedBy", nullptr},
                               {"language", nullptr}});
    CHECK(j["language"].is_null());  // not known: English
    c.language = "es";
    c.consent->language = "es";
    CHECK(to_json(c)["language"] == "es");
    CHECK(to_json(c)["consent"]["language"] == "es");
    // Read-only: a write's language changes nothing.
    CHECK(!apply_json(with(kValid, "language", "es"), {}, "US").language);
    CHECK(j["preferences"] ==
          json{{"emailOptIn", false}, {"callOptIn", false}, {"preferredContactMethod", nullptr}});
}

TEST_CASE("search_pattern escapes LIKE and reduces phone-looking searches to digits") {
    CHECK(search_pattern("Ann") == "%Ann%");  // the SQL lower-cases, in every alphabet
    CHECK(search_pattern(" \xC3\x89mile ") == "%\xC3\x89mile%");
    CHECK(search_pattern("(760) 555-12") == "%76055512%");
    CHECK(search_pattern("+1 760") == "%1760%");
    CHECK(search_pattern("50%_off\\") == "%50\\%\\_off\\\\%");
    CHECK(search_pattern("   ") == "");
    CHECK(search_pattern("ann 2") == "%ann 2%");
}

TEST_CASE("parse_list_query reads filters and pagination") {
    const auto q =
        parse_list_query(parse_form("search=ann&status=client&optIn=true&limit=10&skip=20"));
    CHECK(q.search_pattern == "%ann%");
    CHECK(q.status == "client");
    CHECK(q.sms_opt_in == true);
    CHECK(q.limit == 10);
    CHECK(q.skip == 20);
    const auto d = parse_list_query(parse_form("search="));
    CHECK_FALSE(d.search_pattern);
    CHECK(d.limit == kDefaultLimit);
    CHECK(d.skip == 0);
}

TEST_CASE("parse_list_query refuses bad values") {
    const std::pair<std::string, std::string> cases[] = {
        {"limit", "0"},   {"limit", "201"},  {"limit", "ten"},   {"skip", "-1"},
        {"optIn", "yes"}, {"status", "vip"}, {"limit", "5; --"}, {"search", std::string(201, 'a')}};
    for (const auto& [name, value] : cases) {
        Form form;
        form.add(name, value);
        try {
            parse_list_query(form);
            FAIL("accepted " << name << "=" << value);
        } catch (const HttpError& e) {
            CHECK(e.status == 400);
            CHECK(e.field == name);
        }
    }
}
