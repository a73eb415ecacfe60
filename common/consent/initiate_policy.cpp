#include "common/consent/initiate_policy.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>

#include "common/core/error.h"
#include "common/core/initiate_settings.h"
#include "common/core/phone.h"
#include "common/core/template.h"
#include "common/db/db.h"

namespace textus::initiate_policy {

namespace {

// Initiates everywhere take turns to count the hour, so parallel ones cannot all fit the last
// place in the budget.
const Statement kLockBudget{"initiate_lock_budget",
                            "SELECT pg_advisory_xact_lock(hashtext('textus-initiate-budget'))"};
// With the seconds until the oldest counted one leaves the window: the Retry-After.
const Statement kLastHour{
    "initiate_last_hour",
    "SELECT count(*), coalesce(ceil(extract(epoch FROM min(created_at) + interval '1 hour' -"
    " now())), 0)::bigint FROM chats WHERE created_at > now() - interval '1 hour'"};
const Statement kNumberLastDay{
    "initiate_number_last_day",
    "SELECT count(*), coalesce(ceil(extract(epoch FROM min(created_at) + interval '1 day' -"
    " now())), 0)::bigint FROM chats WHERE contact_id = $1 AND"
    " created_at > now() - interval '1 day'"};

HttpError too_many(std::string code, std::string message, int64_t retry_after_seconds) {
    HttpError error(429, std::move(code), std::move(message), "phoneNumber");
    error.headers.emplace_back("Retry-After",
                               std::to_string(std::max<int64_t>(retry_after_seconds, 1)));
    return error;
}

}  // namespace

void check_number(const std::string& e164, const Config& config) {
    const auto line = phone::line(e164);
    const auto allowed = allowed_countries(config);
    if (std::find(allowed.begin(), allowed.end(), line.region) == allowed.end()) {
        throw bad_request("country_not_allowed",
                          "We can text only numbers in " + config.allowed_countries +
                              "; this number is not one of them",
                          "phoneNumber");
    }
    if (!line.takes_texts) {
        throw bad_request(
            "number_cannot_text",
            "This number cannot take texts (it is a " + line.type + " number); use a mobile number",
            "phoneNumber");
    }
    if (!config.twilio_phone_number.empty() && e164 == config.twilio_phone_number) {
        throw bad_request("own_number", "This is our own number; use yours", "phoneNumber");
    }
}

Budget budget(Tx& tx, const Config& config) {
    return {.limit = hourly_limit(config), .last_hour = tx.exec(kLastHour)[0][0].as<int64_t>()};
}

void check_allowed(Tx& tx, int64_t contact_id, const Config& config) {
    const auto number = tx.exec(kNumberLastDay, contact_id)[0];
    if (number[0].as<int64_t>() >= kPerNumberPerDay) {
        throw too_many("initiate_limit",
                       "This number was sent our code " + std::to_string(kPerNumberPerDay) +
                           " times in the last 24 hours; text us directly instead",
                       number[1].as<int64_t>());
    }
    tx.exec(kLockBudget);
    const auto hour = tx.exec(kLastHour)[0];
    if (hour[0].as<int64_t>() >= hourly_limit(config)) {
        throw too_many("initiate_budget",
                       "We cannot start more chats from the website right now; text us directly "
                       "or try again later",
                       hour[1].as<int64_t>());
    }
}

std::string name_for_text(std::string_view first_name) {
    const auto name = icu::UnicodeString::fromUTF8(
        icu::StringPiece(first_name.data(), static_cast<int32_t>(first_name.size())));
    if (name.countChar32() > static_cast<int32_t>(kMaxNameInText)) return "";
    for (int32_t i = 0; i < name.length(); i = name.moveIndex32(i, 1)) {
        const UChar32 c = name.char32At(i);
        if (!u_isalpha(c) && !u_hasBinaryProperty(c, UCHAR_DIACRITIC) && c != ' ' && c != '-' &&
            c != '\'' && c != 0x2019 && c != '.') {
            return "";
        }
    }
    return std::string(first_name);
}

std::string first_text(std::string_view first_name, std::string_view code,
                       language::Language language, const Config& config) {
    return templates::render(with_code(language::initiate_text(config, language), code),
                             {.first_name = name_for_text(first_name),
                              .last_name = {},
                              .business_name = config.business_name,
                              .agent = {}});
}

}  // namespace textus::initiate_policy
