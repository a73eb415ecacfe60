#include "common/contacts/commerce7_sync.h"

#include <catch2/catch.hpp>

using namespace textus;
using namespace std::chrono_literals;

TEST_CASE("lead_of gives Commerce7 the contact's names, phone, email and birthdate",
          "[commerce7_sync]") {
    contacts::Contact contact;
    contact.first_name = "Jane";
    contact.last_name = "Doe";
    contact.phone = "+17605550142";
    contact.email = "jane.doe@example.com";
    contact.birthdate = "1990-04-01";
    const auto lead = commerce7::lead_of(contact);
    CHECK(lead.first_name == "Jane");
    CHECK(lead.last_name == "Doe");
    CHECK(lead.phone == "+17605550142");
    CHECK(lead.email == "jane.doe@example.com");
    CHECK(lead.birthdate == "1990-04-01");

    contact.email.reset();
    contact.birthdate.reset();
    const auto bare = commerce7::lead_of(contact);
    CHECK(bare.email.empty());
    CHECK(bare.birthdate.empty());
}

TEST_CASE("enrolled_date is the day of the latest opt-in, else today", "[commerce7_sync]") {
    contacts::Contact contact;
    CHECK(commerce7::enrolled_date(contact, "2026-11-24") == "2026-11-24");
    contact.consent =
        contacts::Consent{.at = "2026-11-20T23:59:59.000Z", .ip = {}, .text = {}, .source = "web"};
    CHECK(commerce7::enrolled_date(contact, "2026-11-24") == "2026-11-20");
}

TEST_CASE("Commerce7 is enabled only with app id, secret and tenant", "[commerce7_sync]") {
    Config config;
    config.commerce7_api_base = "https://api.commerce7.com/v1";
    CHECK_FALSE(commerce7::enabled(config));
    config.commerce7_app_id = "app";
    config.commerce7_secret = "secret";
    CHECK_FALSE(commerce7::enabled(config));
    config.commerce7_tenant = "winery";
    CHECK(commerce7::enabled(config));
    config.commerce7_secret.clear();
    CHECK_FALSE(commerce7::enabled(config));
}

TEST_CASE("a claim outlives the longest find_or_create", "[commerce7_sync]") {
    // Defaults: 3 attempts of 5 s connect + 10 s write + 10 s read, waits of 3 s (Retry-After's
    // cap beats the 0.5 s and 1 s backoff), for each of three calls; then a minute.
    CHECK(commerce7::lease_for({}) == 3 * (3 * 25s + 2 * 3s) + 60s);
    // One attempt: no wait; parts of a second round up.
    CHECK(commerce7::lease_for({.connect_timeout = 100ms,
                                .read_timeout = 200ms,
                                .attempts = 1,
                                .backoff = 10ms,
                                .max_retry_after = 50ms}) == 2s + 60s);
    // A long backoff counts in full.
    CHECK(commerce7::lease_for({.connect_timeout = 0ms,
                                .read_timeout = 0ms,
                                .attempts = 3,
                                .backoff = 10s,
                                .max_retry_after = 1s}) == 3 * (10s + 20s) + 60s);
}
