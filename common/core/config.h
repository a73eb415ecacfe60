// Configuration: read once from the environment (contract.md §6), validated, with defaults.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace textus {

inline constexpr int64_t kMaxMediaRetentionDays = 36500;

struct Config {
    std::string database_url;
    std::string public_base_url;
    std::string twilio_account_sid;
    std::string twilio_auth_token;
    std::string twilio_phone_number;
    std::string twilio_messaging_service_sid;
    std::string twilio_api_base;
    std::string commerce7_app_id;
    std::string commerce7_secret;
    std::string commerce7_tenant;
    std::string commerce7_api_base;
    std::string publish_url;
    std::string business_name;
    std::string consent_text;
    // Spanish's consent text: unset, the widget is offered in English only (common/core/language).
    std::string consent_text_es;
    std::string opt_in_request_text;
    std::string opt_out_notice;
    std::string opt_out_notice_es;
    // Our one text to a number that opted out in its own words (common/consent/opt_out): Twilio
    // confirms only its own keywords. A template body ({businessName}, {firstName}).
    std::string opt_out_confirmation;
    std::string opt_out_confirmation_es;
    std::string default_region;
    // Web-to-text (common/consent/initiate_policy): where the form may text, how often, and what.
    std::string allowed_countries;      // "US,CA"; default: DEFAULT_REGION
    std::string initiate_text;          // the first SMS: {firstName}, {businessName}, {code}
    std::string initiate_text_es;       // the same in Spanish
    std::string initiate_hourly_limit;  // web-initiated texts an hour, all numbers together
    std::string age_gate_years;         // the form's minimum age; "": no age gate
    std::string default_time_zone;      // the business's: auto-replies' business hours
    std::string quiet_hours;            // "21:00-08:00" or "off" (common/core/quiet_hours.h)
    std::string campaign_rate;          // messages a second, or "unlimited" (common/core/pace.h)
    std::string token_secret;           // signs long-poll URLs; nginx's secure_link checks them
    std::string idle_exit;  // TEXTUS_IDLE_EXIT: seconds, 0 never (common/core/idle_exit.h)
    std::string log_level;
    // Email for texts that wait (docs/decisions.md, Notifications): smtp:// or smtps://, with
    // user:password@ when the relay asks; none: no email. SMTP_FROM is the sender's address.
    std::string smtp_url;
    std::string smtp_from;
    // Days a message's media are kept (common/media): the worker deletes older ones. 1 to
    // kMaxMediaRetentionDays.
    std::string media_retention_days;

    // Reads every variable through `getenv` (nullptr or "" = unset) and applies defaults.
    // Throws ConfigError naming every variable in `required` that is unset and every value that
    // is malformed; it never includes a value, which may be a secret.
    static Config load(const std::function<const char*(const char*)>& getenv,
                       std::span<const std::string_view> required);
};

class ConfigError : public std::runtime_error {
  public:
    explicit ConfigError(std::vector<std::string> problems);
    std::vector<std::string> problems;  // e.g. "DATABASE_URL is not set"
};

}  // namespace textus
