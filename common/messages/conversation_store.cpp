#include "common/messages/conversation_store.h"

#include <unordered_map>
#include <utility>

#include "common/contacts/contact_store.h"
#include "common/core/error.h"
#include "common/db/db.h"
#include "common/http/people.h"
#include "common/messages/message_store.h"

namespace textus::conversations {

namespace {
// A conversation's state: contact c's columns and its assignee u's.
const std::string kStateColumns =
    "c.id, c.conversation_status, rfc3339(c.snoozed_until), u.id, u.display_name";
const std::string kAssignee = " LEFT JOIN users u ON u.id = c.assignee_id";

State state_at(const pqxx::row& row, int first) {
    // The table's CHECK allows only these names.
    State state{row[first].as<int64_t>(), *status_named(row[first + 1].c_str()),
                nullable(row[first + 2]), std::nullopt};
    if (!row[first + 3].is_null()) {
        state.assignee = Assignee{row[first + 3].as<int64_t>(), row[first + 4].as<std::string>()};
    }
    return state;
}

// Contact c's status and assignee are those asked for in parameters $<status> (text; NULL:
// any) and $<assignee> (NULL: anyone's; 0: nobody's; else the person's id). Written so that
// each value's plan (Tx::plan_for_values) folds to a plain test the planner can estimate: "IS
// NOT DISTINCT FROM" it took for one row in 100,000, and sorted them all (55 ms).
std::string filtered(int status, int assignee) {
    const auto s = "$" + std::to_string(status), a = "$" + std::to_string(assignee);
    return " AND (" + s + "::text IS NULL OR c.conversation_status = " + s + ") AND (" + a +
           "::bigint IS NULL OR c.assignee_id = " + a + " OR (" + a +
           " = 0 AND c.assignee_id IS NULL))";
}

// Ids and counts first; the contacts and last messages are then read by id, by their own stores.
// The page (`rows`: id, last_message_id, last_message_at) is chosen first and counted after, so
// a deep `skip` does not count the messages of every row it skips. `totals` are the fifth and
// sixth columns: the total, and whether a search stopped at its cap; the state follows.
std::string page_of(const std::string& with, const std::string& rows, const std::string& totals) {
    return with +
           "SELECT p.id, p.last_message_id,"
           " (SELECT count(*) FROM messages n WHERE n.contact_id = p.id"
           "  AND n.direction = 'inbound' AND n.read_at IS NULL),"
           " (SELECT count(*) FROM messages a WHERE a.contact_id = p.id), " +
           totals + ", " + kStateColumns + " FROM (" + rows +
           "  ORDER BY last_message_at DESC, id DESC LIMIT $1 OFFSET $2) p"
           " JOIN contacts c ON c.id = p.id" +
           kAssignee + " ORDER BY p.last_message_at DESC, p.id DESC";
}
const std::string kConversations =
    "SELECT c.id, c.last_message_id, c.last_message_at FROM contacts c"
    " WHERE c.last_message_at IS NOT NULL" +
    filtered(3, 4);
// A search looks at the newest kSearchCap conversations whose contact matches and the newest
// kSearchCap messages whose body matches (docs/decisions.md): an exact answer for a common
// word reads every message holding it, hundreds of milliseconds at a million messages.
//
// The body side walks the newest messages back to the time walk_spans chose (none for a rare
// term), then looks up the older ones in the index month by month, newest first: each month's
// matches in time order, the months in theirs (an incremental sort on the month's number),
// until it has kSearchCap. The planner cannot be left to choose between walking and the index:
// its estimate of a word's share decides it, and a wrong one cost 90 ms (a walk for a rare word)
// or 160 ms (the index for a common one). So the walk's test is in a coalesce, which no index
// serves and whose share the planner takes for a half: it walks the recent-messages index in
// order and stops at kSearchCap; the months skip what it read with the same coalesce. A
// matched message's contact is then read by id (`OFFSET 0` keeps that from becoming a join
// that reads every conversation).
const std::string kCapText = std::to_string(kSearchCap);
// The WITH clause of a search, ending in `matches`, over parameters from $<first> on: the
// names' patterns (P, W), the body's queries (Q over a message's pairs, F its phrase, M one for
// each month, newest first; Q NULL: no body side), and how far the walk goes: K times the time
// between the sample's newest and oldest (N, O) back from the newest; and the notes' query (T,
// NULL: none), whose newest kSearchCap matching notes count as the body side's.
std::string matches(int first) {
    std::string sql = R"(WITH
  names AS (
    SELECT c.id, c.last_message_id, c.last_message_at FROM contacts c
    WHERE c.last_message_at IS NOT NULL
      AND (c.search_text LIKE lower($P) OR c.search_text LIKE lower($W))
    ORDER BY c.last_message_at DESC, c.id DESC LIMIT CAP),
  bodies AS (
    SELECT b.contact_id AS id FROM (
      (SELECT s.contact_id FROM messages s
       WHERE $K::float8 > 0 AND s.created_at >= SINCE AND s.contact_id IS NOT NULL
         AND coalesce(s.body_pairs @@ $Q::tsquery, false) AND PHRASE
       ORDER BY s.created_at DESC, s.id DESC LIMIT CAP)
      UNION ALL
      (SELECT m.contact_id
       FROM unnest($M::tsquery[]) WITH ORDINALITY AS q(query, n),
         LATERAL (SELECT s.contact_id, s.created_at, s.id FROM messages s
                  WHERE month_pairs(s.created_at, s.body_pairs) @@ q.query
                    AND s.contact_id IS NOT NULL AND PHRASE
                    AND ($K::float8 = 0 OR NOT coalesce(s.created_at >= SINCE, false))
                  ORDER BY s.created_at DESC, s.id DESC LIMIT CAP) m
       ORDER BY q.n, m.created_at DESC, m.id DESC LIMIT CAP)) b
    LIMIT CAP),
  noted AS (
    SELECT n.contact_id AS id FROM notes n
    WHERE $T::tsquery IS NOT NULL AND to_tsvector('simple', n.body) @@ $T::tsquery
    ORDER BY n.created_at DESC, n.id DESC LIMIT CAP),
  matches AS (
    SELECT * FROM names
    UNION
    SELECT c.* FROM (SELECT id FROM bodies UNION SELECT id FROM noted) b,
      LATERAL (SELECT c.id, c.last_message_id, c.last_message_at FROM contacts c
               WHERE c.id = b.id AND c.last_message_at IS NOT NULL OFFSET 0) c)
)";
    const auto p = [&](int i) { return "$" + std::to_string(first + i); };
    for (const auto& [name, value] :
         {std::pair<std::string, std::string>{
              "PHRASE", "($F::tsquery IS NULL OR to_tsvector('simple', s.body) @@ $F::tsquery)"},
          {"SINCE", "($N::timestamptz - ($N::timestamptz - $O::timestamptz) * $K::float8)"},
          {"$P", p(0)},
          {"$W", p(1)},
          {"$Q", p(2)},
          {"$F", p(3)},
          {"$M", p(4)},
          {"$K", p(5)},
          {"$N", p(6)},
          {"$O", p(7)},
          {"$T", p(8)},
          {"CAP", kCapText}}) {
        for (auto at = sql.find(name); at != std::string::npos; at = sql.find(name, at)) {
            sql.replace(at, name.size(), value);
        }
    }
    return sql;
}
const std::string kCapped = "(SELECT count(*) FROM names) = " + kCapText +
                            " OR (SELECT count(*) FROM bodies) = " + kCapText +
                            " OR (SELECT count(*) FROM noted) = " + kCapText;
const Statement kList{"conversations_list", page_of("", kConversations, "NULL::bigint, false")};
const Statement kCount{
    "conversations_count",
    "SELECT count(*), false FROM contacts c WHERE c.last_message_at IS NOT NULL"};
// A view's total is counted up to $3 rows: a status or an assignee can hold most of a large
// history (the closed), which the list itself never reads past its page.
const Statement kCountView{"conversations_count_view",
                           "SELECT count(*), count(*) = $3 FROM (SELECT FROM contacts c"
                           " WHERE c.last_message_at IS NOT NULL" +
                               filtered(1, 2) + " LIMIT $3) x"};
const std::string kMatchesFiltered = " FROM matches m JOIN contacts c ON c.id = m.id WHERE true";
const Statement kListSearch{
    "conversations_list_search",
    page_of(matches(5), "SELECT m.*, count(*) OVER () AS total" + kMatchesFiltered + filtered(3, 4),
            "p.total, " + kCapped)};
// Only for a page past the end of a search.
const Statement kCountSearch{
    "conversations_count_search",
    matches(3) + "SELECT count(*), " + kCapped + kMatchesFiltered + filtered(1, 2)};

// The counts: six capped counts in contacts_working_idx, each status a literal for the index's
// predicate to match.
std::string counted(const std::string& status, const std::string& whose) {
    return "(SELECT count(*) FROM (SELECT FROM contacts WHERE conversation_status = '" + status +
           "' AND last_message_at IS NOT NULL" + whose + " LIMIT " + std::to_string(kCountCap) +
           ") x)";
}
std::string counts_of(const std::string& status) {
    return counted(status, " AND assignee_id = $1") + ", " +
           counted(status, " AND assignee_id IS NULL") + ", " + counted(status, "");
}
const Statement kCounts{"conversations_counts",
                        "SELECT " + counts_of("open") + ", " + counts_of("snoozed")};
const Statement kFind{"conversations_find",
                      "SELECT " + kStateColumns + " FROM contacts c" + kAssignee +
                          " WHERE c.id = $1 AND c.last_message_at IS NOT NULL"};
const Statement kLock{"conversations_lock",
                      "SELECT id FROM contacts WHERE id = $1 AND last_message_at IS NOT NULL"
                      " FOR UPDATE"};
// Whether a snooze's end is past, or too far ahead.
const Statement kSnoozeRange{"conversations_snooze_range",
                             "SELECT $1::timestamptz <= now(),"
                             " $1::timestamptz > now() + make_interval(days => $2)"};
// $2: whether to set the assignee, to $3; $4: the status (NULL: as it is), $5 its snooze.
const Statement kChange{
    "conversations_change",
    "WITH c AS (UPDATE contacts SET"
    " assignee_id = CASE WHEN $2 THEN $3::bigint ELSE assignee_id END,"
    " conversation_status = coalesce($4::text, conversation_status),"
    " snoozed_until = CASE WHEN $4::text IS NULL THEN snoozed_until ELSE $5::timestamptz END"
    " WHERE id = $1 RETURNING *) SELECT " +
        kStateColumns + " FROM c" + kAssignee};
const Statement kClaim{"conversations_claim",
                       "WITH c AS (UPDATE contacts SET assignee_id = $2"
                       " WHERE id = $1 AND assignee_id IS NULL RETURNING *) SELECT " +
                           kStateColumns + " FROM c" + kAssignee};
const Statement kEndSnoozes{
    "conversations_end_snoozes",
    "WITH c AS (UPDATE contacts SET conversation_status = 'open', snoozed_until = NULL"
    " WHERE conversation_status = 'snoozed' AND snoozed_until <= now() RETURNING *) SELECT " +
        kStateColumns + " FROM c" + kAssignee + " ORDER BY c.id"};

// The look, and the thread the person looked at before it (a look that still counted).
const Statement kLook{"conversations_look",
                      "WITH before AS (SELECT contact_id FROM presence WHERE user_id = $1"
                      "  AND seen_at > now() - make_interval(secs => $3) FOR UPDATE),"
                      " looked AS (INSERT INTO presence (user_id, contact_id) VALUES ($1, $2)"
                      "  ON CONFLICT (user_id) DO UPDATE SET contact_id = $2, seen_at = now())"
                      " SELECT (SELECT contact_id FROM before)"};
const Statement kViewers{
    "conversations_viewers",
    "SELECT u.id, u.display_name FROM presence p JOIN users u ON u.id = p.user_id"
    " WHERE p.contact_id = $1 AND u.disabled_at IS NULL"
    " AND p.seen_at > now() - make_interval(secs => $2)"
    " ORDER BY lower(u.display_name), u.id"};

// The parameters of filtered(): the status and assignee asked for.
std::vector<Param> filter_params(const Query& q) {
    using Kind = AssigneeFilter::Kind;
    std::vector<Param> params;
    params.push_back(q.status ? Param(std::string(status_name(*q.status))) : std::nullopt);
    params.push_back(q.assignee.kind == Kind::anyone   ? std::nullopt
                     : q.assignee.kind == Kind::nobody ? param(int64_t{0})
                                                       : param(q.assignee.person_id));
    return params;
}

// A search's words as PostgreSQL's parser reads them, in order: what word_pairs (sql/020) keeps
// of a body.
const Statement kWords{"conversations_search_words",
                       "SELECT u.lexeme FROM unnest(to_tsvector('simple', $1)) u,"
                       " unnest(u.positions) p ORDER BY p"};
// How many of the newest kSampleRows messages with a contact the body's queries match, of how
// many there are, the times of the newest and the oldest of them, and the months of the newest
// message and of the oldest in the table.
const Statement kSample{
    "conversations_search_sample",
    "SELECT count(*) FILTER (WHERE r.contact_id IS NOT NULL AND r.body_pairs @@ $1::tsquery"
    "  AND ($2::tsquery IS NULL OR to_tsvector('simple', r.body) @@ $2::tsquery)),"
    " count(*), max(r.created_at), min(r.created_at), message_month(max(r.created_at)),"
    " (SELECT message_month(min(m.created_at)) FROM messages m)"
    " FROM (SELECT s.contact_id, s.body, s.body_pairs, s.created_at FROM messages s"
    "  ORDER BY s.created_at DESC, s.id DESC LIMIT " +
        std::to_string(kSampleRows) + ") r"};

// The parameters of matches(): the names' patterns and the body side's queries and walk.
std::vector<Param> search_params(Tx& tx, const Query& q) {
    std::vector<Param> params{q.names.pattern, param(q.names.word_pattern)};
    std::vector<std::string> words;
    for (const auto& row : tx.exec(kWords, *q.search)) words.push_back(row[0].as<std::string>());
    if (words.empty()) {  // punctuation or symbols only: no body side
        params.insert(params.end(), {std::nullopt, std::nullopt, param(std::vector<std::string>()),
                                     param("0"), std::nullopt, std::nullopt, std::nullopt});
        return params;
    }
    const auto query = pairs_query(words, std::nullopt);
    const auto phrase = phrase_query(words);
    const auto sample = tx.exec(kSample, query, phrase)[0];
    std::vector<std::string> months;
    if (!sample[4].is_null()) {
        for (auto month = sample[4].as<int>(); month >= sample[5].as<int>(); --month) {
            months.push_back(pairs_query(words, month));
        }
    }
    const auto spans = walk_spans(sample[0].as<int64_t>(), sample[1].as<int64_t>());
    params.insert(params.end(), {query, param(phrase), param(months), std::to_string(spans),
                                 nullable(sample[2]), nullable(sample[3]), words_query(words)});
    return params;
}

}  // namespace

