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

struct Query {
    std::optional<std::string> search_pattern;  // as contacts::search_pattern, also over bodies
    int limit = contacts::kDefaultLimit;
    int64_t skip = 0;
};

// ?search=&limit=&skip=; 400 invalid_query naming a bad value.
Query parse_query(const Form& query);

struct Conversation {
    contacts::Contact contact;
    messages::Message last_message;
    int64_t unread_count = 0;
    int64_t message_count = 0;
};

// How a search pattern's message bodies are looked for (common/messages/conversation_store.cpp):
// the LIKE patterns of its words ("%yes thank%" gives "%yes%" and "%thank%"), and how many of the
// newest messages a walk may read. A term without three letters or digits in a row has no trigram,
// so it is always walked, over the newest 20,000 messages only.
struct Terms {
    std::vector<std::string> words;
    int64_t walk_rows = 200'000;
    bool walk_always = false;
};
Terms terms_of(const std::string& pattern);

struct Page {
    std::vector<Conversation> conversations;
    int64_t total = 0;
    bool total_capped = false;  // a search stopped at kSearchCap: there may be more
};

// How many of the newest matching contacts, and of the newest matching messages, a search looks
// at (docs/decisions.md).
inline constexpr int kSearchCap = 500;

// {contact, phoneNumber, lastMessage, unreadCount, messageCount, lastMessageAt}
nlohmann::json to_json(const Conversation& conversation);

}  // namespace textus::conversations
