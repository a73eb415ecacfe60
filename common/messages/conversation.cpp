#include "common/messages/conversation.h"

#include <algorithm>
#include <cctype>
#include <cmath>

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
std::string quoted(const std::string& lexeme) {
    std::string out = "'";
    for (const char c : lexeme) {
        if (c == '\'' || c == '\\') out += c;
        out += c;
    }
    return out + "'";
}
}  // namespace

BodyQuery body_query(const std::vector<std::string>& words) {
    BodyQuery out;
    if (words.size() == 1) {
        out.pairs = quoted(words[0]) + ":*";
        return out;
    }
    for (size_t i = 0; i + 1 < words.size(); ++i) {
        if (i > 0) out.pairs += " & ";
        out.pairs += quoted(words[i] + " " + words[i + 1]);
    }
    out.pairs += ":*";
    if (words.size() > 2) {
        std::string phrase;
        for (const auto& word : words) phrase += (phrase.empty() ? "" : " <-> ") + quoted(word);
        out.phrase = phrase + ":*";
    }
    return out;
}

// Measured at a million messages (tests/bench/inbox-reads): walking costs about 0.3 us a row,
// so a walk finds kSearchCap matches of a term in 2.5% of messages in 20,000 rows, 6 ms. The
// index costs about 0.5 us for each match it reads, over every message however old, and 3 us
// for each it fetches: a term in 1% has 10,000 matches to read, 5 ms, and fetching them all
// would be 30 ms, so the index is read with the window of messages expected to hold 1.5 times
// kSearchCap matches (at 0.05 us a row for the window). Past 2.5%, reading is the dearer; below
// 0.75% the window is (100,000 rows), and fetching the few matches there are, the cheaper.
BodyPlan body_plan(int64_t hits, int64_t rows) {
    if (rows < kSampleRows) return {kSampleRows, std::nullopt};  // the sample saw them all
    const double share = static_cast<double>(hits) / kSampleRows;
    if (share >= 0.025) {
        return {std::max<int64_t>(kSampleRows, std::llround(2.0 * kSearchCap / share)),
                std::nullopt};
    }
    if (share >= 0.0075) return {0, 1.5 * kSearchCap / hits};
    return {};
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
