#include "common/reports/report.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;

namespace {

Form query(std::string_view text) {
    return parse_form(text);
}

std::string field_of(std::string_view text) {
    try {
        reports::parse_period(query(text), "America/New_York");
    } catch (const HttpError& e) {
        return e.code + ":" + e.field;
    }
    return "";
}

}  // namespace

TEST_CASE("a report's period: two days in order, at most 366, and a zone", "[reports]") {
    const auto p =
        reports::parse_period(query("from=2024-02-28&to=2024-03-01"), "America/New_York");
    CHECK(p.from == "2024-02-28");
    CHECK(p.to == "2024-03-01");
    CHECK(p.time_zone == "America/New_York");
    CHECK(
        reports::parse_period(query("from=2024-01-01&to=2024-01-01&timeZone=UTC"), "X").time_zone ==
        "UTC");
    CHECK(field_of("from=2024-01-01&to=2024-12-31") == "");  // 366 days: a leap year
    CHECK(field_of("from=2023-01-01&to=2024-01-01") == "");  // 366 days
    CHECK(field_of("from=2023-01-01&to=2024-01-02") == "invalid_query:to");
    CHECK(field_of("to=2024-01-01") == "missing_field:from");
    CHECK(field_of("from=2024-01-01") == "missing_field:to");
    CHECK(field_of("from=2023-02-29&to=2023-03-01") == "invalid_query:from");
    CHECK(field_of("from=24-01-01&to=2024-01-02") == "invalid_query:from");
    CHECK(field_of("from=2024-01-02&to=2024-01-01") == "invalid_query:to");
    CHECK(field_of("from=2024-01-01&to=2024-01-02&timeZone=America/New York") ==
          "invalid_time_zone:timeZone");
    CHECK(field_of("from=2024-01-01&to=2024-01-02&timeZone=..%2F..%2Fetc") ==
          "invalid_time_zone:timeZone");
}

TEST_CASE("a report's tables as JSON and as CSV", "[reports]") {
    reports::Messages m;
    m.days = {{"2024-01-01", 1, 2, 3, 4}, {"2024-01-02", 0, 0, 0, 0}};
    m.people = {{"=Ann", 3}, {"auto", 1}};
    const auto j = reports::to_json({"2024-01-01", "2024-01-02", "UTC"}, m);
    CHECK(j["days"][0] ==
          nlohmann::json::parse(
              R"({"day":"2024-01-01","in":{"sms":1,"web":2},"out":{"sms":3,"web":4}})"));
    CHECK(j["people"][1] == nlohmann::json::parse(R"({"person":"auto","sent":1})"));
    CHECK(reports::to_csv(m, "days") ==
          "day,sms in,web in,sms out,web out\r\n2024-01-01,1,2,3,4\r\n2024-01-02,0,0,0,0\r\n");
    // A name a spreadsheet would run is written as text.
    CHECK(reports::to_csv(m, "people") == "person,sent\r\n'=Ann,3\r\nauto,1\r\n");
    CHECK_THROWS_AS(reports::to_csv(m, "other"), HttpError);
}
