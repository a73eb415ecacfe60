#include "common/messages/note.h"

#include <algorithm>
#include <cctype>

#include "common/core/error.h"
#include "common/core/fields.h"

namespace textus::notes {

namespace {

using nlohmann::json;

// ASCII letters and digits, and every byte of a multi-byte UTF-8 character: a name's letters.
bool word_byte(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || std::isalnum(byte);
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

json to_json(const Note& note) {
    json mentions = json::array();
    for (const auto& m : note.mentions) mentions.push_back({{"id", m.id}, {"name", m.name}});
    return {{"id", note.id},
            {"contactId", note.contact_id},
            {"author", note.author_id ? json{{"id", *note.author_id}, {"name", note.author_name}}
                                      : json(nullptr)},
            {"authorName", note.author_name},
            {"body", note.body},
            {"mentions", mentions},
            {"createdAt", note.created_at}};
}

Write parse_write(const json& body) {
    return {fields::id(body.value("contactId", json()), "contactId", "a contact's id"),
            fields::required_text(body, "body", kMaxBodyCharacters, fields::Lines::many)};
}

Query parse_query(const Form& query) {
    Query out;
    out.contact_id = query_integer(query, "contactId", 1, INT64_MAX, 0);
    if (out.contact_id == 0) {
        throw bad_request("invalid_query", "contactId is required", "contactId");
    }
    out.limit = static_cast<int>(query_integer(query, "limit", 1, kMaxLimit, kDefaultLimit));
    if (const auto before = query_integer(query, "before", 1, INT64_MAX, 0)) out.before = before;
    return out;
}

std::vector<Mentioned> mentions_in(std::string_view body, const std::vector<people::Person>& team) {
    std::vector<Mentioned> out;
    for (size_t at = body.find('@'); at != std::string_view::npos; at = body.find('@', at + 1)) {
        if (at > 0 && word_byte(body[at - 1])) continue;
        const auto rest = body.substr(at + 1);
        const people::Person* best = nullptr;
        for (const auto& person : team) {
            const auto& name = person.name;
            if (name.empty() || rest.size() < name.size()) continue;
            if (!same_ignoring_case(rest.substr(0, name.size()), name)) continue;
            if (rest.size() > name.size() && word_byte(rest[name.size()])) continue;
            if (!best || name.size() > best->name.size()) best = &person;
        }
        if (!best) continue;
        const auto id = best->id;
        if (std::none_of(out.begin(), out.end(), [&](const Mentioned& m) { return m.id == id; })) {
            out.push_back({id, best->name});
        }
    }
    return out;
}

}  // namespace textus::notes
