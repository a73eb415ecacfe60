#include "common/core/csv.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;

namespace {

std::vector<std::vector<std::string>> cells(const std::vector<csv::Row>& rows) {
    std::vector<std::vector<std::string>> out;
    for (const auto& row : rows) out.push_back(row.cells);
    return out;
}

int status_of(std::string_view text, size_t max_rows = 10) {
    try {
        csv::parse(text, max_rows);
    } catch (const HttpError& e) {
        return e.status;
    }
    return 0;
}

}  // namespace

TEST_CASE("CSV as spreadsheets write it: BOM, commas or semicolons, quotes, CRLF", "[csv]") {
    const auto rows = csv::parse(
        "\xEF\xBB\xBF"
        "a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\r\n4,,\n",
        10);
    CHECK(cells(rows) == std::vector<std::vector<std::string>>{
                             {"a", "b", "c"}, {"1", "x, \"y\"", "3"}, {"4", "", ""}});
    CHECK(rows[2].line == 4);  // the blank line 3 is skipped, its number kept
    const auto semi = csv::parse("Name;Phone;Note\nAnn;+1 760;\"a;b\"\n", 10);
    CHECK(cells(semi)[1] == std::vector<std::string>{"Ann", "+1 760", "a;b"});
    // A quoted line break stays in the cell; the next row's line counts it.
    const auto multi = csv::parse("a,b\n\"one\ntwo\",x\ny,z", 10);
    CHECK(multi[1].cells[0] == "one\ntwo");
    CHECK(multi[2].line == 4);
    // A header with more commas than semicolons is comma-separated.
    CHECK(cells(csv::parse("a,b;c\n1,2;3\n", 10))[1] == std::vector<std::string>{"1", "2;3"});
}

TEST_CASE("CSV that is no text, or never closes a quote, or is too long, is refused", "[csv]") {
    CHECK(status_of("a\n\xff\n") == 400);
    CHECK(status_of(std::string("a\nb\0c\n", 6)) == 400);
    CHECK(status_of("a,b\n\"open,2\n3,4\n") == 400);
    CHECK(status_of("h\n1\n2\n3\n", 2) == 400);
    CHECK(status_of("h\n1\n2\n", 2) == 0);
    try {
        csv::parse("a\nb\n\"c\n", 10);
    } catch (const HttpError& e) {
        CHECK(std::string(e.what()).starts_with("Line 3:"));
    }
}

TEST_CASE("a cell a spreadsheet would run is written as text, and read back as it was", "[csv]") {
    CHECK(csv::cell("=1+2") == "'=1+2");
    CHECK(csv::cell("+17605550142") == "'+17605550142");
    CHECK(csv::cell("-2024") == "'-2024");
    CHECK(csv::cell("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv::cell("\tx") == "'\tx");
    CHECK(csv::cell("=HYPERLINK(\"a\",\"b\")") == "\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\"");
    CHECK(csv::cell("plain") == "plain");
    CHECK(csv::cell("a,b") == "\"a,b\"");
    CHECK(csv::cell("line\nbreak") == "\"line\nbreak\"");
    CHECK(csv::line({"a", "=b", ""}) == "a,'=b,\r\n");
    for (const std::string value : {"=1+2", "+1760", "-x", "@y", "'quoted", "plain"}) {
        const auto back = csv::parse("h\n" + csv::line({value}), 10);
        REQUIRE(back.size() == 2);
        CHECK(csv::unguard(back[1].cells[0]) == value);
    }
    CHECK(csv::unguard("'hello") == "'hello");  // an apostrophe of its own stays
}
