#include "common/commerce7/commerce7_client.h"

#include <catch2/catch.hpp>

using namespace textus;
using nlohmann::json;

namespace {

const commerce7::Lead kLead{.first_name = "Jane",
                            .last_name = "Doe",
                            .phone = "+17605550142",
                            .email = "jane.doe@example.com"};

}  // namespace

TEST_CASE("parse_customer reads id, phones and emails; has_phone and has_email", "[commerce7]") {
    const auto c = commerce7::parse_customer(json::parse(R"({
        "id": "0b5f4c2e-1d3a-4e8f-9a6b-7c2d1e0f3a4b", "firstName": "Jane",
        "phones": [{"phone": "+17605550142"}, {"phone": null}, "junk"],
        "emails": [{"email": "Jane.Doe@Example.com", "status": "Subscribed"}],
        "metaData": {"club": "gold"}})"));
    CHECK(c.id == "0b5f4c2e-1d3a-4e8f-9a6b-7c2d1e0f3a4b");
    CHECK(c.phones == std::vector<std::string>{"+17605550142", ""});
    CHECK(c.emails == std::vector<std::string>{"Jane.Doe@Example.com"});
    CHECK(commerce7::has_phone(c, "+17605550142"));
    // Exact: the fuzzy search's neighbours are not the number.
    CHECK_FALSE(commerce7::has_phone(c, "+117605550142"));
    CHECK_FALSE(commerce7::has_phone(c, "17605550142"));
    CHECK(commerce7::has_email(c, "jane.doe@example.com"));
    CHECK(commerce7::has_email(c, "JANE.DOE@EXAMPLE.COM"));
    CHECK_FALSE(commerce7::has_email(c, "jane.doe@example.com.au"));
    CHECK_FALSE(commerce7::has_email(c, "ane.doe@example.com"));
    CHECK(commerce7::parse_customer(json::array()).id.empty());
}

TEST_CASE("update_body adds the phone and email only when missing, and enrolls", "[commerce7]") {
    const auto existing = commerce7::parse_customer(json::parse(R"({
        "id": "c1", "phones": [{"phone": "+17605550100", "type": "home"}],
        "emails": [{"email": "JANE.DOE@example.com"}], "metaData": {"club": "gold"}})"));
    const auto body = commerce7::update_body(existing, kLead, "2026-11-24");
    CHECK(body["phones"] == json::parse(R"([{"phone": "+17605550100", "type": "home"},
                                            {"phone": "+17605550142"}])"));
    CHECK_FALSE(body.contains("emails"));
    CHECK(body["metaData"] == json::parse(R"({"club": "gold", "sms_enrolled": "true",
                                              "sms_enrolled_date": "2026-11-24"})"));
    CHECK_FALSE(body.contains("firstName"));

    const auto bare = commerce7::parse_customer(json{{"id", "c2"}});
    const auto added = commerce7::update_body(bare, kLead, "2026-11-24");
    CHECK(added["emails"] == json::parse(R"([{"email": "jane.doe@example.com"}])"));
    CHECK(added["phones"] == json::parse(R"([{"phone": "+17605550142"}])"));
    auto no_email = kLead;
    no_email.email.clear();
    CHECK_FALSE(commerce7::update_body(bare, no_email, "2026-11-24").contains("emails"));
}

TEST_CASE("create_body: the lead, metaData.source sms_chatbot and enrolled", "[commerce7]") {
    auto lead = kLead;
    lead.birthdate = "1990-04-01";
    CHECK(commerce7::create_body(lead, "2026-11-24") == json::parse(R"({
        "firstName": "Jane", "lastName": "Doe", "birthDate": "1990-04-01",
        "phones": [{"phone": "+17605550142"}], "emails": [{"email": "jane.doe@example.com"}],
        "metaData": {"source": "sms_chatbot", "sms_enrolled": "true",
                     "sms_enrolled_date": "2026-11-24"}})"));
    lead.email.clear();
    lead.birthdate.clear();
    const auto body = commerce7::create_body(lead, "2026-11-24");
    CHECK_FALSE(body.contains("emails"));
    CHECK_FALSE(body.contains("birthDate"));
}

TEST_CASE("error_from_answer maps Commerce7's answers", "[commerce7]") {
    struct Case {
        int status;
        int http;
        const char* code;
    };
    for (const auto& c :
         {Case{401, 503, "commerce7_auth"}, Case{403, 503, "commerce7_auth"},
          Case{429, 502, "commerce7_unavailable"}, Case{500, 502, "commerce7_unavailable"},
          Case{503, 502, "commerce7_unavailable"}, Case{400, 502, "commerce7_error"},
          Case{404, 502, "commerce7_error"}, Case{422, 502, "commerce7_error"},
          Case{200, 502, "commerce7_error"}}) {
        INFO(c.status);
        const auto e = commerce7::error_from_answer(
            c.status, json{{"statusCode", c.status},
                           {"type", "validationError"},
                           {"message", "Validation failed"},
                           {"errors", {{{"field", "emails"}, {"message", "jane@x.test taken"}}}}}
                          .dump());
        CHECK(e.status == c.http);
        CHECK(e.code == c.code);
        CHECK(e.commerce7_status == c.status);
        CHECK(e.commerce7_message == "Validation failed: emails: jane@x.test taken");
        CHECK(std::string(e.what()).find("jane@") == std::string::npos);
        CHECK_FALSE(e.outcome_unknown);
    }
    CHECK(commerce7::error_from_answer(502, "<html>Bad gateway</html>").commerce7_message.empty());
    const HttpError& base = commerce7::error_from_answer(401, "");
    CHECK(base.status == 503);
}

TEST_CASE("COMMERCE7_API_BASE keeps its path; the search path encodes q", "[commerce7]") {
    const auto base = commerce7::parse_api_base("https://api.commerce7.com/v1");
    REQUIRE(base);
    CHECK(base->origin == "https://api.commerce7.com");
    CHECK(base->path == "/v1");
    const auto local = commerce7::parse_api_base("http://127.0.0.1:8091/v1/");
    REQUIRE(local);
    CHECK(local->origin == "http://127.0.0.1:8091");
    CHECK(local->path == "/v1");
    CHECK(commerce7::parse_api_base("http://[::1]:8091")->path.empty());
    for (const char* bad :
         {"api.commerce7.com/v1", "ftp://api.commerce7.com", "https://api.commerce7.com/v1?x=1",
          "https://u@api.commerce7.com", "https://"}) {
        INFO(bad);
        CHECK_FALSE(commerce7::parse_api_base(bad));
    }
    CHECK(commerce7::search_path("/v1", "17605550142") == "/v1/customer?q=17605550142");
    CHECK(commerce7::search_path("/v1", "jane+x@example.com") ==
          "/v1/customer?q=jane%2Bx%40example.com");
}

TEST_CASE("Client refuses a configuration it cannot call Commerce7 with, naming what is missing",
          "[commerce7]") {
    Config config;
    config.commerce7_api_base = "api.commerce7.com";
    try {
        commerce7::Client client(config);
        FAIL("no error");
    } catch (const HttpError& e) {
        CHECK(e.status == 503);
        CHECK(e.code == "configuration_incomplete");
        for (const char* name :
             {"COMMERCE7_API_BASE", "COMMERCE7_APP_ID", "COMMERCE7_SECRET", "COMMERCE7_TENANT"}) {
            CHECK(std::string(e.what()).find(name) != std::string::npos);
        }
    }
}
