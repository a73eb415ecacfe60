#include "common/messages/conversation_store.h"

#include <unordered_map>
#include <utility>

#include "common/contacts/contact_store.h"
#include "common/db/db.h"
#include "common/messages/message_store.h"

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
// word reads every message holding it, hundreds of milliseconds at a million messages.
//
// The body side takes one of two ways, chosen by how many of the newest 2,000 messages hold
// every word of the term (`common`): when 1% or more do, walking the newest messages finds
// kSearchCap matches within kSearchCap / 1% rows; for rarer words, the trigram index finds every
// message holding them all, which are checked and sorted. Counting words, not the term itself,
// is for phrases: the index finds "yes thank" in every message with both words (83,640 of a
// million, 300 ms), however few hold the phrase. The planner cannot be left to choose: it
// prices a walked row at a thirtieth of a fetched match where it costs a quarter (0.56 against
// 2.4 us), so it walked, 90 ms, for a word in 0.3% of messages whenever ANALYZE's sample
// overestimated it. Only the branch chosen runs (a one-time filter); 200,000 rows bound the
// walk. A term without three letters or digits in a row has no trigram to look up (pg_trgm):
// the index would return every message (270 ms for "qx"), so it is always walked, over the
// newest 20,000 messages only: one or two letters are most often a word being typed. A body
// match's contact is then read by id (`OFFSET 0` keeps that from becoming a join that reads
// every conversation).
const std::string kCapText = std::to_string(kSearchCap);
// The WITH clause of a search, ending in `matches`, over four parameters from $<first> on
// (Terms): the term's pattern (P), its words' patterns (W), how many of the newest messages a
// walk may read (R), and whether to walk whatever the newest messages hold (A).
std::string matches(int first) {
    std::string sql = R"(WITH
  names AS (
    SELECT c.id, c.last_message_id, c.last_message_at FROM contacts c
    WHERE c.last_message_at IS NOT NULL AND c.search_text LIKE lower($P)
    ORDER BY c.last_message_at DESC, c.id DESC LIMIT CAP),
  common AS (
    SELECT $A::boolean OR count(*) >= 20 AS yes
    FROM (SELECT s.body FROM messages s ORDER BY s.created_at DESC, s.id DESC LIMIT 2000) r
    WHERE lower(r.body) LIKE ALL (ARRAY(SELECT lower(w) FROM unnest($W::text[]) w))),
  bodies AS (
    (SELECT r.contact_id AS id
     FROM (SELECT s.contact_id, s.body, s.created_at, s.id FROM messages s
           ORDER BY s.created_at DESC, s.id DESC LIMIT $R::bigint) r
     WHERE (SELECT yes FROM common) AND lower(r.body) LIKE lower($P) AND r.contact_id IS NOT NULL
     ORDER BY r.created_at DESC, r.id DESC LIMIT CAP)
    UNION ALL
    (SELECT m.contact_id
     FROM (SELECT s.contact_id, s.created_at, s.id FROM messages s
           WHERE lower(s.body) LIKE lower($P) AND s.contact_id IS NOT NULL OFFSET 0) m
     WHERE NOT (SELECT yes FROM common)
     ORDER BY m.created_at DESC, m.id DESC LIMIT CAP)),
  matches AS (
    SELECT * FROM names
    UNION
    SELECT c.* FROM (SELECT DISTINCT id FROM bodies) b,
      LATERAL (SELECT c.id, c.last_message_id, c.last_message_at FROM contacts c
               WHERE c.id = b.id AND c.last_message_at IS NOT NULL OFFSET 0) c)
)";
    for (const auto& [name, value] : {std::pair{"$P", "$" + std::to_string(first)},
                                      {"$W", "$" + std::to_string(first + 1)},
                                      {"$R", "$" + std::to_string(first + 2)},
                                      {"$A", "$" + std::to_string(first + 3)},
                                      {"CAP", kCapText}}) {
        for (auto at = sql.find(name); at != std::string::npos; at = sql.find(name, at)) {
            sql.replace(at, std::string_view(name).size(), value);
        }
    }
    return sql;
}
const std::string kCapped = "(SELECT count(*) FROM names) = " + kCapText +
                            " OR (SELECT count(*) FROM bodies) = " + kCapText;
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

Page list(Tx& tx, const Query& q) {
    tx.plan_for_values();
    const auto terms = q.search_pattern ? terms_of(*q.search_pattern) : Terms();
    const auto rows = q.search_pattern ? tx.exec(kListSearch, q.limit, q.skip, *q.search_pattern,
                                                 terms.words, terms.walk_rows, terms.walk_always)
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
        const auto count = q.search_pattern ? tx.exec(kCountSearch, *q.search_pattern, terms.words,
                                                      terms.walk_rows, terms.walk_always)
                                            : tx.exec(kCount);
        page.total = count[0][0].as<int64_t>();
        page.total_capped = count[0][1].as<bool>();
    }
    return page;
}

}  // namespace textus::conversations
