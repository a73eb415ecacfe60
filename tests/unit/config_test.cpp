#include "common/core/config.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using namespace textus;

namespace {

auto env_of(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const char* name) -> const char* {
        const auto it = values.find(name);
        return it == values.end() ? nullptr : it->second.c_str();
    };
}

const std::string_view kNeedsDb[] = {"DATABASE_URL"};
const std::string_view kNeedsTwilio[] = {"DATABASE_URL", "TWILIO_AUTH_TOKEN"};

}  // namespace

TEST_CASE("Config::load applies defaults") {
    const auto c = Config::load(env_of({{"DATABASE_URL", "postgresql:///t"}}), kNeedsDb);
    CHECK(c.database_url == "postgresql:///t");
    CHECK(c.opt_out_notice == "Reply STOP to opt out.");
    CHECK(c.opt_out_confirmation.find("{businessName}") != std::string::npos);
    CHECK(c.default_region == "US");
    CHECK(c.log_level == "info");
    CHECK(c.twilio_api_base == "https://api.twilio.com");
    CHECK(c.quiet_hours == "21:00-08:00");
    CHECK(c.default_time_zone == "America/New_York");
}

TEST_CASE("Config::load checks quiet hours and the default time zone") {
    CHECK(Config::load(env_of({{"DATABASE_URL", "x"}, {"QUIET_HOURS", "off"}}), kNeedsDb)
              .quiet_hours == "off");
    try {
        Config::load(env_of({{"DATABASE_URL", "x"},
                             {"QUIET_HOURS", "9pm-8am"},
                             {"DEFAULT_TIME_ZONE", "Mars; DROP TABLE"}}),
                     kNeedsDb);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.problems ==
              std::vector<std::string>{
                  "DEFAULT_TIME_ZONE must be an IANA time zone such as America/New_York",
                  "QUIET_HOURS must be HH:MM-HH:MM, e.g. 21:00-08:00, or off"});
        CHECK(std::string(e.what()).find("DROP") == std::string::npos);
    }
}

TEST_CASE("Config::load checks the campaign rate") {
    CHECK(Config::load(env_of({{"DATABASE_URL", "x"}}), kNeedsDb).campaign_rate == "1");
    CHECK(Config::load(env_of({{"DATABASE_URL", "x"}, {"CAMPAIGN_RATE", "unlimited"}}), kNeedsDb)
              .campaign_rate == "unlimited");
    try {
        Config::load(env_of({{"DATABASE_URL", "x"}, {"CAMPAIGN_RATE", "fast"}}), kNeedsDb);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.problems ==
              std::vector<std::string>{"CAMPAIGN_RATE must be messages a second, above 0 and at "
                                       "most 1000, or unlimited"});
    }
}

TEST_CASE("Config::load: Spanish texts beside English ones, and the age gate") {
    const auto c = Config::load(env_of({{"DATABASE_URL", "x"}}), kNeedsDb);
    CHECK(c.consent_text_es.empty());  // the business words it: no default
    CHECK(c.opt_out_notice_es == "Responde STOP para darte de baja.");
    CHECK(c.initiate_text_es.find("{code}") != std::string::npos);
    CHECK(c.opt_out_confirmation_es.find("{businessName}") != std::string::npos);
    CHECK(c.age_gate_years.empty());  // no gate
    CHECK(Config::load(env_of({{"DATABASE_URL", "x"},
                               {"AGE_GATE_YEARS", "21"},
                               {"CONSENT_TEXT_ES", "Acepto."}}),
                       kNeedsDb)
              .consent_text_es == "Acepto.");
    try {
        Config::load(env_of({{"DATABASE_URL", "x"},
                             {"AGE_GATE_YEARS", "twenty-one"},
                             {"INITIATE_TEXT_ES", "Hola {firstName}"}}),
                     kNeedsDb);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.problems ==
              std::vector<std::string>{
                  "INITIATE_TEXT_ES must hold {code}: the visitor types it in the page",
                  "AGE_GATE_YEARS must be a whole number of years from 1 to 150, or unset for no "
                  "age gate"});
        CHECK(std::string(e.what()).find("twenty") == std::string::npos);
    }
}

