#include "common/conversation.h"

#include <unordered_map>
#include <utility>

#include "common/contact_store.h"
#include "common/db.h"
#include "common/error.h"
#include "common/message_store.h"
#include "common/text.h"

namespace textus::conversations {

namespace {

// Ids and counts first; the contacts and last messages are then read by id, by their own stores.
// The page is chosen first and counted after, so a deep `skip` does not count the messages of
// every row it skips.
std::string page_of(const std::string& filter) {
    return "SELECT p.id, p.last_message_id,"
           " (SELECT count(*) FROM messages u WHERE u.contact_id = p.id"
           "  AND u.direction = 'inbound' AND u.read_at IS NULL),"
           " (SELECT count(*) FROM messages a WHERE a.contact_id = p.id)"
           " FROM (SELECT c.id, c.last_message_id, c.last_message_at FROM contacts c"
           "  WHERE c.last_message_at IS NOT NULL" +
           filter +
           "  ORDER BY c.last_message_at DESC, c.id DESC LIMIT $1 OFFSET $2) p"
           " ORDER BY p.last_message_at DESC, p.id DESC";
}
const std::string kCountAll = "SELECT count(*) FROM contacts c WHERE c.last_message_at IS NOT NULL";
// A search gets its own statements, so that each plan can use its trigram indexes: the two
// matches are a union of ids (an OR across the tables would scan every contact).
std::string search(int parameter) {
    const auto p = "lower($" + std::to_string(parameter) + ")";
    return " AND c.id IN (SELECT n.id FROM contacts n WHERE n.search_text LIKE " + p +
           " UNION SELECT s.contact_id FROM messages s WHERE lower(s.body) LIKE " + p +
           " AND s.contact_id IS NOT NULL)";
}
const Statement kList{"conversations_list", page_of("")};
const Statement kCount{"conversations_count", kCountAll};
const Statement kListSearch{"conversations_list_search", page_of(search(3))};
const Statement kCountSearch{"conversations_count_search", kCountAll + search(1)};

}  // namespace

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

Page list(Tx& tx, const Query& q) {
    tx.plan_for_values();
    const auto rows = q.search_pattern ? tx.exec(kListSearch, q.limit, q.skip, *q.search_pattern)
                                       : tx.exec(kList, q.limit, q.skip);
    std::vector<int64_t> contact_ids, message_ids;
    for (const auto& row : rows) {
        contact_ids.push_back(row[0].as<int64_t>());
        message_ids.push_back(row[1].as<int64_t>());
    }
    std::unordered_map<int64_t, contacts::Contact> contacts_by_id;
    for (auto& c : contacts::find_many(tx, contact_ids)) contacts_by_id.emplace(c.id, std::move(c));
    std::unordered_map<int64_t, messages::Message> messages_by_id;
    for (auto& m : messages::find_many(tx, message_ids)) messages_by_id.emplace(m.id, std::move(m));

    Page page;
    for (const auto& row : rows) {
        page.conversations.push_back({contacts_by_id.at(row[0].as<int64_t>()),
                                      messages_by_id.at(row[1].as<int64_t>()), row[2].as<int64_t>(),
                                      row[3].as<int64_t>()});
    }
    // A page that is not full, and not past the end, is the last: it tells the total.
    if (std::cmp_less(rows.size(), q.limit) && (!rows.empty() || q.skip == 0)) {
        page.total = q.skip + static_cast<int64_t>(rows.size());
    } else {
        const auto count =
            q.search_pattern ? tx.exec(kCountSearch, *q.search_pattern) : tx.exec(kCount);
        page.total = count[0][0].as<int64_t>();
    }
    return page;
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
