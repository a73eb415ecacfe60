// Reports (issue 29) through nginx and textus-reports, against hand-counted data: texts in a
// past March placed around midnight and the change to daylight saving time, counted per day in
// the zone asked for and per person.
#include <catch2/catch.hpp>
#include <string>

#include "tests/integration/api.h"

using nlohmann::json;
using namespace textus::test;

namespace {

// Seven texts in March 2021, once per test run (the database outlives a test case).
void seed_march_2021() {
    static bool seeded = false;
    if (seeded) return;
    seeded = true;
    q("INSERT INTO messages (direction, channel, from_number, to_number, body, status, sent_by,"
      " created_at) VALUES"
      " ('inbound', 'sms', '+16195550001', '+17605550100', 'a', 'received', NULL,"
      "  '2021-03-13T07:30:00Z'),"  // 12 March, 23:30 in Los Angeles
      " ('inbound', 'sms', '+16195550001', '+17605550100', 'b', 'received', NULL,"
      "  '2021-03-13T08:30:00Z'),"  // 13 March, 00:30
      " ('inbound', 'web', '+16195550001', '+17605550100', 'c', 'received', NULL,"
      "  '2021-03-14T09:30:00Z'),"  // 14 March, 01:30 PST, before the clocks go forward
      " ('outbound', 'sms', '+17605550100', '+16195550001', 'd', 'delivered', 'Ann Owner',"
      "  '2021-03-14T12:00:00Z'),"  // 14 March, 05:00 PDT
      " ('outbound', 'sms', '+17605550100', '+16195550001', 'e', 'delivered', 'Ann Owner',"
      "  '2021-03-15T06:59:59Z'),"  // 14 March, 23:59:59 PDT
      " ('outbound', 'sms', '+17605550100', '+16195550001', 'f', 'delivered', 'auto',"
      "  '2021-03-15T07:00:00Z'),"  // 15 March, 00:00 PDT
      " ('outbound', 'sms', '+17605550100', '+16195550001', 'g', 'delivered', 'auto',"
      "  '2021-03-16T07:00:00Z')"  // 16 March: after the period
      " RETURNING 1");
}

json day(const std::string& d, int sms_in, int web_in, int sms_out, int web_out) {
    return {{"day", d},
            {"in", {{"sms", sms_in}, {"web", web_in}}},
            {"out", {{"sms", sms_out}, {"web", web_out}}}};
}

}  // namespace

TEST_CASE("texts per day and channel, and per person, as the period's own calendar counts them",
          "[reports]") {
    seed_march_2021();
    const auto la = call("GET",
                         "/api/crm/reports/messages?from=2021-03-12&to=2021-03-15&timeZone=America/"
                         "Los_Angeles");
    INFO(la.body);
    REQUIRE(la.status == 200);
    CHECK(la.json()["period"] ==
          json{{"from", "2021-03-12"}, {"to", "2021-03-15"}, {"timeZone", "America/Los_Angeles"}});
    CHECK(la.json()["days"] ==
          json::array({day("2021-03-12", 1, 0, 0, 0), day("2021-03-13", 1, 0, 0, 0),
                       day("2021-03-14", 0, 1, 2, 0), day("2021-03-15", 0, 0, 1, 0)}));
    CHECK(la.json()["people"] ==
          json::parse(R"([{"person":"Ann Owner","sent":2},{"person":"auto","sent":1}])"));
    // The same texts in UTC fall on other days.
    const auto utc =
        call("GET", "/api/crm/reports/messages?from=2021-03-12&to=2021-03-15&timeZone=UTC");
    CHECK(utc.json()["days"] ==
          json::array({day("2021-03-12", 0, 0, 0, 0), day("2021-03-13", 2, 0, 0, 0),
                       day("2021-03-14", 0, 1, 1, 0), day("2021-03-15", 0, 0, 2, 0)}));
    // Each table as CSV.
    const auto csv = call("GET",
                          "/api/crm/reports/messages?from=2021-03-12&to=2021-03-15"
                          "&timeZone=America/Los_Angeles&format=csv&table=days");
    CHECK(csv.status == 200);
    CHECK(csv.headers.at("Content-Type") == "text/csv; charset=utf-8");
    CHECK(csv.body ==
          "day,sms in,web in,sms out,web out\r\n2021-03-12,1,0,0,0\r\n"
          "2021-03-13,1,0,0,0\r\n2021-03-14,0,1,2,0\r\n2021-03-15,0,0,1,0\r\n");
    const auto people = call("GET",
                             "/api/crm/reports/messages?from=2021-03-12&to=2021-03-15"
                             "&timeZone=America/Los_Angeles&format=csv&table=people");
    CHECK(people.body == "person,sent\r\nAnn Owner,2\r\nauto,1\r\n");
}

TEST_CASE("a report's period is checked: days, order, length and zone", "[reports]") {
    const std::string path = "/api/crm/reports/messages?";
    check_error(call("GET", path + "to=2021-03-15"), 400, "missing_field", "from");
    check_error(call("GET", path + "from=2021-02-30&to=2021-03-15"), 400, "invalid_query", "from");
    check_error(call("GET", path + "from=2021-03-15&to=2021-03-14"), 400, "invalid_query", "to");
    check_error(call("GET", path + "from=2020-01-01&to=2021-01-02"), 400, "invalid_query", "to");
    check_error(call("GET", path + "from=2021-03-12&to=2021-03-15&timeZone=Mars/Olympus"), 400,
                "invalid_time_zone", "timeZone");
    check_error(call("GET", path + "from=2021-03-12&to=2021-03-15&timeZone=a%3Bb"), 400,
                "invalid_time_zone", "timeZone");
    check_error(call("GET", path + "from=2021-03-12&to=2021-03-15&format=xml"), 400,
                "invalid_query", "format");
    check_error(call("GET", path + "from=2021-03-12&to=2021-03-15&format=csv&table=x"), 400,
                "invalid_query", "table");
}
