// People and sign-in (issue 27) through nginx and textus-auth: textus-admin create-user, the
// session cookie and its rules (expiry, sign-out, Origin on writes, lockout, one answer for an
// unknown email and a wrong password), and what the logs keep of it all.
#include <catch2/catch.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/core/crypto.h"
#include "tests/integration/stack.h"
#include "tests/integration/twilio_post.h"

using namespace textus::test;
using nlohmann::json;

namespace {

Stack& stack() {
    return Stack::get();
}

// A client address of its own per call (the stack trusts X-Forwarded-For from loopback), so
// that nginx's per-address sign-in limit meets only the test that is about it.
std::string next_ip() {
    static int n = 0;
    ++n;
    return "203.0." + std::to_string(113 + n / 250) + "." + std::to_string(1 + n % 250);
}

std::string origin() {
    return "http://127.0.0.1:" + std::to_string(stack().port);
}

struct Person {
    std::string email;
    std::string password;
};

Person new_person(const std::string& role = "agent") {
    static int n = 0;
    const auto email =
        "person" + std::to_string(++n) + "-" + std::to_string(stack().port) + "@Example.com";
    const auto created = stack().admin("create-user '" + email + "' --role " + role);
    REQUIRE(created.exit_code == 0);
    std::string password = created.output;
    while (!password.empty() && password.back() == '\n') password.pop_back();
    REQUIRE(password.size() == 20);
    return {email, password};
}

Reply login(const std::string& email, const std::string& password,
            const std::string& ip = next_ip()) {
    return stack().request("POST", "/api/auth/login",
                           json{{"email", email}, {"password", password}}.dump(), "",
                           "application/json", {{"X-Forwarded-For", ip}});
}

// The first header `name` (any case) of `reply`, "" when it has none.
std::string header(const Reply& reply, const std::string& name) {
    for (const auto& [sent, value] : reply.header_lines) {
        if (std::regex_match(sent, std::regex(name, std::regex::icase))) return value;
    }
    return "";
}

std::string set_cookie(const Reply& reply) {
    return header(reply, "set-cookie");
}

// The session token a sign-in's Set-Cookie carries.
std::string token_of(const Reply& reply) {
    std::smatch m;
    const auto cookie = set_cookie(reply);
    REQUIRE(std::regex_search(cookie, m, std::regex("^textus_session=([A-Za-z0-9_-]+);")));
    return m.str(1);
}

std::string signed_in(const Person& person) {
    const auto reply = login(person.email, person.password);
    REQUIRE(reply.status == 200);
    return token_of(reply);
}

// A request with the session cookie, and an Origin when given.
Reply with_session(const std::string& method, const std::string& path, const std::string& token,
                   const std::string& body = "", const std::string& from = "") {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Cookie", "theme=dark; textus_session=" + token}};
    if (!from.empty()) headers.emplace_back("Origin", from);
    return stack().request(method, path, body, "", "application/json", headers);
}

}  // namespace

TEST_CASE("textus-admin create-user prints a one-time password and refuses a second of an email",
          "[auth]") {
    const auto person = new_person("admin");
    CHECK(stack().query("SELECT role || ' ' || display_name FROM users WHERE email = '" +
                        person.email + "'") ==
          "admin " + person.email.substr(0, person.email.find('@')));
    // Stored as Argon2id only.
    const auto hash =
        stack().query("SELECT password_hash FROM users WHERE email = '" + person.email + "'");
    CHECK(hash.starts_with("$argon2id$"));
    CHECK(hash.find(person.password) == std::string::npos);

    std::string upper = person.email;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto again = stack().admin("create-user '" + upper + "' --role agent 2>&1");
    CHECK(again.exit_code == 1);
    CHECK(again.output.find("Someone signs in with that email already") != std::string::npos);
    CHECK(stack().admin("create-user x@example.com --role chief 2>/dev/null").exit_code == 2);
    CHECK(stack().admin("create-user x@example.com 2>/dev/null").exit_code == 2);
    CHECK(stack().admin("create-user not-an-email --role agent 2>/dev/null").exit_code == 1);
}

