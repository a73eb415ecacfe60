#include "common/twilio/twilio_client.h"

#include <catch2/catch.hpp>

using namespace textus;
using nlohmann::json;

TEST_CASE("to_rfc3339 converts Twilio's RFC 2822 dates to UTC", "[twilio]") {
    CHECK(twilio::to_rfc3339("Fri, 24 May 2019 17:18:27 +0000") == "2019-05-24T17:18:27Z");
    CHECK(twilio::to_rfc3339("Thu, 30 Jul 2015 20:12:31 +0000") == "2015-07-30T20:12:31Z");
    // Offsets are applied, across a day, a month and a year.
    CHECK(twilio::to_rfc3339("Mon, 31 Dec 2018 23:30:00 -0130") == "2019-01-01T01:00:00Z");
    CHECK(twilio::to_rfc3339("Tue, 01 Jan 2019 00:15:00 +0100") == "2018-12-31T23:15:00Z");
    CHECK(twilio::to_rfc3339("Wed, 19 Jun 2019 22:04:00 -0000") == "2019-06-19T22:04:00Z");
    // Day name and seconds are optional; one-digit days, GMT and UT are RFC 2822 too.
    CHECK(twilio::to_rfc3339("4 Jul 2021 09:05 GMT") == "2021-07-04T09:05:00Z");
    CHECK(twilio::to_rfc3339("Sun, 4 Jul 2021 09:05:06 UT") == "2021-07-04T09:05:06Z");
    CHECK(twilio::to_rfc3339("29 Feb 2024 12:00:00 +0000") == "2024-02-29T12:00:00Z");
}

TEST_CASE("to_rfc3339 refuses what is not an RFC 2822 date", "[twilio]") {
    for (const char* bad :
         {"", "2019-05-24T17:18:27Z", "Fri, 24 May 2019", "Fri 24 May 2019 17:18:27 +0000",
          "Fri, 24 Mai 2019 17:18:27 +0000", "Fri, 30 Feb 2019 17:18:27 +0000",
          "Fri, 24 May 2019 24:00:00 +0000", "Fri, 24 May 2019 17:60:00 +0000",
          "Fri, 24 May 2019 17:18:27 +0060", "Fri, 24 May 2019 17:18:27 PST",
          "Fri, 24 May 19 17:18:27 +0000", "Fri, 24 May 2019 17:18:27 +0000 x",
          "Xyz, 24 May 2019 17:18:27 +0000", "01 Jan 0001 00:00:00 +0100"}) {
        INFO(bad);
        CHECK_FALSE(twilio::to_rfc3339(bad));
    }
}

TEST_CASE("parse_message reads Twilio's message JSON, nulls as empty", "[twilio]") {
    // The spec's "fetch" example (twilio_api_v2010.json).
    const auto m = twilio::parse_message(json::parse(R"({
        "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "api_version": "2010-04-01",
        "body": "testing", "date_created": "Fri, 24 May 2019 17:18:27 +0000",
        "date_sent": "Fri, 24 May 2019 17:18:28 +0000",
        "date_updated": "Fri, 24 May 2019 17:18:28 +0000", "direction": "outbound-api",
        "error_code": 30007, "error_message": "Carrier violation", "from": "+12019235161",
        "messaging_service_sid": "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "num_media": "0",
        "num_segments": "1", "price": "-0.00750", "price_unit": "USD",
        "sid": "SMb7c0a2ce80504485a6f653a7110836f5", "status": "sent",
        "to": "+18182008801"})"));
    CHECK(m.sid == "SMb7c0a2ce80504485a6f653a7110836f5");
    CHECK(m.to == "+18182008801");
    CHECK(m.from == "+12019235161");
    CHECK(m.body == "testing");
    CHECK(m.status == "sent");
    CHECK_FALSE(m.inbound());
    CHECK(m.num_segments == 1);
    CHECK(m.num_media == 0);
    CHECK(m.error_code == 30007);
    CHECK(m.error_message == "Carrier violation");
    CHECK(m.price == "-0.00750");
    CHECK(m.price_unit == "USD");
    CHECK(m.date_sent == "Fri, 24 May 2019 17:18:28 +0000");

    const auto empty = twilio::parse_message(json::parse(
        R"({"sid": "MM00000000000000000000000000000000", "direction": "inbound", "from": null,
            "error_code": null, "price": null, "num_media": "3", "num_segments": 2,
            "date_sent": null})"));
    CHECK(empty.inbound());
    CHECK(empty.from.empty());
    CHECK(empty.error_code == 0);
    CHECK(empty.price.empty());
    CHECK(empty.num_media == 3);
    CHECK(empty.num_segments == 2);
    CHECK(empty.date_sent.empty());
}

