// Reports (issue 29; docs/decisions.md, Reports): figures a business owner reads at a glance,
// for a period of days in a time zone. report_store counts them; this file reads the period and
// renders the tables as JSON and CSV.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/http/http.h"

namespace textus::reports {

// A year and a day: a year on year comparison's span.
inline constexpr int kMaxDays = 366;

// Days from `from` to `to`, both included, as the calendar runs in `time_zone`.
struct Period {
    std::string from;  // YYYY-MM-DD
    std::string to;
    std::string time_zone;  // IANA, e.g. America/Los_Angeles
};

// ?from=&to=&timeZone=: both days required, `to` not before `from`, at most kMaxDays; the
// zone defaults to `default_zone`. 400 naming the parameter otherwise (an unknown zone is
// found by the database: report_store).
Period parse_period(const Form& query, const std::string& default_zone);

// Texts in and out per day, by channel; and the texts each person sent.
struct DayCount {
    std::string day;
    int64_t sms_in = 0;
    int64_t web_in = 0;
    int64_t sms_out = 0;
    int64_t web_out = 0;
};
struct PersonCount {
    std::string person;  // who sent it (sent_by): a person's name, a key's, or "auto", "web"...
    int64_t sent = 0;
};
struct Messages {
    std::vector<DayCount> days;       // every day of the period, in order, zeros included
    std::vector<PersonCount> people;  // most first
};

nlohmann::json to_json(const Period& period, const Messages& messages);
// The tables as CSV: "days" (day, SMS in, web in, SMS out, web out) or "people".
std::string to_csv(const Messages& messages, const std::string& table);

}  // namespace textus::reports