TEST_CASE("textus-admin reset-password prints a new password and ends the person's sessions",
          "[auth]") {
    const auto person = new_person();
    const auto token = signed_in(person);
    const auto reset = stack().admin("reset-password '" + person.email + "'");
    REQUIRE(reset.exit_code == 0);
    const auto fresh = reset.output.substr(0, reset.output.find('\n'));
    CHECK(fresh.size() == 20);
    CHECK(with_session("GET", "/api/auth/me", token).status == 401);
    CHECK(login(person.email, person.password).status == 401);
    CHECK(login(person.email, fresh).status == 200);
    CHECK(stack().admin("reset-password nobody@example.com 2>/dev/null").exit_code == 1);
}

TEST_CASE("a sign-in sets an HttpOnly, SameSite=Strict cookie whose hash alone is stored",
          "[auth]") {
    const auto person = new_person();
    // The email in any case signs in.
    std::string lower = person.email;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto reply = login(lower, person.password);
    REQUIRE(reply.status == 200);
    CHECK(reply.json()["user"]["email"] == person.email);
    CHECK(reply.json()["user"]["role"] == "agent");
    const auto cookie = set_cookie(reply);
    CHECK(cookie.find("; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=604800") !=
          std::string::npos);
    CHECK(cookie.find("Secure") == std::string::npos);  // the local stack is plain HTTP
    const auto token = token_of(reply);
    CHECK(token.size() == 43);  // 256 bits of base64url
    CHECK(stack().query("SELECT count(*) FROM sessions WHERE token_hash = '" +
                        textus::crypto::sha256_hex(token) + "'") == "1");
    CHECK(stack().query("SELECT count(*) FROM sessions WHERE token_hash = '" + token + "'") == "0");

    const auto me = with_session("GET", "/api/auth/me", token);
    REQUIRE(me.status == 200);
    CHECK(me.json()["user"]["email"] == person.email);
    // deploy/up's key is the local owner's.
    const auto by_key = stack().request("GET", "/api/auth/me");
    REQUIRE(by_key.status == 200);
    CHECK(by_key.json()["user"]["email"] == "owner@textus.test");
    CHECK(by_key.json()["user"]["role"] == "owner");
}

TEST_CASE("an unknown email and a wrong password get one answer", "[auth]") {
    const auto person = new_person();
    const auto wrong = login(person.email, person.password + "x");
    const auto unknown = login("nobody-" + person.email, person.password);
    CHECK(wrong.status == 401);
    CHECK(unknown.status == 401);
    CHECK(wrong.body == unknown.body);
    CHECK(wrong.json()["error"]["code"] == "invalid_credentials");
    CHECK(set_cookie(wrong).empty());
    // A disabled person too, their open session with them.
    const auto token = signed_in(person);
    stack().query("UPDATE users SET disabled_at = now() WHERE email = '" + person.email + "'");
    CHECK(login(person.email, person.password).body == unknown.body);
    CHECK(with_session("GET", "/api/auth/me", token).status == 401);
}

TEST_CASE("sign-in refuses what is not an email and a password", "[auth]") {
    const auto post = [](const std::string& body) {
        return stack().request("POST", "/api/auth/login", body, "", "application/json",
                               {{"X-Forwarded-For", next_ip()}});
    };
    CHECK(post(R"({"password":"something long enough"})").json()["error"]["field"] == "email");
    CHECK(post(R"({"email":"a@example.com","password":12})").json()["error"]["field"] ==
          "password");
    CHECK(post(R"({"email":"a@example.com","password":""})").status == 400);
    CHECK(
        post(R"({"email":"a@example.com","password":")" + std::string(1025, 'x') + "\"}").status ==
        400);
    CHECK(post("{").status == 400);
    // From another site's page: refused before the password is looked at.
    const auto person = new_person();
    const auto foreign = stack().request(
        "POST", "/api/auth/login",
        json{{"email", person.email}, {"password", person.password}}.dump(), "", "application/json",
        {{"X-Forwarded-For", next_ip()}, {"Origin", "https://evil.example"}});
    CHECK(foreign.status == 403);
    CHECK(foreign.json()["error"]["code"] == "cross_origin");
}

