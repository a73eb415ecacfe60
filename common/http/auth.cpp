#include "common/http/auth.h"

#include <cctype>

#include "common/core/crypto.h"
#include "common/db/db.h"
#include "common/http/audit.h"

namespace textus::auth {

namespace {

constexpr std::string_view kPrefix = "tx_";
constexpr size_t kSecretBytes = 32;
constexpr size_t kLookupChars = 12;

bool well_formed(std::string_view token) {
    if (token.size() != kPrefix.size() + 2 * kSecretBytes || !token.starts_with(kPrefix)) {
        return false;
    }
    for (const char c : token.substr(kPrefix.size())) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

std::string lookup_id(std::string_view token) {
    return std::string(token.substr(kPrefix.size(), kLookupChars));
}

const Statement kInsertKey{
    "auth_insert_key",
    "INSERT INTO api_keys (name, lookup_id, key_hash, user_id) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT DO NOTHING RETURNING id"};
const Statement kRevokeKey{
    "auth_revoke_key",
    "UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id"};
const Statement kListKeys{
    "auth_list_keys",
    "SELECT k.name, rfc3339(k.created_at), rfc3339(k.revoked_at), " +
        std::string(people::kColumns) +
        " FROM api_keys k LEFT JOIN users u ON u.id = k.user_id ORDER BY k.created_at, k.id"};
const Statement kFindKey{"auth_find_key", "SELECT k.name, k.key_hash, " +
                                              std::string(people::kColumns) +
                                              " FROM api_keys k"
                                              " LEFT JOIN users u ON u.id = k.user_id"
                                              " WHERE k.lookup_id = $1 AND k.revoked_at IS NULL"
                                              " AND (k.user_id IS NULL OR u.disabled_at IS NULL)"};

// The person in columns first.. of a LEFT JOIN of users, if any.
std::optional<people::Person> person_in(const pqxx::row& row, int first) {
    if (row[first].is_null()) return std::nullopt;
    return people::person_at(row, first);
}

std::string subject(std::string_view name) {
    return "staff key " + std::string(name);
}

}  // namespace

std::string generate_key() {
    return std::string(kPrefix) + crypto::hex(crypto::random_bytes(kSecretBytes));
}

std::optional<std::string> bearer_token(std::string_view authorization) {
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size()) return std::nullopt;
    for (size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
            std::tolower(static_cast<unsigned char>(scheme[i]))) {
            return std::nullopt;
        }
    }
    auto token = authorization.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty()) return std::nullopt;
    return std::string(token);
}

std::string create_key(Tx& tx, const audit::Actor& actor, std::string_view name,
                       std::optional<std::string_view> owner_email) {
    std::optional<int64_t> owner;
    if (owner_email) {
        const auto person = people::find(tx, *owner_email);
        if (!person) throw not_found("Nobody signs in with that email");
        owner = person->id;
    }
    const auto key = generate_key();
    if (tx.exec(kInsertKey, name, lookup_id(key), crypto::sha256_hex(key), owner).empty()) {
        throw conflict("key_exists", "An active key named '" + std::string(name) + "' exists");
    }
    audit::record(tx, actor, "key_created", subject(name));
    return key;
}

bool revoke_key(Tx& tx, const audit::Actor& actor, std::string_view name) {
    if (tx.exec(kRevokeKey, name).empty()) return false;
    audit::record(tx, actor, "key_revoked", subject(name));
    return true;
}

std::vector<KeyInfo> list_keys(Tx& tx) {
    std::vector<KeyInfo> keys;
    for (const auto& row : tx.exec(kListKeys)) {
        keys.push_back({row[0].as<std::string>(), row[1].as<std::string>(), nullable(row[2]),
                        person_in(row, 3)});
    }
    return keys;
}

std::optional<KeyHolder> authenticate(Tx& tx, std::string_view token) {
    if (!well_formed(token)) return std::nullopt;
    const auto hash = crypto::sha256_hex(token);
    for (const auto& row : tx.exec(kFindKey, lookup_id(token))) {
        if (!crypto::constant_time_equal(row[1].as<std::string>(), hash)) continue;
        return KeyHolder{row[0].as<std::string>(), person_in(row, 2)};
    }
    return std::nullopt;
}

}  // namespace textus::auth
