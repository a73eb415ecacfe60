#include "common/http/people.h"

#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/password.h"
#include "common/db/db.h"

namespace textus::people {

namespace {

constexpr size_t kMaxNameCharacters = 100;
constexpr size_t kMaxEmailCharacters = 254;

const Statement kResetPassword{
    "people_reset_password",
    "WITH person AS (UPDATE users SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL"
    "  WHERE lower(email) = lower($1) RETURNING id, email, display_name, role),"
    " ended AS (UPDATE sessions SET ended_at = now() FROM person"
    "  WHERE sessions.user_id = person.id AND sessions.ended_at IS NULL)"
    " SELECT id, email, display_name, role FROM person"};
const Statement kList{"people_list",
                      "SELECT id, email, display_name, role, rfc3339(created_at),"
                      " rfc3339(disabled_at) FROM users ORDER BY id"};
const Statement kLock{"people_lock",
                      "SELECT id, email, display_name, role, rfc3339(created_at),"
                      " rfc3339(disabled_at) FROM users WHERE id = $1 FOR UPDATE"};
const Statement kUpdate{
    "people_update",
    "UPDATE users SET role = $2,"
    " disabled_at = CASE WHEN $3 THEN coalesce(disabled_at, now()) END WHERE id = $1"
    " RETURNING id, email, display_name, role, rfc3339(created_at), rfc3339(disabled_at)"};
const Statement kEndSessions{"people_end_sessions",
                             "UPDATE sessions SET ended_at = now()"
                             " WHERE user_id = $1 AND ended_at IS NULL"};
const Statement kInsert{
    "people_insert",
    "INSERT INTO users (email, display_name, role, password_hash) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING RETURNING id"};

Listed listed_of(const pqxx::row& row) {
    return {{row[0].as<int64_t>(), row[1].as<std::string>(), row[2].as<std::string>(),
             parse_role(row[3].as<std::string>())},
            row[4].as<std::string>(),
            nullable(row[5])};
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

Created create(Tx& tx, std::string_view email, std::string_view name, Role role) {
    const auto login = fields::text(std::string(email), "email", kMaxEmailCharacters);
    fields::check_email(login, "email");
    const auto display = fields::text(std::string(name), "name", kMaxNameCharacters);
    if (display.empty()) throw bad_request("missing_field", "name is required", "name");
    auto password = password::generate();
    const auto rows = tx.exec(kInsert, login, display, role_name(role), password::hash(password));
    if (rows.empty()) throw conflict("user_exists", "Someone signs in with that email already");
    return {{rows[0][0].as<int64_t>(), login, display, role}, std::move(password)};
}

Created reset_password(Tx& tx, std::string_view email) {
    auto password = password::generate();
    const auto rows = tx.exec(kResetPassword, email, password::hash(password));
    if (rows.empty()) throw not_found("Nobody signs in with that email");
    return {{rows[0][0].as<int64_t>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>(),
             parse_role(rows[0][3].as<std::string>())},
            std::move(password)};
}

std::vector<Listed> list(Tx& tx) {
    std::vector<Listed> out;
    for (const auto& row : tx.exec(kList)) out.push_back(listed_of(row));
    return out;
}

Changed change(Tx& tx, int64_t id, const Change& change, int64_t by) {
    const auto rows = tx.exec(kLock, id);
    if (rows.empty()) throw not_found("No such person");
    if (id == by) {
        throw conflict("own_account",
                       "You cannot change your own role or disable yourself: ask another owner");
    }
    const auto before = listed_of(rows[0]);
    const auto role = change.role.value_or(before.person.role);
    const bool was_disabled = before.disabled_at.has_value();
    const bool disabled = change.disabled.value_or(was_disabled);
    Changed out{listed_of(tx.exec(kUpdate, id, role_name(role), disabled)[0]), {}};
    if (role != before.person.role) out.what.push_back("role " + std::string(role_name(role)));
    if (disabled != was_disabled) out.what.push_back(disabled ? "disabled" : "enabled");
    if (disabled && !was_disabled) tx.exec(kEndSessions, id);
    return out;
}

}  // namespace textus::people