Page list(Tx& tx, const Query& q) {
    tx.plan_for_values();
    auto params = filter_params(q);
    if (q.search) {
        const auto search = search_params(tx, q);
        params.insert(params.end(), search.begin(), search.end());
    }
    auto page_params = params;
    page_params.insert(page_params.begin(), {param(q.limit), param(q.skip)});
    const auto rows = tx.exec_params(q.search ? kListSearch : kList, page_params);
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
                                      row[3].as<int64_t>(), state_at(row, 6)});
    }
    // A page that is not full, and not past the end, is the last: it tells the total. A
    // search's rows carry it.
    if (!rows.empty()) page.total_capped = rows[0][5].as<bool>();
    if (std::cmp_less(rows.size(), q.limit) && (!rows.empty() || q.skip == 0)) {
        page.total = q.skip + static_cast<int64_t>(rows.size());
    } else if (!rows.empty() && !rows[0][4].is_null()) {
        page.total = rows[0][4].as<int64_t>();
    } else {
        auto view_params = params;
        view_params.push_back(param(q.skip + q.limit + kCountCap));
        const auto count = q.search ? tx.exec_params(kCountSearch, params)
                           : q.status || q.assignee.kind != AssigneeFilter::Kind::anyone
                               ? tx.exec_params(kCountView, view_params)
                               : tx.exec(kCount);
        page.total = count[0][0].as<int64_t>();
        page.total_capped = count[0][1].as<bool>();
    }
    return page;
}

