// Internal notes (issue 27; docs/decisions.md, Notes and mentions): what staff write to each
// other in a conversation, shown in the thread with its author, never sent. "@Name" mentions a
// person who may sign in, who is told. This file holds the rules and the JSON; note_store the SQL.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/http.h"
#include "common/http/people.h"

namespace textus::notes {

inline constexpr size_t kMaxBodyCharacters = 2000;
inline constexpr int kDefaultLimit = 50;
inline constexpr int kMaxLimit = 200;

struct Mentioned {
    int64_t id = 0;
    std::string name;
    bool operator==(const Mentioned&) const = default;
};

struct Note {
    int64_t id = 0;
    int64_t contact_id = 0;
    std::optional<int64_t> author_id;  // none: a key of nobody wrote it
    std::string author_name;
    std::string body;
    std::vector<Mentioned> mentions;
    std::string created_at;  // RFC 3339
};

// {id, contactId, author: {id, name} | null, authorName, body, mentions: [{id, name}], createdAt}
nlohmann::json to_json(const Note& note);

// POST's {contactId, body}: body is text of one or more lines, at most kMaxBodyCharacters. 400
// naming the field at fault.
struct Write {
    int64_t contact_id = 0;
    std::string body;
};
Write parse_write(const nlohmann::json& body);

// ?contactId=&limit=&before= (a note's id: the page before it); 400 invalid_query.
struct Query {
    int64_t contact_id = 0;
    int limit = kDefaultLimit;
    std::optional<int64_t> before;
};
Query parse_query(const Form& query);

// Who `body` mentions among `team`: "@" and a person's name (any case), the longest that fits,
// at the start or after anything but a letter or digit (so no email address), and followed by
// none. Each person once, in the order first mentioned.
std::vector<Mentioned> mentions_in(std::string_view body, const std::vector<people::Person>& team);

}  // namespace textus::notes
