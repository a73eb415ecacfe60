// The people who sign in to the inbox (issue 27): who they are and what role they have. Created
// by textus-admin, which prints a one-time password; sign-in is common/http/sessions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pqxx {
class row;
}

namespace textus {

class Tx;

namespace audit {
struct Actor;
}

namespace people {

// owner: people, keys and everything; admin: templates, auto-replies, campaigns, imports,
// exports and deleting contacts; agent: conversations, replies, contacts and notes.
enum class Role { owner, admin, agent };

std::string_view role_name(Role role);
// The role called `name`; 400 invalid_role naming `field` otherwise.
Role parse_role(std::string_view name, std::string_view field = "role");

struct Person {
    int64_t id = 0;
    std::string email;
    std::string name;
    Role role = Role::agent;
};

// The person in columns first.. first+3 of `row`: id, email, display_name, role, in that order
// (kColumns of table alias u), for the statements of sessions and keys that join users.
Person person_at(const pqxx::row& row, int first);
inline constexpr std::string_view kColumns = "u.id, u.email, u.display_name, u.role";

// The person who signs in with `email` (any case), disabled or not.
std::optional<Person> find(Tx& tx, std::string_view email);
// Person `id`, unless there is none or they are disabled.
std::optional<Person> enabled(Tx& tx, int64_t id);

struct Created {
    Person person;
    std::string password;  // generated, shown once, stored only as its hash
};

// Each change below is in the audit log as done by `actor`, in the same unit of work.

// Creates a person with a generated password. 400 invalid_email or invalid_field for a bad
// email or name (at most 100 characters); 409 user_exists when someone has that email, in any
// case.
Created create(Tx& tx, const audit::Actor& actor, std::string_view email, std::string_view name,
               Role role);

// Gives the person who signs in with `email` (any case) a new generated password, returned
// with them, ends their sessions and clears a lock; 404 when nobody does.
Created reset_password(Tx& tx, const audit::Actor& actor, std::string_view email);

struct Listed {
    Person person;
    std::string created_at;                  // RFC 3339
    std::optional<std::string> disabled_at;  // RFC 3339; none while they may sign in
};

// Everyone, disabled people too, in the order they were created.
std::vector<Listed> list(Tx& tx);

// Everyone who may sign in, by name: whom staff assign conversations to and mention.
std::vector<Person> team(Tx& tx);

// What an owner changes of a person: their role, whether they are disabled, or both.
struct Change {
    std::optional<Role> role;
    std::optional<bool> disabled;
};

// Applies `change` to person `id` and returns them; each thing that differs ("role admin",
// "disabled", "enabled") is one audit event. Disabling ends their sessions (their keys stop
// with them). 404 for nobody; 409 own_account when the actor is `id`: an owner does not demote
// or disable themselves, so there is always one owner who can undo a mistake.
Listed change(Tx& tx, const audit::Actor& actor, int64_t id, const Change& change);

// A person's email for texts that wait (docs/decisions.md, Notifications): after how many
// minutes unanswered (none: no email), in their conversations or unassigned ones too, and with
// the text itself or not.
struct EmailAlerts {
    std::optional<int> after_minutes;
    bool unassigned_too = false;
    bool with_body = false;
    bool operator==(const EmailAlerts&) const = default;
};
inline constexpr int kMaxEmailAfterMinutes = 720;

// {emailAfterMinutes: 1..720 | null, scope: "mine" | "mine_and_unassigned", includeBody};
// 400 invalid_field naming the field at fault.
EmailAlerts parse_email_alerts(const nlohmann::json& body);
nlohmann::json to_json(const EmailAlerts& alerts);

EmailAlerts email_alerts(Tx& tx, int64_t person);
EmailAlerts set_email_alerts(Tx& tx, int64_t person, const EmailAlerts& alerts);

}  // namespace people
}  // namespace textus
