#include "common/core/text.h"

#include <catch2/catch.hpp>

using namespace textus;

TEST_CASE("valid_utf8 refuses malformed sequences") {
    CHECK(text::valid_utf8(""));
    CHECK(text::valid_utf8("plain"));
    CHECK(text::valid_utf8("\xC3\x89mile \xE2\x82\xAC \xF0\x9F\x98\x80"));
    for (const char* bad : {"\xFF", "\xC3", "\xC3\x28", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80",
                            "\xF4\x90\x80\x80", "\xF8\x88\x80\x80\x80", "a\x80"}) {
        CHECK_FALSE(text::valid_utf8(bad));
    }
}

TEST_CASE("length counts characters") {
    CHECK(text::length("abc") == 3);
    CHECK(text::length("\xC3\x89mile") == 5);
    CHECK(text::length("\xF0\x9F\x98\x80") == 1);
}

TEST_CASE("trim removes Unicode white space and invisible characters at both ends only") {
    CHECK(text::trim("  Ann \t") == "Ann");
    CHECK(text::trim("\xE2\x80\x8B\xC2\xA0"
                     "Ann\xE2\x80\x8D"
                     "Lee\xEF\xBB\xBF\xE3\x80\x80") ==
          "Ann\xE2\x80\x8D"
          "Lee");
    CHECK(text::trim("\xE2\x80\x8B\xE2\x81\xA0\xC2\xAD").empty());
    CHECK(text::trim("").empty());
    CHECK(text::trim("\xC3\x89") == "\xC3\x89");
}

TEST_CASE("has_control finds control characters, allowing line breaks in multi-line text") {
    CHECK_FALSE(text::has_control("Ann Lee", false));
    CHECK(text::has_control("a\nb", false));
    CHECK_FALSE(text::has_control("a\nb\tc\r\n", true));
    CHECK(text::has_control(std::string("a\0b", 3), true));
    CHECK(text::has_control("a\x7F", true));
    CHECK(text::has_control("a\xC2\x85", true));  // U+0085, a C1 control
}