TEST_CASE("a session reads staff routes, and writes only from the site's own Origin", "[auth]") {
    const auto token = signed_in(new_person());
    CHECK(with_session("GET", "/api/crm/contacts?limit=1", token).status == 200);
    const auto contact =
        json{{"firstName", "Ses"}, {"lastName", "Sion"}, {"phone", new_phone()}}.dump();
    const auto no_origin = with_session("POST", "/api/crm/contacts", token, contact);
    CHECK(no_origin.status == 403);
    CHECK(no_origin.json()["error"]["code"] == "cross_origin");
    CHECK(
        with_session("POST", "/api/crm/contacts", token, contact, "https://evil.example").status ==
        403);
    CHECK(with_session("POST", "/api/crm/contacts", token, contact, origin() + ".evil.example")
              .status == 403);
    const auto created = with_session("POST", "/api/crm/contacts", token, contact, origin());
    CHECK(created.status == 201);
    // A key sent from another site's page is refused as well; curl sends no Origin.
    const auto keyed = stack().request(
        "DELETE",
        "/api/crm/contacts/" + std::to_string(created.json()["contact"]["id"].get<int64_t>()), "",
        stack().staff_key, "", {{"Origin", "https://evil.example"}});
    CHECK(keyed.status == 403);
    CHECK(keyed.json()["error"]["code"] == "cross_origin");
    // No cookie and no key: 401.
    CHECK(stack().request("GET", "/api/crm/contacts", "", "").status == 401);
    CHECK(with_session("GET", "/api/crm/contacts", "not-a-session").status == 401);
}

TEST_CASE("sign-out ends the session and clears the cookie", "[auth]") {
    const auto token = signed_in(new_person());
    // From elsewhere, it is refused and the session lives on.
    CHECK(with_session("POST", "/api/auth/logout", token, "", "https://evil.example").status ==
          403);
    CHECK(with_session("GET", "/api/auth/me", token).status == 200);
    const auto out = with_session("POST", "/api/auth/logout", token, "", origin());
    CHECK(out.status == 204);
    CHECK(
        set_cookie(out).find("textus_session=; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=0") !=
        std::string::npos);
    CHECK(with_session("GET", "/api/auth/me", token).status == 401);
    // Without a session, a sign-out only clears the cookie.
    CHECK(stack().request("POST", "/api/auth/logout", "", "").status == 204);
}

TEST_CASE("a session ends after 12 hours unused and 7 days after it began", "[auth]") {
    const auto idle = signed_in(new_person());
    const auto old = signed_in(new_person());
    const auto used = signed_in(new_person());
    const auto hash = [](const std::string& token) {
        return "'" + textus::crypto::sha256_hex(token) + "'";
    };
    stack().query(
        "UPDATE sessions SET last_seen_at = now() - interval '12 hours 1 minute' "
        "WHERE token_hash = " +
        hash(idle));
    stack().query(
        "UPDATE sessions SET created_at = now() - interval '7 days 1 minute' "
        "WHERE token_hash = " +
        hash(old));
    stack().query(
        "UPDATE sessions SET last_seen_at = now() - interval '11 hours' "
        "WHERE token_hash = " +
        hash(used));
    CHECK(with_session("GET", "/api/auth/me", idle).status == 401);
    CHECK(with_session("GET", "/api/auth/me", old).status == 401);
    CHECK(with_session("GET", "/api/auth/me", used).status == 200);
    // Using it moved its idle clock on.
    CHECK(stack().query("SELECT last_seen_at > now() - interval '1 minute' FROM sessions "
                        "WHERE token_hash = " +
                        hash(used)) == "t");
}

TEST_CASE("five wrong passwords in a row lock the account, guesses in parallel included",
          "[auth]") {
    const auto person = new_person();
    const auto ip = next_ip();
    for (int i = 0; i < 4; ++i)
        CHECK(login(person.email, "wrong password " + std::to_string(i), next_ip()).status == 401);
    // A right one in between starts the count again.
    CHECK(login(person.email, person.password).status == 200);
    std::vector<int> statuses(10);
    std::vector<std::thread> guessers;
    for (int i = 0; i < 10; ++i) {
        guessers.emplace_back([&, i] {
            statuses[i] = login(person.email, "guess " + std::to_string(i), next_ip()).status;
        });
    }
    for (auto& guesser : guessers) guesser.join();
    CHECK(std::count(statuses.begin(), statuses.end(), 401) == 5);
    CHECK(std::count(statuses.begin(), statuses.end(), 429) == 5);
    // Locked: even the right password is refused, unchecked, with how long to wait.
    const auto locked = login(person.email, person.password, ip);
    CHECK(locked.status == 429);
    CHECK(locked.json()["error"]["code"] == "account_locked");
    const auto wait = std::stoi(header(locked, "retry-after"));
    CHECK(wait > 14 * 60);
    CHECK(wait <= 15 * 60);
    // Once the lock has passed, the right password opens it and clears the count.
    stack().query("UPDATE users SET locked_until = now() - interval '1 second' WHERE email = '" +
                  person.email + "'");
    CHECK(login(person.email, person.password).status == 200);
    CHECK(stack().query("SELECT failed_sign_ins || ' ' || (locked_until IS NULL) FROM users "
                        "WHERE email = '" +
                        person.email + "'") == "0 true");
}

