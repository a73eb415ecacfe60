#include "common/core/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <stdexcept>

namespace textus::crypto {

namespace {

const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

// libsodium asks to be initialised once before use (it picks its implementations and opens the
// random source); later calls return at once.
void ready() {
    static const bool initialised = sodium_init() >= 0;
    if (!initialised) throw std::runtime_error("libsodium could not be initialised");
}

std::string encode(std::string_view bytes, int variant) {
    ready();
    std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes_of(bytes), bytes.size(), variant);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    ready();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, bytes_of(data), data.size());
    return hex({reinterpret_cast<const char*>(digest), sizeof digest});
}

std::string hmac_sha1(std::string_view key, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(),
              digest, &size)) {
        throw std::runtime_error("HMAC-SHA1 failed");
    }
    return {reinterpret_cast<const char*>(digest), size};
}

std::string md5(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr) != 1) {
        throw std::runtime_error("MD5 failed");
    }
    return {reinterpret_cast<const char*>(digest), size};
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(bytes.size() * 2, '0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        out[2 * i] = digits[byte >> 4];
        out[2 * i + 1] = digits[byte & 0xf];
    }
    return out;
}

std::string base64(std::string_view bytes) {
    return encode(bytes, sodium_base64_VARIANT_ORIGINAL);
}

std::string base64url(std::string_view bytes) {
    return encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string random_bytes(size_t count) {
    ready();
    std::string out(count, '\0');
    randombytes_buf(out.data(), count);
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    ready();
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string argon2id(std::string_view plain, unsigned long long passes, size_t memory_bytes) {
    ready();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, plain.data(), plain.size(), passes, memory_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("Argon2id ran out of memory");
    }
    return out;
}

bool argon2id_verify(std::string_view stored, std::string_view plain) {
    ready();
    if (stored.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(std::string(stored).c_str(), plain.data(), plain.size()) == 0;
}

}  // namespace textus::crypto
