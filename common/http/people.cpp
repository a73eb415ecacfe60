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
const Statement kInsert{
    "people_insert",
    "INSERT INTO users (email, display_name, role, password_hash) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING RETURNING id"};

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

}  // namespace textus::people
