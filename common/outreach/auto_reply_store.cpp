#include "common/outreach/auto_reply_store.h"

#include "common/consent/keywords.h"
#include "common/consent/opt_out.h"
#include "common/core/error.h"
#include "common/db/db.h"

namespace textus::auto_reply {

namespace {

using nlohmann::json;

const std::string kColumns =
    "id, kind, keyword, hours::text, body, enabled, rfc3339(created_at), rfc3339(updated_at)";
const Statement kList{"auto_replies_list",
                      "SELECT " + kColumns + " FROM auto_replies ORDER BY kind DESC, keyword"};
const Statement kFind{"auto_replies_find",
                      "SELECT " + kColumns + " FROM auto_replies WHERE id = $1"};
// Either unique index (a keyword, the one away rule) can refuse the row.
const Statement kInsert{"auto_replies_insert",
                        "INSERT INTO auto_replies (kind, keyword, hours, body, enabled)"
                        " VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT DO NOTHING RETURNING " +
                            kColumns};
const Statement kTaken{"auto_replies_taken",
                       "SELECT 1 FROM auto_replies WHERE id <> $1 AND kind = $2"
                       " AND ($2 = 'away' OR keyword = $3)"};
const Statement kUpdate{"auto_replies_update",
                        "UPDATE auto_replies SET kind = $2, keyword = $3, hours = $4::jsonb,"
                        " body = $5, enabled = $6, updated_at = now() WHERE id = $1 RETURNING " +
                            kColumns};
const Statement kDelete{"auto_replies_delete",
                        "DELETE FROM auto_replies WHERE id = $1 RETURNING id"};
// The rules a text may meet, its keyword rule first, with the business's local day (isodow) and
// minute: one round trip on every inbound text, none when there are no rules.
const Statement kRules{"auto_replies_for_text",
                       "SELECT kind, body, hours::text,"
                       " extract(isodow FROM now() AT TIME ZONE $2)::int,"
                       " extract(hour FROM now() AT TIME ZONE $2)::int * 60"
                       " + extract(minute FROM now() AT TIME ZONE $2)::int"
                       " FROM auto_replies WHERE enabled"
                       " AND ((kind = 'keyword' AND keyword = $1) OR kind = 'away')"
                       " ORDER BY kind DESC"};
// Away replies carry the Idempotency-Key "auto-away-<the text's MessageSid>" (textus-webhook).
const Statement kRecentAway{"auto_replies_recent_away",
                            "SELECT EXISTS (SELECT 1 FROM messages WHERE contact_id = $1"
                            " AND direction = 'outbound' AND idempotency_key LIKE 'auto-away-%'"
                            " AND created_at > now() - interval '12 hours')"};

Rule from_row(const pqxx::row& row) {
    return {.id = row[0].as<int64_t>(),
            .kind = row[1].as<std::string>(),
            .keyword = nullable(row[2]),
            .hours = row[3].is_null() ? json(nullptr) : json::parse(row[3].as<std::string>()),
            .body = row[4].as<std::string>(),
            .enabled = row[5].as<bool>(),
            .created_at = row[6].as<std::string>(),
            .updated_at = row[7].as<std::string>()};
}

HttpError taken(const Rule& rule) {
    if (rule.kind == "away") {
        return conflict("away_exists", "There is an away rule already: change that one", "kind");
    }
    return conflict("duplicate_keyword", "There is a rule for " + *rule.keyword + " already",
                    "keyword");
}

}  // namespace

std::vector<Rule> list(Tx& tx) {
    std::vector<Rule> out;
    for (const auto& row : tx.exec(kList)) out.push_back(from_row(row));
    return out;
}

std::optional<Rule> find(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kFind, id);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

Rule create(Tx& tx, const Rule& rule) {
    const auto rows = tx.exec(kInsert, rule.kind, rule.keyword,
                              rule.hours.is_null() ? std::nullopt : Param(rule.hours.dump()),
                              rule.body, rule.enabled);
    if (rows.empty()) throw taken(rule);
    return from_row(rows[0]);
}

std::optional<Rule> update(Tx& tx, int64_t id, const Rule& rule) {
    if (!tx.exec(kTaken, id, rule.kind, rule.keyword).empty()) throw taken(rule);
    const auto rows = tx.exec(kUpdate, id, rule.kind, rule.keyword,
                              rule.hours.is_null() ? std::nullopt : Param(rule.hours.dump()),
                              rule.body, rule.enabled);
    if (rows.empty()) return std::nullopt;
    return from_row(rows[0]);
}

bool remove(Tx& tx, int64_t id) {
    return !tx.exec(kDelete, id).empty();
}

std::optional<Reply> decide(Tx& tx, std::string_view message, int64_t contact_id,
                            const std::string& time_zone) {
    const auto rules = tx.exec(kRules, keyword_in(message), time_zone);
    if (rules.empty()) return std::nullopt;
    const auto& rule = rules[0];
    const auto kind = rule[0].as<std::string>();
    if (kind == "keyword") return Reply{kind, rule[1].as<std::string>()};
    if (open_at(json::parse(rule[2].as<std::string>()), rule[3].as<int>(), rule[4].as<int>())) {
        return std::nullopt;
    }
    if (tx.exec(kRecentAway, contact_id)[0][0].as<bool>()) return std::nullopt;
    return Reply{kind, rule[1].as<std::string>()};
}

std::optional<send::Prepared> queue(Tx& tx, const contacts::Contact& contact,
                                    const messages::Inbound& in, const Config& config) {
    if (opt_out::consent_of(in.body).keyword.kind != keywords::Kind::none) return std::nullopt;
    const auto reply = decide(tx, in.body, contact.id, config.default_time_zone);
    if (!reply) return std::nullopt;
    send::Request request;
    request.contact_id = contact.id;
    request.template_body = reply->body;  // rendered for the contact by the send decision
    request.idempotency_key = "auto-" + reply->kind + "-" + in.sid;
    return send::prepare(tx, request, config, "auto");
}

}  // namespace textus::auto_reply
