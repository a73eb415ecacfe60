#include "common/consent/keywords.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <utility>

using namespace textus;
using keywords::Kind;

namespace {

Kind kind(std::string_view body) {
    return keywords::classify(body).kind;
}

}  // namespace

TEST_CASE("keywords: every default keyword, with its kind and canonical spelling") {
    const std::pair<const char*, Kind> all[] = {
        {"STOP", Kind::opt_out},   {"STOPALL", Kind::opt_out}, {"UNSUBSCRIBE", Kind::opt_out},
        {"CANCEL", Kind::opt_out}, {"END", Kind::opt_out},     {"QUIT", Kind::opt_out},
        {"OPTOUT", Kind::opt_out}, {"REVOKE", Kind::opt_out},  {"START", Kind::opt_in},
        {"YES", Kind::opt_in},     {"UNSTOP", Kind::opt_in},   {"HELP", Kind::help},
        {"INFO", Kind::help},
    };
    for (const auto& [word, expected] : all) {
        INFO(word);
        const auto match = keywords::classify(word);
        CHECK(match.kind == expected);
        CHECK(match.keyword == word);
    }
}

TEST_CASE("keywords: any ASCII case, canonical keyword in upper case") {
    for (const char* body : {"stop", "Stop", "sToP", "STOP"}) {
        INFO(body);
        const auto match = keywords::classify(body);
        CHECK(match.kind == Kind::opt_out);
        CHECK(match.keyword == "STOP");
    }
    CHECK(keywords::classify("unStop").keyword == "UNSTOP");
    CHECK(keywords::classify("yes").kind == Kind::opt_in);
    CHECK(keywords::classify("Info").kind == Kind::help);
    CHECK(keywords::classify("stopall").keyword == "STOPALL");
    CHECK(keywords::classify("OptOut").keyword == "OPTOUT");
}

TEST_CASE("keywords: white space and line breaks around the keyword are ignored") {
    const std::string no_break = "\xC2\xA0", zero_width = "\xE2\x80\x8B", bom = "\xEF\xBB\xBF",
                      ideographic = "\xE3\x80\x80";
    for (const std::string& body :
         {std::string(" STOP"), std::string("STOP "), std::string("\tstop\t"),
          std::string("STOP\n"), std::string("\r\nStop\r\n"), std::string("  \n STOP \n "),
          no_break + "STOP" + no_break, zero_width + "STOP", bom + "STOP",
          ideographic + "STOP" + ideographic}) {
        INFO(body);
        CHECK(keywords::classify(body).keyword == "STOP");
    }
    CHECK(keywords::classify("\n\nhelp\n").kind == Kind::help);
}

TEST_CASE("keywords: only the whole message is a keyword") {
    for (const char* body : {"STOP.",      "STOP!",   "stop please", "Please stop",     "STOP STOP",
                             "S TOP",      "STO P",   "STOP\nSTOP",  "\"STOP\"",        "'stop'",
                             "(STOP)",     "STOP-",   "#STOP",       "STOPS",           "STOPPED",
                             "ASTOP",      "NO",      "YES!",        "yes please",      "HELP?",
                             "help me",    "END.",    "the end",     "STOP ALL",        "OPT OUT",
                             "OPT-OUT",    "UN STOP", "STARTS",      "cancel my order", "QUITE",
                             "INFORMATION"}) {
        INFO(body);
        CHECK(kind(body) == Kind::none);
        CHECK(keywords::classify(body).keyword.empty());
    }
}

TEST_CASE("keywords: look-alike letters never match") {
    for (const char* body : {
             "\xEF\xBC\xB3\xEF\xBC\xB4\xEF\xBC\xAF\xEF\xBC\xB0",  // full-width STOP
             "\xD0\xA1TOP",                                       // Cyrillic С
             "ST\xD0\x9EP",                                       // Cyrillic О
             "S\xE2\x80\x8BTOP",  // a zero-width space inside the word
             "STOP\xCC\x81",      // a combining accent on the P
             "\xC5\xBFTOP",       // long s
             "\xF0\x9D\x90\x92\xF0\x9D\x90\x93\xF0\x9D\x90\x8E\xF0\x9D\x90\x8F",  // bold STOP
         }) {
        INFO(body);
        CHECK(kind(body) == Kind::none);
    }
}

TEST_CASE("keywords: empty, control characters and invalid UTF-8 are none") {
    CHECK(kind("") == Kind::none);
    CHECK(kind("   \n") == Kind::none);
    CHECK(kind(std::string("STOP\0", 5)) == Kind::none);
    CHECK(kind(std::string("\0STOP", 5)) == Kind::none);
    CHECK(kind("STOP\xFF") == Kind::none);
    CHECK(kind("\xC3STOP") == Kind::none);
    CHECK(kind(std::string(10000, ' ') + "STOP") == Kind::opt_out);
}

TEST_CASE("keywords: kind names are the consent log's") {
    CHECK(keywords::name(Kind::opt_out) == "opt_out");
    CHECK(keywords::name(Kind::opt_in) == "opt_in");
    CHECK(keywords::name(Kind::help) == "help");
    CHECK(keywords::name(Kind::none) == "none");
}
