// What the website's form may text (contract.md §4, issue 24). The form is the product's front
// door, open to anyone: one that texts any number a visitor's words is an SMS-pumping (toll
// fraud) and phishing relay. So it texts only numbers in ALLOWED_COUNTRIES whose line takes
// texts, never our own number; one number at most kPerNumberPerDay times a day; all numbers
// together at most INITIATE_HOURLY_LIMIT times an hour; and only INITIATE_TEXT, our own words
// with the visitor's code, never the visitor's text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config.h"
#include "common/core/initiate_settings.h"
#include "common/core/language.h"

namespace textus {
class Tx;
}

namespace textus::initiate_policy {

inline constexpr int kPerNumberPerDay = 3;
// Past this many characters, or with anything but letters, spaces and - ' . in it, a first
// name is left out of the text: the form's fields must not carry a message to the phone.
inline constexpr size_t kMaxNameInText = 30;

// 400 naming phoneNumber: a number outside ALLOWED_COUNTRIES (country_not_allowed), a line that
// does not take texts (number_cannot_text: toll-free, premium-rate, shared-cost, VoIP, fixed
// line, ...), or our own TWILIO_PHONE_NUMBER (own_number).
void check_number(const std::string& e164, const Config& config);

// The web form's first texts in the last hour, all numbers together, against the limit.
struct Budget {
    int64_t limit = 0;
    int64_t last_hour = 0;
    bool exhausted() const { return last_hour >= limit; }
};
Budget budget(Tx& tx, const Config& config);

// Inside the initiate's unit of work, with contact `contact_id` locked (initiates for one
// number take turns): 429 initiate_limit when the number had kPerNumberPerDay initiates in the
// last 24 hours, 429 initiate_budget when the hour's budget is spent (initiates everywhere
// take turns for the count), each with Retry-After.
void check_allowed(Tx& tx, int64_t contact_id, const Config& config);

// `first_name` when it reads as a name in a text (kMaxNameInText), else "".
std::string name_for_text(std::string_view first_name);

// The first SMS's words: INITIATE_TEXT of `language` (language::initiate_text) with {code},
// {businessName} and {firstName} (name_for_text; left out when it does not read as a name).
std::string first_text(std::string_view first_name, std::string_view code,
                       language::Language language, const Config& config);

}  // namespace textus::initiate_policy