TEST_CASE("Config::load checks SMTP_URL and SMTP_FROM, never quoting them") {
    const auto problems = [](std::map<std::string, std::string> values) {
        values.emplace("DATABASE_URL", "x");
        try {
            Config::load(env_of(std::move(values)), kNeedsDb);
            return std::vector<std::string>();
        } catch (const ConfigError& e) {
            return e.problems;
        }
    };
    CHECK(problems({}).empty());
    CHECK(problems({{"SMTP_URL", "smtps://u:secretpw@relay.example.com"},
                    {"SMTP_FROM", "inbox@example.com"}})
              .empty());
    CHECK(problems({{"SMTP_URL", "http://u:secretpw@relay"}, {"SMTP_FROM", "inbox@example.com"}}) ==
          std::vector<std::string>{"SMTP_URL must start with smtp:// or smtps://"});
    for (const char* from : {"", "inbox", "@example.com", "inbox@", "Inbox <inbox@example.com>",
                             "a@example.com\r\nBcc: b@example.com"}) {
        INFO(from);
        CHECK(problems({{"SMTP_URL", "smtp://relay"}, {"SMTP_FROM", from}}) ==
              std::vector<std::string>{
                  "SMTP_FROM must be the sender's address, e.g. inbox@example.com"});
    }
}

TEST_CASE("Config::load checks the idle exit") {
    CHECK(Config::load(env_of({{"DATABASE_URL", "x"}}), kNeedsDb).idle_exit == "0");
    CHECK(Config::load(env_of({{"DATABASE_URL", "x"}, {"TEXTUS_IDLE_EXIT", "300"}}), kNeedsDb)
              .idle_exit == "300");
    try {
        Config::load(env_of({{"DATABASE_URL", "x"}, {"TEXTUS_IDLE_EXIT", "5m"}}), kNeedsDb);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.problems == std::vector<std::string>{
                                "TEXTUS_IDLE_EXIT must be whole seconds, 0 (never) to 86400"});
    }
}

TEST_CASE("Config::load names every missing required variable, never a value") {
    try {
        Config::load(env_of({{"TWILIO_ACCOUNT_SID", "ACsecretish"}}), kNeedsTwilio);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.problems ==
              std::vector<std::string>{"DATABASE_URL is not set", "TWILIO_AUTH_TOKEN is not set"});
        CHECK(std::string(e.what()).find("ACsecretish") == std::string::npos);
    }
}

TEST_CASE("Config::load treats an empty value as unset") {
    CHECK_THROWS_AS(Config::load(env_of({{"DATABASE_URL", ""}}), kNeedsDb), ConfigError);
}

TEST_CASE("Config::load rejects malformed values without echoing them") {
    try {
        Config::load(env_of({{"DATABASE_URL", "x"},
                             {"DEFAULT_REGION", "usa"},
                             {"LOG_LEVEL", "loud"},
                             {"TWILIO_API_BASE", "ftp://secret-host"}}),
                     kNeedsDb);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.problems.size() == 3);
        CHECK(std::string(e.what()).find("secret-host") == std::string::npos);
        CHECK(std::string(e.what()).find("TWILIO_API_BASE") != std::string::npos);
    }
}

TEST_CASE("Config::load: the web form texts DEFAULT_REGION's numbers unless told otherwise") {
    const auto defaults =
        Config::load(env_of({{"DATABASE_URL", "x"}, {"DEFAULT_REGION", "GB"}}), kNeedsDb);
    CHECK(defaults.allowed_countries == "GB");
    CHECK(defaults.initiate_hourly_limit == "60");
    CHECK(defaults.initiate_text.find("{code}") != std::string::npos);
    try {
        Config::load(env_of({{"DATABASE_URL", "x"},
                             {"ALLOWED_COUNTRIES", "US,CA"},
                             {"INITIATE_TEXT", "Thanks, {firstName}!"},
                             {"INITIATE_HOURLY_LIMIT", "-1"}}),
                     kNeedsDb);
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(e.problems == std::vector<std::string>{
                                "INITIATE_TEXT must hold {code}: the visitor types it in the page",
                                "INITIATE_HOURLY_LIMIT must be a whole number from 1 to 100000"});
    }
}