TEST_CASE("error_from_answer maps Twilio's error JSON", "[twilio]") {
    const auto error = [](int status, int code) {
        return twilio::error_from_answer(
            status,
            json{{"code", code},
                 {"message", "The 'To' number +17605550142 is not a valid phone number."},
                 {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(code)},
                 {"status", status}}
                .dump());
    };
    struct Case {
        int status, code;
        int http;
        const char* error_code;
    };
    const Case cases[] = {
        {400, 21211, 422, "invalid_phone"},      {400, 21614, 422, "invalid_phone"},
        {400, 21610, 409, "opted_out"},          {401, 20003, 502, "twilio_auth"},
        {404, 20404, 404, "not_found"},          {429, 20429, 502, "twilio_unavailable"},
        {500, 20500, 502, "twilio_unavailable"}, {503, 0, 502, "twilio_unavailable"},
        {400, 21602, 502, "twilio_error"},       {403, 20008, 502, "twilio_error"},
    };
    for (const auto& c : cases) {
        INFO(c.code);
        const auto e = error(c.status, c.code);
        CHECK(e.status == c.http);
        CHECK(e.code == c.error_code);
        CHECK(e.twilio_code == c.code);
        CHECK_FALSE(e.outcome_unknown);
        // Twilio's words stay apart: they may quote a number, and 5xx messages are logged.
        CHECK(e.twilio_message.find("+17605550142") != std::string::npos);
        CHECK(std::string(e.what()).find("7605550142") == std::string::npos);
    }
    CHECK(std::string(error(400, 21602).what()).find("twilio.com/docs/errors/21602") !=
          std::string::npos);
}

TEST_CASE("error_from_answer reads any body, with or without Twilio's JSON", "[twilio]") {
    const auto plain = twilio::error_from_answer(401, "<html>Unauthorized</html>");
    CHECK(plain.code == "twilio_auth");
    CHECK(plain.twilio_code == 0);
    CHECK(twilio::error_from_answer(502, "").code == "twilio_unavailable");
    CHECK(twilio::error_from_answer(400, R"({"code": "21211"})").code == "invalid_phone");
    CHECK(twilio::error_from_answer(400, R"([1,2])").code == "twilio_error");
    // An HttpError, so the serve loop renders it like any other.
    const HttpError& base = twilio::error_from_answer(400, R"({"code": 21610})");
    CHECK(base.status == 409);
}

