#include "common/messages/conversation.h"

#include <algorithm>
#include <cctype>

#include "common/core/error.h"
#include "common/core/text.h"

namespace textus::conversations {

Query parse_query(const Form& query) {
    Query out;
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
    return {{"contact", contacts::to_json(c.contact)},
            {"phoneNumber", c.contact.phone},
            {"lastMessage", messages::to_json(c.last_message)},
            {"unreadCount", c.unread_count},
            {"messageCount", c.message_count},
            {"lastMessageAt", c.last_message.created_at}};
}

}  // namespace textus::conversations
