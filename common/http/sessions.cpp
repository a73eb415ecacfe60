#include "common/http/sessions.h"

#include "common/core/crypto.h"
#include "common/core/error.h"
#include "common/core/password.h"
#include "common/db/db.h"
#include "common/http/audit.h"

namespace textus::sessions {

namespace {

constexpr size_t kTokenBytes = 32;

// The attempt is counted (and the lock set when it is the kMaxFailures-th in a row) before the
// password is checked; was_locked is the lock as it stood before this attempt.
const Statement kAttempt{
    "sessions_attempt",
    "UPDATE users u SET"
    " failed_sign_ins = CASE WHEN old.was_locked THEN u.failed_sign_ins"
    "  WHEN u.failed_sign_ins + 1 >= $2 THEN 0 ELSE u.failed_sign_ins + 1 END,"
    " locked_until = CASE WHEN old.was_locked THEN u.locked_until"
    "  WHEN u.failed_sign_ins + 1 >= $2 THEN now() + make_interval(mins => $3)"
    "  ELSE u.locked_until END"
    " FROM (SELECT id, coalesce(locked_until > now(), false) AS was_locked FROM users"
    "  WHERE lower(email) = lower($1) AND disabled_at IS NULL FOR UPDATE) old"
    " WHERE u.id = old.id"
    " RETURNING " +
        std::string(people::kColumns) +
        ", u.password_hash, old.was_locked,"
        " greatest(1, ceil(extract(epoch FROM u.locked_until - now())))::bigint"};
const Statement kSucceeded{
    "sessions_succeeded",
    "WITH cleared AS (UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1)"
    " INSERT INTO sessions (user_id, token_hash) VALUES ($1, $2)"};
// Marks the session used at most once a minute: a request is not a write.
const Statement kAuthenticate{
    "sessions_authenticate",
    "WITH live AS (SELECT s.id AS session_id, s.last_seen_at, " + std::string(people::kColumns) +
        "  FROM sessions s JOIN users u ON u.id = s.user_id"
        "  WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.disabled_at IS NULL"
        "  AND s.last_seen_at > now() - make_interval(hours => $2)"
        "  AND s.created_at > now() - make_interval(days => $3)),"
        " touched AS (UPDATE sessions SET last_seen_at = now() FROM live"
        "  WHERE sessions.id = live.session_id AND live.last_seen_at < now() - interval '1 minute')"
        " SELECT id, email, display_name, role FROM live"};
const Statement kSignOut{"sessions_sign_out",
                         "UPDATE sessions SET ended_at = now() "
                         "WHERE token_hash = $1 AND ended_at IS NULL"};

HttpError invalid_credentials() {
    return HttpError(401, "invalid_credentials", "The email or the password is wrong");
}

}  // namespace

SignedIn sign_in(Db& db, std::string_view email, std::string_view password, std::string_view ip) {
    const auto failed = [&](std::optional<std::string> person, const char* reason) {
        db.transact([&](Tx& tx) {
            audit::record(tx, {"anonymous", std::string(ip)}, "sign_in_failed", person, reason);
        });
    };
    const auto attempt =
        db.transact([&](Tx& tx) { return tx.exec(kAttempt, email, kMaxFailures, kLockMinutes); });
    if (attempt.empty()) {
        password::verify_nothing(password);
        failed(std::nullopt, "no such person");
        throw invalid_credentials();
    }
    const auto& row = attempt[0];
    const auto person = "person " + row[0].as<std::string>();
    if (row[5].as<bool>()) {
        failed(person, "locked");
        HttpError locked(429, "account_locked",
                         "Too many wrong passwords: this account is locked for a while");
        locked.headers.emplace_back("Retry-After", row[6].as<std::string>());
        throw locked;
    }
    if (!password::verify(row[4].as<std::string>(), password)) {
        failed(person, "wrong password");
        throw invalid_credentials();
    }
    SignedIn out{people::person_at(row, 0), crypto::base64url(crypto::random_bytes(kTokenBytes))};
    db.transact([&](Tx& tx) {
        tx.exec(kSucceeded, out.person.id, crypto::sha256_hex(out.token));
        audit::record(tx, {person, std::string(ip)}, "sign_in");
    });
    return out;
}

std::optional<people::Person> authenticate(Tx& tx, std::string_view token) {
    const auto rows = tx.exec(kAuthenticate, crypto::sha256_hex(token), kIdleHours, kMaxDays);
    if (rows.empty()) return std::nullopt;
    return people::person_at(rows[0], 0);
}

void sign_out(Tx& tx, std::string_view token) {
    tx.exec(kSignOut, crypto::sha256_hex(token));
}

std::optional<std::string> token_in(std::string_view cookie_header) {
    // "a=1; textus_session=TOKEN; b=2"
    size_t at = 0;
    while (at < cookie_header.size()) {
        auto end = cookie_header.find(';', at);
        if (end == std::string_view::npos) end = cookie_header.size();
        auto pair = cookie_header.substr(at, end - at);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        if (pair.starts_with(kCookie) && pair.size() > kCookie.size() &&
            pair[kCookie.size()] == '=') {
            return std::string(pair.substr(kCookie.size() + 1));
        }
        at = end + 1;
    }
    return std::nullopt;
}

void check_origin(const Request& request, std::string_view public_base_url) {
    const auto& origin = request.header("origin");
    if (origin.empty() && !token_in(request.header("cookie"))) return;
    const auto authority = public_base_url.find("://");
    const auto site = authority == std::string_view::npos
                          ? std::string_view()
                          : public_base_url.substr(0, public_base_url.find('/', authority + 3));
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; };
    bool same = !site.empty() && origin.size() == site.size();
    for (size_t i = 0; same && i < site.size(); ++i) same = lower(origin[i]) == lower(site[i]);
    if (!same) {
        throw HttpError(403, "cross_origin",
                        "This came from another site or address: open the inbox at the site's "
                        "own address");
    }
}

std::string cookie(std::string_view token, bool secure) {
    return std::string(kCookie) + "=" + std::string(token) +
           "; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=" +
           std::to_string(kMaxDays * 24 * 3600) + (secure ? "; Secure" : "");
}

std::string expired_cookie(bool secure) {
    return std::string(kCookie) + "=; Path=/api/; HttpOnly; SameSite=Strict; Max-Age=0" +
           (secure ? "; Secure" : "");
}

}  // namespace textus::sessions
