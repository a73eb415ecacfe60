#include "common/http/people.h"

#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/password.h"
#include "common/db/db.h"
#include "common/http/audit.h"

namespace textus::people {

namespace {

constexpr size_t kMaxNameCharacters = 100;
constexpr size_t kMaxEmailCharacters = 254;

// A Listed's columns (listed_of).
const std::string kListedColumns =
    std::string(kColumns) + ", rfc3339(u.created_at), rfc3339(u.disabled_at)";
// EmailAlerts' columns (alerts_of).
constexpr std::string_view kAlertColumns = "email_after_minutes, email_scope, email_with_body";

const Statement kFind{"people_find", "SELECT " + std::string(kColumns) +
                                         " FROM users u WHERE lower(u.email) = lower($1)"};
const Statement kEnabled{"people_enabled", "SELECT " + std::string(kColumns) +
                                               " FROM users u WHERE u.id = $1"
                                               " AND u.disabled_at IS NULL"};
const Statement kResetPassword{
    "people_reset_password",
    "WITH u AS (UPDATE users SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL"
    "  WHERE lower(email) = lower($1) RETURNING id, email, display_name, role),"
    " ended AS (UPDATE sessions SET ended_at = now() FROM u"
    "  WHERE sessions.user_id = u.id AND sessions.ended_at IS NULL)"
    " SELECT " +
        std::string(kColumns) + " FROM u"};
const Statement kList{"people_list", "SELECT " + kListedColumns + " FROM users u ORDER BY u.id"};
const Statement kTeam{"people_team", "SELECT " + std::string(kColumns) +
                                         " FROM users u WHERE u.disabled_at IS NULL"
                                         " ORDER BY lower(u.display_name), u.id"};
const Statement kLock{"people_lock",
                      "SELECT " + kListedColumns + " FROM users u WHERE u.id = $1 FOR UPDATE"};
const Statement kUpdate{
    "people_update",
    "UPDATE users u SET role = $2,"
    " disabled_at = CASE WHEN $3 THEN coalesce(disabled_at, now()) END WHERE id = $1"
    " RETURNING " +
        kListedColumns};
const Statement kEndSessions{"people_end_sessions",
                             "UPDATE sessions SET ended_at = now()"
                             " WHERE user_id = $1 AND ended_at IS NULL"};
const Statement kEmailAlerts{"people_email_alerts",
                             "SELECT " + std::string(kAlertColumns) + " FROM users WHERE id = $1"};
const Statement kSetEmailAlerts{
    "people_set_email_alerts",
    "UPDATE users SET email_after_minutes = $2, email_scope = $3, email_with_body = $4"
    " WHERE id = $1 RETURNING " +
        std::string(kAlertColumns)};
const Statement kInsert{
    "people_insert",
    "INSERT INTO users (email, display_name, role, password_hash) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING RETURNING id"};

Listed listed_of(const pqxx::row& row) {
    return {person_at(row, 0), row[4].as<std::string>(), nullable(row[5])};
}

std::string subject(int64_t id) {
    return "person " + std::to_string(id);
}

}  // namespace

std::string_view role_name(Role role) {
    switch (role) {
        case Role::owner:
            return "owner";
        case Role::admin:
            return "admin";
        case Role::agent:
            return "agent";
    }
    throw std::logic_error("no such role");
}

Role parse_role(std::string_view name, std::string_view field) {
    for (const auto role : {Role::owner, Role::admin, Role::agent}) {
        if (role_name(role) == name) return role;
    }
    throw bad_request("invalid_role", std::string(field) + " must be owner, admin or agent",
                      std::string(field));
}

Person person_at(const pqxx::row& row, int first) {
    return {row[first].as<int64_t>(), row[first + 1].as<std::string>(),
            row[first + 2].as<std::string>(), parse_role(row[first + 3].as<std::string>())};
}

std::optional<Person> find(Tx& tx, std::string_view email) {
    const auto rows = tx.exec(kFind, email);
    if (rows.empty()) return std::nullopt;
    return person_at(rows[0], 0);
}

std::optional<Person> enabled(Tx& tx, int64_t id) {
    const auto rows = tx.exec(kEnabled, id);
    if (rows.empty()) return std::nullopt;
    return person_at(rows[0], 0);
}

Created create(Tx& tx, const audit::Actor& actor, std::string_view email, std::string_view name,
               Role role) {
    const auto login = fields::text(std::string(email), "email", kMaxEmailCharacters);
    fields::check_email(login, "email");
    const auto display = fields::text(std::string(name), "name", kMaxNameCharacters);
    if (display.empty()) throw bad_request("missing_field", "name is required", "name");
    auto password = password::generate();
    const auto rows = tx.exec(kInsert, login, display, role_name(role), password::hash(password));
    if (rows.empty()) throw conflict("user_exists", "Someone signs in with that email already");
    const auto id = rows[0][0].as<int64_t>();
    audit::record(tx, actor, "person_created", subject(id), std::string(role_name(role)));
    return {{id, login, display, role}, std::move(password)};
}

Created reset_password(Tx& tx, const audit::Actor& actor, std::string_view email) {
    auto password = password::generate();
    const auto rows = tx.exec(kResetPassword, email, password::hash(password));
    if (rows.empty()) throw not_found("Nobody signs in with that email");
    auto person = person_at(rows[0], 0);
    audit::record(tx, actor, "password_reset", subject(person.id));
    return {std::move(person), std::move(password)};
}

std::vector<Listed> list(Tx& tx) {
    std::vector<Listed> out;
    for (const auto& row : tx.exec(kList)) out.push_back(listed_of(row));
    return out;
}

std::vector<Person> team(Tx& tx) {
    std::vector<Person> out;
    for (const auto& row : tx.exec(kTeam)) out.push_back(person_at(row, 0));
    return out;
}

Listed change(Tx& tx, const audit::Actor& actor, int64_t id, const Change& change) {
    const auto rows = tx.exec(kLock, id);
    if (rows.empty()) throw not_found("No such person");
    if (id == actor.person_id) {
        throw conflict("own_account",
                       "You cannot change your own role or disable yourself: ask another owner");
    }
    const auto before = listed_of(rows[0]);
    const auto role = change.role.value_or(before.person.role);
    const bool was_disabled = before.disabled_at.has_value();
    const bool disabled = change.disabled.value_or(was_disabled);
    auto after = listed_of(tx.exec(kUpdate, id, role_name(role), disabled)[0]);
    if (role != before.person.role) {
        audit::record(tx, actor, "person_changed", subject(id),
                      "role " + std::string(role_name(role)));
    }
    if (disabled != was_disabled) {
        audit::record(tx, actor, "person_changed", subject(id), disabled ? "disabled" : "enabled");
    }
    if (disabled && !was_disabled) tx.exec(kEndSessions, id);
    return after;
}

namespace {

EmailAlerts alerts_of(const pqxx::result& rows) {
    if (rows.empty()) throw not_found("No such person");
    return {nullable<int>(rows[0][0]), rows[0][1].as<std::string>() == "mine_and_unassigned",
            rows[0][2].as<bool>()};
}

}  // namespace

EmailAlerts parse_email_alerts(const nlohmann::json& body) {
    EmailAlerts out;
    const auto minutes = body.find("emailAfterMinutes");
    if (minutes != body.end() && !minutes->is_null()) {
        if (!minutes->is_number_integer() || minutes->get<int64_t>() < 1 ||
            minutes->get<int64_t>() > kMaxEmailAfterMinutes) {
            throw bad_request("invalid_field",
                              "emailAfterMinutes must be 1 to " +
                                  std::to_string(kMaxEmailAfterMinutes) + ", or null for none",
                              "emailAfterMinutes");
        }
        out.after_minutes = minutes->get<int>();
    }
    if (const auto scope = body.find("scope"); scope != body.end()) {
        if (*scope == "mine_and_unassigned") {
            out.unassigned_too = true;
        } else if (*scope != "mine") {
            throw bad_request("invalid_field", "scope must be mine or mine_and_unassigned",
                              "scope");
        }
    }
    if (const auto with_body = body.find("includeBody"); with_body != body.end()) {
        if (!with_body->is_boolean()) {
            throw bad_request("invalid_field", "includeBody must be true or false", "includeBody");
        }
        out.with_body = with_body->get<bool>();
    }
    return out;
}

nlohmann::json to_json(const EmailAlerts& alerts) {
    return {{"emailAfterMinutes",
             alerts.after_minutes ? nlohmann::json(*alerts.after_minutes) : nlohmann::json()},
            {"scope", alerts.unassigned_too ? "mine_and_unassigned" : "mine"},
            {"includeBody", alerts.with_body}};
}

EmailAlerts email_alerts(Tx& tx, int64_t person) {
    return alerts_of(tx.exec(kEmailAlerts, person));
}

EmailAlerts set_email_alerts(Tx& tx, int64_t person, const EmailAlerts& alerts) {
    return alerts_of(tx.exec(kSetEmailAlerts, person, alerts.after_minutes,
                             alerts.unassigned_too ? "mine_and_unassigned" : "mine",
                             alerts.with_body));
}

}  // namespace textus::people
