#include "common/core/crypto.h"

#include <catch2/catch.hpp>

using namespace textus::crypto;

TEST_CASE("sha256_hex matches FIPS 180-2's vectors") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("hmac_sha1 matches RFC 2202's vectors") {
    CHECK(hex(hmac_sha1("Jefe", "what do ya want for nothing?")) ==
          "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    CHECK(hex(hmac_sha1(std::string(20, '\x0b'), "Hi There")) ==
          "b617318655057264e28bc0b6fb378c8ef146be00");
}

TEST_CASE("md5 matches RFC 1321's vectors") {
    CHECK(hex(md5("abc")) == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(hex(md5("")) == "d41d8cd98f00b204e9800998ecf8427e");
}

TEST_CASE("base64 pads and base64url does not, as RFC 4648 says") {
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foobar") == "Zm9vYmFy");
    CHECK(base64("\xfb\xff") == "+/8=");
    CHECK(base64url("\xfb\xff") == "-_8");
    CHECK(base64url("f") == "Zg");
    CHECK(base64url("") == "");
}

TEST_CASE("hex is lower-case, two digits a byte") {
    CHECK(hex(std::string("\x00\x0f\xa0\xff", 4)) == "000fa0ff");
}

TEST_CASE("random_bytes gives as many bytes as asked, different each time") {
    const auto a = random_bytes(32);
    CHECK(a.size() == 32);
    CHECK(a != random_bytes(32));
    CHECK(random_bytes(0).empty());
}

TEST_CASE("constant_time_equal compares whole strings") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK(constant_time_equal("", ""));
}