TEST_CASE("nginx holds one address to a few sign-ins a minute", "[auth]") {
    const auto ip = next_ip();
    int limited = 0;
    for (int i = 0; i < 8; ++i) {
        const auto reply = login("nobody@example.com", "not the password", ip);
        if (reply.status == 429) {
            ++limited;
            CHECK(reply.json()["error"]["code"] == "rate_limited");
        }
    }
    CHECK(limited >= 2);
}

TEST_CASE("the logs hold no password, session or email of a sign-in", "[auth]") {
    const auto person = new_person();
    const auto token = signed_in(person);
    login(person.email, person.password + "-wrong");
    with_session("GET", "/api/auth/me", token);
    const auto logs = run("cat " + stack().state_dir + "/log/*.log").output;
    CHECK(logs.find(person.password) == std::string::npos);
    CHECK(logs.find(token) == std::string::npos);
    CHECK(logs.find(person.email) == std::string::npos);
    CHECK(logs.find("/api/auth/login") != std::string::npos);  // the requests are logged
}

TEST_CASE("each role reaches the routes of its row in decisions.md's table, and no others",
          "[auth]") {
    struct Case {
        std::string method, path, body;
        bool agent;  // admins and owners may call every one
    };
    // A refused role is 403 forbidden_role before the body is read; an allowed one gets the
    // route's own answer (a 400 for an empty body, a 404 for no such id).
    const std::vector<Case> cases = {
        {"GET", "/api/crm/sms/conversations?limit=1", "", true},
        {"GET", "/api/crm/sms/messages?limit=1", "", true},
        {"POST", "/api/crm/sms/send", "{}", true},
        {"GET", "/api/crm/sms/scheduled", "", true},
        {"POST", "/api/crm/sms/sync", "{}", true},
        {"GET", "/api/crm/live", "", true},
        {"GET", "/api/crm/contacts?limit=1", "", true},
        {"PATCH", "/api/crm/contacts/999999999", "{}", true},
        {"GET", "/api/crm/sms/templates", "", true},
        {"GET", "/api/crm/sms/conversations/999999999", "", true},
        {"PATCH", "/api/crm/sms/conversations/999999999", "{}", true},
        {"GET", "/api/crm/team", "", true},
        {"GET", "/api/crm/sms/notes?contactId=999999999", "", true},
        {"POST", "/api/crm/sms/notes", "{}", true},
        {"GET", "/api/crm/mentions", "", true},
        {"POST", "/api/crm/mentions/read", "{}", true},
        {"POST", "/api/crm/presence", "{}", true},
        {"POST", "/api/crm/sms/media", "", true},
        {"GET", "/api/crm/sms/media/999999999", "", true},
        {"GET", "/api/crm/contacts/export?search=nobody-at-all", "", false},
        {"POST", "/api/crm/contacts/import", "", false},
        {"GET", "/api/crm/reports/messages?from=2021-01-01&to=2021-01-02", "", false},
        {"DELETE", "/api/crm/contacts/999999999", "", false},
        {"POST", "/api/crm/sms/templates", "{}", false},
        {"DELETE", "/api/crm/sms/templates/999999999", "", false},
        {"GET", "/api/crm/sms/auto-replies", "", false},
        {"POST", "/api/crm/sms/auto-replies", "{}", false},
        {"GET", "/api/crm/sms/campaigns", "", false},
        {"POST", "/api/crm/sms/campaigns/preview", "{}", false},
    };
    for (const std::string role : {"agent", "admin", "owner"}) {
        const auto token = signed_in(new_person(role));
        for (const auto& c : cases) {
            INFO(role << " " << c.method << " " << c.path);
            const auto reply = with_session(c.method, c.path, token, c.body, origin());
            if (role == "agent" && !c.agent) {
                CHECK(reply.status == 403);
                CHECK(reply.json()["error"]["code"] == "forbidden_role");
            } else {
                CHECK(reply.status != 401);
                CHECK(reply.status != 403);
                CHECK(reply.status < 500);
            }
        }
    }
}

