#include "common/outreach/auto_reply.h"

#include <array>

#include "common/consent/keywords.h"
#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/quiet_hours.h"
#include "common/core/template.h"
#include "common/core/text.h"

namespace textus::auto_reply {

namespace {

using nlohmann::json;

constexpr size_t kMaxKeywordCharacters = 32;
// PostgreSQL's isodow: Monday is 1.
constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::string keyword_of(const json& body) {
    const auto given = fields::required_text(body, "keyword", kMaxKeywordCharacters);
    for (const char c : given) {
        const bool alnum =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum)
            throw bad_request("invalid_field", "keyword must be letters and digits", "keyword");
    }
    if (keywords::classify(given).kind != keywords::Kind::none) {
        throw bad_request("reserved_keyword",
                          given +
                              " is one of Twilio's own keywords (STOP, START, HELP and "
                              "theirs), which get no other reply",
                          "keyword");
    }
    return upper(given);
}

json hours_of(const json& body) {
    const auto it = body.find("hours");
    if (it == body.end() || !it->is_object()) {
        throw bad_request("invalid_field",
                          "hours must be an object: {\"mon\": \"09:00-17:00\", ..., \"sun\": null}",
                          "hours");
    }
    json hours = json::object();
    for (const auto* day : kDays) {
        const auto value = it->find(day);
        if (value == it->end() || value->is_null()) {
            hours[day] = nullptr;
            continue;
        }
        const auto window =
            value->is_string() ? quiet_hours::parse(value->get<std::string>()) : std::nullopt;
        // A day's hours are within the day: opening before midnight, closing after it, is two
        // days' hours.
        if (!window || !window->enabled || window->start > window->end) {
            throw bad_request(
                "invalid_field",
                std::string("hours.") + day + " must be HH:MM-HH:MM within the day, or null",
                "hours");
        }
        hours[day] = *value;
    }
    for (const auto& [day, value] : it->items()) {
        if (!hours.contains(day)) {
            throw bad_request("invalid_field", "hours has days mon to sun only", "hours");
        }
    }
    return hours;
}

}  // namespace

Rule parse_write(const json& body) {
    Rule rule;
    rule.kind = fields::required_text(body, "kind", 16);
    if (rule.kind == "keyword") {
        rule.keyword = keyword_of(body);
    } else if (rule.kind == "away") {
        rule.hours = hours_of(body);
    } else {
        throw bad_request("invalid_field", "kind must be keyword or away", "kind");
    }
    rule.body =
        fields::required_text(body, "body", templates::kMaxBodyCharacters, fields::Lines::many);
    templates::variables(rule.body);
    if (const auto it = body.find("enabled"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            throw bad_request("invalid_field", "enabled must be true or false", "enabled");
        }
        rule.enabled = it->get<bool>();
    }
    return rule;
}

json to_json(const Rule& rule) {
    return {{"id", rule.id},
            {"kind", rule.kind},
            {"keyword", rule.keyword ? json(*rule.keyword) : json(nullptr)},
            {"hours", rule.hours},
            {"body", rule.body},
            {"enabled", rule.enabled},
            {"createdAt", rule.created_at},
            {"updatedAt", rule.updated_at}};
}

std::string keyword_in(std::string_view message) {
    return text::valid_utf8(message) ? upper(text::trim(message)) : std::string();
}

bool open_at(const json& hours, int isodow, int minutes) {
    const auto& today = hours[kDays[isodow - 1]];
    return today.is_string() &&
           quiet_hours::inside(*quiet_hours::parse(today.get<std::string>()), minutes);
}

}  // namespace textus::auto_reply