TEST_CASE("paths and forms as Twilio's API takes them", "[twilio]") {
    const std::string account = "AC0123456789abcdef0123456789abcdef";
    CHECK(twilio::messages_path(account) ==
          "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
    CHECK(twilio::message_path(account, "SMb7c0a2ce80504485a6f653a7110836f5") ==
          "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/"
          "SMb7c0a2ce80504485a6f653a7110836f5.json");
    CHECK(
        http_client::form_encode({{"To", "+17605550142"},
                                  {"Body", "Hi & bye = 100%\né"},
                                  {"MediaUrl", "https://x.test/a b.jpg?s=1"},
                                  {"MediaUrl", "https://x.test/c.png"}}) ==
        "To=%2B17605550142&Body=Hi%20%26%20bye%20%3D%20100%25%0A%C3%A9"
        "&MediaUrl=https%3A%2F%2Fx.test%2Fa%20b.jpg%3Fs%3D1&MediaUrl=https%3A%2F%2Fx.test%2Fc.png");
    CHECK(twilio::list_path(account, {.to = "+17605550142", .page_size = 20, .limit = 100}) ==
          twilio::messages_path(account) + "?To=%2B17605550142&PageSize=20");
    // PageSize never above the limit, nor above Twilio's 1000.
    CHECK(twilio::list_path(account, {.from = "+17605550142", .page_size = 50, .limit = 5}) ==
          twilio::messages_path(account) + "?From=%2B17605550142&PageSize=5");
    CHECK(twilio::list_path(account, {.page_size = 5000, .limit = 5000}) ==
          twilio::messages_path(account) + "?PageSize=1000");
}

TEST_CASE("TWILIO_API_BASE is a scheme and a host, and the status callback URL", "[twilio]") {
    CHECK(twilio::normalize_api_base("https://api.twilio.com") == "https://api.twilio.com");
    CHECK(twilio::normalize_api_base("https://api.twilio.com/") == "https://api.twilio.com");
    CHECK(twilio::normalize_api_base("http://127.0.0.1:8089") == "http://127.0.0.1:8089");
    CHECK(twilio::normalize_api_base("http://[::1]:8089") == "http://[::1]:8089");
    for (const char* bad :
         {"https://api.twilio.com/2010-04-01", "api.twilio.com", "ftp://api.twilio.com",
          "https://api.twilio.com?x=1", "https://user@api.twilio.com", "https://"}) {
        INFO(bad);
        CHECK_FALSE(twilio::normalize_api_base(bad));
    }
    CHECK(twilio::status_callback_url("https://textus.example/") ==
          "https://textus.example/api/twilio/status");
    CHECK(twilio::status_callback_url("http://127.0.0.1:8080") ==
          "http://127.0.0.1:8080/api/twilio/status");
}

TEST_CASE("valid_message_sid: SM or MM and 32 hex digits", "[twilio]") {
    CHECK(twilio::valid_message_sid("SMb7c0a2ce80504485a6f653a7110836f5"));
    CHECK(twilio::valid_message_sid("MMC26223853F8C46B4AB7DFAA6ABBA0A26"));
    for (const char* bad :
         {"", "SMb7c0a2ce80504485a6f653a7110836f", "SMb7c0a2ce80504485a6f653a7110836f5a",
          "ACb7c0a2ce80504485a6f653a7110836f5", "SMb7c0a2ce80504485a6f653a7110836g5",
          "SM/7c0a2ce80504485a6f653a7110836f5"}) {
        INFO(bad);
        CHECK_FALSE(twilio::valid_message_sid(bad));
    }
}

TEST_CASE("Client refuses a configuration it cannot call Twilio with, naming what is missing",
          "[twilio]") {
    Config config;
    config.twilio_api_base = "https://api.twilio.com/2010-04-01";
    try {
        twilio::Client client(config);
        FAIL("no error");
    } catch (const HttpError& e) {
        CHECK(e.status == 503);
        CHECK(e.code == "configuration_incomplete");
        CHECK(std::string(e.what()).find("TWILIO_API_BASE") != std::string::npos);
        CHECK(std::string(e.what()).find("TWILIO_ACCOUNT_SID") != std::string::npos);
        CHECK(std::string(e.what()).find("TWILIO_AUTH_TOKEN") != std::string::npos);
    }
    config.twilio_api_base = "http://127.0.0.1:9";
    config.twilio_account_sid = "AC0123456789abcdef0123456789abcdef";
    config.twilio_auth_token = "token";
    twilio::Client client(config);
    // Neither TWILIO_PHONE_NUMBER nor TWILIO_MESSAGING_SERVICE_SID: no create, and no call.
    try {
        client.create_message({.to = "+17605550142", .body = "hi"});
        FAIL("no error");
    } catch (const HttpError& e) {
        CHECK(e.code == "configuration_incomplete");
        CHECK(std::string(e.what()).find("TWILIO_PHONE_NUMBER") != std::string::npos);
    }
    CHECK_THROWS_AS(client.fetch_message("../Calls"), std::invalid_argument);
}