TEST_CASE("a key acts with its person's role and dies with them; a key of nobody is the owner's",
          "[auth]") {
    const auto agent = new_person("agent");
    const auto key_of = [](const std::string& args) {
        const auto made = stack().admin("create-key " + args);
        REQUIRE(made.exit_code == 0);
        return made.output.substr(0, made.output.find('\n'));
    };
    static int n = 0;
    const auto suffix = std::to_string(stack().port) + "-" + std::to_string(++n);
    const auto agents_key = key_of("agent-key-" + suffix + " --user '" + agent.email + "'");
    const auto nobodys_key = key_of("nobodys-key-" + suffix);
    const auto remove = [](const std::string& key) {
        return stack().request("DELETE", "/api/crm/contacts/999999999", "", key);
    };
    CHECK(remove(agents_key).status == 403);
    CHECK(remove(agents_key).json()["error"]["code"] == "forbidden_role");
    CHECK(stack().request("GET", "/api/crm/contacts?limit=1", "", agents_key).status == 200);
    const auto me = stack().request("GET", "/api/auth/me", "", agents_key);
    CHECK(me.json()["user"]["email"] == agent.email);
    CHECK(remove(nobodys_key).status == 404);
    CHECK(stack().request("GET", "/api/auth/me", "", nobodys_key).json()["key"] ==
          "nobodys-key-" + suffix);
    CHECK(stack()
              .admin("create-key stray-" + suffix + " --user nobody@example.com 2>/dev/null")
              .exit_code == 1);
    // Disabled with their person.
    stack().query("UPDATE users SET disabled_at = now() WHERE email = '" + agent.email + "'");
    CHECK(stack().request("GET", "/api/crm/contacts?limit=1", "", agents_key).status == 401);
}

TEST_CASE(
    "the audit log keeps sign-ins, deletions, campaigns and staff's consent changes, for "
    "the owner alone",
    "[auth]") {
    const auto admin = new_person("admin");
    const auto admin_id = stack().query("SELECT id FROM users WHERE email = '" + admin.email + "'");
    const auto ip = next_ip();
    CHECK(login(admin.email, "a wrong password!", ip).status == 401);
    CHECK(login("nobody-" + admin.email, "a wrong password!", ip).status == 401);
    const auto token = signed_in(admin);
    // As the admin: a contact made opted in, then deleted; a campaign made and paused.
    const auto phone = new_phone();
    const auto made = with_session(
        "POST", "/api/crm/contacts", token,
        json{{"firstName", "Aud"}, {"lastName", "It"}, {"phone", phone}, {"smsOptIn", true}}.dump(),
        origin());
    REQUIRE(made.status == 201);
    const auto contact = std::to_string(made.json()["contact"]["id"].get<int64_t>());
    const auto campaign =
        with_session("POST", "/api/crm/sms/campaigns", token,
                     json{{"name", "Audit " + contact},
                          {"body", "Hello"},
                          {"contactIds", {std::stoll(contact)}},
                          {"sendAt", stack().query("SELECT rfc3339(now() + interval '30 days')")}}
                         .dump(),
                     origin());
    INFO(campaign.body);
    REQUIRE(campaign.status == 201);
    const auto campaign_id = std::to_string(campaign.json()["campaign"]["id"].get<int64_t>());
    CHECK(with_session("POST", "/api/crm/sms/campaigns/" + campaign_id + "/pause", token, "",
                       origin())
              .status == 200);
    CHECK(with_session("DELETE", "/api/crm/contacts/" + contact, token, "", origin()).status ==
          200);

    // Not for the admin, nor an agent; for the owner's key.
    CHECK(with_session("GET", "/api/crm/audit", token).status == 403);
    const auto log = stack().request("GET", "/api/crm/audit?limit=500");
    REQUIRE(log.status == 200);
    std::vector<std::string> mine;
    for (const auto& e : log.json()["events"]) {
        const auto line = e["action"].get<std::string>() + "|" + e["actor"].get<std::string>() +
                          "|" + (e["subject"].is_null() ? "" : e["subject"].get<std::string>()) +
                          "|" + (e["detail"].is_null() ? "" : e["detail"].get<std::string>());
        if (line.find("person " + admin_id) != std::string::npos ||
            line.find("contact " + contact) != std::string::npos ||
            line.find("campaign " + campaign_id) != std::string::npos) {
            mine.insert(mine.begin(), line);  // oldest first
        }
        CHECK(e.dump().find(admin.email) == std::string::npos);
        CHECK(e.dump().find("a wrong password!") == std::string::npos);
    }
    const auto person = "person " + admin_id;
    CHECK(mine == std::vector<std::string>{
                      "person_created|textus-admin|" + person + "|admin",
                      "sign_in_failed|anonymous|" + person + "|wrong password",
                      "sign_in|" + person + "||",
                      "consent_changed|" + person + "|contact " + contact + "|opt_in",
                      "campaign_created|" + person + "|campaign " + campaign_id + "|",
                      "campaign_paused|" + person + "|campaign " + campaign_id + "|",
                      "contact_deleted|" + person + "|contact " + contact + "|",
                  });
    // The unknown email's attempt is there, from its address, naming nobody.
    CHECK(stack().query("SELECT count(*) FROM audit_events WHERE action = 'sign_in_failed'"
                        " AND subject IS NULL AND detail = 'no such person' AND ip = '" +
                        ip + "'") == "1");
    // Paged, newest first.
    const auto first = stack().request("GET", "/api/crm/audit?limit=1");
    const auto next = first.json()["nextBefore"].get<int64_t>();
    const auto second =
        stack().request("GET", "/api/crm/audit?limit=1&before=" + std::to_string(next));
    CHECK(second.json()["events"][0]["id"].get<int64_t>() < next);
    // Append-only, whoever asks.
    CHECK_THROWS(
        stack().query("UPDATE audit_events SET actor = 'x' WHERE id = " + std::to_string(next)));
    CHECK_THROWS(stack().query("DELETE FROM audit_events"));
}

