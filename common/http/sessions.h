// Signing in as a person (issue 27): email and password for a session cookie. The cookie holds
// 256 random bits; the database keeps their SHA-256 only. A session ends at sign-out, after
// kIdleHours unused, or kMaxDays after it began. Failed sign-ins in a row (kMaxFailures) lock
// the account for kLockMinutes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/http/http.h"
#include "common/http/people.h"

namespace textus {

class Db;
class Tx;

namespace sessions {

inline constexpr std::string_view kCookie = "textus_session";
inline constexpr int kIdleHours = 12;
inline constexpr int kMaxDays = 7;
inline constexpr int kMaxFailures = 5;
inline constexpr int kLockMinutes = 15;

struct SignedIn {
    people::Person person;
    std::string token;  // the cookie's value
};

// Checks `email` and `password` and opens a session. An unknown email, a disabled person and a
// wrong password are one answer, 401 invalid_credentials, after the same work (one database
// round trip and one Argon2id check). A locked account is 429 account_locked with Retry-After,
// its password unchecked. Two units: the attempt is counted before the slow check, so guesses
// sent in parallel cannot pass the limit.
// Every attempt is in the audit log (from `ip`), the typed email never.
SignedIn sign_in(Db& db, std::string_view email, std::string_view password, std::string_view ip);

// The person whose live session `token` is; marks the session used.
std::optional<people::Person> authenticate(Tx& tx, std::string_view token);

// Ends the session `token` is, if it is live.
void sign_out(Tx& tx, std::string_view token);

// The session token in a Cookie header, if it holds one.
std::optional<std::string> token_in(std::string_view cookie_header);

// Throws 403 cross_origin unless `request` comes from the site's own pages: its Origin header is
// the scheme, host and port of `public_base_url`, or it has neither an Origin nor the session
// cookie (curl, a key). For writes: a browser sends Origin on every POST, PUT, PATCH and
// DELETE, so another site cannot sign a visitor in or out, or write with their cookie
// (SameSite=Strict aside).
void check_origin(const Request& request, std::string_view public_base_url);

// Set-Cookie values: the session's (Secure when the site is HTTPS), and one that deletes it.
std::string cookie(std::string_view token, bool secure);
std::string expired_cookie(bool secure);

}  // namespace sessions
}  // namespace textus
