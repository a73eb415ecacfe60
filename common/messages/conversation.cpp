#include "common/messages/conversation.h"

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
            out.search_pattern = pattern;
        }
    }
    out.limit = static_cast<int>(
        query_integer(query, "limit", 1, contacts::kMaxLimit, contacts::kDefaultLimit));
    out.skip = query_integer(query, "skip", 0, 1'000'000'000, 0);
    return out;
}

// A word has a trigram when three of its characters run together without a space or ASCII
// punctuation between them: pg_trgm splits words at anything but letters and digits. Escapes
// stay within their word, for only %, _ and \ are escaped.
Terms terms_of(const std::string& pattern) {
    Terms out;
    const auto term = std::string_view(pattern).substr(1, pattern.size() - 2);
    bool trigram = false;
    size_t start = 0;
    while (start <= term.size()) {
        const auto end = std::min(term.find(' ', start), term.size());
        if (end > start) {
            const auto word = term.substr(start, end - start);
            out.words.push_back("%" + std::string(word) + "%");
            int run = 0;  // characters in a row that pg_trgm keeps
            for (size_t i = 0; i < word.size(); ++i) {
                if (word[i] == '\\' && i + 1 < word.size()) ++i;
                const auto byte = static_cast<unsigned char>(word[i]);
                if ((byte & 0xC0) == 0x80) continue;  // the rest of a UTF-8 character
                run = byte >= 0x80 || std::isalnum(byte) ? run + 1 : 0;
                trigram = trigram || run >= 3;
            }
        }
        start = end + 1;
    }
    if (!trigram) {
        out.walk_rows = 20'000;
        out.walk_always = true;
    }
    return out;
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
