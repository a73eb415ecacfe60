// Hashes, encodings, random bytes and constant-time comparison: every one textus uses, in one
// place. From libsodium where it has them, since a handler may serve a single request (plain
// CGI, or the first after an idle exit) and OpenSSL 3 spends 0.5-1 ms loading its providers on
// its first digest, against microseconds for libsodium. HMAC-SHA1 (Twilio's signatures) and MD5
// (nchan's secure links) are not in libsodium: those two are OpenSSL's.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace textus::crypto {

// Lower-case hex of SHA-256(data).
std::string sha256_hex(std::string_view data);
// The raw 20 bytes of HMAC-SHA1(key, data).
std::string hmac_sha1(std::string_view key, std::string_view data);
// The raw 16 bytes of MD5(data).
std::string md5(std::string_view data);

std::string hex(std::string_view bytes);
// RFC 4648 base64, padded.
std::string base64(std::string_view bytes);
// RFC 4648 base64url, unpadded.
std::string base64url(std::string_view bytes);

// `count` bytes from the operating system's CSPRNG.
std::string random_bytes(size_t count);

// Whether a and b are equal, in a time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

// Argon2id (RFC 9106) of `plain` with `passes` over `memory_bytes`, as libsodium's string: the
// parameters and a random salt inside.
std::string argon2id(std::string_view plain, unsigned long long passes, size_t memory_bytes);
// Whether `plain` hashes to `stored` (an argon2id() string, with its own parameters); false for
// a malformed one.
bool argon2id_verify(std::string_view stored, std::string_view plain);

}  // namespace textus::crypto
