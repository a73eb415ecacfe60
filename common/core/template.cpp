#include "common/core/template.h"

#include <algorithm>
#include <array>

#include "common/core/error.h"
#include "common/core/fields.h"

namespace textus::templates {

namespace {

constexpr std::array<std::string_view, 4> kVariables = {"firstName", "lastName", "businessName",
                                                        "agent"};

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// The variable whose "{name}" starts at body[at], and its length with the braces; a '{' that
// opens no such token is text.
struct Token {
    std::string_view name;
    size_t size = 0;
};
Token token_at(std::string_view body, size_t at) {
    if (body[at] != '{') return {};
    size_t end = at + 1;
    while (end < body.size() && is_name_char(body[end])) ++end;
    if (end == at + 1 || end >= body.size() || body[end] != '}') return {};
    return {body.substr(at + 1, end - at - 1), end - at + 1};
}

bool closes_phrase(char c) {
    return c == ' ' || c == ',' || c == '.' || c == '!' || c == '?' || c == ';' || c == ':' ||
           c == '\n' || c == '\r';
}

}  // namespace

std::vector<std::string> variables(std::string_view body, std::string_view field) {
    std::vector<std::string> used;
    for (size_t at = 0; at < body.size(); ++at) {
        const auto token = token_at(body, at);
        if (token.size == 0) continue;
        if (std::find(kVariables.begin(), kVariables.end(), token.name) == kVariables.end()) {
            throw bad_request("unknown_variable",
                              "Unknown variable {" + std::string(token.name) +
                                  "}: use {firstName}, {lastName}, {businessName} or {agent}",
                              std::string(field));
        }
        if (std::find(used.begin(), used.end(), token.name) == used.end()) {
            used.emplace_back(token.name);
        }
        at += token.size - 1;
    }
    return used;
}

std::string render(std::string_view body, const Values& values) {
    std::string out;
    for (size_t at = 0; at < body.size();) {
        const auto token = token_at(body, at);
        if (token.size == 0) {
            out += body[at++];
            continue;
        }
        at += token.size;
        const auto& value = token.name == "firstName"      ? values.first_name
                            : token.name == "lastName"     ? values.last_name
                            : token.name == "businessName" ? values.business_name
                                                           : values.agent;
        if (!value.empty()) {
            out += value;
            continue;
        }
        // Nothing to say: drop one space beside the gap, the one before it when a space or
        // punctuation follows, else the one after it at the start of a line.
        const char next = at < body.size() ? body[at] : '\n';
        if (out.ends_with(' ') && closes_phrase(next)) {
            out.pop_back();
        } else if ((out.empty() || out.ends_with('\n')) && next == ' ') {
            ++at;
        }
    }
    return out;
}

Template parse_write(const nlohmann::json& body) {
    Template t;
    t.name = fields::required_text(body, "name", kMaxNameCharacters);
    t.body = fields::required_text(body, "body", kMaxBodyCharacters, fields::Lines::many);
    variables(t.body);
    return t;
}

nlohmann::json to_json(const Template& t) {
    return {{"id", t.id},
            {"name", t.name},
            {"body", t.body},
            {"variables", variables(t.body)},
            {"createdAt", t.created_at},
            {"updatedAt", t.updated_at}};
}

}  // namespace textus::templates
