#include "common/live/staff_events.h"

#include <catch2/catch.hpp>

using nlohmann::json;
namespace staff_events = textus::staff_events;

TEST_CASE("each staff event is its type and the API's JSON of what changed") {
    const json message{{"id", 3}, {"status", "queued"}};
    CHECK(staff_events::message(message) == json{{"type", "message"}, {"message", message}});
    CHECK(staff_events::status(message) == json{{"type", "status"}, {"message", message}});
    const json contact{{"id", 5}, {"smsOptIn", false}};
    CHECK(staff_events::contact(contact) == json{{"type", "contact"}, {"contact", contact}});
    CHECK(staff_events::contact_deleted(5) == json{{"type", "contact_deleted"}, {"id", 5}});
    const json campaign{{"id", 9}, {"status", "sending"}};
    CHECK(staff_events::campaign(campaign) == json{{"type", "campaign"}, {"campaign", campaign}});
}

TEST_CASE("a sync event says whose messages changed and how many") {
    CHECK(staff_events::sync(7, 2, 1) ==
          json{{"type", "sync"}, {"contactId", 7}, {"inserted", 2}, {"updated", 1}});
    CHECK(staff_events::sync(std::nullopt, 0, 4)["contactId"].is_null());
}
