#include "common/core/password.h"

#include <catch2/catch.hpp>
#include <string>

#include "common/core/error.h"

using namespace textus;

namespace {

std::string code_of(std::string_view candidate) {
    try {
        password::check_new(candidate);
        return "";
    } catch (const HttpError& error) {
        CHECK(error.status == 400);
        CHECK(error.field == "password");
        return error.code;
    }
}

}  // namespace

TEST_CASE("a new password needs 12 characters, counted as characters") {
    CHECK(code_of("eleven-char") == "weak_password");
    CHECK(code_of("twelve-chars") == "");
    // 11 two-byte characters are 22 bytes but 11 characters.
    std::string accents;
    for (int i = 0; i < 11; ++i) accents += "\xc3\xa9";
    CHECK(code_of(accents) == "weak_password");
    CHECK(code_of(accents + "x") == "");
    CHECK(code_of(std::string(password::kMaxBytes, 'x') + "y") == "weak_password");
    CHECK(code_of("\xff\xfe twelve chars") == "invalid_text");
}

TEST_CASE("the commonest passwords are refused whatever their case") {
    CHECK(code_of("password1234") == "weak_password");
    CHECK(code_of("PassWord1234") == "weak_password");
    CHECK(code_of("1qaz2wsx3edc") == "weak_password");
    CHECK(code_of("zzzzzzzzzzzzzzzz") == "weak_password");
    CHECK(code_of("password1234!") == "");
}

TEST_CASE("a generated password is 20 characters that check_new accepts") {
    const auto a = password::generate();
    CHECK(a.size() == 20);
    CHECK(code_of(a) == "");
    CHECK(a != password::generate());
}

TEST_CASE("a hash verifies its password and no other") {
    const auto stored = password::hash("correct horse battery");
    CHECK(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    CHECK(password::verify(stored, "correct horse battery"));
    CHECK_FALSE(password::verify(stored, "correct horse batterz"));
    CHECK_FALSE(password::verify(stored, ""));
    CHECK(password::hash("correct horse battery") != stored);  // salted
    CHECK_FALSE(password::verify("not a hash", "correct horse battery"));
    CHECK_FALSE(password::verify(std::string(300, '$'), "x"));
    password::verify_nothing("anything");
}
