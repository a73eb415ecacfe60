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
// The page (`rows`: id, last_message_id, last_message_at) is chosen first and counted after, so
// a deep `skip` does not count the messages of every row it skips. `totals` are the fifth and
// sixth columns: the total, and whether a search stopped at its cap.
std::string page_of(const std::string& with, const std::string& rows, const std::string& totals) {
    return with +
           "SELECT p.id, p.last_message_id,"
           " (SELECT count(*) FROM messages u WHERE u.contact_id = p.id"
           "  AND u.direction = 'inbound' AND u.read_at IS NULL),"
           " (SELECT count(*) FROM messages a WHERE a.contact_id = p.id), " +
           totals + " FROM (" + rows +
           "  ORDER BY last_message_at DESC, id DESC LIMIT $1 OFFSET $2) p"
           " ORDER BY p.last_message_at DESC, p.id DESC";
}
const std::string kConversations =
    "SELECT c.id, c.last_message_id, c.last_message_at FROM contacts c"
    " WHERE c.last_message_at IS NOT NULL";
// A search looks at the newest kSearchCap conversations whose contact matches and the newest
// kSearchCap messages whose body matches (docs/decisions.md): an exact answer for a common
// word reads every message holding it, hundreds of milliseconds at a million messages. Each
// side is the newest first, so the planner either walks the recency index until it has enough
// (a common word) or takes the few trigram matches and sorts them (a rare one); both need the
// statistics migration 014 raises. A body match's contact is then read by id (`OFFSET 0`
// keeps the planner from making that a join that reads every conversation).
const std::string kSearchCap = std::to_string(conversations::kSearchCap);
// The WITH clause of a search for the pattern in parameter `parameter`, ending in `matches`.
std::string matches(int parameter) {
    const auto pattern = "lower($" + std::to_string(parameter) + ")";
    return "WITH names AS (" + kConversations + " AND c.search_text LIKE " + pattern +
           " ORDER BY c.last_message_at DESC, c.id DESC LIMIT " + kSearchCap +
           "), bodies AS (SELECT s.contact_id AS id FROM messages s WHERE lower(s.body) LIKE " +
           pattern + " AND s.contact_id IS NOT NULL ORDER BY s.created_at DESC, s.id DESC LIMIT " +
           kSearchCap +
           "), matches AS (SELECT * FROM names UNION SELECT c.* FROM"
           " (SELECT DISTINCT id FROM bodies) b, LATERAL (SELECT c.id, c.last_message_id,"
           " c.last_message_at FROM contacts c WHERE c.id = b.id"
           " AND c.last_message_at IS NOT NULL OFFSET 0) c) ";
}
const std::string kCapped = "(SELECT count(*) FROM names) = " + kSearchCap +
                            " OR (SELECT count(*) FROM bodies) = " + kSearchCap;
const Statement kList{"conversations_list", page_of("", kConversations, "NULL::bigint, false")};
const Statement kCount{
    "conversations_count",
    "SELECT count(*), false FROM contacts c WHERE c.last_message_at IS NOT NULL"};
const Statement kListSearch{
    "conversations_list_search",
    page_of(matches(3), "SELECT m.*, count(*) OVER () AS total FROM matches m",
            "p.total, " + kCapped)};
// Only for a page past the end of a search.
const Statement kCountSearch{"conversations_count_search",
                             matches(1) + "SELECT count(*), " + kCapped + " FROM matches"};

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
    // A page that is not full, and not past the end, is the last: it tells the total. A
    // search's rows carry it.
    if (!rows.empty()) page.total_capped = rows[0][5].as<bool>();
    if (std::cmp_less(rows.size(), q.limit) && (!rows.empty() || q.skip == 0)) {
        page.total = q.skip + static_cast<int64_t>(rows.size());
    } else if (!rows.empty() && !rows[0][4].is_null()) {
        page.total = rows[0][4].as<int64_t>();
    } else {
        const auto count =
            q.search_pattern ? tx.exec(kCountSearch, *q.search_pattern) : tx.exec(kCount);
        page.total = count[0][0].as<int64_t>();
        page.total_capped = count[0][1].as<bool>();
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
