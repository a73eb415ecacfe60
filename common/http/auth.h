// Staff API keys: random, shown once, stored only as SHA-256, compared in constant time.
// A key is "tx_" + 64 hex digits; its first 12 hex digits are a lookup id that finds the
// stored hash without comparing secrets in SQL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textus {

class Tx;

namespace auth {

std::string generate_key();

// The token of an "Authorization: Bearer <token>" header value, if it is one.
std::optional<std::string> bearer_token(std::string_view authorization);

struct KeyInfo {
    std::string name;
    std::string created_at;
    std::optional<std::string> revoked_at;
};

// Creates a key under `name` (409 key_exists when an active key has that name) and returns
// the key itself, which is stored nowhere.
std::string create_key(Tx& tx, std::string_view name);
// Revokes the active key called `name`; false when there is none.
bool revoke_key(Tx& tx, std::string_view name);
std::vector<KeyInfo> list_keys(Tx& tx);

// The name of the active key `token` is, or nothing.
std::optional<std::string> authenticate(Tx& tx, std::string_view token);

}  // namespace auth
}  // namespace textus
