#include "common/sending/links.h"

#include <catch2/catch.hpp>

#include "common/core/error.h"

using namespace textus;

namespace {

int status_of(std::string_view body, std::string_view base = "https://sms.example.com") {
    try {
        links::shorten(body, base);
    } catch (const HttpError& e) {
        return e.status;
    }
    return 0;
}

}  // namespace

TEST_CASE("each {link:URL} becomes a short link of its own on our domain", "[links]") {
    const auto out = links::shorten(
        "Club: {link:https://example.com/club?a=1&b=2} and {link:http://example.com/x} {firstName}",
        "https://sms.example.com/");
    REQUIRE(out.links.size() == 2);
    CHECK(out.links[0].url == "https://example.com/club?a=1&b=2");
    CHECK(out.links[1].url == "http://example.com/x");
    CHECK(out.links[0].code != out.links[1].code);
    CHECK(links::plausible(out.links[0].code));
    CHECK(out.body == "Club: https://sms.example.com/l/" + out.links[0].code +
                          " and https://sms.example.com/l/" + out.links[1].code + " {firstName}");
    // Text without links is left alone, a lone brace too.
    CHECK(links::shorten("Hi {firstName} {link", "https://b").body == "Hi {firstName} {link");
    CHECK(links::shorten("no links", "").links.empty());
}

TEST_CASE("a link that is no web address is refused; a link needs PUBLIC_BASE_URL", "[links]") {
    CHECK(status_of("{link:javascript:alert(1)}") == 400);
    CHECK(status_of("{link:https://exa mple.com}") == 400);
    CHECK(status_of("{link:ftp://example.com}") == 400);
    CHECK(status_of("{link:}") == 400);
    CHECK(status_of("{link:https://}") == 400);
    CHECK(status_of("{link:https://example.com/" + std::string(2000, 'a') + "}") == 400);
    CHECK(status_of("{link:https://example.com}", "") == 503);
    CHECK(status_of("{link:https://example.com}") == 0);
}

TEST_CASE("a body is counted with its short links' length", "[links]") {
    CHECK(links::as_counted("Go: {link:https://example.com/a-very-long-path}", "https://b.co") ==
          "Go: https://b.co/l/xxxxxxxxxx");
    CHECK(links::plausible("Ab3dEf7hJk"));
    CHECK_FALSE(links::plausible("Ab3dEf7hJ"));
    CHECK_FALSE(links::plausible("Ab3dEf7hJ!"));
}