Counts counts(Tx& tx, int64_t me) {
    const auto row = tx.exec(kCounts, me)[0];
    const auto at = [&](int i) { return row[i].as<int64_t>(); };
    return {{at(0), at(1), at(2)}, {at(3), at(4), at(5)}};
}

std::optional<State> find(Tx& tx, int64_t contact_id) {
    const auto rows = tx.exec(kFind, contact_id);
    if (rows.empty()) return std::nullopt;
    return state_at(rows[0], 0);
}

State change(Tx& tx, int64_t contact_id, const Change& change) {
    if (tx.exec(kLock, contact_id).empty()) {
        throw not_found("No conversation with contact " + std::to_string(contact_id));
    }
    std::optional<int64_t> assignee;
    if (change.assignee_id && *change.assignee_id) {
        if (!people::enabled(tx, **change.assignee_id)) {
            throw bad_request("invalid_field", "assigneeId names nobody who may sign in",
                              "assigneeId");
        }
        assignee = **change.assignee_id;
    }
    if (change.snoozed_until) {
        const auto range = tx.exec(kSnoozeRange, *change.snoozed_until, kMaxSnoozeDays)[0];
        if (range[0].as<bool>()) {
            throw bad_request("invalid_field", "snoozedUntil must be in the future",
                              "snoozedUntil");
        }
        if (range[1].as<bool>()) {
            throw bad_request(
                "invalid_field",
                "snoozedUntil must be at most " + std::to_string(kMaxSnoozeDays) + " days ahead",
                "snoozedUntil");
        }
    }
    const auto status =
        change.status ? Param(std::string(status_name(*change.status))) : std::nullopt;
    return state_at(tx.exec(kChange, contact_id, change.assignee_id.has_value(), assignee, status,
                            change.snoozed_until)[0],
                    0);
}

