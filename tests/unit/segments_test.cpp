#include "common/core/segments.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

using namespace textus;

TEST_CASE("segments: every case of tests/segments_cases.json (shared with the browser code)") {
    std::ifstream file(TEXTUS_SOURCE_DIR "/tests/segments_cases.json");
    REQUIRE(file);
    const auto cases = nlohmann::json::parse(file);
    REQUIRE(cases.is_array());
    REQUIRE(cases.size() >= 30);
    for (const auto& c : cases) {
        const auto body = c.at("body").get<std::string>();
        INFO(c.at("name").get<std::string>());
        const auto count = segments::count(body);
        REQUIRE(count);
        CHECK(count->encoding == c.at("encoding").get<std::string>());
        CHECK(count->segments == c.at("segments").get<size_t>());
        CHECK(count->characters == c.at("characters").get<size_t>());
        const bool single = count->segments == 1;
        CHECK(count->per_segment ==
              (count->encoding == segments::kGsm7 ? (single ? 160u : 153u) : (single ? 70u : 67u)));
    }
}

TEST_CASE("segments: GSM 03.38's basic set is one septet each, its extension table two") {
    // The basic set in code order, without ESC (0x1B).
    const std::string basic =
        "@\xC2\xA3$\xC2\xA5\xC3\xA8\xC3\xA9\xC3\xB9\xC3\xAC\xC3\xB2\xC3\x87\n\xC3\x98\xC3\xB8\r"
        "\xC3\x85\xC3\xA5\xCE\x94_\xCE\xA6\xCE\x93\xCE\x9B\xCE\xA9\xCE\xA0\xCE\xA8\xCE\xA3\xCE\x98"
        "\xCE\x9E\xC3\x86\xC3\xA6\xC3\x9F\xC3\x89 !\"#\xC2\xA4%&'()*+,-./0123456789:;<=>?\xC2\xA1"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ\xC3\x84\xC3\x96\xC3\x91\xC3\x9C\xC2\xA7\xC2\xBF"
        "abcdefghijklmnopqrstuvwxyz\xC3\xA4\xC3\xB6\xC3\xB1\xC3\xBC\xC3\xA0";
    const auto all = segments::count(basic);
    REQUIRE(all);
    CHECK(all->encoding == "GSM-7");
    CHECK(all->characters == 127);
    CHECK(all->segments == 1);

    for (const char32_t c : std::u32string_view(U"\f^{}\\[~]|\u20AC")) {
        CHECK(segments::gsm7_septets(c) == 2);
    }
    // ESC is not a character anyone types; nor are the other C0 controls but LF and CR.
    for (const char32_t c : {0x1B, 0x00, 0x09, 0x0B, 0x7F}) CHECK(segments::gsm7_septets(c) == 0);
    // Look-alikes and near misses of the basic set.
    for (const char32_t c : {U'`', U'\u00E7', U'\u00EA', U'\u0391', U'\u2019', U'\u00A0', U'\uFF21',
                             U'\u00C0', U'\U0001F600'}) {
        CHECK(segments::gsm7_septets(c) == 0);
    }
}

TEST_CASE("segments: a message over 160 septets is split into parts of at most 153") {
    // 152 + escape pair would be 154: the pair moves whole to part two.
    const std::string body = std::string(152, 'a') + "{" + std::string(152, 'a');
    const auto count = segments::count(body);
    REQUIRE(count);
    CHECK(count->characters == 306);
    CHECK(count->segments == 3);
    CHECK(count->per_segment == 153);
}

TEST_CASE("segments: a body that is not UTF-8 is refused, not guessed at") {
    for (const char* bad : {"\xFF", "abc\xC3", "\xED\xA0\x80", "\xC0\xAF"}) {
        CHECK_FALSE(segments::count(bad));
    }
}

TEST_CASE("segments: the count renders as the send route's JSON fields") {
    const auto count = segments::count("\xF0\x9F\x98\x80 hi");
    REQUIRE(count);
    const nlohmann::json json = {{"segments", count->segments}, {"encoding", count->encoding}};
    CHECK(json.dump() == R"({"encoding":"UCS-2","segments":1})");
    CHECK(count->characters == 5);
}
