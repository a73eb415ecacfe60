#include "common/contacts/contact_import.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;
using contacts::Column;

namespace {

int status_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const HttpError& e) {
        return e.status;
    }
    return 0;
}

}  // namespace

TEST_CASE("columns are guessed from other programs' headers, each field once", "[import]") {
    CHECK(contacts::guess_columns(
              {"First Name", "SURNAME", "Mobile Phone", "E-mail", "DOB", "Opt-in", "Favourite"}) ==
          std::vector<Column>{Column::first_name, Column::last_name, Column::phone, Column::email,
                              Column::birthdate, Column::sms_consent, Column::ignore});
    // An export's own names win over look-alikes; a second phone column is left out.
    CHECK(contacts::guess_columns({"Mobile", "phone", "Tel"}) ==
          std::vector<Column>{Column::ignore, Column::phone, Column::ignore});
    CHECK(contacts::guess_columns({"smsConsent", "consentDate", "consentSource", "id"}) ==
          std::vector<Column>{Column::sms_consent, Column::consent_date, Column::consent_source,
                              Column::ignore});
}

TEST_CASE("columns and update lists name fields, each once, one per column", "[import]") {
    CHECK(contacts::parse_columns("firstName,,phone", 3) ==
          std::vector<Column>{Column::first_name, Column::ignore, Column::phone});
    CHECK(status_of([] { contacts::parse_columns("firstName,phone", 3); }) == 400);
    CHECK(status_of([] { contacts::parse_columns("phone,phone", 2); }) == 400);
    CHECK(status_of([] { contacts::parse_columns("phone,password", 2); }) == 400);
    CHECK(contacts::parse_update("email,tags") == std::set<Column>{Column::email, Column::tags});
    CHECK(contacts::parse_update("").empty());
    CHECK(status_of([] { contacts::parse_update("phone"); }) == 400);
    CHECK(status_of([] { contacts::parse_update("id"); }) == 400);
}

TEST_CASE("each row is checked as the API checks a body, with its line", "[import]") {
    const auto file = contacts::read_import(
        "name,phone,email,consent,consent date,consent source,tags\n"
        "Ann,(760) 555-0142,ann@example.com,yes,2025-01-02,paper form,club; 2024\n"
        "Bob,12,,,,,\n"
        "Cy,+17605550143,bad,,,,\n"
        "Di,+17605550144,,maybe,,,\n"
        "Ed,+17605550145,,,not a date,,\n"
        "Ann twice,760-555-0142,,,,,\n"
        "Fay,'+17605550146,,no,,,\n",
        std::nullopt, "US");
    CHECK(file.rows == 7);
    REQUIRE(file.valid.size() == 2);
    CHECK(file.valid[0].fields["phone"] == "+17605550142");
    CHECK(file.valid[0].fields["tags"] == nlohmann::json{"club", "2024"});
    CHECK(file.valid[0].consent == true);
    CHECK(file.valid[0].consent_date == "2025-01-02T00:00:00Z");
    CHECK(file.valid[0].consent_source == "paper form");
    CHECK(file.valid[1].fields["phone"] == "+17605550146");  // an export's guard dropped
    CHECK(file.valid[1].consent == false);
    REQUIRE(file.errors.size() == 4);
    CHECK(file.errors[0].line == 3);
    CHECK(file.errors[0].field == "phone");
    CHECK(file.errors[1].field == "email");
    CHECK(file.errors[2].field == "smsConsent");
    CHECK(file.errors[3].field == "consentDate");
    REQUIRE(file.duplicates.size() == 1);
    CHECK(file.duplicates[0].line == 7);
    CHECK(file.duplicates[0].first_line == 2);
    CHECK(status_of([] { contacts::read_import("name,city\nAnn,Napa\n", std::nullopt, "US"); }) ==
          422);
    CHECK(status_of([] { contacts::read_import("", std::nullopt, "US"); }) == 400);
}

TEST_CASE("an exported line is read back as it was written", "[import]") {
    contacts::Contact c;
    c.id = 7;
    c.first_name = "=cmd|' /C calc'!A0";
    c.last_name = "Lee";
    c.phone = "+17605550142";
    c.tags = {"club", "-vip"};
    c.sms_opt_in = true;
    c.consent = contacts::Consent{
        .at = "2025-01-02T00:00:00Z", .ip = std::nullopt, .text = std::nullopt, .source = "staff"};
    c.created_at = "2025-01-01T00:00:00Z";
    const auto line = contacts::export_line(c);
    CHECK(
        line.starts_with("'=cmd|' /C calc'!A0,Lee,'+17605550142,,,new,\"club; -vip\",,"
                         "opted_in,2025-01-02T00:00:00Z,staff,7,"));
    const auto file = contacts::read_import(contacts::export_header() + line, std::nullopt, "US");
    REQUIRE(file.valid.size() == 1);
    CHECK(file.valid[0].fields["firstName"] == c.first_name);
    CHECK(file.valid[0].fields["tags"] == nlohmann::json{"club", "-vip"});
    CHECK(file.valid[0].consent == true);
}