TEST_CASE("the owner adds people, changes their role, disables and enables them; nobody else may",
          "[auth]") {
    const auto owner = signed_in(new_person("owner"));
    const auto owner_id = stack().query("SELECT max(id) FROM users WHERE role = 'owner'");
    static int n = 0;
    const auto email =
        "invited" + std::to_string(++n) + "-" + std::to_string(stack().port) + "@example.com";
    const auto add = [&](const std::string& token, const json& body) {
        return with_session("POST", "/api/crm/people", token, body.dump(), origin());
    };
    const auto invited = add(owner, {{"email", email}, {"name", "Ines Vite"}, {"role", "agent"}});
    REQUIRE(invited.status == 201);
    const auto id = std::to_string(invited.json()["person"]["id"].get<int64_t>());
    const auto password = invited.json()["password"].get<std::string>();
    CHECK(password.size() == 20);
    CHECK(add(owner, {{"email", email}, {"name", "Again"}, {"role", "agent"}}).status == 409);
    CHECK(add(owner, {{"email", "x@example.com"}, {"name", "X"}, {"role", "boss"}})
              .json()["error"]["code"] == "invalid_role");
    CHECK(add(owner, {{"email", "not-an-email"}, {"name", "X"}, {"role", "agent"}})
              .json()["error"]["code"] == "invalid_email");

    // The new agent signs in with the password handed over, and may not manage people.
    const auto agent = signed_in({email, password});
    const auto admin = signed_in(new_person("admin"));
    for (const auto& token : {agent, admin}) {
        CHECK(add(token, {{"email", "y@example.com"}, {"name", "Y"}, {"role", "agent"}}).status ==
              403);
        CHECK(with_session("GET", "/api/crm/people", token).status == 403);
    }
    CHECK(with_session("GET", "/api/crm/audit", agent).status == 403);

    const auto change = [&](const std::string& who, const json& body) {
        return with_session("PATCH", "/api/crm/people/" + who, owner, body.dump(), origin());
    };
    // Promoted, the agent's own session may do an admin's work at once.
    CHECK(with_session("GET", "/api/crm/sms/campaigns", agent).status == 403);
    CHECK(change(id, {{"role", "admin"}}).json()["person"]["role"] == "admin");
    CHECK(with_session("GET", "/api/crm/sms/campaigns", agent).status == 200);
    // Disabled: their session ends; enabled, they sign in again.
    const auto disabled = change(id, {{"disabled", true}});
    CHECK(disabled.json()["person"]["disabledAt"].is_string());
    CHECK(with_session("GET", "/api/auth/me", agent).status == 401);
    CHECK(login(email, password).status == 401);
    CHECK(change(id, {{"disabled", false}}).json()["person"]["disabledAt"].is_null());
    CHECK(login(email, password).status == 200);
    // Bad changes change nothing.
    CHECK(change(id, {{"role", 3}}).status == 400);
    CHECK(change(id, {{"disabled", "yes"}}).status == 400);
    CHECK(change("999999999", {{"role", "agent"}}).status == 404);
    CHECK(stack().query("SELECT role FROM users WHERE id = " + id) == "admin");
    // Not themselves: there is always an owner to undo a mistake.
    const auto own = change(owner_id, {{"role", "agent"}});
    CHECK(own.status == 409);
    CHECK(own.json()["error"]["code"] == "own_account");

    const auto listed = with_session("GET", "/api/crm/people", owner);
    REQUIRE(listed.status == 200);
    bool found = false;
    for (const auto& p : listed.json()["people"]) found = found || p["email"] == email;
    CHECK(found);
    // (A disabled person's sign-in is as nobody's: it names no one.)
    CHECK(stack().query("SELECT string_agg(action || ' ' || coalesce(detail, ''), ', ' ORDER BY id)"
                        " FROM audit_events WHERE subject = 'person " +
                        id + "' AND action <> 'sign_in'") ==
          "person_created agent, person_changed role admin, person_changed disabled, "
          "person_changed enabled");
}

