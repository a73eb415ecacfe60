// Staff API keys: random, shown once, stored only as SHA-256, compared in constant time.
// A key is "tx_" + 64 hex digits; its first 12 hex digits are a lookup id that finds the
// stored hash without comparing secrets in SQL. A key belongs to a person and acts with their
// role (docs/decisions.md, People and sign-in); a key of nobody acts as the owner.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/people.h"

namespace textus {

class Tx;

namespace audit {
struct Actor;
}

namespace auth {

std::string generate_key();

// The token of an "Authorization: Bearer <token>" header value, if it is one.
std::optional<std::string> bearer_token(std::string_view authorization);

struct KeyInfo {
    std::string name;
    std::string created_at;
    std::optional<std::string> revoked_at;
    std::optional<people::Person> person;  // whose it is; none: a key of nobody
};

// Creates a key under `name` for the person who signs in with `owner_email`, if given (404 when
// nobody does; 409 key_exists when an active key has that name) and returns the key itself,
// which is stored nowhere. In the audit log as done by `actor`.
std::string create_key(Tx& tx, const audit::Actor& actor, std::string_view name,
                       std::optional<std::string_view> owner_email = std::nullopt);
// Revokes the active key called `name`, in the audit log as done by `actor`; false when there
// is none.
bool revoke_key(Tx& tx, const audit::Actor& actor, std::string_view name);
std::vector<KeyInfo> list_keys(Tx& tx);

struct KeyHolder {
    std::string key_name;
    std::optional<people::Person> person;  // none: a key of nobody, which acts as the owner
};

// Who holds the active key `token` is, or nothing (no such key, or its person is disabled).
std::optional<KeyHolder> authenticate(Tx& tx, std::string_view token);

}  // namespace auth
}  // namespace textus
