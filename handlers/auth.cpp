// /api/auth: a person signs in with email and password for a session cookie, signs out, and
// asks who they are (issue 27; common/http/sessions); staff's /api/crm/team (who may sign in,
// by name); and the owner's /api/crm/people,
// /api/crm/keys and /api/crm/audit (common/http/people, auth, audit).
#include "common/http/auth.h"

#include "common/core/config.h"
#include "common/core/error.h"
#include "common/core/fields.h"
#include "common/core/password.h"
#include "common/db/db.h"
#include "common/http/audit.h"
#include "common/http/server.h"
#include "common/http/sessions.h"

namespace {

using namespace textus;
using nlohmann::json;

json person_json(const people::Person& person) {
    return {{"id", person.id},
            {"email", person.email},
            {"name", person.name},
            {"role", people::role_name(person.role)}};
}

bool secure(const Context& c) {
    return c.config.public_base_url.starts_with("https://");
}

Response login(Context& c) {
    const auto email = fields::required_text(c.json, "email", 254);
    const auto given = c.json.find("password");
    if (given == c.json.end() || !given->is_string() ||
        given->get_ref<const std::string&>().empty()) {
        throw bad_request("missing_field", "password is required", "password");
    }
    const auto& password = given->get_ref<const std::string&>();
    if (password.size() > password::kMaxBytes) {
        throw bad_request("invalid_field", "password is too long", "password");
    }
    const auto signed_in = sessions::sign_in(c.db, email, password, c.request.remote_addr);
    auto response =
        Response::json(200, {{"success", true}, {"user", person_json(signed_in.person)}});
    response.headers.emplace_back("Set-Cookie", sessions::cookie(signed_in.token, secure(c)));
    return response;
}

// Ends the session of the cookie sent, if any; always clears the cookie.
Response logout(Context& c) {
    if (const auto token = sessions::token_in(c.request.header("cookie"))) {
        c.db.transact([&](Tx& tx) { sessions::sign_out(tx, *token); });
    }
    auto response = Response::no_content();
    response.headers.emplace_back("Set-Cookie", sessions::expired_cookie(secure(c)));
    return response;
}

// Who the caller is: a signed-in person or the person whose key it is; for a key of nobody,
// which acts as the owner, its name.
Response me(Context& c) {
    if (c.person) return Response::json(200, {{"success", true}, {"user", person_json(*c.person)}});
    return Response::json(200, {{"success", true}, {"user", nullptr}, {"key", c.staff}});
}

// The caller's email for texts that wait; a key of nobody has none to set.
const people::Person& person_of(const Context& c) {
    if (!c.person) {
        throw bad_request("not_a_person",
                          "Only a person has notifications: sign in, or use a key of theirs");
    }
    return *c.person;
}

Response email_alerts(Context& c) {
    const auto& person = person_of(c);
    const auto alerts = c.db.transact([&](Tx& tx) { return people::email_alerts(tx, person.id); });
    return Response::json(200, {{"success", true}, {"notifications", people::to_json(alerts)}});
}

Response set_email_alerts(Context& c) {
    const auto& person = person_of(c);
    const auto wanted = people::parse_email_alerts(c.json);
    const auto alerts =
        c.db.transact([&](Tx& tx) { return people::set_email_alerts(tx, person.id, wanted); });
    return Response::json(200, {{"success", true}, {"notifications", people::to_json(alerts)}});
}

json listed_json(const people::Listed& listed) {
    auto out = person_json(listed.person);
    out["createdAt"] = listed.created_at;
    out["disabledAt"] = listed.disabled_at ? json(*listed.disabled_at) : json(nullptr);
    return out;
}

// Everyone who may sign in, and those disabled.
Response list_people(Context& c) {
    json items = json::array();
    for (const auto& listed : c.db.transact([](Tx& tx) { return people::list(tx); })) {
        items.push_back(listed_json(listed));
    }
    return Response::json(200, {{"success", true}, {"people", items}});
}

// Everyone who may sign in, by name and role (no email): for assigning and mentions.
Response list_team(Context& c) {
    json items = json::array();
    for (const auto& person : c.db.transact([](Tx& tx) { return people::team(tx); })) {
        items.push_back(
            {{"id", person.id}, {"name", person.name}, {"role", people::role_name(person.role)}});
    }
    return Response::json(200, {{"success", true}, {"people", items}});
}

// The owner adds a person; the answer holds their password, once, for the owner to hand over.
Response add_person(Context& c) {
    const auto email = fields::required_text(c.json, "email", 254);
    const auto name = fields::required_text(c.json, "name", 100);
    const auto role = people::parse_role(fields::required_text(c.json, "role", 10));
    const auto created = c.db.transact(
        [&](Tx& tx) { return people::create(tx, audit::actor_of(c), email, name, role); });
    return Response::json(201, {{"success", true},
                                {"person", person_json(created.person)},
                                {"password", created.password}});
}

// The owner changes a person's role, or disables or enables them.
Response change_person(Context& c) {
    const auto id = c.params.id("id");
    people::Change change;
    if (const auto role = c.json.find("role"); role != c.json.end()) {
        if (!role->is_string()) throw bad_request("invalid_role", "role must be a string", "role");
        change.role = people::parse_role(role->get<std::string>());
    }
    if (const auto disabled = c.json.find("disabled"); disabled != c.json.end()) {
        if (!disabled->is_boolean()) {
            throw bad_request("invalid_field", "disabled must be true or false", "disabled");
        }
        change.disabled = disabled->get<bool>();
    }
    const auto changed =
        c.db.transact([&](Tx& tx) { return people::change(tx, audit::actor_of(c), id, change); });
    return Response::json(200, {{"success", true}, {"person", listed_json(changed)}});
}

// Staff keys, revoked ones too, with whose each is.
Response list_keys(Context& c) {
    json items = json::array();
    for (const auto& key : c.db.transact([](Tx& tx) { return auth::list_keys(tx); })) {
        items.push_back({{"name", key.name},
                         {"createdAt", key.created_at},
                         {"revokedAt", key.revoked_at ? json(*key.revoked_at) : json(nullptr)},
                         {"person", key.person ? person_json(*key.person) : json(nullptr)}});
    }
    return Response::json(200, {{"success", true}, {"keys", items}});
}

// A new key, for the person who signs in with `email` (else a key of nobody, acting as the
// owner); the answer holds the key, once.
Response add_key(Context& c) {
    const auto name = fields::required_text(c.json, "name", 100);
    std::optional<std::string> email;
    if (c.json.contains("email") && !c.json["email"].is_null()) {
        email = fields::required_text(c.json, "email", 254);
    }
    const auto key = c.db.transact(
        [&](Tx& tx) { return auth::create_key(tx, audit::actor_of(c), name, email); });
    return Response::json(201, {{"success", true}, {"name", name}, {"key", key}});
}

Response revoke_key(Context& c) {
    const auto name = fields::required_text(c.json, "name", 100);
    if (!c.db.transact([&](Tx& tx) { return auth::revoke_key(tx, audit::actor_of(c), name); })) {
        throw not_found("No active key has that name");
    }
    return Response::json(200, {{"success", true}, {"name", name}});
}

// The audit log, newest first: `limit` (50, at most 500) events before event `before`.
Response list_audit(Context& c) {
    const auto query = c.request.query();
    const auto limit = query_integer(query, "limit", 1, 500, 50);
    const auto before = query_integer(query, "before", 0, INT64_MAX, 0);
    const auto events = c.db.transact([&](Tx& tx) {
        return audit::list(tx, limit, before ? std::optional<int64_t>(before) : std::nullopt);
    });
    json items = json::array();
    for (const auto& e : events) {
        items.push_back({{"id", e.id},
                         {"at", e.at},
                         {"action", e.action},
                         {"actor", e.actor},
                         {"subject", e.subject ? json(*e.subject) : json(nullptr)},
                         {"detail", e.detail ? json(*e.detail) : json(nullptr)},
                         {"ip", e.ip ? json(*e.ip) : json(nullptr)}});
    }
    const bool more = static_cast<int64_t>(events.size()) == limit;
    return Response::json(200, {{"success", true},
                                {"events", items},
                                {"nextBefore", more ? json(events.back().id) : json(nullptr)}});
}

const Route kRoutes[] = {
    {"POST", "/api/auth/login", login, Auth::session, Body::json},
    {"POST", "/api/auth/logout", logout, Auth::session},
    {"GET", "/api/auth/me", me, Auth::staff},
    {"GET", "/api/auth/notifications", email_alerts, Auth::staff},
    {"PUT", "/api/auth/notifications", set_email_alerts, Auth::staff, Body::json},
    {"GET", "/api/crm/team", list_team, Auth::staff},
    {"GET", "/api/crm/audit", list_audit, Auth::owner},
    {"GET", "/api/crm/people", list_people, Auth::owner},
    {"POST", "/api/crm/people", add_person, Auth::owner, Body::json},
    {"PATCH", "/api/crm/people/{id}", change_person, Auth::owner, Body::json},
    {"GET", "/api/crm/keys", list_keys, Auth::owner},
    {"POST", "/api/crm/keys", add_key, Auth::owner, Body::json},
    {"POST", "/api/crm/keys/revoke", revoke_key, Auth::owner, Body::json},
};

}  // namespace

int main() {
    return serve({.name = "auth", .routes = kRoutes});
}