std::optional<State> claim(Tx& tx, int64_t contact_id, int64_t person) {
    const auto rows = tx.exec(kClaim, contact_id, person);
    if (rows.empty()) return std::nullopt;
    return state_at(rows[0], 0);
}

nlohmann::json to_json(const Presence& presence) {
    auto viewers = nlohmann::json::array();
    for (const auto& v : presence.viewers) viewers.push_back({{"id", v.id}, {"name", v.name}});
    return {{"contactId", presence.contact_id}, {"viewers", viewers}};
}

std::vector<Presence> look(Tx& tx, int64_t person, std::optional<int64_t> contact_id) {
    if (contact_id && !contacts::exists(tx, *contact_id)) {
        throw not_found("No contact with id " + std::to_string(*contact_id));
    }
    const auto before =
        nullable<int64_t>(tx.exec(kLook, person, contact_id, kPresenceSeconds)[0][0]);
    std::vector<Presence> out;
    for (const auto& id : {contact_id, before != contact_id ? before : std::nullopt}) {
        if (!id) continue;
        Presence presence{*id, {}};
        for (const auto& row : tx.exec(kViewers, *id, kPresenceSeconds)) {
            presence.viewers.push_back({row[0].as<int64_t>(), row[1].as<std::string>()});
        }
        out.push_back(std::move(presence));
    }
    return out;
}

std::vector<State> end_snoozes(Tx& tx) {
    std::vector<State> out;
    for (const auto& row : tx.exec(kEndSnoozes)) out.push_back(state_at(row, 0));
    return out;
}

}  // namespace textus::conversations
