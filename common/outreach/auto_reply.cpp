#include "common/outreach/auto_reply.h"

#include <array>

#include "common/consent/keywords.h"
#include "common/consent/opt_out.h"
#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/quiet_hours.h"
#include "common/core/template.h"
#include "common/core/text.h"
#include "common/db/db.h"

namespace textus::auto_reply {

namespace {

using nlohmann::json;

constexpr size_t kMaxKeywordCharacters = 32;
// PostgreSQL's isodow: Monday is 1.
constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

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

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

std::string keyword_of(const json& body) {
    const auto given = fields::required_text(body, "keyword", kMaxKeywordCharacters);
    for (const char c : given) {
        const bool alnum =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum)
            throw bad_request("invalid_field", "keyword must be letters and digits", "keyword");
    }
    if (keywords::classify(given).kind != keywords::Kind::none) {
        throw bad_request("reserved_keyword",
                          given +
                              " is one of Twilio's own keywords (STOP, START, HELP and "
                              "theirs), which get no other reply",
                          "keyword");
    }
    return upper(given);
}

json hours_of(const json& body) {
    const auto it = body.find("hours");
    if (it == body.end() || !it->is_object()) {
        throw bad_request("invalid_field",
                          "hours must be an object: {\"mon\": \"09:00-17:00\", ..., \"sun\": null}",
                          "hours");
    }
    json hours = json::object();
    for (const auto* day : kDays) {
        const auto value = it->find(day);
        if (value == it->end() || value->is_null()) {
            hours[day] = nullptr;
            continue;
        }
        const auto window =
            value->is_string() ? quiet_hours::parse(value->get<std::string>()) : std::nullopt;
        // A day's hours are within the day: opening before midnight, closing after it, is two
        // days' hours.
        if (!window || !window->enabled || window->start > window->end) {
            throw bad_request(
                "invalid_field",
                std::string("hours.") + day + " must be HH:MM-HH:MM within the day, or null",
                "hours");
        }
        hours[day] = *value;
    }
    for (const auto& [day, value] : it->items()) {
        if (!hours.contains(day)) {
            throw bad_request("invalid_field", "hours has days mon to sun only", "hours");
        }
    }
    return hours;
}

HttpError taken(const Rule& rule) {
    if (rule.kind == "away") {
        return conflict("away_exists", "There is an away rule already: change that one", "kind");
    }
    return conflict("duplicate_keyword", "There is a rule for " + *rule.keyword + " already",
                    "keyword");
}

}  // namespace

Rule parse_write(const json& body) {
    Rule rule;
    rule.kind = fields::required_text(body, "kind", 16);
    if (rule.kind == "keyword") {
        rule.keyword = keyword_of(body);
    } else if (rule.kind == "away") {
        rule.hours = hours_of(body);
    } else {
        throw bad_request("invalid_field", "kind must be keyword or away", "kind");
    }
    rule.body =
        fields::required_text(body, "body", templates::kMaxBodyCharacters, fields::Lines::many);
    templates::variables(rule.body);
    if (const auto it = body.find("enabled"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            throw bad_request("invalid_field", "enabled must be true or false", "enabled");
        }
        rule.enabled = it->get<bool>();
    }
    return rule;
}

json to_json(const Rule& rule) {
    return {{"id", rule.id},
            {"kind", rule.kind},
            {"keyword", rule.keyword ? json(*rule.keyword) : json(nullptr)},
            {"hours", rule.hours},
            {"body", rule.body},
            {"enabled", rule.enabled},
            {"createdAt", rule.created_at},
            {"updatedAt", rule.updated_at}};
}

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
    const auto keyword = text::valid_utf8(message) ? upper(text::trim(message)) : std::string();
    const auto rules = tx.exec(kRules, keyword, time_zone);
    if (rules.empty()) return std::nullopt;
    const auto& rule = rules[0];
    const auto kind = rule[0].as<std::string>();
    if (kind == "keyword") return Reply{kind, rule[1].as<std::string>()};
    const auto hours = json::parse(rule[2].as<std::string>());
    const auto& today = hours[kDays[rule[3].as<int>() - 1]];
    if (today.is_string() &&
        quiet_hours::inside(*quiet_hours::parse(today.get<std::string>()), rule[4].as<int>())) {
        return std::nullopt;  // open
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
