#include "common/consent/initiate_policy.h"

#include <catch2/catch.hpp>

#include "tests/unit/refusal.h"

using namespace textus;
using textus::test::refusal;

namespace {

Config config(std::string allowed = "US") {
    Config c;
    c.default_region = "US";
    c.allowed_countries = std::move(allowed);
    c.initiate_text = "Hi {firstName}, thanks for texting {businessName}. Your code is {code}.";
    c.initiate_text_es = "Hola {firstName}, gracias por escribir a {businessName}. Código: {code}.";
    c.initiate_hourly_limit = "60";
    c.business_name = "Quail Hollow";
    c.twilio_phone_number = "+17605550100";
    return c;
}

std::string code_of(const std::string& e164, const Config& c = config()) {
    const auto said = refusal([&] { initiate_policy::check_number(e164, c); });
    return said.substr(0, said.find(' '));
}

}  // namespace

TEST_CASE("the form texts only numbers in the allowed countries that take texts", "[initiate]") {
    CHECK(code_of("+17605550142") == "no");  // "no error": US, fixed line or mobile
    CHECK(code_of("+2348031234567") == "country_not_allowed");  // Nigeria
    CHECK(code_of("+881631234567") == "country_not_allowed");   // satellite (region 001)
    CHECK(code_of("+18765550100") == "country_not_allowed");    // Jamaica shares +1
    CHECK(code_of("+16135550100") == "country_not_allowed");    // Canada too, until allowed
    CHECK(code_of("+16135550100", config("US, CA")) == "no");
    CHECK(code_of("+19005550100") == "number_cannot_text");                 // premium rate
    CHECK(code_of("+18005550100") == "number_cannot_text");                 // toll free
    CHECK(code_of("+15005550006") == "number_cannot_text");                 // personal number
    CHECK(code_of("+449098790000", config("GB")) == "number_cannot_text");  // premium rate
    CHECK(code_of("+445612345678", config("GB")) == "number_cannot_text");  // VoIP
    CHECK(code_of("+442079460000", config("GB")) == "number_cannot_text");  // fixed line
    CHECK(code_of("+17605550100") == "own_number");
    const auto said = refusal([] { initiate_policy::check_number("+19005550100", config()); });
    CHECK(said.find("phoneNumber: ") != std::string::npos);
    CHECK(said.find("premium_rate") != std::string::npos);
}

TEST_CASE("the first text holds the code, the business and a name only if it reads as one",
          "[initiate]") {
    CHECK(initiate_policy::first_text("Ann", "042917", language::Language::en, config()) ==
          "Hi Ann, thanks for texting Quail Hollow. Your code is 042917.");
    CHECK(initiate_policy::first_text("José-María O'Neil", "1", language::Language::en, config()) ==
          "Hi José-María O'Neil, thanks for texting Quail Hollow. Your code is 1.");
    // A name field must not carry a message to the phone: left out, the greeting still reads.
    for (const auto* name :
         {"URGENT call 1-900-555-0100", "Visit evil.example/login", "Ann: your account is locked",
          "abcdefghijklmnopqrstuvwxyzabcde", "{code}", "Ann\u202Eevil"}) {
        CAPTURE(name);
        CHECK(initiate_policy::first_text(name, "042917", language::Language::en, config()) ==
              "Hi, thanks for texting Quail Hollow. Your code is 042917.");
    }
    // In Spanish, INITIATE_TEXT_ES, filled the same way.
    CHECK(initiate_policy::first_text("Ana", "042917", language::Language::es, config()) ==
          "Hola Ana, gracias por escribir a Quail Hollow. Código: 042917.");
    CHECK(initiate_policy::first_text("Visit evil.example/login", "042917", language::Language::es,
                                      config()) ==
          "Hola, gracias por escribir a Quail Hollow. Código: 042917.");
    CHECK(initiate_policy::name_for_text("Zoë") == "Zoë");
    CHECK(initiate_policy::name_for_text("李小龍") == "李小龍");
}

TEST_CASE("the form's settings are checked at start-up", "[initiate]") {
    CHECK(initiate_policy::config_problems(config()).empty());
    auto c = config("US,Canada");
    c.initiate_text = "Thanks for texting {businessName}!";
    c.initiate_hourly_limit = "0";
    const auto problems = initiate_policy::config_problems(c);
    REQUIRE(problems.size() == 3);
    CHECK(problems[0].starts_with("ALLOWED_COUNTRIES"));
    CHECK(problems[1] == "INITIATE_TEXT must hold {code}: the visitor types it in the page");
    CHECK(problems[2].starts_with("INITIATE_HOURLY_LIMIT"));
    c = config();
    c.initiate_text = "{code} for {agent}";
    c.initiate_hourly_limit = "10 an hour";
    CHECK(initiate_policy::config_problems(c) ==
          std::vector<std::string>{
              "INITIATE_TEXT may use only {firstName}, {businessName} and {code}",
              "INITIATE_HOURLY_LIMIT must be a whole number from 1 to 100000"});
    c = config();
    c.initiate_text_es = "Hola {firstName}";
    c.age_gate_years = "21";
    CHECK(initiate_policy::config_problems(c) ==
          std::vector<std::string>{
              "INITIATE_TEXT_ES must hold {code}: the visitor types it in the page"});
    CHECK(initiate_policy::age_gate_years(c) == 21);
    for (const auto* years : {"0", "151", "-21", "21 years", "+21", " 21", "twenty-one", "2.5"}) {
        CAPTURE(years);
        c = config();
        c.age_gate_years = years;
        CHECK(!initiate_policy::age_gate_years(c));
        CHECK(initiate_policy::config_problems(c) ==
              std::vector<std::string>{"AGE_GATE_YEARS must be a whole number of years from 1 to "
                                       "150, or unset for no age gate"});
    }
    for (const auto* years : {"1", "18", "21", "150"}) {
        c = config();
        c.age_gate_years = years;
        CHECK(initiate_policy::config_problems(c).empty());
        CHECK(initiate_policy::age_gate_years(c) == std::stoi(years));
    }
    CHECK(!initiate_policy::age_gate_years(config()));  // unset: no gate
    CHECK(initiate_policy::allowed_countries(config(" US , CA ")) ==
          std::vector<std::string>{"US", "CA"});
}
