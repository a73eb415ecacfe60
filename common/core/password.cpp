#include "common/core/password.h"

#include <algorithm>
#include <array>

#include "common/core/crypto.h"
#include "common/core/error.h"
#include "common/core/text.h"

namespace textus::password {

namespace {

// OWASP's Argon2id minimum (19 MiB, 2 passes, one lane): about 25 ms here, and a handler's two
// processes hashing at once stay well inside the service's 128 MB.
constexpr unsigned long long kPasses = 2;
constexpr size_t kMemoryBytes = 19u << 20;

// The commonest passwords of 12 characters or more, lower-cased (from the lists of leaked
// passwords that attackers try first): the minimum length already rules out the shorter ones.
constexpr std::array<std::string_view, 40> kCommonest = {"000000000000",
                                                         "111111111111",
                                                         "1111111111111",
                                                         "123123123123",
                                                         "123456654321",
                                                         "123456789012",
                                                         "1234567890123",
                                                         "12345678901234",
                                                         "123456789123",
                                                         "123456123456",
                                                         "1q2w3e4r5t6y",
                                                         "1qaz2wsx3edc",
                                                         "abc123456789",
                                                         "abcdefghijkl",
                                                         "administrator",
                                                         "adminadmin123",
                                                         "baseball1234",
                                                         "changeme1234",
                                                         "correcthorsebatterystaple",
                                                         "football1234",
                                                         "iloveyou1234",
                                                         "letmein12345",
                                                         "monkey123456",
                                                         "dragon123456",
                                                         "password1234",
                                                         "password12345",
                                                         "password123456",
                                                         "passwordpassword",
                                                         "princess1234",
                                                         "qazwsxedcrfv",
                                                         "qwerty123456",
                                                         "qwertyuiop12",
                                                         "qwertyuiop123",
                                                         "qwertyuiopasdf",
                                                         "sunshine1234",
                                                         "superman1234",
                                                         "trustno1trustno1",
                                                         "welcome12345",
                                                         "zaq12wsxcde3",
                                                         "987654321098"};

// A hash of a random password nobody knows, with hash()'s parameters.
constexpr char kNothing[] =
    "$argon2id$v=19$m=19456,t=2,p=1$gw88WfKc/MCn/wykZyJjKQ$VEdNX9NKVM9TzE1nQlTQYmhbs/"
    "Qs9c88nt3xbK+N1b0";

HttpError weak(const char* field, const std::string& why) {
    return bad_request("weak_password", "The password " + why, field);
}

}  // namespace

void check_new(std::string_view candidate, const char* field) {
    if (!text::valid_utf8(candidate)) throw bad_request("invalid_text", "Not valid UTF-8", field);
    if (text::length(candidate) < kMinCharacters) {
        throw weak(field, "must have at least " + std::to_string(kMinCharacters) + " characters");
    }
    if (candidate.size() > kMaxBytes) {
        throw weak(field, "must be at most " + std::to_string(kMaxBytes) + " bytes");
    }
    std::string lower(candidate);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; });
    if (std::find(kCommonest.begin(), kCommonest.end(), lower) != kCommonest.end() ||
        lower.find_first_not_of(lower.front()) == std::string::npos) {
        throw weak(field, "is one of the commonest passwords: choose another");
    }
}

std::string generate() {
    return crypto::base64url(crypto::random_bytes(15));
}

std::string hash(std::string_view plain) {
    return crypto::argon2id(plain, kPasses, kMemoryBytes);
}

bool verify(std::string_view stored, std::string_view plain) {
    return crypto::argon2id_verify(stored, plain);
}

void verify_nothing(std::string_view plain) {
    crypto::argon2id_verify(kNothing, plain);
}

}  // namespace textus::password
