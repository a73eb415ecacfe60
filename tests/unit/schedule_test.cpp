#include "common/outreach/schedule.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using nlohmann::json;
using textus::Form;
using textus::test::refusal;
using namespace textus::schedule;

namespace {

Form query(const std::string& status) {
    Form form;
    form.add("status", status);
    return form;
}

}  // namespace

TEST_CASE("schedule: sendAt is an RFC 3339 time, normalised to UTC", "[schedule]") {
    CHECK(parse_send_at({{"body", "x"}}) == std::nullopt);
    CHECK(parse_send_at({{"sendAt", nullptr}}) == std::nullopt);
    CHECK(parse_send_at({{"sendAt", "2027-01-02T08:00:00-05:00"}}) == "2027-01-02T13:00:00Z");
    CHECK(refusal([] {
              parse_send_at({{"sendAt", "tomorrow"}});
          }).starts_with("invalid_field sendAt:"));
    CHECK(refusal([] {
              parse_send_at({{"sendAt", 1767000000}});
          }).starts_with("invalid_field sendAt:"));
}

TEST_CASE("schedule: the list filters by a known status only", "[schedule]") {
    CHECK(parse_status_filter(Form{}) == std::nullopt);
    CHECK(parse_status_filter(query("")) == std::nullopt);
    for (const auto* status : {"scheduled", "sending", "sent", "failed", "canceled"}) {
        CHECK(parse_status_filter(query(status)) == status);
    }
    CHECK(refusal([] {
              parse_status_filter(query("Scheduled"));
          }).starts_with("invalid_parameter status:"));
}

TEST_CASE("schedule: its JSON names every field", "[schedule]") {
    const auto out = to_json({.id = 7,
                              .contact_id = 3,
                              .body = "",
                              .template_id = 2,
                              .media_urls = {},
                              .send_at = "2027-01-02T13:00:00.000Z",
                              .status = "scheduled",
                              .message_id = std::nullopt,
                              .error = nullptr,
                              .created_by = "front-desk",
                              .created_at = "2026-11-24T06:00:00.000Z"});
    CHECK(out["templateId"] == 2);
    CHECK(out["messageId"].is_null());
    CHECK(out["sendAt"] == "2027-01-02T13:00:00.000Z");
    CHECK(out["createdBy"] == "front-desk");
}
