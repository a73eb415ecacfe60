#include "common/reports/report.h"

#include <chrono>
#include <regex>

#include "common/core/csv.h"
#include "common/core/error.h"

namespace textus::reports {

namespace {

using nlohmann::json;

std::chrono::sys_days day_of(const Form& query, const char* name) {
    const auto* value = query.get(name);
    if (!value || value->empty()) {
        throw bad_request("missing_field", std::string(name) + " is required (YYYY-MM-DD)", name);
    }
    static const std::regex kDay(R"((\d{4})-(\d{2})-(\d{2}))");
    std::smatch m;
    using namespace std::chrono;
    if (std::regex_match(*value, m, kDay)) {
        const year_month_day d{year{std::stoi(m.str(1))}, month(std::stoi(m.str(2))),
                               day(std::stoi(m.str(3)))};
        if (d.ok() && d.year() >= year{2000} && d.year() <= year{2999}) return sys_days{d};
    }
    throw bad_request("invalid_query", std::string(name) + " must be a day written YYYY-MM-DD",
                      name);
}

}  // namespace

Period parse_period(const Form& query, const std::string& default_zone) {
    const auto from = day_of(query, "from");
    const auto to = day_of(query, "to");
    if (to < from || (to - from).count() >= kMaxDays) {
        throw bad_request(
            "invalid_query",
            "to must be from or after it, at most " + std::to_string(kMaxDays) + " days in all",
            "to");
    }
    const auto* zone = query.get("timeZone");
    Period period{*query.get("from"), *query.get("to"),
                  zone && !zone->empty() ? *zone : default_zone};
    static const std::regex kZone(R"([A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+){0,2})");
    if (period.time_zone.size() > 64 || !std::regex_match(period.time_zone, kZone)) {
        throw bad_request("invalid_time_zone",
                          "timeZone must be an IANA time zone such as America/Los_Angeles",
                          "timeZone");
    }
    return period;
}

json to_json(const Period& period, const Messages& messages) {
    json days = json::array();
    for (const auto& d : messages.days) {
        days.push_back({{"day", d.day},
                        {"in", {{"sms", d.sms_in}, {"web", d.web_in}}},
                        {"out", {{"sms", d.sms_out}, {"web", d.web_out}}}});
    }
    json people = json::array();
    for (const auto& p : messages.people)
        people.push_back({{"person", p.person}, {"sent", p.sent}});
    return {{"success", true},
            {"period", {{"from", period.from}, {"to", period.to}, {"timeZone", period.time_zone}}},
            {"days", days},
            {"people", people}};
}

std::string to_csv(const Messages& messages, const std::string& table) {
    if (table == "people") {
        std::string out = csv::line({"person", "sent"});
        for (const auto& p : messages.people) out += csv::line({p.person, std::to_string(p.sent)});
        return out;
    }
    if (table != "days") {
        throw bad_request("invalid_query", "table must be days or people", "table");
    }
    std::string out = csv::line({"day", "sms in", "web in", "sms out", "web out"});
    for (const auto& d : messages.days) {
        out += csv::line({d.day, std::to_string(d.sms_in), std::to_string(d.web_in),
                          std::to_string(d.sms_out), std::to_string(d.web_out)});
    }
    return out;
}

}  // namespace textus::reports
