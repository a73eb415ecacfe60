// Conversations (contract.md §4): one row per contact with messages, newest first, with its last
// message and unread count: what the inbox lists (the query: common/messages/conversation_store).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/contacts/contact.h"
#include "common/http/http.h"
#include "common/messages/message.h"

namespace textus::conversations {

// Where a search is looked for in contacts' names, email and phone digits
// (contacts.search_text): LIKE patterns, the SQL lower-cases them.
struct NamePatterns {
    std::string pattern;                      // as contacts::search_pattern: anywhere
    std::optional<std::string> word_pattern;  // with `pattern`, its start of a later word
    bool operator==(const NamePatterns&) const = default;
};

// Where a conversation is in the team's work (docs/decisions.md, Working the conversations):
// open until someone closes it; snoozed until a time, when the worker opens it again; an inbound
// text opens a closed or snoozed one.
enum class Status { open, closed, snoozed };
inline constexpr Status kStatuses[] = {Status::open, Status::snoozed, Status::closed};
std::string_view status_name(Status status);
// The status called `name`, if one is.
std::optional<Status> status_named(std::string_view name);

struct Assignee {
    int64_t id = 0;
    std::string name;
};

// A conversation's status and assignee: {contactId, status, snoozedUntil, assignee: {id, name}}.
struct State {
    int64_t contact_id = 0;
    Status status = Status::open;
    std::optional<std::string> snoozed_until;  // RFC 3339, while snoozed
    std::optional<Assignee> assignee;          // none: unassigned
};
nlohmann::json to_json(const State& state);

// Whose conversations a list shows: anyone's, nobody's (unassigned), or one person's.
struct AssigneeFilter {
    enum class Kind { anyone, nobody, person } kind = Kind::anyone;
    int64_t person_id = 0;
    bool operator==(const AssigneeFilter&) const = default;
};

struct Query {
    std::optional<std::string> search;  // as typed, trimmed; absent when there is nothing to find
    NamePatterns names;
    std::optional<Status> status;  // none: every status
    AssigneeFilter assignee;
    int limit = contacts::kDefaultLimit;
    int64_t skip = 0;
};

// ?search=&status=&assignee=&limit=&skip=; status is open, closed or snoozed; assignee is me
// (`me`, the person asking; 0 when a key of nobody asks, which has no conversations), none, or
// a person's id. 400 invalid_query naming a bad value.
Query parse_query(const Form& query, int64_t me);

// What a PATCH changes: the assignee (null: nobody), the status, and with snoozed the time it
// ends. Each is optional; 400 invalid_field for a bad one, snoozedUntil without snoozed or
// snoozed without snoozedUntil (its range is checked against the database's clock).
struct Change {
    std::optional<std::optional<int64_t>> assignee_id;
    std::optional<Status> status;
    std::optional<std::string> snoozed_until;
};
Change parse_change(const nlohmann::json& body);

// The longest snooze.
inline constexpr int kMaxSnoozeDays = 365;

// How many open and snoozed conversations there are: assigned to `me`, unassigned, and in
// all. Each stops at kCountCap (which then means that many or more): a count is read on every
// list, and the work in hand is what it is for. Closed ones are not counted: they are the
// history (a closed list's own total is in its pagination).
inline constexpr int kCountCap = 1000;
struct Count {
    int64_t mine = 0;
    int64_t unassigned = 0;
    int64_t all = 0;
};
struct Counts {
    Count open, snoozed;
};
// {open: {mine, unassigned, all}, snoozed: {...}}
nlohmann::json to_json(const Counts& counts);

struct Conversation {
    contacts::Contact contact;
    messages::Message last_message;
    int64_t unread_count = 0;
    int64_t message_count = 0;
    State state;
};

// A search's names side: `pattern` (contacts::search_pattern) anywhere, as the contact list
// does, when it has three letters or digits in a row for the trigram index to find; else at the
// start of a word: "hi" as "hi%" and "% hi%" (one or two letters are in most names).
NamePatterns name_patterns(const std::string& pattern);

// A search's body side, as tsquery text, from its words as PostgreSQL's parser reads them (what
// sql/020 keeps of a body, as word pairs). pairs_query finds the words in a row, the last as
// the start of a word ("yes thank you": 'yes thank' & 'thank you':*), among a message's pairs,
// or with `month` among the pairs of that month's messages ('24323 yes thank' & ...).
// phrase_query, from three words, checks over the body's words that the pairs are in one row.
std::string pairs_query(const std::vector<std::string>& words, std::optional<int> month);
std::optional<std::string> phrase_query(const std::vector<std::string>& words);
// The words in a row, the last as the start of a word: what a note (common/messages/note)
// must hold to match, over its own words.
std::string words_query(const std::vector<std::string>& words);

// How many of the newest messages a body search tests first, to choose how it goes on.
inline constexpr int kSampleRows = 2000;

// How far back a body search walks the newest messages, testing each, before it looks up the
// older ones month by month in the index: in times the time the newest kSampleRows span (0: no
// walk), from how many of them hold the term (`hits`, of the `rows` there are).
double walk_spans(int64_t hits, int64_t rows);

struct Page {
    std::vector<Conversation> conversations;
    int64_t total = 0;
    // A search stopped at kSearchCap, or a view's count at kCountCap past the page: there may
    // be more.
    bool total_capped = false;
};

// How many of the newest matching contacts, and of the newest matching messages, a search looks
// at (docs/decisions.md).
inline constexpr int kSearchCap = 500;

// {contact, phoneNumber, lastMessage, unreadCount, messageCount, lastMessageAt, status,
// snoozedUntil, assignee}
nlohmann::json to_json(const Conversation& conversation);

}  // namespace textus::conversations
