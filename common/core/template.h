// Message templates (issue 15): a body with variables, rendered for one recipient by the one
// function every send path uses. Variables are {firstName}, {lastName}, {businessName} and
// {agent}; any other {name} is refused when the template is written. A variable without a
// value renders as nothing, and takes a space next to it along, so no space is left doubled
// or before punctuation ("Hi {firstName}, ..." to a contact without a name: "Hi, ...").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace textus::templates {

inline constexpr size_t kMaxNameCharacters = 100;
inline constexpr size_t kMaxBodyCharacters = 1600;  // Twilio's limit for Body

struct Template {
    int64_t id = 0;
    std::string name;
    std::string body;
    std::string created_at;
    std::string updated_at;
};

// A write's name and body (POST and PUT: both required). 400 naming the field: missing, not
// text, too long, control characters (line breaks allowed in the body), or a body with an
// unknown variable (unknown_variable, naming it).
Template parse_write(const nlohmann::json& body);

// The variables `body` uses, in order of first use. 400 unknown_variable (field `field`) for a
// {name} that is not one of the four.
std::vector<std::string> variables(std::string_view body, std::string_view field = "body");

struct Values {
    std::string first_name;
    std::string last_name;
    std::string business_name;
    std::string agent;
};

// `body` with each variable replaced by its value (see above); `body` passed variables().
std::string render(std::string_view body, const Values& values);

// {id, name, body, variables, createdAt, updatedAt}
nlohmann::json to_json(const Template& t);

}  // namespace textus::templates
