#include "common/messages/conversation.h"

#include <algorithm>
#include <cctype>

#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/text.h"

namespace textus::conversations {

std::string_view status_name(Status status) {
    switch (status) {
        case Status::open:
            return "open";
        case Status::closed:
            return "closed";
        case Status::snoozed:
            return "snoozed";
    }
    throw std::logic_error("no such status");
}

std::optional<Status> status_named(std::string_view name) {
    for (const auto status : kStatuses) {
        if (status_name(status) == name) return status;
    }
    return std::nullopt;
}

namespace {

HttpError invalid(const std::string& field, const std::string& message) {
    return bad_request("invalid_field", field + " " + message, field);
}

nlohmann::json assignee_json(const std::optional<Assignee>& assignee) {
    if (!assignee) return nullptr;
    return {{"id", assignee->id}, {"name", assignee->name}};
}

}  // namespace

nlohmann::json to_json(const State& state) {
    return {{"contactId", state.contact_id},
            {"status", status_name(state.status)},
            {"snoozedUntil", state.snoozed_until ? nlohmann::json(*state.snoozed_until) : nullptr},
            {"assignee", assignee_json(state.assignee)}};
}

nlohmann::json to_json(const Counts& counts) {
    const auto one = [](const Count& count) {
        return nlohmann::json{
            {"mine", count.mine}, {"unassigned", count.unassigned}, {"all", count.all}};
    };
    return {{"open", one(counts.open)}, {"snoozed", one(counts.snoozed)}};
}

Change parse_change(const nlohmann::json& body) {
    Change out;
    if (const auto it = body.find("assigneeId"); it != body.end()) {
        out.assignee_id =
            it->is_null() ? std::nullopt
                          : std::optional(fields::id(*it, "assigneeId", "a person's id or null"));
    }
    if (const auto it = body.find("status"); it != body.end()) {
        const auto status = it->is_string() ? status_named(it->get<std::string>()) : std::nullopt;
        if (!status) throw invalid("status", "must be open, closed or snoozed");
        out.status = status;
    }
    if (const auto it = body.find("snoozedUntil"); it != body.end()) {
        out.snoozed_until = fields::timestamp(*it, "snoozedUntil");
    }
    if (out.snoozed_until && out.status != Status::snoozed) {
        throw invalid("snoozedUntil", "goes with status snoozed");
    }
    if (out.status == Status::snoozed && !out.snoozed_until) {
        throw invalid("snoozedUntil", "is required to snooze: when it opens again");
    }
    if (!out.assignee_id && !out.status) {
        throw bad_request("missing_field", "Send assigneeId, status or both", "status");
    }
    return out;
}

Query parse_query(const Form& query, int64_t me) {
    Query out;
    if (const auto* status = query.get("status"); status && !status->empty()) {
        out.status = status_named(*status);
        if (!out.status) {
            throw bad_request("invalid_query", "status must be open, closed or snoozed", "status");
        }
    }
    if (const auto* assignee = query.get("assignee"); assignee && !assignee->empty()) {
        using Kind = AssigneeFilter::Kind;
        if (*assignee == "me") {
            out.assignee = {Kind::person, me};
        } else if (*assignee == "none") {
            out.assignee = {Kind::nobody, 0};
        } else {
            const auto id = query_integer(query, "assignee", 1, INT64_MAX, 0);
            out.assignee = {Kind::person, id};
        }
    }
    if (const auto* search = query.get("search"); search && !search->empty()) {
        if (text::length(*search) > 200) {
            throw bad_request("invalid_query", "search must be at most 200 characters", "search");
        }
        if (auto pattern = contacts::search_pattern(*search); !pattern.empty()) {
            out.search = text::trim(*search);
            out.names = name_patterns(pattern);
        }
    }
    out.limit = static_cast<int>(
        query_integer(query, "limit", 1, contacts::kMaxLimit, contacts::kDefaultLimit));
    out.skip = query_integer(query, "skip", 0, 1'000'000'000, 0);
    return out;
}

// pg_trgm's trigrams are three characters of one word: it splits words at anything but letters
// and digits (here, any non-ASCII character counts as a letter). Escapes stay within their word,
// for only %, _ and \ are escaped.
NamePatterns name_patterns(const std::string& pattern) {
    const auto term = std::string_view(pattern).substr(1, pattern.size() - 2);
    int run = 0;  // characters in a row that pg_trgm keeps
    for (size_t i = 0; i < term.size(); ++i) {
        if (term[i] == '\\' && i + 1 < term.size()) ++i;
        const auto byte = static_cast<unsigned char>(term[i]);
        if ((byte & 0xC0) == 0x80) continue;  // the rest of a UTF-8 character
        run = byte >= 0x80 || std::isalnum(byte) ? run + 1 : 0;
        if (run >= 3) return {pattern, std::nullopt};
    }
    return {std::string(term) + "%", "% " + std::string(term) + "%"};
}

namespace {
// A lexeme quoted for tsquery's input: quotes and backslashes doubled.
std::string as_lexeme(std::string_view lexeme) {
    std::string out = "'";
    for (const char c : lexeme) {
        if (c == '\'' || c == '\\') out += c;
        out += c;
    }
    return out + "'";
}
}  // namespace

std::string pairs_query(const std::vector<std::string>& words, std::optional<int> month) {
    const auto under = month ? std::to_string(*month) + " " : std::string();
    if (words.size() == 1) return as_lexeme(under + words[0]) + ":*";
    std::string out;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
        if (i > 0) out += " & ";
        out += as_lexeme(under + words[i] + " " + words[i + 1]);
    }
    return out + ":*";
}

std::optional<std::string> phrase_query(const std::vector<std::string>& words) {
    if (words.size() < 3) return std::nullopt;  // one pair, or a word: the pairs say it all
    return words_query(words);
}

std::string words_query(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : " <-> ") + as_lexeme(word);
    return out + ":*";
}

// Walking costs about 0.5 us a row (under a load of 4 on two cores), so it finds kSearchCap
// matches of a term in 3% of messages in 17,000 rows, 8 ms. A month in the index costs about 3 us
// for each match in it, which it reads and sorts: the same 8 ms for 3% of a month of 83,000
// messages (a million a year), less below. Past 3% walking is the cheaper; it goes back twice
// as far as the time expected to hold kSearchCap matches (rows are not spread evenly in time),
// and the index takes over from there.
double walk_spans(int64_t hits, int64_t rows) {
    if (rows < kSampleRows) return 1;  // the sample saw every message: walk them all
    if (hits * 100 < kSampleRows * 3) return 0;
    return std::max(1.0, 2.0 * kSearchCap / static_cast<double>(hits));
}

nlohmann::json to_json(const Conversation& c) {
    auto out = to_json(c.state);
    out.erase("contactId");
    out.update({{"contact", contacts::to_json(c.contact)},
                {"phoneNumber", c.contact.phone},
                {"lastMessage", messages::to_json(c.last_message)},
                {"unreadCount", c.unread_count},
                {"messageCount", c.message_count},
                {"lastMessageAt", c.last_message.created_at}});
    return out;
}

}  // namespace textus::conversations
