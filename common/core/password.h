// Passwords of the people who sign in (issue 27): what a new one must be, and how it is kept
// and checked. Kept as libsodium's Argon2id string (salt and parameters inside), never logged.
#pragma once

#include <string>
#include <string_view>

namespace textus::password {

inline constexpr size_t kMinCharacters = 12;
// Argon2id reads all of it; a limit keeps a huge one from costing more than the hash.
inline constexpr size_t kMaxBytes = 1024;

// Throws 400 weak_password (field `field`) unless `candidate` has at least kMinCharacters
// characters, at most kMaxBytes bytes, and is none of the commonest passwords (whatever its
// case).
void check_new(std::string_view candidate, const char* field = "password");

// A random password that check_new accepts: 20 characters of base64url (120 bits), for
// textus-admin to print once.
std::string generate();

// The Argon2id string of `plain`.
std::string hash(std::string_view plain);

// Whether `plain` is the password of `stored` (a hash() string); false for a malformed one.
bool verify(std::string_view stored, std::string_view plain);

// verify()'s work against a hash of nothing: a sign-in for an unknown email takes as long as
// one with a wrong password.
void verify_nothing(std::string_view plain);

}  // namespace textus::password