TEST_CASE("the owner makes and revokes keys over HTTP; a key made for a person acts as them",
          "[auth]") {
    const auto owner = signed_in(new_person("owner"));
    const auto agent = new_person("agent");
    static int n = 0;
    const auto name = "http-key-" + std::to_string(stack().port) + "-" + std::to_string(++n);
    const auto post = [&](const std::string& path, const json& body, const std::string& token) {
        return with_session("POST", path, token, body.dump(), origin());
    };
    const auto made = post("/api/crm/keys", {{"name", name}, {"email", agent.email}}, owner);
    REQUIRE(made.status == 201);
    const auto key = made.json()["key"].get<std::string>();
    CHECK(key.starts_with("tx_"));
    CHECK(post("/api/crm/keys", {{"name", name}}, owner).status == 409);
    CHECK(post("/api/crm/keys", {{"name", name + "-x"}, {"email", "nobody@example.com"}}, owner)
              .status == 404);
    CHECK(post("/api/crm/keys", json::object(), owner).status == 400);
    // The agent's key: an agent's reach.
    CHECK(stack().request("GET", "/api/crm/contacts?limit=1", "", key).status == 200);
    CHECK(stack().request("GET", "/api/crm/sms/campaigns", "", key).status == 403);
    const auto listed = with_session("GET", "/api/crm/keys", owner);
    REQUIRE(listed.status == 200);
    bool found = false;
    for (const auto& k : listed.json()["keys"]) {
        if (k["name"] == name) found = k["person"]["email"] == agent.email;
        CHECK(k.dump().find("tx_") == std::string::npos);  // never a key, only names
    }
    CHECK(found);
    // Nobody but the owner.
    const auto agents_session = signed_in(agent);
    CHECK(with_session("GET", "/api/crm/keys", agents_session).status == 403);
    CHECK(post("/api/crm/keys/revoke", {{"name", name}}, agents_session).status == 403);
    // Revoked: the key stops; a second revoke finds none.
    CHECK(post("/api/crm/keys/revoke", {{"name", name}}, owner).status == 200);
    CHECK(stack().request("GET", "/api/crm/contacts?limit=1", "", key).status == 401);
    CHECK(post("/api/crm/keys/revoke", {{"name", name}}, owner).status == 404);
    CHECK(stack().query("SELECT string_agg(action, ',' ORDER BY id) FROM audit_events"
                        " WHERE subject = 'staff key " +
                        name + "'") == "key_created,key_revoked");
}
