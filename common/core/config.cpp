#include "common/core/config.h"

#include <algorithm>
#include <cctype>

#include "common/core/idle_exit.h"
#include "common/core/initiate_settings.h"
#include "common/core/pace.h"
#include "common/core/phone.h"
#include "common/core/quiet_hours.h"
#include "common/core/text.h"

namespace textus {

namespace {

struct Setting {
    const char* name;
    std::string Config::*field;
    const char* fallback;  // nullptr: no default
};

constexpr Setting kSettings[] = {
    {"DATABASE_URL", &Config::database_url, nullptr},
    {"PUBLIC_BASE_URL", &Config::public_base_url, nullptr},
    {"TWILIO_ACCOUNT_SID", &Config::twilio_account_sid, nullptr},
    {"TWILIO_AUTH_TOKEN", &Config::twilio_auth_token, nullptr},
    {"TWILIO_PHONE_NUMBER", &Config::twilio_phone_number, nullptr},
    {"TWILIO_MESSAGING_SERVICE_SID", &Config::twilio_messaging_service_sid, nullptr},
    {"TWILIO_API_BASE", &Config::twilio_api_base, "https://api.twilio.com"},
    {"COMMERCE7_APP_ID", &Config::commerce7_app_id, nullptr},
    {"COMMERCE7_SECRET", &Config::commerce7_secret, nullptr},
    {"COMMERCE7_TENANT", &Config::commerce7_tenant, nullptr},
    {"COMMERCE7_API_BASE", &Config::commerce7_api_base, "https://api.commerce7.com/v1"},
    {"PUBLISH_URL", &Config::publish_url, nullptr},
    {"BUSINESS_NAME", &Config::business_name, nullptr},
    {"CONSENT_TEXT", &Config::consent_text, nullptr},
    {"CONSENT_TEXT_ES", &Config::consent_text_es, nullptr},
    {"OPT_IN_REQUEST_TEXT", &Config::opt_in_request_text, nullptr},
    {"OPT_OUT_NOTICE", &Config::opt_out_notice, "Reply STOP to opt out."},
    // STOP and START stay English: they are the keywords carriers and Twilio act on.
    {"OPT_OUT_NOTICE_ES", &Config::opt_out_notice_es, "Responde STOP para darte de baja."},
    {"OPT_OUT_CONFIRMATION", &Config::opt_out_confirmation,
     "You're unsubscribed from {businessName} texts and will get no more. Reply START to text "
     "with us again."},
    {"OPT_OUT_CONFIRMATION_ES", &Config::opt_out_confirmation_es,
     "Te diste de baja de los mensajes de {businessName} y no recibirás más. Responde START para "
     "volver a escribirnos."},
    {"DEFAULT_REGION", &Config::default_region, "US"},
    {"ALLOWED_COUNTRIES", &Config::allowed_countries, nullptr},
    {"INITIATE_TEXT", &Config::initiate_text,
     "Hi {firstName}, thanks for texting {businessName}. Your code is {code}. We'll reply here."},
    {"INITIATE_TEXT_ES", &Config::initiate_text_es,
     "Hola {firstName}, gracias por escribir a {businessName}. Tu código es {code}. Te "
     "responderemos aquí."},
    {"INITIATE_HOURLY_LIMIT", &Config::initiate_hourly_limit, "60"},
    {"AGE_GATE_YEARS", &Config::age_gate_years, nullptr},
    {"DEFAULT_TIME_ZONE", &Config::default_time_zone, "America/New_York"},
    {"QUIET_HOURS", &Config::quiet_hours, "21:00-08:00"},
    {"CAMPAIGN_RATE", &Config::campaign_rate, "1"},
    {"TOKEN_SECRET", &Config::token_secret, nullptr},
    {"TEXTUS_IDLE_EXIT", &Config::idle_exit, "0"},
    {"LOG_LEVEL", &Config::log_level, "info"},
    {"SMTP_URL", &Config::smtp_url, nullptr},
    {"SMTP_FROM", &Config::smtp_from, nullptr},
    {"MEDIA_RETENTION_DAYS", &Config::media_retention_days, "400"},
};

bool is_url(std::string_view value) {
    return value.starts_with("http://") || value.starts_with("https://");
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems_in)
    : std::runtime_error([&] {
          std::string text = "configuration:";
          for (const auto& problem : problems_in) text += " " + problem + ";";
          return text;
      }()),
      problems(std::move(problems_in)) {}

Config Config::load(const std::function<const char*(const char*)>& getenv,
                    std::span<const std::string_view> required) {
    Config config;
    std::vector<std::string> problems;
    for (const auto& setting : kSettings) {
        const char* value = getenv(setting.name);
        if (value && *value) {
            config.*setting.field = value;
        } else if (setting.fallback) {
            config.*setting.field = setting.fallback;
        } else if (std::find(required.begin(), required.end(), setting.name) != required.end()) {
            problems.push_back(std::string(setting.name) + " is not set");
        }
    }
    for (const auto name : required) {
        const bool known = std::any_of(std::begin(kSettings), std::end(kSettings),
                                       [&](const Setting& s) { return s.name == name; });
        if (!known) problems.push_back(std::string(name) + " is not a known setting");
    }
    const auto& levels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::find(levels.begin(), levels.end(), config.log_level) == levels.end()) {
        problems.push_back(
            "LOG_LEVEL must be one of trace, debug, info, warn, error, critical, off");
    }
    const auto& region = config.default_region;
    if (!phone::is_region_code(region)) {
        problems.push_back("DEFAULT_REGION must be a two-letter region code such as US");
    } else if (config.allowed_countries.empty()) {
        config.allowed_countries = region;
    }
    for (auto& problem : initiate_policy::config_problems(config)) {
        problems.push_back(std::move(problem));
    }
    // An IANA name: PostgreSQL, which converts the times, knows every one.
    const auto& zone = config.default_time_zone;
    if (zone.empty() || zone.size() > 64 || !std::all_of(zone.begin(), zone.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' ||
                   c == '-' || c == '+';
        })) {
        problems.push_back("DEFAULT_TIME_ZONE must be an IANA time zone such as America/New_York");
    }
    if (!quiet_hours::parse(config.quiet_hours)) {
        problems.push_back("QUIET_HOURS must be HH:MM-HH:MM, e.g. 21:00-08:00, or off");
    }
    if (!pace::parse(config.campaign_rate)) {
        problems.push_back(
            "CAMPAIGN_RATE must be messages a second, above 0 and at most 1000, or unlimited");
    }
    if (!idle_exit::parse(config.idle_exit)) {
        problems.push_back("TEXTUS_IDLE_EXIT must be whole seconds, 0 (never) to 86400");
    }
    for (const auto* url : {&config.public_base_url, &config.twilio_api_base,
                            &config.commerce7_api_base, &config.publish_url}) {
        if (!url->empty() && !is_url(*url)) {
            const auto it =
                std::find_if(std::begin(kSettings), std::end(kSettings),
                             [&](const Setting& s) { return &(config.*s.field) == url; });
            problems.push_back(std::string(it->name) + " must start with http:// or https://");
        }
    }
    if (!config.smtp_url.empty()) {
        if (!config.smtp_url.starts_with("smtp://") && !config.smtp_url.starts_with("smtps://")) {
            problems.push_back("SMTP_URL must start with smtp:// or smtps://");
        }
        const auto& from = config.smtp_from;
        const auto at = from.find('@');
        if (at == std::string::npos || at == 0 || at + 1 == from.size() ||
            from.find_first_of(" <>\r\n,") != std::string::npos) {
            problems.push_back("SMTP_FROM must be the sender's address, e.g. inbox@example.com");
        }
    }
    if (!text::whole_number(config.media_retention_days, 1, kMaxMediaRetentionDays)) {
        problems.push_back("MEDIA_RETENTION_DAYS must be whole days, 1 to 36500");
    }
    // nginx's configuration holds it too, unquoted in secure_link_md5; 16 characters at least.
    const auto& secret = config.token_secret;
    if (!secret.empty() &&
        (secret.size() < 16 || !std::all_of(secret.begin(), secret.end(), [](char c) {
             return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         }))) {
        problems.push_back("TOKEN_SECRET must be at least 16 letters, digits, - and _");
    }
    if (!problems.empty()) throw ConfigError(std::move(problems));
    return config;
}

}  // namespace textus
